// The workbook layer: what WorkbookWriter writes, WorkbookReader reads back
// (cell kinds, colours, dates, long cells), other programs open (openpyxl,
// LibreOffice), and hostile packages are refused.

#include "XlsxFormat.h"
#include "XlsxReader.h"
#include "XlsxTestUtil.h"
#include "XlsxWriter.h"

#include "qdx/Errors.h"
#include "qdx/Input.h"

#include <catch2/catch.hpp>

using namespace qdx;
using namespace qdx::xlsx;
using namespace xlsxtest;

namespace {

std::string longText(std::size_t units) {
    // Mixed text: ASCII, umlauts, an emoji (2 UTF-16 units), escapes and line breaks.
    const std::string piece = "Paragraph \xC3\xA4\xC3\xB6\xC3\xBC & <tag> \xF0\x9F\x98\x80 _x0041_ end.\r\n";
    std::string s;
    while (excelLength(s) < units)
        s += piece;
    return s;
}

} // namespace

TEST_CASE("written cells read back with their kinds, colours and dates", "[xlsx][workbook]") {
    const std::string path = scratch("cells.xlsx");
    Diagnostics diag;
    {
        WorkbookWriter w(path, diag);
        w.beginSheet("Data", {"text", "int", "num", "date", "when", "flag"},
                     {WriteType::Text, WriteType::Number, WriteType::Number, WriteType::Date, WriteType::Date, WriteType::Boolean});
        std::vector<WriteStyle> styles(6);
        styles[0].fillColor = "#20D8FF";
        styles[0].fontColor = "#A24EF1";
        w.addRow({"=HYPERLINK(\"x\")", "-9", "0.25", "2023-04-30", "2023-04-30T12:34:56Z", "true"}, &styles);
        w.addRow({" padded ", "007", "3.50", "30.04.2023", "2023-04-30T12:00:00+02:00", "yes"});
        w.addRow({"", "", "", "", "", ""});  // an empty row is written as an empty <row>
        w.addRow({"last"});
        w.close();
    }
    Diagnostics rd;
    WorkbookReader r(Input::fromFile(path), rd);
    REQUIRE(r.sheets().size() == 1);
    CHECK(r.sheets()[0].name == "Data");
    const std::vector<ReadRow> rows = r.readSheet(0);
    REQUIRE(rows.size() == 4);  // header, two rows, "last" (the empty row has no cells)
    CHECK(rows[0].cells[0].bold);
    const auto& a = rows[1].cells;
    CHECK(a[0].kind == CellKind::Text);
    CHECK(a[0].text == "=HYPERLINK(\"x\")");  // never a formula
    CHECK_FALSE(a[0].formula);
    CHECK(a[0].fillColor == "#20D8FF");
    CHECK(a[0].fontColor == "#A24EF1");
    CHECK(a[1].kind == CellKind::Number);
    CHECK(a[1].text == "-9");
    CHECK(a[2].text == "0.25");
    CHECK(a[3].kind == CellKind::Date);
    CHECK(a[3].text == "2023-04-30");
    CHECK(a[4].kind == CellKind::Date);
    CHECK(a[4].text == "2023-04-30T12:34:56Z");
    CHECK(a[5].kind == CellKind::Boolean);
    CHECK(a[5].text == "true");
    const auto& b = rows[2].cells;
    CHECK(b[0].text == " padded ");
    CHECK(b[1].kind == CellKind::Text);  // "007" would lose its zeros as a number
    CHECK(b[1].text == "007");
    CHECK(b[2].text == "3.50");
    CHECK(b[3].text == "30.04.2023");
    CHECK(b[4].text == "2023-04-30T12:00:00+02:00");
    CHECK(b[5].text == "yes");
    CHECK(rows[3].number == 5);
    CHECK(rows[3].cells[0].text == "last");
}

