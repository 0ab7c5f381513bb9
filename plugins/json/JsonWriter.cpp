// Writer of the canonical JSON form. A small emitter of its own appends the
// text in runs to a buffer in front of the sink, indenting as it goes; every
// string of the model is checked to be valid UTF-8 (OutputError if not).
// Source content is streamed from the blob as base64 in chunks.

#include "Base64.h"
#include "JsonFormat.h"

#include "qdx/Errors.h"
#include "qdx/Text.h"

#include <rapidjson/reader.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace qdx::jsonfmt {

OutputSink::~OutputSink() = default;

FileSink::FileSink(const std::string& path) : _path(path) {
    _file = std::fopen(path.c_str(), "wb");
    if (!_file) throw OutputError("cannot create " + path + ": " + std::strerror(errno));
}

FileSink::~FileSink() {
    if (_file) std::fclose(_file);
}

void FileSink::write(const char* data, std::size_t n) {
    if (!_file) throw OutputError("cannot write " + _path + ": already closed");
    if (n != 0 && std::fwrite(data, 1, n, _file) != n) throw OutputError("cannot write " + _path + ": " + std::strerror(errno));
}

void FileSink::close() {
    if (!_file) return;
    bool ok = std::fflush(_file) == 0 && !std::ferror(_file);
    ok = (std::fclose(_file) == 0) && ok;
    _file = nullptr;
    if (!ok) throw OutputError("cannot write " + _path + ": " + std::strerror(errno));
}

namespace {

/// The JSON text of the writer, appended in runs straight into a buffer in
/// front of the sink. The emitter knows its depth, so it puts separators and
/// (with `pretty`) newlines and indentation itself: two spaces per level,
/// "key": value, empty containers as {} and []. Strings are escaped as
/// RapidJSON 1.1's Writer escapes them (the form of qdx before this emitter):
/// \b \t \n \f \r, \uXXXX (upper-case hex) for the other control characters,
/// \" and \\; everything else, '/' and DEL included, is written as it is.
class Emitter {
public:
    Emitter(OutputSink& sink, bool pretty) : _sink(sink), _buffer(new char[kSize]), _pretty(pretty) {}

    void beginObject() { open('{'); }
    void endObject() { close('}'); }
    void beginArray() { open('['); }
    void endArray() { close(']'); }

    /// A key known to need no escaping (the fixed keys of the form).
    void plainKey(std::string_view k) {
        separate();
        reserve(k.size() + 4);
        _buffer[_used++] = '"';
        std::memcpy(_buffer.get() + _used, k.data(), k.size());
        _used += k.size();
        _buffer[_used++] = '"';
        endKey();
    }
    /// A key from the model; false when it is not valid UTF-8.
    bool key(std::string_view k) {
        separate();
        if (!quoted(k)) return false;
        endKey();
        return true;
    }
    /// A string value; false when it is not valid UTF-8.
    bool string(std::string_view s) {
        separate();
        return quoted(s);
    }
    void integer(std::int64_t v) {
        separate();
        reserve(24);
        auto r = std::to_chars(_buffer.get() + _used, _buffer.get() + kSize, v);
        _used = static_cast<std::size_t>(r.ptr - _buffer.get());
    }
    void boolean(bool v) {
        separate();
        v ? append("true", 4) : append("false", 5);
    }
    void null() {
        separate();
        append("null", 4);
    }
    /// A value written as it is (a number already checked to be one).
    void raw(std::string_view v) {
        separate();
        append(v.data(), v.size());
    }
    /// A string whose text comes in pieces that need no escaping (base64).
    void beginRawString() {
        separate();
        put('"');
    }
    void rawStringPart(std::string_view part) { append(part.data(), part.size()); }
    void endRawString() { put('"'); }

    /// Hands everything buffered to the sink.
    void flush() {
        if (_used != 0) _sink.write(_buffer.get(), _used);
        _used = 0;
    }

private:
    static constexpr std::size_t kSize = 64 * 1024;

