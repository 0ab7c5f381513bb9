// A plugin whose reader throws a non-qdx exception (or, with
// QDX_TEST_BAD_INFO, whose info() throws).
#include "qdx/plugin/Plugin.h"

#include <stdexcept>

namespace {
class ThrowingImporter : public qdx::Importer {
public:
    int probe(const qdx::Input&) const noexcept override { return 0; }
    qdx::Project read(const qdx::Input&, const qdx::Options&, qdx::Diagnostics&) override {
        throw std::logic_error("boom from the throwing plugin");
    }
};
class ThrowingProvider : public qdx::FormatProvider {
public:
    qdx::FormatInfo info() const override {
#ifdef QDX_TEST_BAD_INFO
        throw std::runtime_error("info is broken");
#endif
        qdx::FormatInfo f;
        f.name = "throwing";
        f.extensions = {"throw"};
        f.canRead = true;
        return f;
    }
    std::unique_ptr<qdx::Importer> createImporter() const override { return std::make_unique<ThrowingImporter>(); }
};
} // namespace

QDX_PLUGIN(ThrowingProvider)
