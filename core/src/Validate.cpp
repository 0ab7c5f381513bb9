#include "qdx/Validate.h"
#include "qdx/IdIndex.h"

#include "qdx/Text.h"

#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace qdx {

namespace {

bool validValue(AttributeType t, const std::string& v) {
    if (v.empty()) return true;  // no value
    auto digits = [](const std::string& s, std::size_t from) {
        if (from >= s.size()) return false;
        for (std::size_t i = from; i < s.size(); ++i)
            if (s[i] < '0' || s[i] > '9') return false;
        return true;
    };
    switch (t) {
    case AttributeType::Text: return true;
    case AttributeType::Boolean: return v == "true" || v == "false";
    case AttributeType::Integer: return digits(v, (v[0] == '-' || v[0] == '+') ? 1 : 0);
    case AttributeType::Float: {
        char* end = nullptr;
        std::strtod(v.c_str(), &end);
        return end && *end == 0;
    }
    case AttributeType::Date:
        return v.size() == 10 && v[4] == '-' && v[7] == '-' && digits(v.substr(0, 4), 0) && digits(v.substr(5, 2), 0) &&
               digits(v.substr(8, 2), 0);
    case AttributeType::DateTime: return v.size() >= 19 && v[4] == '-' && v[7] == '-' && v[10] == 'T';
    }
    return true;
}

enum class Kind : unsigned char { User, Theme, Attribute, Source, Transcript, SyncPoint, Excerpt, Memo, Case, Set };

const char* kindName(Kind k) {
    switch (k) {
    case Kind::User: return "user";
    case Kind::Theme: return "theme";
    case Kind::Attribute: return "attribute";
    case Kind::Source: return "source";
    case Kind::Transcript: return "transcript";
    case Kind::SyncPoint: return "sync point";
    case Kind::Excerpt: return "excerpt";
    case Kind::Memo: return "memo";
    case Kind::Case: return "case";
    case Kind::Set: return "set";
    }
    return "entity";
}

/// Hashed by the model's own id strings (views; the model outlives the
/// check), compared as normalizeId() compares: no copies of millions of ids.
template <class V>
using IdMap = IdIndex<V>;

/// The places of problems ("excerpts[ID].codings[2].theme") are only built
/// when there is a problem: they are passed as functions returning them.
class Checker {
public:
    Checker(const Project& p, Diagnostics& d) : _p(p), _d(d) {}

    std::size_t run() {
        collectIds();
        checkThemes();
        checkAttributes();
        checkSources();
        checkExcerpts();
        checkMemos();
        checkCases();
        checkSets();
        checkUser([] { return std::string("project.audit"); }, _p.audit, {});
        return _problems;
    }

private:
    void problem(const std::string& code, const std::string& entity, const std::string& place, const std::string& msg) {
        ++_problems;
        _d.report(Diagnostic{Severity::Fatal, "invalid." + code, entity, Location{}, place + ": " + msg, {}});
    }

    void collectIds() {
        std::size_t n = _p.users.size() + _p.themes.size() + _p.attributes.size() + _p.sources.size() + _p.excerpts.size() +
                        _p.memos.size() + _p.cases.size() + _p.sets.size();
        _kinds.reserve(n);
        auto reg = [&](Kind kind, const std::string& id, auto place) {
            if (id.empty()) {
                problem("missing-id", id, place(), std::string("a ") + kindName(kind) + " has no id");
                return;
            }
            auto [other, fresh] = _kinds.emplace(id, kind);
            if (!fresh)
                problem("duplicate-id", id, place(), "id '" + id + "' is used twice (also by a " + kindName(*other) + ")");
        };
        for (const auto& u : _p.users) reg(Kind::User, u.id, [&] { return "users[" + u.id + "]"; });
        for (const auto& t : _p.themes) reg(Kind::Theme, t.id, [&] { return "themes[" + t.id + "]"; });
        for (const auto& a : _p.attributes) reg(Kind::Attribute, a.id, [&] { return "attributes[" + a.id + "]"; });
        for (const auto& s : _p.sources) {
            reg(Kind::Source, s.id, [&] { return "sources[" + s.id + "]"; });
            for (const auto& t : s.transcripts) {
                reg(Kind::Transcript, t.id, [&] { return "sources[" + s.id + "].transcripts[" + t.id + "]"; });
                for (const auto& sp : t.syncPoints)
                    reg(Kind::SyncPoint, sp.id,
                        [&] { return "sources[" + s.id + "].transcripts[" + t.id + "].syncPoints[" + sp.id + "]"; });
            }
        }
        for (const auto& e : _p.excerpts) reg(Kind::Excerpt, e.id, [&] { return "excerpts[" + e.id + "]"; });
        for (const auto& m : _p.memos) reg(Kind::Memo, m.id, [&] { return "memos[" + m.id + "]"; });
        for (const auto& c : _p.cases) reg(Kind::Case, c.id, [&] { return "cases[" + c.id + "]"; });
        for (const auto& s : _p.sets) reg(Kind::Set, s.id, [&] { return "sets[" + s.id + "]"; });
    }

