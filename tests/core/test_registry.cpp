#include "qdx/Errors.h"
#include "qdx/Limits.h"
#include "qdx/Registry.h"

#include <catch2/catch.hpp>

#include <cstdint>
#include <stdexcept>

using namespace qdx;

namespace {
// A configurable in-process format.
struct FakeImporter : Importer {
    std::string magic;
    bool throwOnRead = false;
    int probe(const Input& in) const noexcept override { return in.head().rfind(magic, 0) == 0 ? 80 : 0; }
    Project read(const Input&, const Options& o, Diagnostics&) override {
        if (throwOnRead) throw std::out_of_range("index 7 out of range");
        Project p;
        p.name = o.get("title");
        return p;
    }
};
struct FakeProvider : FormatProvider {
    FormatInfo fi;
    std::string magic;
    bool throwOnRead = false;
    FormatInfo info() const override { return fi; }
    std::unique_ptr<Importer> createImporter() const override {
        auto i = std::make_unique<FakeImporter>();
        i->magic = magic;
        i->throwOnRead = throwOnRead;
        return i;
    }
};
std::shared_ptr<FakeProvider> fake(std::string name, std::vector<std::string> exts, std::string magic) {
    auto p = std::make_shared<FakeProvider>();
    p->fi.name = std::move(name);
    p->fi.extensions = std::move(exts);
    p->fi.canRead = true;
    p->fi.canWrite = true;
    p->fi.options = {{"title", OptionType::String, "untitled", "project title", {}, true, false},
                     {"strict", OptionType::Bool, "false", "strict", {}, true, false},
                     {"target", OptionType::Choice, "standard", "target tool", {"standard", "nvivo"}, false, true},
                     {"limit", OptionType::Int, "10", "a number", {}, true, true}};
    p->magic = std::move(magic);
    return p;
}
} // namespace

TEST_CASE("a second format with a taken name is refused with a diagnostic naming both") {
    FormatRegistry r;
    Diagnostics d;
    r.add(fake("alpha", {"a"}, "AAA"), "first.so", d);
    r.add(fake("ALPHA", {"b"}, "BBB"), "second.so", d);
    CHECK(r.entries().size() == 1);
    REQUIRE(d.countCode("registry.duplicate-format") == 1);
    CHECK(d.all()[0].message.find("first.so") != std::string::npos);
    CHECK(d.all()[0].message.find("second.so") != std::string::npos);
}

TEST_CASE("readers are chosen by name, suffix and probe; ambiguity is an error") {
    FormatRegistry r;
    Diagnostics d;
    r.add(fake("alpha", {"a"}, "AAA"), "built-in", d);
    r.add(fake("beta", {"b"}, "BBB"), "built-in", d);
    r.add(fake("gamma", {"g"}, "BBB"), "built-in", d);
    CHECK(r.chooseReader(Input::fromMemory("AAA...", "x.a"), "").info.name == "alpha");
    CHECK(r.chooseReader(Input::fromMemory("AAA...", "x.unknown"), "").info.name == "alpha");
    CHECK(r.chooseReader(Input::fromMemory("BBB...", "x.g"), "").info.name == "gamma");
    CHECK(r.chooseReader(Input::fromMemory("junk", "x"), "beta").info.name == "beta");
    CHECK_THROWS_WITH(r.chooseReader(Input::fromMemory("BBB", "x.dat"), ""), Catch::Contains("ambiguous"));
    CHECK_THROWS_WITH(r.chooseReader(Input::fromMemory("zzz", "x.dat"), ""), Catch::Contains("cannot tell the format"));
    CHECK_THROWS_AS(r.chooseReader(Input::fromMemory("zzz", "x.dat"), "nope"), UsageError);
    CHECK(r.chooseWriter("out.b", "").info.name == "beta");
    CHECK_THROWS_AS(r.chooseWriter("out.zzz", ""), UsageError);
}

TEST_CASE("options are checked against the format's specs") {
    FormatRegistry r;
    Diagnostics d;
    r.add(fake("alpha", {"a"}, "AAA"), "built-in", d);
    const auto& e = *r.find("alpha");
    CHECK_THROWS_WITH(FormatRegistry::makeOptions(e, {{"colour", "x"}}, false), Catch::Contains("unknown read option 'colour'"));
    CHECK_THROWS_WITH(FormatRegistry::makeOptions(e, {{"strict", "maybe"}}, false), Catch::Contains("true or false"));
    CHECK_THROWS_WITH(FormatRegistry::makeOptions(e, {{"limit", "12x"}}, false), Catch::Contains("takes an integer, not '12x'"));
    // an integer outside 64 bits is not "not an integer": the message says what is wrong
    CHECK_THROWS_WITH(FormatRegistry::makeOptions(e, {{"limit", "99999999999999999999"}}, false),
                      Catch::Contains("option 'limit' is out of range: 99999999999999999999 (integers run from"));
    CHECK_THROWS_WITH(FormatRegistry::makeOptions(e, {{"limit", "-99999999999999999999"}}, false), Catch::Contains("out of range"));
    CHECK_THROWS_WITH(FormatRegistry::makeOptions(e, {{"target", "atlas"}}, true), Catch::Contains("standard|nvivo"));
    CHECK_THROWS_AS(FormatRegistry::makeOptions(e, {{"target", "nvivo"}}, false), UsageError);  // write-only option
    Options o = FormatRegistry::makeOptions(e, {{"limit", "12"}}, false);
    CHECK(o.getInt("limit") == 12);
    CHECK(o.get("title") == "untitled");
    CHECK_FALSE(o.getBool("strict"));
    Project p = r.read(e, Input::fromMemory("AAA", "x.a"), FormatRegistry::makeOptions(e, {{"title", "T"}}, false), d);
    CHECK(p.name == "T");
}

TEST_CASE("limit options in MiB that overflow 64 bits, or are not positive, say so") {
    auto opts = [](std::string key, std::string value) {
        std::vector<OptionSpec> specs = limitOptions(true, true);
        return Options({{key, value}}, specs);
    };
    CHECK(zipLimits(opts("max-entry-mb", "17592186044415")).maxEntrySize == (UINT64_MAX >> 20) << 20);
    // 2^44 MiB is 2^64 bytes: it wrapped round to a limit of 0 bytes
    CHECK_THROWS_WITH(zipLimits(opts("max-entry-mb", "17592186044416")),
                      Catch::Contains("option 'max-entry-mb' is too large: 17592186044416 MiB does not fit in 64 bits (at most 17592186044415)"));
    CHECK_THROWS_WITH(zipLimits(opts("max-total-mb", "9223372036854775807")), Catch::Contains("too large"));
    CHECK_THROWS_WITH(zipLimits(opts("max-ratio", "-3")), Catch::Contains("option 'max-ratio' must be a positive number, not -3"));
    CHECK_THROWS_WITH(xmlLimits(opts("max-depth", "0")), Catch::Contains("must be a positive number, not 0"));
}

TEST_CASE("what a plugin throws is wrapped and names the plugin") {
    FormatRegistry r;
    Diagnostics d;
    auto p = fake("alpha", {"a"}, "AAA");
    p->throwOnRead = true;
    r.add(p, "libalpha.so", d);
    const auto& e = *r.find("alpha");
    try {
        r.read(e, Input::fromMemory("AAA", "x.a"), Options(), d);
        FAIL("no exception");
    } catch (const PluginError& ex) {
        CHECK(ex.plugin() == "alpha");
        CHECK(std::string(ex.what()).find("index 7 out of range") != std::string::npos);
        CHECK(std::string(ex.what()).find("libalpha.so") != std::string::npos);
    }
}
