// Safe ZIP reading and streaming ZIP writing on libzip 1.7.3.
//
// The rules come from docs/security.md; each check below says which attack
// it stops. libzip's own ZIP_CHECKCONS catches duplicate names, local/central
// header mismatches and trailing junk; everything else is done here.

#include "qdx/Zip.h"

#include "qdx/Errors.h"

#include <zip.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <set>
#include <streambuf>
#include <sys/stat.h>

namespace qdx {

namespace {

constexpr std::uint64_t kChunk = 64 * 1024;      // zip_fread chunk for streams
constexpr std::uint64_t kRatioFloor = 1 << 20;   // ratio checked only above 1 MiB
constexpr zip_uint32_t kDeflateLevel = 6;        // deflate level of written members

zip_t* Z(void* p) { return static_cast<zip_t*>(p); }

/// A member name fit for messages: control bytes, DEL and invalid UTF-8 are
/// shown as \xNN, so a hostile name cannot drive the terminal.
std::string printable(std::string_view s)
{
    static const char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        std::size_t len = 0;
        if (c >= 0x20 && c < 0x7f) len = 1;
        else if (c >= 0xc2 && c <= 0xdf) len = 2;
        else if (c >= 0xe0 && c <= 0xef) len = 3;
        else if (c >= 0xf0 && c <= 0xf4) len = 4;
        bool ok = len > 0 && i + len <= s.size();
        for (std::size_t k = 1; ok && k < len; ++k)
            ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
        // C1 controls (U+0080..U+009F) are shown escaped as well.
        if (ok && len == 2 && c == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0) ok = false;
        if (ok) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
            ++i;
        }
    }
    return out;
}

/// Decodes one UTF-8 sequence at s[i]; returns the code point and advances i,
/// or returns -1 (without advancing) on an invalid sequence.
long decodeUtf8(std::string_view s, std::size_t& i)
{
    auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = b(i);
    if (c < 0x80) { ++i; return c; }
    std::size_t len;
    long cp;
    if (c >= 0xc2 && c <= 0xdf) { len = 2; cp = c & 0x1f; }
    else if (c >= 0xe0 && c <= 0xef) { len = 3; cp = c & 0x0f; }
    else if (c >= 0xf0 && c <= 0xf4) { len = 4; cp = c & 0x07; }
    else return -1;
    if (i + len > s.size()) return -1;
    for (std::size_t k = 1; k < len; ++k) {
        if ((b(i + k) & 0xc0) != 0x80) return -1;
        cp = (cp << 6) | (b(i + k) & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))
        || (cp >= 0xd800 && cp <= 0xdfff))
        return -1;
    i += len;
    return cp;
}

void appendUtf8(std::string& out, long cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

/// Simple case folding for member lookup and collision checks: ASCII plus the
/// one-to-one upper/lower pairs of Latin-1, Latin Extended-A, Greek and
/// Cyrillic, which covers the names real tools write. (No Unicode
/// normalisation: NFC and NFD spellings of one name stay distinct.)
std::string foldName(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        long cp = decodeUtf8(s, i);
        if (cp < 0) {  // names are validated before; keep the byte as is
            out += s[i++];
            continue;
        }
        if (cp >= 'A' && cp <= 'Z') cp += 32;
        else if ((cp >= 0xc0 && cp <= 0xde && cp != 0xd7) || (cp >= 0x391 && cp <= 0x3ab && cp != 0x3a2)
                 || (cp >= 0x410 && cp <= 0x42f))
            cp += 32;
        else if (cp >= 0x400 && cp <= 0x40f) cp += 80;
        else if (cp == 0x178) cp = 0xff;  // Ÿ -> ÿ
        else if (cp >= 0x100 && cp <= 0x17f && cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149
                 && cp != 0x17f) {
            // Latin Extended-A alternates upper/lower, with a phase shift at U+0139..U+0148 and U+0179..U+017E.
            bool oddUpper = (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17e);
            if ((cp % 2 == 1) == oddUpper) cp += 1;
        }
        appendUtf8(out, cp);
    }
    return out;
}

Location at(const std::string& file, std::string_view member = {})
{
    Location l;
    l.file = file;
    if (!member.empty()) l.member = printable(member);
    return l;
}

