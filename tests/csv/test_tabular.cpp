// The shared table library: helpers, dialect detection and the dialect
// readers on small synthetic tables (what the XLSX plugin hands over too).

#include "qdx/tabular/Table.h"

#include "common/Fixtures.h"
#include "qdx/Errors.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

using namespace qdx;
using namespace qdx::tabular;

namespace {

Table table(std::vector<std::vector<std::string>> rows, std::string name = "Sheet1") {
    Table t;
    t.name = std::move(name);
    t.file = "synthetic.xlsx";
    t.rows = std::move(rows);
    return t;
}


const Theme* themeAt(const Project& p, const std::string& path) {
    for (const auto& t : p.themes) {
        std::string s;
        for (const auto& n : themePath(p, t.id)) s += (s.empty() ? "" : " > ") + n;
        if (s == path) return &t;
    }
    return nullptr;
}

} // namespace

TEST_CASE("formula guard and its exact inverse") {
    for (std::string s : {"=1+1", "+1", "-", "@user", "\tx", "\rx", "'=x", "''+y", "'tis", "plain", "", "'"}) {
        std::string g = s;
        bool changed = guardFormula(g);
        INFO(s);
        CHECK(isFormulaLike(g) == false);
        CHECK(changed == (g != s));
        std::string back = g;
        unguardFormula(back);
        CHECK(back == s);
    }
    std::string tis = "'tis";
    CHECK_FALSE(unguardFormula(tis));  // a leading ' that guards nothing stays
}

TEST_CASE("code paths per tool") {
    CHECK(splitPath("idiom > AI: idiom_en (14-wolf)", PathStyle::Maxqda) == std::vector<std::string>{"idiom", "AI: idiom_en (14-wolf)"});
    CHECK(splitPath("Parent\\Child", PathStyle::Maxqda) == std::vector<std::string>{"Parent", "Child"});
    CHECK(splitPath("Codes\\\\Economy\\Tourism", PathStyle::Nvivo) == std::vector<std::string>{"Economy", "Tourism"});
    CHECK(splitPath("Cases\\\\People\\\\Interview Participants\\Betty", PathStyle::Nvivo) ==
          std::vector<std::string>{"Interview Participants", "Betty"});
    CHECK(splitPath("cat3>>cat2>>code4", PathStyle::Qualcoder) == std::vector<std::string>{"cat3", "cat2", "code4"});
    CHECK(splitPath("A: B", PathStyle::Atlas) == std::vector<std::string>{"A", "B"});
    CHECK(splitPath("interesting.places", PathStyle::None) == std::vector<std::string>{"interesting.places"});
    CHECK(splitPath("\xC2\xA0", PathStyle::Maxqda).empty());
    CHECK(joinPath({"a", "b"}, PathStyle::Qualcoder) == "a>>b");
    CHECK(joinPath({"a", "b"}, PathStyle::Nvivo) == "Codes\\\\a\\b");
}

TEST_CASE("joined code cells are split against the known list, not on every comma") {
    std::vector<std::string> known{"Risks, threats", "Risks", "Trust", "AI, ethics and law"};
    std::vector<std::string> unknown;
    auto parts = splitJoinedCodes("Risks, threats, Trust, AI, ethics and law, New code", known, ", ", &unknown);
    CHECK(parts == std::vector<std::string>{"Risks, threats", "Trust", "AI, ethics and law", "New code"});
    CHECK(unknown == std::vector<std::string>{"New code"});
    CHECK(splitJoinedCodes("Risks", known, ", ") == std::vector<std::string>{"Risks"});
    CHECK(splitJoinedCodes("a\nb", {}, "\n") == std::vector<std::string>{"a", "b"});
    CHECK(splitJoinedCodes("  ", known, ", ").empty());
}

TEST_CASE("tool dates become ISO 8601") {
    CHECK(parseToolDate("01.07.24 14:54:45") == "2024-07-01T14:54:45");
    CHECK(parseToolDate("06.05.24 07:08") == "2024-05-06T07:08:00");
    CHECK(parseToolDate("3/25/25") == "2025-03-25");
    CHECK(parseToolDate("12/1/2019") == "2019-12-01");
    CHECK(parseToolDate("2023-04-30T10:00:00Z") == "2023-04-30T10:00:00Z");
    CHECK(parseToolDate("2023-01-01 10:00:00") == "2023-01-01T10:00:00");
    CHECK(parseToolDate("31.02") == "");
    CHECK(parseToolDate("tomorrow") == "");
    CHECK(parseToolDate("13/13/13") == "");
}

