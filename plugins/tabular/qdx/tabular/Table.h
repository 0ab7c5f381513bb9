#pragma once
/// Shared table logic of the CSV and XLSX plugins (static library qdx_tabular).
///
/// A spreadsheet is read into Tables (cells as text, plus optional styles the
/// XLSX reader knows), the dialect of each table is detected from its header
/// row (per-tool, per-locale alias tables), and tablesToProject() builds the
/// canonical Project. The other way, writeProjectTables() streams the rows of
/// a layout (tidy tables or a tool's import layout) into a RowSink, so a
/// writer never needs the whole table in memory; projectToTables() collects
/// them. Byte-level concerns (CSV quoting, encodings, XLSX XML) stay in the
/// plugins.

#include "qdx/Diagnostics.h"
#include "qdx/Model.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace qdx::tabular {

// ---------------------------------------------------------------- tables

/// Presentation of one cell, as far as it carries data (colours are "#RRGGBB",
/// upper case, empty = none).
struct CellStyle {
    std::string fontColor;  ///< MAXQDA codes the theme colour as the font colour of the ● cell
    std::string fillColor;  ///< QualCoder reports, our own XLSX Themes sheet
    bool bold = false;
    bool operator==(const CellStyle& o) const { return fontColor == o.fontColor && fillColor == o.fillColor && bold == o.bold; }
};

/// What a column holds, so writers can type cells (XLSX numbers and dates;
/// the CSV formula guard applies to Text only).
enum class CellType { Text, Integer, Number, Date, DateTime, Boolean };

/// One table or sheet, all cells as UTF-8 text. Rows may be ragged.
struct Table {
    std::string name;   ///< sheet name, or the tidy table name ("codings"); may be empty
    std::string file;   ///< input file, for messages
    /// Rows as read. Row 0 is normally the header, but title rows may come
    /// first (MAXQDA "Liste der Codes"); detectDialect() finds the header row.
    std::vector<std::vector<std::string>> rows;
    /// Input line (CSV) or spreadsheet row number (XLSX) of each row, 1-based,
    /// for messages. Empty = row index + 1.
    std::vector<long long> rowNumbers;
    /// Sparse cell styles keyed by (row index, column index).
    std::map<std::pair<std::size_t, std::size_t>, CellStyle> styles;

    /// The cell or "" when the row is short.
    const std::string& cell(std::size_t row, std::size_t col) const;
    /// The style of a cell, nullptr when none.
    const CellStyle* style(std::size_t row, std::size_t col) const;
    /// 1-based line/row number of a row for messages.
    long long rowNumber(std::size_t row) const;
    /// Location of a cell (file, sheet, row, 1-based column).
    Location where(std::size_t row, std::size_t col) const;
};

// ---------------------------------------------------------------- dialects

/// The table layouts qdx knows. Read: detected from the header row; write:
/// the layouts users import elsewhere.
enum class Dialect {
    Unknown,
    Tidy,                     ///< qdx's own tables (codings, themes, sources, cases, memos, users, attributes, sets)
    MaxqdaSegments,           ///< MAXQDA coded segments (Farbe, Dokumentname, Code, Anfang, Ende, Segment…)
    MaxqdaCodeSystem,         ///< MAXQDA "Liste der Codes": depth by column
    MaxqdaCodeVariables,      ///< MAXQDA code variables (Farbe, Obercode, Code…)
    MaxqdaDocumentVariables,  ///< MAXQDA document variables (Dokumentgruppe, Dokumentname, variables…)
    MaxqdaMemos,              ///< sheet "Memos" of the MAXQDA project export
    MaxqdaCodeImport,         ///< MAXQDA code import: Code, Memo (paths with " > ")
    AtlasQuotations,          ///< ATLAS.ti quotation manager export
    AtlasCodebook,            ///< ATLAS.ti codebook: Code, Comment, Code Group 1..n ("Parent: Child")
    AtlasCodeList,            ///< ATLAS.ti code manager list: Code;;… indentation columns
    NvivoClassification,      ///< NVivo classification sheet: names in column A, attributes
    TaguetteHighlights,       ///< Taguette highlights: id, document, tag, content
    TaguetteCodebook,         ///< Taguette codebook: tag, description, number of highlights…
    QualcoderCodingReport,    ///< QualCoder coding report: File/Case, Coder, Coded, Id, Codename, Coded_Memo, Category…
    QualcoderCodes,           ///< QualCoder codebook: path with ">>" TAB memo, no header
    QualcoderCases,           ///< QualCoder case attributes: case name in column 1, attributes
    QualcoderSurvey,          ///< QualCoder survey: case id, attributes and qualitative text columns
    DedooseExcerpts,          ///< Dedoose excerpts: Media Title, Excerpt Range, Excerpt Copy, Code: … Applied
    SeedQuotes,               ///< the seed study's quote sheet: Source, Verbatim quote, News/report source [, Theme]
    SeedReports,              ///< the seed study's report sheet: Source, Country, Material type
    MaxqdaDocumentList,       ///< MAXQDA "Liste der Dokumente": document tree by column (groups, documents)
    Ignored                   ///< a known sheet without project data (MAXQDA Projektinformation, Links…)
};

