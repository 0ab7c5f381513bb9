#include "XlsxReader.h"

#include "ExcelDates.h"

#include "qdx/Errors.h"
#include "qdx/Text.h"
#include "qdx/Xml.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>

namespace qdx::xlsx {

namespace {

const long long kMaxRows = 1048576;
const std::size_t kMaxCols = 16384;

bool endsWith(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool parseUnsigned(std::string_view s, unsigned long long& out) {
    if (s.empty() || s.size() > 18)
        return false;
    unsigned long long v = 0;
    for (char c : s) {
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    out = v;
    return true;
}

bool isTrue(const std::string* v) { return v && (*v == "1" || *v == "true"); }

// Resolves a relationship target against the folder of its source part.
std::string resolveTarget(const std::string& baseDir, const std::string& target) {
    std::string path = !target.empty() && target[0] == '/' ? target.substr(1) : baseDir + target;
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t slash = path.find('/', start);
        const std::string part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
        if (part == "..") {
            if (!parts.empty())
                parts.pop_back();
        } else if (!part.empty() && part != ".") {
            parts.push_back(part);
        }
        if (slash == std::string::npos)
            break;
        start = slash + 1;
    }
    std::string out;
    for (const std::string& p : parts) {
        if (!out.empty())
            out += '/';
        out += p;
    }
    return out;
}

std::string dirOf(const std::string& part) {
    const std::size_t slash = part.rfind('/');
    return slash == std::string::npos ? std::string() : part.substr(0, slash + 1);
}

// The 64 colours of the default indexed palette (BIFF8), as RRGGBB.
const char* const kIndexedPalette[64] = {
    "000000", "FFFFFF", "FF0000", "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF", "000000", "FFFFFF", "FF0000",
    "00FF00", "0000FF", "FFFF00", "FF00FF", "00FFFF", "800000", "008000", "000080", "808000", "800080", "008080",
    "C0C0C0", "808080", "9999FF", "993366", "FFFFCC", "CCFFFF", "660066", "FF8080", "0066CC", "CCCCFF", "000080",
    "FF00FF", "FFFF00", "00FFFF", "800080", "800000", "008080", "0000FF", "00CCFF", "CCFFFF", "CCFFCC", "FFFF99",
    "99CCFF", "FF99CC", "CC99FF", "FFCC99", "3366FF", "33CCCC", "99CC00", "FFCC00", "FF9900", "FF6600", "666699",
    "969696", "003366", "339966", "003300", "333300", "993300", "993366", "333399", "333333"};

// Applies an Excel tint (-1..1) to an RRGGBB colour through HSL lightness.
std::string applyTint(const std::string& rgb, double tint) {
    if (tint == 0 || rgb.size() != 6)
        return rgb;
    double c[3];
    for (int i = 0; i < 3; ++i)
        c[i] = (hexValue(rgb[2 * i]) * 16 + hexValue(rgb[2 * i + 1])) / 255.0;
    const double mx = std::max({c[0], c[1], c[2]}), mn = std::min({c[0], c[1], c[2]});
    double h = 0, s = 0, l = (mx + mn) / 2;
    if (mx != mn) {
        const double d = mx - mn;
        s = l > 0.5 ? d / (2 - mx - mn) : d / (mx + mn);
        if (mx == c[0])
            h = (c[1] - c[2]) / d + (c[1] < c[2] ? 6 : 0);
        else if (mx == c[1])
            h = (c[2] - c[0]) / d + 2;
        else
            h = (c[0] - c[1]) / d + 4;
        h /= 6;
    }
    l = tint < 0 ? l * (1 + tint) : l * (1 - tint) + tint;
    const auto hue = [](double p, double q, double t) {
        if (t < 0)
            t += 1;
        if (t > 1)
            t -= 1;
        if (t < 1.0 / 6)
            return p + (q - p) * 6 * t;
        if (t < 0.5)
            return q;
        if (t < 2.0 / 3)
            return p + (q - p) * (2.0 / 3 - t) * 6;
        return p;
    };
    double r = l, g = l, b = l;
    if (s != 0) {
        const double q = l < 0.5 ? l * (1 + s) : l + s - l * s, p = 2 * l - q;
        r = hue(p, q, h + 1.0 / 3);
        g = hue(p, q, h);
        b = hue(p, q, h - 1.0 / 3);
    }
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (double v : {r, g, b}) {
        const int n = std::clamp(static_cast<int>(std::lround(v * 255)), 0, 255);
        out += hex[n >> 4];
        out += hex[n & 15];
    }
    return out;
}

/// A colour as found in styles.xml, resolved later (the theme may come after).
struct ColorRef {
    std::string rgb;  // RRGGBB
    int theme = -1;
    int indexed = -1;
    double tint = 0;
    bool automatic = false;
    bool set = false;
};

ColorRef readColor(const XmlAttributes& a) {
    ColorRef c;
    c.set = true;
    if (const std::string* v = a.get("rgb")) {
        std::string s = *v;
        if (s.size() == 8)
            s = s.substr(2);  // drop alpha
        if (s.size() == 6 && std::all_of(s.begin(), s.end(), [](char ch) { return hexValue(ch) >= 0; })) {
            for (char& ch : s)
                ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            c.rgb = s;
        }
    }
    if (const std::string* v = a.get("theme"))
        c.theme = std::atoi(v->c_str());
    if (const std::string* v = a.get("indexed"))
        c.indexed = std::atoi(v->c_str());
    if (const std::string* v = a.get("tint"))
        c.tint = std::strtod(v->c_str(), nullptr);
    if (isTrue(a.get("auto")))
        c.automatic = true;
    return c;
}

struct Font {
    ColorRef color;
    bool bold = false;
};
struct Fill {
    std::string pattern;
    ColorRef fg;
};
struct Xf {
    int numFmt = 0;
    std::size_t font = 0;
    std::size_t fill = 0;
};
struct ResolvedStyle {
    DateFormatInfo date;
    std::string fontColor, fillColor;  // "#RRGGBB"
    bool bold = false;
};

/// Base for the small part handlers: collects text of one element.
class Collector : public XmlHandler {
protected:
    std::string _text;
    bool _collect = false;
    void characters(std::string_view t) override {
        if (_collect)
            _text.append(t.data(), t.size());
    }
};

class RelsHandler final : public XmlHandler {
public:
    struct Rel {
        std::string type, target;
        bool external = false;
    };
    std::map<std::string, Rel> rels;
    void startElement(std::string_view, std::string_view local, const XmlAttributes& a) override {
        if (local != "Relationship")
            return;
        const std::string* id = a.get("Id");
        const std::string* type = a.get("Type");
        const std::string* target = a.get("Target");
        const std::string* mode = a.get("TargetMode");
        if (id && type && target)
            rels[*id] = Rel{*type, *target, mode && *mode == "External"};
    }
    void endElement(std::string_view, std::string_view) override {}
    void characters(std::string_view) override {}
};

class WorkbookHandler final : public XmlHandler {
public:
    struct Sheet {
        std::string name, rid, state;
    };
    std::vector<Sheet> sheets;
    bool date1904 = false;
    void startElement(std::string_view, std::string_view local, const XmlAttributes& a) override {
        if (local == "sheet") {
            Sheet s;
            if (const std::string* v = a.get("name"))
                s.name = *v;
            if (const std::string* v = a.get("id"))
                s.rid = *v;
            if (const std::string* v = a.get("state"))
                s.state = *v;
            sheets.push_back(std::move(s));
        } else if (local == "workbookPr") {
            date1904 = isTrue(a.get("date1904"));
        }
    }
    void endElement(std::string_view, std::string_view) override {}
    void characters(std::string_view) override {}
};

class SharedStringsHandler final : public Collector {
public:
    SharedStringsHandler(std::vector<std::string>& out, std::uint64_t maxCount, const Location& where)
        : _out(out), _max(maxCount), _where(where) {}
    void startElement(std::string_view, std::string_view local, const XmlAttributes&) override {
        if (local == "si") {
            _inSi = true;
            _text.clear();
        } else if (local == "rPh") {
            ++_phonetic;
        } else if (local == "t" && _inSi && _phonetic == 0) {
            _collect = true;
        }
    }
    void endElement(std::string_view, std::string_view local) override {
        if (local == "t") {
            _collect = false;
        } else if (local == "rPh") {
            --_phonetic;
        } else if (local == "si") {
            if (_out.size() >= _max)
                throw LimitError(_where, "more than " + std::to_string(_max) + " shared strings");
            _out.push_back(decodeOoxmlEscapes(_text));
            _inSi = false;
        }
    }

private:
    std::vector<std::string>& _out;
    std::uint64_t _max;
    Location _where;
    bool _inSi = false;
    int _phonetic = 0;
};

class StylesHandler final : public XmlHandler {
public:
    std::map<int, std::string> numFmts;
    std::vector<Font> fonts;
    std::vector<Fill> fills;
    std::vector<Xf> xfs;
    std::vector<std::string> indexed;  // custom palette
    void startElement(std::string_view, std::string_view local, const XmlAttributes& a) override {
        if (local == "numFmt") {
            const std::string* id = a.get("numFmtId");
            const std::string* code = a.get("formatCode");
            if (id && code)
                numFmts[std::atoi(id->c_str())] = *code;
        } else if (local == "fonts") {
            _in = In::Fonts;
        } else if (local == "fills") {
            _in = In::Fills;
        } else if (local == "cellXfs") {
            _in = In::CellXfs;
        } else if (local == "cellStyleXfs" || local == "dxfs" || local == "cellStyles") {
            _in = In::Other;
        } else if (local == "indexedColors") {
            _in = In::Palette;
        } else if (local == "font" && _in == In::Fonts) {
            fonts.emplace_back();
        } else if (local == "fill" && _in == In::Fills) {
            fills.emplace_back();
        } else if (local == "patternFill" && _in == In::Fills && !fills.empty()) {
            const std::string* t = a.get("patternType");
            fills.back().pattern = t ? *t : "none";
        } else if (local == "fgColor" && _in == In::Fills && !fills.empty()) {
            fills.back().fg = readColor(a);
        } else if (local == "color" && _in == In::Fonts && !fonts.empty()) {
            fonts.back().color = readColor(a);
        } else if (local == "b" && _in == In::Fonts && !fonts.empty()) {
            const std::string* v = a.get("val");
            fonts.back().bold = !v || isTrue(v);
        } else if (local == "xf" && _in == In::CellXfs) {
            Xf x;
            if (const std::string* v = a.get("numFmtId"))
                x.numFmt = std::atoi(v->c_str());
            if (const std::string* v = a.get("fontId"))
                x.font = static_cast<std::size_t>(std::strtoul(v->c_str(), nullptr, 10));
            if (const std::string* v = a.get("fillId"))
                x.fill = static_cast<std::size_t>(std::strtoul(v->c_str(), nullptr, 10));
            xfs.push_back(x);
        } else if (local == "rgbColor" && _in == In::Palette) {
            ColorRef c = readColor(a);
            indexed.push_back(c.rgb);
        }
    }
    void endElement(std::string_view, std::string_view local) override {
        if (local == "fonts" || local == "fills" || local == "cellXfs" || local == "cellStyleXfs" || local == "dxfs" ||
            local == "cellStyles" || local == "indexedColors")
            _in = In::None;
    }
    void characters(std::string_view) override {}

private:
    enum class In { None, Fonts, Fills, CellXfs, Palette, Other } _in = In::None;
};

class ThemeHandler final : public XmlHandler {
public:
    std::vector<std::string> scheme;  // dk1 lt1 dk2 lt2 accent1..6 hlink folHlink
    void startElement(std::string_view, std::string_view local, const XmlAttributes& a) override {
        if (local == "clrScheme") {
            _inScheme = true;
            return;
        }
        if (!_inScheme)
            return;
        static const char* names[] = {"dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3",
                                      "accent4", "accent5", "accent6", "hlink", "folHlink"};
        for (int i = 0; i < 12; ++i)
            if (local == names[i]) {
                _slot = i;
                if (scheme.size() < 12)
                    scheme.resize(12);
            }
        if (_slot >= 0 && (local == "srgbClr" || local == "sysClr")) {
            const std::string* v = a.get(local == "srgbClr" ? "val" : "lastClr");
            if (v && v->size() == 6)
                scheme[static_cast<std::size_t>(_slot)] = *v;
        }
    }
    void endElement(std::string_view, std::string_view local) override {
        if (local == "clrScheme")
            _inScheme = false;
        else if (local.size() >= 3 && _slot >= 0 && (local == "dk1" || local == "lt1" || local == "dk2" || local == "lt2" ||
                                                     local.substr(0, 6) == "accent" || local == "hlink" || local == "folHlink"))
            _slot = -1;
    }
    void characters(std::string_view) override {}

private:
    bool _inScheme = false;
    int _slot = -1;
};

class AppHandler final : public Collector {
public:
    std::string application;
    void startElement(std::string_view, std::string_view local, const XmlAttributes&) override {
        if (local == "Application") {
            _collect = true;
            _text.clear();
        }
    }
    void endElement(std::string_view, std::string_view local) override {
        if (local == "Application") {
            application = _text;
            _collect = false;
        }
    }
};

} // namespace

struct WorkbookReader::Impl {
    Input input;
    Diagnostics& diag;
    ReaderLimits limits;
    std::shared_ptr<ZipReader> zip;
    std::vector<std::string> strings;
    std::vector<ResolvedStyle> styles;
    bool date1904 = false;

