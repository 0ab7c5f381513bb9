#include "TeamFixtures.h"

#include "qdx/Errors.h"
#include "qdx/team/AgreementOutput.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace qdx;
using namespace qdx::team;
using qdx::test::ProjectBuilder;

namespace {

const std::string kTen = "0123456789";

ProjectBuilder base() { return ProjectBuilder().user("U", "Ana").theme("T", "Theme").source("S", "Doc", kTen); }

AgreementResult agree(const Project& a, const Project& b, AgreeOptions o = {}) {
    return computeAgreement({&a, "a.json", ""}, {&b, "b.json", ""}, o);
}

} // namespace

TEST_CASE("two overlapping codings: the 2x2 table, kappa, and the stretches in text order") {
    auto a = base().code("E1", "S", 0, 5, "T").p;
    auto b = base().code("E1", "S", 3, 8, "T").p;
    auto r = agree(a, b);
    REQUIRE(r.cells.size() == 1);
    const auto& c = r.cells[0].counts;
    CHECK(c.both == 2);
    CHECK(c.aOnly == 3);
    CHECK(c.bOnly == 3);
    CHECK(c.neither == 2);
    CHECK(r.cells[0].agreement == Approx(0.4));
    CHECK(r.themes[0].kappaWeighted == Approx(cohenKappa(c)));
    REQUIRE(r.disagreements.size() == 2);
    CHECK(r.disagreements[0].coder == 0);
    CHECK(r.disagreements[0].start == 0);
    CHECK(r.disagreements[0].end == 3);
    CHECK(r.disagreements[1].coder == 1);
    CHECK(r.disagreements[1].start == 5);
    CHECK(r.disagreements[1].end == 8);
}

TEST_CASE("one coder's overlapping codings of a theme count once") {
    auto a = base().code("E1", "S", 0, 6, "T").code("E2", "S", 4, 9, "T").code("E3", "S", 2, 5, "T").p;
    auto b = base().code("E1", "S", 0, 9, "T").p;
    auto r = agree(a, b);
    CHECK(r.cells[0].counts.both == 9);
    CHECK(r.cells[0].counts.aOnly == 0);
    CHECK(r.disagreements.empty());
    CHECK(r.overall.kappaPooled == 1.0);
}

TEST_CASE("segments agree at the overlap threshold, measured on the union") {
    auto a = base().code("E1", "S", 0, 10, "T").p;
    auto b9 = base().code("E1", "S", 0, 9, "T").p;   // 9 of 10: 90%
    auto b8 = base().code("E1", "S", 1, 9, "T").p;   // 8 of 10: 80%
    AgreeOptions o;
    o.unit = Unit::Segment;
    auto r9 = agree(a, b9, o);
    CHECK(r9.overall.segments.agreements() == 2);
    CHECK(r9.disagreements.empty());
    auto r8 = agree(a, b8, o);
    CHECK(r8.overall.segments.agreements() == 0);
    CHECK(r8.overall.segments.disagreements() == 2);
    REQUIRE(r8.disagreements.size() == 2);
    CHECK(*r8.disagreements[0].bestOverlap == Approx(80.0));
    o.overlap = 80;
    CHECK(agree(a, b8, o).overall.segments.agreements() == 2);
}

TEST_CASE("Brennan & Prediger over the themes coded") {
    auto a = base().theme("T2", "Other").code("E1", "S", 0, 5, "T").code("E2", "S", 5, 10, "T2").p;
    auto b = base().theme("T2", "Other").code("E1", "S", 0, 5, "T").code("E2", "S", 0, 3, "T2").p;
    AgreeOptions o;
    o.unit = Unit::Segment;
    auto r = agree(a, b, o);
    CHECK(r.overall.segmentCategories == 2);
    CHECK(r.overall.segments.agreements() == 2);
    CHECK(r.overall.segments.disagreements() == 2);
    CHECK(*r.overall.segmentKappa == Approx(0.0));  // po 0.5, pc 1/2
}

TEST_CASE("offsets of a CRLF text are compared in the LF text's characters") {
    auto a = ProjectBuilder().theme("T", "Theme").source("S", "Doc", std::string("ab\r\ncd\r\nef")).code("E", "S", 4, 6, "T").p;
    auto b = ProjectBuilder().theme("X", "Theme").source("Q", "Doc", std::string("ab\ncd\nef")).code("E", "Q", 3, 5, "X").p;
    auto r = agree(a, b);
    CHECK(r.characters == 8);
    CHECK(r.cells[0].counts.both == 2);
    CHECK(r.disagreements.empty());
}

