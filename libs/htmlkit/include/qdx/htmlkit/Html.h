#pragma once
/// Building blocks of self-contained HTML pages (static library qdx_htmlkit):
/// escaping of untrusted text, the page skeleton with its stylesheet and a
/// Content-Security-Policy, and a buffered file sink. Tables and charts are
/// in Charts.h. Used by the `html` format (the project report); meant for
/// every other page qdx writes (agreement reports, the local web page).
///
/// Everything that comes from a project is untrusted text: it only ever
/// enters a page through appendText()/appendAttr(), which escape markup,
/// show control characters as visible symbols and neutralise the Unicode
/// bidirectional controls (a right-to-left override in a quote must not
/// reorder the page around it). Links are same-page fragments only.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace qdx::htmlkit {

// ---------------------------------------------------------------- escaping

/// Appends `s` as HTML element content. & < > " ' are escaped; C0 controls
/// other than TAB, LF and CR and DEL become the visible symbols
/// U+2400..U+2421; C1 controls, noncharacters and invalid UTF-8 become
/// U+FFFD. The bidi overrides LRO and RLO (U+202D, U+202E) become a visible
/// mark "[U+202E]" in a <span class="ctl">; the embeddings and isolates
/// (U+202A..U+202C, U+2066..U+2069) are kept but balanced: unmatched closers
/// are dropped and whatever is left open is closed at the end of `s`.
void appendText(std::string& out, std::string_view s);
/// The same without any markup (the override marks as plain text): for
/// attribute values between double quotes, and for text inside SVG, where an
/// HTML element such as <span> would break out of the SVG.
void appendAttr(std::string& out, std::string_view s);
/// appendText into a new string.
std::string text(std::string_view s);
/// appendAttr into a new string.
std::string attr(std::string_view s);
/// appendText, with line-break opportunities (<wbr>) after / . - _ ? & = in
/// long runs without spaces of an ASCII text (URLs, paths), so that a table
/// column holding one can stay narrow without breaking words anywhere.
void appendBreakable(std::string& out, std::string_view s);
/// The first `maxCodePoints` code points of `s` plus "…" when longer (labels
/// of charts; the full text goes into a tooltip). `s` is cut only between
/// code points.
std::string shorten(std::string_view s, std::size_t maxCodePoints);

/// `c` when it is exactly "#RRGGBB" (hex digits, any case), upper-cased; else
/// "" (a colour only ever reaches a style attribute through this).
std::string safeColour(std::string_view c);
/// "#000" or "#fff", whichever reads better on the (safe) colour `c`.
const char* inkOn(std::string_view c);
/// Appends a colour swatch (an inline block before a label; hatched when
/// `colour` is not a safe colour), hidden from screen readers.
void appendSwatch(std::string& out, std::string_view colour);
/// `href` when it is a same-page fragment ("#" then [A-Za-z0-9_-]+); else "".
std::string safeFragment(std::string_view href);

/// A number with thin-space-free thousands separators: 12345 -> "12,345".
std::string grouped(std::uint64_t n);

// ---------------------------------------------------------------- the page

struct PageOptions {
    std::string title;        ///< plain text
    std::string lang = "en";
    std::string extraCss;     ///< appended to baseCss() (trusted: written by the caller, not from data)
    std::string generator;    ///< content of <meta name="generator">, plain text
};

/// The stylesheet every page shares: typography, tables, heat-map bins
/// (.h1 .. .h9), bars, the report layout (.top, nav.toc, section), controls
/// and print rules (@media print: no navigation, page breaks, exact colours).
const std::string& baseCss();

/// Appends the doctype, <head> (charset, viewport, CSP, title, style) and
/// opens <body>. `scripts` are the inline scripts the page will end with
/// (endPage): the CSP allows exactly these (by SHA-256 hash) and nothing
/// else, so even an escaping bug could not run injected script.
void beginPage(std::string& out, const PageOptions& page, const std::vector<std::string>& scripts);
/// Appends the scripts given to beginPage() (same order) and closes the page.
void endPage(std::string& out, const std::vector<std::string>& scripts);
/// The Content-Security-Policy value beginPage() writes for these scripts.
std::string contentSecurityPolicy(const std::vector<std::string>& scripts);

/// The shared inline script: per-row collapsing of tree tables
/// (rows of class "tree" with data-depth; a toggle button on rows with
/// data-parent), "expand/collapse all" of <details>, a text filter in each
/// element with data-filter-scope="placeholder" over its items (the CSS
/// selector in data-filter-items, else [data-filter-item]) hiding groups
/// ([data-filter-group]) left empty, and opening every <details> before
/// printing. The page reads and prints completely without it.
const std::string& baseScript();

// ---------------------------------------------------------------- output

/// Accumulates a page in memory and writes it to a file in large chunks, so
/// that a page of hundreds of megabytes never sits in memory whole.
class FileSink {
public:
    /// Opens `path` for writing (OutputError when it cannot).
    explicit FileSink(const std::string& path);
    ~FileSink();
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;

    /// The buffer to append to; call flushIfLarge() now and then.
    std::string& buf() { return _buf; }
    void flushIfLarge() { if (_buf.size() >= kChunk) flush(); }
    /// Writes what is buffered; OutputError on a write error.
    void flush();
    /// Flushes and closes; OutputError on a write error.
    void close();
    std::uint64_t bytesWritten() const { return _written; }

private:
    static constexpr std::size_t kChunk = 1u << 20;
    std::string _path;
    std::string _buf;
    std::FILE* _file = nullptr;
    std::uint64_t _written = 0;
};

} // namespace qdx::htmlkit
