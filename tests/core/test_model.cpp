#include "qdx/Diagnostics.h"
#include "qdx/IdIndex.h"
#include "qdx/Json.h"
#include "qdx/Model.h"
#include "qdx/Text.h"

#include <cctype>

#include <catch2/catch.hpp>

#include <regex>

using namespace qdx;

TEST_CASE("ids compare without braces, case or surrounding space") {
    CHECK(normalizeId("{ABC-12}") == "abc-12");
    CHECK(normalizeId(" abc-12 ") == "abc-12");
    CHECK(normalizeId("abc") != normalizeId("abd"));
}

TEST_CASE("new UUIDs are RFC 4122 v4, upper case, without braces") {
    std::string a = newUuid(), b = newUuid();
    CHECK(a != b);
    CHECK(std::regex_match(a, std::regex("[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}")));
}

TEST_CASE("theme paths follow parents and stop at cycles") {
    Project p;
    p.themes = {{"1", "Macro", "", "", "", false, {}, {}}, {"2", "Legislation", "1", "", "", true, {}, {}},
                {"3", "Loop A", "4", "", "", true, {}, {}}, {"4", "Loop B", "3", "", "", true, {}, {}}};
    CHECK(themePath(p, "2") == std::vector<std::string>{"Macro", "Legislation"});
    CHECK(themePath(p, "{2}") == std::vector<std::string>{"Macro", "Legislation"});
    CHECK(themePath(p, "3").size() == 2);  // stops when the cycle closes
    CHECK(themePath(p, "missing").empty());
}

TEST_CASE("a theme index gives the paths themePath gives") {
    Project p;
    p.themes = {{"1", "Macro", "", "", "", false, {}, {}},      {"2", "Legislation", "{1}", "", "", true, {}, {}},
                {"3", "Loop A", "4", "", "", true, {}, {}},     {"4", "Loop B", "3", "", "", true, {}, {}},
                {"{2}", "Second of id 2", "", "", "", true, {}, {}}, {"5", "Dangling", "nope", "", "", true, {}, {}},
                {"6", "Self", "6", "", "", true, {}, {}},       {"", "No id", "", "", "", true, {}, {}}};
    ThemeIndex idx(p);
    for (const char* id : {"1", "2", "{2}", "3", "4", "5", "6", "missing", "", "{}", " 1 "})
        CHECK(idx.path(id) == themePath(p, id));
    CHECK(idx.path("2") == std::vector<std::string>{"Macro", "Legislation"});  // the first theme of an id
    CHECK(idx.find("{2}") == &p.themes[1]);
    CHECK(idx.path("3") == std::vector<std::string>{"Loop B", "Loop A"});
    CHECK(idx.path("5") == std::vector<std::string>{"Dangling"});
    CHECK(idx.path("6") == std::vector<std::string>{"Self"});
    CHECK(idx.path("").empty());
    CHECK(idx.find("missing") == nullptr);
}

TEST_CASE("JSON objects keep order and first-key lookup as they grow past the hashed size") {
    Json o = Json::object();
    for (int i = 0; i < 1000; ++i) o.set("k" + std::to_string(i), Json(i));
    for (int i = 0; i < 1000; i += 7) o.set("k" + std::to_string(i), Json("again"));  // replaced in place
    REQUIRE(o.asObject().size() == 1000);
    CHECK(o.asObject()[0].first == "k0");
    CHECK(o.asObject()[999].first == "k999");
    CHECK(o.find("k7")->asString() == "again");
    CHECK(o.find("k8")->numberText() == "8");
    CHECK(o.find("nope") == nullptr);
    Json copy = o;  // the copy indexes itself again when set() needs it
    copy.set("k8", Json(true));
    CHECK(copy.find("k8")->asBool());
    CHECK(o.find("k8")->numberText() == "8");
    CHECK(copy != o);
    copy.set("k8", Json(8));
    CHECK(copy == o);
    // members changed behind set()'s back: set() and find() still see them
    o.asObject().emplace(o.asObject().begin(), "first", Json(1));
    o.asObject().pop_back();
    CHECK(o.find("k999") == nullptr);
    CHECK(o.find("first")->numberText() == "1");
    o.set("k999", Json(2));
    CHECK(o.asObject().back().first == "k999");
    CHECK(o.asObject().size() == 1001);
    o.set("first", Json(3));
    CHECK(o.asObject().size() == 1001);
    CHECK(o.find("first")->numberText() == "3");
    // a duplicate key (possible through asObject()) is found at its first member, as before
    o.asObject().emplace_back("k1", Json("second k1"));
    CHECK(o.find("k1")->numberText() == "1");
    o.set("k1", Json("set"));
    CHECK(o.asObject()[2].second.asString() == "set");
}

