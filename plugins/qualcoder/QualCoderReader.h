#pragma once
/// Reads QualCoder projects: a folder `NAME.qda/` (its SQLite database
/// `data.qda` and the files in documents/, images/, audio/ and video/), a
/// zip of such a folder, or a bare `data.qda`.

#include "Sqlite.h"

#include "qdx/Diagnostics.h"
#include "qdx/Input.h"
#include "qdx/Model.h"
#include "qdx/Zip.h"

namespace qdx::qualcoder {

struct ReadOptions {
    DbLimits db;
    ZipLimits zip;
    std::uint64_t maxDatabaseBytes = 4ull << 30;  ///< a data.qda read into memory (from a zip or stdin)
};

/// 0..100: a folder holding data.qda, a SQLite file, or a zip holding */data.qda.
int probeQualCoder(const Input& in) noexcept;

Project readQualCoder(const Input& in, const ReadOptions& opts, Diagnostics& diag);

} // namespace qdx::qualcoder
