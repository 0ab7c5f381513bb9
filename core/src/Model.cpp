#include "qdx/Model.h"

#include "qdx/Text.h"

#include <Poco/UUIDGenerator.h>

#include <set>
#include <stdexcept>

namespace qdx {

Extensions::Extensions(std::initializer_list<value_type> items)
{
    if (items.size() != 0) _map = std::make_unique<Map>(items);
}

Extensions& Extensions::operator=(const Extensions& o)
{
    if (this != &o) _map = o.empty() ? nullptr : std::make_unique<Map>(*o._map);
    return *this;
}

Json& Extensions::at(const key_type& k)
{
    if (!_map) throw std::out_of_range("no extension '" + k + "'");
    return _map->at(k);
}

const Json& Extensions::at(const key_type& k) const
{
    if (!_map) throw std::out_of_range("no extension '" + k + "'");
    return _map->at(k);
}

bool Extensions::operator==(const Extensions& o) const
{
    if (empty() || o.empty()) return empty() == o.empty();
    return *_map == *o._map;
}

Extensions::Map& Extensions::none()
{
    static Map empty;
    return empty;
}

const char* toString(AttributeType t) {
    switch (t) {
    case AttributeType::Text: return "text";
    case AttributeType::Boolean: return "boolean";
    case AttributeType::Integer: return "integer";
    case AttributeType::Float: return "float";
    case AttributeType::Date: return "date";
    case AttributeType::DateTime: return "datetime";
    }
    return "text";
}

std::optional<AttributeType> attributeTypeFromString(const std::string& s) {
    const std::string l = text::asciiLower(s);
    if (l == "text") return AttributeType::Text;
    if (l == "boolean") return AttributeType::Boolean;
    if (l == "integer") return AttributeType::Integer;
    if (l == "float") return AttributeType::Float;
    if (l == "date") return AttributeType::Date;
    if (l == "datetime") return AttributeType::DateTime;
    return std::nullopt;
}

const char* toString(SourceKind k) {
    switch (k) {
    case SourceKind::Text: return "text";
    case SourceKind::Pdf: return "pdf";
    case SourceKind::Picture: return "picture";
    case SourceKind::Audio: return "audio";
    case SourceKind::Video: return "video";
    }
    return "text";
}

std::optional<SourceKind> sourceKindFromString(const std::string& s) {
    const std::string l = text::asciiLower(s);
    if (l == "text") return SourceKind::Text;
    if (l == "pdf") return SourceKind::Pdf;
    if (l == "picture") return SourceKind::Picture;
    if (l == "audio") return SourceKind::Audio;
    if (l == "video") return SourceKind::Video;
    return std::nullopt;
}

const char* anchorTypeName(const Anchor& a) {
    switch (a.index()) {
    case 0: return "source";
    case 1: return "text";
    case 2: return "pdf";
    case 3: return "image";
    case 4: return "time";
    case 5: return "transcript";
    }
    return "source";
}

std::size_t Project::codingCount() const {
    std::size_t n = 0;
    for (const auto& e : excerpts) n += e.codings.size();
    return n;
}

std::string normalizeId(const std::string& id) {
    std::string_view v(id);
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\n' || v.front() == '\r')) v.remove_prefix(1);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\n' || v.back() == '\r')) v.remove_suffix(1);
    if (v.size() >= 2 && v.front() == '{' && v.back() == '}') v = v.substr(1, v.size() - 2);
    return text::asciiLower(v);
}

std::string newUuid() {
    std::string s = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

std::vector<std::string> themePath(const Project& p, const std::string& themeId) {
    std::vector<std::string> path;
    std::set<std::string> seen;
    std::string cur = normalizeId(themeId);
    while (!cur.empty() && seen.insert(cur).second) {
        const Theme* t = nullptr;
        for (const auto& th : p.themes)
            if (normalizeId(th.id) == cur) {
                t = &th;
                break;
            }
        if (!t) break;
        path.insert(path.begin(), t->name);
        cur = normalizeId(t->parent);
    }
    return path;
}

} // namespace qdx
