// Mutated look-alikes: the reader either reads them or throws a qdx::Error,
// never anything else (and never crashes: run under QDX_SANITIZE=ON too).
#include "RefiTestUtil.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <random>
#include <sstream>

using namespace refitest;

namespace {
std::string slurp(const std::string& path)
{
    std::ifstream f(path, std::ios::binary);
    std::ostringstream s;
    s << f.rdbuf();
    return s.str();
}
}  // namespace

TEST_CASE("refi: mutated inputs fail cleanly", "[hostile]")
{
    std::mt19937 rng(20261127);
    std::size_t read = 0, refused = 0;
    for (const char* f : {"transana-like.qde", "codebook-like.qdc", "atlasti-like.qdpx", "maxqda-like.qdpx", "nvivo-like.qdpx"}) {
        const std::string orig = slurp(data(f));
        REQUIRE(!orig.empty());
        for (int round = 0; round < 150; ++round) {
            std::string m = orig;
            int edits = 1 + static_cast<int>(rng() % 4);
            for (int k = 0; k < edits; ++k) {
                std::size_t at = rng() % m.size();
                switch (rng() % 3) {
                case 0: m[at] = static_cast<char>(rng() % 256); break;
                case 1: m.erase(at, 1 + rng() % 8); break;
                default: m.insert(at, std::string(1 + rng() % 4, static_cast<char>("<>\"&/=0-9"[rng() % 9]))); break;
                }
                if (m.empty()) m = "x";
            }
            qdx::Diagnostics d;
            try {
                qdx::refi::readRefi(qdx::Input::fromMemory(m, f), {}, d);
                ++read;
            } catch (const qdx::Error&) {
                ++refused;
            }
        }
    }
    CHECK(read + refused == 750);
    CHECK(refused > 0);
}

TEST_CASE("refi: an XML bomb of nesting is refused", "[hostile]")
{
    std::string deep = "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"x\">";
    for (int i = 0; i < 5000; ++i) deep += "<Description>";
    qdx::Diagnostics d;
    CHECK_THROWS_AS(qdx::refi::readRefi(qdx::Input::fromMemory(deep, "deep.qde"), {}, d), qdx::InputError);
}
