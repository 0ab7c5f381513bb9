// The core's XML scanner against expat (the reference): the same documents
// must be accepted or refused by both, with the same events (adjacent
// character data merged), however the input is cut into chunks.

#include "Helpers.h"

#include "XmlEngine.h"

#include "qdx/Input.h"
#include "qdx/Text.h"
#include "qdx/Xml.h"
#include "qdx/Zip.h"

#include <filesystem>

using namespace qdx;
using detail::XmlEngine;
namespace fs = std::filesystem;

namespace {

/// Events as one string, character data merged: "<ns|local a="v">", "T[text]", "</ns|local>".
class Events : public XmlHandler {
public:
    std::string log;
    std::string text;
    void startElement(std::string_view ns, std::string_view local, const XmlAttributes& a) override
    {
        flush();
        log.append("<").append(ns).append("|").append(local);
        for (std::size_t i = 0; i < a.size(); ++i) log.append(" ").append(a.name(i)).append("=\"").append(a.value(i)).append("\"");
        log.append(">");
    }
    void endElement(std::string_view ns, std::string_view local) override
    {
        flush();
        log.append("</").append(ns).append("|").append(local).append(">");
    }
    void characters(std::string_view s) override { text.append(s); }
    void flush()
    {
        if (text.empty()) return;
        log.append("T[").append(text).append("]");
        text.clear();
    }
};

struct Outcome {
    bool ok = false;
    std::string events;  // or the error message
    long long line = 0, column = 0;
};

Location where()
{
    Location l;
    l.file = "t.xml";
    return l;
}

Outcome outcome(std::string_view doc, XmlEngine engine, std::size_t chunk = 0, bool stream = false)
{
    Outcome o;
    Events e;
    try {
        if (stream) {
            std::istringstream in{std::string(doc)};
            detail::parseXmlWithEngine(in, e, where(), XmlLimits{}, engine);
        } else {
            detail::parseXmlWithEngine(doc, e, where(), XmlLimits{}, engine, chunk);
        }
        e.flush();
        o.ok = true;
        o.events = e.log;
    } catch (const InputError& x) {
        o.events = x.what();
        o.line = x.where().line;
        o.column = x.where().column;
    }
    return o;
}

std::string show(std::string_view s)
{
    std::string out;
    for (unsigned char c : s.substr(0, 300)) {
        if (c >= 0x20 && c < 0x7f) {
            out += static_cast<char>(c);
        } else {
            char b[8];
            std::snprintf(b, sizeof b, "\\x%02x", c);
            out += b;
        }
    }
    return out;
}

/// Expat (whole) and the scanner (whole, 1- and 7-byte chunks, and through
/// the automatic choice) agree; returns expat's outcome.
Outcome requireSame(std::string_view doc, const std::string& label, bool tinyChunks = true)
{
    INFO(label << ": " << show(doc));
    Outcome ref = outcome(doc, XmlEngine::Expat);
    std::vector<std::size_t> chunks = {0, 4096};
    if (tinyChunks) chunks.insert(chunks.end(), {1, 7});
    if (detail::chooseXmlEngine(doc.substr(0, 65536)) != XmlEngine::Scanner) chunks.clear();  // not UTF-8: Auto only
    for (std::size_t chunk : chunks) {
        Outcome ours = outcome(doc, XmlEngine::Scanner, chunk);
        INFO("chunk " << chunk << "; expat: " << ref.events << "; scanner: " << ours.events);
        REQUIRE(ours.ok == ref.ok);
        if (ref.ok) REQUIRE(ours.events == ref.events);
        if (!ours.ok) {
            CHECK(ours.line >= 1);
            CHECK(ours.column >= 1);
        }
    }
    Outcome autoOne = outcome(doc, XmlEngine::Auto, 3);
    REQUIRE(autoOne.ok == ref.ok);
    if (ref.ok) REQUIRE(autoOne.events == ref.events);
    return ref;
}

bool isXmlName(const std::string& name)
{
    std::string ext = text::pathExtension(name);
    return ext == "xml" || ext == "qde" || ext == "qdc" || ext == "rels" || ext == "vml";
}

bool isZipName(const std::string& name)
{
    std::string ext = text::pathExtension(name);
    return ext == "qdpx" || ext == "xlsx" || ext == "zip" || ext == "docx";
}

/// Every XML file and zip member under `root`; returns how many were compared.
std::size_t compareTree(const fs::path& root)
{
    std::size_t n = 0;
    if (!fs::exists(root)) return 0;
    for (const auto& entry : fs::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        std::string path = entry.path().string();
        std::string name = entry.path().filename().string();
        auto size = entry.file_size();
        if (isXmlName(name) && size < (64u << 20)) {
            std::string doc = safeio::slurp(path);
            requireSame(doc, path, size < (4u << 20));
            ++n;
        } else if (isZipName(name)) {
            std::shared_ptr<ZipReader> zip;
            try {
                zip = ZipReader::open(Input::fromFile(path));
            } catch (const InputError&) {
                continue;  // deliberately broken archives of other tests
            }
            for (const auto& e : zip->entries()) {
                if (!isXmlName(e.name) || e.size > (64u << 20)) continue;
                std::string doc;
                try {
                    doc = zip->read(e, 64u << 20);
                } catch (const InputError&) {
                    continue;
                }
                requireSame(doc, path + "!" + e.name, doc.size() < (4u << 20));
                ++n;
            }
        }
    }
    return n;
}

struct Case {
    const char* rule;
    std::string doc;
};

std::string S(const char* s, std::size_t n) { return std::string(s, n); }

} // namespace

