// Heat-map tables and SVG charts. Geometry is computed here, in CSS pixels;
// the SVGs scale down with their container (viewBox) and print as vectors.

#include "qdx/htmlkit/Charts.h"
#include "qdx/htmlkit/Html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace qdx::htmlkit {

namespace {

// Text on bins 1-6 is dark, on 7-9 white: at least 4.5:1 contrast (WCAG AA) both ways.
const char* const kFills[] = {"#ffffff", "#eaf1fa", "#d5e4f4", "#bcd3ec", "#a3c3e4",
                              "#86aedb", "#6a9bd0", "#3a6fae", "#1f589b", "#0e3c75"};
const char* const kDiagonal = "#e4e7ec";
const char* const kAccent = "#1f5fa8";

std::string number(double v, int decimals) {
    char b[64];
    std::snprintf(b, sizeof b, "%.*f", std::clamp(decimals, 0, 6), v);
    if (decimals == 0 && std::fabs(v) >= 1000) return grouped(static_cast<std::uint64_t>(std::llround(std::fabs(v)))).insert(0, v < 0 ? "-" : "");
    return b;
}

// SVG width and height attributes: whole pixels (validators want integers).
std::string whole(double v) { return std::to_string(static_cast<long long>(std::ceil(v))); }

std::string svgOpen(double width, double height, const std::string& title) {
    std::string w = whole(width), h = whole(height);
    std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"" + w + "\" height=\"" + h +
                      "\" viewBox=\"0 0 " + w + " " + h + "\" aria-label=\"";
    appendAttr(out, title);
    out += "\"><title>";
    appendAttr(out, title);  // SVG: no HTML markup inside
    out += "</title>\n";
    return out;
}

std::string px(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", v);
    std::string s = b;
    if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
    return s;
}

// Width of a label in px at `fontPx`, estimated (no font metrics without a
// browser): wide scripts count double.
double textWidth(std::string_view s, double fontPx) {
    double units = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) == 0x80) continue;
        units += c >= 0xE3 && c <= 0xED ? 1.9 : c < 0x80 && (c == 'm' || c == 'w' || (c >= 'A' && c <= 'Z')) ? 1.2 : 1.0;
    }
    return units * fontPx * 0.56;
}

void openLink(std::string& out, const std::string& href) {
    std::string h = safeFragment(href);
    if (!h.empty()) out += "<a href=\"" + h + "\">";
}
void closeLink(std::string& out, const std::string& href) {
    if (!safeFragment(href).empty()) out += "</a>";
}

double rowMax(const HeatMap& m, RowKind kind) {
    double mx = 0;
    for (const auto& r : m.rows)
        if (r.kind == kind)
            for (double v : r.values) mx = std::max(mx, v);
    return mx;
}

void heatHeader(std::string& out, const HeatMap& m) {
    out += "<thead><tr><th scope=\"col\">";
    appendText(out, m.corner);
    out += "</th>";
    for (const auto& c : m.columns) {
        out += m.rotateHeaders ? "<th scope=\"col\" class=\"rot\"" : "<th scope=\"col\"";
        if (!c.title.empty()) {
            out += " title=\"";
            appendAttr(out, c.title);
            out += "\"";
        }
        out += "><span>";
        openLink(out, c.href);
        out += "<bdi>";
        appendText(out, c.label);
        out += "</bdi>";
        closeLink(out, c.href);
        out += "</span></th>";
    }
    for (const auto& x : m.extraColumns) {
        out += "<th scope=\"col\" class=\"num\">";
        appendText(out, x);
        out += "</th>";
    }
    out += "</tr></thead>\n";
}

