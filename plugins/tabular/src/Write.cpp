// Project -> rows: the tidy layout and the import layouts of other tools.
// Rows are produced one at a time into a RowSink, so a writer of a million
// codings never holds a table in memory.

#include "Tidy.h"

#include "qdx/tabular/Table.h"

#include "qdx/Text.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <unordered_map>

namespace qdx::tabular {

namespace {

std::string extCell(const Extensions& ext) {
    if (ext.empty()) return {};
    Json o = Json::object();
    for (const auto& [k, v] : ext) o.set(k, v);
    return o.dump();
}

std::string joinList(const std::vector<std::string>& v) {
    std::string out;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += tidy::kListSeparator;
        out += v[i];
    }
    return out;
}

std::string i64(std::int64_t v) { return std::to_string(v); }

TableHeader headerOf(const std::string& name, const std::vector<tidy::Column>& cols) {
    TableHeader h;
    h.name = name;
    for (const auto& c : cols) {
        h.columns.emplace_back(c.name);
        h.types.push_back(c.type);
    }
    return h;
}

CellType attributeCellType(AttributeType t) {
    switch (t) {
    case AttributeType::Integer: return CellType::Integer;
    case AttributeType::Float: return CellType::Number;
    case AttributeType::Date: return CellType::Date;
    case AttributeType::DateTime: return CellType::DateTime;
    case AttributeType::Boolean: return CellType::Boolean;
    case AttributeType::Text: break;
    }
    return CellType::Text;
}

/// Shared lookups over one project.
struct Index {
    const Project& p;
    std::unordered_map<std::string, const Theme*> themes;
    std::unordered_map<std::string, const Source*> sources;
    std::unordered_map<std::string, std::string> userLabel;  // id -> name when the name is unique
    std::unordered_map<std::string, std::string> pathCache;
    ThemeIndex tree;  // a path per theme costs its depth (themePath() scans every theme)

    explicit Index(const Project& project) : p(project), tree(project) {
        for (const auto& t : p.themes) themes.emplace(normalizeId(t.id), &t);
        for (const auto& s : p.sources) sources.emplace(normalizeId(s.id), &s);
        std::map<std::string, int> nameCount;
        std::set<std::string> ids;
        for (const auto& u : p.users) {
            ++nameCount[u.name];
            ids.insert(u.id);
        }
        for (const auto& u : p.users)
            if (!u.name.empty() && nameCount[u.name] == 1 && (ids.count(u.name) == 0 || u.name == u.id))
                userLabel.emplace(u.id, u.name);
    }
    const Theme* theme(const std::string& id) const {
        auto it = themes.find(normalizeId(id));
        return it == themes.end() ? nullptr : it->second;
    }
    const Source* source(const std::string& id) const {
        auto it = sources.find(normalizeId(id));
        return it == sources.end() ? nullptr : it->second;
    }
    /// A user as a person reads it: the name when unique, else the id.
    std::string user(const std::string& id) const {
        auto it = userLabel.find(id);
        return it == userLabel.end() ? id : it->second;
    }
    const std::string& path(const std::string& themeId, const char* sep) {
        auto it = pathCache.find(themeId);
        if (it != pathCache.end()) return it->second;
        auto names = tree.path(themeId);
        std::string s;
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (i) s += sep;
            s += names[i];
        }
        return pathCache.emplace(themeId, std::move(s)).first->second;
    }
};

/// Attribute columns for the sources or cases table: the attributes with a
/// value there, headed by name (or "name [id]" when names clash).
struct AttributeColumns {
    std::vector<const Attribute*> attrs;
    std::vector<std::string> headers;

