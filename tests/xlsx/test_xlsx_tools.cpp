// The xlsx plugin as a whole: qdx's workbook written and read back, opened by
// openpyxl and LibreOffice; real tools' workbooks imported into projects.

#include "XlsxFormat.h"
#include "XlsxTestUtil.h"
#include "XlsxWriter.h"

#include "common/Fixtures.h"
#include "qdx/Compare.h"
#include "qdx/Errors.h"
#include "qdx/Input.h"

#include <catch2/catch.hpp>

#include <set>

using namespace qdx;
using namespace qdx::xlsx;
using namespace xlsxtest;

namespace {

Options writeOptions(std::map<std::string, std::string> v = {}) {
    XlsxProvider prov;
    return Options(std::move(v), prov.info().options);
}

void writeProject(const Project& p, const std::string& path, Diagnostics& diag, std::map<std::string, std::string> opts = {}) {
    ::unlink(path.c_str());
    XlsxExporter ex;
    ex.write(p, path, writeOptions(std::move(opts)), diag);
}

Project readProject(const std::string& path, Diagnostics& diag, std::map<std::string, std::string> opts = {}) {
    XlsxImporter im;
    return im.read(Input::fromFile(path), writeOptions(std::move(opts)), diag);
}

std::string corpus() {
    const char* c = std::getenv("QDX_CORPUS");
    return c && *c ? std::string(c) : std::string();
}

std::string describe(const std::vector<Difference>& d) {
    std::string s;
    for (const auto& x : d)
        s += x.path + ": '" + x.left.substr(0, 80) + "' vs '" + x.right.substr(0, 80) + "'\n";
    return s;
}

} // namespace

TEST_CASE("qdx's workbook round-trips a project on what xlsx carries", "[xlsx][roundtrip]") {
    const Project p = test::richProject();
    const std::string path = scratch("rich.xlsx");
    Diagnostics wd;
    writeProject(p, path, wd);
    // What the workbook cannot carry is reported: the PDF's bytes and the transcript.
    CHECK(wd.countCode("lossy.source-content") == 1);
    CHECK(wd.countCode("lossy.transcript") == 1);

    Diagnostics rd;
    const Project q = readProject(path, rd);
    CompareOptions co;
    co.compareContent = false;
    std::vector<Difference> diffs = compareProjects(p, q, co);
    // Only the reported losses may differ.
    std::vector<Difference> unexpected;
    for (const auto& d : diffs) {
        const bool content = d.path.find("content") != std::string::npos;
        const bool transcript = d.path.find("transcript") != std::string::npos;
        if (!content && !transcript)
            unexpected.push_back(d);
    }
    INFO(describe(diffs));
    CHECK(unexpected.empty());
}

TEST_CASE("a 40,000-character excerpt survives the round trip", "[xlsx][roundtrip][long]") {
    Project p;
    p.name = "Long";
    std::string text;
    while (text::codePointCount(text) < 45000)
        text += u8"Ein langer Absatz mit Umlauten äöü, Zeichen & < > und \U0001F600.\r\n";
    Source s;
    s.id = "S1";
    s.name = "Transcript";
    s.text = text;
    p.sources.push_back(s);
    p.themes.push_back(Theme{"T1", "Long", "", "#112233", "", true, {}, {}});
    Excerpt e;
    e.id = "E1";
    e.source = "S1";
    e.anchor = TextSpan{100, 40100};
    e.quote = text::substrCodePoints(text, 100, 40100);
    REQUIRE(text::codePointCount(*e.quote) == 40000);
    e.codings.push_back(Coding{"C1", "T1", "", "", {}});
    p.excerpts.push_back(e);

    const std::string path = scratch("long-project.xlsx");
    Diagnostics wd;
    writeProject(p, path, wd);
    CHECK(wd.countCode("lossy.xlsx-cell-split") == 2);  // the source text and the quote

    Diagnostics rd;
    const Project q = readProject(path, rd);
    REQUIRE(q.excerpts.size() == 1);
    REQUIRE(q.excerpts[0].quote);
    CHECK(*q.excerpts[0].quote == *e.quote);
    REQUIRE(q.sources.size() == 1);
    CHECK(q.sources[0].text == p.sources[0].text);
    CHECK(compareProjects(p, q).empty());
}

