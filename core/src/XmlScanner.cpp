// A streaming tokenizer for UTF-8 XML 1.0 with Namespaces and no DTD, with
// expat's acceptance rules: see XmlScanner.h. Runs of ordinary bytes (text up
// to '<', '&', ']' or CR; attribute values up to the quote, '&', '<' or a
// byte needing normalisation) are skipped 16 bytes at a time with SSE2; the
// same test flags every C0 control and every non-ASCII byte, which then goes
// through the UTF-8 and XML Char checks one character at a time.

#include "XmlScanner.h"

#include "XmlNameTables.h"

#include <algorithm>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace qdx::xmlscan {

namespace {

constexpr std::string_view kXmlNs = "http://www.w3.org/XML/1998/namespace";
constexpr std::string_view kXmlnsNs = "http://www.w3.org/2000/xmlns/";
constexpr const char* kInvalid = "not well-formed (invalid token)";
constexpr int kXmlBinding = -2;  // the predefined xml prefix

inline bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// ASCII name characters: 1 = may start a name, 2 = may continue one.
struct AsciiNames {
    unsigned char t[128] = {};
    constexpr AsciiNames()
    {
        for (int c = 'a'; c <= 'z'; ++c) t[c] = 3;
        for (int c = 'A'; c <= 'Z'; ++c) t[c] = 3;
        t[static_cast<int>('_')] = 3;
        for (int c = '0'; c <= '9'; ++c) t[c] = 2;
        t[static_cast<int>('-')] = 2;
        t[static_cast<int>('.')] = 2;
    }
};
constexpr AsciiNames kAscii;

template <std::size_t N>
bool inRanges(const CodeRange (&r)[N], char32_t cp)
{
    const CodeRange* it = std::upper_bound(r, r + N, cp, [](char32_t v, const CodeRange& x) { return v < x.first; });
    return it != r && cp <= (it - 1)->last;
}

/// One non-ASCII character at p: its length when it is well-formed UTF-8 and
/// an XML Char, 0 when not, -1 when the bytes end inside a possible one.
inline int utf8Char(const char* p, const char* end, char32_t& cp)
{
    auto b0 = static_cast<unsigned char>(p[0]);
    int len;
    unsigned char lo = 0x80, hi = 0xbf;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        len = 2;
        cp = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        len = 3;
        cp = b0 & 0x0f;
        if (b0 == 0xe0) lo = 0xa0;
        if (b0 == 0xed) hi = 0x9f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        len = 4;
        cp = b0 & 0x07;
        if (b0 == 0xf0) lo = 0x90;
        if (b0 == 0xf4) hi = 0x8f;
    } else {
        return 0;
    }
    for (int i = 1; i < len; ++i) {
        if (p + i >= end) return -1;
        auto b = static_cast<unsigned char>(p[i]);
        if (b < (i == 1 ? lo : 0x80) || b > (i == 1 ? hi : 0xbf)) return 0;
        cp = (cp << 6) | (b & 0x3f);
    }
    if (cp == 0xfffe || cp == 0xffff) return 0;
    return len;
}

inline bool isXmlChar(std::uint32_t c)
{
    return c == 0x9 || c == 0xa || c == 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd)
           || (c >= 0x10000 && c <= 0x10ffff);
}

inline std::size_t encodeUtf8(std::uint32_t c, char* out)
{
    if (c < 0x80) {
        out[0] = static_cast<char>(c);
        return 1;
    }
    if (c < 0x800) {
        out[0] = static_cast<char>(0xc0 | (c >> 6));
        out[1] = static_cast<char>(0x80 | (c & 0x3f));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = static_cast<char>(0xe0 | (c >> 12));
        out[1] = static_cast<char>(0x80 | ((c >> 6) & 0x3f));
        out[2] = static_cast<char>(0x80 | (c & 0x3f));
        return 3;
    }
    out[0] = static_cast<char>(0xf0 | (c >> 18));
    out[1] = static_cast<char>(0x80 | ((c >> 12) & 0x3f));
    out[2] = static_cast<char>(0x80 | ((c >> 6) & 0x3f));
    out[3] = static_cast<char>(0x80 | (c & 0x3f));
    return 4;
}

