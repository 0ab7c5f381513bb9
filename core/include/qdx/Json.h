#pragma once
/// A small JSON value used for extension bags and reports.
///
/// Numbers keep their lexical form (a string) so that nothing is lost or
/// reformatted when an unknown value travels through qdx; objects keep their
/// member order but compare order-insensitively.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace qdx {

class Json {
public:
    enum class Type { Null, Bool, Number, String, Array, Object };
    struct Number { std::string text; };
    using Array = std::vector<Json>;
    using Object = std::vector<std::pair<std::string, Json>>;

    Json() = default;
    Json(std::nullptr_t) {}
    Json(bool b) : _v(b) {}
    Json(int i) : _v(Number{std::to_string(i)}) {}
    Json(std::int64_t i) : _v(Number{std::to_string(i)}) {}
    Json(std::uint64_t i) : _v(Number{std::to_string(i)}) {}
    Json(double d);
    Json(Number n) : _v(std::move(n)) {}
    Json(const char* s) : _v(std::string(s)) {}
    Json(std::string s) : _v(std::move(s)) {}
    Json(Array a) : _v(std::move(a)) {}
    Json(Object o) : _v(ObjectRep{std::move(o)}) {}

    static Json number(std::string lexical) { return Json(Number{std::move(lexical)}); }
    static Json array() { return Json(Array{}); }
    static Json object() { return Json(Object{}); }

    Type type() const { return static_cast<Type>(_v.index()); }
    bool isNull() const { return type() == Type::Null; }
    bool isBool() const { return type() == Type::Bool; }
    bool isNumber() const { return type() == Type::Number; }
    bool isString() const { return type() == Type::String; }
    bool isArray() const { return type() == Type::Array; }
    bool isObject() const { return type() == Type::Object; }

    bool asBool() const { return std::get<bool>(_v); }
    const std::string& numberText() const { return std::get<Number>(_v).text; }
    const std::string& asString() const { return std::get<std::string>(_v); }
    const Array& asArray() const { return std::get<Array>(_v); }
    Array& asArray() { return std::get<Array>(_v); }
    const Object& asObject() const { return std::get<ObjectRep>(_v).members; }
    /// The members to change as the caller likes: set()'s index of them is dropped.
    Object& asObject()
    {
        auto& o = std::get<ObjectRep>(_v);
        o.index.reset();
        return o.members;
    }

    /// Member lookup on an object (the first of a key); nullptr when absent or
    /// not an object. Hashed when set() built the object, else a linear scan.
    const Json* find(std::string_view key) const;
    /// Sets (or replaces) an object member; turns a null value into an object.
    /// Amortised O(1): from 16 members on, set() keeps a hash index of them.
    Json& set(std::string key, Json value);
    /// Appends to an array; turns a null value into an array.
    Json& push(Json value);

    /// Compact serialisation (valid UTF-8 assumed; control characters escaped).
    std::string dump() const;

    friend bool operator==(const Json& a, const Json& b);
    friend bool operator!=(const Json& a, const Json& b) { return !(a == b); }

private:
    /// An object's members and, once set() has met 16 of them, an open-addressing
    /// table of their positions + 1 (0: free slot). A linear search per set()
    /// made 250k keys take minutes. The table is never copied, and dropped by
    /// anything that may change the members behind set()'s back; 32 bytes, as
    /// big as a std::string, so a Json stays 40 bytes.
    struct ObjectRep {
        Object members;
        std::unique_ptr<std::vector<std::uint32_t>> index;
        ObjectRep() = default;
        explicit ObjectRep(Object m) : members(std::move(m)) {}
        ObjectRep(const ObjectRep& o) : members(o.members) {}
        ObjectRep(ObjectRep&&) noexcept = default;
        ObjectRep& operator=(const ObjectRep& o)
        {
            members = o.members;
            index.reset();
            return *this;
        }
        ObjectRep& operator=(ObjectRep&&) noexcept = default;
    };
    std::variant<std::nullptr_t, bool, Number, std::string, Array, ObjectRep> _v{nullptr};
};

/// Limits for parseJson; the defaults suit extension values and small documents.
struct JsonLimits {
    std::size_t maxDepth = 256;
    std::size_t maxBytes = 256u * 1024u * 1024u;
};

/// Parses a JSON text with the hardened settings of docs/security.md
/// (iterative SAX, UTF-8 validated, numbers kept as text, depth guard).
/// Throws qdx::InputError naming `name` and the byte offset on failure.
Json parseJson(std::string_view text, const std::string& name = "<json>", const JsonLimits& limits = {});

/// Appends `s` to `out` as a quoted JSON string.
void appendJsonString(std::string& out, std::string_view s);

} // namespace qdx