TEST_CASE("a 40,000-character cell is split and joined again", "[xlsx][workbook][long]") {
    const std::string path = scratch("long.xlsx");
    const std::string big = longText(40000);
    const std::string huge = longText(70000);
    REQUIRE(excelLength(big) >= 40000);
    Diagnostics diag;
    {
        WorkbookWriter w(path, diag);
        w.beginSheet("Long", {"id", "quote", "memo"});
        w.addRow({"E1", big, "short"}, nullptr, "E1");
        w.addRow({"E2", "short", huge}, nullptr, "E2");
        w.addRow({"E3", "plain", ""}, nullptr, "E3");
        w.close();
    }
    CHECK(diag.countCode("lossy.xlsx-cell-split") == 2);
    CHECK(diag.all().front().entityId == "E1");

    // Every stored cell is within Excel's limit.
    Diagnostics rd;
    WorkbookReader r(Input::fromFile(path), rd);
    const auto rows = r.readSheet(0);
    for (const auto& row : rows)
        for (const auto& c : row.cells)
            CHECK(excelLength(c.text) <= kMaxCellUnits);
    REQUIRE(rows[0].cells.size() == 6);  // id, quote, memo, quote (continued 2), memo (continued 2), memo (continued 3)
    CHECK(rows[0].cells[3].text == "quote (continued 2)");

    // The table view joins them back, exactly.
    Diagnostics td;
    std::vector<tabular::Table> tables = readWorkbookTables(Input::fromFile(path), td);
    REQUIRE(tables.size() == 1);
    const tabular::Table& t = tables[0];
    REQUIRE(t.rows.size() == 4);
    CHECK(t.rows[0] == std::vector<std::string>{"id", "quote", "memo"});
    CHECK(t.cell(1, 1) == big);
    CHECK(t.cell(2, 2) == huge);
    CHECK(t.cell(3, 1) == "plain");
    CHECK(td.countCode("info.xlsx-cells-joined") == 1);
}

TEST_CASE("long cells can be truncated instead, and say so", "[xlsx][workbook][long]") {
    const std::string path = scratch("trunc.xlsx");
    Diagnostics diag;
    WriterOptions o;
    o.longCells = LongCells::Truncate;
    {
        WorkbookWriter w(path, diag, o);
        w.beginSheet("S", {"quote"});
        w.addRow({longText(40000)}, nullptr, "X1");
        w.close();
    }
    REQUIRE(diag.countCode("lossy.xlsx-cell-truncated") == 1);
    Diagnostics rd;
    WorkbookReader r(Input::fromFile(path), rd);
    const auto rows = r.readSheet(0);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].cells.size() == 1);
    CHECK(excelLength(rows[1].cells[0].text) <= kMaxCellUnits);
    CHECK(excelLength(rows[1].cells[0].text) > kMaxCellUnits - 10);
}

TEST_CASE("sheet names are made valid and unique", "[xlsx][workbook]") {
    const std::string path = scratch("names.xlsx");
    Diagnostics diag;
    {
        WorkbookWriter w(path, diag);
        w.beginSheet("a/b:c?", {"x"});
        w.beginSheet("A_B_C_", {"x"});
        w.beginSheet("This sheet name is much longer than thirty-one characters", {"x"});
        w.beginSheet("'quoted'", {"x"});
        w.close();
    }
    Diagnostics rd;
    WorkbookReader r(Input::fromFile(path), rd);
    REQUIRE(r.sheets().size() == 4);
    CHECK(r.sheets()[0].name == "a_b_c_");
    CHECK(r.sheets()[1].name == "A_B_C_ (2)");
    CHECK(r.sheets()[2].name == "This sheet name is much longer ");
    CHECK(r.sheets()[3].name == "quoted");
}