TEST_CASE("scanner and expat agree on every XML file of the repository and the corpus", "[xmlscan]")
{
    const char* src = std::getenv("QDX_SOURCE_DIR");
    REQUIRE(src);
    std::size_t n = compareTree(fs::path(src) / "tests") + compareTree(fs::path(src) / "samples");
    CHECK(n >= 5);
    const char* corpus = std::getenv("QDX_CORPUS");
    if (!corpus || !*corpus) {
        WARN("QDX_CORPUS unset — skipping the corpus files");
        return;
    }
    std::size_t c = compareTree(corpus);
    WARN("compared " << n << " repository and " << c << " corpus XML documents");
    CHECK(c >= 10);
}

TEST_CASE("malformed XML: both engines refuse, the scanner with a position", "[xmlscan]")
{
    const std::vector<Case> cases = {
        // UTF-8 and XML Char
        {"invalid byte", "<r>\xff</r>"},
        {"overlong 2-byte", "<r>\xc0\xaf</r>"},
        {"overlong 3-byte", "<r>\xe0\x80\xaf</r>"},
        {"overlong 4-byte", "<r>\xf0\x80\x80\xaf</r>"},
        {"surrogate", "<r>\xed\xa0\x80</r>"},
        {"past U+10FFFF", "<r>\xf4\x90\x80\x80</r>"},
        {"truncated sequence", "<r>\xc3</r>"},
        {"lone continuation byte", "<r>\x80</r>"},
        {"U+FFFE", "<r>\xef\xbf\xbe</r>"},
        {"U+FFFF in an attribute", "<r a=\"\xef\xbf\xbf\"/>"},
        {"C0 control in text", "<r>\x01</r>"},
        {"NUL in text", S("<r>\0</r>", 8)},
        {"C0 control in an attribute", "<r a=\"\x1f\"/>"},
        {"C0 control in a comment", "<r><!-- \x0b --></r>"},
        {"C0 control in a PI", "<r><?p \x0c?></r>"},
        {"C0 control in CDATA", "<r><![CDATA[\x02]]></r>"},
        {"invalid UTF-8 in a name", "<r\xff/>"},
        // names
        {"digit starts a name", "<1r/>"},
        {"hyphen starts a name", "<-r/>"},
        {"middle dot starts a name", "<\xc2\xb7r/>"},
        {"astral name character (expat's tables)", "<\xf0\x9f\x98\x80/>"},
        {"U+2028 in an attribute name", "<r \xe2\x80\xa8=\"1\"/>"},
        {"colon starts a name", "<:r/>"},
        {"two colons", "<a:b:c xmlns:a=\"u\"/>"},
        {"trailing colon", "<a: xmlns:a=\"u\"/>"},
        {"colon in a PI target", "<r><?a:b?></r>"},
        // nesting
        {"crossed tags", "<r><a></r></a>"},
        {"end tag differs in case", "<r></R>"},
        {"unclosed root", "<r>"},
        {"end tag first", "</r>"},
        {"end tag drops the prefix", "<p:r xmlns:p=\"u\"></r>"},
        // attributes
        {"duplicate attribute", "<r a=\"1\" a=\"2\"/>"},
        {"duplicate after namespace expansion", "<r xmlns:p=\"u\" xmlns:q=\"u\" p:a=\"1\" q:a=\"2\"/>"},
        {"duplicate namespace declaration", "<r xmlns:p=\"u\" xmlns:p=\"v\"/>"},
        {"< in an attribute value", "<r a=\"<\"/>"},
        {"unquoted value", "<r a=1/>"},
        {"mismatched quotes", "<r a=\"1'/>"},
        {"attribute without value", "<r a/>"},
        {"no space between attributes", "<r a=\"1\"b=\"2\"/>"},
        {"unbound attribute prefix", "<r p:a=\"1\"/>"},
        {"unbound element prefix", "<p:r/>"},
        {"prefix undeclared", "<r xmlns:p=\"\"/>"},
        {"xml prefix rebound", "<r xmlns:xml=\"urn:x\"/>"},
        {"other prefix bound to the xml namespace", "<r xmlns:p=\"http://www.w3.org/XML/1998/namespace\"/>"},
        {"xmlns prefix declared", "<r xmlns:xmlns=\"urn:x\"/>"},
        {"default bound to the xmlns namespace", "<r xmlns=\"http://www.w3.org/2000/xmlns/\"/>"},
        {"xmlns as an element prefix", "<xmlns:r/>"},
        // references
        {"undefined entity", "<r>&foo;</r>"},
        {"undefined entity in an attribute", "<r a=\"&bar;\"/>"},
        {"reference to NUL", "<r>&#0;</r>"},
        {"reference to U+FFFE", "<r>&#xFFFE;</r>"},
        {"reference to a surrogate", "<r>&#xD800;</r>"},
        {"reference past U+10FFFF", "<r>&#x110000;</r>"},
        {"huge reference", "<r>&#99999999999999999999;</r>"},
        {"upper-case X", "<r>&#X41;</r>"},
        {"no digits", "<r>&#;</r>"},
        {"no hex digits", "<r>&#x;</r>"},
        {"no semicolon", "<r>&amp</r>"},
        {"space after &", "<r>& amp;</r>"},
        {"reference to a C0 control in an attribute", "<r a=\"&#1;\"/>"},
        // text
        {"]]> in text", "<r>a]]>b</r>"},
        {"]]]> in text", "<r>]]]></r>"},
        // comments
        {"-- in a comment", "<r><!-- a -- b --></r>"},
        {"comment ends with --->", "<r><!-- a ---></r>"},
        {"<!- is no comment", "<r><!- a --></r>"},
        {"unclosed comment", "<r><!-- a </r>"},
        // PIs
        {"XML declaration inside", "<r><?xml version=\"1.0\"?></r>"},
        {"PI target XML in another case", "<r><?XmL x?></r>"},
        {"PI target without a space", "<r><?p?x?></r>"},
        {"unclosed PI", "<r><?p </r>"},
        // CDATA
        {"unclosed CDATA", "<r><![CDATA[x</r>"},
        {"lower-case CDATA", "<r><![cdata[x]]></r>"},
        {"CDATA in the prolog", "<![CDATA[x]]><r/>"},
        // XML declaration
        {"declaration not at the start", " <?xml version=\"1.0\"?><r/>"},
        {"declaration without version", "<?xml encoding=\"UTF-8\"?><r/>"},
        {"standalone maybe", "<?xml version=\"1.0\" standalone=\"maybe\"?><r/>"},
        {"no space between pseudo-attributes", "<?xml version=\"1.0\"encoding=\"UTF-8\"?><r/>"},
        {"pseudo-attributes out of order", "<?xml version=\"1.0\" standalone=\"yes\" encoding=\"UTF-8\"?><r/>"},
        {"empty encoding", "<?xml version=\"1.0\" encoding=\"\"?><r/>"},
        {"space in the version", "<?xml version=\"1 0\"?><r/>"},
        {"empty declaration", "<?xml?><r/>"},
        {"two declarations", "<?xml version=\"1.0\"?><?xml version=\"1.0\"?><r/>"},
        {"unknown pseudo-attribute", "<?xml version=\"1.0\" foo=\"bar\"?><r/>"},
        {"upper-case XML target", "<?XML version=\"1.0\"?><r/>"},
        // BOM
        {"two BOMs", "\xef\xbb\xbf\xef\xbb\xbf<r/>"},
        {"truncated BOM", "\xef\xbb<r/>"},
        // document structure
        {"empty document", ""},
        {"white space only", "  \n "},
        {"comment only", "<!-- c -->"},
        {"two roots", "<r/><r/>"},
        {"text after the root", "<r/>x"},
        {"text before the root", "x<r/>"},
        {"reference before the root", "&amp;<r/>"},
        {"reference after the root", "<r/>&amp;"},
        {"DOCTYPE", "<!DOCTYPE r><r/>"},
        {"DOCTYPE with an internal subset", "<!DOCTYPE r [<!ENTITY e \"x\">]><r>&e;</r>"},
        {"DOCTYPE after the root", "<r/><!DOCTYPE r>"},
        // tag syntax
        {"space after </", "<r></ r>"},
        {"space after <", "< r/>"},
        {"space inside />", "<r/ >"},
        {"truncated start tag", "<r a=\"1\""},
        {"truncated end tag", "<r></r"},
    };
    CHECK(cases.size() >= 50);
    for (const auto& c : cases) {
        Outcome ref = requireSame(c.doc, c.rule);
        INFO(c.rule);
        CHECK_FALSE(ref.ok);
        Outcome ours = outcome(c.doc, XmlEngine::Scanner);
        CHECK(ours.events.find("t.xml") != std::string::npos);
    }
}

