// Round trips through QualCoder project folders: what the model keeps, what
// changes (and is reported), and that a QualCoder project read and written
// again is equal to itself.
#include "QualCoderTestUtil.h"

#include "common/Fixtures.h"
#include "qdx/Compare.h"
#include "qdx/Errors.h"
#include "qdx/Input.h"
#include "qdx/Text.h"
#include "qdx/Validate.h"
#include "qdx/Zip.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <set>

using namespace qdx;
using qctest::TempDir;

namespace {

const Excerpt* excerptWith(const Project& p, const std::string& sourceName, const std::string& kind) {
    for (const auto& e : p.excerpts)
        for (const auto& s : p.sources)
            if (normalizeId(s.id) == normalizeId(e.source) && s.name == sourceName && anchorTypeName(e.anchor) == kind) return &e;
    return nullptr;
}

const Source* sourceNamed(const Project& p, const std::string& name) {
    for (const auto& s : p.sources)
        if (s.name == name) return &s;
    return nullptr;
}

std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
}

std::string bytesOf(const Blob& b) {
    auto in = b.open();
    std::ostringstream s;
    s << in->rdbuf();
    return s.str();
}

}  // namespace

TEST_CASE("a project written as a QualCoder folder keeps its sources, codes and codings") {
    TempDir tmp;
    const Project original = test::richProject();
    Diagnostics wd, rd;
    std::string folder = tmp / "Rich project.qda";
    qctest::write(original, folder, wd);
    Project back = qctest::read(folder, rd);
    INFO("write: " << join(qctest::lossCodes(wd)));

    // The folder QualCoder makes: its four folders and the database.
    for (const char* d : {"documents", "images", "audio", "video"}) CHECK(std::filesystem::is_directory(folder + "/" + d));
    CHECK(qctest::sqlInt(folder, "select count(*) from project where databaseversion='v17'") == 1);
    CHECK(back.name == "Rich project");
    CHECK(back.description == original.description);

    // Themes: the same tree by name; the non-codable parent is a category.
    CHECK(test::themePathSet(back) == test::themePathSet(original));
    CHECK(qctest::sqlInt(folder, "select count(*) from code_cat where name='Macrosystem'") == 1);
    CHECK(qctest::sqlInt(folder, "select count(*) from code_name where color='#FF8800' and name='Tightening legislation'") == 1);

    // Text: line breaks as QualCoder shows them, codings on the same characters.
    const Source* s1 = sourceNamed(back, "USAID 2021");
    REQUIRE(s1);
    REQUIRE(s1->text);
    CHECK(*s1->text == u8"Line one\nZweite Zeile \U0001F600 here\nthird");
    // E1's two codings: two rows of the same span, with its memo (lossy.excerpt-split).
    std::set<std::string> e1Themes;
    for (const auto& e : back.excerpts) {
        if (e.description != "(USAID, 2021)" || e.codings.empty()) continue;
        REQUIRE(std::holds_alternative<TextSpan>(e.anchor));
        auto span = std::get<TextSpan>(e.anchor);
        CHECK(text::substrCodePoints(*s1->text, span.start, span.end) == text::substrCodePoints(*original.sources[0].text, 10, 26));
        for (const auto& c : e.codings) e1Themes.insert(themePath(back, c.theme).back());
    }
    CHECK(e1Themes == std::set<std::string>{"Tightening legislation", "Collaboration"});
    CHECK(qctest::count(wd, "lossy.excerpt-split") == 1);
    CHECK(qctest::count(wd, "lossy.line-endings") == 1);

    // Media: the PDF copied into documents/ with its bytes, its area on its page.
    const Source* pdf = sourceNamed(back, "Report.pdf");
    REQUIRE(pdf);
    CHECK(pdf->kind == SourceKind::Pdf);
    REQUIRE(pdf->content);
    CHECK(bytesOf(*pdf->content) == std::string("%PDF-1.4\n\0binary\xFF", 17));
    CHECK(std::filesystem::exists(folder + "/documents/Report.pdf"));
    const Excerpt* area = excerptWith(back, "Report.pdf", "pdf");
    REQUIRE(area);
    CHECK(std::get<PdfRegion>(area->anchor).x2 == 110);
    const Excerpt* photo = excerptWith(back, "Photo", "image");
    REQUIRE(photo);
    CHECK(std::get<ImageRegion>(photo->anchor).y2 == 40);
    const Excerpt* clip = excerptWith(back, "Clip", "time");
    REQUIRE(clip);
    CHECK(std::get<TimeSpan>(clip->anchor).end == 2500);

    // The transcript is QualCoder's: a text source of its own that the audio names.
    const Source* tr = sourceNamed(back, "Transcript");
    REQUIRE(tr);
    CHECK(tr->text == std::string("Hello there"));
    const Source* audio = sourceNamed(back, "Interview");
    REQUIRE(audio);
    REQUIRE(audio->ext.count("qualcoder:transcript"));
    CHECK(audio->ext.at("qualcoder:transcript").asString() == tr->id);
    const Excerpt* trx = excerptWith(back, "Transcript", "text");
    REQUIRE(trx);
    CHECK(trx->quote == std::string("Hello"));

    // Memos, cases, attributes.
    std::set<std::string> memoNames;
    for (const auto& m : back.memos) memoNames.insert(m.name);
    CHECK(memoNames == std::set<std::string>{"Method", "On legislation"});
    REQUIRE(back.cases.size() == 1);
    CHECK(back.cases[0].name == "Kazakhstan");
    CHECK(back.cases[0].sources.size() == 1);
    CHECK(back.cases[0].excerpts.size() == 1);
    std::set<std::string> attrNames;
    for (const auto& a : back.attributes) attrNames.insert(a.name);
    CHECK(attrNames == std::set<std::string>{"Year", "Year (case)", "Country", "Published"});

    // What changed is reported, code by code.
    std::set<std::string> losses;
    for (const auto& c : qctest::lossCodes(wd)) losses.insert(c);
    for (const char* c : {"lossy.id-renumbered", "lossy.line-endings", "lossy.transcript-as-source", "skipped.set", "lossy.memo-target",
                          "lossy.case-themes", "lossy.attribute-split", "lossy.attribute-type", "lossy.whole-source-excerpt",
                          "lossy.project-audit", "lossy.source-content-missing", "lossy.extension"})
        CHECK(losses.count(c) == 1);
    CHECK(qctest::count(rd, "offsets.quote-check") == 1);
    CHECK(qctest::count(rd, "lossy.offset-mismatch") == 0);
    Diagnostics problems;
    CHECK(validateProject(back, problems) == 0);
}