TEST_CASE("header normalisation and blank cells") {
    CHECK(normalizeHeader("  Creation Date \xC2\xA0") == "creation date");
    CHECK(normalizeHeader("FL\xC3\x84" "CHE") == "fl\xC3\xA4" "che");
    CHECK(isBlankCell("\xC2\xA0"));
    CHECK(isBlankCell(" \t"));
    CHECK_FALSE(isBlankCell("\xE2\x80\x8B"));  // a zero-width space is content
}

TEST_CASE("dialects are detected from headers, sheet names and title rows") {
    auto det = [](std::vector<std::string> header, std::string name = "Sheet1") {
        return detectDialect(table({header, {}}, name)).dialect;
    };
    CHECK(det({"Farbe", "Dokumentgruppe", "Dokumentname", "Code", "Anfang", "Ende", "Gewicht", "Segment"}) == Dialect::MaxqdaSegments);
    CHECK(det({"Color", "Document group", "Document name", "Code", "Beginning", "End", "Segment"}) == Dialect::MaxqdaSegments);
    CHECK(det({"Farbe", "Obercode", "Code", "Cod. Seg. (alle Dokumente)"}) == Dialect::MaxqdaCodeVariables);
    CHECK(det({"Dokumentgruppe", "Dokumentname", "Erstellt von", "Codierte Segmente", "Zeichen"}) == Dialect::MaxqdaDocumentVariables);
    CHECK(det({"Dokumentgruppe", "Dokumentname", "Code", "Dokumentset", "Titel", "Memotext", "Herkunft"}) == Dialect::MaxqdaMemos);
    CHECK(det({"Code", "Memo"}) == Dialect::MaxqdaCodeImport);
    CHECK(det({"Number", "Reference", "Name", "Text Content", "Document", "Codes", "Number of Codes", "Creation Date "}) ==
          Dialect::AtlasQuotations);
    CHECK(det({"Code", "Comment", "Code Group 1", "Code Group 2"}) == Dialect::AtlasCodebook);
    CHECK(det({"Code", "", "Magnitude Degree", "Density", "Groups"}) == Dialect::AtlasCodeList);
    CHECK(det({"id", "document", "tag", "content"}) == Dialect::TaguetteHighlights);
    CHECK(det({"document", "tag", "content"}) == Dialect::TaguetteHighlights);
    CHECK(det({"tag", "description", "number of highlights"}) == Dialect::TaguetteCodebook);
    CHECK(det({"File", "Coder", "Coded", "Id", "Codename", "Coded_Memo", "Category", "Category"}) == Dialect::QualcoderCodingReport);
    CHECK(det({"Media Title", "Excerpt Range", "Excerpt Copy", "Code: A\\B Applied"}) == Dialect::DedooseExcerpts);
    CHECK(det({"Source", "Verbatim quotes", "News/report source"}) == Dialect::SeedQuotes);
    CHECK(det({"Source", "Country", "Material type"}) == Dialect::SeedReports);
    CHECK(det({"excerpt_id", "source_id", "source_name", "theme_path"}) == Dialect::Tidy);
    CHECK(det({"case", "Age", "gender"}) == Dialect::QualcoderCases);
    CHECK(det({"x", "y"}, "Projektinformation") == Dialect::Ignored);
    CHECK(det({"what", "ever"}) == Dialect::Unknown);
    // A title row above the header (MAXQDA code system).
    auto cs = detectDialect(table({{"Liste der Codes", "", "", "Memo", "H\xC3\xA4ufigkeit"}, {"Codesystem", "", "", "", "46"}}));
    CHECK(cs.dialect == Dialect::MaxqdaCodeSystem);
    // Title rows before a real header are skipped.
    auto late = detectDialect(table({{"Export of 2024"}, {}, {"document", "tag", "content"}, {"d", "t", "c"}}));
    CHECK(late.dialect == Dialect::TaguetteHighlights);
    CHECK(late.headerRow == 2);
    CHECK(dialectFromName("MAXQDA-Segments") == Dialect::MaxqdaSegments);
    CHECK(dialectFromName("atlas.ti") == Dialect::AtlasQuotations);
    CHECK(dialectFromName("nonsense") == Dialect::Unknown);
}

