#include "qdx/Text.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace qdx::text {

namespace {
// Decodes one code point at s[i]; returns its length, or 0 if invalid.
std::size_t decode(std::string_view s, std::size_t i, char32_t& cp) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    if (c < 0x80) {
        cp = c;
        return 1;
    }
    std::size_t n;
    char32_t min;
    if ((c & 0xE0) == 0xC0) {
        n = 2;
        cp = c & 0x1F;
        min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        cp = c & 0x0F;
        min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        cp = c & 0x07;
        min = 0x10000;
    } else {
        return 0;
    }
    if (i + n > s.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
        unsigned char d = b(i + k);
        if ((d & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (d & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}
} // namespace

std::size_t firstInvalidUtf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        // Runs of ASCII eight bytes at a time (most of any id, date or text).
        while (i + 8 <= s.size()) {
            std::uint64_t w;
            std::memcpy(&w, s.data() + i, 8);
            if (w & 0x8080808080808080ull) break;
            i += 8;
        }
        if (i >= s.size()) break;
        if (static_cast<unsigned char>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        char32_t cp;
        std::size_t n = decode(s, i, cp);
        if (n == 0) return i;
        i += n;
    }
    return std::string_view::npos;
}

bool isValidUtf8(std::string_view s) { return firstInvalidUtf8(s) == std::string_view::npos; }

std::size_t repairUtf8(std::string& s) {
    if (isValidUtf8(s)) return 0;
    std::string out;
    out.reserve(s.size());
    std::size_t bad = 0, i = 0;
    while (i < s.size()) {
        char32_t cp;
        std::size_t n = decode(s, i, cp);
        if (n == 0) {
            appendUtf8(out, 0xFFFD);
            ++bad;
            ++i;
        } else {
            out.append(s, i, n);
            i += n;
        }
    }
    s.swap(out);
    return bad;
}

bool stripBom(std::string& s) {
    if (s.size() >= 3 && static_cast<unsigned char>(s[0]) == 0xEF && static_cast<unsigned char>(s[1]) == 0xBB &&
        static_cast<unsigned char>(s[2]) == 0xBF) {
        s.erase(0, 3);
        return true;
    }
    return false;
}

std::int64_t codePointCount(std::string_view s) {
    std::int64_t n = 0;
    for (char c : s)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    return n;
}

std::string substrCodePoints(std::string_view s, std::int64_t start, std::int64_t end) {
    if (start < 0) start = 0;
    if (end < start) return {};
    std::size_t i = 0;
    std::int64_t cp = 0;
    std::size_t b = s.size(), e = s.size();
    for (; i <= s.size(); ++i) {
        bool boundary = i == s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
        if (!boundary) continue;
        if (cp == start) b = i;
        if (cp == end) {
            e = i;
            break;
        }
        ++cp;
    }
    if (b > e) return {};
    return std::string(s.substr(b, e - b));
}

CodePointIndex::CodePointIndex(std::string_view s) : _s(s) {
    _marks.reserve(s.size() / kStride + 1);
    std::int64_t cp = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) continue;
        if (cp % kStride == 0) _marks.push_back(i);
        ++cp;
    }
    _length = cp;
}

std::size_t CodePointIndex::byteOffset(std::int64_t cp) const {
    if (cp <= 0) return 0;
    if (cp >= _length) return _s.size();
    std::size_t i = _marks[static_cast<std::size_t>(cp / kStride)];
    for (std::int64_t k = cp % kStride; k > 0; --k) {
        ++i;
        while (i < _s.size() && (static_cast<unsigned char>(_s[i]) & 0xC0) == 0x80) ++i;
    }
    return i;
}

std::string_view CodePointIndex::substr(std::int64_t start, std::int64_t end) const {
    if (start < 0) start = 0;
    if (end < start) return {};
    std::size_t b = byteOffset(start), e = byteOffset(end);
    return b >= e ? std::string_view() : _s.substr(b, e - b);
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string utf16ToUtf8(std::string_view bytes, bool bigEndian) {
    std::string out;
    out.reserve(bytes.size());
    auto unit = [&](std::size_t i) -> char32_t {
        auto a = static_cast<unsigned char>(bytes[i]);
        auto b = static_cast<unsigned char>(bytes[i + 1]);
        return bigEndian ? (char32_t(a) << 8 | b) : (char32_t(b) << 8 | a);
    };
    std::size_t i = 0;
    while (i + 1 < bytes.size()) {
        char32_t u = unit(i);
        i += 2;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < bytes.size()) {
            char32_t v = unit(i);
            if (v >= 0xDC00 && v <= 0xDFFF) {
                i += 2;
                appendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00));
                continue;
            }
        }
        appendUtf8(out, (u >= 0xD800 && u <= 0xDFFF) ? char32_t(0xFFFD) : u);
    }
    if (i < bytes.size()) appendUtf8(out, 0xFFFD);  // odd trailing byte
    return out;
}