    /// Room for `n` more bytes (n <= kSize).
    void reserve(std::size_t n) {
        if (kSize - _used < n) flush();
    }
    void put(char c) {
        if (_used == kSize) flush();
        _buffer[_used++] = c;
    }
    void append(const char* data, std::size_t n) {
        if (n <= kSize - _used) {
            std::memcpy(_buffer.get() + _used, data, n);
            _used += n;
            return;
        }
        flush();
        if (n >= kSize) {
            _sink.write(data, n);
        } else {
            std::memcpy(_buffer.get(), data, n);
            _used = n;
        }
    }
    void newline() {
        put('\n');
        static const char spaces[] = "                                                                ";
        constexpr std::size_t kSpaces = sizeof spaces - 1;
        for (std::size_t n = 2 * _depth; n != 0;) {
            std::size_t k = n < kSpaces ? n : kSpaces;
            append(spaces, k);
            n -= k;
        }
    }
    /// What comes before a value or a key: nothing after a key or at the top,
    /// else a comma unless it is the first member, and the line break.
    void separate() {
        if (_afterKey) {
            _afterKey = false;
            return;
        }
        if (_depth == 0) return;
        if (!_empty) put(',');
        _empty = false;
        if (_pretty) newline();
    }
    void endKey() {
        if (_pretty) {
            reserve(2);
            _buffer[_used++] = ':';
            _buffer[_used++] = ' ';
        } else {
            put(':');
        }
        _afterKey = true;
    }
    void open(char c) {
        separate();
        put(c);
        ++_depth;
        _empty = true;
    }
    void close(char c) {
        --_depth;
        if (!_empty && _pretty) newline();
        put(c);
        _empty = false;
    }

    /// The escape of each byte: 0 none, 'u' \u00XX, else the letter after '\'.
    static constexpr char escapeOf(unsigned char c) {
        switch (c) {
        case '\b': return 'b';
        case '\t': return 't';
        case '\n': return 'n';
        case '\f': return 'f';
        case '\r': return 'r';
        case '"': return '"';
        case '\\': return '\\';
        default: return c < 0x20 ? 'u' : 0;
        }
    }
    /// True when any of the 8 bytes of `w` needs a look: a control character,
    /// '"', '\\' or (until the string is known to be valid UTF-8) a byte >= 0x80.
    static bool needsLook(std::uint64_t w, std::uint64_t highMask) {
        constexpr std::uint64_t ones = 0x0101010101010101ull;
        constexpr std::uint64_t highs = 0x8080808080808080ull;
        auto zeroByte = [](std::uint64_t x) { return (x - ones) & ~x & highs; };
        std::uint64_t low = (w - ones * 0x20) & ~w & highs;  // some byte < 0x20
        return (low | zeroByte(w ^ (ones * '"')) | zeroByte(w ^ (ones * '\\')) | (w & highMask)) != 0;
    }
    /// Writes `s` quoted and escaped, validating its UTF-8 when it meets the
    /// first byte >= 0x80 (ASCII text is scanned once, 8 bytes at a time).
    bool quoted(std::string_view s) {
        put('"');
        const char* p = s.data();
        const char* const end = p + s.size();
        const char* run = p;
        std::uint64_t highMask = 0x8080808080808080ull;
        while (p != end) {
            if (end - p >= 8) {
                std::uint64_t w;
                std::memcpy(&w, p, 8);
                if (!needsLook(w, highMask)) {
                    p += 8;
                    continue;
                }
            }
            auto c = static_cast<unsigned char>(*p);
            if (c >= 0x80) {
                if (highMask != 0) {
                    if (!text::isValidUtf8(std::string_view(p, static_cast<std::size_t>(end - p)))) return false;
                    highMask = 0;
                }
                ++p;
                continue;
            }
            char e = escapeOf(c);
            if (e == 0) {
                ++p;
                continue;
            }
            append(run, static_cast<std::size_t>(p - run));
            reserve(6);
            char* o = _buffer.get() + _used;
            o[0] = '\\';
            o[1] = e;
            if (e == 'u') {
                static const char hex[] = "0123456789ABCDEF";
                o[2] = '0';
                o[3] = '0';
                o[4] = hex[c >> 4];
                o[5] = hex[c & 15];
                _used += 6;
            } else {
                _used += 2;
            }
            run = ++p;
        }
        append(run, static_cast<std::size_t>(p - run));
        put('"');
        return true;
    }