TEST_CASE("two users of one project, and what is left out") {
    auto p = base()
                 .user("V", "Bo")
                 .user("W", "Cy")
                 .source("P", "Photo", std::nullopt)
                 .code("E1", "S", 0, 5, "T", "U")
                 .code("E2", "S", 0, 5, "T", "V")
                 .code("E3", "S", 2, 2, "T", "V")           // empty
                 .code("E4", "S", 5, 40, "T", "V")          // outside the text
                 .code("E5", "P", 0, 1, "T", "V")           // a source without text
                 .codeAnchor("E6", "S", PdfRegion{1, 0, 0, 5, 5}, "T", "V")
                 .code("E7", "S", 0, 9, "T", "W")           // another user
                 .codeAnchor("E8", "S", std::monostate{}, "T", "U")  // the whole source
                 .p;
    auto r = computeAgreement({&p, "p.json", "Ana"}, {&p, "p.json", "V"}, {});  // a name, an id
    CHECK(r.cells[0].counts.both == 5);
    CHECK(r.cells[0].counts.aOnly == 5);
    CHECK(r.cells[0].counts.bOnly == 0);
    CHECK(r.leftOutA.compared == 2);
    CHECK(r.leftOutA.otherCoder == 6);
    CHECK(r.leftOutB.compared == 1);
    CHECK(r.leftOutB.empty == 1);
    CHECK(r.leftOutB.outsideText == 1);
    CHECK(r.leftOutB.notText == 2);
    CHECK(r.leftOutB.otherCoder == 3);
    REQUIRE(r.matching.sourcesOnlyA.size() == 1);
    CHECK(r.matching.sourcesOnlyA[0].reason == "no text");
    CHECK_THROWS_AS(computeAgreement({&p, "p.json", "Nobody"}, {&p, "p.json", "Bo"}, {}), UsageError);
}

TEST_CASE("codings on unmatched themes and sources are counted, not compared") {
    auto a = base().theme("T2", "Only A").source("S2", "Only A", std::string("xyz")).code("E1", "S", 0, 5, "T2").code("E2", "S2", 0, 2, "T").p;
    auto b = base().code("E1", "S", 0, 5, "T").p;
    auto r = agree(a, b);
    CHECK(r.leftOutA.themeUnmatched == 1);
    CHECK(r.leftOutA.sourceUnmatched == 1);
    CHECK(r.leftOutA.compared == 0);
    CHECK(r.themes[0].pooled.bOnly == 5);
}

TEST_CASE("weighted and unweighted means over sources") {
    // a long source where they agree, a short one where they do not
    auto mk = [](bool second) {
        auto b = ProjectBuilder().theme("T", "T").source("L", "Long", std::string(90, 'x')).source("S", "Short", std::string(10, 'y'));
        b.code("E1", "L", 0, 45, "T");
        if (second) b.code("E2", "S", 0, 5, "T");
        return b.p;
    };
    auto a = mk(false), b = mk(true);
    auto r = agree(a, b);
    double kShort = cohenKappa({0, 0, 5, 5});
    CHECK(r.themes[0].kappaWeighted == Approx((90 * 1.0 + 10 * kShort) / 100));
    CHECK(r.themes[0].kappaMean == Approx((1.0 + kShort) / 2));
    CHECK(r.themes[0].agreement == Approx(0.95));
}

TEST_CASE("no coding at all agrees on every unit") {
    auto a = base().p;
    auto r = agree(a, a);
    CHECK(r.overall.themes == 0);
    CHECK(r.overall.kappaWeighted == 1.0);
    CHECK(r.overall.alpha == 1.0);
    CHECK(r.themes[0].kappaMean == 1.0);
    CHECK_FALSE(r.overall.segmentKappa.has_value());
}

TEST_CASE("the three outputs: text, JSON, and HTML with every project text escaped") {
    std::string text = "<script>alert(1)</script> \u202Eevil\u202C \"quoted\" & more";
    auto a = ProjectBuilder().theme("T", "<b>Theme</b>").source("S", "<img src=x onerror=alert(1)>", text).code("E", "S", 0, 25, "T").p;
    auto b = ProjectBuilder().theme("T", "<b>Theme</b>").source("S", "other name", text).p;
    auto r = agree(a, b);
    std::string t = agreementText(r);
    CHECK(t.find("<b>Theme</b>") != std::string::npos);
    CHECK(t.find("disagreements: 1 (1 coded by A only, 0 by B only)") != std::string::npos);
    Json j = agreementJson(r);
    std::string dumped = j.dump();
    Json back = parseJson(dumped);
    const Json* d = back.find("disagreements");
    REQUIRE(d);
    REQUIRE(d->asArray().size() == 1);
    CHECK(d->asArray()[0].find("quote")->asString() == "<script>alert(1)</script>");
    CHECK(d->asArray()[0].find("coder")->asString() == "A");
    std::ostringstream streamed;  // the streamed form is the same text, for both units
    writeAgreementJson(r, streamed);
    CHECK(streamed.str() == dumped);
    AgreeOptions seg;
    seg.unit = Unit::Segment;
    auto rs = agree(a, b, seg);
    std::ostringstream streamedSeg;
    writeAgreementJson(rs, streamedSeg);
    CHECK(streamedSeg.str() == agreementJson(rs).dump());
    std::string h = agreementHtml(r);
    CHECK(h.find("<script>") == std::string::npos);
    CHECK(h.find("<img") == std::string::npos);
    CHECK(h.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(h.find("<bdi>&lt;b&gt;Theme&lt;/b&gt;</bdi>") != std::string::npos);
    HtmlOptions capped;
    capped.maxDisagreements = 0;
    CHECK(agreementHtml(r, capped).find("more disagreements") == std::string::npos);
}

TEST_CASE("a bad overlap is refused") {
    auto a = base().p;
    AgreeOptions o;
    o.overlap = 0;
    CHECK_THROWS_AS(agree(a, a, o), UsageError);
    o.overlap = 101;
    CHECK_THROWS_AS(agree(a, a, o), UsageError);
}
