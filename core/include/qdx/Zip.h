#pragma once
/// Safe ZIP reading on libzip and streaming ZIP writing (see
/// docs/security.md): names validated, case-folded collisions refused,
/// entry/size/ratio budgets, declared sizes enforced while reading, no
/// encrypted entries without a password, no symlinks, STORE/DEFLATE only.
/// Nothing is ever extracted to disk.

#include "qdx/Blob.h"
#include "qdx/Input.h"

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace qdx {

namespace detail {
class ZipFileSource;
}

struct ZipLimits {
    std::uint64_t maxEntries = 100000;
    std::uint64_t maxEntrySize = 64ull << 30;       ///< declared uncompressed size of one entry
    std::uint64_t maxTotalSize = 256ull << 30;      ///< sum of declared uncompressed sizes
    std::uint64_t maxRatio = 200;                   ///< uncompressed / compressed, for entries over 1 MiB
    std::string password;                           ///< for AES-encrypted entries; empty = refuse them
};

class ZipReader : public std::enable_shared_from_this<ZipReader> {
public:
    struct Entry {
        std::string name;            ///< UTF-8, as stored ("/" separated)
        std::uint64_t index = 0;
        std::uint64_t size = 0;      ///< declared uncompressed size
        std::uint64_t compressedSize = 0;
        std::uint16_t method = 0;    ///< 0 = store, 8 = deflate
        std::uint32_t crc = 0;       ///< declared CRC-32 of the uncompressed data
        bool encrypted = false;
        bool isDirectory = false;
    };

    /// Opens and vets the whole central directory. Throws InputError / LimitError
    /// naming the file and the offending member.
    static std::shared_ptr<ZipReader> open(const Input& in, const ZipLimits& limits = {});
    ~ZipReader();
    ZipReader(const ZipReader&) = delete;
    ZipReader& operator=(const ZipReader&) = delete;

    const std::string& name() const { return _name; }
    const std::vector<Entry>& entries() const { return _entries; }
    /// Case-insensitive lookup (names are unique after case folding).
    const Entry* find(std::string_view name) const;

    /// Reads a whole entry, refusing more than `maxBytes` and any size lie or CRC error.
    std::string read(const Entry& e, std::uint64_t maxBytes) const;
    /// Streams an entry; the stream fails (throwing InputError) on a size lie or CRC error.
    /// The InputError is thrown from the streambuf's underflow(); the stream has
    /// exceptions(badbit) set, so istream calls rethrow it. Cleared, the stream
    /// ends bad() (never a clean EOF). Note `out << in->rdbuf()` turns it into
    /// failbit on `out`: check `out` or read with read()/get(). The stream keeps
    /// the reader alive; one thread at a time per reader (libzip is not thread-safe).
    std::unique_ptr<std::istream> openStream(const Entry& e) const;
    /// A lazily opened blob over an entry; keeps this reader alive.
    std::shared_ptr<Blob> blob(const Entry& e);

    /// libzip handle, for raw compressed copies by ZipWriter.
    void* handle() const { return _zip; }

private:
    friend class ZipWriter;
    ZipReader() = default;
    /// For a copy that bypasses libzip: the archive file's descriptor and the
    /// offset of the entry's compressed bytes. False for archives in memory
    /// (and whenever the offset cannot be confirmed).
    bool rawDataAt(const Entry& e, int& fd, std::uint64_t& offset) const;

    std::string _name;
    void* _zip = nullptr;
    detail::ZipFileSource* _file = nullptr;  // the archive file, when read from disk (owned by libzip)
    std::shared_ptr<const std::string> _memory;  // keeps memory input alive
    std::vector<Entry> _entries;
    std::vector<std::pair<std::string, std::size_t>> _folded;  // sorted (folded name, entry index)
    ZipLimits _limits;
};

/// A blob that is one member of a zip; ZipWriter copies it compressed, as is.
class ZipMemberBlob final : public Blob {
public:
    ZipMemberBlob(std::shared_ptr<ZipReader> zip, ZipReader::Entry entry);
    std::unique_ptr<std::istream> open() const override;
    std::optional<std::uint64_t> size() const override { return _entry.size; }
    std::string describe() const override;
    const ZipReader& reader() const { return *_zip; }
    const ZipReader::Entry& entry() const { return _entry; }

private:
    std::shared_ptr<ZipReader> _zip;
    ZipReader::Entry _entry;
};

/// Writes a zip to a path. Data is pulled from its sources when close() runs,
/// so streams and blobs handed in must stay valid until then.
///
/// close() writes straight into `path` (no temporary file of its own: callers
/// write to an AtomicFile's temporary, which gives atomicity); when it fails,
/// the file is removed if close() created it, else left empty. Archives
/// without encryption are written by qdx itself, in 1 MiB pwrite(2) calls;
/// a member copied from another archive on disk skips libzip too: a deflated
/// one moves by copy_file_range(2), a stored one is CRC-checked on its way
/// (an archive in memory goes through libzip, which checks the same). Archives
/// with AES-encrypted members are written by libzip.
class ZipWriter {
public:
    explicit ZipWriter(const std::string& path);
    ~ZipWriter();  ///< discards an unclosed archive
    ZipWriter(const ZipWriter&) = delete;
    ZipWriter& operator=(const ZipWriter&) = delete;

    /// When set, every entry added afterwards is AES-256 encrypted.
    void setPassword(std::string password);
    /// Deflate level (1 fastest … 9 smallest) of entries added afterwards;
    /// the default is 6. 0 = libzip's default, which is 9 and about 4x slower
    /// than 6 on repetitive XML such as spreadsheet sheets and project.qde.
    void setCompressionLevel(int level);
    void addBytes(const std::string& name, std::string data, bool compress = true);
    /// Adds a blob: a ZipMemberBlob is copied as its compressed bytes (no
    /// inflate/deflate); anything else is streamed.
    void addBlob(const std::string& name, std::shared_ptr<const Blob> blob, bool compress = true);
    /// Adds a file on disk, streamed.
    void addFile(const std::string& name, const std::string& path, bool compress = true);
    /// Writes everything and closes. Throws OutputError.
    void close();

private:
    struct Impl;
    std::unique_ptr<Impl> _impl;
};

/// True when `name` is a safe relative member name (no "..", absolute path,
/// drive letter, backslash, empty/"." components or control characters).
bool isSafeZipName(std::string_view name);

} // namespace qdx
