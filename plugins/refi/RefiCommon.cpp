#include "RefiCommon.h"

#include <Poco/SHA1Engine.h>

#include <cctype>
#include <cstdio>
#include <map>

namespace qdx::refi {

text::Unit unitOf(Profile p)
{
    switch (p) {
    case Profile::Utf16: return text::Unit::Utf16;
    case Profile::CrlfOnce: return text::Unit::CrlfOnce;
    default: return text::Unit::CodePoints;
    }
}

const char* toString(Profile p)
{
    switch (p) {
    case Profile::Utf16: return "nvivo";
    case Profile::CrlfOnce: return "atlasti";
    default: return "codepoints";
    }
}

namespace {
bool startsWithNoCase(std::string_view s, std::string_view prefix)
{
    if (s.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(prefix[i]))) return false;
    return true;
}
}  // namespace

Profile profileFromOrigin(std::string_view origin)
{
    std::string o = trim(origin);
    if (startsWithNoCase(o, "NVivo")) return Profile::Utf16;
    if (startsWithNoCase(o, "ATLAS.ti")) return Profile::CrlfOnce;
    return Profile::CodePoints;
}

namespace {
// (std::isxdigit is a call into the C library per character, and asks the locale.)
inline bool isHexDigit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
}  // namespace

bool isGuid(std::string_view s)
{
    if (s.size() == 38) {
        if (s.front() != '{' || s.back() != '}') return false;
        s = s.substr(1, 36);
    }
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < 36; ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return false;
        } else if (!isHexDigit(s[i])) {
            return false;
        }
    }
    return true;
}

std::string trim(std::string_view s)
{
    auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!s.empty() && ws(s.front())) s.remove_prefix(1);
    while (!s.empty() && ws(s.back())) s.remove_suffix(1);
    return std::string(s);
}

std::string derivedUuid(std::string_view seed)
{
    // Fixed namespace of qdx name-based ids (a random v4 UUID chosen once).
    static const unsigned char kNs[16] = {0x6b, 0x1d, 0x3f, 0x52, 0x9c, 0x4e, 0x4a, 0x1b,
                                          0x8f, 0x27, 0x5e, 0x90, 0xd2, 0x3a, 0x71, 0xc4};
    Poco::SHA1Engine sha;
    sha.update(kNs, sizeof kNs);
    sha.update(seed.data(), static_cast<unsigned>(seed.size()));
    const Poco::DigestEngine::Digest& d = sha.digest();
    unsigned char b[16];
    for (int i = 0; i < 16; ++i) b[i] = d[static_cast<std::size_t>(i)];
    b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x50);
    b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
    char out[37];
    std::snprintf(out, sizeof out, "%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X", b[0], b[1],
                  b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
    return out;
}

Colour parseColour(std::string_view raw)
{
    Colour c;
    std::string s = trim(raw);
    auto hex = [](const std::string& h) {
        for (char ch : h)
            if (!std::isxdigit(static_cast<unsigned char>(ch))) return false;
        return true;
    };
    auto upper = [](std::string h) {
        for (char& ch : h) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        return h;
    };
    std::string body = s;
    bool hash = !body.empty() && body[0] == '#';
    if (hash)
        body.erase(0, 1);
    else if (hex(body) && (body.size() == 6 || body.size() == 3 || body.size() == 8))
        c.nonStandard = true;
    if (hex(body) && !body.empty()) {
        if (body.size() == 6) {
            c.value = "#" + upper(body);
            return c;
        }
        if (body.size() == 3) {
            c.value = "#" + upper(std::string{body[0], body[0], body[1], body[1], body[2], body[2]});
            return c;
        }
        if (body.size() == 8) {
            // With '#' the CSS convention (#RRGGBBAA); without, the ARGB of .NET, Java and the
            // tools that write a bare hex value (Quackdas writes 'FF' + RRGGBB).
            std::string rgb = hash ? body.substr(0, 6) : body.substr(2), alpha = hash ? body.substr(6) : body.substr(0, 2);
            c.value = "#" + upper(rgb);
            c.nonStandard = true;
            c.alphaDropped = alpha != "ff" && alpha != "FF";
            return c;
        }
    }
    // rgb(r,g,b) / rgba(r,g,b,a)
    std::string low = text::asciiLower(s);
    if (low.rfind("rgb", 0) == 0) {
        auto open = low.find('('), close = low.find(')');
        if (open != std::string::npos && close != std::string::npos && close > open) {
            int v[4] = {0, 0, 0, 0};
            int n = std::sscanf(low.substr(open + 1, close - open - 1).c_str(), " %d , %d , %d , %d", &v[0], &v[1], &v[2], &v[3]);
            if (n >= 3 && v[0] >= 0 && v[0] < 256 && v[1] >= 0 && v[1] < 256 && v[2] >= 0 && v[2] < 256) {
                char out[8];
                std::snprintf(out, sizeof out, "#%02X%02X%02X", v[0], v[1], v[2]);
                c.value = out;
                c.nonStandard = true;
                c.alphaDropped = n == 4;
                return c;
            }
        }
    }
    c.nonStandard = true;
    return c;
}


std::string extensionOf(std::string_view path)
{
    auto slash = path.find_last_of("/\\");
    if (slash != std::string_view::npos) path = path.substr(slash + 1);
    auto dot = path.rfind('.');
    if (dot == std::string_view::npos || dot + 1 >= path.size()) return {};
    std::string e = text::asciiLower(path.substr(dot + 1));
    for (char c : e)
        if (!std::isalnum(static_cast<unsigned char>(c))) return {};
    return e;
}

namespace {
const std::map<std::string, std::string>& mediaTypes()
{
    static const std::map<std::string, std::string> k{
        {"txt", "text/plain"},       {"pdf", "application/pdf"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"doc", "application/msword"}, {"rtf", "application/rtf"},
        {"odt", "application/vnd.oasis.opendocument.text"},
        {"jpg", "image/jpeg"},       {"jpeg", "image/jpeg"},
        {"png", "image/png"},        {"gif", "image/gif"},
        {"tif", "image/tiff"},       {"tiff", "image/tiff"},
        {"bmp", "image/bmp"},        {"mp3", "audio/mpeg"},
        {"m4a", "audio/mp4"},        {"wav", "audio/wav"},
        {"ogg", "audio/ogg"},        {"mp4", "video/mp4"},
        {"mov", "video/quicktime"},  {"mpg", "video/mpeg"},
        {"mpeg", "video/mpeg"},      {"avi", "video/x-msvideo"},
        {"wmv", "video/x-ms-wmv"},   {"m4v", "video/x-m4v"},
        {"webm", "video/webm"},
    };
    return k;
}
}  // namespace

std::string mediaTypeFor(std::string_view ext)
{
    auto it = mediaTypes().find(text::asciiLower(ext));
    return it == mediaTypes().end() ? std::string() : it->second;
}

std::string extensionForMediaType(std::string_view mediaType)
{
    static const std::map<std::string, std::string> preferred{{"image/jpeg", "jpg"}, {"video/mpeg", "mpg"}};
    std::string mt = text::asciiLower(mediaType);
    auto p = preferred.find(mt);
    if (p != preferred.end()) return p->second;
    for (const auto& [ext, type] : mediaTypes())
        if (type == mt) return ext;
    return {};
}

}  // namespace qdx::refi