TEST_CASE("shared strings with rich text, styles by theme and index, 1904 dates", "[xlsx][reader]") {
    const std::string path = scratch("handmade.xlsx");
    const std::string sst = std::string("<?xml version=\"1.0\"?><sst xmlns=\"") + kMain +
                            "\"><si><t>plain</t></si>"
                            "<si><r><rPr><b/></rPr><t>rich </t></r><r><t xml:space=\"preserve\">text</t></r>"
                            "<rPh sb=\"0\" eb=\"1\"><t>PHONETIC</t></rPh></si>"
                            "<si><t>cr_x000D_lf</t></si></sst>";
    const std::string styles =
        std::string("<?xml version=\"1.0\"?><styleSheet xmlns=\"") + kMain +
        "\"><numFmts count=\"1\"><numFmt numFmtId=\"170\" formatCode=\"dd/mm/yyyy\"/></numFmts>"
        "<fonts count=\"3\"><font><sz val=\"11\"/></font><font><color rgb=\"FF20D8FF\"/></font><font><b/><color indexed=\"10\"/></font></fonts>"
        "<fills count=\"3\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>"
        "<fill><patternFill patternType=\"solid\"><fgColor theme=\"4\" tint=\"0\"/></patternFill></fill></fills>"
        "<cellXfs count=\"4\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\"/><xf numFmtId=\"170\" fontId=\"0\" fillId=\"0\"/>"
        "<xf numFmtId=\"0\" fontId=\"1\" fillId=\"2\"/><xf numFmtId=\"14\" fontId=\"2\" fillId=\"0\"/></cellXfs></styleSheet>";
    const std::string theme = "<?xml version=\"1.0\"?><a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\">"
                              "<a:themeElements><a:clrScheme name=\"x\"><a:dk1><a:sysClr val=\"windowText\" lastClr=\"000000\"/></a:dk1>"
                              "<a:lt1><a:sysClr val=\"window\" lastClr=\"FFFFFF\"/></a:lt1><a:dk2><a:srgbClr val=\"44546A\"/></a:dk2>"
                              "<a:lt2><a:srgbClr val=\"E7E6E6\"/></a:lt2><a:accent1><a:srgbClr val=\"4472C4\"/></a:accent1>"
                              "</a:clrScheme></a:themeElements></a:theme>";
    const std::string sheet = sheetXml(
        "<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\" s=\"2\"><v>1</v></c></row>"
        "<row r=\"4\"><c r=\"B4\" s=\"1\"><v>0</v></c><c s=\"3\"><v>45046</v></c><c t=\"s\"><v>2</v></c>"
        "<c r=\"F4\" t=\"inlineStr\"><is><r><t>in</t></r><r><t>line</t></r></is></c></row>");
    std::string wb = std::string("<?xml version=\"1.0\"?><workbook xmlns=\"") + kMain +
                     "\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                     "<workbookPr date1904=\"1\"/><sheets><sheet name=\"Data\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    std::string rels = "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                       "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                       "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
                       "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"/xl/styles.xml\"/>"
                       "<Relationship Id=\"rId4\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme\" Target=\"theme/theme1.xml\"/>"
                       "</Relationships>";
    makeWorkbook(path, {{"xl/workbook.xml", wb}, {"xl/_rels/workbook.xml.rels", rels}, {"xl/sharedStrings.xml", sst},
                        {"xl/styles.xml", styles}, {"xl/theme/theme1.xml", theme}, {"xl/worksheets/sheet1.xml", sheet}});
    Diagnostics diag;
    WorkbookReader r(Input::fromFile(path), diag);
    CHECK(r.date1904());
    const auto rows = r.readSheet(0);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].number == 1);
    REQUIRE(rows[0].cells.size() == 3);
    CHECK(rows[0].cells[0].text == "plain");
    CHECK(rows[0].cells[1].kind == CellKind::Empty);  // sparse: B1 absent
    CHECK(rows[0].cells[2].text == "rich text");      // runs joined, phonetic run skipped
    CHECK(rows[0].cells[2].fontColor == "#20D8FF");
    CHECK(rows[0].cells[2].fillColor == "#4472C4");   // theme 4 = accent1
    CHECK(rows[1].number == 4);                       // rows 2 and 3 absent
    REQUIRE(rows[1].cells.size() == 6);
    CHECK(rows[1].cells[1].kind == CellKind::Date);
    CHECK(rows[1].cells[1].text == "1904-01-01");     // serial 0 in the 1904 system
    CHECK(rows[1].cells[2].text == "2027-05-01");     // 45046 days after 1904-01-01 (Python datetime)
    CHECK(rows[1].cells[2].fontColor == "#FF0000");   // indexed 10 = red
    CHECK(rows[1].cells[2].bold);
    CHECK(rows[1].cells[3].text == "cr\rlf");
    CHECK(rows[1].cells[5].text == "inline");
}