    void build(const Project& p, bool forSources, const std::vector<tidy::Column>& fixed) {
        std::set<std::string> used;
        if (forSources) {
            for (const auto& s : p.sources)
                for (const auto& v : s.values) used.insert(normalizeId(v.attribute));
        } else {
            for (const auto& c : p.cases)
                for (const auto& v : c.values) used.insert(normalizeId(v.attribute));
        }
        std::map<std::string, int> count;
        for (const auto& a : p.attributes)
            if (used.count(normalizeId(a.id))) ++count[a.name];
        std::set<std::string> fixedNames;
        for (const auto& c : fixed) fixedNames.insert(c.name);
        for (const auto& a : p.attributes) {
            if (!used.count(normalizeId(a.id))) continue;
            attrs.push_back(&a);
            if (count[a.name] > 1 || fixedNames.count(a.name) || a.name.empty() || a.name.find('[') != std::string::npos)
                headers.push_back(a.name + " [" + a.id + "]");
            else
                headers.push_back(a.name);
        }
    }
    void appendHeader(TableHeader& h) const {
        for (std::size_t i = 0; i < attrs.size(); ++i) {
            h.columns.push_back(headers[i]);
            h.types.push_back(attributeCellType(attrs[i]->type));
        }
    }
    void appendValues(std::vector<std::string>& row, const std::vector<AttributeValue>& values) const {
        for (const Attribute* a : attrs) {
            std::string v;
            for (const auto& av : values)
                if (normalizeId(av.attribute) == normalizeId(a->id)) {
                    v = av.value;
                    break;
                }
            row.push_back(std::move(v));
        }
    }
};

// ---------------------------------------------------------------- tidy

void writeTidyProject(const Project& p, RowSink& sink) {
    sink.beginTable(headerOf("project", tidy::projectColumns()));
    auto kv = [&](const char* k, const std::string& v) { sink.row({k, v}, nullptr); };
    kv("qdx", kModelVersion);
    kv("name", p.name);
    kv("description", p.description);
    kv("origin", p.origin);
    kv("basePath", p.basePath);
    kv("creator", p.audit.creator);
    kv("created", p.audit.created);
    kv("modifier", p.audit.modifier);
    kv("modified", p.audit.modified);
    kv("ext", extCell(p.ext));
    sink.endTable();
}

void writeTidyCodings(const Project& p, Index& ix, const WriteOptions& opts, RowSink& sink, Diagnostics& diag) {
    sink.beginTable(headerOf("codings", tidy::codingColumns()));
    std::size_t transcriptAnchors = 0;
    std::vector<std::string> row;
    for (const auto& e : p.excerpts) {
        const Source* src = ix.source(e.source);
        std::string anchor = anchorTypeName(e.anchor), start, end, page, box;
        if (auto t = std::get_if<TextSpan>(&e.anchor)) {
            start = i64(t->start);
            end = i64(t->end);
        } else if (auto t = std::get_if<TimeSpan>(&e.anchor)) {
            start = i64(t->begin);
            end = i64(t->end);
        } else if (auto r = std::get_if<PdfRegion>(&e.anchor)) {
            page = i64(r->page);
            box = i64(r->x1) + " " + i64(r->y1) + " " + i64(r->x2) + " " + i64(r->y2);
        } else if (auto r = std::get_if<ImageRegion>(&e.anchor)) {
            box = i64(r->x1) + " " + i64(r->y1) + " " + i64(r->x2) + " " + i64(r->y2);
        } else if (auto r = std::get_if<TranscriptSpan>(&e.anchor)) {
            box = r->transcript() + " " + r->fromSyncPoint() + " " + r->toSyncPoint();
            ++transcriptAnchors;
        }
        // An empty cell means "no quote"; a quote that is present but empty
        // is marked in the ext cell so it reads back as it was.
        std::string excerptExt;
        if (e.quote && e.quote->empty()) {
            Extensions x = e.ext;
            x[tidy::kEmptyQuoteKey] = Json(true);
            excerptExt = extCell(x);
        } else {
            excerptExt = extCell(e.ext);
        }
        auto emit = [&](const Coding* c) {
            row.clear();
            row.push_back(e.id);
            row.push_back(e.source);
            row.push_back(src ? src->name : std::string());
            row.push_back(c ? ix.path(c->theme, tidy::kPathSeparator) : std::string());
            row.push_back(c ? c->theme : std::string());
            row.push_back(start);
            row.push_back(end);
            row.push_back(e.quote.value_or(std::string()));
            row.push_back(e.description);
            row.push_back(c ? ix.user(c->creator) : std::string());
            row.push_back(c ? c->created : std::string());
            row.push_back(c ? c->id : std::string());
            row.push_back(e.name);
            row.push_back(anchor);
            row.push_back(page);
            row.push_back(box);
            row.push_back(ix.user(e.audit.creator));
            row.push_back(e.audit.created);
            row.push_back(ix.user(e.audit.modifier));
            row.push_back(e.audit.modified);
            row.push_back(excerptExt);
            row.push_back(c ? extCell(c->ext) : std::string());
            sink.row(row, nullptr);
        };
        if (e.codings.empty())
            emit(nullptr);
        else
            for (const auto& c : e.codings) emit(&c);
    }
    sink.endTable();
    if (transcriptAnchors && !opts.sourceTextCarried)
        diag.lossy("lossy.transcript-anchor", std::to_string(transcriptAnchors) +
                                                  " excerpt(s) point into transcripts, which this table does not carry");
}