/// The first byte at or after p that is non-ASCII, a C0 control (tab and LF
/// pass when PassTabLf) or one of a, b, c; end when none.
template <bool PassTabLf>
inline const char* skipPlain(const char* p, const char* end, char a, char b, char c)
{
#if defined(__SSE2__)
    const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), vc = _mm_set1_epi8(c);
    const __m128i v20 = _mm_set1_epi8(0x20), vtab = _mm_set1_epi8('\t'), vlf = _mm_set1_epi8('\n');
    while (end - p >= 16) {
        __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        __m128i m = _mm_cmplt_epi8(x, v20);  // signed: C0 controls and every byte >= 0x80
        if (PassTabLf) m = _mm_andnot_si128(_mm_or_si128(_mm_cmpeq_epi8(x, vtab), _mm_cmpeq_epi8(x, vlf)), m);
        m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(x, va), _mm_or_si128(_mm_cmpeq_epi8(x, vb), _mm_cmpeq_epi8(x, vc))));
        unsigned bits = static_cast<unsigned>(_mm_movemask_epi8(m));
        if (bits) return p + __builtin_ctz(bits);
        p += 16;
    }
#endif
    for (; p < end; ++p) {
        auto u = static_cast<unsigned char>(*p);
        if (u >= 0x80 || *p == a || *p == b || *p == c) return p;
        if (u < 0x20 && !(PassTabLf && (u == '\t' || u == '\n'))) return p;
    }
    return p;
}

/// Lines and columns over a range of consumed bytes.
struct Counter {
    long long line;
    long long column;
    bool afterCr;

    static std::size_t continuationBytes(const char* a, const char* b)
    {
        std::size_t n = 0;
#if defined(__SSE2__)
        const __m128i lim = _mm_set1_epi8(static_cast<char>(0xc0));
        for (; b - a >= 16; a += 16) {
            __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(a));
            n += static_cast<std::size_t>(__builtin_popcount(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmplt_epi8(x, lim)))));
        }
#endif
        for (; a < b; ++a)
            if ((static_cast<unsigned char>(*a) & 0xc0) == 0x80) ++n;
        return n;
    }

    void advance(const char* a, const char* b)
    {
        if (a >= b) return;
        // Line ends: every LF and every CR, less each LF right after a CR
        // (CR LF is one line end, also across the previous range's end).
        long long lf = 0, cr = 0, pairs = (afterCr && *a == '\n') ? 1 : 0;
        const char* p = a;
#if defined(__SSE2__)
        const __m128i vlf = _mm_set1_epi8('\n'), vcr = _mm_set1_epi8('\r');
        for (; b - p >= 17; p += 16) {
            __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
            __m128i y = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 1));
            __m128i isCr = _mm_cmpeq_epi8(x, vcr);
            lf += __builtin_popcount(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(x, vlf))));
            unsigned crBits = static_cast<unsigned>(_mm_movemask_epi8(isCr));
            if (crBits) {
                cr += __builtin_popcount(crBits);
                pairs += __builtin_popcount(static_cast<unsigned>(_mm_movemask_epi8(_mm_and_si128(isCr, _mm_cmpeq_epi8(y, vlf)))));
            }
        }
#endif
        for (; p < b; ++p) {
            if (*p == '\n') ++lf;
            if (*p == '\r') {
                ++cr;
                if (p + 1 < b && p[1] == '\n') ++pairs;
            }
        }
        const char* tail = a;
        if (lf + cr) {
            const char* q = b;
            while (q > a && q[-1] != '\n' && q[-1] != '\r') --q;
            if (q > a) {
                tail = q;
                column = 0;
            }
        }
        line += lf + cr - pairs;
        column += static_cast<long long>(static_cast<std::size_t>(b - tail) - continuationBytes(tail, b));
        afterCr = b[-1] == '\r';
    }
};

/// The pseudo-attributes of an XML declaration between the target "xml" and
/// "?>", by expat's rules. Null when well-formed, else where it is not.
const char* parseDecl(const char* q, const char* close, std::string_view& encoding)
{
    int next = 0;  // 0: version expected, 1: encoding or standalone, 2: standalone, 3: nothing
    for (;;) {
        const char* ws = q;
        while (q < close && isSpace(*q)) ++q;
        if (q == close) break;
        if (q == ws) return q;
        const char* n = q;
        while (q < close && *q != '=' && !isSpace(*q)) {
            if (static_cast<unsigned char>(*q) >= 0x80) return q;
            ++q;
        }
        std::string_view name(n, static_cast<std::size_t>(q - n));
        while (q < close && isSpace(*q)) ++q;
        if (q == close || *q != '=') return q;
        ++q;
        while (q < close && isSpace(*q)) ++q;
        if (q == close || (*q != '"' && *q != '\'')) return q;
        char quote = *q++;
        const char* v = q;
        for (; q < close && *q != quote; ++q) {
            char c = *q;
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                  || c == '-'))
                return q;
        }
        if (q == close) return q;
        std::string_view value(v, static_cast<std::size_t>(q - v));
        ++q;
        if (name == "version" && next == 0) {
            next = 1;
        } else if (name == "encoding" && next == 1) {
            char c = value.empty() ? '\0' : value[0];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return v;
            encoding = value;
            next = 2;
        } else if (name == "standalone" && (next == 1 || next == 2)) {
            if (value != "yes" && value != "no") return v;
            next = 3;
        } else {
            return n;
        }
    }
    return next == 0 ? close : nullptr;
}

