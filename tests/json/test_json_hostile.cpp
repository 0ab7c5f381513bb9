// Hostile and malformed JSON: every case must end in a qdx::InputError (or
// LimitError) that names the file, the place and the reason, never a crash.

#include "JsonFixtures.h"

#include "qdx/Errors.h"
#include "qdx/Input.h"

#include <catch2/catch.hpp>

#include <regex>

using namespace qdx;
using namespace qdx::jsonfmt;
using namespace qdx::jsontest;

namespace {

Project readText(const std::string& text, const ReadSettings& s = {}) {
    Diagnostics diag;
    return readProject(Input::fromMemory(text, "hostile.json"), s, diag);
}

/// The InputError the text gives (fails the test when there is none).
InputError errorOf(const std::string& text, const ReadSettings& s = {}) {
    try {
        readText(text, s);
    } catch (const InputError& e) {
        return e;
    }
    FAIL("no InputError for: " << text.substr(0, 200));
    throw std::logic_error("unreachable");
}

const char* kCrashNumber = "0.00000000001e-2147483639";

/// A minimal document with one value replaced by `@`.
struct Position {
    const char* name;
    const char* doc;
};

const Position kNumericPositions[] = {
    {"syncPoints.timeMs",
     R"({"qdx":"1.0","sources":[{"id":"S","transcripts":[{"id":"T","syncPoints":[{"id":"P","timeMs":@,"position":0}]}]}]})"},
    {"syncPoints.position",
     R"({"qdx":"1.0","sources":[{"id":"S","transcripts":[{"id":"T","syncPoints":[{"id":"P","timeMs":0,"position":@}]}]}]})"},
    {"anchor.start", R"({"qdx":"1.0","excerpts":[{"id":"E","source":"S","anchor":{"type":"text","start":@,"end":1}}]})"},
    {"anchor.end", R"({"qdx":"1.0","excerpts":[{"id":"E","source":"S","anchor":{"type":"text","start":0,"end":@}}]})"},
    {"anchor.page", R"({"qdx":"1.0","excerpts":[{"id":"E","source":"S","anchor":{"type":"pdf","page":@,"x1":0,"y1":0,"x2":0,"y2":0}}]})"},
    {"anchor.x1", R"({"qdx":"1.0","excerpts":[{"id":"E","source":"S","anchor":{"type":"image","x1":@,"y1":0,"x2":0,"y2":0}}]})"},
    {"anchor.y1", R"({"qdx":"1.0","excerpts":[{"id":"E","source":"S","anchor":{"type":"pdf","page":1,"x1":0,"y1":@,"x2":0,"y2":0}}]})"},
    {"anchor.x2", R"({"qdx":"1.0","excerpts":[{"id":"E","source":"S","anchor":{"type":"image","x1":0,"y1":0,"x2":@,"y2":0}}]})"},
    {"anchor.y2", R"({"qdx":"1.0","excerpts":[{"id":"E","source":"S","anchor":{"type":"image","x1":0,"y1":0,"x2":0,"y2":@}}]})"},
    {"anchor.begin", R"({"qdx":"1.0","excerpts":[{"id":"E","source":"S","anchor":{"type":"time","begin":@,"end":0}}]})"},
    {"content.size", R"({"qdx":"1.0","sources":[{"id":"S","content":{"size":@,"base64":""}}]})"},
};

std::string substitute(const char* doc, const std::string& value) {
    std::string s = doc;
    s.replace(s.find('@'), 1, value);
    return s;
}

} // namespace