/// Stable option spelling, e.g. "maxqda-segments", "atlasti-codebook".
const char* dialectName(Dialect d);
/// Parses an option value (names and a few aliases, case-insensitive); Unknown when not known.
Dialect dialectFromName(std::string_view name);
/// Every dialect with its name, description and whether it can be read/written.
struct DialectInfo {
    Dialect dialect;
    const char* name;
    const char* description;
    bool canRead;
    bool canWrite;
};
const std::vector<DialectInfo>& dialects();

/// Result of detection: the dialect, the header row index, and how sure (0-100).
struct Detection {
    Dialect dialect = Dialect::Unknown;
    std::size_t headerRow = 0;
    int score = 0;
    std::string reason;  ///< for messages: which headers decided
};

/// Detects a table's dialect from its header row (searching the first rows
/// for it) and its name (sheet names such as "Liste der Codes" help).
/// Headers are matched trimmed and case-folded through alias tables.
Detection detectDialect(const Table& t);

/// Normalises a header or sheet name for matching: trims (also U+00A0),
/// case-folds ASCII and common Latin-1 letters, collapses inner whitespace.
std::string normalizeHeader(std::string_view s);
/// True when a cell is empty or holds only whitespace / U+00A0 (MAXQDA's "empty").
bool isBlankCell(std::string_view s);

// ---------------------------------------------------------------- reading

struct ReadOptions {
    /// Dialect for every table; Unknown = detect per table.
    Dialect dialect = Dialect::Unknown;
    /// Column map overriding aliases: "role:Header,role:Header" (e.g.
    /// "source:Outlet,quote:Text"). Roles: source, quote, reference, theme,
    /// document, code, start, end, memo, coder, date, case, group.
    std::string columns;
    /// Taguette tags are opaque; set a separator ("." or "\\") to split them into a tree.
    std::string tagSeparator;
    /// The file was written with the formula guard: strip a leading ' before = + - @ TAB CR.
    bool unguardFormulas = false;
    /// Opens the content member a tidy sources table names (a bundle's
    /// "content/…" entry); unset = content is not available.
    std::function<std::shared_ptr<Blob>(const std::string& member)> openContent;
};

/// Builds one project from tables (several sheets or tidy tables of one
/// project). Codebook tables are merged first, then codings, then variables,
/// so joined code cells can be split against the known code list.
/// Throws InputError (naming file and row) on a table it cannot read.
Project tablesToProject(const std::vector<Table>& tables, const ReadOptions& opts, Diagnostics& diag);

// ---------------------------------------------------------------- writing

/// The header of a table about to be streamed.
struct TableHeader {
    std::string name;                  ///< tidy table name ("codings") or the layout's sheet name
    std::vector<std::string> columns;
    std::vector<CellType> types;       ///< one per column
    bool writeHeader = true;           ///< false for header-less layouts (QualCoder codes)
};

/// Receives the rows of a layout as they are produced. Styles, when given,
/// have one entry per cell (XLSX uses them, CSV ignores them).
class RowSink {
public:
    virtual ~RowSink();
    virtual void beginTable(const TableHeader& header) = 0;
    virtual void row(const std::vector<std::string>& cells, const std::vector<CellStyle>* styles) = 0;
    virtual void endTable() = 0;
};

