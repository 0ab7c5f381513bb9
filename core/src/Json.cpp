#include "qdx/Json.h"

#include "qdx/Errors.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <functional>
#include <memory>

namespace qdx {

Json::Json(double d) {
    if (!std::isfinite(d)) {
        _v = nullptr;  // JSON has no NaN/Inf
        return;
    }
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.17g", d);
    _v = Number{buf};
}

namespace {
constexpr std::size_t kIndexFrom = 16;  // members below which a scan is as fast as hashing

std::size_t keyHash(std::string_view k) { return std::hash<std::string_view>{}(k); }

/// Where `key` is in an object's table: its member's slot, or the free one where it would go.
std::size_t probe(const std::vector<std::uint32_t>& table, const Json::Object& members, std::string_view key) {
    const std::size_t mask = table.size() - 1;
    for (std::size_t i = keyHash(key) & mask;; i = (i + 1) & mask)
        if (table[i] == 0 || members[table[i] - 1].first == key) return i;
}

/// The member of `key` through the table, or nullptr.
const Json* lookup(const std::vector<std::uint32_t>& table, const Json::Object& members, std::string_view key) {
    std::uint32_t s = table[probe(table, members, key)];
    return s ? &members[s - 1].second : nullptr;
}

/// A table for the members (load at most 1/2), each key at its first member.
std::unique_ptr<std::vector<std::uint32_t>> indexOf(const Json::Object& members) {
    std::size_t size = 64;
    while (size < members.size() * 2 + 2) size *= 2;
    auto t = std::make_unique<std::vector<std::uint32_t>>(size, 0);
    for (std::size_t i = 0; i < members.size(); ++i) {
        std::uint32_t& s = (*t)[probe(*t, members, members[i].first)];
        if (s == 0) s = static_cast<std::uint32_t>(i + 1);
    }
    return t;
}
} // namespace

const Json* Json::find(std::string_view key) const {
    if (!isObject()) return nullptr;
    const auto& o = std::get<ObjectRep>(_v);
    if (o.index) return lookup(*o.index, o.members, key);
    for (const auto& kv : o.members)
        if (kv.first == key) return &kv.second;
    return nullptr;
}

Json& Json::set(std::string key, Json value) {
    if (isNull()) _v = ObjectRep{};
    auto& o = std::get<ObjectRep>(_v);
    auto& m = o.members;
    if (!o.index && m.size() >= kIndexFrom && m.size() < UINT32_MAX / 2) o.index = indexOf(m);
    if (!o.index) {
        for (auto& kv : m)
            if (kv.first == key) {
                kv.second = std::move(value);
                return kv.second;
            }
        m.emplace_back(std::move(key), std::move(value));
        return m.back().second;
    }
    std::uint32_t& s = (*o.index)[probe(*o.index, m, key)];
    if (s) {
        m[s - 1].second = std::move(value);
        return m[s - 1].second;
    }
    m.emplace_back(std::move(key), std::move(value));
    s = static_cast<std::uint32_t>(m.size());
    if (m.size() * 2 + 2 > o.index->size()) o.index = m.size() < UINT32_MAX / 2 ? indexOf(m) : nullptr;
    return m.back().second;
}

Json& Json::push(Json value) {
    if (isNull()) _v = Array{};
    auto& a = asArray();
    a.push_back(std::move(value));
    return a.back();
}

void appendJsonString(std::string& out, std::string_view s) {
    static const char* hex = "0123456789abcdef";
    out.push_back('"');
    for (char ch : s) {
        auto c = static_cast<unsigned char>(ch);
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out.push_back(hex[c >> 4]);
                out.push_back(hex[c & 15]);
            } else {
                out.push_back(ch);
            }
        }
    }
    out.push_back('"');
}

namespace {
void dumpTo(const Json& j, std::string& out) {
    switch (j.type()) {
    case Json::Type::Null: out += "null"; break;
    case Json::Type::Bool: out += j.asBool() ? "true" : "false"; break;
    case Json::Type::Number: out += j.numberText(); break;
    case Json::Type::String: appendJsonString(out, j.asString()); break;
    case Json::Type::Array: {
        out.push_back('[');
        bool first = true;
        for (const auto& e : j.asArray()) {
            if (!first) out.push_back(',');
            first = false;
            dumpTo(e, out);
        }
        out.push_back(']');
        break;
    }
    case Json::Type::Object: {
        out.push_back('{');
        bool first = true;
        for (const auto& kv : j.asObject()) {
            if (!first) out.push_back(',');
            first = false;
            appendJsonString(out, kv.first);
            out.push_back(':');
            dumpTo(kv.second, out);
        }
        out.push_back('}');
        break;
    }
    }
}

// Numbers compare by value where both parse as finite doubles with the
// same text after normalisation; otherwise by text.
bool numbersEqual(const std::string& a, const std::string& b) {
    if (a == b) return true;
    char* ea = nullptr;
    char* eb = nullptr;
    double da = std::strtod(a.c_str(), &ea);
    double db = std::strtod(b.c_str(), &eb);
    return *ea == 0 && *eb == 0 && std::isfinite(da) && std::isfinite(db) && da == db;
}
} // namespace

