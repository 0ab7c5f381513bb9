#include "qdx/Blob.h"

#include "qdx/Errors.h"

#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace qdx {

Blob::~Blob() = default;

FileBlob::FileBlob(std::string path) : _path(std::move(path)) {}

std::unique_ptr<std::istream> FileBlob::open() const {
    auto in = std::make_unique<std::ifstream>(_path, std::ios::binary);
    if (!*in) throw InputError(Location{_path, {}, 0, 0, -1}, "cannot open content file");
    return in;
}

std::optional<std::uint64_t> FileBlob::size() const {
    struct stat st {};
    if (::stat(_path.c_str(), &st) != 0) return std::nullopt;
    return static_cast<std::uint64_t>(st.st_size);
}

namespace {
// A read-only streambuf over shared bytes (no copy).
class SharedStringBuf : public std::streambuf {
public:
    explicit SharedStringBuf(std::shared_ptr<const std::string> s) : _s(std::move(s)) {
        char* b = const_cast<char*>(_s->data());
        setg(b, b, b + _s->size());
    }

private:
    std::shared_ptr<const std::string> _s;
};

class SharedStringStream : public std::istream {
public:
    explicit SharedStringStream(std::shared_ptr<const std::string> s) : std::istream(nullptr), _buf(std::move(s)) {
        rdbuf(&_buf);
    }

private:
    SharedStringBuf _buf;
};
} // namespace

MemoryBlob::MemoryBlob(std::string data, std::string name)
    : _data(std::make_shared<const std::string>(std::move(data))), _name(std::move(name)) {}

std::unique_ptr<std::istream> MemoryBlob::open() const { return std::make_unique<SharedStringStream>(_data); }

} // namespace qdx
