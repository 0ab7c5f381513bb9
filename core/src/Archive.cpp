// BagIt 1.0 (RFC 8493) archives of a project: writing, verifying, reading.
//
// Everything large is streamed: payload files are hashed while they are
// copied (a folder bag) or while libzip pulls them (a zip bag), so a 1 GB
// video is read once. In a zip the manifests and bag-info.txt come after the
// payload and are produced lazily, when libzip reaches them, from the digests
// gathered on the way; a digest that is missing then (libzip did not read a
// member to its end) is computed by reading the member again.

#include "qdx/Archive.h"

#include "qdx/AtomicFile.h"
#include "qdx/Errors.h"
#include "qdx/Input.h"
#include "qdx/Json.h"
#include "qdx/Zip.h"

#include <Poco/DigestEngine.h>
#include <Poco/Path.h>
#include <Poco/SHA2Engine.h>

#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <streambuf>
#include <sys/stat.h>
#include <unistd.h>

#ifndef QDX_CORE_VERSION
#define QDX_CORE_VERSION "0"
#endif

namespace qdx::detail {
extern const unsigned char kProjectSchema[];
extern const std::size_t kProjectSchemaSize;
} // namespace qdx::detail

namespace fs = std::filesystem;

namespace qdx {

namespace {

constexpr std::size_t kChunk = 1u << 20;
const char* const kManifest = "manifest-sha256.txt";
const char* const kTagManifest = "tagmanifest-sha256.txt";
const char* const kBagInfo = "bag-info.txt";
const char* const kBagIt = "bagit.txt";
const char* const kReadme = "README.txt";

std::string schemaFileName() { return std::string("qdx-project-") + kModelVersion + ".schema.json"; }

// ---------------------------------------------------------------- digests

struct Digest {
    std::string hex;
    std::uint64_t size = 0;
};

Digest digestOf(std::string_view bytes) {
    Poco::SHA2Engine e(Poco::SHA2Engine::SHA_256);
    e.update(bytes.data(), bytes.size());
    return {Poco::DigestEngine::digestToHex(e.digest()), bytes.size()};
}

/// Hashes a stream to its end, optionally copying it to `out`.
Digest hashStream(std::istream& in, std::FILE* out, const std::string& what, const std::string& outName) {
    Poco::SHA2Engine e(Poco::SHA2Engine::SHA_256);
    std::vector<char> buf(kChunk);
    std::uint64_t total = 0;
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        auto got = static_cast<std::size_t>(in.gcount());
        if (got == 0) break;
        e.update(buf.data(), got);
        total += got;
        if (out && std::fwrite(buf.data(), 1, got, out) != got)
            throw OutputError("cannot write '" + outName + "': " + std::strerror(errno));
    }
    if (in.bad()) throw InputError(Location{what, {}, 0, 0, static_cast<long long>(total)}, "read error");
    return {Poco::DigestEngine::digestToHex(e.digest()), total};
}

/// A streambuf that hands on the bytes of another stream and hashes them;
/// on reaching the end it calls `done` with the digest.
class HashingBuf final : public std::streambuf {
public:
    HashingBuf(std::unique_ptr<std::istream> in, std::function<void(const Digest&)> done)
        : _in(std::move(in)), _done(std::move(done)), _buf(kChunk), _engine(Poco::SHA2Engine::SHA_256) {}

protected:
    int_type underflow() override {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (_finished) return traits_type::eof();
        _in->read(_buf.data(), static_cast<std::streamsize>(_buf.size()));
        auto got = static_cast<std::size_t>(_in->gcount());
        if (_in->bad()) throw InputError("read error after " + std::to_string(_total) + " bytes");
        if (got == 0) {
            _finished = true;
            _done({Poco::DigestEngine::digestToHex(_engine.digest()), _total});
            return traits_type::eof();
        }
        _engine.update(_buf.data(), got);
        _total += got;
        setg(_buf.data(), _buf.data(), _buf.data() + got);
        return traits_type::to_int_type(*gptr());
    }

private:
    std::unique_ptr<std::istream> _in;
    std::function<void(const Digest&)> _done;
    std::vector<char> _buf;
    Poco::SHA2Engine _engine;
    std::uint64_t _total = 0;
    bool _finished = false;
};

/// An istream owning its streambuf.
template <class Buf>
class OwningIStream final : public std::istream {
public:
    explicit OwningIStream(std::unique_ptr<Buf> buf) : std::istream(nullptr), _buf(std::move(buf)) {
        rdbuf(_buf.get());
        // A failing inner stream throws from the streambuf: let that exception
        // (which names the problem) through instead of a bare badbit.
        exceptions(std::ios::badbit);
    }

private:
    std::unique_ptr<Buf> _buf;
};

// ---------------------------------------------------------------- helpers

std::string twoDigits(int v) { return (v < 10 ? "0" : "") + std::to_string(v); }

std::string today() {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    localtime_r(&t, &tm);
    return std::to_string(tm.tm_year + 1900) + "-" + twoDigits(tm.tm_mon + 1) + "-" + twoDigits(tm.tm_mday);
}

std::string humanSize(std::uint64_t n) {
    const char* units[] = {"bytes", "KB", "MB", "GB", "TB"};
    double v = static_cast<double>(n);
    int u = 0;
    while (v >= 1000.0 && u < 4) {
        v /= 1000.0;
        ++u;
    }
    char buf[64];
    if (u == 0) std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(n));
    else std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

/// A bag-info value on one line: control characters become spaces, long values are cut.
std::string infoValue(std::string_view s) {
    std::string out;
    for (char c : s) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? ' ' : c;
    if (out.size() > 400) {
        std::size_t cut = 400;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;  // keep UTF-8 whole
        out = out.substr(0, cut) + "...";
    }
    return out;
}

/// RFC 8493 §2.1.3: CR, LF and % in manifest paths are percent-encoded.
std::string encodeManifestPath(std::string_view p) {
    std::string out;
    for (char c : p) {
        if (c == '%') out += "%25";
        else if (c == '\r') out += "%0D";
        else if (c == '\n') out += "%0A";
        else out += c;
    }
    return out;
}

std::string decodeManifestPath(std::string_view p) {
    std::string out;
    for (std::size_t i = 0; i < p.size(); ++i) {
        if (p[i] == '%' && i + 2 < p.size()) {
            std::string h(p.substr(i + 1, 2));
            for (auto& c : h) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            if (h == "25") { out += '%'; i += 2; continue; }
            if (h == "0D") { out += '\r'; i += 2; continue; }
            if (h == "0A") { out += '\n'; i += 2; continue; }
        }
        out += p[i];
    }
    return out;
}

/// A file name segment made of [A-Za-z0-9._-]; anything else becomes '_'.
std::string safeSegment(std::string_view s, std::size_t maxLen = 96) {
    std::string out;
    for (char c : s) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                  c == '_';
        out += ok ? c : '_';
    }
    while (!out.empty() && out.front() == '.') out.erase(out.begin());
    if (out.size() > maxLen) out.resize(maxLen);
    return out;
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

/// The suffix of the last path component, lower case, without dot; empty when none or odd.
std::string suffixOf(const std::string& path) {
    auto slash = path.find_last_of("/\\");
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    auto dot = base.find_last_of('.');
    if (dot == std::string::npos || dot == 0 || dot + 1 == base.size()) return {};
    std::string ext = lower(base.substr(dot + 1));
    if (ext.size() > 8) return {};
    for (char c : ext)
        if (!std::isalnum(static_cast<unsigned char>(c))) return {};
    return ext;
}

std::string extensionFor(const Source& s) {
    std::string ext = suffixOf(s.path);
    if (!ext.empty()) return ext;
    static const std::map<std::string, std::string> byType{
        {"application/pdf", "pdf"},   {"image/jpeg", "jpg"},      {"image/png", "png"},      {"image/gif", "gif"},
        {"image/tiff", "tif"},        {"image/bmp", "bmp"},       {"image/webp", "webp"},    {"audio/mpeg", "mp3"},
        {"audio/mp3", "mp3"},         {"audio/wav", "wav"},       {"audio/x-wav", "wav"},    {"audio/mp4", "m4a"},
        {"audio/x-m4a", "m4a"},       {"audio/ogg", "ogg"},       {"video/mp4", "mp4"},      {"video/quicktime", "mov"},
        {"video/x-msvideo", "avi"},   {"video/webm", "webm"},     {"video/mpeg", "mpg"},     {"text/plain", "txt"},
        {"text/html", "html"},        {"application/rtf", "rtf"}, {"text/rtf", "rtf"},       {"text/csv", "csv"},
        {"application/msword", "doc"},
        {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
    };
    auto it = byType.find(lower(s.mediaType));
    if (it != byType.end()) return it->second;
    if (s.content) {
        ext = suffixOf(s.content->describe());
        if (!ext.empty()) return ext;
    }
    return "bin";
}

/// Already compressed media are stored; text-like files are deflated.
bool worthCompressing(const std::string& ext) {
    static const std::set<std::string> k{"txt", "json", "csv", "tsv", "xml", "html", "htm", "rtf", "qde", "md", "doc"};
    return k.count(ext) != 0;
}

/// A fresh private (0700) temporary folder, removed with everything in it.
class PrivateTempDir {
public:
    explicit PrivateTempDir(const std::string& parent) {
        std::string base = parent.empty() ? Poco::Path::temp() : parent;
        if (base.empty()) base = "/tmp";
        if (base.back() != '/') base += '/';
        std::string templ = base + "qdx-bag-XXXXXX";
        std::vector<char> buf(templ.begin(), templ.end());
        buf.push_back('\0');
        if (!::mkdtemp(buf.data()))
            throw OutputError("cannot create a private temporary folder in '" + base + "': " + std::strerror(errno));
        _path = buf.data();
    }
    ~PrivateTempDir() {
        std::error_code ec;
        fs::remove_all(_path, ec);
    }
    PrivateTempDir(const PrivateTempDir&) = delete;
    PrivateTempDir& operator=(const PrivateTempDir&) = delete;
    const std::string& path() const { return _path; }

private:
    std::string _path;
};

std::string readSmallFile(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw InputError(Location{path, {}, 0, 0, -1}, "cannot open");
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}

// ---------------------------------------------------------------- canonical JSON with hrefs

void prettyJson(const Json& v, std::string& out, int indent) {
    auto nl = [&](int n) {
        out += '\n';
        out.append(static_cast<std::size_t>(n) * 2, ' ');
    };
    switch (v.type()) {
    case Json::Type::Null: out += "null"; break;
    case Json::Type::Bool: out += v.asBool() ? "true" : "false"; break;
    case Json::Type::Number: out += v.numberText(); break;
    case Json::Type::String: appendJsonString(out, v.asString()); break;
    case Json::Type::Array: {
        const auto& a = v.asArray();
        if (a.empty()) {
            out += "[]";
            break;
        }
        out += '[';
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (i) out += ',';
            nl(indent + 1);
            prettyJson(a[i], out, indent + 1);
        }
        nl(indent);
        out += ']';
        break;
    }
    case Json::Type::Object: {
        const auto& o = v.asObject();
        if (o.empty()) {
            out += "{}";
            break;
        }
        out += '{';
        for (std::size_t i = 0; i < o.size(); ++i) {
            if (i) out += ',';
            nl(indent + 1);
            appendJsonString(out, o[i].first);
            out += ": ";
            prettyJson(o[i].second, out, indent + 1);
        }
        nl(indent);
        out += '}';
        break;
    }
    }
}

JsonLimits bigJsonLimits() {
    JsonLimits l;
    l.maxBytes = std::size_t(2) << 30;
    l.maxDepth = 512;
    return l;
}

/// The canonical JSON of `p` with every source's content referenced by an
/// href relative to data/ (the json format's writer with media=omit, then
/// the hrefs added).
std::string canonicalJsonWithHrefs(const Project& p, const std::map<std::size_t, std::string>& hrefBySource,
                                   const FormatRegistry& registry, const std::string& scratchFolder, Diagnostics& diag) {
    const FormatRegistry::Entry* e = registry.find("json");
    if (!e || !e->info.canWrite)
        throw UsageError("archiving needs the 'json' format plugin (canonical JSON); it is not loaded (see 'qdx formats')");
    Options opts = FormatRegistry::makeOptions(*e, {{"media", "omit"}}, true);
    std::string tmp = scratchFolder + "/project.json";
    Diagnostics wdiag;
    registry.write(*e, p, tmp, opts, wdiag);
    for (const auto& d : wdiag.all())
        if (d.code != "lossy.media-omitted") diag.report(d);  // the media are in data/sources
    std::string text = readSmallFile(tmp);
    std::remove(tmp.c_str());
    Json root = parseJson(text, "canonical JSON of the project", bigJsonLimits());
    text.clear();
    text.shrink_to_fit();
    if (!hrefBySource.empty()) {
        Json* sources = nullptr;
        if (root.isObject())
            for (auto& [k, v] : root.asObject())
                if (k == "sources" && v.isArray()) sources = &v;
        if (!sources || sources->asArray().size() != p.sources.size())
            throw OutputError("the json writer's sources do not match the project's");
        auto& arr = sources->asArray();
        for (const auto& [index, href] : hrefBySource) {
            Json& s = arr[index];
            const Json* id = s.find("id");
            if (!id || !id->isString() || id->asString() != p.sources[index].id)
                throw OutputError("the json writer's source " + std::to_string(index) + " is not '" + p.sources[index].id + "'");
            bool done = false;
            if (s.isObject())
                for (auto& [k, v] : s.asObject())
                    if (k == "content" && v.isObject()) {
                        v.set("href", href);
                        done = true;
                    }
            if (!done) throw OutputError("the json writer wrote no content object for source '" + p.sources[index].id + "'");
        }
    }
    std::string out;
    prettyJson(root, out, 0);
    out += '\n';
    return out;
}

// ---------------------------------------------------------------- writing

/// One payload file of the bag being written.
struct PayloadFile {
    std::string rel;                     ///< "data/sources/A.mp4"
    std::shared_ptr<const Blob> blob;    ///< streamed content, or
    std::string bytes;                   ///< content in memory (when blob is null)
    bool compress = true;
    std::optional<Digest> digest;
};

struct BagPlan {
    std::string baseName;
    std::vector<std::shared_ptr<PayloadFile>> payload;
    std::vector<std::pair<std::string, std::string>> infoFields;
    std::string bagit = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n";
    std::string readme;
    std::optional<std::string> bagInfoText, manifestText, tagManifestText;

