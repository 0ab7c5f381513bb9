#include "qdx/PluginLoader.h"

#include "qdx/Errors.h"
#include "qdx/plugin/Abi.h"

#include <Poco/ClassLoader.h>
#include <Poco/Manifest.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <filesystem>
#include <unistd.h>
#include <dlfcn.h>
#include <set>
#include <sys/stat.h>

namespace qdx {

struct PluginLoader::Impl {
    Poco::ClassLoader<FormatProvider> loader;
    std::set<std::string> loaded;  // real paths already loaded
};

PluginLoader::PluginLoader() : _impl(std::make_unique<Impl>()) {}
// The libraries stay mapped (Poco's ClassLoader never unloads them on
// destruction), so providers created from them remain valid.
PluginLoader::~PluginLoader() = default;

namespace {

constexpr const char* kOverride = "QDX_ALLOW_UNSAFE_PLUGINS";

bool overridden() {
    const char* v = std::getenv(kOverride);
    return v && std::string(v) == "1";
}

std::string realPathOf(const std::string& path) {
    char* rp = ::realpath(path.c_str(), nullptr);
    std::string real = rp ? rp : path;
    std::free(rp);
    return real;
}

std::string octal(mode_t m) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(m & 07777));
    return buf;
}

/// Why one file or folder is not safe, or "".
std::string unsafeNode(const std::string& path, bool aboveThePlugin) {
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0) return "'" + path + "' cannot be examined: " + std::strerror(errno);
    const uid_t me = ::geteuid();
    if (st.st_uid != me && st.st_uid != 0)
        return "'" + path + "' belongs to another user (uid " + std::to_string(st.st_uid) + ")";
    const bool writable = (st.st_mode & (S_IWGRP | S_IWOTH)) != 0;
    const bool sticky = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0;
    if (writable && !(aboveThePlugin && sticky))
        return "'" + path + "' is writable by " + ((st.st_mode & S_IWOTH) ? "other users" : "its group") + " (mode " +
               octal(st.st_mode) + ")";
    return {};
}

} // namespace

std::string PluginLoader::untrusted(const std::string& realPath) {
    if (overridden()) return {};
    std::string why = unsafeNode(realPath, false);
    if (!why.empty()) return why;
    struct stat st {};
    bool folder = ::stat(realPath.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    std::string p = realPath;
    for (bool first = true; p.size() > 1; first = false) {
        auto slash = p.find_last_of('/');
        if (slash == std::string::npos) break;
        p = slash == 0 ? "/" : p.substr(0, slash);
        // A file's own folder decides who can add or replace plugins: no sticky exception for it.
        why = unsafeNode(p, !(first && !folder));
        if (!why.empty()) return why;
    }
    return {};
}

std::string PluginLoader::executableFolder(const std::string& fallback) {
    std::error_code ec;
    auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec || exe.empty() || !exe.has_parent_path()) return fallback;
    return exe.parent_path().string();
}