    Impl(const Input& in, Diagnostics& d, ReaderLimits l) : input(in), diag(d), limits(std::move(l)) {}

    Location at(const std::string& member) const {
        Location w;
        w.file = input.name();
        w.member = member;
        return w;
    }

    const ZipReader::Entry* entry(const std::string& member) const { return zip->find(member); }

    void parsePart(const std::string& member, XmlHandler& h) const {
        const ZipReader::Entry* e = entry(member);
        if (!e)
            throw InputError(at(member), "missing part of the workbook");
        if (e->size > limits.maxPartBytes)
            throw LimitError(at(member), "part of " + std::to_string(e->size) + " bytes exceeds the limit of " +
                                             std::to_string(limits.maxPartBytes));
        std::unique_ptr<std::istream> s = zip->openStream(*e);
        XmlLimits xl;
        xl.maxDepth = limits.maxDepth;
        xl.maxBytes = limits.maxPartBytes;
        parseXml(*s, h, at(member), xl);
    }

    std::map<std::string, RelsHandler::Rel> rels(const std::string& part) const {
        const std::string relsPath = dirOf(part) + "_rels/" + part.substr(dirOf(part).size()) + ".rels";
        RelsHandler h;
        if (entry(relsPath))
            parsePart(relsPath, h);
        return h.rels;
    }