std::string Json::dump() const {
    std::string out;
    dumpTo(*this, out);
    return out;
}

bool operator==(const Json& a, const Json& b) {
    if (a.type() != b.type()) return false;
    switch (a.type()) {
    case Json::Type::Null: return true;
    case Json::Type::Bool: return a.asBool() == b.asBool();
    case Json::Type::Number: return numbersEqual(a.numberText(), b.numberText());
    case Json::Type::String: return a.asString() == b.asString();
    case Json::Type::Array: return a.asArray() == b.asArray();
    case Json::Type::Object: {
        const auto& x = a.asObject();
        const auto& y = b.asObject();
        if (x.size() != y.size()) return false;
        // b's members by key, hashed unless set() keeps them so already (a find per member was O(n²))
        std::unique_ptr<std::vector<std::uint32_t>> local;
        const auto* table = std::get<Json::ObjectRep>(b._v).index.get();
        if (!table && y.size() >= kIndexFrom && y.size() < UINT32_MAX / 2) table = (local = indexOf(y)).get();
        for (const auto& kv : x) {
            const Json* other = table ? lookup(*table, y, kv.first) : b.find(kv.first);
            if (!other || !(*other == kv.second)) return false;
        }
        return true;
    }
    }
    return false;
}

namespace {
// Builds a Json tree from RapidJSON SAX events without recursion.
class TreeBuilder {
public:
    TreeBuilder(std::size_t maxDepth) : _maxDepth(maxDepth) {}
    bool Null() { return add(Json()); }
    bool Bool(bool b) { return add(Json(b)); }
    bool Int(int) { return false; }  // never called: numbers arrive as strings
    bool Uint(unsigned) { return false; }
    bool Int64(int64_t) { return false; }
    bool Uint64(uint64_t) { return false; }
    bool Double(double) { return false; }
    bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return add(Json::number(std::string(s, n))); }
    bool String(const char* s, rapidjson::SizeType n, bool) { return add(Json(std::string(s, n))); }
    bool StartObject() { return open(Json::object()); }
    bool Key(const char* s, rapidjson::SizeType n, bool) {
        _keys.back() = std::string(s, n);
        return true;
    }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool StartArray() { return open(Json::array()); }
    bool EndArray(rapidjson::SizeType) { return close(); }

    Json result;
    bool tooDeep = false;

private:
    bool add(Json v) {
        if (_stack.empty()) {
            result = std::move(v);
            return true;
        }
        Json& top = _stack.back();
        if (top.isArray())
            top.asArray().push_back(std::move(v));
        else
            top.asObject().emplace_back(_keys.back(), std::move(v));
        return true;
    }
    bool open(Json v) {
        if (_stack.size() >= _maxDepth) {
            tooDeep = true;
            return false;
        }
        _stack.push_back(std::move(v));
        _keys.emplace_back();
        return true;
    }
    bool close() {
        Json v = std::move(_stack.back());
        _stack.pop_back();
        _keys.pop_back();
        return add(std::move(v));
    }
    std::size_t _maxDepth;
    std::vector<Json> _stack;
    std::vector<std::string> _keys;
};

Location offsetLocation(std::string_view text, const std::string& name, std::size_t offset) {
    Location loc;
    loc.file = name;
    loc.offset = static_cast<long long>(offset);
    long long line = 1, col = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            col = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++col;
        }
    }
    loc.line = line;
    loc.column = col;
    return loc;
}
} // namespace

Json parseJson(std::string_view text, const std::string& name, const JsonLimits& limits) {
    if (text.size() > limits.maxBytes)
        throw LimitError(Location{name, {}, 0, 0, -1}, "JSON text of " + std::to_string(text.size()) +
                                                           " bytes exceeds the limit of " +
                                                           std::to_string(limits.maxBytes));
    TreeBuilder builder(limits.maxDepth);
    rapidjson::Reader reader;
    rapidjson::MemoryStream ms(text.data(), text.size());
    constexpr unsigned flags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag |
                               rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseStopWhenDoneFlag;
    rapidjson::ParseResult r = reader.Parse<flags>(ms, builder);
    if (!r) {
        std::string reason = builder.tooDeep ? "nesting deeper than " + std::to_string(limits.maxDepth) + " levels"
                                             : std::string(rapidjson::GetParseError_En(r.Code()));
        throw InputError(offsetLocation(text, name, r.Offset()), "invalid JSON: " + reason);
    }
    // Only whitespace may follow the value.
    for (std::size_t i = ms.Tell(); i < text.size(); ++i) {
        char c = text[i];
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            throw InputError(offsetLocation(text, name, i), "invalid JSON: text after the value");
    }
    return std::move(builder.result);
}

} // namespace qdx
