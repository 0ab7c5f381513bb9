#include "qdx/Compare.h"

#include "qdx/Text.h"

#include <algorithm>
#include <istream>
#include <map>
#include <set>

namespace qdx {

namespace {

std::string clip(const std::string& s) {
    if (s.size() <= 80) return s;
    return s.substr(0, 77) + "...";
}

class Differ {
public:
    Differ(const CompareOptions& o) : _o(o) {}
    std::vector<Difference> out;

    bool full() const { return out.size() >= _o.maxDifferences; }

    void add(const std::string& path, const std::string& l, const std::string& r) {
        if (!full()) out.push_back({path, clip(l), clip(r)});
    }
    void str(const std::string& path, const std::string& a, const std::string& b) {
        if (a != b) add(path, a, b);
    }
    void id(const std::string& path, const std::string& a, const std::string& b) {
        if (normalizeId(a) != normalizeId(b)) add(path, a, b);
    }
    void num(const std::string& path, std::int64_t a, std::int64_t b) {
        if (a != b) add(path, std::to_string(a), std::to_string(b));
    }
    void flag(const std::string& path, bool a, bool b) {
        if (a != b) add(path, a ? "true" : "false", b ? "true" : "false");
    }
    void optStr(const std::string& path, const std::optional<std::string>& a, const std::optional<std::string>& b) {
        if (a.has_value() != b.has_value()) add(path, a ? clip(*a) : "(none)", b ? clip(*b) : "(none)");
        else if (a && *a != *b) add(path, *a, *b);
    }
    void idSet(const std::string& path, const std::vector<std::string>& a, const std::vector<std::string>& b) {
        std::multiset<std::string> x, y;
        for (const auto& s : a) x.insert(normalizeId(s));
        for (const auto& s : b) y.insert(normalizeId(s));
        if (x == y) return;
        for (const auto& s : x)
            if (y.count(s) < x.count(s)) add(path, s, "(absent)");
        for (const auto& s : y)
            if (x.count(s) < y.count(s)) add(path, "(absent)", s);
    }
    void audit(const std::string& path, const Audit& a, const Audit& b) {
        if (_o.ignoreAudit) return;
        id(path + ".audit.creator", a.creator, b.creator);
        str(path + ".audit.created", a.created, b.created);
        id(path + ".audit.modifier", a.modifier, b.modifier);
        str(path + ".audit.modified", a.modified, b.modified);
    }
    void ext(const std::string& path, const Extensions& a, const Extensions& b) {
        if (_o.ignoreExtensions) return;
        for (const auto& [k, v] : a) {
            auto it = b.find(k);
            if (it == b.end()) add(path + ".ext[" + k + "]", v.dump(), "(absent)");
            else if (!(it->second == v)) add(path + ".ext[" + k + "]", v.dump(), it->second.dump());
        }
        for (const auto& [k, v] : b)
            if (!a.count(k)) add(path + ".ext[" + k + "]", "(absent)", v.dump());
    }
    void values(const std::string& path, const std::vector<AttributeValue>& a, const std::vector<AttributeValue>& b) {
        std::map<std::string, std::string> x, y;
        for (const auto& v : a) x[normalizeId(v.attribute)] = v.value;
        for (const auto& v : b) y[normalizeId(v.attribute)] = v.value;
        for (const auto& [k, v] : x) {
            auto it = y.find(k);
            if (it == y.end()) add(path + ".values[" + k + "]", v, "(absent)");
            else if (it->second != v) add(path + ".values[" + k + "]", v, it->second);
        }
        for (const auto& [k, v] : y)
            if (!x.count(k)) add(path + ".values[" + k + "]", "(absent)", v);
    }
    void content(const std::string& path, const std::shared_ptr<Blob>& a, const std::shared_ptr<Blob>& b) {
        if (!a && !b) return;
        if (!a || !b) {
            add(path + ".content", a ? a->describe() : "(none)", b ? b->describe() : "(none)");
            return;
        }
        auto sa = a->size(), sb = b->size();
        if (sa && sb && *sa != *sb) {
            add(path + ".content.size", std::to_string(*sa), std::to_string(*sb));
            return;
        }
        if (!_o.compareContent) return;
        auto ia = a->open();
        auto ib = b->open();
        char ba[65536], bb[65536];
        std::uint64_t pos = 0;
        for (;;) {
            ia->read(ba, sizeof ba);
            ib->read(bb, sizeof bb);
            auto na = ia->gcount(), nb = ib->gcount();
            if (na != nb || !std::equal(ba, ba + na, bb)) {
                add(path + ".content", "bytes differ near offset " + std::to_string(pos), a->describe() + " vs " + b->describe());
                return;
            }
            if (na == 0) return;
            pos += static_cast<std::uint64_t>(na);
        }
    }
    void anchor(const std::string& path, const Anchor& a, const Anchor& b) {
        if (a.index() != b.index()) {
            add(path + ".anchor.type", anchorTypeName(a), anchorTypeName(b));
            return;
        }
        if (auto* x = std::get_if<TextSpan>(&a)) {
            auto* y = std::get_if<TextSpan>(&b);
            num(path + ".anchor.start", x->start, y->start);
            num(path + ".anchor.end", x->end, y->end);
        } else if (auto* x = std::get_if<PdfRegion>(&a)) {
            auto* y = std::get_if<PdfRegion>(&b);
            num(path + ".anchor.page", x->page, y->page);
            num(path + ".anchor.x1", x->x1, y->x1);
            num(path + ".anchor.y1", x->y1, y->y1);
            num(path + ".anchor.x2", x->x2, y->x2);
            num(path + ".anchor.y2", x->y2, y->y2);
        } else if (auto* x = std::get_if<ImageRegion>(&a)) {
            auto* y = std::get_if<ImageRegion>(&b);
            num(path + ".anchor.x1", x->x1, y->x1);
            num(path + ".anchor.y1", x->y1, y->y1);
            num(path + ".anchor.x2", x->x2, y->x2);
            num(path + ".anchor.y2", x->y2, y->y2);
        } else if (auto* x = std::get_if<TimeSpan>(&a)) {
            auto* y = std::get_if<TimeSpan>(&b);
            num(path + ".anchor.begin", x->begin, y->begin);
            num(path + ".anchor.end", x->end, y->end);
        } else if (auto* x = std::get_if<TranscriptSpan>(&a)) {
            auto* y = std::get_if<TranscriptSpan>(&b);
            id(path + ".anchor.transcript", x->transcript(), y->transcript());
            id(path + ".anchor.fromSyncPoint", x->fromSyncPoint(), y->fromSyncPoint());
            id(path + ".anchor.toSyncPoint", x->toSyncPoint(), y->toSyncPoint());
        }
    }

