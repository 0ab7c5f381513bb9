// Hardened streaming XML over the core's scanner (UTF-8) or expat (any other
// encoding), and a buffered XML writer.
//
// REFI-QDA and OOXML need no DOCTYPE, so any DOCTYPE stops the parse: with no
// DTD there are no entity declarations, hence no XXE, no external DTD fetch
// and no billion laughs (expat's own protections are set too, as a second
// line). The engine is chosen from the first bytes (XmlEngine.h); both sit
// behind the same Parse, so limits, errors and handler exceptions behave alike.
// See docs/security.md.

#include "qdx/Xml.h"
#include "qdx/ReadAhead.h"
#include "qdx/Text.h"
#include "XmlEngine.h"
#include "XmlScanner.h"

// Debian's libexpat is built with DTD support; this exposes the declarations
// of its billion-laughs controls (expat >= 2.4).
#ifndef XML_DTD
#define XML_DTD
#endif
#include <expat.h>

#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

namespace qdx {

namespace {

// Bytes handed to expat per call. Larger chunks cut the per-call overhead;
// measured at 1 MiB vs 64 KiB: see tests/safeio/README.md.
constexpr int kParseChunk = 1 << 20;
constexpr std::size_t kFlushAt = 64 * 1024;
// Between a namespace URI and a local name. U+001F cannot occur in XML 1.0
// names or (escaped or not) in namespace URIs, so the split is unambiguous.
constexpr char kNsSep = '\x1f';

/// "uri\x1flocal" (expat's namespace-expanded name) -> (uri, local).
std::pair<std::string_view, std::string_view> splitName(const XML_Char* name)
{
    std::string_view s(name);
    std::size_t sep = s.find(kNsSep);
    if (sep == std::string_view::npos) return {std::string_view(), s};
    return {s.substr(0, sep), s.substr(sep + 1)};
}

struct ParserFree {
    void operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }
};

class Recorder;
void recordStart(Recorder& r, const XML_Char* name, const XML_Char** atts);
void recordScanned(Recorder& r, std::string_view ns, std::string_view local, const xmlscan::Attr* a, std::size_t n);

using detail::XmlEngine;

/// QDX_XML_ENGINE, read once: "expat" or "scanner" force that engine.
XmlEngine environmentEngine()
{
    static const XmlEngine engine = [] {
        const char* v = std::getenv("QDX_XML_ENGINE");
        std::string s = v ? v : "";
        if (s == "expat") return XmlEngine::Expat;
        if (s == "scanner") return XmlEngine::Scanner;
        return XmlEngine::Auto;
    }();
    return engine;
}

// Bytes of a document's head that may be buffered to find its encoding.
constexpr std::size_t kMaxHead = 64 * 1024;

/// Auto's choice for a document starting with `head`; Auto = cannot tell yet.
XmlEngine choose(std::string_view head, bool final)
{
    if (head.empty()) return final ? XmlEngine::Scanner : XmlEngine::Auto;
    auto b0 = static_cast<unsigned char>(head[0]);
    if (b0 == 0x00 || b0 == 0xfe || b0 == 0xff) return XmlEngine::Expat;  // UTF-16/32, marked or not
    if (head.size() < 2) return final ? XmlEngine::Scanner : XmlEngine::Auto;
    if (head[1] == '\0') return XmlEngine::Expat;  // UTF-16LE without a mark
    if (b0 == 0xef) {
        if (head.size() < 3) return final ? XmlEngine::Scanner : XmlEngine::Auto;
        if (head.compare(0, 3, "\xef\xbb\xbf") == 0) head.remove_prefix(3);
    }
    std::string encoding;
    if (!xmlscan::Scanner::declaredEncoding(head, final, encoding))
        return head.size() >= kMaxHead ? XmlEngine::Expat : XmlEngine::Auto;
    if (encoding.empty()) return XmlEngine::Scanner;
    return text::asciiLower(encoding) == "utf-8" ? XmlEngine::Scanner : XmlEngine::Expat;
}

/// One document: expat or the scanner behind the same checks (depth, bytes,
/// DOCTYPE) and the same errors.
class Parse final : public xmlscan::Sink {
public:
    Parse(XmlHandler& handler, const Location& where, const XmlLimits& limits, Recorder* recorder = nullptr,
          XmlEngine engine = XmlEngine::Auto)
        : _handler(handler), _recorder(recorder), _where(where), _limits(limits)
    {
        if (engine == XmlEngine::Auto) engine = environmentEngine();
        if (engine != XmlEngine::Auto) start(engine);
    }

