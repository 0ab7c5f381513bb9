#include "QualCoderReader.h"

#include "QualCoderCommon.h"

#include "qdx/Text.h"

#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unordered_map>

namespace qdx::qualcoder {

namespace fs = std::filesystem;

namespace {

// ---------------------------------------------------------------- media files

/// Where the files of the project's folders (documents/, images/, ...) come from.
class MediaStore {
public:
    virtual ~MediaStore() = default;
    /// The file `name` of a project folder, or nullptr with the reason in `why`.
    virtual std::shared_ptr<Blob> find(MediaFolder folder, const std::string& name, std::string& why) = 0;
};

/// No folder beside the database (a bare data.qda read from memory).
class NoMedia final : public MediaStore {
public:
    std::shared_ptr<Blob> find(MediaFolder, const std::string&, std::string& why) override {
        why = "the database was read without its project folder";
        return nullptr;
    }
};

/// A file name QualCoder puts after "/docs/" etc.: one path component.
bool safeComponent(const std::string& name) {
    if (name.empty() || name == "." || name == "..") return false;
    for (unsigned char c : name)
        if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') return false;
    return true;
}

/// The project folder on disk. A file is taken only when it is a regular file
/// inside its folder (a link leading out of the project is refused).
class FolderMedia final : public MediaStore {
public:
    explicit FolderMedia(const std::string& root) : _root(root) {}
    std::shared_ptr<Blob> find(MediaFolder folder, const std::string& name, std::string& why) override {
        if (!safeComponent(name)) {
            why = "the file name is not one plain name inside the project folder";
            return nullptr;
        }
        std::error_code ec;
        fs::path dir = fs::path(_root) / folderName(folder);
        fs::path realDir = fs::canonical(dir, ec);
        if (ec) {
            why = "the project has no " + std::string(folderName(folder)) + "/ folder";
            return nullptr;
        }
        fs::path real = fs::canonical(dir / name, ec);
        if (ec) {
            why = "the file is not in the project's " + std::string(folderName(folder)) + "/ folder";
            return nullptr;
        }
        auto rel = real.lexically_relative(realDir);
        if (rel.empty() || *rel.begin() == ".." || rel.has_parent_path()) {
            why = "the file leads outside the project's " + std::string(folderName(folder)) + "/ folder";
            return nullptr;
        }
        if (!fs::is_regular_file(real, ec)) {
            why = "the file is not a regular file";
            return nullptr;
        }
        return std::make_shared<FileBlob>(real.string());
    }

private:
    std::string _root;
};

/// A zip of the project folder: members under "<prefix><folder>/".
class ZipMedia final : public MediaStore {
public:
    ZipMedia(std::shared_ptr<ZipReader> zip, std::string prefix) : _zip(std::move(zip)), _prefix(std::move(prefix)) {}
    std::shared_ptr<Blob> find(MediaFolder folder, const std::string& name, std::string& why) override {
        if (!safeComponent(name)) {
            why = "the file name is not one plain name inside the project folder";
            return nullptr;
        }
        const ZipReader::Entry* e = _zip->find(_prefix + folderName(folder) + "/" + name);
        if (!e || e->isDirectory) {
            why = "the zip has no member " + _prefix + folderName(folder) + "/" + name;
            return nullptr;
        }
        return std::make_shared<ZipMemberBlob>(_zip, *e);
    }

private:
    std::shared_ptr<ZipReader> _zip;
    std::string _prefix;
};

// ---------------------------------------------------------------- values

/// An integer column: QualCoder writes integers; a real with no fraction or a
/// text of digits is tolerated (what Python's sqlite3 would hand QualCoder).
struct IntValue {
    enum State { Null, Value, Bad } state = Null;
    std::int64_t v = 0;
    bool tolerated = false;  ///< came as a real or a text
};

IntValue intOf(const Stmt& s, int col) {
    IntValue r;
    switch (s.type(col)) {
    case Stmt::Type::Null: return r;
    case Stmt::Type::Integer:
        r.state = IntValue::Value;
        r.v = s.integer(col);
        return r;
    case Stmt::Type::Float: {
        double d = s.real(col);
        if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
            r.state = IntValue::Value;
            r.v = static_cast<std::int64_t>(d);
            r.tolerated = true;
        } else {
            r.state = IntValue::Bad;
        }
        return r;
    }
    default: {
        std::string_view t = s.textView(col);
        std::string_view d = t;
        bool neg = !d.empty() && d[0] == '-';
        if (neg) d.remove_prefix(1);
        bool digits = !d.empty() && d.size() <= 18 &&
                      std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits) {
            r.state = IntValue::Bad;
            return r;
        }
        r.state = IntValue::Value;
        r.v = std::stoll(std::string(t));
        r.tolerated = true;
        return r;
    }
    }
}

/// A number column kept as it is (rectangles may be stored as reals).
Json numberJson(const Stmt& s, int col) {
    switch (s.type(col)) {
    case Stmt::Type::Null: return Json();
    case Stmt::Type::Integer: return Json(s.integer(col));
    case Stmt::Type::Float: {
        double d = s.real(col);
        if (!std::isfinite(d)) return Json();
        char buf[40];
        std::snprintf(buf, sizeof buf, "%.17g", d);
        return Json::number(buf);
    }
    default: return Json(std::string(s.textView(col)));
    }
}

std::string rowPlace(const char* table, const char* key, std::int64_t n) {
    return std::string(table) + "[" + key + "=" + std::to_string(n) + "]";
}

/// One code_text row, kept until its excerpt is built.
struct TextRow {
    std::int64_t ctid = 0;
    std::size_t source = 0;
    std::int64_t start = 0, end = 0;
    std::string seltext, owner, date, memo, theme;
    Json rowExt;
    std::string avExcerpt;
    bool important = false;
};

/// QualCoder's coding view records Qt cursor positions: UTF-16 units over the
/// text, with a CR LF counted once. Its imports and reports count code points.
/// Both meet on texts without such characters; elsewhere the quoted text tells.
struct SpanUnits {
    explicit SpanUnits(const std::string& t) : text(t), index(t) {
        for (unsigned char c : t)
            if (c >= 0xF0) astral = true;
        crlf = t.find("\r\n") != std::string::npos;
    }
    const std::string& text;
    text::CodePointIndex index;
    bool astral = false, crlf = false;
    std::unique_ptr<text::OffsetMap> utf16, crlfOnce;
};

/// U+2029 (Qt's paragraph separator in selected text) read as the line break it stands for.
std::string paragraphsAsNewlines(std::string s) {
    const std::string ps = "\xE2\x80\xA9";
    for (auto at = s.find(ps); at != std::string::npos; at = s.find(ps, at + 1)) s.replace(at, ps.size(), "\n");
    return s;
}

// ---------------------------------------------------------------- the reader

class Reader {
public:
    Reader(Db& db, std::unique_ptr<MediaStore> media, std::string projectName, Diagnostics& diag)
        : _db(db), _media(std::move(media)), _diag(diag) {
        _p.name = std::move(projectName);
    }

    Project run() {
        checkSchema();
        readProjectRow();
        readUsers();
        readThemes();
        readSources();
        readTextCodings();
        readImageCodings();
        readAvCodings();
        resolveAvLinks();
        readAnnotations();
        readCases();
        readAttributes();
        readJournals();
        readKeptTables();
        reportQuotes();
        return std::move(_p);
    }

private:
    Location at(const std::string& member = {}) const { return Location{_db.display(), member, 0, 0, -1}; }

