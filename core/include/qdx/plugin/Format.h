#pragma once
/// The plugin interface: a FormatProvider declares one format as data and
/// creates its Importer and/or Exporter.
///
/// ABI RULE: any change to a header under qdx/plugin/ or to a header they
/// include (Model.h, Blob.h, Json.h, Diagnostics.h, Errors.h, Input.h) must
/// raise QDX_PLUGIN_ABI in Abi.h.

#include "qdx/Diagnostics.h"
#include "qdx/Input.h"
#include "qdx/Model.h"
#include "qdx/plugin/Abi.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace qdx {

/// How much of an entity kind a format carries.
enum class Support { None, Partial, Full };
const char* toString(Support s);

/// The rows of a support matrix; every provider fills each of these.
inline const std::vector<std::string>& supportEntities() {
    static const std::vector<std::string> k{"project", "users",    "themes", "theme-hierarchy", "theme-colours",
                                            "attributes", "sources-text", "sources-media", "excerpts-text",
                                            "excerpts-media", "codings", "memos", "cases", "sets", "extensions"};
    return k;
}

struct SupportEntry {
    Support read = Support::None;
    Support write = Support::None;
    std::string note;  ///< what "partial" means here
};

enum class OptionType { String, Bool, Int, Choice };

struct OptionSpec {
    std::string name;
    OptionType type = OptionType::String;
    std::string defaultValue;
    std::string description;
    std::vector<std::string> choices;  ///< for OptionType::Choice
    bool forRead = true;
    bool forWrite = true;
};

struct FormatInfo {
    std::string name;                     ///< unique, lower case, e.g. "refi"
    std::vector<std::string> aliases;     ///< other names accepted by -f/-t
    std::vector<std::string> extensions;  ///< without dot, lower case, e.g. {"qdpx", "qde"}
    std::string mediaType;
    std::string description;              ///< one line
    bool canRead = false;
    bool canWrite = false;
    bool streamsStdin = false;            ///< importer reads non-seekable input
    bool streamsStdout = false;           ///< exporter output may go to stdout
    /// The exporter writes a folder, not a file (see Exporter::write); such
    /// output never goes to stdout and never replaces an existing folder.
    bool writesFolder = false;
    std::map<std::string, SupportEntry> support;  ///< keyed by supportEntities()
    std::vector<OptionSpec> options;
};

/// Validated options (the registry checks names, types and choices against
/// the OptionSpecs before a plugin sees them). Absent keys give the default.
class Options {
public:
    Options() = default;
    Options(std::map<std::string, std::string> values, std::vector<OptionSpec> specs)
        : _values(std::move(values)), _specs(std::move(specs)) {}
    bool has(const std::string& key) const { return _values.count(key) != 0; }
    std::string get(const std::string& key) const;
    bool getBool(const std::string& key) const;
    long long getInt(const std::string& key) const;
    const std::map<std::string, std::string>& values() const { return _values; }

private:
    const OptionSpec* spec(const std::string& key) const;
    std::map<std::string, std::string> _values;
    std::vector<OptionSpec> _specs;
};

class Importer {
public:
    virtual ~Importer();
    /// How likely it is that `in` is this format: 0 (no) to 100 (certain).
    /// Must be cheap (look at in.head() and the name) and must never throw.
    virtual int probe(const Input& in) const noexcept = 0;
    /// Reads a whole project. Throws InputError (naming file and place) on
    /// malformed or hostile input; reports every loss to `diag`.
    virtual Project read(const Input& in, const Options& opts, Diagnostics& diag) = 0;
};

class Exporter {
public:
    virtual ~Exporter();
    /// Writes `p` to the file at `path` (a temporary file the core renames
    /// into place on success; it ends with the target's suffix, e.g. ".zip").
    /// A format whose FormatInfo::writesFolder is set gets instead a `path`
    /// that does not exist yet, with the target's own name, in an existing
    /// private folder: it creates the folder there and fills it, and the core
    /// renames it into place on success (AtomicFolder) or removes it.
    /// Reports every loss to `diag`. `diag` may already hold what reading `p`
    /// reported (the qdx command passes it on, so that a report format such as
    /// html can list it); report only your own, never re-report those.
    virtual void write(const Project& p, const std::string& path, const Options& opts, Diagnostics& diag) = 0;
    /// What writing `p` would lose, without writing anything. The default
    /// writes to a scratch path (nothing there yet) and removes whatever was
    /// written; a folder format that copies large media should override it.
    virtual void check(const Project& p, const Options& opts, Diagnostics& diag);
};

class FormatProvider {
public:
    virtual ~FormatProvider();
    virtual FormatInfo info() const = 0;
    /// nullptr when the format cannot be read.
    virtual std::unique_ptr<Importer> createImporter() const { return nullptr; }
    /// nullptr when the format cannot be written.
    virtual std::unique_ptr<Exporter> createExporter() const { return nullptr; }
};

} // namespace qdx
