#include "qdx/plugin/Format.h"

#include "qdx/Errors.h"

#include "qdx/AtomicFile.h"

#include <cstdlib>

namespace qdx {

const char* toString(Support s) {
    switch (s) {
    case Support::None: return "none";
    case Support::Partial: return "partial";
    case Support::Full: return "full";
    }
    return "none";
}

const OptionSpec* Options::spec(const std::string& key) const {
    for (const auto& s : _specs)
        if (s.name == key) return &s;
    return nullptr;
}

std::string Options::get(const std::string& key) const {
    auto it = _values.find(key);
    if (it != _values.end()) return it->second;
    const OptionSpec* s = spec(key);
    return s ? s->defaultValue : std::string();
}

bool Options::getBool(const std::string& key) const {
    std::string v = get(key);
    return v == "true" || v == "1" || v == "yes" || v == "on";
}

long long Options::getInt(const std::string& key) const {
    std::string v = get(key);
    if (v.empty()) return 0;
    return std::strtoll(v.c_str(), nullptr, 10);
}

Importer::~Importer() = default;
Exporter::~Exporter() = default;
FormatProvider::~FormatProvider() = default;

void Exporter::check(const Project& p, const Options& opts, Diagnostics& diag) {
    ScratchFile scratch;  // private, removed when it goes out of scope
    write(p, scratch.path(), opts, diag);
}

} // namespace qdx
