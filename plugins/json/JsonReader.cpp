// Reader of the canonical JSON form: RapidJSON SAX events go straight into the
// model through a stack of frames, one per open object or array. Each frame
// knows what its container may hold (a table of fields per entity type), so
// the schema is enforced while parsing and an error names the JSON path of the
// offending value. No DOM of the document is ever built; only `ext` values and
// unknown keys become qdx::Json values, built iteratively under the same depth
// guard.

#include "Base64.h"
#include "JsonFormat.h"

#include "qdx/Errors.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

namespace qdx::jsonfmt {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kChunk = 64 * 1024;

/// A failure found inside the SAX handler; becomes an InputError (or a
/// LimitError) with the full location once the Reader has stopped.
struct ParseFailure {
    std::string reason;
    std::size_t offset = 0;
    bool limit = false;
};

// ---------------------------------------------------------------------------
// The input stream RapidJSON reads from: memory or a file, chunked, with a cap.

class InStream {
public:
    typedef char Ch;

    InStream(std::string_view memory, std::uint64_t maxBytes) : _maxBytes(maxBytes) {
        _begin = _cur = memory.data();
        _end = memory.data() + memory.size();
        if (memory.size() > maxBytes) {
            _end = _begin + maxBytes;
            _overLimit = true;
        }
        _exhausted = true;
        skipBom();
    }

    InStream(std::istream& in, std::uint64_t maxBytes) : _in(&in), _maxBytes(maxBytes), _buffer(kChunk) {
        _begin = _cur = _end = _buffer.data();
        fill();
        skipBom();
    }

    Ch Peek() {
        if (_cur == _end && !fill()) return '\0';
        return *_cur;
    }
    Ch Take() {
        if (_cur == _end && !fill()) return '\0';
        return *_cur++;
    }
    std::size_t Tell() const { return _base + static_cast<std::size_t>(_cur - _begin); }

    // Output side of the stream concept: never used by the Reader without kParseInsituFlag.
    Ch* PutBegin() { return nullptr; }
    void Put(Ch) {}
    void Flush() {}
    std::size_t PutEnd(Ch*) { return 0; }

    bool overLimit() const { return _overLimit; }
    bool readFailed() const { return _readFailed; }
    bool hadBom() const { return _bom; }

private:
    void skipBom() {
        if (_end - _cur >= 3 && std::memcmp(_cur, "\xEF\xBB\xBF", 3) == 0) {
            _cur += 3;
            _bom = true;
        }
    }

    bool fill() {
        if (_exhausted) return false;
        _base += static_cast<std::size_t>(_end - _begin);
        std::uint64_t room = _maxBytes - std::min<std::uint64_t>(_maxBytes, _base);
        // Read one byte past the cap so that "exactly at the cap" is not an error.
        std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(_buffer.size(), room + 1));
        _in->read(_buffer.data(), static_cast<std::streamsize>(want));
        std::size_t got = static_cast<std::size_t>(_in->gcount());
        if (_in->bad()) _readFailed = true;
        if (got > room) {
            got = static_cast<std::size_t>(room);
            _overLimit = true;
            _exhausted = true;
        }
        if (got == 0) _exhausted = true;
        _begin = _cur = _buffer.data();
        _end = _begin + got;
        return got != 0;
    }

    std::istream* _in = nullptr;
    std::uint64_t _maxBytes;
    std::vector<char> _buffer;
    const char* _begin = nullptr;
    const char* _cur = nullptr;
    const char* _end = nullptr;
    std::size_t _base = 0;
    bool _exhausted = false;
    bool _overLimit = false;
    bool _readFailed = false;
    bool _bom = false;
};

// ---------------------------------------------------------------------------
// Blobs created by the reader.

/// Decoded base64 content too big to keep in memory: a private temporary file,
/// removed when the last reference to the blob goes.
class TempFileBlob final : public Blob {
public:
    TempFileBlob(std::string path, std::uint64_t size, std::string label)
        : _path(std::move(path)), _size(size), _label(std::move(label)) {}
    ~TempFileBlob() override {
        std::error_code ec;
        fs::remove(_path, ec);
    }
    TempFileBlob(const TempFileBlob&) = delete;
    TempFileBlob& operator=(const TempFileBlob&) = delete;

    std::unique_ptr<std::istream> open() const override {
        auto f = std::make_unique<std::ifstream>(_path, std::ios::binary);
        if (!*f) throw InputError("cannot reopen the decoded content of " + _label + " (" + _path + ")");
        return f;
    }
    std::optional<std::uint64_t> size() const override { return _size; }
    std::string describe() const override { return _label; }

private:
    std::string _path;
    std::uint64_t _size;
    std::string _label;
};

/// A scratch file opened with mkstemp (mode 0600) in the temporary folder.
class ScratchFile {
public:
    ScratchFile() {
        std::string dir;
        try {
            dir = fs::temp_directory_path().string();
        } catch (const std::exception&) {
            dir = "/tmp";
        }
        std::string tmpl = dir + "/qdx-json-XXXXXX";
        std::vector<char> buf(tmpl.begin(), tmpl.end());
        buf.push_back('\0');
        _fd = ::mkstemp(buf.data());
        if (_fd < 0) throw InputError(std::string("cannot create a temporary file for decoded content: ") + std::strerror(errno));
        _path.assign(buf.data());
    }
    ~ScratchFile() {
        if (_fd >= 0) ::close(_fd);
        if (!_kept) ::unlink(_path.c_str());
    }
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;

    void write(const std::string& bytes) {
        const char* p = bytes.data();
        std::size_t n = bytes.size();
        while (n > 0) {
            ssize_t w = ::write(_fd, p, n);
            if (w < 0) {
                if (errno == EINTR) continue;
                throw InputError(std::string("cannot write decoded content to a temporary file: ") + std::strerror(errno));
            }
            p += w;
            n -= static_cast<std::size_t>(w);
        }
    }
    /// Closes the file and hands its removal over to the caller.
    std::string keep() {
        if (::close(_fd) != 0) {
            _fd = -1;
            throw InputError("cannot close a temporary file of decoded content");
        }
        _fd = -1;
        _kept = true;
        return _path;
    }

private:
    int _fd = -1;
    std::string _path;
    bool _kept = false;
};

// ---------------------------------------------------------------------------
// Frames.

