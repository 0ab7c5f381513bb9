// Tables -> Project: one reader per dialect over a shared Builder that finds
// or creates themes (by path), sources, users, attributes, cases and sets by
// name, so several sheets of one project meet in one model.

#include "Aliases.h"
#include "Tidy.h"

#include "qdx/tabular/Table.h"

#include "qdx/Text.h"

#include <Poco/SHA1Engine.h>
#include <Poco/UUID.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace qdx::tabular {

namespace {

constexpr char kKeySep = '\x1f';

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

/// Deterministic RFC 4122 v5 id: reading one file twice gives the same ids.
std::string mintId(const std::string& kind, const std::string& key) {
    static const Poco::UUID ns("6f1c3c1e-8d0b-5a7e-9b7e-7164786f7462");
    Poco::SHA1Engine sha1;
    Poco::UUID u = Poco::UUIDGenerator::defaultGenerator().createFromName(ns, kind + kKeySep + key, sha1,
                                                                          Poco::UUID::UUID_NAME_BASED_SHA1);
    return upper(u.toString());
}

std::string trimmed(std::string_view s) {
    // Reuses normalizeHeader's trimming rules without case folding.
    std::size_t b = 0, e = s.size();
    auto isWs = [&](std::size_t i, bool fwd) -> std::size_t {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n') return 1;
        if (fwd && c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) return 2;
        if (!fwd && c == 0xA0 && i >= 1 && static_cast<unsigned char>(s[i - 1]) == 0xC2) return 2;
        return 0;
    };
    while (b < e) {
        std::size_t n = isWs(b, true);
        if (!n) break;
        b += n;
    }
    while (e > b) {
        std::size_t n = isWs(e - 1, false);
        if (!n) break;
        e -= n;
    }
    return std::string(s.substr(b, e - b));
}

/// A cell made only of U+00A0 (MAXQDA's "empty") is empty; other text stays as is.
std::string textCell(const std::string& s) {
    bool onlyNbsp = !s.empty();
    for (std::size_t i = 0; i < s.size();) {
        if (s.compare(i, 2, "\xC2\xA0") == 0) i += 2;
        else if (s[i] == ' ') ++i;
        else {
            onlyNbsp = false;
            break;
        }
    }
    return onlyNbsp ? std::string() : s;
}

bool parseInt64(const std::string& s, std::int64_t& v) {
    std::string t = trimmed(s);
    if (t.empty()) return false;
    char* end = nullptr;
    errno = 0;
    long long x = std::strtoll(t.c_str(), &end, 10);
    if (end && *end == '\0' && errno == 0) {
        v = x;
        return true;
    }
    // Spreadsheets hand integers over as "3.0".
    double d = std::strtod(t.c_str(), &end);
    if (end && *end == '\0' && std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
        v = static_cast<std::int64_t>(d);
        return true;
    }
    return false;
}

bool isNumber(const std::string& s) {
    std::string t = trimmed(s);
    if (t.empty()) return false;
    char* end = nullptr;
    double d = std::strtod(t.c_str(), &end);
    return end && *end == '\0' && std::isfinite(d);
}

std::vector<std::string> splitLines(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == '\n' || s[i] == '\r') {
            std::string t = trimmed(cur);
            if (!t.empty()) out.push_back(t);
            cur.clear();
            if (i + 1 < s.size() && s[i] == '\r' && s[i + 1] == '\n') ++i;
        } else {
            cur += s[i];
        }
    }
    return out;
}

Extensions parseExt(const std::string& cell, const Table& t, std::size_t r, std::size_t c) {
    Extensions ext;
    if (trimmed(cell).empty()) return ext;
    Json j;
    try {
        j = parseJson(cell, t.file);
    } catch (const InputError& e) {
        throw InputError(t.where(r, c), std::string("the ext cell is not JSON: ") + e.what());
    }
    if (!j.isObject()) throw InputError(t.where(r, c), "the ext cell must hold a JSON object");
    for (const auto& [k, v] : j.asObject()) ext[k] = v;
    return ext;
}

/// Header lookup of one table, with the user's column map first.
class Columns {
public:
    Columns(const Table& t, std::size_t headerRow, const std::map<Role, std::string>& overrides)
        : _t(t), _headerRow(headerRow), _overrides(overrides) {
        if (headerRow < t.rows.size())
            for (const auto& c : t.rows[headerRow]) _norm.push_back(normalizeHeader(c));
        _used.assign(_norm.size(), false);
    }
    /// Column of a role (the n-th occurrence), -1 when absent; marks it used.
    int find(Role r, int occurrence = 0) {
        auto o = _overrides.find(r);
        if (o != _overrides.end()) {
            int i = findName(o->second, occurrence);
            if (i >= 0) return i;
        }
        for (const char* a : aliasesOf(r)) {
            int i = findName(a, occurrence);
            if (i >= 0) return i;
        }
        return -1;
    }
    int findName(const std::string& normName, int occurrence = 0) {
        int seen = 0;
        for (std::size_t i = 0; i < _norm.size(); ++i)
            if (_norm[i] == normName && seen++ == occurrence) {
                _used[i] = true;
                return static_cast<int>(i);
            }
        return -1;
    }
    void markUsed(std::size_t c) {
        if (c < _used.size()) _used[c] = true;
    }
    std::vector<std::size_t> unused() const {
        std::vector<std::size_t> out;
        for (std::size_t i = 0; i < _norm.size(); ++i)
            if (!_used[i] && !_norm[i].empty()) out.push_back(i);
        return out;
    }
    const std::string& norm(std::size_t c) const { return _norm[c]; }
    std::size_t size() const { return _norm.size(); }
    std::string header(std::size_t c) const { return trimmed(_t.cell(_headerRow, c)); }

private:
    const Table& _t;
    std::size_t _headerRow;
    const std::map<Role, std::string>& _overrides;
    std::vector<std::string> _norm;
    std::vector<bool> _used;
};

class Builder {
public:
    Builder(const ReadOptions& opts, Diagnostics& diag) : _opts(opts), _diag(diag) {
        parseColumnMap();
    }

    Project p;

    const std::map<Role, std::string>& overrides() const { return _overrides; }
    Diagnostics& diag() { return _diag; }
    const ReadOptions& opts() const { return _opts; }

    /// A cell as text: unguarded when asked, U+00A0-only = empty.
    std::string text(const Table& t, std::size_t r, int c) const {
        if (c < 0) return {};
        std::string s = textCell(t.cell(r, static_cast<std::size_t>(c)));
        if (_opts.unguardFormulas) unguardFormula(s);
        return s;
    }
    /// A cell as a trimmed field.
    std::string field(const Table& t, std::size_t r, int c) const { return trimmed(text(t, r, c)); }

    // ---- themes
    std::string themeKey(const std::vector<std::string>& path) const {
        std::string k;
        for (const auto& n : path) {
            k += n;
            k += kKeySep;
        }
        return k;
    }
    Theme* themeById(const std::string& id) {
        auto it = _themeById.find(normalizeId(id));
        return it == _themeById.end() ? nullptr : &p.themes[it->second];
    }
    /// The names from the root down to the theme `id`, through the builder's
    /// own index (themePath() indexes every theme again at each call).
    std::vector<std::string> pathOf(const std::string& id) {
        std::vector<std::string> path;
        std::unordered_set<const Theme*> seen;  // a cycle ends the walk where it closes
        for (Theme* t = themeById(id); t && seen.insert(t).second; t = t->parent.empty() ? nullptr : themeById(t->parent))
            path.push_back(t->name);
        std::reverse(path.begin(), path.end());
        return path;
    }
    Theme* themeByPath(const std::vector<std::string>& path) {
        auto it = _themeByPath.find(themeKey(path));
        return it == _themeByPath.end() ? nullptr : &p.themes[it->second];
    }
    /// Finds or creates the theme at `path` (and its ancestors). Parents created
    /// here are codable unless `parentsCodable` is false (QualCoder categories).
    std::string theme(const std::vector<std::string>& path, bool parentsCodable = true, const std::string& wantedId = {}) {
        if (path.empty()) return {};
        std::string parent;
        std::vector<std::string> prefix;
        for (std::size_t i = 0; i < path.size(); ++i) {
            prefix.push_back(path[i]);
            bool leaf = i + 1 == path.size();
            std::string key = themeKey(prefix);
            auto it = _themeByPath.find(key);
            if (it != _themeByPath.end()) {
                // A second theme of the same path but its own id: a sibling of the same name.
                if (leaf && !wantedId.empty() && normalizeId(p.themes[it->second].id) != normalizeId(wantedId)) {
                    if (Theme* same = themeById(wantedId)) return same->id;
                    Theme th;
                    th.id = wantedId;
                    th.name = path[i];
                    th.parent = p.themes[it->second].parent;
                    addTheme(std::move(th));
                    return wantedId;
                }
                parent = p.themes[it->second].id;
                if (leaf && !parentsCodable) p.themes[it->second].codable = true;
                continue;
            }
            Theme th;
            th.id = leaf && !wantedId.empty() ? wantedId : mintId("theme", key);
            th.name = path[i];
            th.parent = parent;
            th.codable = leaf || parentsCodable;
            addTheme(std::move(th));
            parent = p.themes.back().id;
        }
        return parent;
    }
    void addTheme(Theme th) {
        std::vector<std::string> path;
        if (!th.parent.empty()) {
            if (Theme* parent = themeById(th.parent)) path = pathOf(parent->id);
        }
        path.push_back(th.name);
        _themeById[normalizeId(th.id)] = p.themes.size();
        _themeByPath.emplace(themeKey(path), p.themes.size());
        _themeByLeaf.emplace(th.name, p.themes.size());
        p.themes.push_back(std::move(th));
    }
    /// Themes whose leaf name is `name`.
    std::vector<Theme*> themesNamed(const std::string& name) {
        std::vector<Theme*> out;
        auto range = _themeByLeaf.equal_range(name);
        for (auto it = range.first; it != range.second; ++it) out.push_back(&p.themes[it->second]);
        return out;
    }

    // ---- sources, users, cases, sets, attributes
    Source& source(const std::string& name, const std::string& wantedId = {}) {
        auto it = _sourceByName.find(name);
        if (it != _sourceByName.end() && wantedId.empty()) return p.sources[it->second];
        if (!wantedId.empty()) {
            auto byId = _sourceById.find(normalizeId(wantedId));
            if (byId != _sourceById.end()) return p.sources[byId->second];
        }
        Source s;
        s.id = wantedId.empty() ? mintId("source", name) : wantedId;
        s.name = name;
        return addSource(std::move(s));
    }
    Source& addSource(Source s) {
        _sourceByName.emplace(s.name, p.sources.size());
        _sourceById[normalizeId(s.id)] = p.sources.size();
        p.sources.push_back(std::move(s));
        return p.sources.back();
    }
    Source* sourceById(const std::string& id) {
        auto it = _sourceById.find(normalizeId(id));
        return it == _sourceById.end() ? nullptr : &p.sources[it->second];
    }
    Source* sourceByName(const std::string& name) {
        auto it = _sourceByName.find(name);
        return it == _sourceByName.end() ? nullptr : &p.sources[it->second];
    }

    /// A user given by name (or by id when the users table knows it).
    std::string user(const std::string& label) {
        std::string l = trimmed(label);
        if (l.empty()) return {};
        if (_userIds.count(normalizeId(l))) return l;
        auto it = _userByName.find(l);
        if (it != _userByName.end()) return it->second;
        User u;
        u.id = mintId("user", l);
        u.name = l;
        addUser(u);
        return u.id;
    }
    void addUser(const User& u) {
        _userIds.insert(normalizeId(u.id));
        _userByName.emplace(u.name, u.id);
        p.users.push_back(u);
    }

