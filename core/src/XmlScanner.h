#pragma once
// Core-internal: a streaming tokenizer for UTF-8 XML 1.0 with Namespaces and
// no DTD, with expat's acceptance rules (expat is the reference: see
// tests/safeio/README.md, "The second tokenizer"). Xml.cpp uses it for UTF-8
// documents and expat for everything else. Not a public header.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace qdx::xmlscan {

/// One attribute of a start tag: local name (prefix dropped) and the
/// normalised value. Views are valid during the start() call only.
struct Attr {
    std::string_view local;
    std::string_view value;
};

/// Receives the events; may throw (the exception leaves feed() unchanged).
class Sink {
public:
    virtual ~Sink() = default;
    /// `ns` is the namespace URI (empty when none). Namespace declarations
    /// (xmlns, xmlns:p) are consumed and not among `attrs`.
    virtual void start(std::string_view ns, std::string_view local, const Attr* attrs, std::size_t n) = 0;
    virtual void end(std::string_view ns, std::string_view local) = 0;
    /// Character data in pieces; only the concatenation between tags is meaningful.
    virtual void text(std::string_view s) = 0;
};

/// 1-based line and column (columns count characters, a CR LF is one line end,
/// as expat counts), 0-based byte offset.
struct Position {
    long long line = 1;
    long long column = 1;
    long long offset = 0;
};

/// Malformed input. `message` uses expat's wording where there is one.
struct SyntaxError {
    std::string message;
    Position where;
    bool malformed = true;  ///< false for a refusal of well-formed input (DOCTYPE, encoding)
};

class Scanner {
public:
    explicit Scanner(Sink& sink);
    /// Feeds the next chunk (chunks may split anything); `final` for the last.
    /// Throws SyntaxError on malformed input; exceptions of the sink pass through.
    void feed(const char* data, std::size_t len, bool final);
    /// During a sink call: where the current event's markup starts. Otherwise:
    /// the end of what was consumed.
    Position position() const;
    /// When `head` (the first bytes of a document, after an optional UTF-8 BOM)
    /// starts with an XML declaration: its encoding name if it is well-formed
    /// and has one. Returns false when more bytes are needed to tell.
    static bool declaredEncoding(std::string_view head, bool final, std::string& encoding);

private:
    enum class State { Prolog, Content, CData, Epilog };

    struct RawAttr {
        const char* name;
        std::uint32_t nameLen;
        std::uint32_t colon;  // position of ':' in the name, or 0 for none
        const char* value;    // into the input, or null: then valueOff into _values
        std::size_t valueOff;
        std::size_t valueLen;
        bool decl;            // xmlns or xmlns:p
    };
    struct Binding {
        std::string prefix;  // empty: the default namespace
        std::string uri;
        int prev;            // the binding this one shadows, or -1
    };
    struct Open {
        std::size_t nameOff;  // qname in _qnames
        std::uint32_t nameLen;
        std::uint32_t colon;
        int binding;          // namespace binding of the element (-1: none)
        std::size_t bindMark; // _bindings size before this element's declarations
    };

    std::size_t run(const char* begin, const char* end, bool final);
    const char* content(const char* p, const char* end, bool final);
    const char* cdata(const char* p, const char* end, bool final);
    const char* misc(const char* p, const char* end, bool final);
    const char* markup(const char* p, const char* end);
    /// Records where the incomplete token starts; returns null.
    const char* stall(const char* at)
    {
        _stallAt = at;
        return nullptr;
    }
    const char* startTag(const char* p, const char* end);
    const char* endTag(const char* p, const char* end);
    const char* comment(const char* p, const char* end);
    const char* pi(const char* p, const char* end);
    const char* reference(const char* p, const char* end, char* out, std::size_t& outLen);
    const char* attrValue(const char* p, const char* end, RawAttr& a);
    const char* qname(const char* p, const char* end, std::uint32_t& colon);
    void finishStart(const char* tagStart, const char* name, std::uint32_t nameLen, std::uint32_t colon, bool empty);
    void popElement();
    int lookup(std::string_view prefix) const;
    void bind(std::string_view prefix, std::string_view uri, const char* at);
    std::string_view uriOf(int binding) const;
    std::string_view attrValueOf(const RawAttr& a) const;

    [[noreturn]] void fail(const char* at, const char* message) const;
    Position positionAt(const char* at) const;
    void commit(const char* upTo);

    Sink& _sink;
    State _state = State::Prolog;
    bool _atStart = true;      // nothing consumed yet (BOM, XML declaration)
    bool _firstToken = true;   // the next token may be the XML declaration
    // Carry: the unconsumed tail of earlier chunks.
    std::string _carry;
    std::size_t _retryAt = 0;  // carry size at which an incomplete token is tried again
    // Position bookkeeping: counted up to _runBegin + (bytes committed).
    const char* _runBegin = nullptr;
    const char* _committed = nullptr;
    const char* _eventAt = nullptr;  // set during sink calls
    const char* _stallAt = nullptr;  // where an incomplete token starts
    std::uint64_t _consumed = 0;     // absolute offset of _committed
    long long _line = 1;
    long long _column = 0;  // characters since the last line end
    bool _afterCr = false;  // the last counted byte was a CR
    // Reused buffers.
    std::vector<RawAttr> _raw;
    std::vector<Attr> _attrs;
    std::vector<int> _attrNs;          // binding of each of _attrs (-1: no prefix)
    std::vector<std::size_t> _order;   // scratch for duplicate checks
    std::string _values;
    std::string _qnames;
    std::vector<Open> _open;
    std::vector<Binding> _bindings;
    std::size_t _bindingCount = 0;
    int _default = -1;
    std::unordered_map<std::string, int> _prefixes;  // prefix -> innermost binding (-1: none)
    mutable std::string _key;
};

} // namespace qdx::xmlscan