struct Scalar {
    enum class Kind { Null, Bool, Number, String };
    Kind kind = Kind::Null;
    bool boolean = false;
    std::string_view text;

    const char* typeName() const {
        switch (kind) {
        case Kind::Null: return "null";
        case Kind::Bool: return "boolean";
        case Kind::Number: return "number";
        case Kind::String: return "string";
        }
        return "value";
    }
};

class Parser;

/// One open object or array.
class Frame {
public:
    explicit Frame(bool isArray) : _isArray(isArray) {}
    virtual ~Frame() = default;
    Frame(const Frame&) = delete;
    Frame& operator=(const Frame&) = delete;

    /// A member name (objects only).
    virtual void key(Parser& p, std::string_view k) {
        (void)p;
        _key.assign(k.data(), k.size());
    }
    /// A scalar member or element.
    virtual void scalar(Parser& p, const Scalar& v) = 0;
    /// An object member or element begins: the frame that takes it.
    virtual std::unique_ptr<Frame> startObject(Parser& p) = 0;
    /// An array member or element begins: the frame that takes it.
    virtual std::unique_ptr<Frame> startArray(Parser& p) = 0;
    /// The container closes.
    virtual void end(Parser& p) { (void)p; }

    bool isArray() const { return _isArray; }
    const std::string& currentKey() const { return _key; }
    std::size_t currentIndex() const { return _index; }
    /// Called before each element of an array.
    void nextElement() { _index = _count++; }

protected:
    bool _isArray;
    std::string _key;
    std::size_t _index = 0;
    std::size_t _count = 0;
};

template <class T, class = void>
struct HasExt : std::false_type {};
template <class T>
struct HasExt<T, std::void_t<decltype(std::declval<T&>().ext)>> : std::true_type {};

/// One member an object of type T may have.
template <class T>
struct Field {
    const char* name;
    const char* expected;  ///< for messages: "string", "array of ids", …
    std::function<void(Parser&, T&, const Scalar&)> scalar;
    std::function<std::unique_ptr<Frame>(Parser&, T&)> object;
    std::function<std::unique_ptr<Frame>(Parser&, T&)> array;
    bool required = false;
};

template <class T>
using Fields = std::vector<Field<T>>;

/// The SAX handler.
class Parser {
public:
    typedef char Ch;

    Parser(Project& project, const ReadSettings& settings, Diagnostics& diag, const Input& input, InStream& stream);

    // --- RapidJSON Handler concept ---
    bool Null() { return guard([&] { scalar(Scalar{}); }); }
    bool Bool(bool b) {
        return guard([&] {
            Scalar s;
            s.kind = Scalar::Kind::Bool;
            s.boolean = b;
            scalar(s);
        });
    }
    // Never called: kParseNumbersAsStringsFlag sends every number to RawNumber.
    bool Int(int) { return false; }
    bool Uint(unsigned) { return false; }
    bool Int64(std::int64_t) { return false; }
    bool Uint64(std::uint64_t) { return false; }
    bool Double(double) { return false; }
    bool RawNumber(const Ch* s, rapidjson::SizeType n, bool) {
        return guard([&] {
            Scalar v;
            v.kind = Scalar::Kind::Number;
            v.text = std::string_view(s, n);
            scalar(v);
        });
    }
    bool String(const Ch* s, rapidjson::SizeType n, bool) {
        return guard([&] {
            Scalar v;
            v.kind = Scalar::Kind::String;
            v.text = std::string_view(s, n);
            scalar(v);
        });
    }
    bool StartObject() {
        return guard([&] {
            beginValue();
            push(top().startObject(*this));
        });
    }
    bool Key(const Ch* s, rapidjson::SizeType n, bool) { return guard([&] { top().key(*this, std::string_view(s, n)); }); }
    bool EndObject(rapidjson::SizeType) { return guard([&] { pop(); }); }
    bool StartArray() {
        return guard([&] {
            beginValue();
            push(top().startArray(*this));
        });
    }
    bool EndArray(rapidjson::SizeType) { return guard([&] { pop(); }); }

    // --- for frames ---
    [[noreturn]] void fail(const std::string& reason, bool limit = false) const {
        throw ParseFailure{reason, _stream.Tell(), limit};
    }
    [[noreturn]] void typeError(const char* expected, const char* got) const {
        fail(std::string("expected ") + expected + " for " + memberPath() + ", got " + got);
    }
    /// Path of the value being read: "themes[3].name".
    std::string memberPath() const { return pathOf(_stack.size()); }
    /// Path of the innermost open container: "themes[3]".
    std::string containerPath() const { return pathOf(_stack.size() - 1); }

    std::string string(const Scalar& v, bool nonEmpty = false) const {
        if (v.kind != Scalar::Kind::String) typeError(nonEmpty ? "non-empty string" : "string", v.typeName());
        if (nonEmpty && v.text.empty()) fail("empty string not allowed for " + memberPath());
        return std::string(v.text);
    }
    std::int64_t integer(const Scalar& v, bool nonNegative = false) const;
    bool boolean(const Scalar& v) const {
        if (v.kind != Scalar::Kind::Bool) typeError("boolean", v.typeName());
        return v.boolean;
    }
    static Json toJson(const Scalar& v) {
        switch (v.kind) {
        case Scalar::Kind::Null: return Json();
        case Scalar::Kind::Bool: return Json(v.boolean);
        case Scalar::Kind::Number: return Json::number(std::string(v.text));
        case Scalar::Kind::String: return Json(std::string(v.text));
        }
        return Json();
    }

    /// Slot in `sink` for an unknown key, or failure when unknown keys are errors.
    Json& unknownKey(Extensions& sink, const std::string& prefix, const std::string& key);

    /// Decodes base64 content into a blob (memory or temporary file).
    std::shared_ptr<Blob> decodeContent(std::string_view text);
    /// Resolves an href next to the JSON file into a FileBlob, refusing escapes.
    std::shared_ptr<Blob> resolveHref(const std::string& href, std::int64_t size);

    Diagnostics& diag() { return _diag; }
    const ReadSettings& settings() const { return _settings; }
    Location here() const {
        Location l;
        l.file = _input.name();
        l.offset = static_cast<long long>(_stream.Tell());
        return l;
    }