    OutputSink& _sink;
    std::unique_ptr<char[]> _buffer;
    std::size_t _used = 0;
    bool _pretty;
    std::size_t _depth = 0;
    bool _empty = true;      ///< the innermost open container has no member yet
    bool _afterKey = false;  ///< a key was written; its value follows
};

/// Discards everything (dry runs).
class NullSink final : public OutputSink {
public:
    void write(const char*, std::size_t) override {}
};

/// True when `s` is a JSON number (RFC 8259 grammar).
bool isJsonNumber(const std::string& s) {
    std::size_t i = 0, n = s.size();
    auto digits = [&]() {
        std::size_t b = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') ++i;
        return i - b;
    };
    if (i < n && s[i] == '-') ++i;
    if (i < n && s[i] == '0') {
        ++i;
    } else if (i < n && s[i] >= '1' && s[i] <= '9') {
        digits();
    } else {
        return false;
    }
    if (i < n && s[i] == '.') {
        ++i;
        if (digits() == 0) return false;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        ++i;
        if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
        if (digits() == 0) return false;
    }
    return i == n;
}

/// Accepts anything; used to ask RapidJSON whether it can read a number.
struct NumberProbe : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, NumberProbe> {};

/// True when our reader can read the number back: RapidJSON 1.1 refuses
/// numbers beyond the range of a double (1e400) even with
/// kParseNumbersAsStringsFlag, so those must not be written as numbers.
bool isReadableNumber(const std::string& s) {
    if (!isJsonNumber(s)) return false;
    // Short plain integers and decimals are always fine; only long ones or
    // exponents need the real check.
    if (s.size() < 300 && s.find_first_of("eE") == std::string::npos) return true;
    rapidjson::Reader reader;
    NumberProbe probe;
    rapidjson::StringStream in(s.c_str());
    return !reader.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag>(in, probe).IsError();
}

bool isColour(const std::string& c) {
    if (c.size() != 7 || c[0] != '#') return false;
    for (std::size_t i = 1; i < 7; ++i)
        if (!std::isxdigit(static_cast<unsigned char>(c[i]))) return false;
    return true;
}

constexpr std::size_t kMaxJsonDepth = 10000;

class ProjectWriter {
public:
    ProjectWriter(Emitter& w, const WriteSettings& s, Diagnostics& diag) : _w(w), _s(s), _diag(diag) {}

