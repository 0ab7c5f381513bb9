#include "qdx/Errors.h"
#include "qdx/team/Normalize.h"

#include <catch2/catch.hpp>

using qdx::team::NormalizedText;

TEST_CASE("a text already in the matching form is viewed, not copied") {
    std::string s = u8"plain \u00e9 text \U0001F600\nline two";
    NormalizedText t(s, "s");
    CHECK_FALSE(t.changed());
    CHECK(t.text().data() == s.data());
    CHECK(t.length() == 23);
    CHECK(t.originalLength() == 23);
    CHECK(t.toNormalized(7) == 7);
    CHECK(t.toOriginal(7) == 7);
}

TEST_CASE("CRLF becomes LF; offsets on either side of the pair map") {
    NormalizedText t("ab\r\ncd\r\n", "s");
    CHECK(t.changed());
    CHECK(t.text() == "ab\ncd\n");
    CHECK(t.length() == 6);
    CHECK(t.originalLength() == 8);
    CHECK(t.toNormalized(2) == 2);  // before the CR
    CHECK(t.toNormalized(4) == 3);  // "c"
    CHECK(t.toNormalized(8) == 6);  // the end
    CHECK(t.toOriginal(3) == 4);
    CHECK(t.toOriginal(2) == 2);    // a line end begins at its CR
    CHECK(t.toOriginal(6) == 8);
    CHECK(t.insideChange(3));       // between CR and LF
    CHECK_FALSE(t.insideChange(4));
}

TEST_CASE("a lone CR becomes LF, a BOM goes") {
    NormalizedText t("a\rb", "s");
    CHECK(t.text() == "a\nb");
    CHECK(t.toNormalized(2) == 2);
    NormalizedText b("\xEF\xBB\xBFxy", "s");
    CHECK(b.text() == "xy");
    CHECK(b.toNormalized(1) == 0);
    CHECK(b.toNormalized(3) == 2);
    CHECK(b.toOriginal(2) == 3);
}

TEST_CASE("NFD becomes NFC, with offsets in code points") {
    // "Cafe\u0301 \U0001F600 e\u0301" -> "Caf\u00e9 \U0001F600 \u00e9"
    NormalizedText t(u8"Cafe\u0301 \U0001F600 e\u0301!", "s");
    CHECK(t.text() == u8"Caf\u00e9 \U0001F600 \u00e9!");
    CHECK(t.originalLength() == 11);
    CHECK(t.length() == 9);
    CHECK(t.toNormalized(3) == 3);   // before the e
    CHECK(t.toNormalized(5) == 4);   // after the accent
    CHECK(t.toNormalized(6) == 5);   // the emoji, one code point
    CHECK(t.toNormalized(11) == 9);
    CHECK(t.toOriginal(4) == 5);
    CHECK(t.toOriginal(8) == 10);
    CHECK(t.insideChange(4));        // between e and its accent
    // Hangul jamo compose into one syllable
    NormalizedText h(u8"\u1100\u1161\u11A8", "s");
    CHECK(h.text() == u8"\uAC01");
    CHECK(h.length() == 1);
}

TEST_CASE("CRLF and NFD together compose their maps") {
    NormalizedText t(u8"e\u0301\r\ne\u0301", "s");
    CHECK(t.text() == u8"\u00e9\n\u00e9");
    CHECK(t.toNormalized(4) == 2);
    CHECK(t.toNormalized(6) == 3);
    CHECK(t.toOriginal(2) == 4);
}

TEST_CASE("copies and moves keep viewing the right text") {
    NormalizedText a("x\r\ny", "s");
    NormalizedText b = a;
    NormalizedText c = std::move(a);
    CHECK(b.text() == "x\ny");
    CHECK(c.text() == "x\ny");
    std::string plain = "unchanged";
    NormalizedText d(plain, "s");
    NormalizedText e = std::move(d);
    CHECK(e.text().data() == plain.data());
}

TEST_CASE("invalid UTF-8 is refused, naming the text") {
    CHECK_THROWS_AS(NormalizedText("ab\xFF", "source 'X'"), qdx::InputError);
    try {
        NormalizedText("ab\xC0\xAF", "source 'X'");
    } catch (const qdx::InputError& e) {
        CHECK(std::string(e.what()).find("source 'X'") != std::string::npos);
    }
}

TEST_CASE("names match after NFC and white space") {
    CHECK(qdx::team::normalizeName(u8"  Cafe\u0301   culture ") == u8"Caf\u00e9 culture");
    CHECK(qdx::team::normalizeName("Trust") != qdx::team::normalizeName("trust"));
}
