#pragma once
/// Output written to a temporary file beside the target and renamed into
/// place on commit: a failed run leaves the previous file and no partial one.

#include <string>
#include <vector>

namespace qdx {

class AtomicFile {
public:
    /// Creates the temporary path beside `target`. Throws OutputError when
    /// `target` is the same file as any of `inputs`, or the folder is not writable.
    explicit AtomicFile(std::string target, const std::vector<std::string>& inputs = {});
    ~AtomicFile();  ///< removes the temporary file unless committed
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::string& tempPath() const { return _temp; }
    const std::string& target() const { return _target; }
    /// Renames the temporary file onto the target; first flushes it to the disk
    /// (fsync), reporting any write error the kernel met, when `sync` is set.
    void commit(bool sync);
    void commit() { commit(syncOutputs()); }

    /// Whether outputs are flushed to the disk before they are renamed into place.
    /// Off by default: like cp, zip or an office suite, qdx leaves the flush to the
    /// kernel, so an output survives any failure of qdx (it appears whole or not at
    /// all) but not a power cut in the seconds after it exits. `qdx convert --sync`
    /// turns it on; bags (`qdx archive`) are always flushed. The zip writer reads it
    /// too: when on, it starts writeback while writing, so the final fsync is short.
    static void setSyncOutputs(bool on);
    static bool syncOutputs();

private:
    std::string _target;
    std::string _temp;
    bool _committed = false;
};

/// True when both paths name the same existing file (same device and inode).
bool sameFile(const std::string& a, const std::string& b);

} // namespace qdx
