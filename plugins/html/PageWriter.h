#pragma once
/// The report page, section by section (internal to the html plugin).
/// Every text from the project goes through esc()/escAttr() (htmlkit escaping);
/// every link is to an element this page holds (the helpers return "" for a
/// section that is left out, and nothing is linked then).

#include "Report.h"

#include "qdx/Text.h"
#include "qdx/htmlkit/Html.h"

#include <memory>
#include <string>
#include <string_view>

namespace qdx::html {

class PageWriter {
public:
    PageWriter(const Project& p, const ReportOptions& o, const ReportData& d, const Diagnostics& read,
               htmlkit::FileSink& sink);
    ReportSummary write();

private:
    // sections (PageWriter.cpp)
    void header();
    void nav();
    void overview();
    void codebook();
    void matrix();
    void charts();
    // sections (Sections.cpp)
    void excerpts();
    void themeBlock(std::size_t t);
    void listing(std::size_t t, const Hit* first, const Hit* last);
    void sources();
    void sourceIndex();
    void memos();
    void cases();
    void sets();
    void losses();
    void diagnosticTable(const std::vector<Diagnostic>& items, const std::map<std::string, std::size_t>& counts);

    // helpers (PageWriter.cpp)
    std::string& o() { return _sink.buf(); }
    void esc(std::string_view s) { htmlkit::appendText(_sink.buf(), s); }
    void escAttr(std::string_view s) { htmlkit::appendAttr(_sink.buf(), s); }
    void flush() { _sink.flushIfLarge(); }
    void sectionStart(const char* id, const char* title, const std::string& lead);
    void sectionEnd() { o() += "</section>\n"; }
    void link(const std::string& href, std::string_view label);  ///< <a><bdi>label</bdi></a>, or the label alone
    void swatch(const std::string& colour);
    std::string themeHref(std::size_t t) const;
    std::string themeExcerptsHref(std::size_t t) const;
    std::string sourceHref(std::size_t s) const;
    std::string excerptHref(std::size_t k) const;
    std::string themePath(std::size_t t) const;  ///< "Grandparent › Parent › " (the cut tree)
    void pathSpan(std::size_t t);                ///< themePath() muted, when there is one
    std::string userName(const std::string& id) const;
    std::string_view quoteOf(std::size_t k);
    std::string positionOf(std::size_t k) const;
    void dateTag(const std::string& iso);
    void targetLinks(const std::vector<std::string>& ids, bool withKind);  ///< "theme X, source Y" or "X, Y"
    void noteRow(const std::string& note, std::size_t skip, std::size_t span);
    void valuesCells(const std::vector<AttributeValue>& values, const std::vector<std::size_t>& columns);

    const Project& _p;
    const ReportOptions& _o;
    const ReportData& _d;
    const Diagnostics& _read;
    htmlkit::FileSink& _sink;
    ReportSummary _summary;
    IdIndex<std::size_t> _attributeIndex, _excerptIndex, _caseIndex, _memoIndex;  ///< for memo and set targets
    std::vector<std::unique_ptr<text::CodePointIndex>> _textIndex;  ///< per source, built on demand
};

} // namespace qdx::html