TEST_CASE("tricky well-formed XML: both engines accept with the same events", "[xmlscan]")
{
    const std::vector<Case> cases = {
        {"default namespace", "<r xmlns=\"urn:d\"><a/></r>"},
        {"prefixed namespace", "<p:r xmlns:p=\"urn:p\"><p:a p:x=\"1\" y=\"2\"/></p:r>"},
        {"declaration after use in the same tag", "<p:r p:a=\"1\" xmlns:p=\"urn:p\"/>"},
        {"default undeclared", "<r xmlns=\"urn:d\"><a xmlns=\"\"><b/></a><c/></r>"},
        {"prefix shadowed and restored", "<p:r xmlns:p=\"u1\"><p:a xmlns:p=\"u2\"/><p:b/></p:r>"},
        {"same local name, different namespaces", "<r xmlns:p=\"u\" a=\"1\" p:a=\"2\"/>"},
        {"xml prefix predeclared", "<r xml:lang=\"en\" xml:space=\"preserve\"/>"},
        {"xml prefix declared to its own namespace", "<r xmlns:xml=\"http://www.w3.org/XML/1998/namespace\" xml:lang=\"en\"/>"},
        {"xml element prefix", "<xml:r/>"},
        {"names starting with xml", "<xmlfoo xmlnsbar=\"1\" xmlns:xmlfoo=\"u\"/>"},
        {"CDATA", "<r><![CDATA[<a>&amp;]]]]><![CDATA[>]]></r>"},
        {"empty CDATA", "<r>a<![CDATA[]]>b</r>"},
        {"char refs", "<r>&#65;&#x42;&#x00043;&#0000068;&#x1F600;&#xFFFD;&#x10FFFF;</r>"},
        {"predefined entities", "<r a=\"&lt;&gt;&amp;&quot;&apos;\">&lt;&gt;&amp;&quot;&apos;</r>"},
        {"CRLF and CR in text", "<r>a\r\nb\rc\r\r\nd\n\re</r>"},
        {"CRLF in CDATA", "<r><![CDATA[a\r\nb\rc]]></r>"},
        {"attribute normalisation", "<r a=\"x\ty\nz\r\nw\rv\" b=\"&#9;&#10;&#13;&#32;\"/>"},
        {"BOM", "\xef\xbb\xbf<r/>"},
        {"BOM and declaration", "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n<r/>"},
        {"declaration variants", "<?xml version = '1.0'\tencoding='uTf-8'  standalone = \"yes\" ?><r/>"},
        {"declaration with any version", "<?xml version=\"9.9\"?><r/>"},
        {"4-byte UTF-8", "<r a=\"\xf0\x9f\x98\x80\">\xf0\x9f\xa7\xaa \xf4\x8f\xbf\xbf</r>"},
        {"non-ASCII names", "<\xc3\xa9l\xc3\xa9" "ment \xe8\xaa\x9e=\"1\" a\xc2\xb7" "b=\"2\"/>"},
        {"BOM character inside", "<r>\xef\xbb\xbf</r>"},
        {"C1 controls and DEL are characters", "<r>\xc2\x80\xc2\x9f\x7f</r>"},
        {"]] and ]> are fine", "<r>]] ]>]</r>"},
        {"]]> in an attribute", "<r a=\"]]>\"/>"},
        {"> in text", "<r>a>b</r>"},
        {"comments and PIs everywhere", "<?pi?><!----><r><?p x?><!-- - --></r><!-- c --><?q  y ?>\n"},
        {"PI target starting with xml", "<?xml-stylesheet href=\"a\"?><r/>"},
        {"white space in tags", "<r\n a\t=\r\n'1'  ></r\n>"},
        {"deep-ish", "<a><b><c><d><e>t</e></d></c></b></a>"},
        {"quotes inside values", "<r a='\"' b=\"'\"/>"},
        {"empty values", "<r a=\"\" b=''/>"},
        {"white space around the root", "\n\n<r/>\n\n"},
    };
    for (const auto& c : cases) {
        Outcome ref = requireSame(c.doc, c.rule);
        INFO(c.rule << ": " << ref.events);
        CHECK(ref.ok);
    }
    // What the events are, not only that they agree.
    CHECK(outcome("<p:r xmlns:p=\"urn:p\" xmlns=\"urn:d\" a=\"x\ty\r\nz\" p:b=\"&#9;\"><e/>a\r\nb</p:r>", XmlEngine::Scanner, 1)
              .events
          == "<urn:p|r a=\"x y z\" b=\"\t\"><urn:d|e></urn:d|e>T[a\nb]</urn:p|r>");
    CHECK(outcome("<r xmlns=\"u\"><a xmlns=\"\"/></r>", XmlEngine::Scanner).events == "<u|r><|a></|a></u|r>");
}

