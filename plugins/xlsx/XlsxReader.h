#pragma once
/// A safe, streaming XLSX reader: workbook.xml and its relationships give the
/// sheets, sharedStrings.xml the strings (rich-text runs joined, phonetic runs
/// skipped), styles.xml the number formats (dates in the 1900 and 1904
/// systems), font and fill colours (ARGB, theme + tint, indexed); every sheet
/// is parsed with the hardened SAX parser (no DOCTYPE, depth capped) over
/// zip members read through qdx::ZipReader (budgets, size lies refused).
/// Nothing is extracted to disk and no formula is ever evaluated: a formula
/// cell gives its cached value.

#include "qdx/Diagnostics.h"
#include "qdx/Input.h"
#include "qdx/Zip.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace qdx::xlsx {

/// What a read cell held.
enum class CellKind { Empty, Text, Number, Date, Boolean, Error };

struct ReadCell {
    CellKind kind = CellKind::Empty;
    /// The value as text: strings as stored (OOXML _xHHHH_ escapes decoded),
    /// numbers in their shortest form, dates as ISO 8601, booleans true/false,
    /// errors as shown (#N/A).
    std::string text;
    std::string fontColor;  ///< "#RRGGBB" when the cell's font has an explicit colour
    std::string fillColor;  ///< "#RRGGBB" of a solid fill, if any
    bool bold = false;
    bool formula = false;   ///< the value is a formula's cached result
};

/// One sheet row: cells by 0-based column (absent cells are Empty).
struct ReadRow {
    long long number = 0;  ///< 1-based row number in the sheet
    std::vector<ReadCell> cells;
};

struct SheetInfo {
    std::string name;
    std::string member;      ///< zip member of the sheet part
    bool hidden = false;
    bool worksheet = true;   ///< false for chart sheets and the like (not readable)
};

struct ReaderLimits {
    ZipLimits zip;
    std::uint64_t maxPartBytes = 2ull << 30;   ///< one XML part (uncompressed)
    std::uint64_t maxSharedStrings = 16u << 20;
    std::size_t maxDepth = 64;
};

class WorkbookReader {
public:
    /// Opens the package and reads the workbook, relationships, shared strings,
    /// styles and theme. Throws InputError naming the file and member.
    WorkbookReader(const Input& in, Diagnostics& diag, ReaderLimits limits = {});
    ~WorkbookReader();

    const std::vector<SheetInfo>& sheets() const { return _sheets; }
    bool date1904() const { return _date1904; }
    /// docProps/app.xml <Application>, when present.
    const std::string& application() const { return _application; }

    /// Streams the rows of sheet `index` in order (rows without cells are not
    /// given). Throws InputError on malformed XML or hostile content.
    void readSheet(std::size_t index, const std::function<void(ReadRow&&)>& sink);
    /// All rows of a sheet.
    std::vector<ReadRow> readSheet(std::size_t index);

    struct Impl;

private:
    std::unique_ptr<Impl> _impl;
    std::vector<SheetInfo> _sheets;
    bool _date1904 = false;
    std::string _application;
};

/// Decodes OOXML _xHHHH_ escapes (a CR written as _x000D_, _x005F_ for "_").
std::string decodeOoxmlEscapes(std::string_view s);

/// Parses an A1 reference into 0-based column and 1-based row; false when malformed.
bool parseCellRef(std::string_view ref, std::size_t& col, long long& row);

} // namespace qdx::xlsx
