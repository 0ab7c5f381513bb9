#include "Sqlite.h"

#include "QualCoderCommon.h"

#include <sqlite3.h>

#include <cstdio>
#include <sys/stat.h>

namespace qdx::qualcoder {

namespace {

/// A path as the body of a "file:" URI: everything but unreserved characters
/// and '/' percent-encoded, so '?', '#' and '%' in a folder name stay literal.
std::string uriPath(const std::string& path) {
    std::string out;
    for (unsigned char c : path) {
        bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' || c == '-' ||
                     c == '_' || c == '.' || c == '~';
        if (plain) {
            out += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            out += buf;
        }
    }
    if (!out.empty() && out[0] != '/') out = "./" + out;  // a relative path must not read as an authority
    return out;
}

std::string messageOf(sqlite3* db, int rc) {
    std::string m = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if ((rc & 0xFF) == SQLITE_CORRUPT || (rc & 0xFF) == SQLITE_NOTADB) m += " (the database is damaged or not SQLite)";
    return m;
}

} // namespace

bool hasSqliteMagic(std::string_view head) { return head.size() >= 16 && head.compare(0, 16, std::string_view("SQLite format 3\0", 16)) == 0; }

Db::Db(Db&& o) noexcept
    : _db(o._db), _display(std::move(o._display)), _writing(o._writing), _memory(std::move(o._memory)) {
    o._db = nullptr;
}

Db& Db::operator=(Db&& o) noexcept {
    if (this != &o) {
        if (_db) sqlite3_close_v2(_db);
        _db = o._db;
        o._db = nullptr;
        _display = std::move(o._display);
        _writing = o._writing;
        _memory = std::move(o._memory);
    }
    return *this;
}

Db::~Db() {
    if (_db) sqlite3_close_v2(_db);
}

void Db::close() {
    if (!_db) return;
    int rc = sqlite3_close(_db);
    if (rc != SQLITE_OK) {
        std::string m = messageOf(_db, rc);
        sqlite3_close_v2(_db);
        _db = nullptr;
        throw OutputError("cannot write '" + _display + "': " + m);
    }
    _db = nullptr;
}

std::string Db::lastError() const { return _db ? sqlite3_errmsg(_db) : "no database"; }

void Db::exec(const std::string& sql) {
    char* err = nullptr;
    int rc = sqlite3_exec(_db, sql.c_str(), nullptr, nullptr, &err);
    if (rc == SQLITE_OK) return;
    std::string m = err ? err : messageOf(_db, rc);
    sqlite3_free(err);
    if (_writing) throw OutputError("cannot write '" + _display + "': " + m);
    if ((rc & 0xFF) == SQLITE_TOOBIG) throw LimitError(Location{_display, {}, 0, 0, -1}, m);
    throw InputError(Location{_display, {}, 0, 0, -1}, m);
}

void Db::harden(const DbLimits& limits) {
    sqlite3_extended_result_codes(_db, 1);
    // sqlite.org/security.html, "untrusted SQLite database files".
    sqlite3_db_config(_db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
    sqlite3_db_config(_db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
    sqlite3_db_config(_db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, nullptr);
    sqlite3_db_config(_db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, nullptr);
    sqlite3_db_config(_db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
    long long cap = limits.maxValueBytes;
    if (cap > 2147483647ll) cap = 2147483647ll;
    if (cap < 1) cap = 1;
    sqlite3_limit(_db, SQLITE_LIMIT_LENGTH, static_cast<int>(cap));
    sqlite3_limit(_db, SQLITE_LIMIT_SQL_LENGTH, 100000);
    sqlite3_limit(_db, SQLITE_LIMIT_EXPR_DEPTH, 100);
    sqlite3_limit(_db, SQLITE_LIMIT_COMPOUND_SELECT, 8);
    sqlite3_limit(_db, SQLITE_LIMIT_VDBE_OP, 100000);
    sqlite3_limit(_db, SQLITE_LIMIT_FUNCTION_ARG, 8);
    sqlite3_limit(_db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(_db, SQLITE_LIMIT_LIKE_PATTERN_LENGTH, 64);
    sqlite3_limit(_db, SQLITE_LIMIT_TRIGGER_DEPTH, 1);
    exec("PRAGMA cell_size_check=ON");
    exec("PRAGMA mmap_size=0");
    // A damaged file is refused here, naming SQLite's first finding, rather than
    // half-read; it also catches pages claimed twice (a shared overflow chain
    // would hand out one large text once per row that points at it).
    sqlite3_stmt* st = nullptr;
    int rc = sqlite3_prepare_v2(_db, "PRAGMA quick_check(1)", -1, &st, nullptr);
    std::string verdict;
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            const unsigned char* t = sqlite3_column_text(st, 0);
            verdict = t ? reinterpret_cast<const char*>(t) : "";
            rc = SQLITE_OK;
        }
    }
    std::string m = rc == SQLITE_OK ? std::string() : messageOf(_db, rc);
    sqlite3_finalize(st);
    if (rc != SQLITE_OK || verdict != "ok") {
        std::string why = rc != SQLITE_OK ? m : verdict;
        if ((rc & 0xFF) == SQLITE_TOOBIG) throw LimitError(Location{_display, {}, 0, 0, -1}, why);
        throw InputError(Location{_display, {}, 0, 0, -1},
                         "the database is damaged: " + clip(why, 300) +
                             " (SQLite's quick_check; QualCoder repairs what it can when it opens the project, "
                             "or run 'sqlite3 data.qda VACUUM' on a copy)");
    }
}

Db Db::openReadOnly(const std::string& path, const std::string& display, const DbLimits& limits) {
    // Immutable: SQLite takes no lock, plays back no journal and creates no
    // file beside the database, so reading never writes. A journal beside it
    // means a change was under way; reading past it would see half of it.
    for (const char* side : {"-journal", "-wal"}) {
        struct stat st {};
        if (::lstat((path + side).c_str(), &st) == 0 && (!S_ISREG(st.st_mode) || st.st_size > 0))
            throw InputError(Location{display, {}, 0, 0, -1},
                             std::string("'data.qda") + side +
                                 "' lies beside the database: QualCoder is changing the project, or stopped in the middle of a "
                                 "change. Close QualCoder (or open and close the project in it), then read it again");
    }
    Db d;
    d._display = display;
    std::string uri = "file:" + uriPath(path) + "?immutable=1";
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_PRIVATECACHE |
                SQLITE_OPEN_EXRESCODE;
    int rc = sqlite3_open_v2(uri.c_str(), &d._db, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string m = messageOf(d._db, rc);
        throw InputError(Location{display, {}, 0, 0, -1}, "cannot open the database: " + m);
    }
    d.harden(limits);
    return d;
}

Db Db::openMemory(std::string bytes, const std::string& display, const DbLimits& limits) {
    Db d;
    d._display = display;
    d._memory = std::make_unique<std::string>(std::move(bytes));
    int rc = sqlite3_open_v2(":memory:", &d._db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, nullptr);
    if (rc != SQLITE_OK) throw InputError(Location{display, {}, 0, 0, -1}, "cannot open the database: " + messageOf(d._db, rc));
    auto* data = reinterpret_cast<unsigned char*>(d._memory->data());
    auto size = static_cast<sqlite3_int64>(d._memory->size());
    rc = sqlite3_deserialize(d._db, "main", data, size, size, SQLITE_DESERIALIZE_READONLY);
    if (rc != SQLITE_OK) throw InputError(Location{display, {}, 0, 0, -1}, "cannot open the database: " + messageOf(d._db, rc));
    d.harden(limits);
    return d;
}

Db Db::create(const std::string& path) {
    Db d;
    d._display = path;
    d._writing = true;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE;
    int rc = sqlite3_open_v2(path.c_str(), &d._db, flags, nullptr);
    if (rc != SQLITE_OK) throw OutputError("cannot create '" + path + "': " + messageOf(d._db, rc));
    sqlite3_extended_result_codes(d._db, 1);
    // The folder is private until it is renamed into place and discarded on any
    // failure: no journal is needed while it is built.
    d.exec("PRAGMA journal_mode=OFF");
    d.exec("PRAGMA synchronous=OFF");
    return d;
}

Stmt::Stmt(Db& db, const std::string& sql, std::string what) : _db(&db), _what(std::move(what)) {
    int rc = sqlite3_prepare_v2(db.handle(), sql.c_str(), -1, &_st, nullptr);
    if (rc != SQLITE_OK) fail(rc);
}

Stmt::~Stmt() { sqlite3_finalize(_st); }

void Stmt::fail(int rc) const {
    std::string m = messageOf(_db->handle(), rc);
    if (_db->writing()) throw OutputError("cannot write '" + _db->display() + "' (" + _what + "): " + m);
    Location where{_db->display(), _what, 0, 0, -1};
    if ((rc & 0xFF) == SQLITE_TOOBIG) throw LimitError(where, "a value is larger than the limit (" + m + "; see -o max-text-mb)");
    throw InputError(where, m);
}

bool Stmt::step() {
    int rc = sqlite3_step(_st);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    fail(rc);
}

void Stmt::reset() {
    sqlite3_reset(_st);
    sqlite3_clear_bindings(_st);
}

void Stmt::bind(int i, std::int64_t v) {
    int rc = sqlite3_bind_int64(_st, i, v);
    if (rc != SQLITE_OK) fail(rc);
}
void Stmt::bind(int i, double v) {
    int rc = sqlite3_bind_double(_st, i, v);
    if (rc != SQLITE_OK) fail(rc);
}
void Stmt::bind(int i, std::string_view v) {
    int rc = sqlite3_bind_text64(_st, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    if (rc != SQLITE_OK) fail(rc);
}
void Stmt::bindNull(int i) {
    int rc = sqlite3_bind_null(_st, i);
    if (rc != SQLITE_OK) fail(rc);
}
void Stmt::bindOptional(int i, const std::optional<std::int64_t>& v) {
    if (v) bind(i, *v);
    else bindNull(i);
}
void Stmt::bindTextOrNull(int i, std::string_view v) {
    if (v.empty()) bindNull(i);
    else bind(i, v);
}

Stmt::Type Stmt::type(int col) const {
    switch (sqlite3_column_type(_st, col)) {
    case SQLITE_INTEGER: return Type::Integer;
    case SQLITE_FLOAT: return Type::Float;
    case SQLITE_TEXT: return Type::Text;
    case SQLITE_BLOB: return Type::Blob;
    default: return Type::Null;
    }
}

std::int64_t Stmt::integer(int col) const { return sqlite3_column_int64(_st, col); }
double Stmt::real(int col) const { return sqlite3_column_double(_st, col); }

std::string_view Stmt::textView(int col) const {
    if (type(col) == Type::Blob) {
        const void* b = sqlite3_column_blob(_st, col);
        int n = sqlite3_column_bytes(_st, col);
        return b ? std::string_view(static_cast<const char*>(b), static_cast<std::size_t>(n)) : std::string_view();
    }
    const unsigned char* t = sqlite3_column_text(_st, col);
    int n = sqlite3_column_bytes(_st, col);
    if (!t) {
        if (sqlite3_errcode(_db->handle()) == SQLITE_NOMEM) throw std::bad_alloc();
        return {};
    }
    return std::string_view(reinterpret_cast<const char*>(t), static_cast<std::size_t>(n));
}

int Stmt::columns() const { return sqlite3_column_count(_st); }

} // namespace qdx::qualcoder
