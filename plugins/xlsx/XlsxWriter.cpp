#include "XlsxWriter.h"

#include "ExcelDates.h"

#include "qdx/Blob.h"
#include "qdx/Errors.h"
#include "qdx/Xml.h"
#include "qdx/Zip.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <istream>
#include <set>
#include <streambuf>

#include <stdlib.h>
#include <unistd.h>

namespace qdx::xlsx {

namespace {

const char* const kMainNs = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const char* const kRelNs = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const char* const kXmlDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";
const std::size_t kWidthSampleRows = 2000;
const std::size_t kMaxWidth = 60;
const std::size_t kMinWidth = 8;

bool isHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// "_xHHHH_" at s[i]?
bool isOoxmlEscape(std::string_view s, std::size_t i) {
    return i + 7 <= s.size() && s[i] == '_' && (s[i + 1] == 'x' || s[i + 1] == 'X') && isHex(s[i + 2]) && isHex(s[i + 3]) &&
           isHex(s[i + 4]) && isHex(s[i + 5]) && s[i + 6] == '_';
}

void appendHexEscape(std::string& out, unsigned cp) {
    static const char* hex = "0123456789ABCDEF";
    out += "_x";
    out += hex[(cp >> 12) & 15];
    out += hex[(cp >> 8) & 15];
    out += hex[(cp >> 4) & 15];
    out += hex[cp & 15];
    out += '_';
}

// Length of a valid UTF-8 sequence at s[i], or 0 when invalid.
std::size_t utf8SequenceLength(std::string_view s, std::size_t i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = 0;
    unsigned cp = 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + n > s.size())
        return 0;
    for (std::size_t k = 1; k < n; ++k) {
        const unsigned char cc = static_cast<unsigned char>(s[i + k]);
        if ((cc & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (cc & 0x3F);
    }
    if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return n;
}

std::size_t displayWidth(std::string_view s) {
    std::size_t best = 0, cur = 0;
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '\n') {
            best = std::max(best, cur);
            cur = 0;
        } else if ((c & 0xC0) != 0x80) {
            ++cur;
        }
        if (cur > kMaxWidth)
            return kMaxWidth;
    }
    return std::max(best, cur);
}

std::string argb(const std::string& hash) {
    if (hash.size() != 7 || hash[0] != '#')
        return {};
    std::string out = "FF";
    for (std::size_t i = 1; i < 7; ++i) {
        if (!isHex(hash[i]))
            return {};
        out += static_cast<char>(std::toupper(static_cast<unsigned char>(hash[i])));
    }
    return out;
}

std::string foldAscii(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Cuts UTF-8 text to at most n code points.
std::string cutCodePoints(const std::string& s, std::size_t n) {
    std::size_t cps = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
            if (cps == n)
                return s.substr(0, i);
            ++cps;
        }
    }
    return s;
}

std::string escapeAttr(std::string_view s) {
    std::string out;
    appendXmlEscaped(out, s, true);
    return out;
}

/// Streams head + file + tail as one stream: a sheet part is assembled
/// while it is zipped, never copied.
class ConcatBuf final : public std::streambuf {
public:
    ConcatBuf(const std::string& head, const std::string& path, const std::string& tail)
        : _head(head), _tail(tail), _file(path, std::ios::binary), _buf(1 << 16) {
        if (!_file)
            throw OutputError("cannot reopen temporary sheet file " + path);
    }

protected:
    int_type underflow() override {
        while (true) {
            if (_part == 0) {
                _part = 1;
                if (!_head.empty()) {
                    char* p = const_cast<char*>(_head.data());
                    setg(p, p, p + _head.size());
                    return traits_type::to_int_type(*gptr());
                }
            } else if (_part == 1) {
                _file.read(_buf.data(), static_cast<std::streamsize>(_buf.size()));
                const std::streamsize got = _file.gcount();
                if (got > 0) {
                    setg(_buf.data(), _buf.data(), _buf.data() + got);
                    return traits_type::to_int_type(*gptr());
                }
                _part = 2;
            } else if (_part == 2) {
                _part = 3;
                if (!_tail.empty()) {
                    char* p = const_cast<char*>(_tail.data());
                    setg(p, p, p + _tail.size());
                    return traits_type::to_int_type(*gptr());
                }
            } else {
                return traits_type::eof();
            }
        }
    }

private:
    std::string _head, _tail;
    std::ifstream _file;
    std::vector<char> _buf;
    int _part = 0;
};