TEST_CASE("MAXQDA sheets: segments with font colours, code system by column, code variables, memos") {
    const std::string nb = "\xC2\xA0";
    Table codes = table({{"Liste der Codes", "", "", "Memo", "H\xC3\xA4ufigkeit"},
                         {"Codesystem", "", "", nb, "5"},
                         {nb, "idiom", "", "idiome", "3"},
                         {nb, nb, "AI: idiom_en (14-wolf)", nb, "2"},
                         {nb, "phon", "", "phonetic", "2"}},
                        "Liste der Codes");
    Table seg = table({{"Farbe", "Dokumentname", "Code", "Gewicht", "Segment", "Erstellt von", "Erstellt am", "Kommentar",
                        "Dokumentgruppe", "Anfang", "Ende"},
                       {"\xE2\x97\x8F", "doc-1", "idiom > AI: idiom_en (14-wolf)", "0", "wer \xE2\x80\x8B\na sagt", "guhl",
                        "21.01.25 07:52:48", "AI: note", nb, "5", "5"},
                       {"\xE2\x97\x8F", "doc-1", "idiom", "0", "wer \xE2\x80\x8B\na sagt", "guhl", "21.01.25 07:52:48", "", nb, "5", "5"},
                       {"\xE2\x97\x8F", "doc-1", "phon", "20", "Lippen", "guhl", "21.01.25 07:53:00", "", "Gruppe A", "7", "7"}},
                      "Codierte Segmente");
    seg.styles[{1, 0}].fontColor = "#20D8FF";
    seg.styles[{3, 0}].fontColor = "#FF0000";
    Table vars = table({{"Farbe", "Code", "Cod. Seg. (alle Dokumente)", "Erstellt von", "Erstellt am", "Code-Alias", "EmojiID"},
                        {"\xE2\x97\x8F", "phon", "2", "guhl", "21.01.25 07:58:17", "ph", ""}},
                       "Dateneditor (Codevariablen)");
    Table memos = table({{"Dokumentgruppe", "Dokumentname", "Code", "Dokumentset", "Titel", "Erstellt von", "Erstellt am", "Memotext",
                          "Herkunft", "Anfang", "Ende"},
                         {nb, "", "idiom", nb, "idiom", "guhl", "21.01.25 07:52:47", "idiome, redewendungen", "Code", "", ""}},
                        "Memos");
    Table info = table({{"", ""}, {"21.01.25", nb}}, "Projektinformation");
    Diagnostics d;
    // Sheet order of the real export: segments before the code list; the reader orders them.
    Project p = tablesToProject({info, seg, codes, vars, memos}, {}, d);
    CHECK(test::themePathSet(p) == std::set<std::string>{"idiom", "idiom > AI: idiom_en (14-wolf)", "phon"});
    CHECK(themeAt(p, "idiom")->description == "idiome");
    CHECK(themeAt(p, "idiom > AI: idiom_en (14-wolf)")->color == "#20D8FF");
    CHECK(themeAt(p, "phon")->color == "#FF0000");
    CHECK(themeAt(p, "phon")->ext.at("maxqda:alias") == Json("ph"));
    CHECK(themeAt(p, "phon")->ext.at("maxqda:frequency").numberText() == "2");
    REQUIRE(p.excerpts.size() == 2);  // two rows on the same segment are one excerpt with two codings
    CHECK(p.excerpts[0].codings.size() == 2);
    CHECK(*p.excerpts[0].quote == "wer \xE2\x80\x8B\na sagt");  // U+200B and the line break are kept
    CHECK(p.excerpts[0].description == "AI: note");
    CHECK(p.excerpts[0].audit.created == "2025-01-21T07:52:48");
    CHECK(p.excerpts[0].ext.at("maxqda:begin").numberText() == "5");
    CHECK(p.excerpts[1].codings[0].ext.at("maxqda:weight").numberText() == "20");
    REQUIRE(p.sets.size() == 1);  // only "Gruppe A": a lone U+00A0 is no group
    CHECK(p.sets[0].name == "Gruppe A");
    REQUIRE(p.memos.size() == 1);
    CHECK(p.memos[0].targets == std::vector<std::string>{themeAt(p, "idiom")->id});
    CHECK(p.users.size() == 1);
    CHECK(d.countCode("info.table-ignored") == 1);
    // Ids are deterministic: the same sheets give the same project.
    Diagnostics d2;
    Project again = tablesToProject({info, seg, codes, vars, memos}, {}, d2);
    CHECK(again.excerpts[0].id == p.excerpts[0].id);
    CHECK(again.themes[0].id == p.themes[0].id);
}

