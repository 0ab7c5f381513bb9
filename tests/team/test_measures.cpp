#include "qdx/team/Measures.h"

#include <catch2/catch.hpp>

using namespace qdx::team;

namespace {
// Kappa from its definition, po and pe, for the closed form in Measures.cpp.
double kappaByDefinition(const UnitCounts& c) {
    double n = static_cast<double>(c.units());
    double po = (c.both + c.neither) / n;
    double a1 = (c.both + c.aOnly) / n, b1 = (c.both + c.bOnly) / n;
    double pe = a1 * b1 + (1 - a1) * (1 - b1);
    return (po - pe) / (1 - pe);
}
} // namespace

TEST_CASE("Cohen's kappa equals (po - pe) / (1 - pe)") {
    for (UnitCounts c : {UnitCounts{20, 5, 10, 15}, UnitCounts{1, 0, 0, 99}, UnitCounts{0, 3, 4, 93},
                         UnitCounts{45, 15, 25, 15}, UnitCounts{1000000, 12345, 54321, 900000000}}) {
        CHECK(cohenKappa(c) == Approx(kappaByDefinition(c)).epsilon(1e-12));
    }
    // the textbook table: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> 0.4
    CHECK(cohenKappa({20, 5, 10, 15}) == Approx(0.4));
}

TEST_CASE("kappa is 1 when the coders agree on every unit, including when neither coded") {
    CHECK(cohenKappa({0, 0, 0, 50}) == 1.0);
    CHECK(cohenKappa({50, 0, 0, 0}) == 1.0);
    CHECK(cohenKappa({0, 0, 0, 0}) == 1.0);
    CHECK(cohenKappa({0, 50, 0, 0}) == 0.0);  // A coded everything, B nothing
    CHECK(cohenKappa({0, 10, 0, 40}) == 0.0); // B silent
}

TEST_CASE("percentage agreement") {
    CHECK(percentAgreement({20, 5, 10, 15}) == Approx(0.7));
    CHECK(percentAgreement({}) == 1.0);
}

TEST_CASE("Krippendorff's alpha: his binary example, and degenerate tables") {
    // Krippendorff (2011), two observers, ten binary units: alpha = 0.095
    CHECK(krippendorffAlphaBinary({1, 1, 3, 5}) == Approx(0.0952).epsilon(1e-3));
    CHECK(krippendorffAlphaBinary({0, 0, 0, 10}) == 1.0);
    CHECK(krippendorffAlphaBinary({10, 0, 0, 0}) == 1.0);
    CHECK(krippendorffAlphaBinary({5, 0, 0, 5}) == 1.0);
    CHECK(krippendorffAlphaBinary({0, 5, 5, 0}) < 0);  // systematic disagreement
}

TEST_CASE("Brennan & Prediger") {
    CHECK(*brennanPrediger(0.9, 4) == Approx((0.9 - 0.25) / 0.75));
    CHECK(*brennanPrediger(0.5, 2) == Approx(0.0));
    CHECK_FALSE(brennanPrediger(0.5, 1).has_value());
    CHECK(*brennanPrediger(1.0, 1) == 1.0);
    CHECK_FALSE(brennanPrediger(1.0, 0).has_value());
}
