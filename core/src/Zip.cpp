// Safe ZIP reading on libzip 1.7.3 (through our own pread-based file
// source), and streaming ZIP writing: by qdx itself for archives without
// encryption, by libzip for AES (see "Writing" below).
//
// The rules come from docs/security.md; each check below says which attack
// it stops. libzip's own ZIP_CHECKCONS catches duplicate names and some
// local/central header mismatches; checkLayout() reads the raw structure
// itself (libzip shows a NUL in a name as a space, and reads the first of two
// archives in one file where other tools read the second); everything else is
// done here too.

#include "qdx/Zip.h"

#include "qdx/AtomicFile.h"
#include "qdx/Errors.h"
#include "qdx/Text.h"

#include <zip.h>
#include <zlib.h>
#ifdef QDX_HAVE_ISAL
#include <isa-l/crc.h>
#endif

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <set>
#include <optional>
#include <streambuf>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace qdx {

namespace {

constexpr std::uint64_t kChunk = 64 * 1024;      // zip_fread chunk for streams
constexpr std::uint64_t kRatioFloor = 1 << 20;   // ratio checked only above 1 MiB
constexpr zip_uint32_t kDeflateLevel = 6;        // deflate level of written members
constexpr std::size_t kDeflateBlock = 1u << 20;    // members above kParallelDeflateMin are deflated
constexpr std::uint64_t kParallelDeflateMin = 4u << 20;  // in blocks of this size on every core

zip_t* Z(void* p) { return static_cast<zip_t*>(p); }

/// A member name fit for messages (see text::printable).
std::string printable(std::string_view s) { return text::printable(s); }

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

// -------------------------------------------------------------------------
// Our own file I/O under libzip. libzip 1.7.3's file source goes through a
// stdio FILE with a 4 KiB buffer and seeks before each 8 KiB chunk it copies,
// so copying a 1 GiB member cost half a million read/write system calls and
// 130,000 lseeks. These two sources do the same work in 1 MiB pread/pwrite
// calls, keeping the position in a counter (no lseek at all).

constexpr std::size_t kIoBuffer = 1 << 20;
constexpr std::uint64_t kWriteback = 8 << 20;  // start writeback every 8 MiB written

} // namespace

namespace detail {

/// Reads a file for ZipReader: pread(2) through a 1 MiB read-ahead window.
/// A seek only moves a counter; a read inside the window is a memcpy.
class ZipFileSource {
public:
    /// Opens `path`; throws InputError naming `name` when that fails.
    ZipFileSource(const std::string& path, const std::string& name)
    {
        zip_error_init(&_error);
        _fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st;
        if (_fd < 0 || ::fstat(_fd, &st) != 0) {
            int e = errno;
            if (_fd >= 0) ::close(_fd);
            zip_error_fini(&_error);
            throw InputError(at(name), std::string("cannot open: ") + std::strerror(e));
        }
        _size = static_cast<std::uint64_t>(st.st_size);
        _mtime = st.st_mtime;
    }
    ~ZipFileSource()
    {
        ::close(_fd);
        zip_error_fini(&_error);
    }
    ZipFileSource(const ZipFileSource&) = delete;
    ZipFileSource& operator=(const ZipFileSource&) = delete;

    std::uint64_t size() const { return _size; }
    int fd() const { return _fd; }
    /// Where the last READ started and how many bytes it asked for (see ZipReader::rawDataAt).
    std::uint64_t lastReadAt() const { return _lastReadAt; }
    zip_uint64_t lastReadLen() const { return _lastReadLen; }

    /// A libzip source over this file; libzip owns it, and it owns this object.
    static zip_source_t* create(std::unique_ptr<ZipFileSource> self, zip_error_t* error)
    {
        zip_source_t* src = zip_source_function_create(&ZipFileSource::callback, self.get(), error);
        if (src) self.release();  // ZIP_SOURCE_FREE deletes it
        return src;
    }

private:
    static zip_int64_t callback(void* ud, void* data, zip_uint64_t len, zip_source_cmd_t cmd)
    {
        auto* self = static_cast<ZipFileSource*>(ud);
        switch (cmd) {
        case ZIP_SOURCE_OPEN:
            self->_pos = 0;
            return 0;
        case ZIP_SOURCE_READ:
            self->_lastReadAt = self->_pos;
            self->_lastReadLen = len;
            return self->read(static_cast<char*>(data), len);
        case ZIP_SOURCE_CLOSE:
            return 0;
        case ZIP_SOURCE_STAT: {
            zip_stat_t* st = ZIP_SOURCE_GET_ARGS(zip_stat_t, data, len, &self->_error);
            if (!st) return -1;
            zip_stat_init(st);
            st->size = self->_size;
            st->mtime = self->_mtime;
            st->valid |= ZIP_STAT_SIZE | ZIP_STAT_MTIME;
            return sizeof(zip_stat_t);
        }
        case ZIP_SOURCE_SEEK: {
            zip_int64_t to = zip_source_seek_compute_offset(self->_pos, self->_size, data, len, &self->_error);
            if (to < 0) return -1;
            self->_pos = static_cast<std::uint64_t>(to);
            return 0;
        }
        case ZIP_SOURCE_TELL:
            return static_cast<zip_int64_t>(self->_pos);
        case ZIP_SOURCE_ERROR:
            return zip_error_to_data(&self->_error, data, len);
        case ZIP_SOURCE_FREE:
            delete self;
            return 0;
        case ZIP_SOURCE_SUPPORTS:
            return ZIP_SOURCE_SUPPORTS_SEEKABLE;
        default:
            zip_error_set(&self->_error, ZIP_ER_OPNOTSUPP, 0);
            return -1;
        }
    }

    zip_int64_t read(char* out, zip_uint64_t len)
    {
        len = std::min<zip_uint64_t>(len, 1ull << 30);
        zip_uint64_t done = 0;
        while (done < len) {
            if (_pos >= _cacheStart && _pos < _cacheStart + _cacheLen) {
                std::size_t off = static_cast<std::size_t>(_pos - _cacheStart);
                std::size_t n = static_cast<std::size_t>(std::min<zip_uint64_t>(len - done, _cacheLen - off));
                std::memcpy(out + done, _cache.data() + off, n);
                done += n;
                _pos += n;
                continue;
            }
            if (_pos >= _size) break;
            if (len - done >= kIoBuffer) {  // large reads bypass the window
                ssize_t n = preadFull(out + done, static_cast<std::size_t>(len - done), _pos);
                if (n < 0) return -1;
                if (n == 0) break;
                done += static_cast<zip_uint64_t>(n);
                _pos += static_cast<std::uint64_t>(n);
                continue;
            }
            if (_cache.empty()) _cache.resize(kIoBuffer);
            ssize_t n = preadFull(_cache.data(), _cache.size(), _pos);
            if (n < 0) return -1;
            _cacheStart = _pos;
            _cacheLen = static_cast<std::size_t>(n);
            if (n == 0) break;  // the file shrank under us: libzip sees a short read
        }
        return static_cast<zip_int64_t>(done);
    }

    /// pread until `len` bytes or end of file; -1 (error set) on failure.
    ssize_t preadFull(char* out, std::size_t len, std::uint64_t at)
    {
        std::size_t got = 0;
        while (got < len) {
            ssize_t n = ::pread(_fd, out + got, len - got, static_cast<off_t>(at + got));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                zip_error_set(&_error, ZIP_ER_READ, errno);
                return -1;
            }
            if (n == 0) break;
            got += static_cast<std::size_t>(n);
        }
        return static_cast<ssize_t>(got);
    }

    int _fd = -1;
    std::uint64_t _size = 0;
    time_t _mtime = 0;
    std::uint64_t _pos = 0;
    std::vector<char> _cache;  // allocated on the first read
    std::uint64_t _cacheStart = 0;
    std::size_t _cacheLen = 0;
    std::uint64_t _lastReadAt = 0;
    zip_uint64_t _lastReadLen = 0;
    zip_error_t _error;
};

} // namespace detail

