#include "qdx/team/AgreementOutput.h"

#include "Describe.h"

#include <sstream>

namespace qdx::team {

namespace {

using namespace detail;

/// Pads or clips to `width` code points (terminals show most scripts one
/// column per code point; wide CJK will shift the row, which is acceptable).
std::string cell(const std::string& s, std::size_t width, bool right = false) {
    auto n = static_cast<std::size_t>(text::codePointCount(s));
    if (n > width) return text::substrCodePoints(s, 0, static_cast<std::int64_t>(width) - 1) + "\xE2\x80\xA6";
    std::string pad(width - n, ' ');
    return right ? pad + s : s + pad;
}

std::string sideLine(const CoderSide& s) {
    return s.label + (s.coder.empty() ? " (every coding)" : " (user \"" + s.coder + "\")");
}

void leftOutLine(std::ostream& o, const char* side, const LeftOut& l) {
    o << "  " << side << ": " << grouped(l.compared) << " compared";
    auto part = [&](std::int64_t n, const char* what) {
        if (n > 0) o << ", " << grouped(n) << " " << what;
    };
    part(l.otherCoder, "by other users");
    part(l.themeUnmatched, "on unmatched themes");
    part(l.sourceUnmatched, "on unmatched sources");
    part(l.notText, "not on text (media, PDF regions)");
    part(l.outsideText, "outside their source's text");
    part(l.empty, "empty");
    o << "\n";
}

void unmatched(std::ostream& o, const char* what, const char* side, const std::vector<Unmatched>& list) {
    for (const auto& u : list) o << "  " << what << " only in " << side << ": \"" << u.name << "\": " << u.reason << "\n";
}

void characterTable(std::ostream& o, const AgreementResult& r) {
    o << cell("theme", 44) << cell("A", 10, true) << cell("B", 10, true) << cell("both", 10, true) << cell("agree", 9, true)
      << cell("kappa", 8, true) << cell("k.mean", 8, true) << cell("alpha", 8, true) << "\n";
    for (const auto& th : r.themes) {
        const auto& c = th.pooled;
        o << cell(themePathOf(r, th.theme), 44) << cell(grouped(c.both + c.aOnly), 10, true)
          << cell(grouped(c.both + c.bOnly), 10, true) << cell(grouped(c.both), 10, true)
          << cell(percent(th.agreement), 9, true) << cell(fixed(th.kappaWeighted, 4), 8, true)
          << cell(fixed(th.kappaMean, 4), 8, true) << cell(fixed(th.alpha, 4), 8, true) << (th.used ? "" : "  (unused)")
          << "\n";
    }
    const auto& ov = r.overall;
    o << cell("overall (" + std::to_string(ov.themes) + " themes used)", 44) << cell(grouped(ov.pooled.both + ov.pooled.aOnly), 10, true)
      << cell(grouped(ov.pooled.both + ov.pooled.bOnly), 10, true) << cell(grouped(ov.pooled.both), 10, true)
      << cell(percent(ov.agreement), 9, true) << cell(fixed(ov.kappaWeighted, 4), 8, true)
      << cell(fixed(ov.kappaMean, 4), 8, true) << cell(fixed(ov.alpha, 4), 8, true) << "\n";
    o << "\nA, B, both: characters coded. agree: percentage agreement over every character of every compared\n"
         "source. kappa: Cohen's kappa per source, averaged weighted by source length (NVivo); k.mean: its\n"
         "unweighted mean; alpha: Krippendorff's alpha (binary) over every character. Kappa is 1 where the\n"
         "coders agree on every character, also where neither coded. overall: over the themes used.\n";
}

void segmentTable(std::ostream& o, const AgreementResult& r) {
    o << cell("theme", 44) << cell("A segs", 8, true) << cell("agree", 7, true) << cell("B segs", 8, true)
      << cell("agree", 7, true) << cell("agreements", 12, true) << cell("disagr.", 9, true) << cell("percent", 9, true)
      << cell("alpha", 8, true) << "\n";
    auto row = [&](const std::string& name, const SegmentTable& s, double alpha) {
        auto pct = s.percentage();
        o << cell(name, 44) << cell(grouped(s.agreeA + s.missA), 8, true) << cell(grouped(s.agreeA), 7, true)
          << cell(grouped(s.agreeB + s.missB), 8, true) << cell(grouped(s.agreeB), 7, true)
          << cell(grouped(s.agreements()), 12, true) << cell(grouped(s.disagreements()), 9, true)
          << cell(pct ? percent(*pct) : "-", 9, true) << cell(fixed(alpha, 4), 8, true) << "\n";
    };
    for (const auto& th : r.themes) row(themePathOf(r, th.theme), th.segments, th.alpha);
    row("total", r.overall.segments, r.overall.alpha);
    o << "\nA segment agrees when the other coder coded the same theme on a segment overlapping it by at least\n"
      << fixed(r.options.overlap, 0) << "% of the two segments together (MAXQDA). ";
    if (r.overall.segmentKappa)
        o << "Kappa (Brennan & Prediger, " << r.overall.segmentCategories << " themes): " << fixed(*r.overall.segmentKappa, 4) << "\n";
    else
        o << "Kappa (Brennan & Prediger): not defined (" << r.overall.segmentCategories << " theme(s) coded)\n";
    o << "alpha: Krippendorff's alpha (binary) over every character.\n";
}

} // namespace

std::string agreementText(const AgreementResult& r) {
    std::ostringstream o;
    const auto& m = r.matching;
    o << "A: " << sideLine(r.a) << "\nB: " << sideLine(r.b) << "\nunits: " << unitName(r.options.unit)
      << (r.options.unit == Unit::Segment ? "s (overlap " + fixed(r.options.overlap, 0) + "%)" : "s")
      << "\nsources: " << m.sources.size() << " compared (" << grouped(r.characters) << " characters); "
      << m.sourcesOnlyA.size() << " only in A, " << m.sourcesOnlyB.size() << " only in B\n";
    std::size_t mapped = 0;
    for (const auto& t : m.themes) mapped += t.mapped;
    o << "themes: " << m.themes.size() << " matched (" << r.overall.themes << " used";
    if (mapped) o << ", " << mapped << " by the mapping";
    o << "); " << m.themesOnlyA.size() << " only in A, " << m.themesOnlyB.size() << " only in B\ncodings:\n";
    leftOutLine(o, "A", r.leftOutA);
    leftOutLine(o, "B", r.leftOutB);
    unmatched(o, "source", "A", m.sourcesOnlyA);
    unmatched(o, "source", "B", m.sourcesOnlyB);
    unmatched(o, "theme", "A", m.themesOnlyA);
    unmatched(o, "theme", "B", m.themesOnlyB);
    o << "\n";
    if (r.options.unit == Unit::Segment) segmentTable(o, r);
    else characterTable(o, r);
    std::size_t onlyA = 0;
    for (const auto& d : r.disagreements) onlyA += d.coder == 0;
    o << "\ndisagreements: " << r.disagreements.size() << " (" << onlyA << " coded by A only, " << r.disagreements.size() - onlyA
      << " by B only)";
    if (!r.disagreements.empty()) o << "; --report FILE.html lists them with their quotes";
    o << "\n";
    return o.str();
}

} // namespace qdx::team
