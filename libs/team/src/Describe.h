#pragma once
// Internal to qdx_team: names, quotes and positions of an agreement result,
// shared by its text, JSON and HTML forms.

#include "qdx/Text.h"
#include "qdx/team/Agreement.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace qdx::team::detail {

inline const Source& sourceA(const AgreementResult& r, std::size_t pair) {
    return r.a.project->sources[r.matching.sources[pair].a];
}
inline const Source& sourceB(const AgreementResult& r, std::size_t pair) {
    return r.b.project->sources[r.matching.sources[pair].b];
}
inline std::string sourceName(const AgreementResult& r, std::size_t pair) {
    const Source& s = sourceA(r, pair);
    return s.name.empty() ? s.id : s.name;
}
inline const std::string& themePathOf(const AgreementResult& r, std::size_t pair) { return r.matching.themes[pair].path; }

/// Quotes and line numbers over the normalised texts, indexed once per source.
class Quotes {
public:
    explicit Quotes(const AgreementResult& r) : _r(r) {}
    std::string quote(std::size_t source, std::int64_t start, std::int64_t end) { return std::string(index(source).cp.substr(start, end)); }
    /// 1-based line of a position.
    std::int64_t line(std::size_t source, std::int64_t offset) {
        const auto& nl = index(source).newlines;
        return static_cast<std::int64_t>(std::lower_bound(nl.begin(), nl.end(), offset) - nl.begin()) + 1;
    }

private:
    struct Index {
        text::CodePointIndex cp;
        std::vector<std::int64_t> newlines;  ///< code-point offsets of every LF
        explicit Index(std::string_view t) : cp(t) {
            std::int64_t i = 0;
            for (char c : t) {
                if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;
                if (c == '\n') newlines.push_back(i);
                ++i;
            }
        }
    };
    Index& index(std::size_t source) {
        auto& slot = _index[source];
        if (!slot) slot = std::make_unique<Index>(_r.matching.textA[source].text());
        return *slot;
    }
    const AgreementResult& _r;
    std::map<std::size_t, std::unique_ptr<Index>> _index;
};

inline std::string fixed(double v, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}
inline std::string percent(double fraction) { return fixed(100 * fraction, 2) + "%"; }

/// 1234567 -> "1,234,567".
inline std::string grouped(std::int64_t n) {
    std::string d = std::to_string(n < 0 ? -n : n), out;
    for (std::size_t i = 0; i < d.size(); ++i) {
        if (i > 0 && (d.size() - i) % 3 == 0) out += ',';
        out += d[i];
    }
    return n < 0 ? "-" + out : out;
}

inline const char* unitName(Unit u) { return u == Unit::Segment ? "segment" : "character"; }

} // namespace qdx::team::detail
