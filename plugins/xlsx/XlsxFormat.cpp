#include "XlsxFormat.h"

#include "qdx/Limits.h"

#include "XlsxReader.h"
#include "XlsxWriter.h"

#include "qdx/Errors.h"
#include "qdx/Text.h"

#include <algorithm>
#include <map>
#include <set>

namespace qdx::xlsx {

namespace {

const std::pair<const char*, const char*> kSheetNames[] = {
    {"project", "Project"}, {"sources", "Sources"},       {"codings", "Excerpts"}, {"themes", "Themes"}, {"cases", "Cases"},
    {"memos", "Memos"},     {"users", "Users"},           {"attributes", "Attributes"}, {"sets", "Sets"}};

const std::vector<std::string>& defaultTables() {
    static const std::vector<std::string> k{"project", "sources", "codings", "themes", "cases", "memos", "users", "attributes", "sets"};
    return k;
}

WriteType writeTypeOf(tabular::CellType t) {
    switch (t) {
    case tabular::CellType::Integer:
    case tabular::CellType::Number: return WriteType::Number;
    case tabular::CellType::Date:
    case tabular::CellType::DateTime: return WriteType::Date;
    case tabular::CellType::Boolean: return WriteType::Boolean;
    case tabular::CellType::Text: break;
    }
    return WriteType::Text;
}

bool isColour(const std::string& s) {
    return s.size() == 7 && s[0] == '#' &&
           std::all_of(s.begin() + 1, s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

/// Streams the rows of a layout into the workbook, one sheet per table.
class WorkbookSink final : public tabular::RowSink {
public:
    WorkbookSink(WorkbookWriter& w, bool tidy) : _w(w), _tidy(tidy) {}

    void beginTable(const tabular::TableHeader& h) override {
        std::vector<WriteType> types;
        for (std::size_t i = 0; i < h.columns.size(); ++i)
            types.push_back(i < h.types.size() ? writeTypeOf(h.types[i]) : WriteType::Text);
        _colourCol = -1;
        if (_tidy && h.name == "themes") {
            auto it = std::find(h.columns.begin(), h.columns.end(), "colour");
            if (it != h.columns.end())
                _colourCol = static_cast<int>(it - h.columns.begin());
        }
        _idCol = _tidy && !h.columns.empty() && h.name != "project";
        _w.beginSheet(_tidy ? sheetNameForTable(h.name) : h.name, h.columns, types, h.writeHeader);
    }

    void row(const std::vector<std::string>& cells, const std::vector<tabular::CellStyle>* styles) override {
        const std::vector<WriteStyle>* ws = nullptr;
        if (styles || _colourCol >= 0) {
            _styles.assign(cells.size(), WriteStyle{});
            if (styles)
                for (std::size_t i = 0; i < styles->size() && i < cells.size(); ++i)
                    _styles[i] = WriteStyle{(*styles)[i].fontColor, (*styles)[i].fillColor, (*styles)[i].bold};
            if (_colourCol >= 0 && static_cast<std::size_t>(_colourCol) < cells.size() && isColour(cells[_colourCol]))
                _styles[static_cast<std::size_t>(_colourCol)].fillColor = cells[static_cast<std::size_t>(_colourCol)];
            ws = &_styles;
        }
        _w.addRow(cells, ws, _idCol && !cells.empty() ? std::string_view(cells[0]) : std::string_view());
    }

    void endTable() override { _w.endSheet(); }

private:
    WorkbookWriter& _w;
    bool _tidy;
    int _colourCol = -1;
    bool _idCol = false;
    std::vector<WriteStyle> _styles;
};

std::vector<std::string> splitList(const std::string& s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t comma = s.find(',', start);
        std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        part.erase(0, part.find_first_not_of(" \t"));
        part.erase(part.find_last_not_of(" \t") + 1);
        if (!part.empty())
            out.push_back(text::asciiLower(part));
        if (comma == std::string::npos)
            break;
        start = comma + 1;
    }
    return out;
}

// Whether a read style is worth keeping: colours that carry data (MAXQDA's
// ● font colour, fills of theme cells) and bold. Black text in long cells is
// the default look of every cell and would only cost memory.
bool keepStyle(const ReadCell& c) {
    if (!c.fillColor.empty() || c.bold)
        return true;
    if (c.fontColor.empty())
        return false;
    return c.fontColor != "#000000" || c.text.size() <= 8;
}

} // namespace

std::string sheetNameForTable(const std::string& tidyName) {
    for (const auto& [t, s] : kSheetNames)
        if (tidyName == t)
            return s;
    return tidyName;
}

std::string tableForSheetName(const std::string& sheetName) {
    for (const auto& [t, s] : kSheetNames)
        if (sheetName == s)
            return t;
    return {};
}

std::size_t joinContinuationColumns(tabular::Table& t) {
    if (t.rows.empty())
        return 0;
    const std::vector<std::string>& header = t.rows[0];
    struct Part {
        std::size_t base, number, col;
    };
    std::vector<Part> parts;
    const std::string marker = kContinuedMarker;
    for (std::size_t j = 0; j < header.size(); ++j) {
        const std::string& h = header[j];
        const std::size_t m = h.rfind(marker);
        if (m == std::string::npos || h.back() != ')')
            continue;
        const std::string num = h.substr(m + marker.size(), h.size() - m - marker.size() - 1);
        if (num.empty() || num.size() > 6 || !std::all_of(num.begin(), num.end(), [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        const std::string base = h.substr(0, m);
        auto it = std::find(header.begin(), header.begin() + static_cast<std::ptrdiff_t>(j), base);
        if (it == header.begin() + static_cast<std::ptrdiff_t>(j))
            continue;
        parts.push_back({static_cast<std::size_t>(it - header.begin()), static_cast<std::size_t>(std::stoul(num)), j});
    }
    if (parts.empty())
        return 0;
    std::sort(parts.begin(), parts.end(), [](const Part& a, const Part& b) {
        return a.base != b.base ? a.base < b.base : a.number < b.number;
    });
    std::size_t joined = 0;
    for (std::size_t r = 1; r < t.rows.size(); ++r) {
        std::vector<std::string>& row = t.rows[r];
        for (const Part& p : parts) {
            if (p.col < row.size() && !row[p.col].empty()) {
                if (row.size() <= p.base)
                    row.resize(p.base + 1);
                row[p.base] += row[p.col];
                ++joined;
            }
        }
    }
    std::set<std::size_t> drop;
    for (const Part& p : parts)
        drop.insert(p.col);
    for (auto& row : t.rows)
        for (auto it = drop.rbegin(); it != drop.rend(); ++it)
            if (*it < row.size())
                row.erase(row.begin() + static_cast<std::ptrdiff_t>(*it));
    std::map<std::pair<std::size_t, std::size_t>, tabular::CellStyle> styles;
    for (auto& [key, st] : t.styles) {
        if (drop.count(key.second))
            continue;
        const std::size_t shift =
            static_cast<std::size_t>(std::distance(drop.begin(), drop.lower_bound(key.second)));
        styles[{key.first, key.second - shift}] = st;
    }
    t.styles = std::move(styles);
    return joined;
}

std::vector<tabular::Table> readWorkbookTables(const Input& in, Diagnostics& diag, bool* ownWorkbook,
                                               const ReaderLimits& limits) {
    WorkbookReader wr(in, diag, limits);
    bool own = wr.application() == "qdx";
    std::vector<tabular::Table> tables;
    for (std::size_t i = 0; i < wr.sheets().size(); ++i) {
        const SheetInfo& info = wr.sheets()[i];
        Location where;
        where.file = in.name();
        where.member = info.name;
        if (!info.worksheet) {
            diag.info("info.xlsx-sheet-not-worksheet", "sheet '" + info.name + "' is not a worksheet (a chart?) and holds no table",
                      {}, where);
            continue;
        }
        tabular::Table t;
        t.name = info.name;
        t.file = in.name();
        wr.readSheet(i, [&](ReadRow&& r) {
            std::vector<std::string> row(r.cells.size());
            const std::size_t index = t.rows.size();
            for (std::size_t c = 0; c < r.cells.size(); ++c) {
                ReadCell& cell = r.cells[c];
                if (keepStyle(cell))
                    t.styles[{index, c}] = tabular::CellStyle{cell.fontColor, cell.fillColor, cell.bold};
                row[c] = std::move(cell.text);
            }
            t.rows.push_back(std::move(row));
            t.rowNumbers.push_back(r.number);
        });
        if (t.rows.empty()) {
            diag.info("info.xlsx-sheet-empty", "sheet '" + info.name + "' is empty", {}, where);
            continue;
        }
        if (info.hidden)
            diag.info("info.xlsx-sheet-hidden", "sheet '" + info.name + "' is hidden; it is read like the others", {}, where);
        if (const std::size_t n = joinContinuationColumns(t))
            diag.info("info.xlsx-cells-joined",
                      std::to_string(n) + " continuation cell(s) of over-long text in sheet '" + info.name + "' joined again", {},
                      where);
        tables.push_back(std::move(t));
    }
    // qdx's own workbook: a Project sheet of key/value rows starting with "qdx".
    for (const tabular::Table& t : tables)
        if (t.name == "Project" && t.rows.size() > 1 && t.cell(0, 0) == "key" && t.cell(1, 0) == "qdx")
            own = true;
    if (own)
        for (tabular::Table& t : tables) {
            const std::string table = tableForSheetName(t.name);
            if (!table.empty())
                t.name = table;
        }
    if (ownWorkbook)
        *ownWorkbook = own;
    return tables;
}

int XlsxImporter::probe(const Input& in) const noexcept {
    try {
        const std::string& head = in.head();
        const std::string ext = in.extension();
        const bool zip = head.size() >= 4 && head.compare(0, 4, "PK\x03\x04") == 0;
        if (!zip)
            return 0;
        if (ext == "xlsx" || ext == "xlsm")
            return 95;
        if (head.find("xl/workbook.xml") != std::string::npos || head.find("xl/worksheets/") != std::string::npos)
            return 80;
        if (head.find("[Content_Types].xml") != std::string::npos && head.find("xl/") != std::string::npos)
            return 60;
        return 0;
    } catch (...) {
        return 0;
    }
}

Project XlsxImporter::read(const Input& in, const Options& opts, Diagnostics& diag) {
    tabular::ReadOptions ro;
    const std::string dialect = opts.get("dialect");
    if (!dialect.empty() && dialect != "auto") {
        ro.dialect = tabular::dialectFromName(dialect);
        if (ro.dialect == tabular::Dialect::Unknown)
            throw UsageError("xlsx: unknown dialect '" + dialect + "'");
    }
    ro.columns = opts.get("columns");
    ro.tagSeparator = opts.get("tag-separator");
    ro.unguardFormulas = false;  // xlsx cells are never guarded: strings are not formulas
    bool own = false;
    ReaderLimits limits;
    limits.zip = zipLimits(opts);
    if (opts.has("max-depth")) limits.maxDepth = xmlLimits(opts).maxDepth;
    std::vector<tabular::Table> tables = readWorkbookTables(in, diag, &own, limits);
    if (tables.empty())
        throw InputError(Location{in.name(), {}, 0, 0, -1}, "the workbook has no sheet with data");
    return tabular::tablesToProject(tables, ro, diag);
}

void XlsxExporter::write(const Project& p, const std::string& path, const Options& opts, Diagnostics& diag) {
    tabular::WriteOptions wo;
    const std::string layout = opts.get("layout");
    wo.layout = layout.empty() ? tabular::Dialect::Tidy : tabular::dialectFromName(layout);
    if (wo.layout == tabular::Dialect::Unknown)
        throw UsageError("xlsx: unknown layout '" + layout + "'");
    wo.stylesCarried = true;
    wo.sourceTextCarried = true;
    wo.contentCarried = false;
    const bool tidy = wo.layout == tabular::Dialect::Tidy;
    if (tidy) {
        wo.tables = splitList(opts.get("tables"));
        if (wo.tables.empty())
            wo.tables = defaultTables();
    }
    WriterOptions wopt;
    wopt.longCells = opts.get("long-cells") == "truncate" ? LongCells::Truncate : LongCells::Split;
    wopt.title = p.name;
    WorkbookWriter w(path, diag, wopt);
    WorkbookSink sink(w, tidy);
    tabular::writeProjectTables(p, wo, sink, diag);
    w.close();
}

FormatInfo XlsxProvider::info() const {
    FormatInfo f;
    f.name = "xlsx";
    f.aliases = {"excel"};
    f.extensions = {"xlsx", "xlsm"};
    f.mediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    f.description = "Excel workbook: qdx's tidy sheets, tool import layouts; reads MAXQDA, QualCoder and other tools' workbooks";
    f.canRead = true;
    f.canWrite = true;
    f.streamsStdin = false;
    f.streamsStdout = false;
    const auto full = [](const char* note = "") { return SupportEntry{Support::Full, Support::Full, note}; };
    f.support["project"] = full("sheet Project (key/value)");
    f.support["users"] = full("sheet Users");
    f.support["themes"] = full("sheet Themes");
    f.support["theme-hierarchy"] = full("path and parent_id columns");
    f.support["theme-colours"] = full("colour column, shown as the cell fill; MAXQDA: font colour of the ● cell");
    f.support["attributes"] = full("sheet Attributes; values as columns of Sources and Cases");
    f.support["sources-text"] = full("text column, split over continuation columns past 32,767 characters");
    f.support["sources-media"] = {Support::Partial, Support::Partial, "name, kind, media type and path; the content itself is not stored"};
    f.support["excerpts-text"] = full("one row per coding in sheet Excerpts");
    f.support["excerpts-media"] = {Support::Partial, Support::Partial, "PDF, image and time anchors; transcripts are not carried"};
    f.support["codings"] = full("one row per coding");
    f.support["memos"] = full("sheet Memos");
    f.support["cases"] = full("sheet Cases, attributes as columns");
    f.support["sets"] = full("sheet Sets");
    f.support["extensions"] = full("ext columns hold JSON");

    std::vector<std::string> readable{"auto"}, writable;
    for (const auto& d : tabular::dialects()) {
        if (d.canRead)
            readable.push_back(d.name);
        if (d.canWrite)
            writable.push_back(d.name);
    }
    for (auto& l : limitOptions(true, true)) {
        if (l.name == "max-depth") l.defaultValue = std::to_string(ReaderLimits{}.maxDepth);
        f.options.push_back(std::move(l));
    }
    f.options.push_back({"dialect", OptionType::Choice, "auto",
                         "layout of every sheet; auto detects it per sheet from the headers", readable, true, false});
    f.options.push_back({"columns", OptionType::String, "",
                         "column map overriding header aliases, e.g. source:Outlet,quote:Text", {}, true, false});
    f.options.push_back({"tag-separator", OptionType::String, "",
                         "split opaque tag names into a tree at this separator (Taguette)", {}, true, false});
    f.options.push_back({"layout", OptionType::Choice, "tidy",
                         "what to write: qdx's tidy sheets or a tool's import layout", writable, false, true});
    f.options.push_back({"tables", OptionType::String, "",
                         "tidy tables to write, comma separated (default: project, sources, codings, themes, cases, memos, "
                         "users, attributes, sets)",
                         {}, false, true});
    f.options.push_back({"long-cells", OptionType::Choice, "split",
                         "cells over Excel's 32,767 characters: split into continuation columns qdx joins again, or truncate",
                         {"split", "truncate"}, false, true});
    return f;
}

} // namespace qdx::xlsx
