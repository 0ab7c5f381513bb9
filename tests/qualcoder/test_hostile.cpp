// Hostile databases and folders: each is refused with a message naming the
// file and the place, or read with the bad part skipped and reported; reading
// never writes anything into the project folder.
#include "QualCoderTestUtil.h"

#include "common/Fixtures.h"
#include "qdx/Errors.h"
#include "qdx/Validate.h"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <unistd.h>

using namespace qdx;
using qctest::TempDir;

namespace {

/// A written rich project, changed by `sql`.
std::string hostile(const TempDir& tmp, const std::string& sql, const char* name = "hostile.qda") {
    std::string folder = tmp / name;
    Diagnostics d;
    qctest::write(test::richProject(), folder, d);
    if (!sql.empty()) qctest::sql(folder, sql);
    return folder;
}

/// Reads and expects an InputError whose message holds every one of `parts`;
/// the folder is left byte for byte as it was, with no file added.
void refused(const std::string& folder, std::initializer_list<const char*> parts, const qualcoder::ReadOptions& o = {}) {
    auto before = qctest::snapshot(folder);
    Diagnostics d;
    try {
        qctest::read(folder, d, o);
        FAIL("read without an error");
    } catch (const InputError& e) {
        for (const char* p : parts) {
            INFO("message: " << e.what());
            CHECK(std::string(e.what()).find(p) != std::string::npos);
        }
    }
    CHECK(qctest::snapshot(folder) == before);
}

bool locatedAt(const Diagnostics& d, const std::string& code, const std::string& place) {
    for (const auto& x : d.all())
        if (x.code == code && x.location.str().find(place) != std::string::npos && x.location.str().find("data.qda") != std::string::npos)
            return true;
    return false;
}

}  // namespace

