// Small text helpers of the table library: formula guard, code paths,
// joined code cells, tool dates, header normalisation.

#include "qdx/tabular/Table.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace qdx::tabular {

namespace {

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

// Trims ASCII whitespace and U+00A0 (C2 A0) on both ends.
std::string_view trimView(std::string_view s) {
    for (;;) {
        if (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n'))
            s.remove_prefix(1);
        else if (startsWith(s, "\xC2\xA0"))
            s.remove_prefix(2);
        else
            break;
    }
    for (;;) {
        if (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
            s.remove_suffix(1);
        else if (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0")
            s.remove_suffix(2);
        else
            break;
    }
    return s;
}

std::vector<std::string> splitOn(std::string_view s, std::string_view sep) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    for (;;) {
        std::size_t hit = s.find(sep, pos);
        if (hit == std::string_view::npos) {
            out.emplace_back(s.substr(pos));
            break;
        }
        out.emplace_back(s.substr(pos, hit - pos));
        pos = hit + sep.size();
    }
    return out;
}

void pushTrimmed(std::vector<std::string>& out, std::string_view part) {
    std::string_view t = trimView(part);
    if (!t.empty()) out.emplace_back(t);
}

} // namespace

bool isBlankCell(std::string_view s) { return trimView(s).empty(); }

std::string normalizeHeader(std::string_view s) {
    s = trimView(s);
    std::string out;
    out.reserve(s.size());
    bool space = false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0)) {
            if (c == 0xC2) ++i;
            space = true;
            continue;
        }
        if (space && !out.empty()) out += ' ';
        space = false;
        if (c >= 'A' && c <= 'Z') {
            out += static_cast<char>(c - 'A' + 'a');
        } else if (c == 0xC3 && i + 1 < s.size()) {
            // Latin-1 capitals À..Þ (C3 80..C3 9E, except × C3 97) fold to à..þ (C3 A0..C3 BE).
            unsigned char d = static_cast<unsigned char>(s[i + 1]);
            if (d >= 0x80 && d <= 0x9E && d != 0x97) d = static_cast<unsigned char>(d + 0x20);
            out += static_cast<char>(c);
            out += static_cast<char>(d);
            ++i;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

bool isFormulaLike(std::string_view s) {
    if (s.empty()) return false;
    char c = s.front();
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

namespace {
// Formula-like after any leading quotes: "=x", "'=x", "''=x". Guarding these
// too keeps unguardFormula an exact inverse.
bool guardable(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && s[i] == '\'') ++i;
    return isFormulaLike(s.substr(i));
}
} // namespace

bool guardFormula(std::string& s) {
    if (!guardable(s)) return false;
    s.insert(s.begin(), '\'');
    return true;
}

bool unguardFormula(std::string& s) {
    if (s.size() >= 2 && s.front() == '\'' && guardable(std::string_view(s).substr(1))) {
        s.erase(s.begin());
        return true;
    }
    return false;
}

std::vector<std::string> splitPath(std::string_view cell, PathStyle style) {
    std::vector<std::string> out;
    std::string_view c = trimView(cell);
    if (c.empty()) return out;
    switch (style) {
    case PathStyle::None:
        out.emplace_back(c);
        break;
    case PathStyle::Maxqda: {
        // Names contain ':' '(' ')' '.': split only on " > "; older exports use '\'.
        if (c.find(" > ") != std::string_view::npos) {
            for (auto& p : splitOn(c, " > ")) pushTrimmed(out, p);
        } else if (c.find('\\') != std::string_view::npos) {
            for (auto& p : splitOn(c, "\\")) pushTrimmed(out, p);
        } else {
            out.emplace_back(c);
        }
        break;
    }
    case PathStyle::Nvivo: {
        // Folders end with "\\", nodes are separated by "\"; the folder part is dropped.
        std::size_t lastFolder = c.rfind("\\\\");
        std::string_view nodes = lastFolder == std::string_view::npos ? c : c.substr(lastFolder + 2);
        for (auto& p : splitOn(nodes, "\\")) pushTrimmed(out, p);
        break;
    }
    case PathStyle::Atlas:
        for (auto& p : splitOn(c, ": ")) pushTrimmed(out, p);
        break;
    case PathStyle::Qualcoder:
        for (auto& p : splitOn(c, ">>")) pushTrimmed(out, p);
        break;
    case PathStyle::Backslash:
        for (auto& p : splitOn(c, "\\")) pushTrimmed(out, p);
        break;
    case PathStyle::Dot:
        for (auto& p : splitOn(c, ".")) pushTrimmed(out, p);
        break;
    }
    return out;
}

std::string joinPath(const std::vector<std::string>& names, PathStyle style) {
    const char* sep = "";
    switch (style) {
    case PathStyle::None: sep = ""; break;
    case PathStyle::Maxqda: sep = " > "; break;
    case PathStyle::Nvivo: sep = "\\"; break;
    case PathStyle::Atlas: sep = ": "; break;
    case PathStyle::Qualcoder: sep = ">>"; break;
    case PathStyle::Backslash: sep = "\\"; break;
    case PathStyle::Dot: sep = "."; break;
    }
    std::string out;
    if (style == PathStyle::Nvivo) out = "Codes\\\\";
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i) out += sep;
        out += names[i];
    }
    return out;
}

