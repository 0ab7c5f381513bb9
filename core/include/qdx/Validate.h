#pragma once
/// Referential integrity of a project: unique ids, every reference resolves,
/// the theme tree has no cycle, text spans lie inside their source and match
/// their quoted text. Problems go to the sink as severity Fatal with code
/// "invalid.*", naming the entity id and its place.

#include "qdx/Diagnostics.h"
#include "qdx/Model.h"

namespace qdx {

/// Returns the number of problems found.
std::size_t validateProject(const Project& p, Diagnostics& diag);

} // namespace qdx