    std::string resolveColor(const ColorRef& c, const std::vector<std::string>& theme, const std::vector<std::string>& palette,
                             bool forFill) const {
        if (!c.set || c.automatic)
            return {};
        std::string rgb;
        if (!c.rgb.empty()) {
            rgb = c.rgb;
        } else if (c.theme >= 0) {
            static const int order[] = {1, 0, 3, 2, 4, 5, 6, 7, 8, 9, 10, 11};
            if (c.theme < 12 && static_cast<std::size_t>(order[c.theme]) < theme.size())
                rgb = theme[static_cast<std::size_t>(order[c.theme])];
        } else if (c.indexed >= 0) {
            if (c.indexed >= 64)
                return {};  // system foreground/background: the default
            if (static_cast<std::size_t>(c.indexed) < palette.size() && !palette[static_cast<std::size_t>(c.indexed)].empty())
                rgb = palette[static_cast<std::size_t>(c.indexed)];
            else
                rgb = kIndexedPalette[c.indexed];
        }
        if (rgb.empty())
            return {};
        rgb = applyTint(rgb, c.tint);
        (void)forFill;
        return "#" + rgb;
    }
};

WorkbookReader::WorkbookReader(const Input& in, Diagnostics& diag, ReaderLimits limits)
    : _impl(std::make_unique<Impl>(in, diag, std::move(limits))) {
    Impl& im = *_impl;
    im.zip = ZipReader::open(in, im.limits.zip);

    // The workbook part, from the package relationships.
    std::string workbook;
    {
        RelsHandler h;
        if (im.entry("_rels/.rels"))
            im.parsePart("_rels/.rels", h);
        for (const auto& [id, rel] : h.rels)
            if (endsWith(rel.type, "/officeDocument") && !rel.external)
                workbook = resolveTarget("", rel.target);
        if (workbook.empty() || !im.entry(workbook)) {
            if (!im.entry("xl/workbook.xml"))
                throw InputError(im.at(""), "not an Excel workbook: no xl/workbook.xml and no officeDocument relationship");
            workbook = "xl/workbook.xml";
        }
    }
    WorkbookHandler wb;
    im.parsePart(workbook, wb);
    _date1904 = im.date1904 = wb.date1904;
    const std::map<std::string, RelsHandler::Rel> rels = im.rels(workbook);
    const std::string base = dirOf(workbook);
    std::string stringsPart, stylesPart, themePart;
    for (const auto& [id, rel] : rels) {
        if (rel.external)
            continue;
        if (endsWith(rel.type, "/sharedStrings"))
            stringsPart = resolveTarget(base, rel.target);
        else if (endsWith(rel.type, "/styles"))
            stylesPart = resolveTarget(base, rel.target);
        else if (endsWith(rel.type, "/theme"))
            themePart = resolveTarget(base, rel.target);
    }
    for (const WorkbookHandler::Sheet& s : wb.sheets) {
        SheetInfo info;
        info.name = s.name;
        info.hidden = s.state == "hidden" || s.state == "veryHidden";
        auto it = rels.find(s.rid);
        if (it == rels.end() || it->second.external) {
            im.diag.skipped("skipped.xlsx-sheet-missing", "sheet '" + s.name + "' has no part in the workbook; it is ignored", {}, {},
                            im.at(workbook));
            continue;
        }
        info.member = resolveTarget(base, it->second.target);
        info.worksheet = endsWith(it->second.type, "/worksheet");
        _sheets.push_back(std::move(info));
    }

    // Shared strings.
    if (!stringsPart.empty() && im.entry(stringsPart)) {
        SharedStringsHandler h(im.strings, im.limits.maxSharedStrings, im.at(stringsPart));
        im.parsePart(stringsPart, h);
    }
    // Theme colours, then styles.
    std::vector<std::string> theme;
    if (!themePart.empty() && im.entry(themePart)) {
        ThemeHandler h;
        im.parsePart(themePart, h);
        theme = h.scheme;
    }
    if (!stylesPart.empty() && im.entry(stylesPart)) {
        StylesHandler h;
        im.parsePart(stylesPart, h);
        for (const Xf& x : h.xfs) {
            ResolvedStyle r;
            auto nf = h.numFmts.find(x.numFmt);
            r.date = classifyNumberFormat(x.numFmt, nf == h.numFmts.end() ? std::string_view() : std::string_view(nf->second));
            if (nf != h.numFmts.end() && x.numFmt < 164 && x.numFmt != 14 && x.numFmt != 22) {
                // A redefined built-in id: its code decides.
                r.date = classifyNumberFormat(0, nf->second);
            }
            if (x.font < h.fonts.size()) {
                r.fontColor = im.resolveColor(h.fonts[x.font].color, theme, h.indexed, false);
                r.bold = h.fonts[x.font].bold;
            }
            if (x.fill < h.fills.size() && !h.fills[x.fill].pattern.empty() && h.fills[x.fill].pattern != "none")
                r.fillColor = im.resolveColor(h.fills[x.fill].fg, theme, h.indexed, true);
            im.styles.push_back(std::move(r));
        }
    }
    if (im.entry("docProps/app.xml")) {
        AppHandler h;
        try {
            im.parsePart("docProps/app.xml", h);
            _application = h.application;
        } catch (const InputError& e) {
            im.diag.info("info.xlsx-app-properties", std::string("docProps/app.xml ignored: ") + e.what(), {}, im.at("docProps/app.xml"));
        }
    }
}

WorkbookReader::~WorkbookReader() = default;

namespace {

class SheetHandler final : public XmlHandler {
public:
    SheetHandler(const WorkbookReader::Impl& im, const Location& where, const std::function<void(ReadRow&&)>& sink)
        : _im(im), _where(where), _sink(sink) {}

