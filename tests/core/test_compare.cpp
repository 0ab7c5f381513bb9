#include "common/Fixtures.h"
#include "qdx/Compare.h"

#include <catch2/catch.hpp>

#include <algorithm>

using namespace qdx;

TEST_CASE("a project equals itself and a reordered copy with respelled ids") {
    Project a = test::richProject();
    CHECK(compareProjects(a, a).empty());
    Project b = a;
    std::reverse(b.themes.begin(), b.themes.end());
    std::reverse(b.excerpts.begin(), b.excerpts.end());
    b.users[1].id = "0a1b2c3d-0000-4000-8000-000000000002";  // braces and case differ
    CHECK(compareProjects(a, b).empty());
}

TEST_CASE("every kind of change is reported with its path") {
    Project a = test::richProject();
    auto one = [&](auto mutate, const std::string& expectPath) {
        Project b = a;
        mutate(b);
        auto d = compareProjects(a, b);
        REQUIRE(d.size() >= 1);
        CHECK(d[0].path == expectPath);
    };
    one([](Project& b) { b.themes[1].color = "#000000"; }, "themes[T2].color");
    one([](Project& b) { b.themes[1].parent = ""; }, "themes[T2].parent");
    one([](Project& b) { std::get<TextSpan>(b.excerpts[0].anchor).start = 11; }, "excerpts[E1].anchor.start");
    one([](Project& b) { b.excerpts[0].codings.pop_back(); }, "excerpts[E1].codings[T3]");
    one([](Project& b) { b.sources[0].text = "other"; }, "sources[S1].text");
    one([](Project& b) { b.sources[0].values[0].value = "2020"; }, "sources[S1].values[a1]");
    one([](Project& b) { b.themes[1].ext["refi:extra"] = Json(1); }, "themes[T2].ext[refi:extra]");
    one([](Project& b) { b.memos.pop_back(); }, "memos[M2]");
    one([](Project& b) { b.sets[0].themes.pop_back(); }, "sets[SET1].themes");
    one([](Project& b) { b.sources[1].content = std::make_shared<MemoryBlob>(std::string("%PDF-1.4\n\0binarx\xFF", 17)); },
        "sources[S2].content");
    one([](Project& b) { b.excerpts[4].anchor = TimeSpan{0, 1}; }, "excerpts[E5].anchor.type");
}

TEST_CASE("comparison can ignore extensions and audit") {
    Project a = test::richProject();
    Project b = a;
    b.themes[1].ext.clear();
    b.themes[1].audit = {};
    CHECK_FALSE(compareProjects(a, b).empty());
    CompareOptions o;
    o.ignoreExtensions = true;
    o.ignoreAudit = true;
    CHECK(compareProjects(a, b, o).empty());
}

TEST_CASE("a missing quote is compared with the text its span covers") {
    Project a = test::richProject();
    Project b = a;
    b.excerpts[0].quote.reset();
    CHECK(compareProjects(a, b).empty());
    std::get<TextSpan>(b.excerpts[0].anchor).start += 1;
    auto d = compareProjects(a, b);
    CHECK(d.size() == 2);  // the span and the text it covers
}
