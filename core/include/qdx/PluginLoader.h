#pragma once
/// Loads format plugins (shared libraries exporting a qdx FormatProvider
/// through a Poco manifest named after the ABI) into a FormatRegistry.

#include "qdx/Registry.h"

#include <memory>
#include <string>
#include <vector>

namespace qdx {

class PluginLoader {
public:
    PluginLoader();
    ~PluginLoader();  // libraries stay loaded for the life of the process
    PluginLoader(const PluginLoader&) = delete;
    PluginLoader& operator=(const PluginLoader&) = delete;

    /// Loads one plugin file and registers its providers. Throws PluginError
    /// for: missing file, not a qdx plugin, another ABI, a manifest without
    /// providers, a provider that throws.
    void loadFile(const std::string& path, FormatRegistry& reg, Diagnostics& diag);

    /// Loads every `qdx_*` / `libqdx_*` shared library in each folder, in order.
    /// A file that fails is reported as a "plugin.load-failed" diagnostic and skipped.
    void loadFolders(const std::vector<std::string>& folders, FormatRegistry& reg, Diagnostics& diag);

    /// The discovery order: explicit folders (--plugin-path), then the
    /// QDX_PLUGIN_PATH entries (':'-separated), then `exeDir` and
    /// `exeDir/../lib/qdx/plugins`.
    static std::vector<std::string> searchPath(const std::vector<std::string>& explicitFolders, const std::string& exeDir);

private:
    struct Impl;
    std::unique_ptr<Impl> _impl;
};

} // namespace qdx
