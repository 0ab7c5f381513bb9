// libFuzzer harness: ZipReader over an in-memory archive, reading every member
// both ways. Anything but qdx::InputError (a crash, a leak, another exception)
// is a finding. Build with clang: -fsanitize=fuzzer,address,undefined.

#include "qdx/Errors.h"
#include "qdx/Input.h"
#include "qdx/Zip.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    qdx::ZipLimits limits;
    limits.maxTotalSize = 64u << 20;
    limits.maxEntrySize = 16u << 20;
    try {
        auto zip = qdx::ZipReader::open(
            qdx::Input::fromMemory(std::string(reinterpret_cast<const char*>(data), size), "fuzz.zip"), limits);
        for (const auto& e : zip->entries()) {
            try {
                zip->read(e, 16u << 20);
            } catch (const qdx::InputError&) {
            }
            try {
                auto in = zip->openStream(e);
                char buf[4096];
                while (in->read(buf, sizeof buf) || in->gcount() > 0) {
                }
            } catch (const qdx::InputError&) {
            }
        }
    } catch (const qdx::InputError&) {
    }
    return 0;
}