    /// Makes sure every payload digest is known (reading again what was not hashed on the way).
    void completeDigests() {
        for (auto& f : payload)
            if (!f->digest) {
                if (f->blob) {
                    auto in = f->blob->open();
                    f->digest = hashStream(*in, nullptr, f->blob->describe(), {});
                } else {
                    f->digest = digestOf(f->bytes);
                }
            }
    }

    void finalize() {
        if (manifestText) return;
        completeDigests();
        std::vector<std::pair<std::string, std::string>> lines;
        std::uint64_t bytes = 0;
        for (const auto& f : payload) {
            lines.emplace_back(f->rel, f->digest->hex);
            bytes += f->digest->size;
        }
        std::sort(lines.begin(), lines.end());
        std::string m;
        for (const auto& [rel, hex] : lines) m += hex + "  " + encodeManifestPath(rel) + "\n";
        manifestText = m;
        std::string bi;
        bi += "Bag-Software-Agent: qdx " QDX_CORE_VERSION "\n";
        bi += "Bagging-Date: " + today() + "\n";
        bi += "Payload-Oxum: " + std::to_string(bytes) + "." + std::to_string(payload.size()) + "\n";
        bi += "Bag-Size: " + humanSize(bytes) + "\n";
        for (const auto& [k, v] : infoFields) bi += k + ": " + infoValue(v) + "\n";
        bagInfoText = bi;
        std::vector<std::pair<std::string, std::string>> tags{{kBagIt, bagit}, {kBagInfo, bi}, {kReadme, readme}, {kManifest, m}};
        std::sort(tags.begin(), tags.end());
        std::string t;
        for (const auto& [name, text] : tags) t += digestOf(text).hex + "  " + name + "\n";
        tagManifestText = t;
    }
};

/// A blob whose bytes are produced on first open (the lazily written tag files).
class LazyTextBlob final : public Blob {
public:
    LazyTextBlob(std::function<std::string()> make, std::string name) : _make(std::move(make)), _name(std::move(name)) {}
    std::unique_ptr<std::istream> open() const override { return std::make_unique<std::istringstream>(_make()); }
    std::optional<std::uint64_t> size() const override { return std::nullopt; }
    std::string describe() const override { return _name; }

private:
    std::function<std::string()> _make;
    std::string _name;
};

/// A payload blob hashed while libzip reads it.
class HashingBlob final : public Blob {
public:
    explicit HashingBlob(std::shared_ptr<PayloadFile> f) : _f(std::move(f)) {}
    std::unique_ptr<std::istream> open() const override {
        auto file = _f;
        auto buf = std::make_unique<HashingBuf>(file->blob->open(), [file](const Digest& d) { file->digest = d; });
        return std::make_unique<OwningIStream<HashingBuf>>(std::move(buf));
    }
    std::optional<std::uint64_t> size() const override { return _f->blob->size(); }
    std::string describe() const override { return _f->blob->describe(); }

private:
    std::shared_ptr<PayloadFile> _f;
};

/// data/report.html, the project as a page any browser shows, written by the
/// "html" format (plugins/html) when it is loaded. It lists what reading
/// reported; what it leaves out of the page it says on the page, so its own
/// diagnostics are not the bag's (the bag's data are in project.json).
std::shared_ptr<PayloadFile> readableReport(const Project& p, const FormatRegistry& registry,
                                            const std::string& scratchFolder, Diagnostics& diag) {
    const FormatRegistry::Entry* e = registry.find("html");
    if (!e || !e->info.canWrite) {
        diag.info("info.archive-no-report", "the html format is not loaded: the bag holds no data/report.html");
        return nullptr;
    }
    std::string path = scratchFolder + "/report.html";
    Diagnostics rdiag = diag;
    registry.write(*e, p, path, FormatRegistry::makeOptions(*e, {}, true), rdiag);
    auto f = std::make_shared<PayloadFile>();
    f->rel = "data/report.html";
    f->blob = std::make_shared<FileBlob>(path);
    return f;
}

std::string readmeText(const Project& p, bool hasOriginal, const std::string& originalRel,
                       std::size_t sourceFiles, bool hasReport) {
    std::ostringstream r;
    r << "This folder is a BagIt bag (RFC 8493, BagIt 1.0) made by qdx " QDX_CORE_VERSION ".\n"
      << "It archives the coded qualitative-research project \"" << infoValue(p.name) << "\".\n\n"
      << "What is inside\n"
      << "  data/project.json      the whole project in qdx's canonical JSON (version " << kModelVersion << "):\n"
      << "                         codes (\"themes\"), sources, coded excerpts with their codes, memos,\n"
      << "                         cases, attributes, users. UTF-8, readable in any text editor.\n";
    if (hasReport)
        r << "  data/report.html       the project as a page to read in any web browser, with no software:\n"
          << "                         codebook, themes x sources matrix, charts, the excerpts by theme,\n"
          << "                         sources, memos, cases. Self-contained: it loads nothing.\n";
    if (hasOriginal)
        r << "  " << originalRel << "\n"
          << "                         the file qdx was given, byte for byte as received.\n";
    if (sourceFiles > 0)
        r << "  data/sources/          " << sourceFiles << " source document(s) and media file(s), one per source,\n"
          << "                         named <source id>.<extension>; project.json refers to each by the\n"
          << "                         \"href\" of the source's \"content\".\n";
    r << "  data/schemas/" << schemaFileName() << "\n"
      << "                         the JSON Schema (draft-04) describing project.json.\n"
      << "  bag-info.txt           when and by what the bag was made, its size (Payload-Oxum) and a\n"
      << "                         summary of its contents.\n"
      << "  manifest-sha256.txt    the SHA-256 checksum of every file under data/.\n"
      << "  tagmanifest-sha256.txt the SHA-256 checksum of the other text files here.\n\n"
      << "Reading it without qdx\n"
      << "  - Check it is intact: in this folder run\n"
      << "        sha256sum -c manifest-sha256.txt && sha256sum -c tagmanifest-sha256.txt\n"
      << "    (or any BagIt tool, e.g. the Library of Congress 'bagit' Python package: bagit.py --validate .).\n"
      << "  - Open data/project.json with any JSON reader (Python: json.load). Text offsets (\"start\",\n"
      << "    \"end\") count Unicode code points in the source's \"text\", end-exclusive. Ids link the\n"
      << "    parts: an excerpt's \"source\" is a source \"id\", a coding's \"theme\" a theme \"id\".\n"
      << "  - The sources under data/sources/ open with ordinary viewers and players.\n\n"
      << "Reading it with qdx\n"
      << "  qdx archive --verify <bag>          check completeness and checksums\n"
      << "  qdx convert <bag> project.qdpx       back to REFI-QDA (or any format qdx writes)\n";
    return r.str();
}

/// Builds the plan: file names, payload list, bag-info fields.
BagPlan makePlan(const Project& p, const std::string& originalPath, const std::string& baseName,
                 const ArchiveOptions& opts, bool hasReport, std::map<std::size_t, std::string>& hrefBySource,
                 std::string& originalRel) {
    BagPlan plan;
    plan.baseName = baseName;
    std::set<std::string> usedFolded;
    auto unique = [&](const std::string& folder, std::string stem, const std::string& ext) {
        if (stem.empty()) stem = "file";
        std::string name = stem + (ext.empty() ? "" : "." + ext);
        for (int n = 2; usedFolded.count(lower(folder + name)); ++n)
            name = stem + "-" + std::to_string(n) + (ext.empty() ? "" : "." + ext);
        usedFolded.insert(lower(folder + name));
        return name;
    };
    std::size_t sourceFiles = 0;
    for (std::size_t i = 0; i < p.sources.size(); ++i) {
        const Source& s = p.sources[i];
        if (!s.content) continue;
        std::string ext = extensionFor(s);
        std::string name = unique("sources/", safeSegment(s.id.empty() ? s.name : s.id), ext);
        auto f = std::make_shared<PayloadFile>();
        f->rel = "data/sources/" + name;
        f->blob = s.content;
        f->compress = worthCompressing(ext);
        plan.payload.push_back(f);
        hrefBySource[i] = "sources/" + name;
        ++sourceFiles;
    }
    if (!originalPath.empty()) {
        std::string base = Poco::Path(originalPath).getFileName();
        std::string ext = suffixOf(base);
        std::string stem = ext.empty() ? base : base.substr(0, base.size() - ext.size() - 1);
        std::string name = unique("original/", safeSegment(stem), ext);
        auto f = std::make_shared<PayloadFile>();
        f->rel = "data/original/" + name;
        f->blob = std::make_shared<FileBlob>(originalPath);
        f->compress = worthCompressing(ext);
        plan.payload.push_back(f);
        originalRel = f->rel;
    }
    // bag-info.txt: qdx fields after the standard ones.
    std::map<std::string, std::size_t> kinds;
    for (const auto& s : p.sources) kinds[toString(s.kind)]++;
    std::string byKind;
    for (const auto& [k, n] : kinds) byKind += (byKind.empty() ? "" : ", ") + std::to_string(n) + " " + k;
    auto& f = plan.infoFields;
    f.emplace_back("External-Description", "Coded qualitative-research project archived by qdx: canonical JSON, "
                                           "original file, source documents and media, JSON Schema. See README.txt.");
    f.emplace_back("QDX-Version", QDX_CORE_VERSION);
    f.emplace_back("QDX-Schema-Version", kModelVersion);
    f.emplace_back("QDX-Producing-Tool", p.origin.empty() ? "unknown" : p.origin);
    if (!opts.formatName.empty()) f.emplace_back("QDX-Original-Format", opts.formatName);
    if (!originalRel.empty()) f.emplace_back("QDX-Original-File", originalRel);
    f.emplace_back("QDX-Project-Name", p.name);
    f.emplace_back("QDX-Sources", std::to_string(p.sources.size()) + (byKind.empty() ? "" : " (" + byKind + ")"));
    f.emplace_back("QDX-Source-Files", std::to_string(sourceFiles));
    f.emplace_back("QDX-Excerpts", std::to_string(p.excerpts.size()));
    f.emplace_back("QDX-Codings", std::to_string(p.codingCount()));
    f.emplace_back("QDX-Themes", std::to_string(p.themes.size()));
    f.emplace_back("QDX-Cases", std::to_string(p.cases.size()));
    f.emplace_back("QDX-Memos", std::to_string(p.memos.size()));
    f.emplace_back("QDX-Attributes", std::to_string(p.attributes.size()));
    f.emplace_back("QDX-Users", std::to_string(p.users.size()));
    f.emplace_back("QDX-Sets", std::to_string(p.sets.size()));
    plan.readme = readmeText(p, !originalRel.empty(), originalRel, sourceFiles, hasReport);
    return plan;
}

void writeSmall(const std::string& path, const std::string& text) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (!f) throw OutputError("cannot create '" + path + "': " + std::strerror(errno));
    bool ok = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    ok = std::fflush(f) == 0 && ok;
    ok = ::fsync(::fileno(f)) == 0 && ok;
    if (std::fclose(f) != 0) ok = false;
    if (!ok) throw OutputError("cannot write '" + path + "': " + std::strerror(errno));
}

