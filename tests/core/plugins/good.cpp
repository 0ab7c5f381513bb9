// A minimal, correct plugin ("good", or "dupname" claiming the name "good").
#include "qdx/plugin/Plugin.h"

namespace {
class GoodImporter : public qdx::Importer {
public:
    int probe(const qdx::Input& in) const noexcept override { return in.head().rfind("GOOD", 0) == 0 ? 100 : 0; }
    qdx::Project read(const qdx::Input& in, const qdx::Options&, qdx::Diagnostics&) override {
        qdx::Project p;
        p.name = in.head().substr(4);
        return p;
    }
};
class GoodProvider : public qdx::FormatProvider {
public:
    qdx::FormatInfo info() const override {
        qdx::FormatInfo f;
#ifdef QDX_TEST_DUP
        f.name = "good";
        f.description = "a second plugin claiming the name good";
#else
        f.name = "good";
        f.description = "test plugin";
#endif
        f.extensions = {"good"};
        f.canRead = true;
        return f;
    }
    std::unique_ptr<qdx::Importer> createImporter() const override { return std::make_unique<GoodImporter>(); }
};
} // namespace

QDX_PLUGIN(GoodProvider)