class ConcatStream final : public std::istream {
public:
    ConcatStream(const std::string& head, const std::string& path, const std::string& tail)
        : std::istream(nullptr), _buf(head, path, tail) {
        rdbuf(&_buf);
    }

private:
    ConcatBuf _buf;
};

class SheetBlob final : public Blob {
public:
    SheetBlob(std::string head, std::string path, std::string tail, std::uint64_t bodySize)
        : _head(std::move(head)), _path(std::move(path)), _tail(std::move(tail)), _size(bodySize + _head.size() + _tail.size()) {}
    std::unique_ptr<std::istream> open() const override { return std::make_unique<ConcatStream>(_head, _path, _tail); }
    std::optional<std::uint64_t> size() const override { return _size; }
    std::string describe() const override { return _path; }

private:
    std::string _head, _path, _tail;
    std::uint64_t _size;
};

} // namespace

void appendCellText(std::string& out, std::string_view s) {
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        // Copy the run of plain bytes at once.
        std::size_t j = i;
        while (j < n) {
            const unsigned char c = static_cast<unsigned char>(s[j]);
            if (c < 0x20 || c >= 0x80 || c == '&' || c == '<' || c == '>' || c == '_')
                break;
            ++j;
        }
        out.append(s.data() + i, j - i);
        i = j;
        if (i >= n)
            break;
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == '&') {
            out += "&amp;";
        } else if (c == '<') {
            out += "&lt;";
        } else if (c == '>') {
            out += "&gt;";
        } else if (c == '_') {
            // A literal "_xHHHH_" would read as an escape: its "_" is escaped itself.
            out += isOoxmlEscape(s, i) ? "_x005F_" : "_";
        } else if (c == '\r') {
            out += "&#13;";
        } else if (c == '\t' || c == '\n') {
            out += static_cast<char>(c);
        } else if (c < 0x20) {
            appendHexEscape(out, c);
        } else {
            const std::size_t len = utf8SequenceLength(s, i);
            if (len == 0) {
                out += "\xEF\xBF\xBD";  // invalid byte: U+FFFD keeps the XML well-formed
                ++i;
                continue;
            }
            if (len == 3 && c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBF &&
                (static_cast<unsigned char>(s[i + 2]) == 0xBE || static_cast<unsigned char>(s[i + 2]) == 0xBF)) {
                appendHexEscape(out, static_cast<unsigned char>(s[i + 2]) == 0xBE ? 0xFFFE : 0xFFFF);
            } else {
                out.append(s.data() + i, len);
            }
            i += len;
            continue;
        }
        ++i;
    }
}

std::size_t excelLength(std::string_view s) {
    std::size_t units = 0;
    for (char ch : s) {
        const unsigned char c = static_cast<unsigned char>(ch);
        if (c == '&')
            units += 5;
        else if (c == '<' || c == '>')
            units += 4;
        else if (c >= 0xF0)
            units += 2;
        else if ((c & 0xC0) != 0x80)
            units += 1;
    }
    return units;
}

namespace {

// Splits text into parts of at most `limit` Excel units, at code-point boundaries.
std::vector<std::string_view> splitCell(std::string_view s, std::size_t limit) {
    std::vector<std::string_view> parts;
    std::size_t start = 0, units = 0, i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t len = 1, w = 1;
        if (c == '&')
            w = 5;
        else if (c == '<' || c == '>')
            w = 4;
        else if (c >= 0xF0)
            len = 4, w = 2;
        else if (c >= 0xE0)
            len = 3;
        else if (c >= 0xC0)
            len = 2;
        len = std::min(len, s.size() - i);
        if (units + w > limit) {
            parts.push_back(s.substr(start, i - start));
            start = i;
            units = 0;
        }
        units += w;
        i += len;
    }
    parts.push_back(s.substr(start));
    return parts;
}

} // namespace

