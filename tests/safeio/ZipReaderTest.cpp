// ZipReader against hostile archives, from a file and from memory.

#include "Helpers.h"

#include "qdx/Input.h"
#include "qdx/Xml.h"
#include "qdx/Zip.h"

#include <zip.h>

using namespace qdx;
using safeio::hostile;
using safeio::requireError;

namespace {

Input inputOf(const std::string& file, bool memory)
{
    std::string path = hostile(file);
    if (!memory) return Input::fromFile(path);
    return Input::fromMemory(safeio::slurp(path), file);
}

std::shared_ptr<ZipReader> openZip(const std::string& file, bool memory, const ZipLimits& limits = {})
{
    return ZipReader::open(inputOf(file, memory), limits);
}

/// Reads a member through openStream() the way a consumer would.
std::string streamAll(const ZipReader& zip, const ZipReader::Entry& e)
{
    auto in = zip.openStream(e);
    std::string out;
    char buf[10000];
    while (in->read(buf, sizeof buf) || in->gcount() > 0) out.append(buf, static_cast<std::size_t>(in->gcount()));
    return out;
}

} // namespace

TEST_CASE("good archive: entries, case-insensitive lookup, read and stream", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    INFO("memory input: " << memory);
    auto zip = openZip("good.zip", memory);
    REQUIRE(zip->entries().size() == 4);
    const auto* qde = zip->find("PROJECT.qde");
    REQUIRE(qde);
    CHECK(qde->name == "project.qde");
    CHECK(qde->method == 8);
    CHECK(qde->size == 1100);
    const auto* dir = zip->find("sources");  // a folder found without its slash
    REQUIRE(dir);
    CHECK(dir->isDirectory);
    const auto* accented = zip->find("sources/\xc3\x89T\xc3\x89.TXT");  // "ÉTÉ.TXT": non-ASCII folds too
    REQUIRE(accented);
    CHECK(zip->read(*accented, 100) == "\xc3\xa9t\xc3\xa9");
    CHECK(zip->find("missing.txt") == nullptr);

    std::string expected;
    for (int i = 0; i < 100; ++i) expected += "<Project/>\n";
    CHECK(zip->read(*qde, 1100) == expected);
    CHECK(streamAll(*zip, *qde) == expected);
    const auto* stored = zip->find("Sources/a.txt");
    REQUIRE(stored);
    CHECK(stored->method == 0);
    CHECK(zip->read(*stored, 100) == "hello, world\n");

    auto blob = zip->blob(*qde);
    CHECK(blob->size() == std::optional<std::uint64_t>(1100));
    CHECK(blob->describe().find("good.zip!project.qde") != std::string::npos);
    auto in = blob->open();
    std::ostringstream s;
    s << in->rdbuf();
    CHECK(s.str() == expected);

    // read() refuses more than asked for, before reading anything.
    requireError<LimitError>([&] { zip->read(*qde, 1000); }, "project.qde", "limit");
}

TEST_CASE("data descriptors (streamed zips) are read", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    auto zip = openZip("data_descriptor.zip", memory);
    REQUIRE(zip->entries().size() == 2);
    std::string expected;
    for (int i = 0; i < 1000; ++i) expected += "streamed text\n";
    CHECK(zip->read(*zip->find("sources/a.txt"), 1 << 20) == expected);
    CHECK(streamAll(*zip, *zip->find("sources/a.txt")) == expected);
}

TEST_CASE("a blob keeps its archive open", "[zipreader]")
{
    std::shared_ptr<Blob> blob;
    {
        auto zip = openZip("good.zip", true);
        blob = zip->blob(*zip->find("project.qde"));
    }
    auto in = blob->open();
    std::string s((std::istreambuf_iterator<char>(*in)), std::istreambuf_iterator<char>());
    CHECK(s.size() == 1100);
}