    // ------------------------------------------------------------ schema
    void checkSchema() {
        Stmt s(_db, "SELECT type, name, sql FROM sqlite_master", "sqlite_master");
        while (s.step()) {
            std::string type(s.textView(0)), name(s.textView(1)), sql(s.textView(2));
            if (type != "table" && type != "view") continue;
            _objects[name] = {type, sql};
        }
        auto used = usedTables();
        for (const auto& name : used) {
            auto it = _objects.find(name);
            if (it == _objects.end()) continue;
            std::string head = text::asciiLower(it->second.second.substr(0, 40));
            if (it->second.first != "table" || head.rfind("create table", 0) != 0)
                throw InputError(at(name), "'" + name + "' is a " + (it->second.first == "view" ? "view" : "virtual table") +
                                               ", not a table: QualCoder makes it a plain table (refused)");
            readColumns(name);
        }
        if (!_columns.count("project"))
            throw InputError(at(), "not a QualCoder project: the database has no 'project' table");
        for (const char* required : {"source", "code_name", "code_cat", "code_text"})
            if (!_columns.count(required))
                throw InputError(at(), std::string("not a QualCoder project: the database has no '") + required + "' table");
        for (const auto& [name, obj] : _objects) {
            if (obj.first != "table" || name.rfind("sqlite_", 0) == 0 || std::count(used.begin(), used.end(), name)) continue;
            _diag.skipped("skipped.qualcoder-table", "table '" + name + "' is not one QualCoder " + std::to_string(kDatabaseVersion) +
                                                         " makes; it was not read", {}, {}, at(name));
        }
    }

    static std::vector<std::string> usedTables() {
        std::vector<std::string> t{"project", "source", "code_cat", "code_name", "code_text", "code_image", "code_av",
                                   "annotation", "attribute_type", "attribute", "cases", "case_text", "journal", "coder_names"};
        for (const auto& k : keptTables()) t.push_back(k);
        return t;
    }

    void readColumns(const std::string& table) {
        // The table name is one of ours, never the file's.
        Stmt s(_db, "PRAGMA table_xinfo(\"" + table + "\")", table);
        auto& cols = _columns[table];
        while (s.step()) {
            std::string name(s.textView(1));
            if (s.integer(6) != 0)
                throw InputError(at(table), "column '" + name + "' is a generated column: QualCoder never makes one (refused)");
            cols.push_back(name);
        }
    }

    bool hasTable(const std::string& t) const { return _columns.count(t) != 0; }
    bool hasColumn(const std::string& t, const std::string& c) const {
        auto it = _columns.find(t);
        return it != _columns.end() && std::find(it->second.begin(), it->second.end(), c) != it->second.end();
    }

    /// SELECT of `cols` (NULL for the ones an older database lacks), then the
    /// table's other columns, ordered by row.
    std::string select(const std::string& table, const std::vector<std::string>& cols, std::vector<std::string>* extra,
                       const char* order = "rowid") const {
        std::string sql = "SELECT ";
        bool first = true;
        for (const auto& c : cols) {
            // The first column is the row's number: databases before v4 had no code_text.ctid.
            std::string expr = hasColumn(table, c) ? "\"" + c + "\"" : first ? std::string("rowid") : std::string("NULL");
            sql += (first ? "" : ", ") + expr;
            first = false;
        }
        if (std::string(order) != "rowid" && !hasColumn(table, order)) order = "rowid";
        if (extra) {
            for (const auto& c : _columns.at(table)) {
                if (std::find(cols.begin(), cols.end(), c) != cols.end()) continue;
                if (c.find('"') != std::string::npos) continue;  // a name that cannot be quoted is not read
                extra->push_back(c);
                sql += (first ? "\"" : ", \"") + c + "\"";
                first = false;
            }
        }
        return sql + " FROM \"" + table + "\" ORDER BY " + order;
    }

    /// The columns after `from` (the table's others) as an object, nulls left out.
    Json extraColumns(const Stmt& s, int from, const std::vector<std::string>& names, const std::string& place) {
        Json o;
        for (std::size_t i = 0; i < names.size(); ++i) {
            int col = from + static_cast<int>(i);
            if (s.isNull(col)) continue;
            if (s.type(col) == Stmt::Type::Text) o.set(names[i], Json(str(s, col, place, names[i].c_str())));
            else if (s.type(col) == Stmt::Type::Blob) _diag.lossy("lossy.qualcoder-blob", "column '" + names[i] + "' holds bytes, not text or a number; not kept", {}, {}, at(place));
            else o.set(names[i], numberJson(s, col));
        }
        return o;
    }

    /// A text column, refused unless it is UTF-8 (Python could not read it either).
    std::string str(const Stmt& s, int col, const std::string& place, const char* column) {
        std::string_view v = s.textView(col);
        std::size_t bad = text::firstInvalidUtf8(v);
        if (bad != std::string::npos)
            throw InputError(at(place), std::string("column '") + column + "' is not valid UTF-8 (byte " + std::to_string(bad) + ")");
        if (v.find('\0') != std::string_view::npos && std::strcmp(column, "fulltext") != 0)
            _diag.info("quirk.nul-character", std::string("column '") + column + "' holds a NUL character (kept)", {}, at(place));
        return std::string(v);
    }

    IntValue integer(const Stmt& s, int col, const std::string& place, const char* column) {
        IntValue v = intOf(s, col);
        if (v.tolerated)
            _diag.info("quirk.number-as-text", std::string("column '") + column + "' holds a number stored as text or real (read as an integer)",
                       {}, at(place));
        return v;
    }

    // ------------------------------------------------------------ project
    void readProjectRow() {
        std::vector<std::string> extra;
        Stmt s(_db, select("project", {"databaseversion", "date", "memo", "about"}, &extra), "project");
        if (!s.step()) throw InputError(at("project"), "not a QualCoder project: the project table is empty");
        std::string version = str(s, 0, "project", "databaseversion");
        _p.audit.created = dateFromQualCoder(str(s, 1, "project", "date"));
        _p.description = str(s, 2, "project", "memo");
        std::string about = str(s, 3, "project", "about");
        if (about.find("QualCoder") == std::string::npos)
            throw InputError(at("project"), "not a QualCoder project: the project's 'about' ('" + clip(about, 60) +
                                                "') does not name QualCoder, and QualCoder refuses it too");
        _p.origin = originOf(about);
        Json row = extraColumns(s, 4, extra, "project");
        if (!row.isNull()) _p.ext[key::kRow] = std::move(row);
        if (s.step()) _diag.info("quirk.project-rows", "the project table has more than one row; the first was read", {}, at("project"));
        int v = 0;
        if (version.size() >= 2 && (version[0] == 'v' || version[0] == 'V') &&
            std::all_of(version.begin() + 1, version.end(), [](char c) { return c >= '0' && c <= '9'; }) && version.size() < 6)
            v = std::stoi(version.substr(1));
        if (v > kDatabaseVersion)
            throw InputError(at("project"), "made by a newer QualCoder: database version " + version + "; this qdx reads versions up to v" +
                                                std::to_string(kDatabaseVersion) + " (QualCoder 4.0). Export it from QualCoder as REFI-QDA (.qdpx) instead");
        if (v == 0)
            _diag.info("quirk.database-version", "the database version '" + clip(version, 20) + "' is not QualCoder's 'vN'; read as v" +
                                                     std::to_string(kDatabaseVersion), {}, at("project"));
        else if (v < kDatabaseVersion)
            _diag.info("qualcoder.older-version", "database version " + version + ": read as QualCoder " + std::to_string(kDatabaseVersion) +
                                                      " would upgrade it (missing columns and tables are empty)", {}, at("project"));
    }

