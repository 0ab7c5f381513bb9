// The report page: skeleton, helpers, and the summary sections (overview,
// codebook, matrix, charts). The listings are in Sections.cpp.

#include "PageWriter.h"

#include "qdx/htmlkit/Charts.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace qdx::html {

namespace {

using htmlkit::grouped;

// Report-specific styles, after htmlkit's base stylesheet.
const char* const kReportCss = R"CSS(
.theme-block,.src-block,.memo{content-visibility:auto;contain-intrinsic-size:auto 500px}
.theme-block{margin:1.4rem 0 0;border-top:1px solid var(--line);padding-top:.2rem}
.theme-block>h3{margin:.6rem 0 .1rem}
.theme-block>details>summary{margin-left:1.1rem}
.theme-desc{color:var(--muted);font-size:.88rem;margin:.1rem 0 .4rem 1.1rem;max-width:60rem}
.path{color:var(--muted);font-weight:400}
h3.group{font-size:1.2rem;margin:2.2rem 0 .2rem;color:var(--muted);font-weight:600;text-transform:none}
.quote{margin:.8rem 0 .8rem 1.1rem;padding:.6rem 1rem .5rem;border-left:4px solid var(--qc,#9aa6b8);background:var(--soft);border-radius:0 6px 6px 0;max-width:60rem}
.quote blockquote{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font-family:Georgia,"DejaVu Serif","Liberation Serif","Times New Roman",serif;font-size:1.02rem;line-height:1.55}
.quote blockquote.media{font-family:inherit;color:var(--muted);font-style:italic}
.quote footer{font-size:.82rem;color:var(--muted);margin-top:.4rem}
.quote footer a{font-weight:500}
.quote .note{font-size:.82rem;color:var(--muted);margin:.25rem 0 0}
.more{color:var(--muted);font-style:italic;margin:.6rem 0 0 1.1rem}
.src-block{margin:.25rem 0}
.src-block>summary{padding:.15rem 0}
ol.src-index{margin:.3rem 0 .8rem;padding-left:2.2rem;font-size:.88rem}
ol.src-index li{margin:.15rem 0}
.snip{color:var(--muted)}
.memo{border:1px solid var(--line);border-radius:8px;padding:.2rem 1.1rem .8rem;margin:.9rem 0;max-width:62rem}
.memo h3{margin:.7rem 0 .2rem}
.meta{font-size:.85rem;color:var(--muted);margin:.1rem 0 .5rem}
.sev{font-weight:600;text-transform:uppercase;font-size:.75rem;letter-spacing:.03em}
.sev-lossy{color:#8a4b00}.sev-skipped,.sev-fatal{color:#a40000}.sev-info{color:var(--muted)}
code{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.86em}
.ok{color:#1b6e35}
table.data td{overflow-wrap:break-word}
table.data td.nw{white-space:nowrap}
table.data tr.has-note>td,table.data tr.has-note>th{border-bottom:0;padding-bottom:.1rem}
table.data tr.note-row>td{font-size:.84rem;color:var(--muted);padding-top:0;line-height:1.45}
table.data .desc{font-weight:400;font-size:.86rem;color:var(--muted)}
footer.page{margin:3rem 2.5rem 2rem;color:var(--muted);font-size:.85rem;border-top:1px solid var(--line);padding-top:.8rem}
@media print{.theme-block,.src-block,.memo{content-visibility:visible}.quote{break-inside:avoid}footer.page{margin:2rem 0 0}}
)CSS";

const char* sectionTitle(const std::string& s) {
    static const std::map<std::string, const char*> k{
        {"overview", "Overview"}, {"codebook", "Codebook"}, {"matrix", "Themes \xC3\x97 sources"},
        {"charts", "Charts"},     {"excerpts", "Excerpts"}, {"sources", "Sources"},
        {"memos", "Memos"},       {"cases", "Cases and sets"}, {"losses", "Losses"}};
    auto it = k.find(s);
    return it == k.end() ? "" : it->second;
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
    return grouped(n) + " " + (n == 1 ? one : many);
}

} // namespace

PageWriter::PageWriter(const Project& p, const ReportOptions& o, const ReportData& d, const Diagnostics& read,
                       htmlkit::FileSink& sink)
    : _p(p), _o(o), _d(d), _read(read), _sink(sink) {
    auto index = [](IdIndex<std::size_t>& idx, const auto& items) {
        idx.reserve(items.size());
        for (std::size_t i = 0; i < items.size(); ++i)
            if (!items[i].id.empty()) idx.emplace(items[i].id, i);  // the first of duplicate ids wins
    };
    index(_attributeIndex, p.attributes);
    index(_excerptIndex, p.excerpts);
    index(_caseIndex, p.cases);
    index(_memoIndex, p.memos);
    _textIndex.resize(p.sources.size());
}

ReportSummary PageWriter::write() {
    htmlkit::PageOptions page;
    page.title = _o.title.empty() ? (_p.name.empty() ? std::string("Coded project") : _p.name) : _o.title;
    page.generator = "qdx";
    page.extraCss = kReportCss;
    const std::vector<std::string> scripts{htmlkit::baseScript()};
    htmlkit::beginPage(o(), page, scripts);
    header();
    nav();
    o() += "<main>\n";
    using Section = void (PageWriter::*)();
    const std::map<std::string, Section> parts{{"overview", &PageWriter::overview}, {"codebook", &PageWriter::codebook},
                                               {"matrix", &PageWriter::matrix},     {"charts", &PageWriter::charts},
                                               {"excerpts", &PageWriter::excerpts}, {"sources", &PageWriter::sources},
                                               {"memos", &PageWriter::memos},       {"cases", &PageWriter::cases},
                                               {"losses", &PageWriter::losses}};
    for (const auto& name : sectionNames())
        if (_o.sections.count(name)) {
            (this->*parts.at(name))();
            flush();
        }
    o() += "</main>\n<footer class=\"page\">Written by qdx from the project";
    if (!_p.origin.empty()) {
        o() += " made with <bdi>";
        esc(_p.origin);
        o() += "</bdi>";
    }
    o() += ". Positions of text excerpts count Unicode characters (code points) from 0, the end excluded. "
           "This page is self-contained: it loads nothing and needs no script to be read.</footer>\n";
    htmlkit::endPage(o(), scripts);
    return _summary;
}

// ---------------------------------------------------------------- helpers

void PageWriter::sectionStart(const char* id, const char* title, const std::string& lead) {
    o() += "<section class=\"part\" id=\"" + std::string(id) + "\">\n<h2>";
    esc(title);
    o() += "</h2>\n";
    if (!lead.empty()) {
        o() += "<p class=\"lead\">";
        esc(lead);
        o() += "</p>\n";
    }
}

void PageWriter::link(const std::string& href, std::string_view label) {
    std::string h = htmlkit::safeFragment(href);
    if (!h.empty()) o() += "<a href=\"" + h + "\">";
    o() += "<bdi>";
    esc(label);
    o() += "</bdi>";
    if (!h.empty()) o() += "</a>";
}

void PageWriter::swatch(const std::string& colour) { htmlkit::appendSwatch(o(), colour); }

std::string PageWriter::themeHref(std::size_t t) const {
    if (_o.has("codebook")) return "#t" + std::to_string(t);
    return themeExcerptsHref(t);
}

std::string PageWriter::themeExcerptsHref(std::size_t t) const {
    return _o.has("excerpts") && _d.subtreeCodings[t] > 0 ? "#tx" + std::to_string(t) : std::string();
}

std::string PageWriter::sourceHref(std::size_t s) const {
    return _o.has("sources") && s != kNone ? "#s" + std::to_string(s) : std::string();
}

std::string PageWriter::excerptHref(std::size_t k) const {
    std::size_t t = _d.excerptAnchor[k];
    return t == kNone ? std::string() : "#x" + std::to_string(k) + "-" + std::to_string(t);
}

std::string PageWriter::themePath(std::size_t t) const {
    std::vector<std::size_t> chain;
    for (std::size_t x = _d.parent[t]; x != kNone; x = _d.parent[x]) chain.push_back(x);
    std::string path;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) path += _p.themes[*it].name + " \xE2\x80\xBA ";
    return path;
}

void PageWriter::pathSpan(std::size_t t) {
    std::string path = themePath(t);
    if (path.empty()) return;
    o() += "<span class=\"path\">";
    esc(path);
    o() += "</span>";
}

std::string PageWriter::userName(const std::string& id) const {
    if (id.empty()) return {};
    const std::size_t* u = _d.userIndex.find(id);
    return u && !_p.users[*u].name.empty() ? _p.users[*u].name : id;
}

void PageWriter::dateTag(const std::string& iso) {
    // The date part is shown; the whole value as the tooltip.
    if (iso.empty()) return;
    std::string shown = iso.size() > 10 && iso[10] == 'T' ? iso.substr(0, 10) : iso;
    o() += "<time title=\"";
    escAttr(iso);
    o() += "\">";
    esc(shown);
    o() += "</time>";
}

// ---------------------------------------------------------------- header, overview

void PageWriter::header() {
    std::string title = _o.title.empty() ? (_p.name.empty() ? std::string("Coded project") : _p.name) : _o.title;
    o() += "<header class=\"top\">\n<h1><bdi>";
    esc(title);
    o() += "</bdi></h1>\n";
    if (!_o.title.empty() && !_p.name.empty()) {
        o() += "<p><bdi>";
        esc(_p.name);
        o() += "</bdi></p>\n";
    }
    o() += "<p>" + plural(_p.sources.size(), "source", "sources") + " \xC2\xB7 " +
           plural(_p.excerpts.size(), "excerpt", "excerpts") + " \xC2\xB7 " +
           plural(_p.codingCount(), "coding", "codings") + " \xC2\xB7 " + plural(_p.themes.size(), "theme", "themes");
    if (!_p.origin.empty()) {
        o() += " \xC2\xB7 from <bdi>";
        esc(_p.origin);
        o() += "</bdi>";
    }
    o() += "</p>\n</header>\n";
}

void PageWriter::nav() {
    o() += "<nav class=\"toc\" aria-label=\"Sections\">";
    for (const auto& s : sectionNames()) {
        if (!_o.sections.count(s)) continue;
        o() += "<a href=\"#" + s + "\">" + htmlkit::text(sectionTitle(s));
        if (s == "losses") {
            std::size_t n = _read.count(Severity::Lossy) + _read.count(Severity::Skipped);
            if (n > 0) o() += " (" + grouped(n) + ")";
        }
        o() += "</a>";
    }
    o() += "</nav>\n";
}

void PageWriter::overview() {
    sectionStart("overview", "Overview", {});
    if (!_p.description.empty()) {
        o() += "<p class=\"lead pre\" dir=\"auto\">";
        esc(_p.description);
        o() += "</p>\n";
    }
    std::map<std::string, std::size_t> kinds;
    for (const auto& s : _p.sources) kinds[toString(s.kind)]++;
    std::string byKind;
    for (const auto& [k, n] : kinds) byKind += (byKind.empty() ? "" : ", ") + grouped(n) + " " + k;
    auto card = [&](std::uint64_t n, const char* what, const std::string& sub) {
        o() += "<div class=\"card\"><b>" + grouped(n) + "</b><span>" + what;
        if (!sub.empty()) o() += " (" + htmlkit::text(sub) + ")";
        o() += "</span></div>";
    };
    o() += "<div class=\"cards\">";
    card(_p.sources.size(), "sources", kinds.size() > 1 ? byKind : std::string());
    card(_p.excerpts.size(), "excerpts", {});
    card(_p.codingCount(), "codings", {});
    card(_p.themes.size(), "themes", {});
    card(_p.memos.size(), "memos", {});
    card(_p.cases.size(), "cases", {});
    card(_p.users.size(), "coders", {});
    o() += "</div>\n";
    if (!_p.origin.empty() || !_p.audit.empty()) {
        o() += "<p class=\"muted\">";
        if (!_p.origin.empty()) {
            o() += "Made with <bdi>";
            esc(_p.origin);
            o() += "</bdi>. ";
        }
        if (!_p.audit.creator.empty() || !_p.audit.created.empty()) {
            o() += "Created";
            if (!_p.audit.creator.empty()) o() += " by <bdi>" + htmlkit::text(userName(_p.audit.creator)) + "</bdi>";
            if (!_p.audit.created.empty()) {
                o() += " on ";
                dateTag(_p.audit.created);
            }
            o() += ". ";
        }
        if (!_p.audit.modified.empty()) {
            o() += "Last changed on ";
            dateTag(_p.audit.modified);
            o() += ".";
        }
        o() += "</p>\n";
    }
    // Who coded what: codings by coder (the coding's creator, else the excerpt's).
    struct Stats {
        std::uint64_t codings = 0;
        std::string first, last;
    };
    std::map<std::string, Stats> coders;
    for (const auto& e : _p.excerpts)
        for (const auto& c : e.codings) {
            Stats& s = coders[userName(c.creator.empty() ? e.audit.creator : c.creator)];
            ++s.codings;
            const std::string& when = c.created.empty() ? e.audit.created : c.created;
            if (!when.empty() && (s.first.empty() || when < s.first)) s.first = when;
            if (when > s.last) s.last = when;
        }
    if (!coders.empty()) {
        o() += "<h3>Coders</h3>\n<table class=\"data\"><thead><tr><th scope=\"col\">Coder</th><th scope=\"col\" "
               "class=\"num\">Codings</th><th scope=\"col\">First coding</th><th scope=\"col\">Last coding</th></tr></thead><tbody>\n";
        for (const auto& [name, s] : coders) {
            o() += "<tr><td><bdi>";
            esc(name.empty() ? std::string("(not recorded)") : name);
            o() += "</bdi></td><td class=\"num\">" + grouped(s.codings) + "</td><td>";
            dateTag(s.first);
            o() += "</td><td>";
            dateTag(s.last);
            o() += "</td></tr>\n";
        }
        o() += "</tbody></table>\n";
    }
    if (!_p.attributes.empty()) {
        o() += "<h3>Attributes</h3>\n<table class=\"data\"><thead><tr><th scope=\"col\">Attribute</th><th scope=\"col\">"
               "Type</th><th scope=\"col\">Description</th></tr></thead><tbody>\n";
        for (const auto& at : _p.attributes) {
            o() += "<tr><td><bdi>";
            esc(at.name);
            o() += "</bdi></td><td>" + std::string(toString(at.type)) + "</td><td class=\"desc pre\" dir=\"auto\">";
            esc(at.description);
            o() += "</td></tr>\n";
        }
        o() += "</tbody></table>\n";
    }
    sectionEnd();
}

// ---------------------------------------------------------------- codebook

void PageWriter::codebook() {
    sectionStart("codebook", "Codebook",
                 "The themes in their tree, with the number of codings and of sources coded with each. "
                 "\xCE\xA3: the theme together with all its sub-themes.");
    if (_p.themes.empty()) {
        o() += "<p class=\"muted\">The project has no themes.</p>\n";
        sectionEnd();
        return;
    }
    o() += "<table class=\"data\" id=\"codebook-table\"><thead><tr><th scope=\"col\">Theme</th><th scope=\"col\">"
           "Description</th><th scope=\"col\" class=\"num\">Codings</th><th scope=\"col\" class=\"num\">Sources</th>"
           "</tr></thead><tbody>\n";
    for (std::size_t i : _d.order) {
        const Theme& th = _p.themes[i];
        bool parent = !_d.children[i].empty();
        int dep = std::min(_d.depth[i], htmlkit::kMaxTreeLevels);
        o() += "<tr id=\"t" + std::to_string(i) + "\"" + (dep > 0 ? " class=\"dep" + std::to_string(dep) + "\"" : "") +
               " data-depth=\"" + std::to_string(_d.depth[i]) + "\"" + (parent ? " data-parent=\"1\"" : "") +
               "><th scope=\"row\">";
        swatch(th.color);
        link(themeExcerptsHref(i), th.name);
        if (!th.codable) o() += " <span class=\"tag\">category</span>";
        o() += "</th><td class=\"desc pre\" dir=\"auto\">";
        esc(th.description);
        o() += "</td><td class=\"num\">" + grouped(_d.codings[i]);
        if (parent) o() += "<br><span class=\"muted\" title=\"with its sub-themes\">\xCE\xA3 " + grouped(_d.subtreeCodings[i]) + "</span>";
        o() += "</td><td class=\"num\">" + grouped(_d.row[i].size());
        if (parent) o() += "<br><span class=\"muted\" title=\"with its sub-themes\">\xCE\xA3 " + grouped(_d.subtree(i).size()) + "</span>";
        o() += "</td></tr>\n";
        flush();
    }
    o() += "</tbody></table>\n";
    sectionEnd();
}

// ---------------------------------------------------------------- matrix

void PageWriter::matrix() {
    sectionStart("matrix", "Themes \xC3\x97 sources",
                 "The number of codings of each theme in each source. Rows follow the codebook; a row with "
                 "sub-themes (bold) holds the total of its subtree, and its own codings, if any, are on the row "
                 "\xE2\x80\x9C" "coded at this level\xE2\x80\x9D below it. An empty cell is none.");
    const std::size_t ns = _p.sources.size();
    std::vector<std::size_t> column(ns, kNone);  // source -> matrix column (kNone = merged into "other")
    std::vector<std::size_t> shown(ns);
    for (std::size_t s = 0; s < ns; ++s) shown[s] = s;
    if (_o.maxMatrixSources > 0 && ns > _o.maxMatrixSources) {
        std::stable_sort(shown.begin(), shown.end(), [&](std::size_t a, std::size_t b) { return _d.sourceCodings[a] > _d.sourceCodings[b]; });
        shown.resize(_o.maxMatrixSources);
        std::sort(shown.begin(), shown.end());
    }
    htmlkit::HeatMap m;
    m.id = "matrix-table";
    m.corner = "Theme";
    for (std::size_t c = 0; c < shown.size(); ++c) {
        std::size_t s = shown[c];
        column[s] = c;
        m.columns.push_back({_p.sources[s].name, sourceHref(s), _p.sources[s].name + ": " + plural(_d.sourceCodings[s], "coding", "codings")});
    }
    std::size_t merged = ns - shown.size();
    if (merged > 0) {
        m.columns.push_back({"Other sources (" + grouped(merged) + ")", {}, "the sources not shown, summed"});
        _summary.matrixSourcesMerged = merged;
    }
    m.extraColumns = {"Total", "Sources"};
    auto values = [&](const std::vector<Cell>& cells, htmlkit::HeatRow& r) {
        r.values.assign(m.columns.size(), 0);
        double total = 0;
        for (const Cell& c : cells) {
            std::size_t col = column[c.source] == kNone ? m.columns.size() - 1 : column[c.source];
            r.values[col] += static_cast<double>(c.n);
            total += static_cast<double>(c.n);
        }
        r.extra = {total, static_cast<double>(cells.size())};
    };
    for (std::size_t i : _d.order) {
        const Theme& th = _p.themes[i];
        htmlkit::HeatRow r;
        r.label = th.name;
        r.href = themeExcerptsHref(i);
        r.colour = th.color;
        r.id = "tm" + std::to_string(i);
        r.depth = _d.depth[i];
        r.parent = !_d.children[i].empty();
        r.kind = r.parent ? htmlkit::RowKind::Aggregate : htmlkit::RowKind::Plain;
        values(_d.subtree(i), r);
        m.rows.push_back(std::move(r));
        if (!_d.children[i].empty() && !_d.row[i].empty()) {
            htmlkit::HeatRow own;
            own.label = th.name;
            own.note = "coded at this level";
            own.href = themeExcerptsHref(i);
            own.colour = th.color;
            own.depth = _d.depth[i] + 1;
            values(_d.row[i], own);
            m.rows.push_back(std::move(own));
        }
    }
    htmlkit::HeatRow total;
    total.label = "All themes";
    total.kind = htmlkit::RowKind::Total;
    total.values.assign(m.columns.size(), 0);
    double sum = 0, withCodings = 0;
    for (std::size_t s = 0; s < ns; ++s) {
        std::size_t col = column[s] == kNone ? m.columns.size() - 1 : column[s];
        total.values[col] += static_cast<double>(_d.sourceCodings[s]);
        sum += static_cast<double>(_d.sourceCodings[s]);
        if (_d.sourceCodings[s] > 0) ++withCodings;
    }
    total.extra = {sum, withCodings};
    m.rows.push_back(std::move(total));
    htmlkit::appendHeatMap(o(), m);
    if (merged > 0)
        o() += "<p class=\"muted small\">The " + grouped(shown.size()) + " sources with the most codings have a column each; the other " +
               grouped(merged) + " are summed in the last column (-o max-matrix-sources=0 shows every source).</p>\n";
    if (_d.unknownSource > 0)
        o() += "<p class=\"muted small\">" + plural(_d.unknownSource, "coding is", "codings are") +
               " of excerpts whose source is not in the project and are not in the matrix.</p>\n";
    sectionEnd();
}

// ---------------------------------------------------------------- charts

void PageWriter::charts() {
    sectionStart("charts", "Charts", {});
    auto capNote = [&](std::size_t shownN, std::size_t all, const char* what) {
        if (shownN >= all) return;
        _summary.chartItemsLeftOut += all - shownN;
        o() += "<p class=\"muted small\">Showing the " + grouped(shownN) + " " + what + " with the most codings, of " +
               grouped(all) + " (-o max-chart-items=0 shows all).</p>\n";
    };
    // Codings per theme, in the codebook's order; with a cap, the most coded.
    std::vector<std::size_t> themes;
    for (std::size_t i : _d.order)
        if (_d.codings[i] > 0) themes.push_back(i);
    std::size_t allThemes = themes.size();
    if (_o.maxChartItems > 0 && themes.size() > _o.maxChartItems) {
        std::vector<std::size_t> top = themes;
        std::stable_sort(top.begin(), top.end(), [&](std::size_t a, std::size_t b) { return _d.codings[a] > _d.codings[b]; });
        top.resize(_o.maxChartItems);
        std::sort(top.begin(), top.end());
        themes.erase(std::remove_if(themes.begin(), themes.end(), [&](std::size_t i) { return !std::binary_search(top.begin(), top.end(), i); }),
                     themes.end());
    }
    htmlkit::BarChart bars;
    bars.title = "Codings per theme";
    for (std::size_t i : themes)
        bars.bars.push_back({_p.themes[i].name, static_cast<double>(_d.codings[i]), _p.themes[i].color,
                             themePath(i) + _p.themes[i].name + ": " + plural(_d.codings[i], "coding", "codings")});
    o() += "<figure class=\"chart\" id=\"chart-themes\"><figcaption>Codings per theme</figcaption>\n";
    if (bars.bars.empty()) o() += "<p class=\"muted\">No codings.</p>";
    else htmlkit::appendBarChart(o(), bars);
    capNote(themes.size(), allThemes, "themes");
    o() += "</figure>\n";

    o() += "<figure class=\"chart\" id=\"chart-cooccurrence\"><figcaption>Theme co-occurrence: excerpts coded with both themes "
           "(diagonal, in grey: excerpts coded with the theme; excerpts of the same span of a source count once)</figcaption>\n";
    std::size_t coded = 0;
    for (std::size_t i = 0; i < _p.themes.size(); ++i) coded += _d.excerptCount[i] > 0;
    if (_d.coThemes.size() < 2) {
        o() += "<p class=\"muted\">Fewer than two themes are coded: nothing co-occurs.</p>";
    } else {
        htmlkit::SquareMatrix sq;
        sq.title = "Theme co-occurrence";
        for (std::size_t i : _d.coThemes) {
            sq.labels.push_back(_p.themes[i].name);
            sq.colours.push_back(_p.themes[i].color);
        }
        sq.values = _d.coCounts;
        htmlkit::appendSquareMatrix(o(), sq);
    }
    capNote(_d.coThemes.size(), coded, "themes");
    o() += "</figure>\n";

    std::vector<std::size_t> srcs;
    for (std::size_t s = 0; s < _p.sources.size(); ++s)
        if (_d.sourceCodings[s] > 0) srcs.push_back(s);
    std::size_t allSources = srcs.size();
    if (_o.maxChartItems > 0 && srcs.size() > _o.maxChartItems) {
        std::stable_sort(srcs.begin(), srcs.end(), [&](std::size_t a, std::size_t b) { return _d.sourceCodings[a] > _d.sourceCodings[b]; });
        srcs.resize(_o.maxChartItems);
        std::sort(srcs.begin(), srcs.end());
    }
    htmlkit::BarChart sb;
    sb.title = "Codings per source";
    for (std::size_t s : srcs)
        sb.bars.push_back({_p.sources[s].name, static_cast<double>(_d.sourceCodings[s]), {},
                           _p.sources[s].name + ": " + plural(_d.sourceCodings[s], "coding", "codings")});
    o() += "<figure class=\"chart\" id=\"chart-sources\"><figcaption>Codings per source</figcaption>\n";
    if (sb.bars.empty()) o() += "<p class=\"muted\">No codings.</p>";
    else htmlkit::appendBarChart(o(), sb);
    capNote(srcs.size(), allSources, "sources");
    o() += "</figure>\n";
    sectionEnd();
}

} // namespace qdx::html