KnownNames::KnownNames(const std::vector<std::string>& names) {
    for (const auto& n : names) add(n);
}

void KnownNames::add(std::string_view name) {
    if (name.empty() || _byName.count(name)) return;
    _owned.push_back(std::make_unique<std::string>(name));
    const std::string* s = _owned.back().get();
    _byName.emplace(std::string_view(*s), s);
    auto at = std::lower_bound(_lengths.begin(), _lengths.end(), s->size(), std::greater<std::size_t>());
    if (at == _lengths.end() || *at != s->size()) _lengths.insert(at, s->size());
}

const std::string* KnownNames::longestPrefix(std::string_view rest,
                                              const std::function<bool(std::string_view)>& fits) const {
    // Names of one length that are prefixes of `rest` are the same string: the
    // longest fitting length decides, as a scan of the names sorted longest first did.
    for (std::size_t len : _lengths) {
        if (len > rest.size() || !fits(rest.substr(len))) continue;
        auto it = _byName.find(rest.substr(0, len));
        if (it != _byName.end()) return it->second;
    }
    return nullptr;
}

std::vector<std::string> splitJoinedCodes(std::string_view cell, const KnownNames& known, std::string_view separator,
                                          std::vector<std::string>* unknown) {
    std::vector<std::string> out;
    std::string_view rest = trimView(cell);
    if (rest.empty()) return out;
    std::string_view sepTrim = trimView(separator);
    // A known name must end the cell or be followed by the separator, so "A, B" wins over "A" when both are codes.
    auto fits = [&](std::string_view after) {
        return after.empty() || startsWith(after, separator) || (!sepTrim.empty() && startsWith(trimView(after), sepTrim)) ||
               startsWith(after, "\n") || startsWith(after, "\r\n");
    };
    while (!rest.empty()) {
        const std::string* hit = known.longestPrefix(rest, fits);
        std::string_view piece;
        if (hit) {
            piece = std::string_view(*hit);
            out.emplace_back(*hit);
            rest = rest.substr(hit->size());
        } else {
            std::size_t s = rest.find(separator);
            piece = rest.substr(0, s);
            std::string t(trimView(piece));
            if (!t.empty()) {
                if (unknown) unknown->push_back(t);
                out.push_back(t);
            }
            rest = s == std::string_view::npos ? std::string_view() : rest.substr(s);
        }
        // Skip the separator and any whitespace after it.
        if (startsWith(rest, separator)) rest.remove_prefix(separator.size());
        else if (!sepTrim.empty() && startsWith(trimView(rest), sepTrim)) {
            rest = trimView(rest);
            rest.remove_prefix(sepTrim.size());
        }
        rest = trimView(rest);
    }
    return out;
}

namespace {

bool parseUInt(std::string_view s, int& v) {
    if (s.empty() || s.size() > 4) return false;
    v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        v = v * 10 + (c - '0');
    }
    return true;
}

int pivotYear(int y, std::size_t digits) {
    if (digits <= 2) return y < 70 ? 2000 + y : 1900 + y;
    return y;
}

bool validDate(int y, int m, int d) { return y >= 1000 && m >= 1 && m <= 12 && d >= 1 && d <= 31; }

} // namespace

std::string parseToolDate(std::string_view in) {
    std::string_view s = trimView(in);
    if (s.empty()) return {};
    // ISO 8601 passes through.
    if (s.size() >= 10 && s[4] == '-' && s[7] == '-') {
        int y, m, d;
        if (parseUInt(s.substr(0, 4), y) && parseUInt(s.substr(5, 2), m) && parseUInt(s.substr(8, 2), d) && validDate(y, m, d)) {
            std::string iso(s);
            if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';  // "2023-01-01 10:00:00" (QualCoder, SQL)
            return iso;
        }
        return {};
    }
    std::string_view datePart = s, timePart;
    std::size_t sp = s.find(' ');
    if (sp != std::string_view::npos) {
        datePart = s.substr(0, sp);
        timePart = trimView(s.substr(sp + 1));
    }
    char sep = datePart.find('.') != std::string_view::npos ? '.' : (datePart.find('/') != std::string_view::npos ? '/' : 0);
    if (!sep) return {};
    auto parts = splitOn(datePart, std::string_view(&sep, 1));
    if (parts.size() != 3) return {};
    int a, b, c;
    if (!parseUInt(parts[0], a) || !parseUInt(parts[1], b) || !parseUInt(parts[2], c)) return {};
    int y, m, d;
    if (sep == '.') {  // dd.mm.yy (MAXQDA, German)
        d = a; m = b; y = pivotYear(c, parts[2].size());
    } else {           // M/D/YY or M/D/YYYY (ATLAS.ti, Dedoose, US locale)
        m = a; d = b; y = pivotYear(c, parts[2].size());
    }
    if (!validDate(y, m, d)) return {};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
    std::string out = buf;
    if (!timePart.empty()) {
        auto t = splitOn(timePart, ":");
        int hh = 0, mm = 0, ss = 0;
        if (t.size() < 2 || t.size() > 3 || !parseUInt(t[0], hh) || !parseUInt(t[1], mm) || (t.size() == 3 && !parseUInt(t[2], ss)) ||
            hh > 23 || mm > 59 || ss > 60)
            return out;  // the date alone is still right
        std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d", hh, mm, ss);
        out += buf;
    }
    return out;
}

} // namespace qdx::tabular