    /// The producing tool: qdx writes "... written by qdx ...; was: <origin>".
    static std::string originOf(const std::string& about) {
        const std::string was = "; was: ";
        auto w = about.find(was);
        if (about.find("written by qdx") != std::string::npos && w != std::string::npos) return about.substr(w + was.size());
        return about;
    }

    // ------------------------------------------------------------ users
    void readUsers() {
        if (!hasTable("coder_names")) return;
        std::vector<std::string> extra;
        Stmt s(_db, select("coder_names", {"rowid", "name"}, &extra), "coder_names");
        while (s.step()) {
            std::int64_t n = s.integer(0);
            std::string place = rowPlace("coder_names", "rowid", n);
            std::string name = str(s, 1, place, "name");
            if (name.empty() || _userByName.count(name)) continue;
            User u;
            u.id = makeId(ids::kCoder, n);
            u.name = name;
            Json row = extraColumns(s, 2, extra, place);
            if (!row.isNull()) u.ext[key::kRow] = std::move(row);
            _userByName[name] = u.id;
            _maxCoder = std::max(_maxCoder, n);
            _p.users.push_back(std::move(u));
        }
    }

    /// The user id of an owner name; owners missing from coder_names (older
    /// databases) become users too, as QualCoder's update_coder_names() does.
    std::string user(const std::string& owner) {
        if (owner.empty()) return {};
        auto it = _userByName.find(owner);
        if (it != _userByName.end()) return it->second;
        User u;
        u.id = makeId(ids::kCoder, ++_maxCoder);
        u.name = owner;
        _userByName[owner] = u.id;
        _p.users.push_back(u);
        return u.id;
    }

    void readThemes();
    void linkThemes(const std::map<std::int64_t, std::int64_t>& catParent, const std::map<std::int64_t, std::int64_t>& codeCat,
                    const std::map<std::int64_t, std::int64_t>& codeParent);
    void breakCycles(const char* prefix, std::map<std::int64_t, std::int64_t>& parent);
    void readSources();
    void readSourceContent(Source& src, const std::string& mediapath, const std::string& place);
    void readTextCodings();
    bool textRow(const Stmt& s, TextRow& r);
    bool placeSpan(std::size_t si, std::int64_t& start, std::int64_t& end, const std::string& quote, const std::string& place,
                   const std::string& entity);
    void addTextExcerpts(std::vector<TextRow>& rows);
    void readImageCodings();
    void readAvCodings();
    void resolveAvLinks();
    void readAnnotations();
    void readCases();
    void readAttributes();
    void readJournals();
    void readKeptTables();
    void reportQuotes();

    const Source* sourceOf(IntValue fid, std::size_t& index) const {
        if (fid.state != IntValue::Value) return nullptr;
        auto it = _sourceByNumber.find(fid.v);
        if (it == _sourceByNumber.end()) return nullptr;
        index = it->second;
        return &_p.sources[index];
    }
    std::string codeTheme(IntValue cid) const {
        if (cid.state != IntValue::Value || !_codes.count(cid.v)) return {};
        return makeId(ids::kCode, cid.v);
    }
    SpanUnits& units(std::size_t si) {
        auto& u = _units[si];
        if (!u) u = std::make_unique<SpanUnits>(*_p.sources[si].text);
        return *u;
    }

    Db& _db;
    std::unique_ptr<MediaStore> _media;
    Diagnostics& _diag;
    Project _p;
    std::map<std::string, std::pair<std::string, std::string>> _objects;  ///< name -> (type, sql)
    std::map<std::string, std::vector<std::string>> _columns;           ///< tables read -> their columns
    std::map<std::string, std::string> _userByName;
    std::int64_t _maxCoder = 0;
    std::set<std::int64_t> _codes, _categories;
    std::unordered_map<std::int64_t, std::size_t> _sourceByNumber;
    std::unordered_map<std::size_t, std::unique_ptr<SpanUnits>> _units;
    std::set<std::string> _excerptIds;
    std::size_t _quotesChecked = 0, _quotesMatched = 0, _qtPositions = 0;
};

// ---------------------------------------------------------------- themes

void Reader::readThemes() {
    std::map<std::int64_t, std::int64_t> catParent, codeCat, codeParent;
    {
        Stmt s(_db, select("code_cat", {"catid", "name", "owner", "date", "memo", "supercatid"}, nullptr, "catid"), "code_cat");
        while (s.step()) {
            IntValue id = intOf(s, 0);
            if (id.state != IntValue::Value) continue;  // an INTEGER PRIMARY KEY is always an integer
            std::string place = rowPlace("code_cat", "catid", id.v);
            Theme t;
            t.id = makeId(ids::kCategory, id.v);
            t.name = str(s, 1, place, "name");
            t.audit.creator = user(str(s, 2, place, "owner"));
            t.audit.created = dateFromQualCoder(str(s, 3, place, "date"));
            t.description = str(s, 4, place, "memo");
            t.codable = false;
            IntValue sup = integer(s, 5, place, "supercatid");
            if (sup.state == IntValue::Value) catParent[id.v] = sup.v;
            _categories.insert(id.v);
            _p.themes.push_back(std::move(t));
        }
    }
    Stmt s(_db, select("code_name", {"cid", "name", "memo", "catid", "owner", "date", "color", "supercid"}, nullptr, "cid"), "code_name");
    while (s.step()) {
        IntValue id = intOf(s, 0);
        if (id.state != IntValue::Value) continue;
        std::string place = rowPlace("code_name", "cid", id.v);
        Theme t;
        t.id = makeId(ids::kCode, id.v);
        t.name = str(s, 1, place, "name");
        t.description = str(s, 2, place, "memo");
        IntValue cat = integer(s, 3, place, "catid");
        if (cat.state == IntValue::Value) codeCat[id.v] = cat.v;
        t.audit.creator = user(str(s, 4, place, "owner"));
        t.audit.created = dateFromQualCoder(str(s, 5, place, "date"));
        std::string colour = str(s, 6, place, "color");
        t.color = normaliseColour(colour);
        if (!colour.empty() && t.color != colour) t.ext[key::kColour] = Json(colour);
        IntValue sup = integer(s, 7, place, "supercid");
        if (sup.state == IntValue::Value) codeParent[id.v] = sup.v;
        _codes.insert(id.v);
        _p.themes.push_back(std::move(t));
    }
    linkThemes(catParent, codeCat, codeParent);
}

