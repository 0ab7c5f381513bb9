#pragma once
/// The `qualcoder` format: QualCoder's own project folders (NAME.qda/).

#include "qdx/plugin/Format.h"

namespace qdx::qualcoder {

class QualCoderProvider : public FormatProvider {
public:
    FormatInfo info() const override;
    std::unique_ptr<Importer> createImporter() const override;
    std::unique_ptr<Exporter> createExporter() const override;
};

} // namespace qdx::qualcoder
