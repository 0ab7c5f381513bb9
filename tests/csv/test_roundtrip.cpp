// Round trips through the csv format: the .zip bundle of tidy tables, single
// tables, every dialect writer read back by our own dialect reader, formula
// cells, encodings of real-world files, and the seed sample.

#include "CsvFormat.h"

#include "common/Fixtures.h"
#include "qdx/Compare.h"
#include "qdx/PluginLoader.h"
#include "qdx/Validate.h"
#include "qdx/Zip.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>

#include <cstdlib>
#include <fstream>
#include <set>

using namespace qdx;

namespace {

Options opts(std::map<std::string, std::string> v = {}) {
    csv::CsvFormatProvider prov;
    return Options(std::move(v), prov.info().options);
}

struct Tmp {
    std::string path;
    explicit Tmp(const std::string& suffix) {
        Poco::TemporaryFile t;
        path = t.path() + suffix;
        Poco::TemporaryFile::registerForDeletion(path);
    }
};

Project writeRead(const Project& p, const std::string& suffix, Diagnostics& wd, Diagnostics& rd,
                  std::map<std::string, std::string> wo = {}, std::map<std::string, std::string> ro = {}) {
    Tmp t(suffix);
    csv::CsvExporter ex;
    ex.write(p, t.path, opts(std::move(wo)), wd);
    csv::CsvImporter imp;
    return imp.read(Input::fromFile(t.path), opts(std::move(ro)), rd);
}

std::string slurp(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}


std::string dataDir() { return QDX_CSV_TEST_DATA; }

/// A hand-built project in the seed study's shape, with awkward text.
Project handProject() {
    Project p;
    p.name = "Hand-built";
    p.users = {{"U1", "Ana", {}}};
    p.themes = {{"L1", "Macrosystem", "", "#4A148C", "level", false, {}, {}},
                {"T1", "Tightening legislation", "L1", "#EF6C00", "laws, \"strict\"", true, {}, {}},
                {"T2", "Comma, in name", "", "", "", true, {}, {}}};
    p.attributes = {{"A1", "reference", AttributeType::Text, "", {}}, {"A2", "Year", AttributeType::Integer, "", {}}};
    Source s;
    s.id = "S1";
    s.name = "UNODC, 2022a";
    s.text = "=cmd|' /C calc'!A0\r\n- a bullet; \"quoted\"\n@user and \xE2\x80\x8B zero width";
    s.values = {{"A1", "https://unodc.org/x"}, {"A2", "2022"}};
    p.sources.push_back(s);
    auto ex = [&](const char* id, std::int64_t a, std::int64_t b, std::vector<std::string> themes) {
        Excerpt e;
        e.id = id;
        e.source = "S1";
        e.anchor = TextSpan{a, b};
        e.quote = text::substrCodePoints(*s.text, a, b);
        for (auto& t : themes) e.codings.push_back(Coding{"", t, "U1", "2023-04-30T00:00:00Z", {}});
        return e;
    };
    p.excerpts = {ex("E1", 0, 18, {"T1", "T2"}), ex("E2", 20, 48, {"T1"}), ex("E3", 49, 54, {})};
    p.memos = {{"M1", "Note", "+1 from me", {"E1"}, {}, {}}};
    p.cases = {{"K1", "Kazakhstan", "", {{"A2", "2021"}}, {}, {"S1"}, {}, {}}};
    p.sets = {{"SET1", "Macro", "", {"T1"}, {}, {}, {}}};
    return p;
}

} // namespace

TEST_CASE("the rich project survives the .zip bundle except transcripts, which are reported") {
    const Project original = test::richProject();
    Diagnostics wd, rd;
    Project back = writeRead(original, ".zip", wd, rd);
    auto diffs = compareProjects(original, back);
    for (const auto& d : diffs) {
        INFO(d.path << ": " << d.left << " | " << d.right);
        CHECK(d.path.find("transcripts") != std::string::npos);
    }
    CHECK(wd.countCode("lossy.transcript") == 1);
    CHECK(back.sources[1].content);  // the PDF's bytes travel as a bundle member
    CHECK(back.name == original.name);
    // Absent and empty texts and quotes stay apart.
    Project edge = original;
    edge.sources[0].text.reset();
    edge.excerpts[0].quote = std::string();
    edge.sources[3].text = std::string();
    Diagnostics wd2, rd2;
    Project back2 = writeRead(edge, ".zip", wd2, rd2);
    CHECK_FALSE(back2.sources[0].text.has_value());
    CHECK(back2.sources[0].ext.empty());
    CHECK(back2.excerpts[0].quote == std::optional<std::string>(""));
    CHECK(back2.excerpts[0].ext.empty());
    CHECK(back2.sources[3].text == std::optional<std::string>(""));
}

