// parseXml against hostile documents; XmlWriter escaping round trips.

#include "Helpers.h"

#include "qdx/Xml.h"

using namespace qdx;

namespace {

/// Records events as text: "<ns|local a=v>", "</local>", "text".
class Recorder : public XmlHandler {
public:
    std::string log;
    std::string text;
    std::vector<std::pair<std::string, std::string>> attrs;
    std::size_t elements = 0;
    void startElement(std::string_view ns, std::string_view local, const XmlAttributes& a) override
    {
        ++elements;
        log += "<";
        if (!ns.empty()) log.append(ns).append("|");
        log.append(local);
        for (std::size_t i = 0; i < a.size(); ++i) {
            log.append(" ").append(a.name(i)).append("=").append(a.value(i));
            attrs.emplace_back(a.name(i), a.value(i));
        }
        log += ">";
    }
    void endElement(std::string_view, std::string_view local) override { log.append("</").append(local).append(">"); }
    void characters(std::string_view s) override
    {
        log.append(s);
        text.append(s);
    }
};

struct Boom {
    int code;
};

class Thrower : public Recorder {
public:
    void startElement(std::string_view ns, std::string_view local, const XmlAttributes& a) override
    {
        if (local == "boom") throw Boom{42};
        Recorder::startElement(ns, local, a);
    }
};

Location where()
{
    Location l;
    l.file = "p.qdpx";
    l.member = "project.qde";
    return l;
}

/// Parses `doc` both from memory and from a stream; requires an E at line:column
/// with `phrase` in the message.
template <class E>
void requireXmlError(const std::string& doc, const std::string& phrase, long long line, long long column,
                     const XmlLimits& limits = {})
{
    for (bool stream : {false, true}) {
        INFO("stream: " << stream);
        Recorder r;
        auto t0 = std::chrono::steady_clock::now();
        try {
            if (stream) {
                std::istringstream in(doc);
                parseXml(in, r, where(), limits);
            } else {
                parseXml(std::string_view(doc), r, where(), limits);
            }
            FAIL("no error; expected '" << phrase << "'");
        } catch (const E& e) {
            INFO(e.what());
            CHECK(std::string(e.what()).find(phrase) != std::string::npos);
            CHECK(e.where().file == "p.qdpx");
            CHECK(e.where().member == "project.qde");
            if (line) CHECK(e.where().line == line);
            if (column) CHECK(e.where().column == column);
        }
        CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 10.0);
    }
}

} // namespace

TEST_CASE("namespaces, local names, attributes, text", "[xml]")
{
    std::string doc = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                      "<Project xmlns=\"urn:QDA-XML:project:1.0\" xmlns:x=\"urn:x\" name=\"A &amp; B\" x:extra=\"1\">"
                      "<x:Item>caf\xc3\xa9 &lt;&#x1F600;&gt;</x:Item><plain xmlns=\"\"/></Project>";
    Recorder r;
    parseXml(std::string_view(doc), r, where());
    CHECK(r.log == "<urn:QDA-XML:project:1.0|Project name=A & B extra=1><urn:x|Item>caf\xc3\xa9 <\xf0\x9f\x98\x80></Item>"
                   "<plain></plain></Project>");
    XmlAttributes a;
    a._items = {{"name", "v"}};
    REQUIRE(a.get("name"));
    CHECK(*a.get("name") == "v");
    CHECK(a.get("other") == nullptr);
}

TEST_CASE("DOCTYPE, entities and external DTDs are refused", "[xml]")
{
    // XXE: a SYSTEM entity naming a local file.
    requireXmlError<InputError>("<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>\n<r>&x;</r>",
                                "DOCTYPE not allowed", 2, 0);
    // External DTD.
    requireXmlError<InputError>("<!DOCTYPE r SYSTEM \"http://127.0.0.1:1/x.dtd\"><r/>", "DOCTYPE not allowed", 1, 0);
    // Billion laughs.
    std::string lol = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n";
    for (int i = 1; i <= 9; ++i) {
        lol += " <!ENTITY lol" + std::to_string(i) + " \"";
        for (int k = 0; k < 10; ++k) lol += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
        lol += "\">\n";
    }
    lol += "]>\n<lolz>&lol9;</lolz>";
    requireXmlError<InputError>(lol, "DOCTYPE not allowed", 2, 0);
    // Without a DTD an entity reference is simply undefined.
    requireXmlError<InputError>("<r>\n&x;</r>", "undefined entity", 2, 1);
}

TEST_CASE("deep nesting is capped", "[xml]")
{
    const int depth = 1000000;
    std::string doc;
    doc.reserve(depth * 7 + 10);
    for (int i = 0; i < depth; ++i) doc += "<a>";
    for (int i = 0; i < depth; ++i) doc += "</a>";
    // The 257th <a> starts at byte 256*3.
    requireXmlError<LimitError>(doc, "nested deeper than the limit of 256", 1, 256 * 3 + 1);
    XmlLimits shallow;
    shallow.maxDepth = 3;
    requireXmlError<LimitError>("<a>\n <b>\n  <c>\n   <d/></c></b></a>", "limit of 3", 4, 4, shallow);
}

TEST_CASE("malformed input: invalid UTF-8, truncation, mismatched tags", "[xml]")
{
    requireXmlError<InputError>("<r>\n  ab\xff</r>", "not well-formed", 2, 5);
    requireXmlError<InputError>("<r>\xc0\xaf</r>", "not well-formed", 1, 4);  // overlong
    requireXmlError<InputError>("<r><a>text", "malformed XML", 0, 0);
    requireXmlError<InputError>("<r>\n  <a>\n   <b></a></b></r>", "mismatched tag", 3, 9);
    requireXmlError<InputError>("", "no element found", 1, 1);
    requireXmlError<InputError>("<r/><r/>", "junk after document element", 1, 5);
}

