// Differential libFuzzer harness: parseXml's own UTF-8 scanner against expat
// (core/src/XmlEngine.h). The input is the document; its size and last byte
// pick how it is cut into chunks for the scanner (1, 2, 3, 5, 7, 13, 64, 4096
// bytes or whole), so plain XML files are seeds as they are. The scanner runs through parseXml's automatic choice (so the
// UTF-8/other-encoding decision is tested too), expat whole. The harness
// aborts when one engine accepts and the other refuses, when both accept with
// different events (adjacent character data merged), or when the scanner's
// error has no line and column. Build: QDX_FUZZ (tests/fuzz/CMakeLists.txt).

#include "XmlEngine.h"

#include "qdx/Errors.h"
#include "qdx/Xml.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace {

/// Events as one string; character data pieces merged.
class Log : public qdx::XmlHandler {
public:
    std::string events;
    std::string text;
    void startElement(std::string_view ns, std::string_view local, const qdx::XmlAttributes& a) override
    {
        flush();
        events.append("<").append(ns).append("|").append(local);
        for (std::size_t i = 0; i < a.size(); ++i) events.append(" ").append(a.name(i)).append("=\"").append(a.value(i)).append("\"");
        events.append(">");
    }
    void endElement(std::string_view ns, std::string_view local) override
    {
        flush();
        events.append("</").append(ns).append("|").append(local).append(">");
    }
    void characters(std::string_view s) override { text.append(s); }
    void flush()
    {
        if (text.empty()) return;
        events.append("T[").append(text).append("]");
        text.clear();
    }
};

struct Outcome {
    bool ok = false;
    std::string events;
    std::string error;
    long long line = 0, column = 0;
};

Outcome run(std::string_view doc, qdx::detail::XmlEngine engine, std::size_t chunk)
{
    qdx::Location where;
    where.file = "fuzz.xml";
    qdx::XmlLimits limits;
    limits.maxDepth = 64;
    Outcome o;
    Log log;
    try {
        qdx::detail::parseXmlWithEngine(doc, log, where, limits, engine, chunk);
        log.flush();
        o.ok = true;
        o.events = log.events;
    } catch (const qdx::InputError& e) {
        o.error = e.what();
        o.line = e.where().line;
        o.column = e.where().column;
    }
    return o;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static const std::size_t kChunks[] = {1, 2, 3, 5, 7, 13, 64, 4096, 0};
    std::size_t pick = size * 31 + (size ? data[size - 1] : 0);
    std::size_t chunk = kChunks[pick % (sizeof kChunks / sizeof kChunks[0])];
    std::string_view doc(reinterpret_cast<const char*>(data), size);
    Outcome reference = run(doc, qdx::detail::XmlEngine::Expat, 0);
    Outcome ours = run(doc, qdx::detail::XmlEngine::Auto, chunk);
    bool bad = reference.ok != ours.ok || (ours.ok && ours.events != reference.events)
               || (!ours.ok && (ours.line < 1 || ours.column < 1));
    if (bad) {
        std::fprintf(stderr, "chunk %zu\nexpat:   %s %s\nscanner: %s %s (%lld:%lld)\n", chunk, reference.ok ? "OK" : "ERR",
                     reference.ok ? reference.events.c_str() : reference.error.c_str(), ours.ok ? "OK" : "ERR",
                     ours.ok ? ours.events.c_str() : ours.error.c_str(), ours.line, ours.column);
        std::abort();
    }
    return 0;
}