TEST_CASE("a hand-built project survives the bundle exactly, formula cells included") {
    const Project p = handProject();
    Diagnostics wd, rd;
    Project back = writeRead(p, ".zip", wd, rd);
    for (const auto& d : compareProjects(p, back)) FAIL(d.path << ": " << d.left << " | " << d.right);
    CHECK(wd.count(Severity::Lossy) == 0);
    CHECK(wd.countCode("info.formula-guard") == 1);
    Diagnostics vd;
    CHECK(validateProject(back, vd) == 0);
}

TEST_CASE("a single codings.csv keeps excerpts and codings and reports the rest") {
    const Project p = handProject();
    Tmp t(".csv");
    Diagnostics wd;
    csv::CsvExporter().write(p, t.path, opts(), wd);
    std::string bytes = slurp(t.path);
    CHECK(bytes.rfind("excerpt_id,source_id,source_name,theme_path,theme_id,start,end,quote,memo,coder,date", 0) == 0);
    CHECK(bytes.find(",'=cmd|' /C calc'!A0,") != std::string::npos);  // guarded, not run by Excel
    CHECK(wd.countCode("lossy.formula-guard") == 1);
    CHECK(wd.countCode("lossy.sources") == 1);
    CHECK(wd.countCode("lossy.excerpt-positions") == 1);
    Diagnostics rd;
    Project back = csv::CsvImporter().read(Input::fromFile(t.path), opts({{"guarded", "true"}}), rd);
    REQUIRE(back.excerpts.size() == 3);
    CHECK(back.codingCount() == 3);
    CHECK(*back.excerpts[0].quote == *p.excerpts[0].quote);
    CHECK(std::get<TextSpan>(back.excerpts[1].anchor).start == 20);
    CHECK(test::themePathSet(back) == test::themePathSet(p));
    CHECK(back.excerpts[0].codings[0].creator == back.users[0].id);
    CHECK(back.users[0].name == "Ana");
    // Without -o guarded the prefix stays: data is never changed silently on read.
    Diagnostics rd2;
    Project raw = csv::CsvImporter().read(Input::fromFile(t.path), opts(), rd2);
    CHECK(raw.excerpts[0].quote->rfind("'=cmd", 0) == 0);
}

TEST_CASE("-o table= writes one tidy table; neutralise-formulas=false writes cells unchanged") {
    const Project p = handProject();
    Tmp t(".csv");
    Diagnostics wd;
    csv::CsvExporter().write(p, t.path, opts({{"table", "sources"}, {"neutralise-formulas", "false"}, {"bom", "true"}}), wd);
    std::string bytes = slurp(t.path);
    CHECK(bytes.rfind("\xEF\xBB\xBFsource_id,name,kind", 0) == 0);
    CHECK(bytes.find(",\"=cmd|") != std::string::npos);
    CHECK(wd.countCode("lossy.formula-guard") == 0);
    Diagnostics rd;
    Project back = csv::CsvImporter().read(Input::fromFile(t.path), opts(), rd);
    REQUIRE(back.sources.size() == 1);
    CHECK(*back.sources[0].text == *p.sources[0].text);
    CHECK(back.sources[0].values.size() == 2);
    Diagnostics ud;
    CHECK_THROWS_AS(csv::CsvExporter().write(p, t.path, opts({{"table", "all"}}), ud), UsageError);
}