    std::exception_ptr error() const { return _error; }
    bool complete() const { return _stack.size() == 1 && _rootSeen; }
    void markRootSeen() { _rootSeen = true; }
    Project& project() { return _project; }

private:
    template <class F>
    bool guard(F&& f) {
        try {
            f();
            return true;
        } catch (...) {
            _error = std::current_exception();
            return false;
        }
    }
    Frame& top() { return *_stack.back(); }
    void beginValue() {
        if (top().isArray()) top().nextElement();
    }
    void scalar(const Scalar& v) {
        beginValue();
        top().scalar(*this, v);
    }
    void push(std::unique_ptr<Frame> f) {
        // The root frame is not a container: depth = containers open.
        if (_stack.size() > _settings.maxDepth)
            fail("nesting deeper than " + std::to_string(_settings.maxDepth) + " levels at " + memberPath() +
                     " (option max-depth)",
                 true);
        _stack.push_back(std::move(f));
    }
    void pop() {
        top().end(*this);
        _stack.pop_back();
    }
    std::string pathOf(std::size_t levels) const;

    Project& _project;
    const ReadSettings& _settings;
    Diagnostics& _diag;
    const Input& _input;
    InStream& _stream;
    std::vector<std::unique_ptr<Frame>> _stack;
    std::exception_ptr _error;
    bool _rootSeen = false;
};

std::string printable(std::string_view s, std::size_t max = 64) {
    std::string out;
    for (char c : s) {
        if (out.size() >= max) {
            out += "…";
            break;
        }
        out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) ? '?' : c;
    }
    return out;
}

std::string Parser::pathOf(std::size_t levels) const {
    std::string path;
    // Frame 0 is the root (the document itself has no name).
    for (std::size_t i = 1; i < levels && i < _stack.size(); ++i) {
        const Frame& f = *_stack[i];
        if (f.isArray()) {
            path += '[';
            path += std::to_string(f.currentIndex());
            path += ']';
        } else {
            if (!path.empty()) path += '.';
            path += printable(f.currentKey());
        }
    }
    return path.empty() ? std::string("the document") : path;
}

std::int64_t Parser::integer(const Scalar& v, bool nonNegative) const {
    if (v.kind != Scalar::Kind::Number) typeError(nonNegative ? "non-negative integer" : "integer", v.typeName());
    // RapidJSON checked the number grammar; an integer has no fraction or exponent.
    if (v.text.find_first_of(".eE") != std::string_view::npos)
        fail("expected integer for " + memberPath() + ", got " + printable(v.text, 40));
    std::int64_t value = 0;
    const char* first = v.text.data();
    const char* last = first + v.text.size();
    auto r = std::from_chars(first, last, value);
    if (r.ec == std::errc::result_out_of_range)
        fail("integer out of range for " + memberPath() + ": " + printable(v.text, 40));
    if (r.ec != std::errc() || r.ptr != last) fail("expected integer for " + memberPath() + ", got " + printable(v.text, 40));
    if (nonNegative && value < 0) fail("expected non-negative integer for " + memberPath() + ", got " + printable(v.text, 40));
    return value;
}

Json& Parser::unknownKey(Extensions& sink, const std::string& prefix, const std::string& key) {
    if (_settings.unknownKeysAreErrors) fail("unknown key '" + printable(key) + "' in " + containerPath());
    std::string name = "json:unknown:" + prefix + key;
    auto [it, inserted] = sink.try_emplace(name);
    if (!inserted) fail("key '" + printable(key) + "' in " + containerPath() + " collides with ext key '" + printable(name) + "'");
    _diag.lossy("quirk.unknown-key",
                "unknown key '" + printable(key) + "' at " + memberPath() + " kept in ext as '" + printable(name) + "'", {},
                "remove the key, or move it into an ext object under a namespaced key", here());
    return it->second;
}

// --- frames -----------------------------------------------------------------

/// Builds an arbitrary JSON value (an ext value or an unknown key's value).
class JsonFrame final : public Frame {
public:
    JsonFrame(Json& target, bool isArray) : Frame(isArray), _target(target) {}

    void key(Parser& p, std::string_view k) override {
        Frame::key(p, k);
        if (!_keys.insert(_key).second) p.fail("duplicate key '" + printable(k) + "' in " + p.containerPath());
    }
    void scalar(Parser&, const Scalar& v) override { add(Parser::toJson(v)); }
    std::unique_ptr<Frame> startObject(Parser&) override { return std::make_unique<JsonFrame>(add(Json::object()), false); }
    std::unique_ptr<Frame> startArray(Parser&) override { return std::make_unique<JsonFrame>(add(Json::array()), true); }

private:
    Json& add(Json v) {
        // A child frame holds a reference into the container; it ends before
        // the next sibling is added, so growing the vector is safe.
        if (_isArray) {
            _target.asArray().push_back(std::move(v));
            return _target.asArray().back();
        }
        _target.asObject().emplace_back(_key, std::move(v));
        return _target.asObject().back().second;
    }
    Json& _target;
    std::unordered_set<std::string> _keys;
};

/// Starts a JSON value frame in `slot` (for ext values and unknown keys).
std::unique_ptr<Frame> jsonContainer(Json& slot, bool isArray) {
    slot = isArray ? Json::array() : Json::object();
    return std::make_unique<JsonFrame>(slot, isArray);
}

/// An `ext` object: namespaced key -> any JSON.
class ExtFrame final : public Frame {
public:
    explicit ExtFrame(Extensions& ext) : Frame(false), _ext(ext) {}
    void key(Parser& p, std::string_view k) override {
        Frame::key(p, k);
        auto [it, inserted] = _ext.try_emplace(_key);
        if (!inserted) p.fail("duplicate key '" + printable(k) + "' in " + p.containerPath());
        _slot = &it->second;
    }
    void scalar(Parser&, const Scalar& v) override { *_slot = Parser::toJson(v); }
    std::unique_ptr<Frame> startObject(Parser&) override { return jsonContainer(*_slot, false); }
    std::unique_ptr<Frame> startArray(Parser&) override { return jsonContainer(*_slot, true); }

private:
    Extensions& _ext;
    Json* _slot = nullptr;
};

/// An object read into `T` through a table of fields.
template <class T>
class ObjectFrame final : public Frame {
public:
    using Finish = std::function<void(Parser&, T&)>;