TEST_CASE("every chunk size over a tricky document", "[xmlscan]")
{
    const std::string doc = "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!-- c - -->"
                            "<p:r xmlns:p=\"urn:p\" a=\"1&#x1F600;\r\n2&amp;\">\r\nt\xc3\xa9xt\xf0\x9f\x98\x80&#13;&lt;]]]"
                            "<![CDATA[ x]]y\r\n]]><p:e/><?pi a?>&#65;</p:r>\r\n";
    Outcome ref = outcome(doc, XmlEngine::Expat);
    REQUIRE(ref.ok);
    for (std::size_t chunk = 1; chunk <= doc.size(); ++chunk) {
        INFO("chunk " << chunk);
        Outcome ours = outcome(doc, XmlEngine::Scanner, chunk);
        REQUIRE(ours.ok);
        REQUIRE(ours.events == ref.events);
    }
    // Every cut of the document is refused by both.
    for (std::size_t n = 0; n < doc.size() - 2; ++n) {
        INFO("cut at " << n);
        CHECK_FALSE(outcome(doc.substr(0, n), XmlEngine::Scanner, 5).ok);
        CHECK_FALSE(outcome(doc.substr(0, n), XmlEngine::Expat).ok);
    }
}

TEST_CASE("name characters: the scanner's tables are expat's", "[xmlscan]")
{
    std::size_t differ = 0, accepted = 0;
    auto probe = [&](char32_t cp) {
        std::string c;
        text::appendUtf8(c, cp);
        for (const std::string& doc : {"<" + c + "/>", "<a" + c + "/>", "<r " + c + "=\"1\"/>"}) {
            bool a = outcome(doc, XmlEngine::Expat).ok;
            bool b = outcome(doc, XmlEngine::Scanner).ok;
            accepted += a;
            if (a != b) {
                ++differ;
                UNSCOPED_INFO("differs: U+" << std::hex << static_cast<unsigned long>(cp));
            }
        }
    };
    for (char32_t cp = 1; cp < 0x10000; ++cp)
        if (cp < 0xd800 || cp > 0xdfff) probe(cp);
    for (char32_t cp : {0x10000u, 0x1F600u, 0xE0100u, 0x10FFFFu}) probe(cp);
    CHECK(differ == 0);
    CHECK(accepted > 60000);
}