void writeTidyThemes(const Project& p, Index& ix, RowSink& sink) {
    sink.beginTable(headerOf("themes", tidy::themeColumns()));
    for (const auto& t : p.themes) {
        sink.row({t.id, ix.path(t.id, tidy::kPathSeparator), t.name, t.parent, t.color, t.description,
                  t.codable ? "true" : "false", ix.user(t.audit.creator), t.audit.created, ix.user(t.audit.modifier),
                  t.audit.modified, extCell(t.ext)},
                 nullptr);
    }
    sink.endTable();
}

void writeTidySources(const Project& p, Index& ix, const WriteOptions& opts, RowSink& sink, Diagnostics& diag) {
    AttributeColumns ac;
    ac.build(p, true, tidy::sourceColumns());
    TableHeader h = headerOf("sources", tidy::sourceColumns());
    ac.appendHeader(h);
    sink.beginTable(h);
    std::size_t textsDropped = 0, contentDropped = 0, transcripts = 0;
    std::vector<std::string> row;
    for (std::size_t i = 0; i < p.sources.size(); ++i) {
        const Source& s = p.sources[i];
        std::string content;
        if (s.content) {
            if (opts.contentCarried)
                content = contentMemberName(s, i);
            else {
                ++contentDropped;
                diag.lossy("lossy.source-content",
                           "the content of source '" + s.name + "' (" + (s.mediaType.empty() ? "binary" : s.mediaType) +
                               ") cannot be carried by this table",
                           s.id, "write a .zip bundle to keep it");
            }
        }
        std::string text;
        if (s.text) {
            if (opts.sourceTextCarried) text = *s.text;
            else ++textsDropped;
        }
        transcripts += s.transcripts.size();
        std::string ext;
        const bool textKind = s.kind == SourceKind::Text;
        if ((!s.text && textKind) || (s.text && s.text->empty() && !textKind && opts.sourceTextCarried)) {
            Extensions x = s.ext;
            x[textKind ? tidy::kNoTextKey : tidy::kEmptyTextKey] = Json(true);
            ext = extCell(x);
        } else {
            ext = extCell(s.ext);
        }
        row = {s.id, s.name, toString(s.kind), s.description, s.mediaType, s.path, content, text,
               ix.user(s.audit.creator), s.audit.created, ix.user(s.audit.modifier), s.audit.modified, ext};
        ac.appendValues(row, s.values);
        sink.row(row, nullptr);
    }
    sink.endTable();
    if (textsDropped)
        diag.lossy("lossy.source-text", std::to_string(textsDropped) + " source text(s) not written",
                   {}, "write a .zip bundle to keep source texts");
    if (transcripts)
        diag.lossy("lossy.transcript", std::to_string(transcripts) + " transcript(s) of media sources are not carried by tables");
    (void)contentDropped;
}