TEST_CASE("a QualCoder project read and written again is equal to itself") {
    TempDir tmp, tmp2;
    Diagnostics d0, d1, d2, d3;
    std::string first = tmp / "Rich project.qda", second = tmp2 / "Rich project.qda";
    qctest::write(test::richProject(), first, d0);
    Project a = qctest::read(first, d1);
    qctest::write(a, second, d2);
    Project b = qctest::read(second, d3);
    auto diffs = compareProjects(a, b);
    std::string listed;
    for (const auto& d : diffs) listed += d.path + ": " + d.left + " | " + d.right + "\n";
    INFO(listed);
    CHECK(diffs.empty());
    // Nothing is lost the second time but the file the first project lacked.
    CHECK(qctest::lossCodes(d2) == std::vector<std::string>{"lossy.source-content-missing"});
    // Row numbers are QualCoder's own and stay.
    CHECK(qctest::sqlInt(first, "select group_concat(cid) from code_name") == qctest::sqlInt(second, "select group_concat(cid) from code_name"));
}

TEST_CASE("a zip of a project folder, and its data.qda alone, read like the folder") {
    TempDir tmp;
    Diagnostics wd, rd, zd, fd;
    std::string folder = tmp / "Zipped.qda";
    qctest::write(test::richProject(), folder, wd);
    Project fromFolder = qctest::read(folder, rd);
    {
        ZipWriter z(tmp / "Zipped.qda.zip");
        for (const auto& [rel, bytes] : qctest::snapshot(folder))
            if (bytes != "(folder)") z.addBytes("Zipped.qda/" + rel, bytes);
        z.close();
    }
    Project fromZip = qctest::read(tmp / "Zipped.qda.zip", zd);
    auto diffs = compareProjects(fromFolder, fromZip);
    std::string listed;
    for (const auto& d : diffs) listed += d.path + ": " + d.left + " | " + d.right + "\n";
    INFO(listed);
    CHECK(diffs.empty());
    Project fromFile = qctest::read(folder + "/data.qda", fd);
    CHECK(compareProjects(fromFolder, fromFile).empty());
    CHECK(qualcoder::probeQualCoder(Input::fromFile(folder)) == 100);
    CHECK(qualcoder::probeQualCoder(Input::fromFile(tmp / "Zipped.qda.zip")) >= 80);
}