/// Parents as QualCoder shows them when it opens the project: a lost parent is
/// dropped, a code with both a parent code and a category sits under the code,
/// and a cycle is cut where QualCoder cuts it.
void Reader::linkThemes(const std::map<std::int64_t, std::int64_t>& catParentIn, const std::map<std::int64_t, std::int64_t>& codeCat,
                        const std::map<std::int64_t, std::int64_t>& codeParentIn) {
    auto catParent = catParentIn;
    auto codeParent = codeParentIn;
    for (auto it = catParent.begin(); it != catParent.end();) {
        if (_categories.count(it->second)) { ++it; continue; }
        _diag.lossy("lossy.theme-parent", "category " + std::to_string(it->first) + " names a parent category that does not exist; "
                    "it is read at the top level, as QualCoder shows it", makeId(ids::kCategory, it->first), {},
                    at(rowPlace("code_cat", "catid", it->first)));
        it = catParent.erase(it);
    }
    for (auto it = codeParent.begin(); it != codeParent.end();) {
        if (_codes.count(it->second)) { ++it; continue; }
        _diag.lossy("lossy.theme-parent", "code " + std::to_string(it->first) + " names a parent code that does not exist; "
                    "the link is dropped, as QualCoder drops it", makeId(ids::kCode, it->first), {},
                    at(rowPlace("code_name", "cid", it->first)));
        it = codeParent.erase(it);
    }
    breakCycles(ids::kCategory, catParent);
    breakCycles(ids::kCode, codeParent);
    for (auto& t : _p.themes) {
        if (auto n = idNumber(ids::kCategory, t.id)) {
            auto p = catParent.find(*n);
            if (p != catParent.end()) t.parent = makeId(ids::kCategory, p->second);
        } else if (auto c = idNumber(ids::kCode, t.id)) {
            auto p = codeParent.find(*c);
            auto k = codeCat.find(*c);
            if (p != codeParent.end()) {
                t.parent = makeId(ids::kCode, p->second);
                if (k != codeCat.end())
                    _diag.info("quirk.code-parent-and-category", "code " + std::to_string(*c) + " has both a parent code and a category; "
                               "it is read under the code, as QualCoder shows it", t.id, at(rowPlace("code_name", "cid", *c)));
            } else if (k != codeCat.end()) {
                if (_categories.count(k->second)) t.parent = makeId(ids::kCategory, k->second);
                else _diag.lossy("lossy.theme-parent", "code " + std::to_string(*c) + " names a category that does not exist; read at the top level",
                                 t.id, {}, at(rowPlace("code_name", "cid", *c)));
            }
        }
    }
}

void Reader::breakCycles(const char* prefix, std::map<std::int64_t, std::int64_t>& parent) {
    // QualCoder's own repair when it opens a project: in row order, follow each
    // chain; the first row met twice loses its parent. A row already settled
    // leads to a root, so each row is walked once (a hostile chain may be long).
    std::map<std::int64_t, char> mark;  // 1 on this walk, 2 settled
    std::vector<std::int64_t> starts;
    for (const auto& kv : parent) starts.push_back(kv.first);
    bool code = prefix == ids::kCode;
    for (std::int64_t start : starts) {
        std::vector<std::int64_t> walk;
        for (std::int64_t node = start;;) {
            char& m = mark[node];
            if (m == 2) break;
            if (m == 1) {
                _diag.lossy("lossy.theme-cycle", std::string(code ? "code " : "category ") + std::to_string(node) +
                            " is part of a cycle of parents; its parent link is cut, as QualCoder cuts it", makeId(prefix, node), {},
                            at(rowPlace(code ? "code_name" : "code_cat", code ? "cid" : "catid", node)));
                parent.erase(node);
                break;
            }
            m = 1;
            walk.push_back(node);
            auto it = parent.find(node);
            if (it == parent.end()) break;
            node = it->second;
        }
        for (std::int64_t w : walk) mark[w] = 2;
    }
}

// ---------------------------------------------------------------- sources

void Reader::readSources() {
    std::vector<std::string> extra;
    Stmt s(_db, select("source", {"id", "name", "fulltext", "mediapath", "memo", "owner", "date", "av_text_id"}, &extra, "id"), "source");
    std::vector<std::pair<std::size_t, std::int64_t>> transcripts;
    while (s.step()) {
        IntValue id = intOf(s, 0);
        if (id.state != IntValue::Value) continue;
        std::string place = rowPlace("source", "id", id.v);
        Source src;
        src.id = makeId(ids::kSource, id.v);
        src.name = str(s, 1, place, "name");
        std::string mediapath = str(s, 3, place, "mediapath");
        src.description = str(s, 4, place, "memo");
        src.audit.creator = user(str(s, 5, place, "owner"));
        src.audit.created = dateFromQualCoder(str(s, 6, place, "date"));
        if (!s.isNull(2)) {
            std::string t = str(s, 2, place, "fulltext");
            if (t.compare(0, 3, "\xEF\xBB\xBF") == 0) {
                // Positions count the U+FEFF; the model's text has none: spans move back by one.
                t.erase(0, 3);
                src.ext[key::kBom] = Json(true);
                _diag.info("quirk.text-bom", "the text begins with U+FEFF (a byte order mark QualCoder counted as a character); "
                           "it is read without it, every span one character earlier", src.id, at(place));
            }
            src.text = std::move(t);
        }
        readSourceContent(src, mediapath, place);
        IntValue av = integer(s, 7, place, "av_text_id");
        if (av.state == IntValue::Value) transcripts.emplace_back(_p.sources.size(), av.v);
        Json row = extraColumns(s, 8, extra, place);
        if (!row.isNull()) src.ext[key::kRow] = std::move(row);
        _sourceByNumber[id.v] = _p.sources.size();
        _p.sources.push_back(std::move(src));
    }
    for (const auto& [si, n] : transcripts) {
        if (_sourceByNumber.count(n)) _p.sources[si].ext[key::kTranscript] = Json(makeId(ids::kSource, n));
        else _diag.lossy("lossy.transcript-missing", "the transcript this source names (source " + std::to_string(n) + ") does not exist",
                         _p.sources[si].id, {}, at(rowPlace("source", "id", *idNumber(ids::kSource, _p.sources[si].id))));
    }
}

/// Kind, file and media type from the mediapath, as QualCoder decides them.
void Reader::readSourceContent(Source& src, const std::string& mediapath, const std::string& place) {
    src.path = mediapath;
    if (mediapath.empty()) {
        src.kind = SourceKind::Text;  // a text made or imported into QualCoder's database only
        if (!src.text) src.text = std::string();
        return;
    }
    MediaPath mp = parseMediaPath(mediapath);
    auto endsPdf = [](const std::string& s) { return text::pathExtension(s) == "pdf"; };
    switch (mp.folder) {
    case MediaFolder::Documents: src.kind = endsPdf(mediapath) ? SourceKind::Pdf : SourceKind::Text; break;
    case MediaFolder::Images: src.kind = SourceKind::Picture; break;
    case MediaFolder::Audio: src.kind = SourceKind::Audio; break;
    case MediaFolder::Video: src.kind = SourceKind::Video; break;
    case MediaFolder::None:
        src.kind = SourceKind::Text;
        _diag.info("quirk.mediapath", "mediapath '" + clip(mediapath, 80) + "' names none of QualCoder's folders; read as a text",
                   src.id, at(place));
        if (!src.text) src.text = std::string();
        return;
    }
    if (src.kind == SourceKind::Text && !src.text) src.text = std::string();
    src.mediaType = mediaTypeOf(mp.rest);
    if (mp.linked) {
        // A file outside the project: named, never opened (a project from
        // someone else must not make qdx read /etc/... or a network share).
        src.ext[key::kMediaPath] = Json(mediapath);
        _diag.info("qualcoder.linked-file", "the file of '" + src.name + "' is linked outside the project (" + clip(mp.rest, 120) +
                   "); it is named, not read", src.id, at(place));
        return;
    }
    std::string why;
    src.content = _media->find(mp.folder, mp.rest, why);
    if (!src.content && src.kind != SourceKind::Text)
        _diag.lossy("lossy.source-content-missing", "the file of '" + src.name + "' (" + clip(mediapath, 120) + ") is not read: " + why,
                    src.id, {}, at(place));
    else if (!src.content)
        _diag.info("qualcoder.document-missing", "the original document of '" + src.name + "' is not read (" + why + "); its text is",
                   src.id, at(place));
}

