#pragma once
/// The two REFI-QDA formats: "refi" (.qdpx projects, bare .qde) and
/// "refi-qdc" (.qdc codebooks). Both read all three kinds of file.

#include "qdx/plugin/Format.h"

namespace qdx::refi {

class RefiProvider : public FormatProvider {
public:
    FormatInfo info() const override;
    std::unique_ptr<Importer> createImporter() const override;
    std::unique_ptr<Exporter> createExporter() const override;
};

class RefiCodebookProvider : public FormatProvider {
public:
    FormatInfo info() const override;
    std::unique_ptr<Importer> createImporter() const override;
    std::unique_ptr<Exporter> createExporter() const override;
};

}  // namespace qdx::refi