std::string libzipError(int code)
{
    zip_error_t ze;
    zip_error_init_with_code(&ze, code);
    std::string msg = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    return msg;
}

std::string bytes(std::uint64_t n)
{
    return std::to_string(n) + " bytes";
}

/// Closes a zip_file_t on every path.
struct ZipFileCloser {
    void operator()(zip_file_t* f) const { if (f) zip_fclose(f); }
};
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileCloser>;

// -------------------------------------------------------------------------
// Streaming a member: a streambuf pulling 64 KiB at a time from zip_fread.
//
// Errors (a CRC mismatch, a member delivering more or fewer bytes than it
// declares, corrupt deflate data) are thrown as qdx::InputError from
// underflow(). std::istream catches exceptions from its streambuf and sets
// badbit; the stream returned by openStream() has exceptions(badbit) set, so
// libstdc++ rethrows the original InputError to the caller. A caller that
// clears the exception mask still sees bad() — never a silent short read.
class ZipEntryBuf final : public std::streambuf {
public:
    ZipEntryBuf(std::shared_ptr<const ZipReader> reader, ZipReader::Entry entry, ZipFilePtr file)
        : _reader(std::move(reader)), _entry(std::move(entry)), _file(std::move(file)), _buf(kChunk)
    {
    }

protected:
    int_type underflow() override
    {
        if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
        if (_done) return traits_type::eof();
        zip_int64_t n = zip_fread(_file.get(), _buf.data(), _buf.size());
        if (n < 0) fail(std::string("cannot read member: ") + zip_file_strerror(_file.get()));
        _got += static_cast<std::uint64_t>(n);
        if (_got > _entry.size)
            fail("member delivers more than its declared " + bytes(_entry.size) + " (size lie)");
        if (n == 0) {
            _done = true;
            if (_got != _entry.size)
                fail("member delivers " + bytes(_got) + " but declares " + bytes(_entry.size));
            _file.reset();
            return traits_type::eof();
        }
        setg(_buf.data(), _buf.data(), _buf.data() + n);
        return traits_type::to_int_type(*gptr());
    }

private:
    [[noreturn]] void fail(const std::string& why)
    {
        _done = true;
        _file.reset();
        setg(nullptr, nullptr, nullptr);
        throw InputError(at(_reader->name(), _entry.name), why);
    }

    std::shared_ptr<const ZipReader> _reader;  // keeps the archive open
    ZipReader::Entry _entry;
    ZipFilePtr _file;
    std::vector<char> _buf;
    std::uint64_t _got = 0;
    bool _done = false;
};

class ZipEntryStream final : public std::istream {
public:
    explicit ZipEntryStream(std::unique_ptr<ZipEntryBuf> buf) : std::istream(nullptr), _buf(std::move(buf))
    {
        rdbuf(_buf.get());
        exceptions(std::ios::badbit);
    }

private:
    std::unique_ptr<ZipEntryBuf> _buf;
};

} // namespace

// -------------------------------------------------------------------------

bool isSafeZipName(std::string_view name)
{
    if (name.empty() || name.front() == '/') return false;
    // A drive letter ("C:", "C:foo") at the start.
    if (name.size() >= 2 && name[1] == ':' && ((name[0] >= 'A' && name[0] <= 'Z') || (name[0] >= 'a' && name[0] <= 'z')))
        return false;
    std::size_t i = 0;
    while (i < name.size()) {
        auto c = static_cast<unsigned char>(name[i]);
        if (c < 0x20 || c == 0x7f || c == '\\') return false;
        long cp = decodeUtf8(name, i);
        if (cp < 0 || (cp >= 0x80 && cp <= 0x9f)) return false;  // invalid UTF-8, C1 controls
    }
    // Components: none empty (a single trailing "/" marks a directory), "." or "..".
    std::string_view rest = name;
    if (rest.back() == '/') rest.remove_suffix(1);
    while (true) {
        std::size_t slash = rest.find('/');
        std::string_view comp = rest.substr(0, slash);
        if (comp.empty() || comp == "." || comp == "..") return false;
        if (slash == std::string_view::npos) break;
        rest.remove_prefix(slash + 1);
    }
    return true;
}

