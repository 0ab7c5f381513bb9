#include "qdx/team/Agreement.h"

#include "Collect.h"

#include "qdx/Errors.h"

#include <algorithm>

namespace qdx::team {

std::optional<double> SegmentTable::percentage() const {
    if (total() == 0) return std::nullopt;
    return static_cast<double>(agreements()) / static_cast<double>(total());
}

std::vector<std::string> usersNamed(const Project& p, const std::string& coder) {
    std::vector<std::string> ids;
    std::string name = normalizeName(coder);
    for (const auto& u : p.users)
        if (normalizeName(u.name) == name || IdEqual{}(u.id, coder)) ids.push_back(u.id);
    if (!ids.empty()) return ids;
    // A creator id that the project's user list lacks (some tools write only ids).
    for (const auto& e : p.excerpts)
        for (const auto& c : e.codings)
            if (IdEqual{}(c.creator.empty() ? e.audit.creator : c.creator, coder)) return {coder};
    return ids;
}

namespace {

void checkCoder(const CoderSide& s) {
    if (s.coder.empty() || !usersNamed(*s.project, s.coder).empty()) return;
    std::string known;
    for (const auto& u : s.project->users) known += (known.empty() ? "" : ", ") + (u.name.empty() ? u.id : u.name);
    throw UsageError("no user '" + s.coder + "' in " + s.label + (known.empty() ? " (it has no users)" : "; its users are: " + known));
}

/// Differences of two sets of disjoint sorted spans: the stretches coded by
/// one coder only, in text order.
void stretches(const detail::Spans& a, const detail::Spans& b, const Cell& cell, std::vector<Disagreement>& out) {
    auto minus = [&](const detail::Spans& x, const detail::Spans& y, int coder) {
        std::size_t j = 0;
        for (auto [s, e] : x) {
            while (j < y.size() && y[j].second <= s) ++j;
            for (std::size_t k = j; k < y.size() && y[k].first < e; ++k) {
                if (y[k].first > s) out.push_back({cell.theme, cell.source, coder, s, y[k].first, std::nullopt});
                s = std::max(s, y[k].second);
            }
            if (s < e) out.push_back({cell.theme, cell.source, coder, s, e, std::nullopt});
        }
    };
    minus(a, b, 0);
    minus(b, a, 1);
}

std::int64_t covered(const detail::Spans& x) {
    std::int64_t n = 0;
    for (const auto& [s, e] : x) n += e - s;
    return n;
}

std::int64_t intersection(const detail::Spans& a, const detail::Spans& b) {
    std::int64_t n = 0;
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        std::int64_t lo = std::max(a[i].first, b[j].first), hi = std::min(a[i].second, b[j].second);
        if (lo < hi) n += hi - lo;
        (a[i].second < b[j].second) ? ++i : ++j;
    }
    return n;
}

/// One sweep over the sorted intervals: a cell per (source, theme) group.
void sweep(const std::vector<detail::Interval>& iv, AgreementResult& r) {
    detail::Spans ua, ub, sa, sb;
    bool segments = r.options.unit == Unit::Segment;
    for (std::size_t i = 0; i < iv.size();) {
        std::size_t j = i;
        while (j < iv.size() && iv[j].group() == iv[i].group()) ++j;
        std::size_t mid = i;
        while (mid < j && iv[mid].side() == 0) ++mid;
        Cell cell;
        cell.source = iv[i].source();
        cell.theme = iv[i].theme();
        detail::unite(&iv[i], &iv[mid], true, ua);
        detail::unite(&iv[mid], &iv[j], true, ub);
        std::int64_t n = r.matching.textA[cell.source].length(), ca = covered(ua), cb = covered(ub);
        std::int64_t both = intersection(ua, ub);
        cell.counts = {both, ca - both, cb - both, n - (ca + cb - both)};
        cell.agreement = percentAgreement(cell.counts);
        cell.kappa = cohenKappa(cell.counts);
        if (segments) {
            detail::unite(&iv[i], &iv[mid], false, sa);  // MAXQDA keeps segments that only meet apart
            detail::unite(&iv[mid], &iv[j], false, sb);
            detail::compareSegments(sa, sb, r.options.overlap, cell, r.disagreements);
        } else {
            stretches(ua, ub, cell, r.disagreements);
        }
        r.cells.push_back(cell);
        i = j;
    }
}

void summarizeThemes(AgreementResult& r) {
    std::sort(r.cells.begin(), r.cells.end(),
              [](const Cell& x, const Cell& y) { return x.theme != y.theme ? x.theme < y.theme : x.source < y.source; });
    r.themes.resize(r.matching.themes.size());
    const auto sources = static_cast<long double>(r.comparedSources);
    std::size_t c = 0;
    for (std::size_t t = 0; t < r.themes.size(); ++t) {
        ThemeResult& th = r.themes[t];
        th.theme = t;
        long double weighted = 0, sum = 0;
        std::int64_t cellChars = 0, cells = 0;
        for (; c < r.cells.size() && r.cells[c].theme == t; ++c) {
            const Cell& cell = r.cells[c];
            std::int64_t n = cell.counts.units();
            th.pooled += cell.counts;
            weighted += static_cast<long double>(n) * cell.kappa;
            sum += cell.kappa;
            cellChars += n;
            ++cells;
            th.segments.agreeA += cell.segAgreeA;
            th.segments.missA += cell.segMissA;
            th.segments.agreeB += cell.segAgreeB;
            th.segments.missB += cell.segMissB;
        }
        th.used = cells > 0;
        // Sources where neither coded the theme: every character agrees, kappa 1.
        th.pooled.neither += r.characters - cellChars;
        th.agreement = percentAgreement(th.pooled);
        if (r.characters > 0)
            th.kappaWeighted = static_cast<double>((weighted + static_cast<long double>(r.characters - cellChars)) /
                                                   static_cast<long double>(r.characters));
        if (sources > 0) th.kappaMean = static_cast<double>((sum + (sources - static_cast<long double>(cells))) / sources);
        th.kappaPooled = cohenKappa(th.pooled);
        th.alpha = krippendorffAlphaBinary(th.pooled);
    }
}

void summarizeOverall(AgreementResult& r) {
    Overall& o = r.overall;
    long double weighted = 0, mean = 0;
    for (const auto& th : r.themes) {
        if (th.segments.total() > 0) ++o.segmentCategories;
        o.segments.agreeA += th.segments.agreeA;
        o.segments.missA += th.segments.missA;
        o.segments.agreeB += th.segments.agreeB;
        o.segments.missB += th.segments.missB;
        if (!th.used) continue;
        ++o.themes;
        o.pooled += th.pooled;
        weighted += th.kappaWeighted;
        mean += th.kappaMean;
    }
    if (auto po = o.segments.percentage()) o.segmentKappa = brennanPrediger(*po, o.segmentCategories);
    if (o.themes == 0) return;  // nobody coded anything: agreement on every unit (the defaults, 1)
    o.agreement = percentAgreement(o.pooled);
    o.kappaWeighted = static_cast<double>(weighted / static_cast<long double>(o.themes));
    o.kappaMean = static_cast<double>(mean / static_cast<long double>(o.themes));
    o.kappaPooled = cohenKappa(o.pooled);
    o.alpha = krippendorffAlphaBinary(o.pooled);
}

} // namespace

AgreementResult computeAgreement(const CoderSide& a, const CoderSide& b, const AgreeOptions& options) {
    if (!a.project || !b.project) throw UsageError("agreement needs two projects");
    if (!(options.overlap > 0 && options.overlap <= 100)) throw UsageError("the overlap is a percentage in (0, 100]");
    checkCoder(a);
    checkCoder(b);
    AgreementResult r;
    r.a = a;
    r.b = b;
    r.options = options;
    r.matching = matchProjects(*a.project, *b.project, options.mapping, a.label, b.label);
    for (const auto& t : r.matching.textA) {
        r.characters += t.length();
        r.comparedSources += t.length() > 0;
    }
    auto intervals = detail::collectIntervals(r);
    sweep(intervals, r);
    summarizeThemes(r);
    summarizeOverall(r);
    std::sort(r.disagreements.begin(), r.disagreements.end(), [](const Disagreement& x, const Disagreement& y) {
        if (x.theme != y.theme) return x.theme < y.theme;
        if (x.source != y.source) return x.source < y.source;
        if (x.start != y.start) return x.start < y.start;
        return x.coder < y.coder;
    });
    return r;
}

} // namespace qdx::team