TEST_CASE("names QualCoder keeps unique are made unique, and SQL-looking names travel as text") {
    Project p;
    p.name = "Names";
    const std::string sqlish = "x'); DROP TABLE code_name; --";
    p.themes = {{"T1", "Same", "", "#112233", "", true, {}, {}},
                {"T2", "Same", "", "#445566", "", true, {}, {}},
                {"T3", sqlish, "", "#778899", "\"; DELETE FROM source; --", true, {}, {}}};
    Source s;
    s.id = "S1";
    s.name = "Robert'); DROP TABLE source;--";
    s.text = "one two three";
    p.sources = {s};
    Excerpt e;
    e.id = "E1";
    e.source = "S1";
    e.anchor = TextSpan{4, 7};
    e.codings = {Coding{"C1", "T3", "", "", {}}, Coding{"C2", "T2", "", "", {}}};
    p.excerpts = {e};
    p.cases = {{"K1", sqlish, "", {}, {}, {"S1"}, {}, {}}};
    TempDir tmp;
    Diagnostics wd, rd;
    qctest::write(p, tmp / "Names.qda", wd);
    Project back = qctest::read(tmp / "Names.qda", rd);
    std::set<std::string> names;
    for (const auto& t : back.themes) names.insert(t.name);
    CHECK(names == std::set<std::string>{"Same", "Same (2)", sqlish});
    bool reported = false;
    for (const auto& d : wd.all())
        if (d.code == "lossy.name-changed" && d.message.find("'Same (2)'") != std::string::npos && d.entityId == "T2") reported = true;
    CHECK(reported);
    CHECK(back.sources.at(0).name == s.name);
    CHECK(back.cases.at(0).name == sqlish);
    CHECK(qctest::sqlInt(tmp / "Names.qda", "select count(*) from code_name") == 3);
    auto texts = qctest::codingTexts(back, false);
    REQUIRE(texts.size() == 2);
    CHECK(std::get<2>(texts[0]) == "two");
}

TEST_CASE("line breaks become LF and every span keeps its characters") {
    Project p;
    Source s;
    s.id = "S1";
    s.name = "crlf";
    s.text = "ab\r\ncd\ref\r\n\r\ngh";
    p.sources = {s};
    p.themes = {{"T1", "code", "", "#000000", "", true, {}, {}}};
    auto ex = [](std::string id, std::int64_t a, std::int64_t b) {
        Excerpt e;
        e.id = std::move(id);
        e.source = "S1";
        e.anchor = TextSpan{a, b};
        e.codings = {Coding{"C" + e.id, "T1", "", "", {}}};
        return e;
    };
    p.excerpts = {ex("E1", 0, 2), ex("E2", 4, 9), ex("E3", 9, 15)};
    TempDir tmp;
    Diagnostics wd, rd;
    qctest::write(p, tmp / "crlf.qda", wd);
    Project back = qctest::read(tmp / "crlf.qda", rd);
    CHECK(back.sources[0].text == std::string("ab\ncd\nef\n\ngh"));
    CHECK(qctest::codingTexts(back, false) == qctest::codingTexts(p, true));
    CHECK(qctest::count(wd, "lossy.line-endings") == 1);
}

TEST_CASE("stored text is checked against its span, as the REFI reader checks quotes") {
    TempDir tmp;
    Diagnostics wd;
    std::string folder = tmp / "q.qda";
    qctest::write(test::richProject(), folder, wd);
    qctest::sql(folder, "update code_text set seltext = 'not the text' where ctid = (select min(ctid) from code_text)");
    Diagnostics rd;
    Project back = qctest::read(folder, rd);
    CHECK(qctest::count(rd, "offsets.quote-mismatch") == 1);
    CHECK(qctest::count(rd, "lossy.offset-mismatch") == 1);
    bool named = false;
    for (const auto& d : rd.all())
        if (d.code == "offsets.quote-mismatch") named = d.location.str().find("code_text[ctid=") != std::string::npos;
    CHECK(named);
    bool kept = false;
    for (const auto& e : back.excerpts) kept = kept || e.quote == std::string("not the text");
    CHECK(kept);
}

TEST_CASE("positions QualCoder's coding view recorded (UTF-16 units) are found by their stored text") {
    Project p;
    Source s;
    s.id = "S1";
    s.name = "emoji";
    s.text = u8"a\U0001F600b c\U0001F600 d";
    p.sources = {s};
    p.themes = {{"T1", "code", "", "#000000", "", true, {}, {}}};
    TempDir tmp;
    Diagnostics wd, rd;
    std::string folder = tmp / "emoji.qda";
    qctest::write(p, folder, wd);
    // What QualCoder's coding view stores for "c" + emoji and " d": Qt cursor positions.
    qctest::sql(folder, "insert into code_text (cid, fid, seltext, pos0, pos1, owner) select cid, 1, 'c' || char(128512), 5, 8, 'x' from code_name;"
                        "insert into code_text (cid, fid, seltext, pos0, pos1, owner) select cid, 1, ' d', 8, 10, 'y' from code_name;"
                        "insert into code_text (cid, fid, seltext, pos0, pos1, owner) select cid, 1, 'b', 2, 3, 'z' from code_name;");
    Project back = qctest::read(folder, rd);
    auto texts = qctest::codingTexts(back, false);
    std::set<std::string> quoted;
    for (const auto& t : texts) quoted.insert(std::get<2>(t));
    CHECK(quoted == std::set<std::string>{u8"c\U0001F600", " d", "b"});
    CHECK(qctest::count(rd, "qualcoder.qt-positions") == 1);
    CHECK(qctest::count(rd, "lossy.offset-mismatch") == 0);
}

