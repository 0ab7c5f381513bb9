#include "qdx/Diagnostics.h"

namespace qdx {

const char* toString(Severity s) {
    switch (s) {
    case Severity::Info: return "info";
    case Severity::Lossy: return "lossy";
    case Severity::Skipped: return "skipped";
    case Severity::Fatal: return "fatal";
    }
    return "info";
}

void Diagnostics::report(Diagnostic d) {
    if (_strict && d.code.rfind("quirk.", 0) == 0) {
        std::string msg = d.message + " [" + d.code + "; strict mode]";
        throw InputError(d.location, msg);
    }
    if (_listener) _listener(d);
    std::size_t& n = _counts[d.code];
    ++n;
    _severityCounts[static_cast<int>(d.severity)]++;
    if (_perCodeLimit == 0 || n <= _perCodeLimit) _items.push_back(std::move(d));
}

void Diagnostics::info(std::string code, std::string message, std::string entityId, Location where) {
    report(Diagnostic{Severity::Info, std::move(code), std::move(entityId), std::move(where), std::move(message), {}});
}

void Diagnostics::lossy(std::string code, std::string message, std::string entityId, std::string hint, Location where) {
    report(Diagnostic{Severity::Lossy, std::move(code), std::move(entityId), std::move(where), std::move(message),
                      std::move(hint)});
}

void Diagnostics::skipped(std::string code, std::string message, std::string entityId, std::string hint,
                          Location where) {
    report(Diagnostic{Severity::Skipped, std::move(code), std::move(entityId), std::move(where), std::move(message),
                      std::move(hint)});
}

std::size_t Diagnostics::count(Severity s) const { return _severityCounts[static_cast<int>(s)]; }

std::size_t Diagnostics::countCode(const std::string& code) const {
    auto it = _counts.find(code);
    return it == _counts.end() ? 0 : it->second;
}

std::map<std::string, std::size_t> Diagnostics::summary() const { return _counts; }

} // namespace qdx
