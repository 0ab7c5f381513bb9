#include "qdx/team/AgreementOutput.h"

#include "Describe.h"

namespace qdx::team {

namespace {

using namespace detail;

Json counts(const UnitCounts& c) {
    Json o = Json::object();
    o.set("both", c.both);
    o.set("aOnly", c.aOnly);
    o.set("bOnly", c.bOnly);
    o.set("neither", c.neither);
    return o;
}

Json segments(const SegmentTable& s) {
    Json o = Json::object();
    o.set("segmentsA", s.agreeA + s.missA);
    o.set("agreeingA", s.agreeA);
    o.set("segmentsB", s.agreeB + s.missB);
    o.set("agreeingB", s.agreeB);
    o.set("agreements", s.agreements());
    o.set("disagreements", s.disagreements());
    auto p = s.percentage();
    o.set("percentage", p ? Json(*p) : Json());
    return o;
}

Json side(const CoderSide& s, const LeftOut& l) {
    Json o = Json::object();
    o.set("label", s.label);
    o.set("coder", s.coder.empty() ? Json() : Json(s.coder));
    Json left = Json::object();
    left.set("compared", l.compared);
    left.set("otherCoder", l.otherCoder);
    left.set("themeUnmatched", l.themeUnmatched);
    left.set("sourceUnmatched", l.sourceUnmatched);
    left.set("notText", l.notText);
    left.set("outsideText", l.outsideText);
    left.set("empty", l.empty);
    o.set("codings", std::move(left));
    return o;
}

Json unmatched(const std::vector<Unmatched>& list, const Project& p, bool themes) {
    Json arr = Json::array();
    for (const auto& u : list) {
        Json o = Json::object();
        o.set("id", themes ? p.themes[u.index].id : p.sources[u.index].id);
        o.set(themes ? "path" : "name", u.name);
        o.set("reason", u.reason);
        arr.push(std::move(o));
    }
    return arr;
}

Json measures(Json o, const UnitCounts& c, double agreement, double kw, double km, double kp, double alpha) {
    o.set("counts", counts(c));
    o.set("agreement", agreement);
    o.set("kappaWeighted", kw);
    o.set("kappaMean", km);
    o.set("kappaPooled", kp);
    o.set("alpha", alpha);
    return o;
}

Json themeJson(const AgreementResult& r, const ThemeResult& th, std::size_t& c) {
    const auto& pair = r.matching.themes[th.theme];
    Json o = Json::object();
    o.set("path", pair.path);
    o.set("a", r.a.project->themes[pair.a].id);
    o.set("b", r.b.project->themes[pair.b].id);
    if (pair.mapped) o.set("pathB", pair.pathB);
    o.set("used", th.used);
    o = measures(std::move(o), th.pooled, th.agreement, th.kappaWeighted, th.kappaMean, th.kappaPooled, th.alpha);
    bool seg = r.options.unit == Unit::Segment;
    if (seg) o.set("segments", segments(th.segments));
    Json cells = Json::array();
    for (; c < r.cells.size() && r.cells[c].theme == th.theme; ++c) {
        const Cell& cell = r.cells[c];
        Json x = Json::object();
        x.set("source", sourceName(r, cell.source));
        x.set("a", sourceA(r, cell.source).id);
        x.set("b", sourceB(r, cell.source).id);
        x.set("length", cell.counts.units());
        x.set("counts", counts(cell.counts));
        x.set("agreement", cell.agreement);
        x.set("kappa", cell.kappa);
        if (seg) x.set("segments", segments({cell.segAgreeA, cell.segMissA, cell.segAgreeB, cell.segMissB}));
        cells.push(std::move(x));
    }
    o.set("sources", std::move(cells));
    return o;
}

Json disagreement(const AgreementResult& r, Quotes& q, const Disagreement& d) {
    Json o = Json::object();
    o.set("theme", themePathOf(r, d.theme));
    o.set("source", sourceName(r, d.source));
    o.set("sourceA", sourceA(r, d.source).id);
    o.set("sourceB", sourceB(r, d.source).id);
    o.set("coder", d.coder == 0 ? "A" : "B");
    o.set("start", d.start);
    o.set("end", d.end);
    o.set("line", q.line(d.source, d.start));
    if (d.bestOverlap) o.set("bestOverlap", *d.bestOverlap);
    o.set("quote", q.quote(d.source, d.start, d.end));
    return o;
}

/// The members before "themes" and those between "themes" and "disagreements".
std::pair<Json, Json> frame(const AgreementResult& r) {
    const auto& m = r.matching;
    Json head = Json::object();
    head.set("unit", unitName(r.options.unit));
    if (r.options.unit == Unit::Segment) head.set("overlap", r.options.overlap);
    head.set("a", side(r.a, r.leftOutA));
    head.set("b", side(r.b, r.leftOutB));
    head.set("characters", r.characters);
    Json sources = Json::object();
    Json compared = Json::array();
    for (std::size_t i = 0; i < m.sources.size(); ++i) {
        Json o = Json::object();
        o.set("name", sourceName(r, i));
        o.set("a", sourceA(r, i).id);
        o.set("b", sourceB(r, i).id);
        o.set("length", m.textA[i].length());
        compared.push(std::move(o));
    }
    sources.set("compared", std::move(compared));
    sources.set("onlyA", unmatched(m.sourcesOnlyA, *r.a.project, false));
    sources.set("onlyB", unmatched(m.sourcesOnlyB, *r.b.project, false));
    head.set("sources", std::move(sources));

    Json tail = Json::object();
    tail.set("themesOnlyA", unmatched(m.themesOnlyA, *r.a.project, true));
    tail.set("themesOnlyB", unmatched(m.themesOnlyB, *r.b.project, true));
    const auto& ov = r.overall;
    Json overall = Json::object();
    overall.set("themes", static_cast<std::uint64_t>(ov.themes));
    overall = measures(std::move(overall), ov.pooled, ov.agreement, ov.kappaWeighted, ov.kappaMean, ov.kappaPooled, ov.alpha);
    if (r.options.unit == Unit::Segment) {
        overall.set("segments", segments(ov.segments));
        overall.set("segmentCategories", ov.segmentCategories);
        overall.set("segmentKappa", ov.segmentKappa ? Json(*ov.segmentKappa) : Json());
    }
    tail.set("overall", std::move(overall));
    return {std::move(head), std::move(tail)};
}

/// An object's members as JSON text, without the braces.
std::string members(const Json& o) {
    std::string s = o.dump();
    return s.substr(1, s.size() - 2);
}

} // namespace

Json agreementJson(const AgreementResult& r) {
    auto [root, tail] = frame(r);
    Json themes = Json::array();
    std::size_t c = 0;
    for (const auto& th : r.themes) themes.push(themeJson(r, th, c));
    root.set("themes", std::move(themes));
    for (auto& [k, v] : tail.asObject()) root.set(k, std::move(v));
    Quotes q(r);
    Json list = Json::array();
    for (const auto& d : r.disagreements) list.push(disagreement(r, q, d));
    root.set("disagreements", std::move(list));
    return root;
}

void writeAgreementJson(const AgreementResult& r, std::ostream& out) {
    // The same document as agreementJson(r).dump(), written theme by theme and disagreement by
    // disagreement: a million disagreements as one tree of qdx::Json values took 2 GB.
    auto [head, tail] = frame(r);
    out << '{' << members(head) << ",\"themes\":[";
    std::size_t c = 0;
    for (std::size_t t = 0; t < r.themes.size(); ++t) out << (t ? "," : "") << themeJson(r, r.themes[t], c).dump();
    out << "]," << members(tail) << ",\"disagreements\":[";
    Quotes q(r);
    for (std::size_t i = 0; i < r.disagreements.size(); ++i) out << (i ? "," : "") << disagreement(r, q, r.disagreements[i]).dump();
    out << "]}";
}

} // namespace qdx::team