    /// Unknown keys go to `unknownSink` (the entity's own ext, or its owner's
    /// for sub-objects without one) under "json:unknown:<prefix><key>".
    ObjectFrame(T& target, const Fields<T>& fields, Extensions* unknownSink, std::string prefix, Finish finish = {})
        : Frame(false), _target(&target), _fields(fields), _sink(unknownSink), _prefix(std::move(prefix)),
          _finish(std::move(finish)) {}
    /// The frame owns its target (anchors, content: checked as a whole at the end).
    ObjectFrame(std::unique_ptr<T> owned, const Fields<T>& fields, Extensions* unknownSink, std::string prefix, Finish finish)
        : Frame(false), _owned(std::move(owned)), _target(_owned.get()), _fields(fields), _sink(unknownSink),
          _prefix(std::move(prefix)), _finish(std::move(finish)) {}

    void key(Parser& p, std::string_view k) override {
        Frame::key(p, k);
        _field = nullptr;
        _unknown = nullptr;
        for (std::size_t i = 0; i < _fields.size(); ++i) {
            if (k == _fields[i].name) {
                std::uint64_t bit = std::uint64_t(1) << i;
                if (_seen & bit) p.fail("duplicate key '" + printable(k) + "' in " + p.containerPath());
                _seen |= bit;
                _field = &_fields[i];
                return;
            }
        }
        _unknown = &p.unknownKey(*_sink, _prefix, _key);
    }
    void scalar(Parser& p, const Scalar& v) override {
        if (_unknown) {
            *_unknown = Parser::toJson(v);
            return;
        }
        if (!_field->scalar) p.typeError(_field->expected, v.typeName());
        _field->scalar(p, *_target, v);
    }
    std::unique_ptr<Frame> startObject(Parser& p) override {
        if (_unknown) return jsonContainer(*_unknown, false);
        if (!_field->object) p.typeError(_field->expected, "object");
        return _field->object(p, *_target);
    }
    std::unique_ptr<Frame> startArray(Parser& p) override {
        if (_unknown) return jsonContainer(*_unknown, true);
        if (!_field->array) p.typeError(_field->expected, "array");
        return _field->array(p, *_target);
    }
    void end(Parser& p) override {
        for (std::size_t i = 0; i < _fields.size(); ++i) {
            if (_fields[i].required && !(_seen & (std::uint64_t(1) << i)))
                p.fail(std::string("missing key '") + _fields[i].name + "' in " + p.containerPath());
        }
        if (_finish) _finish(p, *_target);
    }
    bool seen(const char* name) const {
        for (std::size_t i = 0; i < _fields.size(); ++i)
            if (std::strcmp(_fields[i].name, name) == 0) return (_seen & (std::uint64_t(1) << i)) != 0;
        return false;
    }

private:
    std::unique_ptr<T> _owned;
    T* _target;
    const Fields<T>& _fields;
    Extensions* _sink;
    std::string _prefix;
    Finish _finish;
    const Field<T>* _field = nullptr;
    Json* _unknown = nullptr;
    std::uint64_t _seen = 0;
};

/// An array of objects of type T.
template <class T>
class ListFrame final : public Frame {
public:
    /// Items without an ext of their own put unknown keys into `ownerSink`
    /// under "<ownerPrefix>[i].<key>".
    ListFrame(std::vector<T>& list, const Fields<T>& fields, Extensions* ownerSink = nullptr, std::string ownerPrefix = {})
        : Frame(true), _list(list), _fields(fields), _ownerSink(ownerSink), _ownerPrefix(std::move(ownerPrefix)) {}

    void scalar(Parser& p, const Scalar& v) override { p.typeError("object", v.typeName()); }
    std::unique_ptr<Frame> startArray(Parser& p) override { p.typeError("object", "array"); }
    std::unique_ptr<Frame> startObject(Parser&) override {
        T& item = _list.emplace_back();
        if constexpr (HasExt<T>::value) {
            return std::make_unique<ObjectFrame<T>>(item, _fields, &item.ext, std::string());
        } else {
            return std::make_unique<ObjectFrame<T>>(item, _fields, _ownerSink,
                                                    _ownerPrefix + "[" + std::to_string(_index) + "].");
        }
    }

private:
    std::vector<T>& _list;
    const Fields<T>& _fields;
    Extensions* _ownerSink;
    std::string _ownerPrefix;
};

/// An array of ids (non-empty strings).
class IdListFrame final : public Frame {
public:
    explicit IdListFrame(std::vector<std::string>& list) : Frame(true), _list(list) {}
    void scalar(Parser& p, const Scalar& v) override { _list.push_back(p.string(v, true)); }
    std::unique_ptr<Frame> startObject(Parser& p) override { p.typeError("id (non-empty string)", "object"); }
    std::unique_ptr<Frame> startArray(Parser& p) override { p.typeError("id (non-empty string)", "array"); }

private:
    std::vector<std::string>& _list;
};

// --- field builders ---------------------------------------------------------

template <class T>
Field<T> stringField(const char* name, std::string T::*m, bool required = false, bool nonEmpty = false) {
    Field<T> f{name, nonEmpty ? "non-empty string" : "string", {}, {}, {}, required};
    f.scalar = [m, nonEmpty](Parser& p, T& t, const Scalar& v) { t.*m = p.string(v, nonEmpty); };
    return f;
}

template <class T>
Field<T> optStringField(const char* name, std::optional<std::string> T::*m) {
    Field<T> f{name, "string", {}, {}, {}, false};
    f.scalar = [m](Parser& p, T& t, const Scalar& v) { t.*m = p.string(v); };
    return f;
}

template <class T>
Field<T> intField(const char* name, std::int64_t T::*m, bool required = false, bool nonNegative = false) {
    Field<T> f{name, nonNegative ? "non-negative integer" : "integer", {}, {}, {}, required};
    f.scalar = [m, nonNegative](Parser& p, T& t, const Scalar& v) { t.*m = p.integer(v, nonNegative); };
    return f;
}

template <class T>
Field<T> optIntField(const char* name, std::optional<std::int64_t> T::*m, bool nonNegative = false) {
    Field<T> f{name, nonNegative ? "non-negative integer" : "integer", {}, {}, {}, false};
    f.scalar = [m, nonNegative](Parser& p, T& t, const Scalar& v) { t.*m = p.integer(v, nonNegative); };
    return f;
}

template <class T>
Field<T> boolField(const char* name, bool T::*m) {
    Field<T> f{name, "boolean", {}, {}, {}, false};
    f.scalar = [m](Parser& p, T& t, const Scalar& v) { t.*m = p.boolean(v); };
    return f;
}

