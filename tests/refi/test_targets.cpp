// What each export target writes for the tool that imports it (plugins/refi/README.md, "Export
// targets"), on a project built to meet every rule, and a bare .qde written as a .qdpx.
// QualCoder itself reads these files in tests/clients (clients.qualcoder_refi_corpus).
#include "RefiCommon.h"
#include "RefiTestUtil.h"

#include "qdx/Input.h"
#include "qdx/Text.h"
#include "qdx/Zip.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <regex>

using namespace refitest;

namespace {

const char* kText = "one\r\ntwo\rthree\n\xF0\x9D\x84\x9E four";  // CR LF, a lone CR, LF, U+1D11E

qdx::Excerpt span(const std::string& id, const std::string& source, std::int64_t s, std::int64_t e, const std::string& theme)
{
    qdx::Excerpt x;
    x.id = id;
    x.source = source;
    x.anchor = qdx::TextSpan{s, e};
    x.codings.push_back({id + "-c", theme, {}, {}, {}});
    return x;
}

/// A project that meets each of QualCoder's rules once: an ATLAS.ti origin, repeated code,
/// category and source names, a nameless source and user, a picture selection and a note
/// without a date, a video with two transcripts (the first without a name) and a relative
/// path, a coding of a whole source, a text with every kind of line end.
qdx::Project rulesProject()
{
    qdx::Project p;
    p.name = "rules";
    p.origin = "ATLAS.ti 9.1.0 (Windows)";
    p.audit.created = "2019-01-01T00:00:00Z";
    p.users = {{"00000000-0000-4000-8000-0000000000AA", "", {}}};
    p.themes = {{"T1", "A", "", "", "", true, {}, {}}, {"T2", "Group", "", "", "", false, {}, {}},
                {"T3", "A", "T2", "", "", true, {}, {}}, {"T4", "A (2)", "", "", "", true, {}, {}},
                {"T5", "Group", "T2", "", "", false, {}, {}}};
    qdx::Source text;
    text.id = "S1";
    text.name = "report.pdf";
    text.text = kText;
    qdx::Source pdf;
    pdf.id = "S2";
    pdf.name = "report";  // QualCoder calls it "report.pdf" too
    pdf.kind = qdx::SourceKind::Pdf;
    pdf.text = "pdf text";
    qdx::Source pic;
    pic.id = "S3";
    pic.kind = qdx::SourceKind::Picture;
    pic.path = "internal://AAAA0000-0000-4000-8000-000000000003.png";
    pic.audit.created = "2020-02-02T02:02:02Z";
    qdx::Source video;
    video.id = "S4";
    video.name = "clip.mp4";
    video.kind = qdx::SourceKind::Video;
    video.path = "relative:///clip.mp4";
    video.audit.modified = "2021-03-03T03:03:03Z";
    video.transcripts = {{"R1", "", "hello there", {}, {}, {}}, {"R2", "second", "x", {{"P1", 0, 0, {}}, {"P2", 10, 1, {}}}, {}, {}}};
    p.sources = {text, pdf, pic, video};
    p.excerpts = {span("E1", "S1", 5, 8, "T1"), span("E2", "S1", 9, 14, "T3"), span("E3", "S1", 15, 21, "T4")};
    qdx::Excerpt region;
    region.id = "E4";
    region.source = "S3";
    region.anchor = qdx::ImageRegion{1, 2, 30, 40};
    region.codings.push_back({"E4-c", "T1", {}, {}, {}});
    qdx::Excerpt whole;
    whole.id = "E5";
    whole.source = "S1";
    whole.codings.push_back({"E5-c", "T4", {}, {}, {}});
    qdx::Excerpt inSecond;
    inSecond.id = "E6";
    inSecond.source = "S4";
    inSecond.anchor = qdx::TranscriptSpan("R2", "P1", "P2");
    inSecond.codings.push_back({"E6-c", "T1", {}, {}, {}});
    p.excerpts.push_back(region);
    p.excerpts.push_back(whole);
    p.excerpts.push_back(inSecond);
    qdx::Memo m;
    m.id = "M1";
    m.name = "note";
    m.text = "a note\r\non the text";
    m.targets = {"S1"};
    qdx::Memo twin = m;  // the same name; and one without a name
    twin.id = "M2";
    twin.targets.clear();
    qdx::Memo nameless;
    nameless.id = "M3";
    nameless.text = "no name";
    p.memos = {m, twin, nameless};
    return p;
}

struct Written {
    std::string xml;
    std::map<std::string, std::string> files;
    qdx::Diagnostics d;
};

Written write(const qdx::Project& p, const std::string& target, const std::string& path)
{
    Written out;
    qdx::refi::WriteOptions wo;
    wo.target = target;
    qdx::refi::writeRefi(p, path, wo, out.d);
    auto zip = qdx::ZipReader::open(qdx::Input::fromFile(path));
    for (const auto& e : zip->entries()) out.files[e.name] = zip->read(e, 1 << 20);
    out.xml = out.files["project.qde"];
    return out;
}

std::size_t occurrences(const std::string& s, const std::string& what)
{
    std::size_t n = 0;
    for (auto at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

std::string txtOf(const Written& w, const std::string& sourceGuid)
{
    std::smatch m;
    std::regex re("guid=\"" + sourceGuid + "\"[^>]*plainTextPath=\"internal://([^\"]+)\"");
    if (!std::regex_search(w.xml, m, re)) return "(no plainTextPath)";
    return w.files.at("sources/" + m[1].str());
}

}  // namespace

/// The project of the test below, for the XSD check of refi.xsd ([.export] writes it too).
void writeRulesProject(const std::string& dir)
{
    qdx::Diagnostics d;
    qdx::refi::WriteOptions wo;
    for (const char* target : {"standard", "qualcoder", "maxqda"}) {
        wo.target = target;
        qdx::refi::writeRefi(rulesProject(), dir + "/qualcoder-rules." + target + ".qdpx", wo, d);
    }
}

TEST_CASE("refi: the qualcoder target writes what QualCoder's import reads", "[targets]")
{
    std::string dir = tempDir();
    qdx::Project p = rulesProject();
    Written w = write(p, "qualcoder", dir + "/qc.qdpx");
    const std::string g1 = qdx::refi::derivedUuid("id:source:S1");

    SECTION("text: UTF-8 without a BOM, every line end an LF, offsets in code points over it")
    {
        CHECK(txtOf(w, g1) == "one\ntwo\nthree\n\xF0\x9D\x84\x9E four");
        qdx::Diagnostics d;
        qdx::Project b = read(dir + "/qc.qdpx", d);
        auto textOf = [&](const std::string& id) {
            for (const auto& e : b.excerpts)
                if (e.id == qdx::refi::derivedUuid("id:excerpt:" + id)) {
                    const auto& sp = std::get<qdx::TextSpan>(e.anchor);
                    return qdx::text::substrCodePoints(*b.sources[0].text, sp.start, sp.end);
                }
            return std::string("(missing)");
        };
        CHECK(textOf("E1") == "two");
        CHECK(textOf("E2") == "three");
        CHECK(textOf("E3") == "\xF0\x9D\x84\x9E four");
    }
    SECTION("the origin does not name ATLAS.ti (QualCoder would count a CR LF once)")
    {
        CHECK(w.xml.find("origin=\"qdx 0.1 target=qualcoder\"") != std::string::npos);
        CHECK(w.xml.find("ATLAS") == std::string::npos);
        CHECK(w.d.countCode("lossy.project-origin") == 1);
    }
    SECTION("one code, one category and one source per name")
    {
        CHECK(occurrences(w.xml, "name=\"A\"") == 1);
        CHECK(occurrences(w.xml, "name=\"A (2)\"") == 1);  // T4's own name, kept
        CHECK(occurrences(w.xml, "name=\"A (3)\"") == 1);  // T3 moved past it
        CHECK(occurrences(w.xml, "name=\"Group\"") == 1);
        CHECK(occurrences(w.xml, "name=\"Group (2)\"") == 1);
        CHECK(w.d.countCode("lossy.theme-renamed") == 1);
        CHECK(w.xml.find("name=\"report.pdf\"") != std::string::npos);
        CHECK(w.xml.find("name=\"report (2)\"") != std::string::npos);  // a PDF QualCoder calls "report.pdf"
        CHECK(std::regex_search(w.xml, std::regex("<PDFSource [^>]*path=\"relative:///report \\(2\\)\"")));
        CHECK(w.d.countCode("lossy.source-renamed") == 1);
    }
    SECTION("names and dates QualCoder needs, a basePath for the relative video, one transcript")
    {
        CHECK(std::regex_search(w.xml, std::regex("<PictureSource [^>]*name=\"AAAA0000-0000-4000-8000-000000000003.png\"")));
        CHECK(std::regex_search(w.xml, std::regex("<User [^>]*name=\"user 00000000\"")));
        CHECK(std::regex_search(w.xml, std::regex("<PictureSelection [^>]*name=\"\"[^>]*creationDateTime=\"2020-02-02T02:02:02Z\"")));
        CHECK(std::regex_search(w.xml, std::regex("<Note [^>]*creationDateTime=\"2019-01-01T00:00:00Z\"")));
        CHECK(std::regex_search(w.xml, std::regex("<Transcript [^>]*name=\"clip.mp4.txt\"[^>]*creationDateTime=\"2021-03-03T03:03:03Z\"")));
        CHECK(occurrences(w.xml, "<Transcript ") == 1);
        CHECK(w.xml.find("TranscriptSelection") == std::string::npos);
        CHECK(w.d.countCode("lossy.transcript-dropped") == 1);
        CHECK(std::regex_search(w.xml, std::regex("<Project [^>]*basePath=\"\"")));
        CHECK(w.d.countCode("refi.basepath-empty") == 1);
        CHECK(w.d.countCode("lossy.date-supplied") == 1);
        CHECK(w.d.countCode("lossy.name-supplied") == 1);
        CHECK(w.d.countCode("lossy.whole-source-coding") == 1);
    }
    SECTION("notes: unique names, the text in a file, no NoteRef from the text source")
    {
        CHECK(txtOf(w, qdx::refi::derivedUuid("id:memo:M1")) == "a note\non the text");
        CHECK(std::regex_search(w.xml, std::regex("<Note [^>]*name=\"note \\(2\\)\"")));
        CHECK(std::regex_search(w.xml, std::regex("<Note [^>]*name=\"note 3\"")));
        CHECK(w.xml.find("PlainTextContent") == std::string::npos);
        CHECK(w.xml.find("<NoteRef") == std::string::npos);
        CHECK(w.d.countCode("lossy.note-renamed") == 1);
        CHECK(w.d.countCode("lossy.note-attachment") == 1);
    }
}

TEST_CASE("refi: the other targets keep what QualCoder's rules change", "[targets]")
{
    std::string dir = tempDir();
    qdx::Project p = rulesProject();
    const std::string g1 = qdx::refi::derivedUuid("id:source:S1");
    Written st = write(p, "standard", dir + "/st.qdpx");
    CHECK(txtOf(st, g1) == kText);  // line ends as stored, no BOM
    CHECK(st.xml.find("; was: ATLAS.ti 9.1.0 (Windows)") != std::string::npos);
    CHECK(occurrences(st.xml, "name=\"A\"") == 2);
    CHECK(occurrences(st.xml, "<Transcript ") == 2);
    CHECK(st.xml.find("basePath") == std::string::npos);
    CHECK(st.d.countCode("lossy.theme-renamed") == 0);
    CHECK(st.d.countCode("lossy.date-supplied") == 0);
    CHECK(st.xml.find("<NoteRef targetGUID=\"" + qdx::refi::derivedUuid("id:memo:M1") + "\"/>") != std::string::npos);
    CHECK(st.xml.find("<PlainTextContent>a note") != std::string::npos);

    Written nv = write(p, "nvivo", dir + "/nv.qdpx");
    CHECK(txtOf(nv, g1) == std::string("\xEF\xBB\xBF") + "one\r\ntwo\rthree\r\n\xF0\x9D\x84\x9E four");
    // UTF-16 units over the text as written: U+1D11E is two, the BOM none
    CHECK(std::regex_search(nv.xml, std::regex("startPosition=\"16\" endPosition=\"23\"")));

    Written mx = write(p, "maxqda", dir + "/mx.qdpx");
    CHECK(txtOf(mx, g1) == "one\ntwo\nthree\n\xF0\x9D\x84\x9E four");  // LF, as MAXQDA 24 writes
    CHECK(std::regex_search(mx.xml, std::regex("startPosition=\"14\" endPosition=\"20\"")));

    Written at = write(p, "atlasti", dir + "/at.qdpx");
    CHECK(txtOf(at, g1) == "one\r\ntwo\rthree\r\n\xF0\x9D\x84\x9E four");
    CHECK(std::regex_search(at.xml, std::regex("startPosition=\"14\" endPosition=\"20\"")));  // a CR LF counted once
}

TEST_CASE("refi: a bare .qde written as a .qdpx names only files the archive holds", "[targets][bare]")
{
    // ATLAS.ti's and Transana's bare .qde name a .txt and a .docx that are not there. Written
    // as read, the richTextPath sent readers to nothing and the TextSource had no plainTextPath
    // (QualCoder's import stopped at it). Now: an empty text, reported, and read back as a
    // source without text whose selection keeps its offsets.
    std::string dir = tempDir();
    std::string qde = dir + "/bare.qde";
    std::ofstream(qde) << "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                          "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"b\" origin=\"ATLAS.ti 8.4.0\">"
                          "<CodeBook><Codes><Code guid=\"C0000000-0000-4000-8000-000000000001\" name=\"c\" isCodable=\"true\"/></Codes></CodeBook>"
                          "<Sources><TextSource guid=\"C0000000-0000-4000-8000-000000000002\" name=\"doc\" "
                          "plainTextPath=\"internal://C0000000-0000-4000-8000-000000000003.txt\" "
                          "richTextPath=\"internal://C0000000-0000-4000-8000-000000000004.docx\">"
                          "<PlainTextSelection guid=\"C0000000-0000-4000-8000-000000000005\" startPosition=\"62\" endPosition=\"69\">"
                          "<Coding guid=\"C0000000-0000-4000-8000-000000000006\"><CodeRef targetGUID=\"C0000000-0000-4000-8000-000000000001\"/></Coding>"
                          "</PlainTextSelection></TextSource></Sources></Project>";
    qdx::Diagnostics d1;
    qdx::Project a = read(qde, d1);
    for (const char* target : {"standard", "qualcoder"}) {
        INFO(target);
        Written w = write(a, target, dir + "/bare." + target + ".qdpx");
        // every internal path names a member of the archive
        std::regex path("internal://([^\"]+)\"");
        std::size_t paths = 0;
        for (auto it = std::sregex_iterator(w.xml.begin(), w.xml.end(), path); it != std::sregex_iterator(); ++it, ++paths)
            CHECK(w.files.count("sources/" + (*it)[1].str()) == 1);
        CHECK(paths == 1);
        CHECK(w.xml.find("richTextPath") == std::string::npos);
        CHECK(txtOf(w, "C0000000-0000-4000-8000-000000000002").empty());
        CHECK(w.d.countCode("lossy.source-text-missing") == 1);
        CHECK(w.d.countCode("lossy.source-content-missing") == 1);

        qdx::Diagnostics d2;
        qdx::Project b = read(dir + "/bare." + target + ".qdpx", d2);
        REQUIRE(b.excerpts.size() == 1);
        CHECK(!b.sources[0].text);  // an empty file: a source without text, as before
        CHECK(b.excerpts[0].ext.count("refi:rawOffsets") == 1);
        CHECK(std::get<qdx::TextSpan>(b.excerpts[0].anchor).start == 62);
        CHECK(std::get<qdx::TextSpan>(b.excerpts[0].anchor).end == 69);
        CHECK(d2.countCode("refi.text-empty") == 1);
        CHECK(d2.count(qdx::Severity::Skipped) == 0);
    }
}