TEST_CASE("the engine follows the encoding", "[xmlscan]")
{
    CHECK(detail::chooseXmlEngine("<r/>") == XmlEngine::Scanner);
    CHECK(detail::chooseXmlEngine("\xef\xbb\xbf<r/>") == XmlEngine::Scanner);
    CHECK(detail::chooseXmlEngine("<?xml version=\"1.0\" encoding=\"UTF-8\"?><r/>") == XmlEngine::Scanner);
    CHECK(detail::chooseXmlEngine("<?xml version=\"1.0\" encoding='utf-8'?><r/>") == XmlEngine::Scanner);
    CHECK(detail::chooseXmlEngine("<?xml version=\"1.0\"?><r/>") == XmlEngine::Scanner);
    CHECK(detail::chooseXmlEngine("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>") == XmlEngine::Expat);
    CHECK(detail::chooseXmlEngine("<?xml version=\"1.0\" encoding=\"US-ASCII\"?><r/>") == XmlEngine::Expat);
    CHECK(detail::chooseXmlEngine("<?xml version=\"1.0\" encoding=\"UTF-16\"?><r/>") == XmlEngine::Expat);
    CHECK(detail::chooseXmlEngine(S("\xff\xfe<\0r\0/\0>\0", 10)) == XmlEngine::Expat);
    CHECK(detail::chooseXmlEngine(S("\xfe\xff\0<\0r\0/\0>", 10)) == XmlEngine::Expat);
    CHECK(detail::chooseXmlEngine(S("<\0r\0/\0>\0", 8)) == XmlEngine::Expat);
    CHECK(detail::chooseXmlEngine(S("\0<\0r\0/\0>", 8)) == XmlEngine::Expat);

    // Through parseXml: a Latin-1 document (expat) and a UTF-16 one.
    Events latin;
    parseXml(std::string_view("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r a=\"\xe9\">\xe9</r>"), latin, where());
    latin.flush();
    CHECK(latin.log == "<|r a=\"\xc3\xa9\">T[\xc3\xa9]</|r>");
    Events utf16;
    parseXml(std::string_view(S("\xff\xfe<\0r\0>\0\xe9\0<\0/\0r\0>\0", 18)), utf16, where());
    utf16.flush();
    CHECK(utf16.log == "<|r>T[\xc3\xa9]</|r>");
    // Declared UTF-8 but not: both refuse.
    requireSame("<?xml version=\"1.0\" encoding=\"UTF-8\"?><r>\xe9</r>", "Latin-1 bytes declared UTF-8");
    // A declaration that does not end within 64 KiB: expat decides.
    std::string longDecl = "<?xml version=\"1.0\"" + std::string(70000, ' ') + "encoding=\"ISO-8859-1\"?><r>\xe9</r>";
    Outcome viaExpat = outcome(longDecl, XmlEngine::Auto, 4096);
    CHECK(viaExpat.ok);
    CHECK(viaExpat.events == "<|r>T[\xc3\xa9]</|r>");
    // A forced scanner refuses other encodings instead of misreading them.
    CHECK_FALSE(outcome("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r/>", XmlEngine::Scanner).ok);
    // The choice waits for the declaration's end, byte by byte.
    for (std::size_t chunk : {1, 2, 5}) {
        Outcome o = outcome("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><r>\xe9</r>", XmlEngine::Auto, chunk);
        CHECK(o.ok);
        CHECK(o.events == "<|r>T[\xc3\xa9]</|r>");
    }
}

