// Escaping untrusted text for HTML. A project's names and quotes come from
// files of unknown origin: nothing in them may become markup, and nothing may
// change how the rest of the page reads (bidi overrides, control characters).

#include "qdx/htmlkit/Html.h"

#include <algorithm>
#include <cstdio>

namespace qdx::htmlkit {

namespace {

constexpr char32_t kBad = 0xFFFFFFFF;

// Decodes one UTF-8 sequence at s[i]; advances i. Invalid, overlong,
// surrogate or out-of-range sequences give kBad and advance one byte.
char32_t decode(std::string_view s, std::size_t& i) {
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    int len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
    if (len == 0 || c > 0xF4 || i + len > s.size()) {
        ++i;
        return kBad;
    }
    char32_t cp = c & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
        unsigned char x = b(i + k);
        if ((x & 0xC0) != 0x80) {
            ++i;
            return kBad;
        }
        cp = (cp << 6) | (x & 0x3F);
    }
    bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
        ++i;
        return kBad;
    }
    i += static_cast<std::size_t>(len);
    return cp;
}

void putUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Overrides (LRO, RLO) force the display order of what follows: a name or
// quote holding one can show other text than it holds. They are shown, not
// applied. Embeddings (LRE, RLE, PDF) and isolates (LRI, RLI, FSI, PDI) are
// real right-to-left writing; they are kept, but balanced within each
// escaped string, so that none reaches past the text it came with.
bool isOverride(char32_t cp) { return cp == 0x202D || cp == 0x202E; }
bool opensEmbedding(char32_t cp) { return cp == 0x202A || cp == 0x202B; }
bool opensIsolate(char32_t cp) { return cp >= 0x2066 && cp <= 0x2068; }
constexpr char32_t kPdf = 0x202C, kPdi = 0x2069;
constexpr std::size_t kMaxBidiDepth = 125;  // UAX #9's limit

class BidiBalance {
public:
    /// Whether to write `cp` (a bidi control); tracks what is open.
    bool accept(char32_t cp) {
        if (opensEmbedding(cp) || opensIsolate(cp)) {
            if (_open.size() >= kMaxBidiDepth) return false;
            _open.push_back(opensIsolate(cp) ? 'I' : 'E');
            return true;
        }
        if (cp == kPdf) {  // closes the last embedding, not across an isolate
            if (_open.empty() || _open.back() != 'E') return false;
            _open.pop_back();
            return true;
        }
        // PDI closes the last isolate and the embeddings inside it.
        auto last = _open.find_last_of('I');
        if (last == std::string::npos) return false;
        _open.resize(last);
        return true;
    }
    /// The closers of whatever is still open.
    void close(std::string& out) {
        for (auto it = _open.rbegin(); it != _open.rend(); ++it) putUtf8(out, *it == 'I' ? kPdi : kPdf);
        _open.clear();
    }

private:
    std::string _open;  // 'E' embedding, 'I' isolate, innermost last
};

// Noncharacters are parse errors in HTML (U+FDD0..U+FDEF, U+xxFFFE/U+xxFFFF).
bool isNoncharacter(char32_t cp) { return (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE; }

// The five characters with a meaning in markup, and the controls; everything
// else of ASCII is copied as is.
const char* asciiEntity(unsigned char c) {
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    default: return nullptr;
    }
}

bool isPlain(unsigned char c) {
    return (c >= 0x20 && c < 0x7F && !asciiEntity(c)) || c == '\t' || c == '\n' || c == '\r';
}

void append(std::string& out, std::string_view s, bool inText) {
    out.reserve(out.size() + s.size() + s.size() / 8);
    BidiBalance bidi;
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t run = i;  // copy runs of ordinary ASCII at once
        while (run < s.size() && isPlain(static_cast<unsigned char>(s[run]))) ++run;
        out.append(s.data() + i, run - i);
        i = run;
        if (i == s.size()) break;
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            if (const char* e = asciiEntity(c)) {
                out += e;
            } else {
                putUtf8(out, c == 0x7F ? char32_t(0x2421) : char32_t(0x2400 + c));  // the visible "control picture"
            }
            continue;
        }
        std::size_t start = i;
        char32_t cp = decode(s, i);
        if (cp == kBad || (cp >= 0x80 && cp <= 0x9F) || isNoncharacter(cp)) {
            out += "\xEF\xBF\xBD";  // U+FFFD
        } else if (isOverride(cp)) {
            char mark[16];
            std::snprintf(mark, sizeof mark, "[U+%04X]", static_cast<unsigned>(cp));
            if (inText) out += "<span class=\"ctl\">";
            out += mark;
            if (inText) out += "</span>";
        } else if (opensEmbedding(cp) || opensIsolate(cp) || cp == kPdf || cp == kPdi) {
            if (bidi.accept(cp)) out.append(s.data() + start, i - start);
        } else {
            out.append(s.data() + start, i - start);
        }
    }
    bidi.close(out);
}

} // namespace

