#include "qdx/Errors.h"
#include "qdx/PluginLoader.h"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace qdx;

namespace {
std::string plugin(const std::string& name) { return std::string(QDX_BROKEN_PLUGINS) + "/" + name + ".so"; }

std::string loadError(const std::string& path) {
    PluginLoader loader;
    FormatRegistry reg;
    Diagnostics d;
    try {
        loader.loadFile(path, reg, d);
    } catch (const PluginError& e) {
        return e.what();
    }
    return {};
}
} // namespace

TEST_CASE("a good plugin loads and its format works") {
    PluginLoader loader;
    FormatRegistry reg;
    Diagnostics d;
    loader.loadFile(plugin("qdx_good"), reg, d);
    REQUIRE(reg.find("good"));
    Project p = reg.read(*reg.find("good"), Input::fromMemory("GOODhello", "x.good"), Options(), d);
    CHECK(p.name == "hello");
    // Loading the same file twice is harmless.
    loader.loadFile(plugin("qdx_good"), reg, d);
    CHECK(reg.entries().size() == 1);
}

TEST_CASE("broken plugins give clear errors") {
    CHECK_THAT(loadError(plugin("qdx_missing")), Catch::Contains("no such file"));
    CHECK_THAT(loadError(plugin("qdx_notaplugin")), Catch::Contains("not a qdx plugin"));
    CHECK_THAT(loadError(plugin("qdx_wrongabi")), Catch::Contains("built for plugin ABI 999"));
    CHECK_THAT(loadError(plugin("qdx_nomanifest")), Catch::Contains("manifest"));
    CHECK_THAT(loadError(plugin("qdx_badinfo")), Catch::Contains("info() failed: info is broken"));
    CHECK_THAT(loadError(std::string(QDX_BROKEN_PLUGINS)), Catch::Contains("not a regular file"));
}

TEST_CASE("a plugin that throws while reading is reported as a plugin error") {
    PluginLoader loader;
    FormatRegistry reg;
    Diagnostics d;
    loader.loadFile(plugin("qdx_throwing"), reg, d);
    const auto* e = reg.find("throwing");
    REQUIRE(e);
    CHECK_THROWS_WITH(reg.read(*e, Input::fromMemory("x", "x.throw"), Options(), d),
                      Catch::Contains("boom from the throwing plugin") && Catch::Contains("throwing"));
}

TEST_CASE("folder discovery skips broken plugins with a diagnostic and keeps the first of two names") {
    PluginLoader loader;
    FormatRegistry reg;
    Diagnostics d;
    loader.loadFolders({QDX_BROKEN_PLUGINS}, reg, d);
    CHECK(reg.find("good"));
    CHECK(reg.find("throwing"));
    CHECK(d.countCode("registry.duplicate-format") == 1);     // qdx_dupname after qdx_badinfo... sorted order
    CHECK(d.countCode("plugin.load-failed") == 4);            // badinfo, nomanifest, notaplugin, wrongabi
}

TEST_CASE("the search path is explicit folders, then QDX_PLUGIN_PATH, then beside the executable") {
    ::setenv("QDX_PLUGIN_PATH", "/env/one::/env/two", 1);
    auto p = PluginLoader::searchPath({"/cli"}, "/opt/qdx/bin");
    ::unsetenv("QDX_PLUGIN_PATH");
    REQUIRE(p.size() >= 4);
    CHECK(p[0] == "/cli");
    CHECK(p[1] == "/env/one");
    CHECK(p[2] == "/env/two");
    CHECK(p[3] == "/opt/qdx/bin");
}
