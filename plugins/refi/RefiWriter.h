#pragma once
/// Writes the canonical model as a REFI-QDA .qdpx archive (or a bare .qde)
/// and as a .qdc codebook.

#include "qdx/plugin/Format.h"

namespace qdx::refi {

struct WriteOptions {
    /// standard | nvivo | atlasti | maxqda | qualcoder: offset unit, line endings and BOM of text files.
    std::string target = "standard";
    bool codebook = false;       ///< write a .qdc codebook
    bool keepBasePath = false;   ///< write Project/@basePath (may hold a local path with a user name)
    std::string container = "auto";  ///< auto (by the path's suffix) | qdpx | qde
};

/// Writes `p` to `path`: a .qdc when opts.codebook, a bare .qde when the path
/// ends in ".qde", a .qdpx otherwise. Throws OutputError.
void writeRefi(const Project& p, const std::string& path, const WriteOptions& opts, Diagnostics& diag);

}  // namespace qdx::refi
