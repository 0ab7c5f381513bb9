#pragma once

#include "XlsxReader.h"
/// The "xlsx" format: Excel workbooks in and out.
///
/// Writing streams the tidy tables of qdx_tabular (or a tool's import
/// layout) into one sheet each through WorkbookWriter. Reading turns every
/// worksheet into a tabular::Table (cell text plus font/fill colours) and
/// lets qdx_tabular detect each sheet's dialect (MAXQDA, QualCoder, the seed
/// study, qdx's own sheets …) and build the project.

#include "qdx/plugin/Format.h"
#include "qdx/tabular/Table.h"

#include <memory>
#include <string>
#include <vector>

namespace qdx::xlsx {

/// Sheet name of a tidy table in qdx's workbook ("codings" -> "Excerpts").
std::string sheetNameForTable(const std::string& tidyName);
/// The tidy table a sheet of qdx's workbook holds; empty when none.
std::string tableForSheetName(const std::string& sheetName);

/// Reads every worksheet of a workbook into tables (continuation columns of
/// over-long cells joined again). Throws InputError.
std::vector<tabular::Table> readWorkbookTables(const Input& in, Diagnostics& diag, bool* ownWorkbook = nullptr,
                                               const ReaderLimits& limits = {});

/// Joins "<header> (continued N)" columns back into their column (header in
/// row 0) and removes them; returns how many cells were joined.
std::size_t joinContinuationColumns(tabular::Table& t);

class XlsxImporter final : public Importer {
public:
    int probe(const Input& in) const noexcept override;
    Project read(const Input& in, const Options& opts, Diagnostics& diag) override;
};

class XlsxExporter final : public Exporter {
public:
    void write(const Project& p, const std::string& path, const Options& opts, Diagnostics& diag) override;
};

class XlsxProvider final : public FormatProvider {
public:
    FormatInfo info() const override;
    std::unique_ptr<Importer> createImporter() const override { return std::make_unique<XlsxImporter>(); }
    std::unique_ptr<Exporter> createExporter() const override { return std::make_unique<XlsxExporter>(); }
};

} // namespace qdx::xlsx
