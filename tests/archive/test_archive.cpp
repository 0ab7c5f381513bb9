// The archiving library API: writeBag, verifyBag, readBag, isBag.

#include "../../plugins/json/JsonFormat.h"

#include "qdx/Archive.h"
#include "qdx/Compare.h"
#include "qdx/Errors.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace qdx;

namespace {

FormatRegistry& registry() {
    static FormatRegistry reg;
    static bool init = false;
    if (!init) {
        Diagnostics d;
        reg.add(std::make_shared<jsonfmt::JsonFormatProvider>(), "built-in", d);
        init = true;
    }
    return reg;
}

std::string scratch(const std::string& name) {
    fs::path p = fs::temp_directory_path() / ("qdx-archive-test-" + std::to_string(::getpid())) / name;
    fs::remove_all(p);
    fs::create_directories(p.parent_path());
    return p.string();
}

std::string randomBytes(std::size_t n, unsigned seed) {
    std::mt19937 g(seed);
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(g() & 0xff);
    return s;
}

Project sampleProject(const std::string& videoPath) {
    Project p;
    p.name = "Archive test";
    p.origin = "unit test";
    p.themes.push_back(Theme{"T1", "Risk", "", "#FF0000", "", true, {}, {}});
    Source text;
    text.id = "S1";
    text.name = "Interview";
    text.text = std::string("Hello archive");
    p.sources.push_back(text);
    Source pic;
    pic.id = "{S2}";
    pic.name = "Photo";
    pic.kind = SourceKind::Picture;
    pic.mediaType = "image/png";
    pic.content = std::make_shared<MemoryBlob>(randomBytes(5000, 1), "photo");
    p.sources.push_back(pic);
    Source vid;
    vid.id = "S3";
    vid.name = "Video";
    vid.kind = SourceKind::Video;
    vid.mediaType = "video/mp4";
    vid.content = std::make_shared<FileBlob>(videoPath);
    p.sources.push_back(vid);
    Excerpt e;
    e.id = "E1";
    e.source = "S1";
    e.anchor = TextSpan{0, 5};
    e.codings.push_back(Coding{"C1", "T1", "", "", {}});
    p.excerpts.push_back(e);
    return p;
}

std::string writeVideo(std::size_t n) {
    std::string path = scratch("video.mp4");
    std::ofstream(path, std::ios::binary) << randomBytes(n, 2);
    return path;
}

void requireSame(const Project& a, const Project& b) {
    auto diffs = compareProjects(a, b);
    for (const auto& d : diffs) UNSCOPED_INFO(d.path << ": " << d.left << " | " << d.right);
    REQUIRE(diffs.empty());
}

} // namespace

TEST_CASE("a folder bag verifies, reads back equal and names tampering", "[archive]") {
    std::string video = writeVideo(3u << 20);
    Project p = sampleProject(video);
    std::string bag = scratch("folder-bag");
    Diagnostics diag;
    ArchiveSummary s = writeBag(p, video, bag, registry(), {}, diag);
    CHECK(s.sourceFiles == 2);
    CHECK(s.payloadFiles == 5);  // project.json, 2 sources, original, schema
    REQUIRE(isBag(bag));
    CHECK_FALSE(isEncryptedBag(bag));
    CHECK(verifyBag(bag).empty());
    Diagnostics rd;
    requireSame(p, readBag(bag, {}, registry(), rd));

    // One byte changed in the video.
    {
        std::fstream f(bag + "/data/sources/S3.mp4", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(1000);
        f.put('\x42');
    }
    auto problems = verifyBag(bag);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "data/sources/S3.mp4");
    CHECK(problems[0].message.find("checksum mismatch") != std::string::npos);

    // A bag folder is never overwritten.
    CHECK_THROWS_AS(writeBag(p, video, bag, registry(), {}, diag), OutputError);
}

TEST_CASE("a zip bag is streamed, hashed on the way and verifies", "[archive]") {
    std::string video = writeVideo(5u << 20);
    Project p = sampleProject(video);
    std::string bag = scratch("bag.zip");
    ArchiveOptions o;
    o.zip = true;
    Diagnostics diag;
    writeBag(p, video, bag, registry(), o, diag);
    REQUIRE(isBag(bag));
    CHECK(verifyBag(bag).empty());
    Diagnostics rd;
    requireSame(p, readBag(bag, {}, registry(), rd));
}

TEST_CASE("an encrypted bag needs its password", "[archive]") {
    std::string video = writeVideo(1u << 20);
    Project p = sampleProject(video);
    std::string bag = scratch("enc.zip");
    ArchiveOptions o;
    o.password = "s3cret";
    Diagnostics diag;
    writeBag(p, video, bag, registry(), o, diag);
    REQUIRE(isEncryptedBag(bag));
    REQUIRE(isBag(bag));
    CHECK_THROWS_AS(verifyBag(bag), InputError);
    CHECK_THROWS_AS(verifyBag(bag, "wrong"), InputError);
    CHECK(verifyBag(bag, "s3cret").empty());
    Diagnostics rd;
    Project back = readBag(bag, "s3cret", registry(), rd);
    requireSame(p, back);
    // The content is read (decrypted) from the spooled inner zip as long as the project lives.
    auto in = back.sources[2].content->open();
    std::ostringstream got;
    got << in->rdbuf();
    std::ifstream orig(video, std::ios::binary);
    std::ostringstream want;
    want << orig.rdbuf();
    CHECK(got.str() == want.str());
}

TEST_CASE("a source that lies about its size fails the archive and leaves nothing", "[archive]") {
    class LyingBlob final : public Blob {
    public:
        std::unique_ptr<std::istream> open() const override { return std::make_unique<std::istringstream>(std::string(100, 'x')); }
        std::optional<std::uint64_t> size() const override { return 10; }
        std::string describe() const override { return "lying blob"; }
    };
    Project p;
    p.name = "liar";
    Source s;
    s.id = "L";
    s.kind = SourceKind::Pdf;
    s.mediaType = "application/pdf";
    s.content = std::make_shared<LyingBlob>();
    p.sources.push_back(s);
    std::string bag = scratch("liar");
    Diagnostics diag;
    CHECK_THROWS(writeBag(p, {}, bag, registry(), {}, diag));
    CHECK_FALSE(fs::exists(bag));
    std::string zip = scratch("liar.zip");
    ArchiveOptions o;
    o.zip = true;
    CHECK_THROWS(writeBag(p, {}, zip, registry(), o, diag));
    CHECK_FALSE(fs::exists(zip));
}

TEST_CASE("passwords come from a file's first line or a variable", "[archive]") {
    std::string f = scratch("pw.txt");
    std::ofstream(f) << "pass word\r\nsecond line\n";
    CHECK(readPasswordFile(f) == "pass word");
    std::ofstream(f, std::ios::trunc) << "\n";
    CHECK_THROWS_AS(readPasswordFile(f), UsageError);
    CHECK_THROWS_AS(readPasswordEnv("QDX_TEST_SURELY_UNSET_VARIABLE"), UsageError);
}