// ---------------------------------------------------------------- text codings

void Reader::readTextCodings() {
    std::vector<std::string> extra;
    Stmt s(_db, select("code_text", {"ctid", "cid", "fid", "seltext", "pos0", "pos1", "owner", "date", "memo", "avid", "important"}, &extra,
                       "ctid"),
           "code_text");
    std::vector<TextRow> rows;
    while (s.step()) {
        TextRow r;
        if (!textRow(s, r)) continue;
        Json row = extraColumns(s, 11, extra, rowPlace("code_text", "ctid", r.ctid));
        r.rowExt = std::move(row);
        rows.push_back(std::move(r));
    }
    addTextExcerpts(rows);
}

/// Reads one code_text row; false (reported) when it cannot be placed.
bool Reader::textRow(const Stmt& s, TextRow& r) {
    IntValue id = intOf(s, 0);
    if (id.state != IntValue::Value) return false;
    r.ctid = id.v;
    std::string place = rowPlace("code_text", "ctid", id.v);
    std::string entity = makeId(ids::kTextCoding, id.v);
    r.theme = codeTheme(integer(s, 1, place, "cid"));
    IntValue fid = integer(s, 2, place, "fid");
    r.seltext = paragraphsAsNewlines(str(s, 3, place, "seltext"));
    IntValue p0 = integer(s, 4, place, "pos0"), p1 = integer(s, 5, place, "pos1");
    r.owner = str(s, 6, place, "owner");
    r.date = str(s, 7, place, "date");
    r.memo = str(s, 8, place, "memo");
    IntValue avid = integer(s, 9, place, "avid");
    IntValue imp = integer(s, 10, place, "important");
    if (avid.state == IntValue::Value) r.avExcerpt = makeId(ids::kAvCoding, avid.v);
    r.important = imp.state == IntValue::Value && imp.v != 0;
    if (r.theme.empty()) {
        _diag.skipped("skipped.coding-code-missing", "a text coding names a code that does not exist; QualCoder shows it nowhere", entity, {},
                      at(place));
        return false;
    }
    const Source* src = sourceOf(fid, r.source);
    if (!src) {
        _diag.skipped("skipped.excerpt-source-missing", "a text coding names a source that does not exist; QualCoder deletes it when it opens the project",
                      entity, {}, at(place));
        return false;
    }
    if (!src->text) {
        _diag.skipped("skipped.excerpt-anchor", "a text coding lies on a source without text", entity, {}, at(place));
        return false;
    }
    if (p0.state != IntValue::Value || p1.state != IntValue::Value) {
        _diag.skipped("skipped.excerpt-out-of-range", "a text coding has no whole-number positions (pos0, pos1)", entity, {}, at(place));
        return false;
    }
    r.start = p0.v;
    r.end = p1.v;
    return placeSpan(r.source, r.start, r.end, r.seltext, place, entity);
}

/// Checks and converts a span [start, end) of QualCoder positions over a source's
/// text into code points of the model's text; false (reported) when it cannot be.
bool Reader::placeSpan(std::size_t si, std::int64_t& start, std::int64_t& end, const std::string& quote, const std::string& place,
                       const std::string& entity) {
    const Source& src = _p.sources[si];
    std::int64_t shift = src.ext.count(key::kBom) ? 1 : 0;
    SpanUnits& u = units(si);
    std::int64_t len = u.index.length();
    if (end < start) {
        _diag.skipped("skipped.excerpt-inverted", "a span ends (" + std::to_string(end) + ") before it starts (" + std::to_string(start) + ")",
                      entity, {}, at(place));
        return false;
    }
    std::int64_t s = start - shift, e = end - shift;
    if (shift && s < 0) s = 0;  // a span that began on the U+FEFF begins with the text
    if (shift && e < 0) e = 0;
    auto fits = [&](std::int64_t a, std::int64_t b) { return a >= 0 && b <= len; };
    bool ok = fits(s, e);
    if (!quote.empty() && (u.astral || u.crlf)) {
        // Code points first; if the stored text is not there, Qt's units (the coding view's).
        bool cpMatch = ok && u.index.substr(s, e) == quote;
        if (!cpMatch) {
            for (text::Unit unit : {text::Unit::Utf16, text::Unit::CrlfOnce}) {
                if ((unit == text::Unit::Utf16 && !u.astral) || (unit == text::Unit::CrlfOnce && !u.crlf)) continue;
                auto& m = unit == text::Unit::Utf16 ? u.utf16 : u.crlfOnce;
                if (!m) m = std::make_unique<text::OffsetMap>(u.text, unit);
                auto a = m->toCodePoints(s), b = m->toCodePoints(e);
                if (a && b && u.index.substr(*a, *b) == quote) {
                    s = *a;
                    e = *b;
                    ok = true;
                    ++_qtPositions;
                    break;
                }
            }
        }
    }
    if (!ok) {
        _diag.skipped("skipped.excerpt-out-of-range", "span [" + std::to_string(start) + ", " + std::to_string(end) + ") lies outside its text (" +
                      std::to_string(len + shift) + " characters)", entity, {}, at(place));
        return false;
    }
    start = s;
    end = e;
    return true;
}

/// One excerpt per code_text row, as QualCoder's own REFI export makes one
/// selection per row: a row is one coding, with its own memo, owner and date.
void Reader::addTextExcerpts(std::vector<TextRow>& rows) {
    for (auto& r : rows) {
        std::string entity = makeId(ids::kTextCoding, r.ctid);
        Excerpt e;
        e.id = entity;
        e.source = _p.sources[r.source].id;
        e.anchor = TextSpan{r.start, r.end};
        e.description = r.memo;
        e.audit.creator = user(r.owner);
        e.audit.created = dateFromQualCoder(r.date);
        // The stored text is compared with the span, as the REFI reader compares quoted text.
        std::string span(units(r.source).index.substr(r.start, r.end));
        ++_quotesChecked;
        if (r.seltext == span) {
            ++_quotesMatched;
        } else {
            _diag.info("offsets.quote-mismatch", "stored text '" + clip(r.seltext, 60) + "' differs from the text at its span '" +
                       clip(span, 60) + "'", entity, at(rowPlace("code_text", "ctid", r.ctid)));
        }
        e.quote = r.seltext;
        Coding c;
        c.id = entity;
        c.theme = r.theme;
        c.creator = e.audit.creator;
        c.created = e.audit.created;
        if (r.important) c.ext[key::kImportant] = Json(true);
        if (!r.avExcerpt.empty()) c.ext[key::kAvCoding] = Json(r.avExcerpt);
        if (!r.rowExt.isNull()) c.ext[key::kRow] = std::move(r.rowExt);
        e.codings.push_back(std::move(c));
        _p.excerpts.push_back(std::move(e));
    }
}

// ---------------------------------------------------------------- image and A/V codings

