// Conformance: every registered plugin obeys the same contract.
// - info() is well formed and its support matrix names every entity;
// - probe() never throws, declines junk, and the files a format writes are
//   recognised as that format by content alone;
// - the empty project goes out and back in;
// - writing then reading the rich fixture loses nothing silently: a
//   difference in an area the format declares "full" both ways fails, and any
//   other difference must have been reported as lossy or skipped.

#include "common/Fixtures.h"
#include "qdx/Compare.h"
#include "qdx/Errors.h"
#include "qdx/PluginLoader.h"

#include <catch2/catch.hpp>

#include <Poco/TemporaryFile.h>
#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>

using namespace qdx;

namespace {

struct Plugins {
    PluginLoader loader;
    FormatRegistry registry;
    Diagnostics diag;
    Plugins() {
        const char* bin = std::getenv("QDX_BIN_DIR");
        REQUIRE(bin);
        loader.loadFolders({bin}, registry, diag);
    }
};

Plugins& plugins() {
    static Plugins p;
    return p;
}

std::string suffixFor(const FormatRegistry::Entry& e) { return e.info.extensions.empty() ? "out" : e.info.extensions[0]; }

// Which row of the support matrix a difference path belongs to.
std::string areaOf(const Difference& d, const Project& original) {
    const std::string& p = d.path;
    if (p.find(".ext[") != std::string::npos) return "extensions";
    auto starts = [&](const char* s) { return p.rfind(s, 0) == 0; };
    if (starts("project.")) return "project";
    if (starts("users[")) return "users";
    if (starts("themes[")) {
        if (p.find("].parent") != std::string::npos) return "theme-hierarchy";
        if (p.find("].color") != std::string::npos) return "theme-colours";
        return "themes";
    }
    if (starts("attributes[")) return "attributes";
    if (starts("sources[")) {
        for (const auto& s : original.sources)
            if (p.rfind("sources[" + s.id + "]", 0) == 0)
                return s.kind == SourceKind::Text && s.transcripts.empty() && !s.content ? "sources-text" : "sources-media";
        return "sources-media";
    }
    if (starts("excerpts[")) {
        if (p.find("].codings") != std::string::npos) return "codings";
        for (const auto& e : original.excerpts)
            if (p.rfind("excerpts[" + e.id + "]", 0) == 0)
                return std::holds_alternative<TextSpan>(e.anchor) ? "excerpts-text" : "excerpts-media";
        return "excerpts-media";
    }
    if (starts("memos[")) return "memos";
    if (starts("cases[")) return "cases";
    if (starts("sets[")) return "sets";
    return "project";
}

} // namespace

TEST_CASE("plugins are found in the build tree") {
    auto& P = plugins();
    for (const auto& d : P.diag.all()) WARN(d.message);
    CHECK(P.diag.count(Severity::Skipped) == 0);
    REQUIRE(P.registry.find("json"));
}

TEST_CASE("info() is well formed for every format") {
    for (const auto& e : plugins().registry.entries()) {
        const FormatInfo& f = e.info;
        INFO("format " << f.name);
        CHECK(f.name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos);
        CHECK_FALSE(f.description.empty());
        CHECK((f.canRead || f.canWrite));
        CHECK((f.canRead == (e.provider->createImporter() != nullptr)));
        CHECK((f.canWrite == (e.provider->createExporter() != nullptr)));
        for (const auto& x : f.extensions) {
            CHECK_FALSE(x.empty());
            CHECK(x[0] != '.');
            CHECK(x == text::asciiLower(x));
        }
        for (const auto& ent : supportEntities()) {
            INFO("support entity " << ent);
            auto it = f.support.find(ent);
            REQUIRE(it != f.support.end());
            if (!f.canRead) CHECK(it->second.read == Support::None);
            if (!f.canWrite) CHECK(it->second.write == Support::None);
        }
        std::set<std::string> names;
        for (const auto& o : f.options) {
            INFO("option " << o.name);
            CHECK(names.insert(o.name).second);
            CHECK_FALSE(o.description.empty());
            if (o.type == OptionType::Choice)
                CHECK(std::find(o.choices.begin(), o.choices.end(), o.defaultValue) != o.choices.end());
        }
    }
}

