#include "qdx/Model.h"

#include "qdx/IdIndex.h"
#include "qdx/Text.h"

#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <unordered_set>

namespace qdx {

TranscriptSpan::TranscriptSpan(std::string transcript, std::string fromSyncPoint, std::string toSyncPoint)
    : _ids(std::make_unique<Ids>(Ids{std::move(transcript), std::move(fromSyncPoint), std::move(toSyncPoint)}))
{
}

TranscriptSpan& TranscriptSpan::operator=(const TranscriptSpan& o)
{
    if (this != &o) _ids = o._ids ? std::make_unique<Ids>(*o._ids) : nullptr;
    return *this;
}

const std::string& TranscriptSpan::empty()
{
    static const std::string none;
    return none;
}

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

std::string normalizeId(const std::string& id) { return text::asciiLower(idCore(id)); }

namespace {
inline unsigned char foldAscii(char c) {
    auto u = static_cast<unsigned char>(c);
    return (u >= 'A' && u <= 'Z') ? static_cast<unsigned char>(u + ('a' - 'A')) : u;
}

/// Eight bytes with A-Z folded onto a-z and nothing else changed, as foldAscii()
/// folds one. OR-ing 0x20 into every byte also merged '@' with '`', '[' with '{'
/// and so on: distinct ids spelt with those hashed alike by the million, and
/// every table of ids degraded to a scan (issue 15).
inline std::uint64_t foldWord(std::uint64_t w) {
    constexpr std::uint64_t k01 = 0x0101010101010101ull, k80 = 0x8080808080808080ull;
    std::uint64_t low = w & ~k80;                         // the low seven bits of each byte
    std::uint64_t geA = low + (0x80 - 'A') * k01;         // bit 7 set where the byte is >= 'A'
    std::uint64_t gtZ = low + (0x80 - 'Z' - 1) * k01;     // bit 7 set where the byte is > 'Z'
    std::uint64_t upper = geA & ~gtZ & ~w & k80;          // ... and the byte itself is ASCII
    return w | (upper >> 2);                              // bit 7 -> bit 5: + 0x20
}
} // namespace

std::size_t IdHash::operator()(std::string_view id) const noexcept {
    // Eight bytes at a time, A-Z folded: ids equal under IdEqual hash alike.
    id = idCore(id);
    const char* p = id.data();
    std::size_t n = id.size();
    std::uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xFF51AFD7ED558CCDull);
    auto mix = [&h](std::uint64_t w) {
        w *= 0x87C37B91114253D5ull;
        w = (w << 31) | (w >> 33);
        h ^= w * 0x4CF5AD432745937Full;
        h = ((h << 27) | (h >> 37)) * 5 + 0x52DCE729;
    };
    for (; n >= 8; p += 8, n -= 8) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        mix(foldWord(w));
    }
    if (n) {
        std::uint64_t w = 0;  // zero bytes stay zero
        std::memcpy(&w, p, n);
        mix(foldWord(w));
    }
    h ^= h >> 33;  // final avalanche (MurmurHash3's fmix64)
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
    h *= 0xC4CEB9FE1A85EC53ull;
    h ^= h >> 33;
    return static_cast<std::size_t>(h);
}

bool IdEqual::operator()(std::string_view a, std::string_view b) const noexcept {
    a = idCore(a);
    b = idCore(b);
    if (a.size() != b.size()) return false;
    if (std::memcmp(a.data(), b.data(), a.size()) == 0) return true;  // most equal ids are spelt alike
    for (std::size_t i = 0; i < a.size(); ++i)
        if (foldAscii(a[i]) != foldAscii(b[i])) return false;
    return true;
}

std::string newUuid() {
    std::string s = Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}

struct ThemeIndex::Impl {
    IdIndex<const Theme*> byId;
};

ThemeIndex::ThemeIndex(const Project& p) : _impl(std::make_unique<Impl>())
{
    _impl->byId.reserve(p.themes.size());
    for (const auto& t : p.themes) _impl->byId.emplace(t.id, &t);  // keeps the first of an id
}

ThemeIndex::~ThemeIndex() = default;
ThemeIndex::ThemeIndex(ThemeIndex&&) noexcept = default;
ThemeIndex& ThemeIndex::operator=(ThemeIndex&&) noexcept = default;

const Theme* ThemeIndex::find(std::string_view id) const
{
    const Theme* const* t = _impl->byId.find(id);
    return t ? *t : nullptr;
}

std::vector<std::string> ThemeIndex::path(std::string_view themeId) const
{
    std::vector<std::string> path;
    std::unordered_set<const Theme*> seen;  // a cycle ends the walk where it closes
    for (const Theme* t = idCore(themeId).empty() ? nullptr : find(themeId); t && seen.insert(t).second;
         t = idCore(t->parent).empty() ? nullptr : find(t->parent))
        path.push_back(t->name);
    std::reverse(path.begin(), path.end());
    return path;
}

std::vector<std::string> themePath(const Project& p, const std::string& themeId) { return ThemeIndex(p).path(themeId); }

} // namespace qdx