void Reader::readImageCodings() {
    if (!hasTable("code_image")) return;
    std::vector<std::string> extra;
    Stmt s(_db, select("code_image", {"imid", "id", "x1", "y1", "width", "height", "cid", "memo", "date", "owner", "important", "pdf_page"},
                       &extra, "imid"),
           "code_image");
    while (s.step()) {
        IntValue id = intOf(s, 0);
        if (id.state != IntValue::Value) continue;
        std::string place = rowPlace("code_image", "imid", id.v);
        std::string entity = makeId(ids::kImageCoding, id.v);
        std::size_t si = 0;
        const Source* src = sourceOf(integer(s, 1, place, "id"), si);
        std::string theme = codeTheme(integer(s, 6, place, "cid"));
        if (!src || theme.empty()) {
            _diag.skipped(src ? "skipped.coding-code-missing" : "skipped.excerpt-source-missing",
                          std::string("an area coding names a ") + (src ? "code" : "source") + " that does not exist", entity, {}, at(place));
            continue;
        }
        // Areas may be stored as reals: the model keeps whole numbers, the row keeps what was stored.
        Json exact;
        std::int64_t v[4] = {0, 0, 0, 0};
        bool whole = true;
        for (int i = 0; i < 4; ++i) {
            IntValue iv = intOf(s, 2 + i);
            if (iv.state == IntValue::Value) {
                v[i] = iv.v;
                continue;
            }
            whole = false;
            double d = s.type(2 + i) == Stmt::Type::Float ? s.real(2 + i) : 0.0;
            if (!std::isfinite(d) || std::fabs(d) > 9e15) d = 0;
            v[i] = static_cast<std::int64_t>(std::llround(d));
            exact.set(tableColumns("code_image")[2 + i], numberJson(s, 2 + i));
        }
        IntValue page = integer(s, 11, place, "pdf_page");
        Anchor a;
        if (page.state == IntValue::Value) a = PdfRegion{page.v, v[0], v[1], v[0] + v[2], v[1] + v[3]};
        else a = ImageRegion{v[0], v[1], v[0] + v[2], v[1] + v[3]};
        if (page.state == IntValue::Value && src->kind != SourceKind::Pdf)
            _diag.info("quirk.pdf-page", "an area coding names a PDF page on a source that is not a PDF", entity, at(place));
        std::string memo = str(s, 7, place, "memo");
        std::string date = str(s, 8, place, "date"), owner = str(s, 9, place, "owner");
        IntValue imp = integer(s, 10, place, "important");
        Excerpt e;
        e.id = entity;
        e.source = src->id;
        e.anchor = a;
        e.description = memo;
        e.audit.creator = user(owner);
        e.audit.created = dateFromQualCoder(date);
        if (!whole) e.ext[key::kRow] = exact;
        Coding c;
        c.id = entity;
        c.theme = theme;
        c.creator = user(owner);
        c.created = dateFromQualCoder(date);
        if (imp.state == IntValue::Value && imp.v != 0) c.ext[key::kImportant] = Json(true);
        Json row = extraColumns(s, 12, extra, place);
        if (!row.isNull()) c.ext[key::kRow] = std::move(row);
        e.codings.push_back(std::move(c));
        _p.excerpts.push_back(std::move(e));
    }
}

void Reader::readAvCodings() {
    if (!hasTable("code_av")) return;
    std::vector<std::string> extra;
    Stmt s(_db, select("code_av", {"avid", "id", "pos0", "pos1", "cid", "memo", "date", "owner", "important"}, &extra, "avid"), "code_av");
    while (s.step()) {
        IntValue id = intOf(s, 0);
        if (id.state != IntValue::Value) continue;
        std::string place = rowPlace("code_av", "avid", id.v);
        std::string entity = makeId(ids::kAvCoding, id.v);
        std::size_t si = 0;
        const Source* src = sourceOf(integer(s, 1, place, "id"), si);
        std::string theme = codeTheme(integer(s, 4, place, "cid"));
        if (!src || theme.empty()) {
            _diag.skipped(src ? "skipped.coding-code-missing" : "skipped.excerpt-source-missing",
                          std::string("an audio/video coding names a ") + (src ? "code" : "source") + " that does not exist", entity, {}, at(place));
            continue;
        }
        IntValue p0 = integer(s, 2, place, "pos0"), p1 = integer(s, 3, place, "pos1");
        if (p0.state != IntValue::Value || p1.state != IntValue::Value || p0.v < 0 || p1.v < p0.v) {
            _diag.skipped("skipped.excerpt-out-of-range", "an audio/video coding has no valid time span (pos0, pos1 in milliseconds)", entity, {},
                          at(place));
            continue;
        }
        std::string memo = str(s, 5, place, "memo"), date = str(s, 6, place, "date"), owner = str(s, 7, place, "owner");
        IntValue imp = integer(s, 8, place, "important");
        Excerpt e;
        e.id = entity;
        e.source = src->id;
        e.anchor = TimeSpan{p0.v, p1.v};
        e.description = memo;
        e.audit.creator = user(owner);
        e.audit.created = dateFromQualCoder(date);
        _excerptIds.insert(entity);
        Coding c;
        c.id = entity;
        c.theme = theme;
        c.creator = user(owner);
        c.created = dateFromQualCoder(date);
        if (imp.state == IntValue::Value && imp.v != 0) c.ext[key::kImportant] = Json(true);
        Json row = extraColumns(s, 9, extra, place);
        if (!row.isNull()) c.ext[key::kRow] = std::move(row);
        e.codings.push_back(std::move(c));
        _p.excerpts.push_back(std::move(e));
    }
}

/// Text codings that name an A/V coding point at the excerpt holding it.
void Reader::resolveAvLinks() {
    for (auto& e : _p.excerpts)
        for (auto& c : e.codings) {
            auto it = c.ext.find(key::kAvCoding);
            if (it == c.ext.end()) continue;
            if (!_excerptIds.count(it->second.asString())) {
                _diag.lossy("lossy.av-link", "a text coding names an audio/video coding that does not exist; the link is dropped", c.id);
                c.ext.erase(it);
            }
        }
}


// ---------------------------------------------------------------- annotations and cases

void Reader::readAnnotations() {
    if (!hasTable("annotation")) return;
    Stmt s(_db, select("annotation", {"anid", "fid", "pos0", "pos1", "memo", "owner", "date"}, nullptr, "anid"), "annotation");
    while (s.step()) {
        IntValue id = intOf(s, 0);
        if (id.state != IntValue::Value) continue;
        std::string place = rowPlace("annotation", "anid", id.v);
        std::string entity = makeId(ids::kAnnotation, id.v);
        std::size_t si = 0;
        const Source* src = sourceOf(integer(s, 1, place, "fid"), si);
        IntValue p0 = integer(s, 2, place, "pos0"), p1 = integer(s, 3, place, "pos1");
        if (!src || !src->text || p0.state != IntValue::Value || p1.state != IntValue::Value) {
            _diag.skipped(src ? "skipped.excerpt-out-of-range" : "skipped.excerpt-source-missing",
                          src ? "an annotation has no span on a text" : "an annotation names a source that does not exist", entity, {}, at(place));
            continue;
        }
        std::int64_t start = p0.v, end = p1.v;
        if (!placeSpan(si, start, end, {}, place, entity)) continue;
        Excerpt e;
        e.id = makeId(ids::kAnnotationSpan, id.v);
        e.source = src->id;
        e.anchor = TextSpan{start, end};
        Memo m;
        m.id = entity;
        m.text = str(s, 4, place, "memo");
        m.audit.creator = user(str(s, 5, place, "owner"));
        m.audit.created = dateFromQualCoder(str(s, 6, place, "date"));
        m.targets.push_back(e.id);
        _p.excerpts.push_back(std::move(e));
        _p.memos.push_back(std::move(m));
    }
}