TEST_CASE("hostile: a damaged page is refused, naming the file") {
    TempDir tmp;
    std::string folder = hostile(tmp, "");
    {
        std::fstream f(folder + "/data.qda", std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(4096 * 2 + 8);  // inside the third page: a b-tree page header
        std::string junk(700, '\xA5');
        f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
    }
    refused(folder, {"data.qda", "damaged"});
}

TEST_CASE("hostile: a text over the limit is refused; the default reads it") {
    TempDir tmp;
    // 3 MB of text in one source.
    std::string folder = hostile(tmp, "update source set fulltext = fulltext || replace(hex(zeroblob(1500000)), '0', 'a') where id = 1");
    qualcoder::ReadOptions small;
    small.db.maxValueBytes = 1000 * 1000;
    refused(folder, {"data.qda", "source", "limit"}, small);
    Diagnostics d;
    Project p = qctest::read(folder, d);
    CHECK(p.sources.at(0).text->size() > 3000000);
}

TEST_CASE("hostile: spans beyond the text, before it, or inverted are skipped, naming their row") {
    TempDir tmp;
    std::string folder = hostile(tmp,
                                 "update code_text set pos1 = 100000 where ctid = 1;"
                                 "update code_text set pos0 = -5 where ctid = 2;"
                                 "insert into code_text (cid, fid, seltext, pos0, pos1, owner) select min(cid), 1, 'x', 9, 3, 'inv' from code_name;"
                                 "insert into code_text (cid, fid, seltext, pos0, pos1, owner) select min(cid), 1, 'x', 'abc', 3, 'txt' from code_name;"
                                 "update annotation set pos1 = -1;");
    auto before = qctest::snapshot(folder);
    Diagnostics d;
    Project p = qctest::read(folder, d);
    CHECK(qctest::snapshot(folder) == before);
    CHECK(locatedAt(d, "skipped.excerpt-out-of-range", "code_text[ctid=1]"));
    CHECK(locatedAt(d, "skipped.excerpt-out-of-range", "code_text[ctid=2]"));
    CHECK(qctest::count(d, "skipped.excerpt-inverted") == 1);
    CHECK(qctest::count(d, "skipped.excerpt-out-of-range") >= 3);
    Diagnostics problems;
    CHECK(validateProject(p, problems) == 0);
}

TEST_CASE("hostile: a cycle of parent codes is cut where QualCoder cuts it") {
    TempDir tmp;
    std::string folder = hostile(tmp,
                                 "update code_name set supercid = (select max(cid) from code_name), catid = NULL where cid = (select min(cid) from code_name);"
                                 "update code_name set supercid = (select min(cid) from code_name), catid = NULL where cid = (select max(cid) from code_name);"
                                 "update code_cat set supercatid = catid;");
    Diagnostics d;
    Project p = qctest::read(folder, d);
    CHECK(qctest::count(d, "lossy.theme-cycle") == 2);  // one in the codes, one in the categories
    Diagnostics problems;
    CHECK(validateProject(p, problems) == 0);
    int rooted = 0;
    for (const auto& t : p.themes) rooted += t.parent.empty() ? 1 : 0;
    CHECK(rooted == 2);  // the category and the code whose link was cut
}

TEST_CASE("hostile: a view or a virtual table in place of a table is refused") {
    TempDir tmp;
    std::string folder = hostile(tmp, "drop table code_text; create view code_text as with recursive r(n) as (select 1 union all select n + 1 from r) "
                                      "select n as ctid, 1 as cid, 1 as fid, '' as seltext, 0 as pos0, 0 as pos1, '' as owner, '' as date, '' as memo, "
                                      "null as avid, null as important from r");
    refused(folder, {"data.qda", "code_text", "view"});
}

TEST_CASE("hostile: a generated column is refused") {
    TempDir tmp;
    std::string folder = hostile(tmp, "drop table cases; create table cases (caseid integer primary key, name text, memo text, owner text, date text, "
                                      "big text generated always as (name || memo) virtual)");
    refused(folder, {"data.qda", "cases", "generated"});
}

TEST_CASE("hostile: a name that is not UTF-8 is refused, naming its row and column") {
    TempDir tmp;
    std::string folder = hostile(tmp, "update code_name set name = cast(x'41ff42' as text) where cid = (select min(cid) from code_name)");
    refused(folder, {"data.qda", "code_name[cid=", "'name'", "UTF-8"});
}

TEST_CASE("hostile: data.qda as a symbolic link, or a journal beside it, is refused") {
    TempDir tmp, elsewhere;
    std::string real = hostile(elsewhere, "");
    std::string folder = tmp / "linked.qda";
    std::filesystem::create_directory(folder);
    std::filesystem::create_symlink(real + "/data.qda", folder + "/data.qda");
    refused(folder, {"linked.qda", "not a link"});
    Diagnostics d;
    CHECK_THROWS_AS(qctest::read(folder + "/data.qda", d), InputError);  // SQLITE_OPEN_NOFOLLOW

    std::string busy = hostile(tmp, "", "busy.qda");
    std::ofstream(busy + "/data.qda-journal") << "a change under way";
    refused(busy, {"data.qda-journal", "QualCoder"});
}

TEST_CASE("hostile: file names that leave the project folder are not followed") {
    TempDir tmp, outside;
    std::string folder = hostile(tmp, "update source set mediapath = '/docs/../../../../etc/passwd' where name = 'Report.pdf';"
                                      "update source set mediapath = '/images/photo.png' where name = 'Photo';"
                                      "update source set mediapath = 'video:/etc/hostname' where name = 'Clip';");
    std::ofstream(outside / "secret.png") << "secret";
    std::filesystem::create_symlink(outside / "secret.png", folder + "/images/photo.png");
    Diagnostics d;
    Project p = qctest::read(folder, d);
    for (const auto& s : p.sources) {
        INFO(s.name);
        if (s.name == "Report.pdf" || s.name == "Photo" || s.name == "Clip") CHECK_FALSE(s.content);
    }
    CHECK(qctest::count(d, "lossy.source-content-missing") >= 2);
    CHECK(qctest::count(d, "qualcoder.linked-file") == 1);
}

TEST_CASE("hostile: codings naming no code or no source are skipped, as QualCoder drops them") {
    TempDir tmp;
    std::string folder = hostile(tmp, "update code_text set cid = 999 where ctid = 1; update code_text set fid = 999 where ctid = 2;"
                                      "update code_image set cid = 999; update code_av set id = 999;");
    Diagnostics d;
    Project p = qctest::read(folder, d);
    CHECK(locatedAt(d, "skipped.coding-code-missing", "code_text[ctid=1]"));
    CHECK(locatedAt(d, "skipped.excerpt-source-missing", "code_text[ctid=2]"));
    CHECK(locatedAt(d, "skipped.coding-code-missing", "code_image[imid="));
    CHECK(locatedAt(d, "skipped.excerpt-source-missing", "code_av[avid="));
    Diagnostics problems;
    CHECK(validateProject(p, problems) == 0);
}

TEST_CASE("hostile: a folder without data.qda, and files that are not SQLite, are refused") {
    TempDir tmp;
    std::filesystem::create_directory(tmp / "empty.qda");
    refused(tmp / "empty.qda", {"empty.qda", "no data.qda"});
    std::filesystem::create_directory(tmp / "junk.qda");
    std::ofstream(tmp / "junk.qda/data.qda") << std::string(5000, 'x');
    refused(tmp / "junk.qda", {"data.qda"});
    std::filesystem::create_directory(tmp / "noproject.qda");
    qctest::sql(tmp / "noproject.qda", "create table something (x)");
    refused(tmp / "noproject.qda", {"data.qda", "no 'project' table"});
}
