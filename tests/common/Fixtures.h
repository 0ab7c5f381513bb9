#pragma once
// Projects for tests: a small one that uses every part of the model, and a
// seeded random generator of larger ones.

#include "qdx/Model.h"
#include "qdx/Text.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>

namespace qdx::test {

/// A project that exercises every entity, anchor kind and extension.
inline Project richProject() {
    Project p;
    p.name = "Rich project";
    p.description = u8"Every part of the model — with text outside the BMP: \U0001F600";
    p.origin = "qdx tests";
    p.audit = {"U1", "2023-04-30T10:00:00Z", "U1", "2023-05-01T11:00:00Z"};
    p.ext["test:flag"] = Json(true);
    p.users = {{"U1", "Ana", {}}, {"{0A1B2C3D-0000-4000-8000-000000000002}", "Bo", {}}};
    p.themes = {{"T1", "Macrosystem", "", "", "Level", false, {}, {}},
                {"T2", "Tightening legislation", "T1", "#FF8800", "Laws", true, {"U1", "2023-04-30T10:00:00Z", "", ""}, {}},
                {"T3", "Collaboration", "T1", "#0088FF", "", true, {}, {}}};
    p.themes[1].ext["refi:extra"] = parseJson(R"({"a":[1,2.50,{"b":null}]})");
    p.attributes = {{"A1", "Year", AttributeType::Integer, "", {}},
                    {"A2", "Country", AttributeType::Text, "ISO name", {}},
                    {"A3", "Published", AttributeType::Date, "", {}}};
    Source s1;
    s1.id = "S1";
    s1.name = "USAID 2021";
    s1.text = u8"Line one\r\nZweite Zeile \U0001F600 here\nthird";
    s1.values = {{"A1", "2021"}, {"A2", "Kazakhstan"}, {"A3", "2021-06-01"}};
    s1.audit.creator = "U1";
    Source s2;
    s2.id = "S2";
    s2.name = "Report.pdf";
    s2.kind = SourceKind::Pdf;
    s2.text = "PDF text";
    s2.mediaType = "application/pdf";
    s2.content = std::make_shared<MemoryBlob>(std::string("%PDF-1.4\n\0binary\xFF", 17), "report.pdf");
    s2.path = "internal://S2.pdf";
    Source s3;
    s3.id = "S3";
    s3.name = "Interview";
    s3.kind = SourceKind::Audio;
    Transcript tr{"TR1", "Transcript", "Hello there", {{"SP1", 0, 0, {}}, {"SP2", 1500, 5, {}}}, {}, {}};
    s3.transcripts.push_back(tr);
    Source s4;
    s4.id = "S4";
    s4.name = "Photo";
    s4.kind = SourceKind::Picture;
    Source s5;
    s5.id = "S5";
    s5.name = "Clip";
    s5.kind = SourceKind::Video;
    p.sources = {s1, s2, s3, s4, s5};
    auto ex = [&](std::string id, std::string src, Anchor a, std::string theme) {
        Excerpt e;
        e.id = std::move(id);
        e.source = std::move(src);
        e.anchor = a;
        e.codings.push_back(Coding{"C-" + e.id, std::move(theme), "U1", "2023-04-30T10:00:00Z", {}});
        return e;
    };
    Excerpt e1 = ex("E1", "S1", TextSpan{10, 26}, "T2");
    e1.quote = text::substrCodePoints(*s1.text, 10, 26);
    e1.description = "(USAID, 2021)";
    e1.codings.push_back(Coding{"C-E1b", "T3", "", "", {}});
    p.excerpts = {e1,
                  ex("E2", "S2", PdfRegion{0, 10, 20, 110, 220}, "T2"),
                  ex("E3", "S4", ImageRegion{1, 2, 30, 40}, "T3"),
                  ex("E4", "S5", TimeSpan{1000, 2500}, "T3"),
                  ex("E5", "S3", TranscriptSpan{"TR1", "SP1", "SP2"}, "T2"),
                  ex("E6", "S1", std::monostate{}, "T3")};
    p.memos = {{"M1", "Method", "Documentary analysis.", {}, {}, {}},
               {"M2", "On legislation", "Stricter laws.", {"T2", "E1"}, {"U1", "", "", ""}, {}}};
    p.cases = {{"K1", "Kazakhstan", "", {{"A1", "2021"}}, {"T2"}, {"S1"}, {"E1"}, {}}};
    p.sets = {{"SET1", "Macro themes", "", {"T2", "T3"}, {"S1"}, {"M1"}, {}}};
    return p;
}

/// A deterministic GUID for a test id ("T1" -> "6C4B....-....-4...-8...-............").
inline std::string guidFor(const std::string& id) {
    if (id.empty()) return id;
    std::uint64_t h = 1469598103934665603ull;  // FNV-1a
    for (unsigned char c : id) h = (h ^ c) * 1099511628211ull;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08X-%04X-4%03X-8%03X-%012llX", static_cast<unsigned>(h >> 32),
                  static_cast<unsigned>((h >> 16) & 0xFFFF), static_cast<unsigned>(h & 0xFFF),
                  static_cast<unsigned>((h >> 20) & 0xFFF), static_cast<unsigned long long>(h & 0xFFFFFFFFFFFFull));
    return buf;
}

