// The listings of the report: excerpts by theme, sources (Table 1 style)
// with their excerpts, memos, cases and sets, and the losses.

#include "PageWriter.h"

#include "qdx/Validate.h"

#include <algorithm>
#include <cstdio>
#include <map>

namespace qdx::html {

namespace {

using htmlkit::grouped;

const char* const kDot = " \xC2\xB7 ";

std::string clock(std::int64_t ms) {
    if (ms < 0) ms = 0;
    char b[48];
    std::snprintf(b, sizeof b, "%lld:%02lld:%02lld.%03lld", static_cast<long long>(ms / 3600000),
                  static_cast<long long>(ms / 60000 % 60), static_cast<long long>(ms / 1000 % 60),
                  static_cast<long long>(ms % 1000));
    return b;
}

std::string box(std::int64_t x1, std::int64_t y1, std::int64_t x2, std::int64_t y2) {
    return "(" + std::to_string(x1) + ", " + std::to_string(y1) + ")\xE2\x80\x93(" + std::to_string(x2) + ", " +
           std::to_string(y2) + ")";
}

// Where a diagnostic points, with the file's name but not its folders: a
// report is shared and archived, and a folder can name a person.
std::string where(const Location& l) {
    if (l.empty()) return {};
    Location shown = l;
    auto slash = shown.file.find_last_of("/\\");
    if (slash != std::string::npos) shown.file = shown.file.substr(slash + 1);
    return " (at " + shown.str() + ")";
}

} // namespace

std::string PageWriter::positionOf(std::size_t k) const {
    const Anchor& a = _p.excerpts[k].anchor;
    if (const auto* s = std::get_if<TextSpan>(&a))
        return "characters " + grouped(static_cast<std::uint64_t>(std::max<std::int64_t>(s->start, 0))) + "\xE2\x80\x93" +
               grouped(static_cast<std::uint64_t>(std::max<std::int64_t>(s->end, 0)));
    if (const auto* r = std::get_if<PdfRegion>(&a)) return "page " + std::to_string(r->page) + ", " + box(r->x1, r->y1, r->x2, r->y2) + " pt";
    if (const auto* r = std::get_if<ImageRegion>(&a)) return "region " + box(r->x1, r->y1, r->x2, r->y2) + " px";
    if (const auto* r = std::get_if<TimeSpan>(&a)) return clock(r->begin) + "\xE2\x80\x93" + clock(r->end);
    if (std::holds_alternative<TranscriptSpan>(a)) return "a span of a transcript";
    return "the whole source";
}

std::string_view PageWriter::quoteOf(std::size_t k) {
    const Excerpt& e = _p.excerpts[k];
    if (e.quote) return *e.quote;
    const auto* span = std::get_if<TextSpan>(&e.anchor);
    std::size_t s = _d.excerptSource[k];
    if (!span || s == kNone || !_p.sources[s].text) return {};
    if (!_textIndex[s]) _textIndex[s] = std::make_unique<text::CodePointIndex>(*_p.sources[s].text);
    return _textIndex[s]->substr(span->start, span->end);
}

// ---------------------------------------------------------------- excerpts

void PageWriter::excerpts() {
    std::string lead = "Every coded excerpt in full, under each theme it is coded with, source by source in reading order. "
                       "Each names its source, where it lies in it, who coded it and when.";
    if (_o.maxExcerpts > 0)
        lead += " At most " + grouped(_o.maxExcerpts) + " excerpts are listed per theme (-o max-excerpts-per-theme).";
    sectionStart("excerpts", "Excerpts by theme", lead);
    o() += "<div data-filter-scope=\"Filter the excerpts: words, source, coder\xE2\x80\xA6\" data-filter-items=\"article\">\n";
    for (std::size_t t : _d.order) {
        if (_d.subtreeCodings[t] == 0) continue;
        if (_d.codings[t] == 0) {  // a level of the tree whose codings are all below it
            o() += "<h3 class=\"group\" id=\"tx" + std::to_string(t) + "\">";
            pathSpan(t);
            swatch(_p.themes[t].color);
            link(themeHref(t), _p.themes[t].name);
            o() += "</h3>\n";
            continue;
        }
        themeBlock(t);
        flush();
    }
    o() += "</div>\n";
    sectionEnd();
}

void PageWriter::themeBlock(std::size_t t) {
    const Theme& th = _p.themes[t];
    const auto& hits = _d.hits[t];
    std::string colour = htmlkit::safeColour(th.color);
    // A heading, then the listings in a <details> that opens and closes with no script.
    o() += "<section class=\"theme-block\" id=\"tx" + std::to_string(t) + "\" data-filter-group=\"1\"";
    if (!colour.empty()) o() += " style=\"--qc:" + colour + "\"";
    o() += "><h3>";
    pathSpan(t);
    swatch(th.color);
    link(themeHref(t), th.name);
    o() += "</h3>";
    if (!th.description.empty()) {
        o() += "<p class=\"theme-desc pre\" dir=\"auto\">";
        esc(th.description);
        o() += "</p>";
    }
    o() += "<details open><summary class=\"muted small\">" + grouped(_d.excerptCount[t]) +
           (_d.excerptCount[t] == 1 ? " excerpt" : " excerpts") + kDot + grouped(_d.row[t].size()) +
           (_d.row[t].size() == 1 ? " source" : " sources") + "</summary>\n";
    std::size_t listed = 0, i = 0;
    while (i < hits.size()) {
        std::size_t j = i + 1;
        while (j < hits.size() && hits[j].excerpt == hits[i].excerpt) ++j;
        if (_o.maxExcerpts > 0 && listed == _o.maxExcerpts) break;
        listing(t, hits.data() + i, hits.data() + j);
        ++listed;
        i = j;
        flush();
    }
    if (listed < _d.excerptCount[t]) {
        std::uint64_t left = _d.excerptCount[t] - listed;
        _summary.excerptsNotListed += left;
        ++_summary.themesCapped;
        o() += "<p class=\"more\">" + grouped(left) + (left == 1 ? " more excerpt" : " more excerpts") +
               " of this theme not listed here (-o max-excerpts-per-theme=0 lists every one).</p>\n";
    }
    o() += "</details></section>\n";
}

void PageWriter::listing(std::size_t t, const Hit* first, const Hit* last) {
    std::size_t k = first->excerpt;
    const Excerpt& e = _p.excerpts[k];
    o() += "<article class=\"quote\" id=\"x" + std::to_string(k) + "-" + std::to_string(t) + "\">";
    std::string_view q = quoteOf(k);
    if (q.empty()) {
        o() += "<blockquote class=\"media\">";
        esc("(no text: " + positionOf(k) + (e.name.empty() ? std::string() : ", \xE2\x80\x9C" + e.name + "\xE2\x80\x9D") + ")");
    } else {
        o() += "<blockquote dir=\"auto\">";
        esc(q);
    }
    o() += "</blockquote>\n<footer>";
    std::size_t s = _d.excerptSource[k];
    if (s != kNone) link(sourceHref(s), _p.sources[s].name);
    else esc("(unknown source " + e.source + ")");
    o() += kDot;
    esc(positionOf(k));
    for (const Hit* h = first; h != last; ++h) {
        const Coding& c = e.codings[h->coding];
        std::string who = userName(c.creator.empty() ? e.audit.creator : c.creator);
        const std::string& when = c.created.empty() ? e.audit.created : c.created;
        if (!who.empty()) {
            o() += kDot;
            o() += "coded by <bdi>";
            esc(who);
            o() += "</bdi>";
        }
        if (!when.empty()) {
            o() += who.empty() ? kDot : " on ";
            dateTag(when);
        }
    }
    std::vector<std::size_t> others;
    for (const Coding& c : e.codings) {
        const std::size_t* o2 = _d.themeIndex.find(c.theme);
        if (o2 && *o2 != t && std::find(others.begin(), others.end(), *o2) == others.end()) others.push_back(*o2);
    }
    if (!others.empty()) {
        o() += kDot;
        o() += "also ";
        for (std::size_t x : others) {
            o() += "<span class=\"tag\">";
            link(themeExcerptsHref(x), _p.themes[x].name);
            o() += "</span>";
        }
    }
    o() += "</footer>";
    if (!e.description.empty()) {
        o() += "<p class=\"note pre\" dir=\"auto\">";
        esc(e.description);
        o() += "</p>";
    }
    o() += "</article>\n";
}

// ---------------------------------------------------------------- sources

void PageWriter::noteRow(const std::string& note, std::size_t skip, std::size_t span) {
    // A description under its row, across the table: long notes stay readable.
    if (note.empty()) return;
    o() += "<tr class=\"note-row\">";
    if (skip > 0) o() += "<td colspan=\"" + std::to_string(skip) + "\"></td>";
    o() += "<td colspan=\"" + std::to_string(span) + "\" class=\"pre\" dir=\"auto\">";
    esc(note);
    o() += "</td></tr>\n";
}

void PageWriter::valuesCells(const std::vector<AttributeValue>& values, const std::vector<std::size_t>& columns) {
    // One pass over the values: each goes to its column (a value of an
    // attribute without a column is not in this table).
    std::vector<std::vector<const std::string*>> cells(columns.size());
    for (const auto& v : values)
        if (const std::size_t* a = _attributeIndex.find(v.attribute)) {
            auto it = std::lower_bound(columns.begin(), columns.end(), *a);
            if (it != columns.end() && *it == *a) cells[static_cast<std::size_t>(it - columns.begin())].push_back(&v.value);
        }
    for (std::size_t c = 0; c < columns.size(); ++c) {
        // Numbers and dates do not wrap; URLs break at their slashes.
        o() += _p.attributes[columns[c]].type == AttributeType::Text ? "<td dir=\"auto\">" : "<td class=\"nw\">";
        for (std::size_t i = 0; i < cells[c].size(); ++i) {
            if (i > 0) o() += "; ";
            htmlkit::appendBreakable(o(), *cells[c][i]);
        }
        o() += "</td>";
    }
}

namespace {
// The attributes that at least one of `items` has a value of, in the project's order.
template <class T>
std::vector<std::size_t> usedAttributes(const Project& p, const std::vector<T>& items, const IdIndex<std::size_t>& index) {
    std::vector<char> used(p.attributes.size(), 0);
    for (const auto& it : items)
        for (const auto& v : it.values)
            if (const std::size_t* i = index.find(v.attribute)) used[*i] = 1;
    std::vector<std::size_t> out;
    for (std::size_t a = 0; a < used.size(); ++a)
        if (used[a]) out.push_back(a);
    return out;
}
} // namespace

void PageWriter::sources() {
    sectionStart("sources", "Sources",
                 "The sources with their attributes, and how many excerpts and codings each holds.");
    if (_p.sources.empty()) {
        o() += "<p class=\"muted\">The project has no sources.</p>\n";
        sectionEnd();
        return;
    }
    std::vector<std::size_t> cols = usedAttributes(_p, _p.sources, _attributeIndex);
    bool kinds = std::any_of(_p.sources.begin(), _p.sources.end(), [](const Source& s) { return s.kind != SourceKind::Text; });
    o() += "<table class=\"data\" id=\"sources-table\"><thead><tr><th scope=\"col\" class=\"num\">#</th><th scope=\"col\">Source</th>";
    if (kinds) o() += "<th scope=\"col\">Kind</th>";
    for (std::size_t a : cols) {
        o() += "<th scope=\"col\"><bdi>";
        esc(_p.attributes[a].name);
        o() += "</bdi></th>";
    }
    o() += "<th scope=\"col\" class=\"num\">Excerpts</th><th scope=\"col\" class=\"num\">Codings</th></tr></thead><tbody>\n";
    for (std::size_t s = 0; s < _p.sources.size(); ++s) {
        const Source& src = _p.sources[s];
        if (src.content || src.kind != SourceKind::Text) ++_summary.mediaSources;
        o() += "<tr id=\"s" + std::to_string(s) + "\"" + (src.description.empty() ? "" : " class=\"has-note\"") +
               "><td class=\"num\">" + std::to_string(s + 1) + "</td><th scope=\"row\"><bdi>";
        esc(src.name.empty() ? "(unnamed source)" : src.name);
        o() += "</bdi></th>";
        if (kinds) o() += std::string("<td>") + toString(src.kind) + "</td>";
        valuesCells(src.values, cols);
        std::size_t n = _d.sourceExcerpts[s].size();
        o() += "<td class=\"num\">";
        if (n > 0) o() += "<a href=\"#sx" + std::to_string(s) + "\">" + grouped(n) + "</a>";
        else o() += "0";
        o() += "</td><td class=\"num\">" + grouped(_d.sourceCodings[s]) + "</td></tr>\n";
        noteRow(src.description, 1, 3 + (kinds ? 1 : 0) + cols.size());
        flush();
    }
    o() += "</tbody></table>\n";
    sourceIndex();
    sectionEnd();
}

void PageWriter::sourceIndex() {
    // With the excerpts section, a source lists the excerpts shown there in
    // full (and those with no coding, shown nowhere else); without it, the
    // first max-excerpts-per-theme of each source.
    const bool linked = _o.has("excerpts");
    o() += "<h3>Excerpts by source</h3>\n<p class=\"lead\">Each source\xE2\x80\x99s excerpts in reading order, with their themes";
    o() += linked ? "; a position links to the excerpt in full.</p>\n" : ".</p>\n";
    bool any = false;
    for (std::size_t s = 0; s < _p.sources.size(); ++s) {
        const auto& list = _d.sourceExcerpts[s];
        if (list.empty()) continue;
        any = true;
        o() += "<details class=\"src-block\" id=\"sx" + std::to_string(s) + "\"><summary>";
        link(sourceHref(s), _p.sources[s].name);
        o() += " <span class=\"muted small\">" + grouped(list.size()) + (list.size() == 1 ? " excerpt" : " excerpts") +
               "</span></summary>\n<ol class=\"src-index\">\n";
        std::size_t n = 0;
        for (std::size_t k : list) {
            if (linked ? _d.excerptAnchor[k] == kNone && !_p.excerpts[k].codings.empty()
                       : _o.maxExcerpts > 0 && n == _o.maxExcerpts)
                continue;
            ++n;
            o() += "<li>";
            std::string href = excerptHref(k);
            if (href.empty()) esc(positionOf(k));
            else o() += "<a href=\"" + href + "\">" + htmlkit::text(positionOf(k)) + "</a>";
            for (const Coding& c : _p.excerpts[k].codings)
                if (const std::size_t* th = _d.themeIndex.find(c.theme)) {
                    o() += " <span class=\"tag\">";
                    link(themeExcerptsHref(*th), _p.themes[*th].name);
                    o() += "</span>";
                }
            std::string_view q = quoteOf(k);
            if (!q.empty()) {
                o() += " <span class=\"snip\" dir=\"auto\">\xE2\x80\x9C";
                esc(htmlkit::shorten(q, 80));
                o() += "\xE2\x80\x9D</span>";
            }
            o() += "</li>\n";
        }
        o() += "</ol>\n";
        if (n < list.size())
            o() += "<p class=\"more\">" + grouped(list.size() - n) + " more not listed: " +
                   (linked ? "their themes list the most they may (-o max-excerpts-per-theme=0 lists every one).</p>\n"
                           : "the report lists at most max-excerpts-per-theme per source.</p>\n");
        o() += "</details>\n";
        flush();
    }
    if (!any) o() += "<p class=\"muted\">No source has excerpts.</p>\n";
}

// ---------------------------------------------------------------- memos, cases, sets

void PageWriter::targetLinks(const std::vector<std::string>& ids, bool withKind) {
    bool first = true;
    for (const auto& id : ids) {
        o() += first ? "" : ", ";
        first = false;
        if (const std::size_t* i = _d.themeIndex.find(id)) {
            if (withKind) o() += "theme ";
            link(themeHref(*i), _p.themes[*i].name);
        } else if (const std::size_t* s = _d.sourceIndex.find(id)) {
            if (withKind) o() += "source ";
            link(sourceHref(*s), _p.sources[*s].name);
        } else if (const std::size_t* k = _excerptIndex.find(id)) {
            std::string_view q = quoteOf(*k);
            if (withKind) o() += "excerpt ";
            link(excerptHref(*k), q.empty() ? positionOf(*k) : "\xE2\x80\x9C" + htmlkit::shorten(q, 60) + "\xE2\x80\x9D");
        } else if (const std::size_t* c = _caseIndex.find(id)) {
            if (withKind) o() += "case ";
            link(_o.has("cases") ? "#c" + std::to_string(*c) : std::string(), _p.cases[*c].name);
        } else if (const std::size_t* m = _memoIndex.find(id)) {
            if (withKind) o() += "memo ";
            link(_o.has("memos") ? "#m" + std::to_string(*m) : std::string(), _p.memos[*m].name);
        } else {
            o() += "<span class=\"muted\">";
            esc("an unknown id " + id);
            o() += "</span>";
        }
    }
}

void PageWriter::memos() {
    sectionStart("memos", "Memos", "The researchers\xE2\x80\x99 notes, in full, with what each is about.");
    if (_p.memos.empty()) o() += "<p class=\"muted\">The project has no memos.</p>\n";
    for (std::size_t m = 0; m < _p.memos.size(); ++m) {
        const Memo& memo = _p.memos[m];
        o() += "<article class=\"memo\" id=\"m" + std::to_string(m) + "\"><h3><bdi>";
        esc(memo.name.empty() ? "(untitled memo)" : memo.name);
        o() += "</bdi></h3><p class=\"meta\">";
        std::string who = userName(memo.audit.creator);
        if (!who.empty()) o() += "by <bdi>" + htmlkit::text(who) + "</bdi> ";
        if (!memo.audit.created.empty()) {
            o() += "on ";
            dateTag(memo.audit.created);
        }
        if (!memo.targets.empty()) {
            o() += who.empty() && memo.audit.created.empty() ? "About " : kDot + std::string("about ");
            targetLinks(memo.targets, true);
        } else {
            o() += (who.empty() && memo.audit.created.empty() ? "" : kDot) + std::string("a free memo");
        }
        o() += "</p><div class=\"pre\" dir=\"auto\">";
        esc(memo.text);
        o() += "</div></article>\n";
        flush();
    }
    sectionEnd();
}

void PageWriter::cases() {
    sectionStart("cases", "Cases and sets", "Cases with their attributes and members; sets of themes, sources and memos.");
    std::vector<std::size_t> cols = usedAttributes(_p, _p.cases, _attributeIndex);
    if (_p.cases.empty()) {
        o() += "<p class=\"muted\">The project has no cases.</p>\n";
    } else {
        o() += "<table class=\"data\" id=\"cases-table\"><thead><tr><th scope=\"col\">Case</th>";
        for (std::size_t a : cols) {
            o() += "<th scope=\"col\"><bdi>";
            esc(_p.attributes[a].name);
            o() += "</bdi></th>";
        }
        o() += "<th scope=\"col\">Sources</th><th scope=\"col\">Themes</th><th scope=\"col\" class=\"num\">Excerpts</th></tr></thead><tbody>\n";
        for (std::size_t c = 0; c < _p.cases.size(); ++c) {
            const Case& cs = _p.cases[c];
            o() += "<tr id=\"c" + std::to_string(c) + "\"" + (cs.description.empty() ? "" : " class=\"has-note\"") +
                   "><th scope=\"row\"><bdi>";
            esc(cs.name.empty() ? "(unnamed case)" : cs.name);
            o() += "</bdi></th>";
            valuesCells(cs.values, cols);
            o() += "<td>";
            targetLinks(cs.sources, false);
            o() += "</td><td>";
            targetLinks(cs.themes, false);
            o() += "</td><td class=\"num\">" + grouped(cs.excerpts.size()) + "</td></tr>\n";
            noteRow(cs.description, 0, 4 + cols.size());
            flush();
        }
        o() += "</tbody></table>\n";
    }
    sets();
    sectionEnd();
}

void PageWriter::sets() {
    if (_p.sets.empty()) return;
    o() += "<h3>Sets</h3>\n<table class=\"data\" id=\"sets-table\"><thead><tr><th scope=\"col\">Set</th><th scope=\"col\">"
           "Members</th></tr></thead><tbody>\n";
    for (std::size_t g = 0; g < _p.sets.size(); ++g) {
        const Set& st = _p.sets[g];
        o() += "<tr id=\"g" + std::to_string(g) + "\"><th scope=\"row\"><bdi>";
        esc(st.name.empty() ? "(unnamed set)" : st.name);
        o() += "</bdi>";
        if (!st.description.empty()) {
            o() += "<div class=\"desc pre\" dir=\"auto\">";
            esc(st.description);
            o() += "</div>";
        }
        o() += "</th><td>";
        std::vector<std::string> members = st.themes;
        members.insert(members.end(), st.sources.begin(), st.sources.end());
        members.insert(members.end(), st.memos.begin(), st.memos.end());
        targetLinks(members, true);
        o() += "</td></tr>\n";
    }
    o() += "</tbody></table>\n";
}

// ---------------------------------------------------------------- losses

void PageWriter::diagnosticTable(const std::vector<Diagnostic>& items, const std::map<std::string, std::size_t>& counts) {
    std::map<std::string, std::vector<const Diagnostic*>> byCode;
    for (const auto& d : items) byCode[d.code].push_back(&d);
    std::vector<std::string> codes;
    for (const auto& [code, list] : byCode) codes.push_back(code);
    auto rank = [&](const std::string& c) { return 3 - static_cast<int>(byCode[c].front()->severity); };
    std::stable_sort(codes.begin(), codes.end(), [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
    o() += "<table class=\"data\"><thead><tr><th scope=\"col\">Severity</th><th scope=\"col\">Code</th><th scope=\"col\" "
           "class=\"num\">Count</th><th scope=\"col\">What qdx said</th><th scope=\"col\">Hint</th></tr></thead><tbody>\n";
    for (const auto& code : codes) {
        const auto& list = byCode[code];
        const Diagnostic& d = *list.front();
        auto n = counts.count(code) ? counts.at(code) : list.size();
        const char* sev = toString(d.severity);
        o() += "<tr><td><span class=\"sev sev-" + std::string(sev) + "\">" + sev + "</span></td><td class=\"nw\"><code>";
        esc(code);
        o() += "</code></td><td class=\"num\">" + grouped(n) + "</td><td><div class=\"pre\" dir=\"auto\">";
        esc(d.message + where(d.location));
        o() += "</div>";
        if (list.size() > 1) {
            const std::size_t shown = std::min<std::size_t>(list.size(), 50);
            o() += "<details><summary class=\"small\">" + grouped(list.size() > shown ? shown : list.size() - 1) +
                   (list.size() > shown ? " of the others" : " more") + "</summary><ul class=\"small\">";
            for (std::size_t i = 1; i < list.size() && i <= shown; ++i) {
                o() += "<li class=\"pre\" dir=\"auto\">";
                if (!list[i]->entityId.empty()) esc("[" + list[i]->entityId + "] ");
                esc(list[i]->message + where(list[i]->location));
                o() += "</li>";
            }
            o() += "</ul></details>";
        }
        o() += "</td><td class=\"small\">";
        esc(d.hint);
        o() += "</td></tr>\n";
        flush();
    }
    o() += "</tbody></table>\n";
}

void PageWriter::losses() {
    sectionStart("losses", "Losses",
                 "What qdx reported while reading this project (where its input was not fully readable or could not "
                 "be carried as it was), and inconsistencies in the project itself. The rest of this page shows the "
                 "project as qdx read it.");
    bool integrityKnown = false;
    for (const auto& [code, n] : _read.summary()) integrityKnown = integrityKnown || code.rfind("invalid.", 0) == 0;
    if (_read.empty()) {
        o() += "<p class=\"ok\">qdx reported nothing while reading this project.</p>\n";
    } else {
        o() += "<h3>While reading</h3>\n";
        diagnosticTable(_read.all(), _read.summary());
    }
    if (!integrityKnown) {
        Diagnostics problems;
        validateProject(_p, problems);
        if (problems.empty()) {
            o() += "<p class=\"ok\">The project is consistent: every reference resolves, ids are unique, the theme tree "
                   "has no cycle and every text excerpt lies inside its source and matches its quote.</p>\n";
        } else {
            o() += "<h3>Inconsistencies in the project</h3>\n";
            diagnosticTable(problems.all(), problems.summary());
        }
    }
    sectionEnd();
}

} // namespace qdx::html
