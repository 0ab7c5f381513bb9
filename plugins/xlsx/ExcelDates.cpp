#include "ExcelDates.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace qdx::xlsx {

namespace {

// Days from 1970-01-01 to a proleptic Gregorian date (era arithmetic over
// 400-year cycles, so it holds for every year qdx can meet).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t mp = (m + 9) % 12;
    const std::int64_t doy = (153 * mp + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    y = yoe + era * 400;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    d = static_cast<unsigned>(doy - (153 * mp + 2) / 5 + 1);
    m = static_cast<unsigned>(mp < 10 ? mp + 3 : mp - 9);
    y += m <= 2 ? 1 : 0;
}

bool isLeap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned daysInMonth(std::int64_t y, unsigned m) {
    static const unsigned k[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && isLeap(y) ? 29 : k[m - 1];
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, int& out) {
    if (pos + n > s.size())
        return false;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    out = v;
    return true;
}

const std::int64_t kEpoch1900 = daysFromCivil(1899, 12, 30);
const std::int64_t kEpoch1904 = daysFromCivil(1904, 1, 1);
const std::int64_t kFirstSafe1900 = daysFromCivil(1900, 3, 1);
const std::int64_t kLastDay = daysFromCivil(9999, 12, 31);

} // namespace

const char* numberFormatFor(IsoShape shape) {
    switch (shape) {
    case IsoShape::Date: return "yyyy-mm-dd";
    case IsoShape::DateTime: return "yyyy-mm-dd\"T\"hh:mm:ss";
    case IsoShape::DateTimeZ: return "yyyy-mm-dd\"T\"hh:mm:ss\"Z\"";
    case IsoShape::DateTimeMs: return "yyyy-mm-dd\"T\"hh:mm:ss.000";
    case IsoShape::DateTimeMsZ: return "yyyy-mm-dd\"T\"hh:mm:ss.000\"Z\"";
    }
    return "yyyy-mm-dd";
}

std::optional<double> isoToSerial(std::string_view s, IsoShape* shape) {
    int y = 0, mo = 0, d = 0;
    if (s.size() < 10 || !digits(s, 0, 4, y) || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' || !digits(s, 8, 2, d))
        return std::nullopt;
    if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > daysInMonth(y, static_cast<unsigned>(mo)))
        return std::nullopt;
    const std::int64_t days = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    if (days < kFirstSafe1900 || days > kLastDay)
        return std::nullopt;
    double serial = static_cast<double>(days - kEpoch1900);
    IsoShape sh = IsoShape::Date;
    if (s.size() > 10) {
        int h = 0, mi = 0, se = 0, ms = 0;
        if (s.size() < 19 || s[10] != 'T' || !digits(s, 11, 2, h) || s[13] != ':' || !digits(s, 14, 2, mi) || s[16] != ':' ||
            !digits(s, 17, 2, se))
            return std::nullopt;
        if (h > 23 || mi > 59 || se > 59)
            return std::nullopt;
        std::size_t pos = 19;
        bool millis = false;
        if (pos < s.size() && s[pos] == '.') {
            if (!digits(s, pos + 1, 3, ms))
                return std::nullopt;
            millis = true;
            pos += 4;
        }
        bool zulu = false;
        if (pos < s.size() && s[pos] == 'Z') {
            zulu = true;
            ++pos;
        }
        if (pos != s.size())
            return std::nullopt;  // offsets other than Z, or more digits: kept as text
        sh = millis ? (zulu ? IsoShape::DateTimeMsZ : IsoShape::DateTimeMs) : (zulu ? IsoShape::DateTimeZ : IsoShape::DateTime);
        const std::int64_t msOfDay = ((h * 60 + mi) * 60 + se) * 1000LL + ms;
        serial += static_cast<double>(msOfDay) / 86400000.0;
    }
    if (shape)
        *shape = sh;
    return serial;
}

DateFormatInfo classifyNumberFormat(int id, std::string_view code) {
    DateFormatInfo f;
    if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) || (id >= 50 && id <= 58) || id == 22) {
        f.isDate = f.hasDate = true;
        f.hasTime = id == 22;
        return f;
    }
    if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47) || id == 32 || id == 33) {
        f.isDate = f.hasTime = true;
        f.millis = id == 47;
        return f;
    }
    if (code.empty())
        return f;
    // The first section decides (positive numbers).
    char last = 0;  // last date/time letter seen (lower case)
    for (std::size_t i = 0; i < code.size(); ++i) {
        const char c = code[i];
        if (c == ';')
            break;
        if (c == '"') {
            const std::size_t close = code.find('"', i + 1);
            const std::string_view lit = code.substr(i + 1, close == std::string_view::npos ? std::string_view::npos : close - i - 1);
            if (lit == "Z")
                f.zulu = true;
            if (close == std::string_view::npos)
                break;
            i = close;
            continue;
        }
        if (c == '\\') {
            if (i + 1 < code.size() && code[i + 1] == 'Z')
                f.zulu = true;
            ++i;
            continue;
        }
        if (c == '_' || c == '*') {  // padding: the next character is literal
            ++i;
            continue;
        }
        if (c == '[') {
            const std::size_t close = code.find(']', i + 1);
            if (close == std::string_view::npos)
                break;
            std::string inner;
            for (char ch : code.substr(i + 1, close - i - 1))
                inner += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (!inner.empty() && inner.find_first_not_of("hms") == std::string::npos) {
                f.hasTime = true;  // elapsed time [h]:mm:ss
                last = inner[0];
            }
            i = close;
            continue;
        }
        const char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (l == 'a' && (code.substr(i, 5) == "AM/PM" || code.substr(i, 5) == "am/pm")) {
            f.hasTime = true;
            i += 4;
            continue;
        }
        if (l == 'a' && (code.substr(i, 3) == "A/P" || code.substr(i, 3) == "a/p")) {
            f.hasTime = true;
            i += 2;
            continue;
        }
        if (l == 'g' && code.size() - i >= 7) {
            std::string w;
            for (char ch : code.substr(i, 7))
                w += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (w == "general") {
                i += 6;
                continue;
            }
        }
        if (l == 'y' || l == 'd' || l == 'e' || l == 'b') {
            f.hasDate = true;
            last = l;
        } else if (l == 'h' || l == 's') {
            f.hasTime = true;
            last = l;
        } else if (l == 'm') {
            // Minutes after an hour or before seconds, months otherwise.
            std::size_t j = i;
            while (j < code.size() && std::tolower(static_cast<unsigned char>(code[j])) == 'm')
                ++j;
            std::size_t k = j;
            while (k < code.size() && !std::isalpha(static_cast<unsigned char>(code[k])) && code[k] != '"' && code[k] != '[')
                ++k;
            const bool beforeSeconds = k < code.size() && std::tolower(static_cast<unsigned char>(code[k])) == 's';
            if (last == 'h' || beforeSeconds)
                f.hasTime = true;
            else
                f.hasDate = true;
            last = 'm';
            i = j - 1;
        } else if (c == '.' && last == 's' && i + 1 < code.size() && code[i + 1] == '0') {
            f.millis = true;
        }
    }
    f.isDate = f.hasDate || f.hasTime;
    if (!f.isDate)
        f.zulu = false;
    return f;
}