void PluginLoader::loadFile(const std::string& path, FormatRegistry& reg, Diagnostics& diag) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw PluginError(path, "no such file");
    if (!S_ISREG(st.st_mode)) throw PluginError(path, "not a regular file");
    std::string real = realPathOf(path);
    if (_impl->loaded.count(real)) return;
    std::string why = untrusted(real);
    if (!why.empty())
        throw PluginError(path, "not loaded: " + why + "; anyone who can write there could run code as you. Make it "
                                "yours and writable by you only (chmod go-w), or set " + kOverride + "=1");

    // Look for our ABI marker before Poco touches the file, so that a foreign
    // library and a plugin for another qdx are told apart from each other.
    void* handle = ::dlopen(real.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* err = ::dlerror();
        throw PluginError(path, std::string("not a loadable shared library: ") + (err ? err : "unknown error"));
    }
    using AbiFn = int (*)();
    auto abiFn = reinterpret_cast<AbiFn>(::dlsym(handle, "qdx_plugin_abi"));
    if (!abiFn) throw PluginError(path, "not a qdx plugin (it exports no qdx_plugin_abi)");
    int abi = abiFn();
    if (abi != QDX_PLUGIN_ABI)
        throw PluginError(path, "built for plugin ABI " + std::to_string(abi) + ", but this qdx has ABI " +
                                    std::to_string(QDX_PLUGIN_ABI) + "; rebuild the plugin against this qdx");

    try {
        _impl->loader.loadLibrary(real, QDX_PLUGIN_MANIFEST_NAME);
    } catch (const Poco::Exception& ex) {
        throw PluginError(path, "has no " + std::string(QDX_PLUGIN_MANIFEST_NAME) + " manifest: " + ex.displayText());
    }
    _impl->loaded.insert(real);
    const auto* manifest = _impl->loader.findManifest(real);
    if (!manifest || manifest->size() == 0) throw PluginError(path, "its manifest exports no format provider");
    for (auto it = manifest->begin(); it != manifest->end(); ++it) {
        std::shared_ptr<FormatProvider> provider;
        try {
            provider.reset(it->create());
        } catch (const std::exception& ex) {
            throw PluginError(path, std::string("creating ") + it->name() + " failed: " + ex.what());
        } catch (...) {
            throw PluginError(path, std::string("creating ") + it->name() + " threw a non-standard exception");
        }
        reg.add(std::move(provider), path, diag);
    }
}

void PluginLoader::loadFolders(const std::vector<std::string>& folders, FormatRegistry& reg, Diagnostics& diag) {
    std::set<std::string> refused;  // unsafe folders, reported once
    for (const auto& folder : folders) {
        DIR* d = ::opendir(folder.c_str());
        if (!d) continue;
        std::vector<std::string> files;
        while (dirent* ent = ::readdir(d)) {
            std::string n = ent->d_name;
            bool prefix = n.rfind("qdx_", 0) == 0 || n.rfind("libqdx_", 0) == 0;
            bool suffix = n.size() > 3 && n.compare(n.size() - 3, 3, ".so") == 0;
            if (prefix && suffix) files.push_back(folder + "/" + n);
        }
        ::closedir(d);
        if (files.empty()) continue;
        // Anyone who can write to the folder could have put a library there.
        std::string real = realPathOf(folder);
        std::string why = untrusted(real);
        if (!why.empty()) {
            if (refused.insert(real).second)
                diag.report(Diagnostic{Severity::Skipped, "plugin.unsafe", {}, Location{folder, {}, 0, 0, -1},
                                       "plugins in '" + folder + "' not loaded: " + why +
                                           "; anyone who can write there could run code as you",
                                       "make the folder yours and writable by you only (chmod go-w), or set " +
                                           std::string(kOverride) + "=1"});
            continue;
        }
        std::sort(files.begin(), files.end());
        for (const auto& f : files) {
            try {
                loadFile(f, reg, diag);
            } catch (const PluginError& ex) {
                diag.report(Diagnostic{Severity::Skipped, "plugin.load-failed", {}, Location{f, {}, 0, 0, -1}, ex.what(),
                                       "remove the file from the plugin folder or rebuild it"});
            }
        }
    }
}

std::vector<std::string> PluginLoader::searchPath(const std::vector<std::string>& explicitFolders,
                                                  const std::string& exeDir) {
    std::vector<std::string> out = explicitFolders;
    if (const char* env = std::getenv("QDX_PLUGIN_PATH")) {
        std::string s = env;
        std::size_t start = 0;
        while (start <= s.size()) {
            auto colon = s.find(':', start);
            std::string part = s.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
            if (!part.empty()) out.push_back(part);
            if (colon == std::string::npos) break;
            start = colon + 1;
        }
    }
    if (!exeDir.empty()) {
        out.push_back(exeDir);
        out.push_back(exeDir + "/../lib/qdx/plugins");
        out.push_back(exeDir + "/../lib64/qdx/plugins");
    }
    return out;
}

} // namespace qdx
