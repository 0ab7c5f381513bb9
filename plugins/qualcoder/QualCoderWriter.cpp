#include "QualCoderWriter.h"

#include "QualCoderCommon.h"
#include "Sqlite.h"

#include "qdx/Errors.h"
#include "qdx/Text.h"

#include <algorithm>
#include <cmath>
#include <tuple>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <optional>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

#ifndef QDX_QUALCODER_VERSION
#define QDX_QUALCODER_VERSION "0"
#endif

namespace qdx::qualcoder {

namespace {

constexpr const char* kDefaultColour = "#D8D8D8";  // QualCoder's own "light grey" for a colour it cannot match
constexpr const char* kNoName = "(no name)";

/// A text as QualCoder gets it: line breaks as LF (Qt shows CR LF and CR as one
/// break, and positions counted over them would drift), U+FEFF put back where
/// it was read, and the model's code-point offsets mapped into it.
class OutText {
public:
    OutText(const std::string& model, bool bom) : _shift(bom ? 1 : 0) {
        if (bom) _text = "\xEF\xBB\xBF";
        _text.reserve(_text.size() + model.size());
        std::int64_t cp = 0;
        for (std::size_t i = 0; i < model.size(); ++i) {
            char c = model[i];
            if (c == '\r') {
                if (i + 1 < model.size() && model[i + 1] == '\n') {
                    _removed.push_back(cp);  // the CR of a CR LF goes
                    ++cp;
                    continue;
                }
                c = '\n';  // a lone CR becomes an LF, one character for one
                ++_loneCr;
            }
            _text.push_back(c);
            if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++cp;
        }
        _index = std::make_unique<text::CodePointIndex>(_text);
    }
    /// The written position of a model position.
    std::int64_t map(std::int64_t cp) const {
        auto n = std::lower_bound(_removed.begin(), _removed.end(), cp) - _removed.begin();
        return cp - static_cast<std::int64_t>(n) + _shift;
    }
    const std::string& text() const { return _text; }
    std::int64_t length() const { return _index->length(); }
    std::string slice(std::int64_t a, std::int64_t b) const { return std::string(_index->substr(a, b)); }
    std::size_t changedBreaks() const { return _removed.size() + _loneCr; }

private:
    std::string _text;
    std::vector<std::int64_t> _removed;
    std::size_t _loneCr = 0;
    std::int64_t _shift = 0;
    std::unique_ptr<text::CodePointIndex> _index;
};

/// Line breaks of a quoted text as OutText writes them.
std::string lfOnly(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r') {
            if (i + 1 < s.size() && s[i + 1] == '\n') continue;
            out.push_back('\n');
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

/// Row numbers of one kind: the numbers of ids this reader made are kept; the
/// others get fresh numbers after the largest kept one (reported once per kind).
class Numbers {
public:
    Numbers(const char* prefix, std::string what) : _prefix(prefix), _what(std::move(what)) {}
    /// First pass: claim the number of `id` if it is one of ours and free.
    void claim(const std::string& id) {
        auto n = idNumber(_prefix, id);
        if (n && !_used.count(*n) && !_byId.count(id)) {
            _used.insert(*n);
            _byId[id] = *n;
            _max = std::max(_max, *n);
        }
    }
    /// Second pass: the number of `id` (fresh if it had none).
    std::int64_t number(const std::string& id) {
        auto it = id.empty() ? _byId.end() : _byId.find(id);
        if (it != _byId.end() && !_given.count(it->second)) {
            _given.insert(it->second);
            return it->second;
        }
        std::int64_t n = ++_max;
        _given.insert(n);
        if (_renamed++ == 0) _example = id.empty() ? std::string("(no id)") : id;
        if (!id.empty() && !_byId.count(id)) _byId[id] = n;
        return n;
    }
    /// A number without an id (rows the model has no entity for).
    std::int64_t fresh() {
        std::int64_t n = ++_max;
        _given.insert(n);
        return n;
    }
    std::optional<std::int64_t> find(const std::string& id) const {
        auto it = _byId.find(id);
        if (it == _byId.end()) return std::nullopt;
        return it->second;
    }
    bool allKept() const { return _renamed == 0; }
    void report(Diagnostics& d) const {
        if (_renamed == 0) return;
        d.lossy("lossy.id-renumbered", "QualCoder numbers its " + _what + ": " + std::to_string(_renamed) + " of them got new numbers " +
                "(their ids, e.g. '" + clip(_example, 60) + "', are not kept; names, texts and codings are)", _example == "(no id)" ? std::string() : _example);
    }

private:
    const char* _prefix;
    std::string _what;
    std::unordered_set<std::int64_t> _used, _given;
    std::unordered_map<std::string, std::int64_t> _byId;
    std::int64_t _max = 0;
    std::size_t _renamed = 0;
    std::string _example;
};

/// Names QualCoder keeps unique in one table (case matters, as in SQLite).
class UniqueNames {
public:
    explicit UniqueNames(std::string what) : _what(std::move(what)) {}
    std::string take(const std::string& wanted, const std::string& entity, Diagnostics& d) {
        std::string base = wanted.empty() ? std::string(kNoName) : wanted;
        std::string name = base;
        for (int n = 2; _taken.count(name); ++n) name = base + " (" + std::to_string(n) + ")";
        _taken.insert(name);
        if (name != wanted)
            d.lossy("lossy.name-changed", _what + " '" + clip(wanted, 200) + "' is written as '" + name + "': QualCoder needs " +
                    (wanted.empty() ? "a name" : "each name once"), entity);
        return name;
    }
    void reserve(const std::string& name) { _taken.insert(name); }

private:
    std::string _what;
    std::set<std::string> _taken;
};

std::string fileNameSafe(std::string name) {
    for (auto& c : name)
        if (static_cast<unsigned char>(c) < 0x20 || c == '/' || c == '\\' || c == ':' || c == 0x7F) c = '_';
    while (!name.empty() && (name[0] == '.' || name[0] == ' ')) name.erase(0, 1);
    if (name.size() > 200) {  // file systems allow 255 bytes; keep the suffix, cut on a character boundary
        std::string ext = text::pathExtension(name);
        std::size_t keep = 200 - std::min<std::size_t>(ext.size() + 1, 20);
        while (keep > 0 && (static_cast<unsigned char>(name[keep]) & 0xC0) == 0x80) --keep;
        name = name.substr(0, keep) + (ext.empty() || ext.size() > 19 ? "" : "." + ext);
    }
    if (name.empty()) name = "source";
    return name;
}

/// Role of a model theme in QualCoder: a category (code_cat) or a code (code_name).
enum class Role { Category, Code };

class Writer {
public:
    Writer(const Project& p, const std::string& folder, Diagnostics& d, bool dryRun) : _p(p), _folder(folder), _d(d), _dry(dryRun) {}
    void run();

private:
    void makeFolder();
    void checkProjectLevel();
    void users();
    std::string owner(const std::string& userId) const;
    void planThemes();
    void themes();
    void sources();
    std::string copyContent(const Source& s, MediaFolder folder, const std::string& fileName);
    void sourceRow(const Source& s, std::int64_t id, const std::string& name, const std::string* text, const std::string& mediapath,
                   const std::optional<std::int64_t>& avText);
    void transcripts();
    void excerpts();
    void textExcerpt(const Excerpt& e, std::size_t si);
    void areaExcerpt(const Excerpt& e, const Source& s);
    void avExcerpt(const Excerpt& e);
    void memos();
    void cases();
    void attributes();
    void keptTables();
    void projectRow();
    void extensions();
    void linkTexts();

    const Source* source(const std::string& id, std::size_t* index = nullptr) const {
        auto it = _sourceIndex.find(normalizeId(id));
        if (it == _sourceIndex.end()) return nullptr;
        if (index) *index = it->second;
        return &_p.sources[it->second];
    }

    const Project& _p;
    std::string _folder;
    Diagnostics& _d;
    bool _dry;
    std::optional<Db> _db;
    std::map<std::string, std::string> _userNames;  ///< normalised user id -> name
    std::vector<Role> _roles;
    std::unordered_map<std::string, std::size_t> _themeIndex, _sourceIndex, _excerptIndex;
    std::vector<std::string> _themeParent;  ///< after cycles and dangling parents are cut
    Numbers _codes{ids::kCode, "codes"}, _cats{ids::kCategory, "categories"}, _files{ids::kSource, "files"};
    Numbers _ct{ids::kTextCoding, "text codings"}, _img{ids::kImageCoding, "area codings"}, _av{ids::kAvCoding, "audio/video codings"};
    Numbers _ann{ids::kAnnotation, "annotations"}, _caseNo{ids::kCase, "cases"}, _caseText{ids::kCaseText, "case links"};
    Numbers _journal{ids::kJournal, "journal entries"}, _coder{ids::kCoder, "coders"};
    std::map<std::size_t, std::unique_ptr<OutText>> _texts;  ///< by source index
    std::map<std::size_t, std::int64_t> _sourceNumber;       ///< by source index
    std::map<std::size_t, std::int64_t> _transcriptOf;       ///< A/V source index -> number of its transcript source
    std::map<std::string, std::pair<std::int64_t, const OutText*>> _transcriptText;  ///< transcript id -> (source number, text)
    std::map<std::string, std::int64_t> _avNumber;           ///< A/V excerpt id -> avid of its first row
    std::set<std::string> _targeted;                         ///< excerpts that memos or cases name (normalised)
    std::map<std::size_t, std::int64_t> _modelLength;        ///< code points of a source's model text
    UniqueNames _sourceNames{"source"};
    std::map<std::string, std::set<std::string>> _fileNames; ///< folder -> file names taken (lower case)
    std::vector<std::pair<std::int64_t, const Source*>> _fileRows;  ///< every source row: number, model source (none for transcripts)
    std::vector<std::unique_ptr<OutText>> _transcriptModels;  ///< texts of transcripts written as sources
    std::unordered_set<std::string> _textKeys;  ///< QualCoder's unique(cid,fid,pos0,pos1,owner), as bytes (hashed: 10^6 codings)
    std::map<std::string, std::int64_t> _caseNumber;          ///< normalised case id -> caseid
    std::unique_ptr<Stmt> _insText, _insImage, _insAv;        ///< prepared once: one row per coding
    std::map<std::string, TextSpan> _quoteSpans;               ///< excerpts placed on a text made of their quotes
    std::unordered_map<std::string, std::vector<std::size_t>> _excerptsOf;  ///< normalised source id -> its excerpts
    std::string textFromQuotes(std::size_t si);
    /// The model span of a text excerpt on a written text (its source's index in `si`), if it has one.
    std::optional<TextSpan> spanOf(const Excerpt& e, std::size_t& si) const {
        if (!source(e.source, &si) || !_texts.count(si)) return std::nullopt;
        auto q = _quoteSpans.find(normalizeId(e.id));
        if (q != _quoteSpans.end()) return q->second;
        const auto* span = std::get_if<TextSpan>(&e.anchor);
        auto len = _modelLength.find(si);
        if (!span || !_p.sources[si].text || span->start < 0 || span->end < span->start || len == _modelLength.end() || span->end > len->second)
            return std::nullopt;
        return *span;
    }  ///< QualCoder's unique(cid,fid,pos0,pos1,owner)
};

// ---------------------------------------------------------------- folder and project

void Writer::makeFolder() {
    if (_dry) {
        _db.emplace(Db::create(":memory:"));
        return;
    }
    struct stat st {};
    if (::lstat(_folder.c_str(), &st) == 0) {
        bool emptyDir = S_ISDIR(st.st_mode) && [&] {
            std::error_code ec;
            return std::filesystem::is_empty(_folder, ec) && !ec;
        }();
        if (!emptyDir) throw OutputError("refusing to write '" + _folder + "': it exists and is not an empty folder");
    } else if (::mkdir(_folder.c_str(), 0777) != 0) {
        throw OutputError("cannot create the folder '" + _folder + "': " + std::strerror(errno));
    }
    for (MediaFolder f : {MediaFolder::Images, MediaFolder::Audio, MediaFolder::Video, MediaFolder::Documents}) {
        std::string dir = _folder + "/" + folderName(f);
        if (::mkdir(dir.c_str(), 0777) != 0) throw OutputError("cannot create the folder '" + dir + "': " + std::strerror(errno));
    }
    _db.emplace(Db::create(_folder + "/data.qda"));
}

void Writer::run() {
    for (std::size_t i = 0; i < _p.themes.size(); ++i) _themeIndex.emplace(normalizeId(_p.themes[i].id), i);
    for (std::size_t i = 0; i < _p.sources.size(); ++i) _sourceIndex.emplace(normalizeId(_p.sources[i].id), i);
    for (std::size_t i = 0; i < _p.excerpts.size(); ++i) {
        _excerptIndex.emplace(normalizeId(_p.excerpts[i].id), i);
        _excerptsOf[normalizeId(_p.excerpts[i].source)].push_back(i);
    }
    for (const auto& m : _p.memos)
        for (const auto& t : m.targets) _targeted.insert(normalizeId(t));
    for (const auto& c : _p.cases)
        for (const auto& e : c.excerpts) _targeted.insert(normalizeId(e));
    makeFolder();
    _db->exec("BEGIN");
    for (const auto& stmt : schemaStatements()) _db->exec(stmt);
    checkProjectLevel();
    users();
    planThemes();
    themes();
    sources();
    transcripts();
    excerpts();
    memos();
    cases();
    attributes();
    keptTables();
    projectRow();
    extensions();
    _insText.reset();  // a statement left open would keep the database from closing
    _insImage.reset();
    _insAv.reset();
    _db->exec("COMMIT");
    _db->close();
    for (Numbers* n : {&_codes, &_cats, &_files, &_ct, &_img, &_av, &_ann, &_caseNo, &_journal}) n->report(_d);
}

void Writer::checkProjectLevel() {
    std::string folderName = _folder;
    while (folderName.size() > 1 && folderName.back() == '/') folderName.pop_back();
    folderName = folderName.substr(folderName.find_last_of('/') + 1);
    if (folderName.size() > 4 && text::asciiLower(folderName.substr(folderName.size() - 4)) == ".qda") folderName.resize(folderName.size() - 4);
    if (!_dry && !_p.name.empty() && _p.name != folderName)
        _d.lossy("lossy.project-name", "the project name '" + clip(_p.name, 80) + "' is not kept: a QualCoder project is named by its folder ('" +
                 folderName + "')", {}, "name the output folder '" + clip(_p.name, 80) + ".qda'");
    if (!_p.basePath.empty()) _d.lossy("lossy.basepath", "the project's base path has no place in QualCoder");
    if (!_p.audit.creator.empty() || !_p.audit.modifier.empty() || !_p.audit.modified.empty())
        _d.lossy("lossy.project-audit", "QualCoder keeps the project's date only, not who made or changed it");
    for (const auto& s : _p.sets)
        _d.skipped("skipped.set", "QualCoder has no sets: set '" + clip(s.name, 80) + "' is not written", s.id);
}

// ---------------------------------------------------------------- users

void Writer::users() {
    for (const auto& u : _p.users) _coder.claim(u.id);
    std::set<std::string> names;
    Stmt ins(*_db, "INSERT INTO coder_names (rowid, name, visibility) VALUES (?, ?, ?)", "coder_names");
    for (const auto& u : _p.users) {
        std::string name = u.name.empty() ? u.id : u.name;
        _userNames[normalizeId(u.id)] = name;
        if (name.empty() || !names.insert(name).second) continue;  // one row per name (QualCoder's names are the coders)
        std::int64_t visible = 1;
        if (auto it = u.ext.find(key::kRow); it != u.ext.end())
            if (const Json* v = it->second.find("visibility"); v && v->isNumber() && v->numberText() == "0") visible = 0;
        ins.reset();
        ins.bind(1, _coder.number(u.id));
        ins.bind(2, name);
        ins.bind(3, visible);
        ins.step();
    }
}

/// The coder name of a user id; ids that name no user are names already (tables, hand-made JSON).
std::string Writer::owner(const std::string& userId) const {
    if (userId.empty()) return {};
    auto it = _userNames.find(normalizeId(userId));
    return it == _userNames.end() ? userId : it->second;
}

// ---------------------------------------------------------------- themes

void Writer::planThemes() {
    const std::size_t n = _p.themes.size();
    std::vector<bool> coded(n, false);
    for (const auto& e : _p.excerpts)
        for (const auto& c : e.codings) {
            auto it = _themeIndex.find(normalizeId(c.theme));
            if (it != _themeIndex.end()) coded[it->second] = true;
        }
    _themeParent.assign(n, {});
    for (std::size_t i = 0; i < n; ++i) {
        const Theme& t = _p.themes[i];
        if (t.parent.empty()) continue;
        if (!_themeIndex.count(normalizeId(t.parent))) {
            _d.lossy("lossy.theme-parent", "a code's parent does not exist; written at the top level", t.id);
            continue;
        }
        _themeParent[i] = t.parent;
    }
    // Cut cycles where a walk first meets a theme again (linear: each theme is walked once).
    std::vector<char> mark(n, 0);  // 0 unseen, 1 on the walk, 2 settled
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::size_t> walk;
        std::size_t k = i;
        while (mark[k] == 0) {
            mark[k] = 1;
            walk.push_back(k);
            if (_themeParent[k].empty()) break;
            std::size_t up = _themeIndex.at(normalizeId(_themeParent[k]));
            if (mark[up] == 1) {
                _d.lossy("lossy.theme-cycle", "the code hierarchy has a cycle; this code is written at the top level", _p.themes[up].id);
                _themeParent[up].clear();
                break;
            }
            k = up;
        }
        for (std::size_t w : walk) mark[w] = 2;
    }
    // A category holds no codings and sits under categories only. Parents are
    // decided before their children (iteratively: a hierarchy may be deep).
    _roles.assign(n, Role::Code);
    std::vector<bool> done(n, false);
    for (std::size_t i = 0; i < n; ++i) {
        std::vector<std::size_t> chain;
        for (std::size_t k = i; !done[k];) {
            chain.push_back(k);
            if (_themeParent[k].empty()) break;
            k = _themeIndex.at(normalizeId(_themeParent[k]));
        }
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            std::size_t k = *it;
            const Theme& t = _p.themes[k];
            Role r = t.codable ? Role::Code : Role::Category;
            bool underCode = !_themeParent[k].empty() && _roles[_themeIndex.at(normalizeId(_themeParent[k]))] == Role::Code;
            if (r == Role::Category && coded[k]) {
                r = Role::Code;
                _d.lossy("lossy.theme-codable", "a theme marked not codable holds codings: written as a code, not a category", t.id);
            } else if (r == Role::Category && underCode) {
                r = Role::Code;
                _d.lossy("lossy.theme-codable", "a theme marked not codable sits under a code, where QualCoder has no categories: written as a code", t.id);
            }
            _roles[k] = r;
            done[k] = true;
        }
    }
    for (std::size_t i = 0; i < n; ++i) (_roles[i] == Role::Code ? _codes : _cats).claim(_p.themes[i].id);
}

void Writer::themes() {
    UniqueNames codeNames("code"), catNames("category");
    std::vector<std::int64_t> number(_p.themes.size());
    for (std::size_t i = 0; i < _p.themes.size(); ++i) number[i] = (_roles[i] == Role::Code ? _codes : _cats).number(_p.themes[i].id);
    Stmt cat(*_db, "INSERT INTO code_cat (catid, name, owner, date, memo, supercatid) VALUES (?, ?, ?, ?, ?, ?)", "code_cat");
    Stmt code(*_db, "INSERT INTO code_name (cid, name, memo, catid, owner, date, color, supercid) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "code_name");
    for (std::size_t i = 0; i < _p.themes.size(); ++i) {
        const Theme& t = _p.themes[i];
        std::optional<std::int64_t> parent;
        bool parentIsCode = false;
        if (!_themeParent[i].empty()) {
            std::size_t pi = _themeIndex.at(normalizeId(_themeParent[i]));
            parent = number[pi];
            parentIsCode = _roles[pi] == Role::Code;
        }
        if (!t.audit.modifier.empty() || !t.audit.modified.empty())
            _d.lossy("lossy.theme-audit", "QualCoder keeps who made a code and when, not who changed it", t.id);
        if (_roles[i] == Role::Category) {
            cat.reset();
            cat.bind(1, number[i]);
            cat.bind(2, catNames.take(t.name, t.id, _d));
            cat.bindTextOrNull(3, owner(t.audit.creator));
            cat.bindTextOrNull(4, dateToQualCoder(t.audit.created));
            cat.bind(5, t.description);
            cat.bindOptional(6, parent);
            cat.step();
            if (!t.color.empty()) _d.lossy("lossy.theme-colour", "a QualCoder category has no colour", t.id);
            continue;
        }
        std::string colour = t.color;
        auto kept = t.ext.find(key::kColour);
        if (kept != t.ext.end() && kept->second.isString() && normaliseColour(kept->second.asString()) == t.color) colour = kept->second.asString();
        if (colour.empty()) {
            colour = kDefaultColour;
            _d.lossy("lossy.theme-colour", std::string("a code without a colour is written with QualCoder's light grey ") + kDefaultColour +
                     " (QualCoder cannot show a code without one)", t.id);
        }
        code.reset();
        code.bind(1, number[i]);
        code.bind(2, codeNames.take(t.name, t.id, _d));
        code.bind(3, t.description);
        if (parent && !parentIsCode) code.bind(4, *parent);
        else code.bindNull(4);
        code.bindTextOrNull(5, owner(t.audit.creator));
        code.bindTextOrNull(6, dateToQualCoder(t.audit.created));
        code.bind(7, colour);
        if (parent && parentIsCode) code.bind(8, *parent);
        else code.bindNull(8);
        code.step();
    }
}

// ---------------------------------------------------------------- sources

/// A file name for a source's content: its name, with the content's suffix.
std::string contentFileName(const Source& s) {
    std::string suffix = suffixOf(s.mediaType);
    if (suffix.empty()) suffix = text::pathExtension(s.path);
    if (suffix.empty() && s.content) suffix = text::pathExtension(s.content->describe());
    std::string name = fileNameSafe(s.name);
    std::string have = text::pathExtension(name);
    if (!suffix.empty() && have != suffix && !(have == "jpeg" && suffix == "jpg") && !(have == "jpg" && suffix == "jpeg")) name += "." + suffix;
    return name;
}

std::string Writer::copyContent(const Source& s, MediaFolder folder, const std::string& wanted) {
    // Unique in its folder, also where file systems fold case (Windows, macOS).
    auto& taken = _fileNames[folderName(folder)];
    std::string name = wanted;
    std::string ext = text::pathExtension(wanted);
    std::string stem = ext.empty() ? wanted : wanted.substr(0, wanted.size() - ext.size() - 1);
    for (int n = 2; taken.count(text::asciiLower(name)); ++n) name = stem + " (" + std::to_string(n) + ")" + (ext.empty() ? "" : "." + ext);
    taken.insert(text::asciiLower(name));
    if (_dry) return name;
    std::string path = _folder + "/" + folderName(folder) + "/" + name;
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0) throw OutputError("cannot create '" + path + "': " + std::strerror(errno));
    std::uint64_t total = 0;
    try {
        auto in = s.content->open();
        std::vector<char> buf(1 << 20);
        for (;;) {
            in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
            std::streamsize got = in->gcount();
            if (got <= 0) break;
            for (std::streamsize off = 0; off < got;) {
                ssize_t w = ::write(fd, buf.data() + off, static_cast<std::size_t>(got - off));
                if (w < 0 && errno == EINTR) continue;
                if (w < 0) throw OutputError("cannot write '" + path + "': " + std::strerror(errno));
                off += w;
            }
            total += static_cast<std::uint64_t>(got);
        }
        if (in->bad()) throw InputError(Location{s.content->describe(), {}, 0, 0, -1}, "the source's file could not be read to its end");
    } catch (...) {
        ::close(fd);
        throw;
    }
    if (::close(fd) != 0) throw OutputError("cannot write '" + path + "': " + std::strerror(errno));
    auto declared = s.content->size();
    if (declared && *declared != total)
        throw InputError(Location{s.content->describe(), {}, 0, 0, -1},
                         "declares " + std::to_string(*declared) + " bytes but delivered " + std::to_string(total));
    return name;
}

void Writer::sourceRow(const Source& s, std::int64_t id, const std::string& name, const std::string* text, const std::string& mediapath,
                       const std::optional<std::int64_t>& avText) {
    static const char* sql = "INSERT INTO source (id, name, fulltext, mediapath, memo, owner, date, av_text_id, risid) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    Stmt ins(*_db, sql, "source");
    ins.bind(1, id);
    ins.bind(2, name);
    if (text) ins.bind(3, *text);
    else ins.bindNull(3);
    ins.bindTextOrNull(4, mediapath);
    ins.bind(5, s.description);
    ins.bindTextOrNull(6, owner(s.audit.creator));
    ins.bindTextOrNull(7, dateToQualCoder(s.audit.created));
    ins.bindOptional(8, avText);
    std::optional<std::int64_t> ris;
    if (auto it = s.ext.find(key::kRow); it != s.ext.end())
        if (const Json* r = it->second.find("risid"); r && r->isNumber()) ris = std::strtoll(r->numberText().c_str(), nullptr, 10);
    ins.bindOptional(9, ris);
    ins.step();
}

void Writer::sources() {
    for (const auto& s : _p.sources) _files.claim(s.id);
    for (std::size_t i = 0; i < _p.sources.size(); ++i) {
        const Source& s = _p.sources[i];
        std::int64_t number = _files.number(s.id);
        _sourceNumber[i] = number;
        std::string name = _sourceNames.take(s.name, s.id, _d);
        if (!s.audit.modifier.empty() || !s.audit.modified.empty())
            _d.lossy("lossy.source-audit", "QualCoder keeps who added a source and when, not who changed it", s.id);
        bool textual = s.kind == SourceKind::Text || s.kind == SourceKind::Pdf;
        const std::string* fulltext = nullptr;
        if (textual && (s.text || s.kind == SourceKind::Text)) {
            std::string fromQuotes;
            if (!s.text && s.kind == SourceKind::Text) fromQuotes = textFromQuotes(i);
            const std::string& modelText = s.text ? *s.text : fromQuotes;
            auto out = std::make_unique<OutText>(modelText, s.ext.count(key::kBom) != 0);
            if (out->changedBreaks())
                _d.lossy("lossy.line-endings", std::to_string(out->changedBreaks()) + " line breaks (CR LF or CR) are written as LF, as QualCoder "
                         "shows them; every span moves with its text", s.id);
            _modelLength[i] = text::codePointCount(modelText);
            fulltext = &out->text();
            _texts[i] = std::move(out);
        } else if (s.text) {
            _d.lossy("lossy.source-text", std::string("QualCoder keeps no text for a ") + toString(s.kind) + " source; its text is not written", s.id);
        }
        MediaFolder folder = s.kind == SourceKind::Picture ? MediaFolder::Images : s.kind == SourceKind::Audio ? MediaFolder::Audio
                           : s.kind == SourceKind::Video ? MediaFolder::Video : MediaFolder::Documents;
        std::string mediapath;
        std::string fileName = contentFileName(s);
        bool pdfName = text::pathExtension(fileName) == "pdf";
        auto linked = s.ext.find(key::kMediaPath);
        if (s.content && s.kind == SourceKind::Text && pdfName) {
            _d.lossy("lossy.source-content", "the document of a text source is a PDF, which QualCoder would take for a PDF source; not copied", s.id);
        } else if (s.content) {
            mediapath = internalPrefix(folder) + copyContent(s, folder, fileName);
        } else if (linked != s.ext.end() && linked->second.isString() && parseMediaPath(linked->second.asString()).linked) {
            mediapath = linked->second.asString();  // a file QualCoder links outside the project, as read
        } else if (s.path.rfind("absolute://", 0) == 0 || s.path.rfind("file://", 0) == 0) {
            std::string p = s.path.substr(s.path.find("//") + 2);
            mediapath = linkedPrefix(folder) + p;
            _d.info("qualcoder.linked-file", "the file of '" + clip(s.name, 80) + "' is outside the project (" + clip(p, 120) + "): linked, not copied", s.id);
        } else if (s.kind != SourceKind::Text) {
            if (s.kind == SourceKind::Pdf && !pdfName) fileName += ".pdf";
            mediapath = internalPrefix(folder) + fileName;
            _d.lossy("lossy.source-content-missing", "the file of '" + clip(s.name, 80) + "' was not in the input; QualCoder will miss " +
                     clip(mediapath, 120), s.id);
        }
        sourceRow(s, number, name, fulltext, mediapath, std::nullopt);
        _fileRows.emplace_back(number, &s);
    }
}

/// A text source whose text the input lacks (a table of coded segments) but whose
/// excerpts quote it: QualCoder codes positions in a text, so its text is made of
/// those quotes, one paragraph each, and every excerpt is placed on its quote.
std::string Writer::textFromQuotes(std::size_t si) {
    const Source& s = _p.sources[si];
    auto it = _excerptsOf.find(normalizeId(s.id));
    if (it == _excerptsOf.end()) return {};
    std::string text;
    std::int64_t length = 0;
    std::map<std::string, TextSpan> placed;  // one place per distinct quote: the same segment coded twice
    for (std::size_t ei : it->second) {
        const Excerpt& e = _p.excerpts[ei];
        if (!e.quote || e.quote->empty() || e.codings.empty()) continue;
        if (!std::holds_alternative<std::monostate>(e.anchor) && !std::holds_alternative<TextSpan>(e.anchor)) continue;
        auto [at, fresh] = placed.try_emplace(*e.quote);
        if (fresh) {
            if (!text.empty()) {
                text += "\n\n";
                length += 2;
            }
            std::int64_t n = text::codePointCount(*e.quote);
            at->second = TextSpan{length, length + n};
            text += *e.quote;
            length += n;
        }
        _quoteSpans[normalizeId(e.id)] = at->second;
    }
    if (!placed.empty())
        _d.lossy("lossy.text-from-quotes", "the input has no text for '" + clip(s.name, 80) + "': its text is written as the " +
                 std::to_string(placed.size()) + " passages its excerpts quote, one paragraph each, each excerpt on its quote", s.id);
    return text;
}

/// Transcripts of audio and video sources: QualCoder keeps each as a text source
/// of its own, which the media source names (av_text_id).
void Writer::transcripts() {
    for (std::size_t i = 0; i < _p.sources.size(); ++i) {
        const Source& s = _p.sources[i];
        if (s.transcripts.empty()) continue;
        if (s.kind != SourceKind::Audio && s.kind != SourceKind::Video)
            _d.lossy("lossy.transcript", "a transcript of a source that is not audio or video is written as a text source of its own", s.id);
        for (std::size_t k = 0; k < s.transcripts.size(); ++k) {
            const Transcript& t = s.transcripts[k];
            std::string wanted = t.name.empty() ? s.name + (k ? " (" + std::to_string(k + 1) + ")" : std::string()) + ".txt" : t.name;
            Source row;
            row.description = "";
            row.audit = t.audit;
            std::int64_t number = _files.fresh();
            auto out = std::make_unique<OutText>(t.text, false);
            sourceRow(row, number, _sourceNames.take(wanted, t.id, _d), &out->text(), {}, std::nullopt);
            _fileRows.emplace_back(number, nullptr);
            _transcriptText[normalizeId(t.id)] = {number, out.get()};
            _transcriptModels.push_back(std::move(out));
            if (k == 0 && !s.ext.count(key::kTranscript)) _transcriptOf[i] = number;
            _d.lossy("lossy.transcript-as-source", "transcript '" + clip(t.name, 60) + "' is written as a text source of its own (QualCoder's way): it reads back as one"
                     + std::string(t.syncPoints.empty() ? "" : "; its sync points are not kept"), t.id);
        }
    }
    linkTexts();
}

/// av_text_id: a media source names its transcript's text source.
void Writer::linkTexts() {
    Stmt upd(*_db, "UPDATE source SET av_text_id = ? WHERE id = ?", "source");
    for (std::size_t i = 0; i < _p.sources.size(); ++i) {
        const Source& s = _p.sources[i];
        std::optional<std::int64_t> target;
        if (auto it = s.ext.find(key::kTranscript); it != s.ext.end() && it->second.isString()) {
            std::size_t ti = 0;
            if (source(it->second.asString(), &ti)) target = _sourceNumber[ti];
            else _d.lossy("lossy.transcript-missing", "the transcript this source names is not in the project", s.id);
        } else if (auto t = _transcriptOf.find(i); t != _transcriptOf.end()) {
            target = t->second;
        }
        if (!target) continue;
        upd.reset();
        upd.bind(1, *target);
        upd.bind(2, _sourceNumber[i]);
        upd.step();
    }
}

// ---------------------------------------------------------------- excerpts

/// Who made an excerpt and when, as QualCoder keeps it: on each coding row (the
/// coding's own creator and date). Reading back gives the excerpt the first row's.
void reportExcerptAudit(const Excerpt& e, Diagnostics& d) {
    std::string creator = e.codings.empty() ? std::string() : e.codings[0].creator;
    std::string created = e.codings.empty() ? std::string() : e.codings[0].created;
    bool differs = (!e.audit.creator.empty() && normalizeId(e.audit.creator) != normalizeId(creator)) ||
                   (!e.audit.created.empty() && e.audit.created != created) || !e.audit.modifier.empty() || !e.audit.modified.empty();
    if (differs) d.lossy("lossy.excerpt-audit", "QualCoder keeps who coded and when on each coding; the excerpt's own creator, dates or modifier are not kept", e.id);
}

void Writer::excerpts() {
    for (const auto& e : _p.excerpts)
        for (const auto& c : e.codings) {
            if (std::holds_alternative<TimeSpan>(e.anchor)) _av.claim(c.id);
            else if (std::holds_alternative<PdfRegion>(e.anchor) || std::holds_alternative<ImageRegion>(e.anchor)) _img.claim(c.id);
            else _ct.claim(c.id);
        }
    // Audio and video first: text codings may name them (avid).
    for (int pass = 0; pass < 2; ++pass)
        for (const auto& e : _p.excerpts) {
            bool media = std::holds_alternative<TimeSpan>(e.anchor);
            if ((pass == 0) != media) continue;
            std::size_t si = 0;
            const Source* s = source(e.source, &si);
            if (!s) {
                _d.skipped("skipped.excerpt-source-missing", "an excerpt names no source of the project and is not written", e.id);
                continue;
            }
            if (!e.name.empty()) _d.lossy("lossy.excerpt-name", "QualCoder codings have no name; the excerpt's name '" + clip(e.name, 60) + "' is not kept", e.id);
            for (const auto& [k, v] : e.ext)
                if (k != key::kRow) _d.lossy("lossy.extension", "extension '" + k + "' of an excerpt has no place in QualCoder", e.id);
            if (e.codings.empty()) {
                if (!_targeted.count(normalizeId(e.id)))
                    _d.skipped("skipped.excerpt-uncoded", "an excerpt without codings, notes or case has no place in QualCoder", e.id);
                continue;
            }
            reportExcerptAudit(e, _d);
            if (e.codings.size() > 1)
                _d.lossy("lossy.excerpt-split", "an excerpt with " + std::to_string(e.codings.size()) + " codings is written as that many QualCoder "
                         "codings of the same span (one row each, with its memo): it reads back as that many excerpts", e.id);
            if (std::holds_alternative<TextSpan>(e.anchor) || std::holds_alternative<std::monostate>(e.anchor) ||
                std::holds_alternative<TranscriptSpan>(e.anchor))
                textExcerpt(e, si);
            else if (std::holds_alternative<TimeSpan>(e.anchor)) {
                if (s->kind == SourceKind::Audio || s->kind == SourceKind::Video) avExcerpt(e);
                else _d.skipped("skipped.excerpt-anchor", std::string("a time span cannot lie on a ") + toString(s->kind) + " source in QualCoder", e.id);
            } else if ((std::holds_alternative<PdfRegion>(e.anchor) && s->kind == SourceKind::Pdf) ||
                       (std::holds_alternative<ImageRegion>(e.anchor) && s->kind == SourceKind::Picture)) {
                areaExcerpt(e, *s);
            } else {
                _d.skipped("skipped.excerpt-anchor", std::string("a ") + anchorTypeName(e.anchor) + " excerpt cannot lie on a " + toString(s->kind) +
                           " source in QualCoder", e.id);
            }
        }
}

/// The written span of a text excerpt: its source's text (or its transcript's)
/// and the positions there; false (reported) when it has none.
struct WrittenSpan {
    std::int64_t fid = 0, pos0 = 0, pos1 = 0;
    const OutText* text = nullptr;
};

void Writer::textExcerpt(const Excerpt& e, std::size_t si) {
    WrittenSpan w;
    if (const auto* ts = std::get_if<TranscriptSpan>(&e.anchor)) {
        auto t = _transcriptText.find(normalizeId(ts->transcript()));
        if (t == _transcriptText.end()) {
            _d.skipped("skipped.excerpt-transcript", "a transcript excerpt names no transcript of its source", e.id);
            return;
        }
        const Transcript* tr = nullptr;
        for (const auto& x : _p.sources[si].transcripts)
            if (normalizeId(x.id) == normalizeId(ts->transcript())) tr = &x;
        auto at = [&](const std::string& sp, std::int64_t dflt) -> std::optional<std::int64_t> {
            if (sp.empty()) return dflt;
            for (const auto& p : tr->syncPoints)
                if (normalizeId(p.id) == normalizeId(sp)) return p.position;
            return std::nullopt;
        };
        auto a = at(ts->fromSyncPoint(), 0), b = at(ts->toSyncPoint(), text::codePointCount(tr->text));
        if (!a || !b || *a < 0 || *b < *a || *b > text::codePointCount(tr->text)) {
            _d.skipped("skipped.excerpt-transcript", "a transcript excerpt names sync points that do not give a span of the transcript", e.id);
            return;
        }
        w = {t->second.first, t->second.second->map(*a), t->second.second->map(*b), t->second.second};
    } else {
        auto out = _texts.find(si);
        if (out == _texts.end()) {
            _d.skipped("skipped.excerpt-anchor", "a text excerpt lies on a source without text", e.id);
            return;
        }
        std::int64_t len = _modelLength[si], a = 0, b = len;
        auto quoted = _quoteSpans.find(normalizeId(e.id));
        if (quoted != _quoteSpans.end()) {
            a = quoted->second.start;
            b = quoted->second.end;
        } else if (!_p.sources[si].text) {
            _d.skipped("skipped.excerpt-anchor", "a text excerpt lies on a source without text and quotes no text to place it on", e.id);
            return;
        } else if (const auto* span = std::get_if<TextSpan>(&e.anchor)) {
            a = span->start;
            b = span->end;
        } else {
            _d.lossy("lossy.whole-source-excerpt", "a coding of a whole source is written as a coding of its whole text", e.id);
        }
        if (b < a) {
            _d.skipped("skipped.excerpt-inverted", "a text excerpt ends before it starts and is not written", e.id);
            return;
        }
        if (a < 0 || b > len) {
            _d.skipped("skipped.excerpt-out-of-range", "a text excerpt lies outside its source text and is not written", e.id);
            return;
        }
        w = {_sourceNumber[si], out->second->map(a), out->second->map(b), out->second.get()};
    }
    std::string seltext = e.quote ? lfOnly(*e.quote) : w.text->slice(w.pos0, w.pos1);
    if (e.quote && seltext != w.text->slice(w.pos0, w.pos1))
        _d.info("qualcoder.quote-kept", "the excerpt's quoted text differs from its span; it is written as QualCoder's stored text (seltext)", e.id);
    if (!_insText) _insText = std::make_unique<Stmt>(*_db, "INSERT INTO code_text (ctid, cid, fid, seltext, pos0, pos1, owner, date, memo, avid, important) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             "code_text");
    Stmt& ins = *_insText;
    for (const auto& c : e.codings) {
        auto ti = _themeIndex.find(normalizeId(c.theme));
        if (ti == _themeIndex.end()) {
            _d.skipped("skipped.coding-theme-missing", "a coding names no code of the project and is not written", e.id);
            continue;
        }
        std::string who = owner(c.creator);
        std::string dup(4 * sizeof(std::int64_t), '\0');
        const std::int64_t parts[4] = {static_cast<std::int64_t>(ti->second), w.fid, w.pos0, w.pos1};
        std::memcpy(dup.data(), parts, sizeof parts);
        dup += who;
        if (!_textKeys.insert(std::move(dup)).second) {
            _d.skipped("skipped.coding-duplicate", "the same code on the same span by the same coder twice: QualCoder keeps it once", e.id);
            continue;
        }
        std::optional<std::int64_t> avid;
        if (auto it = c.ext.find(key::kAvCoding); it != c.ext.end() && it->second.isString()) {
            auto n = _avNumber.find(normalizeId(it->second.asString()));
            if (n != _avNumber.end()) avid = n->second;
            else _d.lossy("lossy.av-link", "a text coding names an audio/video coding that was not written; the link is dropped", e.id);
        }
        for (const auto& [k, v] : c.ext)
            if (k != key::kRow && k != key::kAvCoding && k != key::kImportant)
                _d.lossy("lossy.extension", "extension '" + k + "' of a coding has no place in QualCoder", e.id);
        ins.reset();
        ins.bind(1, _ct.number(c.id));
        ins.bind(2, _codes.find(_p.themes[ti->second].id).value_or(0));
        ins.bind(3, w.fid);
        ins.bind(4, seltext);
        ins.bind(5, w.pos0);
        ins.bind(6, w.pos1);
        ins.bindTextOrNull(7, who);
        ins.bindTextOrNull(8, dateToQualCoder(c.created));
        ins.bind(9, e.description);
        ins.bindOptional(10, avid);
        if (c.ext.count(key::kImportant)) ins.bind(11, std::int64_t(1));
        else ins.bindNull(11);
        ins.step();
    }
}

/// A rectangle as QualCoder stores it: corner, width, height (what was read as reals is written as read).
void Writer::areaExcerpt(const Excerpt& e, const Source& s) {
    std::int64_t x1, y1, x2, y2;
    std::optional<std::int64_t> page;
    if (const auto* r = std::get_if<PdfRegion>(&e.anchor)) {
        x1 = r->x1, y1 = r->y1, x2 = r->x2, y2 = r->y2;
        page = r->page;
    } else {
        const auto& im = std::get<ImageRegion>(e.anchor);
        x1 = im.x1, y1 = im.y1, x2 = im.x2, y2 = im.y2;
    }
    if (x2 < x1 || y2 < y1) {
        _d.lossy("lossy.rectangle-normalised", "an inverted rectangle was written with its corners ordered", e.id);
        if (x2 < x1) std::swap(x1, x2);
        if (y2 < y1) std::swap(y1, y2);
    }
    std::int64_t v[4] = {x1, y1, x2 - x1, y2 - y1};
    const char* names[4] = {"x1", "y1", "width", "height"};
    const Json* exact = nullptr;
    if (auto it = e.ext.find(key::kRow); it != e.ext.end()) exact = &it->second;
    if (!_insImage) _insImage = std::make_unique<Stmt>(*_db, "INSERT INTO code_image (imid, id, x1, y1, width, height, cid, memo, date, owner, important, pdf_page) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
             "code_image");
    Stmt& ins = *_insImage;
    for (const auto& c : e.codings) {
        auto ti = _themeIndex.find(normalizeId(c.theme));
        if (ti == _themeIndex.end()) {
            _d.skipped("skipped.coding-theme-missing", "a coding names no code of the project and is not written", e.id);
            continue;
        }
        ins.reset();
        ins.bind(1, _img.number(c.id));
        ins.bind(2, _sourceNumber[_sourceIndex.at(normalizeId(s.id))]);
        for (int i = 0; i < 4; ++i) {
            const Json* x = exact ? exact->find(names[i]) : nullptr;
            double d = x && x->isNumber() ? std::strtod(x->numberText().c_str(), nullptr) : 0.0;
            if (x && x->isNumber() && std::llround(d) == v[i]) ins.bind(3 + i, d);
            else ins.bind(3 + i, v[i]);
        }
        ins.bind(7, _codes.find(_p.themes[ti->second].id).value_or(0));
        ins.bind(8, e.description);
        ins.bindTextOrNull(9, dateToQualCoder(c.created));
        ins.bindTextOrNull(10, owner(c.creator));
        if (c.ext.count(key::kImportant)) ins.bind(11, std::int64_t(1));
        else ins.bindNull(11);
        ins.bindOptional(12, page);
        ins.step();
    }
}

void Writer::avExcerpt(const Excerpt& e) {
    const auto& span = std::get<TimeSpan>(e.anchor);
    if (span.end < span.begin || span.begin < 0) {
        _d.skipped("skipped.excerpt-inverted", "a time span ends before it starts (or before 0) and is not written", e.id);
        return;
    }
    if (!_insAv) _insAv = std::make_unique<Stmt>(*_db, "INSERT INTO code_av (avid, id, pos0, pos1, cid, memo, date, owner, important) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", "code_av");
    Stmt& ins = *_insAv;
    for (const auto& c : e.codings) {
        auto ti = _themeIndex.find(normalizeId(c.theme));
        if (ti == _themeIndex.end()) {
            _d.skipped("skipped.coding-theme-missing", "a coding names no code of the project and is not written", e.id);
            continue;
        }
        std::int64_t avid = _av.number(c.id);
        _avNumber.emplace(normalizeId(e.id), avid);
        ins.reset();
        ins.bind(1, avid);
        ins.bind(2, _sourceNumber[_sourceIndex.at(normalizeId(e.source))]);
        ins.bind(3, span.begin);
        ins.bind(4, span.end);
        ins.bind(5, _codes.find(_p.themes[ti->second].id).value_or(0));
        ins.bind(6, e.description);
        ins.bindTextOrNull(7, dateToQualCoder(c.created));
        ins.bindTextOrNull(8, owner(c.creator));
        if (c.ext.count(key::kImportant)) ins.bind(9, std::int64_t(1));
        else ins.bindNull(9);
        ins.step();
    }
}

// ---------------------------------------------------------------- memos

/// Notes on text spans become annotations; every other note a journal entry.
void Writer::memos() {
    for (const auto& m : _p.memos) _ann.claim(m.id), _journal.claim(m.id);
    UniqueNames journalNames("journal entry");
    Stmt ann(*_db, "INSERT INTO annotation (anid, fid, pos0, pos1, memo, owner, date) VALUES (?, ?, ?, ?, ?, ?, ?)", "annotation");
    Stmt jour(*_db, "INSERT INTO journal (jid, name, jentry, date, owner) VALUES (?, ?, ?, ?, ?)", "journal");
    std::set<std::tuple<std::int64_t, std::int64_t, std::int64_t, std::string>> annKeys;
    for (const auto& m : _p.memos) {
        std::vector<WrittenSpan> spans;
        for (const auto& t : m.targets) {
            auto ei = _excerptIndex.find(normalizeId(t));
            if (ei == _excerptIndex.end()) break;
            const Excerpt& e = _p.excerpts[ei->second];
            std::size_t si = 0;
            auto span = spanOf(e, si);
            auto out = span ? _texts.find(si) : _texts.end();
            if (!span) break;
            spans.push_back({_sourceNumber[si], out->second->map(span->start), out->second->map(span->end), out->second.get()});
        }
        for (const auto& [k, v] : m.ext)
            _d.lossy("lossy.extension", "extension '" + k + "' of a note has no place in QualCoder", m.id);
        if (!m.audit.modifier.empty() || !m.audit.modified.empty())
            _d.lossy("lossy.memo-audit", "QualCoder keeps who wrote a note and when, not who changed it", m.id);
        if (!m.targets.empty() && spans.size() == m.targets.size()) {
            if (!m.name.empty()) _d.lossy("lossy.memo-name", "QualCoder annotations have no name; '" + clip(m.name, 60) + "' is not kept", m.id);
            std::string who = owner(m.audit.creator);
            for (std::size_t i = 0; i < spans.size(); ++i) {
                if (!annKeys.insert({spans[i].fid, spans[i].pos0, spans[i].pos1, who}).second) {
                    _d.skipped("skipped.annotation-duplicate", "a second note by the same coder on the same span: QualCoder keeps one annotation there", m.id);
                    continue;
                }
                ann.reset();
                ann.bind(1, i == 0 ? _ann.number(m.id) : _ann.fresh());
                ann.bind(2, spans[i].fid);
                ann.bind(3, spans[i].pos0);
                ann.bind(4, spans[i].pos1);
                ann.bind(5, m.text);
                ann.bindTextOrNull(6, who);
                ann.bindTextOrNull(7, dateToQualCoder(m.audit.created));
                ann.step();
            }
            if (spans.size() > 1)
                _d.lossy("lossy.memo-split", "a note on " + std::to_string(spans.size()) + " spans is written as one annotation on each", m.id);
            continue;
        }
        if (!m.targets.empty())
            _d.lossy("lossy.memo-target", "QualCoder attaches notes to text spans only: this note is written as a journal entry, without its attachment", m.id);
        jour.reset();
        jour.bind(1, _journal.number(m.id));
        jour.bind(2, journalNames.take(m.name, m.id, _d));
        jour.bind(3, m.text);
        jour.bindTextOrNull(4, dateToQualCoder(m.audit.created));
        jour.bindTextOrNull(5, owner(m.audit.creator));
        jour.step();
    }
}

// ---------------------------------------------------------------- cases

void Writer::cases() {
    for (const auto& c : _p.cases) {
        _caseNo.claim(c.id);
        for (const auto& e : c.excerpts) _caseText.claim(e);
    }
    UniqueNames names("case");
    Stmt ins(*_db, "INSERT INTO cases (caseid, name, memo, owner, date) VALUES (?, ?, ?, ?, ?)", "cases");
    Stmt link(*_db, "INSERT INTO case_text (id, caseid, fid, pos0, pos1, owner, date, memo) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", "case_text");
    auto row = [](const Extensions& ext, const char* col) {
        auto it = ext.find(key::kRow);
        const Json* v = it == ext.end() ? nullptr : it->second.find(col);
        return v && v->isString() ? v->asString() : std::string();
    };
    for (const auto& c : _p.cases) {
        std::int64_t caseid = _caseNo.number(c.id);
        _caseNumber[normalizeId(c.id)] = caseid;
        ins.reset();
        ins.bind(1, caseid);
        ins.bind(2, names.take(c.name, c.id, _d));
        ins.bind(3, c.description);
        ins.bindTextOrNull(4, row(c.ext, "owner"));
        ins.bindTextOrNull(5, row(c.ext, "date"));
        ins.step();
        if (!c.themes.empty()) _d.lossy("lossy.case-themes", "QualCoder cases hold no codes; the case's codes are not kept", c.id);
        for (const auto& [k, v] : c.ext)
            if (k != key::kRow && k != key::kLinks && k != key::kValueAudit) _d.lossy("lossy.extension", "extension '" + k + "' of a case has no place in QualCoder", c.id);
        const Json* links = nullptr;
        if (auto it = c.ext.find(key::kLinks); it != c.ext.end()) links = &it->second;
        auto addLink = [&](std::int64_t id, std::size_t si, std::int64_t p0, std::int64_t p1, const std::string& who, const std::string& date,
                           const std::string& memo) {
            link.reset();
            link.bind(1, id);
            link.bind(2, caseid);
            link.bind(3, _sourceNumber[si]);
            link.bind(4, p0);
            link.bind(5, p1);
            link.bindTextOrNull(6, who);
            link.bindTextOrNull(7, date);
            link.bind(8, memo);
            link.step();
        };
        for (const auto& sid : c.sources) {
            std::size_t si = 0;
            if (!source(sid, &si)) {
                _d.lossy("lossy.dangling-reference", "a case names a source that is not in the project", c.id);
                continue;
            }
            const Json* l = links ? links->find(sid) : nullptr;
            auto field = [&](const char* f) {
                const Json* v = l ? l->find(f) : nullptr;
                return v && v->isString() ? v->asString() : std::string();
            };
            auto out = _texts.find(si);
            std::int64_t len = out == _texts.end() || (l && l->find("pos1")) ? 0 : out->second->length();
            addLink(_caseText.fresh(), si, 0, len, field("owner"), field("date"), field("memo"));
        }
        for (const auto& eid : c.excerpts) {
            auto ei = _excerptIndex.find(normalizeId(eid));
            if (ei == _excerptIndex.end()) {
                _d.lossy("lossy.dangling-reference", "a case names an excerpt that is not in the project", c.id);
                continue;
            }
            const Excerpt& e = _p.excerpts[ei->second];
            std::size_t si = 0;
            auto span = spanOf(e, si);
            auto out = span ? _texts.find(si) : _texts.end();
            if (!span) {
                _d.lossy("lossy.case-excerpt", "QualCoder links text spans to cases: a case member that is not a text span is not kept", e.id);
                continue;
            }
            addLink(_caseText.number(e.id), si, out->second->map(span->start), out->second->map(span->end), owner(e.audit.creator),
                    dateToQualCoder(e.audit.created), e.description);
        }
    }
}

// ---------------------------------------------------------------- attributes

void Writer::attributes() {
    std::map<std::string, std::pair<bool, bool>> use;  // attribute id -> (files, cases)
    for (const auto& s : _p.sources)
        for (const auto& v : s.values) use[normalizeId(v.attribute)].first = true;
    for (const auto& c : _p.cases)
        for (const auto& v : c.values) use[normalizeId(v.attribute)].second = true;
    UniqueNames names("attribute");
    Stmt type(*_db, "INSERT INTO attribute_type (name, date, owner, memo, caseOrFile, valuetype) VALUES (?, ?, ?, ?, ?, ?)", "attribute_type");
    Stmt value(*_db, "INSERT INTO attribute (name, attr_type, value, id, date, owner) VALUES (?, ?, ?, ?, ?, ?)", "attribute");
    auto fromExt = [](const Extensions& ext, const char* k, const char* field = nullptr) {
        auto it = ext.find(k);
        if (it == ext.end()) return std::string();
        const Json* v = field ? it->second.find(field) : &it->second;
        return v && v->isString() ? v->asString() : std::string();
    };
    auto values = [&](const std::string& name, const std::string& attrId, const char* kind) {
        auto one = [&](std::int64_t number, const std::vector<AttributeValue>& vs, const Extensions* ext) {
            std::string v;
            for (const auto& x : vs)
                if (normalizeId(x.attribute) == normalizeId(attrId)) v = x.value;
            const Json* audit = nullptr;
            if (ext)
                if (auto it = ext->find(key::kValueAudit); it != ext->end()) audit = it->second.find(attrId);
            auto field = [&](const char* f) {
                const Json* j = audit ? audit->find(f) : nullptr;
                return j && j->isString() ? j->asString() : std::string();
            };
            value.reset();
            value.bind(1, name);
            value.bind(2, std::string_view(kind));
            value.bind(3, v);  // "" is QualCoder's placeholder for no value
            value.bind(4, number);
            value.bindTextOrNull(5, v.empty() ? std::string() : field("date"));
            value.bindTextOrNull(6, v.empty() ? std::string() : field("owner"));
            value.step();
        };
        if (std::string(kind) == "file")
            for (const auto& [number, s] : _fileRows) one(number, s ? s->values : std::vector<AttributeValue>{}, s ? &s->ext : nullptr);
        else
            for (const auto& c : _p.cases) one(_caseNumber[normalizeId(c.id)], c.values, &c.ext);
    };
    for (const auto& a : _p.attributes) {
        auto [files, cases] = use[normalizeId(a.id)];
        std::string kind = fromExt(a.ext, key::kCaseOrFile);
        if (kind != "case" && kind != "file") kind = cases && !files ? "case" : "file";
        std::string vt = fromExt(a.ext, key::kValueType);
        if (vt.empty()) vt = a.type == AttributeType::Integer || a.type == AttributeType::Float ? "numeric" : "character";
        if (a.type != AttributeType::Text && a.type != AttributeType::Integer && a.type != AttributeType::Float)
            _d.lossy("lossy.attribute-type", std::string("QualCoder's attributes are character or numeric: a ") + toString(a.type) +
                     " attribute is written as character", a.id);
        else if (a.type == AttributeType::Float && vt == "numeric") {
            bool whole = true;
            auto check = [&](const std::vector<AttributeValue>& vs) {
                for (const auto& v : vs)
                    if (normalizeId(v.attribute) == normalizeId(a.id) && v.value.find_first_not_of("+-0123456789") != std::string::npos) whole = false;
            };
            for (const auto& s : _p.sources) check(s.values);
            for (const auto& c : _p.cases) check(c.values);
            if (whole) _d.lossy("lossy.attribute-type", "a float attribute whose values are all whole numbers reads back as an integer one (QualCoder's 'numeric')", a.id);
        }
        for (const auto& [k, v] : a.ext)
            if (k != key::kRow && k != key::kCaseOrFile && k != key::kValueType) _d.lossy("lossy.extension", "extension '" + k + "' of an attribute has no place in QualCoder", a.id);
        std::vector<std::string> kinds{kind};
        if (files && cases) {
            kinds.push_back(kind == "file" ? "case" : "file");
            _d.lossy("lossy.attribute-split", "QualCoder's attributes belong to files or to cases: '" + clip(a.name, 60) +
                     "' is written twice, the second for " + kinds[1] + "s", a.id);
        }
        for (std::size_t i = 0; i < kinds.size(); ++i) {
            std::string name = names.take(i == 0 ? a.name : a.name + " (" + kinds[i] + ")", a.id, _d);
            type.reset();
            type.bind(1, name);
            type.bindTextOrNull(2, fromExt(a.ext, key::kRow, "date"));
            type.bindTextOrNull(3, fromExt(a.ext, key::kRow, "owner"));
            type.bind(4, a.description);
            type.bind(5, kinds[i]);
            type.bind(6, vt);
            type.step();
            values(name, a.id, kinds[i] == "file" ? "file" : "case");
        }
    }
}

// ---------------------------------------------------------------- kept tables and the project

void bindJson(Stmt& st, int i, const Json& v) {
    switch (v.type()) {
    case Json::Type::Null: st.bindNull(i); break;
    case Json::Type::Bool: st.bind(i, std::int64_t(v.asBool() ? 1 : 0)); break;
    case Json::Type::Number: {
        const std::string& t = v.numberText();
        if (t.find_first_of(".eE") == std::string::npos && t.size() < 19) st.bind(i, static_cast<std::int64_t>(std::strtoll(t.c_str(), nullptr, 10)));
        else st.bind(i, std::strtod(t.c_str(), nullptr));
        break;
    }
    case Json::Type::String: st.bind(i, v.asString()); break;
    default: st.bind(i, v.dump()); break;
    }
}

/// Graphs, stored SQL, references and file table layouts, as read. Their rows
/// name other rows by number: a table is written only while those numbers hold.
void Writer::keptTables() {
    auto it = _p.ext.find(key::kTables);
    if (it == _p.ext.end()) return;
    if (!it->second.isObject()) {
        _d.lossy("lossy.extension", std::string("'") + key::kTables + "' is not an object of tables; not written");
        return;
    }
    auto kept = [&](const std::string& kind) {
        if (kind == ids::kCode) return _codes.allKept();
        if (kind == ids::kCategory) return _cats.allKept();
        if (kind == ids::kCase) return _caseNo.allKept();
        if (kind == ids::kSource) return _files.allKept();
        if (kind == ids::kTextCoding) return _ct.allKept();
        if (kind == ids::kImageCoding) return _img.allKept();
        if (kind == ids::kAvCoding) return _av.allKept();
        return _codes.allKept() && _cats.allKept() && _caseNo.allKept() && _files.allKept() && _ct.allKept() && _img.allKept() && _av.allKept();
    };
    for (const auto& [table, rows] : it->second.asObject()) {
        const auto& known = qualcoder::keptTables();
        if (std::find(known.begin(), known.end(), table) == known.end() || !rows.isArray()) {
            _d.lossy("lossy.extension", "kept table '" + clip(table, 60) + "' is not one QualCoder has; not written");
            continue;
        }
        bool ok = true;
        for (const auto& [col, kind] : keptTableReferences(table)) ok = ok && kept(kind);
        if (!ok) {
            _d.lossy("lossy.qualcoder-table", "QualCoder's table '" + table + "' names codes, files, cases or codings by number, and some of "
                     "those were renumbered: its " + std::to_string(rows.asArray().size()) + " rows are not written");
            continue;
        }
        const auto& cols = tableColumns(table);
        for (const auto& r : rows.asArray()) {
            if (!r.isObject()) continue;
            std::string names, marks;
            std::vector<const Json*> vals;
            for (const auto& [k, v] : r.asObject()) {
                if (std::find(cols.begin(), cols.end(), k) == cols.end()) {
                    _d.lossy("lossy.extension", "column '" + clip(k, 40) + "' of kept table '" + table + "' is not QualCoder's; not written");
                    continue;
                }
                names += (names.empty() ? "" : ", ") + k;
                marks += marks.empty() ? "?" : ", ?";
                vals.push_back(&v);
            }
            if (vals.empty()) continue;
            Stmt ins(*_db, "INSERT INTO " + table + " (" + names + ") VALUES (" + marks + ")", table);
            for (std::size_t i = 0; i < vals.size(); ++i) bindJson(ins, static_cast<int>(i + 1), *vals[i]);
            ins.step();
        }
    }
}

void Writer::projectRow() {
    // QualCoder opens a project only when 'about' names it; the producing tool follows "was:".
    std::string about = _p.origin.find("QualCoder") != std::string::npos && _p.origin.find("written by qdx") == std::string::npos
                            ? _p.origin
                            : "QualCoder-compatible project written by qdx " QDX_QUALCODER_VERSION "; was: " + _p.origin;
    const Json* row = nullptr;
    if (auto it = _p.ext.find(key::kRow); it != _p.ext.end()) row = &it->second;
    auto col = [&](const char* c) -> const Json* { return row ? row->find(c) : nullptr; };
    Stmt ins(*_db, "INSERT INTO project (databaseversion, date, memo, about, bookmarkfile, bookmarkpos, codername, recently_used_codes, "
                   "avbookmarkfile, avbookmarkmsec, avbookmarktextpos) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "project");
    ins.bind(1, "v" + std::to_string(kDatabaseVersion));
    ins.bindTextOrNull(2, dateToQualCoder(_p.audit.created));
    ins.bind(3, _p.description);
    ins.bind(4, about);
    // Bookmarks and recent codes name rows by number: kept while the numbers hold.
    bool files = _files.allKept(), codes = _codes.allKept();
    auto bindCol = [&](int i, const char* c, bool keep, std::optional<std::int64_t> dflt) {
        const Json* v = keep ? col(c) : nullptr;
        if (v) bindJson(ins, i, *v);
        else ins.bindOptional(i, dflt);
    };
    bindCol(5, "bookmarkfile", files, 0);
    bindCol(6, "bookmarkpos", files, 0);
    // The last coder of the project: QualCoder asks to switch to it when it differs from the
    // user's own, and sets it to the user's when it opens the project. "" (none) asks nothing;
    // NULL would make it ask about a coder "None".
    if (const Json* v = col("codername"); v && v->isString()) ins.bind(7, v->asString());
    else ins.bind(7, std::string_view(""));
    if (const Json* v = codes ? col("recently_used_codes") : nullptr) bindJson(ins, 8, *v);
    else ins.bind(8, std::string_view(""));
    bindCol(9, "avbookmarkfile", files, std::nullopt);
    bindCol(10, "avbookmarkmsec", files, std::nullopt);
    bindCol(11, "avbookmarktextpos", files, std::nullopt);
    ins.step();
}

/// Extensions of other formats have no place here (QualCoder's own were written back above).
void Writer::extensions() {
    auto foreign = [&](const Extensions& ext, const std::string& id, std::initializer_list<const char*> ours) {
        for (const auto& [k, v] : ext) {
            bool mine = false;
            for (const char* o : ours) mine = mine || k == o;
            if (!mine) _d.lossy("lossy.extension", "extension '" + k + "' has no place in QualCoder and is not written", id);
        }
    };
    foreign(_p.ext, {}, {key::kRow, key::kTables});
    for (const auto& u : _p.users) foreign(u.ext, u.id, {key::kRow});
    for (const auto& t : _p.themes) foreign(t.ext, t.id, {key::kColour});
    for (const auto& s : _p.sources) {
        foreign(s.ext, s.id, {key::kRow, key::kBom, key::kTranscript, key::kMediaPath, key::kValueAudit});
        for (const auto& t : s.transcripts) foreign(t.ext, t.id, {});
    }
}

}  // namespace

void writeQualCoder(const Project& p, const std::string& folder, Diagnostics& diag, bool dryRun) {
    Writer w(p, folder, diag, dryRun);
    w.run();
}

}  // namespace qdx::qualcoder
