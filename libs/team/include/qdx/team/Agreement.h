#pragma once
/// Inter-coder agreement between two coders' work on the same documents, from
/// two projects in any formats or two users of one project.
///
/// Units and measures (docs/teamwork.md explains them for people):
/// - Character units (NVivo's coding comparison): every character (code point
///   of the normalised text) of every matched text source is a unit, for each
///   matched theme coded or not by each coder. Per theme x source: percentage
///   agreement and Cohen's kappa; per theme: those averaged over sources,
///   weighted by source length (as NVivo does) and unweighted, the kappa of
///   the pooled table, and Krippendorff's alpha (binary) over all characters.
/// - Segment units (MAXQDA's inter-coder agreement): a coder's coded segment
///   of a theme agrees when the other coder coded the same theme on a segment
///   that overlaps it by at least `overlap` percent of the two segments'
///   union; the agreement table per theme, and kappa after Brennan & Prediger
///   with as many categories as themes coded.
///
/// The computation sweeps sorted intervals per source and theme: its cost
/// grows with the number of codings, not with the length of the texts.

#include "qdx/Model.h"
#include "qdx/team/Match.h"
#include "qdx/team/Measures.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qdx::team {

enum class Unit { Character, Segment };

/// One coder's side of the comparison.
struct CoderSide {
    const Project* project = nullptr;
    std::string label;  ///< for people: the file name, or the user
    std::string coder;  ///< user name or id whose codings count; empty = every coding
};

struct AgreeOptions {
    Unit unit = Unit::Character;
    double overlap = 90.0;  ///< percent, segment units
    std::vector<ThemeMappingRow> mapping;
};

/// Agreement of one theme on one source (only where someone coded).
struct Cell {
    std::size_t theme = 0;   ///< index into Matching::themes
    std::size_t source = 0;  ///< index into Matching::sources
    UnitCounts counts;       ///< characters
    double agreement = 1, kappa = 1;
    // Segment units
    std::int64_t segAgreeA = 0, segMissA = 0, segAgreeB = 0, segMissB = 0;
};

struct SegmentTable {
    std::int64_t agreeA = 0, missA = 0, agreeB = 0, missB = 0;  ///< segments of A (B) with (without) a match
    std::int64_t agreements() const { return agreeA + agreeB; }
    std::int64_t disagreements() const { return missA + missB; }
    std::int64_t total() const { return agreements() + disagreements(); }
    std::optional<double> percentage() const;
};

struct ThemeResult {
    std::size_t theme = 0;  ///< index into Matching::themes
    bool used = false;      ///< someone coded it on a compared source
    UnitCounts pooled;      ///< over every compared character
    double agreement = 1;   ///< = length-weighted mean of the sources' agreements
    double kappaWeighted = 1, kappaMean = 1, kappaPooled = 1, alpha = 1;
    SegmentTable segments;
};

struct Overall {
    std::size_t themes = 0;  ///< themes someone used: the ones averaged
    UnitCounts pooled;       ///< over those themes x every compared character
    double agreement = 1, kappaWeighted = 1, kappaMean = 1, kappaPooled = 1, alpha = 1;
    SegmentTable segments;
    std::int64_t segmentCategories = 0;         ///< themes with a segment (Brennan & Prediger's k)
    std::optional<double> segmentKappa;        ///< Brennan & Prediger
};

/// A stretch one coder coded with a theme and the other did not (character
/// units), or a segment without an agreeing segment (segment units).
/// Positions are code points of the normalised text, end-exclusive.
struct Disagreement {
    std::size_t theme = 0, source = 0;
    int coder = 0;  ///< 0: coded by A only, 1: by B only
    std::int64_t start = 0, end = 0;
    std::optional<double> bestOverlap;  ///< segment units: the best overlap found, percent
};

/// Codings that took no part, by reason (for each side).
struct LeftOut {
    std::int64_t otherCoder = 0, themeUnmatched = 0, sourceUnmatched = 0, notText = 0, outsideText = 0, empty = 0;
    std::int64_t compared = 0;
};

struct AgreementResult {
    CoderSide a, b;
    AgreeOptions options;
    Matching matching;
    std::int64_t characters = 0;      ///< length of every compared source
    std::size_t comparedSources = 0;  ///< matched sources that are not empty
    std::vector<Cell> cells;          ///< sorted by theme, then source
    std::vector<ThemeResult> themes;  ///< one per matched theme
    Overall overall;
    std::vector<Disagreement> disagreements;  ///< by theme, source, position
    LeftOut leftOutA, leftOutB;
};

/// Compares the two sides. The projects must outlive the result (its texts
/// view them). Throws qdx::UsageError when a coder names no user of its
/// project, qdx::InputError on a bad mapping.
AgreementResult computeAgreement(const CoderSide& a, const CoderSide& b, const AgreeOptions& options);

/// The user ids a coder name or id selects in a project (case of ids ignored).
std::vector<std::string> usersNamed(const Project& p, const std::string& coder);

} // namespace qdx::team
