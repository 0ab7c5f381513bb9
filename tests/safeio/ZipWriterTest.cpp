// ZipWriter: round trips, raw copies of compressed members, determinism,
// encryption and error reporting.

#include "Helpers.h"

#include "qdx/Blob.h"
#include "qdx/Input.h"
#include "qdx/Zip.h"

#include <zip.h>
#include <zlib.h>

#include <filesystem>
#include <set>
#include <thread>

using namespace qdx;
using safeio::hostile;
using safeio::requireError;
namespace fs = std::filesystem;

namespace {

/// A private temporary folder, removed at the end of the test.
struct TempDir {
    fs::path path;
    TempDir()
    {
        std::string tmpl = (fs::temp_directory_path() / "qdx-safeio-XXXXXX").string();
        REQUIRE(mkdtemp(tmpl.data()));
        path = tmpl;
    }
    ~TempDir() { fs::remove_all(path); }
    std::string operator/(const std::string& name) const { return (path / name).string(); }
};

/// The compressed bytes of a member, read with libzip directly.
std::string compressedBytes(const std::string& file, const std::string& member)
{
    int err = 0;
    zip_t* za = zip_open(file.c_str(), ZIP_RDONLY, &err);
    REQUIRE(za);
    zip_file_t* f = zip_fopen(za, member.c_str(), ZIP_FL_COMPRESSED);
    REQUIRE(f);
    std::string out;
    char buf[65536];
    zip_int64_t n;
    while ((n = zip_fread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<std::size_t>(n));
    REQUIRE(n == 0);
    zip_fclose(f);
    zip_discard(za);
    return out;
}

/// A blob that declares one size and delivers another.
class LyingBlob final : public Blob {
public:
    std::unique_ptr<std::istream> open() const override { return std::make_unique<std::istringstream>(std::string(20, 'x')); }
    std::optional<std::uint64_t> size() const override { return 10; }
    std::string describe() const override { return "lying-blob"; }
};

/// A blob that cannot tell its size before it is read (like stdin).
class UnsizedBlob final : public Blob {
public:
    explicit UnsizedBlob(std::string data) : _data(std::move(data)) {}
    std::unique_ptr<std::istream> open() const override { return std::make_unique<std::istringstream>(_data); }
    std::optional<std::uint64_t> size() const override { return std::nullopt; }
    std::string describe() const override { return "unsized-blob"; }

private:
    std::string _data;
};

/// A blob whose stream fails halfway.
class FailingBlob final : public Blob {
public:
    std::unique_ptr<std::istream> open() const override
    {
        Location where;
        where.file = "failing-blob";
        throw InputError(where, "the disk went away");
    }
    std::optional<std::uint64_t> size() const override { return std::nullopt; }
    std::string describe() const override { return "failing-blob"; }
};

} // namespace

TEST_CASE("bytes, files and blobs round trip", "[zipwriter]")
{
    TempDir dir;
    {
        std::ofstream f(dir / "in.txt", std::ios::binary);
        f << std::string(300000, 'a');
    }
    std::string out = dir / "out.zip";
    {
        ZipWriter w(out);
        w.addBytes("project.qde", "<Project/>");
        w.addBytes("sources/stored.bin", std::string(1000, 'z'), false);
        w.addFile("sources/in.txt", dir / "in.txt");
        w.addBlob("sources/blob.txt", std::make_shared<MemoryBlob>(std::string(100000, 'b')));
        w.addBlob("sources/stored-file.txt", std::make_shared<FileBlob>(dir / "in.txt"), false);
        w.addBlob("sources/unsized.txt", std::make_shared<UnsizedBlob>(std::string(70000, 'u')));
        w.close();
    }
    auto zip = ZipReader::open(Input::fromFile(out));
    REQUIRE(zip->entries().size() == 6);
    CHECK(zip->read(*zip->find("project.qde"), 100) == "<Project/>");
    const auto* stored = zip->find("sources/stored.bin");
    CHECK(stored->method == 0);
    CHECK(zip->find("project.qde")->method == 8);
    CHECK(zip->read(*stored, 1000) == std::string(1000, 'z'));
    CHECK(zip->read(*zip->find("sources/in.txt"), 1 << 20) == std::string(300000, 'a'));
    CHECK(zip->find("sources/in.txt")->compressedSize < 10000);
    CHECK(zip->read(*zip->find("sources/blob.txt"), 1 << 20) == std::string(100000, 'b'));
    CHECK(zip->find("sources/stored-file.txt")->method == 0);
    CHECK(zip->read(*zip->find("sources/unsized.txt"), 1 << 20) == std::string(70000, 'u'));
}

TEST_CASE("a zip member is copied as its compressed bytes", "[zipwriter]")
{
    TempDir dir;
    std::string src = hostile("rawcopy_src.zip");
    std::string out = dir / "copy.zip";
    auto in = ZipReader::open(Input::fromFile(src));
    {
        ZipWriter w(out);
        for (const auto& e : in->entries()) w.addBlob("copied/" + e.name, in->blob(e), true);
        w.close();
    }
    auto copy = ZipReader::open(Input::fromFile(out));
    for (const auto& e : in->entries()) {
        INFO(e.name);
        const auto* c = copy->find("copied/" + e.name);
        REQUIRE(c);
        CHECK(c->method == e.method);  // stored stays stored though compress=true
        CHECK(c->compressedSize == e.compressedSize);
        // Level-1 deflate from Python: recompressing (libzip uses level 6) would change the bytes.
        CHECK(compressedBytes(out, "copied/" + e.name) == compressedBytes(src, e.name));
        CHECK(copy->read(*c, 1 << 30) == in->read(e, 1 << 30));  // and the CRC in the copy is right
    }
}

TEST_CASE("identical input gives identical bytes, in any time zone", "[zipwriter]")
{
    TempDir dir;
    auto write = [&](const std::string& path) {
        ZipWriter w(path);
        w.addBytes("project.qde", "<Project/>");
        w.addBytes("sources/a.txt", "text", false);
        w.addBlob("sources/b.txt", std::make_shared<MemoryBlob>("blob"));
        w.close();
        return safeio::slurp(path);
    };
    std::string a = write(dir / "a.zip");
    std::string b = write(dir / "b.zip");
    CHECK(a == b);
    const char* oldTz = std::getenv("TZ");
    std::string saved = oldTz ? oldTz : "";
    setenv("TZ", "America/New_York", 1);
    tzset();
    std::string c = write(dir / "c.zip");
    setenv("TZ", "Asia/Tokyo", 1);
    tzset();
    std::string d = write(dir / "d.zip");
    if (oldTz) setenv("TZ", saved.c_str(), 1); else unsetenv("TZ");
    tzset();
    CHECK(a == c);
    CHECK(a == d);

    // SOURCE_DATE_EPOCH (reproducible builds) sets the stamp, again independent of the zone.
    setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
    std::string e = write(dir / "e.zip");
    setenv("TZ", "America/New_York", 1);
    tzset();
    std::string f = write(dir / "f.zip");
    unsetenv("SOURCE_DATE_EPOCH");
    if (oldTz) setenv("TZ", saved.c_str(), 1); else unsetenv("TZ");
    tzset();
    CHECK(e != a);
    CHECK(e == f);
    int err = 0;
    zip_t* za = zip_open((dir / "e.zip").c_str(), ZIP_RDONLY, &err);
    REQUIRE(za);
    zip_stat_t st;
    REQUIRE(zip_stat_index(za, 0, 0, &st) == 0);
    std::tm tm{};
    localtime_r(&st.mtime, &tm);  // libzip reads DOS time as local time
    CHECK(tm.tm_year == 123);       // 2023-11-14 22:13:20 UTC, to DOS's 2 s
    CHECK(tm.tm_mon == 10);
    CHECK(tm.tm_mday == 14);
    CHECK(tm.tm_hour == 22);
    CHECK(tm.tm_min == 13);
    zip_discard(za);
}

TEST_CASE("an empty archive is written, not removed", "[zipwriter]")
{
    TempDir dir;
    std::string out = dir / "empty.zip";
    {
        std::ofstream touch(out);  // as an AtomicFile temporary would be
    }
    ZipWriter w(out);
    w.close();
    CHECK(fs::file_size(out) == 22);
    CHECK(ZipReader::open(Input::fromFile(out))->entries().empty());
}

TEST_CASE("password: AES-256 members", "[zipwriter]")
{
    TempDir dir;
    std::string out = dir / "secret.zip";
    {
        ZipWriter w(out);
        w.addBytes("plain.txt", "open");
        w.setPassword("s3cret");
        w.addBytes("secret.txt", std::string(5000, 's'));
        auto good = ZipReader::open(Input::fromFile(hostile("good.zip")));
        w.addBlob("copied.txt", good->blob(*good->find("project.qde")));  // raw copy, then encrypted
        w.close();
    }
    requireError<InputError>([&] { ZipReader::open(Input::fromFile(out)); }, "secret.txt", "encrypted");
    ZipLimits withPassword;
    withPassword.password = "s3cret";
    auto zip = ZipReader::open(Input::fromFile(out), withPassword);
    CHECK_FALSE(zip->find("plain.txt")->encrypted);
    CHECK(zip->find("secret.txt")->encrypted);
    CHECK(zip->read(*zip->find("secret.txt"), 1 << 20) == std::string(5000, 's'));
    CHECK(zip->read(*zip->find("copied.txt"), 1 << 20).size() == 1100);
    ZipLimits wrong;
    wrong.password = "wrong";
    auto bad = ZipReader::open(Input::fromFile(out), wrong);
    requireError<InputError>([&] { bad->read(*bad->find("secret.txt"), 1 << 20); }, "secret.txt", "password");
}

TEST_CASE("writer errors", "[zipwriter]")
{
    TempDir dir;
    SECTION("unsafe and colliding names")
    {
        ZipWriter w(dir / "x.zip");
        CHECK_THROWS_AS(w.addBytes("../x", "x"), OutputError);
        CHECK_THROWS_AS(w.addBytes("a\\b", "x"), OutputError);
        w.addBytes("Project.qde", "x");
        CHECK_THROWS_AS(w.addBytes("project.QDE", "x"), OutputError);
        CHECK_THROWS_AS(w.addFile("missing.txt", dir / "missing.txt"), InputError);
    }
    SECTION("a folder that does not exist")
    {
        CHECK_THROWS_AS(
            [&] {
                ZipWriter w(dir / "no/such/folder/x.zip");
                w.addBytes("a.txt", "x");
                w.close();
            }(),
            OutputError);
    }
    SECTION("a blob that lies about its size")
    {
        ZipWriter w(dir / "x.zip");
        w.addBlob("a.txt", std::make_shared<LyingBlob>());
        try {
            w.close();
            FAIL("no error");
        } catch (const InputError& e) {
            CHECK(std::string(e.what()).find("lying-blob delivers more") != std::string::npos);
        }
    }
    SECTION("a blob that cannot be read: its own error comes out of close()")
    {
        ZipWriter w(dir / "x.zip");
        w.addBlob("a.txt", std::make_shared<FailingBlob>());
        try {
            w.close();
            FAIL("no error");
        } catch (const InputError& e) {
            CHECK(std::string(e.what()).find("the disk went away") != std::string::npos);
        }
        CHECK_THROWS_AS(w.close(), OutputError);  // closed (discarded) already
    }
    SECTION("a source member with a CRC error")
    {
        auto bad = ZipReader::open(Input::fromFile(hostile("bad_crc.zip")));
        ZipWriter w(dir / "x.zip");
        // A raw copy moves compressed bytes without inflating them, so it cannot see
        // the CRC error; a streamed (recompressed) copy does.
        w.addBlob("a.txt", std::make_shared<MemoryBlob>("ok"));
        auto member = bad->blob(*bad->find("bad.txt"));
        struct Wrapped final : Blob {
            std::shared_ptr<Blob> inner;
            std::unique_ptr<std::istream> open() const override { return inner->open(); }
            std::optional<std::uint64_t> size() const override { return inner->size(); }
            std::string describe() const override { return inner->describe(); }
        };
        auto wrapped = std::make_shared<Wrapped>();
        wrapped->inner = member;
        w.addBlob("b.txt", wrapped);
        requireError<InputError>([&] { w.close(); }, "bad.txt", "CRC");
    }
}

namespace {

/// Bytes that do not compress: a member that stays large when deflated.
std::string noise(std::size_t n, std::uint32_t seed)
{
    std::string s(n, '\0');
    for (auto& c : s) {
        seed = seed * 1664525u + 1013904223u;
        c = static_cast<char>(seed >> 24);
    }
    return s;
}

} // namespace

TEST_CASE("a stored member copied raw: same bytes from disk and from memory, CRC checked", "[zipwriter]")
{
    TempDir dir;
    const std::string video = noise((3u << 20) + 12345, 7);  // several 1 MiB chunks and a tail
    const std::string src = dir / "src.zip";
    {
        ZipWriter w(src);
        w.addBytes("project.qde", std::string(50000, 'p'));
        w.addBytes("sources/video.mp4", video, false);
        w.addBytes("sources/doc.txt", noise(200000, 3) + std::string(200000, 'd'));
        w.close();
    }
    auto copyAll = [&](const std::shared_ptr<ZipReader>& in, const std::string& out) {
        ZipWriter w(out);
        for (const auto& e : in->entries()) w.addBlob("copy/" + e.name, in->blob(e));
        w.close();
    };
    // From disk the bytes bypass libzip (pread / copy_file_range); from memory
    // they go through libzip: both must write the very same archive.
    copyAll(ZipReader::open(Input::fromFile(src)), dir / "from-file.zip");
    copyAll(ZipReader::open(Input::fromMemory(safeio::slurp(src), "src.zip")), dir / "from-memory.zip");
    CHECK(safeio::slurp(dir / "from-file.zip") == safeio::slurp(dir / "from-memory.zip"));
    auto copy = ZipReader::open(Input::fromFile(dir / "from-file.zip"));
    const auto* v = copy->find("copy/sources/video.mp4");
    REQUIRE(v);
    CHECK(v->method == 0);
    CHECK(copy->read(*v, 1 << 30) == video);
    CHECK(copy->read(*copy->find("copy/sources/doc.txt"), 1 << 30).size() == 400000);
    CHECK(compressedBytes(dir / "from-file.zip", "copy/sources/doc.txt") == compressedBytes(src, "sources/doc.txt"));

    // One flipped byte in the stored data: the raw copy refuses it, from disk
    // and from memory, and leaves no archive behind.
    std::string bytes = safeio::slurp(src);
    auto at = bytes.find(video.substr(2 << 20, 64));
    REQUIRE(at != std::string::npos);
    bytes[at + 10] = static_cast<char>(bytes[at + 10] ^ 0x20);
    {
        std::ofstream f(dir / "bad.zip", std::ios::binary);
        f << bytes;
    }
    std::string out = dir / "bad-copy.zip";
    requireError<InputError>([&] { copyAll(ZipReader::open(Input::fromFile(dir / "bad.zip")), out); },
                             "sources/video.mp4", "CRC");
    CHECK_FALSE(fs::exists(out));
    requireError<InputError>([&] { copyAll(ZipReader::open(Input::fromMemory(bytes, "bad.zip")), out); },
                             "sources/video.mp4", "CRC");
    CHECK_FALSE(fs::exists(out));
}

TEST_CASE("more than 65535 members: ZIP64 end records", "[zipwriter]")
{
    TempDir dir;
    const std::string out = dir / "many.zip";
    const std::size_t n = 70000;
    {
        ZipWriter w(out);
        for (std::size_t i = 0; i < n; ++i) w.addBytes("m/" + std::to_string(i), std::to_string(i), i % 2 == 0);
        w.close();
    }
    auto zip = ZipReader::open(Input::fromFile(out));  // libzip, with consistency checks
    REQUIRE(zip->entries().size() == n);
    CHECK(zip->read(*zip->find("m/69999"), 100) == "69999");
    CHECK(zip->read(*zip->find("m/12344"), 100) == "12344");
}

TEST_CASE("a failed close leaves no partial archive", "[zipwriter]")
{
    TempDir dir;
    auto fail = [&](const std::string& path) {
        ZipWriter w(path);
        w.addBytes("big.bin", noise(3u << 20, 1), false);
        w.addBlob("b.txt", std::make_shared<FailingBlob>());
        CHECK_THROWS_AS(w.close(), InputError);
    };
    fail(dir / "new.zip");
    CHECK_FALSE(fs::exists(dir / "new.zip"));  // created by close(): removed
    {
        std::ofstream touch(dir / "old.zip");  // as an AtomicFile temporary would be
    }
    fail(dir / "old.zip");
    REQUIRE(fs::exists(dir / "old.zip"));  // not ours to remove: left empty
    CHECK(fs::file_size(dir / "old.zip") == 0);
}

TEST_CASE("non-ASCII member names are marked UTF-8", "[zipwriter]")
{
    TempDir dir;
    const std::string out = dir / "names.zip";
    const std::string name = "sources/\xc3\x84rger \xe2\x80\x93 Interview.txt";  // "Ärger – Interview.txt"
    {
        ZipWriter w(out);
        w.addBytes("ascii.txt", "a");
        w.addBytes(name, "b");
        w.close();
    }
    std::string bytes = safeio::slurp(out);
    auto flags = [&](std::size_t at) { return static_cast<unsigned char>(bytes[at + 6]) | static_cast<unsigned char>(bytes[at + 7]) << 8; };
    CHECK((flags(0) & 0x0800) == 0);  // the first local header: ASCII
    auto second = bytes.find("PK\x03\x04", 4);
    REQUIRE(second != std::string::npos);
    CHECK((flags(second) & 0x0800) != 0);
    int err = 0;
    zip_t* za = zip_open(out.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &err);
    REQUIRE(za);
    CHECK(std::string(zip_get_name(za, 1, ZIP_FL_ENC_STRICT)) == name);
    zip_discard(za);
    auto zip = ZipReader::open(Input::fromFile(out));
    CHECK(zip->read(*zip->find(name), 10) == "b");
}

TEST_CASE("stored members copied raw at the read window's edges: sizes 0, 1 MiB +- 1, 2 MiB, 8 MiB", "[zipwriter]")
{
    // The raw copy of a stored member reads in 1 MiB pieces and starts
    // writeback every 8 MiB: members ending just before, at and just after
    // those edges, and an empty one, must come out byte for byte, and a
    // flipped byte in the last piece (or in a piece of one byte) must still
    // be caught by the CRC check.
    TempDir dir;
    const std::size_t mib = 1u << 20;
    const std::vector<std::size_t> sizes{0, 1, mib - 1, mib, mib + 1, 2 * mib, 8 * mib};
    std::vector<std::string> data;
    const std::string src = dir / "src.zip";
    {
        ZipWriter w(src);
        for (std::size_t i = 0; i < sizes.size(); ++i) {
            data.push_back(noise(sizes[i], static_cast<std::uint32_t>(100 + i)));
            w.addBytes("m" + std::to_string(i), data.back(), false);
        }
        w.close();
    }
    auto copyAll = [&](const std::string& from, const std::string& out) {
        auto in = ZipReader::open(Input::fromFile(from));
        ZipWriter w(out);
        for (const auto& e : in->entries()) w.addBlob(e.name, in->blob(e));
        w.close();
    };
    const std::string out = dir / "copy.zip";
    copyAll(src, out);
    CHECK(safeio::slurp(out) == safeio::slurp(src));  // same names, order, methods and time stamps
    auto copy = ZipReader::open(Input::fromFile(out));
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        const auto* e = copy->find("m" + std::to_string(i));
        REQUIRE(e);
        CHECK(e->method == 0);
        CHECK(e->size == sizes[i]);
        CHECK(copy->read(*e, 1 << 30) == data[i]);
    }

