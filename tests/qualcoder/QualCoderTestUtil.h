#pragma once
// Helpers of the QualCoder tests: temporary folders, reading and writing
// projects, changing a written database by hand (to make a hostile one), and
// the codings of a project as the text each one covers.
#include "QualCoderReader.h"
#include "QualCoderWriter.h"

#include <map>
#include <string>
#include <tuple>
#include <vector>

namespace qctest {

/// $QDX_CORPUS, or empty.
std::string corpus();

/// A fresh temporary folder, removed with everything in it when it goes.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return _path; }
    std::string operator/(const std::string& name) const { return _path + "/" + name; }

private:
    std::string _path;
};

qdx::Project read(const std::string& path, qdx::Diagnostics& d, const qdx::qualcoder::ReadOptions& o = {});
void write(const qdx::Project& p, const std::string& folder, qdx::Diagnostics& d);
/// Runs SQL on the data.qda of a project folder.
void sql(const std::string& folder, const std::string& statements);
/// One integer a query returns.
long long sqlInt(const std::string& folder, const std::string& query);
/// Every file under a folder, by relative path, with its bytes.
std::map<std::string, std::string> snapshot(const std::string& folder);

/// (source name, theme path, text the span covers) of every coding, sorted; line
/// breaks as LF when `lf` (QualCoder's), so projects before and after compare.
using CodingText = std::tuple<std::string, std::string, std::string>;
std::vector<CodingText> codingTexts(const qdx::Project& p, bool lf);

/// How many diagnostics have this code.
std::size_t count(const qdx::Diagnostics& d, const std::string& code);
/// Every code of lossy and skipped diagnostics.
std::vector<std::string> lossCodes(const qdx::Diagnostics& d);

}  // namespace qctest