    std::uint64_t formulas = 0, formulasWithoutValue = 0, badStyles = 0, badStrings = 0;

    void startElement(std::string_view, std::string_view local, const XmlAttributes& a) override {
        if (local == "sheetData") {
            _inData = true;
        } else if (!_inData) {
            return;
        } else if (local == "row") {
            long long r = _row.number + 1;
            if (const std::string* v = a.get("r")) {
                unsigned long long n = 0;
                if (!parseUnsigned(*v, n) || n == 0 || n > static_cast<unsigned long long>(kMaxRows))
                    throw InputError(where(r, 0), "row number '" + v->substr(0, 20) + "' is not between 1 and 1048576");
                r = static_cast<long long>(n);
            }
            if (r > kMaxRows)
                throw InputError(where(r, 0), "more than 1048576 rows");
            _row.number = r;
            _row.cells.clear();
            _col = 0;
            _nextCol = 0;
        } else if (local == "c") {
            std::size_t col = _nextCol;
            if (const std::string* ref = a.get("r")) {
                long long row = 0;
                if (!parseCellRef(*ref, col, row))
                    throw InputError(where(_row.number, 0), "malformed cell reference '" + ref->substr(0, 20) + "'");
            }
            if (col >= kMaxCols)
                throw InputError(where(_row.number, 0), "cell beyond column XFD (16384)");
            _col = col;
            _nextCol = col + 1;
            const std::string* t = a.get("t");
            _type = t ? *t : std::string();
            _style = 0;
            if (const std::string* s = a.get("s")) {
                _style = static_cast<std::size_t>(std::strtoull(s->c_str(), nullptr, 10));
                if (_style >= _im.styles.size()) {
                    if (!_im.styles.empty() || _style != 0)
                        ++badStyles;
                    _style = 0;
                }
            }
            _value.clear();
            _inline.clear();
            _formula = false;
            _inCell = true;
        } else if (!_inCell) {
            return;
        } else if (local == "v") {
            _in = In::V;
        } else if (local == "f") {
            _formula = true;
            _in = In::None;
        } else if (local == "rPh") {
            ++_phonetic;
        } else if (local == "t" && _phonetic == 0) {
            _in = In::T;
        }
    }

