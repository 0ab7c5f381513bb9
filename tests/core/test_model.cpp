#include <catch2/catch.hpp>
#include "qdx/Model.h"
TEST_CASE("normalizeId") { CHECK(qdx::normalizeId("{ABC}") == "abc"); }