TEST_CASE("setting 300k distinct keys takes linear time") {
    // Json::set searched linearly: 250k unknown attributes took over a minute (issue 15).
    Json o;
    for (int i = 0; i < 300000; ++i) o.set(std::to_string(i), Json());
    CHECK(o.asObject().size() == 300000);
    Json p = parseJson(o.dump());  // compared member by member: hashed as well
    CHECK(p == o);
}

TEST_CASE("JSON values keep number text and compare objects by content") {
    Json a = parseJson(R"({"n": 1.50, "s": "x\u0000y", "a": [true, null], "o": {"k": 1}})");
    CHECK(a.find("n")->numberText() == "1.50");
    CHECK(a.find("s")->asString() == std::string("x\0y", 3));
    Json b = parseJson(R"({"o": {"k": 1}, "a": [true, null], "s": "x\u0000y", "n": 1.5})");
    CHECK(a == b);
    Json c = parseJson(R"({"o": {"k": 2}, "a": [true, null], "s": "x\u0000y", "n": 1.5})");
    CHECK(a != c);
    CHECK(parseJson(a.dump()) == a);
}

TEST_CASE("hostile JSON gives a clear error, never a crash") {
    // CVE-2024-38517: this number crashes RapidJSON 1.1.0 when it parses numbers itself.
    Json v = parseJson("[0.00000000001e-2147483639]");
    CHECK(v.asArray()[0].numberText() == "0.00000000001e-2147483639");
    std::string deep(1000000, '[');
    deep += std::string(1000000, ']');
    try {
        parseJson(deep, "deep.json");
        FAIL("deep nesting accepted");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find("deep.json") != std::string::npos);
        CHECK(std::string(e.what()).find("nesting deeper than") != std::string::npos);
    }
    CHECK_THROWS_AS(parseJson("{\"a\": \"\xFF\"}", "bad.json"), InputError);
    CHECK_THROWS_WITH(parseJson("{\n\"a\": tru}", "t.json"), Catch::Contains("t.json:2:"));
    CHECK_THROWS_WITH(parseJson("[1] x", "t.json"), Catch::Contains("text after the value"));
}

TEST_CASE("diagnostics count by severity and code, and strict mode turns quirks into errors") {
    Diagnostics d;
    d.lossy("lossy.theme-colour", "colour dropped", "T1", "use -o keep-colours=true");
    d.lossy("lossy.theme-colour", "colour dropped", "T2");
    d.skipped("skipped.excerpt-source-missing", "no source", "E1");
    d.info("quirk.guid-braces", "braces removed");
    CHECK(d.count(Severity::Lossy) == 2);
    CHECK(d.count(Severity::Skipped) == 1);
    CHECK(d.countCode("lossy.theme-colour") == 2);
    CHECK(d.summary().size() == 3);
    CHECK(d.all()[0].hint == "use -o keep-colours=true");

    Diagnostics strict;
    strict.setStrict(true);
    strict.lossy("lossy.theme-colour", "fine in strict mode");
    CHECK_THROWS_AS(strict.info("quirk.guid-braces", "braces", "G", Location{"p.qde", "", 3, 4, -1}), InputError);

    Diagnostics capped;
    capped.setPerCodeLimit(2);
    for (int i = 0; i < 5; ++i) capped.lossy("lossy.x", "x");
    CHECK(capped.all().size() == 2);
    CHECK(capped.countCode("lossy.x") == 5);
    CHECK(capped.count(Severity::Lossy) == 5);
}

TEST_CASE("locations print file, member, line and column") {
    CHECK(Location{"a.qdpx", "project.qde", 3, 7, -1}.str() == "a.qdpx!project.qde:3:7");
    CHECK(Location{"a.json", "", 0, 0, 12}.str() == "a.json (byte 12)");
    InputError e(Location{"f.csv", "", 2, 0, -1}, "bad row");
    CHECK(std::string(e.what()) == "f.csv:2: bad row");
}

