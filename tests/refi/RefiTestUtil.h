#pragma once
// Helpers of the REFI-QDA tests.
#include "RefiReader.h"
#include "RefiWriter.h"

#include <string>

namespace refitest {

/// $QDX_CORPUS, or empty.
std::string corpus();
/// tests/refi/data/<name>
std::string data(const std::string& name);
/// A fresh temporary folder (removed at exit).
std::string tempDir();
/// Reads a file with the REFI reader.
qdx::Project read(const std::string& path, qdx::Diagnostics& d, const std::string& offsets = "auto", bool strict = false);

struct Counts {
    std::size_t text = 0, pdf = 0, picture = 0, audio = 0, video = 0;
    std::size_t textExcerpts = 0, pdfExcerpts = 0, imageExcerpts = 0, timeExcerpts = 0, transcriptExcerpts = 0, wholeSource = 0;
    std::size_t codings = 0, themes = 0, memos = 0, sets = 0, users = 0, cases = 0, attributes = 0;
    std::size_t transcripts = 0, syncPoints = 0;
};
Counts count(const qdx::Project& p);

}  // namespace refitest
