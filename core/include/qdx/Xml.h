#pragma once
/// Hardened streaming XML: any DOCTYPE is refused (so no entity tricks),
/// element depth is capped, input size is capped, errors name the file,
/// member, line and column. UTF-8 documents are read by the core's own
/// scanner, others by expat, with the same acceptance and events (see
/// docs/security.md). And a small buffered XML writer.

#include "qdx/Errors.h"

#include <cstdint>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace qdx {

/// Attributes of one element, by local name (namespace prefixes dropped).
class XmlAttributes {
public:
    std::size_t size() const { return _items.size(); }
    std::string_view name(std::size_t i) const { return _items[i].first; }
    std::string_view value(std::size_t i) const { return _items[i].second; }
    /// nullptr when absent.
    const std::string* get(std::string_view localName) const;

    std::vector<std::pair<std::string, std::string>> _items;  // filled by the parser
};

class XmlHandler {
public:
    virtual ~XmlHandler();
    /// `ns` is the namespace URI (may be empty), `local` the local name.
    virtual void startElement(std::string_view ns, std::string_view local, const XmlAttributes& attrs) = 0;
    virtual void endElement(std::string_view ns, std::string_view local) = 0;
    /// Character data, possibly in several pieces.
    virtual void characters(std::string_view text) = 0;
};

struct XmlLimits {
    std::size_t maxDepth = 256;
    std::uint64_t maxBytes = 4ull << 30;
};

/// Parses a whole document from a stream. Throws InputError at `where` (with
/// line and column filled in) on malformed XML, a DOCTYPE, too deep nesting,
/// or too many bytes. Exceptions thrown by the handler propagate unchanged.
void parseXml(std::istream& in, XmlHandler& handler, const Location& where, const XmlLimits& limits = {});
void parseXml(std::string_view data, XmlHandler& handler, const Location& where, const XmlLimits& limits = {});

/// A streaming XML writer with escaping; output is buffered in memory
/// chunks and flushed to the stream.
class XmlWriter {
public:
    explicit XmlWriter(std::ostream& out, bool declaration = true);
    ~XmlWriter();
    void start(std::string_view name);              ///< opens "<name"
    void attr(std::string_view name, std::string_view value);
    void text(std::string_view s);                  ///< closes a pending start tag, escapes
    void end(std::string_view name);                ///< "/>" if nothing inside, else "</name>"
    void raw(std::string_view s);                   ///< unescaped, for declarations
    /// Writes the buffer to the stream; throws OutputError when the stream fails.
    /// (The destructor flushes too, but cannot report errors.)
    void flush();
    /// How many characters XML 1.0 cannot carry were written as U+FFFD so far.
    std::size_t replacedCharacters() const { return _replaced; }

private:
    void closeStartTag();
    std::ostream& _out;
    std::string _buf;
    bool _open = false;  // a start tag is awaiting ">" or "/>"
    std::size_t _replaced = 0;
};

/// Escapes text for XML: &, <, > and CR always; in attributes also ", tab and
/// LF (as character references, so they survive attribute normalisation).
/// Characters XML 1.0 cannot carry (C0 controls other than tab/LF/CR, U+FFFE,
/// U+FFFF, invalid UTF-8) are written as U+FFFD; returns how many were.
std::size_t appendXmlEscaped(std::string& out, std::string_view s, bool attribute);

} // namespace qdx
