// The report's numbers (analyse) and the html exporter: a broken theme tree,
// counts per theme and source, subtree totals, co-occurrence, the cap, the
// options, and the read diagnostics on the page.

#include "HtmlFormat.h"
#include "Report.h"

#include "common/Fixtures.h"
#include "qdx/Errors.h"
#include "qdx/Registry.h"

#include <catch2/catch.hpp>

#include <Poco/TemporaryFile.h>

#include <fstream>
#include <iterator>
#include <set>

using namespace qdx;
using namespace qdx::html;

namespace {

Excerpt excerpt(const std::string& id, const std::string& source, std::int64_t start, std::int64_t end,
                std::vector<std::string> themes) {
    Excerpt e;
    e.id = id;
    e.source = source;
    e.anchor = TextSpan{start, end};
    for (auto& t : themes) e.codings.push_back(Coding{"", t, "U1", "2024-01-02T03:04:05Z", {}});
    return e;
}

// A: B: C (a chain), D its own parent, E a dangling parent, F <-> G a cycle.
Project brokenTree() {
    Project p;
    p.name = "Broken tree";
    p.users = {{"U1", "Ana", {}}};
    auto theme = [](std::string id, std::string parent) {
        Theme t;
        t.id = id;
        t.name = "Theme " + id;
        t.parent = std::move(parent);
        return t;
    };
    p.themes = {theme("A", ""), theme("B", "A"), theme("C", "B"), theme("D", "D"),
                theme("E", "nowhere"), theme("F", "G"), theme("G", "F")};
    Source s1, s2;
    s1.id = "S1";
    s1.name = "First";
    s1.text = "0123456789abcdefghij";
    s2.id = "S2";
    s2.name = "Second";
    s2.text = "zyxwvutsrq";
    p.sources = {s1, s2};
    p.excerpts = {excerpt("X1", "S1", 0, 5, {"A"}),
                  excerpt("X2", "S1", 5, 9, {"B", "C"}),
                  excerpt("X3", "S2", 0, 3, {"C"}),
                  excerpt("X4", "S2", 0, 3, {"D"}),          // the same span as X3, another code
                  excerpt("X5", "S1", 10, 12, {"C", "nope"}), // an unknown theme
                  excerpt("X6", "S9", 0, 1, {"A"})};          // an unknown source
    return p;
}

ReportOptions allSections() {
    ReportOptions o;
    for (const auto& s : sectionNames()) o.sections.insert(s);
    return o;
}

std::size_t idx(const Project& p, const std::string& id) {
    for (std::size_t i = 0; i < p.themes.size(); ++i)
        if (p.themes[i].id == id) return i;
    return kNone;
}

std::string readAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

} // namespace

TEST_CASE("a broken theme tree becomes a forest that holds every theme once") {
    Project p = brokenTree();
    ReportData d = analyse(p, allSections());
    CHECK(d.parent[idx(p, "B")] == idx(p, "A"));
    CHECK(d.parent[idx(p, "C")] == idx(p, "B"));
    CHECK(d.parent[idx(p, "D")] == kNone);
    CHECK(d.parent[idx(p, "E")] == kNone);
    // The cycle is cut at one link: one of F, G is a root, the other its child.
    std::size_t f = idx(p, "F"), g = idx(p, "G");
    CHECK(((d.parent[f] == kNone && d.parent[g] == f) || (d.parent[g] == kNone && d.parent[f] == g)));
    std::set<std::size_t> seen(d.order.begin(), d.order.end());
    CHECK(d.order.size() == p.themes.size());
    CHECK(seen.size() == p.themes.size());
    CHECK(d.depth[idx(p, "C")] == 2);
}

TEST_CASE("codings are counted per theme, source and subtree") {
    Project p = brokenTree();
    ReportData d = analyse(p, allSections());
    std::size_t a = idx(p, "A"), b = idx(p, "B"), c = idx(p, "C");
    CHECK(d.codings[a] == 2);  // X1, and X6 whose source is unknown
    CHECK(d.codings[c] == 3);
    CHECK(d.subtreeCodings[b] == 4);
    CHECK(d.subtreeCodings[a] == 6);
    CHECK(d.unknownTheme == 1);
    CHECK(d.unknownSource == 1);
    CHECK(d.totalCodings == 6);  // known theme and source
    REQUIRE(d.row[c].size() == 2);
    CHECK(d.row[c][0].source == 0);
    CHECK(d.row[c][0].n == 2);
    CHECK(d.row[c][1].n == 1);
    const auto& sub = d.subtree(a);  // A + B + C, by source
    REQUIRE(sub.size() == 2);
    CHECK(sub[0].n == 4);  // S1: X1 (A), X2 (B, C), X5 (C)
    CHECK(sub[1].n == 1);  // S2: X3 (C)
    CHECK(d.sourceCodings[0] == 4);
    CHECK(d.sourceCodings[1] == 2);
    // Listings in reading order: C's excerpts in S1 by position, then S2.
    REQUIRE(d.hits[c].size() == 3);
    CHECK(p.excerpts[d.hits[c][0].excerpt].id == "X2");
    CHECK(p.excerpts[d.hits[c][1].excerpt].id == "X5");
    CHECK(p.excerpts[d.hits[c][2].excerpt].id == "X3");
}

