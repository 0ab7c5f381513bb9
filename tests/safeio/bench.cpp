// Throughput of the hardened I/O (not a test; see README.md for numbers).
//
//   qdx_safeio_bench xml FILE            parseXml (stream and memory) vs raw expat
//   qdx_safeio_bench copy SRC.zip OUT    raw copy of every member vs inflate+deflate
//   qdx_safeio_bench xmlzip SRC.zip      openStream -> parseXml per member, and inflate alone
//   qdx_safeio_bench engines FILE [N]    expat vs the core's scanner, empty handlers, N rounds (default 5)

#include "XmlEngine.h"
#include "XmlScanner.h"

#include "qdx/Input.h"
#include "qdx/Xml.h"
#include "qdx/Zip.h"

#include <expat.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

using namespace qdx;

namespace {

double now()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

class Empty : public XmlHandler {
public:
    std::size_t n = 0;
    void startElement(std::string_view, std::string_view, const XmlAttributes&) override { ++n; }
    void endElement(std::string_view, std::string_view) override {}
    void characters(std::string_view) override {}
};

void report(const char* what, double mb, double seconds)
{
    std::printf("%-40s %8.2f s %8.1f MB/s\n", what, seconds, mb / seconds);
}

int xml(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    std::string data = s.str();
    double mb = data.size() / 1e6;
    Location where;
    where.file = path;

    double t = now();
    Empty h;
    parseXml(std::string_view(data), h, where);
    report("parseXml (memory)", mb, now() - t);

    t = now();
    std::ifstream in(path, std::ios::binary);
    Empty h2;
    parseXml(in, h2, where);
    report("parseXml (ifstream)", mb, now() - t);

    for (int chunk : {64 * 1024, 1 << 20}) {
        t = now();
        XML_Parser p = XML_ParserCreateNS(nullptr, '\x1f');
        XML_SetElementHandler(p, [](void*, const XML_Char*, const XML_Char**) {}, [](void*, const XML_Char*) {});
        XML_SetCharacterDataHandler(p, [](void*, const XML_Char*, int) {});
        std::size_t off = 0;
        while (off < data.size()) {
            std::size_t n = std::min<std::size_t>(chunk, data.size() - off);
            if (XML_Parse(p, data.data() + off, static_cast<int>(n), off + n == data.size()) != XML_STATUS_OK) {
                std::fprintf(stderr, "expat: %s\n", XML_ErrorString(XML_GetErrorCode(p)));
                return 1;
            }
            off += n;
        }
        XML_ParserFree(p);
        report(chunk == 65536 ? "raw expat, empty handlers, 64 KiB chunks" : "raw expat, empty handlers, 1 MiB chunks", mb,
               now() - t);
    }
    std::printf("elements: %zu\n", h.n);
    return 0;
}

/// The scanner with a sink that does nothing.
class NullSink : public xmlscan::Sink {
public:
    std::size_t n = 0;
    void start(std::string_view, std::string_view, const xmlscan::Attr*, std::size_t) override { ++n; }
    void end(std::string_view, std::string_view) override {}
    void text(std::string_view) override {}
};

/// expat and the scanner over one file in memory, 1 MiB chunks, empty
/// handlers, interleaved for `rounds` rounds; prints each run and the best.
int engines(const std::string& path, int rounds)
{
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    std::string data = s.str();
    double mb = data.size() / 1e6;
    Location where;
    where.file = path;
    const std::size_t chunk = 1 << 20;
    double best[4] = {1e9, 1e9, 1e9, 1e9};
    const char* names[4] = {"raw expat, empty C handlers", "raw scanner, empty sink", "parseXml via expat, empty handler",
                            "parseXml via scanner, empty handler"};
    for (int r = 0; r < rounds; ++r) {
        double t = now();
        XML_Parser p = XML_ParserCreateNS(nullptr, '\x1f');
        XML_SetElementHandler(p, [](void*, const XML_Char*, const XML_Char**) {}, [](void*, const XML_Char*) {});
        XML_SetCharacterDataHandler(p, [](void*, const XML_Char*, int) {});
        for (std::size_t off = 0; off < data.size(); off += chunk) {
            std::size_t n = std::min(chunk, data.size() - off);
            if (XML_Parse(p, data.data() + off, static_cast<int>(n), off + n == data.size()) != XML_STATUS_OK) {
                std::fprintf(stderr, "expat: %s\n", XML_ErrorString(XML_GetErrorCode(p)));
                return 1;
            }
        }
        XML_ParserFree(p);
        double d[4];
        d[0] = now() - t;
        t = now();
        NullSink sink;
        xmlscan::Scanner scanner(sink);
        for (std::size_t off = 0; off < data.size(); off += chunk) {
            std::size_t n = std::min(chunk, data.size() - off);
            scanner.feed(data.data() + off, n, off + n == data.size());
        }
        d[1] = now() - t;
        t = now();
        Empty h1;
        detail::parseXmlWithEngine(std::string_view(data), h1, where, XmlLimits{}, detail::XmlEngine::Expat);
        d[2] = now() - t;
        t = now();
        Empty h2;
        detail::parseXmlWithEngine(std::string_view(data), h2, where, XmlLimits{}, detail::XmlEngine::Scanner);
        d[3] = now() - t;
        if (h1.n != h2.n || h1.n != sink.n) {
            std::fprintf(stderr, "element counts differ: %zu %zu %zu\n", h1.n, h2.n, sink.n);
            return 1;
        }
        for (int i = 0; i < 4; ++i) {
            report(names[i], mb, d[i]);
            best[i] = std::min(best[i], d[i]);
        }
    }
    std::printf("best of %d:\n", rounds);
    for (int i = 0; i < 4; ++i) report(names[i], mb, best[i]);
    std::printf("raw expat / raw scanner: %.2fx; parseXml expat / scanner: %.2fx\n", best[0] / best[1], best[2] / best[3]);
    return 0;
}

/// libzip inflate -> parseXml in one thread, through ZipReader::openStream.
int xmlInZip(const std::string& src)
{
    auto zip = ZipReader::open(Input::fromFile(src));
    for (const auto& e : zip->entries()) {
        double t = now();
        auto in = zip->openStream(e);
        Location where;
        where.file = src;
        where.member = e.name;
        Empty h;
        parseXml(*in, h, where);
        report(("openStream -> parseXml: " + e.name).c_str(), e.size / 1e6, now() - t);
        t = now();
        auto raw = zip->openStream(e);
        std::vector<char> buf(1 << 16);
        while (raw->read(buf.data(), static_cast<std::streamsize>(buf.size())) || raw->gcount() > 0) {
        }
        report(("openStream inflate only: " + e.name).c_str(), e.size / 1e6, now() - t);
    }
    return 0;
}

/// Forces the streamed path (inflate + deflate) for comparison.
class Opaque final : public Blob {
public:
    explicit Opaque(std::shared_ptr<Blob> b) : _b(std::move(b)) {}
    std::unique_ptr<std::istream> open() const override { return _b->open(); }
    std::optional<std::uint64_t> size() const override { return _b->size(); }
    std::string describe() const override { return _b->describe(); }

private:
    std::shared_ptr<Blob> _b;
};

int copy(const std::string& src, const std::string& out)
{
    auto zip = ZipReader::open(Input::fromFile(src));
    double mb = 0;
    for (const auto& e : zip->entries()) mb += e.compressedSize / 1e6;
    double t = now();
    {
        ZipWriter w(out);
        for (const auto& e : zip->entries()) w.addBlob(e.name, zip->blob(e));
        w.close();
    }
    report("raw copy (compressed MB)", mb, now() - t);
    t = now();
    {
        ZipWriter w(out + ".recompressed.zip");
        for (const auto& e : zip->entries()) w.addBlob(e.name, std::make_shared<Opaque>(zip->blob(e)));
        w.close();
    }
    report("inflate + deflate (compressed MB)", mb, now() - t);
    std::remove((out + ".recompressed.zip").c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    try {
        std::string mode = argc > 1 ? argv[1] : "";
        if (mode == "xml" && argc == 3) return xml(argv[2]);
        if (mode == "copy" && argc == 4) return copy(argv[2], argv[3]);
        if (mode == "xmlzip" && argc == 3) return xmlInZip(argv[2]);
        if (mode == "engines" && (argc == 3 || argc == 4)) return engines(argv[2], argc == 4 ? std::atoi(argv[3]) : 5);
        std::fprintf(stderr, "usage: %s xml FILE | copy SRC.zip OUT.zip | xmlzip SRC.zip | engines FILE [ROUNDS]\n", argv[0]);
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
