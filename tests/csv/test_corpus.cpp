// Every .csv/.txt of the shared corpus (tabular/**) imports with the row,
// excerpt and theme counts asserted per file. The expected numbers were
// computed independently with Python's csv module (/usr/bin/python3), e.g.
//   rows = list(csv.reader(open(f, newline='', encoding='utf-8'), delimiter=';'))
// counting data rows, distinct (document, start, end, segment) keys,
// distinct code paths including their ancestors, distinct group names.

#include "CsvFormat.h"

#include "qdx/Input.h"
#include "qdx/Validate.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <set>

using namespace qdx;

namespace {

std::string corpus() {
    const char* c = std::getenv("QDX_CORPUS");
    return c && *c ? c : "";
}

struct Expect {
    const char* file;
    const char* dialect;  // what detection must pick
    std::size_t rows;     // data rows (header excluded)
    std::size_t sources, excerpts, codings, themes, cases, sets;
};

// Counts from Python (see the header comment); comments say what decided them.
const Expect kFiles[] = {
    // 465 rows: 18 top-level codes (column 1) + 447 sub-codes (column 2); groups ATLAS, Research_1, Research_2, Themes.
    {"tabular/atlasti/ICSA26-edgeai__20250914_code_list_frequencies.csv", "atlasti-codelist", 465, 0, 0, 0, 465, 0, 4},
    // 465 names "Parent: Child" resolve to 465 paths (18 roots); groups ATLAS, Research 1, Research 2, Themes.
    {"tabular/atlasti/ICSA26-edgeai__20250914_codebook_full.csv", "atlasti-codebook", 465, 0, 0, 0, 465, 0, 4},
    // 117 rows, all distinct segments; codes LXmarker > 1st-PPrSg, LXmarker > x-PPr (+ parent) = 3; one document.
    {"tabular/maxqda/SPUND-LX__psych_data_schilder1918-1-codedsegments.csv", "maxqda-segments", 117, 1, 117, 117, 3, 0, 0},
    // 3 cases ID1..ID3 with Age, gender, interest.
    {"tabular/qualcoder/QualCoder__cases123.csv", "qualcoder-cases", 3, 0, 0, 0, 0, 3, 0},
    {"tabular/qualcoder/QualCoder__cases123_replace_data.csv", "qualcoder-cases", 3, 0, 0, 0, 0, 3, 0},
    // 3 cases; freetext non-empty in all 3 rows -> 3 sources/excerpts coded "freetext".
    {"tabular/qualcoder/QualCoder__survey456.csv", "qualcoder-survey", 3, 3, 3, 3, 1, 3, 0},
    // 6 lines; paths incl. ancestors: code1, cat1, cat1>>code2, cat1>>code3, cat3, cat3>>cat2, cat3>>cat2>>code4, cat3>>code5, code6.
    {"tabular/qualcoder/QualCoder__plain_codes_categories_for_import.txt", "qualcoder-codes", 6, 0, 0, 0, 9, 0, 0},
    // 422 rows, 36 documents, 31 distinct tags, 319 distinct (document, content), 421 distinct (document, content, tag).
    {"tabular/taguette/AIguidelines__all_tags.csv", "taguette-highlights", 422, 36, 319, 421, 31, 0, 0},
};

Options readOptions() {
    csv::CsvFormatProvider prov;
    return Options({}, prov.info().options);
}

} // namespace

TEST_CASE("every corpus CSV/TXT imports with the expected counts") {
    if (corpus().empty()) {
        WARN("QDX_CORPUS unset — skipping the corpus tests");
        return;
    }
    for (const auto& x : kFiles) {
        std::string path = corpus() + "/" + x.file;
        INFO(path);
        std::ifstream f(path, std::ios::binary);
        REQUIRE(f);
        std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
        Diagnostics pd;
        auto t = csv::parseCsv(bytes, path, {}, pd);
        CHECK(t.rows.size() - (std::string(x.dialect) == "qualcoder-codes" ? 0 : 1) == x.rows);
        CHECK(tabular::dialectName(tabular::detectDialect(t).dialect) == std::string(x.dialect));

        csv::CsvImporter imp;
        Input in = Input::fromFile(path);
        CHECK(imp.probe(in) >= 60);
        Diagnostics d;
        Project p = imp.read(in, readOptions(), d);
        CHECK(p.sources.size() == x.sources);
        CHECK(p.excerpts.size() == x.excerpts);
        CHECK(p.codingCount() == x.codings);
        CHECK(p.themes.size() == x.themes);
        CHECK(p.cases.size() == x.cases);
        CHECK(p.sets.size() == x.sets);
        Diagnostics vd;
        CHECK(validateProject(p, vd) == 0);
        for (const auto& v : vd.all()) WARN(v.message);
    }
}