    Case& caseNamed(const std::string& name) {
        auto it = _caseByName.find(name);
        if (it != _caseByName.end()) return p.cases[it->second];
        Case c;
        c.id = mintId("case", name);
        c.name = name;
        _caseByName.emplace(name, p.cases.size());
        p.cases.push_back(std::move(c));
        return p.cases.back();
    }

    /// Appends `id` to `list` (a member list of the set or case `owner`, named
    /// `field`) unless it is there already. A std::find per row was O(rows ×
    /// members): a table of 10^5 documents in one group took minutes. Entries
    /// appended to the list by other code are taken into account.
    void addOnce(std::vector<std::string>& list, const std::string& owner, const char* field, const std::string& id) {
        auto& m = _members[owner + kKeySep + field];
        if (list.size() < m.synced) m = MemberIndex{};
        for (; m.synced < list.size(); ++m.synced) m.ids.insert(list[m.synced]);
        if (!m.ids.insert(id).second) return;
        list.push_back(id);
        m.synced = list.size();
    }

    Set& setNamed(const std::string& kind, const std::string& name) {
        std::string key = kind + kKeySep + name;
        auto it = _setByKey.find(key);
        if (it != _setByKey.end()) return p.sets[it->second];
        Set s;
        s.id = mintId("set", key);
        s.name = name;
        _setByKey.emplace(key, p.sets.size());
        p.sets.push_back(std::move(s));
        return p.sets.back();
    }

    /// An attribute by name; created as text, its type inferred at the end
    /// unless `fixed` gives it.
    std::string attribute(const std::string& name, std::optional<AttributeType> fixed = std::nullopt) {
        auto it = _attrByName.find(name);
        if (it != _attrByName.end()) return p.attributes[it->second].id;
        Attribute a;
        a.id = mintId("attribute", name);
        a.name = name;
        if (fixed) a.type = *fixed;
        else _inferAttr.insert(a.id);
        return addAttribute(std::move(a));
    }
    std::string addAttribute(Attribute a) {
        _attrByName.emplace(a.name, p.attributes.size());
        _attrById[normalizeId(a.id)] = p.attributes.size();
        p.attributes.push_back(std::move(a));
        return p.attributes.back().id;
    }
    Attribute* attributeById(const std::string& id) {
        auto it = _attrById.find(normalizeId(id));
        return it == _attrById.end() ? nullptr : &p.attributes[it->second];
    }
    Attribute* attributeByName(const std::string& name) {
        auto it = _attrByName.find(name);
        return it == _attrByName.end() ? nullptr : &p.attributes[it->second];
    }
    /// Sets a value; a different existing value is kept and reported.
    void setValue(std::vector<AttributeValue>& values, const std::string& attrId, const std::string& value,
                  const std::string& entity, const Location& where) {
        if (value.empty()) return;
        for (auto& v : values)
            if (normalizeId(v.attribute) == normalizeId(attrId)) {
                if (v.value != value)
                    _diag.report({Severity::Info, "info.attribute-conflict", entity, where,
                                  "a second value '" + value + "' for an attribute that already has '" + v.value + "' was ignored", {}});
                return;
            }
        values.push_back({attrId, value});
    }

    /// ISO date from a tool's text, reporting what does not parse.
    std::string date(const std::string& raw, const Table& t, std::size_t r, int c) {
        std::string s = trimmed(raw);
        if (s.empty()) return {};
        std::string iso = parseToolDate(s);
        if (iso.empty())
            _diag.lossy("lossy.date-format", "date '" + s + "' is not in a known format and was dropped", {}, {},
                        t.where(r, static_cast<std::size_t>(std::max(c, 0))));
        return iso;
    }

    Excerpt& addExcerpt(Excerpt e) {
        _excerptById[normalizeId(e.id)] = p.excerpts.size();
        p.excerpts.push_back(std::move(e));
        return p.excerpts.back();
    }
    Excerpt* excerptById(const std::string& id) {
        auto it = _excerptById.find(normalizeId(id));
        return it == _excerptById.end() ? nullptr : &p.excerpts[it->second];
    }

    /// Infers the types of attributes created from untyped columns and
    /// brings their values into canonical form.
    void finish() {
        for (auto& a : p.attributes) {
            if (!_inferAttr.count(a.id)) continue;
            std::vector<std::string*> vals;
            for (auto& s : p.sources)
                for (auto& v : s.values)
                    if (v.attribute == a.id) vals.push_back(&v.value);
            for (auto& c : p.cases)
                for (auto& v : c.values)
                    if (v.attribute == a.id) vals.push_back(&v.value);
            if (vals.empty()) continue;
            bool allInt = true, allNum = true;
            for (auto* v : vals) {
                std::int64_t i;
                if (!isNumber(*v)) allNum = allInt = false;
                else if (!parseInt64(*v, i)) allInt = false;
            }
            if (allInt) {
                a.type = AttributeType::Integer;
                for (auto* v : vals) {
                    std::int64_t i = 0;
                    parseInt64(*v, i);
                    *v = std::to_string(i);
                }
            } else if (allNum) {
                a.type = AttributeType::Float;
                for (auto* v : vals) *v = trimmed(*v);
            }
        }
    }

private:
    void parseColumnMap() {
        if (_opts.columns.empty()) return;
        std::size_t pos = 0;
        while (pos <= _opts.columns.size()) {
            std::size_t comma = _opts.columns.find(',', pos);
            std::string item = _opts.columns.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
            pos = comma == std::string::npos ? _opts.columns.size() + 1 : comma + 1;
            if (trimmed(item).empty()) continue;
            std::size_t colon = item.find(':');
            if (colon == std::string::npos) throw UsageError("option columns: '" + item + "' is not role:Header");
            std::string role = normalizeHeader(item.substr(0, colon));
            bool known = false;
            for (const auto& [name, r] : roleNames())
                if (role == name) {
                    _overrides[r] = normalizeHeader(item.substr(colon + 1));
                    known = true;
                }
            if (!known) {
                std::string list;
                for (const auto& [name, r] : roleNames()) list += std::string(list.empty() ? "" : ", ") + name;
                throw UsageError("option columns: unknown role '" + role + "' (known: " + list + ")");
            }
        }
    }

    const ReadOptions& _opts;
    Diagnostics& _diag;
    std::map<Role, std::string> _overrides;
    std::unordered_map<std::string, std::size_t> _themeById, _themeByPath, _sourceByName, _sourceById, _caseByName,
        _setByKey, _attrByName, _attrById;
    std::unordered_multimap<std::string, std::size_t> _themeByLeaf;
    std::unordered_map<std::string, std::size_t> _excerptById;
    std::set<std::string> _userIds;
    std::unordered_map<std::string, std::string> _userByName;
    std::set<std::string> _inferAttr;
    struct MemberIndex {
        std::unordered_set<std::string> ids;
        std::size_t synced = 0;  // list entries already in ids
    };
    std::unordered_map<std::string, MemberIndex> _members;  // see addOnce()
};

void reportUnusedColumns(Builder& b, const Table& t, const Columns& cols, std::size_t headerRow, const char* what) {
    for (std::size_t c : cols.unused())
        b.diag().report({Severity::Info, "info.column-ignored", {}, t.where(headerRow, c),
                         "column '" + cols.header(c) + "' is " + what, {}});
}

/// Unknown columns of a row-per-excerpt table travel as excerpt extensions.
void keepUnusedAsExt(Builder& b, const Table& t, const Columns& cols, std::size_t r, Excerpt& e, const char* ns) {
    for (std::size_t c : cols.unused()) {
        std::string v = b.text(t, r, static_cast<int>(c));
        if (!v.empty()) e.ext[std::string(ns) + ":" + cols.header(c)] = Json(v);
    }
}

// ================================================================ tidy

void readTidyProject(Builder& b, const Table& t, std::size_t h) {
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string k = b.field(t, r, 0), v = b.text(t, r, 1);
        if (k == "name") b.p.name = v;
        else if (k == "description") b.p.description = v;
        else if (k == "origin") b.p.origin = v;
        else if (k == "basePath") b.p.basePath = v;
        else if (k == "creator") b.p.audit.creator = v;
        else if (k == "created") b.p.audit.created = v;
        else if (k == "modifier") b.p.audit.modifier = v;
        else if (k == "modified") b.p.audit.modified = v;
        else if (k == "ext") b.p.ext = parseExt(v, t, r, 1);
        else if (k == "qdx") continue;
        else if (!k.empty())
            b.diag().report({Severity::Info, "info.project-key-ignored", {}, t.where(r, 0), "unknown project key '" + k + "'", {}});
    }
}

/// Column index by tidy name (-1 when absent).
struct TidyCols {
    std::map<std::string, int, std::less<>> idx;
    std::vector<std::pair<std::size_t, std::string>> extra;  // attribute columns
    TidyCols(const Table& t, std::size_t h, const std::vector<tidy::Column>& fixed) {
        std::set<std::string> known;
        for (const auto& c : fixed) known.insert(c.name);
        if (h >= t.rows.size()) return;
        for (std::size_t c = 0; c < t.rows[h].size(); ++c) {
            std::string name = trimmed(t.rows[h][c]);
            if (known.count(name) && !idx.count(name)) idx[name] = static_cast<int>(c);
            else if (!name.empty()) extra.emplace_back(c, name);
        }
    }
    int operator[](const char* n) const {
        auto it = idx.find(std::string_view(n));
        return it == idx.end() ? -1 : it->second;
    }
};

std::vector<std::string> listCell(const std::string& s) { return splitLines(s); }

Audit readAudit(Builder& b, const Table& t, std::size_t r, const TidyCols& c, const char* creator, const char* created,
                const char* modifier, const char* modified) {
    Audit a;
    a.creator = b.user(b.field(t, r, c[creator]));
    a.created = b.field(t, r, c[created]);
    a.modifier = b.user(b.field(t, r, c[modifier]));
    a.modified = b.field(t, r, c[modified]);
    return a;
}

/// Attribute for a tidy attribute column header: "name [id]" or "name".
std::string tidyAttribute(Builder& b, const std::string& header) {
    if (!header.empty() && header.back() == ']') {
        auto open = header.rfind(" [");
        if (open != std::string::npos) {
            std::string id = header.substr(open + 2, header.size() - open - 3);
            if (b.attributeById(id)) return b.attributeById(id)->id;
        }
    }
    if (Attribute* a = b.attributeByName(header)) return a->id;
    return b.attribute(header);
}

void readTidyUsers(Builder& b, const Table& t, std::size_t h) {
    TidyCols c(t, h, tidy::userColumns());
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        User u;
        u.id = b.field(t, r, c["user_id"]);
        u.name = b.text(t, r, c["name"]);
        if (u.id.empty() && u.name.empty()) continue;
        if (u.id.empty()) u.id = mintId("user", u.name);
        u.ext = parseExt(b.text(t, r, c["ext"]), t, r, c["ext"]);
        b.addUser(u);
    }
}

