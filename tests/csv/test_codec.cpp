// The CSV codec: encodings, delimiters, quoting, limits, and the writer.

#include "Csv.h"

#include "qdx/Errors.h"

#include <catch2/catch.hpp>

#include <sstream>

using namespace qdx;
using namespace qdx::csv;

namespace {

std::string utf16le(const std::u16string& s, bool bom) {
    std::string out = bom ? std::string("\xFF\xFE") : std::string();
    for (char16_t c : s) {
        out += static_cast<char>(c & 0xFF);
        out += static_cast<char>(c >> 8);
    }
    return out;
}

std::string utf16be(const std::u16string& s) {
    std::string out("\xFE\xFF");
    for (char16_t c : s) {
        out += static_cast<char>(c >> 8);
        out += static_cast<char>(c & 0xFF);
    }
    return out;
}

tabular::Table parse(const std::string& bytes, Diagnostics& d, ParseInfo* info = nullptr, ParseOptions o = {}) {
    return parseCsv(bytes, "test.csv", o, d, info);
}

} // namespace

TEST_CASE("UTF-8 with and without BOM") {
    Diagnostics d;
    ParseInfo info;
    auto t = parse("\xEF\xBB\xBF" "a,b\r\n1,\xC3\xBC\r\n", d, &info);
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[0][0] == "a");  // the BOM is not part of the first header
    CHECK(t.rows[1][1] == "\xC3\xBC");
    CHECK(info.encoding == "utf-8-bom");
    CHECK(info.crlf);
    auto t2 = parse("a,b\n1,2\n", d, &info);
    CHECK(info.encoding == "utf-8");
    CHECK_FALSE(info.crlf);
    CHECK(t2.rows.size() == 2);
    CHECK(d.count(Severity::Lossy) == 0);
}

TEST_CASE("UTF-16 LE and BE with BOM, tab delimited") {
    Diagnostics d;
    ParseInfo info;
    auto t = parse(utf16le(u"Name\tAlter\r\nJ\u00FCrgen\t51\r\n\U0001F600\t1\r\n", true), d, &info);
    CHECK(info.encoding == "utf-16le");
    CHECK(info.delimiter == '\t');
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[1][0] == "J\xC3\xBCrgen");
    CHECK(t.rows[2][0] == "\xF0\x9F\x98\x80");
    auto t2 = parse(utf16be(u"a;b\r\nx;y\r\n"), d, &info);
    CHECK(info.encoding == "utf-16be");
    CHECK(info.delimiter == ';');
    CHECK(t2.rows[1][1] == "y");
    // Without a BOM, the NUL pattern gives it away.
    auto t3 = parse(utf16le(u"a,b\r\nc,d\r\n", false), d, &info);
    CHECK(info.encoding == "utf-16le");
    CHECK(t3.rows[1][1] == "d");
}

TEST_CASE("Windows-1252 is a reported fallback") {
    Diagnostics d;
    ParseInfo info;
    auto t = parse("name;note\r\nM\xFCller;caf\xE9 \x80\r\n", d, &info);
    CHECK(info.encoding == "windows-1252");
    CHECK(info.delimiter == ';');
    CHECK(t.rows[1][0] == "M\xC3\xBCller");
    CHECK(t.rows[1][1] == "caf\xC3\xA9 \xE2\x82\xAC");
    REQUIRE(d.countCode("lossy.encoding") == 1);
    CHECK(d.all().back().location.line == 2);
    // Named as UTF-8, bad bytes become U+FFFD instead.
    Diagnostics d2;
    ParseOptions o;
    o.encoding = "utf-8";
    auto t2 = parse("a\r\nM\xFCller\r\n", d2, &info, o);
    CHECK(t2.rows[1][0] == "M\xEF\xBF\xBDller");
    CHECK(d2.countCode("lossy.encoding") == 1);
}

TEST_CASE("quoted newlines, doubled quotes, CRLF and record line numbers") {
    Diagnostics d;
    auto t = parse("id,text\r\n1,\"two\nlines, and \"\"quotes\"\"\"\r\n2,\"crlf\r\ninside\"\r\n3,plain\r\n", d);
    REQUIRE(t.rows.size() == 4);
    CHECK(t.rows[1][1] == "two\nlines, and \"quotes\"");
    CHECK(t.rows[2][1] == "crlf\r\ninside");
    CHECK(t.rowNumbers == std::vector<long long>{1, 2, 4, 6});
    CHECK(t.where(3, 1).str().find("test.csv") != std::string::npos);
}

TEST_CASE("delimiter sniffing ignores delimiters inside quotes") {
    CHECK(sniffDelimiter("a;b;c\n1;\"x,y,z\";3\n") == ';');
    CHECK(sniffDelimiter("a,b\n\"1;2;3;4\",2\n") == ',');
    CHECK(sniffDelimiter("a\tb\tc\n1\t2\t3\n") == '\t');
    CHECK(sniffDelimiter("single column\nvalue\n") == ',');
    Diagnostics d;
    ParseInfo info;
    auto t = parse("sep=;\r\na;b\r\n1,5;2\r\n", d, &info);
    CHECK(info.delimiter == ';');
    REQUIRE(t.rows.size() == 2);
    CHECK(t.rows[1][0] == "1,5");
    CHECK(t.rowNumbers[0] == 2);
}

