// Unit tests of the xlsx plugin's building blocks: Excel serial dates, number
// formats, OOXML escapes, cell references.

#include "ExcelDates.h"
#include "XlsxReader.h"
#include "XlsxWriter.h"

#include <catch2/catch.hpp>

using namespace qdx::xlsx;

TEST_CASE("ISO dates become 1900-system serials and back", "[xlsx][dates]") {
    IsoShape shape{};
    // 2023-04-30 is serial 45046 in Excel (=DATE(2023,4,30)).
    REQUIRE(isoToSerial("2023-04-30", &shape) == Approx(45046));
    CHECK(shape == IsoShape::Date);
    REQUIRE(isoToSerial("1900-03-01") == Approx(61));
    CHECK(isoToSerial("1900-02-28") == std::nullopt);  // before the leap-year bug: kept as text
    CHECK(isoToSerial("2023-02-29") == std::nullopt);
    CHECK(isoToSerial("2023-04-30T12:00:00+02:00") == std::nullopt);  // offsets stay text
    CHECK(isoToSerial("30.04.2023") == std::nullopt);
    REQUIRE(isoToSerial("2023-04-30T18:00:00Z", &shape) == Approx(45046.75));
    CHECK(shape == IsoShape::DateTimeZ);

    for (const char* iso : {"2023-04-30", "2023-04-30T12:34:56", "2023-04-30T12:34:56Z", "2023-04-30T23:59:59.999Z",
                            "1999-12-31T00:00:00.001", "9999-12-31"}) {
        IsoShape s{};
        const auto serial = isoToSerial(iso, &s);
        REQUIRE(serial);
        const DateFormatInfo f = classifyNumberFormat(164, numberFormatFor(s));
        CHECK(f.isDate);
        CHECK(serialToIso(*serial, false, f) == std::string(iso));
    }
}

TEST_CASE("serials of both date systems", "[xlsx][dates]") {
    DateFormatInfo date = classifyNumberFormat(14, "");
    REQUIRE(date.isDate);
    CHECK(serialToIso(45046, false, date) == "2023-04-30");
    // 1904 system: serial 0 is 1904-01-01; 2023-04-30 is 45046 - 1462.
    CHECK(serialToIso(0, true, date) == "1904-01-01");
    CHECK(serialToIso(45046 - 1462, true, date) == "2023-04-30");
    CHECK(serialToIso(1, false, date) == "1900-01-01");
    CHECK(serialToIso(59, false, date) == "1900-02-28");
    CHECK(serialToIso(60, false, date) == std::nullopt);  // Excel's 1900-02-29
    CHECK(serialToIso(61, false, date) == "1900-03-01");
    // A date-time format keeps the time; a time-only format gives the time.
    CHECK(serialToIso(45046.5, false, classifyNumberFormat(22, "")) == "2023-04-30T12:00:00");
    CHECK(serialToIso(0.25, false, classifyNumberFormat(0, "hh:mm")) == "06:00:00");
}

TEST_CASE("number formats tell dates from numbers", "[xlsx][dates]") {
    CHECK(classifyNumberFormat(0, "General").isDate == false);
    CHECK(classifyNumberFormat(49, "@").isDate == false);
    CHECK(classifyNumberFormat(2, "0.00").isDate == false);
    CHECK(classifyNumberFormat(165, "#,##0.00 \"m\"").isDate == false);  // quoted m is literal
    CHECK(classifyNumberFormat(165, "[Red]0.0").isDate == false);
    auto f = classifyNumberFormat(165, "dd.mm.yy hh:mm");
    CHECK(f.isDate);
    CHECK(f.hasDate);
    CHECK(f.hasTime);
    f = classifyNumberFormat(166, "[h]:mm:ss");
    CHECK(f.isDate);
    CHECK_FALSE(f.hasDate);
    f = classifyNumberFormat(166, "mm:ss");  // minutes before seconds, not months
    CHECK(f.hasTime);
    CHECK_FALSE(f.hasDate);
    f = classifyNumberFormat(167, "m/d/yyyy h:mm AM/PM");
    CHECK(f.hasDate);
    CHECK(f.hasTime);
    CHECK(classifyNumberFormat(168, "yyyy-mm-dd\"T\"hh:mm:ss\"Z\"").zulu);
}

TEST_CASE("numbers read back as their shortest exact text", "[xlsx]") {
    CHECK(formatNumber(3) == "3");
    CHECK(formatNumber(-9) == "-9");
    CHECK(formatNumber(0.1) == "0.1");
    CHECK(formatNumber(33.333333333333336) == "33.333333333333336");
    CHECK(parseNumber("1.5E-3") == Approx(0.0015));
    CHECK(parseNumber("007") == Approx(7));
    CHECK_FALSE(parseNumber("12a"));
    CHECK_FALSE(parseNumber(""));
    CHECK_FALSE(parseNumber("."));
}

TEST_CASE("cell text escapes survive decoding", "[xlsx][escape]") {
    std::string out;
    appendCellText(out, "a & b < c > d");
    CHECK(out == "a &amp; b &lt; c &gt; d");
    out.clear();
    appendCellText(out, "line1\r\nline2\tx");
    CHECK(out == "line1&#13;\nline2\tx");
    out.clear();
    appendCellText(out, std::string("bell\x07", 5));
    CHECK(out == "bell_x0007_");
    out.clear();
    appendCellText(out, "literal _x0041_ stays");
    CHECK(out == "literal _x005F_x0041_ stays");
    CHECK(decodeOoxmlEscapes("literal _x005F_x0041_ stays") == "literal _x0041_ stays");
    CHECK(decodeOoxmlEscapes("bell_x0007_") == std::string("bell\x07", 5));
    CHECK(decodeOoxmlEscapes("cr_x000D_lf") == "cr\rlf");
    CHECK(decodeOoxmlEscapes("_xD83D__xDE00_") == "\xF0\x9F\x98\x80");
    CHECK(decodeOoxmlEscapes("_x12_ and _xZZZZ_") == "_x12_ and _xZZZZ_");
    out.clear();
    appendCellText(out, "bad \xFF byte");
    CHECK(out == "bad \xEF\xBF\xBD byte");
}

TEST_CASE("Excel counts UTF-16 units and escapes", "[xlsx]") {
    CHECK(excelLength("abc") == 3);
    CHECK(excelLength("\xC3\xA4") == 1);          // ä
    CHECK(excelLength("\xF0\x9F\x98\x80") == 2);  // an emoji is a surrogate pair
    CHECK(excelLength("a&b") == 7);
}

TEST_CASE("cell references", "[xlsx]") {
    CHECK(WorkbookWriter::columnName(0) == "A");
    CHECK(WorkbookWriter::columnName(25) == "Z");
    CHECK(WorkbookWriter::columnName(26) == "AA");
    CHECK(WorkbookWriter::columnName(16383) == "XFD");
    std::size_t col = 0;
    long long row = 0;
    REQUIRE(parseCellRef("XFD1048576", col, row));
    CHECK(col == 16383);
    CHECK(row == 1048576);
    REQUIRE(parseCellRef("$B$7", col, row));
    CHECK(col == 1);
    CHECK(row == 7);
    CHECK_FALSE(parseCellRef("XFE1", col, row));
    CHECK_FALSE(parseCellRef("A0", col, row));
    CHECK_FALSE(parseCellRef("12", col, row));
}
