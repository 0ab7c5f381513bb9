// Gathering both coders' codings as intervals, and the interval sweeps that
// the measures are computed from.

#include "Collect.h"

#include "qdx/Errors.h"
#include "qdx/IdIndex.h"

#include <algorithm>
#include <limits>

namespace qdx::team::detail {

namespace {

/// The codings of one side, with the lookups from ids to matched pairs.
class SideCollector {
public:
    SideCollector(const Project& p, int side, const Matching& m, const std::string& coder, LeftOut& left)
        : _p(p), _side(side), _m(m), _left(left) {
        _themes.reserve(p.themes.size());
        for (std::size_t i = 0; i < m.themes.size(); ++i) {
            const auto& t = p.themes[side == 0 ? m.themes[i].a : m.themes[i].b];
            _themes.emplace(t.id, static_cast<std::uint32_t>(i));
        }
        for (const auto& t : p.themes) _themes.emplace(t.id, kNone);
        _sources.reserve(p.sources.size());
        for (std::size_t i = 0; i < m.sources.size(); ++i) {
            const auto& s = p.sources[side == 0 ? m.sources[i].a : m.sources[i].b];
            _sources.emplace(s.id, static_cast<std::uint32_t>(i));
        }
        for (const auto& s : p.sources)
            if (!s.text) _sources.emplace(s.id, kNoText);
        if (!coder.empty())
            for (const auto& id : usersNamed(p, coder)) _coders.push_back(id);
        _filter = !coder.empty();
    }

    void collect(std::vector<Interval>& out) {
        for (const auto& e : _p.excerpts)
            for (const auto& c : e.codings) add(e, c, out);
    }

private:
    static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
    static constexpr std::uint32_t kNoText = kNone - 1;

    bool mine(const Excerpt& e, const Coding& c) const {
        if (!_filter) return true;
        const std::string& who = c.creator.empty() ? e.audit.creator : c.creator;
        for (const auto& id : _coders)
            if (IdEqual{}(id, who)) return true;
        return false;
    }

    void add(const Excerpt& e, const Coding& c, std::vector<Interval>& out) {
        if (!mine(e, c)) {
            ++_left.otherCoder;
            return;
        }
        const std::uint32_t* theme = _themes.find(c.theme);
        if (!theme || *theme == kNone) {
            ++_left.themeUnmatched;
            return;
        }
        const std::uint32_t* source = _sources.find(e.source);
        if (!source || *source == kNoText) {
            ++(source ? _left.notText : _left.sourceUnmatched);
            return;
        }
        const NormalizedText& t = _side == 0 ? _m.textA[*source] : _m.textB[*source];
        std::int64_t start = 0, end = t.originalLength();
        if (const auto* span = std::get_if<TextSpan>(&e.anchor)) {
            start = span->start;
            end = span->end;
        } else if (!std::holds_alternative<std::monostate>(e.anchor)) {
            ++_left.notText;  // a region of a PDF page, a picture, a time span
            return;
        }
        if (start < 0 || end < start || end > t.originalLength()) {
            ++_left.outsideText;
            return;
        }
        start = t.toNormalized(start);
        end = t.toNormalized(end);
        if (start >= end) {
            ++_left.empty;
            return;
        }
        ++_left.compared;
        out.push_back({Interval::makeKey(*source, *theme, _side), start, end});
    }

    const Project& _p;
    int _side;
    const Matching& _m;
    LeftOut& _left;
    IdIndex<std::uint32_t> _themes, _sources;
    std::vector<std::string> _coders;
    bool _filter = false;
};

} // namespace

std::vector<Interval> collectIntervals(AgreementResult& r) {
    const Matching& m = r.matching;
    if (m.sources.size() >= (std::size_t{1} << 31) || m.themes.size() >= (std::size_t{1} << 32))
        throw InputError("over 2^31 sources or 2^32 themes: too many to compare");
    std::vector<Interval> out;
    out.reserve(r.a.project->codingCount() + (r.a.project == r.b.project ? 0 : r.b.project->codingCount()));
    SideCollector(*r.a.project, 0, m, r.a.coder, r.leftOutA).collect(out);
    SideCollector(*r.b.project, 1, m, r.b.coder, r.leftOutB).collect(out);
    std::sort(out.begin(), out.end());
    return out;
}

void unite(const Interval* first, const Interval* last, bool touching, Spans& out) {
    out.clear();
    for (const Interval* i = first; i != last; ++i) {
        if (!out.empty() && (i->start < out.back().second || (touching && i->start == out.back().second))) {
            out.back().second = std::max(out.back().second, i->end);
            continue;
        }
        out.emplace_back(i->start, i->end);
    }
}

namespace {

/// Each segment of `mine` against the other coder's: agrees when one of
/// theirs overlaps it by at least `overlap` percent of the two's union.
void checkSide(const Spans& mine, const Spans& theirs, double overlap, int coder, std::int64_t& agree,
               std::int64_t& miss, const Cell& cell, std::vector<Disagreement>& out) {
    std::size_t j = 0;
    for (const auto& [s, e] : mine) {
        while (j < theirs.size() && theirs[j].second <= s) ++j;
        long double best = 0;
        bool ok = false;
        for (std::size_t k = j; k < theirs.size() && theirs[k].first < e; ++k) {
            long double inter = std::min(e, theirs[k].second) - std::max(s, theirs[k].first);
            long double uni = std::max(e, theirs[k].second) - std::min(s, theirs[k].first);
            // inter/uni >= overlap/100, in products: no rounding at the threshold
            if (inter * 100 >= static_cast<long double>(overlap) * uni) ok = true;
            best = std::max(best, 100 * inter / uni);
        }
        if (ok) {
            ++agree;
            continue;
        }
        ++miss;
        out.push_back({cell.theme, cell.source, coder, s, e, static_cast<double>(best)});
    }
}

} // namespace

void compareSegments(const Spans& a, const Spans& b, double overlap, Cell& cell, std::vector<Disagreement>& out) {
    checkSide(a, b, overlap, 0, cell.segAgreeA, cell.segMissA, cell, out);
    checkSide(b, a, overlap, 1, cell.segAgreeB, cell.segMissB, cell, out);
}

} // namespace qdx::team::detail