std::shared_ptr<ZipReader> ZipReader::open(const Input& in, const ZipLimits& limits)
{
    std::shared_ptr<ZipReader> r(new ZipReader());
    r->_name = in.name();
    r->_limits = limits;
    const int flags = ZIP_RDONLY | ZIP_CHECKCONS;
    std::uint64_t archiveSize = 0;
    if (in.isFile()) {
        struct stat st;
        if (::stat(in.path().c_str(), &st) != 0)
            throw InputError(at(r->_name), std::string("cannot open: ") + std::strerror(errno));
        archiveSize = static_cast<std::uint64_t>(st.st_size);
        int err = 0;
        r->_zip = zip_open(in.path().c_str(), flags, &err);
        if (!r->_zip) throw InputError(at(r->_name), "not a readable zip archive: " + libzipError(err));
    } else {
        // Input hands out a view only, so the bytes are copied to outlive it.
        r->_memory = std::make_shared<const std::string>(in.memory());
        archiveSize = r->_memory->size();
        zip_error_t ze;
        zip_error_init(&ze);
        zip_source_t* src = zip_source_buffer_create(r->_memory->data(), r->_memory->size(), 0, &ze);
        if (src) r->_zip = zip_open_from_source(src, flags, &ze);
        if (!r->_zip) {
            std::string msg = zip_error_strerror(&ze);
            zip_error_fini(&ze);
            if (src) zip_source_free(src);
            throw InputError(at(r->_name), "not a readable zip archive: " + msg);
        }
        zip_error_fini(&ze);
    }
    zip_t* za = Z(r->_zip);
    if (!limits.password.empty() && zip_set_default_password(za, limits.password.c_str()) != 0)
        throw InputError(at(r->_name), std::string("cannot set the password: ") + zip_strerror(za));

    zip_int64_t count = zip_get_num_entries(za, 0);
    if (count < 0) throw InputError(at(r->_name), "cannot read the central directory");
    if (static_cast<std::uint64_t>(count) > limits.maxEntries)
        throw LimitError(at(r->_name), std::to_string(count) + " members, more than the limit of "
                                           + std::to_string(limits.maxEntries));
    r->_entries.reserve(static_cast<std::size_t>(count));
    std::uint64_t total = 0;
    std::uint64_t totalCompressed = 0;
    for (zip_uint64_t i = 0; i < static_cast<zip_uint64_t>(count); ++i) {
        const char* rawName = zip_get_name(za, i, ZIP_FL_ENC_GUESS);
        if (!rawName) throw InputError(at(r->_name), "member #" + std::to_string(i) + " has no readable name");
        Entry e;
        e.name = rawName;
        e.index = i;
        // Zip slip: nothing is extracted, but names flow into other archives and folders.
        if (!isSafeZipName(e.name))
            throw InputError(at(r->_name, e.name.empty() ? std::string("#") + std::to_string(i) : e.name),
                             "unsafe member name (absolute, '..', drive letter, backslash, empty "
                             "component or control character)");
        zip_stat_t st;
        zip_stat_init(&st);
        if (zip_stat_index(za, i, ZIP_FL_ENC_GUESS, &st) != 0)
            throw InputError(at(r->_name, e.name), std::string("cannot read member: ") + zip_strerror(za));
        const zip_uint64_t need = ZIP_STAT_SIZE | ZIP_STAT_COMP_SIZE | ZIP_STAT_COMP_METHOD | ZIP_STAT_ENCRYPTION_METHOD;
        if ((st.valid & need) != need) throw InputError(at(r->_name, e.name), "incomplete central directory record");
        e.size = st.size;
        e.compressedSize = st.comp_size;
        e.method = st.comp_method;
        e.encrypted = st.encryption_method != ZIP_EM_NONE;
        e.isDirectory = e.name.back() == '/';
        Location where = at(r->_name, e.name);

        if (e.method != ZIP_CM_STORE && e.method != ZIP_CM_DEFLATE)
            throw InputError(where, "compression method " + std::to_string(e.method)
                                        + " is not supported (only store and deflate)");
        if (e.encrypted) {
            if (limits.password.empty())
                throw InputError(where, "member is encrypted and no password was given");
            if (!zip_encryption_method_supported(st.encryption_method, 0))
                throw InputError(where, "encryption method " + std::to_string(st.encryption_method) + " is not supported");
        }
        // Symlinks and other non-regular files: the Unix mode sits in the high 16 bits.
        zip_uint8_t opsys = 0;
        zip_uint32_t attributes = 0;
        if (zip_file_get_external_attributes(za, i, 0, &opsys, &attributes) == 0 && opsys == ZIP_OPSYS_UNIX) {
            unsigned type = (attributes >> 16) & 0170000u;
            if (type == 0120000u) throw InputError(where, "member is a symbolic link");
            bool ok = type == 0 || type == 0100000u || (type == 0040000u && e.isDirectory);
            if (!ok) throw InputError(where, "member is not a regular file (mode " + std::to_string(attributes >> 16) + ")");
        }
        if (e.isDirectory && e.size != 0) throw InputError(where, "directory member holds data");

        // Bombs: per-member size, total, ratio, and overlapping members.
        if (e.size > limits.maxEntrySize)
            throw LimitError(where, "declared size " + bytes(e.size) + " exceeds the limit of "
                                        + bytes(limits.maxEntrySize) + " per member");
        total += e.size;
        if (total > limits.maxTotalSize)
            throw LimitError(where, "members declare " + bytes(total) + " in all, more than the limit of "
                                        + bytes(limits.maxTotalSize));
        if (e.size > kRatioFloor && (e.compressedSize == 0 || e.size / e.compressedSize > limits.maxRatio))
            throw LimitError(where, "compression ratio " + std::to_string(e.size / std::max<std::uint64_t>(e.compressedSize, 1))
                                        + ":1 exceeds the limit of " + std::to_string(limits.maxRatio) + ":1 (zip bomb?)");
        // Members sharing compressed data (the overlapping-entry bomb) claim
        // more compressed bytes in all than the archive holds.
        totalCompressed += e.compressedSize;
        if (totalCompressed > archiveSize)
            throw InputError(where, "members claim " + bytes(totalCompressed) + " of compressed data in an archive of "
                                        + bytes(archiveSize) + " (overlapping members: zip bomb?)");
        r->_entries.push_back(std::move(e));
    }
    // Case collisions: real tools differ in case, so lookups fold case, and two
    // members folding to one name would be ambiguous.
    r->_folded.reserve(r->_entries.size());
    for (std::size_t k = 0; k < r->_entries.size(); ++k) {
        std::string f = foldName(r->_entries[k].name);
        if (!f.empty() && f.back() == '/') f.pop_back();  // "a/" and "a" collide too
        r->_folded.emplace_back(std::move(f), k);
    }
    std::sort(r->_folded.begin(), r->_folded.end());
    for (std::size_t k = 1; k < r->_folded.size(); ++k)
        if (r->_folded[k].first == r->_folded[k - 1].first) {
            const Entry& a = r->_entries[r->_folded[k - 1].second];
            const Entry& b = r->_entries[r->_folded[k].second];
            throw InputError(at(r->_name, b.name), "member name collides with '" + printable(a.name)
                                                       + "' when case is ignored");
        }
    return r;
}