    /// Feeds one chunk; `final` for the last. Throws on any error.
    void feed(const char* data, std::size_t len, bool final)
    {
        _total += len;
        if (_total > _limits.maxBytes)
            fail<LimitError>("document is larger than the limit of " + std::to_string(_limits.maxBytes) + " bytes");
        if (_engine == XmlEngine::Auto) {
            // Undecided: look at the first bytes (buffered while too few).
            std::string_view head(data, len);
            if (!_head.empty()) {
                _head.append(data, len);
                head = _head;
            }
            XmlEngine e = choose(head, final);
            if (e == XmlEngine::Auto) {
                if (_head.empty() && len) _head.assign(data, len);
                return;
            }
            start(e);
            if (!_head.empty()) {
                std::string all = std::move(_head);
                _head.clear();
                _head.shrink_to_fit();
                dispatch(all.data(), all.size(), final);
                return;
            }
        }
        dispatch(data, len, final);
    }

    /// Parses `first` and then the rest of `ahead`'s blocks.
    void feedBlocks(ReadAhead& ahead, std::string_view first)
    {
        for (std::string_view block = first; !block.empty(); block = ahead.next())
            feed(block.data(), block.size(), false);
        if (ahead.bad()) fail<InputError>("read error");
        feed(nullptr, 0, true);
    }

private:
    void start(XmlEngine engine)
    {
        _engine = engine;
        if (engine == XmlEngine::Scanner) {
            _scanner = std::make_unique<xmlscan::Scanner>(*this);
            return;
        }
        _parser.reset(XML_ParserCreateNS(nullptr, kNsSep));
        if (!_parser) throw InputError(_where, "cannot create an XML parser");
        XML_Parser p = _parser.get();
        XML_SetUserData(p, this);
        XML_SetElementHandler(p, &Parse::onStart, &Parse::onEnd);
        XML_SetCharacterDataHandler(p, &Parse::onText);
        XML_SetStartDoctypeDeclHandler(p, &Parse::onDoctype);
        XML_SetEntityDeclHandler(p, &Parse::onEntityDecl);
        XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
#if XML_MAJOR_VERSION > 2 || (XML_MAJOR_VERSION == 2 && XML_MINOR_VERSION >= 4)
        XML_SetBillionLaughsAttackProtectionMaximumAmplification(p, 20.0f);
        XML_SetBillionLaughsAttackProtectionActivationThreshold(p, 1 << 20);
#endif
    }

    void dispatch(const char* data, std::size_t len, bool final)
    {
        if (_scanner) {
            try {
                _scanner->feed(data, len, final);
            } catch (const xmlscan::SyntaxError& e) {
                Location l = _where;
                l.line = e.where.line;
                l.column = e.where.column;
                l.offset = e.where.offset;
                throw InputError(l, e.malformed ? "malformed XML: " + e.message : e.message);
            }
            return;
        }
        // expat takes an int length: feed a larger piece in parts.
        while (len > static_cast<std::size_t>(kParseChunk)) {
            if (XML_Parse(_parser.get(), data, kParseChunk, false) != XML_STATUS_OK) raise();
            data += kParseChunk;
            len -= static_cast<std::size_t>(kParseChunk);
        }
        if (XML_Parse(_parser.get(), data, static_cast<int>(len), final) != XML_STATUS_OK) raise();
    }

