#include "CsvFormat.h"

#include "qdx/Limits.h"

#include "qdx/Json.h"
#include "qdx/Text.h"
#include "qdx/Zip.h"

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

namespace qdx::csv {

namespace {

std::string lower(std::string s) { return text::asciiLower(s); }

bool endsWith(const std::string& s, const std::string& suf) {
    return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

std::string baseName(const std::string& path) {
    auto slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string stem(const std::string& path) {
    std::string b = baseName(path);
    auto dot = b.rfind('.');
    return dot == std::string::npos || dot == 0 ? b : b.substr(0, dot);
}

char delimiterOption(const std::string& v, const std::string& target) {
    if (v == "comma") return ',';
    if (v == "semicolon") return ';';
    if (v == "tab") return '\t';
    // auto
    if (target.empty()) return 0;
    std::string t = lower(target);
    if (endsWith(t, ".tsv") || endsWith(t, ".txt") || endsWith(t, ".tab")) return '\t';
    return ',';
}

tabular::Dialect dialectOption(const Options& opts, bool forWrite) {
    std::string v = opts.get(forWrite ? "layout" : "dialect");
    if (v.empty() || v == "auto") return forWrite ? tabular::Dialect::Tidy : tabular::Dialect::Unknown;
    tabular::Dialect d = tabular::dialectFromName(v);
    if (d == tabular::Dialect::Unknown) throw UsageError("unknown dialect '" + v + "'");
    return d;
}

ParseOptions parseOptions(const Options& opts) {
    ParseOptions po;
    po.delimiter = delimiterOption(opts.get("delimiter"), {});
    po.encoding = opts.get("encoding");
    if (po.encoding.empty()) po.encoding = "auto";
    long long m = opts.getInt("max-field-bytes");
    if (m > 0) po.maxFieldBytes = static_cast<std::uint64_t>(m);
    return po;
}

void unguardAll(tabular::Table& t) {
    for (auto& row : t.rows)
        for (auto& c : row) tabular::unguardFormula(c);
}

const std::uint64_t kMaxInput = 4ull << 30;

/// One CSV text per streamed table (bundle members).
class BundleSink final : public tabular::RowSink {
public:
    explicit BundleSink(const WriteOptions& o) : _opts(o) {}
    struct Member {
        std::string name;
        std::string data;
        std::size_t rows = 0;
    };
    std::vector<Member> members;
    std::size_t guarded = 0, overLimit = 0;

    void beginTable(const tabular::TableHeader& h) override {
        _buf.str({});
        _buf.clear();
        _sink = std::make_unique<CsvSink>(_buf, _opts);
        _sink->beginTable(h);
        members.push_back({h.name, {}, 0});
    }
    void row(const std::vector<std::string>& cells, const std::vector<tabular::CellStyle>* st) override { _sink->row(cells, st); }
    void endTable() override {
        _sink->endTable();
        members.back().data = _buf.str();
        members.back().rows = _sink->rows();
        guarded += _sink->guarded();
        overLimit += _sink->overExcelLimit();
        _sink.reset();
    }

private:
    WriteOptions _opts;
    std::ostringstream _buf;
    std::unique_ptr<CsvSink> _sink;
};

std::string memberFileName(const std::string& table, std::set<std::string>& used) {
    std::string base;
    for (char c : table) base += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    if (base.empty()) base = "table";
    std::string name = base + ".csv";
    for (int i = 2; !used.insert(lower(name)).second; ++i) name = base + "-" + std::to_string(i) + ".csv";
    return name;
}

Project readBundle(const Input& in, const Options& opts, Diagnostics& diag) {
    auto zip = ZipReader::open(in, zipLimits(opts));
    const ZipReader::Entry* manifestEntry = zip->find(kManifestName);
    std::vector<tabular::Table> tables;
    bool guarded = opts.getBool("guarded");
    ParseOptions po = parseOptions(opts);
    tabular::ReadOptions ro;
    ro.dialect = dialectOption(opts, false);
    ro.columns = opts.get("columns");
    ro.tagSeparator = opts.get("tag-separator");
    auto readMember = [&](const ZipReader::Entry& e) {
        std::string bytes = zip->read(e, po.maxFieldBytes * 16 > kMaxInput ? kMaxInput : std::max<std::uint64_t>(po.maxFieldBytes * 16, 1u << 30));
        tabular::Table t = parseCsv(bytes, in.name() + "!" + e.name, po, diag);
        t.file = in.name();
        t.name = e.name;  // messages name the member: "bundle.zip!codings.csv:2:3"
        if (guarded) unguardAll(t);
        tables.push_back(std::move(t));
    };
    if (manifestEntry) {
        Json m = parseJson(zip->read(*manifestEntry, 16u << 20), in.name() + "!" + kManifestName);
        const Json* format = m.find("format");
        if (!format || !format->isString() || format->asString() != "qdx-tables")
            throw InputError(Location{in.name(), kManifestName, 0, 0, -1}, "the manifest is not a qdx-tables manifest");
        if (const Json* g = m.find("formulaGuard"); g && g->isBool() && g->asBool()) guarded = true;
        const Json* list = m.find("tables");
        if (!list || !list->isArray()) throw InputError(Location{in.name(), kManifestName, 0, 0, -1}, "the manifest lists no tables");
        if (ro.dialect == tabular::Dialect::Unknown)
            if (const Json* l = m.find("layout"); l && l->isString()) ro.dialect = tabular::dialectFromName(l->asString());
        if (ro.dialect == tabular::Dialect::Tidy) ro.dialect = tabular::Dialect::Unknown;  // tidy kinds are told by their headers
        for (const auto& t : list->asArray()) {
            const Json* name = t.find("name");
            const Json* file = t.find("file");
            if (!name || !file || !name->isString() || !file->isString())
                throw InputError(Location{in.name(), kManifestName, 0, 0, -1}, "a manifest table needs 'name' and 'file'");
            const ZipReader::Entry* e = zip->find(file->asString());
            if (!e) throw InputError(Location{in.name(), kManifestName, 0, 0, -1}, "the manifest names '" + file->asString() + "', which is not in the archive");
            readMember(*e);
        }
    } else {
        if (zip->find("project.qde"))
            throw InputError(Location{in.name(), {}, 0, 0, -1}, "this is a REFI-QDA project (project.qde inside); read it with -f refi");
        for (const auto& e : zip->entries()) {
            std::string n = lower(e.name);
            if (e.isDirectory || !(endsWith(n, ".csv") || endsWith(n, ".tsv") || endsWith(n, ".txt"))) continue;
            readMember(e);
        }
        if (tables.empty()) throw InputError(Location{in.name(), {}, 0, 0, -1}, "the archive holds neither qdx-tables.json nor any .csv table");
        diag.info("info.bundle-without-manifest", "no qdx-tables.json: every .csv member was read as a table");
    }
    std::shared_ptr<ZipReader> keep = zip;
    ro.openContent = [keep](const std::string& member) -> std::shared_ptr<Blob> {
        const ZipReader::Entry* e = keep->find(member);
        return e ? keep->blob(*e) : nullptr;
    };
    return tabular::tablesToProject(tables, ro, diag);
}

} // namespace

FormatInfo CsvFormatProvider::info() const {
    FormatInfo f;
    f.name = "csv";
    f.aliases = {"tsv", "tables", "csv-bundle"};
    // "zip" first: the whole project travels as a bundle of tables; ".csv" is one table.
    f.extensions = {"zip", "csv", "tsv", "txt"};
    f.mediaType = "text/csv";
    f.description = "CSV tables: qdx tidy tables (one table, or a .zip bundle of all) and the spreadsheet layouts of MAXQDA, ATLAS.ti, NVivo, Taguette, QualCoder, Dedoose";
    f.canRead = true;
    f.canWrite = true;
    auto full = [](const char* note = "") { return SupportEntry{Support::Full, Support::Full, note}; };
    auto partial = [](const char* note) { return SupportEntry{Support::Partial, Support::Partial, note}; };
    f.support["project"] = full("the bundle's project table; a single .csv loses it");
    f.support["users"] = full("bundle");
    f.support["themes"] = full("tool layouts keep paths and descriptions");
    f.support["theme-hierarchy"] = full("paths per tool: ' > ', ': ', '>>', '\\', indentation columns");
    f.support["theme-colours"] = full("tidy colour column; CSV exports of MAXQDA/ATLAS.ti have none");
    f.support["attributes"] = full("tidy; tool tables infer integer/float/text");
    f.support["sources-text"] = full("bundle sources table; tool exports carry no source text");
    f.support["sources-media"] = partial("content files travel in the bundle; transcripts do not");
    f.support["excerpts-text"] = full("code-point spans in the bundle; tool exports anchor by quoted text only");
    f.support["excerpts-media"] = partial("PDF, image and time anchors travel; transcript anchors lose their transcript");
    f.support["codings"] = full();
    f.support["memos"] = full("bundle memos table; tool layouts keep coding memos only");
    f.support["cases"] = full("bundle cases table; QualCoder/NVivo case sheets");
    f.support["sets"] = full("bundle; document and code groups of tools become sets");
    f.support["extensions"] = full("JSON in the ext columns of the tidy tables");
    std::vector<std::string> readDialects{"auto"}, writeLayouts;
    for (const auto& d : tabular::dialects()) {
        if (d.canRead) readDialects.push_back(d.name);
        if (d.canWrite) writeLayouts.push_back(d.name);
    }
    f.options = {
        {"dialect", OptionType::Choice, "auto",
         "layout of the input table: detected from the header row unless named here", readDialects, true, false},
        {"layout", OptionType::Choice, "tidy",
         "layout to write: qdx tidy tables, or a tool's import layout", writeLayouts, false, true},
        {"table", OptionType::Choice, "auto",
         "tidy table written to a single .csv (auto = codings; a .zip bundle holds all tables)",
         {"auto", "all", "project", "codings", "themes", "sources", "cases", "memos", "users", "attributes", "sets"}, false, true},
        {"delimiter", OptionType::Choice, "auto", "input field delimiter (auto: sniffed among , ; TAB)",
         {"auto", "comma", "semicolon", "tab"}, true, false},
        {"separator", OptionType::Choice, "auto", "output field delimiter (auto: TAB for .tsv/.txt, else comma)",
         {"auto", "comma", "semicolon", "tab"}, false, true},
        {"encoding", OptionType::Choice, "auto",
         "input encoding (auto: BOM, UTF-16, UTF-8, else Windows-1252 with a diagnostic)",
         {"auto", "utf-8", "utf-16", "windows-1252"}, true, false},
        {"columns", OptionType::String, "", "column map overriding header aliases, e.g. source:Outlet,quote:Text (roles: source, quote, reference, theme, level, document, code, start, end, memo, coder, date, case, group, segment, comment, codes, text)", {}, true, false},
        {"tag-separator", OptionType::String, "", "split Taguette tags into a tree on this separator (. or \\ or >)", {}, true, false},
        {"guarded", OptionType::Bool, "false", "the file was written with the formula guard: strip the ' before = + - @ (automatic for qdx bundles)", {}, true, false},
        {"max-field-bytes", OptionType::Int, "67108864", "largest field accepted when reading (LimitError above)", {}, true, false},
        {"bom", OptionType::Bool, "false", "start the file with a UTF-8 BOM (Excel then reads UTF-8 correctly)", {}, false, true},
        {"neutralise-formulas", OptionType::Bool, "true", "prefix text cells starting with = + - @ TAB CR with ' (OWASP CSV injection)", {}, false, true},
        {"quote", OptionType::Choice, "minimal", "quote fields only when needed, or all", {"minimal", "all"}, false, true},
        {"strict", OptionType::Bool, "false", "tolerated quirks of real tools' files (quirk.*) become errors", {}, true, false},
    };
    for (auto& l : limitOptions(true, false)) f.options.push_back(std::move(l));  // the .zip bundle
    return f;
}

std::unique_ptr<Importer> CsvFormatProvider::createImporter() const { return std::make_unique<CsvImporter>(); }
std::unique_ptr<Exporter> CsvFormatProvider::createExporter() const { return std::make_unique<CsvExporter>(); }

int CsvImporter::probe(const Input& in) const noexcept {
    try {
        const std::string& h = in.head();
        if (h.size() >= 30 && h.compare(0, 4, "PK\x03\x04") == 0) {
            // Our bundles write the manifest first: its name follows the local header.
            std::size_t nameLen = static_cast<unsigned char>(h[26]) | (static_cast<unsigned char>(h[27]) << 8);
            if (h.size() >= 30 + nameLen && h.compare(30, nameLen, kManifestName) == 0) return 95;
            return 0;
        }
        if (h.empty()) return 0;
        std::string_view v(h);
        bool bom16 = v.substr(0, 2) == "\xFF\xFE" || v.substr(0, 2) == "\xFE\xFF";
        if (!bom16) {
            if (v.find('\0') != std::string_view::npos) return 0;
            // The head may end inside a character: check all but the last 3 bytes.
            std::string_view body = v.size() > 3 && in.size() > v.size() ? v.substr(0, v.size() - 3) : v;
            if (!text::isValidUtf8(body)) return 0;
        }
        Diagnostics scratch;
        ParseInfo info;
        std::string text = decode(v.substr(0, std::min<std::size_t>(v.size(), 16384)), "auto", in.name(), scratch, info);
        std::size_t eol = text.find_first_of("\r\n");
        std::string first = text.substr(0, eol);
        if (first.find_first_of(",;\t") == std::string::npos) return 0;
        // Cut at the last complete line and see whether a known layout is there.
        std::size_t last = text.find_last_of('\n');
        if (last != std::string::npos && in.size() > v.size()) text.resize(last + 1);
        ParseOptions po;
        po.encoding = "utf-8";
        tabular::Table t = parseCsv(text, in.name(), po, scratch);
        tabular::Detection d = tabular::detectDialect(t);
        std::string ext = in.extension();
        bool ours = ext == "csv" || ext == "tsv" || ext == "txt";
        if (d.dialect != tabular::Dialect::Unknown && d.dialect != tabular::Dialect::Ignored && d.score >= 50) return ours ? 80 : 60;
        return ours ? 40 : 15;
    } catch (...) {
        return 0;
    }
}

Project CsvImporter::read(const Input& in, const Options& opts, Diagnostics& diag) {
    const std::string& h = in.head();
    if (h.size() >= 4 && h.compare(0, 4, "PK\x03\x04") == 0) return readBundle(in, opts, diag);
    ParseOptions po = parseOptions(opts);
    std::string bytes = in.readAll(kMaxInput);
    tabular::Table t = parseCsv(bytes, in.name(), po, diag);
    std::string s = stem(in.name());
    if (tabular::dialectFromName(s) == tabular::Dialect::Unknown) {
        for (const auto& n : tabular::tidyTableNames())
            if (lower(s) == n) t.name = n;
    }
    if (opts.getBool("guarded")) unguardAll(t);
    tabular::ReadOptions ro;
    ro.dialect = dialectOption(opts, false);
    ro.columns = opts.get("columns");
    ro.tagSeparator = opts.get("tag-separator");
    std::vector<tabular::Table> tables;
    tables.push_back(std::move(t));
    Project p = tabular::tablesToProject(tables, ro, diag);
    if (p.name.empty()) p.name = s;
    return p;
}

void CsvExporter::write(const Project& p, const std::string& path, const Options& opts, Diagnostics& diag) {
    // The core's temporary path keeps the target's suffix (.zip, .csv, .tsv).
    const std::string& target = path;
    const bool bundle = endsWith(lower(target), ".zip");
    tabular::WriteOptions wo;
    wo.layout = dialectOption(opts, true);
    bool writable = false;
    for (const auto& d : tabular::dialects())
        if (d.dialect == wo.layout) writable = d.canWrite;
    if (!writable) throw UsageError(std::string("the '") + tabular::dialectName(wo.layout) + "' layout can be read but not written");
    std::string table = opts.get("table");
    if (table.empty()) table = "auto";
    WriteOptions co;
    co.delimiter = delimiterOption(opts.get("separator"), target);
    co.bom = opts.getBool("bom");
    co.quoteAll = opts.get("quote") == "all";
    co.guardFormulas = opts.getBool("neutralise-formulas");

    if (bundle) {
        if (table != "auto" && table != "all") wo.tables = {table};
        wo.contentCarried = true;
        wo.sourceTextCarried = true;
        if (co.delimiter == '\t') co.delimiter = ',';
        BundleSink sink(co);
        tabular::writeProjectTables(p, wo, sink, diag);
        Json manifest = Json::object();
        manifest.set("format", "qdx-tables");
        manifest.set("version", 1);
        manifest.set("layout", tabular::dialectName(wo.layout));
        manifest.set("formulaGuard", co.guardFormulas);
        manifest.set("delimiter", std::string(1, co.delimiter));
        Json list = Json::array();
        std::set<std::string> used{lower(kManifestName)};
        std::vector<std::pair<std::string, std::string>> files;
        for (auto& m : sink.members) {
            std::string file = memberFileName(m.name, used);
            Json t = Json::object();
            t.set("name", m.name);
            t.set("file", file);
            t.set("rows", static_cast<std::uint64_t>(m.rows));
            list.push(std::move(t));
            files.emplace_back(file, std::move(m.data));
        }
        manifest.set("tables", std::move(list));
        Json content = Json::array();
        ZipWriter zw(path);
        zw.addBytes(kManifestName, manifest.dump() + "\n");
        for (auto& [file, data] : files) zw.addBytes(file, std::move(data));
        if (wo.layout == tabular::Dialect::Tidy && (wo.tables.empty() || wo.tables.front() == "sources"))
            for (std::size_t i = 0; i < p.sources.size(); ++i)
                if (p.sources[i].content) zw.addBlob(tabular::contentMemberName(p.sources[i], i), p.sources[i].content, true);
        zw.close();
        if (sink.guarded)
            diag.info("info.formula-guard", std::to_string(sink.guarded) +
                                                " cell(s) starting with = + - @ TAB or CR were prefixed with ' (the bundle manifest records it; qdx strips it again on reading)");
        if (sink.overLimit)
            diag.info("info.excel-cell-limit", std::to_string(sink.overLimit) + " cell(s) are longer than the 32,767 characters Excel can hold");
        return;
    }

    if (wo.layout == tabular::Dialect::Tidy) {
        if (table == "all") throw UsageError("several tables need a .zip output (a bundle of tables); name one table with -o table=");
        wo.tables = {table == "auto" ? std::string("codings") : table};
    }
    wo.sourceTextCarried = true;
    wo.contentCarried = false;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw OutputError("cannot write '" + path + "'");
    CsvSink sink(out, co);
    tabular::writeProjectTables(p, wo, sink, diag);
    out.flush();
    if (!out) throw OutputError("writing '" + path + "' failed");
    sink.report(diag, target);
}

} // namespace qdx::csv