void readTidyAttributes(Builder& b, const Table& t, std::size_t h) {
    TidyCols c(t, h, tidy::attributeColumns());
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        Attribute a;
        a.id = b.field(t, r, c["attribute_id"]);
        a.name = b.text(t, r, c["name"]);
        if (a.id.empty() && a.name.empty()) continue;
        if (a.id.empty()) a.id = mintId("attribute", a.name);
        std::string type = b.field(t, r, c["type"]);
        if (!type.empty()) {
            auto ty = attributeTypeFromString(type);
            if (!ty) throw InputError(t.where(r, c["type"]), "unknown attribute type '" + type + "'");
            a.type = *ty;
        }
        a.description = b.text(t, r, c["description"]);
        a.ext = parseExt(b.text(t, r, c["ext"]), t, r, c["ext"]);
        b.addAttribute(std::move(a));
    }
}

void readTidyThemes(Builder& b, const Table& t, std::size_t h) {
    TidyCols c(t, h, tidy::themeColumns());
    // Parents may come after children: add all, then fix nothing (ids link them).
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        Theme th;
        th.id = b.field(t, r, c["theme_id"]);
        th.name = b.text(t, r, c["name"]);
        std::string path = b.text(t, r, c["path"]);
        if (th.name.empty() && !path.empty()) {
            auto parts = splitPath(path, PathStyle::Maxqda);
            if (!parts.empty()) th.name = parts.back();
        }
        if (th.id.empty() && th.name.empty()) continue;
        th.parent = b.field(t, r, c["parent_id"]);
        if (th.id.empty()) {
            // A hand-made codebook: the path gives the tree.
            auto parts = splitPath(path.empty() ? th.name : path, PathStyle::Maxqda);
            std::string id = b.theme(parts);
            Theme* made = b.themeById(id);
            made->color = b.field(t, r, c["colour"]);
            made->description = b.text(t, r, c["description"]);
            continue;
        }
        th.color = upper(b.field(t, r, c["colour"]));
        th.description = b.text(t, r, c["description"]);
        std::string codable = normalizeHeader(b.field(t, r, c["codable"]));
        th.codable = !(codable == "false" || codable == "0" || codable == "no");
        th.audit = readAudit(b, t, r, c, "creator", "created", "modifier", "modified");
        th.ext = parseExt(b.text(t, r, c["ext"]), t, r, c["ext"]);
        b.addTheme(std::move(th));
    }
}

void readTidySources(Builder& b, const Table& t, std::size_t h) {
    TidyCols c(t, h, tidy::sourceColumns());
    std::vector<std::string> attrIds;
    for (const auto& [col, name] : c.extra) attrIds.push_back(tidyAttribute(b, name));
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string id = b.field(t, r, c["source_id"]);
        std::string name = b.text(t, r, c["name"]);
        if (id.empty() && name.empty()) continue;
        Source* sp = id.empty() ? b.sourceByName(name) : b.sourceById(id);
        if (!sp) {
            Source s;
            s.id = id.empty() ? mintId("source", name) : id;
            s.name = name;
            sp = &b.addSource(std::move(s));
        }
        Source& s = *sp;
        std::string kind = b.field(t, r, c["kind"]);
        if (!kind.empty()) {
            auto k = sourceKindFromString(kind);
            if (!k) throw InputError(t.where(r, c["kind"]), "unknown source kind '" + kind + "'");
            s.kind = *k;
        }
        s.description = b.text(t, r, c["description"]);
        s.mediaType = b.field(t, r, c["media_type"]);
        s.path = b.text(t, r, c["path"]);
        // The text column is authoritative when present: empty means "no text"
        // only for non-text sources.
        if (c["text"] >= 0) {
            std::string text = t.cell(r, static_cast<std::size_t>(c["text"]));
            if (b.opts().unguardFormulas) unguardFormula(text);
            if (!text.empty() || s.kind == SourceKind::Text) s.text = text;
        }
        std::string content = b.field(t, r, c["content"]);
        if (!content.empty()) {
            if (b.opts().openContent) s.content = b.opts().openContent(content);
            if (!s.content)
                b.diag().lossy("lossy.source-content", "content '" + content + "' of source '" + s.name + "' is not available",
                               s.id, "read the whole .zip bundle", t.where(r, c["content"]));
        }
        s.audit = readAudit(b, t, r, c, "creator", "created", "modifier", "modified");
        s.ext = parseExt(b.text(t, r, c["ext"]), t, r, c["ext"]);
        if (auto nt = s.ext.find(tidy::kNoTextKey); nt != s.ext.end()) {
            s.text.reset();
            s.ext.erase(nt);
        }
        if (auto et = s.ext.find(tidy::kEmptyTextKey); et != s.ext.end()) {
            if (!s.text) s.text = std::string();
            s.ext.erase(et);
        }
        for (std::size_t i = 0; i < c.extra.size(); ++i)
            b.setValue(s.values, attrIds[i], b.text(t, r, static_cast<int>(c.extra[i].first)), s.id, t.where(r, c.extra[i].first));
    }
}

void readTidyCases(Builder& b, const Table& t, std::size_t h) {
    TidyCols c(t, h, tidy::caseColumns());
    std::vector<std::string> attrIds;
    for (const auto& [col, name] : c.extra) attrIds.push_back(tidyAttribute(b, name));
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        Case k;
        k.id = b.field(t, r, c["case_id"]);
        k.name = b.text(t, r, c["name"]);
        if (k.id.empty() && k.name.empty()) continue;
        if (k.id.empty()) k.id = mintId("case", k.name);
        k.description = b.text(t, r, c["description"]);
        k.themes = listCell(b.text(t, r, c["themes"]));
        k.sources = listCell(b.text(t, r, c["sources"]));
        k.excerpts = listCell(b.text(t, r, c["excerpts"]));
        k.ext = parseExt(b.text(t, r, c["ext"]), t, r, c["ext"]);
        for (std::size_t i = 0; i < c.extra.size(); ++i)
            b.setValue(k.values, attrIds[i], b.text(t, r, static_cast<int>(c.extra[i].first)), k.id, t.where(r, c.extra[i].first));
        b.p.cases.push_back(std::move(k));
    }
}

void readTidyMemos(Builder& b, const Table& t, std::size_t h) {
    TidyCols c(t, h, tidy::memoColumns());
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        Memo m;
        m.id = b.field(t, r, c["memo_id"]);
        m.name = b.text(t, r, c["name"]);
        m.text = b.text(t, r, c["text"]);
        if (m.id.empty() && m.name.empty() && m.text.empty()) continue;
        if (m.id.empty()) m.id = mintId("memo", t.file + kKeySep + std::to_string(r));
        m.targets = listCell(b.text(t, r, c["targets"]));
        m.audit = readAudit(b, t, r, c, "creator", "created", "modifier", "modified");
        m.ext = parseExt(b.text(t, r, c["ext"]), t, r, c["ext"]);
        b.p.memos.push_back(std::move(m));
    }
}

void readTidySets(Builder& b, const Table& t, std::size_t h) {
    TidyCols c(t, h, tidy::setColumns());
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        Set s;
        s.id = b.field(t, r, c["set_id"]);
        s.name = b.text(t, r, c["name"]);
        if (s.id.empty() && s.name.empty()) continue;
        if (s.id.empty()) s.id = mintId("set", s.name);
        s.description = b.text(t, r, c["description"]);
        s.themes = listCell(b.text(t, r, c["themes"]));
        s.sources = listCell(b.text(t, r, c["sources"]));
        s.memos = listCell(b.text(t, r, c["memos"]));
        s.ext = parseExt(b.text(t, r, c["ext"]), t, r, c["ext"]);
        b.p.sets.push_back(std::move(s));
    }
}

std::int64_t needInt(Builder& b, const Table& t, std::size_t r, int c, const char* what) {
    std::string v = b.field(t, r, c);
    std::int64_t x = 0;
    if (!parseInt64(v, x)) throw InputError(t.where(r, static_cast<std::size_t>(c)), std::string(what) + " '" + v + "' is not an integer");
    return x;
}

void readTidyCodings(Builder& b, const Table& t, std::size_t h) {
    TidyCols c(t, h, tidy::codingColumns());
    for (const auto& [col, name] : c.extra)
        b.diag().report({Severity::Info, "info.column-ignored", {}, t.where(h, col), "column '" + name + "' is not a tidy codings column", {}});
    // Without a themes table, themes come from (theme_id, theme_path): create
    // them shallow first, so an ancestor that is coded itself keeps its id.
    {
        std::vector<std::pair<std::vector<std::string>, std::string>> pending;
        std::set<std::string> seen;
        for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
            std::string tid = b.field(t, r, c["theme_id"]);
            if (tid.empty() || b.themeById(tid) || !seen.insert(normalizeId(tid)).second) continue;
            auto parts = splitPath(b.text(t, r, c["theme_path"]), PathStyle::Maxqda);
            if (parts.empty()) parts.push_back(tid);
            pending.emplace_back(std::move(parts), tid);
        }
        std::stable_sort(pending.begin(), pending.end(), [](const auto& x, const auto& y) { return x.first.size() < y.first.size(); });
        for (const auto& [parts, tid] : pending) b.theme(parts, true, tid);
    }
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        bool any = false;
        for (const auto& cell : t.rows[r])
            if (!cell.empty()) any = true;
        if (!any) continue;
        std::string eid = b.field(t, r, c["excerpt_id"]);
        Excerpt* e = eid.empty() ? nullptr : b.excerptById(eid);
        if (!e) {
            Excerpt ne;
            ne.id = eid.empty() ? mintId("excerpt", t.file + kKeySep + std::to_string(r)) : eid;
            // source
            std::string sid = b.field(t, r, c["source_id"]);
            std::string sname = b.text(t, r, c["source_name"]);
            Source* s = sid.empty() ? nullptr : b.sourceById(sid);
            if (!s && !sname.empty() && sid.empty()) s = &b.source(sname);
            if (!s && !sid.empty()) {
                Source ns;
                ns.id = sid;
                ns.name = sname;
                s = &b.addSource(std::move(ns));
            }
            if (!s) throw InputError(t.where(r, 0), "coding row without source_id or source_name");
            ne.source = s->id;
            std::string anchor = normalizeHeader(b.field(t, r, c["anchor"]));
            std::string start = b.field(t, r, c["start"]), end = b.field(t, r, c["end"]);
            if (anchor.empty()) anchor = (!start.empty() || !end.empty()) ? "text" : "source";
            if (anchor == "text") {
                ne.anchor = TextSpan{needInt(b, t, r, c["start"], "start"), needInt(b, t, r, c["end"], "end")};
            } else if (anchor == "time") {
                ne.anchor = TimeSpan{needInt(b, t, r, c["start"], "start"), needInt(b, t, r, c["end"], "end")};
            } else if (anchor == "pdf" || anchor == "image") {
                std::vector<std::int64_t> box;
                std::string bx = b.field(t, r, c["box"]);
                std::size_t pos = 0;
                while (pos < bx.size()) {
                    std::size_t sp = bx.find(' ', pos);
                    std::string part = bx.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos);
                    std::int64_t v;
                    if (!part.empty()) {
                        if (!parseInt64(part, v)) throw InputError(t.where(r, c["box"]), "box '" + bx + "' is not four integers");
                        box.push_back(v);
                    }
                    if (sp == std::string::npos) break;
                    pos = sp + 1;
                }
                if (box.size() != 4) throw InputError(t.where(r, c["box"]), "box '" + bx + "' is not four integers");
                if (anchor == "pdf")
                    ne.anchor = PdfRegion{needInt(b, t, r, c["page"], "page"), box[0], box[1], box[2], box[3]};
                else
                    ne.anchor = ImageRegion{box[0], box[1], box[2], box[3]};
            } else if (anchor == "transcript") {
                std::string bx = b.field(t, r, c["box"]);
                std::vector<std::string> parts;
                std::size_t pos = 0;
                while (pos <= bx.size()) {
                    std::size_t sp = bx.find(' ', pos);
                    parts.push_back(bx.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
                    if (sp == std::string::npos) break;
                    pos = sp + 1;
                }
                if (parts.size() != 3) throw InputError(t.where(r, c["box"]), "transcript anchor '" + bx + "' is not 'transcript from to'");
                ne.anchor = TranscriptSpan{parts[0], parts[1], parts[2]};
            } else if (anchor != "source") {
                throw InputError(t.where(r, c["anchor"]), "unknown anchor type '" + anchor + "'");
            }
            std::string quote = t.cell(r, c["quote"] >= 0 ? static_cast<std::size_t>(c["quote"]) : SIZE_MAX);
            if (b.opts().unguardFormulas) unguardFormula(quote);
            if (!quote.empty()) ne.quote = quote;
            ne.description = b.text(t, r, c["memo"]);
            ne.name = b.text(t, r, c["excerpt_name"]);
            ne.audit = readAudit(b, t, r, c, "excerpt_creator", "excerpt_created", "excerpt_modifier", "excerpt_modified");
            ne.ext = parseExt(b.text(t, r, c["excerpt_ext"]), t, r, c["excerpt_ext"]);
            auto empty = ne.ext.find(tidy::kEmptyQuoteKey);
            if (empty != ne.ext.end()) {
                if (!ne.quote) ne.quote = std::string();
                ne.ext.erase(empty);
            }
            e = &b.addExcerpt(std::move(ne));
        }
        std::string tid = b.field(t, r, c["theme_id"]);
        std::string tpath = b.text(t, r, c["theme_path"]);
        if (tid.empty() && trimmed(tpath).empty()) continue;  // an excerpt without codings
        Coding cd;
        if (!tid.empty()) {
            if (!b.themeById(tid)) {
                auto parts = splitPath(tpath, PathStyle::Maxqda);
                if (parts.empty()) parts.push_back(tid);
                std::string made = b.theme(parts, true, tid);
                // The path may already belong to a theme with another id: code to that one, and say so.
                if (!b.themeById(tid)) {
                    b.diag().lossy("lossy.theme-id", "theme id '" + tid + "' names a path that already has theme '" + made +
                                                         "'; the coding was attached to that theme",
                                   tid, {}, t.where(r, c["theme_id"]));
                    cd.theme = made;
                }
            }
            if (Theme* th = b.themeById(tid)) cd.theme = th->id;
        } else {
            cd.theme = b.theme(splitPath(tpath, PathStyle::Maxqda));
        }
        cd.id = b.field(t, r, c["coding_id"]);
        cd.creator = b.user(b.field(t, r, c["coder"]));
        cd.created = b.field(t, r, c["date"]);
        cd.ext = parseExt(b.text(t, r, c["coding_ext"]), t, r, c["coding_ext"]);
        e->codings.push_back(std::move(cd));
    }
}