void writeTidyCases(const Project& p, RowSink& sink) {
    AttributeColumns ac;
    ac.build(p, false, tidy::caseColumns());
    TableHeader h = headerOf("cases", tidy::caseColumns());
    ac.appendHeader(h);
    sink.beginTable(h);
    std::vector<std::string> row;
    for (const auto& c : p.cases) {
        row = {c.id, c.name, c.description, joinList(c.themes), joinList(c.sources), joinList(c.excerpts), extCell(c.ext)};
        ac.appendValues(row, c.values);
        sink.row(row, nullptr);
    }
    sink.endTable();
}

void writeTidyMemos(const Project& p, Index& ix, RowSink& sink) {
    sink.beginTable(headerOf("memos", tidy::memoColumns()));
    for (const auto& m : p.memos)
        sink.row({m.id, m.name, m.text, joinList(m.targets), ix.user(m.audit.creator), m.audit.created,
                  ix.user(m.audit.modifier), m.audit.modified, extCell(m.ext)},
                 nullptr);
    sink.endTable();
}

void writeTidyUsers(const Project& p, RowSink& sink) {
    sink.beginTable(headerOf("users", tidy::userColumns()));
    for (const auto& u : p.users) sink.row({u.id, u.name, extCell(u.ext)}, nullptr);
    sink.endTable();
}

void writeTidyAttributes(const Project& p, RowSink& sink) {
    sink.beginTable(headerOf("attributes", tidy::attributeColumns()));
    for (const auto& a : p.attributes) sink.row({a.id, a.name, toString(a.type), a.description, extCell(a.ext)}, nullptr);
    sink.endTable();
}

void writeTidySets(const Project& p, RowSink& sink) {
    sink.beginTable(headerOf("sets", tidy::setColumns()));
    for (const auto& s : p.sets)
        sink.row({s.id, s.name, s.description, joinList(s.themes), joinList(s.sources), joinList(s.memos), extCell(s.ext)},
                 nullptr);
    sink.endTable();
}

void reportUnwrittenTables(const Project& p, const std::set<std::string>& written, Diagnostics& diag) {
    auto check = [&](const char* table, std::size_t n, const char* code, const char* what) {
        if (n && !written.count(table))
            diag.lossy(code, std::to_string(n) + " " + what + " not written (table '" + table + "' not selected)", {},
                       std::string("add the '") + table + "' table, or write a .zip bundle");
    };
    check("codings", p.excerpts.size(), "lossy.excerpts", "excerpt(s)");
    check("themes", p.themes.size(), "lossy.themes", "theme(s) with their colours and descriptions");
    check("sources", p.sources.size(), "lossy.sources", "source(s) with their texts and attributes");
    check("cases", p.cases.size(), "lossy.cases", "case(s)");
    check("memos", p.memos.size(), "lossy.memos", "memo(s)");
    check("users", p.users.size(), "lossy.users", "user(s)");
    check("attributes", p.attributes.size(), "lossy.attributes", "attribute declaration(s)");
    check("sets", p.sets.size(), "lossy.sets", "set(s)");
    bool meta = !p.name.empty() || !p.description.empty() || !p.origin.empty() || !p.audit.empty() || !p.ext.empty();
    if (meta && !written.count("project"))
        diag.lossy("lossy.project", "project name, description and origin not written (table 'project' not selected)");
}