TEST_CASE("byte cap", "[xml]")
{
    XmlLimits small;
    small.maxBytes = 100;
    std::string doc = "<r>" + std::string(200, 'x') + "</r>";
    requireXmlError<LimitError>(doc, "larger than the limit of 100 bytes", 0, 0, small);
    small.maxBytes = doc.size();
    Recorder r;
    parseXml(std::string_view(doc), r, where(), small);
    CHECK(r.text.size() == 200);
}

TEST_CASE("handler exceptions propagate unchanged and stop the parse", "[xml]")
{
    for (bool stream : {false, true}) {
        Thrower t;
        std::string doc = "<r><a/><boom/><after/></r>";
        try {
            if (stream) {
                std::istringstream in(doc);
                parseXml(in, t, where());
            } else {
                parseXml(std::string_view(doc), t, where());
            }
            FAIL("no exception");
        } catch (const Boom& b) {
            CHECK(b.code == 42);
        }
        CHECK(t.log == "<r><a></a>");  // nothing after the throw
    }
}

TEST_CASE("a large document streams across chunk boundaries", "[xml]")
{
    std::string doc = "<r>";
    for (int i = 0; i < 100000; ++i) doc += "<item id=\"" + std::to_string(i) + "\">t\xc3\xa9xt &amp; more</item>\n";
    doc += "</r>";
    REQUIRE(doc.size() > 3u << 20);
    std::istringstream in(doc);
    Recorder r;
    parseXml(in, r, where());
    CHECK(r.elements == 100001);
    CHECK(r.attrs.back().second == "99999");
}

TEST_CASE("appendXmlEscaped", "[xml]")
{
    std::string out;
    CHECK(appendXmlEscaped(out, "a<b>&\"'\t\n\r", false) == 0);
    CHECK(out == "a&lt;b&gt;&amp;\"'\t\n&#13;");
    out.clear();
    CHECK(appendXmlEscaped(out, "a<b>&\"'\t\n\r", true) == 0);
    CHECK(out == "a&lt;b&gt;&amp;&quot;'&#9;&#10;&#13;");
    out.clear();
    // NUL, ESC, a lone continuation byte, a surrogate, U+FFFE: each becomes U+FFFD.
    // A structurally complete but disallowed sequence is one replacement; stray bytes one each.
    CHECK(appendXmlEscaped(out, std::string("x\0y\x1bz\x80w\xed\xa0\x80v\xef\xbf\xbe\xc0\xaf", 16), false) == 7);
    const std::string r = "\xef\xbf\xbd";
    CHECK(out == "x" + r + "y" + r + "z" + r + "w" + r + "v" + r + r + r);
}

TEST_CASE("XmlWriter output round trips through parseXml", "[xml]")
{
    const std::string tricky = "A & B <c> \"quoted\" 'single' ]]> tab\there\nline\r\nCRLF \xf0\x9f\x98\x80 caf\xc3\xa9";
    std::ostringstream os;
    {
        XmlWriter w(os);
        w.start("Project");
        w.attr("name", tricky);
        w.attr("xmlns", "urn:QDA-XML:project:1.0");
        w.start("Empty");
        w.end("Empty");
        w.start("Text");
        w.text(tricky);
        w.end("Text");
        w.start("Bad");
        w.attr("v", std::string("a\x01z", 3));
        w.text(std::string("\x02", 1));
        w.end("Bad");
        w.end("Project");
        CHECK(w.replacedCharacters() == 2);
        w.flush();
    }
    std::string xml = os.str();
    CHECK(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Project ", 0) == 0);
    CHECK(xml.find("<Empty/>") != std::string::npos);
    Recorder r;
    parseXml(std::string_view(xml), r, where());
    REQUIRE(r.attrs.size() >= 1);
    CHECK(r.attrs[0].first == "name");
    CHECK(r.attrs[0].second == tricky);  // tabs, newlines and CRs survive attribute normalisation
    CHECK(r.log.find("<urn:QDA-XML:project:1.0|Text>" + tricky + "</Text>") != std::string::npos);
    CHECK(r.attrs.back().second == "a\xef\xbf\xbdz");
}

TEST_CASE("XmlWriter flushes in chunks and reports stream failure", "[xml]")
{
    std::ostringstream os;
    XmlWriter w(os, false);
    w.start("r");
    for (int i = 0; i < 20000; ++i) {
        w.start("e");
        w.text("some text");
        w.end("e");
    }
    CHECK(os.str().size() > 64 * 1024);  // written before flush() was called
    CHECK(os.str().size() < 20000u * 16);
    w.end("r");
    w.flush();
    CHECK(os.str().size() == 3 + 20000u * 16 + 4);

    std::ostringstream broken;
    broken.setstate(std::ios::badbit);
    XmlWriter b(broken);
    b.start("r");
    b.end("r");
    CHECK_THROWS_AS(b.flush(), OutputError);
}

TEST_CASE("every truncation of a document is an InputError with a position", "[xml]")
{
    const std::string doc = "<?xml version=\"1.0\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"a&amp;b\">\n"
                            "  <Sources><TextSource guid=\"x\">caf\xc3\xa9 &#x1F600;</TextSource></Sources>\n</Project>";
    for (std::size_t n = 0; n < doc.size(); ++n) {
        INFO("cut at " << n);
        Recorder r;
        try {
            parseXml(std::string_view(doc.data(), n), r, where());
            FAIL("parsed a truncated document");
        } catch (const InputError& e) {
            CHECK(e.where().line >= 1);
        }
    }
    Recorder r;
    parseXml(std::string_view(doc), r, where());
    CHECK(r.elements == 3);
}
