#include "TeamFixtures.h"
#include "common/Fixtures.h"

#include "JsonFormat.h"
#include "qdx/Compare.h"
#include "qdx/Input.h"
#include "qdx/Validate.h"
#include "qdx/team/Agreement.h"
#include "qdx/team/Merge.h"

#include <catch2/catch.hpp>

using namespace qdx;
using namespace qdx::team;
using qdx::test::ProjectBuilder;

namespace {

Project sample(const std::string& name) {
    Diagnostics d;
    return jsonfmt::readProject(Input::fromFile(std::string(QDX_SAMPLES) + "/hti-central-asia/" + name), {}, d);
}

MergeResult merge(const Project& a, const Project& b, Diagnostics& d, MergeOptions o = {}, std::string la = "a",
                  std::string lb = "b") {
    return mergeProjects({&a, la}, {&b, lb}, o, d);
}

std::size_t problems(const Project& p) {
    Diagnostics d;
    return validateProject(p, d);
}

/// The rich fixture with a coder on every coding (a coding without one gets a new user).
Project richWithCoders() {
    Project p = test::richProject();
    for (auto& e : p.excerpts)
        for (auto& c : e.codings)
            if (c.creator.empty()) c.creator = "U1";
    return p;
}

} // namespace

TEST_CASE("merging a project with itself gives the project") {
    for (const Project& p : {sample("hti-central-asia.json"), richWithCoders()}) {
        Diagnostics d;
        auto m = merge(p, p, d);
        auto diffs = compareProjects(m.project, p);
        for (const auto& x : diffs) UNSCOPED_INFO(x.path << ": " << x.left << " | " << x.right);
        CHECK(diffs.empty());
        CHECK(d.count(Severity::Lossy) == 0);
        CHECK(m.summary.codingsAdded == 0);
        CHECK(m.summary.codingsSame == p.codingCount());
    }
}

TEST_CASE("merging with the same project under other ids gives the project") {
    Project a = richWithCoders();
    Project b = test::withGuidIds(a);
    Diagnostics d;
    auto m = merge(a, b, d);
    auto diffs = compareProjects(m.project, a);
    for (const auto& x : diffs) UNSCOPED_INFO(x.path << ": " << x.left << " | " << x.right);
    CHECK(diffs.empty());
    CHECK(m.summary.sourcesMatched == a.sources.size());
    CHECK(m.summary.themesMatched == a.themes.size());
}

TEST_CASE("conflicts are reported and B's value kept beside A's") {
    Project a = richWithCoders();
    Project b = a;
    b.themes[1].color = "#000000";                      // Tightening legislation
    b.themes[1].description = "Other words";
    b.sources[0].values[1].value = "Uzbekistan";        // Country
    b.themes[2].name = "Collaboration (renamed)";       // another path, the same id
    Diagnostics d;
    auto m = merge(a, b, d, {}, "ana", "bo");
    CHECK(d.countCode("lossy.merge-conflict") == 3);
    // the renamed theme's id, and the ids of B's four codings of it (now other codings)
    CHECK(d.countCode("lossy.merge-id-clash") == 5);
    const Theme& t = m.project.themes[1];
    CHECK(t.color == "#FF8800");
    const Json& c = t.ext.at("team:conflicts");
    REQUIRE(c.asArray().size() == 2);
    CHECK(c.asArray()[0].find("value")->asString() == "#000000");
    CHECK(c.asArray()[0].find("from")->asString() == "bo");
    REQUIRE(m.project.themes.size() == a.themes.size() + 1);
    CHECK(m.project.themes.back().name == "Collaboration (renamed)");
    CHECK(m.project.themes.back().id != "T3");
    CHECK(problems(m.project) == 0);
    // B's codings of the renamed theme point at the added theme
    std::size_t onRenamed = 0;
    for (const auto& e : m.project.excerpts)
        for (const auto& cd : e.codings) onRenamed += cd.theme == m.project.themes.back().id;
    CHECK(onRenamed == 4);
}