void writeTidy(const Project& p, const WriteOptions& opts, RowSink& sink, Diagnostics& diag) {
    std::vector<std::string> tables = opts.tables.empty() ? tidyTableNames() : opts.tables;
    Index ix(p);
    std::set<std::string> written;
    for (const auto& t : tables) {
        if (!tidy::columnsOf(t)) throw UsageError("unknown tidy table '" + t + "' (known: project, codings, themes, sources, cases, memos, users, attributes, sets)");
        if (!written.insert(t).second) continue;
        if (t == "project") writeTidyProject(p, sink);
        else if (t == "codings") writeTidyCodings(p, ix, opts, sink, diag);
        else if (t == "themes") writeTidyThemes(p, ix, sink);
        else if (t == "sources") writeTidySources(p, ix, opts, sink, diag);
        else if (t == "cases") writeTidyCases(p, sink);
        else if (t == "memos") writeTidyMemos(p, ix, sink);
        else if (t == "users") writeTidyUsers(p, sink);
        else if (t == "attributes") writeTidyAttributes(p, sink);
        else if (t == "sets") writeTidySets(p, sink);
    }
    reportUnwrittenTables(p, written, diag);
    if (written.count("codings") && !written.count("sources")) {
        std::size_t positioned = 0;
        for (const auto& e : p.excerpts)
            if (std::holds_alternative<TextSpan>(e.anchor)) ++positioned;
        if (positioned)
            diag.lossy("lossy.excerpt-positions",
                       std::to_string(positioned) + " text position(s) refer to source texts this table does not carry", {},
                       "write a .zip bundle to keep source texts");
    }
}

// ---------------------------------------------------------------- tool layouts

/// What a codebook-only layout leaves behind.
void reportCodebookOnly(const Project& p, const char* layout, Diagnostics& diag) {
    std::string l(layout);
    if (!p.excerpts.empty())
        diag.lossy("lossy.codings", std::to_string(p.excerpts.size()) + " excerpt(s) and " + std::to_string(p.codingCount()) +
                                        " coding(s) are not part of the " + l + " layout",
                   {}, "write the tidy layout or a .zip bundle");
    if (!p.sources.empty())
        diag.lossy("lossy.sources", std::to_string(p.sources.size()) + " source(s) are not part of the " + l + " layout");
    if (!p.cases.empty())
        diag.lossy("lossy.cases", std::to_string(p.cases.size()) + " case(s) are not part of the " + l + " layout");
    std::size_t otherMemos = p.memos.size();
    if (otherMemos)
        diag.lossy("lossy.memos", std::to_string(otherMemos) + " memo(s) have no column in the " + l + " layout");
}

void reportColours(const Project& p, const char* layout, Diagnostics& diag) {
    std::size_t n = 0;
    for (const auto& t : p.themes)
        if (!t.color.empty()) ++n;
    if (n)
        diag.lossy("lossy.theme-colour", std::to_string(n) + " theme colour(s) have no place in the " + std::string(layout) + " layout");
}

void reportDescriptions(const Project& p, const char* layout, Diagnostics& diag) {
    std::size_t n = 0;
    for (const auto& t : p.themes)
        if (!t.description.empty()) ++n;
    if (n)
        diag.lossy("lossy.theme-description", std::to_string(n) + " theme description(s) have no column in the " + std::string(layout) + " layout");
}

void writeMaxqdaCodes(const Project& p, const WriteOptions& opts, RowSink& sink, Diagnostics& diag) {
    Index ix(p);
    TableHeader h{"Codes", {"Code", "Memo"}, {CellType::Text, CellType::Text}, true};
    if (opts.stylesCarried) {
        h.columns.insert(h.columns.begin(), "Color");
        h.types.insert(h.types.begin(), CellType::Text);
    }
    sink.beginTable(h);
    std::size_t longNames = 0;
    for (const auto& t : p.themes) {
        if (t.name.size() > 63) ++longNames;
        std::vector<std::string> row{ix.path(t.id, " > "), t.description};
        if (opts.stylesCarried) {
            row.insert(row.begin(), t.color.empty() ? std::string() : std::string("\xE2\x97\x8F"));
            std::vector<CellStyle> st(row.size());
            st[0].fontColor = t.color;
            sink.row(row, &st);
        } else {
            sink.row(row, nullptr);
        }
    }
    sink.endTable();
    if (longNames)
        diag.lossy("lossy.theme-name-length", std::to_string(longNames) + " theme name(s) are longer than 63 characters; MAXQDA truncates them on import");
    if (!opts.stylesCarried) reportColours(p, "MAXQDA code import", diag);
    reportCodebookOnly(p, "MAXQDA code import", diag);
}

