// ReadAhead: every byte, in order, across block boundaries; the worker's
// exceptions and bad streams reach the reader; parseXml through it.

#include "qdx/Errors.h"
#include "qdx/ReadAhead.h"
#include "qdx/Xml.h"

#include <catch2/catch.hpp>

#include <sstream>
#include <streambuf>
#include <string>

using namespace qdx;

namespace {

std::string pattern(std::size_t n)
{
    std::string s(n, '\0');
    std::uint32_t x = 12345;
    for (auto& c : s) {
        x = x * 1103515245u + 12345u;
        c = static_cast<char>(x >> 24);
    }
    return s;
}

std::string drain(ReadAhead& r)
{
    std::string out;
    for (std::string_view b = r.next(); !b.empty(); b = r.next()) out.append(b);
    return out;
}

/// Hands out `good` bytes, then throws (as ZipReader's stream does on a CRC error).
class FailingBuf : public std::streambuf {
public:
    FailingBuf(std::string data, bool throwAtEnd) : _data(std::move(data)), _throw(throwAtEnd) {}

protected:
    int_type underflow() override
    {
        if (_pos >= _data.size()) {
            if (_throw) throw InputError(Location{"f.qdpx", "project.qde", 0, 0, -1}, "CRC error");
            return traits_type::eof();
        }
        std::size_t n = std::min<std::size_t>(1000, _data.size() - _pos);
        setg(&_data[_pos], &_data[_pos], &_data[_pos] + n);
        _pos += n;
        return traits_type::to_int_type(*gptr());
    }

private:
    std::string _data;
    std::size_t _pos = 0;
    bool _throw;
};

struct Count : XmlHandler {
    std::size_t elements = 0, textBytes = 0;
    void startElement(std::string_view, std::string_view, const XmlAttributes&) override { ++elements; }
    void endElement(std::string_view, std::string_view) override {}
    void characters(std::string_view t) override { textBytes += t.size(); }
};

} // namespace

TEST_CASE("ReadAhead hands out every byte in order", "[readahead]")
{
    for (std::size_t block : {1u, 7u, 64u, 4096u}) {
        for (std::size_t n : {std::size_t(0), std::size_t(1), block + 2, block, block + 1, 3 * block, 3 * block + 5, std::size_t(100000)}) {
            std::string data = pattern(n);
            std::istringstream in(data);
            ReadAhead r(in, block, 2);
            CAPTURE(block, n);
            CHECK(drain(r) == data);
            CHECK_FALSE(r.bad());
            CHECK(r.next().empty());  // stays at the end
        }
    }
}

TEST_CASE("ReadAhead rethrows the stream's exception on the reading thread", "[readahead]")
{
    for (std::size_t n : {0u, 10u, 5000u, 300000u}) {
        FailingBuf buf(pattern(n), true);
        std::istream in(&buf);
        in.exceptions(std::ios::badbit);
        ReadAhead r(in, 4096, 2);
        CAPTURE(n);
        std::string got;
        try {
            for (std::string_view b = r.next(); !b.empty(); b = r.next()) got.append(b);
            FAIL("no exception");
        } catch (const InputError& e) {
            CHECK(std::string(e.what()).find("CRC") != std::string::npos);
        }
        CHECK(got.size() <= n);
    }
}

TEST_CASE("ReadAhead reports a stream that ended bad", "[readahead]")
{
    FailingBuf buf(pattern(20000), true);
    std::istream in(&buf);  // no exceptions(): istream swallows it and sets badbit
    ReadAhead r(in, 4096, 2);
    std::string got = drain(r);
    CHECK(r.bad());
    CHECK(got.size() <= 20000);
}

TEST_CASE("ReadAhead stops its worker when dropped early", "[readahead]")
{
    std::string data = pattern(1 << 20);
    std::istringstream in(data);
    {
        ReadAhead r(in, 1024, 2);
        CHECK(r.next().size() == 1024);
        CHECK(r.next().size() == 1024);
    }  // joins without reading the rest
    CHECK(in.tellg() < static_cast<std::streamoff>(data.size()));
}