std::string tidyKind(const Table& t, std::size_t h) {
    std::string first = normalizeHeader(t.cell(h, 0));
    if (first == "excerpt_id") return "codings";
    if (first == "theme_id") return "themes";
    if (first == "source_id") return "sources";
    if (first == "case_id") return "cases";
    if (first == "memo_id") return "memos";
    if (first == "user_id") return "users";
    if (first == "attribute_id") return "attributes";
    if (first == "set_id") return "sets";
    if (first == "key") return "project";
    // A hand-made table: by name, else codings when it has the codings columns.
    std::string n = normalizeHeader(t.name);
    if (n.size() > 4 && n.compare(n.size() - 4, 4, ".csv") == 0) n.resize(n.size() - 4);
    if (tidy::columnsOf(n)) return n;
    return "codings";
}

// ================================================================ MAXQDA

void maxqdaPosition(Builder& b, const Table& t, std::size_t r, int cs, int ce, Excerpt& e) {
    std::int64_t s = 0, en = 0;
    bool hs = cs >= 0 && parseInt64(b.field(t, r, cs), s), he = ce >= 0 && parseInt64(b.field(t, r, ce), en);
    if (hs) e.ext["maxqda:begin"] = Json(s);
    if (he) e.ext["maxqda:end"] = Json(en);
}

void readMaxqdaSegments(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cColour = cols.find(Role::Colour), cGroup = cols.find(Role::DocGroup), cDoc = cols.find(Role::Document),
        cCode = cols.find(Role::Code), cStart = cols.find(Role::Start), cEnd = cols.find(Role::End),
        cWeight = cols.find(Role::Weight), cSeg = cols.find(Role::Segment), cModBy = cols.find(Role::ModifiedBy),
        cMod = cols.find(Role::Modified), cCrBy = cols.find(Role::CreatedBy), cCr = cols.find(Role::Created),
        cMemos = cols.find(Role::Memos), cComment = cols.find(Role::Comment), cArea = cols.find(Role::Area),
        cCov = cols.find(Role::Coverage), cOther = cols.find(Role::OtherCodes);
    if (cDoc < 0 || cCode < 0) throw InputError(t.where(h, 0), "MAXQDA coded segments need 'Dokumentname' and 'Code' columns");
    // Appended document variables: repeated identity columns are skipped,
    // everything else unknown becomes a source attribute.
    for (Role r : {Role::DocGroup, Role::Document}) cols.find(r, 1);
    std::vector<std::size_t> docVars = cols.unused();
    for (std::size_t c : docVars) cols.markUsed(c);
    // Rows of one segment (same document, positions and text) are one excerpt
    // with several codings; a second row with a code the excerpt already has
    // is another segment with the same text.
    std::map<std::string, std::vector<std::size_t>> excerptByKey;
    std::size_t glyphWithoutColour = 0;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string doc = b.field(t, r, cDoc), code = b.field(t, r, cCode);
        if (doc.empty() && code.empty()) continue;
        Source& src = b.source(doc);
        std::string group = b.field(t, r, cGroup);
        if (!group.empty()) {
            Set& g = b.setNamed("document-group", group);
            b.addOnce(g.sources, g.id, "sources", src.id);
        }
        for (std::size_t c : docVars) {
            std::string v = b.field(t, r, static_cast<int>(c));
            if (!v.empty()) b.setValue(src.values, b.attribute(cols.header(c)), v, src.id, t.where(r, c));
        }
        std::string segment = b.text(t, r, cSeg);
        std::string key = src.id + kKeySep + b.field(t, r, cStart) + kKeySep + b.field(t, r, cEnd) + kKeySep + segment;
        std::string themeId = b.theme(splitPath(code, PathStyle::Maxqda));
        Excerpt* e = nullptr;
        auto& same = excerptByKey[key];
        for (std::size_t idx : same) {
            bool has = false;
            for (const auto& c : b.p.excerpts[idx].codings)
                if (c.theme == themeId) has = true;
            if (!has) {
                e = &b.p.excerpts[idx];
                break;
            }
        }
        if (!e) {
            Excerpt ne;
            ne.id = mintId("excerpt", t.file + kKeySep + t.name + kKeySep + key + kKeySep + std::to_string(same.size()));
            ne.source = src.id;
            if (!segment.empty()) ne.quote = segment;
            maxqdaPosition(b, t, r, cStart, cEnd, ne);
            std::string area = b.field(t, r, cArea), cov = b.field(t, r, cCov);
            if (!area.empty()) ne.ext["maxqda:area"] = Json::number(area);
            if (!cov.empty() && isNumber(cov)) ne.ext["maxqda:coverage"] = Json::number(cov);
            ne.description = b.text(t, r, cComment);
            ne.audit.modifier = b.user(b.field(t, r, cModBy));
            ne.audit.modified = b.date(b.field(t, r, cMod), t, r, cMod);
            ne.audit.creator = b.user(b.field(t, r, cCrBy));
            ne.audit.created = b.date(b.field(t, r, cCr), t, r, cCr);
            same.push_back(b.p.excerpts.size());
            e = &b.addExcerpt(std::move(ne));
            std::string memos = b.text(t, r, cMemos);
            if (!trimmed(memos).empty()) {
                Memo m;
                m.id = mintId("memo", e->id);
                m.text = memos;
                m.targets.push_back(e->id);
                // "author, dd.mm.yy HH:MM\nTitel: <title>\n<text>": keep the title as name.
                auto lines = splitLines(memos);
                for (const auto& l : lines)
                    if (l.rfind("Titel: ", 0) == 0 || l.rfind("Title: ", 0) == 0) {
                        m.name = l.substr(7);
                        break;
                    }
                b.p.memos.push_back(std::move(m));
            }
        }
        if (themeId.empty()) continue;
        Theme* th = b.themeById(themeId);
        if (cColour >= 0) {
            const CellStyle* st = t.style(r, static_cast<std::size_t>(cColour));
            if (st && !st->fontColor.empty()) {
                if (th->color.empty()) th->color = st->fontColor;
            } else if (!isBlankCell(t.cell(r, static_cast<std::size_t>(cColour)))) {
                ++glyphWithoutColour;
            }
        }
        Coding cd;
        cd.theme = themeId;
        cd.creator = e->audit.creator;
        cd.created = e->audit.created;
        std::string w = b.field(t, r, cWeight);
        if (!w.empty() && isNumber(w)) cd.ext["maxqda:weight"] = Json::number(w);
        e->codings.push_back(std::move(cd));
    }
    (void)cOther;  // the other codes of a segment are its own rows
    if (glyphWithoutColour)
        b.diag().lossy("lossy.theme-colour",
                       "the MAXQDA colour column holds only the ● glyph here (" + std::to_string(glyphWithoutColour) +
                           " rows): code colours live in the XLSX font and are lost in CSV",
                       {}, "read the original .xlsx export", t.where(h, static_cast<std::size_t>(cColour)));
    if (cStart >= 0)
        b.diag().info("info.maxqda-positions", "MAXQDA positions are paragraph or page numbers: kept as ext maxqda:begin/end, excerpts are anchored by their text only");
}

/// "Liste der Codes": the column holding the name gives the depth.
void readMaxqdaCodeSystem(Builder& b, const Table& t, std::size_t h) {
    const auto& header = t.rows[h];
    std::size_t nameCols = 0;
    int cMemo = -1, cFreq = -1;
    for (std::size_t c = 0; c < header.size(); ++c) {
        std::string n = normalizeHeader(header[c]);
        if (n == "memo") cMemo = static_cast<int>(c);
        else if (n == "häufigkeit" || n == "frequency") cFreq = static_cast<int>(c);
    }
    nameCols = cMemo >= 0 ? static_cast<std::size_t>(cMemo) : (cFreq >= 0 ? static_cast<std::size_t>(cFreq) : header.size());
    std::vector<std::string> stack;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::size_t depthCol = SIZE_MAX;
        for (std::size_t c = 0; c < nameCols; ++c)
            if (!b.field(t, r, static_cast<int>(c)).empty()) {
                depthCol = c;
                break;
            }
        if (depthCol == SIZE_MAX) continue;
        if (depthCol == 0) continue;  // the root row "Codesystem"
        std::string name = b.field(t, r, static_cast<int>(depthCol));
        std::size_t depth = depthCol - 1;
        if (depth > stack.size())
            throw InputError(t.where(r, depthCol), "code '" + name + "' is indented deeper than its parent");
        stack.resize(depth);
        stack.push_back(name);
        std::string id = b.theme(stack);
        Theme* th = b.themeById(id);
        std::string memo = b.text(t, r, cMemo);
        if (!memo.empty() && th->description.empty()) th->description = memo;
        std::string freq = b.field(t, r, cFreq);
        if (!freq.empty() && isNumber(freq)) th->ext["maxqda:frequency"] = Json::number(freq);
        if (const CellStyle* st = t.style(r, depthCol))
            if (!st->fontColor.empty() && th->color.empty()) th->color = st->fontColor;
    }
}

