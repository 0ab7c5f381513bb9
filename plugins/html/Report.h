#pragma once
/// The project report: what it shows (ReportOptions), the numbers computed
/// once from a project (analyse), and the page written from both
/// (writeReport). The HTML and SVG building blocks are in qdx_htmlkit.

#include "qdx/Diagnostics.h"
#include "qdx/IdIndex.h"
#include "qdx/Model.h"

#include <cstdint>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace qdx::html {

inline constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

enum class ThemeOrder {
    Tree,       ///< the codebook's order
    Frequency,  ///< siblings by codings in their subtree, most first
};

/// The sections of the report, in page order.
const std::vector<std::string>& sectionNames();

struct ReportOptions {
    std::string title;                  ///< "" = the project's name
    std::set<std::string> sections;     ///< of sectionNames()
    std::size_t maxExcerpts = 50;       ///< listed in full per theme; 0 = all
    std::size_t maxMatrixSources = 100; ///< matrix columns; the rest are summed in one; 0 = all
    std::size_t maxChartItems = 30;     ///< bars and co-occurrence themes; 0 = all
    ThemeOrder order = ThemeOrder::Tree;
    bool has(const char* section) const { return sections.count(section) != 0; }
};

/// Codings of one theme in one source.
struct Cell {
    std::size_t source = 0;
    std::uint64_t n = 0;
};

/// One coding of a theme, as listed under it.
struct Hit {
    std::size_t excerpt = 0;
    std::size_t coding = 0;  ///< index into the excerpt's codings
};

/// Everything the report counts, computed once.
struct ReportData {
    IdIndex<std::size_t> themeIndex, sourceIndex, userIndex;

    // The theme tree: dangling parents and cycles are cut (the theme becomes a root).
    std::vector<std::size_t> parent;
    std::vector<std::vector<std::size_t>> children;
    std::vector<int> depth;
    std::vector<std::size_t> order;  ///< preorder in the chosen order

    std::vector<std::uint64_t> codings;          ///< direct codings per theme
    std::vector<std::uint64_t> subtreeCodings;   ///< the theme and all below it
    std::vector<std::uint64_t> excerptCount;     ///< distinct excerpts coded with the theme
    std::vector<std::vector<Cell>> row;          ///< direct codings per source, by source index
    std::vector<std::vector<Cell>> subtreeRow;   ///< the same for the subtree (parents only; else empty)
    std::vector<std::vector<Hit>> hits;          ///< per theme, in reading order (source, position)

    std::vector<std::uint64_t> sourceCodings;    ///< codings with a known theme, per source
    std::vector<std::vector<std::size_t>> sourceExcerpts;  ///< excerpt indices per source, in position order
    std::vector<std::size_t> excerptSource;      ///< source index per excerpt, or kNone

    std::uint64_t totalCodings = 0;              ///< with a known theme and source
    std::uint64_t unknownTheme = 0;              ///< codings whose theme is not in the codebook
    std::uint64_t unknownSource = 0;             ///< codings of excerpts whose source is missing

    /// Co-occurrence: the most used themes and, for each pair, the excerpts
    /// coded with both (diagonal: with the theme). Excerpts of one source with
    /// the same anchor count as one; excerpts of unknown sources not at all.
    std::vector<std::size_t> coThemes;
    std::vector<double> coCounts;

    /// The theme under whose listing an excerpt is shown first (its anchor), or kNone.
    std::vector<std::size_t> excerptAnchor;

    const std::vector<Cell>& subtree(std::size_t t) const { return children[t].empty() ? row[t] : subtreeRow[t]; }
};

/// Counts everything the report shows. `p` must outlive the result (the id
/// indexes are views of its strings).
ReportData analyse(const Project& p, const ReportOptions& o);

/// What was left out of the page, for the writer's diagnostics.
struct ReportSummary {
    std::uint64_t excerptsNotListed = 0;   ///< listings left out by the per-theme cap
    std::size_t themesCapped = 0;
    std::size_t matrixSourcesMerged = 0;
    std::size_t chartItemsLeftOut = 0;
    std::size_t mediaSources = 0;          ///< sources whose media are named, not embedded
};

/// Writes the page to `path`. `read` holds what qdx reported while reading
/// the project (the Losses section lists it, with the project's own
/// inconsistencies found by validateProject()).
ReportSummary writeReport(const Project& p, const ReportOptions& o, const Diagnostics& read, const std::string& path);

} // namespace qdx::html
