// Writer of the canonical JSON form. Everything goes through a rapidjson
// Writer (or PrettyWriter) that validates UTF-8; every call's result is
// checked. Source content is streamed from the blob as base64 in chunks,
// written straight to the output stream after an empty raw value has made the
// Writer emit the separator before it.

#include "Base64.h"
#include "JsonFormat.h"

#include "qdx/Errors.h"

#include <rapidjson/reader.h>
#include <rapidjson/writer.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
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

/// The output stream of the rapidjson Writer: a buffer in front of the sink.
/// With `pretty`, it indents the compact text as it passes (two spaces per
/// level, "key": value, empty containers kept as {} and []); PrettyWriter of
/// RapidJSON 1.1 cannot be combined with kWriteValidateEncodingFlag.
class OutBuffer {
public:
    typedef char Ch;
    OutBuffer(OutputSink& sink, bool pretty) : _sink(sink), _pretty(pretty) { _buffer.reserve(kSize + 1024); }
    void Put(Ch c) {
        if (_pretty) {
            indent(c);
        } else {
            raw(c);
        }
    }
    void Flush() {
        if (!_buffer.empty()) _sink.write(_buffer.data(), _buffer.size());
        _buffer.clear();
    }
    /// Bytes inside a string that bypass the Writer (the base64 text of content).
    void appendInString(const std::string& s) {
        _buffer.append(s);
        if (_buffer.size() >= kSize) Flush();
    }

private:
    void raw(Ch c) {
        _buffer.push_back(c);
        if (_buffer.size() >= kSize) Flush();
    }
    void newline() {
        raw('\n');
        for (std::size_t i = 0; i < _depth; ++i) {
            raw(' ');
            raw(' ');
        }
    }
    void indent(Ch c) {
        if (_inString) {
            raw(c);
            if (_escape) {
                _escape = false;
            } else if (c == '\\') {
                _escape = true;
            } else if (c == '"') {
                _inString = false;
            }
            return;
        }
        if (_justOpened) {
            _justOpened = false;
            if (c == '}' || c == ']') {
                --_depth;
                raw(c);
                return;
            }
            newline();
        }
        switch (c) {
        case '{':
        case '[':
            raw(c);
            ++_depth;
            _justOpened = true;
            break;
        case '}':
        case ']':
            --_depth;
            newline();
            raw(c);
            break;
        case ',':
            raw(c);
            newline();
            break;
        case ':':
            raw(c);
            raw(' ');
            break;
        case '"':
            raw(c);
            _inString = true;
            break;
        default: raw(c);
        }
    }

    static constexpr std::size_t kSize = 64 * 1024;
    OutputSink& _sink;
    std::string _buffer;
    bool _pretty;
    bool _inString = false;
    bool _escape = false;
    bool _justOpened = false;
    std::size_t _depth = 0;
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

template <class W>
class ProjectWriter {
public:
    ProjectWriter(W& w, OutBuffer& out, const WriteSettings& s, Diagnostics& diag)
        : _w(w), _out(out), _s(s), _diag(diag) {}