TEST_CASE("zip slip names are refused", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    struct Case {
        const char* file;
        const char* member;
    };
    const Case cases[] = {
        {"slip_dotdot.zip", "../evil.txt"},
        {"slip_inner_dotdot.zip", "sources/../../evil.txt"},
        {"slip_abs.zip", "/etc/evil"},
        {"slip_drive.zip", "C:/evil.txt"},
        {"slip_drive_relative.zip", "c:evil.txt"},
        {"slip_backslash.zip", "sources\\..\\..\\evil.txt"},
        {"slip_empty_component.zip", "sources//evil.txt"},
        {"slip_dot_component.zip", "./evil.txt"},
    };
    for (const auto& c : cases) {
        INFO(c.file << " memory=" << memory);
        requireError<InputError>([&] { openZip(c.file, memory); }, c.member, "unsafe member name");
    }
}

TEST_CASE("control characters in names are refused and shown escaped", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    requireError<InputError>([&] { openZip("slip_control.zip", memory); }, "evil\\x0d\\x0a.txt", "unsafe member name");
    requireError<InputError>([&] { openZip("slip_control_utf8.zip", memory); }, "", "not a readable zip archive");
    // A CP437 name (no UTF-8 flag): libzip converts 0x1b to the arrow U+2190,
    // Python reads it as ESC; the raw bytes decide, and a control byte is refused.
    requireError<InputError>([&] { openZip("control_cp437.zip", memory); }, "evil\\x1b[31m.txt", "control byte \\x1b");
}

TEST_CASE("archives that tools read differently are refused", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    // libzip read the first archive of these, unzip and Python the second (issue 15)
    requireError<InputError>([&] { openZip("concat_comment.zip", memory); }, "",
                             "does not follow its central directory (two archives in one file");
    requireError<InputError>([&] { openZip("prefixed.zip", memory); }, "", "146 bytes before the first member");
    // libzip shows the NUL as a space, Python ends the name there: two project.qde
    requireError<InputError>([&] { openZip("nul_name.zip", memory); }, "project.qde\\x00.txt",
                             "ambiguous zip structure: the member name holds the control byte \\x00");
    requireError<InputError>([&] { openZip("gap.zip", memory); }, "", "60 bytes between two members");
    requireError<InputError>([&] { openZip("comment_eocd.zip", memory); }, "", "does not follow its central directory");
    // refused by libzip itself (ZIP_CHECKCONS), whatever it says
    for (const char* f : {"concat.zip", "trailing.zip", "local_name.zip", "local_size.zip"}) {
        INFO(f);
        CHECK_THROWS_AS(openZip(f, memory), InputError);
    }
    // benign: a comment, zip64 records, data descriptors
    for (const char* f : {"comment.zip", "zip64.zip", "data_descriptor.zip", "good.zip"}) {
        INFO(f);
        auto zip = openZip(f, memory);
        CHECK(zip->read(*zip->find("project.qde"), 1 << 20).rfind("<Project/>\n", 0) == 0);
    }
}

TEST_CASE("isSafeZipName", "[zipreader]")
{
    CHECK(isSafeZipName("project.qde"));
    CHECK(isSafeZipName("sources/{5F9A}.txt"));
    CHECK(isSafeZipName("sources/"));
    CHECK(isSafeZipName("sources/\xc3\xa9t\xc3\xa9.txt"));
    CHECK(isSafeZipName("a/b:c.txt"));  // a colon past the drive position is harmless here
    CHECK(isSafeZipName("..a/b..c"));
    CHECK(isSafeZipName("\xc5\xb8"));  // Ÿ
    CHECK_FALSE(isSafeZipName(""));
    CHECK_FALSE(isSafeZipName("/"));
    CHECK_FALSE(isSafeZipName(".."));
    CHECK_FALSE(isSafeZipName("a/.."));
    CHECK_FALSE(isSafeZipName("a/./b"));
    CHECK_FALSE(isSafeZipName("a//"));
    CHECK_FALSE(isSafeZipName("Z:x"));
    CHECK_FALSE(isSafeZipName("a\\b"));
    CHECK_FALSE(isSafeZipName(std::string("a\0b", 3)));
    CHECK_FALSE(isSafeZipName("a\tb"));
    CHECK_FALSE(isSafeZipName("a\x7f"));
    CHECK_FALSE(isSafeZipName("a\xc2\x85"));  // C1 control (NEL)
    CHECK_FALSE(isSafeZipName("a\xff.txt"));  // invalid UTF-8
    CHECK_FALSE(isSafeZipName("a\xc0\xae\xc0\xae/x"));  // overlong "..": invalid
}