    Location here() const
    {
        Location l = _where;
        if (_scanner) {
            xmlscan::Position p = _scanner->position();
            l.line = p.line;
            l.column = p.column;
            l.offset = p.offset;
        } else if (_parser) {
            XML_Parser p = _parser.get();
            l.line = static_cast<long long>(XML_GetCurrentLineNumber(p));
            l.column = static_cast<long long>(XML_GetCurrentColumnNumber(p)) + 1;
            l.offset = static_cast<long long>(XML_GetCurrentByteIndex(p));
        }
        return l;
    }

    template <class E>
    [[noreturn]] void fail(const std::string& why)
    {
        throw E(here(), why);
    }

    std::string depthMessage() const
    {
        return "elements are nested deeper than the limit of " + std::to_string(_limits.maxDepth);
    }

    // --- the scanner's events
    void start(std::string_view ns, std::string_view local, const xmlscan::Attr* a, std::size_t n) override
    {
        if (++_depth > _limits.maxDepth) throw LimitError(here(), depthMessage());
        if (_recorder) {
            recordScanned(*_recorder, ns, local, a, n);
            return;
        }
        auto& items = _attrs._items;
        items.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            items[i].first.assign(a[i].local);
            items[i].second.assign(a[i].value);
        }
        _handler.startElement(ns, local, _attrs);
    }
    void end(std::string_view ns, std::string_view local) override
    {
        --_depth;
        _handler.endElement(ns, local);
    }
    void text(std::string_view s) override { _handler.characters(s); }

    // --- expat's events
    /// After expat returned an error: a handler's exception, our own stop, or
    /// malformed XML.
    [[noreturn]] void raise()
    {
        if (_exception) std::rethrow_exception(_exception);
        if (_stopped) {
            if (_stopIsLimit) throw LimitError(_stopAt, _stopWhy);
            throw InputError(_stopAt, _stopWhy);
        }
        throw InputError(here(), std::string("malformed XML: ") + XML_ErrorString(XML_GetErrorCode(_parser.get())));
    }

    void stop(const std::string& why, bool limit)
    {
        if (_stopped) return;
        _stopAt = here();
        _stopWhy = why;
        _stopIsLimit = limit;
        _stopped = true;
        XML_StopParser(_parser.get(), XML_FALSE);
    }

    static void XMLCALL onStart(void* ud, const XML_Char* name, const XML_Char** atts)
    {
        auto* self = static_cast<Parse*>(ud);
        if (self->_stopped) return;
        if (++self->_depth > self->_limits.maxDepth) {
            self->stop(self->depthMessage(), true);
            return;
        }
        try {
            if (self->_recorder) {  // pipelined: straight from expat's arrays into the event block
                recordStart(*self->_recorder, name, atts);
                return;
            }
            // Reuse the attribute strings' storage from element to element.
            std::size_t n = 0;
            while (atts[2 * n]) ++n;
            auto& items = self->_attrs._items;
            items.resize(n);
            for (std::size_t i = 0; i < n; ++i) {
                items[i].first.assign(splitName(atts[2 * i]).second);
                items[i].second.assign(atts[2 * i + 1]);
            }
            auto [ns, local] = splitName(name);
            self->_handler.startElement(ns, local, self->_attrs);
        } catch (...) {
            self->abort();
        }
    }

    static void XMLCALL onEnd(void* ud, const XML_Char* name)
    {
        auto* self = static_cast<Parse*>(ud);
        if (self->_stopped) return;
        --self->_depth;
        try {
            auto [ns, local] = splitName(name);
            self->_handler.endElement(ns, local);
        } catch (...) {
            self->abort();
        }
    }

    static void XMLCALL onText(void* ud, const XML_Char* s, int len)
    {
        auto* self = static_cast<Parse*>(ud);
        if (self->_stopped) return;
        try {
            self->_handler.characters(std::string_view(s, static_cast<std::size_t>(len)));
        } catch (...) {
            self->abort();
        }
    }

