#pragma once
// The qdx subcommands, separated from the Poco application shell so that
// they can be called with a ready registry.

#include "qdx/Registry.h"

#include <iosfwd>
#include <map>
#include <set>
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
    // Options of one command, by long name (agree: coders, unit, overlap, mapping; merge: coders-from-files)
    std::map<std::string, std::string> values;
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
/// qdx agree and qdx merge (core/cli/Team.cpp; the work is in libs/team).
int cmdAgree(const CommandLine& cl, Context& ctx);
int cmdMerge(const CommandLine& cl, Context& ctx);

// What every command does the same way (Commands.cpp), for the commands in other files.
/// Reads a project as every command does (bags, stdin, -f, the reader's -o options,
/// which are added to `used`).
Project readProject(Context& ctx, const std::string& path, const CommandLine& cl, Diagnostics& diag, std::set<std::string>& used);
/// The -o options that belong to the writer `e` (added to `used`).
std::map<std::string, std::string> writerOptions(const FormatRegistry::Entry& e, const CommandLine& cl, std::set<std::string>& used);
/// A UsageError for the first -o option no format took.
void rejectUnusedOptions(const CommandLine& cl, const std::set<std::string>& used, const std::string& formats);
/// Diagnostics for people: one line per code, or every one with --verbose.
void printDiagnostics(const Diagnostics& d, std::ostream& err, bool verbose, const std::string& what);
/// Every diagnostic as the JSON of --report.
std::string diagnosticsAsJson(const Diagnostics& d);
/// Writes a text file atomically, never onto one of `inputs`.
void writeTextFile(const std::string& path, const std::string& content, const std::vector<std::string>& inputs);
/// Problems of the integrity check, carried on as lossy diagnostics.
void reportIntegrityProblems(const Diagnostics& problems, Diagnostics& diag);
/// kFailOn when --fail-on is given and a loss at or above it was reported.
int failOnExit(const CommandLine& cl, const Diagnostics& d);
/// The password of --password-file / --password-env; empty when neither was given.
std::string passwordOf(const CommandLine& cl);
/// Help text of one command (empty name = overview).
std::string commandHelp(const std::string& command);
bool isCommand(const std::string& name);

} // namespace qdx::cli