TEST_CASE("large documents through the pipelined stream path", "[xmlscan]")
{
    std::string doc = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<Project xmlns=\"urn:QDA-XML:project:1.0\">";
    for (int i = 0; i < 60000; ++i)
        doc += "<Item id=\"" + std::to_string(i) + "\" name=\"n&amp;\xc3\xa9\r\n\t" + std::to_string(i)
               + "\">t\xf0\x9f\x98\x80xt &lt;&#x41;\r\n<![CDATA[c]]></Item>\r\n";
    doc += "</Project>";
    REQUIRE(doc.size() > 3u << 20);
    Outcome ref = outcome(doc, XmlEngine::Expat, 0, true);
    REQUIRE(ref.ok);
    Outcome ours = outcome(doc, XmlEngine::Scanner, 0, true);
    REQUIRE(ours.ok);
    CHECK(ours.events == ref.events);
    CHECK(outcome(doc, XmlEngine::Scanner, 65521).events == ref.events);
    // An error deep inside comes out of the pipeline with its line.
    std::string bad = doc;
    bad.insert(bad.size() - 2000, "\x01");
    Outcome err = outcome(bad, XmlEngine::Scanner, 0, true);
    CHECK_FALSE(err.ok);
    CHECK(err.line == outcome(bad, XmlEngine::Expat, 0, true).line);
}

