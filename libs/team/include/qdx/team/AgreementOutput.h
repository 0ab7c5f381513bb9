#pragma once
/// The three forms of an agreement result: a table for people, JSON for
/// scripts, and an HTML page listing the disagreements themselves (the quote,
/// its source and position) so that a team can talk them through.

#include "qdx/Json.h"
#include "qdx/team/Agreement.h"

#include <cstddef>
#include <iosfwd>
#include <string>

namespace qdx::team {

/// Plain text, for a terminal: what was compared, what was left out and why,
/// one row per theme, the overall figures.
std::string agreementText(const AgreementResult& r);

/// Everything, including every disagreement with its full quote.
Json agreementJson(const AgreementResult& r);
/// The same JSON text as agreementJson(r).dump(), written piece by piece: memory stays that of
/// one theme or one disagreement, not of the whole tree (a million disagreements).
void writeAgreementJson(const AgreementResult& r, std::ostream& out);

struct HtmlOptions {
    std::string title = "Inter-coder agreement";
    /// Most disagreements listed; the page says how many more there are
    /// (the JSON form has them all). 0 = all.
    std::size_t maxDisagreements = 10000;
};

/// One self-contained HTML file (inline CSS, no script, no external resource);
/// all text escaped.
std::string agreementHtml(const AgreementResult& r, const HtmlOptions& options = {});

} // namespace qdx::team
