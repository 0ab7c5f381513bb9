#include "QualCoderTestUtil.h"

#include "qdx/Errors.h"
#include "qdx/Input.h"
#include "qdx/Text.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

namespace fs = std::filesystem;

namespace qctest {

std::string corpus() {
    const char* c = std::getenv("QDX_CORPUS");
    return c ? c : "";
}

TempDir::TempDir() {
    std::string templ = (fs::temp_directory_path() / "qdx-qualcoder-XXXXXX").string();
    std::vector<char> buf(templ.begin(), templ.end());
    buf.push_back('\0');
    if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
    _path = buf.data();
}

TempDir::~TempDir() {
    std::error_code ec;
    fs::remove_all(_path, ec);
}

qdx::Project read(const std::string& path, qdx::Diagnostics& d, const qdx::qualcoder::ReadOptions& o) {
    return qdx::qualcoder::readQualCoder(qdx::Input::fromFile(path), o, d);
}

void write(const qdx::Project& p, const std::string& folder, qdx::Diagnostics& d) { qdx::qualcoder::writeQualCoder(p, folder, d); }

void sql(const std::string& folder, const std::string& statements) {
    sqlite3* db = nullptr;
    if (sqlite3_open((folder + "/data.qda").c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot open " + folder);
    char* err = nullptr;
    int rc = sqlite3_exec(db, statements.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    if (rc != SQLITE_OK) throw std::runtime_error("SQL failed: " + msg + " in: " + statements);
}

long long sqlInt(const std::string& folder, const std::string& query) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2((folder + "/data.qda").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK)
        throw std::runtime_error("cannot open " + folder);
    sqlite3_stmt* st = nullptr;
    long long v = -1;
    if (sqlite3_prepare_v2(db, query.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

std::map<std::string, std::string> snapshot(const std::string& folder) {
    std::map<std::string, std::string> out;
    for (auto it = fs::recursive_directory_iterator(folder); it != fs::recursive_directory_iterator(); ++it) {
        std::string rel = fs::relative(it->path(), folder).string();
        if (it->is_symlink()) out[rel] = "-> " + fs::read_symlink(it->path()).string();
        else if (it->is_regular_file()) {
            std::ifstream f(it->path(), std::ios::binary);
            std::ostringstream s;
            s << f.rdbuf();
            out[rel] = s.str();
        } else {
            out[rel] = "(folder)";
        }
    }
    return out;
}

namespace {
std::string lfOnly(std::string s) {
    std::string o;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n') continue;
        o.push_back(s[i] == '\r' ? '\n' : s[i]);
    }
    return o;
}
}  // namespace

std::vector<CodingText> codingTexts(const qdx::Project& p, bool lf) {
    std::map<std::string, const qdx::Source*> src;
    for (const auto& s : p.sources) src[qdx::normalizeId(s.id)] = &s;
    std::vector<CodingText> out;
    for (const auto& e : p.excerpts) {
        auto it = src.find(qdx::normalizeId(e.source));
        if (it == src.end()) continue;
        std::string text = "(" + std::string(qdx::anchorTypeName(e.anchor)) + ")";
        if (const auto* span = std::get_if<qdx::TextSpan>(&e.anchor); span && it->second->text)
            text = qdx::text::substrCodePoints(*it->second->text, span->start, span->end);
        if (lf) text = lfOnly(text);
        for (const auto& c : e.codings) {
            std::string path;
            for (const auto& n : qdx::themePath(p, c.theme)) path += (path.empty() ? "" : " > ") + n;
            out.emplace_back(it->second->name, path, text);
        }
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::size_t count(const qdx::Diagnostics& d, const std::string& code) { return d.countCode(code); }

std::vector<std::string> lossCodes(const qdx::Diagnostics& d) {
    std::set<std::string> s;
    for (const auto& x : d.all())
        if (x.severity == qdx::Severity::Lossy || x.severity == qdx::Severity::Skipped) s.insert(x.code);
    return {s.begin(), s.end()};
}

}  // namespace qctest
