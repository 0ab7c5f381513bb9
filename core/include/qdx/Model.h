#pragma once
/// The canonical model of a coded qualitative project.
///
/// Every importer fills a Project and every exporter writes one. Entities keep
/// the ids they were read with; references between entities are ids.
/// Dates are kept as the ISO 8601 text they were read with (empty = unknown).
/// Whatever a format carries that the model cannot name goes into `ext`, a bag
/// of namespaced keys (`refi:…`, `maxqda:…`) to JSON values.

#include "qdx/Blob.h"
#include "qdx/Json.h"

#include <cstdint>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace qdx {

/// The model's schema version, written into canonical JSON as "qdx".
inline constexpr const char* kModelVersion = "1.0";

/// Extension bag: namespaced key -> JSON value, ordered for stable output.
/// It reads like a std::map; the map itself is allocated on first insertion,
/// because most entities carry none and a project holds millions of codings
/// and excerpts: 8 bytes each instead of an empty map's 48 (BENCHMARKS.md).
class Extensions {
public:
    using Map = std::map<std::string, Json>;
    using key_type = Map::key_type;
    using mapped_type = Map::mapped_type;
    using value_type = Map::value_type;
    using size_type = Map::size_type;
    using iterator = Map::iterator;
    using const_iterator = Map::const_iterator;

    Extensions() = default;
    Extensions(std::initializer_list<value_type> items);
    Extensions(const Extensions& o) : _map(o.empty() ? nullptr : std::make_unique<Map>(*o._map)) {}
    Extensions(Extensions&&) noexcept = default;
    Extensions& operator=(const Extensions& o);
    Extensions& operator=(Extensions&&) noexcept = default;
    ~Extensions() = default;

    bool empty() const { return !_map || _map->empty(); }
    size_type size() const { return _map ? _map->size() : 0; }
    size_type count(const key_type& k) const { return _map ? _map->count(k) : 0; }

    Json& operator[](const key_type& k) { return map()[k]; }
    Json& operator[](key_type&& k) { return map()[std::move(k)]; }
    /// Throws std::out_of_range when absent, as std::map::at.
    Json& at(const key_type& k);
    const Json& at(const key_type& k) const;

    iterator begin() { return _map ? _map->begin() : none().begin(); }
    iterator end() { return _map ? _map->end() : none().end(); }
    const_iterator begin() const { return _map ? _map->cbegin() : none().cbegin(); }
    const_iterator end() const { return _map ? _map->cend() : none().cend(); }
    iterator find(const key_type& k) { return _map ? _map->find(k) : none().end(); }
    const_iterator find(const key_type& k) const { return _map ? _map->find(k) : none().cend(); }

    template <class... A>
    std::pair<iterator, bool> emplace(A&&... a) { return map().emplace(std::forward<A>(a)...); }
    template <class... A>
    std::pair<iterator, bool> try_emplace(const key_type& k, A&&... a) { return map().try_emplace(k, std::forward<A>(a)...); }
    std::pair<iterator, bool> insert(const value_type& v) { return map().insert(v); }
    size_type erase(const key_type& k) { return _map ? _map->erase(k) : 0; }
    /// `it` must come from this bag and not be end().
    iterator erase(const_iterator it) { return _map->erase(it); }
    void clear() { _map.reset(); }

    bool operator==(const Extensions& o) const;
    bool operator!=(const Extensions& o) const { return !(*this == o); }

private:
    Map& map()
    {
        if (!_map) _map = std::make_unique<Map>();
        return *_map;
    }
    static Map& none();  ///< the empty map that begin()/end()/find() of an empty bag point into
    std::unique_ptr<Map> _map;
};

/// Who created or last changed an entity, and when.
struct Audit {
    std::string creator;   ///< user id
    std::string created;   ///< ISO 8601 date-time
    std::string modifier;  ///< user id
    std::string modified;  ///< ISO 8601 date-time
    bool empty() const { return creator.empty() && created.empty() && modifier.empty() && modified.empty(); }
};

struct User {
    std::string id;
    std::string name;
    Extensions ext;
};

/// A code of the codebook. The tree is given by `parent` (empty = top level);
/// siblings keep the order of Project::themes.
struct Theme {
    std::string id;
    std::string name;
    std::string parent;
    std::string color;        ///< "#RRGGBB" upper case, or empty
    std::string description;
    bool codable = true;
    Audit audit;
    Extensions ext;
};