/// "Liste der Dokumente": like the code list, the column of the name gives the
/// depth; a row followed by deeper rows is a document group (a set of sources).
void readMaxqdaDocumentList(Builder& b, const Table& t, std::size_t h) {
    const auto& header = t.rows[h];
    std::size_t nameCols = header.size();
    for (std::size_t c = 1; c < header.size(); ++c)
        if (!isBlankCell(header[c])) {
            nameCols = c;
            break;
        }
    struct Item {
        std::size_t row, depth;
        std::string name;
    };
    std::vector<Item> items;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r)
        for (std::size_t c = 1; c < nameCols; ++c) {  // column A holds the root "Dokumente"
            std::string n = b.field(t, r, static_cast<int>(c));
            if (!n.empty()) {
                items.push_back({r, c, n});
                break;
            }
        }
    std::vector<std::string> groups;  // open group names by depth
    for (std::size_t i = 0; i < items.size(); ++i) {
        const Item& it = items[i];
        std::size_t depth = it.depth - 1;
        groups.resize(std::min(groups.size(), depth));
        bool isGroup = i + 1 < items.size() && items[i + 1].depth > it.depth;
        if (isGroup) {
            b.setNamed("document-group", it.name);
            groups.resize(depth);
            groups.push_back(it.name);
            continue;
        }
        Source& s = b.source(it.name);
        std::string sid = s.id;
        for (const auto& g : groups) {
            Set& set = b.setNamed("document-group", g);
            b.addOnce(set.sources, set.id, "sources", sid);
        }
    }
}

Theme* findThemeByLeaf(Builder& b, const std::string& parentName, const std::string& name) {
    auto cands = b.themesNamed(name);
    std::vector<Theme*> match;
    for (Theme* th : cands) {
        std::string pn;
        if (!th->parent.empty())
            if (Theme* par = b.themeById(th->parent)) pn = par->name;
        if (parentName.empty() || pn == parentName) match.push_back(th);
    }
    return match.size() == 1 ? match.front() : (match.empty() ? nullptr : match.front());
}

void readMaxqdaCodeVariables(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cColour = cols.find(Role::Colour), cParent = cols.find(Role::ParentCode), cCode = cols.find(Role::Code),
        cCrBy = cols.find(Role::CreatedBy), cCr = cols.find(Role::Created), cModBy = cols.find(Role::ModifiedBy),
        cMod = cols.find(Role::Modified), cAlias = cols.find(Role::CodeAlias);
    cols.find(Role::CodedSegmentsAll);
    cols.find(Role::CodedSegmentsActive);
    for (const char* derived : {"% cod. seg. (alle dokumente)", "% cod. seg. (aktiv. dokumente)", "dokumente", "documents"})
        cols.findName(derived);
    std::size_t ambiguous = 0;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string code = b.field(t, r, cCode);
        if (code.empty()) continue;
        std::string parent = b.field(t, r, cParent);
        Theme* th = findThemeByLeaf(b, parent, code);
        if (!th) {
            if (b.themesNamed(code).size() > 1) ++ambiguous;
            std::vector<std::string> path;
            if (!parent.empty()) {
                // Obercode is only the parent's name: attach below a theme of that name when there is one.
                auto parents = b.themesNamed(parent);
                if (!parents.empty()) path = b.pathOf(parents.front()->id);
                else path.push_back(parent);
            }
            path.push_back(code);
            th = b.themeById(b.theme(path));
        }
        if (cColour >= 0)
            if (const CellStyle* st = t.style(r, static_cast<std::size_t>(cColour)))
                if (!st->fontColor.empty()) th->color = st->fontColor;
        if (th->audit.creator.empty()) th->audit.creator = b.user(b.field(t, r, cCrBy));
        if (th->audit.created.empty()) th->audit.created = b.date(b.field(t, r, cCr), t, r, cCr);
        if (th->audit.modifier.empty()) th->audit.modifier = b.user(b.field(t, r, cModBy));
        if (th->audit.modified.empty()) th->audit.modified = b.date(b.field(t, r, cMod), t, r, cMod);
        std::string alias = b.field(t, r, cAlias);
        if (!alias.empty()) th->ext["maxqda:alias"] = Json(alias);
        for (std::size_t c : cols.unused()) {
            std::string v = b.field(t, r, static_cast<int>(c));
            if (!v.empty()) th->ext["maxqda:" + cols.header(c)] = Json(v);
        }
    }
    if (ambiguous)
        b.diag().lossy("lossy.theme-ambiguous", std::to_string(ambiguous) +
                                                    " code variable row(s) name a code that exists under several parents; Obercode is only a name",
                       {}, "read the code system sheet with it");
}

void readMaxqdaDocumentVariables(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cGroup = cols.find(Role::DocGroup), cDoc = cols.find(Role::Document), cCrBy = cols.find(Role::CreatedBy),
        cCr = cols.find(Role::Created), cModBy = cols.find(Role::ModifiedBy), cMod = cols.find(Role::Modified);
    // System variables derived from the document: counts. "-9" = missing.
    static const std::set<std::string> system{"codierte segmente", "coded segments", "memos", "pdf-seiten", "pdf pages",
                                              "absätze", "paragraphs", "sätze", "sentences", "wörter", "words",
                                              "zeichen", "characters"};
    std::size_t missing = 0;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string doc = b.field(t, r, cDoc);
        if (doc.empty()) continue;
        Source& s = b.source(doc);
        std::string group = b.field(t, r, cGroup);
        if (!group.empty()) {
            Set& g = b.setNamed("document-group", group);
            b.addOnce(g.sources, g.id, "sources", s.id);
        }
        if (s.audit.creator.empty()) s.audit.creator = b.user(b.field(t, r, cCrBy));
        if (s.audit.created.empty()) s.audit.created = b.date(b.field(t, r, cCr), t, r, cCr);
        if (s.audit.modifier.empty()) s.audit.modifier = b.user(b.field(t, r, cModBy));
        if (s.audit.modified.empty()) s.audit.modified = b.date(b.field(t, r, cMod), t, r, cMod);
        for (std::size_t c : cols.unused()) {
            std::string v = b.field(t, r, static_cast<int>(c));
            if (v.empty()) continue;
            if (v == "-9" && system.count(cols.norm(c))) {
                ++missing;
                continue;
            }
            b.setValue(s.values, b.attribute(cols.header(c)), v, s.id, t.where(r, c));
        }
    }
    if (missing) b.diag().info("info.maxqda-missing", std::to_string(missing) + " MAXQDA '-9' (missing) value(s) of system variables read as absent");
}

void readMaxqdaMemos(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cGroup = cols.find(Role::DocGroup), cDoc = cols.find(Role::Document), cCode = cols.find(Role::Code),
        cTitle = cols.find(Role::MemoTitle), cCrBy = cols.find(Role::CreatedBy), cCr = cols.find(Role::Created),
        cText = cols.find(Role::MemoText), cOrigin = cols.find(Role::MemoOrigin), cStart = cols.find(Role::Start),
        cEnd = cols.find(Role::End);
    cols.find(Role::DocumentSet);
    (void)cGroup;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string text = b.text(t, r, cText), title = b.field(t, r, cTitle);
        if (text.empty() && title.empty()) continue;
        Memo m;
        m.id = mintId("memo", t.file + kKeySep + t.name + kKeySep + std::to_string(r));
        m.name = title;
        m.text = text;
        m.audit.creator = b.user(b.field(t, r, cCrBy));
        m.audit.created = b.date(b.field(t, r, cCr), t, r, cCr);
        std::string origin = normalizeHeader(b.field(t, r, cOrigin));
        std::string code = b.field(t, r, cCode), doc = b.field(t, r, cDoc);
        if (!origin.empty()) m.ext["maxqda:origin"] = Json(b.field(t, r, cOrigin));
        if (origin == "code" && !code.empty()) {
            auto path = splitPath(code, PathStyle::Maxqda);
            Theme* th = b.themeByPath(path);
            if (!th) th = findThemeByLeaf(b, {}, path.back());
            if (!th) th = b.themeById(b.theme(path));
            m.targets.push_back(th->id);
        } else if (!doc.empty()) {
            m.targets.push_back(b.source(doc).id);
            std::int64_t s, e;
            if (parseInt64(b.field(t, r, cStart), s)) m.ext["maxqda:begin"] = Json(s);
            if (parseInt64(b.field(t, r, cEnd), e)) m.ext["maxqda:end"] = Json(e);
        }
        b.p.memos.push_back(std::move(m));
    }
}

void readMaxqdaCodeImport(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cCode = cols.find(Role::Code), cMemo = cols.findName("memo"), cColour = cols.find(Role::Colour);
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string code = b.field(t, r, cCode);
        if (code.empty()) continue;
        Theme* th = b.themeById(b.theme(splitPath(code, PathStyle::Maxqda)));
        std::string memo = b.text(t, r, cMemo);
        if (!memo.empty()) th->description = memo;
        if (cColour >= 0)
            if (const CellStyle* st = t.style(r, static_cast<std::size_t>(cColour)))
                if (!st->fontColor.empty()) th->color = st->fontColor;
    }
}

// ================================================================ ATLAS.ti

std::string stripGlyph(const std::string& s) {
    static const std::string glyph = "\xE2\x97\x8F";  // ●
    std::string t = trimmed(s);
    if (t.rfind(glyph, 0) == 0) t = trimmed(t.substr(glyph.size()));
    return t;
}

void addToSet(Builder& b, const std::string& kind, const std::string& group, const std::string& themeId) {
    Set& s = b.setNamed(kind, group);
    b.addOnce(s.themes, s.id, "themes", themeId);
}

void readAtlasCodeList(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    // Indentation columns: "Code" then the empty header cells after it.
    std::size_t indent = 1;
    while (indent < cols.size() && cols.norm(indent).empty()) ++indent;
    cols.find(Role::Code);
    int cGround = cols.find(Role::Groundedness), cDensity = cols.find(Role::Density), cGroups = cols.find(Role::Groups),
        cComment = cols.find(Role::Comment), cCr = cols.find(Role::Created), cMod = cols.find(Role::Modified);
    cols.findName("number of groups");
    std::vector<std::string> stack;
    KnownNames groupNames;  // the names of the sets so far
    for (const auto& s : b.p.sets) groupNames.add(s.name);
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::size_t depth = SIZE_MAX;
        for (std::size_t c = 0; c < indent; ++c)
            if (!b.field(t, r, static_cast<int>(c)).empty()) {
                depth = c;
                break;
            }
        if (depth == SIZE_MAX) continue;
        std::string name = stripGlyph(b.field(t, r, static_cast<int>(depth)));
        if (depth > stack.size()) throw InputError(t.where(r, depth), "code '" + name + "' is indented deeper than its parent");
        stack.resize(depth);
        stack.push_back(name);
        Theme* th = b.themeById(b.theme(stack));
        std::string comment = b.text(t, r, cComment);
        if (!comment.empty()) th->description = comment;
        th->audit.created = b.date(b.field(t, r, cCr), t, r, cCr);
        th->audit.modified = b.date(b.field(t, r, cMod), t, r, cMod);
        std::string g = b.field(t, r, cGround), d = b.field(t, r, cDensity);
        if (isNumber(g)) th->ext["atlasti:groundedness"] = Json::number(g);
        if (isNumber(d)) th->ext["atlasti:density"] = Json::number(d);
        // Group names may contain ", ": split against groups seen so far, then by ", ".
        std::string groups = b.field(t, r, cGroups);
        if (!groups.empty()) {
            for (const auto& gname : splitJoinedCodes(groups, groupNames, ", ")) {
                addToSet(b, "code-group", gname, th->id);
                groupNames.add(gname);
            }
        }
    }
}

