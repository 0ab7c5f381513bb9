#include "qdx/Registry.h"

#include "qdx/Errors.h"
#include "qdx/Text.h"

#include <algorithm>
#include <climits>
#include <cerrno>
#include <cstdlib>

namespace qdx {

namespace {
template <class F>
auto guarded(const FormatRegistry::Entry& e, const char* what, F&& f) -> decltype(f()) {
    try {
        return f();
    } catch (const Error&) {
        throw;  // our own errors already say what happened
    } catch (const std::exception& ex) {
        throw PluginError(e.info.name, std::string(what) + " failed: " + ex.what() + " (" + e.origin + ")");
    } catch (...) {
        throw PluginError(e.info.name, std::string(what) + " threw a non-standard exception (" + e.origin + ")");
    }
}

std::vector<std::string> namesOf(const FormatInfo& i) {
    std::vector<std::string> n{text::asciiLower(i.name)};
    for (const auto& a : i.aliases) n.push_back(text::asciiLower(a));
    return n;
}

} // namespace

void FormatRegistry::add(std::shared_ptr<FormatProvider> provider, const std::string& origin, Diagnostics& diag) {
    if (!provider) throw PluginError(origin, "provider is null");
    Entry e;
    e.provider = std::move(provider);
    e.origin = origin;
    try {
        e.info = e.provider->info();
    } catch (const std::exception& ex) {
        throw PluginError(origin, std::string("info() failed: ") + ex.what());
    } catch (...) {
        throw PluginError(origin, "info() threw a non-standard exception");
    }
    if (e.info.name.empty()) throw PluginError(origin, "format has no name");
    for (const auto& n : namesOf(e.info)) {
        if (const Entry* other = find(n)) {
            diag.report(Diagnostic{Severity::Info, "registry.duplicate-format", {}, Location{origin, {}, 0, 0, -1},
                                   "format name '" + n + "' of " + origin + " is already taken by " + other->origin +
                                       "; the first one wins",
                                   "remove one of the two plugins from the plugin path"});
            return;
        }
    }
    _entries.push_back(std::move(e));
}

const FormatRegistry::Entry* FormatRegistry::find(const std::string& name) const {
    const std::string l = text::asciiLower(name);
    for (const auto& e : _entries)
        for (const auto& n : namesOf(e.info))
            if (n == l) return &e;
    return nullptr;
}

const FormatRegistry::Entry& FormatRegistry::chooseReader(const Input& in, const std::string& explicitName) const {
    if (!explicitName.empty()) {
        const Entry* e = find(explicitName);
        if (!e) throw UsageError("unknown format '" + explicitName + "' (see 'qdx formats')");
        if (!e->info.canRead) throw UsageError("format '" + e->info.name + "' cannot be read");
        return *e;
    }
    // Score every reader: a suffix match is a strong hint, the probe decides.
    std::vector<std::pair<int, const Entry*>> scored;
    const std::string ext = in.extension();
    for (const auto& e : _entries) {
        if (!e.info.canRead || !e.provider) continue;
        int score = 0;
        try {
            auto imp = e.provider->createImporter();
            if (imp) score = imp->probe(in);
        } catch (...) {
            score = 0;  // probe must not throw; a throwing probe simply declines
        }
        bool suffix = !ext.empty() && std::find(e.info.extensions.begin(), e.info.extensions.end(), ext) !=
                                          e.info.extensions.end();
        if (suffix && score > 0) score += 50;
        else if (suffix) score = 10;
        if (score > 0) scored.emplace_back(score, &e);
    }
    std::stable_sort(scored.begin(), scored.end(), [](auto& a, auto& b) { return a.first > b.first; });
    if (scored.empty() && in.isFolder())  // a folder is no file of any format: an input error, as a device would be
        throw InputError(Location{in.name(), {}, 0, 0, -1}, "is a folder, and no format reads it as a project");
    if (scored.empty())
        throw UsageError("cannot tell the format of '" + in.name() + "'; name it with -f (see 'qdx formats')");
    if (scored.size() > 1 && scored[0].first == scored[1].first) {
        std::string list;
        for (const auto& s : scored)
            if (s.first == scored[0].first) list += (list.empty() ? "" : ", ") + s.second->info.name;
        throw UsageError("the format of '" + in.name() + "' is ambiguous (" + list + "); choose one with -f");
    }
    return *scored[0].second;
}

const FormatRegistry::Entry& FormatRegistry::chooseWriter(const std::string& path, const std::string& explicitName) const {
    if (!explicitName.empty()) {
        const Entry* e = find(explicitName);
        if (!e) throw UsageError("unknown format '" + explicitName + "' (see 'qdx formats')");
        if (!e->info.canWrite) throw UsageError("format '" + e->info.name + "' cannot be written");
        return *e;
    }
    const std::string ext = text::pathExtension(path);
    std::vector<const Entry*> found;
    for (const auto& e : _entries)
        if (e.info.canWrite && !ext.empty() &&
            std::find(e.info.extensions.begin(), e.info.extensions.end(), ext) != e.info.extensions.end())
            found.push_back(&e);
    if (found.empty())
        throw UsageError("cannot tell the output format from '" + path + "'; name it with -t (see 'qdx formats')");
    if (found.size() > 1) {
        std::string list;
        for (auto* e : found) list += (list.empty() ? "" : ", ") + e->info.name;
        throw UsageError("the output format for '" + path + "' is ambiguous (" + list + "); choose one with -t");
    }
    return *found[0];
}

Options FormatRegistry::makeOptions(const Entry& e, const std::map<std::string, std::string>& raw, bool forWrite) {
    std::vector<OptionSpec> specs;
    for (const auto& s : e.info.options)
        if (forWrite ? s.forWrite : s.forRead) specs.push_back(s);
    for (const auto& kv : raw) {
        const std::string& key = kv.first;  // (clang: a lambda cannot capture a structured binding in C++17)
        const std::string& value = kv.second;
        auto it = std::find_if(specs.begin(), specs.end(), [&](const OptionSpec& s) { return s.name == key; });
        if (it == specs.end()) {
            std::string known;
            for (const auto& s : specs) known += (known.empty() ? "" : ", ") + s.name;
            throw UsageError("unknown " + std::string(forWrite ? "write" : "read") + " option '" + key +
                             "' for format '" + e.info.name + "'" +
                             (known.empty() ? " (it takes none)" : " (known: " + known + ")"));
        }
        switch (it->type) {
        case OptionType::Bool:
            if (value != "true" && value != "false" && value != "1" && value != "0" && value != "yes" && value != "no")
                throw UsageError("option '" + key + "' takes true or false, not '" + value + "'");
            break;
        case OptionType::Int: {
            char* end = nullptr;
            errno = 0;
            std::strtoll(value.c_str(), &end, 10);
            if (value.empty() || *end != 0)
                throw UsageError("option '" + key + "' takes an integer, not '" + value + "'");
            if (errno == ERANGE)  // an integer all the same: say what is wrong with it
                throw UsageError("option '" + key + "' is out of range: " + value + " (integers run from " +
                                 std::to_string(LLONG_MIN) + " to " + std::to_string(LLONG_MAX) + ")");
            break;
        }
        case OptionType::Choice:
            if (std::find(it->choices.begin(), it->choices.end(), value) == it->choices.end()) {
                std::string c;
                for (const auto& x : it->choices) c += (c.empty() ? "" : "|") + x;
                throw UsageError("option '" + key + "' takes one of " + c + ", not '" + value + "'");
            }
            break;
        case OptionType::String: break;
        }
    }
    return Options(raw, specs);
}

Project FormatRegistry::read(const Entry& e, const Input& in, const Options& o, Diagnostics& d) const {
    return guarded(e, "reading", [&] {
        auto imp = e.provider->createImporter();
        if (!imp) throw UsageError("format '" + e.info.name + "' cannot be read");
        return imp->read(in, o, d);
    });
}

void FormatRegistry::write(const Entry& e, const Project& p, const std::string& path, const Options& o,
                           Diagnostics& d) const {
    guarded(e, "writing", [&] {
        auto ex = e.provider->createExporter();
        if (!ex) throw UsageError("format '" + e.info.name + "' cannot be written");
        ex->write(p, path, o, d);
    });
}

void FormatRegistry::check(const Entry& e, const Project& p, const Options& o, Diagnostics& d) const {
    guarded(e, "checking", [&] {
        auto ex = e.provider->createExporter();
        if (!ex) throw UsageError("format '" + e.info.name + "' cannot be written");
        ex->check(p, o, d);
    });
}

} // namespace qdx
