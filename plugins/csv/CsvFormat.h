#pragma once
/// The "csv" format: one CSV table (codings by default, or a tool's layout),
/// or a whole project as a .zip bundle of tidy CSV tables with a manifest
/// (qdx-tables.json) and the sources' content files.

#include "Csv.h"

#include "qdx/plugin/Format.h"

namespace qdx::csv {

/// Name of the manifest member of a bundle; always the first member, so a
/// probe can see it in the first bytes.
inline constexpr const char* kManifestName = "qdx-tables.json";

class CsvFormatProvider final : public FormatProvider {
public:
    FormatInfo info() const override;
    std::unique_ptr<Importer> createImporter() const override;
    std::unique_ptr<Exporter> createExporter() const override;
};

class CsvImporter final : public Importer {
public:
    int probe(const Input& in) const noexcept override;
    Project read(const Input& in, const Options& opts, Diagnostics& diag) override;
};

class CsvExporter final : public Exporter {
public:
    void write(const Project& p, const std::string& path, const Options& opts, Diagnostics& diag) override;
};


} // namespace qdx::csv