TEST_CASE("json hostile: RapidJSON crash numbers and out-of-range integers in every numeric position", "[json][hostile]") {
    for (const auto& pos : kNumericPositions) {
        for (const std::string& value :
             {std::string(kCrashNumber), std::string("1e400"), std::string("-1e-400"), std::string("1.5"),
              std::string("9223372036854775808"), std::string("-9223372036854775809"),
              std::string("123456789012345678901234567890"), std::string("\"7\""), std::string("true"), std::string("null")}) {
            INFO(pos.name << " = " << value);
            InputError e = errorOf(substitute(pos.doc, value));
            CHECK(e.where().file == "hostile.json");
            CHECK(e.where().offset > 0);
            CHECK(e.where().line == 1);
            // 1e400 is refused by RapidJSON itself ("Number too big"), the rest by our conversion.
            CHECK_THAT(e.reason(), Catch::Contains("integer") || Catch::Contains("Number too big"));
        }
        // The boundary values themselves are fine (except negative sizes).
        INFO(pos.name);
        if (std::string(pos.name) != "content.size") {
            CHECK_NOTHROW(readText(substitute(pos.doc, "9223372036854775807")));
            CHECK_NOTHROW(readText(substitute(pos.doc, "-9223372036854775808")));
        } else {
            CHECK_THROWS_WITH(readText(substitute(pos.doc, "-1")), Catch::Contains("non-negative"));
        }
    }
    // In an ext value a JSON number is data and travels as text...
    Project p = readText(std::string(R"({"qdx":"1.0","project":{"ext":{"x:n":[)") + kCrashNumber + R"(,1e-400,-0.0e+5]}}})");
    CHECK(p.ext.at("x:n").asArray()[0].numberText() == kCrashNumber);
    CHECK(p.ext.at("x:n").asArray()[1].numberText() == "1e-400");
    CHECK(p.ext.at("x:n").asArray()[2].numberText() == "-0.0e+5");
    // ...except beyond the range of a double, which RapidJSON 1.1 refuses (documented limitation).
    CHECK_THROWS_WITH(readText(R"({"qdx":"1.0","project":{"ext":{"x:n":1e400}}})"), Catch::Contains("Number too big"));
    // The crash number as a whole document and inside arrays.
    CHECK_THROWS_AS(readText(std::string("[") + kCrashNumber + "]"), InputError);
    CHECK_THROWS_AS(readText(kCrashNumber), InputError);
}

TEST_CASE("json hostile: a million nested arrays in an ext value stop at the depth guard", "[json][hostile]") {
    const std::size_t n = 1000000;
    std::string text = R"({"qdx":"1.0","project":{"ext":{"x:deep":)";
    text.append(n, '[');
    text.append(n, ']');
    text += "}}}";
    try {
        readText(text);
        FAIL("no error");
    } catch (const LimitError& e) {
        CHECK_THAT(e.reason(), Catch::Contains("deeper than 256"));
        CHECK_THAT(e.reason(), Catch::Contains("project.ext.x:deep"));
        CHECK(e.where().offset > 0);
        CHECK(e.where().offset < 400);
    }
    // Objects too, and the option lowers the limit.
    std::string objects = R"({"qdx":"1.0","project":{"ext":{"x:deep":)";
    for (int i = 0; i < 40; ++i) objects += "{\"a\":";
    objects += "1";
    for (int i = 0; i < 40; ++i) objects += "}";
    objects += "}}}";
    CHECK_NOTHROW(readText(objects));
    ReadSettings shallow;
    shallow.maxDepth = 16;
    CHECK_THROWS_AS(readText(objects, shallow), LimitError);
    // A deep unknown key is guarded the same way.
    std::string unknown = R"({"qdx":"1.0","junk":)";
    unknown.append(100000, '[');
    CHECK_THROWS_AS(readText(unknown), LimitError);
}

TEST_CASE("json hostile: invalid UTF-8 is refused with its offset", "[json][hostile]") {
    for (const std::string& bad : {std::string("\xC0\xAF"), std::string("\xED\xA0\x80"), std::string("\xF5\x80\x80\x80"),
                                   std::string("\xE2\x82"), std::string("\x80"), std::string("\xFF")}) {
        std::string text = "{\"qdx\":\"1.0\",\n\"project\":{\"name\":\"ab" + bad + "cd\"}}";
        InputError e = errorOf(text);
        CHECK(e.where().offset >= 26);
        CHECK(e.where().line == 2);
        CHECK_THAT(e.reason(), Catch::Contains("encoding") || Catch::Contains("UTF-8"));
        // In a key and in an ext value too.
        CHECK_THROWS_AS(readText("{\"qdx\":\"1.0\",\"k" + bad + "\":1}"), InputError);
        CHECK_THROWS_AS(readText("{\"qdx\":\"1.0\",\"project\":{\"ext\":{\"a:b\":[\"" + bad + "\"]}}}"), InputError);
    }
    // An escaped lone surrogate is invalid too.
    CHECK_THROWS_AS(readText(R"({"qdx":"1.0","project":{"name":"\ud800"}})"), InputError);
    // A NUL escape is valid data.
    CHECK(readText(R"({"qdx":"1.0","project":{"name":"a\u0000b"}})").name == std::string("a\0b", 3));
}

TEST_CASE("json hostile: every truncation of a valid document is an error", "[json][hostile]") {
    WriteSettings compact;
    compact.pretty = false;
    std::string text = toJsonText(fullProject(), compact);
    std::size_t last = text.find_last_not_of("\n ");
    for (std::size_t len = 0; len <= last; len += (len < 2000 ? 1 : 97)) {
        std::string prefix = text.substr(0, len);
        InputError e = errorOf(prefix);
        INFO("length " << len);
        CHECK(e.where().offset >= 0);
        CHECK(e.where().offset <= static_cast<long long>(len));
    }
    CHECK_NOTHROW(readText(text.substr(0, last + 1)));
}