    static void XMLCALL onDoctype(void* ud, const XML_Char*, const XML_Char*, const XML_Char*, int)
    {
        static_cast<Parse*>(ud)->stop("DOCTYPE not allowed", false);
    }

    static void XMLCALL onEntityDecl(void* ud, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                                     const XML_Char*, const XML_Char*, const XML_Char*)
    {
        static_cast<Parse*>(ud)->stop("entity declarations not allowed", false);
    }

    /// A handler threw: keep the exception, stop expat, rethrow from raise().
    void abort()
    {
        _exception = std::current_exception();
        _stopped = true;
        XML_StopParser(_parser.get(), XML_FALSE);
    }

    std::unique_ptr<XML_ParserStruct, ParserFree> _parser;
    std::unique_ptr<xmlscan::Scanner> _scanner;
    XmlEngine _engine = XmlEngine::Auto;  // Auto: not decided yet
    std::string _head;                    // the first bytes while undecided
    XmlHandler& _handler;
    Recorder* _recorder = nullptr;  // set: start tags go to it directly (pipelined parse)
    const Location& _where;
    XmlLimits _limits;
    XmlAttributes _attrs;
    std::size_t _depth = 0;
    std::uint64_t _total = 0;
    std::exception_ptr _exception;
    bool _stopped = false;
    bool _stopIsLimit = false;
    Location _stopAt;
    std::string _stopWhy;
};

} // namespace

XmlHandler::~XmlHandler() = default;

const std::string* XmlAttributes::get(std::string_view localName) const
{
    for (const auto& [name, value] : _items)
        if (name == localName) return &value;
    return nullptr;
}

namespace {

// --- pipelined parsing ------------------------------------------------------
// On a large document, expat runs on a second thread and records its events
// (element starts with their attributes, ends, character data) into blocks of
// bytes; the calling thread replays them into the handler. Tokenizing and the
// handler's work (building a model) then overlap, while the handler still sees
// every event in document order on the thread that called parseXml.

constexpr std::size_t kEventBlock = 256 * 1024;
constexpr std::size_t kBlocksInFlight = 8;

/// Thrown inside the recording thread when the replaying side gave up.
struct Cancelled {};

/// Blocks of recorded events between the two threads.
class Channel {
public:
    /// Producer: waits while full; throws Cancelled once the consumer gave up.
    void push(std::string&& block)
    {
        std::unique_lock<std::mutex> lock(_mutex);
        _changed.wait(lock, [this] { return _cancelled || _blocks.size() < kBlocksInFlight; });
        if (_cancelled) throw Cancelled{};
        _blocks.push_back(std::move(block));
        _changed.notify_all();
    }
    /// Producer: the end, with the error that ended it (null = clean end).
    void finish(std::exception_ptr error)
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _finished = true;
        _error = error;
        _changed.notify_all();
    }
    /// Consumer: the next block; false at the end.
    bool pop(std::string& block)
    {
        std::unique_lock<std::mutex> lock(_mutex);
        _changed.wait(lock, [this] { return _finished || !_blocks.empty(); });
        if (_blocks.empty()) return false;
        block = std::move(_blocks.front());
        _blocks.pop_front();
        _changed.notify_all();
        return true;
    }
    void cancel()
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _cancelled = true;
        _changed.notify_all();
    }
    std::exception_ptr error() const { return _error; }  // after the producer joined

private:
    std::mutex _mutex;
    std::condition_variable _changed;
    std::deque<std::string> _blocks;
    bool _finished = false;
    bool _cancelled = false;
    std::exception_ptr _error;
};