void readAtlasCodebook(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cCode = cols.find(Role::Code), cComment = cols.find(Role::Comment);
    std::vector<int> groupCols;
    for (std::size_t c = 0; c < cols.size(); ++c)
        if (cols.norm(c).rfind("code group", 0) == 0 || cols.norm(c).rfind("codegruppe", 0) == 0) {
            groupCols.push_back(static_cast<int>(c));
            cols.markUsed(c);
        }
    // "Parent: Child": a prefix is a parent only when it is itself a code of
    // the file, so names with ": " inside stay whole.
    std::set<std::string> names;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string n = stripGlyph(b.field(t, r, cCode));
        if (!n.empty()) names.insert(n);
    }
    std::map<std::string, std::vector<std::string>> pathOf;
    std::function<std::vector<std::string>(const std::string&, int)> resolve = [&](const std::string& full, int depth) {
        auto it = pathOf.find(full);
        if (it != pathOf.end()) return it->second;
        std::vector<std::string> path{full};
        if (depth < 64) {
            for (std::size_t pos = full.rfind(": "); pos != std::string::npos && pos > 0; pos = full.rfind(": ", pos - 1)) {
                std::string prefix = full.substr(0, pos);
                if (names.count(prefix)) {
                    path = resolve(prefix, depth + 1);
                    path.push_back(full.substr(pos + 2));
                    break;
                }
                if (pos == 0) break;
            }
        }
        pathOf[full] = path;
        return path;
    };
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string n = stripGlyph(b.field(t, r, cCode));
        if (n.empty()) continue;
        Theme* th = b.themeById(b.theme(resolve(n, 0)));
        std::string comment = b.text(t, r, cComment);
        if (!comment.empty()) th->description = comment;
        if (const CellStyle* st = t.style(r, static_cast<std::size_t>(cCode)))
            if (!st->fontColor.empty()) th->color = st->fontColor;
        for (int gc : groupCols) {
            std::string g = b.field(t, r, gc);
            if (!g.empty()) addToSet(b, "code-group", g, th->id);
        }
    }
}

void readAtlasQuotations(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cId = cols.find(Role::QuotationId), cRef = cols.find(Role::Reference), cName = cols.find(Role::QuotationName),
        cText = cols.find(Role::QuotationText), cDoc = cols.find(Role::Document), cCodes = cols.find(Role::Codes),
        cCount = cols.find(Role::CodeCount), cComment = cols.find(Role::Comment), cCr = cols.find(Role::Created),
        cMod = cols.find(Role::Modified);
    int cStart = cols.findName("initial position"), cEnd = cols.findName("final position");
    if (cStart < 0) cStart = cols.find(Role::Start);
    if (cEnd < 0) cEnd = cols.find(Role::End);
    // Known code names: leaf names and "Parent: Child" paths of the codebook read so far.
    KnownNames known;
    std::map<std::string, std::string> idByName;
    for (const auto& th : b.p.themes) {
        auto path = b.pathOf(th.id);
        std::string full = joinPath(path, PathStyle::Atlas);
        known.add(full);
        idByName.emplace(full, th.id);
        known.add(th.name);
        idByName.emplace(th.name, th.id);
    }
    std::size_t mismatches = 0, guessed = 0;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string doc = b.field(t, r, cDoc), text = b.text(t, r, cText);
        if (doc.empty() && text.empty()) continue;
        Source& s = b.source(doc);
        Excerpt e;
        std::string number = b.field(t, r, cId);
        e.id = mintId("excerpt", t.file + kKeySep + (number.empty() ? std::to_string(r) : number));
        e.source = s.id;
        e.name = b.text(t, r, cName);
        if (!text.empty()) e.quote = text;
        e.description = b.text(t, r, cComment);
        if (!number.empty()) e.ext["atlasti:id"] = Json(number);
        std::string ref = b.field(t, r, cRef);
        if (!ref.empty()) e.ext["atlasti:reference"] = Json(ref);
        std::string ps = b.field(t, r, cStart), pe = b.field(t, r, cEnd);
        if (!ps.empty()) e.ext["atlasti:start"] = Json(ps);
        if (!pe.empty()) e.ext["atlasti:end"] = Json(pe);
        e.audit.created = b.date(b.field(t, r, cCr), t, r, cCr);
        e.audit.modified = b.date(b.field(t, r, cMod), t, r, cMod);
        std::vector<std::string> unknown;
        std::string codesCell = b.text(t, r, cCodes);
        std::string sep = codesCell.find('\n') != std::string::npos ? "\n" : ", ";
        auto codes = splitJoinedCodes(codesCell, known, sep, &unknown);
        guessed += unknown.size();
        std::int64_t expected;
        if (parseInt64(b.field(t, r, cCount), expected) && expected != static_cast<std::int64_t>(codes.size())) {
            ++mismatches;
            b.diag().report({Severity::Lossy, "lossy.codes-split", e.id, t.where(r, static_cast<std::size_t>(cCodes)),
                             "the Codes cell split into " + std::to_string(codes.size()) + " code(s) but 'Number of Codes' says " +
                                 std::to_string(expected),
                             "read the codebook together with the quotations"});
        }
        for (const auto& c : codes) {
            auto it = idByName.find(c);
            std::string tid;
            if (it != idByName.end()) tid = it->second;
            else {
                std::vector<std::string> path{c};
                tid = b.theme(path);
                idByName.emplace(c, tid);
                known.add(c);
            }
            Coding cd;
            cd.theme = tid;
            e.codings.push_back(std::move(cd));
        }
        keepUnusedAsExt(b, t, cols, r, e, "atlasti");
        b.addExcerpt(std::move(e));
    }
    if (guessed && !mismatches)
        b.diag().info("info.codes-split", std::to_string(guessed) + " code name(s) were not in a known code list and were split on ', '");
}

// ================================================================ NVivo, QualCoder cases and survey

/// QualCoder's own attribute exports: sheet "Case Attributes" (Name, Memo, Id,
/// Files, attributes…) and "File Attributes" (Name, Memo, Date, Id, Case, attributes…).
/// The leading columns are the entity's own fields, not attributes.
void readQualcoderAttributeExport(Builder& b, const Table& t, std::size_t h, bool files) {
    const auto& header = t.rows[h];
    const std::size_t fixed = std::min<std::size_t>(header.size(), files ? 5 : 4);
    std::vector<std::string> attrIds(header.size());
    for (std::size_t c = fixed; c < header.size(); ++c) {
        std::string name = trimmed(header[c]);
        if (name.empty()) name = "Field_" + std::to_string(c + 1);
        attrIds[c] = b.attribute(name);
    }
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string name = b.field(t, r, 0);
        if (name.empty()) continue;
        std::string memo = b.text(t, r, 1), id = b.field(t, r, files ? 3 : 2);
        if (files) {
            Source& s = b.source(name);
            std::string sid = s.id;
            if (!memo.empty()) s.description = memo;
            if (!id.empty()) s.ext["qualcoder:id"] = Json(id);
            std::string date = b.date(b.field(t, r, 2), t, r, 2);
            if (!date.empty()) s.audit.created = date;
            for (const auto& cname : splitJoinedCodes(b.text(t, r, 4), {}, ";")) {
                Case& k = b.caseNamed(cname);
                b.addOnce(k.sources, k.id, "sources", sid);
            }
            for (std::size_t c = fixed; c < header.size(); ++c)
                b.setValue(b.sourceById(sid)->values, attrIds[c], b.field(t, r, static_cast<int>(c)), sid, t.where(r, c));
        } else {
            Case& k = b.caseNamed(name);
            if (!memo.empty()) k.description = memo;
            if (!id.empty()) k.ext["qualcoder:id"] = Json(id);
            std::string kid = k.id;
            std::string filesCell = b.text(t, r, 3);
            for (const auto& f : splitJoinedCodes(filesCell, {}, filesCell.find(';') != std::string::npos ? ";" : ",")) {
                std::string sid = b.source(f).id;
                Case& kk = b.caseNamed(name);
                b.addOnce(kk.sources, kk.id, "sources", sid);
            }
            for (std::size_t c = fixed; c < header.size(); ++c)
                b.setValue(b.caseNamed(name).values, attrIds[c], b.field(t, r, static_cast<int>(c)), kid, t.where(r, c));
        }
    }
}

void readCaseTable(Builder& b, const Table& t, std::size_t h, Dialect d) {
    const std::string sheet = normalizeHeader(t.name);
    if (d == Dialect::QualcoderCases && (sheet == "case attributes" || sheet == "file attributes"))
        return readQualcoderAttributeExport(b, t, h, sheet == "file attributes");
    const auto& header = t.rows[h];
    std::string classification = trimmed(header.empty() ? std::string() : header[0]);
    std::vector<std::string> attrIds(header.size());
    std::vector<bool> qualitative(header.size(), false);
    if (d == Dialect::QualcoderSurvey) {
        for (std::size_t c = 1; c < header.size(); ++c) {
            if (normalizeHeader(header[c]).rfind("qual", 0) == 0) qualitative[c] = true;
            std::size_t n = 0, total = 0;
            bool numeric = true;
            for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
                std::string v = b.field(t, r, static_cast<int>(c));
                if (v.empty()) continue;
                ++n;
                total += v.size();
                if (!isNumber(v)) numeric = false;
            }
            if (n && !numeric && total / n >= 40) qualitative[c] = true;
        }
    }
    for (std::size_t c = 1; c < header.size(); ++c) {
        std::string name = trimmed(header[c]);
        if (name.empty()) name = "Field_" + std::to_string(c + 1);  // QualCoder's name for a blank header
        if (!qualitative[c]) attrIds[c] = b.attribute(name);
    }
    std::set<std::string> seen;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string raw = b.field(t, r, 0);
        if (raw.empty()) continue;
        std::string name = raw;
        if (d == Dialect::NvivoClassification && raw.find('\\') != std::string::npos) {
            auto parts = splitPath(raw, PathStyle::Nvivo);
            if (!parts.empty()) name = parts.back();
        }
        if (!seen.insert(name).second)
            b.diag().report({Severity::Info, "info.case-repeated", {}, t.where(r, 0), "case '" + name + "' appears again; values merged", {}});
        Case& k = b.caseNamed(name);
        if (d == Dialect::NvivoClassification) {
            if (!classification.empty()) k.ext["nvivo:classification"] = Json(classification);
            if (name != raw) k.ext["nvivo:hierarchicalName"] = Json(raw);
        }
        std::string caseId = k.id;
        for (std::size_t c = 1; c < header.size(); ++c) {
            std::string v = b.text(t, r, static_cast<int>(c));
            if (qualitative[c]) {
                if (trimmed(v).empty()) continue;
                std::string column = trimmed(header[c]);
                Source& s = b.source(name + "_" + column);
                s.text = v;
                Excerpt e;
                e.id = mintId("excerpt", s.id);
                e.source = s.id;
                e.anchor = TextSpan{0, text::codePointCount(v)};
                e.quote = v;
                Coding cd;
                cd.theme = b.theme({column});
                e.codings.push_back(cd);
                b.addExcerpt(std::move(e));
                Case& kk = b.caseNamed(name);
                kk.sources.push_back(s.id);
                continue;
            }
            v = trimmed(v);
            if (d == Dialect::NvivoClassification) {
                std::string n = normalizeHeader(v);
                if (n == "unassigned" || n == "not applicable") continue;
            }
            Case& kk = b.caseNamed(name);
            b.setValue(kk.values, attrIds[c], v, caseId, t.where(r, c));
        }
    }
}