TEST_CASE("json hostile: wrong types and shapes name the entity and the field", "[json][hostile]") {
    struct Case {
        std::string doc;
        std::string message;
    };
    const std::vector<Case> cases{
        {R"([1,2])", "expected an object at the top level"},
        {R"("text")", "expected an object at the top level"},
        {R"({})", "missing key 'qdx' in the document"},
        {R"({"qdx":1})", "expected string for qdx, got number"},
        {R"({"qdx":"2.0"})", "unsupported qdx version '2.0'"},
        {R"({"qdx":"1.0","qdx":"1.0"})", "duplicate key 'qdx'"},
        {R"({"qdx":"1.0","themes":{}})", "expected array of themes for themes, got object"},
        {R"({"qdx":"1.0","themes":[{"id":"a"},{"id":"b"},{"id":"c"},{"id":"d","name":7}]})",
         "expected string for themes[3].name, got number"},
        {R"({"qdx":"1.0","themes":[1]})", "expected object for themes[0], got number"},
        {R"({"qdx":"1.0","themes":[{"name":"x"}]})", "missing key 'id' in themes[0]"},
        {R"({"qdx":"1.0","themes":[{"id":""}]})", "empty string not allowed for themes[0].id"},
        {R"({"qdx":"1.0","themes":[{"id":"a","codable":"yes"}]})", "expected boolean for themes[0].codable"},
        {R"({"qdx":"1.0","themes":[{"id":"a","color":"red"}]})", "expected colour \"#RRGGBB\" for themes[0].color"},
        {R"({"qdx":"1.0","themes":[{"id":"a","name":"x","name":"y"}]})", "duplicate key 'name' in themes[0]"},
        {R"({"qdx":"1.0","themes":[{"id":"a","audit":{"creator":5}}]})", "expected string for themes[0].audit.creator"},
        {R"({"qdx":"1.0","themes":[{"id":"a","ext":[]}]})", "expected object for themes[0].ext, got array"},
        {R"({"qdx":"1.0","themes":[{"id":"a","ext":{"k":1,"k":2}}]})", "duplicate key 'k' in themes[0].ext"},
        {R"({"qdx":"1.0","project":{"ext":{"k":{"a":1,"a":1}}}})", "duplicate key 'a' in project.ext.k"},
        {R"({"qdx":"1.0","attributes":[{"id":"a","type":"number"}]})", "expected one of text|boolean|integer|float|date|datetime for attributes[0].type"},
        {R"({"qdx":"1.0","sources":[{"id":"s","kind":"book"}]})", "expected one of text|pdf|picture|audio|video for sources[0].kind"},
        {R"({"qdx":"1.0","sources":[{"id":"s","text":null}]})", "expected string for sources[0].text, got null"},
        {R"({"qdx":"1.0","sources":[{"id":"s","values":[{"attribute":"a"}]}]})", "missing key 'value' in sources[0].values[0]"},
        {R"({"qdx":"1.0","sources":[{"id":"s","values":[{"attribute":"a","value":1}]}]})", "expected string for sources[0].values[0].value"},
        {R"({"qdx":"1.0","sources":[{"id":"s","transcripts":[{"id":"t","syncPoints":[{"timeMs":1}]}]}]})",
         "missing key 'id' in sources[0].transcripts[0].syncPoints[0]"},
        {R"({"qdx":"1.0","sources":[{"id":"s","content":{"base64":"YWJj"}}]})", "missing key 'size' in sources[0].content"},
        {R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":2,"base64":"YWJj"}}]})", "content size 2 differs from the 3 bytes"},
        {R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"base64":"YW Jj"}}]})", "invalid base64 at character 2 of sources[0].content.base64"},
        {R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"base64":"YWJ"}}]})", "invalid base64"},
        {R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":1,"base64":"YR=="}}]})", "invalid base64"},
        {R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":1,"base64":"YQ==YQ=="}}]})", "invalid base64"},
        {R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"base64":"YWJj","href":"a"}}]})", "both base64 and href"},
        {R"({"qdx":"1.0","sources":[{"id":"s","mediaType":"a/b","content":{"size":0,"mediaType":"c/d"}}]})", "differs from the media type"},
        {R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"start":1}}]})", "missing key 'type' in excerpts[0].anchor"},
        {R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"circle"}}]})", "expected anchor type"},
        {R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"text","start":1}}]})", "anchor of type 'text' needs 'end' in excerpts[0].anchor"},
        {R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"text","start":1,"end":2,"page":3}}]})",
         "'page' is not allowed in an anchor of type 'text'"},
        {R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"source","begin":0}}]})", "'begin' is not allowed"},
        {R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"transcript","transcript":"t","fromSyncPoint":"a"}}]})",
         "needs 'toSyncPoint'"},
        {R"({"qdx":"1.0","excerpts":[{"id":"e","anchor":{"type":"source"}}]})", "missing key 'source' in excerpts[0]"},
        {R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","codings":[{"id":"c"}]}]})", "missing key 'theme' in excerpts[0].codings[0]"},
        {R"({"qdx":"1.0","memos":[{"id":"m","targets":["a",""]}]})", "empty string not allowed for memos[0].targets[1]"},
        {R"({"qdx":"1.0","memos":[{"id":"m","targets":["a",{}]}]})", "for memos[0].targets[1], got object"},
        {R"({"qdx":"1.0","cases":[{"id":"c","sources":"s"}]})", "expected array of ids for cases[0].sources, got string"},
        {R"({"qdx":"1.0","sets":[{"id":"s","memos":[["m"]]}]})", "for sets[0].memos[0], got array"},
        {R"({"qdx":"1.0","project":[]})", "expected object for project, got array"},
        {R"({"qdx":"1.0"} {})", "invalid JSON"},
        {R"({"qdx":"1.0",})", "invalid JSON"},
        {"{\"qdx\":\"1.0\",\"project\":{\"name\":\"a\x01\"}}", "invalid JSON"},
        {R"({"qdx":"1.0"} // comment)", "invalid JSON"},
        {R"({"qdx":NaN})", "invalid JSON"},
    };
    for (const auto& c : cases) {
        INFO(c.doc);
        InputError e = errorOf(c.doc);
        CHECK_THAT(e.reason(), Catch::Contains(c.message));
        CHECK(e.where().file == "hostile.json");
        CHECK(e.where().offset >= 0);
        CHECK_THAT(std::string(e.what()), Catch::StartsWith("hostile.json:1:"));
    }
}