    bool is(const std::string& id, Kind kind) const {
        const Kind* k = _kinds.find(id);
        return k && *k == kind;
    }

    template <class Place>
    void ref(const std::string& id, Kind kind, const std::string& entity, Place place) {
        if (!is(id, kind))
            problem("dangling-reference", entity, place(), std::string(kindName(kind)) + " '" + id + "' does not exist");
    }

    template <class Place>
    void checkUser(Place place, const Audit& a, const std::string& entity) {
        if (!a.creator.empty()) ref(a.creator, Kind::User, entity, [&] { return place() + ".creator"; });
        if (!a.modifier.empty()) ref(a.modifier, Kind::User, entity, [&] { return place() + ".modifier"; });
    }

    void checkThemes() {
        for (const auto& t : _p.themes) {
            std::string place = "themes[" + t.id + "]";
            if (!t.parent.empty()) ref(t.parent, Kind::Theme, t.id, [&] { return place + ".parent"; });
            if (!t.color.empty() && (t.color.size() != 7 || t.color[0] != '#'))
                problem("bad-colour", t.id, place + ".color", "'" + t.color + "' is not #RRGGBB");
            checkUser([&] { return place + ".audit"; }, t.audit, t.id);
        }
        checkThemeCycles();
    }

    /// Every theme on a cycle of parents, reported once, in O(themes): a theme
    /// has one parent, so a walk up from each theme not yet settled either
    /// reaches a settled theme or the root (no cycle) or closes on itself (the
    /// part from the repeated theme on is a cycle). A walk per theme with a set
    /// of the ids seen was n² log n on a chain (a 20k-theme chain took a minute).
    void checkThemeCycles() {
        const std::size_t n = _p.themes.size();
        constexpr std::size_t kNone = static_cast<std::size_t>(-1);
        IdIndex<std::size_t> node;  // id -> the theme that stands for it (the last of an id, as its parent)
        node.reserve(n);
        for (std::size_t i = 0; i < n; ++i) *node.emplace(_p.themes[i].id, i).first = i;
        auto parentOf = [&](std::size_t i) {
            const std::string& par = _p.themes[i].parent;
            const std::size_t* j = par.empty() ? nullptr : node.find(par);
            return j ? *j : kNone;
        };
        enum : unsigned char { kNew, kWalking, kSettled, kOnCycle };
        std::vector<unsigned char> state(n, kNew);
        std::vector<std::size_t> walk;
        for (std::size_t start = 0; start < n; ++start) {
            walk.clear();
            std::size_t cur = *node.find(_p.themes[start].id);
            while (cur != kNone && state[cur] == kNew) {
                state[cur] = kWalking;
                walk.push_back(cur);
                cur = parentOf(cur);
            }
            bool closed = cur != kNone && state[cur] == kWalking;
            bool onCycle = false;
            for (std::size_t w : walk) {
                onCycle = onCycle || (closed && w == cur);
                state[w] = onCycle ? kOnCycle : kSettled;
            }
        }
        std::vector<bool> reported(n, false);
        for (const auto& t : _p.themes) {
            std::size_t i = *node.find(t.id);
            if (state[i] != kOnCycle || reported[i]) continue;
            reported[i] = true;
            problem("theme-cycle", t.id, "themes[" + t.id + "].parent", "the theme tree has a cycle through '" + t.id + "'");
        }
    }