WorkbookWriter::WorkbookWriter(std::string path, Diagnostics& diag, WriterOptions options)
    : _path(std::move(path)), _diag(diag), _opt(std::move(options)) {
    if (_opt.cellLimit == 0 || _opt.cellLimit > kMaxCellUnits)
        _opt.cellLimit = kMaxCellUnits;
    const std::size_t slash = _path.rfind('/');
    std::string dir = slash == std::string::npos ? std::string(".") : _path.substr(0, slash == 0 ? 1 : slash);
    std::string tmpl = dir + "/.qdx-xlsx-XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) {
        const char* t = std::getenv("TMPDIR");
        tmpl = std::string(t && *t ? t : "/tmp") + "/qdx-xlsx-XXXXXX";
        buf.assign(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        if (!mkdtemp(buf.data()))
            throw OutputError("cannot create a temporary folder for " + _path + ": " + std::strerror(errno));
    }
    _tempDir = buf.data();
    // xf 0: the default style every unstyled cell uses.
    _xfs.push_back({WriteStyle{}, 0});
    _xfIndex[{WriteStyle{}, 0}] = 0;
}

WorkbookWriter::~WorkbookWriter() {
    if (_body)
        std::fclose(_body);
    for (const Sheet& s : _sheets)
        ::unlink(s.bodyPath.c_str());
    if (!_tempDir.empty())
        ::rmdir(_tempDir.c_str());
}

std::string WorkbookWriter::columnName(std::size_t col) {
    std::string s;
    ++col;
    while (col > 0) {
        const std::size_t r = (col - 1) % 26;
        s.insert(s.begin(), static_cast<char>('A' + r));
        col = (col - 1) / 26;
    }
    return s;
}

std::uint32_t WorkbookWriter::styleId(const WriteStyle& s, int numFmt) {
    auto key = std::make_pair(s, numFmt);
    auto it = _xfIndex.find(key);
    if (it != _xfIndex.end())
        return it->second;
    const auto id = static_cast<std::uint32_t>(_xfs.size());
    _xfs.push_back(key);
    _xfIndex.emplace(std::move(key), id);
    return id;
}

void WorkbookWriter::beginSheet(std::string name, std::vector<std::string> header, std::vector<WriteType> types,
                                bool headerRow) {
    if (_inSheet)
        endSheet();
    if (_closed)
        throw std::logic_error("WorkbookWriter: beginSheet after close");
    // A valid, unique sheet name.
    for (char& c : name)
        if (std::strchr(":\\/?*[]", c) || static_cast<unsigned char>(c) < 0x20)
            c = '_';
    while (!name.empty() && name.front() == '\'')
        name.erase(name.begin());
    while (!name.empty() && name.back() == '\'')
        name.pop_back();
    if (name.empty())
        name = "Sheet";
    name = cutCodePoints(name, 31);
    std::string unique = name;
    for (int k = 2;; ++k) {
        const bool taken = std::any_of(_sheets.begin(), _sheets.end(),
                                       [&](const Sheet& s) { return foldAscii(s.name) == foldAscii(unique); });
        if (!taken)
            break;
        const std::string suffix = " (" + std::to_string(k) + ")";
        unique = cutCodePoints(name, 31 - suffix.size()) + suffix;
    }
    Sheet sheet;
    sheet.name = unique;
    sheet.bodyPath = _tempDir + "/sheet" + std::to_string(_sheets.size() + 1) + ".xml.part";
    _body = std::fopen(sheet.bodyPath.c_str(), "wb");
    if (!_body)
        throw OutputError("cannot write temporary sheet file " + sheet.bodyPath + ": " + std::strerror(errno));
    _sheets.push_back(std::move(sheet));
    _inSheet = true;
    _header = std::move(header);
    _headerRow = headerRow;
    _types = std::move(types);
    _types.resize(_header.size(), WriteType::Text);
    _widths.assign(_header.size(), kMinWidth);
    for (std::size_t i = 0; i < _header.size(); ++i)
        _widths[i] = std::max(_widths[i], std::min(kMaxWidth, displayWidth(_header[i]) + 3));  // + filter button
    _continuation.clear();
    _extraHeader.clear();
    _rows = 0;
    _buf.clear();
}