    void project(const Project& p) {
        _where = "the document";
        check(_w.StartObject());
        str("qdx", kModelVersion);
        key("project");
        _where = "project";
        check(_w.StartObject());
        strIf("name", p.name);
        strIf("description", p.description);
        strIf("origin", p.origin);
        strIf("basePath", p.basePath);
        audit(p.audit);
        ext(p.ext);
        check(_w.EndObject());

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
        _where = "the document";
        check(_w.EndObject());
        _out.Flush();
    }

private:
    void check(bool ok, const char* what = nullptr) {
        if (!ok)
            throw OutputError("cannot write " + _where + (what ? std::string(".") + what : std::string()) +
                              ": not valid UTF-8 or not representable in JSON");
    }
    void key(const char* k) { check(_w.Key(k, static_cast<rapidjson::SizeType>(std::strlen(k))), k); }
    void rawString(const std::string& v, const char* what) {
        if (v.size() > std::numeric_limits<rapidjson::SizeType>::max())
            throw OutputError("cannot write " + _where + "." + what + ": a string of 4 GiB or more");
        check(_w.String(v.data(), static_cast<rapidjson::SizeType>(v.size())), what);
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
        check(_w.Int64(v), k);
    }
    void ids(const char* k, const std::vector<std::string>& v) {
        if (v.empty()) return;
        key(k);
        check(_w.StartArray(), k);
        for (const auto& id : v) rawString(id, k);
        check(_w.EndArray(), k);
    }
    void audit(const Audit& a) {
        if (a.empty()) return;
        key("audit");
        check(_w.StartObject(), "audit");
        strIf("creator", a.creator);
        strIf("created", a.created);
        strIf("modifier", a.modifier);
        strIf("modified", a.modified);
        check(_w.EndObject(), "audit");
    }
    void values(const std::vector<AttributeValue>& v) {
        if (v.empty()) return;
        key("values");
        check(_w.StartArray(), "values");
        for (const auto& av : v) {
            check(_w.StartObject(), "values");
            str("attribute", av.attribute);
            str("value", av.value);
            check(_w.EndObject(), "values");
        }
        check(_w.EndArray(), "values");
    }
    void ext(const Extensions& e) {
        if (e.empty()) return;
        key("ext");
        check(_w.StartObject(), "ext");
        for (const auto& [k, v] : e) {
            if (k.size() > std::numeric_limits<rapidjson::SizeType>::max()) throw OutputError("cannot write an ext key of 4 GiB");
            check(_w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())), "ext");
            json(v, k, 0);
        }
        check(_w.EndObject(), "ext");
    }
    void json(const Json& v, const std::string& extKey, std::size_t depth) {
        if (depth > kMaxJsonDepth) throw OutputError("cannot write " + _where + ".ext: a value nested too deeply");
        switch (v.type()) {
        case Json::Type::Null: check(_w.Null(), "ext"); break;
        case Json::Type::Bool: check(_w.Bool(v.asBool()), "ext"); break;
        case Json::Type::Number: {
            const std::string& t = v.numberText();
            if (isReadableNumber(t)) {
                check(_w.RawValue(t.data(), t.size(), rapidjson::kNumberType), "ext");
            } else {
                // Not a JSON number ("NaN"), or one RapidJSON cannot read back (1e400):
                // keep the text as a string rather than write a file we would refuse.
                _diag.lossy("lossy.ext-number",
                            "ext '" + extKey + "' of " + _where + " holds the number '" + t +
                                "', which cannot be written as a JSON number; written as a string",
                            _id);
                rawString(t, "ext");
            }
            break;
        }
        case Json::Type::String: rawString(v.asString(), "ext"); break;
        case Json::Type::Array:
            check(_w.StartArray(), "ext");
            for (const auto& e : v.asArray()) json(e, extKey, depth + 1);
            check(_w.EndArray(), "ext");
            break;
        case Json::Type::Object:
            check(_w.StartObject(), "ext");
            for (const auto& [k, e] : v.asObject()) {
                if (k.size() > std::numeric_limits<rapidjson::SizeType>::max()) throw OutputError("cannot write an ext key of 4 GiB");
                check(_w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())), "ext");
                json(e, extKey, depth + 1);
            }
            check(_w.EndObject(), "ext");
            break;
        }
    }

    template <class T, class F>
    void list(const char* name, const std::vector<T>& items, F&& body) {
        key(name);
        check(_w.StartArray(), name);
        std::size_t i = 0;
        for (const auto& item : items) {
            _where = std::string(name) + "[" + std::to_string(i++) + "]";
            _id = item.id;
            check(_w.StartObject());
            body(item);
            check(_w.EndObject());
        }
        _id.clear();
        check(_w.EndArray(), name);
    }

    void theme(const Theme& t) {
        str("id", t.id);
        strIf("name", t.name);
        strIf("parent", t.parent);
        if (!t.color.empty()) {
            if (isColour(t.color)) {
                str("color", t.color);
            } else {
                _diag.lossy("lossy.theme-colour", "colour '" + t.color + "' of " + _where + " is not #RRGGBB; dropped", t.id);
            }
        }
        strIf("description", t.description);
        if (!t.codable) {
            key("codable");
            check(_w.Bool(false), "codable");
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
            check(_w.StartArray(), "transcripts");
            for (const auto& t : s.transcripts) {
                check(_w.StartObject(), "transcripts");
                str("id", t.id);
                strIf("name", t.name);
                strIf("text", t.text);
                if (!t.syncPoints.empty()) {
                    key("syncPoints");
                    check(_w.StartArray(), "syncPoints");
                    for (const auto& sp : t.syncPoints) {
                        check(_w.StartObject(), "syncPoints");
                        str("id", sp.id);
                        integer("timeMs", sp.timeMs);
                        integer("position", sp.position);
                        ext(sp.ext);
                        check(_w.EndObject(), "syncPoints");
                    }
                    check(_w.EndArray(), "syncPoints");
                }
                audit(t.audit);
                ext(t.ext);
                check(_w.EndObject(), "transcripts");
            }
            check(_w.EndArray(), "transcripts");
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
        if (in->bad()) throw OutputError("cannot read the content of " + _where + " from " + b.describe());
        return total;
    }

    void content(const Source& s) {
        const Blob& blob = *s.content;
        if (_s.dryRun) {
            if (!_s.embedMedia)
                _diag.lossy("lossy.media-omitted", "the content of " + _where + " is not written (media=omit)", s.id,
                            "use -o media=embed to keep it");
            return;
        }
        key("content");
        check(_w.StartObject(), "content");
        strIf("mediaType", s.mediaType);
        std::uint64_t size = blob.size() ? *blob.size() : measure(blob);
        if (size > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            throw OutputError("cannot write " + _where + ".content: too large");
        integer("size", static_cast<std::int64_t>(size));
        if (!_s.embedMedia) {
            _diag.lossy("lossy.media-omitted",
                        "the content of " + _where + " (" + std::to_string(size) + " bytes) is not written (media=omit)",
                        s.id, "use -o media=embed to keep it");
        } else {
            key("base64");
            // The Writer puts the separator; the quoted base64 text follows directly.
            check(_w.RawValue("", 0, rapidjson::kStringType), "content.base64");
            _out.Put('"');
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
                _out.appendInString(encoded);
                total += got;
                if (got % 3 != 0) break;
            }
            if (in->bad()) throw OutputError("cannot read the content of " + _where + " from " + blob.describe());
            if (total != size)
                throw OutputError("the content of " + _where + " (" + blob.describe() + ") declared " + std::to_string(size) +
                                  " bytes but delivered " + std::to_string(total));
            _out.Put('"');
        }
        check(_w.EndObject(), "content");
    }

    void excerpt(const Excerpt& e) {
        str("id", e.id);
        str("source", e.source);
        strIf("name", e.name);
        key("anchor");
        check(_w.StartObject(), "anchor");
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
            str("transcript", tr->transcript);
            str("fromSyncPoint", tr->fromSyncPoint);
            str("toSyncPoint", tr->toSyncPoint);
        }
        check(_w.EndObject(), "anchor");
        if (e.quote) str("quote", *e.quote);
        strIf("description", e.description);
        if (!e.codings.empty()) {
            key("codings");
            check(_w.StartArray(), "codings");
            for (const auto& c : e.codings) {
                check(_w.StartObject(), "codings");
                strIf("id", c.id);
                str("theme", c.theme);
                strIf("creator", c.creator);
                strIf("created", c.created);
                ext(c.ext);
                check(_w.EndObject(), "codings");
            }
            check(_w.EndArray(), "codings");
        }
        audit(e.audit);
        ext(e.ext);
    }

    static constexpr std::size_t kChunk = 3 * 64 * 1024;

    W& _w;
    OutBuffer& _out;
    const WriteSettings& _s;
    Diagnostics& _diag;
    std::string _where;
    std::string _id;
};

/// UTF-8 in, UTF-8 out, every string validated.
using JsonWriter = rapidjson::Writer<OutBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator,
                                     rapidjson::kWriteValidateEncodingFlag>;

} // namespace

void writeProject(const Project& p, OutputSink& sink, const WriteSettings& settings, Diagnostics& diag) {
    NullSink null;
    OutBuffer out(settings.dryRun ? static_cast<OutputSink&>(null) : sink, settings.pretty);
    JsonWriter w(out);
    ProjectWriter<JsonWriter>(w, out, settings, diag).project(p);
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
