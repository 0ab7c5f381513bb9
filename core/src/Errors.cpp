#include "qdx/Errors.h"

namespace qdx {

std::string Location::str() const {
    std::string s = file;
    if (!member.empty()) s += (s.empty() ? "" : "!") + member;
    if (line > 0) {
        s += ":" + std::to_string(line);
        if (column > 0) s += ":" + std::to_string(column);
    } else if (offset >= 0) {
        s += " (byte " + std::to_string(offset) + ")";
    }
    return s;
}

std::string wholeMessage(std::string message) {
    for (std::size_t at = message.find('\0'); at != std::string::npos; at = message.find('\0', at + 4))
        message.replace(at, 1, "\\x00");
    return message;
}

InputError::InputError(const Location& where, const std::string& reason)
    : Error(where.empty() ? reason : where.str() + ": " + reason), _where(where), _reason(reason) {}

} // namespace qdx