void WorkbookWriter::appendCell(std::size_t col, std::string_view text, WriteType type, std::uint32_t style) {
    _buf += "<c r=\"";
    _buf += columnName(col);
    _buf += _rowRef;
    _buf += '"';
    const auto withStyle = [&](std::uint32_t s) {
        if (s != 0) {
            _buf += " s=\"";
            _buf += std::to_string(s);
            _buf += '"';
        }
    };
    if (type == WriteType::Number) {
        if (auto v = parseNumber(text); v && formatNumber(*v) == text) {
            withStyle(style);
            _buf += "><v>";
            _buf.append(text.data(), text.size());
            _buf += "</v></c>";
            return;
        }
    } else if (type == WriteType::Date) {
        IsoShape shape = IsoShape::Date;
        if (auto serial = isoToSerial(text, &shape)) {
            const WriteStyle& base = _xfs[style].first;
            withStyle(styleId(base, static_cast<int>(shape) + 1));
            _buf += "><v>";
            _buf += formatNumber(*serial);
            _buf += "</v></c>";
            return;
        }
    } else if (type == WriteType::Boolean) {
        if (text == "true" || text == "false") {
            withStyle(style);
            _buf += " t=\"b\"><v>";
            _buf += text == "true" ? '1' : '0';
            _buf += "</v></c>";
            return;
        }
    }
    withStyle(style);
    _buf += " t=\"inlineStr\"><is><t";
    if (!text.empty() && (std::isspace(static_cast<unsigned char>(text.front())) || std::isspace(static_cast<unsigned char>(text.back()))))
        _buf += " xml:space=\"preserve\"";
    _buf += '>';
    appendCellText(_buf, text);
    _buf += "</t></is></c>";
}

void WorkbookWriter::addRow(const std::vector<std::string>& cells, const std::vector<WriteStyle>* styles, std::string_view entityId) {
    if (!_inSheet)
        throw std::logic_error("WorkbookWriter: addRow outside a sheet");
    if (cells.size() > _header.size()) {
        if (!_continuation.empty())
            throw std::logic_error("WorkbookWriter: row wider than the header after continuation columns were added");
        _header.resize(cells.size());
        _types.resize(cells.size(), WriteType::Text);
        _widths.resize(cells.size(), kMinWidth);
    }
    if (_rows + (_headerRow ? 2 : 1) > 1048576)
        throw OutputError("sheet '" + _sheets.back().name + "' of " + _path + " would exceed Excel's 1,048,576 rows");
    ++_rows;
    _rowRef = std::to_string(_rows + (_headerRow ? 1 : 0));
    _buf += "<row r=\"";
    _buf += _rowRef;
    _buf += "\">";
    std::vector<std::pair<std::size_t, std::string_view>> extra;  // continuation cells
    for (std::size_t i = 0; i < cells.size(); ++i) {
        std::string_view text = cells[i];
        if (text.empty())
            continue;
        std::uint32_t style = 0;
        if (styles && i < styles->size()) {
            const WriteStyle& ws = (*styles)[i];
            if (!ws.fontColor.empty() || !ws.fillColor.empty() || ws.bold)
                style = styleId(ws, 0);
        }
        if (_rows <= kWidthSampleRows && _widths[i] < kMaxWidth)
            _widths[i] = std::max(_widths[i], std::min(kMaxWidth, displayWidth(text) + 2));
        if (text.size() > _opt.cellLimit / 5 && excelLength(text) > _opt.cellLimit) {
            const std::string& colName = _header[i];
            const std::vector<std::string_view> parts = splitCell(text, _opt.cellLimit);
            if (_opt.longCells == LongCells::Truncate || !_headerRow) {  // no header row: no place for continuation headers
                _diag.lossy("lossy.xlsx-cell-truncated",
                            "a cell of column '" + colName + "' in sheet '" + _sheets.back().name + "' row " + _rowRef + " has " +
                                std::to_string(excelLength(text)) + " characters; cut to Excel's limit of " +
                                std::to_string(_opt.cellLimit),
                            std::string(entityId), "use -o long-cells=split to keep the whole text in continuation columns");
                text = parts.front();
            } else {
                for (std::size_t p = 1; p < parts.size(); ++p) {
                    auto key = std::make_pair(i, p + 1);
                    auto it = _continuation.find(key);
                    if (it == _continuation.end()) {
                        const std::size_t col = _header.size() + _extraHeader.size();
                        if (col >= 16384)
                            throw OutputError("too many continuation columns in sheet '" + _sheets.back().name + "'");
                        _extraHeader.push_back(colName + kContinuedMarker + std::to_string(p + 1) + ")");
                        it = _continuation.emplace(key, col).first;
                    }
                    extra.emplace_back(it->second, parts[p]);
                }
                _diag.lossy("lossy.xlsx-cell-split",
                            "a cell of column '" + colName + "' in sheet '" + _sheets.back().name + "' row " + _rowRef + " has " +
                                std::to_string(excelLength(text)) + " characters, over Excel's limit of " +
                                std::to_string(_opt.cellLimit) + "; split into " + std::to_string(parts.size()) +
                                " cells ('" + colName + kContinuedMarker + "N)' columns) that qdx joins again on reading",
                            std::string(entityId), "other programs show the text in pieces; -o long-cells=truncate cuts it instead");
                text = parts.front();
            }
        }
        appendCell(i, text, _types[i], style);
    }
    std::sort(extra.begin(), extra.end());
    for (const auto& [col, text] : extra)
        appendCell(col, text, WriteType::Text, 0);
    _buf += "</row>\n";
    flushBody(false);
}