    /// Matches two lists by normalised id and compares the pairs.
    template <class T, class F>
    void list(const std::string& name, const std::vector<T>& a, const std::vector<T>& b, F&& each) {
        std::map<std::string, const T*> mb;
        std::map<std::string, int> seenA;
        for (const auto& x : b) mb.emplace(normalizeId(x.id), &x);
        for (const auto& x : a) {
            std::string k = normalizeId(x.id);
            std::string path = name + "[" + x.id + "]";
            if (seenA[k]++ > 0) continue;  // duplicate ids are validate's business
            auto it = mb.find(k);
            if (it == mb.end()) {
                add(path, "present", "(absent)");
                continue;
            }
            each(path, x, *it->second);
            mb.erase(it);
            if (full()) return;
        }
        for (const auto& [k, x] : mb) add(name + "[" + x->id + "]", "(absent)", "present");
    }

private:
    const CompareOptions& _o;
};

// The text a text span covers, when its source has text.
std::optional<std::string> spanText(const Project& p, const Excerpt& e) {
    const auto* span = std::get_if<TextSpan>(&e.anchor);
    if (!span) return std::nullopt;
    for (const auto& s : p.sources)
        if (normalizeId(s.id) == normalizeId(e.source) && s.text)
            return text::substrCodePoints(*s.text, span->start, span->end);
    return std::nullopt;
}

// A quote is derivable from a text span: a side without one is compared with
// the text its span covers.
void quote(Differ& d, const std::string& path, const Project& pa, const Excerpt& x, const Project& pb, const Excerpt& y) {
    std::optional<std::string> qx = x.quote, qy = y.quote;
    if (qx && !qy) qy = spanText(pb, y);
    if (qy && !qx) qx = spanText(pa, x);
    d.optStr(path + ".quote", qx, qy);
}

} // namespace

std::vector<Difference> compareProjects(const Project& a, const Project& b, const CompareOptions& opts) {
    Differ d(opts);
    d.str("project.name", a.name, b.name);
    d.str("project.description", a.description, b.description);
    d.str("project.origin", a.origin, b.origin);
    d.str("project.basePath", a.basePath, b.basePath);
    d.audit("project", a.audit, b.audit);
    d.ext("project", a.ext, b.ext);
    d.list("users", a.users, b.users, [&](const std::string& p, const User& x, const User& y) {
        d.str(p + ".name", x.name, y.name);
        d.ext(p, x.ext, y.ext);
    });
    d.list("themes", a.themes, b.themes, [&](const std::string& p, const Theme& x, const Theme& y) {
        d.str(p + ".name", x.name, y.name);
        d.id(p + ".parent", x.parent, y.parent);
        d.str(p + ".color", x.color, y.color);
        d.str(p + ".description", x.description, y.description);
        d.flag(p + ".codable", x.codable, y.codable);
        d.audit(p, x.audit, y.audit);
        d.ext(p, x.ext, y.ext);
    });
    d.list("attributes", a.attributes, b.attributes, [&](const std::string& p, const Attribute& x, const Attribute& y) {
        d.str(p + ".name", x.name, y.name);
        d.str(p + ".type", toString(x.type), toString(y.type));
        d.str(p + ".description", x.description, y.description);
        d.ext(p, x.ext, y.ext);
    });
    d.list("sources", a.sources, b.sources, [&](const std::string& p, const Source& x, const Source& y) {
        d.str(p + ".name", x.name, y.name);
        d.str(p + ".kind", toString(x.kind), toString(y.kind));
        d.str(p + ".description", x.description, y.description);
        d.optStr(p + ".text", x.text, y.text);
        d.content(p, x.content, y.content);
        d.str(p + ".mediaType", x.mediaType, y.mediaType);
        // Source::path only says where one format kept the content: not compared.
        d.values(p, x.values, y.values);
        d.list(p + ".transcripts", x.transcripts, y.transcripts,
               [&](const std::string& q, const Transcript& s, const Transcript& t) {
                   d.str(q + ".name", s.name, t.name);
                   d.str(q + ".text", s.text, t.text);
                   d.list(q + ".syncPoints", s.syncPoints, t.syncPoints,
                          [&](const std::string& r, const SyncPoint& u, const SyncPoint& v) {
                              d.num(r + ".timeMs", u.timeMs, v.timeMs);
                              d.num(r + ".position", u.position, v.position);
                              d.ext(r, u.ext, v.ext);
                          });
                   d.audit(q, s.audit, t.audit);
                   d.ext(q, s.ext, t.ext);
               });
        d.audit(p, x.audit, y.audit);
        d.ext(p, x.ext, y.ext);
    });
    d.list("excerpts", a.excerpts, b.excerpts, [&](const std::string& p, const Excerpt& x, const Excerpt& y) {
        d.id(p + ".source", x.source, y.source);
        d.str(p + ".name", x.name, y.name);
        d.anchor(p, x.anchor, y.anchor);
        quote(d, p, a, x, b, y);
        d.str(p + ".description", x.description, y.description);
        // Codings: matched by theme (an excerpt codes a theme at most once in practice;
        // a repeated theme is matched in order, so a project still equals itself).
        std::multimap<std::string, const Coding*> cy;
        for (const auto& c : y.codings) cy.emplace(normalizeId(c.theme), &c);
        for (const auto& c : x.codings) {
            std::string k = normalizeId(c.theme);
            std::string q = p + ".codings[" + c.theme + "]";
            auto it = cy.find(k);
            if (it == cy.end()) {
                d.add(q, "present", "(absent)");
                continue;
            }
            d.id(q + ".id", c.id, it->second->id);
            if (!opts.ignoreAudit) {
                d.id(q + ".creator", c.creator, it->second->creator);
                d.str(q + ".created", c.created, it->second->created);
            }
            d.ext(q, c.ext, it->second->ext);
            cy.erase(it);
        }
        for (const auto& [k, c] : cy) d.add(p + ".codings[" + c->theme + "]", "(absent)", "present");
        d.audit(p, x.audit, y.audit);
        d.ext(p, x.ext, y.ext);
    });
    d.list("memos", a.memos, b.memos, [&](const std::string& p, const Memo& x, const Memo& y) {
        d.str(p + ".name", x.name, y.name);
        d.str(p + ".text", x.text, y.text);
        d.idSet(p + ".targets", x.targets, y.targets);
        d.audit(p, x.audit, y.audit);
        d.ext(p, x.ext, y.ext);
    });
    d.list("cases", a.cases, b.cases, [&](const std::string& p, const Case& x, const Case& y) {
        d.str(p + ".name", x.name, y.name);
        d.str(p + ".description", x.description, y.description);
        d.values(p, x.values, y.values);
        d.idSet(p + ".themes", x.themes, y.themes);
        d.idSet(p + ".sources", x.sources, y.sources);
        d.idSet(p + ".excerpts", x.excerpts, y.excerpts);
        d.ext(p, x.ext, y.ext);
    });
    d.list("sets", a.sets, b.sets, [&](const std::string& p, const Set& x, const Set& y) {
        d.str(p + ".name", x.name, y.name);
        d.str(p + ".description", x.description, y.description);
        d.idSet(p + ".themes", x.themes, y.themes);
        d.idSet(p + ".sources", x.sources, y.sources);
        d.idSet(p + ".memos", x.memos, y.memos);
        d.ext(p, x.ext, y.ext);
    });
    return std::move(d.out);
}

} // namespace qdx
