#include "qdx/team/Match.h"

#include "qdx/Errors.h"
#include "qdx/IdIndex.h"

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>

namespace qdx::team {

namespace {

std::string describeSource(const Source& s) { return s.name.empty() ? s.id : s.name; }

/// Where two texts first differ, for people: "character N (line L)".
std::string firstDifference(std::string_view x, std::string_view y) {
    std::size_t i = 0;
    while (i < x.size() && i < y.size() && x[i] == y[i]) ++i;
    while (i > 0 && i < x.size() && (static_cast<unsigned char>(x[i]) & 0xC0) == 0x80) --i;  // a whole code point
    std::int64_t cp = 0, line = 1;
    for (std::size_t k = 0; k < i; ++k) {
        if ((static_cast<unsigned char>(x[k]) & 0xC0) != 0x80) ++cp;
        if (x[k] == '\n') ++line;
    }
    if (i == x.size() && i == y.size()) return "nowhere";
    return "character " + std::to_string(cp) + " (line " + std::to_string(line) + ")";
}

struct TextGroup {
    std::vector<std::size_t> a, b;
};

/// Groups the text sources of both projects by normalised text. The texts are
/// hashed once; equal hashes are confirmed by comparing the texts.
class TextGroups {
public:
    TextGroups(const Project& a, const Project& b) : _texts{std::vector<std::optional<NormalizedText>>(a.sources.size()),
                                                             std::vector<std::optional<NormalizedText>>(b.sources.size())} {
        add(a, 0);
        add(b, 1);
    }
    std::vector<TextGroup>& groups() { return _groups; }
    std::optional<NormalizedText>& text(int side, std::size_t i) { return _texts[side][i]; }

private:
    void add(const Project& p, int side) {
        for (std::size_t i = 0; i < p.sources.size(); ++i) {
            const Source& s = p.sources[i];
            if (!s.text) continue;
            auto& t = _texts[side][i];
            t.emplace(*s.text, "source '" + describeSource(s) + "'");
            std::size_t h = std::hash<std::string_view>{}(t->text());
            auto& slots = _byHash[h];
            std::size_t g = slots.size();
            for (std::size_t k = 0; k < slots.size(); ++k) {
                const TextGroup& grp = _groups[slots[k]];
                std::size_t any = grp.a.empty() ? grp.b.front() : grp.a.front();
                const auto& other = grp.a.empty() ? _texts[1][any] : _texts[0][any];
                if (other->text() == t->text()) {
                    g = k;
                    break;
                }
            }
            if (g == slots.size()) {
                slots.push_back(_groups.size());
                _groups.emplace_back();
            }
            TextGroup& grp = _groups[slots[g]];
            (side == 0 ? grp.a : grp.b).push_back(i);
        }
    }
    std::vector<std::vector<std::optional<NormalizedText>>> _texts;
    std::unordered_map<std::size_t, std::vector<std::size_t>> _byHash;
    std::vector<TextGroup> _groups;
};

/// Within a group of sources with the same text on both sides (the same
/// document imported twice), pairs those whose names are equal and unique.
void pairByName(const Project& a, const Project& b, TextGroup& g, std::vector<SourcePair>& pairs) {
    std::map<std::string, std::vector<std::size_t>> na, nb;
    for (auto i : g.a) na[normalizeName(a.sources[i].name)].push_back(i);
    for (auto i : g.b) nb[normalizeName(b.sources[i].name)].push_back(i);
    std::vector<std::size_t> restA, restB;
    for (const auto& [name, as] : na) {
        auto it = nb.find(name);
        if (as.size() == 1 && it != nb.end() && it->second.size() == 1) {
            pairs.push_back({as[0], it->second[0]});
            it->second.clear();
        } else {
            restA.insert(restA.end(), as.begin(), as.end());
        }
    }
    for (const auto& [name, bs] : nb) restB.insert(restB.end(), bs.begin(), bs.end());
    g.a = restA;
    g.b = restB;
}

void explainUnmatchedSources(const Project& a, const Project& b, TextGroups& tg, Matching& m) {
    // A source left alone whose name is also alone on the other side most
    // likely is the same document with another text: say where they differ.
    std::map<std::string, std::vector<Unmatched*>> byNameB;
    for (auto& u : m.sourcesOnlyB) byNameB[normalizeName(b.sources[u.index].name)].push_back(&u);
    for (auto& u : m.sourcesOnlyA) {
        auto it = byNameB.find(normalizeName(a.sources[u.index].name));
        if (it == byNameB.end() || it->second.size() != 1) continue;
        Unmatched& ub = *it->second.front();
        auto& ta = tg.text(0, u.index);
        auto& tb = tg.text(1, ub.index);
        if (!ta || !tb || u.reason.rfind("no source", 0) != 0 || ub.reason.rfind("no source", 0) != 0) continue;
        std::string where = firstDifference(ta->text(), tb->text());
        u.reason = "the other project's source of the same name has another text (they differ from " + where + ")";
        ub.reason = u.reason;
    }
}

} // namespace

void matchSources(const Project& a, const Project& b, Matching& m) {
    if (&a == &b) {  // two coders in one project: every text source is itself
        for (std::size_t i = 0; i < a.sources.size(); ++i) {
            if (!a.sources[i].text) {
                m.sourcesOnlyA.push_back({i, describeSource(a.sources[i]), "no text"});
                continue;
            }
            m.sources.push_back({i, i});
            m.textA.emplace_back(*a.sources[i].text, "source '" + describeSource(a.sources[i]) + "'");
            m.textB.push_back(m.textA.back());
        }
        return;
    }
    TextGroups tg(a, b);
    std::vector<SourcePair> pairs;
    for (auto& g : tg.groups()) {
        if (g.a.size() == 1 && g.b.size() == 1) {
            pairs.push_back({g.a[0], g.b[0]});
            continue;
        }
        if (!g.a.empty() && !g.b.empty()) pairByName(a, b, g, pairs);
        std::string reason = g.a.empty() || g.b.empty() ? "no source with the same text in the other project"
                                                        : "several sources have this text; their names do not pair them";
        for (auto i : g.a) m.sourcesOnlyA.push_back({i, describeSource(a.sources[i]), reason});
        for (auto i : g.b) m.sourcesOnlyB.push_back({i, describeSource(b.sources[i]), reason});
    }
    for (std::size_t i = 0; i < a.sources.size(); ++i)
        if (!a.sources[i].text) m.sourcesOnlyA.push_back({i, describeSource(a.sources[i]), "no text"});
    for (std::size_t i = 0; i < b.sources.size(); ++i)
        if (!b.sources[i].text) m.sourcesOnlyB.push_back({i, describeSource(b.sources[i]), "no text"});
    auto byIndex = [](const Unmatched& x, const Unmatched& y) { return x.index < y.index; };
    std::sort(m.sourcesOnlyA.begin(), m.sourcesOnlyA.end(), byIndex);
    std::sort(m.sourcesOnlyB.begin(), m.sourcesOnlyB.end(), byIndex);
    explainUnmatchedSources(a, b, tg, m);
    std::sort(pairs.begin(), pairs.end(), [](const SourcePair& x, const SourcePair& y) { return x.a < y.a; });
    for (const auto& p : pairs) {
        m.sources.push_back(p);
        m.textA.push_back(std::move(*tg.text(0, p.a)));
        m.textB.push_back(std::move(*tg.text(1, p.b)));
    }
}

std::vector<std::vector<std::string>> themeKeys(const Project& p, const std::string& what) {
    const std::size_t n = p.themes.size(), none = static_cast<std::size_t>(-1);
    IdIndex<std::size_t> index;
    index.reserve(n);
    for (std::size_t i = 0; i < n; ++i) index.emplace(p.themes[i].id, i);
    std::vector<std::size_t> parent(n, none), stamp(n, none);
    std::vector<std::string> names(n);
    for (std::size_t i = 0; i < n; ++i) {
        if (const std::size_t* j = p.themes[i].parent.empty() ? nullptr : index.find(p.themes[i].parent)) parent[i] = *j;
        names[i] = normalizeName(p.themes[i].name);
    }
    std::vector<std::vector<std::string>> keys(n);
    std::vector<std::size_t> chain;
    for (std::size_t i = 0; i < n; ++i) {
        chain.clear();
        for (std::size_t j = i; j != none && stamp[j] != i; j = parent[j]) {  // a cycle ends at a theme seen on this walk
            stamp[j] = i;
            chain.push_back(j);
            if (chain.size() > kMaxThemeDepth)
                throw InputError(what + ": theme '" + p.themes[i].id + "' is nested more than " + std::to_string(kMaxThemeDepth) +
                                 " levels deep");
        }
        keys[i].reserve(chain.size());
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) keys[i].push_back(names[*it]);
    }
    return keys;
}