    // The last byte of a member that fills its window exactly (2 MiB), of
    // one whose last window holds one byte (1 MiB + 1), and of the 8 MiB one.
    const std::string bytes = safeio::slurp(src);
    for (std::size_t i : {std::size_t{5}, std::size_t{4}, std::size_t{6}}) {
        INFO("member m" << i << " of " << sizes[i] << " bytes");
        auto at = bytes.find(data[i].substr(data[i].size() - 64));
        REQUIRE(at != std::string::npos);
        std::string bad = bytes;
        bad[at + 63] = static_cast<char>(bad[at + 63] ^ 0x01);
        const std::string badPath = dir / "bad.zip";
        {
            std::ofstream f(badPath, std::ios::binary | std::ios::trunc);
            f << bad;
        }
        const std::string badOut = dir / "bad-copy.zip";
        requireError<InputError>([&] { copyAll(badPath, badOut); }, "m" + std::to_string(i), "CRC");
        CHECK_FALSE(fs::exists(badOut));
    }
}

namespace {

/// Compressible text: words of a small vocabulary picked by a PRNG.
std::string words(std::size_t n, std::uint32_t seed)
{
    static const char* vocab[] = {"hotline ", "shelter ", "Bishkek ", "Osh ", "victims ", "trafficking ", "Astana ",
                                  "report\r\n", "2020 ", "the ", "and ", "of ", "\xD0\xB4\xD0\xB5\xD1\x82\xD0\xB8 ", "\xF0\x9F\x99\x82 "};
    std::string s;
    s.reserve(n + 16);
    std::uint32_t x = seed * 2654435761u + 1;
    while (s.size() < n) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        s += vocab[x % (sizeof vocab / sizeof *vocab)];
    }
    s.resize(n);
    return s;
}