void WorkbookWriter::flushBody(bool force) {
    if (!_body || (!force && _buf.size() < (1u << 20)))
        return;
    if (!_buf.empty() && std::fwrite(_buf.data(), 1, _buf.size(), _body) != _buf.size())
        throw OutputError("cannot write temporary sheet file " + _sheets.back().bodyPath + ": " + std::strerror(errno));
    _buf.clear();
}

void WorkbookWriter::endSheet() {
    if (!_inSheet)
        return;
    flushBody(true);
    if (std::fclose(_body) != 0) {
        _body = nullptr;
        throw OutputError("cannot write temporary sheet file " + _sheets.back().bodyPath);
    }
    _body = nullptr;
    _inSheet = false;
    Sheet& sheet = _sheets.back();
    const std::size_t totalCols = std::max<std::size_t>(1, _header.size() + _extraHeader.size());
    const std::string lastCol = columnName(totalCols - 1);
    const std::string lastRow = std::to_string(std::max<std::uint64_t>(1, _rows + (_headerRow ? 1 : 0)));
    const bool withHeader = _headerRow;

    std::string& h = sheet.head;
    h = kXmlDecl;
    h += "<worksheet xmlns=\"";
    h += kMainNs;
    h += "\" xmlns:r=\"";
    h += kRelNs;
    h += "\">";
    h += "<dimension ref=\"A1:" + lastCol + lastRow + "\"/>";
    h += "<sheetViews><sheetView workbookViewId=\"0\"";
    if (_sheets.size() == 1)
        h += " tabSelected=\"1\"";
    h += '>';
    if (_opt.freezeHeader && withHeader)
        h += "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
             "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>";
    h += "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/><cols>";
    for (std::size_t c = 0; c < totalCols; ++c) {
        const std::size_t w = c < _widths.size() ? _widths[c] : kMaxWidth;
        const std::string n = std::to_string(c + 1);
        h += "<col min=\"" + n + "\" max=\"" + n + "\" width=\"" + std::to_string(w) + "\" customWidth=\"1\"/>";
    }
    h += "</cols><sheetData>";
    if (!withHeader) {
        _sheets.back().tail = "</sheetData></worksheet>";
        return;
    }
    h += "<row r=\"1\">";
    // The header row, in the head so that continuation headers can be added.
    std::swap(_buf, h);
    _rowRef = "1";
    const std::uint32_t headerStyle = styleId(WriteStyle{"", "#DDEBF7", true}, 0);
    for (std::size_t c = 0; c < _header.size() && _headerRow; ++c)
        if (!_header[c].empty())
            appendCell(c, _header[c], WriteType::Text, headerStyle);
    for (std::size_t k = 0; k < _extraHeader.size(); ++k)
        appendCell(_header.size() + k, _extraHeader[k], WriteType::Text, headerStyle);
    std::swap(_buf, h);
    _buf.clear();
    h += "</row>\n";

    std::string& t = sheet.tail;
    t = "</sheetData>";
    if (_opt.autoFilter)
        t += "<autoFilter ref=\"A1:" + lastCol + lastRow + "\"/>";
    t += "</worksheet>";
}

