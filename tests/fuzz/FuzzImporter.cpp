// One libFuzzer harness per importer: the bytes become an in-memory Input
// (qdx::Input::fromMemory) handed to the plugin's importer, linked directly
// from its static qdx_<name>_impl library. The build defines
//   QDX_FUZZ_HEADER    the provider's header, e.g. "JsonFormat.h"
//   QDX_FUZZ_PROVIDER  the provider class, e.g. qdx::jsonfmt::JsonFormatProvider
//   QDX_FUZZ_NAME      the input's name (its suffix matters to some readers)
//   QDX_FUZZ_ZIP_NAME  optional: the name used when the bytes start with "PK"
//   QDX_FUZZ_PARTS     optional: the bytes are the members of a zip, each as
//                      "==> name\n" then its content, and the harness zips them
//                      (stored, valid CRCs) before the importer sees them, so
//                      mutations reach the XML inside an .xlsx or a .qdpx
//                      instead of dying in the zip layer's checks
//
// A qdx::Error (InputError, LimitError, UsageError ...) is the expected answer
// to hostile bytes. Anything else escaping the importer — another exception,
// a crash, a sanitizer report, a timeout, running out of memory — is a bug
// and stops the fuzzer with a reproducer.

#include QDX_FUZZ_HEADER

#include "qdx/Diagnostics.h"
#include "qdx/Errors.h"
#include "qdx/Input.h"
#include "qdx/Validate.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#ifdef QDX_FUZZ_PARTS
#include <zlib.h>
#endif

namespace {

#ifdef QDX_FUZZ_PARTS
void le(std::string& o, std::uint32_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) o += static_cast<char>((v >> (8 * i)) & 0xFF);
}

/// A zip of stored members from "==> name\n" + content parts (names and contents as
/// the fuzzer made them: the reader's own checks decide what is acceptable).
std::string zipParts(const std::string& in) {
    const std::string mark = "==> ";
    std::vector<std::pair<std::string, std::string>> parts;
    std::size_t at = in.compare(0, mark.size(), mark) == 0 ? 0 : in.find("\n" + mark);
    if (at != std::string::npos && at != 0) ++at;
    while (at != std::string::npos && parts.size() < 64) {
        std::size_t nameEnd = in.find('\n', at + mark.size());
        if (nameEnd == std::string::npos) break;
        std::size_t next = in.find("\n" + mark, nameEnd);
        std::string name = in.substr(at + mark.size(), nameEnd - at - mark.size());
        std::size_t end = next == std::string::npos ? in.size() : next;
        parts.emplace_back(name.substr(0, 0xFFFF), in.substr(nameEnd + 1, end - nameEnd - 1));
        at = next == std::string::npos ? next : next + 1;
    }
    std::string zip, central;
    for (const auto& [name, data] : parts) {
        std::uint32_t crc = static_cast<std::uint32_t>(
            crc32(0, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
        std::uint32_t offset = static_cast<std::uint32_t>(zip.size());
        le(zip, 0x04034b50, 4); le(zip, 20, 2); le(zip, 0, 2); le(zip, 0, 2); le(zip, 0, 2); le(zip, 0x21, 2);
        le(zip, crc, 4); le(zip, static_cast<std::uint32_t>(data.size()), 4); le(zip, static_cast<std::uint32_t>(data.size()), 4);
        le(zip, static_cast<std::uint32_t>(name.size()), 2); le(zip, 0, 2);
        zip += name;
        zip += data;
        le(central, 0x02014b50, 4); le(central, 20, 2); le(central, 20, 2); le(central, 0, 2); le(central, 0, 2);
        le(central, 0, 2); le(central, 0x21, 2); le(central, crc, 4);
        le(central, static_cast<std::uint32_t>(data.size()), 4); le(central, static_cast<std::uint32_t>(data.size()), 4);
        le(central, static_cast<std::uint32_t>(name.size()), 2); le(central, 0, 2); le(central, 0, 2); le(central, 0, 2);
        le(central, 0, 2); le(central, 0, 4); le(central, offset, 4);
        central += name;
    }
    std::uint32_t cdOffset = static_cast<std::uint32_t>(zip.size());
    zip += central;
    le(zip, 0x06054b50, 4); le(zip, 0, 2); le(zip, 0, 2);
    le(zip, static_cast<std::uint32_t>(parts.size()), 2); le(zip, static_cast<std::uint32_t>(parts.size()), 2);
    le(zip, static_cast<std::uint32_t>(central.size()), 4); le(zip, cdOffset, 4); le(zip, 0, 2);
    return zip;
}
#endif

/// The importer's read options with their defaults, as the registry would pass them.
qdx::Options defaultReadOptions(const qdx::FormatInfo& info) {
    std::vector<qdx::OptionSpec> specs;
    for (const auto& s : info.options)
        if (s.forRead) specs.push_back(s);
    return qdx::Options({}, specs);
}

} // namespace

/// UBSan defaults of the harness: stop at the first report, with a stack, except
/// for the RapidJSON header quirk listed in tests/fuzz/ubsan.supp.
extern "C" const char* __ubsan_default_options() {
    return "print_stacktrace=1:halt_on_error=1:suppressions=" QDX_FUZZ_UBSAN_SUPP;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static const QDX_FUZZ_PROVIDER provider;
    static const qdx::Options options = defaultReadOptions(provider.info());

    std::string bytes(reinterpret_cast<const char*>(data), size);
#ifdef QDX_FUZZ_PARTS
    bytes = zipParts(bytes);
#endif
    std::string name = QDX_FUZZ_NAME;
#ifdef QDX_FUZZ_ZIP_NAME
    if (bytes.compare(0, 2, "PK") == 0) name = QDX_FUZZ_ZIP_NAME;
#endif
    qdx::Input in = qdx::Input::fromMemory(std::move(bytes), name);
    auto importer = provider.createImporter();
    (void)importer->probe(in);  // must never throw (noexcept)
    qdx::Diagnostics diag;
    try {
        qdx::Project p = importer->read(in, options, diag);
        // Whatever an importer accepts must be safe to check.
        qdx::Diagnostics problems;
        (void)qdx::validateProject(p, problems);
    } catch (const qdx::Error&) {
        // a clean refusal
    }
    return 0;
}