template <class T>
Field<T> idListField(const char* name, std::vector<std::string> T::*m) {
    Field<T> f{name, "array of ids", {}, {}, {}, false};
    f.array = [m](Parser&, T& t) -> std::unique_ptr<Frame> { return std::make_unique<IdListFrame>(t.*m); };
    return f;
}

template <class T>
Field<T> extField() {
    Field<T> f{"ext", "object", {}, {}, {}, false};
    f.object = [](Parser&, T& t) -> std::unique_ptr<Frame> { return std::make_unique<ExtFrame>(t.ext); };
    return f;
}

const Fields<Audit>& auditFields() {
    static const Fields<Audit> k{stringField("creator", &Audit::creator), stringField("created", &Audit::created),
                                 stringField("modifier", &Audit::modifier), stringField("modified", &Audit::modified)};
    return k;
}

template <class T>
Field<T> auditField() {
    Field<T> f{"audit", "object", {}, {}, {}, false};
    f.object = [](Parser&, T& t) -> std::unique_ptr<Frame> {
        return std::make_unique<ObjectFrame<Audit>>(t.audit, auditFields(), &t.ext, "audit.");
    };
    return f;
}

const Fields<AttributeValue>& valueFields() {
    static const Fields<AttributeValue> k{stringField("attribute", &AttributeValue::attribute, true, true),
                                          stringField("value", &AttributeValue::value, true)};
    return k;
}

template <class T>
Field<T> valuesField() {
    Field<T> f{"values", "array of attribute values", {}, {}, {}, false};
    f.array = [](Parser&, T& t) -> std::unique_ptr<Frame> {
        return std::make_unique<ListFrame<AttributeValue>>(t.values, valueFields(), &t.ext, "values");
    };
    return f;
}

template <class T>
Field<T> idField() {
    return stringField("id", &T::id, true, true);
}

template <class T, class Item>
Field<T> listField(const char* name, std::vector<Item> T::*m, const Fields<Item>& (*fields)(), const char* expected) {
    Field<T> f{name, expected, {}, {}, {}, false};
    f.array = [m, fields](Parser&, T& t) -> std::unique_ptr<Frame> { return std::make_unique<ListFrame<Item>>(t.*m, fields()); };
    return f;
}

// --- entity tables ------------------------------------------------------------

const Fields<User>& userFields() {
    static const Fields<User> k{idField<User>(), stringField("name", &User::name), extField<User>()};
    return k;
}

const Fields<Theme>& themeFields() {
    static const Fields<Theme> k = [] {
        Fields<Theme> f{idField<Theme>(), stringField("name", &Theme::name), stringField("parent", &Theme::parent)};
        Field<Theme> color{"color", "colour \"#RRGGBB\"", {}, {}, {}, false};
        color.scalar = [](Parser& p, Theme& t, const Scalar& v) {
            std::string c = p.string(v);
            bool ok = c.size() == 7 && c[0] == '#';
            for (std::size_t i = 1; ok && i < c.size(); ++i) ok = std::isxdigit(static_cast<unsigned char>(c[i])) != 0;
            if (!ok) p.fail("expected colour \"#RRGGBB\" for " + p.memberPath() + ", got '" + printable(c) + "'");
            t.color = c;
        };
        f.push_back(color);
        f.push_back(stringField("description", &Theme::description));
        f.push_back(boolField("codable", &Theme::codable));
        f.push_back(auditField<Theme>());
        f.push_back(extField<Theme>());
        return f;
    }();
    return k;
}

const Fields<Attribute>& attributeFields() {
    static const Fields<Attribute> k = [] {
        Fields<Attribute> f{idField<Attribute>(), stringField("name", &Attribute::name)};
        Field<Attribute> type{"type", "one of text|boolean|integer|float|date|datetime", {}, {}, {}, false};
        type.scalar = [](Parser& p, Attribute& a, const Scalar& v) {
            auto t = attributeTypeFromString(p.string(v));
            if (!t)
                p.fail("expected one of text|boolean|integer|float|date|datetime for " + p.memberPath() + ", got '" +
                       printable(v.text) + "'");
            a.type = *t;
        };
        f.push_back(type);
        f.push_back(stringField("description", &Attribute::description));
        f.push_back(extField<Attribute>());
        return f;
    }();
    return k;
}

const Fields<SyncPoint>& syncPointFields() {
    static const Fields<SyncPoint> k{idField<SyncPoint>(), intField("timeMs", &SyncPoint::timeMs),
                                     intField("position", &SyncPoint::position), extField<SyncPoint>()};
    return k;
}

const Fields<Transcript>& transcriptFields() {
    static const Fields<Transcript> k{idField<Transcript>(),
                                      stringField("name", &Transcript::name),
                                      stringField("text", &Transcript::text),
                                      listField("syncPoints", &Transcript::syncPoints, &syncPointFields, "array of sync points"),
                                      auditField<Transcript>(),
                                      extField<Transcript>()};
    return k;
}

/// What a "content" object said; checked as a whole when it closes.
struct ContentFields {
    std::string mediaType;
    std::int64_t size = 0;
    std::shared_ptr<Blob> decoded;  ///< from base64
    bool hasBase64 = false;
    std::optional<std::string> href;
};

void assignMediaType(Parser& p, Source& s, const std::string& mediaType, const char* which) {
    if (mediaType.empty()) return;
    if (!s.mediaType.empty() && s.mediaType != mediaType)
        p.fail(std::string(which) + " '" + printable(mediaType) + "' differs from the media type '" + printable(s.mediaType) +
               "' given before in " + p.containerPath());
    s.mediaType = mediaType;
}

const Fields<ContentFields>& contentFields() {
    static const Fields<ContentFields> k = [] {
        Fields<ContentFields> f{stringField("mediaType", &ContentFields::mediaType),
                                intField("size", &ContentFields::size, true, true)};
        Field<ContentFields> b64{"base64", "base64 string", {}, {}, {}, false};
        b64.scalar = [](Parser& p, ContentFields& c, const Scalar& v) {
            if (v.kind != Scalar::Kind::String) p.typeError("base64 string", v.typeName());
            c.decoded = p.decodeContent(v.text);
            c.hasBase64 = true;
        };
        f.push_back(b64);
        Field<ContentFields> href{"href", "relative path", {}, {}, {}, false};
        href.scalar = [](Parser& p, ContentFields& c, const Scalar& v) { c.href = p.string(v, true); };
        f.push_back(href);
        return f;
    }();
    return k;
}