std::string WorkbookWriter::stylesXml() const {
    std::map<std::pair<std::string, bool>, std::size_t> fonts{{{"", false}, 0}};
    std::vector<std::pair<std::string, bool>> fontList{{"", false}};
    std::map<std::string, std::size_t> fills{{"", 0}};
    std::vector<std::string> fillList{""};
    std::vector<std::pair<std::size_t, std::size_t>> xfFontFill;
    for (const auto& [ws, fmt] : _xfs) {
        (void)fmt;
        const std::string font = argb(ws.fontColor);
        auto fk = std::make_pair(font, ws.bold);
        auto fit = fonts.find(fk);
        if (fit == fonts.end()) {
            fit = fonts.emplace(fk, fontList.size()).first;
            fontList.push_back(fk);
        }
        const std::string fill = argb(ws.fillColor);
        auto lit = fills.find(fill);
        if (lit == fills.end()) {
            lit = fills.emplace(fill, fillList.size() + 1).first;  // +1: fill 1 is the required gray125
            fillList.push_back(fill);
        }
        xfFontFill.emplace_back(fit->second, lit->second);
    }
    std::string x = kXmlDecl;
    x += "<styleSheet xmlns=\"";
    x += kMainNs;
    x += "\"><numFmts count=\"5\">";
    for (int k = 0; k < 5; ++k) {
        x += "<numFmt numFmtId=\"" + std::to_string(164 + k) + "\" formatCode=\"" +
             escapeAttr(numberFormatFor(static_cast<IsoShape>(k))) + "\"/>";
    }
    x += "</numFmts><fonts count=\"" + std::to_string(fontList.size()) + "\">";
    for (const auto& [color, bold] : fontList) {
        x += "<font>";
        if (bold)
            x += "<b/>";
        x += "<sz val=\"11\"/>";
        if (!color.empty())
            x += "<color rgb=\"" + color + "\"/>";
        x += "<name val=\"Calibri\"/><family val=\"2\"/></font>";
    }
    x += "</fonts><fills count=\"" + std::to_string(fillList.size() + 1) + "\">";
    x += "<fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill>";
    for (std::size_t i = 1; i < fillList.size(); ++i)
        x += "<fill><patternFill patternType=\"solid\"><fgColor rgb=\"" + fillList[i] + "\"/><bgColor indexed=\"64\"/></patternFill></fill>";
    x += "</fills><borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>";
    x += "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>";
    x += "<cellXfs count=\"" + std::to_string(_xfs.size()) + "\">";
    for (std::size_t i = 0; i < _xfs.size(); ++i) {
        const int fmt = _xfs[i].second;
        const std::string numFmtId = fmt == 0 ? "0" : std::to_string(163 + fmt);
        x += "<xf numFmtId=\"" + numFmtId + "\" fontId=\"" + std::to_string(xfFontFill[i].first) + "\" fillId=\"" +
             std::to_string(xfFontFill[i].second) + "\" borderId=\"0\" xfId=\"0\"";
        if (fmt != 0)
            x += " applyNumberFormat=\"1\"";
        if (xfFontFill[i].first != 0)
            x += " applyFont=\"1\"";
        if (xfFontFill[i].second != 0)
            x += " applyFill=\"1\"";
        x += "/>";
    }
    x += "</cellXfs><cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>";
    x += "<dxfs count=\"0\"/><tableStyles count=\"0\"/></styleSheet>";
    return x;
}

