// The synthetic look-alikes of real-tool quirks (tests/refi/data, made by make_data.py).
#include "RefiTestUtil.h"

#include "qdx/Text.h"
#include "qdx/Validate.h"

#include <catch2/catch.hpp>

#include <fstream>

using namespace refitest;
using qdx::text::substrCodePoints;

namespace {

const qdx::Excerpt* excerpt(const qdx::Project& p, const std::string& id)
{
    for (const auto& e : p.excerpts)
        if (qdx::normalizeId(e.id) == qdx::normalizeId(id)) return &e;
    return nullptr;
}
const qdx::Source* source(const qdx::Project& p, const std::string& id)
{
    for (const auto& s : p.sources)
        if (qdx::normalizeId(s.id) == qdx::normalizeId(id)) return &s;
    return nullptr;
}
std::string spanText(const qdx::Project& p, const qdx::Excerpt& e)
{
    const auto& sp = std::get<qdx::TextSpan>(e.anchor);
    return substrCodePoints(*source(p, e.source)->text, sp.start, sp.end);
}

}  // namespace

TEST_CASE("refi quirks: NVivo for Windows look-alike", "[quirks]")
{
    qdx::Diagnostics d;
    qdx::Project p = read(data("nvivo-like.qdpx"), d);
    REQUIRE(p.sources.size() == 1);
    const qdx::Source& s = p.sources[0];
    REQUIRE(s.text);
    CHECK(s.text->rfind("Hello", 0) == 0);              // BOM removed
    CHECK(s.text->find("\r\n") != std::string::npos);   // line endings as stored
    REQUIRE(s.content);
    CHECK(s.mediaType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    REQUIRE(p.excerpts.size() == 3);
    CHECK(spanText(p, p.excerpts[0]) == "world");   // after an emoji: UTF-16 units converted
    CHECK(spanText(p, p.excerpts[1]) == "Second");  // after a CRLF
    CHECK(spanText(p, p.excerpts[2]) == "end");
    CHECK(p.themes[1].parent == p.themes[0].id);
    CHECK(p.excerpts[0].description.empty());        // <Description /> = absent
    CHECK(d.countCode("quirk.sources-folder-case") == 1);
    CHECK(d.countCode("quirk.empty-description") == 1);

    // read as code points the spans shift: the check sees it
    qdx::Diagnostics w;
    qdx::Project q = read(data("nvivo-like.qdpx"), w, "codepoints");
    CHECK(spanText(q, q.excerpts[0]) != "world");

    // strict mode refuses the deviations
    qdx::Diagnostics st;
    CHECK_THROWS_AS(read(data("nvivo-like.qdpx"), st, "auto", true), qdx::InputError);
}

TEST_CASE("refi quirks: ATLAS.ti look-alike", "[quirks]")
{
    qdx::Diagnostics d;
    qdx::Project p = read(data("atlasti-like.qdpx"), d);
    CHECK(d.countCode("quirk.qde-name") == 1);
    const qdx::Excerpt* a = excerpt(p, "CCCC0000-0000-4000-8000-000000000001");
    REQUIRE(a);
    CHECK(spanText(p, *a) == "Second line here");  // CRLF counted once
    const qdx::Excerpt* comment = excerpt(p, "CCCC0000-0000-4000-8000-000000000002");
    REQUIRE(comment);
    CHECK(spanText(p, *comment) == "Third \xC3\xA9t\xC3\xA9 line");
    CHECK(comment->codings.empty());
    CHECK(comment->description == "only a comment");
    // duplicate GUID: the area selection keeps it, the text selection gets a derived id
    const qdx::Excerpt* area = excerpt(p, "CCCC0000-0000-4000-8000-000000000003");
    REQUIRE(area);
    CHECK(std::holds_alternative<qdx::PdfRegion>(area->anchor));
    REQUIRE(area->quote);
    CHECK(*area->quote == "Granola");
    std::size_t derived = 0;
    for (const auto& e : p.excerpts)
        if (e.ext.count("refi:guid")) {
            ++derived;
            CHECK(e.ext.at("refi:guid").asString() == "CCCC0000-0000-4000-8000-000000000003");
            CHECK(spanText(p, e) == "Granola");
        }
    CHECK(derived == 1);
    CHECK(d.countCode("quirk.duplicate-guid") == 1);
    // quotation names were checked against the converted spans
    bool checked = false;
    for (const auto& x : d.all()) checked = checked || (x.code == "offsets.quote-check" && x.message.rfind("4 of 4", 0) == 0);
    CHECK(checked);
    // media outside the archive: reference kept, content not read
    const qdx::Source* video = source(p, "BBBB0000-0000-4000-8000-000000000003");
    REQUIRE(video);
    CHECK(!video->content);
    CHECK(video->path == "relative:///EEEE0000-0000-4000-8000-000000000001.mp4");
    CHECK(d.countCode("skipped.source-external") == 1);
    CHECK(p.basePath == "/Users/someone/Media");
    // zero-length quotation kept and reported
    CHECK(excerpt(p, "CCCC0000-0000-4000-8000-000000000005"));
    CHECK(d.countCode("quirk.zero-length-selection") == 1);
    // the memo linked to the video quotation is attached to it; link and graph kept
    REQUIRE(p.memos.size() == 1);
    REQUIRE(p.memos[0].targets.size() == 1);
    CHECK(p.memos[0].targets[0] == "CCCC0000-0000-4000-8000-000000000004");
    CHECK(p.ext.at("refi:links").asArray().size() == 1);
    CHECK(p.ext.at("refi:graphs").asArray().size() == 1);
    // sets: an attribute-like set and an empty one
    REQUIRE(p.sets.size() == 2);
    CHECK(p.sets[0].name == "gender: male");
    CHECK(p.sets[1].name == "<3");
    CHECK(p.sets[1].sources.empty());
    CHECK(p.themes[0].color == "#F00082");
}

TEST_CASE("refi quirks: qc look-alike", "[quirks]")
{
    qdx::Diagnostics d;
    qdx::Project p = read(data("qc-like.qdpx"), d);
    REQUIRE(p.sources.size() == 1);
    CHECK(p.sources[0].name == "notes_2017.txt");  // nameless TextSource named after its file
    REQUIRE(p.excerpts.size() == 1);
    CHECK(spanText(p, p.excerpts[0]) == "line two\n");  // line-granular, end after the LF
    CHECK(p.excerpts[0].codings.size() == 2);
    CHECK(d.countCode("quirk.path-without-scheme") == 1);
    CHECK(d.countCode("quirk.source-without-name") == 1);
}

TEST_CASE("refi quirks: Transana look-alike", "[quirks]")
{
    qdx::Diagnostics d;
    qdx::Project p = read(data("transana-like.qde"), d);
    CHECK(d.countCode("quirk.namespace") == 1);
    CHECK(d.countCode("quirk.member-guid-attribute") == 1);
    CHECK(d.countCode("quirk.member-note-text") == 1);
    CHECK(d.countCode("quirk.unknown-attribute") == 1);
    CHECK(d.countCode("quirk.inverted-rectangle") == 1);
    CHECK(d.countCode("refi.date-floating") == 1);
    REQUIRE(p.sets.size() == 1);
    CHECK(p.sets[0].sources == std::vector<std::string>{"361bcdb8-7d11-4343-a4cd-4130693eff76"});
    CHECK(p.sets[0].memos == std::vector<std::string>{"075c0cb6-9519-4952-a30a-e20f0429d01d"});
    CHECK(p.sets[0].ext.at("refi:attributes").find("creatingUser"));
    const qdx::Excerpt* pic = excerpt(p, "7fb68ff9-a352-4fe4-989c-a394105b8e6b");
    REQUIRE(pic);
    CHECK(std::get<qdx::ImageRegion>(pic->anchor).y1 == 186);  // kept as read
    // the Coding directly under the picture source codes the whole source
    std::size_t whole = 0;
    for (const auto& e : p.excerpts) whole += std::holds_alternative<std::monostate>(e.anchor) ? 1 : 0;
    CHECK(whole == 1);
    const qdx::Source* v = source(p, "2ed3777f-f0b6-448d-b9c5-6a1c4ae5f9d3");
    REQUIRE(v);
    REQUIRE(v->transcripts.size() == 1);
    CHECK(v->transcripts[0].text == "Hi there. Bye now.");
    CHECK(v->transcripts[0].syncPoints.size() == 2);
    CHECK(v->path == "absolute://E:/Data/Video/Demo.mpg");
    const qdx::Excerpt* clip = excerpt(p, "ecdbd559-e5d2-45b4-bb60-54e2530de054");
    REQUIRE(clip);
    CHECK(std::get<qdx::TranscriptSpan>(clip->anchor).transcript() == "b0d88436-fb9d-49e8-93be-12293ee8d808");
    REQUIRE(p.memos.size() == 1);
    CHECK(p.memos[0].targets == std::vector<std::string>{"b0d88436-fb9d-49e8-93be-12293ee8d808"});
}

TEST_CASE("refi quirks: codebook look-alike", "[quirks]")
{
    qdx::Diagnostics d;
    qdx::Project p = read(data("codebook-like.qdc"), d);
    REQUIRE(p.themes.size() == 4);
    CHECK(p.themes[0].id == "{5215cc69-b628-4e02-afb9-9beeaee55808}");  // GUIDs as read
    CHECK_FALSE(p.themes[0].codable);
    CHECK(p.themes[1].codable);  // isCodable="1"
    CHECK(p.themes[1].color == "#FFFF00");
    CHECK(p.themes[1].description == "jobs & taxes");
    CHECK(p.themes[2].parent == p.themes[1].id);
    CHECK(p.themes[2].name == "xsd:element name");
    CHECK(p.themes[2].color == "#FF0000");  // 8 digits: alpha dropped
    CHECK(p.themes[3].color == "#0000FF");  // rgb()
    CHECK(d.countCode("lossy.theme-colour") == 1);
    CHECK(d.countCode("quirk.colour") == 1);
    CHECK(d.countCode("quirk.namespace") == 1);
    CHECK(p.origin == "Some tool 1.0");
}

TEST_CASE("refi quirks: MAXQDA look-alike, variables, cases, bad spans", "[quirks]")
{
    qdx::Diagnostics d;
    qdx::Project p = read(data("maxqda-like.qdpx"), d);
    REQUIRE(p.attributes.size() == 2);
    CHECK(p.attributes[0].type == qdx::AttributeType::Integer);
    CHECK(p.attributes[1].description == "signed");
    REQUIRE(p.cases.size() == 1);
    CHECK(p.cases[0].name.empty());
    CHECK(p.cases[0].values.size() == 1);
    CHECK(p.cases[0].values[0].value == "67");
    CHECK(p.cases[0].sources.size() == 1);
    REQUIRE(p.sources.size() == 1);
    REQUIRE(p.sources[0].values.size() == 1);
    CHECK(p.sources[0].values[0].value == "true");  // BooleanValue 1
    REQUIRE(p.excerpts.size() == 1);                // out-of-range and inverted spans skipped
    CHECK(spanText(p, p.excerpts[0]) == "yes");
    CHECK(p.excerpts[0].description == "a segment comment");
    CHECK(d.countCode("skipped.excerpt-out-of-range") == 1);
    CHECK(d.countCode("skipped.excerpt-inverted") == 1);
    CHECK(p.sets.size() == 1);
    CHECK(p.themes[0].color == "#EF8256");
}

TEST_CASE("refi: hostile and broken containers are clear errors", "[quirks][hostile]")
{
    qdx::Diagnostics d;
    CHECK_THROWS_AS(read(data("doctype.qde"), d), qdx::InputError);
    try {
        read(data("two-qde.qdpx"), d);
        FAIL("no error");
    } catch (const qdx::InputError& e) {
        CHECK(std::string(e.what()).find("a.qde, b.qde") != std::string::npos);
    }
    CHECK_THROWS_AS(read(data("no-qde.qdpx"), d), qdx::InputError);
    qdx::Input junk = qdx::Input::fromMemory("<html><body>no</body></html>", "x.qde");
    CHECK_THROWS_AS(qdx::refi::readRefi(junk, {}, d), qdx::InputError);
}

TEST_CASE("refi: probe", "[probe]")
{
    using qdx::refi::probeRefi;
    CHECK(probeRefi(qdx::Input::fromFile(data("nvivo-like.qdpx")), false) >= 90);
    CHECK(probeRefi(qdx::Input::fromFile(data("maxqda-like.qdpx")), false) >= 90);  // project.qde is the last member
    CHECK(probeRefi(qdx::Input::fromFile(data("qc-like.qdpx")), false) >= 90);       // no XML declaration
    CHECK(probeRefi(qdx::Input::fromFile(data("transana-like.qde")), false) == 100);
    CHECK(probeRefi(qdx::Input::fromFile(data("codebook-like.qdc")), true) == 100);
    CHECK(probeRefi(qdx::Input::fromFile(data("codebook-like.qdc")), false) < 100);
    CHECK(probeRefi(qdx::Input::fromFile(data("nvivo-like.qdpx")), true) == 0);
    CHECK(probeRefi(qdx::Input::fromFile(data("no-qde.qdpx")), false) == 0);
    CHECK(probeRefi(qdx::Input::fromMemory("{\"qdx\": \"1.0\"}", "a.json"), false) == 0);
    CHECK(probeRefi(qdx::Input::fromMemory("PK\x03\x04garbage", "a.qdpx"), false) <= 20);
    CHECK(probeRefi(qdx::Input::fromMemory("", "empty"), false) == 0);
}

TEST_CASE("refi: references to users and codes are resolved as read, dangling ones reported", "[quirks]")
{
    // Users and the CodeBook precede the Sources, so the reader resolves a coding's
    // code and user while parsing; one dangling reference must not change how the
    // others resolve, and must be reported once per reference as before.
    const std::string user = "AAAAAAAA-0000-4000-8000-000000000001";
    const std::string code = "CCCCCCCC-0000-4000-8000-000000000001";
    auto sel = [](int n, const std::string& who, const std::string& coder, const std::string& target) {
        std::string g = "E000000" + std::to_string(n) + "-0000-4000-8000-000000000001";
        std::string k = "F000000" + std::to_string(n) + "-0000-4000-8000-000000000001";
        return "<PlainTextSelection guid=\"" + g + "\" startPosition=\"0\" endPosition=\"5\" creatingUser=\"" + who +
               "\"><Coding guid=\"" + k + "\" creatingUser=\"" + coder + "\"><CodeRef targetGUID=\"" + target +
               "\"/></Coding></PlainTextSelection>";
    };
    for (bool danglingFirst : {false, true}) {
        std::string sels = danglingFirst ? sel(2, user, "BBBBBBBB-0000-4000-8000-00000000000B", "DDDDDDDD-0000-4000-8000-00000000000D") : "";
        sels += sel(1, "{aaaaaaaa-0000-4000-8000-000000000001}", "aaaaaaaa-0000-4000-8000-000000000001", "{cccccccc-0000-4000-8000-000000000001}");
        if (!danglingFirst) sels += sel(2, user, "BBBBBBBB-0000-4000-8000-00000000000B", "DDDDDDDD-0000-4000-8000-00000000000D");
        sels += sel(3, "{" + user + "}", user, "cccccccc-0000-4000-8000-000000000001");
        std::string qde = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                          "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"refs\" origin=\"qdx test\">"
                          "<Users><User guid=\"" + user + "\" name=\"Ana\"/></Users>"
                          "<CodeBook><Codes><Code guid=\"" + code + "\" name=\"A\" isCodable=\"true\"/></Codes></CodeBook>"
                          "<Sources><TextSource guid=\"99999999-0000-4000-8000-000000000001\" name=\"s\">"
                          "<PlainTextContent>Hello world</PlainTextContent>" + sels +
                          "</TextSource></Sources></Project>";
        std::string path = tempDir() + "/refs-" + (danglingFirst ? "late" : "early") + ".qde";
        std::ofstream(path, std::ios::binary) << qde;
        qdx::Diagnostics d;
        qdx::Project p = read(path, d);
        REQUIRE(p.excerpts.size() == 3);
        for (const auto& e : p.excerpts) {
            REQUIRE(e.codings.size() == 1);
            const qdx::Coding& c = e.codings[0];
            bool dangling = e.id.rfind("E0000002", 0) == 0;
            CAPTURE(e.id, danglingFirst);
            CHECK(e.audit.creator == user);  // braces and case as the User was declared
            if (dangling) {
                CHECK(c.creator == "BBBBBBBB-0000-4000-8000-00000000000B");
                CHECK(c.theme == "DDDDDDDD-0000-4000-8000-00000000000D");
            } else {
                CHECK(c.creator == user);
                CHECK(c.theme == code);
            }
        }
        const qdx::Diagnostic* q = nullptr;
        for (const auto& x : d.all())
            if (x.code == "quirk.dangling-reference") q = &x;
        REQUIRE(q);
        CHECK(q->message.find("DDDDDDDD") != std::string::npos);  // the code
        CHECK(q->message.find("times)") == std::string::npos);    // once
        // the undeclared user is declared, nameless, once
        CHECK(d.countCode("quirk.user-undeclared") == 1);
        REQUIRE(p.users.size() == 2);
        CHECK(p.users[1].id == "BBBBBBBB-0000-4000-8000-00000000000B");
        CHECK(p.users[1].name.empty());
    }
}

namespace {

/// The message of the first diagnostic with this code, or empty.
std::string messageOf(const qdx::Diagnostics& d, const std::string& code)
{
    for (const auto& x : d.all())
        if (x.code == code) return x.message;
    return {};
}

}  // namespace

TEST_CASE("refi quirks: NVivo for Mac look-alike counts UTF-16 units too", "[quirks][offsets]")
{
    // NVivo for Mac 12.7 (a real export tried by hand): LF text without BOM, lower-case
    // sources/, and selections after astral emoji that only UTF-16 units place right.
    qdx::Diagnostics d;
    qdx::Project p = read(data("nvivo-mac-like.qdpx"), d);
    REQUIRE(p.excerpts.size() == 3);
    CHECK(spanText(p, p.excerpts[0]) == "they can");
    CHECK(spanText(p, p.excerpts[1]) == "Keep it");
    CHECK(spanText(p, p.excerpts[2]) == "optional");
    CHECK(d.countCode("quirk.sources-folder-case") == 0);
    CHECK(messageOf(d, "offsets.profile").find("'nvivo'") != std::string::npos);
    CHECK(messageOf(d, "offsets.boundary-score").find("3 of 3") != std::string::npos);
    CHECK(d.countCode("skipped.source-file-missing") == 1);  // the DOCX, and only it
    REQUIRE(p.themes.size() == 2);
    CHECK(p.themes[1].parent == p.themes[0].id);

    qdx::Diagnostics w;
    qdx::Project q = read(data("nvivo-mac-like.qdpx"), w, "codepoints");
    CHECK(spanText(q, q.excerpts[0]) != "they can");
}

TEST_CASE("refi quirks: a .qdc pasted in as the project's CodeBook", "[quirks]")
{
    // A script's rewrite of a MAXQDA 24 project (a real file tried by hand): its CodeBook is
    // a MAXQDA .qdc, namespace codebook:0:4 and its own origin, inside a project:1.0 file.
    qdx::Diagnostics d;
    qdx::Project p = read(data("pasted-codebook-like.qdpx"), d);
    REQUIRE(p.themes.size() == 2);
    CHECK(p.themes[0].name == "Themes");
    CHECK(p.themes[1].parent == p.themes[0].id);
    CHECK(p.themes[0].description == "parent");
    CHECK(p.sources.size() == 2);
    CHECK(p.sets.size() == 1);
    std::string ns = messageOf(d, "quirk.namespace");
    CHECK(ns.find("<CodeBook>") != std::string::npos);
    CHECK(ns.find("urn:QDA-XML:codebook:0:4") != std::string::npos);
    CHECK(ns.find("(6 times)") != std::string::npos);  // CodeBook, Codes, 2 Code, 2 Description
    CHECK(messageOf(d, "quirk.unknown-attribute-dropped").find("Build 241213") != std::string::npos);
    CHECK(d.countCode("quirk.empty-description") == 1);
    // the user who made 'paper 2' is not in <Users>: declared as a nameless user, reported,
    // so the project validates and the id survives every export
    CHECK(messageOf(d, "quirk.user-undeclared").find("B0000000-0000-4000-8000-0000000000FF") != std::string::npos);
    CHECK(d.countCode("quirk.dangling-reference") == 0);
    bool declared = false;
    for (const auto& u : p.users) declared = declared || (u.id == "B0000000-0000-4000-8000-0000000000FF" && u.name.empty());
    CHECK(declared);
    qdx::Diagnostics v;
    CHECK(qdx::validateProject(p, v) == 0);

    qdx::Diagnostics st;
    CHECK_THROWS_AS(read(data("pasted-codebook-like.qdpx"), st, "auto", true), qdx::InputError);
}

TEST_CASE("refi quirks: a missing text file with the text inline loses nothing", "[quirks]")
{
    qdx::Diagnostics d;
    qdx::Project p = read(data("inline-text.qde"), d);
    REQUIRE(p.sources.size() == 1);
    REQUIRE(p.sources[0].text);
    CHECK(*p.sources[0].text == "Some text that will be coded.");
    REQUIRE(p.excerpts.size() == 1);
    CHECK(spanText(p, p.excerpts[0]) == "text");
    CHECK(d.countCode("skipped.source-file-missing") == 0);
    CHECK(messageOf(d, "refi.text-inline").find("doc1.txt") != std::string::npos);
    CHECK(p.ext.count("refi:links") == 0);  // <Links/> left no empty bag
}

TEST_CASE("refi quirks: OpenQDA look-alike, <Codebook> after the Sources without <Codes>", "[quirks]")
{
    // An early OpenQDA export (a real file tried by hand) spelled <Codebook>: read as an
    // unknown element, every code was lost and every coding dangled.
    qdx::Diagnostics d;
    qdx::Project p = read(data("openqda-like.qdpx"), d);
    REQUIRE(p.themes.size() == 3);  // the repeated Code is kept as a distinct theme, as everywhere
    CHECK(p.themes[0].name == "Topics");
    CHECK(p.themes[1].parent == p.themes[0].id);
    REQUIRE(p.excerpts.size() == 1);
    REQUIRE(p.excerpts[0].codings.size() == 1);
    CHECK(p.excerpts[0].codings[0].theme == "D0000000-0000-4000-8000-000000000011");
    CHECK(spanText(p, p.excerpts[0]) == "weather");  // internal://sources/<GUID>.txt found
    CHECK(d.countCode("quirk.dangling-reference") == 0);
    CHECK(d.countCode("quirk.unknown-element") == 0);
    CHECK(d.countCode("skipped.source-file-missing") == 0);
    CHECK(messageOf(d, "quirk.element-case").find("<Codebook>") != std::string::npos);
    CHECK(messageOf(d, "quirk.codes-element-missing").find("(2 times)") != std::string::npos);
    CHECK(messageOf(d, "quirk.path-with-folder").find("sources/D0000000") != std::string::npos);
    CHECK(messageOf(d, "quirk.unknown-attribute-dropped").find("Project 1 Codebook") != std::string::npos);
    CHECK(d.countCode("quirk.duplicate-guid") == 1);
    // creatingUserId is OpenQDA's name for creatingUser(GUID): read as the creator, not kept twice
    const std::string u = "D0000000-0000-4000-8000-000000000001";
    CHECK(p.audit.creator == u);
    CHECK(p.sources[0].audit.creator == u);
    CHECK(messageOf(d, "quirk.attribute-alias").find("creatingUserId") != std::string::npos);
    CHECK(messageOf(d, "quirk.attribute-alias").find("(2 times)") != std::string::npos);
    CHECK(p.sources[0].ext.count("refi:attributes") == 0);
    CHECK(p.ext.count("refi:attributes") == 1);  // description="about" has no place in the schema
    CHECK(p.ext.at("refi:attributes").find("creatingUserId") == nullptr);
    REQUIRE(p.users.size() == 1);
    CHECK(p.users[0].ext.count("refi:attributes") == 1);  // the email, kept

    qdx::Diagnostics st;
    CHECK_THROWS_AS(read(data("openqda-like.qdpx"), st, "auto", true), qdx::InputError);
}

TEST_CASE("refi quirks: a selection whose position is not a number is skipped, never placed at 0", "[quirks]")
{
    const std::string qde =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
        "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"bad\" origin=\"qdx test\">"
        "<CodeBook><Codes><Code guid=\"CCCCCCCC-0000-4000-8000-000000000001\" name=\"A\" isCodable=\"true\"/></Codes></CodeBook>"
        "<Sources><TextSource guid=\"99999999-0000-4000-8000-000000000001\" name=\"s\">"
        "<PlainTextContent>Hello world</PlainTextContent>"
        "<PlainTextSelection guid=\"E0000001-0000-4000-8000-000000000001\" startPosition=\"6\" endPosition=\"11\">"
        "<Coding guid=\"F0000001-0000-4000-8000-000000000001\"><CodeRef targetGUID=\"CCCCCCCC-0000-4000-8000-000000000001\"/></Coding>"
        "</PlainTextSelection>"
        "<PlainTextSelection guid=\"E0000002-0000-4000-8000-000000000001\" startPosition=\"6.5\" endPosition=\"11\">"
        "<Coding guid=\"F0000002-0000-4000-8000-000000000001\"><CodeRef targetGUID=\"CCCCCCCC-0000-4000-8000-000000000001\"/></Coding>"
        "</PlainTextSelection>"
        "<PlainTextSelection guid=\"E0000003-0000-4000-8000-000000000001\" endPosition=\"5\"/>"
        "</TextSource>"
        "<PictureSource guid=\"99999999-0000-4000-8000-000000000002\" name=\"p\">"
        "<PictureSelection guid=\"E0000004-0000-4000-8000-000000000001\" firstX=\"1\" firstY=\"x\" secondX=\"3\" secondY=\"4\"/>"
        "<PictureSelection guid=\"E0000005-0000-4000-8000-000000000001\" firstX=\"1\" firstY=\"2\" secondX=\"3\" secondY=\"4\"/>"
        "</PictureSource></Sources></Project>";
    std::string path = tempDir() + "/bad-position.qde";
    std::ofstream(path, std::ios::binary) << qde;
    qdx::Diagnostics d;
    qdx::Project p = read(path, d);
    REQUIRE(p.excerpts.size() == 2);
    CHECK(p.excerpts[0].id == "E0000001-0000-4000-8000-000000000001");
    CHECK(spanText(p, p.excerpts[0]) == "world");
    CHECK(p.excerpts[1].id == "E0000005-0000-4000-8000-000000000001");
    CHECK(d.countCode("skipped.excerpt-bad-position") == 3);
    std::string all;
    for (const auto& x : d.all())
        if (x.code == "skipped.excerpt-bad-position") all += x.message + "\n";
    CHECK(all.find("startPosition of <PlainTextSelection> is not an integer: '6.5'") != std::string::npos);
    CHECK(all.find("startPosition of <PlainTextSelection> is missing") != std::string::npos);
    CHECK(all.find("firstY of <PictureSelection> is not an integer: 'x'") != std::string::npos);
    CHECK(d.countCode("quirk.bad-number") == 0);
    qdx::Diagnostics v;
    CHECK(qdx::validateProject(p, v) == 0);

    qdx::Diagnostics st;
    CHECK_THROWS_AS(read(path, st, "auto", true), qdx::InputError);
}

TEST_CASE("refi quirks: ATLAS.ti 26 look-alike, media outside and the XML named after the project", "[quirks]")
{
    qdx::Diagnostics d;
    qdx::Project p = read(data("atlasti26-like.qdpx"), d);
    REQUIRE(p.sources.size() == 1);
    CHECK(p.sources[0].kind == qdx::SourceKind::Video);
    CHECK(p.sources[0].path == "relative:///1E2B0000-0000-4000-8000-000000000003.mov");  // reference kept
    CHECK_FALSE(p.sources[0].content);                                                    // never read
    REQUIRE(p.excerpts.size() == 3);
    std::size_t codings = 0;
    for (const auto& e : p.excerpts) codings += e.codings.size();
    CHECK(codings == 4);
    CHECK(p.excerpts[1].description == "Hello trying");  // a comment without a coding is kept
    CHECK(d.countCode("quirk.qde-name") == 1);
    CHECK(d.countCode("quirk.zero-length-selection") == 1);
    CHECK(d.countCode("skipped.source-external") == 1);
    CHECK(d.countCode("quirk.duplicate-guid") == 0);
}

TEST_CASE("refi: duplicate GUIDs found after the parse are read again, nothing reported twice", "[quirks]")
{
    // The reader checks ids for duplicates once after the parse; on a duplicate it
    // reads again checking as it goes. What the first parse reported (here a colour
    // it could not read) must reach the caller once, and duplicates be handled.
    for (bool dup : {false, true}) {
        std::string second = dup ? "E0000001-0000-4000-8000-000000000001" : "E0000002-0000-4000-8000-000000000001";
        std::string qde = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                          "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"dups\" origin=\"qdx test\">"
                          "<CodeBook><Codes><Code guid=\"CCCCCCCC-0000-4000-8000-000000000001\" name=\"A\" isCodable=\"true\" color=\"not a colour\"/></Codes></CodeBook>"
                          "<Sources><TextSource guid=\"99999999-0000-4000-8000-000000000001\" name=\"s\">"
                          "<PlainTextContent>Hello world</PlainTextContent>"
                          "<PlainTextSelection guid=\"E0000001-0000-4000-8000-000000000001\" startPosition=\"0\" endPosition=\"5\"/>"
                          "<PlainTextSelection guid=\"" + second + "\" startPosition=\"6\" endPosition=\"11\"/>"
                          "</TextSource></Sources></Project>";
        std::string path = tempDir() + "/dups-" + (dup ? "yes" : "no") + ".qde";
        std::ofstream(path, std::ios::binary) << qde;
        CAPTURE(dup);
        qdx::Diagnostics d;
        qdx::Project p = read(path, d);
        REQUIRE(p.excerpts.size() == 2);
        CHECK(d.countCode("lossy.theme-colour") == 1);
        CHECK(d.countCode("quirk.duplicate-guid") == (dup ? 1u : 0u));
        CHECK(qdx::normalizeId(p.excerpts[0].id) != qdx::normalizeId(p.excerpts[1].id));
        CHECK(p.excerpts[0].id == "E0000001-0000-4000-8000-000000000001");
        if (dup) CHECK(p.excerpts[1].ext.count("refi:guid") == 1);
        qdx::Diagnostics st;
        if (dup) CHECK_THROWS_AS(read(path, st, "auto", true), qdx::InputError);
    }
}

TEST_CASE("refi quirks: QualCoder 1.3 look-alike, a Case names its source by the source's file", "[quirks]")
{
    qdx::Diagnostics d;
    qdx::Project p = read(data("qualcoder13-like.qdpx"), d);
    REQUIRE(p.sources.size() == 3);
    REQUIRE(p.cases.size() == 3);
    // P1's SourceRef is the GUID of interview1.txt's rich text file: read as that source
    REQUIRE(p.cases[0].sources.size() == 1);
    CHECK(p.cases[0].sources[0] == "9c130000-0000-4000-8000-0000000000a1");
    // P2's names the file that the TextSource and the PDFSource of report.pdf share under one
    // guid: read as the first, the one a reference to that guid names
    REQUIRE(p.cases[1].sources.size() == 1);
    CHECK(p.cases[1].sources[0] == "9c130000-0000-4000-8000-0000000000a2");
    CHECK(p.sources[1].id == "9c130000-0000-4000-8000-0000000000a2");
    CHECK(d.countCode("quirk.reference-by-file") == 1);  // one diagnostic, "(2 times)"
    // P3's names nothing: kept as read, a dangling reference reported with its Case
    REQUIRE(p.cases[2].sources.size() == 1);
    CHECK(p.cases[2].sources[0] == "9c130000-0000-4000-8000-0000000000f9");
    const qdx::Diagnostic* q = nullptr;
    for (const auto& x : d.all())
        if (x.code == "quirk.dangling-reference") q = &x;
    REQUIRE(q);
    CHECK(q->message.find("in Case 'P3' 9c130000-0000-4000-8000-0000000000e3") != std::string::npos);
    CHECK(d.countCode("quirk.duplicate-guid") == 1);
    CHECK(d.countCode("quirk.qde-name") == 1);
    CHECK(d.countCode("quirk.user-undeclared") == 1);
    REQUIRE(p.excerpts.size() == 4);
    CHECK(spanText(p, p.excerpts[1]) == "the bus is late");
    qdx::Diagnostics v;
    qdx::validateProject(p, v);
    CHECK(v.countCode("invalid.dangling-reference") == 1);  // P3's only

    qdx::Diagnostics st;
    CHECK_THROWS_AS(read(data("qualcoder13-like.qdpx"), st, "auto", true), qdx::InputError);
}

TEST_CASE("refi quirks: QualCoder 2.x look-alike, typed variables with every value as TextValue", "[quirks]")
{
    qdx::Diagnostics d;
    qdx::Project p = read(data("qualcoder2-like.qdpx"), d);
    REQUIRE(p.attributes.size() == 4);
    REQUIRE(p.cases.size() == 2);
    CHECK(p.cases[0].sources == std::vector<std::string>{"4a2c0000-0000-4000-8000-0000000000a1"});  // by its file
    REQUIRE(p.cases[1].values.size() == 3);
    CHECK(p.cases[1].values[0].value == "about 34");
    CHECK(d.countCode("quirk.value-element") == 1);  // "(6 times)"
    CHECK(d.countCode("quirk.sources-folder-case") == 1);
    REQUIRE(p.memos.size() == 1);
    CHECK(p.memos[0].text == "Started coding.");  // the note's file, BOM removed
    REQUIRE(p.sources.size() == 2);
    REQUIRE(p.sources[1].transcripts.size() == 1);

    // a value its variable's type cannot hold goes as TextValue (a FloatValue 'about 34' would make
    // the file invalid): each survives the round trip, the valid ones keep their typed element
    std::string out = tempDir() + "/qualcoder2.qde";
    qdx::Diagnostics dw;
    qdx::refi::WriteOptions wo;
    wo.container = "qde";
    qdx::refi::writeRefi(p, out, wo, dw);
    CHECK(dw.countCode("lossy.value-type") == 1);  // "about 34", "12.5", "2021-02-30": "(3 times)"
    std::ifstream f(out, std::ios::binary);
    std::string xml((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    CHECK(xml.find("<TextValue>about 34</TextValue>") != std::string::npos);
    CHECK(xml.find("<TextValue>12.5</TextValue>") != std::string::npos);
    CHECK(xml.find("<TextValue>2021-02-30</TextValue>") != std::string::npos);
    CHECK(xml.find("<FloatValue>34</FloatValue>") != std::string::npos);
    CHECK(xml.find("<IntegerValue>12</IntegerValue>") != std::string::npos);
    CHECK(xml.find("<DateValue>2021-04-01</DateValue>") != std::string::npos);
    qdx::Diagnostics d2;
    qdx::Project q = read(out, d2);
    REQUIRE(q.cases.size() == 2);
    CHECK(q.cases[1].values.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) CHECK(q.cases[1].values[i].value == p.cases[1].values[i].value);
}

TEST_CASE("refi: a BooleanValue other than true, false, 1, 0 is kept as read", "[quirks]")
{
    std::string qde = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                      "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"b\" origin=\"qdx test\">"
                      "<Variables><Variable guid=\"B0000000-0000-4000-8000-000000000001\" name=\"consent\" typeOfVariable=\"Boolean\"/></Variables>"
                      "<Cases>"
                      "<Case guid=\"B0000000-0000-4000-8000-0000000000e1\" name=\"a\"><VariableValue><VariableRef targetGUID=\"B0000000-0000-4000-8000-000000000001\"/><BooleanValue>1</BooleanValue></VariableValue></Case>"
                      "<Case guid=\"B0000000-0000-4000-8000-0000000000e2\" name=\"b\"><VariableValue><VariableRef targetGUID=\"B0000000-0000-4000-8000-000000000001\"/><BooleanValue>0</BooleanValue></VariableValue></Case>"
                      "<Case guid=\"B0000000-0000-4000-8000-0000000000e3\" name=\"c\"><VariableValue><VariableRef targetGUID=\"B0000000-0000-4000-8000-000000000001\"/><BooleanValue>True</BooleanValue></VariableValue></Case>"
                      "</Cases></Project>";
    std::string path = tempDir() + "/booleans.qde";
    std::ofstream(path, std::ios::binary) << qde;
    qdx::Diagnostics d;
    qdx::Project p = read(path, d);
    REQUIRE(p.cases.size() == 3);
    CHECK(p.cases[0].values[0].value == "true");
    CHECK(p.cases[1].values[0].value == "false");
    CHECK(p.cases[2].values[0].value == "True");  // was read as "false"
    CHECK(d.countCode("quirk.value-element") == 0);
}

TEST_CASE("refi quirks: Quackdas look-alike, selections outside their source, codes as attributes", "[quirks]")
{
    qdx::Diagnostics d;
    qdx::Project p = read(data("quackdas-like.qdpx"), d);
    // every coding was lost before: <Selections> was kept raw as an unknown element
    REQUIRE(p.excerpts.size() == 2);
    CHECK(p.excerpts[0].source == "7ac0da50-0000-4000-8000-0000000000a1");
    CHECK(spanText(p, p.excerpts[0]) == "I moved here for work");
    REQUIRE(p.excerpts[1].codings.size() == 2);
    CHECK(p.excerpts[1].codings[0].theme == "7ac0da50-0000-4000-8000-0000000000c2");
    CHECK(p.excerpts[1].codings[1].theme == "7ac0da50-0000-4000-8000-0000000000c1");
    CHECK(p.excerpts[1].ext.count("refi:attributes") == 0);  // sourceGUID was read, not kept
    CHECK(d.countCode("quirk.selections-element") == 1);
    // the selection whose source is not there is kept raw and reported
    CHECK(d.countCode("quirk.dangling-reference") == 1);
    // 'FF' + RRGGBB without '#': ARGB, not RRGGBBAA ('FFE06C75' was read as #FFE06C, "alpha dropped")
    CHECK(p.themes[0].color == "#E06C75");
    CHECK(p.themes[1].color == "#98C379");
    CHECK(d.countCode("lossy.theme-colour") == 0);
    // creatingUserGUID on a source or note is its creator
    CHECK(p.sources[0].audit.creator == "7ac0da50-0000-4000-8000-000000000001");
    // the NoteRef inside the Note names the selection the note is about
    REQUIRE(p.memos.size() == 1);
    CHECK(p.memos[0].targets == std::vector<std::string>{"7ac0da50-0000-4000-8000-0000000000e2"});
    CHECK(d.countCode("quirk.noteref-in-note") == 1);
    qdx::Diagnostics v;
    CHECK(qdx::validateProject(p, v) == 0);

    qdx::Diagnostics st;
    CHECK_THROWS_AS(read(data("quackdas-like.qdpx"), st, "auto", true), qdx::InputError);
}

TEST_CASE("refi quirks: transact-qda look-alike, a .docx as plain text, a Graph with ids that are not GUIDs", "[quirks]")
{
    qdx::Diagnostics d;
    qdx::Project p = read(data("transact-qda-like.qdpx"), d);
    REQUIRE(p.sources.size() == 2);
    // the .docx named as plain text is not read as text (it was: bytes, offsets on garbage)
    CHECK(d.countCode("skipped.source-text-not-plain") == 1);
    CHECK(d.countCode("lossy.text-encoding") == 0);
    CHECK_FALSE(p.sources[1].text);
    REQUIRE(p.sources[1].content);  // kept as the source's document
    CHECK(p.sources[1].mediaType == "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    REQUIRE(p.excerpts.size() == 2);
    CHECK(spanText(p, p.excerpts[0]) == "closed the clinic");

    // written back, the Graph's Vertex and Edge ids are GUIDs (the export was invalid) and an
    // Edge still names its Vertices
    std::string out = tempDir() + "/transact.qde";
    qdx::Diagnostics dw;
    qdx::refi::WriteOptions wo;
    wo.container = "qde";
    qdx::refi::writeRefi(p, out, wo, dw);
    std::ifstream f(out, std::ios::binary);
    std::string xml((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    CHECK(xml.find("-v\"") == std::string::npos);
    CHECK(xml.find("-e\"") == std::string::npos);
    auto attrAfter = [&](const std::string& from, const std::string& name) {
        auto at = xml.find(name + "=\"", xml.find(from));
        return xml.substr(at + name.size() + 2, 36);
    };
    std::size_t vertex2 = xml.rfind("<Vertex", xml.find("name=\"council\" firstX"));
    REQUIRE(vertex2 != std::string::npos);
    std::string council = xml.substr(xml.find("guid=\"", vertex2) + 6, 36);
    CHECK(attrAfter("<Edge", "sourceVertex") == council);
    CHECK(dw.countCode("refi.guid-minted") == 1);
}

TEST_CASE("refi quirks: one alias of a user attribute is read, a second one is kept", "[quirks]")
{
    // creatingUserId (OpenQDA) and creatingUserGUID (Quackdas) both on a source without
    // creatingUser: the first is read as the creator, the other stays in ext, not dropped.
    const std::string u1 = "AAAAAAAA-0000-4000-8000-000000000001", u2 = "AAAAAAAA-0000-4000-8000-000000000002";
    const std::string qde = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                            "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"alias\" origin=\"qdx test\" creatingUserId=\"" + u2 + "\">"
                            "<Users><User guid=\"" + u1 + "\" name=\"A\"/><User guid=\"" + u2 + "\" name=\"B\"/></Users>"
                            "<Sources><TextSource guid=\"99999999-0000-4000-8000-000000000001\" name=\"s\" creatingUserId=\"" + u1 +
                            "\" creatingUserGUID=\"" + u2 + "\" modifyingUser=\"" + u2 + "\" modifyingUserId=\"" + u1 + "\">"
                            "<PlainTextContent>Hello</PlainTextContent></TextSource></Sources></Project>";
    std::string path = tempDir() + "/alias.qde";
    std::ofstream(path, std::ios::binary) << qde;
    qdx::Diagnostics d;
    qdx::Project p = read(path, d);
    REQUIRE(p.sources.size() == 1);
    const qdx::Source& s = p.sources[0];
    CHECK(p.audit.creator == u2);
    CHECK(s.audit.creator == u1);
    CHECK(s.audit.modifier == u2);  // the standard attribute wins over its alias
    REQUIRE(s.ext.count("refi:attributes") == 1);
    const qdx::Json& kept = s.ext.at("refi:attributes");
    REQUIRE(kept.find("creatingUserGUID") != nullptr);
    CHECK(kept.find("creatingUserGUID")->asString() == u2);
    REQUIRE(kept.find("modifyingUserId") != nullptr);
    CHECK(kept.find("creatingUserId") == nullptr);
    CHECK(d.countCode("quirk.attribute-alias") == 1);
}
