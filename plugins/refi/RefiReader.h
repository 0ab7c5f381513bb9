#pragma once

#include "qdx/Xml.h"
#include "qdx/Zip.h"
/// Reads REFI-QDA .qdpx archives, bare .qde projects and .qdc codebooks
/// into the canonical model (see README.md for the mapping).

#include "qdx/plugin/Format.h"

namespace qdx::refi {

/// Options of the reader.
struct ReadOptions {
    std::string offsets = "auto";  ///< auto | nvivo | atlasti | codepoints
    bool strict = false;           ///< quirk.* diagnostics become errors
    ZipLimits zip;                 ///< budgets of the .qdpx container
    XmlLimits xml;                 ///< depth and size of the project XML
};

/// How likely `in` is REFI-QDA: 0..100. `codebook` true asks for .qdc, false for .qdpx/.qde.
int probeRefi(const Input& in, bool codebook) noexcept;

/// Reads a .qdpx, .qde or .qdc. Throws InputError on malformed or hostile input.
Project readRefi(const Input& in, const ReadOptions& opts, Diagnostics& diag);

}  // namespace qdx::refi