enum class AttributeType { Text, Boolean, Integer, Float, Date, DateTime };
const char* toString(AttributeType t);
std::optional<AttributeType> attributeTypeFromString(const std::string& s);

/// A variable that sources and cases can carry values of.
struct Attribute {
    std::string id;
    std::string name;
    AttributeType type = AttributeType::Text;
    std::string description;
    Extensions ext;
};

/// A value of an attribute, in the canonical lexical form of its type
/// (true/false, decimal integer, decimal float, YYYY-MM-DD, ISO date-time).
struct AttributeValue {
    std::string attribute;  ///< Attribute id
    std::string value;
    bool operator==(const AttributeValue& o) const { return attribute == o.attribute && value == o.value; }
};

enum class SourceKind { Text, Pdf, Picture, Audio, Video };
const char* toString(SourceKind k);
std::optional<SourceKind> sourceKindFromString(const std::string& s);

/// A point of a transcript where text position and media time meet.
struct SyncPoint {
    std::string id;
    std::int64_t timeMs = 0;
    std::int64_t position = 0;  ///< code points into the transcript text
    Extensions ext;
};

/// The transcript of an audio or video source.
struct Transcript {
    std::string id;
    std::string name;
    std::string text;
    std::vector<SyncPoint> syncPoints;
    Audit audit;
    Extensions ext;
};

struct Source {
    std::string id;
    std::string name;
    SourceKind kind = SourceKind::Text;
    std::string description;
    /// Plain text: the document of a text source, the text representation of
    /// a PDF. Code points, BOM removed, line endings as stored.
    std::optional<std::string> text;
    /// The original document (PDF, image, audio, video, rich text); opened lazily.
    std::shared_ptr<Blob> content;
    std::string mediaType;  ///< e.g. "application/pdf"; empty when unknown
    std::string path;       ///< where the producing format kept the content (informative)
    std::vector<AttributeValue> values;
    std::vector<Transcript> transcripts;
    Audit audit;
    Extensions ext;
};

/// Anchors: where in its source an excerpt lies.
struct TextSpan {            ///< code points, end-exclusive, over Source::text
    std::int64_t start = 0;
    std::int64_t end = 0;
};
struct PdfRegion {           ///< page (as the format numbers it) and box in PDF points
    std::int64_t page = 0;
    std::int64_t x1 = 0, y1 = 0, x2 = 0, y2 = 0;
};
struct ImageRegion {         ///< box in pixels, upper-left and lower-right
    std::int64_t x1 = 0, y1 = 0, x2 = 0, y2 = 0;
};
struct TimeSpan {            ///< milliseconds
    std::int64_t begin = 0;
    std::int64_t end = 0;
};
/// A span of a transcript, between two sync points (ids; empty = open end).
/// Its three ids are kept on the heap: transcript spans are rare, and this
/// keeps every Anchor at 48 bytes instead of 104 (millions of excerpts).
class TranscriptSpan {
public:
    TranscriptSpan() = default;
    TranscriptSpan(std::string transcript, std::string fromSyncPoint, std::string toSyncPoint);
    TranscriptSpan(const TranscriptSpan& o) : _ids(o._ids ? std::make_unique<Ids>(*o._ids) : nullptr) {}
    TranscriptSpan(TranscriptSpan&&) noexcept = default;
    TranscriptSpan& operator=(const TranscriptSpan& o);
    TranscriptSpan& operator=(TranscriptSpan&&) noexcept = default;
    ~TranscriptSpan() = default;

    const std::string& transcript() const { return _ids ? _ids->transcript : empty(); }  ///< Transcript id
    const std::string& fromSyncPoint() const { return _ids ? _ids->from : empty(); }
    const std::string& toSyncPoint() const { return _ids ? _ids->to : empty(); }
    void setTranscript(std::string id) { ids().transcript = std::move(id); }
    void setFromSyncPoint(std::string id) { ids().from = std::move(id); }
    void setToSyncPoint(std::string id) { ids().to = std::move(id); }

private:
    struct Ids {
        std::string transcript, from, to;
    };
    Ids& ids()
    {
        if (!_ids) _ids = std::make_unique<Ids>();
        return *_ids;
    }
    static const std::string& empty();
    std::unique_ptr<Ids> _ids;
};
/// monostate = the whole source (a coding of the source itself).
using Anchor = std::variant<std::monostate, TextSpan, PdfRegion, ImageRegion, TimeSpan, TranscriptSpan>;
const char* anchorTypeName(const Anchor& a);