bool isUtf8Name(std::string_view e)
{
    if (e.size() != 5) return false;
    return (e[0] | 0x20) == 'u' && (e[1] | 0x20) == 't' && (e[2] | 0x20) == 'f' && e[3] == '-' && e[4] == '8';
}

} // namespace

Scanner::Scanner(Sink& sink) : _sink(sink) {}

bool Scanner::declaredEncoding(std::string_view head, bool final, std::string& encoding)
{
    encoding.clear();
    const std::string_view open = "<?xml";
    std::size_t n = std::min(head.size(), open.size() + 1);
    if (head.compare(0, std::min(n, open.size()), open.substr(0, std::min(n, open.size()))) != 0) return true;
    if (head.size() <= open.size()) return final;
    if (!isSpace(head[open.size()])) return true;
    std::size_t close = head.find("?>");
    if (close == std::string_view::npos) return final;
    std::string_view enc;
    if (!parseDecl(head.data() + open.size(), head.data() + close, enc)) encoding.assign(enc);
    return true;
}

// --- positions --------------------------------------------------------------

Position Scanner::positionAt(const char* at) const
{
    Counter c{_line, _column, _afterCr};
    if (_committed && at) c.advance(_committed, at);
    Position p;
    p.line = c.line;
    p.column = c.column + 1;
    p.offset = static_cast<long long>(_consumed) + (_committed && at ? at - _committed : 0);
    return p;
}

Position Scanner::position() const
{
    return positionAt(_eventAt ? _eventAt : _committed);
}

void Scanner::commit(const char* upTo)
{
    Counter c{_line, _column, _afterCr};
    c.advance(_committed, upTo);
    _line = c.line;
    _column = c.column;
    _afterCr = c.afterCr;
    _consumed += static_cast<std::uint64_t>(upTo - _committed);
    _committed = upTo;
}

void Scanner::fail(const char* at, const char* message) const
{
    throw SyntaxError{message, positionAt(at)};
}

// --- feeding ----------------------------------------------------------------

void Scanner::feed(const char* data, std::size_t len, bool final)
{
    std::size_t pos = 0;  // into data
    while (!_carry.empty()) {
        // An incomplete token is carried; it is scanned again only once the
        // carry has doubled (or the input ends), so a huge token costs a
        // linear number of rescans whatever the chunk size.
        std::size_t old = _carry.size();
        std::size_t target = std::max(_retryAt, old + 4096);
        std::size_t add = std::min(len - pos, target - old);
        _carry.append(data + pos, add);
        pos += add;
        bool fin = final && pos == len;
        if (!fin && _carry.size() < target) return;  // all of data taken: wait for more
        std::size_t used = run(_carry.data(), _carry.data() + _carry.size(), fin);
        if (used >= old) {
            pos -= _carry.size() - used;  // the rest is rescanned from `data`
            _carry.clear();
            break;
        }
        _carry.erase(0, used);
        _retryAt = 2 * _carry.size();
        if (pos == len) return;
    }
    if (pos == len && !final) return;
    std::size_t used = run(data + pos, data + len, final);
    if (pos + used < len) {
        _carry.assign(data + pos + used, len - pos - used);
        _retryAt = 2 * _carry.size();
    }
}

