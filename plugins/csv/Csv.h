#pragma once
/// CSV bytes <-> tables: decoding (BOM, UTF-16, Windows-1252 fallback),
/// delimiter sniffing, RFC 4180 parsing with the departures real files show,
/// and an RFC 4180 writer that streams rows.

#include "qdx/Diagnostics.h"
#include "qdx/tabular/Table.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace qdx::csv {

struct ParseOptions {
    /// 0 = sniff among , ; TAB (an Excel "sep=" first line wins).
    char delimiter = 0;
    /// "auto", "utf-8", "utf-16", "windows-1252".
    std::string encoding = "auto";
    /// Limits: a longer field or row is a LimitError naming file:line:column.
    std::uint64_t maxFieldBytes = 64ull << 20;
    std::uint64_t maxRowCells = 100000;
    std::uint64_t maxRows = 50000000;
};

/// What parseCsv found out about the bytes.
struct ParseInfo {
    char delimiter = ',';
    std::string encoding;  ///< "utf-8", "utf-8-bom", "utf-16le", "utf-16be", "windows-1252"
    bool crlf = false;
};

/// Decodes `bytes` to UTF-8 (reporting a fallback) and returns the text.
std::string decode(std::string_view bytes, const std::string& encoding, const std::string& file, Diagnostics& diag,
                   ParseInfo& info);

/// Picks the delimiter of a decoded text among , ; TAB by the first record(s).
char sniffDelimiter(std::string_view text);

/// Parses a whole CSV file into a table (rows as read, ragged allowed;
/// `rowNumbers` hold each record's first line). Blank lines are skipped.
/// Throws InputError naming `file`, line and column for an unterminated
/// quote; LimitError for a field or row over the limits.
tabular::Table parseCsv(std::string_view bytes, const std::string& file, const ParseOptions& opts, Diagnostics& diag,
                        ParseInfo* info = nullptr);

struct WriteOptions {
    char delimiter = ',';
    bool bom = false;             ///< UTF-8 BOM first (Excel guesses a code page without it)
    bool quoteAll = false;        ///< quote every field, not only those that need it
    bool guardFormulas = true;    ///< prefix formula-like text cells with '
};

/// Writes the rows a layout streams as RFC 4180 (CRLF records). Counts
/// guarded cells and cells over Excel's 32,767-character limit.
class CsvSink final : public tabular::RowSink {
public:
    CsvSink(std::ostream& out, const WriteOptions& opts);
    void beginTable(const tabular::TableHeader& header) override;
    void row(const std::vector<std::string>& cells, const std::vector<tabular::CellStyle>* styles) override;
    void endTable() override;

    std::size_t guarded() const { return _guarded; }
    std::size_t overExcelLimit() const { return _overLimit; }
    std::size_t rows() const { return _rows; }
    /// Reports the guard and Excel-limit counts (call once at the end).
    void report(Diagnostics& diag, const std::string& what) const;

private:
    void writeField(std::string s, bool text);
    std::ostream& _out;
    WriteOptions _opts;
    std::vector<tabular::CellType> _types;
    std::string _line;  // the record being built, written in one call
    std::size_t _guarded = 0;
    std::size_t _overLimit = 0;
    std::size_t _rows = 0;
    bool _bomWritten = false;
};

/// Number of UTF-16 code units of a UTF-8 string (Excel counts these).
std::size_t utf16Length(std::string_view s);

} // namespace qdx::csv
