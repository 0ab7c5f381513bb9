#pragma once
/// The "html" format: a write-only, self-contained report of a whole coded
/// project for people (overview, codebook, themes x sources matrix, charts,
/// excerpts by theme, sources, memos, cases, losses). See README.md.

#include "Report.h"

#include "qdx/plugin/Format.h"

namespace qdx::html {

class HtmlFormatProvider final : public FormatProvider {
public:
    FormatInfo info() const override;
    std::unique_ptr<Exporter> createExporter() const override;
};

class HtmlExporter final : public Exporter {
public:
    void write(const Project& p, const std::string& path, const Options& opts, Diagnostics& diag) override;
};

/// The report options from validated format options (UsageError for an
/// unknown section or a negative number).
ReportOptions reportOptions(const Options& opts);

} // namespace qdx::html