void Reader::readCases() {
    if (!hasTable("cases")) return;
    std::map<std::int64_t, std::size_t> byNumber;
    {
        std::vector<std::string> extra;
        Stmt s(_db, select("cases", {"caseid", "name", "memo"}, &extra, "caseid"), "cases");
        while (s.step()) {
            IntValue id = intOf(s, 0);
            if (id.state != IntValue::Value) continue;
            std::string place = rowPlace("cases", "caseid", id.v);
            Case c;
            c.id = makeId(ids::kCase, id.v);
            c.name = str(s, 1, place, "name");
            c.description = str(s, 2, place, "memo");
            Json row = extraColumns(s, 3, extra, place);
            if (!row.isNull()) c.ext[key::kRow] = std::move(row);
            byNumber[id.v] = _p.cases.size();
            _p.cases.push_back(std::move(c));
        }
    }
    if (!hasTable("case_text")) return;
    Stmt s(_db, select("case_text", {"id", "caseid", "fid", "pos0", "pos1", "owner", "date", "memo"}, nullptr, "id"), "case_text");
    while (s.step()) {
        IntValue id = intOf(s, 0);
        if (id.state != IntValue::Value) continue;
        std::string place = rowPlace("case_text", "id", id.v);
        std::string entity = makeId(ids::kCaseText, id.v);
        IntValue cid = integer(s, 1, place, "caseid");
        auto ci = cid.state == IntValue::Value ? byNumber.find(cid.v) : byNumber.end();
        std::size_t si = 0;
        const Source* src = sourceOf(integer(s, 2, place, "fid"), si);
        IntValue p0 = integer(s, 3, place, "pos0"), p1 = integer(s, 4, place, "pos1");
        if (ci == byNumber.end() || !src) {
            _diag.skipped("skipped.case-link", std::string("a case link names a ") + (src ? "case" : "source") + " that does not exist", entity, {},
                          at(place));
            continue;
        }
        Case& c = _p.cases[ci->second];
        std::string owner = str(s, 5, place, "owner"), date = str(s, 6, place, "date"), memo = str(s, 7, place, "memo");
        std::int64_t len = src->text ? units(si).index.length() + (src->ext.count(key::kBom) ? 1 : 0) : 0;
        bool whole = p0.state != IntValue::Value || p1.state != IntValue::Value ||
                     (p0.v == 0 && (p1.v == 0 || p1.v == len)) || !src->text;
        if (whole) {
            // The whole file (QualCoder links a file to a case as [0, its length], or [0, 0] for media).
            if (std::find(c.sources.begin(), c.sources.end(), src->id) == c.sources.end()) c.sources.push_back(src->id);
            Json link;
            if (!owner.empty()) link.set("owner", Json(owner));
            if (!date.empty()) link.set("date", Json(date));
            if (!memo.empty()) link.set("memo", Json(memo));
            if (p0.state == IntValue::Value && p1.state == IntValue::Value && src->text && p1.v == 0 && len != 0) link.set("pos1", Json(std::int64_t(0)));
            if (!link.isNull()) c.ext[key::kLinks].set(src->id, std::move(link));
            continue;
        }
        std::int64_t start = p0.v, end = p1.v;
        if (!placeSpan(si, start, end, {}, place, entity)) continue;
        Excerpt e;
        e.id = entity;
        e.source = src->id;
        e.anchor = TextSpan{start, end};
        e.description = memo;
        e.audit.creator = user(owner);
        e.audit.created = dateFromQualCoder(date);
        c.excerpts.push_back(e.id);
        _p.excerpts.push_back(std::move(e));
    }
}

// ---------------------------------------------------------------- attributes, journals, kept tables

void Reader::readAttributes() {
    if (!hasTable("attribute_type")) return;
    std::map<std::string, std::size_t> byName;
    std::map<std::size_t, std::string> declared;  // attribute index -> valuetype as stored
    {
        std::vector<std::string> extra;
        Stmt s(_db, select("attribute_type", {"rowid", "name", "memo", "caseOrFile", "valuetype"}, &extra), "attribute_type");
        while (s.step()) {
            std::int64_t n = s.integer(0);
            std::string place = rowPlace("attribute_type", "rowid", n);
            Attribute a;
            a.id = makeId(ids::kAttribute, n);
            a.name = str(s, 1, place, "name");
            a.description = str(s, 2, place, "memo");
            std::string kind = str(s, 3, place, "caseOrFile");
            if (!kind.empty()) a.ext[key::kCaseOrFile] = Json(kind);
            std::string valueType = str(s, 4, place, "valuetype");
            Json row = extraColumns(s, 5, extra, place);
            if (!row.isNull()) a.ext[key::kRow] = std::move(row);
            if (byName.count(a.name)) continue;  // a primary key: only a damaged file repeats it
            declared[_p.attributes.size()] = valueType;
            byName[a.name] = _p.attributes.size();
            _p.attributes.push_back(std::move(a));
        }
    }
    std::vector<std::vector<std::string>> seen(_p.attributes.size());
    std::map<std::int64_t, std::size_t> caseByNumber;
    for (std::size_t i = 0; i < _p.cases.size(); ++i) caseByNumber[*idNumber(ids::kCase, _p.cases[i].id)] = i;
    if (hasTable("attribute")) {
        Stmt s(_db, select("attribute", {"attrid", "name", "attr_type", "value", "id", "date", "owner"}, nullptr, "attrid"), "attribute");
        while (s.step()) {
            IntValue rid = intOf(s, 0);
            std::string place = rowPlace("attribute", "attrid", rid.v);
            std::string name = str(s, 1, place, "name"), kind = str(s, 2, place, "attr_type"), value = str(s, 3, place, "value");
            IntValue owner = integer(s, 4, place, "id");
            if (value.empty()) continue;  // QualCoder's placeholder for "no value"
            auto a = byName.find(name);
            std::size_t si = 0;
            const Source* src = kind == "file" ? sourceOf(owner, si) : nullptr;
            auto ci = kind == "case" && owner.state == IntValue::Value ? caseByNumber.find(owner.v) : caseByNumber.end();
            if (a == byName.end() || (!src && ci == caseByNumber.end())) {
                _diag.skipped("skipped.attribute-value", "a value of '" + clip(name, 60) + "' names an attribute, case or file that does not exist",
                              {}, {}, at(place));
                continue;
            }
            const std::string& attrId = _p.attributes[a->second].id;
            Extensions& ext = src ? _p.sources[si].ext : _p.cases[ci->second].ext;
            auto& values = src ? _p.sources[si].values : _p.cases[ci->second].values;
            values.push_back(AttributeValue{attrId, value});
            seen[a->second].push_back(value);
            std::string date = str(s, 5, place, "date"), who = str(s, 6, place, "owner");
            Json audit;
            if (!who.empty()) audit.set("owner", Json(who));
            if (!date.empty()) audit.set("date", Json(date));
            if (!audit.isNull()) ext[key::kValueAudit].set(attrId, std::move(audit));
        }
    }
    // QualCoder has two value types: character and numeric. Numbers are whole or not.
    for (std::size_t i = 0; i < _p.attributes.size(); ++i) {
        Attribute& a = _p.attributes[i];
        const std::string& vt = declared[i];
        bool ints = true, floats = true;
        for (const auto& v : seen[i]) {
            char* end = nullptr;
            std::strtod(v.c_str(), &end);
            if (!end || *end || v.empty()) floats = false;
            std::string_view d = v;
            if (!d.empty() && (d[0] == '-' || d[0] == '+')) d.remove_prefix(1);
            if (d.empty() || !std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; })) ints = false;
        }
        if (vt == "numeric" && floats) a.type = ints && !seen[i].empty() ? AttributeType::Integer : AttributeType::Float;
        else a.type = AttributeType::Text;
        if (vt != "character" && !(vt == "numeric" && floats)) a.ext[key::kValueType] = Json(vt);
    }
}