ZipReader::~ZipReader()
{
    if (_zip) zip_discard(Z(_zip));
}

const ZipReader::Entry* ZipReader::find(std::string_view name) const
{
    std::string f = foldName(name);
    if (!f.empty() && f.back() == '/') f.pop_back();
    auto it = std::lower_bound(_folded.begin(), _folded.end(), f,
                               [](const auto& item, const std::string& key) { return item.first < key; });
    if (it == _folded.end() || it->first != f) return nullptr;
    return &_entries[it->second];
}

namespace {

ZipFilePtr openMember(const ZipReader& r, const ZipReader::Entry& e, const std::string& password)
{
    zip_t* za = static_cast<zip_t*>(r.handle());
    zip_file_t* f = e.encrypted ? zip_fopen_index_encrypted(za, e.index, 0, password.c_str())
                                : zip_fopen_index(za, e.index, 0);
    if (!f) throw InputError(at(r.name(), e.name), std::string("cannot open member: ") + zip_strerror(za));
    return ZipFilePtr(f);
}

} // namespace

std::string ZipReader::read(const Entry& e, std::uint64_t maxBytes) const
{
    if (e.size > maxBytes)
        throw LimitError(at(_name, e.name), "member declares " + bytes(e.size) + ", more than the limit of "
                                                + bytes(maxBytes) + " for it");
    ZipFilePtr f = openMember(*this, e, _limits.password);
    std::string out;
    // Up to one byte past the declared size: a longer member shows itself, and
    // a member of exactly the declared size is read to its end, where libzip
    // checks the CRC. The buffer grows with the data actually delivered, so a
    // member declaring gigabytes costs nothing until it delivers them.
    const std::uint64_t cap = e.size + 1;
    std::uint64_t got = 0;
    while (true) {
        if (got == out.size()) {
            if (got == cap) break;
            out.resize(static_cast<std::size_t>(std::min<std::uint64_t>(cap, std::max<std::uint64_t>(2 * got, 1 << 20))));
        }
        std::uint64_t want = std::min<std::uint64_t>(out.size() - got, 1 << 20);
        zip_int64_t n = zip_fread(f.get(), &out[got], want);
        if (n < 0) throw InputError(at(_name, e.name), std::string("cannot read member: ") + zip_file_strerror(f.get()));
        if (n == 0) break;
        got += static_cast<std::uint64_t>(n);
    }
    if (got > e.size)
        throw InputError(at(_name, e.name), "member delivers more than its declared " + bytes(e.size) + " (size lie)");
    if (got != e.size)
        throw InputError(at(_name, e.name), "member delivers " + bytes(got) + " but declares " + bytes(e.size));
    out.resize(static_cast<std::size_t>(got));
    return out;
}