std::size_t Scanner::run(const char* begin, const char* end, bool final)
{
    _runBegin = _committed = begin;
    _eventAt = nullptr;
    const char* p = begin;
    if (_atStart) {
        static const char kBom[] = "\xef\xbb\xbf";
        std::size_t n = static_cast<std::size_t>(end - p);
        if (n < 3 && !final && (n == 0 || std::memcmp(p, kBom, n) == 0)) return 0;
        if (n >= 3 && std::memcmp(p, kBom, 3) == 0) p += 3;
        _atStart = false;
        commit(p);
    }
    bool stalled = false;
    while (p < end) {
        const char* q;
        switch (_state) {
        case State::Content: q = content(p, end, final); break;
        case State::CData: q = cdata(p, end, final); break;
        default: q = misc(p, end, final); break;
        }
        if (!q) {
            stalled = true;
            break;
        }
        p = q;
    }
    _eventAt = nullptr;
    if (stalled) {
        p = _stallAt;
        if (final) fail(p, "unclosed token");
    } else if (final) {
        if (_state == State::CData) fail(p, "unclosed CDATA section");
        if (_state != State::Epilog) fail(p, "no element found");
    }
    commit(p);
    return static_cast<std::size_t>(p - begin);
}

// --- content ----------------------------------------------------------------

const char* Scanner::content(const char* p, const char* end, bool final)
{
    for (;;) {
        const char* s = p;
        for (;;) {
            p = skipPlain<true>(p, end, '<', '&', ']');
            if (p == end) break;
            auto c = static_cast<unsigned char>(*p);
            if (c >= 0x80) {
                char32_t cp;
                int n = utf8Char(p, end, cp);
                if (n > 0) {
                    p += n;
                    continue;
                }
                if (n < 0 && !final) break;  // the rest of the character comes with the next chunk
                fail(p, n < 0 ? "partial character" : kInvalid);
            }
            if (c == ']') {
                if (end - p >= 3) {
                    if (p[1] == ']' && p[2] == '>') fail(p + 2, kInvalid);
                    ++p;
                    continue;
                }
                if (final || (end - p == 2 && p[1] != ']')) {
                    ++p;
                    continue;
                }
                break;  // "]" or "]]" at the end: wait for the next byte
            }
            break;
        }
        if (p > s) {
            _eventAt = s;
            _sink.text(std::string_view(s, static_cast<std::size_t>(p - s)));
        }
        if (p == end) return p;
        char c = *p;
        if (c == '<') {
            const char* q = markup(p, end);
            if (!q) return stall(p);
            p = q;
            if (_state != State::Content) return p;
            continue;
        }
        if (c == '&') {
            char buf[4];
            std::size_t n = 0;
            const char* q = reference(p, end, buf, n);
            if (!q) return stall(p);
            _eventAt = p;
            _sink.text(std::string_view(buf, n));
            p = q;
            continue;
        }
        if (c == '\r') {
            if (p + 1 == end && !final) return stall(p);
            _eventAt = p;
            _sink.text("\n");
            p += (p + 1 < end && p[1] == '\n') ? 2 : 1;
            continue;
        }
        auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || c == ']') return stall(p);  // an incomplete character or "]]" lookahead
        fail(p, kInvalid);
    }
}

const char* Scanner::cdata(const char* p, const char* end, bool final)
{
    for (;;) {
        const char* s = p;
        bool closed = false;
        for (;;) {
            p = skipPlain<true>(p, end, ']', ']', ']');
            if (p == end) break;
            auto c = static_cast<unsigned char>(*p);
            if (c >= 0x80) {
                char32_t cp;
                int n = utf8Char(p, end, cp);
                if (n > 0) {
                    p += n;
                    continue;
                }
                if (n < 0 && !final) break;
                fail(p, n < 0 ? "partial character" : kInvalid);
            }
            if (c == ']') {
                if (end - p >= 3) {
                    if (p[1] == ']' && p[2] == '>') {
                        closed = true;
                        break;
                    }
                    ++p;
                    continue;
                }
                if (final || (end - p == 2 && p[1] != ']')) {
                    ++p;
                    continue;
                }
                break;
            }
            break;
        }
        if (p > s) {
            _eventAt = s;
            _sink.text(std::string_view(s, static_cast<std::size_t>(p - s)));
        }
        if (closed) {
            _state = State::Content;
            return p + 3;
        }
        if (p == end) return p;
        char c = *p;
        if (c == '\r') {
            if (p + 1 == end && !final) return stall(p);
            _eventAt = p;
            _sink.text("\n");
            p += (p + 1 < end && p[1] == '\n') ? 2 : 1;
            continue;
        }
        auto u = static_cast<unsigned char>(c);
        if (u >= 0x80 || c == ']') return stall(p);
        fail(p, kInvalid);
    }
}