TEST_CASE("case-folded duplicate names are refused", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    requireError<InputError>([&] { openZip("case_collision.zip", memory); }, "PROJECT.QDE", "collides with 'project.qde'");
    requireError<InputError>([&] { openZip("case_collision_dirs.zip", memory); }, "sources/", "collides");
    requireError<InputError>([&] { openZip("case_collision_unicode.zip", memory); }, "\xc3\xa9t\xc3\xa9.txt", "collides");
}

TEST_CASE("exact duplicates, junk and truncation are refused by libzip", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    for (const char* f : {"duplicate.zip", "not_a_zip.zip", "truncated.zip"}) {
        INFO(f);
        requireError<InputError>([&] { openZip(f, memory); }, "", "not a readable zip archive");
    }
}

TEST_CASE("bombs: honest, overlapping, and the budgets", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    requireError<LimitError>([&] { openZip("bomb_honest.zip", memory); }, "bomb.xml", "compression ratio");
    // Overlapping members each look modest; together they claim more
    // compressed data than the archive holds.
    requireError<InputError>([&] { openZip("bomb_overlap.zip", memory); }, "m002.bin", "overlapping");
    // The zero-filled overlap bomb (13 KB -> 420 MB) is stopped by whichever check
    // fires first; with no ratio limit, the overlap check stops it.
    requireError<InputError>([&] { openZip("bomb_overlap_zeros.zip", memory); }, "m000.bin", "zip bomb");
    ZipLimits noRatio;
    noRatio.maxRatio = 1ull << 40;
    requireError<InputError>([&] { openZip("bomb_overlap_zeros.zip", memory, noRatio); }, "m001.bin", "overlapping");

    ZipLimits small;
    small.maxEntrySize = 1000;
    requireError<LimitError>([&] { openZip("good.zip", memory, small); }, "project.qde", "per member");
    ZipLimits total;
    total.maxTotalSize = 1110;
    requireError<LimitError>([&] { openZip("good.zip", memory, total); }, "Sources/a.txt", "in all");
    ZipLimits few;
    few.maxEntries = 1000;
    requireError<LimitError>([&] { openZip("too_many.zip", memory, few); }, "", "1001 members");
    few.maxEntries = 1001;
    CHECK(openZip("too_many.zip", memory, few)->entries().size() == 1001);
}

TEST_CASE("size lies are caught while reading", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    auto zip = openZip("size_lie.zip", memory);
    const auto& e = zip->entries().at(0);
    CHECK(e.size == 1000);
    requireError<InputError>([&] { zip->read(e, 1 << 30); }, "lie.bin", "size lie");
    requireError<InputError>([&] { streamAll(*zip, e); }, "lie.bin", "size lie");

    ZipLimits noRatio;  // 1 MiB of a repeated pattern compresses well
    noRatio.maxRatio = 100000;
    auto shortZip = openZip("size_short.zip", memory, noRatio);
    const auto& s = shortZip->entries().at(0);
    requireError<InputError>([&] { shortZip->read(s, 1 << 30); }, "short.bin", "but declares 2097152 bytes");
    requireError<InputError>([&] { streamAll(*shortZip, s); }, "short.bin", "but declares");
}