void writeAtlasCodebook(const Project& p, const WriteOptions& opts, RowSink& sink, Diagnostics& diag) {
    Index ix(p);
    // Groups of a theme = the sets it belongs to.
    std::unordered_map<std::string, std::vector<std::string>> groups;
    std::size_t maxGroups = 0;
    for (const auto& s : p.sets)
        for (const auto& t : s.themes) {
            auto& g = groups[normalizeId(t)];
            g.push_back(s.name);
            maxGroups = std::max(maxGroups, g.size());
        }
    TableHeader h{"Codebook", {"Code", "Comment"}, {CellType::Text, CellType::Text}, true};
    for (std::size_t i = 0; i < std::max<std::size_t>(maxGroups, 1); ++i) {
        h.columns.push_back("Code Group " + std::to_string(i + 1));
        h.types.push_back(CellType::Text);
    }
    sink.beginTable(h);
    for (const auto& t : p.themes) {
        std::vector<std::string> row{ix.path(t.id, ": "), t.description};
        auto it = groups.find(normalizeId(t.id));
        for (std::size_t i = 0; i < h.columns.size() - 2; ++i)
            row.push_back(it != groups.end() && i < it->second.size() ? it->second[i] : std::string());
        if (opts.stylesCarried && !t.color.empty()) {
            std::vector<CellStyle> st(row.size());
            st[0].fontColor = t.color;  // ATLAS.ti takes the code colour from the name's font
            sink.row(row, &st);
        } else {
            sink.row(row, nullptr);
        }
    }
    sink.endTable();
    if (!opts.stylesCarried) reportColours(p, "ATLAS.ti codebook (CSV)", diag);
    std::size_t otherSets = 0;
    for (const auto& s : p.sets)
        if (s.themes.empty() && (!s.sources.empty() || !s.memos.empty())) ++otherSets;
    if (otherSets) diag.lossy("lossy.sets", std::to_string(otherSets) + " set(s) of sources or memos have no place in an ATLAS.ti codebook");
    reportCodebookOnly(p, "ATLAS.ti codebook", diag);
}

void writeTaguetteCodebook(const Project& p, RowSink& sink, Diagnostics& diag) {
    Index ix(p);
    sink.beginTable(TableHeader{"codebook", {"tag", "description"}, {CellType::Text, CellType::Text}, true});
    bool nested = false;
    for (const auto& t : p.themes) {
        if (!t.parent.empty()) nested = true;
        sink.row({ix.path(t.id, "."), t.description}, nullptr);
    }
    sink.endTable();
    if (nested)
        diag.lossy("lossy.theme-hierarchy", "Taguette tags are flat: sub-themes are written as dotted paths ('parent.child')", {},
                   "read back with -o tag-separator=.");
    reportColours(p, "Taguette codebook", diag);
    reportCodebookOnly(p, "Taguette codebook", diag);
}

void writeQualcoderCodes(const Project& p, RowSink& sink, Diagnostics& diag) {
    Index ix(p);
    sink.beginTable(TableHeader{"codes", {"code", "memo"}, {CellType::Text, CellType::Text}, false});
    for (const auto& t : p.themes) sink.row({ix.path(t.id, ">>"), t.description}, nullptr);
    sink.endTable();
    reportColours(p, "QualCoder codes", diag);
    reportCodebookOnly(p, "QualCoder codes", diag);
}