TEST_CASE("json hostile: line and column of an error in a multi-line file", "[json][hostile]") {
    std::string text = "{\n  \"qdx\": \"1.0\",\n  \"themes\": [\n    {\"id\": \"é𝄞\", \"name\": 12}\n  ]\n}\n";
    InputError e = errorOf(text);
    CHECK(e.where().line == 4);
    // The column counts code points and points just after the offending value.
    CHECK(e.where().column == 28);
    CHECK_THAT(std::string(e.what()), Catch::StartsWith("hostile.json:4:28: expected string for themes[0].name"));
}

TEST_CASE("json hostile: the input size cap", "[json][hostile]") {
    std::string text = toJsonText(fullProject());
    ReadSettings small;
    small.maxBytes = 1000;
    CHECK_THROWS_AS(readText(text, small), LimitError);
    small.maxBytes = text.size();
    CHECK_NOTHROW(readText(text, small));
    small.maxBytes = text.size() - 1;
    CHECK_THROWS_AS(readText(text, small), LimitError);
}

TEST_CASE("json hostile: the writer refuses invalid UTF-8 and keeps odd ext numbers valid", "[json][hostile]") {
    Project p;
    p.themes.push_back(Theme{});
    p.themes[0].id = "T";
    p.themes[0].name = "bad \xC3";
    try {
        toJsonText(p);
        FAIL("no OutputError");
    } catch (const OutputError& e) {
        CHECK_THAT(std::string(e.what()), Catch::Contains("themes[0].name"));
    }
    Project q;
    q.ext["x:n"] = Json::number("NaN");
    q.ext["x:big"] = Json::number("1e400");
    q.ext["x:long"] = Json::number("1" + std::string(400, '0'));
    q.ext["x:fine"] = Json::number("1" + std::string(300, '0'));
    q.themes.push_back(Theme{});
    q.themes[0].id = "T";
    q.themes[0].color = "red";
    StringSink sink;
    Diagnostics diag;
    writeProject(q, sink, {}, diag);
    CHECK(diag.countCode("lossy.ext-number") == 3);
    CHECK(diag.countCode("lossy.theme-colour") == 1);
    Project back = readText(sink.text());
    CHECK(back.ext.at("x:n") == Json("NaN"));
    CHECK(back.ext.at("x:big") == Json("1e400"));
    CHECK(back.ext.at("x:fine").numberText() == q.ext.at("x:fine").numberText());
    CHECK(back.themes[0].color.empty());
}
