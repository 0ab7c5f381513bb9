#pragma once
/// The format registry: every FormatProvider known to this process, from
/// plugins or registered in code, with the checks the command relies on.

#include "qdx/plugin/Format.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace qdx {

class FormatRegistry {
public:
    struct Entry {
        std::shared_ptr<FormatProvider> provider;
        FormatInfo info;     ///< read once at registration
        std::string origin;  ///< plugin file, or "built-in"
    };

    /// Adds a provider. A second provider with a name (or alias) already taken
    /// is not added: a "registry.duplicate-format" diagnostic names both.
    /// Throws PluginError when info() throws or is malformed.
    void add(std::shared_ptr<FormatProvider> provider, const std::string& origin, Diagnostics& diag);

    /// By name or alias (case-insensitive); nullptr when unknown.
    const Entry* find(const std::string& name) const;
    const std::vector<Entry>& entries() const { return _entries; }

    /// Chooses the format to read `in`: by the explicit name, else by the
    /// file suffix, else by the best probe score. Throws UsageError when
    /// unknown or ambiguous (listing the candidates).
    const Entry& chooseReader(const Input& in, const std::string& explicitName) const;
    /// Chooses the format to write `path`: explicit name, else suffix.
    const Entry& chooseWriter(const std::string& path, const std::string& explicitName) const;

    /// Checks `-o key=value` options against the format's specs (unknown keys,
    /// bad types and choices are UsageErrors) and fills in defaults.
    static Options makeOptions(const Entry& e, const std::map<std::string, std::string>& raw, bool forWrite);

    /// Reads with the entry's importer; anything a plugin throws that is not a
    /// qdx::Error becomes a PluginError naming the plugin.
    Project read(const Entry& e, const Input& in, const Options& o, Diagnostics& d) const;
    /// Writes to `path` with the entry's exporter (the caller handles atomicity).
    void write(const Entry& e, const Project& p, const std::string& path, const Options& o, Diagnostics& d) const;
    /// What writing would lose, without writing.
    void check(const Entry& e, const Project& p, const Options& o, Diagnostics& d) const;

private:
    std::vector<Entry> _entries;
};

} // namespace qdx
