#pragma once
// Core-internal: choosing the XML tokenizer behind parseXml (tests, fuzzers and
// benchmarks include this from core/src; it is not a public header).
//
// parseXml reads UTF-8 documents with the core's own scanner (XmlScanner.h)
// and everything else with expat: a UTF-16 byte order mark, a first byte of
// 00, FE or FF or a second byte of 00 (UTF-16/32 without a mark), or an XML
// declaration whose encoding is not UTF-8 (case-insensitive). The environment
// variable QDX_XML_ENGINE=expat (read once per process) makes every parse use
// expat; QDX_XML_ENGINE=scanner forces the scanner (non-UTF-8 input is then refused).

#include "qdx/Xml.h"

#include <cstddef>
#include <istream>
#include <string_view>

namespace qdx::detail {

enum class XmlEngine {
    Auto,    ///< the scanner for UTF-8, expat for anything else (or what QDX_XML_ENGINE says)
    Expat,   ///< expat always
    Scanner  ///< the scanner always
};

/// parseXml over `data` with a given engine, fed in `chunk`-byte pieces (0: the default 1 MiB).
void parseXmlWithEngine(std::string_view data, XmlHandler& handler, const Location& where, const XmlLimits& limits,
                        XmlEngine engine, std::size_t chunk = 0);
/// parseXml over a stream (read ahead; large documents pipelined) with a given engine.
void parseXmlWithEngine(std::istream& in, XmlHandler& handler, const Location& where, const XmlLimits& limits,
                        XmlEngine engine);
/// The engine Auto takes for a document beginning with `head` (the environment variable aside).
XmlEngine chooseXmlEngine(std::string_view head);

} // namespace qdx::detail
