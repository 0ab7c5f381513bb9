#include "TeamFixtures.h"

#include "qdx/Errors.h"
#include "qdx/team/Match.h"

#include <catch2/catch.hpp>

using namespace qdx;
using namespace qdx::team;
using qdx::test::ProjectBuilder;

TEST_CASE("sources match by normalised text, not by id or name") {
    auto a = ProjectBuilder()
                 .source("S1", "Interview 1", std::string("First line\nsecond line"))
                 .source("S2", "Interview 2", std::string(u8"Caf\u00e9 talk"))
                 .source("S3", "Only A", std::string("nobody else has this"))
                 .source("P1", "Photo", std::nullopt)
                 .p;
    auto b = ProjectBuilder()
                 .source("X9", u8"Caf\u00e9 talk (renamed)", std::string(u8"Cafe\u0301 talk"))
                 .source("X8", "interview one", std::string("\xEF\xBB\xBF" "First line\r\nsecond line"))
                 .source("X7", "Only B", std::string("something else"))
                 .p;
    Matching m;
    matchSources(a, b, m);
    REQUIRE(m.sources.size() == 2);
    CHECK(m.sources[0].a == 0);
    CHECK(m.sources[0].b == 1);
    CHECK(m.sources[1].a == 1);
    CHECK(m.sources[1].b == 0);
    CHECK(m.textA[0].text() == m.textB[0].text());
    REQUIRE(m.sourcesOnlyA.size() == 2);
    CHECK(m.sourcesOnlyA[0].name == "Only A");
    CHECK(m.sourcesOnlyA[1].reason == "no text");
    REQUIRE(m.sourcesOnlyB.size() == 1);
    CHECK(m.sourcesOnlyB[0].name == "Only B");
}

TEST_CASE("a source whose namesake has another text says where they differ") {
    auto a = ProjectBuilder().source("S1", "Interview", std::string("line one\nline two\nline three")).p;
    auto b = ProjectBuilder().source("S1", "Interview", std::string("line one\nline 2\nline three")).p;
    Matching m;
    matchSources(a, b, m);
    CHECK(m.sources.empty());
    REQUIRE(m.sourcesOnlyA.size() == 1);
    CHECK(m.sourcesOnlyA[0].reason.find("character 14 (line 2)") != std::string::npos);
}

TEST_CASE("the same text twice is paired by name, or left unmatched, never guessed") {
    auto a = ProjectBuilder().source("S1", "Copy 1", std::string("same")).source("S2", "Copy 2", std::string("same")).p;
    auto b1 = ProjectBuilder().source("X1", "Copy 2", std::string("same")).source("X2", "Copy 1", std::string("same")).p;
    Matching m1;
    matchSources(a, b1, m1);
    REQUIRE(m1.sources.size() == 2);
    CHECK(m1.sources[0].b == 1);
    CHECK(m1.sources[1].b == 0);
    auto b2 = ProjectBuilder().source("X1", "Other", std::string("same")).source("X2", "Another", std::string("same")).p;
    Matching m2;
    matchSources(a, b2, m2);
    CHECK(m2.sources.empty());
    REQUIRE(m2.sourcesOnlyA.size() == 2);
    CHECK(m2.sourcesOnlyA[0].reason.find("several sources") != std::string::npos);
}

TEST_CASE("themes match by path; a shared leaf name under two parents stays apart") {
    auto a = ProjectBuilder()
                 .theme("A1", "Meso")
                 .theme("A2", "Trust", "A1")
                 .theme("A3", "Macro")
                 .theme("A4", "Trust", "A3")
                 .theme("A5", "Only in A")
                 .p;
    auto b = ProjectBuilder()
                 .theme("B3", "Macro")
                 .theme("B4", " Trust ", "B3")
                 .theme("B1", "Meso")
                 .theme("B2", "Trust", "B1")
                 .theme("B5", "Only in B")
                 .p;
    auto m = matchProjects(a, b);
    REQUIRE(m.themes.size() == 4);
    CHECK(m.themes[1].path == "Meso/Trust");
    CHECK(m.themes[1].b == 3);
    CHECK(m.themes[3].path == "Macro/Trust");
    CHECK(m.themes[3].b == 1);
    REQUIRE(m.themesOnlyA.size() == 1);
    CHECK(m.themesOnlyA[0].name == "Only in A");
    REQUIRE(m.themesOnlyB.size() == 1);
    CHECK(m.themesOnlyB[0].reason == "no theme with this path in A");
}

TEST_CASE("a path that is not unique is reported on both sides") {
    auto a = ProjectBuilder().theme("A1", "Trust").theme("A2", "Trust").p;
    auto b = ProjectBuilder().theme("B1", "Trust").p;
    auto m = matchProjects(a, b);
    CHECK(m.themes.empty());
    REQUIRE(m.themesOnlyA.size() == 2);
    CHECK(m.themesOnlyA[0].reason == "the path is not unique in A");
    REQUIRE(m.themesOnlyB.size() == 1);
    CHECK(m.themesOnlyB[0].reason == "the path is not unique in A");
}