TEST_CASE("ragged rows are kept and reported; blank lines skipped") {
    Diagnostics d;
    auto t = parse("a,b,c\n1,2\n\n1,2,3,4\n", d);
    REQUIRE(t.rows.size() == 3);
    CHECK(t.rows[1].size() == 2);
    CHECK(t.cell(1, 2).empty());
    CHECK(t.rows[2].size() == 4);
    CHECK(t.rowNumbers[2] == 4);
    CHECK(d.countCode("info.ragged-rows") == 1);
}

TEST_CASE("an unterminated quote names file, line and column") {
    Diagnostics d;
    try {
        parse("a,b\n1,2\n3,\"open\nnever closed\n", d);
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(e.where().file == "test.csv");
        CHECK(e.where().line == 3);
        CHECK(e.where().column == 3);
        CHECK(std::string(e.what()).find("test.csv:3:3") != std::string::npos);
    }
}

TEST_CASE("field and row limits are LimitErrors naming the place") {
    Diagnostics d;
    ParseOptions o;
    o.maxFieldBytes = 10;
    try {
        parse("a,b\nshort,\"this field is too long\"\n", d, nullptr, o);
        FAIL("no error");
    } catch (const LimitError& e) {
        CHECK(e.where().line == 2);
        CHECK(e.where().file == "test.csv");
    }
    ParseOptions o2;
    o2.maxRowCells = 3;
    CHECK_THROWS_AS(parse("a,b,c,d\n", d, nullptr, o2), LimitError);
}

TEST_CASE("text after a closing quote is kept and noted") {
    Diagnostics d;
    auto t = parse("a,b\n\"x\"y,2\n", d);
    CHECK(t.rows[1][0] == "xy");
    CHECK(d.countCode("quirk.csv-text-after-quote") == 1);
}

TEST_CASE("the writer writes RFC 4180 with CRLF, quoting only when needed") {
    std::ostringstream out;
    WriteOptions o;
    CsvSink sink(out, o);
    sink.beginTable({"t", {"id", "text", "n"}, {tabular::CellType::Text, tabular::CellType::Text, tabular::CellType::Integer}, true});
    sink.row({"1", "plain", "3"}, nullptr);
    sink.row({"2", "comma, \"quote\"\nnewline", "-9"}, nullptr);
    sink.row({"3", "=SUM(A1)", "-9"}, nullptr);
    sink.endTable();
    CHECK(out.str() == "id,text,n\r\n1,plain,3\r\n2,\"comma, \"\"quote\"\"\nnewline\",-9\r\n3,'=SUM(A1),-9\r\n");
    CHECK(sink.guarded() == 1);  // the numeric -9 is never guarded
    Diagnostics d;
    sink.report(d, "out.csv");
    CHECK(d.countCode("lossy.formula-guard") == 1);
}

TEST_CASE("writer options: BOM, semicolon, quote all, no guard") {
    std::ostringstream out;
    WriteOptions o;
    o.bom = true;
    o.delimiter = ';';
    o.quoteAll = true;
    o.guardFormulas = false;
    CsvSink sink(out, o);
    sink.beginTable({"t", {"a", "b"}, {tabular::CellType::Text, tabular::CellType::Text}, true});
    sink.row({"+1", "@user"}, nullptr);
    sink.endTable();
    CHECK(out.str() == "\xEF\xBB\xBF\"a\";\"b\"\r\n\"+1\";\"@user\"\r\n");
    CHECK(sink.guarded() == 0);
}

TEST_CASE("writer output parses back to the same cells") {
    std::vector<std::vector<std::string>> rows = {
        {"h1", "h2", "h3"}, {"", "\"", "a,b"}, {"line\r\nbreak", " spaced ", "\xE2\x97\x8F"}, {"-", "'=x", "\t tab"}};
    std::ostringstream out;
    WriteOptions o;
    CsvSink sink(out, o);
    sink.beginTable({"t", rows[0], {}, true});
    for (std::size_t i = 1; i < rows.size(); ++i) sink.row(rows[i], nullptr);
    sink.endTable();
    Diagnostics d;
    auto t = parse(out.str(), d);
    for (auto& r : t.rows)
        for (auto& c : r) tabular::unguardFormula(c);
    CHECK(t.rows == rows);
}

TEST_CASE("cells over Excel's limit are counted in UTF-16 units") {
    CHECK(utf16Length("a\xC3\xBC\xF0\x9F\x98\x80") == 4);
    std::ostringstream out;
    CsvSink sink(out, WriteOptions{});
    sink.beginTable({"t", {"x"}, {tabular::CellType::Text}, true});
    sink.row({std::string(40000, 'x')}, nullptr);
    sink.endTable();
    CHECK(sink.overExcelLimit() == 1);
}