std::unique_ptr<std::istream> ZipReader::openStream(const Entry& e) const
{
    ZipFilePtr f = openMember(*this, e, _limits.password);
    auto buf = std::make_unique<ZipEntryBuf>(shared_from_this(), e, std::move(f));
    return std::make_unique<ZipEntryStream>(std::move(buf));
}

std::shared_ptr<Blob> ZipReader::blob(const Entry& e)
{
    return std::make_shared<ZipMemberBlob>(shared_from_this(), e);
}

// -------------------------------------------------------------------------

ZipMemberBlob::ZipMemberBlob(std::shared_ptr<ZipReader> zip, ZipReader::Entry entry)
    : _zip(std::move(zip)), _entry(std::move(entry))
{
}

std::unique_ptr<std::istream> ZipMemberBlob::open() const
{
    return _zip->openStream(_entry);
}

std::string ZipMemberBlob::describe() const
{
    return _zip->name() + "!" + printable(_entry.name);
}

// -------------------------------------------------------------------------
// Writing.

namespace {

/// Pulls a Blob through a libzip source callback, so a blob is streamed at
/// close() and never held whole in memory. Exceptions cannot cross libzip's
/// C frames: they are kept here and rethrown by close().
struct BlobSource {
    std::shared_ptr<const Blob> blob;
    std::unique_ptr<std::istream> in;
    std::uint64_t got = 0;
    zip_error_t error;
    std::exception_ptr exception;

    explicit BlobSource(std::shared_ptr<const Blob> b) : blob(std::move(b)) { zip_error_init(&error); }
    ~BlobSource() { zip_error_fini(&error); }

    static zip_int64_t callback(void* ud, void* data, zip_uint64_t len, zip_source_cmd_t cmd)
    {
        auto* self = static_cast<BlobSource*>(ud);
        try {
            return self->run(data, len, cmd);
        } catch (...) {
            self->exception = std::current_exception();
            self->in.reset();
            zip_error_set(&self->error, ZIP_ER_READ, 0);
            return -1;
        }
    }

