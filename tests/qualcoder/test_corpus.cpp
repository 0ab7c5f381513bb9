// The REFI-QDA corpus through QualCoder folders: every NVivo project written as
// .qda puts every coding on the text it had in NVivo (the UTF-16 truth the REFI
// reader converts), and QualCoder's stored text (seltext) agrees with each span.
#include "QualCoderTestUtil.h"

#include "RefiReader.h"
#include "qdx/Input.h"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace qdx;
using qctest::TempDir;

namespace {

std::vector<std::string> corpusFiles(const std::string& folder) {
    std::vector<std::string> out;
    std::string root = qctest::corpus();
    if (root.empty() || !std::filesystem::is_directory(root + "/" + folder)) return out;
    for (const auto& e : std::filesystem::directory_iterator(root + "/" + folder)) {
        std::string ext = e.path().extension().string();
        if (e.is_regular_file() && (ext == ".qdpx" || ext == ".qde")) out.push_back(e.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace

TEST_CASE("NVivo projects written as QualCoder folders keep every coding on its text") {
    auto files = corpusFiles("refi/nvivo");
    if (files.empty()) {
        WARN("skipped: QDX_CORPUS is not set or has no refi/nvivo");
        return;
    }
    for (const auto& f : files) {
        INFO(f);
        Diagnostics rd, wd, qd;
        Project nvivo = refi::readRefi(Input::fromFile(f), refi::ReadOptions{}, rd);
        TempDir tmp;
        qctest::write(nvivo, tmp / "nvivo.qda", wd);
        Project back = qctest::read(tmp / "nvivo.qda", qd);
        auto want = qctest::codingTexts(nvivo, true), got = qctest::codingTexts(back, true);
        CHECK(got.size() == want.size());
        CHECK(got == want);
        CHECK(qctest::count(qd, "offsets.quote-check") == 1);
        CHECK(qctest::count(qd, "lossy.offset-mismatch") == 0);
        CHECK(qctest::count(wd, "skipped.excerpt-out-of-range") == 0);
        WARN(f.substr(f.find_last_of('/') + 1) << ": " << got.size() << " of " << want.size() << " codings on the same text through .qda");
    }
}

TEST_CASE("every REFI corpus project is written as a QualCoder folder and read back with its text codings") {
    std::vector<std::string> files;
    for (const char* d : {"refi/atlasti", "refi/maxqda", "refi/qc", "refi/transana", "refi/nvivo"})
        for (const auto& f : corpusFiles(d)) files.push_back(f);
    if (files.empty()) {
        WARN("skipped: QDX_CORPUS is not set");
        return;
    }
    for (const auto& f : files) {
        INFO(f);
        Diagnostics rd, wd, qd;
        Project in = refi::readRefi(Input::fromFile(f), refi::ReadOptions{}, rd);
        TempDir tmp;
        REQUIRE_NOTHROW(qctest::write(in, tmp / "p.qda", wd));
        Project back = qctest::read(tmp / "p.qda", qd);
        // Text codings: each one of the original is there, on the same text,
        // unless the writer reported it skipped.
        std::size_t skipped = wd.count(Severity::Skipped);
        std::vector<qctest::CodingText> want, got;
        for (const auto& c : qctest::codingTexts(in, true))
            if (std::get<2>(c).rfind("(", 0) != 0) want.push_back(c);
        for (const auto& c : qctest::codingTexts(back, true))
            if (std::get<2>(c).rfind("(", 0) != 0) got.push_back(c);
        std::vector<qctest::CodingText> missing;
        std::set_difference(want.begin(), want.end(), got.begin(), got.end(), std::back_inserter(missing));
        CHECK(missing.size() <= skipped);
        CHECK(back.themes.size() == in.themes.size());
        CHECK(qctest::count(qd, "lossy.offset-mismatch") == 0);
    }
}
