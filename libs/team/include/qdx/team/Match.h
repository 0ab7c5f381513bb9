#pragma once
/// Matching two projects' sources and themes for comparing or merging them.
///
/// - Sources are matched by their text, normalised (Normalize.h), never by id:
///   two tools give the same document different ids. Sources without text
///   cannot be matched this way and are listed.
/// - Themes are matched by their path of names from the root, or by a mapping
///   (renamed codes). Paths are written with "/" between names.
/// - What cannot be matched is listed with the reason, never guessed.

#include "qdx/Model.h"
#include "qdx/team/Normalize.h"

#include <cstddef>
#include <string>
#include <vector>

namespace qdx::team {

/// One row of a theme mapping file: theme path in A, theme path in B.
struct ThemeMappingRow {
    std::string a, b;
    long line = 0;     ///< 1-based line of the file, for messages
    std::string file;  ///< the mapping file's name, for messages
};

/// Reads a theme mapping: CSV (RFC 4180, UTF-8, optional BOM), two columns,
/// a theme path of A and the path of the same theme in B; an optional header
/// row `a,b`. Throws qdx::InputError naming the file and line.
std::vector<ThemeMappingRow> readThemeMapping(const std::string& path);
std::vector<ThemeMappingRow> parseThemeMapping(std::string_view csv, const std::string& name);

/// Deepest theme tree accepted (a hostile file could nest themes a million deep).
inline constexpr std::size_t kMaxThemeDepth = 256;
/// Every theme's path as matching sees it: normalised names from the root, stopping at a
/// cycle or a dangling parent. One pass with an id index (qdx::themePath scans the theme
/// list at every level). Throws qdx::InputError naming `what` when a path is deeper than
/// kMaxThemeDepth.
std::vector<std::vector<std::string>> themeKeys(const Project& p, const std::string& what);
/// A theme path for people and mapping files: names joined by "/".
std::string joinPath(const std::vector<std::string>& names);

struct SourcePair {
    std::size_t a = 0, b = 0;  ///< indices into each project's sources
};
struct ThemePair {
    std::size_t a = 0, b = 0;  ///< indices into each project's themes
    std::string path;          ///< A's path, joined by "/"
    bool mapped = false;       ///< matched by the mapping file, not by path
    std::string pathB;         ///< B's path where it was mapped
};
/// Something one project has that could not be matched in the other.
struct Unmatched {
    std::size_t index = 0;  ///< into that project's sources or themes
    std::string name;       ///< source name or theme path
    std::string reason;
};

struct Matching {
    std::vector<SourcePair> sources;       ///< text sources, in A's order
    std::vector<Unmatched> sourcesOnlyA, sourcesOnlyB;
    std::vector<ThemePair> themes;         ///< in A's order
    std::vector<Unmatched> themesOnlyA, themesOnlyB;
    /// The normalised texts of the matched sources, by pair (A's and B's).
    std::vector<NormalizedText> textA, textB;
};

/// Matches A's sources and themes with B's. When `a` and `b` are the same
/// object (two coders in one project), everything matches itself.
/// Throws qdx::InputError when a mapping row names a theme that is not there,
/// is ambiguous, or maps a theme twice, or a theme tree is too deep (themeKeys).
Matching matchProjects(const Project& a, const Project& b, const std::vector<ThemeMappingRow>& mapping = {},
                       const std::string& nameA = "A", const std::string& nameB = "B");

/// Sources only: the text match of matchProjects (for merge).
void matchSources(const Project& a, const Project& b, Matching& m);

} // namespace qdx::team