/// The handler on the expat side: appends each event to the current block.
class Recorder final : public XmlHandler {
public:
    explicit Recorder(Channel& channel) : _channel(channel) { _block.reserve(kEventBlock + 4096); }
    /// (Parse hands start tags to startRaw(); this serves the XmlHandler interface.)
    void startElement(std::string_view ns, std::string_view local, const XmlAttributes& attrs) override
    {
        start(ns, local, attrs.size(), [&](std::size_t i) { return std::make_pair(attrs.name(i), attrs.value(i)); });
    }
    /// A start tag as expat gives it ("uri\x1flocal" names, NULL-ended pairs).
    void startRaw(const XML_Char* name, const XML_Char** atts)
    {
        auto [ns, local] = splitName(name);
        std::size_t n = 0;
        while (atts[2 * n]) ++n;
        start(ns, local, n, [&](std::size_t i) {
            return std::make_pair(splitName(atts[2 * i]).second, std::string_view(atts[2 * i + 1]));
        });
    }
    /// A start tag from the scanner.
    void startScanned(std::string_view ns, std::string_view local, const xmlscan::Attr* a, std::size_t n)
    {
        start(ns, local, n, [&](std::size_t i) { return std::make_pair(a[i].local, a[i].value); });
    }
    void endElement(std::string_view ns, std::string_view local) override
    {
        _block.push_back('E');
        put(ns);
        put(local);
        maybeSend();
    }
    void characters(std::string_view text) override
    {
        _block.push_back('T');
        put(text);
        maybeSend();
    }
    /// Sends what is left (the events before an error or the end).
    void flush()
    {
        if (!_block.empty()) send();
    }

private:
    /// One start tag: `attr(i)` gives the i-th (local name, value).
    template <class Attr>
    void start(std::string_view ns, std::string_view local, std::size_t n, Attr attr)
    {
        _block.push_back('S');
        put(ns);
        put(local);
        putSize(n);
        for (std::size_t i = 0; i < n; ++i) {
            auto [name, value] = attr(i);
            put(name);
            put(value);
        }
        maybeSend();
    }
    void putSize(std::size_t n)
    {
        if (n > UINT32_MAX)  // a single name, value or text piece of 4 GiB: refuse rather than wrap
            throw LimitError(Location{}, "an XML attribute or text piece of 4 GiB or more");
        auto v = static_cast<std::uint32_t>(n);
        char b[4];
        std::memcpy(b, &v, 4);
        _block.append(b, 4);
    }
    void put(std::string_view s)
    {
        putSize(s.size());
        _block.append(s.data(), s.size());
    }
    void maybeSend()
    {
        if (_block.size() >= kEventBlock) send();
    }
    void send()
    {
        std::string full;
        full.reserve(kEventBlock + 4096);
        full.swap(_block);
        _channel.push(std::move(full));
    }
    Channel& _channel;
    std::string _block;
};

/// The calling thread's side: decodes a block and calls the handler.
class Replayer {
public:
    explicit Replayer(XmlHandler& handler) : _handler(handler) {}
    void replay(const std::string& block)
    {
        const char* p = block.data();
        const char* end = p + block.size();
        while (p < end) {
            char kind = *p++;
            if (kind == 'S') {
                std::string_view ns = get(p), local = get(p);
                std::size_t n = getSize(p);
                auto& items = _attrs._items;
                items.resize(n);
                for (std::size_t i = 0; i < n; ++i) {
                    items[i].first.assign(get(p));
                    items[i].second.assign(get(p));
                }
                _handler.startElement(ns, local, _attrs);
            } else if (kind == 'E') {
                std::string_view ns = get(p), local = get(p);
                _handler.endElement(ns, local);
            } else {
                _handler.characters(get(p));
            }
        }
    }

private:
    static std::size_t getSize(const char*& p)
    {
        std::uint32_t v;
        std::memcpy(&v, p, 4);
        p += 4;
        return v;
    }
    static std::string_view get(const char*& p)
    {
        std::size_t n = getSize(p);
        std::string_view s(p, n);
        p += n;
        return s;
    }
    XmlHandler& _handler;
    XmlAttributes _attrs;
};

void recordStart(Recorder& r, const XML_Char* name, const XML_Char** atts) { r.startRaw(name, atts); }
void recordScanned(Recorder& r, std::string_view ns, std::string_view local, const xmlscan::Attr* a, std::size_t n)
{
    r.startScanned(ns, local, a, n);
}

