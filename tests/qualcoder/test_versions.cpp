// Database versions: the newest this plugin knows is v17 (QualCoder 4.0); a
// newer one is refused, older ones read as QualCoder would upgrade them.
#include "QualCoderTestUtil.h"

#include "common/Fixtures.h"
#include "qdx/Errors.h"

#include <catch2/catch.hpp>

#include <sqlite3.h>

#include <filesystem>

using namespace qdx;
using qctest::TempDir;

TEST_CASE("a database newer than v17 is refused, naming its version") {
    TempDir tmp;
    Diagnostics wd, rd;
    std::string folder = tmp / "new.qda";
    qctest::write(test::richProject(), folder, wd);
    qctest::sql(folder, "update project set databaseversion = 'v18'");
    auto before = qctest::snapshot(folder);
    try {
        qctest::read(folder, rd);
        FAIL("a v18 database was read");
    } catch (const InputError& e) {
        std::string m = e.what();
        CHECK(m.find("newer QualCoder") != std::string::npos);
        CHECK(m.find("v18") != std::string::npos);
        CHECK(m.find("data.qda") != std::string::npos);
    }
    CHECK(qctest::snapshot(folder) == before);
}

TEST_CASE("a database whose 'about' does not name QualCoder is refused, as QualCoder refuses it") {
    TempDir tmp;
    Diagnostics wd, rd;
    std::string folder = tmp / "other.qda";
    qctest::write(test::richProject(), folder, wd);
    qctest::sql(folder, "update project set about = 'Some other tool'");
    CHECK_THROWS_WITH(qctest::read(folder, rd), Catch::Contains("does not name QualCoder"));
}

TEST_CASE("a version 1 database (before code_text.ctid, sub-codes and coder names) is read") {
    // The tables of QualCoder's first database version, before the upgrades of __main__.py.
    TempDir tmp;
    std::string folder = tmp / "old.qda";
    std::filesystem::create_directories(folder + "/documents");
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open((folder + "/data.qda").c_str(), &db) == SQLITE_OK);
    const char* ddl =
        "CREATE TABLE project (databaseversion text, date text, memo text, about text);"
        "CREATE TABLE source (id integer primary key, name text, fulltext text, mediapath text, memo text, owner text, date text, unique(name));"
        "CREATE TABLE code_image (imid integer primary key, id integer, x1 integer, y1 integer, width integer, height integer, cid integer, memo text, date text, owner text);"
        "CREATE TABLE code_av (avid integer primary key, id integer, pos0 integer, pos1 integer, cid integer, memo text, date text, owner text);"
        "CREATE TABLE annotation (anid integer primary key, fid integer, pos0 integer, pos1 integer, memo text, owner text, date text);"
        "CREATE TABLE attribute_type (name text primary key, date text, owner text, memo text, caseOrFile text, valuetype text);"
        "CREATE TABLE attribute (attrid integer primary key, name text, attr_type text, value text, id integer, date text, owner text);"
        "CREATE TABLE case_text (id integer primary key, caseid integer, fid integer, pos0 integer, pos1 integer, owner text, date text, memo text);"
        "CREATE TABLE cases (caseid integer primary key, name text, memo text, owner text, date text, constraint ucm unique(name));"
        "CREATE TABLE code_cat (catid integer primary key, name text, owner text, date text, memo text, supercatid integer, unique(name));"
        "CREATE TABLE code_text (cid integer, fid integer, seltext text, pos0 integer, pos1 integer, owner text, date text, memo text, unique(cid,fid,pos0,pos1,owner));"
        "CREATE TABLE code_name (cid integer primary key, name text, memo text, catid integer, owner text, date text, color text, unique(name));"
        "CREATE TABLE journal (jid integer primary key, name text, jentry text, date text, owner text);"
        "INSERT INTO project VALUES ('v1', '2019-05-01 10:00:00', 'An old project', 'QualCoder 1.5');"
        "INSERT INTO source VALUES (1, 'interview.txt', 'I said hello to them', '/docs/interview.txt', 'memo', 'colin', '2019-05-01 10:01:00');"
        "INSERT INTO code_cat VALUES (1, 'Greetings', 'colin', '2019-05-01 10:02:00', '', NULL);"
        "INSERT INTO code_name VALUES (1, 'hello', 'saying hello', 1, 'colin', '2019-05-01 10:03:00', '#F5F6CE');"
        "INSERT INTO code_text VALUES (1, 1, 'hello', 7, 12, 'colin', '2019-05-01 10:04:00', '');"
        "INSERT INTO code_text VALUES (1, 1, 'them', 16, 20, 'maria', '2019-05-01 10:05:00', 'who?');"
        "INSERT INTO attribute_type VALUES ('age', NULL, 'colin', '', 'case', 'numeric');"
        "INSERT INTO cases VALUES (1, 'Ann', '', 'colin', NULL);"
        "INSERT INTO attribute VALUES (1, 'age', 'case', '42', 1, NULL, 'colin');"
        "INSERT INTO case_text VALUES (1, 1, 1, 0, 20, 'colin', NULL, '');";
    char* err = nullptr;
    int rc = sqlite3_exec(db, ddl, nullptr, nullptr, &err);
    INFO((err ? err : ""));
    sqlite3_free(err);
    sqlite3_close(db);
    REQUIRE(rc == SQLITE_OK);
    Diagnostics rd;
    Project p = qctest::read(folder, rd);
    CHECK(qctest::count(rd, "qualcoder.older-version") == 1);
    CHECK(p.origin == "QualCoder 1.5");
    CHECK(p.description == "An old project");
    CHECK(p.themes.size() == 2);
    CHECK(p.users.size() == 2);  // owners become coders, as update_coder_names() makes them
    auto texts = qctest::codingTexts(p, false);
    REQUIRE(texts.size() == 2);
    CHECK(texts[0] == qctest::CodingText{"interview.txt", "Greetings > hello", "hello"});
    CHECK(texts[1] == qctest::CodingText{"interview.txt", "Greetings > hello", "them"});
    REQUIRE(p.cases.size() == 1);
    CHECK(p.cases[0].sources.size() == 1);
    REQUIRE(p.cases[0].values.size() == 1);
    CHECK(p.attributes.at(0).type == AttributeType::Integer);
    CHECK(qctest::count(rd, "offsets.quote-check") == 1);
}
