#pragma once
/// Semantic comparison of two projects: ids compared normalised, entities
/// matched by id (not position), order ignored where it carries no meaning.

#include "qdx/Model.h"

#include <string>
#include <vector>

namespace qdx {

struct Difference {
    std::string path;  ///< e.g. "themes[3F2A…].color"
    std::string left;
    std::string right;
};

struct CompareOptions {
    bool ignoreExtensions = false;
    bool ignoreAudit = false;
    bool compareContent = true;  ///< compare blob bytes (streamed)
    std::size_t maxDifferences = 1000;
};

std::vector<Difference> compareProjects(const Project& a, const Project& b, const CompareOptions& opts = {});

} // namespace qdx