void writeFolderBag(BagPlan& plan, const std::string& target) {
    std::error_code ec;
    if (fs::exists(fs::symlink_status(target, ec)))
        throw OutputError("refusing to write the bag '" + target + "': it exists (a bag folder is never overwritten)");
    fs::path t(target);
    fs::path parent = t.has_parent_path() ? t.parent_path() : fs::path(".");
    if (!fs::is_directory(parent, ec)) throw OutputError("the folder of '" + target + "' does not exist");
    std::string templ = (parent / ("." + t.filename().string() + ".qdx-tmp-XXXXXX")).string();
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw OutputError("cannot create a temporary folder beside '" + target + "': " + std::strerror(errno));
    std::string tmp = buf.data();
    struct Cleanup {
        std::string path;
        bool keep = false;
        ~Cleanup() {
            if (!keep) {
                std::error_code e;
                fs::remove_all(path, e);
            }
        }
    } cleanup{tmp};
    for (auto& f : plan.payload) {
        fs::path dest = fs::path(tmp) / f->rel;
        fs::create_directories(dest.parent_path(), ec);
        if (ec) throw OutputError("cannot create '" + dest.parent_path().string() + "': " + ec.message());
        if (f->blob) {
            std::FILE* out = std::fopen(dest.c_str(), "wb");
            if (!out) throw OutputError("cannot create '" + dest.string() + "': " + std::strerror(errno));
            try {
                auto in = f->blob->open();
                f->digest = hashStream(*in, out, f->blob->describe(), dest.string());
                auto declared = f->blob->size();
                if (declared && *declared != f->digest->size)
                    throw InputError(Location{f->blob->describe(), {}, 0, 0, -1},
                                     "declares " + std::to_string(*declared) + " bytes but delivered " +
                                         std::to_string(f->digest->size));
            } catch (...) {
                std::fclose(out);
                throw;
            }
            bool ok = std::fflush(out) == 0 && ::fsync(::fileno(out)) == 0;
            if (std::fclose(out) != 0 || !ok) throw OutputError("cannot write '" + dest.string() + "': " + std::strerror(errno));
        } else {
            writeSmall(dest.string(), f->bytes);
            f->digest = digestOf(f->bytes);
        }
    }
    plan.finalize();
    writeSmall(tmp + "/" + kBagIt, plan.bagit);
    writeSmall(tmp + "/" + kReadme, plan.readme);
    writeSmall(tmp + "/" + kBagInfo, *plan.bagInfoText);
    writeSmall(tmp + "/" + kManifest, *plan.manifestText);
    writeSmall(tmp + "/" + kTagManifest, *plan.tagManifestText);
    ::chmod(tmp.c_str(), 0755 & ~[] { mode_t m = ::umask(0); ::umask(m); return m; }());
    if (::rename(tmp.c_str(), target.c_str()) != 0)
        throw OutputError("cannot rename the finished bag into '" + target + "': " + std::strerror(errno));
    cleanup.keep = true;
}