    void project(const Project& p) {
        place("the document");
        _w.beginObject();
        str("qdx", kModelVersion);
        key("project");
        place("project");
        _w.beginObject();
        strIf("name", p.name);
        strIf("description", p.description);
        strIf("origin", p.origin);
        strIf("basePath", p.basePath);
        audit(p.audit);
        ext(p.ext);
        _w.endObject();

        list("users", p.users, [this](const User& u) {
            str("id", u.id);
            strIf("name", u.name);
            ext(u.ext);
        });
        list("themes", p.themes, [this](const Theme& t) { theme(t); });
        list("attributes", p.attributes, [this](const Attribute& a) {
            str("id", a.id);
            strIf("name", a.name);
            str("type", toString(a.type));
            strIf("description", a.description);
            ext(a.ext);
        });
        list("sources", p.sources, [this](const Source& s) { source(s); });
        list("excerpts", p.excerpts, [this](const Excerpt& e) { excerpt(e); });
        list("memos", p.memos, [this](const Memo& m) {
            str("id", m.id);
            strIf("name", m.name);
            strIf("text", m.text);
            ids("targets", m.targets);
            audit(m.audit);
            ext(m.ext);
        });
        list("cases", p.cases, [this](const Case& c) {
            str("id", c.id);
            strIf("name", c.name);
            strIf("description", c.description);
            values(c.values);
            ids("themes", c.themes);
            ids("sources", c.sources);
            ids("excerpts", c.excerpts);
            ext(c.ext);
        });
        list("sets", p.sets, [this](const Set& s) {
            str("id", s.id);
            strIf("name", s.name);
            strIf("description", s.description);
            ids("themes", s.themes);
            ids("sources", s.sources);
            ids("memos", s.memos);
            ext(s.ext);
        });
        place("the document");
        _w.endObject();
        _w.flush();
    }

private:
    /// Where the writer is, for messages: a fixed place, or an item of a list.
    void place(const char* name, std::size_t index = kNoIndex) {
        _whereName = name;
        _whereIndex = index;
    }
    std::string where() const {
        if (_whereIndex == kNoIndex) return _whereName;
        return std::string(_whereName) + "[" + std::to_string(_whereIndex) + "]";
    }
    [[noreturn]] void invalid(const char* what) const {
        throw OutputError("cannot write " + where() + (what ? std::string(".") + what : std::string()) +
                          ": not valid UTF-8 or not representable in JSON");
    }
    /// A fixed key of the form (plain ASCII).
    void key(std::string_view k) { _w.plainKey(k); }
    void rawString(const std::string& v, const char* what) {
        // The reader (RapidJSON, 32-bit lengths) could not read a longer string back.
        if (v.size() > kMaxString) throw OutputError("cannot write " + where() + "." + what + ": a string of 4 GiB or more");
        if (!_w.string(v)) invalid(what);
    }
    /// An ext key (model data, unlike the fixed keys of key()).
    void extKey(const std::string& k) {
        if (k.size() > kMaxString) throw OutputError("cannot write an ext key of 4 GiB");
        if (!_w.key(k)) invalid("ext");
    }
    void str(const char* k, const std::string& v) {
        key(k);
        rawString(v, k);
    }
    void strIf(const char* k, const std::string& v) {
        if (!v.empty()) str(k, v);
    }
    void integer(const char* k, std::int64_t v) {
        key(k);
        _w.integer(v);
    }
    void ids(const char* k, const std::vector<std::string>& v) {
        if (v.empty()) return;
        key(k);
        _w.beginArray();
        for (const auto& id : v) rawString(id, k);
        _w.endArray();
    }
    void audit(const Audit& a) {
        if (a.empty()) return;
        key("audit");
        _w.beginObject();
        strIf("creator", a.creator);
        strIf("created", a.created);
        strIf("modifier", a.modifier);
        strIf("modified", a.modified);
        _w.endObject();
    }
    void values(const std::vector<AttributeValue>& v) {
        if (v.empty()) return;
        key("values");
        _w.beginArray();
        for (const auto& av : v) {
            _w.beginObject();
            str("attribute", av.attribute);
            str("value", av.value);
            _w.endObject();
        }
        _w.endArray();
    }
    void ext(const Extensions& e) {
        if (e.empty()) return;
        key("ext");
        _w.beginObject();
        for (const auto& [k, v] : e) {
            extKey(k);
            json(v, k, 0);
        }
        _w.endObject();
    }
    void json(const Json& v, const std::string& extKey, std::size_t depth) {
        if (depth > kMaxJsonDepth) throw OutputError("cannot write " + where() + ".ext: a value nested too deeply");
        switch (v.type()) {
        case Json::Type::Null: _w.null(); break;
        case Json::Type::Bool: _w.boolean(v.asBool()); break;
        case Json::Type::Number: {
            const std::string& t = v.numberText();
            if (isReadableNumber(t)) {
                _w.raw(t);
            } else {
                // Not a JSON number ("NaN"), or one RapidJSON cannot read back (1e400):
                // keep the text as a string rather than write a file we would refuse.
                _diag.lossy("lossy.ext-number",
                            "ext '" + extKey + "' of " + where() + " holds the number '" + t +
                                "', which cannot be written as a JSON number; written as a string",
                            *_id);
                rawString(t, "ext");
            }
            break;
        }
        case Json::Type::String: rawString(v.asString(), "ext"); break;
        case Json::Type::Array:
            _w.beginArray();
            for (const auto& e : v.asArray()) json(e, extKey, depth + 1);
            _w.endArray();
            break;
        case Json::Type::Object:
            _w.beginObject();
            for (const auto& [k, e] : v.asObject()) {
                this->extKey(k);
                json(e, extKey, depth + 1);
            }
            _w.endObject();
            break;
        }
    }

