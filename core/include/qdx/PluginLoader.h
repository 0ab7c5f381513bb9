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
    /// for: missing file, a file or folder others could have written (see
    /// untrusted()), not a qdx plugin, another ABI, a manifest without
    /// providers, a provider that throws.
    void loadFile(const std::string& path, FormatRegistry& reg, Diagnostics& diag);

    /// Loads every `qdx_*` / `libqdx_*` shared library in each folder, in order.
    /// A file that fails is reported as a "plugin.load-failed" diagnostic and
    /// skipped; a folder (or file) others could have written as "plugin.unsafe".
    void loadFolders(const std::vector<std::string>& folders, FormatRegistry& reg, Diagnostics& diag);

    /// Why a plugin file or folder (a real path, links resolved) cannot be
    /// trusted, or "" when it can. A library runs its code when it is loaded,
    /// before qdx can look at it, so, as ssh and sudo do: it and every folder
    /// above it must belong to this user or to root, and none may be writable
    /// by group or others, except a folder above it with the sticky bit (/tmp),
    /// where others cannot rename what is ours. QDX_ALLOW_UNSAFE_PLUGINS=1 in
    /// the environment turns the check off.
    static std::string untrusted(const std::string& realPath);

    /// The folder of the running executable, as the kernel knows it
    /// (/proc/self/exe): argv[0] may be a link planted in anyone's folder.
    /// `fallback` when /proc cannot tell.
    static std::string executableFolder(const std::string& fallback);

    /// The discovery order: explicit folders (--plugin-path), then the
    /// QDX_PLUGIN_PATH entries (':'-separated), then `exeDir` and
    /// `exeDir/../lib/qdx/plugins`.
    static std::vector<std::string> searchPath(const std::vector<std::string>& explicitFolders, const std::string& exeDir);

private:
    struct Impl;
    std::unique_ptr<Impl> _impl;
};

} // namespace qdx