/// Writes the bag as a zip at `zipPath` (all members under "<base>/").
void writeZipBag(BagPlan& plan, const std::string& zipPath) {
    ZipWriter zw(zipPath);
    const std::string pre = plan.baseName + "/";
    for (auto& f : plan.payload) {
        if (f->blob) {
            zw.addBlob(pre + f->rel, std::make_shared<HashingBlob>(f), f->compress);
        } else {
            f->digest = digestOf(f->bytes);
            zw.addBytes(pre + f->rel, f->bytes, f->compress);
        }
    }
    zw.addBytes(pre + kBagIt, plan.bagit);
    zw.addBytes(pre + kReadme, plan.readme);
    BagPlan* pl = &plan;
    zw.addBlob(pre + kBagInfo, std::make_shared<LazyTextBlob>([pl] { pl->finalize(); return *pl->bagInfoText; }, kBagInfo));
    zw.addBlob(pre + kManifest, std::make_shared<LazyTextBlob>([pl] { pl->finalize(); return *pl->manifestText; }, kManifest));
    zw.addBlob(pre + kTagManifest,
               std::make_shared<LazyTextBlob>([pl] { pl->finalize(); return *pl->tagManifestText; }, kTagManifest));
    zw.close();
    for (const auto& f : plan.payload) {
        auto declared = f->blob ? f->blob->size() : std::nullopt;
        if (declared && f->digest && *declared != f->digest->size)
            throw InputError(Location{f->blob->describe(), {}, 0, 0, -1},
                             "declares " + std::to_string(*declared) + " bytes but delivered " + std::to_string(f->digest->size));
    }
}