    template <class T, class F>
    void list(const char* name, const std::vector<T>& items, F&& body) {
        key(name);
        _w.beginArray();
        std::size_t i = 0;
        for (const auto& item : items) {
            place(name, i++);
            _id = &item.id;
            _w.beginObject();
            body(item);
            _w.endObject();
        }
        _id = &kNoId;
        _w.endArray();
    }

    void theme(const Theme& t) {
        str("id", t.id);
        strIf("name", t.name);
        strIf("parent", t.parent);
        if (!t.color.empty()) {
            if (isColour(t.color)) {
                str("color", t.color);
            } else {
                _diag.lossy("lossy.theme-colour", "colour '" + t.color + "' of " + where() + " is not #RRGGBB; dropped", t.id);
            }
        }
        strIf("description", t.description);
        if (!t.codable) {
            key("codable");
            _w.boolean(false);
        }
        audit(t.audit);
        ext(t.ext);
    }

    void source(const Source& s) {
        str("id", s.id);
        strIf("name", s.name);
        str("kind", toString(s.kind));
        strIf("description", s.description);
        if (s.text) str("text", *s.text);
        if (s.content) content(s);
        strIf("mediaType", s.mediaType);
        strIf("path", s.path);
        values(s.values);
        if (!s.transcripts.empty()) {
            key("transcripts");
            _w.beginArray();
            for (const auto& t : s.transcripts) {
                _w.beginObject();
                str("id", t.id);
                strIf("name", t.name);
                strIf("text", t.text);
                if (!t.syncPoints.empty()) {
                    key("syncPoints");
                    _w.beginArray();
                    for (const auto& sp : t.syncPoints) {
                        _w.beginObject();
                        str("id", sp.id);
                        integer("timeMs", sp.timeMs);
                        integer("position", sp.position);
                        ext(sp.ext);
                        _w.endObject();
                    }
                    _w.endArray();
                }
                audit(t.audit);
                ext(t.ext);
                _w.endObject();
            }
            _w.endArray();
        }
        audit(s.audit);
        ext(s.ext);
    }

    /// Counts the bytes of a blob that does not know its size.
    std::uint64_t measure(const Blob& b) {
        auto in = b.open();
        std::vector<char> buf(kChunk);
        std::uint64_t total = 0;
        while (*in) {
            in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
            total += static_cast<std::uint64_t>(in->gcount());
        }
        if (in->bad()) throw OutputError("cannot read the content of " + where() + " from " + b.describe());
        return total;
    }

