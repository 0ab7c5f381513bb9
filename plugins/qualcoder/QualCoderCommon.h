#pragma once
/// What the reader and the writer of QualCoder projects share: the database
/// version and tables of a new project, the ids the model gives QualCoder's
/// numbered rows, dates, colours and the extension keys.

#include "qdx/Json.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace qdx::qualcoder {

/// The database version of the QualCoder release the tests use (QualCoder 4.0
/// beta creates "v17"); newer versions are refused, older ones read.
inline constexpr int kDatabaseVersion = 17;

/// The statements that create a new project's database, as QualCoder 4.0's
/// new-project code leaves it: every table, then coder_names and its four views.
const std::vector<std::string>& schemaStatements();

/// The columns of each table of a v17 database, in order (for reading what a
/// database has, and for writing rows kept in extension bags).
const std::vector<std::string>& tableColumns(std::string_view table);
/// Tables the model has no place for, kept whole in the project's extension
/// bag (graphs, stored SQL, RIS references, file table layouts and filters).
const std::vector<std::string>& keptTables();
/// The columns of a kept table that hold the number of another row, and the
/// kind of row (a prefix of Ids): written back only while those numbers hold.
std::vector<std::pair<std::string, std::string>> keptTableReferences(std::string_view table);

/// The model ids of QualCoder rows: "<prefix><number>", e.g. "code:12".
namespace ids {
inline constexpr const char* kCode = "code:";         ///< code_name.cid
inline constexpr const char* kCategory = "cat:";      ///< code_cat.catid
inline constexpr const char* kSource = "file:";       ///< source.id
inline constexpr const char* kTextCoding = "ct:";     ///< code_text.ctid (excerpt: its first row)
inline constexpr const char* kImageCoding = "img:";   ///< code_image.imid
inline constexpr const char* kAvCoding = "av:";       ///< code_av.avid
inline constexpr const char* kAnnotationSpan = "ann:";///< annotation.anid, the excerpt annotated
inline constexpr const char* kAnnotation = "annotation:";  ///< annotation.anid, the memo
inline constexpr const char* kCaseText = "casetext:"; ///< case_text.id (a span linked to a case)
inline constexpr const char* kCase = "case:";         ///< cases.caseid
inline constexpr const char* kAttribute = "attr:";    ///< attribute_type rowid
inline constexpr const char* kJournal = "journal:";   ///< journal.jid
inline constexpr const char* kCoder = "coder:";       ///< coder_names rowid (or a number after them)
}  // namespace ids

std::string makeId(const char* prefix, std::int64_t n);
/// The number of an id made by makeId() with this prefix (positive), or nullopt.
std::optional<std::int64_t> idNumber(const char* prefix, std::string_view id);

/// "2024-01-02 10:11:12" (QualCoder) -> "2024-01-02T10:11:12Z": QualCoder's own
/// REFI export calls its dates UTC. Text that is not such a date stays as it is.
std::string dateFromQualCoder(std::string_view d);
/// The reverse: "2024-01-02T10:11:12Z" -> "2024-01-02 10:11:12"; other zones and
/// fractions are kept after the time ("2024-01-02 10:11:12.5+02:00").
std::string dateToQualCoder(std::string_view d);

/// "#RRGGBB" upper case from "#rrggbb", "rrggbb" or "#RGB"; empty when not a colour.
std::string normaliseColour(std::string_view c);

/// The kind of a source from its mediapath (NULL: a text made in QualCoder).
enum class MediaFolder { None, Documents, Images, Audio, Video };
struct MediaPath {
    MediaFolder folder = MediaFolder::None;
    bool linked = false;   ///< "docs:/abs/path" (outside the project) rather than "/docs/name"
    std::string rest;      ///< the file name (internal) or the path (linked)
};
MediaPath parseMediaPath(std::string_view mediapath);
/// Folder of the project for internal media ("documents", "images", ...).
const char* folderName(MediaFolder f);
/// The prefix of internal media paths ("/docs/", "/images/", ...) and linked ones ("docs:", ...).
const char* internalPrefix(MediaFolder f);
const char* linkedPrefix(MediaFolder f);

/// A media type from a file name's suffix ("application/pdf"); empty when unknown.
std::string mediaTypeOf(std::string_view fileName);
/// A suffix for a media type ("pdf"), empty when unknown.
std::string suffixOf(std::string_view mediaType);

/// Extension keys (namespace "qualcoder:").
namespace key {
inline constexpr const char* kRow = "qualcoder:row";          ///< columns of a row the model has no place for
inline constexpr const char* kTables = "qualcoder:tables";    ///< kept tables, by name: arrays of row objects
inline constexpr const char* kColour = "qualcoder:color";     ///< a code's colour as stored, when not #RRGGBB
inline constexpr const char* kBom = "qualcoder:bom";          ///< the text began with U+FEFF (positions counted it)
inline constexpr const char* kTranscript = "qualcoder:transcript";  ///< A/V source: id of its transcript text source
inline constexpr const char* kImportant = "qualcoder:important";  ///< a coding marked important (true)
inline constexpr const char* kAvCoding = "qualcoder:avid";    ///< text coding: id of the A/V excerpt it belongs to
inline constexpr const char* kCaseOrFile = "qualcoder:caseOrFile";  ///< attribute: "case" or "file"
inline constexpr const char* kValueType = "qualcoder:valuetype";    ///< attribute type as stored, when the model's type does not give it
inline constexpr const char* kValueAudit = "qualcoder:values";      ///< owner/date of attribute values, by attribute id
inline constexpr const char* kLinks = "qualcoder:links";      ///< owner/date/memo of a case's file links, by source id
inline constexpr const char* kMediaPath = "qualcoder:mediapath";  ///< a source's mediapath, when linked outside the project
}  // namespace key

/// At most `n` bytes of `s`, cut at a character boundary (for messages: never a broken UTF-8 sequence).
std::string clip(std::string_view s, std::size_t n);

/// Canonical JSON for a column value read from SQLite.
Json integerJson(std::int64_t v);

} // namespace qdx::qualcoder
