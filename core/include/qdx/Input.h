#pragma once
/// An input handed to an importer: a file on disk, a folder on disk (a project
/// that is a folder, such as QualCoder's `NAME.qda/`), or bytes in memory
/// (stdin is spooled to memory or a temporary file by the command).

#include <cstdint>
#include <istream>
#include <memory>
#include <string>
#include <string_view>

namespace qdx {

class Input {
public:
    /// A file or a folder on disk. Throws InputError when it does not exist or is
    /// neither. A folder has no bytes of its own: head() is empty, size() is 0 and
    /// open()/readAll() throw InputError; an importer that reads folders looks at
    /// isFolder() and path(), and every other one declines it (its probe sees no head).
    static Input fromFile(const std::string& path);
    /// Bytes in memory, named for messages and for suffix-based detection.
    static Input fromMemory(std::string data, std::string name);

    /// The name used in messages (the path, or the given name).
    const std::string& name() const { return _name; }
    /// Lower-case suffix without dot ("qdpx"), or empty.
    std::string extension() const;
    bool isFile() const { return !_memory; }
    /// True for a folder on disk (see fromFile()).
    bool isFolder() const { return _folder; }
    /// Path of the file; empty for memory input.
    const std::string& path() const { return _path; }
    /// The bytes of a memory input (empty view for files).
    std::string_view memory() const;
    std::uint64_t size() const { return _size; }
    /// The first bytes (up to 64 KiB), for probing.
    const std::string& head() const { return _head; }
    /// A fresh stream over the whole input.
    std::unique_ptr<std::istream> open() const;
    /// Reads the whole input, refusing more than `maxBytes` (LimitError).
    std::string readAll(std::uint64_t maxBytes) const;

private:
    Input() = default;
    std::string _name;
    std::string _path;
    std::shared_ptr<const std::string> _memory;
    std::string _head;
    std::uint64_t _size = 0;
    bool _folder = false;
};

} // namespace qdx
