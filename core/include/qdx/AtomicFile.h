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
    /// fsyncs the temporary file and renames it onto the target.
    void commit();

private:
    std::string _target;
    std::string _temp;
    bool _committed = false;
};

/// True when both paths name the same existing file (same device and inode).
bool sameFile(const std::string& a, const std::string& b);

} // namespace qdx