    void content(const Source& s) {
        const Blob& blob = *s.content;
        if (_s.dryRun) {
            if (!_s.embedMedia)
                _diag.lossy("lossy.media-omitted", "the content of " + where() + " is not written (media=omit)", s.id,
                            "use -o media=embed to keep it");
            return;
        }
        key("content");
        _w.beginObject();
        strIf("mediaType", s.mediaType);
        std::uint64_t size = blob.size() ? *blob.size() : measure(blob);
        if (size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            throw OutputError("cannot write " + where() + ".content: too large");
        integer("size", static_cast<std::int64_t>(size));
        if (!_s.embedMedia) {
            _diag.lossy("lossy.media-omitted",
                        "the content of " + where() + " (" + std::to_string(size) + " bytes) is not written (media=omit)",
                        s.id, "use -o media=embed to keep it");
        } else {
            key("base64");
            _w.beginRawString();
            auto in = blob.open();
            std::vector<char> buf(kChunk);
            std::string encoded;
            std::uint64_t total = 0;
            while (*in) {
                in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
                auto got = static_cast<std::size_t>(in->gcount());
                if (got == 0) break;
                // Full reads are a multiple of 3 (kChunk is), so chunks encode as one text.
                encoded.clear();
                base64::encode(std::string_view(buf.data(), got), encoded);
                _w.rawStringPart(encoded);
                total += got;
                if (got % 3 != 0) break;
            }
            if (in->bad()) throw OutputError("cannot read the content of " + where() + " from " + blob.describe());
            if (total != size)
                throw OutputError("the content of " + where() + " (" + blob.describe() + ") declared " + std::to_string(size) +
                                  " bytes but delivered " + std::to_string(total));
            _w.endRawString();
        }
        _w.endObject();
    }

    void excerpt(const Excerpt& e) {
        str("id", e.id);
        str("source", e.source);
        strIf("name", e.name);
        key("anchor");
        _w.beginObject();
        str("type", anchorTypeName(e.anchor));
        if (auto* t = std::get_if<TextSpan>(&e.anchor)) {
            integer("start", t->start);
            integer("end", t->end);
        } else if (auto* r = std::get_if<PdfRegion>(&e.anchor)) {
            integer("page", r->page);
            integer("x1", r->x1);
            integer("y1", r->y1);
            integer("x2", r->x2);
            integer("y2", r->y2);
        } else if (auto* i = std::get_if<ImageRegion>(&e.anchor)) {
            integer("x1", i->x1);
            integer("y1", i->y1);
            integer("x2", i->x2);
            integer("y2", i->y2);
        } else if (auto* ts = std::get_if<TimeSpan>(&e.anchor)) {
            integer("begin", ts->begin);
            integer("end", ts->end);
        } else if (auto* tr = std::get_if<TranscriptSpan>(&e.anchor)) {
            str("transcript", tr->transcript());
            str("fromSyncPoint", tr->fromSyncPoint());
            str("toSyncPoint", tr->toSyncPoint());
        }
        _w.endObject();
        if (e.quote) str("quote", *e.quote);
        strIf("description", e.description);
        if (!e.codings.empty()) {
            key("codings");
            _w.beginArray();
            for (const auto& c : e.codings) {
                _w.beginObject();
                strIf("id", c.id);
                str("theme", c.theme);
                strIf("creator", c.creator);
                strIf("created", c.created);
                ext(c.ext);
                _w.endObject();
            }
            _w.endArray();
        }
        audit(e.audit);
        ext(e.ext);
    }

    static constexpr std::size_t kChunk = 3 * 64 * 1024;

    static constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);
    static constexpr std::size_t kMaxString = 0xFFFFFFFFu;
    inline static const std::string kNoId;

    Emitter& _w;
    const WriteSettings& _s;
    Diagnostics& _diag;
    const char* _whereName = "the document";
    std::size_t _whereIndex = kNoIndex;
    const std::string* _id = &kNoId;  ///< of the list item being written
};

} // namespace

void writeProject(const Project& p, OutputSink& sink, const WriteSettings& settings, Diagnostics& diag) {
    NullSink null;
    Emitter emitter(settings.dryRun ? static_cast<OutputSink&>(null) : sink, settings.pretty);
    ProjectWriter(emitter, settings, diag).project(p);
    if (!settings.dryRun) {
        static const char nl = '\n';
        sink.write(&nl, 1);
    }
}

std::string toJsonText(const Project& p, const WriteSettings& settings) {
    StringSink sink;
    Diagnostics diag;
    writeProject(p, sink, settings, diag);
    return sink.text();
}

} // namespace qdx::jsonfmt
