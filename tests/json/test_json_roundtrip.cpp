// Round trips of the canonical JSON form: write -> read -> write is
// byte-identical and the model comes back equal, for a hand-built project
// using every field and for random projects.

#include "JsonFixtures.h"

#include "qdx/Errors.h"
#include "qdx/Input.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace qdx;
using namespace qdx::jsonfmt;
using namespace qdx::jsontest;
namespace fs = std::filesystem;

namespace {

Project readText(const std::string& text, Diagnostics& diag, const ReadSettings& s = {}) {
    return readProject(Input::fromMemory(text, "test.json"), s, diag);
}

Project readText(const std::string& text) {
    Diagnostics diag;
    return readText(text, diag);
}

std::string describe(const std::vector<Difference>& d) {
    std::string s;
    for (const auto& x : d) s += x.path + ": '" + x.left + "' vs '" + x.right + "'\n";
    return s;
}

std::string blobBytes(const Blob& b) {
    auto in = b.open();
    std::ostringstream o;
    o << in->rdbuf();
    return o.str();
}

/// Folder for files the ajv check reads afterwards (tests/json-out in the build tree).
fs::path outputFolder() {
    fs::path dir = QDX_JSON_OUT;
    fs::create_directories(dir);
    return dir;
}

void keepOutput(const std::string& name, const std::string& text) {
    std::ofstream(outputFolder() / name, std::ios::binary) << text;
}

/// A private scratch folder removed at the end of the scope.
struct TempDir {
    fs::path path;
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "qdx-json-test-XXXXXX").string();
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        REQUIRE(::mkdtemp(buf.data()) != nullptr);
        path = buf.data();
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

void writeFile(const fs::path& p, const std::string& bytes) {
    std::ofstream f(p, std::ios::binary);
    f << bytes;
}

} // namespace

TEST_CASE("json: full project round-trips byte-identically and losslessly", "[json]") {
    Project p = fullProject();
    for (bool pretty : {true, false}) {
        WriteSettings ws;
        ws.pretty = pretty;
        std::string first = toJsonText(p, ws);
        Project back = readText(first);
        std::string second = toJsonText(back, ws);
        CHECK(first == second);
        auto diff = compareProjects(p, back);
        INFO(describe(diff));
        CHECK(diff.empty());
        keepOutput(pretty ? "full-pretty.json" : "full-compact.json", first);
    }
}

TEST_CASE("json: exact values survive (NUL, astral, number lexemes, optional text, content bytes)", "[json]") {
    Project p = fullProject();
    Project back = readText(toJsonText(p));

    CHECK(back.name == p.name);
    CHECK(back.name.find('\0') != std::string::npos);
    CHECK(back.users[1].id == "{U2-BRACED}");  // ids kept as read, not normalised
    CHECK(back.themes[1].codable == false);
    CHECK(back.themes[0].codable == true);
    CHECK(back.themes[1].parent == "T1");

    const Json& deep = back.ext.at("refi:project").asObject()[0].second.asObject()[0].second;
    REQUIRE(deep.isArray());
    CHECK(deep.asArray()[0].numberText() == "1.50");
    CHECK(deep.asArray()[1].numberText() == "-0");
    CHECK(deep.asArray()[2].numberText() == "1e-400");
    CHECK(deep.asArray()[3].numberText() == "1.7976931348623157e308");
    // Member order of ext objects is kept.
    CHECK(back.ext.at("refi:project").asObject()[0].first == "z-first");
    CHECK(back.ext.at("refi:project").asObject()[1].second.numberText() == "12345678901234567890123");

    REQUIRE(back.sources[1].text.has_value());
    CHECK(back.sources[1].text->empty());
    CHECK_FALSE(back.sources[2].text.has_value());
    REQUIRE(back.sources[1].content);
    CHECK(blobBytes(*back.sources[1].content) == blobBytes(*p.sources[1].content));
    CHECK(blobBytes(*back.sources[2].content) == std::string("\x89PNG\r\n\x1a\n\0\0", 10));
    REQUIRE(back.sources[3].content);
    CHECK(back.sources[3].content->size() == std::optional<std::uint64_t>(0));
    CHECK_FALSE(back.sources[4].content);
    CHECK(back.sources[4].mediaType == "video/mp4");

    CHECK(std::get<TextSpan>(back.excerpts[6].anchor).start == std::numeric_limits<std::int64_t>::min());
    CHECK(std::get<TextSpan>(back.excerpts[6].anchor).end == std::numeric_limits<std::int64_t>::max());
    CHECK(std::holds_alternative<std::monostate>(back.excerpts[5].anchor));
    CHECK(std::get<TranscriptSpan>(back.excerpts[4].anchor).toSyncPoint() == "SP2");
    CHECK(std::get<PdfRegion>(back.excerpts[1].anchor).x1 == -10);
    REQUIRE(back.excerpts[3].quote.has_value());
    CHECK(back.excerpts[3].quote->empty());
    CHECK(back.excerpts[0].codings[1].id.empty());
    CHECK(back.memos[1].targets == p.memos[1].targets);
    CHECK(back.sources[3].transcripts[0].syncPoints[2].timeMs == std::numeric_limits<std::int64_t>::max());
    CHECK(back.cases[0].excerpts == p.cases[0].excerpts);
    CHECK(back.sets[0].memos == p.sets[0].memos);
}