void writeNvivoClassification(const Project& p, RowSink& sink, Diagnostics& diag) {
    // Cases when there are any, otherwise the file classification of sources.
    bool cases = !p.cases.empty();
    std::vector<const Attribute*> attrs;
    std::set<std::string> used;
    if (cases) {
        for (const auto& c : p.cases)
            for (const auto& v : c.values) used.insert(normalizeId(v.attribute));
    } else {
        for (const auto& s : p.sources)
            for (const auto& v : s.values) used.insert(normalizeId(v.attribute));
    }
    for (const auto& a : p.attributes)
        if (used.count(normalizeId(a.id))) attrs.push_back(&a);
    TableHeader h{cases ? "Cases" : "Files", {cases ? "Cases" : "Files"}, {CellType::Text}, true};
    for (const Attribute* a : attrs) {
        h.columns.push_back(a->name);
        h.types.push_back(attributeCellType(a->type));
    }
    sink.beginTable(h);
    auto emit = [&](const std::string& name, const std::vector<AttributeValue>& values) {
        std::vector<std::string> row{name};
        for (const Attribute* a : attrs) {
            std::string v;
            for (const auto& av : values)
                if (normalizeId(av.attribute) == normalizeId(a->id)) v = av.value;
            row.push_back(v);
        }
        sink.row(row, nullptr);
    };
    if (cases)
        for (const auto& c : p.cases) emit(c.name, c.values);
    else
        for (const auto& s : p.sources) emit(s.name, s.values);
    sink.endTable();
    if (!p.excerpts.empty())
        diag.lossy("lossy.codings", std::to_string(p.excerpts.size()) + " excerpt(s) are not part of a classification sheet");
    if (!p.themes.empty())
        diag.lossy("lossy.themes", std::to_string(p.themes.size()) + " theme(s) are not part of a classification sheet");
    if (cases) {
        std::size_t sv = 0;
        for (const auto& s : p.sources) sv += s.values.size();
        if (sv) diag.lossy("lossy.source-attributes", std::to_string(sv) + " source attribute value(s) are not written (the sheet classifies cases)");
    }
    if (!p.memos.empty()) diag.lossy("lossy.memos", std::to_string(p.memos.size()) + " memo(s) have no column in a classification sheet");
}

void writeSeedQuotes(const Project& p, RowSink& sink, Diagnostics& diag) {
    Index ix(p);
    // The attribute that holds the news/report source (reference or url).
    auto findAttr = [&](const char* n) -> std::string {
        for (const auto& a : p.attributes)
            if (normalizeHeader(a.name) == n) return a.id;
        return {};
    };
    std::string refAttr = findAttr("reference");
    if (refAttr.empty()) refAttr = findAttr("url");
    // Further source attributes follow the three columns and Theme.
    std::vector<const Attribute*> attrs;
    {
        std::set<std::string> used;
        for (const auto& s : p.sources)
            for (const auto& v : s.values) used.insert(normalizeId(v.attribute));
        for (const auto& a : p.attributes)
            if (used.count(normalizeId(a.id)) && normalizeId(a.id) != normalizeId(refAttr)) attrs.push_back(&a);
    }
    TableHeader h{"Quotes", {"Source", "Verbatim quote", "News/report source", "Theme"},
                  {CellType::Text, CellType::Text, CellType::Text, CellType::Text}, true};
    std::set<std::string> taken{"source", "verbatim quote", "news/report source", "theme"};
    for (const Attribute* a : attrs) {
        std::string name = a->name;
        if (!taken.insert(normalizeHeader(name)).second) name += " [" + a->id + "]";
        h.columns.push_back(name);
        h.types.push_back(attributeCellType(a->type));
    }
    sink.beginTable(h);
    std::size_t positions = 0;
    for (const auto& e : p.excerpts) {
        const Source* s = ix.source(e.source);
        std::string ref;
        if (s && !refAttr.empty())
            for (const auto& v : s->values)
                if (normalizeId(v.attribute) == normalizeId(refAttr)) ref = v.value;
        std::string themes;
        for (const auto& c : e.codings) {
            if (!themes.empty()) themes += "\n";
            themes += ix.path(c.theme, " > ");
        }
        std::string quote = e.quote.value_or(std::string());
        if (quote.empty() && s && s->text)
            if (auto t = std::get_if<TextSpan>(&e.anchor)) quote = text::substrCodePoints(*s->text, t->start, t->end);
        if (!std::holds_alternative<std::monostate>(e.anchor)) ++positions;
        std::vector<std::string> row{s ? s->name : e.source, quote, ref, themes};
        for (const Attribute* a : attrs) {
            std::string v;
            if (s)
                for (const auto& av : s->values)
                    if (normalizeId(av.attribute) == normalizeId(a->id)) v = av.value;
            row.push_back(v);
        }
        sink.row(row, nullptr);
    }
    sink.endTable();
    if (positions)
        diag.lossy("lossy.excerpt-positions", std::to_string(positions) + " excerpt position(s) have no column in the quote sheet");
    std::size_t texts = 0;
    for (const auto& s : p.sources)
        if (s.text) ++texts;
    if (texts) diag.lossy("lossy.source-text", std::to_string(texts) + " source text(s) are not part of the quote sheet");
    reportColours(p, "quote sheet", diag);
    reportDescriptions(p, "quote sheet", diag);
    if (!p.memos.empty()) diag.lossy("lossy.memos", std::to_string(p.memos.size()) + " memo(s) have no column in the quote sheet");
    if (!p.cases.empty()) diag.lossy("lossy.cases", std::to_string(p.cases.size()) + " case(s) have no place in the quote sheet");
}