TEST_CASE("a mapping file pairs renamed themes") {
    auto rows = parseThemeMapping("\xEF\xBB\xBF" "a,b\r\n\"Meso/Awareness\",Meso/Awareness creation\r\n\r\nOld,\"New, renamed\"\n",
                                  "map.csv");
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].a == "Meso/Awareness");
    CHECK(rows[0].line == 2);
    CHECK(rows[1].b == "New, renamed");
    CHECK(rows[1].line == 4);
    auto a = ProjectBuilder().theme("A1", "Meso").theme("A2", "Awareness", "A1").theme("A3", "Old").p;
    auto b = ProjectBuilder().theme("B1", "Meso").theme("B2", "Awareness creation", "B1").theme("B3", "New, renamed").p;
    auto m = matchProjects(a, b, rows);
    REQUIRE(m.themes.size() == 3);
    CHECK(m.themes[1].mapped);
    CHECK(m.themes[1].b == 1);
    CHECK(m.themes[2].b == 2);
    CHECK(m.themesOnlyA.empty());
    CHECK(m.themesOnlyB.empty());
}

TEST_CASE("bad mapping files are refused with the file and line") {
    auto expectError = [](const std::string& csv, const std::string& part) {
        try {
            parseThemeMapping(csv, "map.csv");
            FAIL("accepted: " << csv);
        } catch (const InputError& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(part) != std::string::npos);
        }
    };
    expectError("a,b\nx,y,z\n", "map.csv:2");
    expectError("a,b\nx\n", "two columns");
    expectError("x,\"unclosed\n", "not closed");
    expectError("x,a\"b\n", "quote inside");
    expectError("x,\"a\"b\n", "after a closing quote");
    expectError("x,\xFF\n", "not UTF-8");
    expectError(",y\n", "empty theme path");

    auto a = ProjectBuilder().theme("A1", "T").theme("A2", "U").theme("A3", "x/y").theme("A4", "x").theme("A5", "y", "A4").p;
    auto b = ProjectBuilder().theme("B1", "T").theme("B2", "V").p;
    auto expectMatchError = [&](const std::string& csv, const std::string& part) {
        try {
            matchProjects(a, b, parseThemeMapping(csv, "map.csv"));
            FAIL("accepted: " << csv);
        } catch (const InputError& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(part) != std::string::npos);
        }
    };
    expectMatchError("Nope,T\n", "no theme 'Nope' in A");
    expectMatchError("T,Nope\n", "no theme 'Nope' in B");
    expectMatchError("T,V\nU,V\n", "mapped twice");
    expectMatchError("x/y,V\n", "names 2 themes");
}

TEST_CASE("one project against itself matches everything with itself") {
    auto p = ProjectBuilder()
                 .theme("T1", "Same")
                 .theme("T2", "Same")
                 .source("S1", "a", std::string("text"))
                 .source("S2", "b", std::string("text"))
                 .p;
    auto m = matchProjects(p, p);
    CHECK(m.themes.size() == 2);
    CHECK(m.sources.size() == 2);
    CHECK(m.themesOnlyA.empty());
}

TEST_CASE("theme paths: cycles stop, a hostile depth is refused, a large codebook is one pass") {
    auto cyc = ProjectBuilder().theme("A", "a", "B").theme("B", "b", "A").theme("C", "c", "missing").p;
    auto keys = themeKeys(cyc, "cyc.json");
    CHECK(keys[0] == std::vector<std::string>{"b", "a"});
    CHECK(keys[1] == std::vector<std::string>{"a", "b"});
    CHECK(keys[2] == std::vector<std::string>{"c"});

    ProjectBuilder deep;
    for (std::size_t i = 0; i <= kMaxThemeDepth; ++i) deep.theme("T" + std::to_string(i), "t", i ? "T" + std::to_string(i - 1) : "");
    try {
        themeKeys(deep.p, "deep.json");
        FAIL("a tree deeper than the limit was accepted");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find("deep.json") != std::string::npos);
    }
    CHECK_THROWS_AS(matchProjects(deep.p, deep.p), InputError);
    deep.p.themes.pop_back();
    CHECK(themeKeys(deep.p, "deep.json").back().size() == kMaxThemeDepth);

    ProjectBuilder wide;  // 20,000 themes under 100 parents: quadratic lookups would take minutes
    for (int i = 0; i < 20000; ++i) wide.theme("W" + std::to_string(i), "w" + std::to_string(i), i >= 100 ? "W" + std::to_string(i % 100) : "");
    auto m = matchProjects(wide.p, ProjectBuilder(wide).p);
    CHECK(m.themes.size() == 20000);
}
