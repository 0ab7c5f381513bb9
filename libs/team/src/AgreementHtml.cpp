// The agreement report as one HTML file. Every piece of project text (names,
// quotes) is escaped and isolated with <bdi>, so that markup in a quote is
// text and a right-to-left override cannot reorder the page around it.

#include "qdx/team/AgreementOutput.h"

#include "Describe.h"

#include <sstream>

namespace qdx::team {

namespace {

using namespace detail;

std::string esc(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 16);
    for (char c : s) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string bdi(std::string_view s) { return "<bdi>" + esc(s) + "</bdi>"; }

const char* kStyle =
    "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;color:#222}"
    "table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}"
    "th{background:#f0f0f0;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "tr.unused td{color:#888}.q{white-space:pre-wrap;max-width:40em}.a{color:#0b5394}.b{color:#a61c00}"
    "p.note{color:#555;font-size:.9em}@media print{body{margin:0;max-width:none}h2{break-before:page}}";

std::string num(double v, int d) { return fixed(v, d); }

void head(std::ostream& o, const AgreementResult& r, const HtmlOptions& opt) {
    o << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" << esc(opt.title)
      << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<h1>" << esc(opt.title) << "</h1>\n<table>\n";
    auto sideRow = [&](const char* name, const char* cls, const CoderSide& s) {
        o << "<tr><th>" << name << "</th><td class=\"" << cls << "\">" << bdi(s.label)
          << (s.coder.empty() ? std::string(" (every coding)") : " (user " + bdi(s.coder) + ")") << "</td></tr>\n";
    };
    sideRow("Coder A", "a", r.a);
    sideRow("Coder B", "b", r.b);
    o << "<tr><th>Units</th><td>" << unitName(r.options.unit) << "s";
    if (r.options.unit == Unit::Segment) o << ", overlap at least " << num(r.options.overlap, 0) << "%";
    o << "</td></tr>\n<tr><th>Sources compared</th><td>" << r.matching.sources.size() << " (" << grouped(r.characters)
      << " characters)</td></tr>\n<tr><th>Themes matched</th><td>" << r.matching.themes.size() << " (" << r.overall.themes
      << " used)</td></tr>\n</table>\n";
}

void overall(std::ostream& o, const AgreementResult& r) {
    const auto& ov = r.overall;
    o << "<h2 id=\"overall\">Overall</h2>\n<table>\n<tr><th>Percentage agreement (characters)</th><td class=\"n\">"
      << percent(ov.agreement) << "</td></tr>\n<tr><th>Cohen's kappa, weighted by source length (NVivo)</th><td class=\"n\">"
      << num(ov.kappaWeighted, 4) << "</td></tr>\n<tr><th>Cohen's kappa, unweighted mean</th><td class=\"n\">"
      << num(ov.kappaMean, 4) << "</td></tr>\n<tr><th>Krippendorff's alpha (binary, characters)</th><td class=\"n\">"
      << num(ov.alpha, 4) << "</td></tr>\n";
    if (r.options.unit == Unit::Segment) {
        auto p = ov.segments.percentage();
        o << "<tr><th>Segments agreeing (MAXQDA)</th><td class=\"n\">" << (p ? percent(*p) : "-") << "</td></tr>\n"
          << "<tr><th>Kappa, Brennan &amp; Prediger (" << ov.segmentCategories << " themes)</th><td class=\"n\">"
          << (ov.segmentKappa ? num(*ov.segmentKappa, 4) : "not defined") << "</td></tr>\n";
    }
    o << "</table>\n<p class=\"note\">Averages are over the " << ov.themes
      << " themes someone used. Kappa is 1 where both coders agree on every character, also where neither coded.</p>\n";
}

void themes(std::ostream& o, const AgreementResult& r) {
    bool seg = r.options.unit == Unit::Segment;
    o << "<h2 id=\"themes\">Themes</h2>\n<table>\n<tr><th>Theme</th><th>A</th><th>B</th><th>Both</th><th>Agreement</th>"
         "<th>Kappa (weighted)</th><th>Kappa (mean)</th><th>Alpha</th>";
    if (seg) o << "<th>Segments A / agreeing</th><th>Segments B / agreeing</th><th>Segment agreement</th>";
    o << "</tr>\n";
    for (const auto& th : r.themes) {
        const auto& c = th.pooled;
        o << "<tr" << (th.used ? "" : " class=\"unused\"") << "><td>" << bdi(themePathOf(r, th.theme)) << "</td><td class=\"n\">"
          << grouped(c.both + c.aOnly) << "</td><td class=\"n\">" << grouped(c.both + c.bOnly) << "</td><td class=\"n\">"
          << grouped(c.both) << "</td><td class=\"n\">" << percent(th.agreement) << "</td><td class=\"n\">"
          << num(th.kappaWeighted, 4) << "</td><td class=\"n\">" << num(th.kappaMean, 4) << "</td><td class=\"n\">"
          << num(th.alpha, 4) << "</td>";
        if (seg) {
            const auto& s = th.segments;
            auto p = s.percentage();
            o << "<td class=\"n\">" << s.agreeA + s.missA << " / " << s.agreeA << "</td><td class=\"n\">" << s.agreeB + s.missB
              << " / " << s.agreeB << "</td><td class=\"n\">" << (p ? percent(*p) : "-") << "</td>";
        }
        o << "</tr>\n";
    }
    o << "</table>\n<p class=\"note\">A, B, Both: characters coded with the theme. Greyed rows: neither coder used the theme.</p>\n";
}

void cells(std::ostream& o, const AgreementResult& r) {
    o << "<h2 id=\"sources\">Themes by source</h2>\n<table>\n<tr><th>Theme</th><th>Source</th><th>Length</th><th>A</th>"
         "<th>B</th><th>Both</th><th>Agreement</th><th>Kappa</th></tr>\n";
    for (const auto& c : r.cells)
        o << "<tr><td>" << bdi(themePathOf(r, c.theme)) << "</td><td>" << bdi(sourceName(r, c.source)) << "</td><td class=\"n\">"
          << grouped(c.counts.units()) << "</td><td class=\"n\">" << grouped(c.counts.both + c.counts.aOnly)
          << "</td><td class=\"n\">" << grouped(c.counts.both + c.counts.bOnly) << "</td><td class=\"n\">"
          << grouped(c.counts.both) << "</td><td class=\"n\">" << percent(c.agreement) << "</td><td class=\"n\">"
          << num(c.kappa, 4) << "</td></tr>\n";
    o << "</table>\n<p class=\"note\">Only where someone coded the theme; elsewhere both agree on every character.</p>\n";
}

void notCompared(std::ostream& o, const AgreementResult& r) {
    const auto& m = r.matching;
    o << "<h2 id=\"unmatched\">Not compared</h2>\n";
    if (m.sourcesOnlyA.empty() && m.sourcesOnlyB.empty() && m.themesOnlyA.empty() && m.themesOnlyB.empty()) {
        o << "<p>Every source and theme was matched.</p>\n";
    } else {
        o << "<table>\n<tr><th>What</th><th>Only in</th><th>Name</th><th>Why</th></tr>\n";
        auto rows = [&](const char* what, const char* side, const std::vector<Unmatched>& list) {
            for (const auto& u : list)
                o << "<tr><td>" << what << "</td><td>" << side << "</td><td>" << bdi(u.name) << "</td><td>" << esc(u.reason)
                  << "</td></tr>\n";
        };
        rows("source", "A", m.sourcesOnlyA);
        rows("source", "B", m.sourcesOnlyB);
        rows("theme", "A", m.themesOnlyA);
        rows("theme", "B", m.themesOnlyB);
        o << "</table>\n";
    }
    o << "<table>\n<tr><th>Codings</th><th>A</th><th>B</th></tr>\n";
    auto row = [&](const char* what, std::int64_t a, std::int64_t b) {
        o << "<tr><td>" << what << "</td><td class=\"n\">" << grouped(a) << "</td><td class=\"n\">" << grouped(b) << "</td></tr>\n";
    };
    const auto &la = r.leftOutA, &lb = r.leftOutB;
    row("compared", la.compared, lb.compared);
    row("by other users", la.otherCoder, lb.otherCoder);
    row("on unmatched themes", la.themeUnmatched, lb.themeUnmatched);
    row("on unmatched sources", la.sourceUnmatched, lb.sourceUnmatched);
    row("not on text (media, PDF regions)", la.notText, lb.notText);
    row("outside their source's text", la.outsideText, lb.outsideText);
    row("empty", la.empty, lb.empty);
    o << "</table>\n";
}

void disagreementList(std::ostream& o, const AgreementResult& r, const HtmlOptions& opt) {
    bool seg = r.options.unit == Unit::Segment;
    o << "<h2 id=\"disagreements\">Disagreements</h2>\n<p class=\"note\">"
      << (seg ? "Coded segments without an agreeing segment of the other coder."
              : "Stretches of text one coder coded with the theme and the other did not.")
      << " Positions are characters (code points) of the source text, with line endings as LF.</p>\n";
    if (r.disagreements.empty()) {
        o << "<p>None.</p>\n";
        return;
    }
    Quotes q(r);
    std::size_t shown = 0, limit = opt.maxDisagreements ? opt.maxDisagreements : r.disagreements.size();
    std::size_t current = r.matching.themes.size();
    for (const auto& d : r.disagreements) {
        if (shown == limit) break;
        if (d.theme != current) {
            if (current != r.matching.themes.size()) o << "</table>\n";
            current = d.theme;
            o << "<h3>" << bdi(themePathOf(r, d.theme)) << "</h3>\n<table>\n<tr><th>Source</th><th>Coded by</th><th>Position</th>"
              << (seg ? "<th>Best overlap</th>" : "") << "<th>Quote</th></tr>\n";
        }
        o << "<tr><td>" << bdi(sourceName(r, d.source)) << "</td><td class=\"" << (d.coder == 0 ? "a\">A only" : "b\">B only")
          << "</td><td>line " << q.line(d.source, d.start) << ", " << d.start << "&ndash;" << d.end << "</td>";
        if (seg) o << "<td class=\"n\">" << (d.bestOverlap ? num(*d.bestOverlap, 1) + "%" : "-") << "</td>";
        std::string quote = q.quote(d.source, d.start, d.end);
        if (quote.find_first_not_of(" \t\r\n") == std::string::npos)  // visible, and no empty element
            o << "<td class=\"q\"><i>(white space only: " << d.end - d.start << " characters)</i></td></tr>\n";
        else
            o << "<td class=\"q\">" << bdi(quote) << "</td></tr>\n";
        ++shown;
    }
    o << "</table>\n";
    if (shown < r.disagreements.size())
        o << "<p class=\"note\">" << grouped(static_cast<std::int64_t>(r.disagreements.size() - shown))
          << " more disagreements are not listed here; <code>qdx agree --json</code> lists them all.</p>\n";
}

} // namespace

std::string agreementHtml(const AgreementResult& r, const HtmlOptions& options) {
    std::ostringstream o;
    head(o, r, options);
    overall(o, r);
    themes(o, r);
    cells(o, r);
    notCompared(o, r);
    disagreementList(o, r, options);
    o << "</body>\n</html>\n";
    return o.str();
}

} // namespace qdx::team
