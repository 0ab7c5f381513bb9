// libFuzzer harness: parseXml over arbitrary bytes, and the writer's escaping
// of the same bytes, which must always parse back. Build with clang:
// -fsanitize=fuzzer,address,undefined.

#include "qdx/Xml.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>

namespace {

class Sink : public qdx::XmlHandler {
public:
    std::string text;
    void startElement(std::string_view, std::string_view, const qdx::XmlAttributes& a) override
    {
        for (std::size_t i = 0; i < a.size(); ++i) text.append(a.value(i));
    }
    void endElement(std::string_view, std::string_view) override {}
    void characters(std::string_view s) override { text.append(s); }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    qdx::Location where;
    where.file = "fuzz.xml";
    qdx::XmlLimits limits;
    limits.maxDepth = 64;
    try {
        Sink s;
        qdx::parseXml(bytes, s, where, limits);
    } catch (const qdx::InputError&) {
    }
    // Whatever the bytes, the writer's output is well-formed and the text
    // without replaced characters comes back unchanged.
    std::ostringstream os;
    std::size_t replaced = 0;
    {
        qdx::XmlWriter w(os);
        w.start("r");
        w.attr("a", bytes);
        w.text(bytes);
        w.end("r");
        w.flush();
        replaced = w.replacedCharacters();
    }
    Sink back;
    qdx::parseXml(std::string_view(os.str()), back, where, limits);  // throws = finding
    if (replaced == 0 && back.text != std::string(bytes) + std::string(bytes)) std::abort();
    return 0;
}