std::string stripSlashes(std::string s) {
    while (s.size() > 1 && s.back() == '/') s.pop_back();
    return s;
}

// ---------------------------------------------------------------- reading bags

/// A bag opened for reading: its files by path relative to the base folder.
class BagView {
public:
    virtual ~BagView() = default;
    /// Regular files, '/'-separated, relative to the base folder.
    virtual const std::vector<std::string>& files() const = 0;
    virtual bool has(const std::string& rel) const = 0;
    virtual std::unique_ptr<std::istream> open(const std::string& rel) const = 0;
    virtual std::optional<std::uint64_t> size(const std::string& rel) const = 0;
    virtual std::shared_ptr<Blob> blob(const std::string& rel) const = 0;
    virtual std::string describe(const std::string& rel) const = 0;
    /// Things found while opening (non-regular files, members outside the base folder).
    std::vector<BagProblem> openingProblems;

    std::string readText(const std::string& rel, std::uint64_t maxBytes) const {
        auto in = open(rel);
        std::string s;
        std::vector<char> buf(64 * 1024);
        while (*in) {
            in->read(buf.data(), static_cast<std::streamsize>(buf.size()));
            s.append(buf.data(), static_cast<std::size_t>(in->gcount()));
            if (s.size() > maxBytes) throw LimitError(Location{describe(rel), {}, 0, 0, -1}, "larger than " + std::to_string(maxBytes) + " bytes");
        }
        return s;
    }
};

class FolderBag final : public BagView {
public:
    explicit FolderBag(std::string base) : _base(stripSlashes(std::move(base))) {
        std::error_code ec;
        for (fs::recursive_directory_iterator it(_base, fs::directory_options::none, ec), end; !ec && it != end;
             it.increment(ec)) {
            auto st = it->symlink_status(ec);
            std::string rel = fs::relative(it->path(), _base, ec).generic_string();
            if (fs::is_directory(st)) continue;
            if (!fs::is_regular_file(st)) {
                openingProblems.push_back({rel, "not a regular file (a symbolic link or special file)"});
                continue;
            }
            _files.push_back(rel);
        }
        if (ec) throw InputError(Location{_base, {}, 0, 0, -1}, "cannot list the bag folder: " + ec.message());
        std::sort(_files.begin(), _files.end());
        _set.insert(_files.begin(), _files.end());
    }
    const std::vector<std::string>& files() const override { return _files; }
    bool has(const std::string& rel) const override { return _set.count(rel) != 0; }
    std::unique_ptr<std::istream> open(const std::string& rel) const override {
        auto f = std::make_unique<std::ifstream>(path(rel), std::ios::binary);
        if (!*f) throw InputError(Location{path(rel), {}, 0, 0, -1}, "cannot open");
        return f;
    }
    std::optional<std::uint64_t> size(const std::string& rel) const override {
        std::error_code ec;
        auto n = fs::file_size(path(rel), ec);
        if (ec) return std::nullopt;
        return n;
    }
    std::shared_ptr<Blob> blob(const std::string& rel) const override { return std::make_shared<FileBlob>(path(rel)); }
    std::string describe(const std::string& rel) const override { return path(rel); }
    std::string path(const std::string& rel) const { return _base + "/" + rel; }

private:
    std::string _base;
    std::vector<std::string> _files;
    std::set<std::string> _set;
};

/// Keeps whatever a zip bag depends on (an encrypted bag's spooled inner zip).
struct ZipBagStore {
    std::unique_ptr<PrivateTempDir> temp;  // destroyed after the reader (declared first)
    std::shared_ptr<ZipReader> reader;
};

/// A member of a zip bag whose reader lives in a store (keeps the store alive).
class StoredMemberBlob final : public Blob {
public:
    StoredMemberBlob(std::shared_ptr<ZipBagStore> store, ZipReader::Entry e, std::string name)
        : _store(std::move(store)), _entry(std::move(e)), _name(std::move(name)) {}
    std::unique_ptr<std::istream> open() const override { return _store->reader->openStream(_entry); }
    std::optional<std::uint64_t> size() const override { return _entry.size; }
    std::string describe() const override { return _name; }

private:
    std::shared_ptr<ZipBagStore> _store;
    ZipReader::Entry _entry;
    std::string _name;
};