TEST_CASE("formula cells give their cached value and are never evaluated", "[xlsx][reader][hostile]") {
    const std::string path = scratch("formulas.xlsx");
    makeWorkbook(path, {{"xl/worksheets/sheet1.xml",
                         sheetXml("<row r=\"1\"><c r=\"A1\"><f>1+1</f><v>2</v></c>"
                                  "<c r=\"B1\" t=\"str\"><f>CONCATENATE(\"a\",\"b\")</f><v>ab</v></c>"
                                  "<c r=\"C1\" t=\"str\"><f>WEBSERVICE(\"http://example.invalid/\")</f></c>"
                                  "<c r=\"D1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
                                  "<c r=\"E1\" t=\"b\"><f>TRUE()</f><v>1</v></c></row>")}});
    Diagnostics diag;
    WorkbookReader r(Input::fromFile(path), diag);
    const auto rows = r.readSheet(0);
    REQUIRE(rows.size() == 1);
    const auto& c = rows[0].cells;
    REQUIRE(c.size() == 5);
    CHECK(c[0].text == "2");
    CHECK(c[0].formula);
    CHECK(c[1].text == "ab");
    CHECK(c[2].text == "");  // no cached value: empty, never fetched or computed
    CHECK(c[3].kind == CellKind::Error);
    CHECK(c[3].text == "#DIV/0!");
    CHECK(c[4].text == "true");
    CHECK(diag.countCode("info.xlsx-formula-cached") == 1);
}

