#pragma once
/// The diagnostics sink: what a conversion changed, dropped or could not read.
/// One sink per operation; there is no global error state.

#include "qdx/Errors.h"

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace qdx {

enum class Severity {
    Info,     ///< worth knowing, nothing lost
    Lossy,    ///< data changed or dropped; the output is valid
    Skipped,  ///< an entity could not be carried at all
    Fatal     ///< the operation cannot go on
};
const char* toString(Severity s);

struct Diagnostic {
    Severity severity = Severity::Info;
    std::string code;      ///< stable, e.g. "lossy.theme-colour"
    std::string entityId;  ///< the entity concerned, if any
    Location location;     ///< where in the input, if known
    std::string message;   ///< what happened, for a person
    std::string hint;      ///< how to keep the data (an option), if any
};

class Diagnostics {
public:
    /// Records a diagnostic. When strict mode is on, every non-info
    /// diagnostic whose code starts with "quirk." becomes an InputError.
    void report(Diagnostic d);
    void info(std::string code, std::string message, std::string entityId = {}, Location where = {});
    void lossy(std::string code, std::string message, std::string entityId = {}, std::string hint = {}, Location where = {});
    void skipped(std::string code, std::string message, std::string entityId = {}, std::string hint = {}, Location where = {});

    const std::vector<Diagnostic>& all() const { return _items; }
    std::size_t count(Severity s) const;
    std::size_t countCode(const std::string& code) const;
    bool empty() const { return _items.empty(); }
    /// Number of diagnostics per code, sorted by code.
    std::map<std::string, std::size_t> summary() const;

    /// Quirk diagnostics (tolerated deviations of real tools) turn into errors.
    void setStrict(bool on) { _strict = on; }
    bool strict() const { return _strict; }
    /// Called for every diagnostic as it is reported (e.g. to print it live).
    void setListener(std::function<void(const Diagnostic&)> f) { _listener = std::move(f); }
    /// Caps stored diagnostics per code (counts stay exact). 0 = unlimited.
    void setPerCodeLimit(std::size_t n) { _perCodeLimit = n; }

private:
    std::vector<Diagnostic> _items;
    std::map<std::string, std::size_t> _counts;
    std::size_t _perCodeLimit = 1000;
    bool _strict = false;
    std::function<void(const Diagnostic&)> _listener;
    std::size_t _severityCounts[4] = {0, 0, 0, 0};
};

} // namespace qdx