    void endElement(std::string_view, std::string_view local) override {
        if (local == "sheetData") {
            _inData = false;
        } else if (!_inData) {
            return;
        } else if (local == "v" || local == "t") {
            _in = In::None;
        } else if (local == "rPh") {
            --_phonetic;
        } else if (local == "c" && _inCell) {
            _inCell = false;
            finishCell();
        } else if (local == "row") {
            if (!_row.cells.empty())
                _sink(std::move(_row));
            _row.cells.clear();
        }
    }

    void characters(std::string_view text) override {
        if (_in == In::V)
            _value.append(text.data(), text.size());
        else if (_in == In::T)
            _inline.append(text.data(), text.size());
    }

private:
    Location where(long long row, std::size_t col) const {
        Location w = _where;
        w.line = row;
        w.column = static_cast<long long>(col) + 1;
        return w;
    }

    void finishCell() {
        ReadCell cell;
        const ResolvedStyle* st = _style < _im.styles.size() ? &_im.styles[_style] : nullptr;
        if (_formula) {
            ++formulas;
            cell.formula = true;
        }
        if (_type == "s") {
            unsigned long long idx = 0;
            if (!parseUnsigned(_value, idx) || idx >= _im.strings.size()) {
                ++badStrings;
                return;
            }
            cell.kind = CellKind::Text;
            cell.text = _im.strings[idx];
        } else if (_type == "inlineStr") {
            cell.kind = CellKind::Text;
            cell.text = decodeOoxmlEscapes(_inline);
        } else if (_type == "str") {
            cell.kind = CellKind::Text;
            cell.text = decodeOoxmlEscapes(_value);
        } else if (_type == "b") {
            if (_value.empty()) {
                if (_formula)
                    ++formulasWithoutValue;
                return;
            }
            cell.kind = CellKind::Boolean;
            cell.text = _value == "1" || _value == "true" ? "true" : "false";
        } else if (_type == "e") {
            cell.kind = CellKind::Error;
            cell.text = _value;
        } else if (_type == "d") {
            cell.kind = CellKind::Date;
            cell.text = _value;
        } else {
            if (_value.empty()) {
                if (_formula)
                    ++formulasWithoutValue;
                return;  // a styled empty cell
            }
            const std::optional<double> v = parseNumber(_value);
            if (!v)
                throw InputError(where(_row.number, _col), "numeric cell holds '" + _value.substr(0, 40) + "'");
            std::optional<std::string> iso;
            if (st && st->date.isDate)
                iso = serialToIso(*v, _im.date1904, st->date);
            if (iso) {
                cell.kind = CellKind::Date;
                cell.text = std::move(*iso);
            } else {
                cell.kind = CellKind::Number;
                cell.text = formatNumber(*v);
            }
        }
        if (cell.kind == CellKind::Text && cell.text.empty() && !_formula)
            return;
        if (st) {
            cell.fontColor = st->fontColor;
            cell.fillColor = st->fillColor;
            cell.bold = st->bold;
        }
        if (_row.cells.size() <= _col)
            _row.cells.resize(_col + 1);
        _row.cells[_col] = std::move(cell);
    }

