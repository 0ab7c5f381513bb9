// Every .xlsx of the shared corpus (QDX_CORPUS/tabular) read at the workbook
// level. Expected numbers were computed independently with openpyxl 3.0.9
// (rows with at least one non-empty cell; font colours of the "●" cells):
//   wb = openpyxl.load_workbook(f)
//   rows = [r for r in ws.iter_rows() if any(c.value not in (None, '') for c in r)]
//   Counter(c.font.color.rgb for r in ws.iter_rows() for c in r if c.value == '●')

#include "XlsxReader.h"

#include "qdx/Input.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <map>

using namespace qdx;
using namespace qdx::xlsx;

namespace {

std::string corpus() {
    const char* c = std::getenv("QDX_CORPUS");
    return c && *c ? std::string(c) : std::string();
}

struct SheetExpect {
    std::string name;
    std::size_t rows;
};

struct Counted {
    std::vector<SheetInfo> sheets;
    std::vector<std::size_t> rows;
    std::map<std::string, std::size_t> dotColours;  // font colour of "●" cells, all sheets
    std::size_t numbers = 0, dates = 0, texts = 0;
};

Counted count(const std::string& file) {
    Diagnostics diag;
    WorkbookReader r(Input::fromFile(file), diag);
    Counted c;
    c.sheets = r.sheets();
    for (std::size_t i = 0; i < r.sheets().size(); ++i) {
        std::size_t n = 0;
        r.readSheet(i, [&](ReadRow&& row) {
            ++n;
            for (const ReadCell& cell : row.cells) {
                if (cell.text == "\xE2\x97\x8F")
                    ++c.dotColours[cell.fontColor];
                if (cell.kind == CellKind::Number)
                    ++c.numbers;
                else if (cell.kind == CellKind::Date)
                    ++c.dates;
                else if (cell.kind == CellKind::Text)
                    ++c.texts;
            }
        });
        c.rows.push_back(n);
    }
    return c;
}

void expectSheets(const Counted& c, const std::vector<SheetExpect>& want) {
    REQUIRE(c.sheets.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        CHECK(c.sheets[i].name == want[i].name);
        CHECK(c.rows[i] == want[i].rows);
    }
}

} // namespace

TEST_CASE("corpus workbooks read at the workbook level", "[xlsx][corpus]") {
    const std::string root = corpus();
    if (root.empty()) {
        WARN("QDX_CORPUS unset — skipping the corpus workbooks");
        return;
    }
    const std::string mx = root + "/tabular/maxqda/SPUND-LX__";
    const std::string qc = root + "/tabular/qualcoder/QualCoder__";

    SECTION("MAXQDA code variables: ● font colours") {
        Counted c = count(mx + "DA_coding_Codevariablen.xlsx");
        expectSheets(c, {{"Sheet1", 54}});
        CHECK(c.dotColours == std::map<std::string, std::size_t>{
                                  {"#EF5350", 16}, {"#32BD59", 19}, {"#3B82F6", 8}, {"#6F4AB0", 1}, {"#71BBFF", 1}, {"#8D6E63", 1},
                                  {"#A24EF1", 2}, {"#FF66FF", 1}, {"#FFFF00", 1}, {"#80FF00", 1}, {"#66CCFF", 1}, {"#FF6666", 1}});
        CHECK(c.numbers == 265);  // openpyxl: 265 int cells
        CHECK(c.dates == 0);      // MAXQDA writes dates as text
    }
    SECTION("MAXQDA document variables") {
        Counted c = count(mx + "DA_coding_Variablen.xlsx");
        expectSheets(c, {{"Sheet1", 29}});
        CHECK(c.numbers == 196);
    }
    SECTION("MAXQDA coded segments re-saved in Excel: pivot sheet first, theme part") {
        Counted c = count(mx + "DA_ho-discurse-01_coding_MAXQDA_24_Codierte_Segmente.xlsx");
        expectSheets(c, {{"Tabelle1", 61}, {"Sheet1", 130}});
        CHECK(c.dotColours ==
              std::map<std::string, std::size_t>{{"#8D6E63", 35}, {"#71BBFF", 33}, {"#32BD59", 43}, {"#EF5350", 18}});
        CHECK(c.numbers == 60 + 60 + 516 + 129);  // int and float cells of both sheets
    }
    SECTION("MAXQDA coded segments with memos and comments") {
        Counted c = count(mx + "DA_metaphern&frames_ig-metaphern-coded-segments.xlsx");
        expectSheets(c, {{"Sheet1", 90}});
        CHECK(c.dotColours == std::map<std::string, std::size_t>{
                                  {"#3B82F6", 62}, {"#32BD59", 7}, {"#A24EF1", 13}, {"#FF7043", 1}, {"#D8517E", 5}, {"#FF9800", 1}});
    }
    SECTION("MAXQDA coded segments with duplicate headers, larger file") {
        Counted c = count(mx + "intLX_HA_qda.coded-segments.15113.xlsx");
        expectSheets(c, {{"Sheet1", 893}});
        CHECK(c.dotColours == std::map<std::string, std::size_t>{{"#20D8FF", 892}});
        CHECK(c.numbers == 8028);
        CHECK(c.texts == 11958);  // openpyxl: 12511 str cells, 553 of them empty strings (read as absent)
    }
    SECTION("MAXQDA code system") {
        Counted c = count(mx + "szondi_WITprose_MAXQDA24_WITprosepoem_-_Codesystem.xlsx");
        expectSheets(c, {{"Sheet1", 9}});
    }
    SECTION("MAXQDA whole-project export: German sheet names, one with a trailing space") {
        Counted c = count(mx + "szondi_WITprose_WITprosepoem.mx24.xlsx");
        expectSheets(c, {{"Projektinformation", 27},
                         {"Liste der Dokumente ", 3},
                         {"Liste der Codes", 9},
                         {"Codierte Segmente", 47},
                         {"Memos", 6},
                         {"Summarys", 1},
                         {"Links", 1},
                         {"Liste der Dokumentvariablen", 14},
                         {"Dateneditor (Dokumentvariablen)", 2},
                         {"Liste der Codevariablen", 16},
                         {"Dateneditor (Codevariablen)", 8}});
        CHECK(c.dotColours == std::map<std::string, std::size_t>{{"#20D8FF", 22 + 2}, {"#32BD59", 15 + 1}, {"#A24EF1", 4 + 1},
                                                                  {"#3B82F6", 5 + 2}, {"#EF5350", 1}});
    }
    SECTION("QualCoder case attributes") {
        Counted c = count(qc + "cases456.xlsx");
        expectSheets(c, {{"attributes", 4}});
        CHECK(c.numbers == 3);
    }
    SECTION("QualCoder survey with an absent cell (LibreOffice-written)") {
        Counted c = count(qc + "survey789.xlsx");
        expectSheets(c, {{"survey", 4}});
        CHECK(c.numbers == 2);
        CHECK(c.texts == 21);
    }
}
