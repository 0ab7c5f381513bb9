// The numbers of the report, computed in a few passes over the project:
// the theme tree (cut where it is broken), codings per theme and source,
// subtree totals, listings in reading order, co-occurrence of the most used
// themes. Nothing here is quadratic in the project's size.

#include "Report.h"

#include <algorithm>
#include <numeric>

namespace qdx::html {

const std::vector<std::string>& sectionNames() {
    static const std::vector<std::string> k{"overview", "codebook", "matrix", "charts", "excerpts",
                                            "sources",  "memos",    "cases",  "losses"};
    return k;
}

namespace {

template <class T>
IdIndex<std::size_t> indexOf(const std::vector<T>& items) {
    IdIndex<std::size_t> idx;
    idx.reserve(items.size());
    for (std::size_t i = 0; i < items.size(); ++i)
        if (!items[i].id.empty()) idx.emplace(items[i].id, i);  // the first of duplicate ids wins
    return idx;
}

std::size_t lookup(const IdIndex<std::size_t>& idx, const std::string& id) {
    if (id.empty()) return kNone;
    const std::size_t* v = idx.find(id);
    return v ? *v : kNone;
}

// Where in its source an excerpt starts, for reading order.
std::int64_t positionKey(const Anchor& a) {
    if (const auto* t = std::get_if<TextSpan>(&a)) return t->start;
    if (const auto* r = std::get_if<PdfRegion>(&a)) return r->page * 1000000 + r->y1;
    if (const auto* i = std::get_if<ImageRegion>(&a)) return i->y1 * 100000 + i->x1;
    if (const auto* s = std::get_if<TimeSpan>(&a)) return s->begin;
    return std::holds_alternative<std::monostate>(a) ? -1 : 0;
}

// Parents by index; a dangling parent, a parent that is the theme itself and
// one link of every cycle are cut, so the tree is a forest.
void buildTree(const Project& p, ReportData& d) {
    const std::size_t n = p.themes.size();
    d.parent.assign(n, kNone);
    for (std::size_t i = 0; i < n; ++i) {
        std::size_t up = lookup(d.themeIndex, p.themes[i].parent);
        if (up != i) d.parent[i] = up;
    }
    std::vector<char> state(n, 0);  // 0 new, 1 on the current path, 2 done
    std::vector<std::size_t> path;
    for (std::size_t i = 0; i < n; ++i) {
        path.clear();
        std::size_t x = i;
        while (x != kNone && state[x] == 0) {
            state[x] = 1;
            path.push_back(x);
            x = d.parent[x];
        }
        if (x != kNone && state[x] == 1) d.parent[x] = kNone;  // a cycle: x becomes a root
        for (std::size_t y : path) state[y] = 2;
    }
    d.children.assign(n, {});
    for (std::size_t i = 0; i < n; ++i)
        if (d.parent[i] != kNone) d.children[d.parent[i]].push_back(i);
}

std::vector<std::size_t> readingOrder(const Project& p, const ReportData& d) {
    std::vector<std::size_t> idx(p.excerpts.size());
    std::iota(idx.begin(), idx.end(), 0);
    std::vector<std::int64_t> key(p.excerpts.size());
    for (std::size_t k = 0; k < key.size(); ++k) key[k] = positionKey(p.excerpts[k].anchor);
    std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {
        std::size_t sa = d.excerptSource[a], sb = d.excerptSource[b];
        if (sa != sb) return sa < sb;  // kNone (unknown source) last
        if (key[a] != key[b]) return key[a] < key[b];
        return a < b;
    });
    return idx;
}

void countCodings(const Project& p, ReportData& d) {
    const std::size_t nt = p.themes.size(), ns = p.sources.size();
    d.codings.assign(nt, 0);
    d.excerptCount.assign(nt, 0);
    d.row.assign(nt, {});
    d.hits.assign(nt, {});
    d.sourceCodings.assign(ns, 0);
    d.sourceExcerpts.assign(ns, {});
    d.excerptSource.assign(p.excerpts.size(), kNone);
    for (std::size_t k = 0; k < p.excerpts.size(); ++k) d.excerptSource[k] = lookup(d.sourceIndex, p.excerpts[k].source);
    std::vector<std::size_t> lastExcerpt(nt, kNone);
    for (std::size_t k : readingOrder(p, d)) {
        const Excerpt& e = p.excerpts[k];
        std::size_t s = d.excerptSource[k];
        if (s != kNone) d.sourceExcerpts[s].push_back(k);
        for (std::size_t ci = 0; ci < e.codings.size(); ++ci) {
            std::size_t t = lookup(d.themeIndex, e.codings[ci].theme);
            if (t == kNone) {
                ++d.unknownTheme;
                continue;
            }
            ++d.codings[t];
            d.hits[t].push_back({k, ci});
            if (lastExcerpt[t] != k) {
                lastExcerpt[t] = k;
                ++d.excerptCount[t];
            }
            if (s == kNone) {
                ++d.unknownSource;
                continue;
            }
            ++d.totalCodings;
            ++d.sourceCodings[s];
            auto& r = d.row[t];  // excerpts come source by source: each row stays sorted
            if (r.empty() || r.back().source != s) r.push_back({s, 0});
            ++r.back().n;
        }
    }
}

std::vector<Cell> mergeCells(std::vector<Cell> cells) {
    std::sort(cells.begin(), cells.end(), [](const Cell& a, const Cell& b) { return a.source < b.source; });
    std::vector<Cell> out;
    for (const Cell& c : cells) {
        if (!out.empty() && out.back().source == c.source) out.back().n += c.n;
        else out.push_back(c);
    }
    return out;
}

// Preorder of the forest; children are visited before they are summed, so
// totals come out of one pass over the reversed preorder.
std::vector<std::size_t> preorder(const ReportData& d, const std::vector<std::size_t>& roots) {
    std::vector<std::size_t> out, stack(roots.rbegin(), roots.rend());
    while (!stack.empty()) {
        std::size_t t = stack.back();
        stack.pop_back();
        out.push_back(t);
        for (auto it = d.children[t].rbegin(); it != d.children[t].rend(); ++it) stack.push_back(*it);
    }
    return out;
}

void sumSubtrees(ReportData& d, const std::vector<std::size_t>& pre) {
    const std::size_t nt = d.codings.size();
    d.subtreeCodings = d.codings;
    d.subtreeRow.assign(nt, {});
    for (auto it = pre.rbegin(); it != pre.rend(); ++it) {
        std::size_t t = *it;
        if (d.children[t].empty()) continue;
        std::vector<Cell> cells = d.row[t];
        for (std::size_t c : d.children[t]) {
            d.subtreeCodings[t] += d.subtreeCodings[c];
            const auto& sub = d.subtree(c);
            cells.insert(cells.end(), sub.begin(), sub.end());
        }
        d.subtreeRow[t] = mergeCells(std::move(cells));
    }
}

void orderThemes(ReportData& d, ThemeOrder order) {
    std::vector<std::size_t> roots;
    for (std::size_t t = 0; t < d.parent.size(); ++t)
        if (d.parent[t] == kNone) roots.push_back(t);
    std::vector<std::size_t> pre = preorder(d, roots);
    sumSubtrees(d, pre);
    if (order == ThemeOrder::Frequency) {
        auto byCount = [&](std::size_t a, std::size_t b) { return d.subtreeCodings[a] > d.subtreeCodings[b]; };
        std::stable_sort(roots.begin(), roots.end(), byCount);
        for (auto& c : d.children) std::stable_sort(c.begin(), c.end(), byCount);
        pre = preorder(d, roots);
    }
    d.order = std::move(pre);
    d.depth.assign(d.parent.size(), 0);
    for (std::size_t t : d.order)
        if (d.parent[t] != kNone) d.depth[t] = d.depth[d.parent[t]] + 1;
}

// Excerpts of the same source with the same anchor are one unit of
// co-occurrence: NVivo and others write one selection per code for a span
// coded with two codes.
bool sameAnchor(const Anchor& a, const Anchor& b) {
    if (a.index() != b.index()) return false;
    if (const auto* x = std::get_if<TextSpan>(&a)) {
        const auto& y = std::get<TextSpan>(b);
        return x->start == y.start && x->end == y.end;
    }
    if (const auto* x = std::get_if<PdfRegion>(&a)) {
        const auto& y = std::get<PdfRegion>(b);
        return x->page == y.page && x->x1 == y.x1 && x->y1 == y.y1 && x->x2 == y.x2 && x->y2 == y.y2;
    }
    if (const auto* x = std::get_if<ImageRegion>(&a)) {
        const auto& y = std::get<ImageRegion>(b);
        return x->x1 == y.x1 && x->y1 == y.y1 && x->x2 == y.x2 && x->y2 == y.y2;
    }
    if (const auto* x = std::get_if<TimeSpan>(&a)) {
        const auto& y = std::get<TimeSpan>(b);
        return x->begin == y.begin && x->end == y.end;
    }
    if (const auto* x = std::get_if<TranscriptSpan>(&a)) {
        const auto& y = std::get<TranscriptSpan>(b);
        return x->transcript() == y.transcript() && x->fromSyncPoint() == y.fromSyncPoint() && x->toSyncPoint() == y.toSyncPoint();
    }
    return true;  // the whole source
}

void coOccurrence(const Project& p, ReportData& d, std::size_t maxItems) {
    std::vector<std::size_t> used;
    for (std::size_t t : d.order)
        if (d.excerptCount[t] > 0) used.push_back(t);
    if (maxItems > 0 && used.size() > maxItems) {
        std::vector<std::size_t> top = used;
        std::stable_sort(top.begin(), top.end(), [&](std::size_t a, std::size_t b) { return d.excerptCount[a] > d.excerptCount[b]; });
        top.resize(maxItems);
        std::sort(top.begin(), top.end());
        used.erase(std::remove_if(used.begin(), used.end(),
                                  [&](std::size_t t) { return !std::binary_search(top.begin(), top.end(), t); }),
                   used.end());
    }
    d.coThemes = used;
    const std::size_t n = used.size();
    d.coCounts.assign(n * n, 0);
    std::vector<std::size_t> pos(p.themes.size(), kNone);
    for (std::size_t i = 0; i < n; ++i) pos[used[i]] = i;
    // Units: runs of excerpts with the same source and anchor. The reading
    // order sorts by source and start; equal anchors are then adjacent
    // unless another excerpt starts at the same place, which a scan of the
    // run of equal starts catches.
    std::vector<std::size_t> here;
    std::vector<char> done(p.excerpts.size(), 0);
    for (std::size_t s = 0; s < p.sources.size(); ++s) {
        const std::vector<std::size_t>* list = &d.sourceExcerpts[s];
        for (std::size_t i = 0; i < list->size(); ++i) {
            std::size_t k = (*list)[i];
            if (done[k]) continue;
            here.clear();
            std::int64_t key = positionKey(p.excerpts[k].anchor);
            for (std::size_t j = i; j < list->size() && positionKey(p.excerpts[(*list)[j]].anchor) == key; ++j) {
                std::size_t k2 = (*list)[j];
                if (done[k2] || !sameAnchor(p.excerpts[k].anchor, p.excerpts[k2].anchor)) continue;
                done[k2] = 1;
                for (const Coding& c : p.excerpts[k2].codings) {
                    std::size_t t = lookup(d.themeIndex, c.theme);
                    if (t != kNone && pos[t] != kNone) here.push_back(pos[t]);
                }
            }
            std::sort(here.begin(), here.end());
            here.erase(std::unique(here.begin(), here.end()), here.end());
            for (std::size_t a : here)
                for (std::size_t b : here) d.coCounts[a * n + b] += 1;
        }
    }
}

void anchors(const Project& p, ReportData& d, const ReportOptions& o) {
    d.excerptAnchor.assign(p.excerpts.size(), kNone);
    if (!o.has("excerpts")) return;
    for (std::size_t t : d.order) {
        std::size_t listed = 0, last = kNone;
        for (const Hit& h : d.hits[t]) {
            if (h.excerpt == last) continue;
            last = h.excerpt;
            if (o.maxExcerpts > 0 && listed == o.maxExcerpts) break;
            ++listed;
            if (d.excerptAnchor[h.excerpt] == kNone) d.excerptAnchor[h.excerpt] = t;
        }
    }
}

} // namespace

ReportData analyse(const Project& p, const ReportOptions& o) {
    ReportData d;
    d.themeIndex = indexOf(p.themes);
    d.sourceIndex = indexOf(p.sources);
    d.userIndex = indexOf(p.users);
    buildTree(p, d);
    countCodings(p, d);
    orderThemes(d, o.order);
    coOccurrence(p, d, o.maxChartItems);
    anchors(p, d, o);
    return d;
}

} // namespace qdx::html