    zip_int64_t run(void* data, zip_uint64_t len, zip_source_cmd_t cmd)
    {
        switch (cmd) {
        case ZIP_SOURCE_OPEN:
            in = blob->open();
            got = 0;
            return 0;
        case ZIP_SOURCE_READ: {
            if (!in) { zip_error_set(&error, ZIP_ER_INTERNAL, 0); return -1; }
            in->read(static_cast<char*>(data), static_cast<std::streamsize>(std::min<zip_uint64_t>(len, 1u << 30)));
            std::streamsize n = in->gcount();
            if (in->bad()) throw OutputError("cannot read " + blob->describe());
            got += static_cast<std::uint64_t>(n);
            auto size = blob->size();
            if (size && got > *size)
                throw InputError(Location{}, blob->describe() + " delivers more than its declared " + bytes(*size));
            if (n == 0 && size && got != *size)
                throw InputError(Location{}, blob->describe() + " delivers " + bytes(got) + " but declares " + bytes(*size));
            return n;
        }
        case ZIP_SOURCE_CLOSE:
            in.reset();
            return 0;
        case ZIP_SOURCE_STAT: {
            zip_stat_t* st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &error);
            if (!st) return -1;
            zip_stat_init(st);
            if (auto size = blob->size()) {
                st->size = *size;
                st->valid |= ZIP_STAT_SIZE;
            }
            return sizeof(zip_stat_t);
        }
        case ZIP_SOURCE_ERROR:
            return zip_error_to_data(&error, data, len);
        case ZIP_SOURCE_FREE:
            return 0;  // owned by ZipWriter::Impl
        case ZIP_SOURCE_SUPPORTS:
            return zip_source_make_command_bitmap(ZIP_SOURCE_OPEN, ZIP_SOURCE_READ, ZIP_SOURCE_CLOSE, ZIP_SOURCE_STAT,
                                                  ZIP_SOURCE_ERROR, ZIP_SOURCE_FREE, -1);
        default:
            zip_error_set(&error, ZIP_ER_OPNOTSUPP, 0);
            return -1;
        }
    }
};

/// The time stamped on every member: SOURCE_DATE_EPOCH when set (the
/// reproducible-builds convention), else 1980-01-01 00:00, the earliest DOS
/// time. DOS times are local, so the UTC calendar fields are mapped through
/// mktime: the bytes written do not depend on the time zone.
time_t fixedMtime()
{
    std::tm tm{};
    tm.tm_year = 80;
    tm.tm_mday = 1;
    if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) {
        char* end = nullptr;
        long long v = std::strtoll(sde, &end, 10);
        if (end != sde && *end == '\0' && v >= 315532800LL) {  // not before 1980
            time_t t = static_cast<time_t>(v);
            std::tm utc{};
            if (gmtime_r(&t, &utc)) tm = utc;
        }
    }
    tm.tm_isdst = -1;
    return std::mktime(&tm);
}

} // namespace

struct ZipWriter::Impl {
    std::string path;
    zip_t* za = nullptr;
    std::string password;
    // Deflate level: 6 (zlib's default) unless setCompressionLevel() says otherwise.
    // libzip's own default is 9, which costs 3-4x the time of 6 for about 3 % smaller
    // output (bench/, BENCHMARKS.md); 0 asks for libzip's default.
    zip_uint32_t level = kDeflateLevel;
    time_t mtime = 0;
    std::set<std::string> folded;                        // refuses what ZipReader would refuse
    std::vector<std::unique_ptr<std::string>> buffers;  // addBytes data, alive until close()
    std::vector<std::unique_ptr<BlobSource>> sources;
    std::vector<std::shared_ptr<const Blob>> blobs;     // keeps source archives open
    std::uint64_t count = 0;

    void checkName(const std::string& name)
    {
        if (!za) throw OutputError(path + ": the zip archive is already closed");
        if (!isSafeZipName(name)) throw OutputError(path + ": unsafe member name '" + printable(name) + "'");
        std::string f = foldName(name);
        if (!f.empty() && f.back() == '/') f.pop_back();
        if (!folded.insert(f).second)
            throw OutputError(path + ": member name '" + printable(name) + "' is already used (case ignored)");
    }

    /// Adds `src` (taking it over) and sets the per-member properties.
    void add(const std::string& name, zip_source_t* src, zip_int32_t method)
    {
        if (!src) throw OutputError(path + "!" + printable(name) + ": " + zip_strerror(za));
        zip_int64_t idx = zip_file_add(za, name.c_str(), src, ZIP_FL_ENC_UTF_8);
        if (idx < 0) {
            zip_source_free(src);
            throw OutputError(path + "!" + printable(name) + ": " + zip_strerror(za));
        }
        auto u = static_cast<zip_uint64_t>(idx);
        bool ok = zip_set_file_compression(za, u, method, method == ZIP_CM_DEFLATE ? level : 0) == 0 && zip_file_set_mtime(za, u, mtime, 0) == 0
                  && zip_file_set_external_attributes(za, u, 0, ZIP_OPSYS_UNIX, 0100644u << 16) == 0;
        if (ok && !password.empty()) ok = zip_file_set_encryption(za, u, ZIP_EM_AES_256, password.c_str()) == 0;
        if (!ok) throw OutputError(path + "!" + printable(name) + ": " + zip_strerror(za));
        ++count;
    }
};