/// The application of a theme to an excerpt.
struct Coding {
    std::string id;     ///< may be empty where the format has none
    std::string theme;  ///< Theme id
    std::string creator;
    std::string created;
    Extensions ext;
};

struct Excerpt {
    std::string id;
    std::string source;  ///< Source id
    std::string name;
    Anchor anchor;
    std::optional<std::string> quote;  ///< the text of the span as a format gave it
    std::string description;
    std::vector<Coding> codings;
    Audit audit;
    Extensions ext;
};

/// A note. `targets` are the ids of whatever it is attached to (none = free memo).
struct Memo {
    std::string id;
    std::string name;
    std::string text;
    std::vector<std::string> targets;
    Audit audit;
    Extensions ext;
};

struct Case {
    std::string id;
    std::string name;
    std::string description;
    std::vector<AttributeValue> values;
    std::vector<std::string> themes;    ///< codes that characterise the case
    std::vector<std::string> sources;   ///< member sources
    std::vector<std::string> excerpts;  ///< member excerpts
    Extensions ext;
};

struct Set {
    std::string id;
    std::string name;
    std::string description;
    std::vector<std::string> themes;
    std::vector<std::string> sources;
    std::vector<std::string> memos;
    Extensions ext;
};

struct Project {
    std::string name;
    std::string description;
    std::string origin;   ///< producing tool, e.g. "NVivo 12.6"
    std::string basePath;
    Audit audit;
    std::vector<User> users;
    std::vector<Theme> themes;
    std::vector<Attribute> attributes;
    std::vector<Source> sources;
    std::vector<Excerpt> excerpts;
    std::vector<Memo> memos;
    std::vector<Case> cases;
    std::vector<Set> sets;
    Extensions ext;

    std::size_t codingCount() const;
};

/// Ids compare without braces and case-insensitively ("{ABC-…}" == "abc-…").
std::string normalizeId(const std::string& id);

/// The part of an id that normalizeId() keeps, without copying: surrounding
/// white space and one pair of braces removed (case is folded by IdHash/IdEqual).
inline std::string_view idCore(std::string_view id)
{
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!id.empty() && space(id.front())) id.remove_prefix(1);
    while (!id.empty() && space(id.back())) id.remove_suffix(1);
    if (id.size() >= 2 && id.front() == '{' && id.back() == '}') id = id.substr(1, id.size() - 2);
    return id;
}
/// Hash and equality of ids as normalizeId() compares them, for hashed
/// containers keyed by views of the model's own ids (no normalised copies).
struct IdHash {
    std::size_t operator()(std::string_view id) const noexcept;
};
struct IdEqual {
    bool operator()(std::string_view a, std::string_view b) const noexcept;
};

/// A new random RFC 4122 version 4 UUID, upper case, without braces.
std::string newUuid();

/// Theme path from the root, e.g. {"Macrosystem", "Tightening legislation"}.
/// Stops at a cycle or a dangling parent. Indexes every theme for one lookup
/// (O(themes)): for a path per theme or per coding, use a ThemeIndex.
std::vector<std::string> themePath(const Project& p, const std::string& themeId);

/// The themes of a project indexed once by id (as normalizeId() compares;
/// the first theme of an id wins, as in themePath): find() is a hash lookup
/// and path() costs the depth of the theme, where a scan per lookup made a
/// path per theme O(n²) and, on a chain, O(n³). Holds pointers into p.themes:
/// build it again after themes are added or removed.
class ThemeIndex {
public:
    explicit ThemeIndex(const Project& p);
    ~ThemeIndex();
    ThemeIndex(ThemeIndex&&) noexcept;
    ThemeIndex& operator=(ThemeIndex&&) noexcept;

    /// The theme with this id, or nullptr.
    const Theme* find(std::string_view id) const;
    /// As themePath(): names from the root down to the theme; stops at a
    /// cycle or a dangling parent; empty for an unknown id.
    std::vector<std::string> path(std::string_view themeId) const;

private:
    struct Impl;
    std::unique_ptr<Impl> _impl;
};

} // namespace qdx