TEST_CASE("probe never throws and declines junk") {
    std::mt19937 rng(1234);
    std::vector<std::pair<std::string, std::string>> junk = {
        {"", "empty"}, {"\x00\x01\x02", "nul"}, {"PK\x03\x04garbage", "fake zip"}, {"<?xml version='1.0'?><x/>", "xml"},
        {"{\"not\": \"a project\"}", "json object"}, {std::string(100000, 'A'), "letters"}};
    std::string random(4096, '\0');
    for (auto& c : random) c = static_cast<char>(rng());
    junk.emplace_back(random, "random");
    for (const auto& e : plugins().registry.entries()) {
        auto imp = e.provider->createImporter();
        if (!imp) continue;
        for (const auto& [data, what] : junk) {
            INFO("format " << e.info.name << " on " << what);
            int score = imp->probe(Input::fromMemory(data, "junk.bin"));
            CHECK(score >= 0);
            CHECK(score <= 100);
            if (what == "random" || what == "nul" || what == "fake zip") CHECK(score == 0);
        }
    }
}

TEST_CASE("the empty project goes out and back in, and is recognised by content") {
    auto& P = plugins();
    for (const auto& w : P.registry.entries()) {
        if (!w.info.canWrite) continue;
        INFO("format " << w.info.name);
        Project empty;
        empty.name = "Empty";
        Poco::TemporaryFile tmp;
        std::string path = tmp.path() + "." + suffixFor(w);
        Poco::TemporaryFile::registerForDeletion(path);
        Diagnostics wd;
        try {
            P.registry.write(w, empty, path, FormatRegistry::makeOptions(w, {}, true), wd);
        } catch (const PluginError&) {
            throw;  // a plugin failure is never acceptable
        } catch (const Error& e) {
            // A format that cannot represent an empty project (a codebook
            // needs one code) may refuse it, with a clear qdx error.
            WARN("format " << w.info.name << " refuses the empty project: " << e.what());
            continue;
        }
        if (!w.info.canRead) continue;
        Diagnostics rd;
        Project back = P.registry.read(w, Input::fromFile(path), FormatRegistry::makeOptions(w, {}, false), rd);
        CHECK(back.themes.empty());
        CHECK(back.sources.empty());
        CHECK(back.excerpts.empty());
        // By content alone (a neutral name), the written file is this format's.
        const FormatRegistry::Entry* chosenPtr = nullptr;
        if (w.info.writesFolder) {  // a folder: renamed to a neutral name
            std::string neutral = tmp.path() + "-neutral";
            Poco::TemporaryFile::registerForDeletion(neutral);
            REQUIRE(std::rename(path.c_str(), neutral.c_str()) == 0);
            chosenPtr = &P.registry.chooseReader(Input::fromFile(neutral), "");
        } else {
            std::ifstream in(path, std::ios::binary);
            std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            chosenPtr = &P.registry.chooseReader(Input::fromMemory(bytes, "neutral.bin"), "");
        }
        const auto& chosen = *chosenPtr;
        bool sameFamily = chosen.info.name == w.info.name ||
                          std::find(chosen.info.extensions.begin(), chosen.info.extensions.end(), suffixFor(w)) !=
                              chosen.info.extensions.end();
        CHECK(sameFamily);
    }
}

