#pragma once
// Projects for the JSON tests: one hand-built project that uses every field of
// the model, and a generator of random projects from a seed.

#include "JsonFormat.h"

#include "qdx/Compare.h"
#include "qdx/Model.h"

#include <random>
#include <string>

namespace qdx::jsontest {

using namespace std::string_literals;

/// A string with a NUL, a character outside the BMP, an escape-worthy quote
/// and a line break.
inline std::string awkward(const std::string& base) { return base + "\0nul \"q\" \\ 𝄞 é\n\t\x01"s; }

inline Json nestedExt() {
    Json::Object inner{{"deep", Json(Json::Array{Json::number("1.50"), Json::number("-0"), Json::number("1e-400"), Json::number("1.7976931348623157e308"),
                                                 Json(nullptr), Json(true), Json(false), Json(awkward("s"))})},
                       {"empty-object", Json::object()},
                       {"empty-array", Json::array()},
                       {"unicode key 𝄞\0"s, Json("v")}};
    return Json(Json::Object{{"z-first", Json(std::move(inner))}, {"a-second", Json::number("12345678901234567890123")}});
}

inline Project fullProject() {
    Project p;
    p.name = awkward("Trafficking study");
    p.description = "Seed study, all fields";
    p.origin = "qdx test";
    p.basePath = "/data/study";
    p.audit = {"U1", "2023-04-30T00:00:00Z", "U2", "2023-05-01T10:00:00Z"};
    p.ext["refi:project"] = nestedExt();
    p.ext["csv:flag"] = Json(true);

    p.users = {{"U1", "Ana", {}}, {"{U2-BRACED}", awkward("Bea"), {{"refi:email", Json("b@example.org")}}}};

    Theme root;
    root.id = "T1";
    root.name = "Macrosystem";
    root.color = "#FF00AA";
    root.description = "top";
    root.audit = {"U1", "2023-01-01T00:00:00Z", "", ""};
    root.ext["refi:x"] = Json(Json::Array{Json::number("1"), Json("two")});
    Theme child;
    child.id = "T2";
    child.name = awkward("Tightening legislation");
    child.parent = "T1";
    child.codable = false;
    Theme plain;
    plain.id = "T3";
    p.themes = {root, child, plain};

    p.attributes = {{"A1", "Age", AttributeType::Integer, "years", {}},
                    {"A2", "Consent", AttributeType::Boolean, "", {}},
                    {"A3", "Born", AttributeType::Date, "", {{"refi:v", Json("x")}}},
                    {"A4", "Seen", AttributeType::DateTime, "", {}},
                    {"A5", "Score", AttributeType::Float, "", {}},
                    {"A6", "Note", AttributeType::Text, "", {}}};

    Source text;
    text.id = "S1";
    text.name = "Interview 1";
    text.kind = SourceKind::Text;
    text.description = "first";
    text.text = awkward("Hello world, this is a text 𝄞 with \r\n line endings.");
    text.mediaType = "text/plain";
    text.path = "internal://S1.txt";
    text.values = {{"A1", "42"}, {"A2", "true"}, {"A3", "2023-04-30"}, {"A4", "2023-04-30T12:00:00Z"}, {"A5", "3.5"}};
    text.audit = {"U1", "2023-01-02T00:00:00Z", "U1", "2023-01-03T00:00:00Z"};
    text.ext["refi:plainTextPath"] = Json("S1.txt");

    Source pdf;
    pdf.id = "S2";
    pdf.name = "Report";
    pdf.kind = SourceKind::Pdf;
    pdf.text = "";  // present but empty: must stay present
    std::string bytes;
    for (int i = 0; i < 1000; ++i) bytes += static_cast<char>(i * 7 % 256);
    pdf.content = std::make_shared<MemoryBlob>(bytes, "report.pdf");
    pdf.mediaType = "application/pdf";

    Source picture;
    picture.id = "S3";
    picture.kind = SourceKind::Picture;
    picture.content = std::make_shared<MemoryBlob>(std::string("\x89PNG\r\n\x1a\n\0\0", 10), "p.png");
    picture.mediaType = "image/png";

    Source audio;
    audio.id = "S4";
    audio.kind = SourceKind::Audio;
    audio.content = std::make_shared<MemoryBlob>(std::string(), "empty.mp3");  // zero bytes
    audio.mediaType = "audio/mpeg";
    Transcript tr;
    tr.id = "TR1";
    tr.name = "Transcript";
    tr.text = "Speaker A: hello. Speaker B: hi.";
    tr.syncPoints = {{"SP1", 0, 0, {}}, {"SP2", 1500, 17, {{"refi:sp", Json("x")}}}, {"SP3", 9223372036854775807LL, 33, {}}};
    tr.audit = {"U2", "", "", ""};
    tr.ext["refi:tr"] = Json::number("3");
    audio.transcripts = {tr};

    Source video;
    video.id = "S5";
    video.kind = SourceKind::Video;
    video.mediaType = "video/mp4";  // content unknown: no blob
    p.sources = {text, pdf, picture, audio, video};

    Excerpt e1;
    e1.id = "E1";
    e1.source = "S1";
    e1.name = "greeting";
    e1.anchor = TextSpan{0, 5};
    e1.quote = "Hello";
    e1.description = "desc";
    e1.codings = {{"C1", "T1", "U1", "2023-01-01T00:00:00Z", {{"refi:c", Json("1")}}}, {"", "T2", "", "", {}}};
    e1.audit = {"U1", "", "", ""};
    e1.ext["refi:e"] = Json(false);
    Excerpt e2;
    e2.id = "E2";
    e2.source = "S2";
    e2.anchor = PdfRegion{3, -10, 20, 300, 400};
    e2.codings = {{"C2", "T1", "", "", {}}};
    Excerpt e3;
    e3.id = "E3";
    e3.source = "S3";
    e3.anchor = ImageRegion{1, 2, 3, 4};
    Excerpt e4;
    e4.id = "E4";
    e4.source = "S4";
    e4.anchor = TimeSpan{0, 1500};
    e4.quote = "";
    Excerpt e5;
    e5.id = "E5";
    e5.source = "S4";
    e5.anchor = TranscriptSpan{"TR1", "SP1", "SP2"};
    Excerpt e6;
    e6.id = "E6";
    e6.source = "S5";
    e6.anchor = std::monostate{};
    Excerpt e7;
    e7.id = "E7";
    e7.source = "S1";
    e7.anchor = TextSpan{-9223372036854775807LL - 1, 9223372036854775807LL};
    p.excerpts = {e1, e2, e3, e4, e5, e6, e7};

    Memo m1;
    m1.id = "M1";
    m1.name = "Free memo";
    m1.text = awkward("A memo");
    Memo m2;
    m2.id = "M2";
    m2.text = "attached";
    m2.targets = {"T1", "S1", "E1", "{U2-BRACED}"};
    m2.audit = {"", "2023-02-02T00:00:00Z", "", ""};
    m2.ext["refi:m"] = Json::object();
    p.memos = {m1, m2};

    Case c1;
    c1.id = "CA1";
    c1.name = "Participant 1";
    c1.description = "case";
    c1.values = {{"A1", "31"}, {"A6", awkward("note")}};
    c1.themes = {"T3"};
    c1.sources = {"S1", "S4"};
    c1.excerpts = {"E1", "E5"};
    c1.ext["refi:case"] = Json("y");
    Case c2;
    c2.id = "CA2";
    p.cases = {c1, c2};

    Set s1;
    s1.id = "SET1";
    s1.name = "Set";
    s1.description = "d";
    s1.themes = {"T1", "T2"};
    s1.sources = {"S1"};
    s1.memos = {"M1"};
    s1.ext["refi:set"] = Json(nullptr);
    Set s2;
    s2.id = "SET2";
    p.sets = {s1, s2};
    return p;
}

/// Random projects: strings from a mixed alphabet (ASCII, NUL, controls,
/// 2-, 3- and 4-byte UTF-8), random ext trees, random anchors.
class RandomProjects {
public:
    explicit RandomProjects(unsigned seed) : _rng(seed) {}