TEST_CASE("hostile workbooks are refused with a clear error", "[xlsx][reader][hostile]") {
    SECTION("DOCTYPE in the sheet XML (entity expansion)") {
        const std::string path = scratch("doctype.xlsx");
        makeWorkbook(path, {{"xl/worksheets/sheet1.xml",
                             std::string("<?xml version=\"1.0\"?><!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\">"
                                         "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]><worksheet xmlns=\"") +
                                 kMain + "\"><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>&b;</t></is></c></row></sheetData></worksheet>"}});
        Diagnostics diag;
        WorkbookReader r(Input::fromFile(path), diag);
        try {
            r.readSheet(0);
            FAIL("a DOCTYPE was accepted");
        } catch (const InputError& e) {
            CHECK(std::string(e.what()).find("sheet1.xml") != std::string::npos);
        }
    }
    SECTION("external entity in the workbook part") {
        const std::string path = scratch("xxe.xlsx");
        makeWorkbook(path, {{"xl/workbook.xml",
                             std::string("<?xml version=\"1.0\"?><!DOCTYPE workbook SYSTEM \"file:///etc/hostname\"><workbook xmlns=\"") +
                                 kMain + "\"><sheets/></workbook>"}});
        Diagnostics diag;
        CHECK_THROWS_AS(WorkbookReader(Input::fromFile(path), diag), InputError);
    }
    SECTION("nesting deeper than the cap") {
        const std::string path = scratch("deep.xlsx");
        std::string deep;
        for (int i = 0; i < 5000; ++i)
            deep += "<x>";
        for (int i = 0; i < 5000; ++i)
            deep += "</x>";
        makeWorkbook(path, {{"xl/worksheets/sheet1.xml", sheetXml("<row r=\"1\"><c t=\"inlineStr\"><is><t>a</t></is></c></row>" + deep)}});
        Diagnostics diag;
        WorkbookReader r(Input::fromFile(path), diag);
        CHECK_THROWS_AS(r.readSheet(0), InputError);
    }
    SECTION("row and column numbers past Excel's grid") {
        const std::string path = scratch("grid.xlsx");
        makeWorkbook(path, {{"xl/worksheets/sheet1.xml", sheetXml("<row r=\"99999999\"><c><v>1</v></c></row>")}});
        Diagnostics diag;
        WorkbookReader r(Input::fromFile(path), diag);
        CHECK_THROWS_AS(r.readSheet(0), InputError);
        const std::string path2 = scratch("grid2.xlsx");
        makeWorkbook(path2, {{"xl/worksheets/sheet1.xml", sheetXml("<row r=\"1\"><c r=\"ZZZZ1\"><v>1</v></c></row>")}});
        WorkbookReader r2(Input::fromFile(path2), diag);
        CHECK_THROWS_AS(r2.readSheet(0), InputError);
    }
    SECTION("a shared-string index out of range is a quirk, not a crash") {
        const std::string path = scratch("sst.xlsx");
        makeWorkbook(path, {{"xl/worksheets/sheet1.xml", sheetXml("<row r=\"1\"><c t=\"s\"><v>7</v></c><c t=\"s\"><v>-1</v></c></row>")}});
        Diagnostics diag;
        WorkbookReader r(Input::fromFile(path), diag);
        CHECK(r.readSheet(0).empty());
        CHECK(diag.countCode("quirk.xlsx-bad-shared-string") == 1);
    }
    SECTION("not a workbook") {
        const std::string path = scratch("notxlsx.xlsx");
        ::unlink(path.c_str());
        ZipWriter z(path);
        z.addBytes("hello.txt", "hi");
        z.close();
        Diagnostics diag;
        CHECK_THROWS_AS(WorkbookReader(Input::fromFile(path), diag), InputError);
        writeFile(scratch("junk.xlsx"), "this is not a zip");
        CHECK_THROWS_AS(WorkbookReader(Input::fromFile(scratch("junk.xlsx")), diag), InputError);
    }
    SECTION("a compression bomb: a sheet part inflating over the ratio budget") {
        const std::string path = scratch("bomb.xlsx");
        std::string rows = "<row r=\"1\"><c t=\"inlineStr\"><is><t>";
        rows.append(8u << 20, 'a');  // 8 MiB of one letter deflates about 1000:1
        rows += "</t></is></c></row>";
        makeWorkbook(path, {{"xl/worksheets/sheet1.xml", sheetXml(rows)}});
        Diagnostics diag;
        CHECK_THROWS_AS(WorkbookReader(Input::fromFile(path), diag).readSheet(0), LimitError);
    }
    SECTION("a size lie: an entry delivering more than it declares") {
        const std::string path = scratch("sizelie.xlsx");
        std::string rows;
        for (int i = 1; i <= 2000; ++i)
            rows += "<row r=\"" + std::to_string(i) + "\"><c t=\"inlineStr\"><is><t>row text to inflate</t></is></c></row>";
        makeWorkbook(path, {{"xl/worksheets/sheet1.xml", sheetXml(rows)}});
        std::string zip = readFile(path);
        // Patch the declared uncompressed size of the sheet entry (local header
        // at +22, central directory at +24) down to 100 bytes; the CRC stays right.
        const std::string name = "xl/worksheets/sheet1.xml";
        auto setSize = [&](std::size_t at) {
            zip[at] = 100;
            zip[at + 1] = zip[at + 2] = zip[at + 3] = 0;
        };
        std::size_t pos = 0;
        int patched = 0;
        while ((pos = zip.find(name, pos)) != std::string::npos) {
            if (pos >= 30 && zip.compare(pos - 30, 4, "PK\x03\x04") == 0) {
                setSize(pos - 30 + 22);
                ++patched;
            } else if (pos >= 46 && zip.compare(pos - 46, 4, "PK\x01\x02") == 0) {
                setSize(pos - 46 + 24);
                ++patched;
            }
            pos += name.size();
        }
        REQUIRE(patched == 2);
        writeFile(path, zip);
        Diagnostics diag;
        bool refused = false;
        try {
            WorkbookReader r(Input::fromFile(path), diag);
            r.readSheet(0);
        } catch (const InputError&) {
            refused = true;
        }
        CHECK(refused);
    }
}