const Fields<Source>& sourceFields() {
    static const Fields<Source> k = [] {
        Fields<Source> f{idField<Source>(), stringField("name", &Source::name)};
        Field<Source> kind{"kind", "one of text|pdf|picture|audio|video", {}, {}, {}, false};
        kind.scalar = [](Parser& p, Source& s, const Scalar& v) {
            auto k = sourceKindFromString(p.string(v));
            if (!k)
                p.fail("expected one of text|pdf|picture|audio|video for " + p.memberPath() + ", got '" + printable(v.text) +
                       "'");
            s.kind = *k;
        };
        f.push_back(kind);
        f.push_back(stringField("description", &Source::description));
        f.push_back(optStringField("text", &Source::text));
        Field<Source> content{"content", "content object", {}, {}, {}, false};
        content.object = [](Parser& p, Source& s) -> std::unique_ptr<Frame> {
            (void)p;
            return std::make_unique<ObjectFrame<ContentFields>>(
                std::make_unique<ContentFields>(), contentFields(), &s.ext, "content.", [&s](Parser& p, ContentFields& c) {
                    if (c.hasBase64 && c.href) p.fail("content has both base64 and href in " + p.containerPath());
                    assignMediaType(p, s, c.mediaType, "content.mediaType");
                    if (c.hasBase64) {
                        auto got = c.decoded->size().value_or(0);
                        if (got != static_cast<std::uint64_t>(c.size))
                            p.fail("content size " + std::to_string(c.size) + " differs from the " + std::to_string(got) +
                                   " bytes of its base64 in " + p.containerPath());
                        s.content = c.decoded;
                    } else if (c.href) {
                        s.content = p.resolveHref(*c.href, c.size);
                    } else {
                        s.content.reset();
                        p.diag().info("info.media-omitted",
                                      "the content of " + p.containerPath() + " (" + std::to_string(c.size) + " bytes" +
                                          (c.mediaType.empty() ? std::string() : ", " + printable(c.mediaType)) +
                                          ") was omitted when this file was written",
                                      s.id, p.here());
                    }
                });
        };
        f.push_back(content);
        Field<Source> mediaType{"mediaType", "string", {}, {}, {}, false};
        mediaType.scalar = [](Parser& p, Source& s, const Scalar& v) { assignMediaType(p, s, p.string(v), "mediaType"); };
        f.push_back(mediaType);
        f.push_back(stringField("path", &Source::path));
        f.push_back(valuesField<Source>());
        f.push_back(listField("transcripts", &Source::transcripts, &transcriptFields, "array of transcripts"));
        f.push_back(auditField<Source>());
        f.push_back(extField<Source>());
        return f;
    }();
    return k;
}

/// What an "anchor" object said; its shape is checked against its type at the end.
struct AnchorFields {
    std::string type;
    std::optional<std::int64_t> start, end, page, x1, y1, x2, y2, begin;
    std::optional<std::string> transcript, fromSyncPoint, toSyncPoint;
};

const Fields<AnchorFields>& anchorFields() {
    static const Fields<AnchorFields> k{
        stringField("type", &AnchorFields::type, true),  optIntField("start", &AnchorFields::start),
        optIntField("end", &AnchorFields::end),          optIntField("page", &AnchorFields::page),
        optIntField("x1", &AnchorFields::x1),            optIntField("y1", &AnchorFields::y1),
        optIntField("x2", &AnchorFields::x2),            optIntField("y2", &AnchorFields::y2),
        optIntField("begin", &AnchorFields::begin),      optStringField("transcript", &AnchorFields::transcript),
        optStringField("fromSyncPoint", &AnchorFields::fromSyncPoint),
        optStringField("toSyncPoint", &AnchorFields::toSyncPoint)};
    return k;
}

/// Builds the anchor variant; every member of the shape is required, members of other shapes are refused.
Anchor makeAnchor(Parser& p, const AnchorFields& a) {
    struct Shape {
        const char* type;
        std::vector<const char*> members;
    };
    static const std::vector<Shape> shapes{{"source", {}},
                                           {"text", {"start", "end"}},
                                           {"pdf", {"page", "x1", "y1", "x2", "y2"}},
                                           {"image", {"x1", "y1", "x2", "y2"}},
                                           {"time", {"begin", "end"}},
                                           {"transcript", {"transcript", "fromSyncPoint", "toSyncPoint"}}};
    auto present = [&a](const std::string& m) -> bool {
        if (m == "start") return a.start.has_value();
        if (m == "end") return a.end.has_value();
        if (m == "page") return a.page.has_value();
        if (m == "x1") return a.x1.has_value();
        if (m == "y1") return a.y1.has_value();
        if (m == "x2") return a.x2.has_value();
        if (m == "y2") return a.y2.has_value();
        if (m == "begin") return a.begin.has_value();
        if (m == "transcript") return a.transcript.has_value();
        if (m == "fromSyncPoint") return a.fromSyncPoint.has_value();
        if (m == "toSyncPoint") return a.toSyncPoint.has_value();
        return false;
    };
    static const std::vector<std::string> all{"start", "end", "page", "x1", "y1", "x2", "y2", "begin",
                                              "transcript", "fromSyncPoint", "toSyncPoint"};
    const Shape* shape = nullptr;
    for (const auto& s : shapes)
        if (a.type == s.type) shape = &s;
    if (!shape)
        p.fail("expected anchor type source|text|pdf|image|time|transcript in " + p.containerPath() + ", got '" +
               printable(a.type) + "'");
    for (const char* m : shape->members)
        if (!present(m)) p.fail("anchor of type '" + a.type + "' needs '" + m + "' in " + p.containerPath());
    for (const auto& m : all) {
        bool allowed = false;
        for (const char* s : shape->members) allowed = allowed || m == s;
        if (!allowed && present(m)) p.fail("'" + m + "' is not allowed in an anchor of type '" + a.type + "' in " + p.containerPath());
    }
    if (a.type == "text") return TextSpan{*a.start, *a.end};
    if (a.type == "pdf") return PdfRegion{*a.page, *a.x1, *a.y1, *a.x2, *a.y2};
    if (a.type == "image") return ImageRegion{*a.x1, *a.y1, *a.x2, *a.y2};
    if (a.type == "time") return TimeSpan{*a.begin, *a.end};
    if (a.type == "transcript") return TranscriptSpan{*a.transcript, *a.fromSyncPoint, *a.toSyncPoint};
    return std::monostate{};
}

