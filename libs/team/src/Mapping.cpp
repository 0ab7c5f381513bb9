// Theme mapping files: a small CSV reader of its own, because the table
// readers live in plugins (above which this library must not depend) and the
// file is two short columns. It is untrusted input like any other: bounded
// size, strict quoting, errors that name the line.

#include "qdx/team/Match.h"

#include "qdx/Errors.h"
#include "qdx/Text.h"

#include <fstream>
#include <iterator>
#include <sstream>

namespace qdx::team {

namespace {

constexpr std::size_t kMaxMappingBytes = 16u << 20;  // thousands of codes fit in far less

[[noreturn]] void fail(const std::string& name, long line, const std::string& why) {
    throw InputError(Location{name, {}, line, 0, -1}, why);
}

/// Splits one CSV record starting at `pos`; advances `pos` past its line end.
std::vector<std::string> record(std::string_view s, std::size_t& pos, long& line, const std::string& name) {
    std::vector<std::string> fields(1);
    bool quoted = false, wasQuoted = false;
    long startLine = line;
    while (pos < s.size()) {
        char c = s[pos++];
        if (quoted) {
            if (c == '"') {
                if (pos < s.size() && s[pos] == '"') {
                    fields.back() += '"';
                    ++pos;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n') ++line;
                fields.back() += c;
            }
            continue;
        }
        if (c == '"') {
            if (!fields.back().empty() || wasQuoted) fail(name, line, "a quote inside an unquoted field");
            quoted = wasQuoted = true;
        } else if (c == ',') {
            fields.emplace_back();
            wasQuoted = false;
        } else if (c == '\r' || c == '\n') {
            if (c == '\r' && pos < s.size() && s[pos] == '\n') ++pos;
            ++line;
            return fields;
        } else {
            if (wasQuoted) fail(name, line, "text after a closing quote");
            fields.back() += c;
        }
    }
    if (quoted) fail(name, startLine, "a quoted field is not closed");
    ++line;
    return fields;
}

} // namespace

std::vector<ThemeMappingRow> parseThemeMapping(std::string_view csv, const std::string& name) {
    if (csv.size() > kMaxMappingBytes) fail(name, 0, "a theme mapping over 16 MiB");
    if (csv.size() >= 3 && csv.compare(0, 3, "\xEF\xBB\xBF") == 0) csv.remove_prefix(3);
    std::size_t bad = text::firstInvalidUtf8(csv);
    if (bad != std::string_view::npos)
        throw InputError(Location{name, {}, 0, 0, static_cast<long long>(bad)}, "not UTF-8");
    std::vector<ThemeMappingRow> rows;
    std::size_t pos = 0;
    long line = 1;
    while (pos < csv.size()) {
        long at = line;
        auto f = record(csv, pos, line, name);
        if (f.size() == 1 && f[0].empty()) continue;  // blank line
        if (f.size() != 2)
            fail(name, at, "expected two columns (theme path in A, theme path in B), found " + std::to_string(f.size()));
        if (rows.empty() && at == 1 && f[0] == "a" && f[1] == "b") continue;  // header
        if (f[0].empty() || f[1].empty()) fail(name, at, "an empty theme path");
        rows.push_back({f[0], f[1], at, name});
    }
    return rows;
}

std::vector<ThemeMappingRow> readThemeMapping(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError("cannot open the theme mapping '" + path + "'");
    std::string data;
    char buf[65536];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        data.append(buf, static_cast<std::size_t>(in.gcount()));
        if (data.size() > kMaxMappingBytes) fail(path, 0, "a theme mapping over 16 MiB");
    }
    return parseThemeMapping(data, path);
}

} // namespace qdx::team
