#pragma once
// Internal to qdx_team: the codings of both sides as intervals over the
// normalised texts, grouped by (source pair, theme pair).

#include "qdx/team/Agreement.h"

#include <cstdint>
#include <vector>

namespace qdx::team::detail {

/// One coding as an interval over a normalised text. 24 bytes: a million
/// codings per coder are 48 MB. Sorting by (key, start, end) groups them by
/// source pair, then theme pair, then side.
struct Interval {
    std::uint64_t key;  ///< source (31 bits) << 33 | theme (32 bits) << 1 | side
    std::int64_t start, end;

    static std::uint64_t makeKey(std::size_t source, std::size_t theme, int side)
    {
        return static_cast<std::uint64_t>(source) << 33 | static_cast<std::uint64_t>(theme) << 1 | static_cast<std::uint64_t>(side);
    }
    std::size_t source() const { return static_cast<std::size_t>(key >> 33); }
    std::size_t theme() const { return static_cast<std::size_t>((key >> 1) & 0xFFFFFFFFu); }
    int side() const { return static_cast<int>(key & 1); }
    std::uint64_t group() const { return key >> 1; }
    bool operator<(const Interval& o) const
    {
        if (key != o.key) return key < o.key;
        if (start != o.start) return start < o.start;
        return end < o.end;
    }
};

/// Every coding of both sides that can be compared, sorted; the rest counted
/// in the result's leftOutA/leftOutB.
std::vector<Interval> collectIntervals(AgreementResult& r);

/// Unions of one coder's intervals of one theme on one source (sorted,
/// disjoint): overlapping codings of the same theme by one coder count once.
/// With `touching`, intervals that only meet are joined too.
using Spans = std::vector<std::pair<std::int64_t, std::int64_t>>;
void unite(const Interval* first, const Interval* last, bool touching, Spans& out);

/// Segment units for one (source, theme) group: fills the cell's segment
/// counts and appends the disagreeing segments.
void compareSegments(const Spans& a, const Spans& b, double overlap, Cell& cell, std::vector<Disagreement>& out);

} // namespace qdx::team::detail
