#include "qdx/AtomicFile.h"

#include "qdx/Errors.h"

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fcntl.h>
#include <filesystem>
#include <random>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace qdx {

bool sameFile(const std::string& a, const std::string& b) {
    struct stat sa {}, sb {};
    if (::stat(a.c_str(), &sa) != 0 || ::stat(b.c_str(), &sb) != 0) return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

AtomicFile::AtomicFile(std::string target, const std::vector<std::string>& inputs) : _target(std::move(target)) {
    for (const auto& in : inputs)
        if (in == _target || sameFile(in, _target))
            throw OutputError("refusing to write '" + _target + "': it is the input file");
    auto slash = _target.find_last_of('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : _target.substr(0, slash));
    std::string base = slash == std::string::npos ? _target : _target.substr(slash + 1);
    if (base.empty()) throw OutputError("output path '" + _target + "' names no file");
    struct stat st {};
    if (::stat(_target.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
        throw OutputError("output path '" + _target + "' is a folder");
    // The temporary name keeps the target's suffix, so an exporter that writes
    // several shapes (a .zip bundle or one .csv table) can tell them apart.
    std::string suffix;
    auto dot = base.find_last_of('.');
    if (dot != std::string::npos && dot > 0) suffix = base.substr(dot);
    std::random_device rd;
    for (int attempt = 0; attempt < 16; ++attempt) {
        char tag[32];
        std::snprintf(tag, sizeof tag, ".qdx-tmp-%08x", static_cast<unsigned>(rd()));
        std::string candidate = (dir == "/" ? "/" : dir + "/") + "." + base + tag + suffix;
        // 0600 while it is written (commit() gives it the target's or the umask's mode):
        // a half-written, perhaps decrypted, project is nobody else's to read.
        int fd = ::open(candidate.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ::close(fd);
            _temp = candidate;
            return;
        }
        if (errno != EEXIST)
            throw OutputError("cannot create a temporary file in '" + dir + "': " + std::strerror(errno));
    }
    throw OutputError("cannot create a temporary file in '" + dir + "'");
}

ScratchFile::ScratchFile(const std::string& name) {
    const char* env = std::getenv("TMPDIR");
    std::string base = env && *env ? env : "/tmp";
    if (base.size() > 1 && base.back() == '/') base.pop_back();
    std::string templ = base + "/qdx-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data()))
        throw OutputError("cannot create a private temporary folder in '" + base + "': " + std::strerror(errno));
    _dir = buf.data();
    _path = _dir + "/" + name;
}

ScratchFile::~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove_all(_dir, ec);
}

AtomicFile::~AtomicFile() {
    if (!_committed && !_temp.empty()) ::unlink(_temp.c_str());
}

namespace {
std::atomic<bool> g_syncOutputs{false};
}

void AtomicFile::setSyncOutputs(bool on) { g_syncOutputs.store(on, std::memory_order_relaxed); }
bool AtomicFile::syncOutputs() { return g_syncOutputs.load(std::memory_order_relaxed); }

void AtomicFile::commit(bool sync) {
    if (::access(_temp.c_str(), F_OK) != 0) throw OutputError("output vanished before commit: " + _temp);
    if (sync) {
        int fd = ::open(_temp.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) throw OutputError("output vanished before commit: " + _temp);
        // A write error the kernel met while flushing the data surfaces here (the
        // writers only ask for writeback): the target is then left as it was.
        // File systems that cannot sync (EINVAL, EROFS, ENOTSUP) are not errors.
        if (::fsync(fd) != 0 && errno != EINVAL && errno != EROFS && errno != ENOTSUP) {
            int e = errno;
            ::close(fd);
            throw OutputError("cannot write '" + _target + "': " + std::strerror(e) + " (it was left as it was)");
        }
        ::close(fd);
    }
    // Keep the permissions an existing target had, else the umask default.
    struct stat st {};
    if (::stat(_target.c_str(), &st) == 0) ::chmod(_temp.c_str(), st.st_mode & 07777);
    else {
        mode_t um = ::umask(0);
        ::umask(um);
        ::chmod(_temp.c_str(), 0666 & ~um);
    }
    if (::rename(_temp.c_str(), _target.c_str()) != 0)
        throw OutputError("cannot rename into '" + _target + "': " + std::strerror(errno));
    _committed = true;
    if (sync) {
        // The rename is an entry of the folder: flushed too, the target survives a power cut
        // under its own name. The data is already safe, so a folder that cannot be synced is
        // not an error.
        auto slash = _target.find_last_of('/');
        std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : _target.substr(0, slash);
        int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            (void)::fsync(dfd);
            ::close(dfd);
        }
    }
}

namespace {

std::string parentOf(const std::string& path) {
    auto slash = path.find_last_of('/');
    return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

/// Flushes a file or folder to the disk; false on a write error the kernel met.
bool syncPath(const std::string& path, bool folder) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | (folder ? O_DIRECTORY : 0));
    if (fd < 0) return false;
    bool ok = ::fsync(fd) == 0 || errno == EINVAL || errno == EROFS || errno == ENOTSUP;
    ::close(fd);
    return ok;
}

} // namespace

AtomicFolder::AtomicFolder(std::string target, const std::vector<std::string>& inputs) : _target(std::move(target)) {
    while (_target.size() > 1 && _target.back() == '/') _target.pop_back();
    for (const auto& in : inputs)
        if (in == _target || sameFile(in, _target))
            throw OutputError("refusing to write '" + _target + "': it is the input");
    std::string dir = parentOf(_target);
    auto slash = _target.find_last_of('/');
    std::string base = slash == std::string::npos ? _target : _target.substr(slash + 1);
    if (base.empty() || base == "." || base == "..") throw OutputError("output path '" + _target + "' names no folder");
    struct stat st {};
    if (::lstat(_target.c_str(), &st) == 0)
        throw OutputError("refusing to write '" + _target + "': it exists (a folder output never replaces anything; "
                          "remove it or choose another name)");
    std::string templ = (dir == "/" ? "/" : dir + "/") + "." + base + ".qdx-tmp-XXXXXX";
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data()))
        throw OutputError("cannot create a temporary folder in '" + dir + "': " + std::strerror(errno));
    _holder = buf.data();
    _temp = _holder + "/" + base;
}