const Fields<Coding>& codingFields() {
    static const Fields<Coding> k{stringField("id", &Coding::id), stringField("theme", &Coding::theme, true, true),
                                  stringField("creator", &Coding::creator), stringField("created", &Coding::created),
                                  extField<Coding>()};
    return k;
}

const Fields<Excerpt>& excerptFields() {
    static const Fields<Excerpt> k = [] {
        Fields<Excerpt> f{idField<Excerpt>(), stringField("source", &Excerpt::source, true, true),
                          stringField("name", &Excerpt::name)};
        Field<Excerpt> anchor{"anchor", "anchor object", {}, {}, {}, false};
        anchor.object = [](Parser&, Excerpt& e) -> std::unique_ptr<Frame> {
            return std::make_unique<ObjectFrame<AnchorFields>>(std::make_unique<AnchorFields>(), anchorFields(), &e.ext,
                                                               "anchor.", [&e](Parser& p, AnchorFields& a) {
                                                                   e.anchor = makeAnchor(p, a);
                                                               });
        };
        f.push_back(anchor);
        f.push_back(optStringField("quote", &Excerpt::quote));
        f.push_back(stringField("description", &Excerpt::description));
        f.push_back(listField("codings", &Excerpt::codings, &codingFields, "array of codings"));
        f.push_back(auditField<Excerpt>());
        f.push_back(extField<Excerpt>());
        return f;
    }();
    return k;
}

const Fields<Memo>& memoFields() {
    static const Fields<Memo> k{idField<Memo>(),       stringField("name", &Memo::name), stringField("text", &Memo::text),
                                idListField("targets", &Memo::targets), auditField<Memo>(), extField<Memo>()};
    return k;
}

const Fields<Case>& caseFields() {
    static const Fields<Case> k{idField<Case>(),
                                stringField("name", &Case::name),
                                stringField("description", &Case::description),
                                valuesField<Case>(),
                                idListField("themes", &Case::themes),
                                idListField("sources", &Case::sources),
                                idListField("excerpts", &Case::excerpts),
                                extField<Case>()};
    return k;
}

const Fields<Set>& setFields() {
    static const Fields<Set> k{idField<Set>(),
                               stringField("name", &Set::name),
                               stringField("description", &Set::description),
                               idListField("themes", &Set::themes),
                               idListField("sources", &Set::sources),
                               idListField("memos", &Set::memos),
                               extField<Set>()};
    return k;
}

const Fields<Project>& projectFields() {
    static const Fields<Project> k{stringField("name", &Project::name),
                                   stringField("description", &Project::description),
                                   stringField("origin", &Project::origin),
                                   stringField("basePath", &Project::basePath),
                                   auditField<Project>(),
                                   extField<Project>()};
    return k;
}

/// The top-level object.
struct Document {
    Project* project = nullptr;
};

const Fields<Document>& documentFields() {
    static const Fields<Document> k = [] {
        Fields<Document> f;
        Field<Document> version{"qdx", "version string \"1.0\"", {}, {}, {}, true};
        version.scalar = [](Parser& p, Document&, const Scalar& v) {
            std::string s = p.string(v);
            if (s != kModelVersion)
                p.fail("unsupported qdx version '" + printable(s) + "' (this reader knows " + kModelVersion + ")");
        };
        f.push_back(version);
        Field<Document> project{"project", "object", {}, {}, {}, false};
        project.object = [](Parser&, Document& d) -> std::unique_ptr<Frame> {
            return std::make_unique<ObjectFrame<Project>>(*d.project, projectFields(), &d.project->ext, "project.");
        };
        f.push_back(project);
        auto list = [&f](const char* name, auto member, auto fields, const char* expected) {
            Field<Document> l{name, expected, {}, {}, {}, false};
            l.array = [member, fields](Parser&, Document& d) -> std::unique_ptr<Frame> {
                using Item = typename std::remove_reference_t<decltype(d.project->*member)>::value_type;
                return std::make_unique<ListFrame<Item>>(d.project->*member, fields());
            };
            f.push_back(l);
        };
        list("users", &Project::users, &userFields, "array of users");
        list("themes", &Project::themes, &themeFields, "array of themes");
        list("attributes", &Project::attributes, &attributeFields, "array of attributes");
        list("sources", &Project::sources, &sourceFields, "array of sources");
        list("excerpts", &Project::excerpts, &excerptFields, "array of excerpts");
        list("memos", &Project::memos, &memoFields, "array of memos");
        list("cases", &Project::cases, &caseFields, "array of cases");
        list("sets", &Project::sets, &setFields, "array of sets");
        return f;
    }();
    return k;
}

/// Holds the single top-level value.
class RootFrame final : public Frame {
public:
    explicit RootFrame(Project& p) : Frame(false) { _doc.project = &p; }
    void scalar(Parser& p, const Scalar& v) override { p.fail(std::string("expected an object at the top level, got ") + v.typeName()); }
    std::unique_ptr<Frame> startArray(Parser& p) override { p.fail("expected an object at the top level, got array"); }
    std::unique_ptr<Frame> startObject(Parser& p) override {
        p.markRootSeen();
        return std::make_unique<ObjectFrame<Document>>(_doc, documentFields(), &p.project().ext, std::string());
    }

private:
    Document _doc;
};

Parser::Parser(Project& project, const ReadSettings& settings, Diagnostics& diag, const Input& input, InStream& stream)
    : _project(project), _settings(settings), _diag(diag), _input(input), _stream(stream) {
    _stack.push_back(std::make_unique<RootFrame>(project));
}

std::shared_ptr<Blob> Parser::decodeContent(std::string_view text) {
    std::string label = _input.name() + "#" + containerPath();
    std::uint64_t expected = text.size() / 4 * 3;
    base64::Decoder dec;
    auto bad = [&](std::size_t at) {
        fail("invalid base64 at character " + std::to_string(at) + " of " + memberPath());
    };
    if (expected <= _settings.inlineContentLimit) {
        std::string out;
        out.reserve(static_cast<std::size_t>(expected));
        if (!dec.feed(text, out)) bad(dec.errorAt());
        if (!dec.finish(out)) bad(dec.errorAt());
        return std::make_shared<MemoryBlob>(std::move(out), label);
    }
    ScratchFile file;
    std::string out;
    std::uint64_t total = 0;
    const std::size_t piece = 4 * 256 * 1024;
    for (std::size_t i = 0; i < text.size(); i += piece) {
        out.clear();
        if (!dec.feed(text.substr(i, piece), out)) bad(dec.errorAt());
        file.write(out);
        total += out.size();
    }
    out.clear();
    if (!dec.finish(out)) bad(dec.errorAt());
    file.write(out);
    total += out.size();
    return std::make_shared<TempFileBlob>(file.keep(), total, label);
}