TEST_CASE("json: an empty project round-trips", "[json]") {
    Project p;
    std::string text = toJsonText(p);
    CHECK(toJsonText(readText(text)) == text);
    keepOutput("empty.json", text);
    CHECK(readText("{\"qdx\":\"1.0\"}").themes.empty());
}

TEST_CASE("json: random projects round-trip", "[json]") {
    for (unsigned seed : {1u, 2u, 3u, 20240501u}) {
        RandomProjects gen(seed);
        Project p = gen.make(seed == 20240501u ? 400 : 60);
        INFO("seed " << seed);
        std::string first = toJsonText(p);
        Project back = readText(first);
        CHECK(toJsonText(back) == first);
        auto diff = compareProjects(p, back);
        INFO(describe(diff));
        CHECK(diff.empty());
        WriteSettings compact;
        compact.pretty = false;
        CHECK(toJsonText(readText(toJsonText(p, compact)), compact) == toJsonText(p, compact));
        if (seed == 1u) keepOutput("random-1.json", first);
    }
}

TEST_CASE("json: files through the importer and exporter; big content goes to a temporary file", "[json]") {
    TempDir dir;
    Project p = fullProject();
    std::string big(3 * 1024 * 1024 + 1, '\0');
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 2654435761u) >> 13);
    p.sources[1].content = std::make_shared<MemoryBlob>(big, "big.pdf");

    JsonFormatProvider provider;
    FormatInfo info = provider.info();
    auto exporter = provider.createExporter();
    auto importer = provider.createImporter();
    fs::path file = dir.path / "project.json";
    Diagnostics wd;
    exporter->write(p, file.string(), Options({}, info.options), wd);
    CHECK(wd.empty());

    Input in = Input::fromFile(file.string());
    CHECK(importer->probe(in) == 100);
    Diagnostics rd;
    // content-memory-mb=1: the 3 MiB blob is decoded into a temporary file.
    Project back = importer->read(in, Options({{"content-memory-mb", "1"}}, info.options), rd);
    REQUIRE(back.sources[1].content);
    CHECK(dynamic_cast<MemoryBlob*>(back.sources[1].content.get()) == nullptr);
    CHECK(back.sources[1].content->size() == std::optional<std::uint64_t>(big.size()));
    CHECK(blobBytes(*back.sources[1].content) == big);
    CHECK(dynamic_cast<MemoryBlob*>(back.sources[2].content.get()) != nullptr);  // small: in memory
    auto diff = compareProjects(p, back);
    INFO(describe(diff));
    CHECK(diff.empty());
    CHECK(rd.empty());

    // Write again and compare bytes with the first file.
    fs::path again = dir.path / "again.json";
    exporter->write(back, again.string(), Options({}, info.options), wd);
    std::ifstream a(file, std::ios::binary), b(again, std::ios::binary);
    std::stringstream sa, sb;
    sa << a.rdbuf();
    sb << b.rdbuf();
    CHECK(sa.str() == sb.str());
}

TEST_CASE("json: media=omit writes type and size only and says so", "[json]") {
    Project p = fullProject();
    JsonFormatProvider provider;
    Options omit({{"media", "omit"}}, provider.info().options);
    WriteSettings ws = writeSettings(omit);
    CHECK_FALSE(ws.embedMedia);
    StringSink sink;
    Diagnostics diag;
    writeProject(p, sink, ws, diag);
    CHECK(diag.countCode("lossy.media-omitted") == 3);  // S2, S3, S4 have content
    CHECK(sink.text().find("\"base64\"") == std::string::npos);
    CHECK(sink.text().find("\"size\": 1000") != std::string::npos);
    keepOutput("omitted.json", sink.text());

    Diagnostics check;
    provider.createExporter()->check(p, omit, check);
    CHECK(check.countCode("lossy.media-omitted") == 3);
    Diagnostics checkEmbed;
    provider.createExporter()->check(p, Options({}, provider.info().options), checkEmbed);
    CHECK(checkEmbed.empty());

    Diagnostics rd;
    Project back = readText(sink.text(), rd);
    CHECK(rd.countCode("info.media-omitted") == 3);
    CHECK_FALSE(back.sources[1].content);
    CHECK(back.sources[1].mediaType == "application/pdf");
}