    const WorkbookReader::Impl& _im;
    Location _where;
    const std::function<void(ReadRow&&)>& _sink;
    bool _inData = false, _inCell = false, _formula = false;
    enum class In { None, V, T } _in = In::None;
    int _phonetic = 0;
    ReadRow _row;
    std::size_t _col = 0, _nextCol = 0, _style = 0;
    std::string _type, _value, _inline;
};

} // namespace

void WorkbookReader::readSheet(std::size_t index, const std::function<void(ReadRow&&)>& sink) {
    const Impl& im = *_impl;
    const SheetInfo& info = _sheets.at(index);
    Location where = im.at(info.member);
    if (!info.worksheet)
        return;
    SheetHandler h(im, where, sink);
    im.parsePart(info.member, h);
    where.member = info.member + " (sheet '" + info.name + "')";
    if (h.formulas)
        im.diag.info("info.xlsx-formula-cached",
                     std::to_string(h.formulas) + " formula cell(s) in sheet '" + info.name +
                         "' read as their cached values; formulas are never evaluated",
                     {}, where);
    if (h.formulasWithoutValue)
        im.diag.lossy("lossy.xlsx-formula-no-value",
                      std::to_string(h.formulasWithoutValue) + " formula cell(s) in sheet '" + info.name +
                          "' have no cached value and are read as empty (formulas are never evaluated)",
                      {}, "open and save the file in a spreadsheet program to store the values", where);
    if (h.badStyles)
        im.diag.report({Severity::Lossy, "quirk.xlsx-bad-style", {}, where,
                        std::to_string(h.badStyles) + " cell(s) in sheet '" + info.name + "' name a style that does not exist",
                        {}});
    if (h.badStrings)
        im.diag.report({Severity::Lossy, "quirk.xlsx-bad-shared-string", {}, where,
                        std::to_string(h.badStrings) + " cell(s) in sheet '" + info.name +
                            "' name a shared string that does not exist; read as empty",
                        {}});
}

std::vector<ReadRow> WorkbookReader::readSheet(std::size_t index) {
    std::vector<ReadRow> rows;
    readSheet(index, [&](ReadRow&& r) { rows.push_back(std::move(r)); });
    return rows;
}

std::string decodeOoxmlEscapes(std::string_view s) {
    if (s.find("_x") == std::string_view::npos && s.find("_X") == std::string_view::npos)
        return std::string(s);
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    const auto escapeAt = [&](std::size_t p, unsigned& cp) {
        if (p + 7 > s.size() || s[p] != '_' || (s[p + 1] != 'x' && s[p + 1] != 'X') || s[p + 6] != '_')
            return false;
        unsigned v = 0;
        for (std::size_t k = p + 2; k < p + 6; ++k) {
            const int h = hexValue(s[k]);
            if (h < 0)
                return false;
            v = v * 16 + static_cast<unsigned>(h);
        }
        cp = v;
        return true;
    };
    while (i < s.size()) {
        unsigned cp = 0;
        if (s[i] == '_' && escapeAt(i, cp)) {
            i += 7;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                unsigned lo = 0;
                if (escapeAt(i, lo) && lo >= 0xDC00 && lo <= 0xDFFF) {
                    i += 7;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            text::appendUtf8(out, static_cast<char32_t>(cp));
        } else {
            out += s[i++];
        }
    }
    return out;
}

bool parseCellRef(std::string_view ref, std::size_t& col, long long& row) {
    std::size_t i = 0;
    std::size_t c = 0;
    while (i < ref.size() && ref[i] == '$')
        ++i;
    const std::size_t letters = i;
    while (i < ref.size() && std::isalpha(static_cast<unsigned char>(ref[i]))) {
        c = c * 26 + static_cast<std::size_t>(std::toupper(static_cast<unsigned char>(ref[i])) - 'A' + 1);
        if (c > kMaxCols)
            return false;
        ++i;
    }
    if (i == letters)
        return false;
    if (i < ref.size() && ref[i] == '$')
        ++i;
    unsigned long long r = 0;
    if (!parseUnsigned(ref.substr(i), r) || r == 0)
        return false;
    col = c - 1;
    row = static_cast<long long>(r);
    return true;
}

} // namespace qdx::xlsx
