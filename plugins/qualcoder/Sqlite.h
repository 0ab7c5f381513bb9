#pragma once
/// A small RAII layer over SQLite for the qualcoder plugin: a database opened
/// read-only and hardened for untrusted files, or created for writing, and
/// prepared statements whose errors name the file and the table.

#include "qdx/Errors.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace qdx::qualcoder {

/// Limits of what one database may hold (docs/limits.md).
struct DbLimits {
    std::int64_t maxValueBytes = 1000ll * 1000 * 1000;  ///< one text value (SQLite's own cap is 10^9 bytes)
};

class Db {
public:
    /// Opens an untrusted database file read-only: no link followed
    /// (SQLITE_OPEN_NOFOLLOW), no journal played back and no file created
    /// (immutable), defensive mode, no views, triggers or untrusted schema
    /// functions, cell sizes checked, and `PRAGMA quick_check` passed first.
    /// `display` names the file in messages.
    static Db openReadOnly(const std::string& path, const std::string& display, const DbLimits& limits);
    /// The same over a database held in memory (a zip member, stdin, a fuzzer).
    static Db openMemory(std::string bytes, const std::string& display, const DbLimits& limits);
    /// Creates a new database file for writing (the file must not exist).
    static Db create(const std::string& path);

    Db(Db&& o) noexcept;
    Db& operator=(Db&& o) noexcept;
    Db(const Db&) = delete;
    Db& operator=(const Db&) = delete;
    ~Db();

    sqlite3* handle() const { return _db; }
    const std::string& display() const { return _display; }
    /// Runs SQL without results (DDL, PRAGMA, BEGIN/COMMIT). Throws OutputError
    /// for a database being written, InputError for one being read.
    void exec(const std::string& sql);
    /// The error of the last call, as a sentence.
    std::string lastError() const;
    bool writing() const { return _writing; }
    void close();  ///< closes now, reporting an error (a write that failed at close)

private:
    Db() = default;
    void harden(const DbLimits& limits);
    sqlite3* _db = nullptr;
    std::string _display;
    bool _writing = false;
    std::unique_ptr<std::string> _memory;  ///< bytes of an in-memory database (SQLite reads them in place)
};

/// One prepared statement. Errors name the database and `what` (a table).
class Stmt {
public:
    Stmt(Db& db, const std::string& sql, std::string what);
    ~Stmt();
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    /// Advances to the next row; false at the end.
    bool step();
    void reset();

    // Binding (1-based, as SQLite).
    void bind(int i, std::int64_t v);
    void bind(int i, double v);
    void bind(int i, std::string_view v);
    void bindNull(int i);
    void bindOptional(int i, const std::optional<std::int64_t>& v);
    /// Binds a text, or NULL when empty (QualCoder leaves unknown values NULL).
    void bindTextOrNull(int i, std::string_view v);

    // Columns (0-based, as SQLite).
    enum class Type { Integer, Float, Text, Blob, Null };
    Type type(int col) const;
    bool isNull(int col) const { return type(col) == Type::Null; }
    std::int64_t integer(int col) const;
    double real(int col) const;
    /// The bytes of a text (or blob) value, without a copy; valid until the next step.
    std::string_view textView(int col) const;
    std::string text(int col) const { return std::string(textView(col)); }
    int columns() const;
    const std::string& what() const { return _what; }
    Db& db() const { return *_db; }

private:
    [[noreturn]] void fail(int rc) const;
    Db* _db;
    sqlite3_stmt* _st = nullptr;
    std::string _what;
};

/// True when the bytes start with SQLite's file header.
bool hasSqliteMagic(std::string_view head);

} // namespace qdx::qualcoder