std::string joinPath(const std::vector<std::string>& names) {
    std::string s;
    for (const auto& n : names) s += (s.empty() ? "" : "/") + n;
    return s;
}

namespace {

using Key = std::vector<std::string>;

struct ThemeIndex {
    std::vector<Key> keys;
    std::map<Key, std::vector<std::size_t>> byKey;
    std::map<std::string, std::vector<std::size_t>> byJoined;  ///< for mapping files

    ThemeIndex(const Project& p, const std::string& what) : keys(themeKeys(p, what)) {
        for (std::size_t i = 0; i < keys.size(); ++i) {
            byKey[keys[i]].push_back(i);
            byJoined[joinPath(keys[i])].push_back(i);
        }
    }
    std::size_t resolve(const std::string& path, const char* side, const ThemeMappingRow& row, const std::string& file) const {
        Key k;  // the mapping's path, normalised as theme names are
        std::string joined;
        std::size_t from = 0;
        for (;;) {
            std::size_t slash = path.find('/', from);
            k.push_back(normalizeName(path.substr(from, slash == std::string::npos ? std::string::npos : slash - from)));
            if (slash == std::string::npos) break;
            from = slash + 1;
        }
        auto it = byJoined.find(joinPath(k));
        Location at{file, {}, row.line, 0, -1};
        if (it == byJoined.end()) throw InputError(at, std::string("no theme '") + path + "' in " + side);
        if (it->second.size() > 1)
            throw InputError(at, std::string("'") + path + "' names " + std::to_string(it->second.size()) + " themes in " +
                                     side + " (a name contains '/', or two themes share the path)");
        return it->second.front();
    }
};

void applyMapping(const ThemeIndex& ia, const ThemeIndex& ib,
                  const std::vector<ThemeMappingRow>& mapping, std::vector<long>& usedA, std::vector<long>& usedB,
                  Matching& m) {
    for (const auto& row : mapping) {
        const std::string& file = row.file;
        std::size_t x = ia.resolve(row.a, "A", row, file);
        std::size_t y = ib.resolve(row.b, "B", row, file);
        Location at{file, {}, row.line, 0, -1};
        if (usedA[x]) throw InputError(at, "theme '" + row.a + "' of A is mapped twice (also on line " + std::to_string(usedA[x]) + ")");
        if (usedB[y]) throw InputError(at, "theme '" + row.b + "' of B is mapped twice (also on line " + std::to_string(usedB[y]) + ")");
        usedA[x] = row.line;
        usedB[y] = row.line;
        m.themes.push_back({x, y, joinPath(ia.keys[x]), true, joinPath(ib.keys[y])});
    }
}

} // namespace