TEST_CASE("corpus details: hierarchy, glyphs, dates, memos, no-id merge") {
    if (corpus().empty()) {
        WARN("QDX_CORPUS unset — skipping the corpus tests");
        return;
    }
    csv::CsvImporter imp;
    auto read = [&](const char* f, Diagnostics& d) { return imp.read(Input::fromFile(corpus() + "/" + f), readOptions(), d); };
    {
        Diagnostics d;
        Project p = read("tabular/atlasti/ICSA26-edgeai__20250914_code_list_frequencies.csv", d);
        std::size_t top = 0;
        for (const auto& t : p.themes) {
            if (t.parent.empty()) ++top;
            CHECK(t.name.rfind("\xE2\x97\x8F", 0) == std::string::npos);  // the ● prefix is stripped
        }
        CHECK(top == 18);
        CHECK(p.themes[0].name == "T1. Edge Connectivity & Communication Protocols");
        CHECK(p.themes[0].audit.created == "2025-04-07");  // 4/7/25
        CHECK(p.themes[0].ext.at("atlasti:groundedness").numberText() == "112");
    }
    {
        Diagnostics d;
        Project p = read("tabular/atlasti/ICSA26-edgeai__20250914_codebook_full.csv", d);
        std::size_t top = 0;
        for (const auto& t : p.themes)
            if (t.parent.empty()) ++top;
        CHECK(top == 18);
        CHECK(p.themes[1].name == "Adverse Network Conditions");
        CHECK(p.themes[1].parent == p.themes[0].id);
    }
    {
        Diagnostics d;
        Project p = read("tabular/maxqda/SPUND-LX__psych_data_schilder1918-1-codedsegments.csv", d);
        CHECK(d.countCode("lossy.theme-colour") == 1);  // the ● without its font colour
        // Weights 1 and 2 survive as coding extensions.
        std::set<std::string> weights;
        for (const auto& e : p.excerpts)
            for (const auto& c : e.codings) weights.insert(c.ext.at("maxqda:weight").numberText());
        CHECK(weights == std::set<std::string>{"1", "2"});
        CHECK(p.excerpts[4].quote.value_or("") == "befinde ich\nmich geistig");  // bare LF inside a quoted CRLF file
    }
    {
        Diagnostics d;
        Project p = read("tabular/qualcoder/QualCoder__plain_codes_categories_for_import.txt", d);
        std::size_t memos = 0, notCodable = 0;
        for (const auto& t : p.themes) {
            if (!t.description.empty()) ++memos;
            if (!t.codable) ++notCodable;
        }
        CHECK(memos == 2);
        CHECK(notCodable == 3);  // cat1, cat3, cat2 are categories
    }
    {
        Diagnostics d;
        Project p = read("tabular/qualcoder/QualCoder__survey456.csv", d);
        // ID5 has an empty Age: two values, typed integer.
        std::size_t ages = 0;
        for (const auto& c : p.cases)
            for (const auto& v : c.values)
                for (const auto& a : p.attributes)
                    if (a.id == v.attribute && a.name == "Age") {
                        ++ages;
                        CHECK(a.type == AttributeType::Integer);
                    }
        CHECK(ages == 2);
        // The trailing space inside quotes is part of the answer.
        bool trailing = false;
        for (const auto& s : p.sources)
            if (s.text && !s.text->empty() && s.text->back() == ' ') trailing = true;
        CHECK(trailing);
    }
    {
        Diagnostics d;
        Project p = read("tabular/taguette/AIguidelines__all_tags.csv", d);
        CHECK(d.countCode("quirk.taguette-no-id") == 1);
    }
}