namespace {

/// Opens an archive on the source `make` creates; throws InputError naming `name`.
template <class MakeSource>
zip_t* openArchive(const std::string& name, int flags, MakeSource make)
{
    zip_error_t ze;
    zip_error_init(&ze);
    zip_t* za = nullptr;
    zip_source_t* src = make(&ze);
    if (src) za = zip_open_from_source(src, flags, &ze);
    if (!za) {
        std::string msg = zip_error_strerror(&ze);
        zip_error_fini(&ze);
        if (src) zip_source_free(src);
        throw InputError(at(name), "not a readable zip archive: " + msg);
    }
    zip_error_fini(&ze);
    return za;
}

} // namespace

// -------------------------------------------------------------------------

namespace {

/// The archive's bytes as they lie in the file (or buffer), for the layout check.
class RawBytes {
public:
    RawBytes(int fd, std::uint64_t size) : _fd(fd), _size(size) {}
    explicit RawBytes(const std::string& memory) : _memory(&memory), _size(memory.size()) {}
    std::uint64_t size() const { return _size; }
    /// `len` bytes at `at`, or fewer where the archive ends.
    std::string read(std::uint64_t at, std::uint64_t len) const
    {
        if (at >= _size) return {};
        len = std::min(len, _size - at);
        if (_memory) return _memory->substr(static_cast<std::size_t>(at), static_cast<std::size_t>(len));
        std::string out(static_cast<std::size_t>(len), '\0');
        std::size_t got = 0;
        while (got < out.size()) {
            ssize_t n = ::pread(_fd, &out[got], out.size() - got, static_cast<off_t>(at + got));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += static_cast<std::size_t>(n);
        }
        out.resize(got);
        return out;
    }

private:
    int _fd = -1;
    const std::string* _memory = nullptr;
    std::uint64_t _size = 0;
};

std::uint64_t le(const std::string& b, std::size_t at, int n)
{
    std::uint64_t v = 0;
    for (int k = n - 1; k >= 0; --k) v = (v << 8) | static_cast<unsigned char>(b[at + static_cast<std::size_t>(k)]);
    return v;
}

/// One member as the central directory and its local header describe it.
struct RawMember {
    std::string name;  // the raw bytes
    std::uint64_t offset = 0, compressed = 0, size = 0;
    std::uint32_t crc = 0;
    unsigned flags = 0, method = 0;
};

/// The zip64 extended information (extra field 0x0001) replaces the fields that hold all ones.
void applyZip64(const std::string& extra, RawMember& m, bool central)
{
    for (std::size_t i = 0; i + 4 <= extra.size();) {
        std::size_t id = le(extra, i, 2), len = le(extra, i + 2, 2);
        if (i + 4 + len > extra.size()) break;
        if (id == 1) {
            std::size_t at = i + 4, end = at + len;
            auto take = [&](std::uint64_t& field) {
                if (field == 0xFFFFFFFFu && at + 8 <= end) {
                    field = le(extra, at, 8);
                    at += 8;
                }
            };
            take(m.size);
            take(m.compressed);
            if (central) take(m.offset);
        }
        i += 4 + len;
    }
}

[[noreturn]] void ambiguous(const std::string& archive, std::string_view member, const std::string& what)
{
    throw InputError(at(archive, member), "ambiguous zip structure: " + what +
                                              "; other tools may read other data from this file, so it is refused");
}

/// Refuses an archive whose structure tools read differently (issue 15): bytes
/// before the first member or after the end record (two zips in one file, a
/// stub, a hidden tail), gaps between members, local headers that disagree with
/// the central directory, and raw names holding control bytes (a NUL shows as a
/// space in libzip and ends the name in Python, which then sees two members of
/// one name). The members must tile the file: local header, data, descriptor,
/// then the next member, then the central directory and the end record.
void checkLayout(const std::string& archive, const RawBytes& raw, std::size_t expected)
{
    const std::uint64_t size = raw.size();
    const std::uint64_t tailAt = size > 65557 ? size - 65557 : 0;
    const std::string tail = raw.read(tailAt, size - tailAt);
    std::size_t e = tail.size() >= 22 ? tail.rfind(std::string("PK\x05\x06", 4), tail.size() - 22) : std::string::npos;
    if (e == std::string::npos) ambiguous(archive, {}, "no end record in the last 64 KiB");
    const std::uint64_t eocd = tailAt + e;
    const std::uint64_t eocdEnd = eocd + 22 + le(tail, e + 20, 2);
    if (eocdEnd < size)
        ambiguous(archive, {}, bytes(size - eocdEnd) + " after the end of the zip archive (another archive or hidden data?)");
    if (eocdEnd > size) ambiguous(archive, {}, "the comment of the end record runs past the end of the file");
    if (le(tail, e + 4, 2) != 0 || le(tail, e + 6, 2) != 0) ambiguous(archive, {}, "a multi-disk archive");
    std::uint64_t count = le(tail, e + 10, 2), cdSize = le(tail, e + 12, 4), cdOffset = le(tail, e + 16, 4);
    std::uint64_t cdEnd = eocd;
    if (count == 0xFFFF || cdSize == 0xFFFFFFFFu || cdOffset == 0xFFFFFFFFu) {
        std::string loc = eocd >= 20 ? raw.read(eocd - 20, 20) : std::string();
        if (loc.size() < 20 || loc.compare(0, 4, "PK\x06\x07", 4) != 0)
            ambiguous(archive, {}, "the zip64 end locator is not right before the end record");
        std::uint64_t rec = le(loc, 8, 8);
        std::string r = raw.read(rec, 56);
        if (r.size() < 56 || r.compare(0, 4, "PK\x06\x06", 4) != 0 || rec + 56 > eocd - 20 || le(r, 4, 8) != eocd - 20 - rec - 12)
            ambiguous(archive, {}, "the zip64 end record is not right before its locator");
        count = le(r, 32, 8);
        cdSize = le(r, 40, 8);
        cdOffset = le(r, 48, 8);
        cdEnd = rec;
    }
    if (cdOffset > cdEnd || cdEnd - cdOffset != cdSize)
        ambiguous(archive, {}, "the last end record (at byte " + std::to_string(eocd) +
                                   ") does not follow its central directory (two archives in one file, or data before the zip?)");
    if (count != expected) ambiguous(archive, {}, "the end record counts " + std::to_string(count) + " members, the directory " + std::to_string(expected));

    const std::string cd = raw.read(cdOffset, cdSize);
    std::vector<RawMember> members;
    members.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(count, 1u << 20)));
    std::size_t i = 0;
    while (i < cd.size()) {
        if (i + 46 > cd.size() || cd.compare(i, 4, "PK\x01\x02", 4) != 0) ambiguous(archive, {}, "a malformed central directory");
        RawMember m;
        m.flags = static_cast<unsigned>(le(cd, i + 8, 2));
        m.method = static_cast<unsigned>(le(cd, i + 10, 2));
        m.crc = static_cast<std::uint32_t>(le(cd, i + 16, 4));
        m.compressed = le(cd, i + 20, 4);
        m.size = le(cd, i + 24, 4);
        std::size_t n = le(cd, i + 28, 2), x = le(cd, i + 30, 2), c = le(cd, i + 32, 2);
        m.offset = le(cd, i + 42, 4);
        if (i + 46 + n + x + c > cd.size()) ambiguous(archive, {}, "a malformed central directory");
        m.name = cd.substr(i + 46, n);
        applyZip64(cd.substr(i + 46 + n, x), m, true);
        for (char ch : m.name) {
            auto b = static_cast<unsigned char>(ch);
            if (b < 0x20 || b == 0x7f)
                ambiguous(archive, printable(m.name), std::string("the member name holds the control byte \\x") +
                                                          "0123456789abcdef"[b >> 4] + "0123456789abcdef"[b & 15]);
        }
        members.push_back(std::move(m));
        i += 46 + n + x + c;
    }
    if (members.size() != expected) ambiguous(archive, {}, "the central directory holds " + std::to_string(members.size()) + " records, the end record counts " + std::to_string(expected));

    std::vector<std::pair<std::uint64_t, std::uint64_t>> spans;  // [start, end) of each member in the file
    spans.reserve(members.size());
    for (const RawMember& m : members) {
        const std::string shown = printable(m.name);
        if (m.offset >= size || m.compressed >= size) ambiguous(archive, shown, "it claims more data than the file holds");
        std::string h = raw.read(m.offset, 30);
        if (h.size() < 30 || h.compare(0, 4, "PK\x03\x04", 4) != 0) ambiguous(archive, shown, "no local header where the central directory puts it");
        RawMember l;
        l.flags = static_cast<unsigned>(le(h, 6, 2));
        l.method = static_cast<unsigned>(le(h, 8, 2));
        l.crc = static_cast<std::uint32_t>(le(h, 14, 4));
        l.compressed = le(h, 18, 4);
        l.size = le(h, 22, 4);
        std::size_t n = le(h, 26, 2), x = le(h, 28, 2);
        std::string rest = raw.read(m.offset + 30, n + x);
        if (rest.size() < n + x) ambiguous(archive, shown, "the local header runs past the end of the file");
        l.name = rest.substr(0, n);
        applyZip64(rest.substr(n), l, false);
        if (l.name != m.name) ambiguous(archive, shown, "the local header names it '" + printable(l.name) + "'");
        if (l.method != m.method || (l.flags & 9) != (m.flags & 9))
            ambiguous(archive, shown, "its local header disagrees with the central directory on the method or flags");
        const bool descriptor = (m.flags & 8) != 0;
        if (!descriptor && (l.crc != m.crc || l.compressed != m.compressed || l.size != m.size))
            ambiguous(archive, shown, "its local header disagrees with the central directory on the sizes or the CRC");
        std::uint64_t end = m.offset + 30 + n + x + m.compressed;
        if (descriptor) {  // CRC and sizes after the data, with or without a signature, sizes of 4 or 8 bytes
            std::string d = raw.read(end, 24);
            std::size_t at = d.size() >= 4 && d.compare(0, 4, "PK\x07\x08", 4) == 0 ? 4 : 0;
            if (d.size() >= at + 12 && le(d, at, 4) == m.crc && le(d, at + 4, 4) == m.compressed && le(d, at + 8, 4) == m.size)
                end += at + 12;
            else if (d.size() >= at + 20 && le(d, at, 4) == m.crc && le(d, at + 4, 8) == m.compressed && le(d, at + 12, 8) == m.size)
                end += at + 20;
            else
                ambiguous(archive, shown, "its data descriptor disagrees with the central directory");
        }
        spans.emplace_back(m.offset, end);
    }
    std::sort(spans.begin(), spans.end());
    std::uint64_t pos = 0;
    for (const auto& [start, end] : spans) {
        if (start > pos) ambiguous(archive, {}, bytes(start - pos) + (pos == 0 ? " before the first member (another archive or a stub?)" : " between two members"));
        if (start < pos) ambiguous(archive, {}, "two members overlap");
        pos = end;
    }
    if (pos < cdOffset) ambiguous(archive, {}, bytes(cdOffset - pos) + " between the last member and the central directory");
    if (pos > cdOffset) ambiguous(archive, {}, "the last member runs into the central directory");
}

} // namespace

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
        auto file = std::make_unique<detail::ZipFileSource>(in.path(), r->_name);
        archiveSize = file->size();
        r->_file = file.get();  // owned by the libzip source from here on
        r->_zip = openArchive(r->_name, flags, [&](zip_error_t* ze) { return detail::ZipFileSource::create(std::move(file), ze); });
    } else {
        // Input hands out a view only, so the bytes are copied to outlive it.
        r->_memory = std::make_shared<const std::string>(in.memory());
        archiveSize = r->_memory->size();
        r->_zip = openArchive(r->_name, flags, [&](zip_error_t* ze) {
            return zip_source_buffer_create(r->_memory->data(), r->_memory->size(), 0, ze);
        });
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
        if (st.valid & ZIP_STAT_CRC) e.crc = st.crc;
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
    if (r->_file) checkLayout(r->_name, RawBytes(r->_file->fd(), archiveSize), r->_entries.size());
    else checkLayout(r->_name, RawBytes(*r->_memory), r->_entries.size());
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

bool ZipReader::rawDataAt(const Entry& e, int& fd, std::uint64_t& offset) const
{
    if (!_file || e.encrypted || e.compressedSize == 0) return false;
    zip_file_t* f = zip_fopen_index(Z(_zip), e.index, ZIP_FL_COMPRESSED);
    if (!f) return false;
    ZipFilePtr guard(f);
    char first = 0;
    if (zip_fread(f, &first, 1) != 1) return false;
    // libzip reads a member's raw bytes through a window onto the archive's
    // source, so this one-byte read reached the file as a one-byte read at the
    // data offset. Anything else (a libzip that buffers) is not trusted.
    if (_file->lastReadLen() != 1) return false;
    std::uint64_t at = _file->lastReadAt();
    char check = 0;
    if (at + e.compressedSize > _file->size() || ::pread(_file->fd(), &check, 1, static_cast<off_t>(at)) != 1
        || check != first)
        return false;
    fd = _file->fd();
    offset = at;
    return true;
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
//
// Archives without encryption are written here, by qdx: headers, data and
// central directory go out in 1 MiB pwrite(2) calls, and a member copied from
// an archive on disk moves with copy_file_range(2) (in the kernel, no user
// copy). libzip 1.7.3 would route every byte through 8 KiB buffers and
// recompute the CRC of stored members (a 1 GiB video cost 8x a `cp`).
// Archives with AES-encrypted members are written by libzip, onto the same
// buffered file.

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

    zip_int64_t run(void* data, zip_uint64_t len, zip_source_cmd_t cmd);
};

/// Reads up to `len` bytes of a blob's stream, enforcing its declared size.
std::size_t readBlob(const Blob& blob, std::istream& in, char* out, std::size_t len, std::uint64_t& got)
{
    in.read(out, static_cast<std::streamsize>(len));
    std::streamsize n = in.gcount();
    if (in.bad()) throw OutputError("cannot read " + blob.describe());
    got += static_cast<std::uint64_t>(n);
    auto size = blob.size();
    if (size && got > *size)
        throw InputError(Location{}, blob.describe() + " delivers more than its declared " + bytes(*size));
    if (n == 0 && size && got != *size)
        throw InputError(Location{}, blob.describe() + " delivers " + bytes(got) + " but declares " + bytes(*size));
    return static_cast<std::size_t>(n);
}

zip_int64_t BlobSource::run(void* data, zip_uint64_t len, zip_source_cmd_t cmd)
{
    switch (cmd) {
    case ZIP_SOURCE_OPEN:
        in = blob->open();
        got = 0;
        return 0;
    case ZIP_SOURCE_READ:
        if (!in) {
            zip_error_set(&error, ZIP_ER_INTERNAL, 0);
            return -1;
        }
        return static_cast<zip_int64_t>(
            readBlob(*blob, *in, static_cast<char*>(data), static_cast<std::size_t>(std::min<zip_uint64_t>(len, 1u << 30)), got));
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

/// The output file, written at positions kept in counters (never lseek):
/// writes that continue or rewrite what the 1 MiB buffer holds are gathered
/// there, anything else flushes it first, and a write of 1 MiB or more goes
/// straight out. Failures return an errno value.
class OutFile {
public:
    explicit OutFile(std::string path) : _path(std::move(path)) {}
    ~OutFile() { rollback(); }
    OutFile(const OutFile&) = delete;
    OutFile& operator=(const OutFile&) = delete;

    const std::string& path() const { return _path; }
    std::uint64_t tell() const { return _pos; }
    std::uint64_t end() const { return _end; }
    void seek(std::uint64_t pos) { _pos = pos; }

    /// Opens (creating or emptying) the file. An empty file (an AtomicFile's
    /// temporary) is not truncated: on ext4, truncating marks the file for
    /// writeback at close(), which would start flushing the whole archive there.
    int begin()
    {
        _created = false;
        _fd = ::open(_path.c_str(), O_WRONLY | O_CLOEXEC);
        if (_fd < 0 && errno == ENOENT) {
            _fd = ::open(_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            _created = _fd >= 0;
        }
        if (_fd < 0) return errno;
        struct stat st;
        if (!_created && (::fstat(_fd, &st) != 0 || (st.st_size != 0 && ::ftruncate(_fd, 0) != 0))) {
            int e = errno;
            ::close(_fd);
            _fd = -1;
            return e;
        }
        _pos = _end = _bufStart = _written = _writebackFrom = 0;
        _syncing = AtomicFile::syncOutputs();
        _buf.clear();
        _buf.reserve(kIoBuffer);
        return 0;
    }

    int write(const char* data, std::size_t len)
    {
        if (_fd < 0) return EBADF;
        if (!_buf.empty() && (_pos < _bufStart || _pos > _bufStart + _buf.size() || _pos + len > _bufStart + kIoBuffer))
            if (int e = flush()) return e;
        if (_buf.empty()) {
            _bufStart = _pos;
            if (len >= kIoBuffer) {
                if (int e = pwriteAll(data, len, _pos)) return e;
                advance(len);
                return 0;
            }
        }
        std::size_t off = static_cast<std::size_t>(_pos - _bufStart);
        if (off + len > _buf.size()) _buf.resize(off + len);  // within the reserved 1 MiB
        std::memcpy(_buf.data() + off, data, len);
        advance(len);
        return 0;
    }

    /// Appends `len` bytes of file `in` from `offset`, in the kernel when it can.
    int copyFrom(int in, std::uint64_t offset, std::uint64_t len)
    {
        if (int e = flush()) return e;
        if (_pos != _end) return EINVAL;  // appends only
        auto inOff = static_cast<off_t>(offset);
        auto outOff = static_cast<off_t>(_pos);
        std::uint64_t left = len;
        while (left > 0 && _copyFileRange) {
            ssize_t n = ::copy_file_range(in, &inOff, _fd, &outOff, static_cast<std::size_t>(std::min<std::uint64_t>(left, kWriteback)), 0);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0 && (errno == ENOSYS || errno == EXDEV || errno == EINVAL || errno == EOPNOTSUPP)) {
                _copyFileRange = false;  // not here: fall back to pread/pwrite
                break;
            }
            if (n < 0) return errno;
            if (n == 0) return EIO;  // the input shrank
            left -= static_cast<std::uint64_t>(n);
            wrote(static_cast<std::uint64_t>(outOff));
        }
        advance(len - left);
        std::vector<char> buf;
        while (left > 0) {
            if (buf.empty()) buf.resize(kIoBuffer);
            std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
            ssize_t n = ::pread(in, buf.data(), want, inOff);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return errno;
            if (n == 0) return EIO;
            if (int e = pwriteAll(buf.data(), static_cast<std::size_t>(n), _pos)) return e;
            inOff += n;
            advance(static_cast<std::size_t>(n));
            left -= static_cast<std::uint64_t>(n);
        }
        return 0;
    }

    int flush()
    {
        if (_buf.empty()) return 0;
        if (int e = pwriteAll(_buf.data(), _buf.size(), _bufStart)) return e;
        _buf.clear();
        return 0;
    }

    /// Flushes and closes; on failure the file is rolled back.
    int commit()
    {
        int e = flush();
        if (_fd >= 0 && ::close(_fd) != 0 && e == 0) e = errno;
        _fd = -1;
        _buf = {};
        if (e) removeOrEmpty();
        return e;
    }

    /// Closes and removes the file if begin() created it, else empties it.
    void rollback()
    {
        if (_fd < 0) return;
        ::close(_fd);
        _fd = -1;
        _buf = {};
        removeOrEmpty();
    }

private:
    void advance(std::size_t len)
    {
        _pos += len;
        _end = std::max(_end, _pos);
    }

    int pwriteAll(const char* data, std::size_t len, std::uint64_t at)
    {
        while (len > 0) {
            ssize_t n = ::pwrite(_fd, data, len, static_cast<off_t>(at));
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) return errno;
            data += n;
            at += static_cast<std::uint64_t>(n);
            len -= static_cast<std::size_t>(n);
        }
        wrote(at);
        return 0;
    }

    /// When outputs are synced (AtomicFile::syncOutputs), asks the kernel to start
    /// writing to disk what reached it, 8 MiB at a time: the disk then works while the archive is still being written,
    /// and the caller's fsync (AtomicFile::commit) has little left to wait
    /// for: with a 1 GiB archive it waited 0.4 s, as long as writing it took,
    /// and now 0.01 s (the whole conversion 0.94 s -> 0.76 s). Only a hint:
    /// write errors are the fsync's to report.
    void wrote(std::uint64_t upTo)
    {
        _written = std::max(_written, upTo);
#ifdef SYNC_FILE_RANGE_WRITE
        if (_written - _writebackFrom >= kWriteback && _syncing) {
            ::sync_file_range(_fd, static_cast<off_t>(_writebackFrom), static_cast<off_t>(_written - _writebackFrom),
                              SYNC_FILE_RANGE_WRITE);
            _writebackFrom = _written;
        }
#endif
    }

    void removeOrEmpty()
    {
        // Best effort: the error that brought us here is the one reported.
        int rc = _created ? ::unlink(_path.c_str()) : ::truncate(_path.c_str(), 0);
        (void)rc;
    }

    std::string _path;
    int _fd = -1;
    bool _created = false;
    bool _copyFileRange = true;
    std::uint64_t _pos = 0;       // where the next write goes
    std::uint64_t _end = 0;       // the size written so far
    std::uint64_t _bufStart = 0;  // file position of _buf[0]
    std::vector<char> _buf;       // pending bytes, at most kIoBuffer
    std::uint64_t _written = 0;        // the end of what reached the kernel
    std::uint64_t _writebackFrom = 0;  // what is not yet asked to go to disk
    bool _syncing = false;             // outputs are synced: start writeback while writing
};

/// libzip's write target over an OutFile. libzip sees a new, empty archive
/// (STAT answers "does not exist"); REMOVE, which it sends for an archive
/// without members, does nothing: ZipWriter::close() writes that one itself.
struct LibzipTarget {
    OutFile& out;
    zip_error_t error;

    explicit LibzipTarget(OutFile& o) : out(o) { zip_error_init(&error); }
    ~LibzipTarget() { zip_error_fini(&error); }

    static zip_int64_t callback(void* ud, void* data, zip_uint64_t len, zip_source_cmd_t cmd)
    {
        auto* self = static_cast<LibzipTarget*>(ud);
        OutFile& out = self->out;
        int e = 0;
        switch (cmd) {
        case ZIP_SOURCE_STAT:
            zip_error_set(&self->error, ZIP_ER_READ, ENOENT);
            return -1;
        case ZIP_SOURCE_OPEN:
        case ZIP_SOURCE_CLOSE:
        case ZIP_SOURCE_READ:
        case ZIP_SOURCE_SEEK:
        case ZIP_SOURCE_TELL:
        case ZIP_SOURCE_REMOVE:
        case ZIP_SOURCE_FREE:  // owned by ZipWriter::Impl
            return 0;
        case ZIP_SOURCE_BEGIN_WRITE:
            if ((e = out.begin())) return self->fail(ZIP_ER_OPEN, e);
            return 0;
        case ZIP_SOURCE_WRITE:
            if ((e = out.write(static_cast<const char*>(data), static_cast<std::size_t>(len)))) return self->fail(ZIP_ER_WRITE, e);
            return static_cast<zip_int64_t>(len);
        case ZIP_SOURCE_SEEK_WRITE: {
            zip_int64_t to = zip_source_seek_compute_offset(out.tell(), out.end(), data, len, &self->error);
            if (to < 0) return -1;
            out.seek(static_cast<std::uint64_t>(to));
            return 0;
        }
        case ZIP_SOURCE_TELL_WRITE:
            return static_cast<zip_int64_t>(out.tell());
        case ZIP_SOURCE_COMMIT_WRITE:
            if ((e = out.commit())) return self->fail(ZIP_ER_WRITE, e);
            return 0;
        case ZIP_SOURCE_ROLLBACK_WRITE:
            out.rollback();
            return 0;
        case ZIP_SOURCE_ERROR:
            return zip_error_to_data(&self->error, data, len);
        case ZIP_SOURCE_SUPPORTS:
            return ZIP_SOURCE_SUPPORTS_WRITABLE;
        default:
            zip_error_set(&self->error, ZIP_ER_OPNOTSUPP, 0);
            return -1;
        }
    }

    zip_int64_t fail(int zipError, int sysError)
    {
        zip_error_set(&error, zipError, sysError);
        return -1;
    }
};

// --- The zip format, as written here (APPNOTE 6.3; ZIP64 where needed).

constexpr std::uint32_t kMax32 = 0xffffffffu;
/// libzip's bound: a member up to this size deflates to less than 4 GiB.
constexpr std::uint64_t kMaxDeflate32 = 4293656963u;

void put16(std::string& b, unsigned v)
{
    b += static_cast<char>(v & 0xff);
    b += static_cast<char>((v >> 8) & 0xff);
}
void put32(std::string& b, std::uint32_t v)
{
    put16(b, v & 0xffff);
    put16(b, v >> 16);
}
void put64(std::string& b, std::uint64_t v)
{
    put32(b, static_cast<std::uint32_t>(v));
    put32(b, static_cast<std::uint32_t>(v >> 32));
}

/// One member as the central directory records it.
struct Record {
    std::string name;
    std::uint16_t method = 0;
    std::uint16_t flags = 0;     // bit 11: the name is UTF-8
    bool zip64Local = false;     // the local header carries a ZIP64 extra field
    std::uint32_t crc = 0;
    std::uint64_t csize = 0;
    std::uint64_t usize = 0;
    std::uint64_t offset = 0;    // of the local header
    std::uint16_t dosTime = 0;
    std::uint16_t dosDate = 0;

    unsigned versionNeeded() const { return zip64Local || offset >= kMax32 ? 45 : method == ZIP_CM_DEFLATE ? 20 : 10; }

    /// The local header; with zip64Local both sizes live in a ZIP64 extra field.
    std::string local() const
    {
        std::string b;
        put32(b, 0x04034b50);
        put16(b, versionNeeded());
        put16(b, flags);
        put16(b, method);
        put16(b, dosTime);
        put16(b, dosDate);
        put32(b, crc);
        put32(b, zip64Local ? kMax32 : static_cast<std::uint32_t>(csize));
        put32(b, zip64Local ? kMax32 : static_cast<std::uint32_t>(usize));
        put16(b, static_cast<unsigned>(name.size()));
        put16(b, zip64Local ? 20 : 0);
        b += name;
        if (zip64Local) {
            put16(b, 0x0001);
            put16(b, 16);
            put64(b, usize);
            put64(b, csize);
        }
        return b;
    }

    /// The central directory record; a ZIP64 extra field holds what does not fit in 32 bits.
    void central(std::string& b) const
    {
        std::string extra;
        if (usize >= kMax32) put64(extra, usize);
        if (csize >= kMax32) put64(extra, csize);
        if (offset >= kMax32) put64(extra, offset);
        put32(b, 0x02014b50);
        put16(b, (ZIP_OPSYS_UNIX << 8) | 63);
        put16(b, versionNeeded());
        put16(b, flags);
        put16(b, method);
        put16(b, dosTime);
        put16(b, dosDate);
        put32(b, crc);
        put32(b, csize >= kMax32 ? kMax32 : static_cast<std::uint32_t>(csize));
        put32(b, usize >= kMax32 ? kMax32 : static_cast<std::uint32_t>(usize));
        put16(b, static_cast<unsigned>(name.size()));
        put16(b, extra.empty() ? 0 : static_cast<unsigned>(extra.size() + 4));
        put16(b, 0);  // comment
        put16(b, 0);  // disk
        put16(b, 0);  // internal attributes
        put32(b, 0100644u << 16);  // a regular file, rw-r--r--
        put32(b, offset >= kMax32 ? kMax32 : static_cast<std::uint32_t>(offset));
        b += name;
        if (!extra.empty()) {
            put16(b, 0x0001);
            put16(b, static_cast<unsigned>(extra.size()));
            b += extra;
        }
    }
};

/// The end of the central directory, with the ZIP64 records when needed.
std::string endRecords(std::uint64_t count, std::uint64_t cdOffset, std::uint64_t cdSize)
{
    std::string b;
    bool zip64 = count >= 0xffff || cdOffset >= kMax32 || cdSize >= kMax32;
    if (zip64) {
        std::uint64_t at = cdOffset + cdSize;
        put32(b, 0x06064b50);
        put64(b, 44);
        put16(b, (ZIP_OPSYS_UNIX << 8) | 63);
        put16(b, 45);
        put32(b, 0);
        put32(b, 0);
        put64(b, count);
        put64(b, count);
        put64(b, cdSize);
        put64(b, cdOffset);
        put32(b, 0x07064b50);
        put32(b, 0);
        put64(b, at);
        put32(b, 1);
    }
    put32(b, 0x06054b50);
    put16(b, 0);
    put16(b, 0);
    put16(b, zip64 ? 0xffff : static_cast<unsigned>(count));
    put16(b, zip64 ? 0xffff : static_cast<unsigned>(count));
    put32(b, zip64 ? kMax32 : static_cast<std::uint32_t>(cdSize));
    put32(b, zip64 ? kMax32 : static_cast<std::uint32_t>(cdOffset));
    put16(b, 0);
    return b;
}

/// CRC-32 (zip's, zlib's) of a buffer. ISA-L's runs about 6x faster than
/// zlib's here (0.07 s against 0.4 s a GiB): it is what checking a stored
/// video on its way through costs.
std::uint32_t crcUpdate(std::uint32_t crc, const char* p, std::size_t n)
{
#ifdef QDX_HAVE_ISAL
    return crc32_gzip_refl(crc, reinterpret_cast<const unsigned char*>(p), n);
#else
    return static_cast<std::uint32_t>(crc32_z(crc, reinterpret_cast<const Bytef*>(p), n));
#endif
}

} // namespace

struct ZipWriter::Impl {
    /// A member waiting for close().
    struct Item {
        enum class Kind { Bytes, File, Blob, Raw } kind = Kind::Bytes;
        std::string name;
        std::string bytes;                  // Bytes
        std::string file;                   // File
        std::shared_ptr<const Blob> blob;   // Blob, Raw (a ZipMemberBlob)
        bool compress = true;
        std::string password;               // empty = not encrypted
    };

    std::string path;
    OutFile out;
    std::string password;
    // Deflate level: 6 (zlib's default) unless setCompressionLevel() says otherwise.
    // libzip's own default is 9, which costs 3-4x the time of 6 for about 3 % smaller
    // output (bench/, BENCHMARKS.md); 0 asks for that default.
    int level = static_cast<int>(kDeflateLevel);
    time_t mtime = 0;
    bool closed = false;
    std::set<std::string> folded;  // refuses what ZipReader would refuse
    std::vector<Item> items;

    explicit Impl(const std::string& p) : path(p), out(p) {}

    void checkName(const std::string& name)
    {
        if (closed) throw OutputError(path + ": the zip archive is already closed");
        if (!isSafeZipName(name)) throw OutputError(path + ": unsafe member name '" + printable(name) + "'");
        std::string f = foldName(name);
        if (!f.empty() && f.back() == '/') f.pop_back();
        if (!folded.insert(f).second)
            throw OutputError(path + ": member name '" + printable(name) + "' is already used (case ignored)");
    }

    [[noreturn]] void ioError(int e) const
    {
        throw OutputError(path + ": cannot write zip archive: " + std::strerror(e));
    }
    void check(int e) const
    {
        if (e) ioError(e);
    }

    static const ZipMemberBlob* member(const Item& it)
    {
        return it.kind == Item::Kind::Raw ? static_cast<const ZipMemberBlob*>(it.blob.get()) : nullptr;
    }

    bool needsLibzip() const
    {
        for (const Item& it : items) {
            if (!it.password.empty()) return true;
            if (const ZipMemberBlob* m = member(it); m && m->entry().encrypted) return true;
        }
        return false;
    }

    void writeNative();
    void writeMember(const Item& it, std::vector<Record>& records);
    void writeLibzip();
};

namespace {

/// Deflates a large member on several threads, pigz-style: the input is cut into
/// blocks of kDeflateBlock bytes, each deflated on its own with the 32 KiB before it
/// as the dictionary and ended by a sync flush (the last by Z_FINISH), so their
/// concatenation is one raw deflate stream. Block boundaries do not depend on the
/// number of threads: the output is the same bytes on any machine. Costs ~0.1 % in
/// size against one stream (a flush marker per block).
class ParallelDeflate {
public:
    ParallelDeflate(OutFile& out, const std::string& path, int level, unsigned threads)
        : _out(out), _path(path), _level(level)
    {
        _block.reserve(kDeflateBlock);
        try {
            for (unsigned i = 0; i < threads; ++i) _workers.emplace_back([this] { work(); });
        } catch (...) {
            stop();
            throw;
        }
    }
    ~ParallelDeflate() { stop(); }
    ParallelDeflate(const ParallelDeflate&) = delete;
    ParallelDeflate& operator=(const ParallelDeflate&) = delete;

    void put(const char* p, std::size_t n)
    {
        while (n > 0) {
            std::size_t take = std::min(n, kDeflateBlock - _block.size());
            _block.append(p, take);
            p += take;
            n -= take;
            if (_block.size() == kDeflateBlock) submit(false);
        }
    }

    void finish()
    {
        submit(true);
        while (!_jobs.empty()) writeFront();
    }

private:
    static constexpr std::size_t kDict = 32768;

    struct Job {
        std::string dict, in, out;
        bool last = false;
        bool done = false;
        std::string error;
    };

    void submit(bool last)
    {
        auto job = std::make_shared<Job>();
        job->dict = std::move(_dict);
        // Every block but the last is kDeflateBlock long: the next one's dictionary is its tail.
        std::size_t keep = std::min(kDict, _block.size());
        _dict.assign(_block, _block.size() - keep, keep);
        job->in = std::move(_block);
        job->last = last;
        _block = std::string();
        _block.reserve(last ? 0 : kDeflateBlock);
        {
            std::lock_guard<std::mutex> lk(_m);
            _jobs.push_back(job);
            _queue.push_back(job);
        }
        _work.notify_one();
        while (_jobs.size() > _workers.size() + 1) writeFront();
    }

    /// Waits for the oldest block and writes it: blocks reach the file in order.
    void writeFront()
    {
        std::shared_ptr<Job> j = _jobs.front();
        {
            std::unique_lock<std::mutex> lk(_m);
            _done.wait(lk, [&] { return j->done; });
        }
        _jobs.pop_front();
        if (!j->error.empty()) throw OutputError(_path + ": " + j->error);
        if (int e = _out.write(j->out.data(), j->out.size()))
            throw OutputError(_path + ": cannot write zip archive: " + std::strerror(e));
    }

    void work()
    {
        while (true) {
            std::shared_ptr<Job> j;
            {
                std::unique_lock<std::mutex> lk(_m);
                _work.wait(lk, [&] { return _stopping || !_queue.empty(); });
                if (_queue.empty()) return;
                j = std::move(_queue.front());
                _queue.pop_front();
            }
            try {
                compress(*j);
            } catch (const std::exception& e) {
                j->error = e.what();
            }
            {
                std::lock_guard<std::mutex> lk(_m);
                j->done = true;
            }
            _done.notify_all();
        }
    }

    void compress(Job& j) const
    {
        z_stream zs{};
        if (deflateInit2(&zs, _level, Z_DEFLATED, -MAX_WBITS, MAX_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK)
            throw std::runtime_error("cannot start deflate");
        struct End {
            z_stream* z;
            ~End() { deflateEnd(z); }
        } end{&zs};
        if (!j.dict.empty() &&
            deflateSetDictionary(&zs, reinterpret_cast<const Bytef*>(j.dict.data()), static_cast<uInt>(j.dict.size())) != Z_OK)
            throw std::runtime_error("deflate: cannot set the dictionary");
        j.out.resize(deflateBound(&zs, j.in.size()) + 64);
        zs.next_in = reinterpret_cast<Bytef*>(j.in.data());
        zs.avail_in = static_cast<uInt>(j.in.size());
        std::size_t have = 0;
        int flush = j.last ? Z_FINISH : Z_SYNC_FLUSH;
        while (true) {
            if (have == j.out.size()) j.out.resize(j.out.size() * 2);
            zs.next_out = reinterpret_cast<Bytef*>(&j.out[have]);
            zs.avail_out = static_cast<uInt>(j.out.size() - have);
            int rc = deflate(&zs, flush);
            if (rc == Z_STREAM_ERROR) throw std::runtime_error("deflate failed");
            have = j.out.size() - zs.avail_out;
            if (j.last ? rc == Z_STREAM_END : (zs.avail_in == 0 && zs.avail_out != 0)) break;
        }
        j.out.resize(have);
        j.out.shrink_to_fit();
        j.in = std::string();  // the block's memory back before the next one
        j.dict = std::string();
    }

    void stop()
    {
        {
            std::lock_guard<std::mutex> lk(_m);
            _stopping = true;
            _queue.clear();
        }
        _work.notify_all();
        for (auto& t : _workers)
            if (t.joinable()) t.join();
        _workers.clear();
    }

    OutFile& _out;
    const std::string& _path;
    int _level;
    std::string _block, _dict;
    std::deque<std::shared_ptr<Job>> _jobs;   // in order, written from the front (this thread only)
    std::deque<std::shared_ptr<Job>> _queue;  // not yet taken by a worker
    std::mutex _m;
    std::condition_variable _work, _done;
    bool _stopping = false;
    std::vector<std::thread> _workers;
};

/// Feeds the uncompressed bytes of one member to the file, storing or
/// deflating them, and counts their CRC and size. A member of `sizeHint` above
/// kParallelDeflateMin is deflated on every core (ParallelDeflate).
class MemberSink {
public:
    MemberSink(OutFile& out, const std::string& path, bool deflate, int level, std::uint64_t sizeHint = 0)
        : _out(out), _path(path), _deflate(deflate)
    {
        if (_deflate) {
            unsigned cores = std::thread::hardware_concurrency();
            if (sizeHint > kParallelDeflateMin && cores > 1) {
                try {
                    _par = std::make_unique<ParallelDeflate>(out, path, level, std::min(cores, 8u));
                    return;
                } catch (const std::system_error&) {
                    // no thread to be had: one stream on this thread, as for a small member
                }
            }
            _zs = std::make_unique<z_stream>();
            // Raw deflate with the memory level libzip uses: the same bytes as before.
            if (deflateInit2(_zs.get(), level, Z_DEFLATED, -MAX_WBITS, MAX_MEM_LEVEL, Z_DEFAULT_STRATEGY) != Z_OK) {
                _zs.reset();
                throw OutputError(path + ": cannot start deflate");
            }
            _zbuf.resize(256 * 1024);
        }
    }
    ~MemberSink()
    {
        if (_zs) deflateEnd(_zs.get());
    }
    MemberSink(const MemberSink&) = delete;
    MemberSink& operator=(const MemberSink&) = delete;

    void put(const char* p, std::size_t n)
    {
        _crc = crcUpdate(_crc, p, n);
        _size += n;
        if (!_deflate) {
            check(_out.write(p, n));
            return;
        }
        if (_par) {
            _par->put(p, n);
            return;
        }
        while (n > 0) {
            std::size_t step = std::min<std::size_t>(n, 1u << 30);
            _zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(p));
            _zs->avail_in = static_cast<uInt>(step);
            run(Z_NO_FLUSH);
            p += step;
            n -= step;
        }
    }

    void finish()
    {
        if (_par) _par->finish();
        else if (_deflate) run(Z_FINISH);
    }

    std::uint32_t crc() const { return _crc; }
    std::uint64_t size() const { return _size; }

private:
    void run(int flush)
    {
        while (true) {
            _zs->next_out = reinterpret_cast<Bytef*>(_zbuf.data());
            _zs->avail_out = static_cast<uInt>(_zbuf.size());
            int rc = deflate(_zs.get(), flush);
            if (rc == Z_STREAM_ERROR) throw OutputError(_path + ": deflate failed");
            std::size_t have = _zbuf.size() - _zs->avail_out;
            if (have) check(_out.write(_zbuf.data(), have));
            if (flush == Z_FINISH ? rc == Z_STREAM_END : (_zs->avail_in == 0 && _zs->avail_out != 0)) break;
        }
    }

    void check(int e)
    {
        if (e) throw OutputError(_path + ": cannot write zip archive: " + std::strerror(e));
    }

    OutFile& _out;
    const std::string& _path;
    bool _deflate;
    std::unique_ptr<ParallelDeflate> _par;
    std::unique_ptr<z_stream> _zs;
    std::vector<char> _zbuf;
    std::uint32_t _crc = 0;
    std::uint64_t _size = 0;
};

} // namespace

void ZipWriter::Impl::writeMember(const Item& it, std::vector<Record>& records)
{
    Record r;
    r.name = it.name;
    r.offset = out.tell();
    for (unsigned char c : it.name)
        if (c >= 0x80) r.flags = 0x0800;
    std::tm tm{};
    localtime_r(&mtime, &tm);  // DOS time is local time, as libzip reads it
    r.dosTime = static_cast<std::uint16_t>((tm.tm_hour << 11) | (tm.tm_min << 5) | (tm.tm_sec / 2));
    r.dosDate = static_cast<std::uint16_t>(((tm.tm_year - 80) << 9) | ((tm.tm_mon + 1) << 5) | tm.tm_mday);

    const ZipMemberBlob* raw = member(it);
    std::optional<std::uint64_t> size;  // uncompressed, when known before the data is written
    int fd = -1;  // of a File member
    if (raw) {
        const ZipReader::Entry& e = raw->entry();
        if (e.method == ZIP_CM_STORE && e.size != e.compressedSize)
            throw InputError(at(raw->reader().name(), e.name), "stored member declares " + bytes(e.size) + " but holds "
                                                                   + bytes(e.compressedSize));
        r.method = e.method;
        r.crc = e.crc;
        r.usize = e.size;
        r.csize = e.compressedSize;
        size = e.size;
        r.zip64Local = r.usize >= kMax32 || r.csize >= kMax32;
    } else {
        if (it.kind == Item::Kind::Bytes) {
            size = it.bytes.size();
        } else if (it.kind == Item::Kind::File) {
            fd = ::open(it.file.c_str(), O_RDONLY | O_CLOEXEC);
            struct stat st;
            if (fd < 0 || ::fstat(fd, &st) != 0) {
                int e = errno;
                if (fd >= 0) ::close(fd);
                throw InputError(at(it.file), std::string("cannot add to zip: ") + std::strerror(e));
            }
            size = static_cast<std::uint64_t>(st.st_size);
        } else {
            size = it.blob->size();
        }
        // An empty member is stored, as libzip does.
        r.method = it.compress && (!size || *size > 0) ? ZIP_CM_DEFLATE : ZIP_CM_STORE;
        r.zip64Local = !size || *size >= kMax32 || (r.method == ZIP_CM_DEFLATE && *size > kMaxDeflate32);
    }
    struct FdCloser {
        int fd;
        ~FdCloser()
        {
            if (fd >= 0) ::close(fd);
        }
    } closer{fd};

    std::string header = r.local();
    check(out.write(header.data(), header.size()));
    const std::uint64_t dataStart = out.tell();

    if (raw) {
        const ZipReader& reader = raw->reader();
        const ZipReader::Entry& e = raw->entry();
        int src = -1;
        std::uint64_t from = 0;
        if (e.compressedSize == 0) {
            if (e.method == ZIP_CM_STORE && e.crc != 0)  // the CRC of no bytes is 0
                throw InputError(at(reader.name(), e.name), "CRC error: the data does not match its checksum");
        } else if (!reader.rawDataAt(e, src, from)) {
            // An archive in memory: the raw bytes through libzip (which checks a stored member's CRC).
            zip_file_t* f = zip_fopen_index(Z(reader.handle()), e.index, ZIP_FL_COMPRESSED);
            if (!f) throw InputError(at(reader.name(), e.name), std::string("cannot open member: ") + zip_strerror(Z(reader.handle())));
            ZipFilePtr guard(f);
            std::vector<char> buf(kIoBuffer);
            std::uint64_t got = 0;
            while (true) {
                zip_int64_t n = zip_fread(f, buf.data(), buf.size());
                if (n < 0) throw InputError(at(reader.name(), e.name), std::string("cannot read member: ") + zip_file_strerror(f));
                if (n == 0) break;
                got += static_cast<std::uint64_t>(n);
                if (got > e.compressedSize) break;
                check(out.write(buf.data(), static_cast<std::size_t>(n)));
            }
            if (got != e.compressedSize)
                throw InputError(at(reader.name(), e.name), "member delivers " + bytes(got) + " of compressed data but declares "
                                                                + bytes(e.compressedSize));
        } else if (e.method == ZIP_CM_STORE) {
            // The bytes are the data: check their CRC on the way, as an
            // inflating read would (the copy would otherwise launder it).
            std::vector<char> buf(kIoBuffer);
            std::uint32_t crc = 0;
            std::uint64_t left = e.compressedSize;
            while (left > 0) {
                std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, buf.size()));
                ssize_t n = ::pread(src, buf.data(), want, static_cast<off_t>(from));
                if (n < 0 && errno == EINTR) continue;
                if (n <= 0)
                    throw InputError(at(reader.name(), e.name),
                                     std::string("cannot read member: ") + (n < 0 ? std::strerror(errno) : "archive truncated"));
                crc = crcUpdate(crc, buf.data(), static_cast<std::size_t>(n));
                check(out.write(buf.data(), static_cast<std::size_t>(n)));
                from += static_cast<std::uint64_t>(n);
                left -= static_cast<std::uint64_t>(n);
            }
            if (crc != e.crc) throw InputError(at(reader.name(), e.name), "CRC error: the data does not match its checksum");
        } else {
            // Deflated bytes move as they are (the CRC inside is checked by whoever inflates them).
            check(out.copyFrom(src, from, e.compressedSize));
        }
    } else {
        MemberSink sink(out, path, r.method == ZIP_CM_DEFLATE, level == 0 ? 9 : level, size.value_or(0));
        if (it.kind == Item::Kind::Bytes) {
            sink.put(it.bytes.data(), it.bytes.size());
        } else if (it.kind == Item::Kind::File) {
            std::vector<char> buf(kIoBuffer);
            while (true) {
                ssize_t n = ::read(fd, buf.data(), buf.size());
                if (n < 0 && errno == EINTR) continue;
                if (n < 0) throw InputError(at(it.file), std::string("cannot read: ") + std::strerror(errno));
                if (n == 0) break;
                sink.put(buf.data(), static_cast<std::size_t>(n));
            }
        } else {
            std::unique_ptr<std::istream> in = it.blob->open();
            std::vector<char> buf(kIoBuffer);
            std::uint64_t got = 0;
            while (std::size_t n = readBlob(*it.blob, *in, buf.data(), buf.size(), got)) sink.put(buf.data(), n);
        }
        sink.finish();
        r.crc = sink.crc();
        r.usize = sink.size();
        r.csize = out.tell() - dataStart;
    }
    if (!r.zip64Local && (r.usize >= kMax32 || r.csize >= kMax32))
        throw OutputError(path + "!" + printable(it.name) + ": member grew past 4 GiB while being written");
    const std::uint64_t end = out.tell();
    header = r.local();
    out.seek(r.offset);
    check(out.write(header.data(), header.size()));
    out.seek(end);
    records.push_back(std::move(r));
}