std::optional<std::string> serialToIso(double serial, bool date1904, const DateFormatInfo& fmt) {
    if (!std::isfinite(serial) || serial < 0 || serial > 3e6)
        return std::nullopt;
    const long long totalMs = std::llround(serial * 86400000.0);
    long long days = totalMs / 86400000LL;
    long long msOfDay = totalMs % 86400000LL;
    char buf[64];
    const int h = static_cast<int>(msOfDay / 3600000), mi = static_cast<int>(msOfDay / 60000 % 60),
              se = static_cast<int>(msOfDay / 1000 % 60), ms = static_cast<int>(msOfDay % 1000);
    if (!fmt.hasDate && fmt.hasTime && days == 0) {
        if (fmt.millis || ms != 0)
            std::snprintf(buf, sizeof buf, "%02d:%02d:%02d.%03d", h, mi, se, ms);
        else
            std::snprintf(buf, sizeof buf, "%02d:%02d:%02d", h, mi, se);
        return std::string(buf);
    }
    std::int64_t epochDays = 0;
    if (date1904) {
        epochDays = kEpoch1904 + days;
    } else {
        if (days == 60 || days == 0)
            return std::nullopt;  // 1900-02-29 (does not exist) and 1900-01-00
        epochDays = days > 60 ? kEpoch1900 + days : kEpoch1900 + days + 1;
    }
    if (epochDays > kLastDay)
        return std::nullopt;
    std::int64_t y = 0;
    unsigned m = 0, d = 0;
    civilFromDays(epochDays, y, m, d);
    const bool withTime = fmt.hasTime || msOfDay != 0 || !fmt.hasDate;
    if (!withTime) {
        std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
        return std::string(buf);
    }
    int n = std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02d", static_cast<long long>(y), m, d, h, mi, se);
    std::string out(buf, static_cast<std::size_t>(n));
    if (fmt.millis || ms != 0) {
        std::snprintf(buf, sizeof buf, ".%03d", ms);
        out += buf;
    }
    if (fmt.zulu)
        out += 'Z';
    return out;
}

std::string formatNumber(double v) {
    if (!std::isfinite(v))
        return v != v ? "NaN" : (v > 0 ? "INF" : "-INF");
    if (v == std::floor(v) && std::fabs(v) < 1e15) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.0f", v);
        return std::string(buf) == "-0" ? "0" : std::string(buf);
    }
    char buf[40];
    for (int prec = 15; prec <= 17; ++prec) {
        std::snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (std::strtod(buf, nullptr) == v)
            break;
    }
    return buf;
}

std::optional<double> parseNumber(std::string_view s) {
    if (s.empty() || s.size() > 64)
        return std::nullopt;
    std::size_t i = 0;
    if (s[i] == '-' || s[i] == '+')
        ++i;
    bool anyDigit = false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
        ++i;
        anyDigit = true;
    }
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
            ++i;
            anyDigit = true;
        }
    }
    if (!anyDigit)
        return std::nullopt;
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < s.size() && (s[i] == '-' || s[i] == '+'))
            ++i;
        bool expDigit = false;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
            ++i;
            expDigit = true;
        }
        if (!expDigit)
            return std::nullopt;
    }
    if (i != s.size())
        return std::nullopt;
    const std::string copy(s);
    const double v = std::strtod(copy.c_str(), nullptr);
    if (!std::isfinite(v))
        return std::nullopt;
    return v;
}

} // namespace qdx::xlsx