TEST_CASE("IdHash and IdEqual compare ids as normalizeId does", "[model]")
{
    const qdx::IdHash hash;
    const qdx::IdEqual equal;
    std::uint32_t x = 7;
    auto rnd = [&] { return x = x * 1664525u + 1013904223u; };
    const std::string alphabet = "0123456789abcdefABCDEF-_@`{}xyzXYZ\xc3\xa9";
    for (int i = 0; i < 5000; ++i) {
        std::string id;
        std::size_t len = rnd() % 40;
        for (std::size_t k = 0; k < len; ++k) id.push_back(alphabet[rnd() % alphabet.size()]);
        // a spelling that normalizeId treats as the same id
        std::string other = id;
        for (auto& c : other)
            if (rnd() % 2 && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
        if (rnd() % 3 == 0) other = "{" + other + "}";
        if (rnd() % 4 == 0) other = " " + other + "\t";
        CAPTURE(id, other);
        const bool same = qdx::normalizeId(id) == qdx::normalizeId(other);
        CHECK(equal(id, other) == same);
        if (same) CHECK(hash(id) == hash(other));
        // a different id of the same length
        std::string diff = id.empty() ? "x" : id;
        diff[rnd() % diff.size()] ^= 0x01;
        CHECK(equal(id, diff) == (qdx::normalizeId(id) == qdx::normalizeId(diff)));
    }
    CHECK(equal("{ABC-def}", " abc-DEF "));
    CHECK_FALSE(equal("@", "`"));           // folded only A-Z
    CHECK(hash("{ABC-def}") == hash("abc-DEF"));
    // every byte value, in every position of a word: folded exactly as foldAscii folds it
    for (int c = 1; c < 256; ++c)
        for (std::size_t at = 0; at < 9; ++at) {
            std::string a(9, 'q'), b(9, 'q');
            a[at] = static_cast<char>(c);
            b[at] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
            CAPTURE(c, at);
            CHECK(hash(a) == hash(b));
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
            b[at] = static_cast<char>(c ^ 0x20);  // a non-letter is never folded onto its 0x20 partner
            CHECK(hash(a) != hash(b));
        }
}

TEST_CASE("IdIndex: ids compare as normalizeId does, and grow without losing any")
{
    qdx::IdIndex<int> idx;
    CHECK(idx.find("x") == nullptr);  // empty
    auto [v, fresh] = idx.emplace("ABCDEF01-0000-4000-8000-000000000001", 1);
    CHECK(fresh);
    CHECK(*v == 1);
    auto again = idx.emplace("{abcdef01-0000-4000-8000-000000000001}", 2);  // same id: braces, case
    CHECK_FALSE(again.second);
    CHECK(*again.first == 1);  // the first value stays
    REQUIRE(idx.find(" {AbCdEf01-0000-4000-8000-000000000001} "));
    CHECK(*idx.find("abcdef01-0000-4000-8000-000000000001") == 1);
    CHECK(idx.find("abcdef01-0000-4000-8000-000000000002") == nullptr);

    // "a@b" and "a`b" differ in the bit that folds case in letters: different ids,
    // kept apart, and hashed apart (issue 15: OR-ing 0x20 into every byte made
    // 2^20 ids of '@' and '`' hash alike, and every table of them a scan).
    CHECK(qdx::IdHash{}("a@b") != qdx::IdHash{}("a`b"));
    CHECK(qdx::IdHash{}("[x]^_") != qdx::IdHash{}("{x}~\x7f"));
    CHECK(idx.emplace("a@b", 3).second);
    CHECK(idx.emplace("a`b", 4).second);
    CHECK(*idx.find("a@b") == 3);
    CHECK(*idx.find("A`B") == 4);

    // growth: ids live in a vector that outlives the index (it holds views)
    std::vector<std::string> ids;
    for (int i = 0; i < 50000; ++i) ids.push_back("id-" + std::to_string(i * 7919));
    for (std::size_t i = 0; i < ids.size(); ++i) REQUIRE(idx.emplace(ids[i], static_cast<int>(i)).second);
    CHECK(idx.size() == ids.size() + 3);
    for (std::size_t i = 0; i < ids.size(); ++i) {
        std::string upper = qdx::text::asciiLower(ids[i]);
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        const int* found = idx.find(upper);
        REQUIRE(found);
        CHECK(*found == static_cast<int>(i));
    }
    CHECK(idx.find("id--1") == nullptr);
}
