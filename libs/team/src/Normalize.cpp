#include "qdx/team/Normalize.h"

#include "qdx/Errors.h"
#include "qdx/Text.h"

#include <unicode/bytestream.h>
#include <unicode/edits.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include <algorithm>
#include <climits>

namespace qdx::team {

namespace {

const icu::Normalizer2& nfcInstance() {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
    if (U_FAILURE(status) || !n) throw Error(std::string("ICU has no NFC normaliser: ") + u_errorName(status));
    return *n;
}

void checkText(std::string_view s, const std::string& what) {
    if (s.size() > static_cast<std::size_t>(INT32_MAX))
        throw InputError(what + ": a text over 2 GiB cannot be normalised");
    std::size_t bad = text::firstInvalidUtf8(s);
    if (bad != std::string_view::npos)
        throw InputError(what + ": the text is not valid UTF-8 (at byte " + std::to_string(bad) + ")");
}

bool isContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::int64_t countCodePoints(std::string_view s, std::size_t from, std::size_t to) {
    std::int64_t n = 0;
    for (std::size_t i = from; i < to; ++i) n += !isContinuation(s[i]);
    return n;
}

/// Removes a leading BOM; every CRLF and every lone CR becomes LF. Returns false, touching nothing, when there is nothing to do.
bool normalizeLines(std::string_view s, std::string& out, OffsetMap& map) {
    bool bom = s.size() >= 3 && s.compare(0, 3, "\xEF\xBB\xBF") == 0;
    if (!bom && s.find('\r') == std::string_view::npos) return false;
    out.reserve(s.size());
    std::size_t i = 0;
    std::int64_t cp = 0, outCp = 0;
    if (bom) {
        map.add({0, 1, 0, 0});
        i = 3;
        cp = 1;
    }
    while (i < s.size()) {
        std::size_t cr = s.find('\r', i);
        std::size_t end = cr == std::string_view::npos ? s.size() : cr;
        std::int64_t n = countCodePoints(s, i, end);
        out.append(s.data() + i, end - i);
        cp += n;
        outCp += n;
        if (cr == std::string_view::npos) break;
        out.push_back('\n');
        if (cr + 1 < s.size() && s[cr + 1] == '\n') {
            map.add({cp, 2, outCp, 1});  // CRLF -> LF: an offset between the two is inside a change
            cp += 2;
            i = cr + 2;
        } else {
            ++cp;  // a lone CR -> LF: the same length, offsets unchanged
            i = cr + 1;
        }
        ++outCp;
    }
    return true;
}

/// NFC of `s` with its changed runs in code points. False when `s` is NFC.
bool normalizeNfc(std::string_view s, std::string& out, OffsetMap& map) {
    const auto& n = nfcInstance();
    UErrorCode status = U_ZERO_ERROR;
    icu::StringPiece piece(s.data(), static_cast<int32_t>(s.size()));
    if (n.isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return false;
    status = U_ZERO_ERROR;
    icu::Edits edits;
    icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(s.size()));
    n.normalizeUTF8(0, piece, sink, &edits, status);
    if (U_FAILURE(status)) throw Error(std::string("ICU NFC normalisation failed: ") + u_errorName(status));
    // Edits count bytes; the model counts code points. Walk both texts once.
    std::size_t srcByte = 0, dstByte = 0;
    std::int64_t srcCp = 0, dstCp = 0;
    auto it = edits.getCoarseChangesIterator();
    while (it.next(status)) {
        auto si = static_cast<std::size_t>(it.sourceIndex()), di = static_cast<std::size_t>(it.destinationIndex());
        srcCp += countCodePoints(s, srcByte, si);
        dstCp += countCodePoints(out, dstByte, di);
        std::int64_t oldLen = countCodePoints(s, si, si + static_cast<std::size_t>(it.oldLength()));
        std::int64_t newLen = countCodePoints(out, di, di + static_cast<std::size_t>(it.newLength()));
        map.add({srcCp, oldLen, dstCp, newLen});
        srcByte = si + static_cast<std::size_t>(it.oldLength());
        dstByte = di + static_cast<std::size_t>(it.newLength());
        srcCp += oldLen;
        dstCp += newLen;
    }
    return true;
}

template <class Key>
std::int64_t mapOffset(const std::vector<OffsetMap::Change>& changes, std::int64_t offset, Key key) {
    // The last change starting at or before `offset`.
    auto it = std::upper_bound(changes.begin(), changes.end(), offset,
                               [&](std::int64_t o, const OffsetMap::Change& c) { return o < key(c).first; });
    if (it == changes.begin()) return offset;
    --it;
    auto [from, fromLen, to, toLen] = key(*it);
    // At the start of a run, or inside it. A run that is empty on this side (the
    // CR of a CRLF, seen from the LF text) maps its position to the run's start.
    if (offset < from + fromLen || offset == from) return to + std::min(offset - from, toLen);
    return offset - (from + fromLen) + (to + toLen);
}

struct Run {
    std::int64_t first, firstLen, second, secondLen;
};

} // namespace

std::int64_t OffsetMap::forward(std::int64_t offset) const {
    return mapOffset(_changes, offset, [](const Change& c) { return Run{c.from, c.fromLen, c.to, c.toLen}; });
}

std::int64_t OffsetMap::backward(std::int64_t offset) const {
    return mapOffset(_changes, offset, [](const Change& c) { return Run{c.to, c.toLen, c.from, c.fromLen}; });
}

bool OffsetMap::inside(std::int64_t offset) const {
    auto it = std::upper_bound(_changes.begin(), _changes.end(), offset,
                               [](std::int64_t o, const Change& c) { return o < c.from; });
    if (it == _changes.begin()) return false;
    --it;
    return offset > it->from && offset < it->from + it->fromLen;
}

NormalizedText::NormalizedText(std::string_view utf8, const std::string& what) {
    checkText(utf8, what);
    std::string lines;
    std::string_view current = utf8;
    if (normalizeLines(utf8, lines, _lines)) current = lines;
    std::string composed;
    if (normalizeNfc(current, composed, _nfc)) {
        _owned = std::move(composed);
        _owns = true;
    } else if (current.data() != utf8.data()) {
        _owned = std::move(lines);
        _owns = true;
    }
    _view = _owns ? std::string_view(_owned) : utf8;
    _length = text::codePointCount(_view);
    _originalLength = _owns ? text::codePointCount(utf8) : _length;
}

NormalizedText& NormalizedText::operator=(const NormalizedText& o) {
    if (this == &o) return *this;
    _owned = o._owned;
    _lines = o._lines;
    _nfc = o._nfc;
    _length = o._length;
    _originalLength = o._originalLength;
    _owns = o._owns;
    _view = _owns ? std::string_view(_owned) : o._view;
    return *this;
}

NormalizedText& NormalizedText::operator=(NormalizedText&& o) noexcept {
    if (this == &o) return *this;
    _owns = o._owns;
    _owned = std::move(o._owned);
    _lines = std::move(o._lines);
    _nfc = std::move(o._nfc);
    _length = o._length;
    _originalLength = o._originalLength;
    _view = _owns ? std::string_view(_owned) : o._view;
    return *this;
}

bool NormalizedText::insideChange(std::int64_t original) const {
    if (_lines.inside(original)) return true;
    return _nfc.inside(_lines.forward(original));
}

std::string nfc(std::string_view utf8) {
    checkText(utf8, "text");
    std::string out;
    OffsetMap ignored;
    if (!normalizeNfc(utf8, out, ignored)) return std::string(utf8);
    return out;
}

std::string normalizeName(std::string_view utf8) {
    return text::collapseWhitespace(nfc(utf8));
}

} // namespace qdx::team
