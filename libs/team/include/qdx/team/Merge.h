#pragma once
/// Merging two coders' projects of the same documents, in any formats, into
/// one project where each coding keeps its coder.
///
/// - Sources are matched by their normalised text (Match.h); media sources
///   without text by kind, name and identical content. Offsets of B's
///   excerpts are mapped onto A's form of the text.
/// - Themes are matched by path; B's unmatched themes are added under their
///   (matched or added) parents.
/// - Users, attributes and cases are matched by name, sets by name, memos by
///   id or identical content; everything unmatched is added. Memberships and
///   attribute values are united.
/// - A coding without a user (neither on the coding nor on its excerpt) gets
///   the user named after its file (MergeInput::label).
/// - The same theme on the same span by the same coder is one coding.
/// - Conflicts are reported as diagnostics (Merge README: codes), never
///   resolved silently: A's value is kept and B's is kept beside it in the
///   entity's `ext["team:conflicts"]`; an entity of B whose id A uses for
///   another entity gets a new id.

#include "qdx/Diagnostics.h"
#include "qdx/Model.h"

#include <cstddef>
#include <string>

namespace qdx::team {

struct MergeInput {
    const Project* project = nullptr;
    std::string label;  ///< the user name for codings without a user (the file name without folder and suffix)
};

struct MergeOptions {
    /// Every coding is attributed to the user named after its file (the user
    /// it had is kept in the coding's ext["team:creator"]): for two files
    /// whose tools wrote the same user name for two people.
    bool codersFromFiles = false;
};

/// What the merge did, for people.
struct MergeSummary {
    std::size_t sourcesMatched = 0, sourcesAdded = 0;
    std::size_t themesMatched = 0, themesAdded = 0;
    std::size_t excerptsMatched = 0, excerptsAdded = 0;
    std::size_t codingsAdded = 0, codingsSame = 0;
    std::size_t usersAdded = 0, memosAdded = 0, casesAdded = 0, setsAdded = 0, attributesAdded = 0;
    std::size_t conflicts = 0;
};

struct MergeResult {
    Project project;
    MergeSummary summary;
};

/// Merges B into A. Diagnostics name each conflict. Throws qdx::InputError
/// when a source text cannot be normalised (invalid UTF-8).
MergeResult mergeProjects(const MergeInput& a, const MergeInput& b, const MergeOptions& options, Diagnostics& diag);

/// The label of a file for mergeProjects: its name without folder and suffix
/// ("interviews/coder-a.qdpx" -> "coder-a").
std::string fileLabel(const std::string& path);

} // namespace qdx::team
