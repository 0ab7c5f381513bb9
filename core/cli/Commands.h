#pragma once
// The qdx subcommands, separated from the Poco application shell so that
// they can be called with a ready registry.

#include "qdx/Registry.h"

#include <iosfwd>
#include <map>
#include <string>
#include <vector>

namespace qdx::cli {

/// Exit codes (documented in README.md).
enum Exit : int {
    kOk = 0,
    kDifferent = 1,   ///< diff: projects differ; validate: problems found
    kUsage = 2,
    kInput = 3,
    kOutput = 4,
    kFailOn = 5,      ///< completed with losses at or above --fail-on
    kPlugin = 6,
    kInternal = 70
};

struct CommandLine {
    std::string command;
    std::vector<std::string> args;
    std::string from, to;
    std::map<std::string, std::string> options;  // -o key=value
    std::string report;
    std::string failOn;  // "", "lossy", "skipped"
    bool json = false;
    bool quiet = false;
    bool verbose = false;
    bool sync = false;  // --sync: outputs reach the disk before they are renamed into place
    std::vector<std::string> given;  // long names of the options that were given
    // archive (and reading encrypted bags)
    bool zip = false;
    bool verify = false;
    bool encrypt = false;
    std::string passwordFile;
    std::string passwordEnv;
};

struct Context {
    FormatRegistry& registry;
    Diagnostics& loadDiagnostics;  // from plugin discovery
    std::ostream& out;
    std::ostream& err;
};

int runCommand(const CommandLine& cl, Context& ctx);
/// qdx archive (core/cli/Archive.cpp).
int cmdArchive(const CommandLine& cl, Context& ctx);
/// The password of --password-file / --password-env; empty when neither was given.
std::string passwordOf(const CommandLine& cl);
/// Help text of one command (empty name = overview).
std::string commandHelp(const std::string& command);
bool isCommand(const std::string& name);

} // namespace qdx::cli
