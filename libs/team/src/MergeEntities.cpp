// Merging sources, excerpts and codings, memos, cases and sets (Merger.h).

#include "Merger.h"

#include "qdx/Text.h"

#include <algorithm>
#include <istream>

namespace qdx::team::detail {

namespace {

/// Equal bytes of two blobs, streamed.
bool sameBytes(const std::shared_ptr<Blob>& x, const std::shared_ptr<Blob>& y) {
    if (!x || !y) return !x && !y;
    auto sx = x->size(), sy = y->size();
    if (sx && sy && *sx != *sy) return false;
    auto ix = x->open();
    auto iy = y->open();
    char bx[65536], by[65536];
    for (;;) {
        ix->read(bx, sizeof bx);
        iy->read(by, sizeof by);
        auto nx = ix->gcount(), ny = iy->gcount();
        if (nx != ny || !std::equal(bx, bx + nx, by)) return false;
        if (nx == 0) return true;
    }
}

/// A key of an excerpt's place: its source and anchor, as text.
std::string placeKey(const std::string& source, const Anchor& a) {
    std::string k = normalizeId(source) + '|' + anchorTypeName(a);
    auto n = [&](std::int64_t v) { k += '|' + std::to_string(v); };
    if (auto* t = std::get_if<TextSpan>(&a)) n(t->start), n(t->end);
    else if (auto* p = std::get_if<PdfRegion>(&a)) n(p->page), n(p->x1), n(p->y1), n(p->x2), n(p->y2);
    else if (auto* i = std::get_if<ImageRegion>(&a)) n(i->x1), n(i->y1), n(i->x2), n(i->y2);
    else if (auto* ts = std::get_if<TimeSpan>(&a)) n(ts->begin), n(ts->end);
    else if (auto* tr = std::get_if<TranscriptSpan>(&a))
        k += '|' + normalizeId(tr->transcript()) + '|' + normalizeId(tr->fromSyncPoint()) + '|' + normalizeId(tr->toSyncPoint());
    return k;
}

bool sameTargets(const std::vector<std::string>& x, const std::vector<std::string>& y) {
    std::vector<std::string> a, b;
    for (const auto& s : x) a.push_back(normalizeId(s));
    for (const auto& s : y) b.push_back(normalizeId(s));
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Sources

bool Merger::sameMedia(const Source& x, const Source& y) const {
    if (x.text || y.text || x.kind != y.kind || normalizeName(x.name) != normalizeName(y.name)) return false;
    if (!x.content && !y.content) return x.path == y.path;  // two references to one file
    return sameBytes(x.content, y.content);
}

void Merger::mergeSource(Source& a, const Source& b) {
    unite(a.name, b.name, a.ext, who(a), "the name");
    unite(a.description, b.description, a.ext, who(a), "the description");
    unite(a.mediaType, b.mediaType, a.ext, who(a), "the media type");
    if (a.kind != b.kind) conflict(a.ext, who(a), "the kind", toString(a.kind), toString(b.kind));
    if (!a.content && b.content) a.content = b.content;
    uniteValues(a.values, b.values, a.ext, who(a));
    for (const auto& t : b.transcripts) {
        // The same transcript: the same text and name (ids differ between tools).
        auto it = std::find_if(a.transcripts.begin(), a.transcripts.end(),
                               [&](const Transcript& x) { return x.text == t.text && normalizeName(x.name) == normalizeName(t.name); });
        if (it != a.transcripts.end()) {
            link(t.id, it->id);
            for (const auto& sp : t.syncPoints) {
                auto same = std::find_if(it->syncPoints.begin(), it->syncPoints.end(), [&](const SyncPoint& x) {
                    return x.timeMs == sp.timeMs && x.position == sp.position;
                });
                if (same != it->syncPoints.end()) {
                    link(sp.id, same->id);
                    continue;
                }
                SyncPoint added = sp;
                added.id = claim(sp.id, "sync point");
                link(sp.id, added.id);
                it->syncPoints.push_back(std::move(added));
            }
            continue;
        }
        Transcript copy = t;
        copy.id = claim(t.id, "transcript");
        link(t.id, copy.id);
        for (auto& sp : copy.syncPoints) {
            std::string old = sp.id;
            sp.id = claim(sp.id, "sync point");
            link(old, sp.id);
        }
        copy.audit = mappedAudit(t.audit);
        a.transcripts.push_back(std::move(copy));
    }
    uniteExt(a.ext, b.ext, who(a));
    _auditsKept += !b.audit.empty() && !(a.audit.created == b.audit.created);
}

void Merger::sources() {
    matchSources(_a, _b, _texts);
    for (std::size_t k = 0; k < _texts.sources.size(); ++k) {
        const auto& pair = _texts.sources[k];
        _pairOfB[pair.b] = k;
        _sourceOfB[pair.b] = pair.a;  // _p's sources begin with A's, in A's order
        link(_b.sources[pair.b].id, _p.sources[pair.a].id);
        mergeSource(_p.sources[pair.a], _b.sources[pair.b]);
        ++_s.sourcesMatched;
    }
    std::vector<bool> usedA(_a.sources.size(), false);
    for (const auto& pair : _texts.sources) usedA[pair.a] = true;
    for (std::size_t i = 0; i < _b.sources.size(); ++i) {
        if (_sourceOfB.count(i)) continue;
        const Source& b = _b.sources[i];
        std::size_t found = _a.sources.size();
        for (std::size_t j = 0; j < _a.sources.size() && found == _a.sources.size(); ++j)
            if (!usedA[j] && sameMedia(_a.sources[j], b)) found = j;
        if (found < _a.sources.size()) {
            usedA[found] = true;
            _sourceOfB[i] = found;
            link(b.id, _p.sources[found].id);
            mergeSource(_p.sources[found], b);
            ++_s.sourcesMatched;
            continue;
        }
        Source copy = b;
        copy.id = claim(b.id, "source");
        link(b.id, copy.id);
        copy.transcripts.clear();
        copy.values = mappedValues(b.values);
        copy.audit = mappedAudit(b.audit);
        _sourceOfB[i] = _p.sources.size();
        _p.sources.push_back(std::move(copy));
        Source& added = _p.sources.back();
        for (const auto& t : b.transcripts) {
            Transcript tc = t;
            tc.id = claim(t.id, "transcript");
            link(t.id, tc.id);
            for (auto& sp : tc.syncPoints) {
                std::string old = sp.id;
                sp.id = claim(sp.id, "sync point");
                link(old, sp.id);
            }
            tc.audit = mappedAudit(t.audit);
            added.transcripts.push_back(std::move(tc));
        }
        ++_s.sourcesAdded;
    }
}

// ---------------------------------------------------------------------------------------------
// Excerpts and codings

Anchor Merger::mapAnchor(const Excerpt& e, std::size_t bSource, bool& moved) const {
    if (auto* tr = std::get_if<TranscriptSpan>(&e.anchor))
        return TranscriptSpan(mapped(tr->transcript()), mapped(tr->fromSyncPoint()), mapped(tr->toSyncPoint()));
    auto* span = std::get_if<TextSpan>(&e.anchor);
    auto pair = _pairOfB.find(bSource);
    if (!span || pair == _pairOfB.end()) return e.anchor;
    const NormalizedText& ta = _texts.textA[pair->second];
    const NormalizedText& tb = _texts.textB[pair->second];
    if (!ta.changed() && !tb.changed()) return e.anchor;  // the same text, as stored
    auto map = [&](std::int64_t o) {
        if (o < 0 || o > tb.originalLength()) return o;  // outside its text in B: carried as it was
        moved = moved || tb.insideChange(o);
        return ta.toOriginal(tb.toNormalized(o));
    };
    return TextSpan{map(span->start), map(span->end)};
}

void Merger::mergeCodings(const std::vector<std::size_t>& here, Excerpt& into, const Excerpt& from) {
    for (const auto& c : from.codings) {
        Coding copy = c;
        copy.theme = mapped(c.theme);
        const std::string& who = coderOf(from, c);
        std::string coder;
        if (_o.codersFromFiles || who.empty()) {
            if (!who.empty()) {
                auto u = std::find_if(_b.users.begin(), _b.users.end(), [&](const User& x) { return IdEqual{}(x.id, who); });
                copy.ext["team:creator"] = Json(u == _b.users.end() || u->name.empty() ? who : u->name);
            }
            coder = fileUser(_labelB);
        } else {
            coder = mapped(who);
        }
        // The coding names its coder unless its excerpt already says it.
        copy.creator = c.creator.empty() && IdEqual{}(into.audit.creator, coder) ? std::string() : coder;
        // The same theme by the same coder on the same place, in any excerpt there: one coding.
        bool same = std::any_of(here.begin(), here.end(), [&](std::size_t i) {
            const Excerpt& x = _p.excerpts[i];
            return std::any_of(x.codings.begin(), x.codings.end(), [&](const Coding& y) {
                return IdEqual{}(y.theme, copy.theme) && IdEqual{}(coderOf(x, y), coder);
            });
        });
        if (same) {
            ++_s.codingsSame;
            continue;
        }
        copy.id = claim(c.id, "coding");
        into.codings.push_back(std::move(copy));
        ++_s.codingsAdded;
    }
}

void Merger::excerpts() {
    // Excerpts by place (source and anchor); a project may hold several at one place.
    std::unordered_map<std::string, std::vector<std::size_t>> byPlace;
    for (std::size_t i = 0; i < _p.excerpts.size(); ++i) byPlace[placeKey(_p.excerpts[i].source, _p.excerpts[i].anchor)].push_back(i);
    std::unordered_map<std::string, std::size_t> sourceOfB;
    for (std::size_t i = 0; i < _b.sources.size(); ++i) sourceOfB.emplace(normalizeId(_b.sources[i].id), i);
    std::map<std::size_t, std::unique_ptr<text::CodePointIndex>> quotes;
    std::size_t moved = 0;
    for (const auto& e : _b.excerpts) {
        auto bs = sourceOfB.find(normalizeId(e.source));
        bool inside = false;
        Anchor anchor = bs == sourceOfB.end() ? e.anchor : mapAnchor(e, bs->second, inside);
        moved += inside;
        std::string source = mapped(e.source);
        auto found = byPlace.find(placeKey(source, anchor));
        if (found != byPlace.end()) {
            const auto& here = found->second;  // the one with B's id if there is one (the same file twice)
            auto pick = std::find_if(here.begin(), here.end(), [&](std::size_t i) { return IdEqual{}(_p.excerpts[i].id, e.id); });
            Excerpt& a = _p.excerpts[pick == here.end() ? here.front() : *pick];
            link(e.id, a.id);
            unite(a.name, e.name, a.ext, who(a), "the name");
            unite(a.description, e.description, a.ext, who(a), "the description");
            uniteExt(a.ext, e.ext, who(a));
            mergeCodings(here, a, e);
            ++_s.excerptsMatched;
            continue;
        }
        Excerpt copy = e;
        copy.id = claim(e.id, "excerpt");
        link(e.id, copy.id);
        copy.source = source;
        copy.anchor = anchor;
        copy.audit = mappedAudit(e.audit);
        copy.codings.clear();
        auto* span = std::get_if<TextSpan>(&anchor);
        if (span && copy.quote && bs != sourceOfB.end() && _pairOfB.count(bs->second)) {
            std::size_t a = _sourceOfB.at(bs->second);
            const Source& src = _p.sources[a];
            if (src.text && *src.text != *_b.sources[bs->second].text) {  // the quote as A's text holds it
                auto& idx = quotes[a];
                if (!idx) idx = std::make_unique<text::CodePointIndex>(*src.text);
                copy.quote = std::string(idx->substr(span->start, span->end));
            }
        }
        mergeCodings({}, copy, e);
        byPlace[placeKey(copy.source, copy.anchor)].push_back(_p.excerpts.size());
        _p.excerpts.push_back(std::move(copy));
        ++_s.excerptsAdded;
    }
    if (moved > 0)
        _d.lossy("lossy.merge-offset-moved",
                 std::to_string(moved) + " excerpts of " + _labelB + " begin or end inside a line ending or a character that " +
                     _labelA + "'s text stores in another form: they are moved to its edge");
}

// ---------------------------------------------------------------------------------------------
// Memos, cases, sets

void Merger::memos() {
    // Memos may be about memos: ids are settled first, targets mapped after.
    std::vector<std::pair<std::size_t, std::size_t>> added;  // B's index, merged index
    std::unordered_map<std::string, std::vector<std::size_t>> byContent;  // name and text -> A's memos
    auto content = [](const Memo& m) { return m.name + '\0' + m.text; };
    for (std::size_t i = 0; i < _p.memos.size(); ++i) byContent[content(_p.memos[i])].push_back(i);
    for (std::size_t i = 0; i < _b.memos.size(); ++i) {
        const Memo& m = _b.memos[i];
        auto targets = mappedAll(m.targets);
        auto candidates = byContent.find(content(m));
        auto it = _p.memos.end();
        if (candidates != byContent.end()) {  // the same content, preferably under the same id
            for (std::size_t k : candidates->second)
                if (sameTargets(_p.memos[k].targets, targets) && (it == _p.memos.end() || IdEqual{}(_p.memos[k].id, m.id)))
                    it = _p.memos.begin() + static_cast<std::ptrdiff_t>(k);
        }
        if (it != _p.memos.end()) {
            link(m.id, it->id);
            uniteExt(it->ext, m.ext, who(*it));
            continue;
        }
        Memo copy = m;
        copy.id = claim(m.id, "memo");  // the same id with other content: reported there
        link(m.id, copy.id);
        copy.audit = mappedAudit(m.audit);
        added.emplace_back(i, _p.memos.size());
        _p.memos.push_back(std::move(copy));
        ++_s.memosAdded;
    }
    for (auto [i, k] : added) _p.memos[k].targets = mappedAll(_b.memos[i].targets);
}

void Merger::cases() {
    std::unordered_map<std::string, std::size_t> byName;
    for (std::size_t i = 0; i < _p.cases.size(); ++i) byName.emplace(normalizeName(_p.cases[i].name), i);
    for (const auto& c : _b.cases) {
        auto found = byName.find(normalizeName(c.name));
        auto it = found == byName.end() ? _p.cases.end() : _p.cases.begin() + static_cast<std::ptrdiff_t>(found->second);
        if (it == _p.cases.end()) {
            Case copy = c;
            copy.id = claim(c.id, "case");
            link(c.id, copy.id);
            copy.values = mappedValues(c.values);
            copy.themes = mappedAll(c.themes);
            copy.sources = mappedAll(c.sources);
            copy.excerpts = mappedAll(c.excerpts);
            byName.emplace(normalizeName(copy.name), _p.cases.size());
            _p.cases.push_back(std::move(copy));
            ++_s.casesAdded;
            continue;
        }
        link(c.id, it->id);
        unite(it->description, c.description, it->ext, who(*it), "the description");
        uniteValues(it->values, c.values, it->ext, who(*it));
        uniteIds(it->themes, mappedAll(c.themes));
        uniteIds(it->sources, mappedAll(c.sources));
        uniteIds(it->excerpts, mappedAll(c.excerpts));
        uniteExt(it->ext, c.ext, who(*it));
    }
}

void Merger::sets() {
    std::unordered_map<std::string, std::size_t> byName;
    for (std::size_t i = 0; i < _p.sets.size(); ++i) byName.emplace(normalizeName(_p.sets[i].name), i);
    for (const auto& s : _b.sets) {
        auto found = byName.find(normalizeName(s.name));
        auto it = found == byName.end() ? _p.sets.end() : _p.sets.begin() + static_cast<std::ptrdiff_t>(found->second);
        if (it == _p.sets.end()) {
            Set copy = s;
            copy.id = claim(s.id, "set");
            link(s.id, copy.id);
            copy.themes = mappedAll(s.themes);
            copy.sources = mappedAll(s.sources);
            copy.memos = mappedAll(s.memos);
            byName.emplace(normalizeName(copy.name), _p.sets.size());
            _p.sets.push_back(std::move(copy));
            ++_s.setsAdded;
            continue;
        }
        link(s.id, it->id);
        unite(it->description, s.description, it->ext, who(*it), "the description");
        uniteIds(it->themes, mappedAll(s.themes));
        uniteIds(it->sources, mappedAll(s.sources));
        uniteIds(it->memos, mappedAll(s.memos));
        uniteExt(it->ext, s.ext, who(*it));
    }
}

} // namespace qdx::team::detail