TEST_CASE("co-occurrence counts one unit per span of a source") {
    Project p = brokenTree();
    ReportData d = analyse(p, allSections());
    auto pos = [&](const std::string& id) {
        for (std::size_t i = 0; i < d.coThemes.size(); ++i)
            if (p.themes[d.coThemes[i]].id == id) return i;
        FAIL("theme " << id << " not in the co-occurrence chart");
        return kNone;
    };
    const std::size_t n = d.coThemes.size();
    CHECK(d.coCounts[pos("B") * n + pos("C")] == 1);  // X2
    CHECK(d.coCounts[pos("C") * n + pos("D")] == 1);  // X3 and X4: the same span
    CHECK(d.coCounts[pos("A") * n + pos("C")] == 0);
    CHECK(d.coCounts[pos("C") * n + pos("C")] == 3);  // units coded with C
}

TEST_CASE("the cap leaves the first excerpts of each theme as anchors") {
    Project p = brokenTree();
    ReportOptions o = allSections();
    o.maxExcerpts = 1;
    ReportData d = analyse(p, o);
    std::size_t anchored = 0;
    for (std::size_t a : d.excerptAnchor) anchored += a != kNone;
    CHECK(d.excerptAnchor[1] == idx(p, "B"));  // X2: first under B (tree order)
    CHECK(anchored <= 5);
    o.sections.erase("excerpts");
    d = analyse(p, o);
    for (std::size_t a : d.excerptAnchor) CHECK(a == kNone);  // no section, no anchors
}

TEST_CASE("frequency order puts the most coded sibling first") {
    Project p = brokenTree();
    ReportOptions o = allSections();
    o.order = ThemeOrder::Frequency;
    ReportData d = analyse(p, o);
    CHECK(d.order.front() == idx(p, "A"));  // the largest subtree
    auto at = [&](std::size_t t) { return std::find(d.order.begin(), d.order.end(), t) - d.order.begin(); };
    CHECK(at(idx(p, "D")) < at(idx(p, "E")));  // D has a coding, E none
}

TEST_CASE("options are checked") {
    HtmlFormatProvider prov;
    FormatRegistry::Entry e{std::make_shared<HtmlFormatProvider>(), prov.info(), "test"};
    auto opts = [&](std::map<std::string, std::string> raw) { return FormatRegistry::makeOptions(e, raw, true); };
    CHECK(reportOptions(opts({})).sections.size() == sectionNames().size());
    CHECK(reportOptions(opts({{"sections", "matrix, codebook"}})).sections == std::set<std::string>{"matrix", "codebook"});
    CHECK_THROWS_AS(reportOptions(opts({{"sections", "matrix,nope"}})), UsageError);
    CHECK_THROWS_AS(reportOptions(opts({{"sections", ","}})), UsageError);
    CHECK_THROWS_AS(reportOptions(opts({{"max-excerpts-per-theme", "-1"}})), UsageError);
    CHECK(reportOptions(opts({{"theme-order", "frequency"}})).order == ThemeOrder::Frequency);
}

TEST_CASE("the exporter lists what reading reported, and reports only its own") {
    Project p = test::richProject();
    Diagnostics diag;
    diag.lossy("lossy.test-code", "a <b>lossy</b> thing", "E1", "-o keep=true");
    Poco::TemporaryFile tmp;
    HtmlExporter ex;
    HtmlFormatProvider prov;
    FormatRegistry::Entry e{std::make_shared<HtmlFormatProvider>(), prov.info(), "test"};
    ex.write(p, tmp.path(), FormatRegistry::makeOptions(e, {{"max-excerpts-per-theme", "1"}}, true), diag);
    std::string page = readAll(tmp.path());
    CHECK(page.find("lossy.test-code") != std::string::npos);
    CHECK(page.find("a &lt;b&gt;lossy&lt;/b&gt; thing") != std::string::npos);
    CHECK(diag.countCode("lossy.test-code") == 1);
    CHECK(diag.countCode("lossy.html-excerpts-capped") == 1);  // T2 and T3 have 3 excerpts each
    CHECK(page.find("more excerpts of this theme not listed") != std::string::npos);
    // The same input gives the same bytes (no dates, no random ids).
    Poco::TemporaryFile again;
    Diagnostics d2;
    d2.lossy("lossy.test-code", "a <b>lossy</b> thing", "E1", "-o keep=true");
    ex.write(p, again.path(), FormatRegistry::makeOptions(e, {{"max-excerpts-per-theme", "1"}}, true), d2);
    CHECK(readAll(again.path()) == page);
}

TEST_CASE("a 40,000-character quote is on the page in full") {
    Project p = brokenTree();
    std::string big;
    for (int i = 0; i < 4000; ++i) big += "<script>x";  // 36,000 characters of markup, and more
    big += std::string(4000, 'y');
    p.sources[0].text = big;
    p.excerpts = {excerpt("X1", "S1", 0, static_cast<std::int64_t>(big.size()), {"A"})};
    Poco::TemporaryFile tmp;
    Diagnostics diag;
    writeReport(p, allSections(), diag, tmp.path());
    std::string page = readAll(tmp.path());
    std::string escaped;
    for (int i = 0; i < 4000; ++i) escaped += "&lt;script&gt;x";
    escaped += std::string(4000, 'y');
    CHECK(page.find(escaped) != std::string::npos);
    CHECK(page.find("<script>x") == std::string::npos);
}
