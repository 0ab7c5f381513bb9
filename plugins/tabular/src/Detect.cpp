// Dialect detection from header rows and sheet names. The alias lists are
// data (Aliases.h) so a new locale is a new line, not new code.

#include "Aliases.h"

#include "qdx/tabular/Table.h"

#include <algorithm>
#include <cstdlib>
#include <set>

namespace qdx::tabular {

namespace {

struct HeaderSet {
    std::vector<std::string> cells;  // normalised
    std::set<std::string> names;
    std::size_t nonBlank = 0;

    explicit HeaderSet(const std::vector<std::string>& row) {
        for (const auto& c : row) {
            cells.push_back(normalizeHeader(c));
            if (!cells.back().empty()) {
                names.insert(cells.back());
                ++nonBlank;
            }
        }
    }
    bool has(Role r) const {
        for (const char* a : aliasesOf(r))
            if (names.count(a)) return true;
        return false;
    }
    bool hasPrefix(const char* prefix) const {
        for (const auto& n : names)
            if (n.rfind(prefix, 0) == 0) return true;
        return false;
    }
};

bool looksNumeric(const std::string& s) {
    if (isBlankCell(s)) return false;
    char* end = nullptr;
    std::string t = s;
    std::strtod(t.c_str(), &end);
    return end && *end == '\0';
}

/// Survey: a text column whose values read like answers (long, or a "Qual_" header).
bool hasQualitativeColumn(const Table& t, std::size_t headerRow) {
    const auto& header = t.rows[headerRow];
    for (std::size_t c = 1; c < header.size(); ++c) {
        if (normalizeHeader(header[c]).rfind("qual", 0) == 0) return true;
        std::size_t n = 0, total = 0;
        bool numeric = true;
        for (std::size_t r = headerRow + 1; r < t.rows.size(); ++r) {
            const std::string& v = t.cell(r, c);
            if (isBlankCell(v)) continue;
            ++n;
            total += v.size();
            if (!looksNumeric(v)) numeric = false;
        }
        if (n && !numeric && total / n >= 40) return true;
    }
    return false;
}

Detection scoreRow(const Table& t, std::size_t r) {
    Detection d;
    d.headerRow = r;
    const HeaderSet h(t.rows[r]);
    const std::string first = h.cells.empty() ? std::string() : h.cells[0];
    auto pick = [&](Dialect dialect, int score, const char* why) {
        if (score > d.score) {
            d.dialect = dialect;
            d.score = score;
            d.reason = why;
        }
    };

    // qdx tidy tables: first column names the table kind.
    static const char* tidyFirst[] = {"excerpt_id", "theme_id", "source_id", "case_id", "memo_id", "user_id", "attribute_id", "set_id"};
    for (const char* f : tidyFirst)
        if (first == f) pick(Dialect::Tidy, 95, "tidy table header");
    std::string tableName = normalizeHeader(t.name);
    if (tableName.size() > 4 && tableName.compare(tableName.size() - 4, 4, ".csv") == 0) tableName.resize(tableName.size() - 4);
    if (first == "key" && h.cells.size() >= 2 && h.cells[1] == "value" && tableName == "project")
        pick(Dialect::Tidy, 90, "tidy project table");
    if (h.has(Role::ExcerptId) && h.has(Role::ThemePath)) pick(Dialect::Tidy, 85, "excerpt_id and theme_path");
    if (h.names.count("source_name") && (h.has(Role::ThemePath) || h.names.count("quote"))) pick(Dialect::Tidy, 80, "source_name with theme_path or quote");

    // MAXQDA
    if (h.has(Role::Document) && h.has(Role::Code) && h.has(Role::Segment))
        pick(Dialect::MaxqdaSegments, h.has(Role::Colour) || h.has(Role::Start) ? 95 : 80, "Dokumentname/Code/Segment");
    if (first == "liste der codes" || first == "list of codes") pick(Dialect::MaxqdaCodeSystem, 95, "'Liste der Codes' title row");
    if (h.has(Role::Code) && (h.has(Role::ParentCode) || h.has(Role::CodedSegmentsAll) || h.has(Role::CodeAlias)) && !h.has(Role::Segment))
        pick(Dialect::MaxqdaCodeVariables, 90, "Code with Obercode / Cod. Seg. columns");
    if (h.has(Role::Document) && !h.has(Role::Code) && !h.has(Role::Segment) &&
        (h.has(Role::DocGroup) || h.has(Role::CodedSegmentsCount) || h.has(Role::Paragraphs) || h.has(Role::Characters)))
        pick(Dialect::MaxqdaDocumentVariables, 85, "Dokumentgruppe/Dokumentname with variables");
    if (h.has(Role::MemoText) && h.has(Role::MemoOrigin)) pick(Dialect::MaxqdaMemos, 90, "Memotext and Herkunft");
    if (h.nonBlank <= 3 && h.has(Role::Code) && h.names.count("memo") && !h.has(Role::Document))
        pick(Dialect::MaxqdaCodeImport, 80, "Code and Memo");
    if (first == "variablenname" || first == "variable name") pick(Dialect::Ignored, 90, "variable declarations");
    if (first == "liste der dokumente" || first == "list of documents") pick(Dialect::MaxqdaDocumentList, 90, "'Liste der Dokumente' title row");
    if (h.names.count("dokument 1") && h.names.count("dokument 2")) pick(Dialect::Ignored, 90, "MAXQDA links");
    if (h.names.count("summary") && h.has(Role::Document) && h.has(Role::Code)) pick(Dialect::Ignored, 85, "MAXQDA summaries");
    if (first == "zeilenbeschriftungen" || first == "row labels") pick(Dialect::Ignored, 80, "pivot table");

    // ATLAS.ti
    if (h.has(Role::QuotationText) && h.has(Role::Document)) pick(Dialect::AtlasQuotations, 90, "Text Content and Document");
    if (h.has(Role::Code) && h.hasPrefix("code group")) pick(Dialect::AtlasCodebook, 90, "Code and Code Group n");
    if (first == "code" && h.cells.size() > 1 && h.cells[1].empty() &&
        (h.has(Role::Groundedness) || h.names.count("density") || h.names.count("groups")))
        pick(Dialect::AtlasCodeList, 92, "Code with an empty indentation column");

    // Taguette
    if (h.has(Role::Document) && h.names.count("tag") && h.names.count("content"))
        pick(Dialect::TaguetteHighlights, 92, "document, tag, content");
    if ((h.names.count("tag") || h.names.count("path")) && h.names.count("description") && !h.has(Role::Document))
        pick(Dialect::TaguetteCodebook, 85, "tag and description");
    if (h.names.count("tag") && h.names.count("number of highlights")) pick(Dialect::TaguetteCodebook, 90, "tag, number of highlights");

    // QualCoder
    if (h.names.count("codename") && h.names.count("coded")) pick(Dialect::QualcoderCodingReport, 92, "Codename and Coded");

    // Dedoose
    if (h.names.count("media title") && (h.names.count("excerpt copy") || h.names.count("excerpt range")))
        pick(Dialect::DedooseExcerpts, 92, "Media Title and Excerpt Copy");

    // Seed study
    if (h.has(Role::SeedSource) && h.has(Role::SeedQuote)) pick(Dialect::SeedQuotes, 88, "Source and Verbatim quote");
    if (h.has(Role::SeedSource) && h.names.count("country") && h.names.count("material type"))
        pick(Dialect::SeedReports, 85, "Source, Country, Material type");

    // NVivo classification sheets: hierarchical names in column A ("Cases\\\\People\\Betty").
    if (h.nonBlank >= 2) {
        std::size_t n = 0, hier = 0;
        for (std::size_t rr = r + 1; rr < t.rows.size() && n < 50; ++rr) {
            const std::string& v = t.cell(rr, 0);
            if (isBlankCell(v)) continue;
            ++n;
            if (v.find("\\\\") != std::string::npos) ++hier;
        }
        if (n && hier * 2 >= n) pick(Dialect::NvivoClassification, 70, "hierarchical names (Cases\\\\…) in column A");
    }

    // Case tables: a case/name column first, attributes after.
    if (d.score < 50 && h.nonBlank >= 2 && h.has(Role::CaseName) && h.cells.size() >= 2 &&
        std::find(std::begin(caseFirstColumn()), std::end(caseFirstColumn()), first) != std::end(caseFirstColumn())) {
        if (hasQualitativeColumn(t, r)) pick(Dialect::QualcoderSurvey, 60, "case id column with free-text answers");
        else pick(Dialect::QualcoderCases, 55, "case name column with attributes");
    }
    return d;
}

} // namespace

Detection detectDialect(const Table& t) {
    Detection best;
    // MAXQDA's whole-project sheets are told by their names.
    const std::string sheet = normalizeHeader(t.name);
    if (sheet == "projektinformation" || sheet == "project information" || sheet == "summarys" || sheet == "summaries" ||
        sheet == "links" || sheet == "liste der dokumentvariablen" || sheet == "liste der codevariablen" ||
        sheet == "list of document variables" || sheet == "list of code variables") {
        best.dialect = Dialect::Ignored;
        best.score = 90;
        best.reason = "sheet '" + t.name + "' holds no project data";
        return best;
    }
    if (t.rows.empty()) {
        best.dialect = Dialect::Ignored;
        best.score = 10;
        best.reason = "empty table";
        return best;
    }
    const std::size_t limit = std::min<std::size_t>(t.rows.size(), 12);
    for (std::size_t r = 0; r < limit; ++r) {
        Detection d = scoreRow(t, r);
        if (d.score > best.score) best = d;
    }
    if (best.score >= 50) return best;

    // QualCoder codebook: no header, one or two columns, ">>" paths.
    std::size_t maxCols = 0, arrows = 0, nonEmpty = 0;
    for (const auto& row : t.rows) {
        std::size_t n = 0;
        for (std::size_t c = 0; c < row.size(); ++c)
            if (!isBlankCell(row[c])) n = c + 1;
        maxCols = std::max(maxCols, n);
        if (n) ++nonEmpty;
        if (!row.empty() && row[0].find(">>") != std::string::npos) ++arrows;
    }
    if (maxCols <= 2 && nonEmpty) {
        bool txt = t.file.size() >= 4 && text::asciiLower(t.file.substr(t.file.size() - 4)) == ".txt";
        if (arrows || txt) {
            best.dialect = Dialect::QualcoderCodes;
            best.headerRow = 0;
            best.score = arrows ? 70 : 45;
            best.reason = arrows ? "'>>' code paths without a header" : "two-column text file";
        }
    }
    return best;
}

} // namespace qdx::tabular
