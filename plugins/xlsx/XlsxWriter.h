#pragma once
/// A streaming XLSX workbook writer.
///
/// Rows go straight to a temporary file per sheet (cells as inline strings,
/// numbers and serial dates), so memory stays flat however many rows are
/// written; only the style table (a few entries) is kept. On close() every
/// part is zipped with qdx::ZipWriter: the sheet part is streamed as
/// "head + rows + tail", the head being written last so that it can carry the
/// column widths and the headers of continuation columns.

#include "qdx/Diagnostics.h"

#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace qdx::xlsx {

/// Excel's limit on the length of one cell, in UTF-16 code units.
inline constexpr std::size_t kMaxCellUnits = 32767;
/// Marker of continuation columns in header cells: "Quote (continued 2)".
inline constexpr const char* kContinuedMarker = " (continued ";

/// How a cell is written.
enum class WriteType {
    Text,     ///< always an inline string (never a formula)
    Number,   ///< a number when the text is a plain decimal that reads back identically, else text
    Date,     ///< a serial date when the text is ISO 8601 of a known shape, else text
    Boolean   ///< t="b" when the text is true/false, else text
};

/// Visible style of a cell.
struct WriteStyle {
    std::string fontColor;  ///< "#RRGGBB" or empty
    std::string fillColor;  ///< "#RRGGBB" or empty
    bool bold = false;
    bool operator<(const WriteStyle& o) const {
        return std::tie(fontColor, fillColor, bold) < std::tie(o.fontColor, o.fillColor, o.bold);
    }
};

/// What to do with a cell over kMaxCellUnits.
enum class LongCells {
    Split,    ///< continuation columns "<header> (continued N)", reassembled by the reader
    Truncate  ///< cut at the limit
};

struct WriterOptions {
    LongCells longCells = LongCells::Split;
    /// Cell length limit in UTF-16 units, counting XML escapes (&amp; …) in full,
    /// as Excel does. Lowered by tests only.
    std::size_t cellLimit = kMaxCellUnits;
    bool freezeHeader = true;
    bool autoFilter = true;
    std::string application = "qdx";
    std::string title;    ///< docProps/core.xml title
    std::string creator;  ///< docProps/core.xml creator
};

class WorkbookWriter {
public:
    /// Prepares a workbook at `path` (written on close()). Temporary sheet
    /// files live in a private folder beside `path`.
    WorkbookWriter(std::string path, Diagnostics& diag, WriterOptions options = {});
    ~WorkbookWriter();  ///< discards an unclosed workbook and its temporary files
    WorkbookWriter(const WorkbookWriter&) = delete;
    WorkbookWriter& operator=(const WorkbookWriter&) = delete;

    /// Starts a sheet with a bold, frozen, filterable header row. The name is
    /// made valid (31 characters, no : \ / ? * [ ], unique ignoring case).
    /// With `headerRow` false the sheet has no header row (rows start at row
    /// 1, nothing frozen or filtered); `header` then only names the columns
    /// for messages and continuation columns.
    void beginSheet(std::string name, std::vector<std::string> header, std::vector<WriteType> types = {},
                    bool headerRow = true);
    /// Appends a row; `styles` (optional) has one entry per cell. `entityId`
    /// names the entity in diagnostics about this row.
    void addRow(const std::vector<std::string>& cells, const std::vector<WriteStyle>* styles = nullptr,
                std::string_view entityId = {});
    void endSheet();
    /// Writes the workbook. Throws OutputError.
    void close();

    /// Rows written to the current or last sheet (without the header).
    std::uint64_t rowCount() const { return _rows; }

    /// Column letters of a 0-based column index ("A", "AB").
    static std::string columnName(std::size_t col);

private:
    struct Sheet {
        std::string name;
        std::string bodyPath;
        std::string head;
        std::string tail;
    };
    std::uint32_t styleId(const WriteStyle& s, int numFmt);
    void appendCell(std::size_t col, std::string_view text, WriteType type, std::uint32_t style);
    void flushBody(bool force);
    std::string stylesXml() const;

    std::string _path;
    Diagnostics& _diag;
    WriterOptions _opt;
    std::string _tempDir;
    bool _closed = false;

    std::vector<Sheet> _sheets;
    bool _inSheet = false;
    std::vector<std::string> _header;
    bool _headerRow = true;
    std::vector<WriteType> _types;
    std::vector<std::size_t> _widths;  // display width per column (characters)
    std::map<std::pair<std::size_t, std::size_t>, std::size_t> _continuation;  // (column, part) -> column
    std::vector<std::string> _extraHeader;  // headers of continuation columns
    std::FILE* _body = nullptr;
    std::string _buf;
    std::uint64_t _rows = 0;
    std::string _rowRef;  // "123" of the current row

    // Styles: (style, numFmt) -> xf index; numFmt 0 = general, 1.. = date shapes.
    std::map<std::pair<WriteStyle, int>, std::uint32_t> _xfIndex;
    std::vector<std::pair<WriteStyle, int>> _xfs;
};

/// Appends `s` as XML text with OOXML's escapes: &amp; &lt; &gt;, CR as
/// &#13;, characters XML cannot carry as _xHHHH_, and a literal "_xHHHH_"
/// protected as "_x005F_xHHHH_" (its underscore escaped).
void appendCellText(std::string& out, std::string_view s);

/// Length of `s` as Excel counts it: UTF-16 units, XML escapes in full.
std::size_t excelLength(std::string_view s);

} // namespace qdx::xlsx