TEST_CASE("parseXml reads a large stream through ReadAhead", "[readahead]")
{
    std::string doc = "<r>";
    for (int i = 0; i < 200000; ++i) doc += "<e a=\"" + std::to_string(i) + "\">t&amp;x</e>";
    doc += "</r>";
    REQUIRE(doc.size() > 3u * (1u << 20));  // several blocks
    std::istringstream in(doc);
    Count c;
    parseXml(in, c, Location{"big.xml", {}, 0, 0, -1});
    CHECK(c.elements == 200001);
    CHECK(c.textBytes == 200000u * 3);

    // malformed at the very end, several blocks in: still the file and line
    std::istringstream bad(doc.substr(0, doc.size() - 1));
    Count c2;
    try {
        parseXml(bad, c2, Location{"big.xml", {}, 0, 0, -1});
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find("big.xml") != std::string::npos);
    }
}

namespace {

/// Records every event as text, to compare the pipelined parse of a stream
/// with the single-threaded parse of the same bytes in memory.
struct Log : XmlHandler {
    std::string events;
    std::size_t throwAt = SIZE_MAX;
    std::size_t starts = 0;
    void startElement(std::string_view ns, std::string_view local, const XmlAttributes& a) override
    {
        if (++starts == throwAt) throw std::runtime_error("handler gave up at element " + std::to_string(starts));
        events.append("S").append(ns).append("|").append(local);
        for (std::size_t i = 0; i < a.size(); ++i) events.append(" ").append(a.name(i)).append("=").append(a.value(i));
        events.push_back('\n');
    }
    void endElement(std::string_view ns, std::string_view local) override
    {
        events.append("E").append(ns).append("|").append(local).push_back('\n');
    }
    void characters(std::string_view t) override { events.append("T").append(t).push_back('\n'); }
};

std::string bigDocument(std::size_t elements)
{
    std::string doc = "<?xml version=\"1.0\"?>\n<p:Project xmlns:p=\"urn:QDA-XML:project:1.0\" xmlns=\"urn:x\">";
    for (std::size_t i = 0; i < elements; ++i) {
        doc += "<p:Sel guid=\"" + std::to_string(i) + "\" name=\"n&lt;" + std::to_string(i % 97) + "\" e=\"\">";
        doc += i % 3 ? "text \xc3\xa9 " + std::to_string(i) : std::string();
        doc += "<Coding><CodeRef targetGUID=\"t" + std::to_string(i % 300) + "\"/></Coding></p:Sel>\n";
    }
    return doc + "</p:Project>";
}

} // namespace

TEST_CASE("parseXml of a large stream (pipelined) gives the same events as in memory", "[readahead]")
{
    std::string doc = bigDocument(60000);
    REQUIRE(doc.size() > 4u * (1u << 20));
    Log direct, piped;
    parseXml(std::string_view(doc), direct, Location{"big.xml", {}, 0, 0, -1});
    std::istringstream in(doc);
    parseXml(in, piped, Location{"big.xml", {}, 0, 0, -1});
    CHECK(piped.events.size() == direct.events.size());
    CHECK(piped.events == direct.events);
}

TEST_CASE("a handler's exception in a pipelined parse propagates unchanged", "[readahead]")
{
    std::string doc = bigDocument(60000);
    for (std::size_t at : {1u, 5000u, 150000u}) {
        std::istringstream in(doc);
        Log h;
        h.throwAt = at;
        CAPTURE(at);
        try {
            parseXml(in, h, Location{"big.xml", {}, 0, 0, -1});
            FAIL("no exception");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()) == "handler gave up at element " + std::to_string(at));
        }
    }
}

TEST_CASE("errors of a pipelined parse come after the events before them", "[readahead]")
{
    std::string doc = bigDocument(60000);
    std::string broken = doc.substr(0, doc.size() - 200) + "<oops></p:Project>";
    std::istringstream in(broken);
    Log h;
    try {
        parseXml(in, h, Location{"big.xml", "project.qde", 0, 0, -1});
        FAIL("no error");
    } catch (const InputError& e) {
        std::string w = e.what();
        CHECK(w.find("big.xml") != std::string::npos);
        CHECK(w.find("malformed XML") != std::string::npos);
    }
    CHECK(h.starts > 150000);  // everything before the error reached the handler

    XmlLimits shallow;
    shallow.maxDepth = 2;
    std::istringstream deep(doc);
    Log d;
    CHECK_THROWS_AS(parseXml(deep, d, Location{"big.xml", {}, 0, 0, -1}, shallow), LimitError);
}