void Reader::readJournals() {
    if (!hasTable("journal")) return;
    Stmt s(_db, select("journal", {"jid", "name", "jentry", "date", "owner"}, nullptr, "jid"), "journal");
    while (s.step()) {
        IntValue id = intOf(s, 0);
        if (id.state != IntValue::Value) continue;
        std::string place = rowPlace("journal", "jid", id.v);
        Memo m;
        m.id = makeId(ids::kJournal, id.v);
        m.name = str(s, 1, place, "name");
        m.text = str(s, 2, place, "jentry");
        m.audit.created = dateFromQualCoder(str(s, 3, place, "date"));
        m.audit.creator = user(str(s, 4, place, "owner"));
        _p.memos.push_back(std::move(m));
    }
}

void Reader::readKeptTables() {
    Json kept;
    for (const auto& t : keptTables()) {
        if (!hasTable(t)) continue;
        std::vector<std::string> cols;
        Stmt s(_db, select(t, {}, &cols), t);
        Json rows = Json::array();
        std::int64_t n = 0;
        while (s.step()) {
            ++n;
            Json row = extraColumns(s, 0, cols, t + "[row " + std::to_string(n) + "]");
            rows.push(row.isNull() ? Json::object() : std::move(row));
        }
        if (!rows.asArray().empty()) kept.set(t, std::move(rows));
    }
    if (!kept.isNull()) _p.ext[key::kTables] = std::move(kept);
}

void Reader::reportQuotes() {
    if (_qtPositions)
        _diag.info("qualcoder.qt-positions", std::to_string(_qtPositions) + " text codings count positions as QualCoder's coding view does "
                   "(UTF-16 units, a CR LF once): their stored text is found there; converted to code points", {}, at("code_text"));
    if (_quotesChecked == 0) return;
    std::string msg = std::to_string(_quotesMatched) + " of " + std::to_string(_quotesChecked) +
                      " text codings store the text at their span (seltext)";
    if (_quotesMatched == _quotesChecked) _diag.info("offsets.quote-check", msg, {}, at("code_text"));
    else _diag.lossy("lossy.offset-mismatch", msg + "; the others keep their positions and their stored text as the quote",
                     {}, "'qdx info -v' lists each (offsets.quote-mismatch)", at("code_text"));
}

// ---------------------------------------------------------------- opening

std::string stemOf(std::string name) {
    while (name.size() > 1 && name.back() == '/') name.pop_back();
    auto slash = name.find_last_of('/');
    if (slash != std::string::npos) name = name.substr(slash + 1);
    if (name.size() > 4 && text::asciiLower(name.substr(name.size() - 4)) == ".zip") name.resize(name.size() - 4);
    if (name.size() > 4 && text::asciiLower(name.substr(name.size() - 4)) == ".qda") name.resize(name.size() - 4);
    return name;
}

bool fileHasMagic(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    char buf[16] = {};
    f.read(buf, sizeof buf);
    return f.gcount() == 16 && hasSqliteMagic(std::string_view(buf, 16));
}

/// The data.qda of a zip: at its root or in its one top folder.
const ZipReader::Entry* zipDatabase(const ZipReader& z, std::string& prefix) {
    const ZipReader::Entry* found = nullptr;
    for (const auto& e : z.entries()) {
        if (e.isDirectory) continue;
        auto slash = e.name.find('/');
        bool root = e.name == "data.qda";
        bool top = slash != std::string::npos && e.name.compare(slash + 1, std::string::npos, "data.qda") == 0 &&
                   e.name.find('/', slash + 1) == std::string::npos;
        if (!root && !top) continue;
        if (found) throw InputError(Location{z.name(), e.name, 0, 0, -1}, "the zip holds more than one data.qda (also " + found->name + ")");
        found = &e;
        prefix = root ? std::string() : e.name.substr(0, slash + 1);
    }
    return found;
}

}  // namespace

int probeQualCoder(const Input& in) noexcept {
    try {
        if (in.isFolder()) {
            struct stat st {};
            std::string db = in.path() + "/data.qda";
            return ::lstat(db.c_str(), &st) == 0 && S_ISREG(st.st_mode) && fileHasMagic(db) ? 100 : 0;
        }
        const std::string& h = in.head();
        if (hasSqliteMagic(h)) {
            std::string name = in.name();
            if (name.size() >= 8 && name.compare(name.size() - 8, 8, "data.qda") == 0) return 95;
            return in.extension() == "qda" ? 90 : 40;
        }
        if (h.size() >= 4 && h.compare(0, 4, "PK\x03\x04") == 0) {
            auto z = ZipReader::open(in);
            std::string prefix;
            return zipDatabase(*z, prefix) ? 85 : 0;
        }
        return 0;
    } catch (...) {
        return 0;
    }
}

Project readQualCoder(const Input& in, const ReadOptions& opts, Diagnostics& diag) {
    std::unique_ptr<MediaStore> media;
    std::string name;
    std::optional<Db> db;
    if (in.isFolder()) {
        std::string path = in.path() + "/data.qda";
        struct stat st {};
        if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
            throw InputError(Location{in.name(), {}, 0, 0, -1},
                             "not a QualCoder project: the folder has no data.qda (a regular file, not a link)");
        db.emplace(Db::openReadOnly(path, path, opts.db));
        media = std::make_unique<FolderMedia>(in.path());
        name = stemOf(in.path());
    } else if (hasSqliteMagic(in.head())) {
        if (in.isFile()) {
            db.emplace(Db::openReadOnly(in.path(), in.name(), opts.db));
            fs::path p(in.path());
            if (p.filename() == "data.qda") {
                std::string folder = p.has_parent_path() ? p.parent_path().string() : ".";
                media = std::make_unique<FolderMedia>(folder);
                name = stemOf(fs::absolute(folder).lexically_normal().string());
            } else {
                name = stemOf(in.name());
            }
        } else {
            if (in.size() > opts.maxDatabaseBytes)
                throw LimitError(Location{in.name(), {}, 0, 0, -1}, "the database is larger than the limit (-o max-database-mb)");
            db.emplace(Db::openMemory(std::string(in.memory()), in.name(), opts.db));
            name = stemOf(in.name());
        }
    } else if (in.head().compare(0, 2, "PK") == 0) {
        auto z = ZipReader::open(in, opts.zip);
        std::string prefix;
        const ZipReader::Entry* e = zipDatabase(*z, prefix);
        if (!e) throw InputError(Location{in.name(), {}, 0, 0, -1}, "not a QualCoder project: the zip holds no data.qda at its root or in its top folder");
        if (e->size > opts.maxDatabaseBytes)
            throw LimitError(Location{in.name(), e->name, 0, 0, -1}, "data.qda is larger than the limit (-o max-database-mb)");
        std::string bytes = z->read(*e, opts.maxDatabaseBytes);
        db.emplace(Db::openMemory(std::move(bytes), in.name() + "!" + e->name, opts.db));
        media = std::make_unique<ZipMedia>(z, prefix);
        name = stemOf(prefix.empty() ? in.name() : prefix);
    } else {
        throw InputError(Location{in.name(), {}, 0, 0, -1},
                         "not a QualCoder project: neither a project folder (NAME.qda/ with data.qda), its SQLite database nor a zip of it");
    }
    if (!media) media = std::make_unique<NoMedia>();
    Reader r(*db, std::move(media), name, diag);
    return r.run();
}

}  // namespace qdx::qualcoder