void parsePipelined(ReadAhead& ahead, std::string_view first, XmlHandler& handler, const Location& where,
                    const XmlLimits& limits, XmlEngine engine)
{
    Channel channel;
    Recorder recorder(channel);
    auto produce = [&] {
        try {
            Parse parse(recorder, where, limits, &recorder, engine);
            parse.feedBlocks(ahead, first);
            recorder.flush();
            channel.finish(nullptr);
        } catch (const Cancelled&) {
            channel.finish(nullptr);
        } catch (...) {
            std::exception_ptr error = std::current_exception();
            try {
                recorder.flush();  // the events before the error come first
            } catch (...) {
            }
            channel.finish(error);
        }
    };
    std::thread producer;
    try {
        producer = std::thread(produce);
    } catch (const std::system_error&) {
        Parse parse(handler, where, limits, nullptr, engine);  // no thread to be had: parse here
        parse.feedBlocks(ahead, first);
        return;
    }
    Replayer replayer(handler);
    try {
        std::string block;
        while (channel.pop(block)) replayer.replay(block);
    } catch (...) {
        channel.cancel();
        producer.join();
        throw;
    }
    producer.join();
    if (channel.error()) std::rethrow_exception(channel.error());
}

} // namespace

namespace detail {

void parseXmlWithEngine(std::istream& in, XmlHandler& handler, const Location& where, const XmlLimits& limits,
                        XmlEngine engine)
{
    // The stream is read (for a zip member: inflated) ahead on its own thread.
    // A document that fits one block is parsed right here; a larger one is
    // tokenized on a second thread while this one runs the handler.
    ReadAhead ahead(in, kParseChunk);
    std::string_view first = ahead.next();
    if (first.size() < static_cast<std::size_t>(kParseChunk)) {
        Parse parse(handler, where, limits, nullptr, engine);
        parse.feedBlocks(ahead, first);
        return;
    }
    parsePipelined(ahead, first, handler, where, limits, engine);
}

void parseXmlWithEngine(std::string_view data, XmlHandler& handler, const Location& where, const XmlLimits& limits,
                        XmlEngine engine, std::size_t chunk)
{
    if (chunk == 0) chunk = kParseChunk;
    Parse parse(handler, where, limits, nullptr, engine);
    if (data.empty()) {
        parse.feed(data.data(), 0, true);
        return;
    }
    while (!data.empty()) {
        std::size_t n = std::min<std::size_t>(data.size(), chunk);
        parse.feed(data.data(), n, n == data.size());
        data.remove_prefix(n);
    }
}

XmlEngine chooseXmlEngine(std::string_view head)
{
    return choose(head, true);
}

} // namespace detail

void parseXml(std::istream& in, XmlHandler& handler, const Location& where, const XmlLimits& limits)
{
    detail::parseXmlWithEngine(in, handler, where, limits, XmlEngine::Auto);
}

void parseXml(std::string_view data, XmlHandler& handler, const Location& where, const XmlLimits& limits)
{
    detail::parseXmlWithEngine(data, handler, where, limits, XmlEngine::Auto);
}

// -------------------------------------------------------------------------