void WorkbookWriter::close() {
    if (_closed)
        return;
    if (_inSheet)
        endSheet();
    if (_sheets.empty()) {
        beginSheet("Sheet1", {});
        endSheet();
    }
    _closed = true;
    const std::string styles = stylesXml();  // after every sheet: headers add styles

    std::string ct = kXmlDecl;
    ct += "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
          "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
          "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
          "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
          "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
          "<Override PartName=\"/docProps/core.xml\" ContentType=\"application/vnd.openxmlformats-package.core-properties+xml\"/>"
          "<Override PartName=\"/docProps/app.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.extended-properties+xml\"/>";
    for (std::size_t i = 0; i < _sheets.size(); ++i)
        ct += "<Override PartName=\"/xl/worksheets/sheet" + std::to_string(i + 1) +
              ".xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>";
    ct += "</Types>";

    std::string rels = kXmlDecl;
    rels += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
            "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
            "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>"
            "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties\" Target=\"docProps/app.xml\"/>"
            "</Relationships>";

    std::string wb = kXmlDecl;
    wb += "<workbook xmlns=\"";
    wb += kMainNs;
    wb += "\" xmlns:r=\"";
    wb += kRelNs;
    wb += "\"><workbookPr date1904=\"0\"/><bookViews><workbookView activeTab=\"0\"/></bookViews><sheets>";
    for (std::size_t i = 0; i < _sheets.size(); ++i)
        wb += "<sheet name=\"" + escapeAttr(_sheets[i].name) + "\" sheetId=\"" + std::to_string(i + 1) + "\" r:id=\"rId" +
              std::to_string(i + 1) + "\"/>";
    wb += "</sheets>";
    if (_opt.autoFilter) {
        wb += "<definedNames>";
        for (std::size_t i = 0; i < _sheets.size(); ++i) {
            // The filter range is the one the sheet's <autoFilter> names.
            const std::string& tail = _sheets[i].tail;
            const std::size_t p = tail.find("<autoFilter ref=\"A1:");
            if (p == std::string::npos)
                continue;
            const std::size_t b = p + 20, e = tail.find('"', b);
            std::string last = tail.substr(b, e - b);
            std::size_t k = 0;
            while (k < last.size() && std::isalpha(static_cast<unsigned char>(last[k])))
                ++k;
            std::string quoted;
            for (char c : _sheets[i].name) {
                quoted += c;
                if (c == '\'')
                    quoted += '\'';
            }
            std::string ref = "'" + quoted + "'!$A$1:$" + last.substr(0, k) + "$" + last.substr(k);
            wb += "<definedName name=\"_xlnm._FilterDatabase\" localSheetId=\"" + std::to_string(i) + "\" hidden=\"1\">";
            appendXmlEscaped(wb, ref, false);
            wb += "</definedName>";
        }
        wb += "</definedNames>";
    }
    wb += "</workbook>";

    std::string wbRels = kXmlDecl;
    wbRels += "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">";
    for (std::size_t i = 0; i < _sheets.size(); ++i)
        wbRels += "<Relationship Id=\"rId" + std::to_string(i + 1) +
                  "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet" +
                  std::to_string(i + 1) + ".xml\"/>";
    wbRels += "<Relationship Id=\"rId" + std::to_string(_sheets.size() + 1) +
              "\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>";
    wbRels += "</Relationships>";

    std::string core = kXmlDecl;
    core += "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
            "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">";
    if (!_opt.title.empty()) {
        core += "<dc:title>";
        appendXmlEscaped(core, _opt.title, false);
        core += "</dc:title>";
    }
    if (!_opt.creator.empty()) {
        core += "<dc:creator>";
        appendXmlEscaped(core, _opt.creator, false);
        core += "</dc:creator>";
    }
    core += "</cp:coreProperties>";

    std::string app = kXmlDecl;
    app += "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\"><Application>";
    appendXmlEscaped(app, _opt.application, false);
    app += "</Application></Properties>";

    ZipWriter zip(_path);
    // zlib's usual level: libzip's default (9) spends 4x the time on sheet
    // XML for 3% smaller files.
    zip.setCompressionLevel(6);
    zip.addBytes("[Content_Types].xml", std::move(ct));
    zip.addBytes("_rels/.rels", std::move(rels));
    zip.addBytes("docProps/core.xml", std::move(core));
    zip.addBytes("docProps/app.xml", std::move(app));
    zip.addBytes("xl/workbook.xml", std::move(wb));
    zip.addBytes("xl/_rels/workbook.xml.rels", std::move(wbRels));
    zip.addBytes("xl/styles.xml", styles);
    for (std::size_t i = 0; i < _sheets.size(); ++i) {
        const Sheet& s = _sheets[i];
        std::ifstream probe(s.bodyPath, std::ios::binary | std::ios::ate);
        const auto bodySize = static_cast<std::uint64_t>(std::max<std::streamoff>(0, probe.tellg()));
        zip.addBlob("xl/worksheets/sheet" + std::to_string(i + 1) + ".xml",
                    std::make_shared<SheetBlob>(s.head, s.bodyPath, s.tail, bodySize));
    }
    zip.close();
}

} // namespace qdx::xlsx
