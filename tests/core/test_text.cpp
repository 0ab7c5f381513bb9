#include "qdx/Text.h"

#include <catch2/catch.hpp>

#include <random>

using namespace qdx::text;

TEST_CASE("UTF-8 validation finds overlongs, surrogates and truncation") {
    CHECK(isValidUtf8("plain ascii"));
    CHECK(isValidUtf8(u8"Kazakhstan \u00e9 \U0001F600"));
    CHECK_FALSE(isValidUtf8("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(isValidUtf8("\xED\xA0\x80"));      // UTF-16 surrogate
    CHECK_FALSE(isValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
    CHECK_FALSE(isValidUtf8("abc\xE2\x82"));        // truncated
    CHECK(firstInvalidUtf8("ab\xFFz") == 2);
    std::string s = "a\xFFz";
    CHECK(repairUtf8(s) == 1);
    CHECK(s == u8"a\uFFFDz");
}

TEST_CASE("code points are counted and cut by code point") {
    std::string s = u8"a\u00e9\U0001F600b";
    CHECK(codePointCount(s) == 4);
    CHECK(substrCodePoints(s, 1, 3) == u8"\u00e9\U0001F600");
    CHECK(substrCodePoints(s, 3, 4) == "b");
    CHECK(substrCodePoints(s, 2, 2).empty());
}

TEST_CASE("BOM stripping and legacy decoding") {
    std::string s = "\xEF\xBB\xBFhello";
    CHECK(stripBom(s));
    CHECK(s == "hello");
    CHECK_FALSE(stripBom(s));
    CHECK(utf16ToUtf8(std::string("h\0i\0", 4), false) == "hi");
    CHECK(utf16ToUtf8(std::string("\x3D\xD8\x00\xDE", 4), false) == u8"\U0001F600");
    CHECK(windows1252ToUtf8("caf\xE9 \x93q\x94") == u8"caf\u00e9 \u201cq\u201d");
}

TEST_CASE("NVivo offsets: UTF-16 units map to code points and back") {
    // "a😀b\r\nc": code points a=0 😀=1 b=2 \r=3 \n=4 c=5; UTF-16: a=0 😀=1,2 b=3 \r=4 \n=5 c=6
    std::string s = u8"a\U0001F600b\r\nc";
    OffsetMap m(s, Unit::Utf16);
    CHECK(m.lengthInUnits() == 7);
    CHECK(m.lengthInCodePoints() == 6);
    CHECK(m.toCodePoints(0) == 0);
    CHECK(m.toCodePoints(1) == 1);
    CHECK_FALSE(m.toCodePoints(2).has_value());  // inside the surrogate pair
    CHECK(m.toCodePoints(3) == 2);
    CHECK(m.toCodePoints(6) == 5);
    CHECK(m.toCodePoints(7) == 6);
    CHECK_FALSE(m.toCodePoints(8).has_value());
    CHECK(m.fromCodePoints(2) == 3);
    CHECK(m.fromCodePoints(6) == 7);
}

TEST_CASE("ATLAS.ti offsets: CRLF counts once") {
    // "ab\r\ncd": code points a0 b1 \r2 \n3 c4 d5; ATLAS.ti: a0 b1 (CRLF)2 c3 d4
    std::string s = "ab\r\ncd\r\n";
    OffsetMap m(s, Unit::CrlfOnce);
    CHECK(m.lengthInUnits() == 6);
    CHECK(m.toCodePoints(2) == 2);
    CHECK(m.toCodePoints(3) == 4);
    CHECK(m.toCodePoints(6) == 8);
    CHECK(m.fromCodePoints(4) == 3);
    CHECK(m.fromCodePoints(8) == 6);
}

TEST_CASE("offset conversion round-trips on random text") {
    std::mt19937 rng(42);
    const char32_t alphabet[] = {U'a', U' ', U'\r', U'\n', 0xE9, 0x4E2D, 0x1F600, 0x10348};
    for (int round = 0; round < 200; ++round) {
        std::string s;
        int n = static_cast<int>(rng() % 60);
        for (int i = 0; i < n; ++i) appendUtf8(s, alphabet[rng() % 8]);
        for (Unit u : {Unit::CodePoints, Unit::Utf16, Unit::CrlfOnce}) {
            OffsetMap m(s, u);
            for (std::int64_t cp = 0; cp <= m.lengthInCodePoints(); ++cp) {
                auto unit = m.fromCodePoints(cp);
                REQUIRE(unit.has_value());
                bool midCrlf = u == Unit::CrlfOnce && cp > 0 && substrCodePoints(s, cp - 1, cp + 1) == "\r\n";
                if (!midCrlf) CHECK(m.toCodePoints(*unit) == cp);
            }
        }
    }
}

TEST_CASE("the code point index cuts exactly like substrCodePoints, across checkpoints") {
    std::mt19937 rng(7);
    const char32_t alphabet[] = {U'a', U'\r', U'\n', 0xE9, 0x4E2D, 0x1F600, 0x10348};
    for (int round = 0; round < 50; ++round) {
        std::string s;
        int n = static_cast<int>(rng() % 300);  // several checkpoints (one per 64 code points)
        for (int i = 0; i < n; ++i) appendUtf8(s, alphabet[rng() % 7]);
        CodePointIndex ix(s);
        REQUIRE(ix.length() == codePointCount(s));
        for (int k = 0; k < 100; ++k) {
            std::int64_t a = static_cast<std::int64_t>(rng() % (n + 3)) - 1, b = static_cast<std::int64_t>(rng() % (n + 3)) - 1;
            CHECK(std::string(ix.substr(a, b)) == substrCodePoints(s, a, b));
        }
        CHECK(ix.byteOffset(ix.length()) == s.size());
        CHECK(ix.byteOffset(-5) == 0);
    }
    CodePointIndex empty("");
    CHECK(empty.length() == 0);
    CHECK(empty.substr(0, 3).empty());
}

TEST_CASE("whitespace collapsing for quote comparison") {
    CHECK(collapseWhitespace("  a \r\n\t b\xC2\xA0 c  ") == "a b c");
    CHECK(asciiLower("ABC-def") == "abc-def");
}

TEST_CASE("printable shows control characters, C1 controls, bidi overrides and bad UTF-8 escaped") {
    using qdx::text::printable;
    CHECK(printable("plain \xc3\xa9t\xc3\xa9 \xe4\xb8\xad") == "plain \xc3\xa9t\xc3\xa9 \xe4\xb8\xad");
    CHECK(printable("\x1b]52;c;ZXZpbA==\x07") == "\\x1b]52;c;ZXZpbA==\\x07");
    CHECK(printable(std::string("a\0b", 3)) == "a\\x00b");
    CHECK(printable("a\r\nb\tc\x7f") == "a\\x0d\\x0ab\\x09c\\x7f");
    CHECK(printable("a\nb\tc", true) == "a\nb\tc");       // whole messages keep their lines
    CHECK(printable("\xc2\x9b" "31m") == "\\u009b31m");   // CSI as a C1 control
    CHECK(printable("\xe2\x80\xae" "txt.exe") == "\\u202etxt.exe");
    CHECK(printable("\xe2\x81\xa6x") == "\\u2066x");
    CHECK(printable("\xff\xc3") == "\\xff\\xc3");         // invalid and cut UTF-8
    CHECK(printable("\xc0\xae") == "\\xc0\\xae");         // overlong
}