std::size_t appendXmlEscaped(std::string& out, std::string_view s, bool attribute)
{
    // Characters XML 1.0 cannot carry (C0 controls other than tab, LF, CR;
    // U+FFFE, U+FFFF; invalid UTF-8 including surrogates) become U+FFFD and
    // are counted: a friendlier choice than refusing a whole document over
    // one stray byte, and the count lets the caller report the change.
    static const char kReplacement[] = "\xef\xbf\xbd";
    std::size_t replaced = 0;
    std::size_t runStart = 0;
    std::size_t i = 0;
    const std::size_t n = s.size();
    auto flushRun = [&](std::size_t end) {
        if (end > runStart) out.append(s.data() + runStart, end - runStart);
    };
    while (i < n) {
        auto c = static_cast<unsigned char>(s[i]);
        const char* esc = nullptr;
        if (c >= 0x80) {
            // Validate one UTF-8 sequence.
            std::size_t len = 0;
            unsigned long cp = 0;
            if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
            else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
            else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
            bool complete = len > 0 && i + len <= n;
            for (std::size_t k = 1; complete && k < len; ++k) {
                auto b = static_cast<unsigned char>(s[i + k]);
                complete = (b & 0xc0) == 0x80;
                cp = (cp << 6) | (b & 0x3f);
            }
            bool allowed = complete
                           && !((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))
                                || (cp >= 0xd800 && cp <= 0xdfff) || cp == 0xfffe || cp == 0xffff);
            if (allowed) {
                i += len;
                continue;
            }
            // A complete but disallowed sequence (surrogate, overlong, U+FFFE)
            // is one replacement; a stray or truncated byte is one each.
            flushRun(i);
            out.append(kReplacement, 3);
            ++replaced;
            i += complete ? len : 1;
            runStart = i;
            continue;
        }
        switch (c) {
        case '&': esc = "&amp;"; break;
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        case '"': if (attribute) esc = "&quot;"; break;
        // Attribute-value normalisation turns literal tab/LF/CR into spaces,
        // and line-end handling turns a CR in text into LF: escape them.
        case '\t': if (attribute) esc = "&#9;"; break;
        case '\n': if (attribute) esc = "&#10;"; break;
        case '\r': esc = "&#13;"; break;
        default:
            if (c < 0x20 || c == 0x7f) {
                if (c == 0x7f) break;  // DEL is allowed in XML 1.0
                flushRun(i);
                out.append(kReplacement, 3);
                ++replaced;
                ++i;
                runStart = i;
                continue;
            }
        }
        if (esc) {
            flushRun(i);
            out.append(esc);
            runStart = i + 1;
        }
        ++i;
    }
    flushRun(n);
    return replaced;
}

XmlWriter::XmlWriter(std::ostream& out, bool declaration) : _out(out)
{
    _buf.reserve(kFlushAt + 4096);
    if (declaration) _buf += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
}

XmlWriter::~XmlWriter()
{
    // Errors cannot be reported from here: call flush() to see them.
    try {
        flush();
    } catch (...) {
    }
}

void XmlWriter::closeStartTag()
{
    if (_open) {
        _buf += '>';
        _open = false;
    }
}

void XmlWriter::start(std::string_view name)
{
    closeStartTag();
    if (_buf.size() >= kFlushAt) flush();
    _buf += '<';
    _buf.append(name);
    _open = true;
}

void XmlWriter::attr(std::string_view name, std::string_view value)
{
    if (!_open) throw std::logic_error("XmlWriter::attr outside a start tag");
    _buf += ' ';
    _buf.append(name);
    _buf += "=\"";
    _replaced += appendXmlEscaped(_buf, value, true);
    _buf += '"';
}

void XmlWriter::text(std::string_view s)
{
    closeStartTag();
    _replaced += appendXmlEscaped(_buf, s, false);
    if (_buf.size() >= kFlushAt) flush();
}

void XmlWriter::end(std::string_view name)
{
    if (_open) {
        _buf += "/>";
        _open = false;
    } else {
        _buf += "</";
        _buf.append(name);
        _buf += '>';
    }
    if (_buf.size() >= kFlushAt) flush();
}

void XmlWriter::raw(std::string_view s)
{
    closeStartTag();
    _buf.append(s);
    if (_buf.size() >= kFlushAt) flush();
}

void XmlWriter::flush()
{
    // A pending start tag stays open: attributes may still follow.
    if (!_buf.empty()) {
        _out.write(_buf.data(), static_cast<std::streamsize>(_buf.size()));
        _buf.clear();
    }
    _out.flush();
    if (!_out) throw OutputError("cannot write XML output");
}

} // namespace qdx