TEST_CASE("each dialect writer's output is read back by our dialect reader") {
    const Project p = handProject();
    struct Case {
        const char* dialect;
        const char* suffix;
        std::map<std::string, std::string> readOpts;
    };
    const std::vector<Case> cases = {{"maxqda-codes", ".csv", {}},
                                     {"atlasti-codebook", ".csv", {}},
                                     {"taguette-codebook", ".csv", {{"tag-separator", "."}}},
                                     {"qualcoder-codes", ".txt", {}},
                                     {"qualcoder-codes", ".csv", {{"dialect", "qualcoder-codes"}}},
                                     {"nvivo-classification", ".txt", {{"dialect", "nvivo-classification"}}},
                                     {"seed-quotes", ".csv", {{"guarded", "true"}}}};
    for (const auto& c : cases) {
        INFO(c.dialect << c.suffix);
        Diagnostics wd, rd;
        Project back = writeRead(p, c.suffix, wd, rd, {{"layout", c.dialect}}, c.readOpts);
        std::string d = c.dialect;
        CHECK(wd.count(Severity::Lossy) > 0);  // every tool layout drops something, and says so
        if (d == "nvivo-classification") {
            REQUIRE(back.cases.size() == 1);
            CHECK(back.cases[0].name == "Kazakhstan");
            REQUIRE(back.cases[0].values.size() == 1);
            CHECK(back.cases[0].values[0].value == "2021");
            continue;
        }
        if (d == "seed-quotes") {
            REQUIRE(back.excerpts.size() == 3);
            CHECK(*back.excerpts[1].quote == *p.excerpts[1].quote);
            CHECK(back.sources[0].name == "UNODC, 2022a");
            bool year = false;  // source attributes travel as extra columns
            for (const auto& v : back.sources[0].values)
                for (const auto& a : back.attributes)
                    if (a.id == v.attribute && a.name == "Year" && v.value == "2022" && a.type == AttributeType::Integer) year = true;
            CHECK(year);
            CHECK(back.excerpts[0].codings.size() == 2);
            CHECK(test::themePathSet(back) == std::set<std::string>{"Macrosystem", "Macrosystem > Tightening legislation", "Comma, in name"});
            continue;
        }
        CHECK(test::themePathSet(back) == test::themePathSet(p));
        std::size_t described = 0;
        for (const auto& t : back.themes)
            if (t.description == "laws, \"strict\"") ++described;
        CHECK(described == 1);
        if (d == "atlasti-codebook") {
            REQUIRE(back.sets.size() == 1);
            CHECK(back.sets[0].name == "Macro");
        }
    }
}

TEST_CASE("synthetic real-world look-alikes: German Excel, UTF-16 NVivo sheet, Windows-1252") {
    csv::CsvImporter imp;
    {
        Diagnostics d;
        Input in = Input::fromFile(dataDir() + "/maxqda-segments-de-excel.csv");
        CHECK(imp.probe(in) >= 60);
        Project p = imp.read(in, opts(), d);
        CHECK(p.sources.size() == 2);
        REQUIRE(p.excerpts.size() == 2);  // rows 1 and 2 are one segment with two codes
        CHECK(p.excerpts[0].codings.size() == 2);
        CHECK(*p.excerpts[1].quote == "=am Bahnhof, sagte sie");
        CHECK(test::themePathSet(p) == std::set<std::string>{"Gef\xC3\xBChle", "Gef\xC3\xBChle > Angst", "Orte; Wege", "Orte; Wege > Bahnhof"});
        REQUIRE(p.memos.size() == 1);
        CHECK(p.memos[0].name == "Ort");
        REQUIRE(p.sets.size() == 1);  // U+00A0 groups are no groups
        std::set<std::string> attrs;
        for (const auto& a : p.attributes) attrs.insert(a.name);
        CHECK(attrs == std::set<std::string>{"Codierte Segmente", "Memos", "Zeichen"});
    }
    {
        Diagnostics d;
        Project p = imp.read(Input::fromFile(dataDir() + "/nvivo-classification-utf16.txt"), opts(), d);
        REQUIRE(p.cases.size() == 3);
        CHECK(p.cases[1].name == "J\xC3\xBCrgen");
        CHECK(p.cases[0].ext.at("nvivo:classification") == Json("Person"));
        CHECK(p.cases[2].values.size() == 2);  // "Unassigned" is no value
    }
    {
        Diagnostics d;
        Project p = imp.read(Input::fromFile(dataDir() + "/seed-quotes-cp1252.csv"), opts(), d);
        CHECK(d.countCode("lossy.encoding") == 1);
        REQUIRE(p.excerpts.size() == 2);
        CHECK(*p.excerpts[0].quote == "Der Preis: 5 \xE2\x82\xAC \xE2\x80\x93 \xE2\x80\x9EHilfe\xE2\x80\x9C im Caf\xC3\xA9");
        CHECK(p.excerpts[1].codings.size() == 2);
    }
}