TEST_CASE("MAXQDA document variables: -9 missing, U+00A0 groups, inferred types") {
    Table t = table({{"Dokumentgruppe", "Dokumentname", "Erstellt von", "Erstellt am", "Codierte Segmente", "PDF-Seiten", "Zeichen", "Thema"},
                     {"\xC2\xA0", "\xE2\x80\x9EWerde das nicht\xE2\x80\x9C", "guhl", "26.05.24 08:13:15", "0", "-9", "18756", "Politik"},
                     {"G1", "zwei", "guhl", "26.05.24 08:13:15", "3", "4", "2989", "-9"}});
    Diagnostics d;
    Project p = tablesToProject({t}, {}, d);
    REQUIRE(p.sources.size() == 2);
    CHECK(p.sources[0].name == "\xE2\x80\x9EWerde das nicht\xE2\x80\x9C");
    auto attr = [&](const std::string& n) {
        for (const auto& a : p.attributes)
            if (a.name == n) return &a;
        return static_cast<const Attribute*>(nullptr);
    };
    REQUIRE(attr("Zeichen"));
    CHECK(attr("Zeichen")->type == AttributeType::Integer);
    CHECK(attr("Thema")->type == AttributeType::Text);  // a user variable keeps its -9
    std::size_t pdfValues = 0;
    for (const auto& s : p.sources)
        for (const auto& v : s.values)
            if (v.attribute == attr("PDF-Seiten")->id) ++pdfValues;
    CHECK(pdfValues == 1);
    CHECK(d.countCode("info.maxqda-missing") == 1);
    CHECK(p.sources[0].audit.created == "2024-05-26T08:13:15");
}

TEST_CASE("ATLAS.ti quotations split their Codes cell against the codebook") {
    Table book = table({{"Code", "Comment", "Code Group 1", "Code Group 2"},
                        {"Risks", "", "Themes", ""},
                        {"Risks: threats, harms", "with a comma", "", "ATLAS"},
                        {"Trust", "", "", ""}});
    Table quotes = table({{"Number", "Reference", "Name", "Text Content", "Document", "Codes", "Number of Codes", "Comment",
                           "Initial Position", "Final Position", "Extens\xC3\xA3o", "Creation Date ", "Modification Date"},
                          {"1:1", "\xC2\xB6\xE2\x80\x89" "3", "", "some text", "Doc A", "threats, harms, Trust", "2", "c", "3", "3", "1",
                           "3/25/25", "5/12/25"},
                          {"1:2", "\xC2\xB6 4", "", "more", "Doc A", "Brand new", "1", "", "4", "4", "1", "3/25/25", "3/25/25"}});
    Diagnostics d;
    Project p = tablesToProject({quotes, book}, {}, d);
    REQUIRE(p.excerpts.size() == 2);
    REQUIRE(p.excerpts[0].codings.size() == 2);
    CHECK(p.excerpts[0].codings[0].theme == themeAt(p, "Risks > threats, harms")->id);
    CHECK(p.excerpts[0].codings[1].theme == themeAt(p, "Trust")->id);
    CHECK(p.excerpts[0].audit.created == "2025-03-25");
    CHECK(p.excerpts[0].ext.at("atlasti:id") == Json("1:1"));
    CHECK(p.excerpts[0].ext.count("atlasti:Extens\xC3\xA3o") == 1);  // unknown columns travel as ext
    CHECK(themeAt(p, "Brand new"));
    CHECK(d.countCode("lossy.codes-split") == 0);
    std::set<std::string> sets;
    for (const auto& s : p.sets) sets.insert(s.name);
    CHECK(sets == std::set<std::string>{"Themes", "ATLAS"});
}

TEST_CASE("QualCoder coding report: repeated Category columns, leaf to root") {
    Table t = table({{"Case", "Filename", "Coder", "Coded", "Id", "Codename", "Coded_Memo", "Category", "Category", "FileVar_Age", "CaseVar_Sex"},
                     {"ID1", "f1.txt", "colin", "some text", "ctid:1", "code4", "memo!", "cat2", "cat3", "20", "f"},
                     {"ID1", "f1.txt", "colin", "image", "imid:2", "code5", "", "cat3", "", "20", "f"}});
    Diagnostics d;
    Project p = tablesToProject({t}, {}, d);
    CHECK(test::themePathSet(p) == std::set<std::string>{"cat3", "cat3 > cat2", "cat3 > cat2 > code4", "cat3 > code5"});
    CHECK_FALSE(themeAt(p, "cat3")->codable);
    REQUIRE(p.excerpts.size() == 2);
    CHECK(p.excerpts[0].description == "memo!");
    CHECK_FALSE(p.excerpts[1].quote.has_value());
    CHECK(p.sources[0].kind == SourceKind::Picture);
    REQUIRE(p.cases.size() == 1);
    CHECK(p.cases[0].sources.size() == 1);
    CHECK(p.cases[0].values.size() == 1);
    CHECK(d.countCode("lossy.media-anchor") == 1);
}