TEST_CASE("openpyxl opens qdx's workbook with the right sheets, rows, styles", "[xlsx][openpyxl]") {
    const Project p = test::richProject();
    const std::string path = scratch("openpyxl.xlsx");
    Diagnostics wd;
    writeProject(p, path, wd);
    const std::string script = std::string(QDX_XLSX_TEST_DIR) + "/inspect_openpyxl.py";
    int rc = 0;
    const std::string out = run(python() + " " + script + " " + path + " 2>&1", &rc);
    if (rc == 3) {
        WARN("openpyxl not available — skipping: " + out);
        return;
    }
    INFO(out);
    REQUIRE(rc == 0);
    // sheet:rows (header included), as openpyxl counts them.
    CHECK(out.find("Project:11\n") != std::string::npos);
    CHECK(out.find("Sources:6\n") != std::string::npos);
    CHECK(out.find("Excerpts:8\n") != std::string::npos);  // 7 codings: E1 has two
    CHECK(out.find("Themes:4\n") != std::string::npos);
    CHECK(out.find("Cases:2\n") != std::string::npos);
    CHECK(out.find("Memos:3\n") != std::string::npos);
    CHECK(out.find("Users:3\n") != std::string::npos);
    CHECK(out.find("Attributes:4\n") != std::string::npos);
    CHECK(out.find("Sets:2\n") != std::string::npos);
    CHECK(out.find("freeze:Excerpts:A2\n") != std::string::npos);
    CHECK(out.find("filter:Excerpts:A1:V8\n") != std::string::npos);
    CHECK(out.find("fill:T2:FFFF8800\n") != std::string::npos);  // theme colour as the cell fill
    CHECK(out.find("date:Excerpts:date:datetime\n") != std::string::npos);
    CHECK(out.find("formulas:0\n") != std::string::npos);
}

TEST_CASE("LibreOffice converts qdx's workbook to CSV", "[xlsx][libreoffice]") {
    int rc = 0;
    run("command -v soffice >/dev/null 2>&1", &rc);
    if (rc != 0) {
        WARN("soffice not installed (apt-get install libreoffice-calc-nogui) — skipping");
        return;
    }
    const Project p = test::richProject();
    const std::string path = scratch("lo.xlsx");
    Diagnostics wd;
    writeProject(p, path, wd);
    const std::string outDir = scratch("lo-out");
    // Every sheet to its own CSV (sheet index -1, LibreOffice 7.2+), UTF-8 (76).
    const std::string cmd = "cd " + scratchDir() + " && timeout 180 soffice -env:UserInstallation=file://" + scratch("lo-profile") +
                            " --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1'"
                            " --outdir " + outDir + " " + path + " 2>&1";
    const std::string out = run(cmd, &rc);
    INFO(out);
    REQUIRE(rc == 0);
    const auto lines = [](const std::string& csv) {
        // Records, not lines: quoted cells may hold line breaks.
        std::size_t n = 0;
        bool quoted = false;
        for (char c : csv) {
            if (c == '"')
                quoted = !quoted;
            else if (c == '\n' && !quoted)
                ++n;
        }
        return n;
    };
    const std::string excerpts = readFile(outDir + "/lo-Excerpts.csv");
    const std::string themes = readFile(outDir + "/lo-Themes.csv");
    REQUIRE_FALSE(excerpts.empty());
    CHECK(lines(excerpts) == 8);
    CHECK(lines(readFile(outDir + "/lo-Project.csv")) == 11);
    CHECK(lines(themes) == 4);
    CHECK(themes.find("#FF8800") != std::string::npos);
    CHECK(excerpts.find("Zweite Zeile") != std::string::npos);
}

TEST_CASE("probe recognises workbooks and declines other files", "[xlsx]") {
    XlsxImporter im;
    const std::string path = scratch("probe.xlsx");
    Diagnostics wd;
    writeProject(test::richProject(), path, wd);
    CHECK(im.probe(Input::fromFile(path)) >= 90);
    CHECK(im.probe(Input::fromMemory("a,b\n1,2\n", "x.csv")) == 0);
    CHECK(im.probe(Input::fromMemory(std::string("PK\x03\x04", 4) + "project.qde", "x.qdpx")) == 0);
}

