#pragma once
/// The agreement coefficients, on counts: nothing here knows about projects.
///
/// Character units: each character of a source is a unit that each of two
/// coders did or did not code with a theme, giving a 2x2 table of counts.

#include <cstdint>
#include <optional>

namespace qdx::team {

/// The 2x2 table of two coders over binary units.
struct UnitCounts {
    std::int64_t both = 0;     ///< coded by A and B
    std::int64_t aOnly = 0;    ///< coded by A, not by B
    std::int64_t bOnly = 0;    ///< coded by B, not by A
    std::int64_t neither = 0;  ///< coded by neither
    std::int64_t units() const { return both + aOnly + bOnly + neither; }
    UnitCounts& operator+=(const UnitCounts& o)
    {
        both += o.both;
        aOnly += o.aOnly;
        bOnly += o.bOnly;
        neither += o.neither;
        return *this;
    }
};

/// (both + neither) / units; 1 when there are no units.
double percentAgreement(const UnitCounts& c);
/// Cohen's kappa (po - pe) / (1 - pe), pe from the two coders' marginals.
/// 1 when the coders agree on every unit, including when neither coded
/// anything or there are no units (where the formula is 0/0).
double cohenKappa(const UnitCounts& c);
/// Krippendorff's alpha, nominal, for two coders and no missing values:
/// 1 - (n - 1) * disagreements / (n0 * n1) over the n = 2 * units values.
/// 1 when every value is the same (the formula is 0/0 there, and the coders
/// agree on every unit).
double krippendorffAlphaBinary(const UnitCounts& c);
/// Kappa after Brennan & Prediger (1981), as MAXQDA reports it for coded
/// segments: (po - 1/k) / (1 - 1/k) for k categories (themes). None when k is
/// 0, or k is 1 and po < 1 (chance agreement is then certain).
std::optional<double> brennanPrediger(double po, std::int64_t categories);

} // namespace qdx::team
