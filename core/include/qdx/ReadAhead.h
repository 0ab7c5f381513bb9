#pragma once
/// Reading a stream ahead on a second thread, so that producing the bytes
/// (inflating a zip member, reading a file) overlaps with consuming them
/// (parsing). Used by parseXml; see BENCHMARKS.md for what it buys.

#include <condition_variable>
#include <cstdint>
#include <cstddef>
#include <deque>
#include <exception>
#include <istream>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

namespace qdx {

/// Hands out a stream's bytes block by block. The first block is read on the
/// calling thread; only when it comes back full (more may follow) does a
/// worker thread start reading the next ones, at most `depth` blocks ahead,
/// so small streams never pay for a thread and memory stays at
/// (depth + 2) blocks. While a ReadAhead is alive the stream belongs to it:
/// the caller must not touch the stream or the object it reads from (for a
/// ZipReader stream: the same ZipReader, as libzip is not thread-safe).
class ReadAhead {
public:
    explicit ReadAhead(std::istream& in, std::size_t blockSize = 1 << 20, std::size_t depth = 2);
    /// Stops the worker (after the read it is in) and joins it.
    ~ReadAhead();
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;

    /// The next block, valid until the next call; empty at the end of the
    /// stream. Rethrows, on the calling thread, whatever reading threw.
    std::string_view next();
    /// After next() returned empty: true when the stream ended bad() rather
    /// than at a clean end of file.
    bool bad() const { return _bad; }

private:
    struct Block {
        std::size_t buffer = 0;  ///< index into _buffers
        std::size_t size = 0;
        bool last = false;
        bool bad = false;
        std::exception_ptr error;
    };
    Block readBlock(std::size_t buffer);
    void work();

    std::istream& _in;
    std::size_t _blockSize;
    std::vector<std::vector<char>> _buffers;
    std::mutex _mutex;
    std::condition_variable _changed;
    std::deque<Block> _filled;          ///< read, not yet handed out
    std::vector<std::size_t> _free;     ///< buffers the worker may fill
    std::size_t _current = SIZE_MAX;    ///< buffer handed out by the last next()
    bool _started = false;
    bool _ended = false;
    bool _stop = false;
    bool _bad = false;
    bool _sync = false;                 ///< no worker could be started
    std::thread _worker;
};

} // namespace qdx
