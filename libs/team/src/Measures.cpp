#include "qdx/team/Measures.h"

namespace qdx::team {

double percentAgreement(const UnitCounts& c) {
    auto n = c.units();
    if (n == 0) return 1.0;
    return static_cast<double>(static_cast<long double>(c.both + c.neither) / static_cast<long double>(n));
}

double cohenKappa(const UnitCounts& c) {
    // For a 2x2 table kappa = 2(ad - bc) / ((a+b)(b+d) + (a+c)(c+d)): the same
    // as (po - pe)/(1 - pe), without the cancellation of two near-1 terms.
    // Products of counts reach 10^22 on large corpora: long double.
    using L = long double;
    L a = c.both, b = c.aOnly, cc = c.bOnly, d = c.neither;
    L den = (a + b) * (b + d) + (a + cc) * (cc + d);
    if (den == 0) return 1.0;  // pe = 1: both coded every unit, or neither coded any
    return static_cast<double>(2 * (a * d - b * cc) / den);
}

double krippendorffAlphaBinary(const UnitCounts& c) {
    using L = long double;
    L n = 2 * static_cast<L>(c.units());
    L n1 = 2 * static_cast<L>(c.both) + static_cast<L>(c.aOnly) + static_cast<L>(c.bOnly);
    L n0 = n - n1;
    if (n0 == 0 || n1 == 0) return 1.0;
    L disagreements = static_cast<L>(c.aOnly) + static_cast<L>(c.bOnly);
    return static_cast<double>(1 - (n - 1) * disagreements / (n0 * n1));
}

std::optional<double> brennanPrediger(double po, std::int64_t categories) {
    if (categories <= 0) return std::nullopt;
    if (categories == 1) {
        if (po >= 1.0) return 1.0;
        return std::nullopt;
    }
    double pc = 1.0 / static_cast<double>(categories);
    return (po - pc) / (1.0 - pc);
}

} // namespace qdx::team