void appendText(std::string& out, std::string_view s) { append(out, s, true); }
void appendAttr(std::string& out, std::string_view s) { append(out, s, false); }

void appendBreakable(std::string& out, std::string_view s) {
    constexpr std::size_t kLongRun = 24;
    bool ascii = true;
    std::size_t run = 0, longest = 0;
    for (char c : s) {
        ascii = ascii && static_cast<unsigned char>(c) < 0x80;
        run = c == ' ' || c == '\n' || c == '\t' ? 0 : run + 1;
        longest = std::max(longest, run);
    }
    if (!ascii || longest < kLongRun) return append(out, s, true);
    std::size_t from = 0;
    run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        run = c == ' ' || c == '\n' || c == '\t' ? 0 : run + 1;
        bool breakAfter = run >= 8 && (c == '/' || c == '.' || c == '-' || c == '_' || c == '?' || c == '&' || c == '=');
        if (breakAfter && i + 1 < s.size()) {
            append(out, s.substr(from, i + 1 - from), true);  // ASCII: nothing to balance across pieces
            out += "<wbr>";
            from = i + 1;
        }
    }
    append(out, s.substr(from), true);
}

std::string text(std::string_view s) {
    std::string out;
    append(out, s, true);
    return out;
}

std::string attr(std::string_view s) {
    std::string out;
    append(out, s, false);
    return out;
}

std::string shorten(std::string_view s, std::size_t maxCodePoints) {
    std::size_t i = 0, n = 0, last = 0;
    while (i < s.size() && n < maxCodePoints) {
        last = i;
        decode(s, i);
        ++n;
    }
    if (i >= s.size()) return std::string(s);
    return std::string(s.substr(0, last)) + "\xE2\x80\xA6";  // the ellipsis takes the last code point's place
}

std::string safeColour(std::string_view c) {
    if (c.size() != 7 || c[0] != '#') return {};
    std::string out = "#";
    for (std::size_t i = 1; i < 7; ++i) {
        char x = c[i];
        if (x >= 'a' && x <= 'f') x = static_cast<char>(x - 'a' + 'A');
        if (!((x >= '0' && x <= '9') || (x >= 'A' && x <= 'F'))) return {};
        out += x;
    }
    return out;
}

const char* inkOn(std::string_view c) {
    std::string s = safeColour(c);
    if (s.empty()) return "#000";
    auto channel = [&](int k) {
        int v = std::stoi(s.substr(1 + 2 * k, 2), nullptr, 16);
        return v / 255.0;
    };
    // Relative luminance (sRGB weights, no gamma: good enough to pick black or white).
    double l = 0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2);
    return l < 0.55 ? "#fff" : "#000";
}

void appendSwatch(std::string& out, std::string_view colour) {
    // A no-break space keeps the element from being "empty" to validators.
    std::string c = safeColour(colour);
    if (c.empty()) out += "<span class=\"sw none\" aria-hidden=\"true\">&nbsp;</span>";
    else out += "<span class=\"sw\" style=\"background:" + c + "\" aria-hidden=\"true\">&nbsp;</span>";
}

std::string safeFragment(std::string_view href) {
    if (href.size() < 2 || href[0] != '#') return {};
    for (std::size_t i = 1; i < href.size(); ++i) {
        char x = href[i];
        bool ok = (x >= 'a' && x <= 'z') || (x >= 'A' && x <= 'Z') || (x >= '0' && x <= '9') || x == '-' || x == '_';
        if (!ok) return {};
    }
    return std::string(href);
}

std::string grouped(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

} // namespace qdx::htmlkit