/// One raw deflate stream of the whole input at `level`, as a single-threaded writer makes it.
std::size_t serialDeflatedSize(const std::string& in, int level)
{
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, level, Z_DEFLATED, -MAX_WBITS, MAX_MEM_LEVEL, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&zs, in.size()) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    std::size_t n = out.size() - zs.avail_out;
    deflateEnd(&zs);
    return n;
}

/// Inflates a raw deflate stream with zlib, requiring that it ends exactly at its last byte.
std::string rawInflate(const std::string& in)
{
    z_stream zs{};
    REQUIRE(inflateInit2(&zs, -MAX_WBITS) == Z_OK);
    std::string out;
    char buf[1 << 16];
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    zs.avail_in = static_cast<uInt>(in.size());
    int rc = Z_OK;
    while (rc == Z_OK) {
        zs.next_out = reinterpret_cast<Bytef*>(buf);
        zs.avail_out = sizeof buf;
        rc = inflate(&zs, Z_NO_FLUSH);
        out.append(buf, sizeof buf - zs.avail_out);
    }
    CHECK(rc == Z_STREAM_END);
    CHECK(zs.avail_in == 0);
    inflateEnd(&zs);
    return out;
}

} // namespace

TEST_CASE("large members are deflated on every core as one valid stream, the same bytes each time", "[zipwriter]")
{
    // Members above 4 MiB are cut into 1 MiB blocks deflated in parallel, each primed with
    // the 32 KiB before it: sizes just above the threshold, an exact number of blocks (the
    // last block empty) and an uneven one, from bytes and from a file.
    TempDir dir;
    const std::size_t mib = 1u << 20;
    const std::vector<std::size_t> sizes{4 * mib + 1, 5 * mib, 6 * mib + 12345};
    std::vector<std::string> data;
    for (std::size_t i = 0; i < sizes.size(); ++i) data.push_back(words(sizes[i], static_cast<std::uint32_t>(7 + i)));
    {
        std::ofstream f(dir / "big.txt", std::ios::binary);
        f << data[2];
    }
    auto write = [&](const std::string& out) {
        ZipWriter w(out);
        w.addBytes("a.qde", data[0]);
        w.addBytes("b.qde", data[1]);
        w.addFile("c.qde", dir / "big.txt");
        w.close();
    };
    const std::string one = dir / "one.zip", two = dir / "two.zip";
    write(one);
    write(two);
    CHECK(safeio::slurp(one) == safeio::slurp(two));

    auto zip = ZipReader::open(Input::fromFile(one));  // libzip inflates and checks each CRC
    const char* names[] = {"a.qde", "b.qde", "c.qde"};
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        INFO(names[i] << ": " << sizes[i] << " bytes");
        const auto* e = zip->find(names[i]);
        REQUIRE(e);
        CHECK(e->method == 8);
        CHECK(e->size == sizes[i]);
        CHECK(zip->read(*e, 1 << 30) == data[i]);
        std::string raw = compressedBytes(one, names[i]);
        CHECK(rawInflate(raw) == data[i]);  // zlib alone, the stream ends where the member ends
        // priming each block with the one before keeps the size within 1 % of one stream
        std::size_t serial = serialDeflatedSize(data[i], 6);
        CHECK(raw.size() <= serial + serial / 100);
        if (std::thread::hardware_concurrency() > 1) {
            // blocks deflated apart: each but the last ends with a sync flush (00 00 FF FF)
            std::size_t flushes = 0;
            for (std::size_t at = 0; (at = raw.find(std::string("\0\0\xFF\xFF", 4), at)) != std::string::npos; ++at) ++flushes;
            CHECK(flushes >= (sizes[i] - 1) / mib);
        }
    }
}

TEST_CASE("a write error while large members are deflated in parallel is an OutputError, not a hang", "[zipwriter]")
{
    if (!fs::exists("/dev/full")) return;
    // /dev/full takes no byte: the first block the writer hands to the file fails (ENOSPC),
    // with worker threads still deflating the blocks behind it.
    const std::string big = words(9u << 20, 3);
    ZipWriter w("/dev/full");
    w.addBytes("big.qde", big);
    w.addBytes("big2.qde", big);
    try {
        w.close();
        FAIL("close() succeeded on /dev/full");
    } catch (const OutputError& e) {
        CHECK(std::string(e.what()).find("/dev/full") != std::string::npos);
    }
}