TEST_CASE("a 40,000-character excerpt survives and Excel's limit is noted") {
    Project p = handProject();
    std::string longText(40000, 'x');
    p.sources[0].text = longText;
    p.excerpts = {p.excerpts[2]};
    p.excerpts[0].anchor = TextSpan{0, 40000};
    p.excerpts[0].quote = longText;
    p.memos.clear();
    Diagnostics wd, rd;
    Project back = writeRead(p, ".zip", wd, rd);
    CHECK(*back.excerpts[0].quote == longText);
    CHECK(wd.countCode("info.excel-cell-limit") == 1);
}

TEST_CASE("probe: bundles and tables by content, junk declined") {
    csv::CsvImporter imp;
    Tmp z(".zip");
    Diagnostics wd;
    csv::CsvExporter().write(handProject(), z.path, opts(), wd);
    std::string bytes = slurp(z.path);
    CHECK(imp.probe(Input::fromMemory(bytes, "neutral.bin")) == 95);
    CHECK(imp.probe(Input::fromMemory("PK\x03\x04junk", "x.zip")) == 0);
    CHECK(imp.probe(Input::fromMemory("document,tag,content\r\na,b,c\r\n", "neutral.bin")) >= 60);
    CHECK(imp.probe(Input::fromMemory(std::string("\xFF\xFE", 2) + std::string("a\0,\0b\0", 6), "x.bin")) > 0);
    CHECK(imp.probe(Input::fromMemory("just words", "x.bin")) == 0);
    CHECK(imp.probe(Input::fromMemory("a,\x80\x81,\xFE\xFF garbage\n", "x.bin")) == 0);
}

TEST_CASE("the seed sample's quote sheet and canonical JSON") {
    const char* src = std::getenv("QDX_SOURCE_DIR");
    std::string dir = std::string(src ? src : "") + "/samples/hti-central-asia";
    if (!src || !Poco::File(dir + "/hti-quotes.csv").exists()) {
        WARN("samples/hti-central-asia not present — skipping");
        return;
    }
    csv::CsvImporter imp;
    Diagnostics d;
    Project quotes = imp.read(Input::fromFile(dir + "/hti-quotes.csv"), opts(), d);
    // 15 quotes from 9 Table-1 sources (counted with Python's csv module).
    CHECK(quotes.excerpts.size() == 15);
    CHECK(quotes.sources.size() == 9);

    // The canonical JSON needs the json plugin; it runs once main has it.
    const char* bin = std::getenv("QDX_BIN_DIR");
    PluginLoader loader;
    FormatRegistry reg;
    Diagnostics ld;
    if (bin) loader.loadFolders({bin}, reg, ld);
    const FormatRegistry::Entry* json = reg.find("json");
    if (!json) {
        WARN("json plugin not built — skipping seed sample -> tidy bundle -> back");
        return;
    }
    Diagnostics jd;
    Project seed = reg.read(*json, Input::fromFile(dir + "/hti-central-asia.json"), FormatRegistry::makeOptions(*json, {}, false), jd);
    REQUIRE(seed.excerpts.size() == 15);
    Diagnostics wd, rd;
    Project back = writeRead(seed, ".zip", wd, rd);
    for (const auto& x : compareProjects(seed, back)) FAIL(x.path << ": " << x.left << " | " << x.right);
    CHECK(wd.count(Severity::Lossy) == 0);
    // The quote-sheet layout of the sample: what the paper's authors kept in Excel.
    Diagnostics wd2, rd2;
    Project sheet = writeRead(seed, ".csv", wd2, rd2, {{"layout", "seed-quotes"}});
    CHECK(sheet.excerpts.size() == 15);
    CHECK(sheet.codingCount() == seed.codingCount());
    CHECK(wd2.countCode("lossy.source-text") == 1);
}