void ZipWriter::Impl::writeNative()
{
    check(out.begin());
    try {
        std::vector<Record> records;
        records.reserve(items.size());
        for (const Item& it : items) writeMember(it, records);
        const std::uint64_t cdOffset = out.tell();
        std::string cd;
        for (const Record& r : records) {
            r.central(cd);
            if (cd.size() >= kIoBuffer) {
                check(out.write(cd.data(), cd.size()));
                cd.clear();
            }
        }
        check(out.write(cd.data(), cd.size()));
        const std::uint64_t cdSize = out.tell() - cdOffset;
        std::string tail = endRecords(records.size(), cdOffset, cdSize);
        check(out.write(tail.data(), tail.size()));
    } catch (...) {
        out.rollback();
        throw;
    }
    check(out.commit());
}

void ZipWriter::Impl::writeLibzip()
{
    LibzipTarget target(out);
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t* src = zip_source_function_create(&LibzipTarget::callback, &target, &ze);
    zip_t* za = src ? zip_open_from_source(src, ZIP_CREATE | ZIP_TRUNCATE, &ze) : nullptr;
    if (!za) {
        std::string msg = zip_error_strerror(&ze);
        zip_error_fini(&ze);
        if (src) zip_source_free(src);
        throw OutputError(path + ": cannot create zip archive: " + msg);
    }
    zip_error_fini(&ze);
    struct Discard {
        zip_t* za;
        ~Discard()
        {
            if (za) zip_discard(za);
        }
    } guard{za};
    std::vector<std::unique_ptr<BlobSource>> sources;  // alive until zip_close() has pulled them

    for (const Item& it : items) {
        zip_source_t* s = nullptr;
        zip_int32_t method = it.compress ? ZIP_CM_DEFLATE : ZIP_CM_STORE;
        if (const ZipMemberBlob* m = member(it)) {
            // The compressed bytes as they are: no inflate, no deflate.
            s = zip_source_zip(za, Z(m->reader().handle()), m->entry().index, ZIP_FL_COMPRESSED, 0, -1);
            method = static_cast<zip_int32_t>(m->entry().method);
        } else if (it.kind == Item::Kind::Bytes) {
            s = zip_source_buffer(za, it.bytes.data(), it.bytes.size(), 0);
        } else if (it.kind == Item::Kind::File) {
            s = zip_source_file(za, it.file.c_str(), 0, -1);
        } else {
            sources.push_back(std::make_unique<BlobSource>(it.blob));
            s = zip_source_function(za, &BlobSource::callback, sources.back().get());
        }
        if (!s) throw OutputError(path + "!" + printable(it.name) + ": " + zip_strerror(za));
        zip_int64_t idx = zip_file_add(za, it.name.c_str(), s, ZIP_FL_ENC_UTF_8);
        if (idx < 0) {
            zip_source_free(s);
            throw OutputError(path + "!" + printable(it.name) + ": " + zip_strerror(za));
        }
        auto u = static_cast<zip_uint64_t>(idx);
        auto lvl = static_cast<zip_uint32_t>(method == ZIP_CM_DEFLATE ? level : 0);
        bool ok = zip_set_file_compression(za, u, method, lvl) == 0 && zip_file_set_mtime(za, u, mtime, 0) == 0
                  && zip_file_set_external_attributes(za, u, 0, ZIP_OPSYS_UNIX, 0100644u << 16) == 0;
        if (ok && !it.password.empty()) ok = zip_file_set_encryption(za, u, ZIP_EM_AES_256, it.password.c_str()) == 0;
        if (!ok) throw OutputError(path + "!" + printable(it.name) + ": " + zip_strerror(za));
    }
    if (zip_close(za) != 0) {
        std::string msg = zip_strerror(za);
        // A source that failed (an unreadable or lying blob) says why itself.
        for (const auto& s : sources)
            if (s->exception) std::rethrow_exception(s->exception);
        throw OutputError(path + ": cannot write zip archive: " + msg);
    }
    guard.za = nullptr;
}