class ZipBag final : public BagView {
public:
    ZipBag(std::shared_ptr<ZipBagStore> store, std::string displayName)
        : _store(std::move(store)), _display(std::move(displayName)) {
        const auto& entries = _store->reader->entries();
        // The base folder: the root when bagit.txt is there, else the one top folder holding it.
        bool atRoot = false;
        std::set<std::string> tops;
        for (const auto& e : entries) {
            if (e.name == kBagIt) atRoot = true;
            auto slash = e.name.find('/');
            tops.insert(slash == std::string::npos ? std::string() : e.name.substr(0, slash + 1));
        }
        if (!atRoot) {
            for (const auto& t : tops)
                if (!t.empty())
                    for (const auto& e : entries)
                        if (e.name == t + kBagIt) _prefix = t;
            if (_prefix.empty()) throw InputError(Location{_display, {}, 0, 0, -1}, "not a bag: no bagit.txt at its root or in its top folder");
        }
        for (const auto& e : entries) {
            if (e.isDirectory) continue;
            if (e.name.compare(0, _prefix.size(), _prefix) != 0) {
                openingProblems.push_back({e.name, "member outside the bag's base folder '" + _prefix + "'"});
                continue;
            }
            std::string rel = e.name.substr(_prefix.size());
            _files.push_back(rel);
            _byRel.emplace(rel, e);
        }
        std::sort(_files.begin(), _files.end());
    }
    const std::vector<std::string>& files() const override { return _files; }
    bool has(const std::string& rel) const override { return _byRel.count(rel) != 0; }
    const ZipReader::Entry& entry(const std::string& rel) const {
        auto it = _byRel.find(rel);
        if (it == _byRel.end()) throw InputError(Location{_display, rel, 0, 0, -1}, "missing from the bag");
        return it->second;
    }
    std::unique_ptr<std::istream> open(const std::string& rel) const override { return _store->reader->openStream(entry(rel)); }
    std::optional<std::uint64_t> size(const std::string& rel) const override { return entry(rel).size; }
    std::shared_ptr<Blob> blob(const std::string& rel) const override {
        if (!_store->temp) return _store->reader->blob(entry(rel));  // copied compressed by ZipWriter
        return std::make_shared<StoredMemberBlob>(_store, entry(rel), describe(rel));
    }
    std::string describe(const std::string& rel) const override { return _display + "!" + _prefix + rel; }

private:
    std::shared_ptr<ZipBagStore> _store;
    std::string _display;
    std::string _prefix;
    std::vector<std::string> _files;
    std::map<std::string, ZipReader::Entry> _byRel;
};

bool isZipFile(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return false;
    char magic[4] = {0, 0, 0, 0};
    std::size_t n = std::fread(magic, 1, 4, f);
    std::fclose(f);
    return n == 4 && magic[0] == 'P' && magic[1] == 'K' && (magic[2] == 3 || magic[2] == 5);
}

/// Names and encryption of a zip's members, read with libzip without the vetting of ZipReader.
struct ZipPeek {
    std::vector<std::string> names;
    bool anyEncrypted = false;
};

std::optional<ZipPeek> peekZip(const std::string& path) {
    int err = 0;
    zip_t* za = zip_open(path.c_str(), ZIP_RDONLY, &err);
    if (!za) return std::nullopt;
    ZipPeek p;
    zip_int64_t n = zip_get_num_entries(za, 0);
    for (zip_int64_t i = 0; i < n && i < 100000; ++i) {
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(za, static_cast<zip_uint64_t>(i), ZIP_FL_ENC_GUESS, &st) != 0) continue;
        if (st.valid & ZIP_STAT_NAME) p.names.emplace_back(st.name);
        if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) p.anyEncrypted = true;
    }
    zip_discard(za);
    return p;
}

std::unique_ptr<BagView> openBagView(const std::string& path, const std::string& password, std::vector<BagProblem>* outer) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
        std::string base = stripSlashes(path);
        if (!fs::is_regular_file(base + "/" + kBagIt, ec))
            throw InputError(Location{path, {}, 0, 0, -1}, "not a bag: the folder has no bagit.txt");
        return std::make_unique<FolderBag>(base);
    }
    if (!isZipFile(path)) throw InputError(Location{path, {}, 0, 0, -1}, "not a bag: neither a bag folder nor a zip");
    auto store = std::make_shared<ZipBagStore>();
    if (isEncryptedBag(path)) {
        if (password.empty())
            throw InputError(Location{path, {}, 0, 0, -1},
                             "the bag is encrypted: give the password with --password-file FILE or --password-env VAR");
        ZipLimits lim;
        lim.password = password;
        lim.maxRatio = 1000000;  // the inner zip is stored; nothing to bound here
        auto outerReader = ZipReader::open(Input::fromFile(path), lim);
        const ZipReader::Entry* inner = nullptr;
        for (const auto& e : outerReader->entries()) {
            if (e.name == kEncryptedBagMember) inner = &e;
            else if (outer) outer->push_back({e.name, "unexpected member beside the encrypted bag"});
        }
        if (!inner) throw InputError(Location{path, {}, 0, 0, -1}, "not an encrypted bag: no member 'bag.zip'");
        if (!inner->encrypted && outer) outer->push_back({kEncryptedBagMember, "the inner bag is not encrypted"});
        store->temp = std::make_unique<PrivateTempDir>(std::string());
        std::string spooled = store->temp->path() + "/bag.zip";
        {
            std::FILE* out = std::fopen(spooled.c_str(), "wb");
            if (!out) throw OutputError("cannot create '" + spooled + "': " + std::strerror(errno));
            try {
                auto in = outerReader->openStream(*inner);
                hashStream(*in, out, path + "!" + kEncryptedBagMember, spooled);
            } catch (const InputError& e) {
                std::fclose(out);
                std::string msg = e.what();
                if (msg.find("assword") != std::string::npos) throw;
                throw InputError(Location{path, kEncryptedBagMember, 0, 0, -1},
                                 std::string("cannot decrypt (wrong password, or the file is damaged): ") + msg);
            } catch (...) {
                std::fclose(out);
                throw;
            }
            if (std::fclose(out) != 0) throw OutputError("cannot write '" + spooled + "': " + std::strerror(errno));
        }
        store->reader = ZipReader::open(Input::fromFile(spooled));
        return std::make_unique<ZipBag>(store, path + "!" + kEncryptedBagMember);
    }
    store->reader = ZipReader::open(Input::fromFile(path));
    return std::make_unique<ZipBag>(store, path);
}

