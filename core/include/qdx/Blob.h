#pragma once
/// Content of binary sources, opened lazily and streamed, never loaded whole.

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <string>

namespace qdx {

class Blob {
public:
    virtual ~Blob();
    /// Opens a fresh stream over the bytes. Throws qdx::InputError when unavailable.
    virtual std::unique_ptr<std::istream> open() const = 0;
    /// Size in bytes, if known without reading.
    virtual std::optional<std::uint64_t> size() const = 0;
    /// Where the bytes live, for messages ("file.qdpx!sources/A.mp4").
    virtual std::string describe() const = 0;
};

/// Bytes in a file on disk.
class FileBlob final : public Blob {
public:
    explicit FileBlob(std::string path);
    std::unique_ptr<std::istream> open() const override;
    std::optional<std::uint64_t> size() const override;
    std::string describe() const override { return _path; }
    const std::string& path() const { return _path; }

private:
    std::string _path;
};

/// Bytes held in memory (small content, tests, fuzzing).
class MemoryBlob final : public Blob {
public:
    explicit MemoryBlob(std::string data, std::string name = "<memory>");
    std::unique_ptr<std::istream> open() const override;
    std::optional<std::uint64_t> size() const override { return _data->size(); }
    std::string describe() const override { return _name; }
    const std::string& data() const { return *_data; }

private:
    std::shared_ptr<const std::string> _data;
    std::string _name;
};

} // namespace qdx
