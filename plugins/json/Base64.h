#pragma once
/// Base64 (RFC 4648, standard alphabet, padded) in chunks, for source content.

#include <cstddef>
#include <string>
#include <string_view>

namespace qdx::jsonfmt::base64 {

/// Appends the encoding of `in` to `out`. Call with lengths that are
/// multiples of 3 except for the last chunk to get one continuous encoding.
void encode(std::string_view in, std::string& out);

/// Streaming strict decoder: only the alphabet, '=' padding at the very end,
/// no whitespace. Feed the text in any pieces, then finish().
class Decoder {
public:
    /// Appends decoded bytes to `out`; false on a character outside the
    /// alphabet or data after padding (`errorAt` gives its index in the text).
    bool feed(std::string_view text, std::string& out);
    /// False when the text ended inside a quantum or with bad padding.
    bool finish(std::string& out);
    std::size_t errorAt() const { return _errorAt; }

private:
    unsigned _quantum = 0;  ///< bits collected
    int _count = 0;         ///< characters in the current quantum
    int _padding = 0;       ///< '=' seen
    std::size_t _seen = 0;
    std::size_t _errorAt = 0;
};

} // namespace qdx::jsonfmt::base64
