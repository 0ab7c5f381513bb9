#include "Csv.h"

#include "qdx/Text.h"

#include <algorithm>

namespace qdx::csv {

namespace {

Location at(const std::string& file, long long line, long long column) {
    Location l;
    l.file = file;
    l.line = line;
    l.column = column;
    return l;
}

/// UTF-16 without a BOM: NUL bytes in every other position of ASCII text.
int guessUtf16(std::string_view b) {
    if (b.size() < 4 || b.size() % 2) return 0;
    std::size_t n = std::min<std::size_t>(b.size(), 4096) & ~std::size_t(1);
    std::size_t evenNul = 0, oddNul = 0;
    for (std::size_t i = 0; i < n; i += 2) {
        if (b[i] == 0) ++evenNul;
        if (b[i + 1] == 0) ++oddNul;
    }
    std::size_t pairs = n / 2;
    if (oddNul * 10 >= pairs * 8 && evenNul * 10 <= pairs) return 1;   // little endian
    if (evenNul * 10 >= pairs * 8 && oddNul * 10 <= pairs) return 2;   // big endian
    return 0;
}

bool startsWith(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

} // namespace

std::size_t utf16Length(std::string_view s) {
    std::size_t n = 0;
    for (unsigned char c : s) {
        if ((c & 0xC0) != 0x80) ++n;  // a code point starts
        if (c >= 0xF0) ++n;           // astral: a surrogate pair
    }
    return n;
}

std::string decode(std::string_view bytes, const std::string& encoding, const std::string& file, Diagnostics& diag,
                   ParseInfo& info) {
    const std::string enc = text::asciiLower(encoding);
    auto utf16 = [&](std::string_view b, bool be) {
        if (b.size() % 2) {
            diag.lossy("lossy.encoding", "the UTF-16 text has an odd number of bytes; the last byte was dropped", {}, {}, at(file, 0, 0));
            b.remove_suffix(1);
        }
        info.encoding = be ? "utf-16be" : "utf-16le";
        return text::utf16ToUtf8(b, be);
    };
    if (enc == "utf-16" || enc == "utf-16le" || enc == "utf-16be") {
        if (startsWith(bytes, "\xFF\xFE")) return utf16(bytes.substr(2), false);
        if (startsWith(bytes, "\xFE\xFF")) return utf16(bytes.substr(2), true);
        return utf16(bytes, enc == "utf-16be");
    }
    if (enc == "windows-1252" || enc == "cp1252" || enc == "latin-1") {
        info.encoding = "windows-1252";
        return text::windows1252ToUtf8(bytes);
    }
    if (startsWith(bytes, "\xEF\xBB\xBF")) {
        info.encoding = "utf-8-bom";
        bytes.remove_prefix(3);
    } else if (enc == "auto" && startsWith(bytes, "\xFF\xFE")) {
        return utf16(bytes.substr(2), false);
    } else if (enc == "auto" && startsWith(bytes, "\xFE\xFF")) {
        return utf16(bytes.substr(2), true);
    } else if (enc == "auto") {
        if (int g = guessUtf16(bytes)) {
            diag.info("info.encoding-guess", "no BOM, but the bytes read as UTF-16 " + std::string(g == 1 ? "LE" : "BE"));
            return utf16(bytes, g == 2);
        }
        info.encoding = "utf-8";
    } else {
        info.encoding = "utf-8";
    }
    std::string out(bytes);
    std::size_t bad = text::firstInvalidUtf8(out);
    if (bad == std::string::npos) return out;
    // Line of the first bad byte, for the message.
    long long line = 1 + static_cast<long long>(std::count(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(bad), '\n'));
    if (enc == "utf-8") {
        std::size_t n = text::repairUtf8(out);
        diag.lossy("lossy.encoding", std::to_string(n) + " invalid UTF-8 sequence(s) replaced by U+FFFD", {},
                   "name the encoding with -o encoding=windows-1252", at(file, line, 0));
        return out;
    }
    info.encoding = "windows-1252";
    diag.lossy("lossy.encoding",
               "the file is not UTF-8 (first invalid byte on line " + std::to_string(line) +
                   "); it was read as Windows-1252, which may be wrong for other code pages",
               {}, "convert the file to UTF-8, or name the encoding with -o encoding=", at(file, line, 0));
    return text::windows1252ToUtf8(bytes);
}

char sniffDelimiter(std::string_view text) {
    // Count candidates outside quotes on the first few records; prefer the one
    // giving the same (non-zero) count on each, then the most frequent.
    const char cands[] = {',', ';', '\t'};
    std::size_t counts[3][5] = {};
    std::size_t records = 0;
    bool inQuotes = false;
    for (std::size_t i = 0; i < text.size() && records < 5; ++i) {
        char c = text[i];
        if (c == '"') inQuotes = !inQuotes;
        else if (!inQuotes && (c == '\n' || c == '\r')) {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
            ++records;
        } else if (!inQuotes)
            for (int k = 0; k < 3; ++k)
                if (c == cands[k]) ++counts[k][records];
    }
    std::size_t used = std::max<std::size_t>(1, std::min<std::size_t>(records + 1, 5));
    int best = -1;
    long bestScore = -1;
    for (int k = 0; k < 3; ++k) {
        std::size_t first = counts[k][0];
        if (!first) continue;
        bool consistent = true;
        for (std::size_t r = 1; r < used && r < records; ++r)
            if (counts[k][r] != first) consistent = false;
        long score = static_cast<long>(first) + (consistent ? 1000 : 0);
        if (score > bestScore) {
            bestScore = score;
            best = k;
        }
    }
    return best < 0 ? ',' : cands[best];
}

tabular::Table parseCsv(std::string_view bytes, const std::string& file, const ParseOptions& opts, Diagnostics& diag,
                        ParseInfo* infoOut) {
    ParseInfo info;
    const std::string text = decode(bytes, opts.encoding, file, diag, info);
    std::string_view s(text);
    std::size_t i = 0;
    long long line = 1, col = 1;

    char delim = opts.delimiter;
    // Excel's delimiter hint: a first line "sep=;".
    if (startsWith(s, "sep=") && s.size() >= 5) {
        std::size_t eol = s.find_first_of("\r\n");
        if (eol == 5 || eol == std::string_view::npos) {
            if (!delim) delim = s[4];
            i = eol == std::string_view::npos ? s.size() : eol;
            if (i < s.size() && s[i] == '\r') ++i;
            if (i < s.size() && s[i] == '\n') ++i;
            line = 2;
            diag.info("info.csv-sep-line", std::string("Excel 'sep=' line: delimiter '") + s[4] + "'");
        }
    }
    if (!delim) delim = sniffDelimiter(s.substr(i));
    info.delimiter = delim;
    {
        std::size_t nl = s.find('\n', i);
        info.crlf = nl != std::string_view::npos && nl > 0 && s[nl - 1] == '\r';
    }

    tabular::Table t;
    t.file = file;
    std::vector<std::string> row;
    std::string field;
    std::size_t afterQuote = 0;
    auto addChar = [&](char c) {
        field += c;
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++col;
        if (field.size() > opts.maxFieldBytes)
            throw LimitError(at(file, line, col), "a field is longer than " + std::to_string(opts.maxFieldBytes) +
                                                      " bytes (limit; raise it with -o max-field-bytes=)");
    };
    while (i < s.size()) {
        long long recordLine = line;
        row.clear();
        bool quotedAny = false;
        for (;;) {
            field.clear();
            if (i < s.size() && s[i] == '"') {
                quotedAny = true;
                long long qLine = line, qCol = col;
                ++i;
                ++col;
                for (;;) {
                    if (i >= s.size())
                        throw InputError(at(file, qLine, qCol), "a quoted field is never closed (it starts here)");
                    char c = s[i];
                    if (c == '"') {
                        if (i + 1 < s.size() && s[i + 1] == '"') {
                            addChar('"');
                            i += 2;
                            ++col;
                            continue;
                        }
                        ++i;
                        ++col;
                        break;
                    }
                    if (c == '\n' || c == '\r') {
                        field += c;
                        if (c == '\r' && i + 1 < s.size() && s[i + 1] == '\n') {
                            field += '\n';
                            ++i;
                        }
                        ++i;
                        ++line;
                        col = 1;
                        continue;
                    }
                    addChar(c);
                    ++i;
                }
                // Text after the closing quote is kept as it is (lenient).
                std::size_t before = field.size();
                while (i < s.size() && s[i] != delim && s[i] != '\n' && s[i] != '\r') addChar(s[i++]);
                if (field.size() != before) ++afterQuote;
            } else {
                while (i < s.size() && s[i] != delim && s[i] != '\n' && s[i] != '\r') addChar(s[i++]);
            }
            row.push_back(std::move(field));
            if (row.size() > opts.maxRowCells)
                throw LimitError(at(file, recordLine, col), "a row has more than " + std::to_string(opts.maxRowCells) + " fields");
            if (i < s.size() && s[i] == delim) {
                ++i;
                ++col;
                continue;
            }
            if (i < s.size()) {  // end of record
                if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') ++i;
                ++i;
                ++line;
                col = 1;
            }
            break;
        }
        if (row.size() == 1 && row[0].empty() && !quotedAny) continue;  // blank line
        t.rows.push_back(std::move(row));
        t.rowNumbers.push_back(recordLine);
        if (t.rows.size() > opts.maxRows)
            throw LimitError(at(file, recordLine, 1), "more than " + std::to_string(opts.maxRows) + " rows");
    }
    if (afterQuote)
        diag.report({Severity::Lossy, "quirk.csv-text-after-quote", {}, at(file, 0, 0),
                     std::to_string(afterQuote) + " field(s) have text after their closing quote; kept as is", {}});
    if (!t.rows.empty()) {
        std::size_t width = t.rows[0].size(), shortRows = 0, longRows = 0;
        long long firstLine = 0;
        for (std::size_t r = 1; r < t.rows.size(); ++r) {
            std::size_t w = t.rows[r].size();
            if (w < width) ++shortRows;
            if (w > width) ++longRows;
            if (w != width && !firstLine) firstLine = t.rowNumbers[r];
        }
        if (shortRows || longRows)
            diag.info("info.ragged-rows",
                      std::to_string(shortRows) + " row(s) shorter and " + std::to_string(longRows) +
                          " longer than the header (first on line " + std::to_string(firstLine) + "); missing cells read as empty",
                      {}, at(file, firstLine, 0));
    }
    if (infoOut) *infoOut = info;
    return t;
}

CsvSink::CsvSink(std::ostream& out, const WriteOptions& opts) : _out(out), _opts(opts) {}

void CsvSink::beginTable(const tabular::TableHeader& header) {
    if (_opts.bom && !_bomWritten) {
        _out << "\xEF\xBB\xBF";
        _bomWritten = true;
    }
    _types = header.types;
    if (!header.writeHeader) return;
    _line.clear();
    for (std::size_t i = 0; i < header.columns.size(); ++i) {
        if (i) _line += _opts.delimiter;
        writeField(header.columns[i], true);
    }
    _line += "\r\n";
    _out.write(_line.data(), static_cast<std::streamsize>(_line.size()));
}

void CsvSink::row(const std::vector<std::string>& cells, const std::vector<tabular::CellStyle>*) {
    _line.clear();
    for (std::size_t i = 0; i < cells.size(); ++i) {
        if (i) _line += _opts.delimiter;
        bool text = i >= _types.size() || _types[i] == tabular::CellType::Text;
        writeField(cells[i], text);
    }
    _line += "\r\n";
    _out.write(_line.data(), static_cast<std::streamsize>(_line.size()));
    ++_rows;
}

void CsvSink::endTable() {}

void CsvSink::writeField(std::string s, bool text) {
    if (text && _opts.guardFormulas && tabular::guardFormula(s)) ++_guarded;
    if (s.size() > 32767 && utf16Length(s) > 32767) ++_overLimit;
    bool quote = _opts.quoteAll;
    if (!quote)
        for (char c : s)
            if (c == '"' || c == '\r' || c == '\n' || c == _opts.delimiter) {
                quote = true;
                break;
            }
    if (!quote) {
        _line += s;
        return;
    }
    _line += '"';
    for (char c : s) {
        if (c == '"') _line += '"';
        _line += c;
    }
    _line += '"';
}

void CsvSink::report(Diagnostics& diag, const std::string& what) const {
    if (_guarded)
        diag.lossy("lossy.formula-guard",
                   std::to_string(_guarded) + " cell(s) of " + what +
                       " start with = + - @ TAB or CR and were prefixed with ' so spreadsheets do not run them as formulas",
                   {}, "-o neutralise-formulas=false writes them unchanged; qdx strips the prefix again when reading its own bundle");
    if (_overLimit)
        diag.info("info.excel-cell-limit", std::to_string(_overLimit) + " cell(s) of " + what +
                                               " are longer than the 32,767 characters Excel can hold; Excel will cut them when opening the file");
}

} // namespace qdx::csv