std::string windows1252ToUtf8(std::string_view bytes) {
    static const char32_t high[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                      0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
    std::string out;
    out.reserve(bytes.size() + bytes.size() / 4);
    for (char ch : bytes) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x80)
            out.push_back(ch);
        else if (c < 0xA0)
            appendUtf8(out, high[c - 0x80]);
        else
            appendUtf8(out, c);
    }
    return out;
}

OffsetMap::OffsetMap(std::string_view s, Unit unit) : _unit(unit) {
    _specialWidth = unit == Unit::Utf16 ? 2 : unit == Unit::CrlfOnce ? 0 : 1;
    std::int64_t cp = 0, u = 0;
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        int w = 1;
        if (unit == Unit::Utf16 && len == 4) w = 2;
        // ATLAS.ti: a CR directly followed by LF takes no position of its own.
        if (unit == Unit::CrlfOnce && c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') w = 0;
        if (w != 1) {
            _cpSpecial.push_back(cp);
            _unitSpecial.push_back(u);
        }
        u += w;
        ++cp;
        i += len;
    }
    _cpLen = cp;
    _unitLen = u;
}

std::optional<std::int64_t> OffsetMap::fromCodePoints(std::int64_t c) const {
    if (c < 0 || c > _cpLen) return std::nullopt;
    if (_unit == Unit::CodePoints || _cpSpecial.empty()) return c;
    auto k = static_cast<std::int64_t>(std::lower_bound(_cpSpecial.begin(), _cpSpecial.end(), c) - _cpSpecial.begin());
    return c + k * (_specialWidth - 1);
}

std::optional<std::int64_t> OffsetMap::toCodePoints(std::int64_t u) const {
    if (u < 0 || u > _unitLen) return std::nullopt;
    if (_unit == Unit::CodePoints || _unitSpecial.empty()) return u;
    // k = number of special code points starting before unit u.
    auto it = std::lower_bound(_unitSpecial.begin(), _unitSpecial.end(), u);
    auto k = static_cast<std::int64_t>(it - _unitSpecial.begin());
    if (_unit == Unit::Utf16) {
        if (k > 0 && _unitSpecial[static_cast<std::size_t>(k - 1)] + 1 == u) return std::nullopt;  // inside a surrogate pair
        return u - k;
    }
    return u + k;  // CrlfOnce: each zero-width CR before u adds one code point
}

std::string collapseWhitespace(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    bool space = false;
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        std::size_t n = 1;
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
            ws = true;  // no-break space
            n = 2;
        }
        if (ws) {
            space = !out.empty();
        } else {
            if (space) out.push_back(' ');
            space = false;
            out.push_back(static_cast<char>(c));
        }
        i += n;
    }
    return out;
}

std::string pathExtension(std::string_view path) {
    auto slash = path.find_last_of('/');
    auto dot = path.find_last_of('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) return {};
    return asciiLower(path.substr(dot + 1));
}

std::string asciiLower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string printable(std::string_view s, bool keepLineBreaks) {
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        char32_t cp = 0;
        std::size_t n = decode(s, i, cp);
        if (n == 0 || cp < 0x20 || cp == 0x7F) {
            auto c = static_cast<unsigned char>(s[i]);
            if (n == 1 && keepLineBreaks && (c == '\n' || c == '\t')) {
                out += static_cast<char>(c);
            } else {
                out += "\\x";
                out += hex[c >> 4];
                out += hex[c & 15];
            }
            ++i;
            continue;
        }
        if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069)) {
            out += "\\u";
            for (int shift = 12; shift >= 0; shift -= 4) out += hex[(cp >> shift) & 15];
        } else {
            out.append(s.substr(i, n));
        }
        i += n;
    }
    return out;
}

} // namespace qdx::text