struct WriteOptions {
    /// Layout: Tidy (default) or a tool's import layout (MaxqdaCodeImport,
    /// AtlasCodebook, TaguetteCodebook, NvivoClassification, QualcoderCodes,
    /// SeedQuotes).
    Dialect layout = Dialect::Tidy;
    /// Tidy tables to write, in this order; empty = all, codings first.
    /// Known: project, codings, themes, sources, cases, memos, users, attributes, sets.
    std::vector<std::string> tables;
    /// The writer keeps cell colours (XLSX): no lossy.theme-colour for layouts
    /// whose colour lives in a style.
    bool stylesCarried = false;
    /// The writer can hold the source text column (a whole-project bundle).
    /// When false (a single CSV), source texts are reported lost.
    bool sourceTextCarried = true;
    /// The writer stores source content (PDF, media) beside the tables under
    /// contentMemberName(); the sources table then names the member.
    bool contentCarried = false;
};

/// Streams `p` in the chosen layout into `sink`, reporting everything the
/// layout cannot carry (lossy.* / skipped.*).
void writeProjectTables(const Project& p, const WriteOptions& opts, RowSink& sink, Diagnostics& diag);
/// The same, collected into tables (header as row 0).
std::vector<Table> projectToTables(const Project& p, const WriteOptions& opts, Diagnostics& diag);
/// Where a bundle stores the content blob of the `index`-th source ("content/0007.pdf").
std::string contentMemberName(const Source& s, std::size_t index);

/// Tidy table names in their default order.
const std::vector<std::string>& tidyTableNames();

// ---------------------------------------------------------------- helpers

/// True when a spreadsheet would take the text as a formula (starts with
/// = + - @ TAB or CR).
bool isFormulaLike(std::string_view s);
/// Prefixes formula-like text with ' (OWASP); returns true when it did. Text
/// that is formula-like after leading quotes ("'=x") gets one more quote, so
/// unguardFormula() is an exact inverse.
bool guardFormula(std::string& s);
/// Undoes guardFormula: strips one leading ' when the rest, after any further
/// quotes, starts with = + - @ TAB or CR.
bool unguardFormula(std::string& s);

/// How a tool writes a code path into one cell.
enum class PathStyle {
    None,        ///< opaque name (Taguette default)
    Maxqda,      ///< "Parent > Child" (also "Parent\\Child" of older versions)
    Nvivo,       ///< "Codes\\\\Folder\\\\Parent\\Child": folders by "\\\\", nodes by "\\"
    Atlas,       ///< "Parent: Child"
    Qualcoder,   ///< "A>>B>>C"
    Backslash,   ///< "A\\B" (Dedoose, QDA Miner)
    Dot          ///< "a.b" (Taguette by user convention)
};
/// Splits a path cell into its names (trimmed). Folder parts of NVivo names
/// ("Codes", "Nodes", user folders) are dropped.
std::vector<std::string> splitPath(std::string_view cell, PathStyle style);
/// Joins names in the tool's spelling.
std::string joinPath(const std::vector<std::string>& names, PathStyle style);

/// The known names of splitJoinedCodes, hashed once and grown as a reader
/// learns names: splitting a cell then costs its pieces times the distinct
/// name lengths, where sorting and scanning every known name for every row
/// was O(rows × names) (10^4 codes and 10^5 quotations: minutes).
class KnownNames {
public:
    KnownNames() = default;
    KnownNames(const std::vector<std::string>& names);  // implicit: splitJoinedCodes(cell, {"A", "B"}, ", ")
    void add(std::string_view name);
    /// The longest name that `rest` starts with and `fits` accepts (given what
    /// follows it), or nullptr.
    const std::string* longestPrefix(std::string_view rest, const std::function<bool(std::string_view after)>& fits) const;

private:
    std::vector<std::unique_ptr<std::string>> _owned;  // stable storage of the names
    std::vector<std::size_t> _lengths;                 // distinct lengths, longest first
    struct Hash {
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string_view, const std::string*, Hash> _byName;
};
/// Splits a cell holding several code names joined by `separator` (", " for
/// ATLAS.ti) against the known names, longest match first, so names that
/// contain the separator survive. Parts matching no known name are returned
/// in `unknown` (split on the separator as a last resort).
std::vector<std::string> splitJoinedCodes(std::string_view cell, const KnownNames& known, std::string_view separator,
                                          std::vector<std::string>* unknown = nullptr);

/// Parses a tool's date text into ISO 8601 ("" when it does not parse):
/// "dd.mm.yy HH:MM[:SS]" (MAXQDA), "M/D/YY", "M/D/YYYY" (ATLAS.ti, Dedoose),
/// ISO passes through. Two-digit years pivot at 70 (00-69 -> 20xx).
std::string parseToolDate(std::string_view s);

} // namespace qdx::tabular