TEST_CASE("codings keep their coder; one without a user gets its file's") {
    auto a = ProjectBuilder().user("U", "Ana").theme("T", "T").source("S", "Doc", std::string("0123456789"))
                 .code("E1", "S", 0, 5, "T", "U").p;
    auto b = ProjectBuilder().theme("X", "T").source("Q", "Doc", std::string("0123456789"))
                 .code("F1", "Q", 0, 5, "X").code("F2", "Q", 5, 9, "X").p;
    Diagnostics d;
    auto m = merge(a, b, d, {}, "ana", "coder-b");
    REQUIRE(m.project.users.size() == 2);
    CHECK(m.project.users[1].name == "coder-b");
    REQUIRE(m.project.excerpts.size() == 2);
    REQUIRE(m.project.excerpts[0].codings.size() == 2);  // the same span, two coders
    CHECK(m.project.excerpts[0].codings[1].creator == m.project.users[1].id);
    CHECK(m.project.excerpts[1].codings[0].creator == m.project.users[1].id);
    CHECK(problems(m.project) == 0);

    Diagnostics d2;
    MergeOptions files;
    files.codersFromFiles = true;
    auto m2 = merge(a, b, d2, files, "file-a", "file-b");
    CHECK(m2.project.excerpts[0].codings[0].ext.at("team:creator").asString() == "Ana");
    CHECK(m2.project.excerpts[0].codings[0].creator != "U");
    CHECK(d2.countCode("info.merge-coder-from-file") == 1);
}

TEST_CASE("the same user in both files is one person, and said so") {
    auto a = ProjectBuilder().user("U", "admin").theme("T", "T").source("S", "Doc", std::string("0123456789"))
                 .code("E1", "S", 0, 5, "T", "U").p;
    auto b = ProjectBuilder().user("V", "admin").theme("X", "T").source("Q", "Doc", std::string("0123456789"))
                 .code("F1", "Q", 0, 5, "X", "V").code("F2", "Q", 2, 9, "X", "V").p;
    Diagnostics d;
    auto m = merge(a, b, d);
    CHECK(d.countCode("info.merge-same-coder") == 1);
    CHECK(m.project.users.size() == 1);
    CHECK(m.summary.codingsSame == 1);   // the same theme, span and coder: one coding
    CHECK(m.summary.codingsAdded == 1);
}

TEST_CASE("B's offsets follow A's form of the text") {
    auto a = ProjectBuilder().user("U", "Ana").theme("T", "T").source("S", "Doc", std::string("ab\r\ncd\r\nef"))
                 .code("E1", "S", 4, 6, "T", "U").p;
    auto b = ProjectBuilder().user("V", "Bo").theme("X", "T").source("Q", "Doc", std::string("ab\ncd\nef"))
                 .code("F1", "Q", 3, 5, "X", "V").code("F2", "Q", 6, 8, "X", "V").p;
    b.excerpts[1].quote = "ef";
    Diagnostics d;
    auto m = merge(a, b, d);
    REQUIRE(m.project.excerpts.size() == 2);
    CHECK(m.project.excerpts[0].codings.size() == 2);  // "cd" by both, on A's offsets 4..6
    const auto& added = std::get<TextSpan>(m.project.excerpts[1].anchor);
    CHECK(added.start == 8);
    CHECK(added.end == 10);
    CHECK(*m.project.excerpts[1].quote == "ef");
    CHECK(problems(m.project) == 0);
}

TEST_CASE("agreement on the merged project with --coders equals agreement on the two files") {
    Project a = sample("hti-central-asia.json");
    Project b = sample("hti-central-asia-coder2.json");
    Diagnostics d;
    auto m = merge(a, b, d, {}, "hti-central-asia", "hti-central-asia-coder2");
    CHECK(problems(m.project) == 0);
    CHECK(d.countCode("lossy.merge-conflict") == 1);  // the colour of Tightening legislation
    for (Unit unit : {Unit::Character, Unit::Segment}) {
        AgreeOptions o;
        o.unit = unit;
        auto direct = computeAgreement({&a, "a", ""}, {&b, "b", ""}, o);
        auto merged = computeAgreement({&m.project, "m", a.users[0].id}, {&m.project, "m", b.users[0].name}, o);
        REQUIRE(direct.themes.size() == merged.themes.size());
        for (std::size_t i = 0; i < direct.themes.size(); ++i) {
            INFO(direct.matching.themes[i].path);
            const auto &x = direct.themes[i], &y = merged.themes[i];
            CHECK(x.pooled.both == y.pooled.both);
            CHECK(x.pooled.aOnly == y.pooled.aOnly);
            CHECK(x.pooled.bOnly == y.pooled.bOnly);
            CHECK(x.pooled.neither == y.pooled.neither);
            CHECK(x.kappaWeighted == y.kappaWeighted);
            CHECK(x.kappaMean == y.kappaMean);
            CHECK(x.alpha == y.alpha);
            CHECK(x.segments.agreements() == y.segments.agreements());
            CHECK(x.segments.disagreements() == y.segments.disagreements());
        }
        CHECK(direct.overall.kappaWeighted == merged.overall.kappaWeighted);
        CHECK(direct.overall.segmentKappa == merged.overall.segmentKappa);
        CHECK(direct.disagreements.size() == merged.disagreements.size());
        CHECK(direct.overall.pooled.aOnly > 0);  // the second coder does differ
    }
}
