// The HTML building blocks (libs/htmlkit): escaping of untrusted text,
// bidi controls, colours and links, tables and charts.

#include "qdx/htmlkit/Charts.h"
#include "qdx/htmlkit/Html.h"

#include <catch2/catch.hpp>

using namespace qdx::htmlkit;

TEST_CASE("markup in text is escaped, in content and in attributes") {
    CHECK(text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(attr("\"><img src=x onerror=alert(1)>") == "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    CHECK(text("a & b 'c'") == "a &amp; b &#39;c&#39;");
    CHECK(text("tab\tline\ncr\r") == "tab\tline\ncr\r");
    CHECK(text("") == "");
}

TEST_CASE("controls become visible symbols; bad UTF-8 and noncharacters U+FFFD") {
    CHECK(text(std::string("a\0b", 3)) == "a\xE2\x90\x80" "b");          // U+2400
    CHECK(text("\x1B[31m") == "\xE2\x90\x9B[31m");                      // ESC -> U+241B
    CHECK(text("\x7F") == "\xE2\x90\xA1");                              // DEL -> U+2421
    CHECK(text("\xC2\x85") == "\xEF\xBF\xBD");                          // C1 NEL
    CHECK(text("\xFF\xFE") == "\xEF\xBF\xBD\xEF\xBF\xBD");              // invalid bytes
    CHECK(text("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");              // overlong '/'
    CHECK(text("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
    CHECK(text("\xEF\xBF\xBE") == "\xEF\xBF\xBD");                      // U+FFFE
    CHECK(text("\xF0\x9F\x98\x80 \xD8\xB9") == "\xF0\x9F\x98\x80 \xD8\xB9");  // emoji, Arabic kept
    CHECK(text("abc\xE2\x82") == "abc\xEF\xBF\xBD\xEF\xBF\xBD");        // truncated sequence
}

TEST_CASE("bidi overrides are shown, embeddings and isolates balanced") {
    const std::string rlo = "\xE2\x80\xAE", lro = "\xE2\x80\xAD", rle = "\xE2\x80\xAB", pdf = "\xE2\x80\xAC";
    const std::string rli = "\xE2\x81\xA7", pdi = "\xE2\x81\xA9";
    // An override never reaches the page as a control.
    std::string t = text("invoice" + rlo + "fdp.exe");
    CHECK(t.find(rlo) == std::string::npos);
    CHECK(t == "invoice<span class=\"ctl\">[U+202E]</span>fdp.exe");
    CHECK(attr(lro + "x") == "[U+202D]x");
    // Balanced embeddings pass unchanged; an open one is closed at the end.
    CHECK(text(rle + "abc" + pdf) == rle + "abc" + pdf);
    CHECK(text(rle + "abc") == rle + "abc" + pdf);
    CHECK(text(rli + rle + "x") == rli + rle + "x" + pdf + pdi);
    // Unmatched closers are dropped; PDF does not close across an isolate.
    CHECK(text(pdf + "a" + pdi) == "a");
    CHECK(text(rli + "a" + pdf + "b") == rli + "ab" + pdi);
    // PDI closes its isolate and the embeddings inside it.
    CHECK(text(rli + rle + "a" + pdi + "b") == rli + rle + "a" + pdi + "b");
    // Depth is capped as UAX #9 caps it.
    std::string deep;
    for (int i = 0; i < 200; ++i) deep += rle;
    std::string out = text(deep);
    std::size_t opens = 0, closes = 0;
    for (std::size_t i = 0; (i = out.find(rle, i)) != std::string::npos; i += 3) ++opens;
    for (std::size_t i = 0; (i = out.find(pdf, i)) != std::string::npos; i += 3) ++closes;
    CHECK(opens == 125);
    CHECK(closes == 125);
}

TEST_CASE("shorten cuts between code points") {
    CHECK(shorten("abcdef", 10) == "abcdef");
    CHECK(shorten("abcdef", 6) == "abcdef");
    CHECK(shorten("abcdefg", 6) == "abcde\xE2\x80\xA6");
    CHECK(shorten("\xF0\x9F\x98\x80\xF0\x9F\x98\x80\xF0\x9F\x98\x80", 2) == "\xF0\x9F\x98\x80\xE2\x80\xA6");
}

TEST_CASE("only exact colours and same-page links pass") {
    CHECK(safeColour("#66bb6a") == "#66BB6A");
    CHECK(safeColour("#66BB6A;background:url(x)") == "");
    CHECK(safeColour("red") == "");
    CHECK(safeColour("#12345G") == "");
    CHECK(std::string(inkOn("#0E3C75")) == "#fff");
    CHECK(std::string(inkOn("#EAF1FA")) == "#000");
    CHECK(safeFragment("#tx12-3_a") == "#tx12-3_a");
    CHECK(safeFragment("javascript:alert(1)") == "");
    CHECK(safeFragment("#a\"b") == "");
    CHECK(safeFragment("#") == "");
    std::string sw;
    appendSwatch(sw, "url(x)");
    CHECK(sw.find("url") == std::string::npos);
    CHECK(sw.find("sw none") != std::string::npos);
}

TEST_CASE("numbers are grouped") {
    CHECK(grouped(0) == "0");
    CHECK(grouped(999) == "999");
    CHECK(grouped(1000) == "1,000");
    CHECK(grouped(1234567) == "1,234,567");
}

TEST_CASE("heat bins grow with the value and stay in 0..9") {
    CHECK(heatBin(0, 10) == 0);
    CHECK(heatBin(5, 0) == 0);
    CHECK(heatBin(10, 10) == 9);
    CHECK(heatBin(20, 10) == 9);
    CHECK(heatBin(0.01, 10) >= 1);
    int last = 0;
    for (int v = 1; v <= 100; ++v) {
        int b = heatBin(v, 100);
        CHECK(b >= last);
        last = b;
    }
}

TEST_CASE("a heat map prints every number and escapes labels") {
    HeatMap m;
    m.id = "m1";
    m.corner = "Theme";
    m.columns = {{"<b>S1</b>", "#s0", "t"}, {"S2", "javascript:x", ""}};
    m.extraColumns = {"Total"};
    HeatRow r;
    r.label = "Parent & co";
    r.parent = true;
    r.kind = RowKind::Aggregate;
    r.values = {3, 0};
    r.extra = {3};
    HeatRow c;
    c.label = "Child";
    c.depth = 1;
    c.values = {2, 1};
    c.extra = {3};
    m.rows = {r, c};
    std::string out;
    appendHeatMap(out, m);
    CHECK(out.find("&lt;b&gt;S1&lt;/b&gt;") != std::string::npos);
    CHECK(out.find("<b>") == std::string::npos);
    CHECK(out.find("javascript") == std::string::npos);
    CHECK(out.find("href=\"#s0\"") != std::string::npos);
    CHECK(out.find("Parent &amp; co") != std::string::npos);
    CHECK(out.find("class=\"dep1\"") != std::string::npos);
    CHECK(out.find("data-parent=\"1\"") != std::string::npos);
    CHECK(out.find("lv1") != std::string::npos);   // level controls: two levels
    CHECK(out.find(">2</td>") != std::string::npos);
    CHECK(out.find(">1</td>") != std::string::npos);
}

TEST_CASE("charts put text into SVG without markup") {
    BarChart c;
    c.title = "Codings <per> theme";
    c.bars = {{"a\xE2\x80\xAE<span>", 3, "#FF0000", ""}, {"b", 0, "bad", ""}};
    std::string out;
    appendBarChart(out, c);
    CHECK(out.find("<span") == std::string::npos);  // an HTML element would break out of the SVG
    CHECK(out.find("[U+202E]") != std::string::npos);
    CHECK(out.find("#FF0000") != std::string::npos);
    CHECK(out.find("bad") == std::string::npos);
    SquareMatrix m;
    m.title = "x";
    m.labels = {"<a>", "b"};
    m.values = {2, 1, 1, 3};
    out.clear();
    appendSquareMatrix(out, m);
    CHECK(out.find("<a>") == std::string::npos);
    CHECK(out.find("&lt;a&gt;") != std::string::npos);
}

TEST_CASE("the page allows exactly its own scripts") {
    std::vector<std::string> scripts{"var a=1;"};
    std::string out;
    PageOptions page;
    page.title = "T</title><script>";
    beginPage(out, page, scripts);
    endPage(out, scripts);
    CHECK(out.find("<title>T&lt;/title&gt;&lt;script&gt;</title>") != std::string::npos);
    // SHA-256 of "var a=1;", base64 (computed with sha256sum | xxd -r -p | base64).
    CHECK(contentSecurityPolicy(scripts).find("'sha256-gaaMFNHZyRta8zB2VHkWLMP4tMxJ+d8v3dTW7nw2r6M='") != std::string::npos);
    CHECK(contentSecurityPolicy({}).find("script-src") == std::string::npos);
    CHECK(out.find("default-src 'none'") != std::string::npos);
}

TEST_CASE("long ASCII runs get break opportunities, other text is escaped as usual") {
    std::string out;
    appendBreakable(out, "https://www.example.org/a-long/path?x=1&y=2");
    CHECK(out.find("<wbr>") != std::string::npos);
    std::string plain = out;
    for (std::size_t i; (i = plain.find("<wbr>")) != std::string::npos;) plain.erase(i, 5);
    CHECK(plain == text("https://www.example.org/a-long/path?x=1&y=2"));
    out.clear();
    appendBreakable(out, "short words only, <b>");
    CHECK(out == text("short words only, <b>"));
    out.clear();
    appendBreakable(out, "\xD8\xB9/very/long/path/with/arabic/letters/in/it");
    CHECK(out.find("<wbr>") == std::string::npos);  // not ASCII: escaped whole, bidi balanced as one text
}
