#pragma once
/// The safety limits every container-based importer shares, as `-o` options
/// with safe defaults (docs/limits.md), so that a user can raise one for a
/// file they trust without rebuilding anything.

#include "qdx/Xml.h"
#include "qdx/Zip.h"
#include "qdx/plugin/Format.h"

#include <vector>

namespace qdx {

/// Read options: max-entries, max-entry-mb, max-total-mb, max-ratio (zip) and
/// max-depth (XML). Add them to a FormatInfo's options.
std::vector<OptionSpec> limitOptions(bool zip, bool xml);
/// ZipLimits from those options (defaults where absent).
ZipLimits zipLimits(const Options& o);
/// XmlLimits from those options (defaults where absent).
XmlLimits xmlLimits(const Options& o);

} // namespace qdx