TEST_CASE("Dedoose excerpts: Code: … Applied columns with backslash paths") {
    Table t = table({{"Media Title", "Excerpt Range", "Excerpt Creator", "Excerpt Date", "Excerpt Copy", "Codes Applied Combined",
                      "Code: Gateway to Support\\Becoming a Gateway Applied", "Code: Gateway to Support\\Becoming a Gateway Weight",
                      "Code: Trust Applied", "Age"},
                     {"Interview 1", "10-52", "ana", "1/5/2021", "text one", "Becoming a Gateway", "True", "3", "False", "30"},
                     {"Interview 1", "60-80", "ana", "1/6/2021", "text two", "Trust", "False", "", "True", "30"}});
    Diagnostics d;
    Project p = tablesToProject({t}, {}, d);
    CHECK(test::themePathSet(p) == std::set<std::string>{"Gateway to Support", "Gateway to Support > Becoming a Gateway", "Trust"});
    REQUIRE(p.excerpts.size() == 2);
    REQUIRE(p.excerpts[0].codings.size() == 1);
    CHECK(p.excerpts[0].codings[0].ext.at("dedoose:weight").numberText() == "3");
    CHECK(p.excerpts[1].codings[0].theme == themeAt(p, "Trust")->id);
    CHECK(p.excerpts[0].ext.at("dedoose:range") == Json("10-52"));
    CHECK(p.excerpts[0].audit.created == "2021-01-05");
    REQUIRE(p.sources.size() == 1);
    CHECK(p.sources[0].values.size() == 1);  // descriptor "Age"
}

TEST_CASE("the seed quote sheet, with a column map for freely named columns") {
    Table t = table({{"Outlet", "Text", "URL", "Theme", "Ecosystem level"},
                     {"USAID, 2021", "Until 2016, international agencies funded such services", "https://usaid.gov/x",
                      "Shelter and psychosocial support", "Microsystem"},
                     {"USAID, 2021", "second quote", "https://usaid.gov/x", "", ""},
                     {"UNODC, 2022a", "third", "UNODC web report", "Macrosystem > Tightening legislation\nMesosystem > Awareness", ""}});
    Diagnostics d;
    ReadOptions o;
    o.columns = "source:Outlet,quote:Text";
    o.dialect = Dialect::SeedQuotes;
    Project p = tablesToProject({t}, o, d);
    CHECK(p.sources.size() == 2);
    CHECK(p.excerpts.size() == 3);
    CHECK(std::holds_alternative<std::monostate>(p.excerpts[0].anchor));
    CHECK(test::themePathSet(p) == std::set<std::string>{"Microsystem", "Microsystem > Shelter and psychosocial support", "Macrosystem",
                                            "Macrosystem > Tightening legislation", "Mesosystem", "Mesosystem > Awareness"});
    CHECK(p.excerpts[2].codings.size() == 2);
    // "reference" and, for links, "url" attributes.
    std::set<std::string> names;
    for (const auto& a : p.attributes) names.insert(a.name);
    CHECK(names == std::set<std::string>{"reference", "url"});
    CHECK(p.sources[0].values.size() == 2);
    CHECK(p.sources[1].values.size() == 1);
    ReadOptions bad;
    bad.columns = "nonsense:X";
    CHECK_THROWS_AS(tablesToProject({t}, bad, d), UsageError);
}

TEST_CASE("an unknown layout is an InputError naming the file and suggesting -o dialect") {
    Diagnostics d;
    try {
        tablesToProject({table({{"what", "ever"}, {"1", "2"}})}, {}, d);
        FAIL("no error");
    } catch (const InputError& e) {
        CHECK(std::string(e.what()).find("synthetic.xlsx") != std::string::npos);
        CHECK(std::string(e.what()).find("dialect") != std::string::npos);
    }
}