// ================================================================ Taguette

void readTaguetteHighlights(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cId = cols.findName("id"), cDoc = cols.find(Role::Document), cTag = cols.findName("tag"), cContent = cols.findName("content");
    PathStyle style = PathStyle::None;
    if (b.opts().tagSeparator == ".") style = PathStyle::Dot;
    else if (b.opts().tagSeparator == "\\") style = PathStyle::Backslash;
    else if (b.opts().tagSeparator == ">") style = PathStyle::Maxqda;
    else if (!b.opts().tagSeparator.empty()) throw UsageError("tag-separator must be '.', '\\' or '>'");
    std::map<std::string, std::size_t> byKey;
    std::size_t merged = 0;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string doc = b.field(t, r, cDoc), content = b.text(t, r, cContent), tag = b.field(t, r, cTag);
        if (doc.empty() && content.empty() && tag.empty()) continue;
        std::string id = b.field(t, r, cId);
        Source& s = b.source(doc);
        std::string key = id.empty() ? s.id + kKeySep + content : "id" + std::string(1, kKeySep) + id;
        Excerpt* e;
        auto it = byKey.find(key);
        if (it != byKey.end()) {
            e = &b.p.excerpts[it->second];
            if (id.empty()) ++merged;
        } else {
            Excerpt ne;
            ne.id = mintId("excerpt", t.file + kKeySep + key);
            ne.source = s.id;
            if (!content.empty()) ne.quote = content;
            if (!id.empty()) ne.ext["taguette:id"] = Json(id);
            byKey.emplace(key, b.p.excerpts.size());
            e = &b.addExcerpt(std::move(ne));
        }
        if (tag.empty()) continue;
        Coding cd;
        cd.theme = b.theme(splitPath(tag, style));
        bool dup = false;
        for (const auto& c : e->codings)
            if (c.theme == cd.theme) dup = true;
        if (!dup) e->codings.push_back(std::move(cd));
    }
    if (cId < 0)
        b.diag().report({Severity::Lossy, "quirk.taguette-no-id", {}, t.where(h, 0),
                         "the highlights table has no 'id' column: rows with the same document and text were taken as one highlight (" +
                             std::to_string(merged) + " row(s) merged); genuinely repeated passages are merged too",
                         {}});
}

void readTaguetteCodebook(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cTag = cols.findName("tag");
    if (cTag < 0) cTag = cols.findName("name");
    if (cTag < 0) cTag = cols.findName("path");
    int cDesc = cols.findName("description");
    int cCount = cols.findName("number of highlights");
    cols.findName("number of documents");
    PathStyle style = PathStyle::None;
    if (b.opts().tagSeparator == ".") style = PathStyle::Dot;
    else if (b.opts().tagSeparator == "\\") style = PathStyle::Backslash;
    else if (b.opts().tagSeparator == ">") style = PathStyle::Maxqda;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string tag = b.field(t, r, cTag);
        if (tag.empty()) {
            bool any = false;
            for (const auto& c : t.rows[r])
                if (!isBlankCell(c)) any = true;
            if (any) throw InputError(t.where(r, static_cast<std::size_t>(std::max(cTag, 0))), "empty tag name");
            continue;
        }
        Theme* th = b.themeById(b.theme(splitPath(tag, style)));
        std::string d = b.text(t, r, cDesc);
        if (!d.empty()) th->description = d;
        std::string n = b.field(t, r, cCount);
        if (isNumber(n)) th->ext["taguette:highlights"] = Json::number(n);
    }
}

// ================================================================ QualCoder

void readQualcoderCodes(Builder& b, const Table& t, std::size_t h) {
    for (std::size_t r = h; r < t.rows.size(); ++r) {
        std::string path = b.field(t, r, 0);
        if (path.empty()) continue;
        auto parts = splitPath(path, PathStyle::Qualcoder);
        // Categories (ancestors) cannot be applied to text in QualCoder.
        Theme* th = b.themeById(b.theme(parts, false));
        std::string memo = b.text(t, r, 1);
        if (!memo.empty()) th->description = memo;
    }
}

void readQualcoderReport(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cFile = cols.findName("file"), cCase = cols.findName("case"), cFileCase = cols.findName("file/case"),
        cFilename = cols.findName("filename"), cCoder = cols.findName("coder"), cCoded = cols.findName("coded"),
        cId = cols.findName("id"), cCodename = cols.findName("codename"), cMemo = cols.findName("coded_memo");
    std::vector<int> cats;
    for (int i = 0;; ++i) {
        int c = cols.findName("category", i);
        if (c < 0) break;
        cats.push_back(c);
    }
    std::vector<std::pair<std::size_t, std::string>> fileVars, caseVars;
    for (std::size_t c = 0; c < cols.size(); ++c) {
        std::string hd = cols.header(c);
        if (hd.rfind("FileVar_", 0) == 0) {
            fileVars.emplace_back(c, hd.substr(8));
            cols.markUsed(c);
        } else if (hd.rfind("CaseVar_", 0) == 0) {
            caseVars.emplace_back(c, hd.substr(8));
            cols.markUsed(c);
        }
    }
    bool byCase = cCase >= 0;
    std::size_t media = 0;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string codename = b.field(t, r, cCodename);
        std::string first = b.field(t, r, byCase ? cCase : (cFile >= 0 ? cFile : cFileCase));
        if (codename.empty() && first.empty()) continue;
        std::string fileName = byCase ? b.field(t, r, cFilename) : first;
        if (fileName.empty()) fileName = first;
        Source& s = b.source(fileName);
        std::string sid = s.id;
        for (const auto& [c, name] : fileVars) {
            Source& ss = *b.sourceById(sid);
            b.setValue(ss.values, b.attribute(name), b.field(t, r, static_cast<int>(c)), sid, t.where(r, c));
        }
        if (byCase) {
            Case& k = b.caseNamed(first);
            b.addOnce(k.sources, k.id, "sources", sid);
            std::string kid = k.id;
            for (const auto& [c, name] : caseVars) {
                std::string attr = b.attribute(name);
                Case& kk = b.caseNamed(first);
                b.setValue(kk.values, attr, b.field(t, r, static_cast<int>(c)), kid, t.where(r, c));
            }
        }
        std::vector<std::string> path;
        for (auto it = cats.rbegin(); it != cats.rend(); ++it) {
            std::string v = b.field(t, r, *it);
            if (!v.empty()) path.push_back(v);
        }
        path.push_back(codename);
        std::string id = b.field(t, r, cId);
        Excerpt e;
        e.id = mintId("excerpt", t.file + kKeySep + (id.empty() ? std::to_string(r) : id));
        e.source = sid;
        std::string coded = b.text(t, r, cCoded);
        if (id.rfind("imid:", 0) == 0 || id.rfind("avid:", 0) == 0) {
            ++media;
            Source& ss = *b.sourceById(sid);
            if (id.rfind("imid:", 0) == 0) ss.kind = SourceKind::Picture;
            else if (ss.kind == SourceKind::Text) ss.kind = SourceKind::Audio;
        } else if (!coded.empty()) {
            e.quote = coded;
        }
        if (!id.empty()) e.ext["qualcoder:id"] = Json(id);
        e.description = b.text(t, r, cMemo);
        Coding cd;
        cd.theme = b.theme(path, false);
        cd.creator = b.user(b.field(t, r, cCoder));
        e.audit.creator = cd.creator;
        e.codings.push_back(cd);
        b.addExcerpt(std::move(e));
    }
    if (media)
        b.diag().lossy("lossy.media-anchor", std::to_string(media) + " image or audio/video coding(s) have no region or time in the report", {},
                       "exchange the project as REFI-QDA (.qdpx)");
    reportUnusedColumns(b, t, cols, h, "not a QualCoder report column and was ignored");
}

// ================================================================ Dedoose

void readDedoose(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cTitle = cols.findName("media title"), cRange = cols.findName("excerpt range"), cCreator = cols.findName("excerpt creator"),
        cDate = cols.findName("excerpt date"), cCopy = cols.findName("excerpt copy"), cResCreator = cols.findName("resource creator"),
        cResDate = cols.findName("resource date"), cCombined = cols.findName("codes applied combined");
    struct CodeCol {
        std::size_t col;
        std::string themeId;
        int weightCol = -1;
    };
    std::vector<CodeCol> codeCols;
    std::map<std::string, std::size_t> byPath;
    for (std::size_t c = 0; c < cols.size(); ++c) {
        std::string hd = cols.header(c);
        if (hd.rfind("Code: ", 0) != 0) continue;
        auto endsWith = [&](const char* suf) {
            std::string s(suf);
            return hd.size() > s.size() + 6 && hd.compare(hd.size() - s.size(), s.size(), s) == 0;
        };
        cols.markUsed(c);
        if (endsWith(" Applied")) {
            std::string path = hd.substr(6, hd.size() - 6 - 8);
            byPath[path] = codeCols.size();
            codeCols.push_back({c, b.theme(splitPath(path, PathStyle::Backslash)), -1});
        }
    }
    for (std::size_t c = 0; c < cols.size(); ++c) {
        std::string hd = cols.header(c);
        if (hd.rfind("Code: ", 0) == 0 && hd.size() > 13 && hd.compare(hd.size() - 7, 7, " Weight") == 0) {
            auto it = byPath.find(hd.substr(6, hd.size() - 13));
            if (it != byPath.end()) codeCols[it->second].weightCol = static_cast<int>(c);
        }
    }
    KnownNames known;
    for (const auto& th : b.p.themes) known.add(th.name);
    std::vector<std::size_t> descriptors = cols.unused();
    for (std::size_t c : descriptors) cols.markUsed(c);
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string title = b.field(t, r, cTitle), copy = b.text(t, r, cCopy);
        if (title.empty() && copy.empty()) continue;
        Source& s = b.source(title);
        if (s.audit.creator.empty()) s.audit.creator = b.user(b.field(t, r, cResCreator));
        if (s.audit.created.empty()) s.audit.created = b.date(b.field(t, r, cResDate), t, r, cResDate);
        std::string sid = s.id;
        for (std::size_t c : descriptors) {
            Source& ss = *b.sourceById(sid);
            b.setValue(ss.values, b.attribute(cols.header(c)), b.field(t, r, static_cast<int>(c)), sid, t.where(r, c));
        }
        Excerpt e;
        e.id = mintId("excerpt", t.file + kKeySep + std::to_string(r));
        e.source = sid;
        if (!copy.empty()) e.quote = copy;
        std::string range = b.field(t, r, cRange);
        if (!range.empty()) e.ext["dedoose:range"] = Json(range);
        e.audit.creator = b.user(b.field(t, r, cCreator));
        e.audit.created = b.date(b.field(t, r, cDate), t, r, cDate);
        if (!codeCols.empty()) {
            for (const auto& cc : codeCols) {
                std::string v = normalizeHeader(b.field(t, r, static_cast<int>(cc.col)));
                if (v == "true" || v == "1" || v == "yes") {
                    Coding cd;
                    cd.theme = cc.themeId;
                    cd.creator = e.audit.creator;
                    std::string w = b.field(t, r, cc.weightCol);
                    if (isNumber(w)) cd.ext["dedoose:weight"] = Json::number(w);
                    e.codings.push_back(std::move(cd));
                }
            }
        } else {
            for (const auto& name : splitJoinedCodes(b.text(t, r, cCombined), known, ", ")) {
                Coding cd;
                cd.theme = b.theme({name});
                cd.creator = e.audit.creator;
                e.codings.push_back(std::move(cd));
            }
        }
        b.addExcerpt(std::move(e));
    }
    b.diag().info("info.dedoose-ranges", "Dedoose excerpt ranges are kept as ext dedoose:range; excerpts are anchored by their text only");
}