TEST_CASE("every corpus workbook imports into a project", "[xlsx][corpus]") {
    const std::string root = corpus();
    if (root.empty()) {
        WARN("QDX_CORPUS unset — skipping the corpus imports");
        return;
    }
    // Expected numbers computed independently with openpyxl 3.0.9 over the
    // data sheet: codings = data rows; sources = distinct Dokumentname;
    // themes = distinct "A > B" paths with their ancestors; excerpts =
    // distinct (Dokumentname, Anfang, Ende, Segment); memos = non-empty
    // Memos cells (not U+00A0); colours = font colours of the "●" cells.
    struct Expect {
        const char* file;
        std::size_t themes, coloured, sources, excerpts, codings, cases, memos;
    };
    const Expect all[] = {
        // 53 code rows, each with a ● (12 distinct colours over 53 cells)
        {"maxqda/SPUND-LX__DA_coding_Codevariablen.xlsx", 53, 53, 0, 0, 0, 0, 0},
        // 28 document rows
        {"maxqda/SPUND-LX__DA_coding_Variablen.xlsx", 0, 0, 28, 0, 0, 0, 0},
        // pivot sheet Tabelle1 first (ignored), 129 rows in Sheet1
        {"maxqda/SPUND-LX__DA_ho-discurse-01_coding_MAXQDA_24_Codierte_Segmente.xlsx", 16, 16, 6, 109, 129, 0, 0},
        {"maxqda/SPUND-LX__DA_metaphern&frames_ig-metaphern-coded-segments.xlsx", 6, 6, 1, 87, 89, 0, 7},
        // duplicate headers; only the 2 leaf codes carry segments (and so a ● colour)
        {"maxqda/SPUND-LX__intLX_HA_qda.coded-segments.15113.xlsx", 4, 2, 11, 783, 892, 0, 0},
        // Liste der Codes: 9 rows = title, root, 7 codes
        {"maxqda/SPUND-LX__szondi_WITprose_MAXQDA24_WITprosepoem_-_Codesystem.xlsx", 7, 7, 0, 0, 0, 0, 0},
        // 11 German sheets; 46 segments; 5 memo rows in sheet Memos
        {"maxqda/SPUND-LX__szondi_WITprose_WITprosepoem.mx24.xlsx", 7, 7, 1, 42, 46, 0, 5},
        // 3 case rows
        {"qualcoder/QualCoder__cases456.xlsx", 0, 0, 0, 0, 0, 3, 0},
        // 3 respondents x 2 qualitative columns = 6 texts, one code per column
        {"qualcoder/QualCoder__survey789.xlsx", 2, 0, 6, 6, 6, 3, 0},
    };
    for (const Expect& x : all) {
        INFO(x.file);
        Diagnostics d;
        const Project p = readProject(root + "/tabular/" + x.file, d);
        std::size_t coloured = 0;
        for (const auto& t : p.themes)
            coloured += !t.color.empty();
        CHECK(p.themes.size() == x.themes);
        CHECK(coloured == x.coloured);
        CHECK(p.sources.size() == x.sources);
        CHECK(p.excerpts.size() == x.excerpts);
        CHECK(p.codingCount() == x.codings);
        CHECK(p.cases.size() == x.cases);
        CHECK(p.memos.size() == x.memos);
        CHECK(d.count(Severity::Fatal) == 0);
    }

    SECTION("the theme colour is the font colour of the ● cell") {
        Diagnostics d;
        const Project p = readProject(root + "/tabular/maxqda/SPUND-LX__intLX_HA_qda.coded-segments.15113.xlsx", d);
        std::set<std::string> colours;
        for (const auto& t : p.themes)
            if (!t.color.empty())
                colours.insert(t.color);
        CHECK(colours == std::set<std::string>{"#20D8FF"});  // openpyxl: all 892 ● cells FF20D8FF
    }
    SECTION("a MAXQDA workbook written back as qdx's workbook reads the same") {
        Diagnostics d;
        const Project p = readProject(root + "/tabular/maxqda/SPUND-LX__DA_metaphern&frames_ig-metaphern-coded-segments.xlsx", d);
        const std::string path = scratch("maxqda-again.xlsx");
        Diagnostics wd, rd;
        writeProject(p, path, wd);
        const Project q = readProject(path, rd);
        // The tidy sources table cannot tell "no text" from "empty text"
        // (qdx_tabular reads an empty text cell as ""): the only tolerated difference.
        std::vector<Difference> diffs;
        for (const auto& x : compareProjects(p, q))
            if (!(x.path.size() > 5 && x.path.compare(x.path.size() - 5, 5, ".text") == 0 && x.left == "(none)" && x.right.empty()))
                diffs.push_back(x);
        INFO(describe(diffs));
        CHECK(diffs.empty());
    }
}

