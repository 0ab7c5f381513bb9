#include "HtmlFormat.h"

#include "qdx/Errors.h"

#include <sstream>

namespace qdx::html {

namespace {

std::string allSections() {
    std::string s;
    for (const auto& n : sectionNames()) s += (s.empty() ? "" : ",") + n;
    return s;
}

std::size_t count(const Options& opts, const char* key) {
    long long v = opts.getInt(key);
    if (v < 0) throw UsageError(std::string("-o ") + key + " must be 0 (no limit) or more, not " + std::to_string(v));
    return static_cast<std::size_t>(v);
}

} // namespace

ReportOptions reportOptions(const Options& opts) {
    ReportOptions o;
    o.title = opts.get("title");
    std::string list = opts.get("sections");
    if (list.empty() || list == "all") list = allSections();
    std::istringstream in(list);
    for (std::string name; std::getline(in, name, ',');) {
        auto b = name.find_first_not_of(' '), e = name.find_last_not_of(' ');
        name = b == std::string::npos ? std::string() : name.substr(b, e - b + 1);
        if (name.empty()) continue;
        if (name == "all") {
            for (const auto& n : sectionNames()) o.sections.insert(n);
            continue;
        }
        bool known = false;
        for (const auto& n : sectionNames()) known = known || n == name;
        if (!known) throw UsageError("unknown section '" + name + "' in -o sections (sections: " + allSections() + ", or all)");
        o.sections.insert(name);
    }
    if (o.sections.empty()) throw UsageError("-o sections names no section (sections: " + allSections() + ", or all)");
    o.maxExcerpts = count(opts, "max-excerpts-per-theme");
    o.maxMatrixSources = count(opts, "max-matrix-sources");
    o.maxChartItems = count(opts, "max-chart-items");
    o.order = opts.get("theme-order") == "frequency" ? ThemeOrder::Frequency : ThemeOrder::Tree;
    return o;
}

FormatInfo HtmlFormatProvider::info() const {
    FormatInfo f;
    f.name = "html";
    f.aliases = {"report"};
    f.extensions = {"html", "htm"};
    f.mediaType = "text/html";
    f.description = "A report to read in any browser (write only): codebook, themes x sources matrix, charts, "
                    "every excerpt by theme, sources, memos, cases and losses in one self-contained page";
    f.canRead = false;
    f.canWrite = true;
    auto w = [](Support s, const char* note) { return SupportEntry{Support::None, s, note}; };
    f.support["project"] = w(Support::Full, "name, description, origin, who created it and when");
    f.support["users"] = w(Support::Full, "coders with their number of codings and dates");
    f.support["themes"] = w(Support::Full, "names, descriptions, codable or not, counts of codings and sources");
    f.support["theme-hierarchy"] = w(Support::Full, "the codebook, matrix and excerpts follow the tree");
    f.support["theme-colours"] = w(Support::Full, "swatches, bars and the quotes' margins");
    f.support["attributes"] = w(Support::Full, "definitions; values in the source and case tables");
    f.support["sources-text"] = w(Support::Partial, "named and described, with attributes and counts; the coded excerpts, not the whole text");
    f.support["sources-media"] = w(Support::Partial, "named and described; the media themselves are not embedded");
    f.support["excerpts-text"] = w(Support::Partial, "each quote in full, up to max-excerpts-per-theme per theme (0 = all)");
    f.support["excerpts-media"] = w(Support::Partial, "page and box, region or time span; no picture or clip");
    f.support["codings"] = w(Support::Full, "coder and date of each; counted per theme and source");
    f.support["memos"] = w(Support::Full, "text in full, author, date, what each is about");
    f.support["cases"] = w(Support::Full, "attributes, member sources, themes and excerpt counts");
    f.support["sets"] = w(Support::Full, "members linked");
    f.support["extensions"] = w(Support::None, "tool-specific data (ext) is not shown");
    f.options = {
        {"title", OptionType::String, "", "title of the page (default: the project's name)", {}, false, true},
        {"sections", OptionType::String, "all",
         "sections to include, comma-separated: " + allSections() + " (or all)", {}, false, true},
        {"max-excerpts-per-theme", OptionType::Int, "50",
         "excerpts listed in full per theme; the number left out is shown under the theme; 0 = all",
         {}, false, true},
        {"theme-order", OptionType::Choice, "tree",
         "order of themes: the codebook's (tree), or siblings by number of codings, most first (frequency)",
         {"tree", "frequency"}, false, true},
        {"max-matrix-sources", OptionType::Int, "100",
         "sources with a column of their own in the themes x sources matrix (the most coded; the rest summed); 0 = all",
         {}, false, true},
        {"max-chart-items", OptionType::Int, "30", "bars per chart and themes in the co-occurrence chart (the most coded); 0 = all",
         {}, false, true},
    };
    return f;
}

std::unique_ptr<Exporter> HtmlFormatProvider::createExporter() const { return std::make_unique<HtmlExporter>(); }

void HtmlExporter::write(const Project& p, const std::string& path, const Options& opts, Diagnostics& diag) {
    ReportOptions o = reportOptions(opts);
    // The sink arrives holding what reading the project reported (the core
    // passes the read diagnostics to every exporter): the Losses section lists
    // them. A copy, so that what this writer reports is not listed as read.
    const Diagnostics read = diag;
    ReportSummary s = writeReport(p, o, read, path);
    if (s.excerptsNotListed > 0)
        diag.lossy("lossy.html-excerpts-capped",
                   std::to_string(s.excerptsNotListed) + " excerpt listing(s) left out of the report (at most " +
                       std::to_string(o.maxExcerpts) + " per theme; " + std::to_string(s.themesCapped) +
                       " theme(s) capped); the page says how many under each",
                   {}, "-o max-excerpts-per-theme=0 lists every excerpt");
    if (s.matrixSourcesMerged > 0)
        diag.info("info.html-summary-capped", std::to_string(s.matrixSourcesMerged) +
                                                  " source(s) summed in one 'other sources' column of the matrix (-o max-matrix-sources)");
    if (s.chartItemsLeftOut > 0)
        diag.info("info.html-summary-capped",
                  std::to_string(s.chartItemsLeftOut) + " item(s) left out of the charts, which show the most coded (-o max-chart-items)");
    if (s.mediaSources > 0)
        diag.info("info.html-media-not-embedded", std::to_string(s.mediaSources) +
                                                      " source(s) with media or a document file are named in the report, not embedded");
}

} // namespace qdx::html
