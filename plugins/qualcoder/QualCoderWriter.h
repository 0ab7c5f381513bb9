#pragma once
/// Writes a QualCoder project folder: `NAME.qda/` with `data.qda` (database
/// version v17, every table QualCoder creates for a new project) and the
/// source files copied into documents/, images/, audio/ and video/.

#include "qdx/Diagnostics.h"
#include "qdx/Model.h"

#include <string>

namespace qdx::qualcoder {

/// Writes `p` as the project folder `folder` (which must not exist, or be an
/// empty folder). With `dryRun`, nothing is written: the database is built in
/// memory and no file is copied, and every loss is reported as it would be.
void writeQualCoder(const Project& p, const std::string& folder, Diagnostics& diag, bool dryRun = false);

} // namespace qdx::qualcoder
