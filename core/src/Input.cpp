#include "qdx/Input.h"

#include "qdx/Errors.h"
#include "qdx/Text.h"

#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace qdx {

namespace {
constexpr std::size_t kHeadBytes = 64 * 1024;

class ViewBuf : public std::streambuf {
public:
    explicit ViewBuf(std::shared_ptr<const std::string> s) : _s(std::move(s)) {
        char* b = const_cast<char*>(_s->data());
        setg(b, b, b + _s->size());
    }

protected:
    pos_type seekoff(off_type off, std::ios_base::seekdir dir, std::ios_base::openmode) override {
        off_type base = dir == std::ios_base::beg ? 0 : dir == std::ios_base::cur ? gptr() - eback() : egptr() - eback();
        off_type p = base + off;
        if (p < 0 || p > egptr() - eback()) return pos_type(off_type(-1));
        setg(eback(), eback() + p, egptr());
        return pos_type(p);
    }
    pos_type seekpos(pos_type pos, std::ios_base::openmode m) override { return seekoff(off_type(pos), std::ios_base::beg, m); }

private:
    std::shared_ptr<const std::string> _s;
};

class ViewStream : public std::istream {
public:
    explicit ViewStream(std::shared_ptr<const std::string> s) : std::istream(nullptr), _buf(std::move(s)) { rdbuf(&_buf); }

private:
    ViewBuf _buf;
};
} // namespace

Input Input::fromFile(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw InputError(Location{path, {}, 0, 0, -1}, "no such file");
    if (S_ISDIR(st.st_mode)) {
        Input in;
        std::string p = path;  // "proj.qda/" names the folder "proj.qda" (its suffix decides the format)
        while (p.size() > 1 && p.back() == '/') p.pop_back();
        in._name = p;
        in._path = p;
        in._folder = true;
        return in;
    }
    if (!S_ISREG(st.st_mode)) throw InputError(Location{path, {}, 0, 0, -1}, "not a regular file or a folder");
    Input in;
    in._name = path;
    in._path = path;
    in._size = static_cast<std::uint64_t>(st.st_size);
    std::ifstream f(path, std::ios::binary);
    if (!f) throw InputError(Location{path, {}, 0, 0, -1}, "cannot open for reading");
    in._head.resize(kHeadBytes);
    f.read(in._head.data(), static_cast<std::streamsize>(kHeadBytes));
    in._head.resize(static_cast<std::size_t>(f.gcount()));
    return in;
}

Input Input::fromMemory(std::string data, std::string name) {
    Input in;
    in._name = std::move(name);
    in._size = data.size();
    in._head = data.substr(0, kHeadBytes);
    in._memory = std::make_shared<const std::string>(std::move(data));
    return in;
}

std::string Input::extension() const { return text::pathExtension(_name); }

std::string_view Input::memory() const { return _memory ? std::string_view(*_memory) : std::string_view(); }

std::unique_ptr<std::istream> Input::open() const {
    if (_folder) throw InputError(Location{_path, {}, 0, 0, -1}, "is a folder, not a file");
    if (_memory) return std::make_unique<ViewStream>(_memory);
    auto f = std::make_unique<std::ifstream>(_path, std::ios::binary);
    if (!*f) throw InputError(Location{_path, {}, 0, 0, -1}, "cannot open for reading");
    return f;
}

std::string Input::readAll(std::uint64_t maxBytes) const {
    if (_size > maxBytes)
        throw LimitError(Location{_name, {}, 0, 0, -1}, "input of " + std::to_string(_size) +
                                                            " bytes exceeds the limit of " + std::to_string(maxBytes) +
                                                            " bytes");
    if (_folder) throw InputError(Location{_path, {}, 0, 0, -1}, "is a folder, not a file");
    if (_memory) return *_memory;
    std::ifstream f(_path, std::ios::binary);
    if (!f) throw InputError(Location{_path, {}, 0, 0, -1}, "cannot open for reading");
    std::string data;
    data.resize(static_cast<std::size_t>(_size));
    f.read(data.data(), static_cast<std::streamsize>(_size));
    data.resize(static_cast<std::size_t>(f.gcount()));
    return data;
}

} // namespace qdx