TEST_CASE("a CRC error is fatal, from read() and from the stream", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    auto zip = openZip("bad_crc.zip", memory);
    CHECK(zip->read(*zip->find("ok.txt"), 100) == "hello, world\n");
    const auto* bad = zip->find("bad.txt");
    REQUIRE(bad);
    requireError<InputError>([&] { zip->read(*bad, 1 << 20); }, "bad.txt", "CRC");
    requireError<InputError>([&] { streamAll(*zip, *bad); }, "bad.txt", "CRC");

    // With the exception mask cleared the stream still ends bad, not at a clean EOF.
    auto in = zip->openStream(*bad);
    in->exceptions(std::ios::goodbit);
    std::vector<char> buf(100000);
    in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
    CHECK(in->bad());
    // Iterators over the streambuf bypass the istream: the InputError reaches them directly.
    auto again = zip->openStream(*bad);
    CHECK_THROWS_AS(std::string(std::istreambuf_iterator<char>(*again), std::istreambuf_iterator<char>()), InputError);
}

TEST_CASE("encrypted members need a password", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    requireError<InputError>([&] { openZip("encrypted.zip", memory); }, "secret.txt", "encrypted and no password");
}

TEST_CASE("symlinks and other non-regular members are refused", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    requireError<InputError>([&] { openZip("symlink.zip", memory); }, "link", "symbolic link");
    requireError<InputError>([&] { openZip("fifo.zip", memory); }, "pipe", "not a regular file");
}

TEST_CASE("only store and deflate", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    requireError<InputError>([&] { openZip("method_bzip2.zip", memory); }, "a.txt", "compression method 12");
    requireError<InputError>([&] { openZip("method_ppmd.zip", memory); }, "a.txt", "compression method 98");
}

TEST_CASE("a nested zip is a member like any other", "[zipreader]")
{
    bool memory = GENERATE(false, true);
    auto zip = openZip("nested.zip", memory);
    REQUIRE(zip->entries().size() == 1);
    const auto& e = zip->entries()[0];
    CHECK(e.name == "sources/inner.zip");
    std::string bytes = zip->read(e, 1 << 20);
    CHECK(bytes.compare(0, 4, "PK\x03\x04") == 0);  // its own unsafe name was never looked at
}

TEST_CASE("a broken XML member fails the parse, never parses as a shorter document", "[zipreader]")
{
    struct Count : XmlHandler {
        std::size_t n = 0;
        void startElement(std::string_view, std::string_view, const XmlAttributes&) override { ++n; }
        void endElement(std::string_view, std::string_view) override {}
        void characters(std::string_view) override {}
    };
    bool memory = GENERATE(false, true);
    Location where;
    where.file = "x.zip";
    where.member = "project.qde";
    {
        auto zip = openZip("bad_crc_xml.zip", memory);
        auto in = zip->openStream(zip->entries().at(0));
        Count c;
        requireError<InputError>([&] { parseXml(*in, c, where); }, "project.qde", "CRC");
    }
    {
        auto zip = openZip("size_lie_xml.zip", memory);
        auto in = zip->openStream(zip->entries().at(0));
        Count c;
        requireError<InputError>([&] { parseXml(*in, c, where); }, "project.qde", "size lie");
    }
}

TEST_CASE("every single-byte corruption of an archive gives a clean InputError or good data", "[zipreader]")
{
    const std::string good = safeio::slurp(hostile("good.zip"));
    std::size_t opened = 0, refused = 0;
    for (std::size_t pos = 0; pos < good.size(); ++pos) {
        for (unsigned char v : {0x00, 0xff, 0x80, 0x2f}) {
            std::string bytes = good;
            if (static_cast<unsigned char>(bytes[pos]) == v) continue;
            bytes[pos] = static_cast<char>(v);
            try {
                auto zip = ZipReader::open(Input::fromMemory(bytes, "mutant.zip"));
                for (const auto& e : zip->entries()) {
                    try {
                        zip->read(e, 1 << 20);
                        streamAll(*zip, e);
                    } catch (const InputError&) {
                    }
                }
                ++opened;
            } catch (const InputError&) {
                ++refused;
            }
            // Anything else (std::bad_alloc, a crash) fails the test.
        }
    }
    CHECK(opened > 0);
    CHECK(refused > 0);
}