/// Collects streamed rows into tables.
class CollectSink final : public RowSink {
public:
    std::vector<Table> tables;
    void beginTable(const TableHeader& h) override {
        tables.emplace_back();
        tables.back().name = h.name;
        if (h.writeHeader) tables.back().rows.push_back(h.columns);
    }
    void row(const std::vector<std::string>& cells, const std::vector<CellStyle>* styles) override {
        Table& t = tables.back();
        if (styles)
            for (std::size_t i = 0; i < styles->size(); ++i)
                if (!((*styles)[i] == CellStyle{})) t.styles[{t.rows.size(), i}] = (*styles)[i];
        t.rows.push_back(cells);
    }
    void endTable() override {}
};

} // namespace

std::string contentMemberName(const Source& s, std::size_t index) {
    std::string ext;
    auto dot = s.path.rfind('.');
    if (dot != std::string::npos && s.path.size() - dot <= 6) {
        std::string e = s.path.substr(dot + 1);
        if (!e.empty() && std::all_of(e.begin(), e.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); }))
            ext = "." + text::asciiLower(e);
    }
    std::string n = std::to_string(index);
    while (n.size() < 4) n = "0" + n;
    return "content/" + n + ext;
}

void writeProjectTables(const Project& p, const WriteOptions& opts, RowSink& sink, Diagnostics& diag) {
    switch (opts.layout) {
    case Dialect::Tidy: writeTidy(p, opts, sink, diag); break;
    case Dialect::MaxqdaCodeImport: writeMaxqdaCodes(p, opts, sink, diag); break;
    case Dialect::AtlasCodebook: writeAtlasCodebook(p, opts, sink, diag); break;
    case Dialect::TaguetteCodebook: writeTaguetteCodebook(p, sink, diag); break;
    case Dialect::QualcoderCodes: writeQualcoderCodes(p, sink, diag); break;
    case Dialect::NvivoClassification: writeNvivoClassification(p, sink, diag); break;
    case Dialect::SeedQuotes: writeSeedQuotes(p, sink, diag); break;
    default:
        throw UsageError(std::string("cannot write the '") + dialectName(opts.layout) +
                         "' layout (writable: tidy, maxqda-codes, atlasti-codebook, taguette-codebook, nvivo-classification, qualcoder-codes, seed-quotes)");
    }
}

std::vector<Table> projectToTables(const Project& p, const WriteOptions& opts, Diagnostics& diag) {
    CollectSink sink;
    writeProjectTables(p, opts, sink, diag);
    return std::move(sink.tables);
}

} // namespace qdx::tabular