/// Before and after the root element: white space, comments, PIs.
const char* Scanner::misc(const char* p, const char* end, bool final)
{
    (void)final;
    for (;;) {
        if (p < end && isSpace(*p)) {
            _firstToken = false;
            while (p < end && isSpace(*p)) ++p;
        }
        if (p == end) return p;
        if (*p != '<') fail(p, _state == State::Epilog ? "junk after document element" : kInvalid);
        if (end - p < 2) return stall(p);
        const char* q;
        if (p[1] == '?') {
            q = pi(p, end);
        } else if (p[1] == '!') {
            static constexpr std::string_view kDoctype = "<!DOCTYPE";
            std::size_t have = static_cast<std::size_t>(end - p);
            if (have < 3) return stall(p);
            if (p[2] == '-') {
                if (have < 4) return stall(p);
                if (p[3] != '-') fail(p + 3, kInvalid);
                q = comment(p, end);
            } else if (_state == State::Prolog && p[2] == 'D') {
                std::string_view got(p, std::min(have, kDoctype.size()));
                if (kDoctype.substr(0, got.size()) != got) fail(p + 2, "syntax error");
                if (have < kDoctype.size()) return stall(p);
                throw SyntaxError{"DOCTYPE not allowed", positionAt(p), false};
            } else {
                fail(p + 2, _state == State::Prolog ? "syntax error" : kInvalid);
            }
        } else if (_state == State::Prolog) {
            _firstToken = false;
            q = startTag(p, end);
            if (!q) return stall(p);
            return q;
        } else {
            fail(p, "junk after document element");
        }
        if (!q) return stall(p);
        _firstToken = false;
        p = q;
    }
}

const char* Scanner::markup(const char* p, const char* end)
{
    if (end - p < 2) return nullptr;
    switch (p[1]) {
    case '/': return endTag(p, end);
    case '?': return pi(p, end);
    case '!': {
        static constexpr std::string_view kCData = "<![CDATA[";
        std::size_t have = static_cast<std::size_t>(end - p);
        if (have < 3) return nullptr;
        if (p[2] == '-') {
            if (have < 4) return nullptr;
            if (p[3] != '-') fail(p + 3, kInvalid);
            return comment(p, end);
        }
        std::string_view got(p, std::min(have, kCData.size()));
        std::size_t i = 0;
        while (i < got.size() && got[i] == kCData[i]) ++i;
        if (i < got.size()) fail(p + i, kInvalid);
        if (have < kCData.size()) return nullptr;
        _state = State::CData;
        return p + kCData.size();
    }
    default: return startTag(p, end);
    }
}

// --- names and references ---------------------------------------------------

const char* Scanner::qname(const char* p, const char* end, std::uint32_t& colon)
{
    const char* s = p;
    colon = 0;
    bool atStart = true;  // at the first character of the name or of the part after ':'
    while (p < end) {
        auto c = static_cast<unsigned char>(*p);
        if (c < 0x80) {
            unsigned char k = kAscii.t[c];
            if (k & (atStart ? 1 : 2)) {
                ++p;
                atStart = false;
                continue;
            }
            if (c == ':' && !atStart && colon == 0) {
                colon = static_cast<std::uint32_t>(p - s);
                ++p;
                atStart = true;
                continue;
            }
            if (atStart) fail(p, kInvalid);
            return p;
        }
        char32_t cp;
        int n = utf8Char(p, end, cp);
        if (n < 0) return nullptr;
        if (n == 0 || !(atStart ? inRanges(kNameStartRanges, cp) : inRanges(kNameRanges, cp))) {
            if (n > 0 && !atStart) return p;  // a character, just not a name character
            fail(p, kInvalid);
        }
        p += n;
        atStart = false;
    }
    return nullptr;
}

