#pragma once
/// UTF-8 text utilities: validation, code-point counting and offset
/// conversion between the units tools use (code points, UTF-16 units,
/// CRLF counted once).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qdx::text {

/// True when `s` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool isValidUtf8(std::string_view s);
/// Byte offset of the first invalid sequence, or npos.
std::size_t firstInvalidUtf8(std::string_view s);
/// Replaces every invalid sequence by U+FFFD; returns how many were replaced.
std::size_t repairUtf8(std::string& s);
/// Removes a leading UTF-8 BOM; true if there was one.
bool stripBom(std::string& s);

/// Number of code points (s must be valid UTF-8).
std::int64_t codePointCount(std::string_view s);
/// Substring by code-point offsets [start, end); clamps to the text.
std::string substrCodePoints(std::string_view s, std::int64_t start, std::int64_t end);
/// Code-point offsets to byte offsets over one UTF-8 text, for many substrings
/// of the same text (excerpts of a source): built in one pass, each lookup then
/// scans at most 63 code points from a checkpoint, where substrCodePoints()
/// scans from the start of the text every time. The text must outlive the index.
class CodePointIndex {
public:
    explicit CodePointIndex(std::string_view utf8);
    /// Byte offset of code point `cp`, clamped to [0, length()].
    std::size_t byteOffset(std::int64_t cp) const;
    /// Substring [start, end) by code points; the same result as substrCodePoints().
    std::string_view substr(std::int64_t start, std::int64_t end) const;
    /// Number of code points.
    std::int64_t length() const { return _length; }

private:
    static constexpr int kStride = 64;
    std::string_view _s;
    std::vector<std::size_t> _marks;  ///< byte offset of code points 0, 64, 128, ...
    std::int64_t _length = 0;
};

/// Appends the UTF-8 encoding of `cp`.
void appendUtf8(std::string& out, char32_t cp);
/// Decodes UTF-16 (little or big endian) into UTF-8; unpaired surrogates become U+FFFD.
std::string utf16ToUtf8(std::string_view bytes, bool bigEndian);
/// Decodes Windows-1252 into UTF-8.
std::string windows1252ToUtf8(std::string_view bytes);

/// Offset units of the tools.
enum class Unit {
    CodePoints,  ///< the model's unit (REFI standard, MAXQDA, QualCoder)
    Utf16,       ///< NVivo: UTF-16 code units over the text as written
    CrlfOnce     ///< ATLAS.ti: code points, a CRLF pair counted as one
};

/// Maps offsets between code points and another unit over one text.
/// Build once per text; conversions are O(log n).
class OffsetMap {
public:
    OffsetMap(std::string_view utf8, Unit unit);
    /// Code-point offset for an offset in `unit`; nullopt when it is out of
    /// range or falls inside a unit (between surrogates, between CR and LF).
    std::optional<std::int64_t> toCodePoints(std::int64_t unitOffset) const;
    /// Offset in `unit` for a code-point offset; nullopt when out of range.
    std::optional<std::int64_t> fromCodePoints(std::int64_t cpOffset) const;
    std::int64_t lengthInUnits() const { return _unitLen; }
    std::int64_t lengthInCodePoints() const { return _cpLen; }

private:
    Unit _unit;
    std::int64_t _cpLen = 0;
    std::int64_t _unitLen = 0;
    // Code-point indices where the unit width differs from 1 (2 for astral in
    // UTF-16, 0 for the LF of a CRLF in CrlfOnce), sorted.
    std::vector<std::int64_t> _cpSpecial;
    std::vector<std::int64_t> _unitSpecial;  ///< unit offset at which each special code point starts
    int _specialWidth = 1;
};

/// Collapses runs of whitespace to one space and trims; used to compare a
/// span's text with a quoted text.
std::string collapseWhitespace(std::string_view s);

/// The lower-case suffix of a path's last component, without the dot ("qdpx"); empty when none.
std::string pathExtension(std::string_view path);

/// Lower-cases ASCII letters.
std::string asciiLower(std::string_view s);

/// Text fit for a terminal: C0 controls (ESC, NUL, CR, ...), DEL and bytes of
/// invalid UTF-8 shown as \xNN, C1 controls and bidirectional overrides and
/// isolates (U+202A-U+202E, U+2066-U+2069) as \uXXXX; everything else as is.
/// Names and ids of a hostile file must not drive the terminal (screen
/// clearing, window titles, OSC 52 clipboard writes) or reorder what is shown.
/// With `keepLineBreaks`, LF and TAB pass (for whole messages of several lines).
std::string printable(std::string_view s, bool keepLineBreaks = false);

} // namespace qdx::text