/// The same project with every id (and every reference) replaced by a GUID,
/// as formats that require GUIDs (REFI-QDA) need.
inline Project withGuidIds(Project p) {
    auto g = [](std::string& id) { id = guidFor(id); };
    auto gAll = [&](std::vector<std::string>& ids) { for (auto& i : ids) g(i); };
    auto gAudit = [&](Audit& a) { g(a.creator); g(a.modifier); };
    auto gValues = [&](std::vector<AttributeValue>& vs) { for (auto& v : vs) g(v.attribute); };
    gAudit(p.audit);
    for (auto& u : p.users) g(u.id);
    for (auto& t : p.themes) { g(t.id); g(t.parent); gAudit(t.audit); }
    for (auto& a : p.attributes) g(a.id);
    for (auto& s : p.sources) {
        g(s.id);
        gValues(s.values);
        gAudit(s.audit);
        for (auto& t : s.transcripts) {
            g(t.id);
            gAudit(t.audit);
            for (auto& sp : t.syncPoints) g(sp.id);
        }
    }
    for (auto& e : p.excerpts) {
        g(e.id);
        g(e.source);
        gAudit(e.audit);
        if (auto* ts = std::get_if<TranscriptSpan>(&e.anchor))
            *ts = TranscriptSpan(guidFor(ts->transcript()), guidFor(ts->fromSyncPoint()), guidFor(ts->toSyncPoint()));
        for (auto& c : e.codings) { g(c.id); g(c.theme); g(c.creator); }
    }
    for (auto& m : p.memos) { g(m.id); gAll(m.targets); gAudit(m.audit); }
    for (auto& c : p.cases) { g(c.id); gValues(c.values); gAll(c.themes); gAll(c.sources); gAll(c.excerpts); }
    for (auto& s : p.sets) { g(s.id); gAll(s.themes); gAll(s.sources); gAll(s.memos); }
    return p;
}

/// Every theme's path from the root, joined with " > ".
inline std::set<std::string> themePathSet(const Project& p) {
    std::set<std::string> out;
    for (const auto& t : p.themes) {
        std::string s;
        for (const auto& n : themePath(p, t.id)) s += (s.empty() ? "" : " > ") + n;
        out.insert(s);
    }
    return out;
}

/// A random but valid project of about `excerpts` excerpts (seeded, deterministic).
inline Project randomProject(unsigned seed, int sources, int excerptsPerSource, int themes) {
    std::mt19937 rng(seed);
    const char32_t alphabet[] = {U'a', U'b', U' ', U'\n', U'\r', 0xE9, 0x0416, 0x4E2D, 0x1F600};
    Project p;
    p.name = "Random " + std::to_string(seed);
    p.users = {{"U1", "Coder", {}}};
    for (int t = 0; t < themes; ++t) {
        Theme th;
        th.id = "T" + std::to_string(t);
        th.name = "Theme " + std::to_string(t);
        if (t > 0 && rng() % 2) th.parent = "T" + std::to_string(rng() % t);
        if (rng() % 2) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "#%06X", static_cast<unsigned>(rng() & 0xFFFFFF));
            th.color = buf;
        }
        p.themes.push_back(th);
    }
    for (int s = 0; s < sources; ++s) {
        Source src;
        src.id = "S" + std::to_string(s);
        src.name = "Source " + std::to_string(s);
        std::string txt;
        int len = 50 + static_cast<int>(rng() % 400);
        for (int i = 0; i < len; ++i) text::appendUtf8(txt, alphabet[rng() % 9]);
        src.text = txt;
        for (int e = 0; e < excerptsPerSource; ++e) {
            Excerpt ex;
            ex.id = "E" + std::to_string(s) + "-" + std::to_string(e);
            ex.source = src.id;
            std::int64_t a = rng() % len, b = rng() % len;
            if (a > b) std::swap(a, b);
            ex.anchor = TextSpan{a, b};
            ex.quote = text::substrCodePoints(txt, a, b);
            ex.codings.push_back(Coding{"C" + ex.id, "T" + std::to_string(rng() % themes), "U1", "", {}});
            p.excerpts.push_back(ex);
        }
        p.sources.push_back(src);
    }
    return p;
}

} // namespace qdx::test
