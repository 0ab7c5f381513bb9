#include "qdx/tabular/Table.h"

namespace qdx::tabular {

namespace {
const std::string kEmpty;
}

const std::string& Table::cell(std::size_t row, std::size_t col) const {
    if (row >= rows.size() || col >= rows[row].size()) return kEmpty;
    return rows[row][col];
}

const CellStyle* Table::style(std::size_t row, std::size_t col) const {
    auto it = styles.find({row, col});
    return it == styles.end() ? nullptr : &it->second;
}

long long Table::rowNumber(std::size_t row) const {
    if (row < rowNumbers.size()) return rowNumbers[row];
    return static_cast<long long>(row) + 1;
}

Location Table::where(std::size_t row, std::size_t col) const {
    Location l;
    l.file = file;
    l.member = name;
    l.line = rowNumber(row);
    l.column = static_cast<long long>(col) + 1;
    return l;
}

RowSink::~RowSink() = default;

const std::vector<DialectInfo>& dialects() {
    static const std::vector<DialectInfo> k{
        {Dialect::Tidy, "tidy", "qdx tidy tables: codings, themes, sources, cases, memos, users, attributes, sets", true, true},
        {Dialect::MaxqdaSegments, "maxqda-segments", "MAXQDA coded segments (German or English headers)", true, false},
        {Dialect::MaxqdaCodeSystem, "maxqda-codesystem", "MAXQDA code system list (depth by column)", true, false},
        {Dialect::MaxqdaCodeVariables, "maxqda-codevariables", "MAXQDA code variables (Obercode = parent name)", true, false},
        {Dialect::MaxqdaDocumentVariables, "maxqda-docvariables", "MAXQDA document variables (data editor)", true, false},
        {Dialect::MaxqdaMemos, "maxqda-memos", "MAXQDA memos sheet of the project export", true, false},
        {Dialect::MaxqdaCodeImport, "maxqda-codes", "MAXQDA code import table: Code, Memo", true, true},
        {Dialect::AtlasQuotations, "atlasti-quotations", "ATLAS.ti quotation manager export", true, false},
        {Dialect::AtlasCodebook, "atlasti-codebook", "ATLAS.ti codebook: Code, Comment, Code Group 1..n", true, true},
        {Dialect::AtlasCodeList, "atlasti-codelist", "ATLAS.ti code manager list (indentation columns)", true, false},
        {Dialect::NvivoClassification, "nvivo-classification", "NVivo classification sheet (names, attributes)", true, true},
        {Dialect::TaguetteHighlights, "taguette-highlights", "Taguette highlights: id, document, tag, content", true, false},
        {Dialect::TaguetteCodebook, "taguette-codebook", "Taguette codebook: tag, description", true, true},
        {Dialect::QualcoderCodingReport, "qualcoder-report", "QualCoder coding report (repeated Category columns)", true, false},
        {Dialect::QualcoderCodes, "qualcoder-codes", "QualCoder codebook: A>>B>>code TAB memo, no header", true, true},
        {Dialect::QualcoderCases, "qualcoder-cases", "QualCoder case attributes: case name, attributes", true, false},
        {Dialect::QualcoderSurvey, "qualcoder-survey", "QualCoder survey: case id, attributes, free-text columns", true, false},
        {Dialect::DedooseExcerpts, "dedoose-excerpts", "Dedoose excerpts (Code: … Applied columns)", true, false},
        {Dialect::SeedQuotes, "seed-quotes", "the seed study's quote sheet: Source, Verbatim quote, News/report source", true, true},
        {Dialect::SeedReports, "seed-reports", "the seed study's report sheet: Source, Country, Material type", true, false},
        {Dialect::MaxqdaDocumentList, "maxqda-documents", "MAXQDA document list (groups and documents by column)", true, false},
        {Dialect::Ignored, "ignored", "a known sheet without project data", false, false},
    };
    return k;
}

const char* dialectName(Dialect d) {
    for (const auto& i : dialects())
        if (i.dialect == d) return i.name;
    return "unknown";
}

Dialect dialectFromName(std::string_view name) {
    std::string n = normalizeHeader(name);
    for (const auto& i : dialects())
        if (n == i.name) return i.dialect;
    static const std::pair<const char*, Dialect> aliases[] = {
        {"qdx", Dialect::Tidy},
        {"maxqda", Dialect::MaxqdaSegments},
        {"maxqda-coded-segments", Dialect::MaxqdaSegments},
        {"maxqda-code-import", Dialect::MaxqdaCodeImport},
        {"atlasti", Dialect::AtlasQuotations},
        {"atlas.ti", Dialect::AtlasQuotations},
        {"atlasti-code-list", Dialect::AtlasCodeList},
        {"nvivo", Dialect::NvivoClassification},
        {"taguette", Dialect::TaguetteHighlights},
        {"qualcoder", Dialect::QualcoderCodingReport},
        {"qualcoder-coding-report", Dialect::QualcoderCodingReport},
        {"qualcoder-codebook", Dialect::QualcoderCodes},
        {"dedoose", Dialect::DedooseExcerpts},
        {"seed", Dialect::SeedQuotes},
        {"quotes", Dialect::SeedQuotes},
    };
    for (const auto& a : aliases)
        if (n == a.first) return a.second;
    return Dialect::Unknown;
}

const std::vector<std::string>& tidyTableNames() {
    static const std::vector<std::string> k{"project", "codings", "themes", "sources", "cases", "memos", "users", "attributes", "sets"};
    return k;
}

} // namespace qdx::tabular