ZipWriter::ZipWriter(const std::string& path) : _impl(std::make_unique<Impl>(path))
{
    _impl->mtime = fixedMtime();
}

ZipWriter::~ZipWriter() = default;

void ZipWriter::setPassword(std::string password)
{
    _impl->password = std::move(password);
}

void ZipWriter::setCompressionLevel(int level)
{
    _impl->level = level < 0 ? 0 : level > 9 ? 9 : level;
}

void ZipWriter::addBytes(const std::string& name, std::string data, bool compress)
{
    _impl->checkName(name);
    Impl::Item it;
    it.kind = Impl::Item::Kind::Bytes;
    it.name = name;
    it.bytes = std::move(data);  // kept, not copied, until close()
    it.compress = compress;
    it.password = _impl->password;
    _impl->items.push_back(std::move(it));
}

void ZipWriter::addFile(const std::string& name, const std::string& path, bool compress)
{
    _impl->checkName(name);
    struct stat st;
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        throw InputError(at(path), "cannot add to zip: not a readable regular file");
    Impl::Item it;
    it.kind = Impl::Item::Kind::File;
    it.name = name;
    it.file = path;
    it.compress = compress;
    it.password = _impl->password;
    _impl->items.push_back(std::move(it));
}

void ZipWriter::addBlob(const std::string& name, std::shared_ptr<const Blob> blob, bool compress)
{
    _impl->checkName(name);
    if (!blob) throw OutputError(_impl->path + "!" + printable(name) + ": no content");
    Impl::Item it;
    // A ZipMemberBlob is copied as its compressed bytes: no inflate, no
    // deflate. The member keeps its method (store stays store); `compress`
    // does not apply.
    it.kind = dynamic_cast<const ZipMemberBlob*>(blob.get()) ? Impl::Item::Kind::Raw : Impl::Item::Kind::Blob;
    it.name = name;
    it.blob = std::move(blob);
    it.compress = compress;
    it.password = _impl->password;
    _impl->items.push_back(std::move(it));
}

void ZipWriter::close()
{
    Impl& m = *_impl;
    if (m.closed) throw OutputError(m.path + ": the zip archive is already closed");
    m.closed = true;
    struct Release {  // what the members held goes, whatever happens
        Impl& m;
        ~Release() { m.items.clear(); }
    } release{m};
    // An archive without members is written here too (libzip would remove it).
    if (m.needsLibzip()) m.writeLibzip();
    else m.writeNative();
}

} // namespace qdx