TEST_CASE("seed sample -> xlsx equals the sample on what xlsx carries (qdx command)", "[xlsx][seed][cli]") {
    const char* bin = std::getenv("QDX_BIN_DIR");
    const char* src = std::getenv("QDX_SOURCE_DIR");
    const std::string sample = std::string(src ? src : "") + "/samples/hti-central-asia/hti-central-asia.json";
    const std::string qdx = std::string(bin ? bin : "") + "/qdx";
    if (!bin || !src || readFile(sample).empty() || readFile(std::string(bin) + "/qdx_json.so").empty()) {
        WARN("seed sample or json plugin not in this build — skipping " + sample);
        return;
    }
    const std::string out = scratch("seed.xlsx");
    int rc = 0;
    const std::string conv = run(qdx + " convert " + sample + " " + out + " 2>&1", &rc);
    INFO(conv);
    REQUIRE(rc == 0);
    const std::string diff = run(qdx + " diff " + sample + " " + out + " 2>&1", &rc);
    INFO(diff);
    CHECK(rc == 0);
    CHECK(diff.find("equal") != std::string::npos);
}

TEST_CASE("the seed study's quote sheet is written and read back", "[xlsx][seed]") {
    Project p;
    p.name = "Seed-like";
    p.themes = {{"L1", "Macrosystem", "", "", "", false, {}, {}}, {"T1", "Tightening legislation", "L1", "", "", true, {}, {}},
                {"L2", "Mesosystem", "", "", "", false, {}, {}}, {"T2", "Collaboration", "L2", "", "", true, {}, {}}};
    Source a;
    a.id = "S1";
    a.name = "USAID, 2021";
    Source b;
    b.id = "S2";
    b.name = "UNODC, 2022a";
    p.sources = {a, b};
    auto quote = [&](const char* id, const char* src, const char* text, std::vector<std::string> themes) {
        Excerpt e;
        e.id = id;
        e.source = src;
        e.quote = text;
        for (auto& t : themes)
            e.codings.push_back(Coding{"", t, "", "", {}});
        p.excerpts.push_back(e);
    };
    quote("E1", "S1", "- stricter laws were passed, \"finally\"", {"T1"});
    quote("E2", "S1", "=shelters opened in two regions", {"T2", "T1"});
    quote("E3", "S2", "+ NGOs and police met monthly", {"T2"});
    const std::string path = scratch("seed-quotes.xlsx");
    Diagnostics wd;
    writeProject(p, path, wd, {{"layout", "seed-quotes"}});

    Diagnostics rd;
    std::vector<tabular::Table> tables = readWorkbookTables(Input::fromFile(path), rd);
    REQUIRE(tables.size() == 1);
    CHECK(tables[0].name == "Quotes");
    CHECK(tables[0].cell(2, 1) == "=shelters opened in two regions");  // a string cell, no formula guard needed
    const Project q = readProject(path, rd);
    CHECK(q.sources.size() == 2);
    CHECK(q.excerpts.size() == 3);
    CHECK(q.codingCount() == 4);
    std::set<std::string> quotes;
    for (const auto& e : q.excerpts)
        quotes.insert(e.quote.value_or(""));
    CHECK(quotes.count("- stricter laws were passed, \"finally\"") == 1);
    CHECK(quotes.count("+ NGOs and police met monthly") == 1);
}

TEST_CASE("MAXQDA segments re-saved as xlsx by pandas and by LibreOffice import", "[xlsx][corpus][libreoffice]") {
    const std::string root = corpus();
    if (root.empty()) {
        WARN("QDX_CORPUS unset — skipping");
        return;
    }
    // The corpus CSV conversion of a MAXQDA export: 117 segments (openpyxl/pandas: 117 data rows), one document.
    const std::string csv = root + "/tabular/maxqda/SPUND-LX__psych_data_schilder1918-1-codedsegments.csv";
    int rc = 0;
    const std::string pandas = scratch("pandas.xlsx");
    const std::string out = run(python() + " -c \"import pandas as pd; pd.read_csv('" + csv + "').to_excel('" + pandas +
                                    "', index=False)\" 2>&1",
                                &rc);
    if (rc != 0) {
        WARN("pandas not available — skipping the pandas workbook: " + out);
    } else {
        Diagnostics d;
        const Project p = readProject(pandas, d);
        CHECK(p.codingCount() == 117);
        CHECK(p.sources.size() == 1);
    }
    run("command -v soffice >/dev/null 2>&1", &rc);
    if (rc != 0) {
        WARN("soffice not installed — skipping the LibreOffice workbook");
        return;
    }
    writeFile(scratch("schilder.csv"), readFile(csv));
    run("cd " + scratchDir() + " && timeout 180 soffice -env:UserInstallation=file://" + scratch("lo-profile") +
            " --headless --infilter='CSV:44,34,76,1' --convert-to xlsx schilder.csv >/dev/null 2>&1",
        &rc);
    REQUIRE(rc == 0);
    Diagnostics d;
    const Project p = readProject(scratch("schilder.xlsx"), d);
    CHECK(p.codingCount() == 117);
    CHECK(p.sources.size() == 1);
}