TEST_CASE("Qt's paragraph separator in stored text stands for a line break") {
    Project p;
    Source s;
    s.id = "S1";
    s.name = "lines";
    s.text = "one\ntwo";
    p.sources = {s};
    p.themes = {{"T1", "code", "", "#000000", "", true, {}, {}}};
    TempDir tmp;
    Diagnostics wd, rd;
    std::string folder = tmp / "ps.qda";
    qctest::write(p, folder, wd);
    qctest::sql(folder, "insert into code_text (cid, fid, seltext, pos0, pos1, owner) select cid, 1, 'one' || char(8233) || 'two', 0, 7, 'x' from code_name");
    Project back = qctest::read(folder, rd);
    REQUIRE(back.excerpts.size() == 1);
    CHECK(back.excerpts[0].quote == std::string("one\ntwo"));
    CHECK(qctest::count(rd, "offsets.quote-check") == 1);
}

TEST_CASE("a text that begins with U+FEFF is read without it and written back with it") {
    Project p;
    Source s;
    s.id = "S1";
    s.name = "bom";
    s.text = "hello world";
    p.sources = {s};
    p.themes = {{"T1", "code", "", "#000000", "", true, {}, {}}};
    Excerpt e;
    e.id = "E1";
    e.source = "S1";
    e.anchor = TextSpan{6, 11};
    e.codings = {Coding{"C1", "T1", "", "", {}}};
    p.excerpts = {e};
    TempDir tmp, tmp2;
    Diagnostics wd, rd, wd2, rd2;
    std::string folder = tmp / "bom.qda";
    qctest::write(p, folder, wd);
    // As QualCoder's REFI import stores a text file that has a BOM: U+FEFF counted.
    qctest::sql(folder, "update source set fulltext = char(65279) || fulltext; update code_text set pos0 = pos0 + 1, pos1 = pos1 + 1");
    Project back = qctest::read(folder, rd);
    CHECK(back.sources[0].text == std::string("hello world"));
    CHECK(qctest::codingTexts(back, false) == qctest::codingTexts(p, false));
    CHECK(qctest::count(rd, "quirk.text-bom") == 1);
    qctest::write(back, tmp2 / "bom.qda", wd2);
    CHECK(qctest::sqlInt(tmp2 / "bom.qda", "select pos0 from code_text") == 7);
    CHECK(qctest::sqlInt(tmp2 / "bom.qda", "select unicode(fulltext) from source") == 0xFEFF);
}

TEST_CASE("a source known only by the quotes of its coded segments gets a text made of them") {
    // What a table of coded segments gives (MAXQDA, ATLAS.ti exports): no text, quoted segments.
    Project p;
    Source s;
    s.id = "S1";
    s.name = "interview";
    p.sources = {s};
    p.themes = {{"T1", "hope", "", "#000000", "", true, {}, {}}, {"T2", "fear", "", "#111111", "", true, {}, {}}};
    auto seg = [](std::string id, std::string quote, std::string theme) {
        Excerpt e;
        e.id = std::move(id);
        e.source = "S1";
        e.quote = std::move(quote);
        e.codings = {Coding{"C" + e.id, std::move(theme), "", "", {}}};
        return e;
    };
    p.excerpts = {seg("E1", "we will manage", "T1"), seg("E2", u8"nobody knows \U0001F61F", "T2"), seg("E3", "we will manage", "T2")};
    TempDir tmp;
    Diagnostics wd, rd;
    qctest::write(p, tmp / "segments.qda", wd);
    Project back = qctest::read(tmp / "segments.qda", rd);
    CHECK(back.sources.at(0).text == std::string(u8"we will manage\n\nnobody knows \U0001F61F"));
    std::vector<qctest::CodingText> want{{"interview", "fear", "we will manage"}, {"interview", "fear", u8"nobody knows \U0001F61F"},
                                         {"interview", "hope", "we will manage"}};
    std::sort(want.begin(), want.end());
    CHECK(qctest::codingTexts(back, false) == want);
    CHECK(qctest::count(wd, "lossy.text-from-quotes") == 1);
    CHECK(qctest::count(rd, "offsets.quote-check") == 1);
}