TEST_CASE("json: content by href next to the JSON file", "[json]") {
    TempDir dir;
    fs::create_directories(dir.path / "media");
    writeFile(dir.path / "media" / "a.bin", "abcdef");
    writeFile(dir.path.parent_path() / (dir.path.filename().string() + "-outside.bin"), "abcdef");
    auto doc = [](const std::string& href, int size = 6) {
        return "{\"qdx\":\"1.0\",\"sources\":[{\"id\":\"S\",\"kind\":\"pdf\",\"content\":{\"size\":" + std::to_string(size) +
               ",\"href\":\"" + href + "\"}}]}";
    };
    auto read = [&](const std::string& text) {
        writeFile(dir.path / "p.json", text);
        Diagnostics d;
        return readProject(Input::fromFile((dir.path / "p.json").string()), {}, d);
    };
    Project ok = read(doc("media/a.bin"));
    REQUIRE(ok.sources[0].content);
    CHECK(dynamic_cast<FileBlob*>(ok.sources[0].content.get()) != nullptr);
    CHECK(blobBytes(*ok.sources[0].content) == "abcdef");

    std::string outside = "../" + dir.path.filename().string() + "-outside.bin";
    for (const std::string& bad : {std::string("/etc/passwd"), outside, std::string("media/../media/a.bin"),
                                   std::string("./media/a.bin"), std::string("media//a.bin"), std::string("C:media"),
                                   std::string("media\\\\a.bin"), std::string("media/missing.bin"), std::string("media")}) {
        INFO(bad);
        CHECK_THROWS_AS(read(doc(bad)), InputError);
    }
    CHECK_THROWS_WITH(read(doc("media/a.bin", 7)), Catch::Contains("differs from the size"));

    // A symbolic link inside the folder that leads out of it.
    fs::create_symlink(dir.path.parent_path() / (dir.path.filename().string() + "-outside.bin"), dir.path / "media" / "link.bin");
    CHECK_THROWS_WITH(read(doc("media/link.bin")), Catch::Contains("outside the folder"));
    fs::remove(dir.path.parent_path() / (dir.path.filename().string() + "-outside.bin"));

    // Memory input: there is no folder to resolve against.
    Diagnostics d;
    CHECK_THROWS_WITH(readProject(Input::fromMemory(doc("media/a.bin"), "mem.json"), {}, d),
                      Catch::Contains("not read from a file"));
}

TEST_CASE("json: unknown keys are kept in ext, or refused on request", "[json]") {
    std::string text = R"({"qdx":"1.0","extra":[1,{"a":2}],"project":{"name":"P","note":"n"},
        "themes":[{"id":"T","name":"x","shade":"blue","audit":{"creator":"U","by":"me"}}],
        "sources":[{"id":"S","values":[{"attribute":"A","value":"1","unit":"cm"}]}],
        "excerpts":[{"id":"E","source":"S","anchor":{"type":"source","colour":1}}]})";
    Diagnostics diag;
    Project p = readText(text, diag);
    CHECK(diag.countCode("quirk.unknown-key") == 6);
    CHECK(p.ext.at("json:unknown:extra") == Json(Json::Array{Json::number("1"), Json(Json::Object{{"a", Json::number("2")}})}));
    CHECK(p.ext.at("json:unknown:project.note") == Json("n"));
    CHECK(p.themes[0].ext.at("json:unknown:shade") == Json("blue"));
    CHECK(p.themes[0].ext.at("json:unknown:audit.by") == Json("me"));
    CHECK(p.sources[0].ext.at("json:unknown:values[0].unit") == Json("cm"));
    CHECK(p.excerpts[0].ext.at("json:unknown:anchor.colour") == Json::number("1"));
    // Written back, they are ordinary ext entries and stay put.
    std::string once = toJsonText(p);
    CHECK(toJsonText(readText(once)) == once);

    ReadSettings strict;
    strict.unknownKeysAreErrors = true;
    Diagnostics d2;
    CHECK_THROWS_WITH(readText(text, d2, strict), Catch::Contains("unknown key 'extra' in the document"));

    // Strict diagnostics turn the quirk into an error as well.
    Diagnostics d3;
    d3.setStrict(true);
    CHECK_THROWS_AS(readText(text, d3), InputError);
}

