// The JSON Schema (draft-04 subset) agrees with the writer and the reader:
// our output validates, broken documents are refused by both the schema and
// the reader. A DOM is fine here: the inputs are small and our own.

#include "JsonFixtures.h"

#include "qdx/Errors.h"
#include "qdx/Input.h"

#include <catch2/catch.hpp>

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/schema.h>
#include <rapidjson/stringbuffer.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace qdx;
using namespace qdx::jsonfmt;
using namespace qdx::jsontest;

namespace {

const rapidjson::SchemaDocument& schema() {
    static const rapidjson::SchemaDocument* doc = [] {
        std::ifstream f(QDX_JSON_SCHEMA, std::ios::binary);
        REQUIRE(f);
        std::stringstream s;
        s << f.rdbuf();
        rapidjson::Document d;
        d.Parse(s.str().c_str());
        REQUIRE_FALSE(d.HasParseError());
        return new rapidjson::SchemaDocument(d);
    }();
    return *doc;
}

/// Empty when `text` validates; else what the validator says.
std::string schemaErrors(const std::string& text) {
    rapidjson::Document d;
    d.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
    if (d.HasParseError()) return std::string("parse error: ") + rapidjson::GetParseError_En(d.GetParseError());
    rapidjson::SchemaValidator v(schema());
    if (d.Accept(v)) return {};
    rapidjson::StringBuffer where, rule;
    v.GetInvalidDocumentPointer().StringifyUriFragment(where);
    v.GetInvalidSchemaPointer().StringifyUriFragment(rule);
    return std::string("invalid at ") + where.GetString() + " against " + rule.GetString() + " (" +
           v.GetInvalidSchemaKeyword() + ")";
}

bool readerAccepts(const Input& in) {
    ReadSettings strict;
    strict.unknownKeysAreErrors = true;
    Diagnostics d;
    try {
        readProject(in, strict, d);
        return true;
    } catch (const InputError&) {
        return false;
    }
}

bool readerAccepts(const std::string& text) { return readerAccepts(Input::fromMemory(text, "schema.json")); }

std::string fileText(const std::filesystem::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

} // namespace

TEST_CASE("schema: the writer's output validates", "[json][schema]") {
    std::vector<std::pair<std::string, Project>> projects;
    projects.emplace_back("full", fullProject());
    projects.emplace_back("empty", Project{});
    for (unsigned seed : {7u, 8u, 9u}) projects.emplace_back("random " + std::to_string(seed), RandomProjects(seed).make(80));
    for (const auto& [name, p] : projects) {
        for (bool pretty : {true, false}) {
            for (bool embed : {true, false}) {
                WriteSettings ws;
                ws.pretty = pretty;
                ws.embedMedia = embed;
                std::string text = toJsonText(p, ws);
                INFO(name << " pretty=" << pretty << " embed=" << embed);
                CHECK(schemaErrors(text).empty());
                INFO(schemaErrors(text));
                CHECK(readerAccepts(text));
            }
        }
    }
}

TEST_CASE("schema: broken documents are refused by the schema and by the reader", "[json][schema]") {
    const std::vector<std::string> broken{
        R"({})",
        R"({"qdx":"1.1"})",
        R"({"qdx":"1.0","extra":1})",
        R"({"qdx":"1.0","project":{"title":"x"}})",
        R"({"qdx":"1.0","users":[{"name":"no id"}]})",
        R"({"qdx":"1.0","users":[{"id":""}]})",
        R"({"qdx":"1.0","themes":[{"id":"t","color":"#12345"}]})",
        R"({"qdx":"1.0","themes":[{"id":"t","color":"#GG0000"}]})",
        R"({"qdx":"1.0","themes":[{"id":"t","codable":1}]})",
        R"({"qdx":"1.0","themes":[{"id":"t","audit":{"when":"x"}}]})",
        R"({"qdx":"1.0","attributes":[{"id":"a","type":"Number"}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","kind":"book"}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"base64":"YWJj"}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":-1}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"base64":"YW*j"}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"base64":"YWJ"}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"base64":"YWJj","href":"a.bin"}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"href":"/etc/passwd"}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"href":"../a.bin"}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"href":"a/../b"}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"href":"a//b"}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"href":"C:x"}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"href":"a\\b"}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","values":[{"attribute":"a"}]}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","transcripts":[{"id":"t","syncPoints":[{"id":"p","timeMs":1.5}]}]}]})",
        R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"text","start":0}}]})",
        R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"text","start":0,"end":1,"page":1}}]})",
        R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"image","x1":0,"y1":0,"x2":0}}]})",
        R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"source","start":0}}]})",
        R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"polygon"}}]})",
        R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"time","begin":"0","end":1}}]})",
        R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","codings":[{"creator":"u"}]}]})",
        R"({"qdx":"1.0","excerpts":[{"id":"e"}]})",
        R"({"qdx":"1.0","memos":[{"id":"m","targets":[""]}]})",
        R"({"qdx":"1.0","cases":[{"id":"c","themes":"t"}]})",
        R"({"qdx":"1.0","sets":[{"id":"s","memos":[1]}]})",
        R"({"qdx":"1.0","sets":[{"id":"s","ext":[]}]})",
    };
    for (const auto& doc : broken) {
        INFO(doc);
        CHECK_FALSE(schemaErrors(doc).empty());
        CHECK_FALSE(readerAccepts(doc));
    }
}

TEST_CASE("schema: hand-written valid documents pass both", "[json][schema]") {
    const std::vector<std::string> valid{
        R"({"qdx":"1.0"})",
        R"({"qdx":"1.0","project":{},"users":[],"themes":[{"id":"t","color":"#abcdef","parent":""}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":0}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":3,"base64":"YWJj"}}]})",
        R"({"qdx":"1.0","sources":[{"id":"s","content":{"size":1,"base64":"YQ=="}}]})",
        R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"source"}}]})",
        R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"end":1,"start":0,"type":"text"}}]})",
        R"({"qdx":"1.0","excerpts":[{"id":"e","source":"s","anchor":{"type":"transcript","transcript":"t","fromSyncPoint":"","toSyncPoint":""}}]})",
        R"({"qdx":"1.0","project":{"ext":{"any:thing":[1,{"a":null},"x",true,1e-400,-0]}}})",
    };
    for (const auto& doc : valid) {
        INFO(doc);
        CHECK(schemaErrors(doc).empty());
        INFO(schemaErrors(doc));
        CHECK(readerAccepts(doc));
    }
}

TEST_CASE("schema: the sample files of tests/json/data (also checked by ajv)", "[json][schema]") {
    namespace fs = std::filesystem;
    std::size_t seen = 0;
    for (const char* kind : {"valid", "invalid"}) {
        for (const auto& entry : fs::directory_iterator(fs::path(QDX_JSON_DATA) / kind)) {
            if (entry.path().extension() != ".json") continue;
            ++seen;
            INFO(entry.path().string());
            std::string text = fileText(entry.path());
            bool expected = std::string(kind) == "valid";
            CHECK(schemaErrors(text).empty() == expected);
            CHECK(readerAccepts(Input::fromFile(entry.path().string())) == expected);
        }
    }
    CHECK(seen >= 10);
}