TEST_CASE("every writer writes the rich project, write-only formats included, and check() works") {
    auto& P = plugins();
    const Project original = test::withGuidIds(test::richProject());
    for (const auto& w : P.registry.entries()) {
        if (!w.info.canWrite) continue;
        INFO("format " << w.info.name);
        Poco::TemporaryFile tmp;
        std::string path = tmp.path() + "." + suffixFor(w);
        Poco::TemporaryFile::registerForDeletion(path);
        Diagnostics wd;
        P.registry.write(w, original, path, FormatRegistry::makeOptions(w, {}, true), wd);
        if (w.info.writesFolder) {  // a project folder (qualcoder): it exists and holds something
            CHECK(Poco::File(path).isDirectory());
            CHECK(Poco::DirectoryIterator(path) != Poco::DirectoryIterator());
        } else {
            std::ifstream in(path, std::ios::binary);
            CHECK(in.good());
            CHECK(in.peek() != std::ifstream::traits_type::eof());
        }
        // check() foresees losses without a target name (csv then assumes one
        // table, not a bundle), so its findings may differ from write's.
        Diagnostics cd;
        CHECK_NOTHROW(P.registry.check(w, original, FormatRegistry::makeOptions(w, {}, true), cd));
    }
}

namespace {
// Writes `original` with format `w`, reads it back and returns the differences
// and whether any loss was reported on the way.
std::pair<std::vector<Difference>, std::size_t> roundTrip(const FormatRegistry::Entry& w, const Project& original,
                                                          Project& back) {
    auto& P = plugins();
    Poco::TemporaryFile tmp;
    std::string path = tmp.path() + "." + suffixFor(w);
    Poco::TemporaryFile::registerForDeletion(path);
    Diagnostics wd, rd;
    P.registry.write(w, original, path, FormatRegistry::makeOptions(w, {}, true), wd);
    back = P.registry.read(w, Input::fromFile(path), FormatRegistry::makeOptions(w, {}, false), rd);
    std::size_t reported = wd.count(Severity::Lossy) + wd.count(Severity::Skipped) + rd.count(Severity::Lossy) +
                           rd.count(Severity::Skipped);
    return {compareProjects(original, back), reported};
}
} // namespace

TEST_CASE("ids a format cannot keep are reported, never changed silently") {
    const Project original = test::richProject();  // ids like "T1", not GUIDs
    for (const auto& w : plugins().registry.entries()) {
        if (!w.info.canWrite || !w.info.canRead) continue;
        INFO("format " << w.info.name);
        Project back;
        auto [diffs, reported] = roundTrip(w, original, back);
        if (!diffs.empty()) CHECK(reported > 0);
    }
}

TEST_CASE("write then read loses nothing silently") {
    auto& P = plugins();
    const Project original = test::withGuidIds(test::richProject());
    for (const auto& w : P.registry.entries()) {
        if (!w.info.canWrite || !w.info.canRead) continue;
        INFO("format " << w.info.name);
        Poco::TemporaryFile tmp;
        std::string path = tmp.path() + "." + suffixFor(w);
        Poco::TemporaryFile::registerForDeletion(path);
        Diagnostics wd, rd;
        P.registry.write(w, original, path, FormatRegistry::makeOptions(w, {}, true), wd);
        Project back = P.registry.read(w, Input::fromFile(path), FormatRegistry::makeOptions(w, {}, false), rd);
        std::size_t reported = wd.count(Severity::Lossy) + wd.count(Severity::Skipped) + rd.count(Severity::Lossy) +
                               rd.count(Severity::Skipped);
        for (const auto& d : compareProjects(original, back)) {
            std::string area = areaOf(d, original);
            auto it = w.info.support.find(area);
            bool full = it != w.info.support.end() && it->second.read == Support::Full && it->second.write == Support::Full;
            INFO("difference " << d.path << ": " << d.left << " | " << d.right << " (area " << area << ")");
            CHECK_FALSE(full);
            CHECK(reported > 0);
        }
        // Ids survive where the format carries the entity fully.
        auto fullBoth = [&](const char* a) {
            auto it = w.info.support.find(a);
            return it != w.info.support.end() && it->second.read == Support::Full && it->second.write == Support::Full;
        };
        if (fullBoth("themes")) CHECK(back.themes.size() == original.themes.size());
        if (fullBoth("excerpts-text")) {
            std::set<std::string> ids;
            for (const auto& e : back.excerpts) ids.insert(normalizeId(e.id));
            CHECK(ids.count(normalizeId(test::guidFor("E1"))) == 1);
        }
    }
}
