#include "qdx/Validate.h"

#include "qdx/Text.h"

#include <cstdlib>
#include <map>
#include <memory>
#include <set>

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
        checkUser("project.audit", _p.audit);
        return _problems;
    }

private:
    void problem(const std::string& code, const std::string& entity, const std::string& place, const std::string& msg) {
        ++_problems;
        _d.report(Diagnostic{Severity::Fatal, "invalid." + code, entity, Location{}, place + ": " + msg, {}});
    }

    void collectIds() {
        auto reg = [&](const std::string& kind, const std::string& id, const std::string& place) {
            if (id.empty()) {
                problem("missing-id", id, place, "a " + kind + " has no id");
                return;
            }
            auto [it, fresh] = _kinds.emplace(normalizeId(id), kind);
            if (!fresh) problem("duplicate-id", id, place, "id '" + id + "' is used twice (also by a " + it->second + ")");
        };
        for (std::size_t i = 0; i < _p.users.size(); ++i) reg("user", _p.users[i].id, "users[" + _p.users[i].id + "]");
        for (const auto& t : _p.themes) reg("theme", t.id, "themes[" + t.id + "]");
        for (const auto& a : _p.attributes) reg("attribute", a.id, "attributes[" + a.id + "]");
        for (const auto& s : _p.sources) {
            reg("source", s.id, "sources[" + s.id + "]");
            for (const auto& t : s.transcripts) {
                reg("transcript", t.id, "sources[" + s.id + "].transcripts[" + t.id + "]");
                for (const auto& sp : t.syncPoints) reg("sync point", sp.id, "sources[" + s.id + "].transcripts[" + t.id + "].syncPoints[" + sp.id + "]");
            }
        }
        for (const auto& e : _p.excerpts) reg("excerpt", e.id, "excerpts[" + e.id + "]");
        for (const auto& m : _p.memos) reg("memo", m.id, "memos[" + m.id + "]");
        for (const auto& c : _p.cases) reg("case", c.id, "cases[" + c.id + "]");
        for (const auto& s : _p.sets) reg("set", s.id, "sets[" + s.id + "]");
    }

    bool is(const std::string& id, const std::string& kind) const {
        auto it = _kinds.find(normalizeId(id));
        return it != _kinds.end() && it->second == kind;
    }

    void ref(const std::string& id, const std::string& kind, const std::string& entity, const std::string& place) {
        if (!is(id, kind)) problem("dangling-reference", entity, place, kind + " '" + id + "' does not exist");
    }

    void checkUser(const std::string& place, const Audit& a, const std::string& entity = {}) {
        if (!a.creator.empty()) ref(a.creator, "user", entity, place + ".creator");
        if (!a.modifier.empty()) ref(a.modifier, "user", entity, place + ".modifier");
    }

    void checkThemes() {
        std::map<std::string, std::string> parent;
        for (const auto& t : _p.themes) {
            std::string place = "themes[" + t.id + "]";
            if (!t.parent.empty()) {
                ref(t.parent, "theme", t.id, place + ".parent");
                parent[normalizeId(t.id)] = normalizeId(t.parent);
            }
            if (!t.color.empty() && (t.color.size() != 7 || t.color[0] != '#'))
                problem("bad-colour", t.id, place + ".color", "'" + t.color + "' is not #RRGGBB");
            checkUser(place + ".audit", t.audit, t.id);
        }
        // Cycle detection: follow parents; a walk longer than the theme count is a cycle.
        std::set<std::string> reported;
        for (const auto& t : _p.themes) {
            std::string cur = normalizeId(t.id);
            std::set<std::string> seen;
            while (parent.count(cur)) {
                if (!seen.insert(cur).second) {
                    if (reported.insert(cur).second)
                        problem("theme-cycle", t.id, "themes[" + t.id + "].parent", "the theme tree has a cycle through '" + t.id + "'");
                    break;
                }
                cur = parent[cur];
            }
        }
    }

    void checkAttributes() {
        for (const auto& a : _p.attributes) _attrTypes[normalizeId(a.id)] = a.type;
    }

    void checkValues(const std::vector<AttributeValue>& vals, const std::string& entity, const std::string& place) {
        for (const auto& v : vals) {
            auto it = _attrTypes.find(normalizeId(v.attribute));
            if (it == _attrTypes.end()) {
                problem("dangling-reference", entity, place + ".values", "attribute '" + v.attribute + "' does not exist");
                continue;
            }
            if (!validValue(it->second, v.value))
                problem("bad-value", entity, place + ".values[" + v.attribute + "]",
                        "'" + v.value + "' is not a valid " + toString(it->second));
        }
    }

    void checkSources() {
        for (const auto& s : _p.sources) {
            std::string place = "sources[" + s.id + "]";
            if (s.text && !text::isValidUtf8(*s.text)) problem("bad-text", s.id, place + ".text", "text is not valid UTF-8");
            checkValues(s.values, s.id, place);
            checkUser(place + ".audit", s.audit, s.id);
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
            _sources[normalizeId(s.id)] = &s;
        }
    }

    void checkExcerpts() {
        for (const auto& e : _p.excerpts) {
            std::string place = "excerpts[" + e.id + "]";
            checkUser(place + ".audit", e.audit, e.id);
            for (std::size_t i = 0; i < e.codings.size(); ++i) {
                const auto& c = e.codings[i];
                std::string cp = place + ".codings[" + std::to_string(i) + "]";
                ref(c.theme, "theme", e.id, cp + ".theme");
                if (!c.creator.empty()) ref(c.creator, "user", e.id, cp + ".creator");
            }
            auto sit = _sources.find(normalizeId(e.source));
            if (sit == _sources.end()) {
                problem("dangling-reference", e.id, place + ".source", "source '" + e.source + "' does not exist");
                continue;
            }
            const Source& s = *sit->second;
            if (auto* span = std::get_if<TextSpan>(&e.anchor)) {
                if (!s.text) {
                    // The text did not come with the project (a bare .qde, a table without
                    // source texts): the span cannot be checked, only its order.
                    if (span->start < 0 || span->end < span->start)
                        problem("span-out-of-range", e.id, place + ".anchor", "span is negative or inverted");
                    continue;
                }
                auto& index = _textIndex[&s];  // one pass over each text, not one per excerpt
                if (!index) index = std::make_unique<text::CodePointIndex>(*s.text);
                auto len = index->length();
                if (span->start < 0 || span->end < span->start || span->end > len) {
                    problem("span-out-of-range", e.id, place + ".anchor",
                            "span [" + std::to_string(span->start) + ", " + std::to_string(span->end) +
                                ") does not lie inside source '" + s.id + "' (" + std::to_string(len) + " code points)");
                    continue;
                }
                if (e.quote) {
                    std::string_view actual = index->substr(span->start, span->end);
                    if (actual != *e.quote)
                        problem("quote-mismatch", e.id, place + ".quote",
                                "the quoted text does not match the source text at [" + std::to_string(span->start) +
                                    ", " + std::to_string(span->end) + ")");
                }
            } else if (auto* ts = std::get_if<TranscriptSpan>(&e.anchor)) {
                const Transcript* tr = nullptr;
                for (const auto& t : s.transcripts)
                    if (normalizeId(t.id) == normalizeId(ts->transcript)) tr = &t;
                if (!tr) {
                    problem("dangling-reference", e.id, place + ".anchor.transcript",
                            "transcript '" + ts->transcript + "' is not a transcript of source '" + s.id + "'");
                    continue;
                }
                for (const auto* spId : {&ts->fromSyncPoint, &ts->toSyncPoint}) {
                    if (spId->empty()) continue;
                    bool found = false;
                    for (const auto& sp : tr->syncPoints)
                        if (normalizeId(sp.id) == normalizeId(*spId)) found = true;
                    if (!found)
                        problem("dangling-reference", e.id, place + ".anchor",
                                "sync point '" + *spId + "' is not in transcript '" + tr->id + "'");
                }
            } else if (auto* ts = std::get_if<TimeSpan>(&e.anchor)) {
                if (ts->begin < 0 || ts->end < ts->begin)
                    problem("span-out-of-range", e.id, place + ".anchor", "time span is negative or inverted");
            }
        }
    }

    void checkMemos() {
        for (const auto& m : _p.memos) {
            std::string place = "memos[" + m.id + "]";
            for (const auto& t : m.targets)
                if (!_kinds.count(normalizeId(t)))
                    problem("dangling-reference", m.id, place + ".targets", "target '" + t + "' does not exist");
            checkUser(place + ".audit", m.audit, m.id);
        }
    }

    void checkCases() {
        for (const auto& c : _p.cases) {
            std::string place = "cases[" + c.id + "]";
            checkValues(c.values, c.id, place);
            for (const auto& t : c.themes) ref(t, "theme", c.id, place + ".themes");
            for (const auto& s : c.sources) ref(s, "source", c.id, place + ".sources");
            for (const auto& e : c.excerpts) ref(e, "excerpt", c.id, place + ".excerpts");
        }
    }

    void checkSets() {
        for (const auto& s : _p.sets) {
            std::string place = "sets[" + s.id + "]";
            for (const auto& t : s.themes) ref(t, "theme", s.id, place + ".themes");
            for (const auto& x : s.sources) ref(x, "source", s.id, place + ".sources");
            for (const auto& m : s.memos) ref(m, "memo", s.id, place + ".memos");
        }
    }

    const Project& _p;
    Diagnostics& _d;
    std::size_t _problems = 0;
    std::map<std::string, std::string> _kinds;
    std::map<std::string, AttributeType> _attrTypes;
    std::map<std::string, const Source*> _sources;
    std::map<const Source*, std::unique_ptr<text::CodePointIndex>> _textIndex;
};

} // namespace

std::size_t validateProject(const Project& p, Diagnostics& diag) { return Checker(p, diag).run(); }

} // namespace qdx
