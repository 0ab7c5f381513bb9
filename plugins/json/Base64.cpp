#include "Base64.h"

namespace qdx::jsonfmt::base64 {

namespace {

const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int valueOf(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

} // namespace

void encode(std::string_view in, std::string& out) {
    std::size_t at = out.size();
    out.resize(at + (in.size() + 2) / 3 * 4);
    char* o = &out[at];
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    std::size_t i = 0;
    for (; i + 3 <= in.size(); i += 3, o += 4) {
        unsigned v = (static_cast<unsigned>(p[i]) << 16) | (static_cast<unsigned>(p[i + 1]) << 8) | p[i + 2];
        o[0] = kAlphabet[(v >> 18) & 63];
        o[1] = kAlphabet[(v >> 12) & 63];
        o[2] = kAlphabet[(v >> 6) & 63];
        o[3] = kAlphabet[v & 63];
    }
    std::size_t rest = in.size() - i;
    if (rest != 0) {
        unsigned v = static_cast<unsigned>(p[i]) << 16;
        if (rest == 2) v |= static_cast<unsigned>(p[i + 1]) << 8;
        o[0] = kAlphabet[(v >> 18) & 63];
        o[1] = kAlphabet[(v >> 12) & 63];
        o[2] = rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
        o[3] = '=';
    }
}

bool Decoder::feed(std::string_view text, std::string& out) {
    for (char c : text) {
        std::size_t at = _seen++;
        if (c == '=') {
            // Padding may only complete a quantum of 2 or 3 characters.
            if (_count + _padding < 2) {
                _errorAt = at;
                return false;
            }
            ++_padding;
            if (_count + _padding > 4) {
                _errorAt = at;
                return false;
            }
            continue;
        }
        int v = valueOf(c);
        if (v < 0 || _padding > 0) {
            _errorAt = at;
            return false;
        }
        _quantum = (_quantum << 6) | static_cast<unsigned>(v);
        if (++_count == 4) {
            out += static_cast<char>((_quantum >> 16) & 0xFF);
            out += static_cast<char>((_quantum >> 8) & 0xFF);
            out += static_cast<char>(_quantum & 0xFF);
            _quantum = 0;
            _count = 0;
        }
    }
    return true;
}

bool Decoder::finish(std::string& out) {
    _errorAt = _seen;
    if (_count == 0) return _padding == 0;
    if (_count + _padding != 4) return false;
    // Non-canonical encodings (stray bits in the last character) are refused
    // so that a file decodes to exactly one byte string.
    if (_count == 2) {
        if (_quantum & 0xF) return false;
        out += static_cast<char>((_quantum >> 4) & 0xFF);
    } else if (_count == 3) {
        if (_quantum & 0x3) return false;
        out += static_cast<char>((_quantum >> 10) & 0xFF);
        out += static_cast<char>((_quantum >> 2) & 0xFF);
    } else {
        return false;
    }
    _quantum = 0;
    _count = 0;
    return true;
}

} // namespace qdx::jsonfmt::base64