std::shared_ptr<Blob> Parser::resolveHref(const std::string& href, std::int64_t size) {
    const std::string where = containerPath();
    if (!_input.isFile() || _input.path().empty())
        fail("content href '" + printable(href) + "' in " + where + " cannot be resolved: the JSON was not read from a file");
    // The schema's rule: components separated by '/', each with a character other
    // than '.', none of them holding '\\' or ':'; control characters are refused too.
    for (char c : href)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F || c == '\\' || c == ':')
            fail("content href in " + where + " contains a control character, a backslash or a colon");
    if (href.front() == '/')
        fail("content href '" + printable(href) + "' in " + where + " is absolute; it must be relative to the JSON file");
    std::size_t startPos = 0;
    for (;;) {
        std::size_t slash = href.find('/', startPos);
        std::string part = href.substr(startPos, slash == std::string::npos ? std::string::npos : slash - startPos);
        if (part.find_first_not_of('.') == std::string::npos)
            fail("content href '" + printable(href) + "' in " + where + " has an empty, '.' or '..' component");
        if (slash == std::string::npos) break;
        startPos = slash + 1;
    }
    std::error_code ec;
    fs::path folder = fs::path(_input.path()).parent_path();
    if (folder.empty()) folder = ".";
    fs::path target = folder / fs::path(href);
    fs::path realFolder = fs::canonical(folder, ec);
    fs::path realTarget = ec ? fs::path() : fs::canonical(target, ec);
    if (ec) fail("content href '" + printable(href) + "' in " + where + " does not exist: " + target.string());
    // A symbolic link inside the folder must not lead out of it.
    auto rel = realTarget.lexically_relative(realFolder);
    if (rel.empty() || *rel.begin() == "..")
        fail("content href '" + printable(href) + "' in " + where + " leads outside the folder of the JSON file");
    if (!fs::is_regular_file(realTarget, ec)) fail("content href '" + printable(href) + "' in " + where + " is not a regular file");
    auto actual = fs::file_size(realTarget, ec);
    if (ec || actual != static_cast<std::uintmax_t>(size))
        fail("content size " + std::to_string(size) + " in " + where + " differs from the size of '" + printable(href) +
             "' (" + std::to_string(ec ? 0 : actual) + " bytes)");
    return std::make_shared<FileBlob>(realTarget.string());
}

/// Fills line and column (1-based, column in code points) for a byte offset
/// by reading the input again up to it; only done when reporting an error.
void locate(const Input& in, std::size_t offset, Location& loc) {
    long long line = 1, column = 1;
    auto scan = [&](std::string_view chunk) {
        for (char c : chunk) {
            if (c == '\n') {
                ++line;
                column = 1;
            } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) {
                ++column;
            }
        }
    };
    try {
        if (!in.isFile()) {
            std::string_view m = in.memory();
            scan(m.substr(0, std::min(offset, m.size())));
        } else {
            auto s = in.open();
            std::vector<char> buf(kChunk);
            std::size_t left = offset;
            while (left > 0 && *s) {
                s->read(buf.data(), static_cast<std::streamsize>(std::min(left, buf.size())));
                auto got = static_cast<std::size_t>(s->gcount());
                if (got == 0) break;
                scan(std::string_view(buf.data(), got));
                left -= got;
            }
        }
    } catch (const std::exception&) {
        return;  // the offset alone still says where
    }
    loc.line = line;
    loc.column = column;
}

[[noreturn]] void raise(const Input& in, std::size_t offset, const std::string& reason, bool limit) {
    Location loc;
    loc.file = in.name();
    loc.offset = static_cast<long long>(offset);
    locate(in, offset, loc);
    if (limit) throw LimitError(loc, reason);
    throw InputError(loc, reason);
}

} // namespace

Project readProject(const Input& in, const ReadSettings& settings, Diagnostics& diag) {
    if (in.size() > settings.maxBytes) {
        Location loc;
        loc.file = in.name();
        throw LimitError(loc, "the JSON text has " + std::to_string(in.size()) + " bytes, more than the cap of " +
                                  std::to_string(settings.maxBytes) + " (option max-input-mb)");
    }
    std::unique_ptr<std::istream> file;
    std::unique_ptr<InStream> stream;
    if (in.isFile()) {
        file = in.open();
        stream = std::make_unique<InStream>(*file, settings.maxBytes);
    } else {
        stream = std::make_unique<InStream>(in.memory(), settings.maxBytes);
    }
    if (stream->hadBom()) {
        Location loc;
        loc.file = in.name();
        loc.offset = 0;
        diag.info("quirk.utf8-bom", "the JSON text starts with a UTF-8 byte order mark; ignored", {}, loc);
    }

    Project project;
    Parser parser(project, settings, diag, in, *stream);
    rapidjson::Reader reader;
    constexpr unsigned kFlags =
        rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag | rapidjson::kParseNumbersAsStringsFlag;
    rapidjson::ParseResult ok = reader.Parse<kFlags>(*stream, parser);
    if (!ok) {
        if (auto e = parser.error()) {
            try {
                std::rethrow_exception(e);
            } catch (const ParseFailure& f) {
                raise(in, f.offset, f.reason, f.limit);
            }
            // Anything else (bad_alloc, an InputError from a blob) propagates as it is.
        }
        if (stream->readFailed()) raise(in, stream->Tell(), "read error", false);
        if (stream->overLimit())
            raise(in, stream->Tell(), "the JSON text is larger than the cap of " + std::to_string(settings.maxBytes) +
                                          " bytes (option max-input-mb)",
                  true);
        raise(in, ok.Offset(), std::string("invalid JSON: ") + rapidjson::GetParseError_En(ok.Code()), false);
    }
    if (!parser.complete()) raise(in, stream->Tell(), "incomplete document", false);
    return project;
}

} // namespace qdx::jsonfmt