    Project make(std::size_t entities) {
        Project p;
        p.name = str();
        p.description = str();
        p.origin = maybe(str());
        p.audit = audit();
        p.ext = ext();
        std::size_t n = std::max<std::size_t>(entities / 8, 1);
        for (std::size_t i = 0; i < n; ++i) p.users.push_back({id("U", i), str(), ext()});
        for (std::size_t i = 0; i < n; ++i) {
            Theme t;
            t.id = id("T", i);
            t.name = str();
            t.parent = i > 0 && coin() ? id("T", pick(i)) : "";
            t.color = coin() ? colour() : "";
            t.description = maybe(str());
            t.codable = coin();
            t.audit = audit();
            t.ext = ext();
            p.themes.push_back(t);
        }
        for (std::size_t i = 0; i < n; ++i)
            p.attributes.push_back({id("A", i), str(), static_cast<AttributeType>(pick(6)), maybe(str()), ext()});
        for (std::size_t i = 0; i < n; ++i) {
            Source s;
            s.id = id("S", i);
            s.name = str();
            s.kind = static_cast<SourceKind>(pick(5));
            s.description = maybe(str());
            if (coin()) s.text = str(200);
            if (coin()) {
                std::string bytes;
                std::size_t len = pick(3000);
                for (std::size_t k = 0; k < len; ++k) bytes += static_cast<char>(pick(256));
                s.content = std::make_shared<MemoryBlob>(bytes, "rnd");
            }
            s.mediaType = maybe("application/x-" + std::to_string(pick(100)));
            s.path = maybe(str());
            for (std::size_t k = 0, m = pick(3); k < m; ++k) s.values.push_back({id("A", pick(n)), str()});
            for (std::size_t k = 0, m = pick(2); k < m; ++k) {
                Transcript t{id("S" + std::to_string(i) + "TR", k), str(), str(100), {}, audit(), ext()};
                for (std::size_t q = 0, r = pick(4); q < r; ++q)
                    t.syncPoints.push_back({id("SP", q), num(), num(), ext()});
                s.transcripts.push_back(t);
            }
            s.audit = audit();
            s.ext = ext();
            p.sources.push_back(s);
        }
        for (std::size_t i = 0; i < entities; ++i) {
            Excerpt e;
            e.id = id("E", i);
            e.source = id("S", pick(n));
            e.name = maybe(str());
            switch (pick(6)) {
            case 0: e.anchor = std::monostate{}; break;
            case 1: e.anchor = TextSpan{num(), num()}; break;
            case 2: e.anchor = PdfRegion{num(), num(), num(), num(), num()}; break;
            case 3: e.anchor = ImageRegion{num(), num(), num(), num()}; break;
            case 4: e.anchor = TimeSpan{num(), num()}; break;
            default: e.anchor = TranscriptSpan{str(), str(), str()}; break;
            }
            if (coin()) e.quote = str();
            e.description = maybe(str());
            for (std::size_t k = 0, m = pick(3); k < m; ++k)
                e.codings.push_back({maybe(id("C", i * 10 + k)), id("T", (i + k) % n), maybe(str()), maybe(str()), ext()});
            e.audit = audit();
            e.ext = ext();
            p.excerpts.push_back(e);
        }
        for (std::size_t i = 0; i < n; ++i) {
            Memo m{id("M", i), str(), str(300), {}, audit(), ext()};
            for (std::size_t k = 0, q = pick(4); k < q; ++k) m.targets.push_back(id("E", pick(entities)));
            p.memos.push_back(m);
        }
        for (std::size_t i = 0; i < n; ++i) {
            Case c{id("CA", i), str(), maybe(str()), {}, {}, {}, {}, ext()};
            for (std::size_t k = 0, q = pick(3); k < q; ++k) c.values.push_back({id("A", k), str()});
            for (std::size_t k = 0, q = pick(3); k < q; ++k) c.themes.push_back(id("T", pick(n)));
            for (std::size_t k = 0, q = pick(3); k < q; ++k) c.sources.push_back(id("S", pick(n)));
            for (std::size_t k = 0, q = pick(3); k < q; ++k) c.excerpts.push_back(id("E", pick(entities)));
            p.cases.push_back(c);
        }
        for (std::size_t i = 0; i < n; ++i) {
            Set s{id("SET", i), str(), maybe(str()), {}, {}, {}, ext()};
            for (std::size_t k = 0, q = pick(3); k < q; ++k) s.themes.push_back(id("T", pick(n)));
            for (std::size_t k = 0, q = pick(3); k < q; ++k) s.sources.push_back(id("S", pick(n)));
            for (std::size_t k = 0, q = pick(3); k < q; ++k) s.memos.push_back(id("M", pick(n)));
            p.sets.push_back(s);
        }
        return p;
    }

private:
    std::size_t pick(std::size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(_rng); }
    bool coin() { return pick(2) == 1; }
    std::string maybe(std::string s) { return coin() ? s : std::string(); }
    std::int64_t num() {
        switch (pick(4)) {
        case 0: return static_cast<std::int64_t>(pick(1000));
        case 1: return -static_cast<std::int64_t>(pick(1000));
        case 2: return std::numeric_limits<std::int64_t>::max() - static_cast<std::int64_t>(pick(3));
        default: return std::numeric_limits<std::int64_t>::min() + static_cast<std::int64_t>(pick(3));
        }
    }
    std::string id(const std::string& prefix, std::size_t i) { return prefix + std::to_string(i); }
    std::string colour() {
        static const char hex[] = "0123456789ABCDEF";
        std::string c = "#";
        for (int i = 0; i < 6; ++i) c += hex[pick(16)];
        return c;
    }
    std::string str(std::size_t maxLen = 20) {
        static const char* pieces[] = {"a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t", "\x01", "\x1f", "\x7f",
                                       "é", "ß", "€", "中", "\xEF\xBF\xBF", "𝄞", "😀", "\xF4\x8F\xBF\xBF"};
        std::string s;
        for (std::size_t i = 0, n = pick(maxLen); i < n; ++i) {
            if (pick(30) == 0) {
                s += '\0';
            } else {
                s += pieces[pick(sizeof pieces / sizeof *pieces)];
            }
        }
        return s;
    }
    Audit audit() { return coin() ? Audit{} : Audit{maybe("U1"), maybe("2023-01-01T00:00:00Z"), maybe(str()), maybe(str())}; }
    Json json(int depth) {
        switch (depth > 3 ? pick(4) : pick(6)) {
        case 0: return Json(nullptr);
        case 1: return Json(coin());
        case 2: {
            static const char* numbers[] = {"0", "-0", "1.5e-300", "123456789012345678901234567890", "-3.25", "1E+2"};
            return Json::number(numbers[pick(6)]);
        }
        case 3: return Json(str());
        case 4: {
            Json::Array a;
            for (std::size_t i = 0, n = pick(4); i < n; ++i) a.push_back(json(depth + 1));
            return Json(std::move(a));
        }
        default: {
            Json::Object o;
            for (std::size_t i = 0, n = pick(4); i < n; ++i) o.emplace_back("k" + std::to_string(i) + str(3), json(depth + 1));
            return Json(std::move(o));
        }
        }
    }
    Extensions ext() {
        Extensions e;
        for (std::size_t i = 0, n = pick(3); i < n; ++i) e["rnd:" + str(5)] = json(0);
        return e;
    }

    std::mt19937 _rng;
};

} // namespace qdx::jsontest