// ================================================================ seed study

void readSeedQuotes(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cSource = cols.find(Role::SeedSource), cQuote = cols.find(Role::SeedQuote), cRef = cols.find(Role::SeedReference),
        cTheme = cols.find(Role::SeedTheme), cLevel = cols.find(Role::SeedLevel);
    if (cSource < 0 || cQuote < 0) throw InputError(t.where(h, 0), "the quote sheet needs 'Source' and 'Verbatim quote' columns (or -o columns=source:…,quote:…)");
    std::vector<std::size_t> extra = cols.unused();
    std::string refAttr, urlAttr;
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string src = b.field(t, r, cSource), quote = b.text(t, r, cQuote);
        if (src.empty() && trimmed(quote).empty()) continue;
        if (src.empty()) src = "(no source)";
        Source& s = b.source(src);
        std::string sid = s.id;
        std::string ref = b.field(t, r, cRef);
        if (!ref.empty()) {
            if (refAttr.empty()) refAttr = b.attribute("reference", AttributeType::Text);
            Source& ss = *b.sourceById(sid);
            b.setValue(ss.values, refAttr, ref, sid, t.where(r, static_cast<std::size_t>(cRef)));
            if (ref.rfind("http://", 0) == 0 || ref.rfind("https://", 0) == 0) {
                if (urlAttr.empty()) urlAttr = b.attribute("url", AttributeType::Text);
                b.setValue(b.sourceById(sid)->values, urlAttr, ref, sid, t.where(r, static_cast<std::size_t>(cRef)));
            }
        }
        Excerpt e;
        e.id = mintId("excerpt", t.file + kKeySep + t.name + kKeySep + std::to_string(r));
        e.source = sid;
        if (!quote.empty()) e.quote = quote;
        std::string level = b.field(t, r, cLevel);
        for (const auto& th : splitLines(b.text(t, r, cTheme))) {
            auto path = splitPath(th, PathStyle::Maxqda);
            if (!level.empty() && path.size() == 1) path.insert(path.begin(), level);
            Coding cd;
            cd.theme = b.theme(path);
            e.codings.push_back(std::move(cd));
        }
        // Other columns are source attributes (Country, Material type, …); a
        // value differing between quotes of one source stays on the excerpt.
        for (std::size_t c : extra) {
            std::string v = b.field(t, r, static_cast<int>(c));
            if (v.empty()) continue;
            std::string attr = b.attribute(cols.header(c));
            Source& ss = *b.sourceById(sid);
            bool clash = false;
            for (const auto& av : ss.values)
                if (av.attribute == attr && av.value != v) clash = true;
            if (clash) e.ext["seed:" + cols.header(c)] = Json(v);
            else b.setValue(ss.values, attr, v, sid, t.where(r, c));
        }
        b.addExcerpt(std::move(e));
    }
    b.diag().info("info.text-only-anchors", "quote-sheet excerpts carry their text only (no position in a source text)");
}

void readSeedReports(Builder& b, const Table& t, std::size_t h) {
    Columns cols(t, h, b.overrides());
    int cSource = cols.find(Role::SeedSource);
    std::vector<std::size_t> extra = cols.unused();
    for (std::size_t r = h + 1; r < t.rows.size(); ++r) {
        std::string src = b.field(t, r, cSource);
        if (src.empty()) continue;
        Source& s = b.source(src);
        std::string sid = s.id;
        for (std::size_t c : extra) {
            std::string attr = b.attribute(cols.header(c), AttributeType::Text);
            b.setValue(b.sourceById(sid)->values, attr, b.field(t, r, static_cast<int>(c)), sid, t.where(r, c));
        }
    }
}

// ================================================================ dispatch

int priority(Dialect d, const std::string& tidyKind) {
    if (d == Dialect::Tidy) {
        static const std::vector<std::string> order{"project", "users", "attributes", "themes", "sources", "codings", "cases", "memos", "sets"};
        auto it = std::find(order.begin(), order.end(), tidyKind);
        return static_cast<int>(it - order.begin());
    }
    switch (d) {
    case Dialect::MaxqdaCodeSystem:
    case Dialect::MaxqdaDocumentList:
    case Dialect::AtlasCodeList:
    case Dialect::AtlasCodebook:
    case Dialect::TaguetteCodebook:
    case Dialect::QualcoderCodes:
    case Dialect::MaxqdaCodeImport: return 10;
    case Dialect::MaxqdaSegments:
    case Dialect::AtlasQuotations:
    case Dialect::TaguetteHighlights:
    case Dialect::QualcoderCodingReport:
    case Dialect::DedooseExcerpts:
    case Dialect::SeedQuotes: return 20;
    default: return 30;
    }
}

} // namespace

Project tablesToProject(const std::vector<Table>& tables, const ReadOptions& opts, Diagnostics& diag) {
    Builder b(opts, diag);
    struct Job {
        const Table* table;
        Detection det;
        std::string tidyKind;
        int prio;
    };
    std::vector<Job> jobs;
    for (const auto& t : tables) {
        Detection det = detectDialect(t);
        if (opts.dialect != Dialect::Unknown && det.dialect != Dialect::Ignored) {
            if (det.dialect != opts.dialect) {
                det.dialect = opts.dialect;
                det.reason = "chosen by option";
                // Header row: the first non-blank row (no header for QualCoder codes).
                det.headerRow = 0;
                while (det.headerRow < t.rows.size()) {
                    bool any = false;
                    for (const auto& c : t.rows[det.headerRow])
                        if (!isBlankCell(c)) any = true;
                    if (any) break;
                    ++det.headerRow;
                }
            }
        }
        if (det.dialect == Dialect::Unknown) {
            std::string head;
            if (!t.rows.empty())
                for (std::size_t c = 0; c < t.rows[0].size() && c < 8; ++c) head += (c ? ", " : "") + std::string("'") + t.rows[0][c] + "'";
            Location where;
            where.file = t.file;
            where.member = t.name;
            where.line = t.rowNumber(0);
            throw InputError(where, "the table layout is not recognised (header " + head +
                                        "); choose one with -o dialect=… (tidy, maxqda-segments, atlasti-quotations, taguette-highlights, qualcoder-report, seed-quotes, …)");
        }
        if (det.dialect == Dialect::Ignored) {
            diag.info("info.table-ignored", "table '" + t.name + "' skipped: " + det.reason);
            continue;
        }
        std::string kind = det.dialect == Dialect::Tidy ? tidyKind(t, det.headerRow) : std::string();
        jobs.push_back({&t, det, kind, priority(det.dialect, kind)});
    }
    std::stable_sort(jobs.begin(), jobs.end(), [](const Job& a, const Job& b) { return a.prio < b.prio; });
    std::set<Dialect> seen;
    for (const auto& j : jobs) {
        const Table& t = *j.table;
        std::size_t h = j.det.headerRow;
        if (seen.insert(j.det.dialect).second && b.p.origin.empty()) {
            switch (j.det.dialect) {
            case Dialect::MaxqdaSegments: case Dialect::MaxqdaCodeSystem: case Dialect::MaxqdaCodeVariables: case Dialect::MaxqdaDocumentList:
            case Dialect::MaxqdaDocumentVariables: case Dialect::MaxqdaMemos: b.p.origin = "MAXQDA (table export)"; break;
            case Dialect::AtlasQuotations: case Dialect::AtlasCodebook: case Dialect::AtlasCodeList: b.p.origin = "ATLAS.ti (table export)"; break;
            case Dialect::TaguetteHighlights: case Dialect::TaguetteCodebook: b.p.origin = "Taguette (table export)"; break;
            case Dialect::QualcoderCodingReport: case Dialect::QualcoderCodes: case Dialect::QualcoderCases:
            case Dialect::QualcoderSurvey: b.p.origin = "QualCoder (table)"; break;
            case Dialect::DedooseExcerpts: b.p.origin = "Dedoose (table export)"; break;
            case Dialect::NvivoClassification: b.p.origin = "NVivo (classification sheet)"; break;
            default: break;
            }
        }
        switch (j.det.dialect) {
        case Dialect::Tidy:
            if (j.tidyKind == "project") readTidyProject(b, t, h);
            else if (j.tidyKind == "users") readTidyUsers(b, t, h);
            else if (j.tidyKind == "attributes") readTidyAttributes(b, t, h);
            else if (j.tidyKind == "themes") readTidyThemes(b, t, h);
            else if (j.tidyKind == "sources") readTidySources(b, t, h);
            else if (j.tidyKind == "cases") readTidyCases(b, t, h);
            else if (j.tidyKind == "memos") readTidyMemos(b, t, h);
            else if (j.tidyKind == "sets") readTidySets(b, t, h);
            else readTidyCodings(b, t, h);
            break;
        case Dialect::MaxqdaSegments: readMaxqdaSegments(b, t, h); break;
        case Dialect::MaxqdaCodeSystem: readMaxqdaCodeSystem(b, t, h); break;
        case Dialect::MaxqdaDocumentList: readMaxqdaDocumentList(b, t, h); break;
        case Dialect::MaxqdaCodeVariables: readMaxqdaCodeVariables(b, t, h); break;
        case Dialect::MaxqdaDocumentVariables: readMaxqdaDocumentVariables(b, t, h); break;
        case Dialect::MaxqdaMemos: readMaxqdaMemos(b, t, h); break;
        case Dialect::MaxqdaCodeImport: readMaxqdaCodeImport(b, t, h); break;
        case Dialect::AtlasQuotations: readAtlasQuotations(b, t, h); break;
        case Dialect::AtlasCodebook: readAtlasCodebook(b, t, h); break;
        case Dialect::AtlasCodeList: readAtlasCodeList(b, t, h); break;
        case Dialect::NvivoClassification:
        case Dialect::QualcoderCases:
        case Dialect::QualcoderSurvey: readCaseTable(b, t, h, j.det.dialect); break;
        case Dialect::TaguetteHighlights: readTaguetteHighlights(b, t, h); break;
        case Dialect::TaguetteCodebook: readTaguetteCodebook(b, t, h); break;
        case Dialect::QualcoderCodingReport: readQualcoderReport(b, t, h); break;
        case Dialect::QualcoderCodes: readQualcoderCodes(b, t, h); break;
        case Dialect::DedooseExcerpts: readDedoose(b, t, h); break;
        case Dialect::SeedQuotes: readSeedQuotes(b, t, h); break;
        case Dialect::SeedReports: readSeedReports(b, t, h); break;
        case Dialect::Unknown:
        case Dialect::Ignored: break;
        }
    }
    b.finish();
    return std::move(b.p);
}

} // namespace qdx::tabular