/// Parses "label: value" lines (with continuation lines) of bag-info.txt / bagit.txt.
std::vector<std::pair<std::string, std::string>> parseTagFields(const std::string& text) {
    std::vector<std::pair<std::string, std::string>> out;
    std::istringstream s(text);
    std::string line;
    while (std::getline(s, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        if ((line[0] == ' ' || line[0] == '\t') && !out.empty()) {
            out.back().second += " " + line.substr(line.find_first_not_of(" \t"));
            continue;
        }
        auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string v = line.substr(colon + 1);
        auto b = v.find_first_not_of(" \t");
        out.emplace_back(line.substr(0, colon), b == std::string::npos ? std::string() : v.substr(b));
    }
    return out;
}

struct ManifestLine {
    std::string hex;
    std::string path;
    int line = 0;
};

std::vector<ManifestLine> parseManifest(const std::string& text, const std::string& name, std::vector<BagProblem>& problems) {
    std::vector<ManifestLine> out;
    std::istringstream s(text);
    std::string line;
    int n = 0;
    while (std::getline(s, line)) {
        ++n;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty()) continue;
        auto sp = line.find_first_of(" \t");
        auto start = sp == std::string::npos ? std::string::npos : line.find_first_not_of(" \t", sp);
        std::string hex = lower(line.substr(0, sp));
        bool hexOk = hex.size() == 64 && std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
        if (start == std::string::npos || !hexOk) {
            problems.push_back({name, "line " + std::to_string(n) + " is not '<sha256> <path>'"});
            continue;
        }
        std::string path = decodeManifestPath(line.substr(start));
        if (path.rfind("*", 0) == 0) path.erase(0, 1);  // sha256sum's binary marker
        out.push_back({hex, path, n});
    }
    return out;
}

std::string hashOf(const BagView& v, const std::string& rel, std::uint64_t* size) {
    auto in = v.open(rel);
    Digest d = hashStream(*in, nullptr, v.describe(rel), {});
    if (size) *size = d.size;
    return d.hex;
}

} // namespace

// ---------------------------------------------------------------- public API

std::string readPasswordFile(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    if (!f) throw UsageError("cannot read the password file '" + path + "'");
    std::string line;
    std::getline(f, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) throw UsageError("the password file '" + path + "' is empty (its first line is the password)");
    return line;
}

std::string readPasswordEnv(const std::string& variable) {
    const char* v = std::getenv(variable.c_str());
    if (!v || !*v) throw UsageError("the environment variable '" + variable + "' (--password-env) is unset or empty");
    return v;
}

bool isEncryptedBag(const std::string& path) {
    try {
        if (!isZipFile(path)) return false;
        auto p = peekZip(path);
        return p && p->anyEncrypted && std::find(p->names.begin(), p->names.end(), kEncryptedBagMember) != p->names.end();
    } catch (...) {
        return false;
    }
}

bool isBag(const std::string& path) {
    try {
        std::error_code ec;
        if (fs::is_directory(path, ec)) return fs::is_regular_file(stripSlashes(path) + "/" + kBagIt, ec);
        if (!isZipFile(path)) return false;
        auto p = peekZip(path);
        if (!p) return false;
        for (const auto& n : p->names) {
            if (n == kBagIt) return true;
            auto slash = n.find('/');
            if (slash != std::string::npos && n.substr(slash + 1) == kBagIt) return true;
        }
        return p->anyEncrypted && std::find(p->names.begin(), p->names.end(), kEncryptedBagMember) != p->names.end();
    } catch (...) {
        return false;
    }
}

ArchiveSummary writeBag(const Project& p, const std::string& originalPath, const std::string& outPath,
                        const FormatRegistry& registry, const ArchiveOptions& options, Diagnostics& diag) {
    if (outPath.empty() || outPath == "-") throw UsageError("a bag is written to a folder or a .zip file, not to stdout");
    bool zip = options.zip || !options.password.empty();
    std::string target = stripSlashes(outPath);
    if (!originalPath.empty() && (target == originalPath || sameFile(target, originalPath)))
        throw OutputError("refusing to write '" + target + "': it is the input file");
    std::string baseName = Poco::Path(target).getFileName();
    if (zip && lower(suffixOf(baseName)) == "zip") baseName = baseName.substr(0, baseName.size() - 4);
    baseName = safeSegment(baseName);
    if (baseName.empty()) baseName = "bag";

    std::map<std::size_t, std::string> hrefBySource;
    std::string originalRel;
    PrivateTempDir scratch(options.tempFolder);
    std::shared_ptr<PayloadFile> report = readableReport(p, registry, scratch.path(), diag);
    BagPlan plan = makePlan(p, originalPath, baseName, options, report != nullptr, hrefBySource, originalRel);
    auto json = std::make_shared<PayloadFile>();
    json->rel = "data/project.json";
    json->bytes = canonicalJsonWithHrefs(p, hrefBySource, registry, scratch.path(), diag);
    plan.payload.insert(plan.payload.begin(), json);
    if (report) plan.payload.insert(plan.payload.begin() + 1, report);
    auto schema = std::make_shared<PayloadFile>();
    schema->rel = "data/schemas/" + schemaFileName();
    schema->bytes.assign(reinterpret_cast<const char*>(detail::kProjectSchema), detail::kProjectSchemaSize);
    if (schema->bytes.empty())
        diag.lossy("lossy.archive-no-schema", "this qdx was built without the JSON Schema; the bag does not include it", {},
                   "build qdx from a source tree that has schemas/" + schemaFileName());
    else plan.payload.push_back(schema);

    if (!zip) {
        writeFolderBag(plan, target);
    } else if (options.password.empty()) {
        std::vector<std::string> inputs;
        if (!originalPath.empty()) inputs.push_back(originalPath);
        AtomicFile af(target, inputs);
        writeZipBag(plan, af.tempPath());
        af.commit(true);  // bags are for keeping: always on the disk before they are in place
    } else {
        std::string inner = scratch.path() + "/" + kEncryptedBagMember;
        writeZipBag(plan, inner);
        std::vector<std::string> inputs;
        if (!originalPath.empty()) inputs.push_back(originalPath);
        AtomicFile af(target, inputs);
        ZipWriter outer(af.tempPath());
        outer.setPassword(options.password);
        outer.addFile(kEncryptedBagMember, inner, false);
        outer.close();
        af.commit(true);  // bags are for keeping: always on the disk before they are in place
    }
    ArchiveSummary s;
    for (const auto& f : plan.payload) {
        s.payloadBytes += f->digest ? f->digest->size : 0;
        ++s.payloadFiles;
    }
    s.sourceFiles = hrefBySource.size();
    return s;
}

