#include "qdx/ReadAhead.h"

#include <algorithm>
#include <system_error>

namespace qdx {

ReadAhead::ReadAhead(std::istream& in, std::size_t blockSize, std::size_t depth)
    : _in(in), _blockSize(std::max<std::size_t>(blockSize, 1)), _buffers(std::max<std::size_t>(depth, 1) + 1)
{
}

ReadAhead::~ReadAhead()
{
    {
        std::lock_guard<std::mutex> lock(_mutex);
        _stop = true;
    }
    _changed.notify_all();
    if (_worker.joinable()) _worker.join();
}

ReadAhead::Block ReadAhead::readBlock(std::size_t buffer)
{
    Block b;
    b.buffer = buffer;
    auto& bytes = _buffers[buffer];
    if (bytes.size() < _blockSize) bytes.resize(_blockSize);
    try {
        _in.read(bytes.data(), static_cast<std::streamsize>(_blockSize));
        b.size = static_cast<std::size_t>(_in.gcount());
        if (_in.bad()) {
            b.bad = true;
            b.last = true;
        } else if (b.size < _blockSize) {
            b.last = true;
        }
    } catch (...) {
        b.error = std::current_exception();
        b.size = 0;
        b.last = true;
    }
    return b;
}

void ReadAhead::work()
{
    while (true) {
        std::size_t buffer;
        {
            std::unique_lock<std::mutex> lock(_mutex);
            _changed.wait(lock, [this] { return _stop || !_free.empty(); });
            if (_stop) return;
            buffer = _free.back();
            _free.pop_back();
        }
        Block b = readBlock(buffer);
        {
            std::lock_guard<std::mutex> lock(_mutex);
            _filled.push_back(b);
        }
        _changed.notify_all();
        if (b.last) return;
    }
}

std::string_view ReadAhead::next()
{
    if (_ended) return {};
    Block b;
    if (!_started) {
        _started = true;
        b = readBlock(0);
        if (!b.last) {
            for (std::size_t i = 1; i < _buffers.size(); ++i) _free.push_back(i);
            try {
                _worker = std::thread([this] { work(); });
            } catch (const std::system_error&) {
                _sync = true;  // no thread to be had: read on this thread
            }
        }
    } else if (_sync) {
        b = readBlock(_current);
    } else {
        std::unique_lock<std::mutex> lock(_mutex);
        _free.push_back(_current);
        _changed.notify_all();
        _changed.wait(lock, [this] { return !_filled.empty(); });
        b = _filled.front();
        _filled.pop_front();
    }
    _current = b.buffer;
    if (b.last) _ended = true;
    if (b.error) std::rethrow_exception(b.error);
    if (b.bad) _bad = true;
    return std::string_view(_buffers[b.buffer].data(), b.size);
}

} // namespace qdx
