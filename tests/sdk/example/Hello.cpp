#include "Hello.h"

#include "qdx/Errors.h"

namespace {
class HelloImporter : public qdx::Importer {
public:
    int probe(const qdx::Input& in) const noexcept override { return in.head().rfind("HELLO ", 0) == 0 ? 90 : 0; }
    qdx::Project read(const qdx::Input& in, const qdx::Options&, qdx::Diagnostics&) override {
        if (in.head().rfind("HELLO ", 0) != 0) throw qdx::InputError(qdx::Location{in.name(), "", 1, 1, -1}, "not a hello file");
        qdx::Project p;
        p.name = in.head().substr(6);
        return p;
    }
};
} // namespace

qdx::FormatInfo HelloProvider::info() const {
    qdx::FormatInfo f;
    f.name = "hello";
    f.extensions = {"hello"};
    f.description = "out-of-tree example format";
    f.canRead = true;
    for (const auto& e : qdx::supportEntities()) f.support[e] = {};
    f.support["project"].read = qdx::Support::Partial;
    return f;
}

std::unique_ptr<qdx::Importer> HelloProvider::createImporter() const { return std::make_unique<HelloImporter>(); }
