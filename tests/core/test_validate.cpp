#include "common/Fixtures.h"
#include "qdx/Validate.h"

#include <catch2/catch.hpp>

using namespace qdx;

namespace {
std::size_t problems(const Project& p, std::string* firstMessage = nullptr, std::string* firstCode = nullptr) {
    Diagnostics d;
    std::size_t n = validateProject(p, d);
    if (n && firstMessage) *firstMessage = d.all()[0].message;
    if (n && firstCode) *firstCode = d.all()[0].code;
    return n;
}
} // namespace

TEST_CASE("the rich fixture and random projects are valid") {
    CHECK(problems(test::richProject()) == 0);
    CHECK(problems(test::randomProject(7, 5, 20, 12)) == 0);
}

TEST_CASE("a dangling theme reference is named with its excerpt and place") {
    Project p = test::richProject();
    p.excerpts[0].codings[0].theme = "NOPE";
    std::string msg, code;
    REQUIRE(problems(p, &msg, &code) == 1);
    CHECK(code == "invalid.dangling-reference");
    CHECK(msg.find("excerpts[E1].codings[0].theme") != std::string::npos);
    CHECK(msg.find("'NOPE'") != std::string::npos);
}

TEST_CASE("duplicate ids are found across entity kinds and spellings") {
    Project p = test::richProject();
    p.themes[2].id = "{t2}";  // same as T2 once normalised
    std::string msg, code;
    CHECK(problems(p, &msg, &code) >= 1);
    CHECK(code == "invalid.duplicate-id");
}

TEST_CASE("a cyclic theme tree is refused") {
    Project p = test::richProject();
    p.themes[0].parent = "T2";  // T1 -> T2 -> T1
    std::string msg, code;
    CHECK(problems(p, &msg, &code) >= 1);
    CHECK(code == "invalid.theme-cycle");
}

TEST_CASE("each theme on a cycle is reported once, the themes leading into it are not") {
    // 0 -> 1 -> 2 -> 1 (a cycle of two, a tail of one), 3 -> 3 (its own parent), 4 -> 0 (a tail of two),
    // 5 a root, 6 -> {1} (a spelling of a cycle member's id).
    Project p;
    for (int i = 0; i < 7; ++i) p.themes.push_back(Theme{std::to_string(i), "T" + std::to_string(i), "", "", "", true, {}, {}});
    p.themes[0].parent = "1";
    p.themes[1].parent = "2";
    p.themes[2].parent = "1";
    p.themes[3].parent = "3";
    p.themes[4].parent = "0";
    p.themes[6].parent = "{1}";
    Diagnostics d;
    CHECK(validateProject(p, d) == 3);
    std::vector<std::string> cyclic;
    for (const auto& x : d.all()) {
        CHECK(x.code == "invalid.theme-cycle");
        cyclic.push_back(x.entityId);
        CHECK(x.message.find("themes[" + x.entityId + "].parent") != std::string::npos);
    }
    CHECK(cyclic == std::vector<std::string>{"1", "2", "3"});  // in the order of the themes
}

TEST_CASE("a long chain of themes is checked in linear time") {
    // A walk per theme was n² log n: 20k themes in a chain took over a minute (issue 15).
    Project p;
    const int n = 200000;
    p.themes.reserve(n);
    for (int i = 0; i < n; ++i) p.themes.push_back(Theme{"t" + std::to_string(i), "x", i ? "t" + std::to_string(i - 1) : "", "", "", true, {}, {}});
    CHECK(problems(p) == 0);
    p.themes[0].parent = "t" + std::to_string(n - 1);  // one cycle through every theme
    Diagnostics d;
    CHECK(validateProject(p, d) == std::size_t(n));
}

TEST_CASE("transcript anchors name a transcript of their source and its sync points") {
    Project p;
    Source s;
    s.id = "S";
    s.kind = SourceKind::Audio;
    Transcript t;
    t.id = "T";
    for (int i = 0; i < 3; ++i) t.syncPoints.push_back(SyncPoint{"SP" + std::to_string(i), i * 1000, i, {}});
    s.transcripts.push_back(t);
    p.sources.push_back(s);
    auto anchored = [&](std::string id, std::string tr, std::string from, std::string to) {
        Excerpt e;
        e.id = std::move(id);
        e.source = "S";
        e.anchor = TranscriptSpan{std::move(tr), std::move(from), std::move(to)};
        p.excerpts.push_back(std::move(e));
    };
    anchored("E1", "{t}", "sp0", "SP2");  // ids compare without braces and case
    anchored("E2", "T", "SP1", "");
    CHECK(problems(p) == 0);
    anchored("E3", "nope", "SP0", "SP1");
    anchored("E4", "T", "SP0", "SP9");
    Diagnostics d;
    REQUIRE(validateProject(p, d) == 2);
    CHECK(d.all()[0].message.find("excerpts[E3].anchor.transcript: transcript 'nope' is not a transcript of source 'S'") !=
          std::string::npos);
    CHECK(d.all()[1].message.find("sync point 'SP9' is not in transcript 'T'") != std::string::npos);
}

TEST_CASE("spans must lie inside their source and match their quote") {
    Project p = test::richProject();
    std::get<TextSpan>(p.excerpts[0].anchor).end = 10000;
    std::string msg, code;
    CHECK(problems(p, &msg, &code) == 1);
    CHECK(code == "invalid.span-out-of-range");
    p = test::richProject();
    std::get<TextSpan>(p.excerpts[0].anchor) = TextSpan{12, 11};
    CHECK(problems(p, &msg, &code) == 1);
    CHECK(code == "invalid.span-out-of-range");
    p = test::richProject();
    p.excerpts[0].quote = "something else";
    CHECK(problems(p, &msg, &code) == 1);
    CHECK(code == "invalid.quote-mismatch");
}

TEST_CASE("attribute values must fit their type and memo targets must exist") {
    Project p = test::richProject();
    p.sources[0].values[0].value = "twenty";
    std::string msg, code;
    CHECK(problems(p, &msg, &code) == 1);
    CHECK(code == "invalid.bad-value");
    p = test::richProject();
    p.memos[1].targets.push_back("GHOST");
    CHECK(problems(p, &msg, &code) == 1);
    CHECK(msg.find("GHOST") != std::string::npos);
}

TEST_CASE("spans on a source whose text is unknown are checked for order only") {
    Project p = test::richProject();
    p.sources[0].text.reset();
    p.excerpts[0].quote.reset();
    CHECK(problems(p) == 0);
    std::get<TextSpan>(p.excerpts[0].anchor) = TextSpan{12, 11};
    std::string msg, code;
    CHECK(problems(p, &msg, &code) == 1);
    CHECK(code == "invalid.span-out-of-range");
}