ZipWriter::ZipWriter(const std::string& path) : _impl(std::make_unique<Impl>())
{
    _impl->path = path;
    _impl->mtime = fixedMtime();
    int err = 0;
    _impl->za = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    if (!_impl->za) throw OutputError(path + ": cannot create zip archive: " + libzipError(err));
}

ZipWriter::~ZipWriter()
{
    if (_impl && _impl->za) zip_discard(_impl->za);
}

void ZipWriter::setPassword(std::string password)
{
    _impl->password = std::move(password);
}

void ZipWriter::setCompressionLevel(int level)
{
    _impl->level = static_cast<zip_uint32_t>(level < 0 ? 0 : level > 9 ? 9 : level);
}

void ZipWriter::addBytes(const std::string& name, std::string data, bool compress)
{
    _impl->checkName(name);
    // The string is kept (not copied into a malloc'd buffer) until close().
    _impl->buffers.push_back(std::make_unique<std::string>(std::move(data)));
    const std::string& d = *_impl->buffers.back();
    _impl->add(name, zip_source_buffer(_impl->za, d.data(), d.size(), 0), compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE);
}

void ZipWriter::addFile(const std::string& name, const std::string& path, bool compress)
{
    _impl->checkName(name);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        throw InputError(at(path), "cannot add to zip: not a readable regular file");
    _impl->add(name, zip_source_file(_impl->za, path.c_str(), 0, -1), compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE);
}

void ZipWriter::addBlob(const std::string& name, std::shared_ptr<const Blob> blob, bool compress)
{
    _impl->checkName(name);
    if (!blob) throw OutputError(_impl->path + "!" + printable(name) + ": no content");
    if (auto* member = dynamic_cast<const ZipMemberBlob*>(blob.get())) {
        // The compressed bytes as they are: no inflate, no deflate. The member
        // keeps its method (store stays store); `compress` does not apply.
        zip_t* src = static_cast<zip_t*>(member->reader().handle());
        const ZipReader::Entry& e = member->entry();
        _impl->blobs.push_back(blob);
        _impl->add(name, zip_source_zip(_impl->za, src, e.index, ZIP_FL_COMPRESSED, 0, -1),
                   static_cast<zip_int32_t>(e.method));
        return;
    }
    _impl->sources.push_back(std::make_unique<BlobSource>(blob));
    _impl->blobs.push_back(std::move(blob));
    _impl->add(name, zip_source_function(_impl->za, &BlobSource::callback, _impl->sources.back().get()),
               compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE);
}

void ZipWriter::close()
{
    Impl& m = *_impl;
    if (!m.za) throw OutputError(m.path + ": the zip archive is already closed");
    if (zip_close(m.za) != 0) {
        std::string msg = zip_strerror(m.za);
        zip_discard(m.za);
        m.za = nullptr;
        // A source that failed (an unreadable or lying blob) says why itself.
        for (const auto& s : m.sources)
            if (s->exception) std::rethrow_exception(s->exception);
        throw OutputError(m.path + ": cannot write zip archive: " + msg);
    }
    m.za = nullptr;
    m.buffers.clear();
    m.sources.clear();
    m.blobs.clear();
    if (m.count == 0) {
        // libzip removes an archive without members instead of writing it;
        // an empty project is still a valid (22-byte) zip.
        static const char eocd[22] = {'P', 'K', 5, 6};
        FILE* f = std::fopen(m.path.c_str(), "wb");
        bool ok = f && std::fwrite(eocd, 1, sizeof eocd, f) == sizeof eocd;
        if (f && std::fclose(f) != 0) ok = false;
        if (!ok) throw OutputError(m.path + ": cannot write empty zip archive: " + std::strerror(errno));
    }
}

} // namespace qdx
