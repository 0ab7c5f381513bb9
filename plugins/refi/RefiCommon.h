#pragma once
/// Helpers shared by the REFI-QDA reader and writer: GUIDs, colours,
/// offset profiles, media types, the ext keys of the plugin.

#include "qdx/Text.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qdx::refi {

/// The offset conventions of the producing (or target) tools.
enum class Profile { CodePoints, Utf16, CrlfOnce };

/// Unit of qdx::text::OffsetMap for a profile.
text::Unit unitOf(Profile p);
/// "codepoints", "nvivo", "atlasti".
const char* toString(Profile p);
/// The profile of a producer, chosen by the prefix of Project/@origin.
Profile profileFromOrigin(std::string_view origin);

/// True for a REFI GUIDType: 8-4-4-4-12 hex digits, either case, optionally in braces.
bool isGuid(std::string_view s);
/// Trims XML whitespace (xsd:token values).
std::string trim(std::string_view s);
/// A deterministic name-based UUID (SHA-1, version 5) from a fixed qdx
/// namespace and `seed`, upper case without braces.
std::string derivedUuid(std::string_view seed);

/// Result of reading a colour attribute.
struct Colour {
    std::string value;       ///< "#RRGGBB" upper case, empty when unreadable
    bool nonStandard = false;///< not #RGB/#RRGGBB (8 digits, rgb(), missing '#')
    bool alphaDropped = false;
};
Colour parseColour(std::string_view s);

/// Lower-case extension of a path or name without dot ("pdf"), or empty.
std::string extensionOf(std::string_view path);
/// Media type for a file extension, or empty.
std::string mediaTypeFor(std::string_view ext);
/// File extension for a media type, or empty.
std::string extensionForMediaType(std::string_view mediaType);

/// Substrings by code points: the core's index.
using text::CodePointIndex;

/// ext keys written by this plugin.
namespace key {
inline constexpr const char* kGuid = "refi:guid";                    ///< GUID as read when the id had to be derived
inline constexpr const char* kLinks = "refi:links";                  ///< raw <Link> elements
inline constexpr const char* kGraphs = "refi:graphs";                ///< raw <Graph> elements
inline constexpr const char* kUnknown = "refi:unknown";              ///< raw elements not in the schema
inline constexpr const char* kAttributes = "refi:attributes";        ///< attributes not in the schema
inline constexpr const char* kDescription = "refi:description";      ///< Description of notes and transcripts
inline constexpr const char* kNoteRefs = "refi:noteRefs";            ///< NoteRefs of the project root
inline constexpr const char* kLinkTargets = "refi:linkTargets";      ///< memo targets that came from a Link
inline constexpr const char* kRepresentation = "refi:representation";///< PDF Representation guid/name/audit
inline constexpr const char* kRepresentationGuid = "refi:representationGuid";
inline constexpr const char* kTextDescription = "refi:textDescription";
inline constexpr const char* kUserId = "refi:userId";
inline constexpr const char* kCurrentPath = "refi:currentPath";
inline constexpr const char* kSourceCoding = "refi:sourceCoding";    ///< excerpt made from a Coding directly under a source
inline constexpr const char* kRawOffsets = "refi:rawOffsets";        ///< offsets kept unconverted (text missing)
inline constexpr const char* kNoteSelections = "refi:noteSelections";
}  // namespace key

}  // namespace qdx::refi