TEST_CASE("random projects: the bundle is exact, a single codings table keeps every coding's theme path") {
    for (unsigned seed : {1u, 2u, 3u}) {
        INFO("seed " << seed);
        const Project p = test::randomProject(seed, 6, 12, 25);
        Diagnostics wd, rd;
        Project back = writeRead(p, ".zip", wd, rd);
        for (const auto& d : compareProjects(p, back)) FAIL(d.path << ": " << d.left << " | " << d.right);
        // One table: themes come from (theme_id, theme_path); coded ancestors keep their ids.
        Diagnostics wd2, rd2;
        Project one = writeRead(p, ".csv", wd2, rd2, {}, {{"guarded", "true"}});
        REQUIRE(one.codingCount() == p.codingCount());
        for (std::size_t i = 0; i < p.excerpts.size(); ++i)
            for (std::size_t k = 0; k < p.excerpts[i].codings.size(); ++k) {
                const auto& c = one.excerpts[i].codings[k];
                CHECK(normalizeId(c.theme) == normalizeId(p.excerpts[i].codings[k].theme));
                CHECK(themePath(one, c.theme) == themePath(p, p.excerpts[i].codings[k].theme));
            }
    }
}

TEST_CASE("hostile or foreign bundles give clear errors") {
    csv::CsvImporter imp;
    auto zipWith = [](const std::vector<std::pair<std::string, std::string>>& members) {
        Tmp t(".zip");
        ZipWriter z(t.path);
        for (const auto& [name, data] : members) z.addBytes(name, data);
        z.close();
        return slurp(t.path);
    };
    auto fails = [&](const std::string& bytes, const char* needle) {
        Diagnostics d;
        try {
            imp.read(Input::fromMemory(bytes, "bad.zip"), opts(), d);
            FAIL("no error");
        } catch (const InputError& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find("bad.zip") != std::string::npos);
            CHECK(std::string(e.what()).find(needle) != std::string::npos);
        }
    };
    fails(zipWith({{"qdx-tables.json", R"({"format":"qdx-tables","tables":[{"name":"codings","file":"missing.csv"}]})"}}), "missing.csv");
    fails(zipWith({{"qdx-tables.json", R"({"format":"something else"})"}}), "manifest");
    fails(zipWith({{"qdx-tables.json", std::string(300, '[') + std::string(300, ']')}}), "qdx-tables.json");
    fails(zipWith({{"project.qde", "<Project/>"}}), "REFI");
    fails(zipWith({{"readme.md", "hello"}}), ".csv");
    fails(zipWith({{"qdx-tables.json", R"({"format":"qdx-tables","tables":[{"name":"codings","file":"codings.csv"}]})"},
                   {"codings.csv", "excerpt_id,source_id,start,end,anchor\nE1,S1,x,3,text\n"}}),
          "codings.csv");
    // A zip of CSV tables without a manifest: each member is read on its own.
    Diagnostics d;
    Project p = imp.read(Input::fromMemory(zipWith({{"highlights.csv", "document,tag,content\r\nd1,t1,some text\r\n"},
                                                    {"book.csv", "tag,description\r\nt2,second tag\r\n"}}),
                                           "tables.zip"),
                         opts(), d);
    CHECK(p.themes.size() == 2);
    CHECK(p.excerpts.size() == 1);
    CHECK(d.countCode("info.bundle-without-manifest") == 1);
}

TEST_CASE("old Mac CR-only records") {
    Diagnostics d;
    auto t = csv::parseCsv("a,b\r1,\"x\ry\"\r2,3\r", "mac.csv", {}, d);
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[1][1] == "x\ry");
    CHECK(t.rowNumbers == std::vector<long long>{1, 2, 4});
}

TEST_CASE("a hand-made tidy codings table without ids") {
    std::string csvText = "source_name,theme_path,quote,coder\r\nDoc A,Level > Theme,some text,Ana\r\nDoc A,Level,other text,Ana\r\nDoc B,,uncoded,\r\n";
    Diagnostics d;
    Project p = csv::CsvImporter().read(Input::fromMemory(csvText, "mine.csv"), opts(), d);
    CHECK(p.sources.size() == 2);
    CHECK(p.excerpts.size() == 3);
    CHECK(p.codingCount() == 2);
    CHECK(test::themePathSet(p) == std::set<std::string>{"Level", "Level > Theme"});
    CHECK(p.users.size() == 1);
    Diagnostics vd;
    CHECK(validateProject(p, vd) == 0);
}