AtomicFolder::~AtomicFolder() {
    std::error_code ec;
    if (!_holder.empty()) std::filesystem::remove_all(_holder, ec);  // links inside are removed, never followed
}

void AtomicFolder::commit(bool sync) {
    namespace fs = std::filesystem;
    struct stat st {};
    if (::lstat(_temp.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        throw OutputError("the output folder was not written: " + _temp);
    if (sync) {
        std::error_code ec;
        bool ok = true;
        for (fs::recursive_directory_iterator it(_temp, ec), end; !ec && it != end; it.increment(ec)) {
            auto type = it->symlink_status(ec).type();
            if (type == fs::file_type::regular || type == fs::file_type::directory)
                ok = syncPath(it->path().string(), type == fs::file_type::directory) && ok;
        }
        ok = !ec && syncPath(_temp, true) && ok;
        if (!ok) throw OutputError("cannot write '" + _target + "': flushing it to the disk failed (nothing was put in place)");
    }
    // RENAME_NOREPLACE: whatever appeared under the target's name meanwhile is
    // left alone. File systems without it fall back to a check and rename(2).
    if (::renameat2(AT_FDCWD, _temp.c_str(), AT_FDCWD, _target.c_str(), RENAME_NOREPLACE) != 0) {
        int e = errno;
        if (e != EINVAL && e != ENOSYS)
            throw OutputError("cannot rename into '" + _target + "': " + std::strerror(e));
        if (::lstat(_target.c_str(), &st) == 0)
            throw OutputError("refusing to write '" + _target + "': it appeared while qdx was writing");
        if (::rename(_temp.c_str(), _target.c_str()) != 0)
            throw OutputError("cannot rename into '" + _target + "': " + std::strerror(errno));
    }
    _committed = true;
    ::rmdir(_holder.c_str());
    _holder.clear();
    if (sync) (void)syncPath(parentOf(_target), true);
}

} // namespace qdx
