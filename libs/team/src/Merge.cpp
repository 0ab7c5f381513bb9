#include "Merger.h"

#include "qdx/team/Normalize.h"

#include <algorithm>
#include <functional>

namespace qdx::team {

std::string fileLabel(const std::string& path) {
    std::string name = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
    auto dot = name.find_last_of('.');
    if (dot != std::string::npos && dot > 0) name.erase(dot);
    return name.empty() ? path : name;
}

MergeResult mergeProjects(const MergeInput& a, const MergeInput& b, const MergeOptions& options, Diagnostics& diag) {
    return detail::Merger(a, b, options, diag).run();
}

namespace detail {

Merger::Merger(const MergeInput& a, const MergeInput& b, const MergeOptions& o, Diagnostics& d)
    : _a(*a.project), _b(*b.project), _labelA(a.label), _labelB(b.label), _o(o), _d(d), _p(*a.project) {}

MergeResult Merger::run() {
    registerIds();
    for (const auto& e : _a.excerpts)
        for (const auto& c : e.codings) _codersA.insert(normalizeId(coderOf(e, c)));
    for (const auto& e : _b.excerpts)
        for (const auto& c : e.codings) _codersB.insert(normalizeId(coderOf(e, c)));
    users();
    attributeCodingsOfA();
    attributes();
    themes();
    sources();
    excerpts();
    memos();
    cases();
    sets();
    project();
    if (_auditsKept > 0)
        _d.info("info.merge-audit-kept",
                std::to_string(_auditsKept) + " entities are in both files with other creators or dates: the first file's are kept");
    return MergeResult{std::move(_p), _s};
}

// ---------------------------------------------------------------------------------------------
// Ids

void Merger::registerIds() {
    auto add = [&](const std::string& id) {
        if (!id.empty()) _ids.insert(normalizeId(id));
    };
    for (const auto& u : _p.users) add(u.id);
    for (const auto& t : _p.themes) add(t.id);
    for (const auto& a : _p.attributes) add(a.id);
    for (const auto& s : _p.sources) {
        add(s.id);
        for (const auto& t : s.transcripts) {
            add(t.id);
            for (const auto& sp : t.syncPoints) add(sp.id);
        }
    }
    for (const auto& e : _p.excerpts) {
        add(e.id);
        for (const auto& c : e.codings) add(c.id);
    }
    for (const auto& m : _p.memos) add(m.id);
    for (const auto& c : _p.cases) add(c.id);
    for (const auto& s : _p.sets) add(s.id);
}

bool Merger::taken(const std::string& id) const { return _ids.count(normalizeId(id)) > 0; }

std::string Merger::claim(const std::string& wanted, const std::string& what) {
    if (wanted.empty()) return wanted;
    if (_ids.insert(normalizeId(wanted)).second) return wanted;
    std::string fresh;
    do fresh = newUuid();
    while (!_ids.insert(normalizeId(fresh)).second);
    ++_s.conflicts;
    _d.lossy("lossy.merge-id-clash",
             _labelB + "'s " + what + " '" + wanted + "' has the id of another entity of " + _labelA + ": it is added as '" + fresh + "'",
             wanted);
    return fresh;
}

void Merger::link(const std::string& bId, const std::string& mergedId) {
    if (!bId.empty()) _map[normalizeId(bId)] = mergedId;
}

std::string Merger::mapped(const std::string& bId) const {
    if (bId.empty()) return bId;
    auto it = _map.find(normalizeId(bId));
    return it == _map.end() ? bId : it->second;  // a dangling reference of B stays as it was
}

std::vector<std::string> Merger::mappedAll(const std::vector<std::string>& ids) const {
    std::vector<std::string> out;
    out.reserve(ids.size());
    for (const auto& id : ids) out.push_back(mapped(id));
    return out;
}

std::vector<AttributeValue> Merger::mappedValues(const std::vector<AttributeValue>& vs) const {
    std::vector<AttributeValue> out;
    for (const auto& v : vs) out.push_back({mapped(v.attribute), v.value});
    return out;
}

Audit Merger::mappedAudit(const Audit& a) const { return {mapped(a.creator), a.created, mapped(a.modifier), a.modified}; }

// ---------------------------------------------------------------------------------------------
// Conflicts

void Merger::conflict(Extensions& ext, const Who& who, const std::string& what, const std::string& aValue,
                      const std::string& bValue) {
    ++_s.conflicts;
    Json entry = Json::object();
    entry.set("field", what);
    entry.set("value", bValue);
    entry.set("from", _labelB);
    ext["team:conflicts"].push(std::move(entry));
    auto clip = [](const std::string& s) { return s.size() > 60 ? s.substr(0, 57) + "..." : s; };
    _d.lossy("lossy.merge-conflict",
             what + " of " + who.label + " differs: " + _labelA + " has \"" + clip(aValue) + "\", " + _labelB + " has \"" +
                 clip(bValue) + "\"; " + _labelA + "'s is kept, " + _labelB + "'s is in ext[\"team:conflicts\"]",
             who.id);
}

void Merger::unite(std::string& a, const std::string& b, Extensions& ext, const Who& who, const std::string& what) {
    if (b.empty() || a == b) return;
    if (a.empty()) a = b;
    else conflict(ext, who, what, a, b);
}

void Merger::uniteExt(Extensions& a, const Extensions& b, const Who& who) {
    for (const auto& [k, v] : b) {
        if (k == "team:conflicts") continue;  // conflicts of an earlier merge stay with their entity
        auto it = a.find(k);
        if (it == a.end()) a[k] = v;
        else if (!(it->second == v)) conflict(a, who, "ext[" + k + "]", it->second.dump(), v.dump());
    }
}

void Merger::uniteValues(std::vector<AttributeValue>& a, const std::vector<AttributeValue>& b, Extensions& ext, const Who& who) {
    for (const auto& v : mappedValues(b)) {
        auto it = std::find_if(a.begin(), a.end(), [&](const AttributeValue& x) { return IdEqual{}(x.attribute, v.attribute); });
        if (it == a.end()) {
            a.push_back(v);
            continue;
        }
        auto at = std::find_if(_p.attributes.begin(), _p.attributes.end(), [&](const Attribute& x) { return IdEqual{}(x.id, v.attribute); });
        unite(it->value, v.value, ext, who, "the value of attribute '" + (at == _p.attributes.end() ? v.attribute : at->name) + "'");
    }
}

Who Merger::who(const Theme& t) const {
    auto it = _themePaths.find(normalizeId(t.id));
    return {t.id, "theme '" + (it == _themePaths.end() ? t.name : it->second) + "'"};
}

void Merger::uniteIds(std::vector<std::string>& a, const std::vector<std::string>& b) {
    for (const auto& id : b)
        if (std::none_of(a.begin(), a.end(), [&](const std::string& x) { return IdEqual{}(x, id); })) a.push_back(id);
}

// ---------------------------------------------------------------------------------------------
// Users and coders

std::string Merger::fileUser(const std::string& label) {
    auto known = _fileUsers.find(label);  // asked once per coding: a million codings, one lookup each
    if (known != _fileUsers.end()) return known->second;
    std::string id = findOrAddUser(label);
    _fileUsers.emplace(label, id);
    return id;
}

std::string Merger::findOrAddUser(const std::string& label) {
    std::string name = normalizeName(label);
    for (const auto& u : _p.users)
        if (normalizeName(u.name) == name) return u.id;
    User u;
    u.id = claim(newUuid(), "user");
    u.name = label;
    _p.users.push_back(u);
    ++_s.usersAdded;
    return u.id;
}

void Merger::attributeCodingsOfA() {
    std::size_t n = 0;
    for (auto& e : _p.excerpts)
        for (auto& c : e.codings) {
            const std::string& who = coderOf(e, c);
            if (!_o.codersFromFiles && !who.empty()) continue;
            if (!who.empty()) {
                auto u = std::find_if(_a.users.begin(), _a.users.end(), [&](const User& x) { return IdEqual{}(x.id, who); });
                c.ext["team:creator"] = Json(u == _a.users.end() || u->name.empty() ? who : u->name);
            }
            c.creator = fileUser(_labelA);
            ++n;
        }
    if (n > 0)
        _d.info("info.merge-coder-from-file", std::to_string(n) + " codings of " + _labelA + " are attributed to the user '" +
                                                  _labelA + "'" + (_o.codersFromFiles ? "" : " (they had none)"));
}

void Merger::users() {
    for (const auto& u : _b.users) {
        std::string name = normalizeName(u.name);
        auto it = std::find_if(_p.users.begin(), _p.users.end(), [&](const User& x) {
            return name.empty() ? IdEqual{}(x.id, u.id) && x.name.empty() : normalizeName(x.name) == name;
        });
        if (it == _p.users.end()) {
            User copy = u;
            copy.id = claim(u.id, "user");
            link(u.id, copy.id);
            _p.users.push_back(std::move(copy));
            ++_s.usersAdded;
            continue;
        }
        link(u.id, it->id);
        uniteExt(it->ext, u.ext, who(*it));
        if (!_o.codersFromFiles && _codersA.count(normalizeId(it->id)) && _codersB.count(normalizeId(u.id)))
            _d.info("info.merge-same-coder", "both files hold codings by the user '" + (u.name.empty() ? u.id : u.name) +
                                                 "': they are taken as one person's (--coders-from-files tells the files apart)",
                    it->id);
    }
}

// ---------------------------------------------------------------------------------------------
// Themes and attributes

void Merger::themes() {
    std::map<std::vector<std::string>, std::vector<std::size_t>> byKey;
    auto keysA = themeKeys(_p, _labelA), keysB = themeKeys(_b, _labelB);
    for (std::size_t i = 0; i < _p.themes.size(); ++i) {
        byKey[keysA[i]].push_back(i);
        _themePaths[normalizeId(_p.themes[i].id)] = joinPath(keysA[i]);
    }
    std::vector<int> state(_b.themes.size(), 0);  // 0 new, 1 in progress, 2 done
    std::set<std::size_t> matched;
    std::unordered_map<std::string, std::size_t> byId;
    for (std::size_t i = 0; i < _b.themes.size(); ++i) byId.emplace(normalizeId(_b.themes[i].id), i);
    std::function<void(std::size_t)> visit = [&](std::size_t i) {
        if (state[i] != 0) return;
        state[i] = 1;
        const Theme& t = _b.themes[i];
        auto parent = byId.find(normalizeId(t.parent));
        if (!t.parent.empty() && parent != byId.end()) visit(parent->second);  // a cycle stops at the state check
        const auto& key = keysB[i];
        auto found = byKey.find(key);
        if (found != byKey.end() && found->second.size() == 1) {
            Theme& a = _p.themes[found->second.front()];
            if (!matched.insert(found->second.front()).second)
                _d.info("info.merge-theme-joined", "theme '" + joinPath(key) + "' is in " + _labelB +
                                                       " more than once: its codings join one theme", t.id);
            link(t.id, a.id);
            unite(a.color, t.color, a.ext, who(a), "the colour");
            unite(a.description, t.description, a.ext, who(a), "the description");
            if (a.codable != t.codable) conflict(a.ext, who(a), "codable", a.codable ? "true" : "false", t.codable ? "true" : "false");
            uniteExt(a.ext, t.ext, who(a));
            _auditsKept += !t.audit.empty() && !(a.audit.created == t.audit.created);
            ++_s.themesMatched;
        } else {
            if (found != byKey.end())
                _d.info("info.merge-theme-ambiguous", "theme '" + joinPath(key) + "' of " + _labelB + " has " +
                                                          std::to_string(found->second.size()) + " namesakes in " + _labelA + ": it is added", t.id);
            Theme copy = t;
            copy.id = claim(t.id, "theme");
            if (t.parent.empty() || parent == byId.end()) copy.parent = t.parent;  // top level, or dangling in B: as it was
            else if (state[parent->second] == 2) copy.parent = mapped(t.parent);
            else copy.parent.clear();  // B's tree has a cycle through this theme: it is broken here
            copy.audit = mappedAudit(t.audit);
            link(t.id, copy.id);
            _themePaths[normalizeId(copy.id)] = joinPath(key);
            byKey[key].push_back(_p.themes.size());
            _p.themes.push_back(std::move(copy));
            ++_s.themesAdded;
        }
        state[i] = 2;
    };
    for (std::size_t i = 0; i < _b.themes.size(); ++i) visit(i);
}

void Merger::attributes() {
    for (const auto& at : _b.attributes) {
        std::string name = normalizeName(at.name);
        auto it = std::find_if(_p.attributes.begin(), _p.attributes.end(),
                               [&](const Attribute& x) { return normalizeName(x.name) == name; });
        if (it != _p.attributes.end() && it->type == at.type) {
            link(at.id, it->id);
            unite(it->description, at.description, it->ext, who(*it), "the description");
            uniteExt(it->ext, at.ext, who(*it));
            continue;
        }
        Attribute copy = at;
        if (it != _p.attributes.end()) {
            copy.name = at.name + " (" + _labelB + ")";
            ++_s.conflicts;
            _d.lossy("lossy.merge-attribute-type",
                     "attribute '" + at.name + "' is " + toString(it->type) + " in " + _labelA + " and " + toString(at.type) + " in " +
                         _labelB + ": " + _labelB + "'s is added as '" + copy.name + "'",
                     at.id);
        }
        copy.id = claim(at.id, "attribute");
        link(at.id, copy.id);
        _p.attributes.push_back(std::move(copy));
        ++_s.attributesAdded;
    }
}

void Merger::project() {
    const Who entity{{}, "the project"};
    unite(_p.name, _b.name, _p.ext, entity, "the name");
    unite(_p.description, _b.description, _p.ext, entity, "the description");
    unite(_p.origin, _b.origin, _p.ext, entity, "the origin");
    unite(_p.basePath, _b.basePath, _p.ext, entity, "the base path");
    uniteExt(_p.ext, _b.ext, entity);
}

} // namespace detail
} // namespace qdx::team