Matching matchProjects(const Project& a, const Project& b, const std::vector<ThemeMappingRow>& mapping,
                       const std::string& nameA, const std::string& nameB) {
    Matching m;
    ThemeIndex ia(a, nameA), ib(b, nameB);  // first: a hostile tree fails before the texts are read
    matchSources(a, b, m);
    if (&a == &b && mapping.empty()) {
        for (std::size_t i = 0; i < a.themes.size(); ++i) m.themes.push_back({i, i, joinPath(ia.keys[i]), false, {}});
        return m;
    }
    std::vector<long> usedA(a.themes.size(), 0), usedB(b.themes.size(), 0);
    applyMapping(ia, ib, mapping, usedA, usedB, m);
    for (std::size_t i = 0; i < a.themes.size(); ++i) {
        if (usedA[i]) continue;
        const Key& k = ia.keys[i];
        std::string path = joinPath(k);
        auto it = ib.byKey.find(k);
        std::string reason;
        if (ia.byKey.at(k).size() > 1) reason = "the path is not unique in A";
        else if (it == ib.byKey.end()) reason = "no theme with this path in B";
        else if (it->second.size() > 1) reason = "the path is not unique in B";
        else if (usedB[it->second.front()]) reason = "B's theme with this path is mapped to another theme";
        if (!reason.empty()) {
            m.themesOnlyA.push_back({i, path, reason});
            continue;
        }
        usedA[i] = -1;
        usedB[it->second.front()] = -1;
        m.themes.push_back({i, it->second.front(), path, false, {}});
    }
    for (std::size_t i = 0; i < b.themes.size(); ++i) {
        if (usedB[i]) continue;
        const Key& k = ib.keys[i];
        auto it = ia.byKey.find(k);
        std::string reason = ib.byKey.at(k).size() > 1 ? "the path is not unique in B"
                           : it == ia.byKey.end()      ? "no theme with this path in A"
                           : it->second.size() > 1     ? "the path is not unique in A"
                                                       : "A's theme with this path is mapped to another theme";
        m.themesOnlyB.push_back({i, joinPath(k), reason});
    }
    std::sort(m.themes.begin(), m.themes.end(), [](const ThemePair& x, const ThemePair& y) { return x.a < y.a; });
    return m;
}

} // namespace qdx::team