    void checkAttributes() {
        for (const auto& a : _p.attributes) *_attrTypes.emplace(a.id, a.type).first = a.type;  // the last one wins
    }

    void checkValues(const std::vector<AttributeValue>& vals, const std::string& entity, const std::string& place) {
        for (const auto& v : vals) {
            const AttributeType* type = _attrTypes.find(v.attribute);
            if (!type) {
                problem("dangling-reference", entity, place + ".values", "attribute '" + v.attribute + "' does not exist");
                continue;
            }
            if (!validValue(*type, v.value))
                problem("bad-value", entity, place + ".values[" + v.attribute + "]",
                        "'" + v.value + "' is not a valid " + toString(*type));
        }
    }

    void checkSources() {
        _sources.reserve(_p.sources.size());
        for (const auto& s : _p.sources) {
            std::string place = "sources[" + s.id + "]";
            if (s.text && !text::isValidUtf8(*s.text)) problem("bad-text", s.id, place + ".text", "text is not valid UTF-8");
            checkValues(s.values, s.id, place);
            checkUser([&] { return place + ".audit"; }, s.audit, s.id);
            for (const auto& t : s.transcripts) {
                auto len = text::codePointCount(t.text);
                // A transcript whose text did not come with the project (a bare .qde)
                // cannot be checked: only negative positions are wrong then.
                bool known = !t.text.empty();
                for (const auto& sp : t.syncPoints)
                    if (sp.position < 0 || (known && sp.position > len))
                        problem("span-out-of-range", sp.id, place + ".transcripts[" + t.id + "].syncPoints[" + sp.id + "]",
                                "position " + std::to_string(sp.position) + " lies outside the transcript (length " +
                                    std::to_string(len) + ")");
            }
            *_sources.emplace(s.id, &s).first = &s;  // the last one wins
        }
    }

    void checkExcerpts() {
        for (const auto& e : _p.excerpts) {
            auto place = [&] { return "excerpts[" + e.id + "]"; };
            checkUser([&] { return place() + ".audit"; }, e.audit, e.id);
            for (std::size_t i = 0; i < e.codings.size(); ++i) {
                const auto& c = e.codings[i];
                auto cp = [&] { return place() + ".codings[" + std::to_string(i) + "]"; };
                ref(c.theme, Kind::Theme, e.id, [&] { return cp() + ".theme"; });
                if (!c.creator.empty()) ref(c.creator, Kind::User, e.id, [&] { return cp() + ".creator"; });
            }
            const Source* const* found = _sources.find(e.source);
            if (!found) {
                problem("dangling-reference", e.id, place() + ".source", "source '" + e.source + "' does not exist");
                continue;
            }
            const Source& s = **found;
            if (auto* span = std::get_if<TextSpan>(&e.anchor)) {
                if (!s.text) {
                    // The text did not come with the project (a bare .qde, a table without
                    // source texts): the span cannot be checked, only its order.
                    if (span->start < 0 || span->end < span->start)
                        problem("span-out-of-range", e.id, place() + ".anchor", "span is negative or inverted");
                    continue;
                }
                if (_lastIndexed != &s) {  // one pass over each text, not one per excerpt
                    auto& made = _textIndex[&s];
                    if (!made) made = std::make_unique<text::CodePointIndex>(*s.text);
                    _lastIndexed = &s;
                    _lastIndex = made.get();
                }
                const auto& index = _lastIndex;
                auto len = index->length();
                if (span->start < 0 || span->end < span->start || span->end > len) {
                    problem("span-out-of-range", e.id, place() + ".anchor",
                            "span [" + std::to_string(span->start) + ", " + std::to_string(span->end) +
                                ") does not lie inside source '" + s.id + "' (" + std::to_string(len) + " code points)");
                    continue;
                }
                if (e.quote) {
                    std::string_view actual = index->substr(span->start, span->end);
                    if (actual != *e.quote)
                        problem("quote-mismatch", e.id, place() + ".quote",
                                "the quoted text does not match the source text at [" + std::to_string(span->start) +
                                    ", " + std::to_string(span->end) + ")");
                }
            } else if (auto* ts = std::get_if<TranscriptSpan>(&e.anchor)) {
                const Transcript* tr = transcriptOf(s, ts->transcript());
                if (!tr) {
                    problem("dangling-reference", e.id, place() + ".anchor.transcript",
                            "transcript '" + ts->transcript() + "' is not a transcript of source '" + s.id + "'");
                    continue;
                }
                for (const auto* spId : {&ts->fromSyncPoint(), &ts->toSyncPoint()}) {
                    if (spId->empty()) continue;
                    if (!hasSyncPoint(*tr, *spId))
                        problem("dangling-reference", e.id, place() + ".anchor",
                                "sync point '" + *spId + "' is not in transcript '" + tr->id + "'");
                }
            } else if (auto* ts = std::get_if<TimeSpan>(&e.anchor)) {
                if (ts->begin < 0 || ts->end < ts->begin)
                    problem("span-out-of-range", e.id, place() + ".anchor", "time span is negative or inverted");
            }
        }
    }