TEST_CASE("huge tokens cost linear time, whatever the chunk size", "[xmlscan]")
{
    // One 64 MiB attribute value in 1 MiB chunks, and a 256 KiB comment byte by byte.
    std::string doc = "<r a=\"" + std::string(64u << 20, 'x') + "\"/>";
    auto t0 = std::chrono::steady_clock::now();
    Outcome big = outcome(doc, XmlEngine::Scanner);
    CHECK(big.ok);
    std::string comment = "<r><!--" + std::string(256u << 10, 'a') + "--></r>";
    CHECK(outcome(comment, XmlEngine::Scanner, 1).ok);
    CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() < 20.0);
}

TEST_CASE("error positions: lines as expat counts them", "[xmlscan]")
{
    // Lines (CR LF once, a lone CR too) and columns in characters.
    const std::vector<std::string> docs = {
        "<r>\n\xc3\xa9\xc3\xa9\xff</r>",   "<r>\r\n\rab\x01</r>", "<r>\n  <a>\n   <b></a></b></r>",
        "<r/>\n\n  <r/>",                   "<r>\n&x;</r>",        "<r a=\"1\"\n a=\"2\"/>",
        "<r>\r\n\xf0\x9f\x98\x80 ]]></r>", "<r>\n<!-- -- --></r>",
    };
    for (const auto& d : docs) {
        Outcome ref = outcome(d, XmlEngine::Expat);
        Outcome ours = outcome(d, XmlEngine::Scanner, 2);
        INFO(show(d) << " expat " << ref.line << ":" << ref.column << " scanner " << ours.line << ":" << ours.column);
        REQUIRE_FALSE(ours.ok);
        CHECK(ours.line == ref.line);
        CHECK(ours.column == ref.column);
    }
    // Line ends of every kind across every chunk border.
    std::string mixed = "<r>\r\n\r\r\n\n\r";
    for (int i = 0; i < 40; ++i) mixed += (i % 3 == 0 ? "ab\r\n" : i % 3 == 1 ? "\xc3\xa9\r" : "x\n");
    mixed += "  \xe8\xaa\x9e\x01</r>";
    Outcome ref = outcome(mixed, XmlEngine::Expat);
    REQUIRE_FALSE(ref.ok);
    for (std::size_t chunk = 1; chunk <= 40; ++chunk) {
        Outcome ours = outcome(mixed, XmlEngine::Scanner, chunk);
        INFO("chunk " << chunk << " expat " << ref.line << ":" << ref.column << " scanner " << ours.line << ":" << ours.column);
        CHECK(ours.line == ref.line);
        CHECK(ours.column == ref.column);
    }
}
