#pragma once
/// Exceptions of the core library. Plugins throw these (or anything derived
/// from std::exception); the registry wraps whatever else escapes a plugin.

#include <stdexcept>
#include <string>

namespace qdx {

/// A message as what() can carry it: a NUL byte (from a name or an id of the
/// input) shown as \x00, since what() is read up to the first NUL and the
/// rest of the message (the reason, often) was lost.
std::string wholeMessage(std::string message);

/// Base of every qdx exception.
class Error : public std::runtime_error {
public:
    explicit Error(const std::string& message) : std::runtime_error(wholeMessage(message)) {}
    explicit Error(const char* message) : std::runtime_error(message) {}
};

/// The command line or an option is wrong (exit code 2).
class UsageError : public Error {
public:
    using Error::Error;
};

/// Where in an input something was found: file, zip member, line/column or row/column.
struct Location {
    std::string file;
    std::string member;   ///< zip member or sheet
    long long line = 0;   ///< 1-based line or row; 0 = unknown
    long long column = 0; ///< 1-based column; 0 = unknown
    long long offset = -1;///< byte offset; -1 = unknown
    std::string str() const;  ///< "file!member:line:column" with the parts that are known
    bool empty() const { return file.empty() && member.empty() && line == 0 && offset < 0; }
};

/// An input cannot be read: malformed, hostile, over a limit, missing (exit code 3).
class InputError : public Error {
public:
    InputError(const Location& where, const std::string& reason);
    explicit InputError(const std::string& reason) : Error(reason) {}
    const Location& where() const { return _where; }
    const std::string& reason() const { return _reason; }

private:
    Location _where;
    std::string _reason;
};

/// An input exceeds a safety limit (entries, sizes, ratio, depth, cell length).
class LimitError : public InputError {
public:
    using InputError::InputError;
};

/// An output cannot be written (exit code 4).
class OutputError : public Error {
public:
    using Error::Error;
};

/// A plugin failed to load or misbehaved (exit code 6).
class PluginError : public Error {
public:
    PluginError(std::string plugin, const std::string& message)
        : Error(plugin.empty() ? message : "plugin '" + plugin + "': " + message), _plugin(std::move(plugin)) {}
    const std::string& plugin() const { return _plugin; }

private:
    std::string _plugin;
};

} // namespace qdx