const char* Scanner::reference(const char* p, const char* end, char* out, std::size_t& outLen)
{
    const char* q = p + 1;
    if (q == end) return nullptr;
    if (*q == '#') {
        ++q;
        if (q == end) return nullptr;
        bool hex = *q == 'x';
        if (hex) ++q;
        std::uint32_t v = 0;
        bool any = false;
        for (; q < end; ++q) {
            char c = *q;
            unsigned d;
            if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
            else if (hex && c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
            else break;
            v = std::min<std::uint32_t>(v * (hex ? 16 : 10) + d, 0x110000);
            any = true;
        }
        if (q == end) return nullptr;
        if (*q != ';' || !any) fail(q, kInvalid);
        if (!isXmlChar(v)) fail(p, "reference to invalid character number");
        outLen = encodeUtf8(v, out);
        return q + 1;
    }
    std::uint32_t colon;
    const char* e = qname(q, end, colon);
    if (!e) return nullptr;
    if (*e != ';') fail(e, kInvalid);
    std::string_view name(q, static_cast<std::size_t>(e - q));
    char c;
    if (name == "lt") c = '<';
    else if (name == "gt") c = '>';
    else if (name == "amp") c = '&';
    else if (name == "apos") c = '\'';
    else if (name == "quot") c = '"';
    else fail(p, "undefined entity");
    out[0] = c;
    outLen = 1;
    return e + 1;
}

// --- comments, PIs, XML declaration ----------------------------------------

const char* Scanner::comment(const char* p, const char* end)
{
    const char* q = p + 4;
    for (;;) {
        q = skipPlain<true>(q, end, '-', '\r', '-');
        if (q == end) return nullptr;
        auto c = static_cast<unsigned char>(*q);
        if (c == '-') {
            if (end - q < 2) return nullptr;
            if (q[1] != '-') {
                ++q;
                continue;
            }
            if (end - q < 3) return nullptr;
            if (q[2] != '>') fail(q + 2, kInvalid);
            return q + 3;
        }
        if (c == '\r') {
            ++q;
            continue;
        }
        if (c >= 0x80) {
            char32_t cp;
            int n = utf8Char(q, end, cp);
            if (n < 0) return nullptr;
            if (n == 0) fail(q, kInvalid);
            q += n;
            continue;
        }
        fail(q, kInvalid);
    }
}

const char* Scanner::pi(const char* p, const char* end)
{
    const char* t = p + 2;
    std::uint32_t colon;
    const char* te = qname(t, end, colon);
    if (!te) return nullptr;
    if (colon) fail(t + colon, kInvalid);
    bool decl = false;
    if (te - t == 3 && (t[0] | 0x20) == 'x' && (t[1] | 0x20) == 'm' && (t[2] | 0x20) == 'l') {
        if (t[0] != 'x' || t[1] != 'm' || t[2] != 'l') fail(t, kInvalid);
        decl = true;
    }
    const char* q = te;
    if (*q == '?') {
        if (end - q < 2) return nullptr;
        if (q[1] != '>') fail(q + 1, kInvalid);
    } else {
        if (!isSpace(*q)) fail(q, kInvalid);
        for (;;) {
            q = skipPlain<true>(q, end, '?', '\r', '?');
            if (q == end) return nullptr;
            auto c = static_cast<unsigned char>(*q);
            if (c == '?') {
                if (end - q < 2) return nullptr;
                if (q[1] == '>') break;
                ++q;
                continue;
            }
            if (c == '\r') {
                ++q;
                continue;
            }
            if (c >= 0x80) {
                char32_t cp;
                int n = utf8Char(q, end, cp);
                if (n < 0) return nullptr;
                if (n == 0) fail(q, kInvalid);
                q += n;
                continue;
            }
            fail(q, kInvalid);
        }
    }
    if (decl) {
        if (!_firstToken) fail(p, "XML or text declaration not at start of entity");
        std::string_view encoding;
        if (const char* bad = parseDecl(te, q, encoding)) fail(bad, "XML declaration not well-formed");
        if (!encoding.empty() && !isUtf8Name(encoding))
            throw SyntaxError{"encoding '" + std::string(encoding) + "' is not UTF-8", positionAt(p), false};
    }
    return q + 2;
}

// --- tags -------------------------------------------------------------------

const char* Scanner::attrValue(const char* p, const char* end, RawAttr& a)
{
    char quote = *p++;
    const char* s = p;
    bool copied = false;
    std::size_t off = _values.size();
    for (;;) {
        p = skipPlain<false>(p, end, quote, '&', '<');
        if (p == end) return nullptr;
        char c = *p;
        if (c == quote) break;
        auto u = static_cast<unsigned char>(c);
        if (u >= 0x80) {
            char32_t cp;
            int n = utf8Char(p, end, cp);
            if (n < 0) return nullptr;
            if (n == 0) fail(p, kInvalid);
            p += n;
            continue;
        }
        if (c == '<' || (u < 0x20 && c != '\t' && c != '\n' && c != '\r')) fail(p, kInvalid);
        _values.append(s, static_cast<std::size_t>(p - s));
        copied = true;
        if (c == '&') {
            char buf[4];
            std::size_t n = 0;
            const char* r = reference(p, end, buf, n);
            if (!r) return nullptr;
            _values.append(buf, n);
            p = r;
        } else if (c == '\r') {
            if (p + 1 == end) return nullptr;
            _values += ' ';
            p += p[1] == '\n' ? 2 : 1;
        } else {
            _values += ' ';
            ++p;
        }
        s = p;
    }
    if (copied) {
        _values.append(s, static_cast<std::size_t>(p - s));
        a.value = nullptr;
        a.valueOff = off;
        a.valueLen = _values.size() - off;
    } else {
        a.value = s;
        a.valueLen = static_cast<std::size_t>(p - s);
    }
    return p + 1;
}

const char* Scanner::startTag(const char* p, const char* end)
{
    const char* name = p + 1;
    std::uint32_t colon;
    const char* q = qname(name, end, colon);
    if (!q) return nullptr;
    auto nameLen = static_cast<std::uint32_t>(q - name);
    _raw.clear();
    _values.clear();
    bool empty = false;
    for (;;) {
        const char* ws = q;
        while (q < end && isSpace(*q)) ++q;
        if (q == end) return nullptr;
        if (*q == '>') {
            ++q;
            break;
        }
        if (*q == '/') {
            if (q + 1 == end) return nullptr;
            if (q[1] != '>') fail(q + 1, kInvalid);
            q += 2;
            empty = true;
            break;
        }
        if (q == ws) fail(q, kInvalid);
        RawAttr a{};
        a.name = q;
        const char* ne = qname(q, end, a.colon);
        if (!ne) return nullptr;
        a.nameLen = static_cast<std::uint32_t>(ne - q);
        q = ne;
        while (q < end && isSpace(*q)) ++q;
        if (q == end) return nullptr;
        if (*q != '=') fail(q, kInvalid);
        ++q;
        while (q < end && isSpace(*q)) ++q;
        if (q == end) return nullptr;
        if (*q != '"' && *q != '\'') fail(q, kInvalid);
        q = attrValue(q, end, a);
        if (!q) return nullptr;
        a.decl = (a.colon == 0 && a.nameLen == 5 && std::memcmp(a.name, "xmlns", 5) == 0)
                 || (a.colon == 5 && std::memcmp(a.name, "xmlns", 5) == 0);
        _raw.push_back(a);
    }
    finishStart(p, name, nameLen, colon, empty);
    return q;
}

std::string_view Scanner::attrValueOf(const RawAttr& a) const
{
    return a.value ? std::string_view(a.value, a.valueLen) : std::string_view(_values.data() + a.valueOff, a.valueLen);
}

std::string_view Scanner::uriOf(int binding) const
{
    if (binding >= 0) return _bindings[static_cast<std::size_t>(binding)].uri;
    if (binding == kXmlBinding) return kXmlNs;
    return {};
}

int Scanner::lookup(std::string_view prefix) const
{
    _key.assign(prefix);
    auto it = _prefixes.find(_key);
    if (it != _prefixes.end() && it->second >= 0) return it->second;
    if (prefix == "xml") return kXmlBinding;
    return -1;
}

void Scanner::bind(std::string_view prefix, std::string_view uri, const char* at)
{
    if (!prefix.empty() && uri.empty()) fail(at, "must not undeclare prefix");
    if (prefix == "xmlns") fail(at, "reserved prefix (xmlns) must not be declared or undeclared");
    bool isXml = uri == kXmlNs;
    if (prefix == "xml") {
        if (!isXml) fail(at, "reserved prefix (xml) must not be undeclared or bound to another namespace name");
    } else if (isXml || uri == kXmlnsNs) {
        fail(at, "prefix must not be bound to one of the reserved namespace names");
    }
    if (_bindingCount == _bindings.size()) _bindings.emplace_back();
    Binding& b = _bindings[_bindingCount];
    b.prefix.assign(prefix);
    b.uri.assign(uri);
    int idx = static_cast<int>(_bindingCount++);
    if (prefix.empty()) {
        b.prev = _default;
        _default = idx;
    } else {
        _key.assign(prefix);
        auto [it, inserted] = _prefixes.try_emplace(_key, -1);
        b.prev = it->second;
        it->second = idx;
    }
}

void Scanner::finishStart(const char* tagStart, const char* name, std::uint32_t nameLen, std::uint32_t colon, bool empty)
{
    const std::size_t n = _raw.size();
    auto rawName = [&](std::size_t i) { return std::string_view(_raw[i].name, _raw[i].nameLen); };
    // The same qualified name twice.
    if (n > 1) {
        if (n <= 32) {
            for (std::size_t i = 1; i < n; ++i)
                for (std::size_t j = 0; j < i; ++j)
                    if (rawName(i) == rawName(j)) fail(_raw[i].name, "duplicate attribute");
        } else {
            _order.resize(n);
            for (std::size_t i = 0; i < n; ++i) _order[i] = i;
            std::sort(_order.begin(), _order.end(), [&](std::size_t x, std::size_t y) { return rawName(x) < rawName(y); });
            for (std::size_t i = 1; i < n; ++i)
                if (rawName(_order[i]) == rawName(_order[i - 1]))
                    fail(_raw[std::max(_order[i], _order[i - 1])].name, "duplicate attribute");
        }
    }
    const std::size_t mark = _bindingCount;
    bool prefixed = false;
    for (const RawAttr& a : _raw) {
        if (a.decl)
            bind(a.colon ? std::string_view(a.name + 6, a.nameLen - 6) : std::string_view(), attrValueOf(a), tagStart);
        else if (a.colon)
            prefixed = true;
    }
    int elemBinding = _default;
    if (colon) {
        elemBinding = lookup(std::string_view(name, colon));
        if (elemBinding == -1) fail(tagStart, "unbound prefix");
    }
    _attrs.clear();
    _attrNs.clear();
    for (const RawAttr& a : _raw) {
        if (a.decl) continue;
        int b = -1;
        if (a.colon) {
            b = lookup(std::string_view(a.name, a.colon));
            if (b == -1) fail(tagStart, "unbound prefix");
        }
        _attrs.push_back(Attr{std::string_view(a.name + (a.colon ? a.colon + 1 : 0), a.nameLen - (a.colon ? a.colon + 1 : 0)),
                              attrValueOf(a)});
        _attrNs.push_back(b);
    }
    // The same (namespace, local name) twice through two prefixes.
    if (prefixed) {
        const std::size_t k = _attrs.size();
        auto key = [&](std::size_t i) { return std::make_pair(_attrs[i].local, uriOf(_attrNs[i])); };
        if (k <= 32) {
            for (std::size_t i = 1; i < k; ++i)
                for (std::size_t j = 0; j < i; ++j)
                    if (_attrNs[i] != -1 && _attrNs[j] != -1 && key(i) == key(j)) fail(tagStart, "duplicate attribute");
        } else {
            _order.clear();
            for (std::size_t i = 0; i < k; ++i)
                if (_attrNs[i] != -1) _order.push_back(i);
            std::sort(_order.begin(), _order.end(), [&](std::size_t x, std::size_t y) { return key(x) < key(y); });
            for (std::size_t i = 1; i < _order.size(); ++i)
                if (key(_order[i]) == key(_order[i - 1])) fail(tagStart, "duplicate attribute");
        }
    }
    Open o;
    o.nameOff = _qnames.size();
    o.nameLen = nameLen;
    o.colon = colon;
    o.binding = elemBinding;
    o.bindMark = mark;
    _qnames.append(name, nameLen);
    _open.push_back(o);
    if (_state == State::Prolog) _state = State::Content;
    std::string_view local(name + (colon ? colon + 1 : 0), nameLen - (colon ? colon + 1 : 0));
    _eventAt = tagStart;
    _sink.start(uriOf(elemBinding), local, _attrs.data(), _attrs.size());
    if (empty) {
        _sink.end(uriOf(elemBinding), local);
        popElement();
    }
}

void Scanner::popElement()
{
    const Open& o = _open.back();
    while (_bindingCount > o.bindMark) {
        Binding& b = _bindings[--_bindingCount];
        if (b.prefix.empty()) {
            _default = b.prev;
        } else {
            _key.assign(b.prefix);
            _prefixes[_key] = b.prev;
        }
    }
    _qnames.resize(o.nameOff);
    _open.pop_back();
    if (_open.empty()) _state = State::Epilog;
}

const char* Scanner::endTag(const char* p, const char* end)
{
    const char* name = p + 2;
    std::uint32_t colon;
    const char* q = qname(name, end, colon);
    if (!q) return nullptr;
    std::string_view got(name, static_cast<std::size_t>(q - name));
    while (q < end && isSpace(*q)) ++q;
    if (q == end) return nullptr;
    if (*q != '>') fail(q, kInvalid);
    const Open& o = _open.back();
    std::string_view want(_qnames.data() + o.nameOff, o.nameLen);
    if (got != want) fail(name, "mismatched tag");
    _eventAt = p;
    _sink.end(uriOf(o.binding), want.substr(o.colon ? o.colon + 1 : 0));
    popElement();
    return q + 1;
}

} // namespace qdx::xmlscan
