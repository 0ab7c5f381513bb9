#pragma once
/// Tables and charts for self-contained pages: a heat-map table whose rows
/// follow a tree (collapsible to any level), horizontal bar charts and a
/// square matrix as inline SVG. Every label is plain text (escaped here);
/// links (tables only: validators do not know links inside SVG) are
/// same-page fragments, others are dropped; colours go through safeColour().
/// The numbers are always printed, not only coloured.

#include <string>
#include <vector>

namespace qdx::htmlkit {

/// Heat bins: 0 for nothing, 1..9 growing with v/max (square-root scale, so
/// that small counts stay visible beside a large one).
int heatBin(double v, double max);
/// The fill colour of a bin (the same as the .h1 .. .h9 classes of baseCss()).
const char* heatFill(int bin);
/// Depth of tree rows that the level controls and CSS distinguish; deeper
/// rows collapse with this level.
inline constexpr int kMaxTreeLevels = 8;

// ---------------------------------------------------------------- heat-map table

struct HeatColumn {
    std::string label;  ///< plain text (shown rotated when HeatMap::rotateHeaders)
    std::string href;   ///< fragment link of the header, or ""
    std::string title;  ///< tooltip, or ""
};

enum class RowKind {
    Plain,      ///< its own numbers
    Aggregate,  ///< a parent: the sum of its subtree (coloured on its own scale, bold)
    Total,      ///< a closing total row (not coloured)
};

struct HeatRow {
    std::string label;        ///< plain text
    std::string note;         ///< plain text after the label, muted (e.g. "coded at this level")
    std::string href;         ///< fragment link of the label, or ""
    std::string colour;       ///< swatch before the label, or ""
    std::string id;           ///< element id (letters, digits, - and _), or ""
    int depth = 0;            ///< 0 = top level
    bool parent = false;      ///< has rows below it (a collapse toggle with the script)
    RowKind kind = RowKind::Plain;
    std::vector<double> values;  ///< one per column; missing = 0
    std::vector<double> extra;   ///< the trailing columns (not coloured)
};

struct HeatMap {
    std::string id;                        ///< unique on the page; names the level controls
    std::string caption;                   ///< plain text
    std::string corner;                    ///< header of the label column
    std::vector<HeatColumn> columns;
    std::vector<std::string> extraColumns; ///< headers of trailing columns ("Total")
    std::vector<HeatRow> rows;
    int decimals = 0;                      ///< digits after the point
    bool blankZeros = true;                ///< an empty cell for 0
    bool rotateHeaders = true;
    double scaleMax = 0;                   ///< 0: each row kind is scaled to its own maximum
    bool levelControls = true;             ///< "show levels 1, 2, … all" (CSS only, no script needed)
};

/// Appends the table (in a horizontally scrolling wrapper) and, when the
/// rows are more than one level deep, its level controls.
void appendHeatMap(std::string& out, const HeatMap& m);

// ---------------------------------------------------------------- SVG charts

struct Bar {
    std::string label;   ///< plain text (shortened in the chart; whole in the tooltip)
    double value = 0;
    std::string colour;  ///< "#RRGGBB" or "" for the page's accent colour
    std::string title;   ///< tooltip; default "label: value"
};

struct BarChart {
    std::string title;   ///< plain text: <title> and aria-label of the SVG
    std::vector<Bar> bars;
    int decimals = 0;
    int width = 760;     ///< SVG width in CSS pixels
};

/// A horizontal bar chart, one bar per line, value printed after each bar.
void appendBarChart(std::string& out, const BarChart& c);

struct SquareMatrix {
    std::string title;                 ///< plain text
    std::vector<std::string> labels;   ///< n labels, plain text
    std::vector<std::string> colours;  ///< n swatches, or empty
    std::vector<double> values;        ///< n*n, row-major
    bool distinctDiagonal = true;      ///< diagonal cells grey, not on the colour scale
    int decimals = 0;
};

/// A square heat map (e.g. co-occurrence) as SVG, numbers in the cells.
void appendSquareMatrix(std::string& out, const SquareMatrix& m);

} // namespace qdx::htmlkit