void heatRow(std::string& out, const HeatMap& m, const HeatRow& r, double plainMax, double aggMax) {
    int dep = std::clamp(r.depth, 0, kMaxTreeLevels);
    std::string cls = r.kind == RowKind::Aggregate ? "agg" : r.kind == RowKind::Total ? "tot" : "";
    if (r.kind != RowKind::Total && dep > 0) cls += std::string(cls.empty() ? "" : " ") + "dep" + std::to_string(dep);
    out += "<tr";
    if (!cls.empty()) out += " class=\"" + cls + "\"";
    if (!r.id.empty() && !safeFragment("#" + r.id).empty()) out += " id=\"" + r.id + "\"";
    if (r.kind != RowKind::Total) out += " data-depth=\"" + std::to_string(r.depth) + "\"";
    if (r.parent) out += " data-parent=\"1\"";
    out += "><th scope=\"row\"";
    out += " title=\"";
    appendAttr(out, r.label);
    out += "\">";
    if (r.kind != RowKind::Total) appendSwatch(out, r.colour);
    openLink(out, r.href);
    out += "<bdi>";
    appendText(out, r.label);
    out += "</bdi>";
    closeLink(out, r.href);
    if (!r.note.empty()) {
        out += " <span class=\"note\">";
        appendText(out, r.note);
        out += "</span>";
    }
    out += "</th>";
    double mx = m.scaleMax > 0 ? m.scaleMax : r.kind == RowKind::Aggregate ? aggMax : plainMax;
    for (std::size_t i = 0; i < m.columns.size(); ++i) {
        double v = i < r.values.size() ? r.values[i] : 0;
        int bin = r.kind == RowKind::Total ? 0 : heatBin(v, mx);
        out += bin > 0 ? "<td class=\"h" + std::to_string(bin) + "\">" : "<td>";
        if (v != 0 || !m.blankZeros) out += number(v, m.decimals);
        out += "</td>";
    }
    for (std::size_t i = 0; i < m.extraColumns.size(); ++i) {
        out += "<td class=\"num x\">";
        if (i < r.extra.size()) out += number(r.extra[i], m.decimals);
        out += "</td>";
    }
    out += "</tr>\n";
}

void levelControls(std::string& out, const HeatMap& m, int maxDepth) {
    std::string name = safeFragment("#" + m.id).empty() ? "hm" : m.id;
    out += "<span class=\"levels muted\">Show levels:</span>";
    int levels = std::min(maxDepth, kMaxTreeLevels - 1);
    for (int l = 1; l <= levels + 1; ++l) {
        bool all = l == levels + 1;
        std::string id = name + "-lv" + (all ? std::string("all") : std::to_string(l));
        out += "<input type=\"radio\" class=\"lv" + std::string(all ? "0" : std::to_string(l)) + "\" name=\"" + name +
               "-lv\" id=\"" + id + "\"" + (all ? " checked" : "") + "><label for=\"" + id + "\">" +
               (all ? std::string("all") : std::to_string(l)) + "</label>";
    }
}

} // namespace

int heatBin(double v, double max) {
    if (!(v > 0) || !(max > 0)) return 0;
    double f = std::sqrt(std::min(v / max, 1.0));
    return std::clamp(1 + static_cast<int>(std::floor(f * 8.999)), 1, 9);
}

const char* heatFill(int bin) { return kFills[std::clamp(bin, 0, 9)]; }

void appendHeatMap(std::string& out, const HeatMap& m) {
    int maxDepth = 0;
    for (const auto& r : m.rows) maxDepth = std::max(maxDepth, r.depth);
    // The level radios are siblings of the table's wrapper: the CSS rules
    // ".lvN:checked ~ .hm-wrap tr.depM" hide the deeper rows without a script.
    out += "<div class=\"heatmap\">";
    if (m.levelControls && maxDepth > 0) levelControls(out, m, maxDepth);
    out += "<div class=\"hm-wrap\"><table class=\"heat\"";
    if (!m.id.empty() && !safeFragment("#" + m.id).empty()) out += " id=\"" + m.id + "\"";
    out += ">";
    if (!m.caption.empty()) {
        out += "<caption>";
        appendText(out, m.caption);
        out += "</caption>";
    }
    heatHeader(out, m);
    out += "<tbody>\n";
    double plainMax = rowMax(m, RowKind::Plain), aggMax = rowMax(m, RowKind::Aggregate);
    for (const auto& r : m.rows) heatRow(out, m, r, plainMax, aggMax);
    out += "</tbody></table></div></div>\n";
}

// ---------------------------------------------------------------- bar chart

void appendBarChart(std::string& out, const BarChart& c) {
    const double rowH = 22, font = 12.5, gap = 8, valueRoom = 64;
    double labelW = 60;
    std::vector<std::string> labels;
    for (const auto& b : c.bars) {
        labels.push_back(shorten(b.label, 60));
        labelW = std::max(labelW, textWidth(labels.back(), font));
    }
    labelW = std::min(labelW, 400.0) + gap;
    double width = std::max<double>(c.width, labelW + 160);
    double barRoom = width - labelW - valueRoom;
    double mx = 0;
    for (const auto& b : c.bars) mx = std::max(mx, b.value);
    double height = rowH * static_cast<double>(c.bars.size()) + 6;
    out += svgOpen(width, height, c.title);
    for (std::size_t i = 0; i < c.bars.size(); ++i) {
        const Bar& b = c.bars[i];
        double y = rowH * static_cast<double>(i) + 3;
        double w = mx > 0 ? std::max(b.value > 0 ? 1.5 : 0.0, barRoom * b.value / mx) : 0;
        std::string fill = safeColour(b.colour);
        if (fill.empty()) fill = kAccent;
        out += "<g><title>";
        appendAttr(out, b.title.empty() ? b.label + ": " + number(b.value, c.decimals) : b.title);
        out += "</title><text x=\"" + px(labelW - gap) + "\" y=\"" + px(y + rowH / 2 + 4) + "\" font-size=\"" + px(font) +
               "\" text-anchor=\"end\" fill=\"#1c2230\">";
        appendAttr(out, labels[i]);
        out += "</text><rect x=\"" + px(labelW) + "\" y=\"" + px(y + 3) + "\" width=\"" + px(w) + "\" height=\"" +
               px(rowH - 6) + "\" rx=\"2\" fill=\"" + fill + "\"/><text x=\"" + px(labelW + w + 5) + "\" y=\"" +
               px(y + rowH / 2 + 4) + "\" font-size=\"" + px(font) + "\" fill=\"#1c2230\">" + number(b.value, c.decimals) +
               "</text></g>\n";
    }
    out += "</svg>\n";
}

