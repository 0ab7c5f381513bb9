#pragma once
/// Text normalisation for matching the same document across tools: two tools
/// store one interview with different line endings (CRLF or LF), with or
/// without a byte-order mark, composed or decomposed (NFC or NFD). Matching
/// compares the normalised texts; coding offsets, which each tool counts over
/// its own form of the text, are mapped into the normalised one.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qdx::team {

/// Maps code-point offsets between a text and a normalised form of it. Only
/// the changed runs are stored: an unchanged text is the identity, free.
class OffsetMap {
public:
    /// A run of `fromLen` code points at `from` became `toLen` code points at `to`.
    struct Change {
        std::int64_t from = 0, fromLen = 0, to = 0, toLen = 0;
    };
    bool identity() const { return _changes.empty(); }
    /// Appends a change; changes come in text order and do not overlap.
    void add(const Change& c) { _changes.push_back(c); }
    /// Original offset -> normalised offset. An offset inside a changed run
    /// (between a CR and its LF, between a letter and its combining accent)
    /// moves to the same distance into the new run, at most its end.
    std::int64_t forward(std::int64_t offset) const;
    /// Normalised offset -> original offset (the inverse where one exists).
    std::int64_t backward(std::int64_t offset) const;
    /// True when `offset` falls strictly inside a changed run of the original.
    bool inside(std::int64_t offset) const;
    const std::vector<Change>& changes() const { return _changes; }

private:
    std::vector<Change> _changes;
};

/// A text in the form used for matching: no BOM, every line ending LF
/// (CRLF and lone CR), Unicode NFC. Views the original when it was already in
/// that form (no copy), else owns the normalised copy.
class NormalizedText {
public:
    NormalizedText() = default;
    /// Throws qdx::InputError when `utf8` is not valid UTF-8 or over 2 GiB
    /// (ICU's limit); `what` names the text in that message.
    NormalizedText(std::string_view utf8, const std::string& what);
    NormalizedText(const NormalizedText& o) { *this = o; }
    NormalizedText& operator=(const NormalizedText& o);
    NormalizedText(NormalizedText&& o) noexcept { *this = std::move(o); }
    NormalizedText& operator=(NormalizedText&& o) noexcept;

    std::string_view text() const { return _view; }
    std::int64_t length() const { return _length; }  ///< code points
    std::int64_t originalLength() const { return _originalLength; }  ///< code points of the text as given
    /// True when the normalised text differs from the original.
    bool changed() const { return _owns; }
    std::int64_t toNormalized(std::int64_t original) const { return _nfc.forward(_lines.forward(original)); }
    std::int64_t toOriginal(std::int64_t normalized) const { return _lines.backward(_nfc.backward(normalized)); }
    /// True when an original offset falls inside a run that normalisation changed.
    bool insideChange(std::int64_t original) const;

private:
    std::string _owned;
    std::string_view _view;
    std::int64_t _length = 0, _originalLength = 0;
    bool _owns = false;  ///< _view is _owned (a lone CR became LF: changed, with no offset change)
    OffsetMap _lines;  ///< original -> without BOM, LF line endings
    OffsetMap _nfc;    ///< that -> NFC
};

/// The text in NFC (ICU). Throws qdx::InputError on invalid UTF-8.
std::string nfc(std::string_view utf8);
/// A name as names are matched: NFC, white space runs collapsed to one
/// space, trimmed. Case is kept: "Trust" and "trust" are two codes.
std::string normalizeName(std::string_view utf8);

} // namespace qdx::team