TEST_CASE("json: probe", "[json]") {
    JsonImporter imp;
    CHECK(imp.probe(Input::fromMemory("  {\"qdx\" : \"1.0\"}", "x.txt")) == 100);
    CHECK(imp.probe(Input::fromMemory("\xEF\xBB\xBF{\"qdx\":\"1.0\"}", "x")) == 100);
    CHECK(imp.probe(Input::fromMemory("{\"other\":1}", "x.json")) == 30);
    CHECK(imp.probe(Input::fromMemory("{\"other\":1}", "x")) == 5);
    CHECK(imp.probe(Input::fromMemory("[1,2]", "x.json")) == 0);
    CHECK(imp.probe(Input::fromMemory("PK\x03\x04", "x.qdpx")) == 0);
    CHECK(imp.probe(Input::fromMemory("", "x")) == 0);
}

TEST_CASE("json: provider description", "[json]") {
    FormatInfo info = JsonFormatProvider().info();
    CHECK(info.name == "json");
    CHECK(info.canRead);
    CHECK(info.canWrite);
    CHECK(info.streamsStdin);
    CHECK(info.streamsStdout);
    CHECK(info.mediaType == "application/json");
    for (const auto& e : supportEntities()) {
        INFO(e);
        REQUIRE(info.support.count(e) == 1);
        CHECK(info.support.at(e).read == Support::Full);
        CHECK(info.support.at(e).write == Support::Full);
    }
    ReadSettings rs = readSettings(Options({{"max-depth", "32"}, {"max-input-mb", "2"}, {"unknown-keys", "error"}}, info.options));
    CHECK(rs.maxDepth == 32);
    CHECK(rs.maxBytes == 2u * 1024u * 1024u);
    CHECK(rs.unknownKeysAreErrors);
    CHECK(readSettings(Options({{"strict", "true"}}, info.options)).unknownKeysAreErrors);
    CHECK_FALSE(readSettings(Options({}, info.options)).unknownKeysAreErrors);
    CHECK_THROWS_AS(readSettings(Options({{"max-depth", "0"}}, info.options)), UsageError);
    CHECK_FALSE(writeSettings(Options({{"pretty", "false"}}, info.options)).pretty);
}

TEST_CASE("json: a UTF-8 BOM is skipped with a note", "[json]") {
    Diagnostics d;
    Project p = readText("\xEF\xBB\xBF{\"qdx\":\"1.0\",\"project\":{\"name\":\"B\"}}", d);
    CHECK(p.name == "B");
    CHECK(d.countCode("quirk.utf8-bom") == 1);
}

// Not run by default: `test_json "[bench]"` prints throughput on a big random project.
TEST_CASE("json: throughput", "[.][bench]") {
    // CPU time of this process, so that a busy machine does not distort the figures.
    auto cpu = [] { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; };
    Project p = RandomProjects(42).make(200000);
    WriteSettings ws;
    double t0 = cpu();
    std::string text = toJsonText(p, ws);
    double t1 = cpu();
    Diagnostics d;
    Project back = readProject(Input::fromMemory(text, "bench.json"), {}, d);
    double t2 = cpu();
    double mb = static_cast<double>(text.size()) / (1024.0 * 1024.0);
    WARN("JSON " << mb << " MiB, " << back.excerpts.size() << " excerpts: write " << (t1 - t0) << " s CPU ("
                 << mb / (t1 - t0) << " MiB/s), read " << (t2 - t1) << " s CPU (" << mb / (t2 - t1) << " MiB/s)");
    CHECK(back.excerpts.size() == p.excerpts.size());
}

/// Counts the bytes written (the cost of the writer alone, no copy).
struct CountingSink final : OutputSink {
    std::size_t bytes = 0;
    void write(const char*, std::size_t n) override { bytes += n; }
};

// Not run by default: QDX_JSON_BENCH=p.json test_json "[bench]" reads that file
// once and prints the CPU time of writing it, pretty and compact, best of 5.
TEST_CASE("json: writer throughput on a file", "[.][bench]") {
    const char* path = std::getenv("QDX_JSON_BENCH");
    if (!path) {
        WARN("QDX_JSON_BENCH unset — skipping");
        return;
    }
    auto cpu = [] { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; };
    Diagnostics d;
    Project p = readProject(Input::fromFile(path), {}, d);
    for (bool pretty : {true, false}) {
        WriteSettings ws;
        ws.pretty = pretty;
        double best = 1e9;
        std::size_t size = 0;
        for (int i = 0; i < 5; ++i) {
            CountingSink sink;
            double t0 = cpu();
            writeProject(p, sink, ws, d);
            best = std::min(best, cpu() - t0);
            size = sink.bytes;
        }
        double mb = static_cast<double>(size) / (1024.0 * 1024.0);
        WARN((pretty ? "pretty " : "compact ") << mb << " MiB: write " << best << " s CPU (" << mb / best << " MiB/s)");
    }
}