// ---------------------------------------------------------------- square matrix

void appendSquareMatrix(std::string& out, const SquareMatrix& m) {
    const std::size_t n = m.labels.size();
    const double cell = 30, font = 12, gap = 8;
    double labelW = 40;
    std::vector<std::string> labels;
    for (const auto& l : m.labels) {
        labels.push_back(shorten(l, 34));
        labelW = std::max(labelW, textWidth(labels.back(), font));
    }
    labelW = std::min(labelW, 260.0) + gap;
    // Column labels run up at 45 degrees from the top of each column.
    double top = labelW * 0.72 + 10;
    double width = labelW + cell * static_cast<double>(n) + top * 0.75 + 10, height = top + cell * static_cast<double>(n) + 4;
    double mx = 0;
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t c = 0; c < n; ++c)
            if (r * n + c < m.values.size() && (r != c || !m.distinctDiagonal)) mx = std::max(mx, m.values[r * n + c]);
    out += svgOpen(width, height, m.title);
    for (std::size_t i = 0; i < n; ++i) {
        std::string colour = i < m.colours.size() ? safeColour(m.colours[i]) : std::string();
        double y = top + cell * static_cast<double>(i), x = labelW + cell * static_cast<double>(i);
        out += "<g><title>";
        appendAttr(out, m.labels[i]);
        out += "</title><text x=\"" + px(labelW - gap) + "\" y=\"" + px(y + cell / 2 + 4) + "\" font-size=\"" + px(font) +
               "\" text-anchor=\"end\" fill=\"#1c2230\">";
        appendAttr(out, labels[i]);
        out += "</text><text transform=\"translate(" + px(x + cell / 2 + 3) + "," + px(top - 6) +
               ") rotate(-45)\" font-size=\"" + px(font) + "\" fill=\"#1c2230\">";
        appendAttr(out, labels[i]);
        out += "</text>";
        if (!colour.empty())
            out += "<rect x=\"" + px(labelW - 5) + "\" y=\"" + px(y + 3) + "\" width=\"3\" height=\"" + px(cell - 6) +
                   "\" fill=\"" + colour + "\"/>";
        out += "</g>\n";
    }
    for (std::size_t r = 0; r < n; ++r)
        for (std::size_t c = 0; c < n; ++c) {
            double v = r * n + c < m.values.size() ? m.values[r * n + c] : 0;
            bool diag = r == c && m.distinctDiagonal;
            int bin = diag ? 0 : heatBin(v, mx);
            double x = labelW + cell * static_cast<double>(c), y = top + cell * static_cast<double>(r);
            out += "<g><title>";
            appendAttr(out, m.labels[r] + (r == c ? std::string() : " \xC3\x97 " + m.labels[c]) + ": " + number(v, m.decimals));
            out += "</title><rect x=\"" + px(x) + "\" y=\"" + px(y) + "\" width=\"" + px(cell - 1) + "\" height=\"" +
                   px(cell - 1) + "\" fill=\"" + (diag ? kDiagonal : heatFill(bin)) + "\"/>";
            if (v != 0)
                out += "<text x=\"" + px(x + cell / 2) + "\" y=\"" + px(y + cell / 2 + 4) + "\" font-size=\"" + px(font - 1) +
                       "\" text-anchor=\"middle\" fill=\"" + (bin >= 7 ? "#fff" : "#1c2230") + "\"" +
                       (diag ? " font-style=\"italic\"" : "") + ">" + number(v, m.decimals) + "</text>";
            out += "</g>\n";
        }
    out += "</svg>\n";
}

} // namespace qdx::htmlkit
