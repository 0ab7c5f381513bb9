// The writer's text against an independent reference: RapidJSON 1.1's Writer
// (compact) and PrettyWriter with a 2-space indent (pretty) write the same
// documents, so separators, indentation, empty containers and the escaping of
// every byte are pinned to the form qdx wrote before it had its own emitter.

#include "Base64.h"
#include "JsonFixtures.h"

#include "qdx/Errors.h"

#include <catch2/catch.hpp>

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

using namespace qdx;
using namespace qdx::jsonfmt;
using namespace qdx::jsontest;

namespace {

template <class W>
void refValue(W& w, const Json& v) {
    switch (v.type()) {
    case Json::Type::Null: w.Null(); break;
    case Json::Type::Bool: w.Bool(v.asBool()); break;
    case Json::Type::Number: w.RawValue(v.numberText().data(), v.numberText().size(), rapidjson::kNumberType); break;
    case Json::Type::String: w.String(v.asString().data(), static_cast<rapidjson::SizeType>(v.asString().size())); break;
    case Json::Type::Array:
        w.StartArray();
        for (const auto& e : v.asArray()) refValue(w, e);
        w.EndArray();
        break;
    case Json::Type::Object:
        w.StartObject();
        for (const auto& [k, e] : v.asObject()) {
            w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
            refValue(w, e);
        }
        w.EndObject();
        break;
    }
}

template <class W>
void refString(W& w, const char* key, const std::string& s) {
    if (s.empty()) return;
    w.Key(key);
    w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

template <class W>
void refExt(W& w, const Extensions& e) {
    if (e.empty()) return;
    w.Key("ext");
    w.StartObject();
    for (const auto& [k, v] : e) {
        w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
        refValue(w, v);
    }
    w.EndObject();
}

/// The document of a project that has a name, a description, ext and users
/// (with id, name and ext) and nothing else, written by RapidJSON.
template <class W>
void refProject(W& w, const Project& p) {
    w.StartObject();
    w.Key("qdx");
    w.String(kModelVersion);
    w.Key("project");
    w.StartObject();
    refString(w, "name", p.name);
    refString(w, "description", p.description);
    refExt(w, p.ext);
    w.EndObject();
    w.Key("users");
    w.StartArray();
    for (const auto& u : p.users) {
        w.StartObject();
        w.Key("id");
        w.String(u.id.data(), static_cast<rapidjson::SizeType>(u.id.size()));
        refString(w, "name", u.name);
        refExt(w, u.ext);
        w.EndObject();
    }
    w.EndArray();
    for (const char* list : {"themes", "attributes", "sources", "excerpts", "memos", "cases", "sets"}) {
        w.Key(list);
        w.StartArray();
        w.EndArray();
    }
    w.EndObject();
}

std::string reference(const Project& p, bool pretty) {
    rapidjson::StringBuffer buffer;
    if (pretty) {
        rapidjson::PrettyWriter<rapidjson::StringBuffer> w(buffer);
        w.SetIndent(' ', 2);
        refProject(w, p);
    } else {
        rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
        refProject(w, p);
    }
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

void checkBoth(const Project& p) {
    for (bool pretty : {true, false}) {
        INFO("pretty=" << pretty);
        WriteSettings s;
        s.pretty = pretty;
        std::string ours = toJsonText(p, s);
        std::string theirs = reference(p, pretty);
        if (ours != theirs) {
            std::size_t i = 0;
            while (i < ours.size() && i < theirs.size() && ours[i] == theirs[i]) ++i;
            INFO("first difference at byte " << i << ": ours '" << ours.substr(i > 40 ? i - 40 : 0, 80) << "' reference '"
                                             << theirs.substr(i > 40 ? i - 40 : 0, 80) << "'");
            CHECK(ours == theirs);
        }
    }
}

} // namespace

TEST_CASE("json writer: every ASCII byte at every offset is escaped as RapidJSON 1.1 does", "[json][writer]") {
    Project p;
    p.name = std::string(1, '\0') + "/\x7f";
    std::size_t n = 0;
    for (int c = 0; c < 0x80; ++c) {
        for (std::size_t before = 0; before < 10; ++before) {
            User u;
            u.id = "U" + std::to_string(n++);
            u.name = std::string(before, 'a') + static_cast<char>(c) + std::string(before % 3 == 0 ? 9 : before, 'b');
            p.users.push_back(u);
        }
    }
    // Escapes next to non-ASCII text, before and after the point where it is validated.
    User mixed;
    mixed.id = "mixed";
    mixed.name = "abcdefgh\"é\x01ijklmnop中\\𝄞\n\tqrstuvwx\x1f\x7f";
    p.users.push_back(mixed);
    checkBoth(p);
}

TEST_CASE("json writer: random ext trees and strings lay out as RapidJSON's Writer and PrettyWriter", "[json][writer]") {
    for (unsigned seed = 1; seed <= 60; ++seed) {
        INFO("seed " << seed);
        Project random = RandomProjects(seed).make(16);
        Project p;
        p.name = random.name;
        p.description = random.description;
        p.ext = random.ext;
        p.users = random.users;
        checkBoth(p);
    }
    // Nesting, empty containers and deep levels.
    Project p;
    p.ext["x:nested"] = nestedExt();
    Json deep = Json::array();
    for (int i = 0; i < 200; ++i) deep = Json(Json::Array{Json(Json::Object{{"k", std::move(deep)}}), Json::object()});
    p.ext["x:deep"] = std::move(deep);
    checkBoth(p);
}

TEST_CASE("json writer: strings longer than the output buffer", "[json][writer]") {
    Project p;
    std::string big;
    for (std::size_t i = 0; big.size() < 300 * 1024; ++i) big += (i % 97 == 0) ? "\"\n\\\x02" : (i % 89 == 0 ? "é𝄞" : "plain text ");
    p.name = big;
    p.description = std::string(200 * 1024, 'x');
    User u;
    u.id = "U1";
    u.name = std::string(64 * 1024 - 20, 'y');
    p.users = {u, u, u};
    checkBoth(p);
}

TEST_CASE("json writer: invalid UTF-8 anywhere in a string is an OutputError", "[json][writer]") {
    const char* bad[] = {"\xC3", "\xC3(", "\xE2\x82", "\xF0\x9D\x84", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF", "\x80"};
    for (const char* b : bad) {
        for (std::size_t before = 0; before < 12; ++before) {
            for (const std::string& prefix : {std::string(before, 'a'), "é" + std::string(before, '\n'), std::string(before, '"') + "𝄞"}) {
                Project p;
                p.themes.push_back(Theme{});
                p.themes[0].id = "T";
                p.themes[0].name = prefix + b + std::string(before, 'z');
                INFO("name '" << p.themes[0].name << "'");
                try {
                    toJsonText(p);
                    FAIL("no OutputError");
                } catch (const OutputError& e) {
                    CHECK_THAT(std::string(e.what()), Catch::Contains("themes[0].name"));
                }
            }
        }
    }
    Project p;
    p.ext[std::string("x:\xC3")] = Json(true);
    CHECK_THROWS_AS(toJsonText(p), OutputError);
    Project q;
    q.ext["x:v"] = Json(Json::Array{Json("ok"), Json(Json::Object{{"\xE2\x82", Json(nullptr)}})});
    CHECK_THROWS_AS(toJsonText(q), OutputError);
}

TEST_CASE("json writer: base64 of RFC 4648's test vectors, appended in chunks", "[json][writer]") {
    const std::pair<const char*, const char*> vectors[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                           {"foo", "Zm9v"},  {"foob", "Zm9vYg=="},  {"fooba", "Zm9vYmE="},
                                                           {"foobar", "Zm9vYmFy"}};
    for (const auto& [in, out] : vectors) {
        std::string text = "prefix:";
        base64::encode(in, text);
        CHECK(text == std::string("prefix:") + out);
    }
    // Every byte value, encoded whole and in pieces of 3 (as the writer streams content).
    std::string bytes;
    for (int i = 0; i < 256; ++i) bytes += static_cast<char>(i);
    bytes += std::string("\xFF\xFE", 2);
    std::string whole;
    base64::encode(bytes, whole);
    CHECK(whole.substr(0, 8) == "AAECAwQF");
    CHECK(whole.substr(whole.size() - 8) == "/P3+///+");  // Python: base64.b64encode(bytes(range(256)) + b"\xff\xfe")
    std::string pieces;
    for (std::size_t i = 0; i < bytes.size(); i += 9) base64::encode(std::string_view(bytes).substr(i, 9), pieces);
    CHECK(pieces == whole);
    std::string back;
    base64::Decoder d;
    REQUIRE(d.feed(whole, back));
    REQUIRE(d.finish(back));
    CHECK(back == bytes);
}