std::vector<BagProblem> verifyBag(const std::string& path, const std::string& password) {
    std::vector<BagProblem> problems;
    std::unique_ptr<BagView> view = openBagView(path, password, &problems);
    const BagView& v = *view;
    for (const auto& pr : v.openingProblems) problems.push_back(pr);

    // bagit.txt
    auto fields = parseTagFields(v.readText(kBagIt, 64 * 1024));
    std::string version, encoding;
    for (const auto& [k, val] : fields) {
        if (k == "BagIt-Version") version = val;
        if (k == "Tag-File-Character-Encoding") encoding = val;
    }
    if (version.empty()) problems.push_back({kBagIt, "no BagIt-Version"});
    else if (version != "1.0" && version != "0.97") problems.push_back({kBagIt, "unsupported BagIt-Version " + version});
    if (lower(encoding) != "utf-8") problems.push_back({kBagIt, "Tag-File-Character-Encoding is not UTF-8"});

    // Payload manifest: every listed file present and right, every payload file listed.
    std::map<std::string, std::uint64_t> payloadSizes;
    for (const auto& f : v.files())
        if (f.rfind("data/", 0) == 0) payloadSizes[f] = 0;
    if (!v.has(kManifest)) {
        problems.push_back({kManifest, "missing: the payload cannot be checked"});
    } else {
        std::set<std::string> listed;
        auto lines = parseManifest(v.readText(kManifest, 256u << 20), kManifest, problems);
        for (const auto& m : lines) {
            if (m.path.rfind("data/", 0) != 0 || !isSafeZipName(m.path)) {
                problems.push_back({kManifest, "line " + std::to_string(m.line) + " names '" + m.path + "', which is not a file under data/"});
                continue;
            }
            if (!listed.insert(m.path).second) {
                problems.push_back({m.path, "listed twice in " + std::string(kManifest)});
                continue;
            }
            if (!v.has(m.path)) {
                problems.push_back({m.path, "listed in " + std::string(kManifest) + " but missing from the bag"});
                continue;
            }
            std::uint64_t size = 0;
            std::string got;
            try {
                got = hashOf(v, m.path, &size);
            } catch (const InputError& e) {
                problems.push_back({m.path, std::string("cannot be read: ") + e.what()});
                continue;
            }
            payloadSizes[m.path] = size;
            if (got != m.hex) problems.push_back({m.path, "checksum mismatch: manifest says " + m.hex + ", file has " + got});
        }
        for (const auto& [f, sz] : payloadSizes)
            if (!listed.count(f)) problems.push_back({f, "payload file not listed in " + std::string(kManifest)});
    }
    for (const auto& [f, sz] : payloadSizes)
        if (sz == 0) {  // not hashed above (unlisted or empty): take the size from the container
            auto s = v.size(f);
            payloadSizes[f] = s ? *s : 0;
        }

    // bag-info.txt: Payload-Oxum.
    if (!v.has(kBagInfo)) {
        problems.push_back({kBagInfo, "missing"});
    } else {
        std::string oxum;
        for (const auto& [k, val] : parseTagFields(v.readText(kBagInfo, 1u << 20)))
            if (k == "Payload-Oxum") oxum = val;
        std::uint64_t bytes = 0;
        for (const auto& [f, sz] : payloadSizes) bytes += sz;
        std::string actual = std::to_string(bytes) + "." + std::to_string(payloadSizes.size());
        if (oxum.empty()) problems.push_back({kBagInfo, "no Payload-Oxum"});
        else if (oxum != actual)
            problems.push_back({kBagInfo, "Payload-Oxum is " + oxum + " but the payload holds " + actual + " (bytes.files)"});
    }

    // Tag manifest.
    if (!v.has(kTagManifest)) {
        problems.push_back({kTagManifest, "missing: the tag files cannot be checked"});
    } else {
        std::set<std::string> listed;
        for (const auto& m : parseManifest(v.readText(kTagManifest, 16u << 20), kTagManifest, problems)) {
            if (m.path.rfind("data/", 0) == 0 || !isSafeZipName(m.path)) {
                problems.push_back({kTagManifest, "line " + std::to_string(m.line) + " names '" + m.path + "', which is not a tag file"});
                continue;
            }
            listed.insert(m.path);
            if (!v.has(m.path)) {
                problems.push_back({m.path, "listed in " + std::string(kTagManifest) + " but missing from the bag"});
                continue;
            }
            std::string got = hashOf(v, m.path, nullptr);
            if (got != m.hex) problems.push_back({m.path, "checksum mismatch: tag manifest says " + m.hex + ", file has " + got});
        }
        for (const char* t : {kBagIt, kBagInfo, kManifest})
            if (v.has(t) && !listed.count(t)) problems.push_back({t, "not listed in " + std::string(kTagManifest)});
    }
    return problems;
}

Project readBag(const std::string& path, const std::string& password, const FormatRegistry& registry, Diagnostics& diag) {
    const FormatRegistry::Entry* e = registry.find("json");
    if (!e || !e->info.canRead)
        throw UsageError("reading a bag needs the 'json' format plugin (canonical JSON); it is not loaded (see 'qdx formats')");
    std::unique_ptr<BagView> view = openBagView(path, password, nullptr);
    const std::string rel = "data/project.json";
    if (!view->has(rel)) throw InputError(Location{path, rel, 0, 0, -1}, "the bag holds no data/project.json");
    Options opts = FormatRegistry::makeOptions(*e, {}, false);
    if (auto* folder = dynamic_cast<FolderBag*>(view.get()))
        return registry.read(*e, Input::fromFile(folder->path(rel)), opts, diag);  // hrefs resolve beside the file

    // In a zip the hrefs cannot be files: take them out, read, then attach the members.
    std::string text = view->readText(rel, std::uint64_t(2) << 30);
    Json root = parseJson(text, view->describe(rel), bigJsonLimits());
    text.clear();
    std::map<std::string, std::pair<std::string, std::int64_t>> hrefById;  // source id -> (member, declared size)
    if (root.isObject())
        for (auto& [k, sources] : root.asObject()) {
            if (k != "sources" || !sources.isArray()) continue;
            for (auto& s : sources.asArray()) {
                const Json* id = s.find("id");
                if (!s.isObject() || !id || !id->isString()) continue;
                for (auto& [ck, content] : s.asObject()) {
                    if (ck != "content" || !content.isObject()) continue;
                    const Json* href = content.find("href");
                    if (!href || !href->isString()) continue;
                    std::string member = "data/" + href->asString();
                    if (!isSafeZipName(href->asString()) || !view->has(member))
                        throw InputError(Location{path, rel, 0, 0, -1},
                                         "source '" + id->asString() + "' refers to '" + href->asString() + "', which is not in the bag");
                    std::int64_t size = -1;
                    if (const Json* sz = content.find("size"); sz && sz->isNumber()) size = std::strtoll(sz->numberText().c_str(), nullptr, 10);
                    hrefById[id->asString()] = {member, size};
                    auto& o = content.asObject();
                    o.erase(std::remove_if(o.begin(), o.end(), [](const auto& kv) { return kv.first == "href"; }), o.end());
                }
            }
        }
    Input in = Input::fromMemory(root.dump(), view->describe(rel));
    root = Json();
    Diagnostics rdiag;
    Project p = registry.read(*e, in, opts, rdiag);
    std::set<std::string> attached;
    for (auto& s : p.sources) {
        auto it = hrefById.find(s.id);
        if (it == hrefById.end()) continue;
        auto actual = view->size(it->second.first);
        if (it->second.second >= 0 && actual && *actual != static_cast<std::uint64_t>(it->second.second))
            throw InputError(Location{path, it->second.first, 0, 0, -1},
                             "holds " + std::to_string(*actual) + " bytes but project.json declares " +
                                 std::to_string(it->second.second) + " for source '" + s.id + "'");
        s.content = view->blob(it->second.first);
        attached.insert(s.id);
    }
    for (const auto& d : rdiag.all())
        if (!(d.code == "info.media-omitted" && attached.count(d.entityId))) diag.report(d);
    return p;
}

} // namespace qdx