    /// The transcript of a source with this id (the last of an id) and whether a
    /// transcript has a sync point, through indexes built on first use: a scan of
    /// the transcripts and sync points per excerpt was O(excerpts × sync points).
    const Transcript* transcriptOf(const Source& s, const std::string& id) {
        auto [idx, fresh] = _transcripts.try_emplace(&s);
        if (fresh)
            for (const auto& t : s.transcripts) *idx->second.emplace(t.id, &t).first = &t;
        const Transcript* const* t = idx->second.find(id);
        return t ? *t : nullptr;
    }
    bool hasSyncPoint(const Transcript& t, const std::string& id) {
        auto [idx, fresh] = _syncPoints.try_emplace(&t);
        if (fresh)
            for (const auto& sp : t.syncPoints) idx->second.emplace(sp.id, 0);
        return idx->second.contains(id);
    }

    void checkMemos() {
        for (const auto& m : _p.memos) {
            std::string place = "memos[" + m.id + "]";
            for (const auto& t : m.targets)
                if (!_kinds.contains(t))
                    problem("dangling-reference", m.id, place + ".targets", "target '" + t + "' does not exist");
            checkUser([&] { return place + ".audit"; }, m.audit, m.id);
        }
    }

    void checkCases() {
        for (const auto& c : _p.cases) {
            std::string place = "cases[" + c.id + "]";
            checkValues(c.values, c.id, place);
            for (const auto& t : c.themes) ref(t, Kind::Theme, c.id, [&] { return place + ".themes"; });
            for (const auto& s : c.sources) ref(s, Kind::Source, c.id, [&] { return place + ".sources"; });
            for (const auto& e : c.excerpts) ref(e, Kind::Excerpt, c.id, [&] { return place + ".excerpts"; });
        }
    }

    void checkSets() {
        for (const auto& s : _p.sets) {
            std::string place = "sets[" + s.id + "]";
            for (const auto& t : s.themes) ref(t, Kind::Theme, s.id, [&] { return place + ".themes"; });
            for (const auto& x : s.sources) ref(x, Kind::Source, s.id, [&] { return place + ".sources"; });
            for (const auto& m : s.memos) ref(m, Kind::Memo, s.id, [&] { return place + ".memos"; });
        }
    }

    const Project& _p;
    Diagnostics& _d;
    std::size_t _problems = 0;
    IdMap<Kind> _kinds;
    IdMap<AttributeType> _attrTypes;
    IdMap<const Source*> _sources;
    std::map<const Source*, std::unique_ptr<text::CodePointIndex>> _textIndex;
    std::unordered_map<const Source*, IdMap<const Transcript*>> _transcripts;
    std::unordered_map<const Transcript*, IdMap<char>> _syncPoints;
    const Source* _lastIndexed = nullptr;  // excerpts come grouped by source: the last index used
    const text::CodePointIndex* _lastIndex = nullptr;
};

} // namespace

std::size_t validateProject(const Project& p, Diagnostics& diag) { return Checker(p, diag).run(); }

} // namespace qdx