TEST_CASE("projectToTables streams the tidy layout with one row per coding") {
    Project p;
    p.themes = {{"T1", "Level", "", "#112233", "", false, {}, {}}, {"T2", "Theme", "T1", "", "d", true, {}, {}}};
    Source s;
    s.id = "S1";
    s.name = "Doc";
    s.text = "abcdef";
    p.sources.push_back(s);
    Excerpt e;
    e.id = "E1";
    e.source = "S1";
    e.anchor = TextSpan{1, 3};
    e.quote = "bc";
    e.codings = {{"", "T2", "", "", {}}, {"", "T1", "", "", {}}};
    Excerpt bare = e;
    bare.id = "E2";
    bare.codings.clear();
    p.excerpts = {e, bare};
    Diagnostics d;
    WriteOptions o;
    auto tables = projectToTables(p, o, d);
    REQUIRE(tables.size() == tidyTableNames().size());
    const Table& codings = tables[1];
    CHECK(codings.name == "codings");
    REQUIRE(codings.rows.size() == 4);  // header + 2 codings + 1 uncoded excerpt
    CHECK(codings.rows[1][3] == "Level > Theme");
    CHECK(codings.rows[1][5] == "1");
    CHECK(codings.rows[3][3].empty());
    // Back in: the same excerpts and codings.
    Diagnostics d2;
    Project back = tablesToProject(tables, {}, d2);
    REQUIRE(back.excerpts.size() == 2);
    CHECK(back.excerpts[0].codings.size() == 2);
    CHECK(back.excerpts[1].codings.empty());
    CHECK(std::get<TextSpan>(back.excerpts[0].anchor).end == 3);
    CHECK(back.themes[0].color == "#112233");
    CHECK_FALSE(back.themes[0].codable);
}

TEST_CASE("MAXQDA: the same code twice on equal text in one paragraph is two segments") {
    Table t = table({{"Farbe", "Dokumentname", "Code", "Anfang", "Ende", "Segment"},
                     {"\xE2\x97\x8F", "d", "A", "3", "3", "Opfer"},
                     {"\xE2\x97\x8F", "d", "B", "3", "3", "Opfer"},
                     {"\xE2\x97\x8F", "d", "A", "3", "3", "Opfer"}});
    Diagnostics d;
    Project p = tablesToProject({t}, {}, d);
    REQUIRE(p.excerpts.size() == 2);
    CHECK(p.excerpts[0].codings.size() == 2);
    CHECK(p.excerpts[1].codings.size() == 1);
    CHECK(p.excerpts[0].id != p.excerpts[1].id);
    CHECK(d.countCode("lossy.theme-colour") == 1);  // glyphs without a font colour
}

TEST_CASE("MAXQDA document list: groups and documents by column") {
    const std::string nb = "\xC2\xA0";
    Table t = table({{"Liste der Dokumente", "", "", "#"},
                     {"Dokumente", "", "", "46"},
                     {nb, "Gruppe 1", "", "3"},
                     {nb, nb, "doc-a", "2"},
                     {nb, nb, "doc-b", "1"},
                     {nb, "14-wolf-falsche-freunde", "", "46"}},
                    "Liste der Dokumente ");
    Diagnostics d;
    Project p = tablesToProject({t}, {}, d);
    REQUIRE(p.sources.size() == 3);
    CHECK(p.sources[2].name == "14-wolf-falsche-freunde");
    REQUIRE(p.sets.size() == 1);
    CHECK(p.sets[0].name == "Gruppe 1");
    CHECK(p.sets[0].sources.size() == 2);
}

TEST_CASE("QualCoder's own attribute exports keep Memo, Id and Files out of the attributes") {
    Table cases = table({{"Name", "Memo", "Id", "Files", "Age"}, {"ID1", "a memo", "1", "f1.txt", "20"}}, "Case Attributes");
    Table files = table({{"Name", "Memo", "Date", "Id", "Case", "Source"}, {"f1.txt", "", "2023-01-01 10:00:00", "7", "ID1", "web"}},
                        "File Attributes");
    Diagnostics d;
    Project p = tablesToProject({cases, files}, {}, d);
    REQUIRE(p.cases.size() == 1);
    CHECK(p.cases[0].description == "a memo");
    CHECK(p.cases[0].sources.size() == 1);
    REQUIRE(p.attributes.size() == 2);
    CHECK(p.attributes[0].name == "Age");
    CHECK(p.attributes[1].name == "Source");
    REQUIRE(p.sources.size() == 1);
    CHECK(p.sources[0].values.size() == 1);
    CHECK(p.sources[0].ext.at("qualcoder:id") == Json("7"));
    CHECK(p.sources[0].audit.created == "2023-01-01T10:00:00");
}
