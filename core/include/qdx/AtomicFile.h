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

/// A file name in a private temporary folder, for output that has no target
/// to be written beside (stdout, `qdx check`): the folder is made with mkdtemp
/// (mode 0700) in $TMPDIR or /tmp, so nobody else can read the file, guess its
/// name or plant a link there first (a predictable /tmp/tmp<PID> name, 0644,
/// was followed and readable). The folder and what it holds are removed on
/// destruction. Throws OutputError when no folder can be made.
class ScratchFile {
public:
    explicit ScratchFile(const std::string& name = "output");
    ~ScratchFile();
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;
    const std::string& path() const { return _path; }

private:
    std::string _dir, _path;
};

/// Folder output, as AtomicFile is for files: the folder is built in a private
/// (0700) temporary folder beside the target, `.<name>.qdx-tmp-XXXXXX/<name>`,
/// and renamed into place on commit; a failed or killed run leaves the target
/// absent and, at worst, that hidden temporary folder. An existing target (file,
/// folder or link) is never replaced: removing a user's folder is not ours to do.
class AtomicFolder {
public:
    /// Creates the private temporary folder beside `target`. Throws OutputError
    /// when `target` exists (or is one of `inputs`) or the folder is not writable.
    explicit AtomicFolder(std::string target, const std::vector<std::string>& inputs = {});
    ~AtomicFolder();  ///< removes the temporary folder and everything in it unless committed
    AtomicFolder(const AtomicFolder&) = delete;
    AtomicFolder& operator=(const AtomicFolder&) = delete;

    /// Where the exporter builds the folder: it does not exist yet, and its
    /// name is the target's own.
    const std::string& tempPath() const { return _temp; }
    const std::string& target() const { return _target; }
    /// Renames the built folder onto the target (refusing to replace anything
    /// that appeared there meanwhile). With `sync`, every file and folder of it
    /// is flushed to the disk first, and the parent folder after the rename.
    void commit(bool sync);
    void commit() { commit(AtomicFile::syncOutputs()); }

private:
    std::string _target;
    std::string _holder;  ///< the private temporary folder
    std::string _temp;    ///< _holder + "/" + the target's name
    bool _committed = false;
};

/// True when both paths name the same existing file (same device and inode).
bool sameFile(const std::string& a, const std::string& b);

} // namespace qdx
