// A test-only plugin whose exporters fail half way, for the crash-safety tests:
//   "failwrite" (.fail):   writes half of its output, then throws OutputError
//   "throwwrite" (.throw): writes half, then throws a plain std::runtime_error
//   "stallwrite" (.stall): writes half, flushes, then sleeps until killed
// Each writes the project name repeated QDX_TEST_WRITE_BYTES times (default 1 MiB).
// Built into its own folder and loaded only with --plugin-path.
#include "qdx/Errors.h"
#include "qdx/plugin/Plugin.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>

namespace {

enum class Mode { Fail, Throw, Stall };

class HalfWriter : public qdx::Exporter {
public:
    explicit HalfWriter(Mode m) : _mode(m) {}
    void write(const qdx::Project&, const std::string& path, const qdx::Options&, qdx::Diagnostics&) override {
        std::size_t total = 1u << 20;
        if (const char* v = std::getenv("QDX_TEST_WRITE_BYTES")) total = std::strtoull(v, nullptr, 10);
        std::ofstream out(path, std::ios::binary);
        std::string half(total / 2, 'P');
        out << half;
        out.flush();
        switch (_mode) {
        case Mode::Fail: throw qdx::OutputError("injected failure after " + std::to_string(half.size()) + " bytes");
        case Mode::Throw: throw std::runtime_error("injected std::runtime_error after " + std::to_string(half.size()) + " bytes");
        case Mode::Stall:
            for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));  // until SIGKILL
        }
    }

private:
    Mode _mode;
};

template <Mode M>
class HalfProvider : public qdx::FormatProvider {
public:
    qdx::FormatInfo info() const override {
        qdx::FormatInfo f;
        f.name = M == Mode::Fail ? "failwrite" : M == Mode::Throw ? "throwwrite" : "stallwrite";
        f.extensions = {M == Mode::Fail ? "fail" : M == Mode::Throw ? "throw" : "stall"};
        f.description = "test plugin: an exporter that fails half way";
        f.canWrite = true;
        return f;
    }
    std::unique_ptr<qdx::Exporter> createExporter() const override { return std::make_unique<HalfWriter>(M); }
};

using FailProvider = HalfProvider<Mode::Fail>;
using ThrowProvider = HalfProvider<Mode::Throw>;
using StallProvider = HalfProvider<Mode::Stall>;

} // namespace

extern "C" __attribute__((visibility("default"))) int qdx_plugin_abi() { return QDX_PLUGIN_ABI; }
POCO_BEGIN_NAMED_MANIFEST(QDX_PLUGIN_CONCAT_(qdx_abi_, QDX_PLUGIN_ABI), qdx::FormatProvider)
POCO_EXPORT_CLASS(FailProvider)
POCO_EXPORT_CLASS(ThrowProvider)
POCO_EXPORT_CLASS(StallProvider)
POCO_END_MANIFEST
