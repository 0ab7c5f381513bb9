// One libFuzzer harness per importer: the bytes become an in-memory Input
// (qdx::Input::fromMemory) handed to the plugin's importer, linked directly
// from its static qdx_<name>_impl library. The build defines
//   QDX_FUZZ_HEADER    the provider's header, e.g. "JsonFormat.h"
//   QDX_FUZZ_PROVIDER  the provider class, e.g. qdx::jsonfmt::JsonFormatProvider
//   QDX_FUZZ_NAME      the input's name (its suffix matters to some readers)
//   QDX_FUZZ_ZIP_NAME  optional: the name used when the bytes start with "PK"
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

namespace {

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
