#include "Commands.h"

#include "qdx/Archive.h"
#include "qdx/AtomicFile.h"
#include "qdx/Compare.h"
#include "qdx/Errors.h"
#include "qdx/Json.h"
#include "qdx/Text.h"
#include "qdx/Validate.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>
#include <iostream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>

namespace qdx::cli {

namespace {

struct CommandSpec {
    const char* name;
    const char* usage;
    const char* summary;
    std::vector<std::string> allowed;  // long option names this command accepts
};

const std::vector<CommandSpec>& commands() {
    static const std::vector<CommandSpec> k{
        {"formats", "qdx formats", "List every format, what it reads and writes, and its support matrix.", {}},
        {"format", "qdx format NAME", "Show one format: extensions, options with defaults, support matrix.", {}},
        {"convert", "qdx convert IN OUT [-f FMT] [-t FMT] [-o key=value]... [--report FILE.json] [--fail-on lossy|skipped] [--sync]",
         "Convert a project. Losses are listed, summarised by code. OUT is written atomically\n"
         "(temporary file + rename) and never onto IN. '-' reads stdin / writes stdout. A format\n"
         "that writes a folder (qualcoder's NAME.qda) builds it beside OUT and renames it into\n"
         "place; an existing OUT is then never replaced.\n"
         "--sync flushes OUT to the disk before renaming it into place (as bags always are), so\n"
         "it also survives a power cut right after qdx exits; without it the kernel flushes it later.\n"
         "With --fail-on, nothing is written when a loss at or above that level occurs (exit 5).\n"
         "Options of the reader and the writer share -o; each key must belong to one of them.",
         {"from", "to", "option", "report", "fail-on", "quiet", "verbose", "password-file", "password-env", "sync"}},
        {"info", "qdx info FILE [-f FMT] [-o key=value]... [--json]",
         "What the project holds: counts of sources (by kind), excerpts, codings, themes, memos,\n"
         "cases, attributes, users, sets. --json prints one JSON object.",
         {"from", "option", "json", "quiet", "verbose", "password-file", "password-env"}},
        {"validate", "qdx validate FILE [-f FMT] [-o key=value]...",
         "Read FILE (the reader enforces its format's schema), then check referential integrity:\n"
         "unique ids, every reference resolves, no cycle in the theme tree, text spans inside their\n"
         "source and equal to their quoted text. Exit 1 when problems are found, naming each.",
         {"from", "option", "json", "quiet", "verbose", "password-file", "password-env"}},
        {"check", "qdx check IN -t FMT [-f FMT] [-o key=value]... [--report FILE.json] [--fail-on lossy|skipped]",
         "What converting IN to FMT would lose, without writing anything.",
         {"from", "to", "option", "report", "fail-on", "quiet", "verbose", "password-file", "password-env"}},
        {"diff", "qdx diff A B [-f FMT] [-o key=value]...",
         "Semantic difference of two projects in any formats (ids compared without braces and case).\n"
         "Exit 0 when equal, 1 when they differ, listing the differences.",
         {"from", "option", "json", "quiet", "verbose", "password-file", "password-env"}},
        {"archive",
         "qdx archive IN OUT [--zip] [-f FMT] [-o key=value]... [--encrypt --password-file FILE | --password-env VAR]\n"
         "            qdx archive --verify BAG [--password-file FILE | --password-env VAR]",
         "Archive a project as a BagIt 1.0 bag (RFC 8493): canonical JSON, the original file, the source\n"
         "documents and media, the JSON Schema, a report to read in any browser (data/report.html),\n"
         "SHA-256 manifests, bag-info.txt and a README. OUT is a\n"
         "folder, or a zip with --zip or a name ending in .zip. --encrypt wraps the bag zip in an AES-256\n"
         "zip (password from a file or an environment variable, never the command line; see\n"
         "docs/archiving.md for what it does not hide). --verify checks completeness and checksums and\n"
         "exits 1 naming each problem. Bags are read back by convert, info, validate and diff.",
         {"from", "option", "zip", "verify", "encrypt", "password-file", "password-env", "quiet", "verbose"}},
        {"agree",
         "qdx agree A [B] [--coders X,Y] [--unit character|segment] [--overlap 90] [--mapping FILE.csv] [--json] [--report FILE.html]",
         "Inter-coder agreement between two projects in any formats, or two users of one project\n"
         "(--coders X,Y; with two projects, user X of A and user Y of B). Sources are matched by\n"
         "text, themes by path (or --mapping, a CSV of 'path in A,path in B'); what cannot be matched\n"
         "is listed. Character units (NVivo): percentage agreement, Cohen's kappa (weighted by source\n"
         "length and unweighted), Krippendorff's alpha;\n"
         "segment units (MAXQDA): segments agreeing at --overlap percent, kappa after Brennan & Prediger.\n"
         "--report writes an HTML page listing every disagreement with its quote. docs/teamwork.md.",
         {"from", "option", "coders", "unit", "overlap", "mapping", "json", "report", "quiet", "verbose", "password-file",
          "password-env"}},
        {"merge", "qdx merge A B OUT [--coders-from-files] [-t FMT] [-o key=value]... [--report FILE.json] [--fail-on lossy|skipped]",
         "Merge two coders' projects of the same documents, in any formats, into OUT. Sources are matched\n"
         "by text, themes by path; memos, cases and attributes are united. Each coding keeps its coder; a\n"
         "coding without a user gets the user named after its file (with --coders-from-files, every\n"
         "coding does). Conflicts are reported (lossy.merge-*), never resolved silently. docs/teamwork.md.",
         {"from", "to", "option", "coders-from-files", "report", "fail-on", "quiet", "verbose", "sync", "password-file",
          "password-env"}},
    };
    return k;
}

const CommandSpec* findCommand(const std::string& n) {
    for (const auto& c : commands())
        if (n == c.name) return &c;
    return nullptr;
}

std::string supportCell(const SupportEntry* e, const FormatInfo& f) {
    auto ch = [](Support s) { return s == Support::Full ? 'F' : s == Support::Partial ? 'P' : '-'; };
    std::string s;
    s += f.canRead && e ? ch(e->read) : '-';
    s += '/';
    s += f.canWrite && e ? ch(e->write) : '-';
    return s;
}

std::string pad(std::string s, std::size_t n) {
    if (s.size() < n) s.append(n - s.size(), ' ');
    return s;
}

/// A field of one line for people: whatever the input put in names, ids and
/// messages (ESC sequences, line breaks) is shown escaped (text::printable).
std::string shown(const std::string& s) { return text::printable(s); }

/// Prints diagnostics items[from..] whose counts per code are `counts`.
void printSummary(const std::vector<Diagnostic>& items, std::size_t from, std::map<std::string, std::size_t> counts,
                  std::ostream& err, bool verbose, const std::string& what) {
    if (verbose) {
        for (std::size_t i = from; i < items.size(); ++i) {
            const Diagnostic& x = items[i];
            err << toString(x.severity) << " " << shown(x.code);
            if (!x.entityId.empty()) err << " [" << shown(x.entityId) << "]";
            if (!x.location.empty()) err << " at " << shown(x.location.str());
            err << ": " << shown(x.message);
            if (!x.hint.empty()) err << " (hint: " << shown(x.hint) << ")";
            err << "\n";
        }
        return;
    }
    // One line per code for lossy/skipped; infos only counted.
    std::map<std::string, std::pair<std::size_t, const Diagnostic*>> byCode;
    std::size_t infos = 0;
    for (std::size_t i = from; i < items.size(); ++i) {
        const Diagnostic& x = items[i];
        if (x.severity == Severity::Info) {
            ++infos;
            continue;
        }
        auto& slot = byCode[x.code];
        if (!slot.second) slot.second = &x;
    }
    for (auto& [code, slot] : byCode) {
        const Diagnostic& x = *slot.second;
        err << what << ": " << toString(x.severity) << " " << shown(code) << " x" << counts[code] << ": " << shown(x.message);
        if (!x.location.empty()) err << " (at " << shown(x.location.str()) << ")";
        if (!x.hint.empty()) err << " -- hint: " << shown(x.hint);
        err << "\n";
    }
    if (infos > 0) err << what << ": " << infos << " informational note(s); --verbose lists them\n";
}

void printSummary(const Diagnostics& d, std::ostream& err, bool verbose, const std::string& what) {
    printSummary(d.all(), 0, d.summary(), err, verbose, what);
}

/// The sink an exporter reports to. It starts with what reading reported,
/// so that an exporter can show it (the html report lists it): one sink per
/// operation, as Diagnostics.h says. What the writer adds is told apart by
/// position (items) and by difference (counts), which stay exact past the
/// per-code storage limit.
struct WriterSink {
    Diagnostics diag;
    std::size_t readItems;
    std::map<std::string, std::size_t> readCounts;
    std::size_t readLosses;

    explicit WriterSink(const Diagnostics& read)
        : diag(read), readItems(read.all().size()), readCounts(read.summary()),
          readLosses(read.count(Severity::Lossy) + read.count(Severity::Skipped)) {
        diag.setStrict(false);  // strictness is about reading quirks
    }
    std::map<std::string, std::size_t> counts() const {
        auto c = diag.summary();
        for (auto it = c.begin(); it != c.end();) {
            auto r = readCounts.find(it->first);
            if (r != readCounts.end()) it->second -= r->second;
            it = it->second == 0 ? c.erase(it) : std::next(it);
        }
        return c;
    }
    std::size_t losses() const { return diag.count(Severity::Lossy) + diag.count(Severity::Skipped) - readLosses; }
    void mergeInto(Diagnostics& d) const {
        for (std::size_t i = readItems; i < diag.all().size(); ++i) d.report(diag.all()[i]);
    }
    void print(std::ostream& out, bool verbose, const std::string& what) const {
        printSummary(diag.all(), readItems, counts(), out, verbose, what);
    }
};

std::string diagnosticsJson(const Diagnostics& d) {
    Json arr = Json::array();
    for (const auto& x : d.all()) {
        Json o = Json::object();
        o.set("severity", toString(x.severity));
        o.set("code", x.code);
        if (!x.entityId.empty()) o.set("entity", x.entityId);
        if (!x.location.empty()) {
            Json l = Json::object();
            if (!x.location.file.empty()) l.set("file", x.location.file);
            if (!x.location.member.empty()) l.set("member", x.location.member);
            if (x.location.line > 0) l.set("line", static_cast<std::int64_t>(x.location.line));
            if (x.location.column > 0) l.set("column", static_cast<std::int64_t>(x.location.column));
            if (x.location.offset >= 0) l.set("offset", static_cast<std::int64_t>(x.location.offset));
            o.set("location", std::move(l));
        }
        o.set("message", x.message);
        if (!x.hint.empty()) o.set("hint", x.hint);
        arr.push(std::move(o));
    }
    Json counts = Json::object();
    for (const auto& [code, n] : d.summary()) counts.set(code, static_cast<std::uint64_t>(n));
    Json root = Json::object();
    root.set("counts", std::move(counts));
    root.set("diagnostics", std::move(arr));
    return root.dump() + "\n";
}

void writeTextAtomically(const std::string& path, const std::string& content, const std::vector<std::string>& inputs) {
    AtomicFile f(path, inputs);
    {
        std::ofstream o(f.tempPath(), std::ios::binary);
        o << content;
        o.flush();
        if (!o) throw OutputError("cannot write '" + path + "'");
    }
    f.commit();
}

// Splits -o options between the reader and the writer by their specs.
std::map<std::string, std::string> optionsFor(const FormatRegistry::Entry& e, const std::map<std::string, std::string>& all,
                                              bool forWrite, std::set<std::string>& used) {
    std::map<std::string, std::string> mine;
    for (const auto& [k, v] : all)
        for (const auto& s : e.info.options)
            if (s.name == k && (forWrite ? s.forWrite : s.forRead)) {
                mine[k] = v;
                used.insert(k);
            }
    return mine;
}

void rejectUnused(const std::map<std::string, std::string>& all, const std::set<std::string>& used,
                  const std::string& formats) {
    for (const auto& [k, v] : all)
        if (!used.count(k))
            throw UsageError("unknown option '" + k + "' (not an option of " + formats + "; see 'qdx format NAME')");
}

Input openInput(const std::string& path) {
    if (path == "-") {
        std::string data((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
        return Input::fromMemory(std::move(data), "<stdin>");
    }
    return Input::fromFile(path);
}

struct Loaded {
    Project project;
    const FormatRegistry::Entry* entry = nullptr;
};

Loaded load(Context& ctx, const std::string& path, const CommandLine& cl, Diagnostics& diag, std::set<std::string>& used,
            bool allOptionsMine) {
    if (path != "-" && cl.from.empty() && isBag(path)) {  // archiving: a BagIt bag holds canonical JSON
        if (allOptionsMine) rejectUnused(cl.options, used, "a bag (canonical JSON)");
        Loaded l;
        l.entry = ctx.registry.find("json");
        l.project = readBag(path, passwordOf(cl), ctx.registry, diag);
        if (!l.entry) throw UsageError("reading a bag needs the 'json' format");
        return l;
    }
    Input in = openInput(path);
    const auto& e = ctx.registry.chooseReader(in, cl.from);
    auto raw = optionsFor(e, cl.options, false, used);
    if (allOptionsMine) rejectUnused(cl.options, used, "format '" + e.info.name + "'");
    Options opts = FormatRegistry::makeOptions(e, raw, false);
    if (opts.has("strict") && opts.getBool("strict")) diag.setStrict(true);
    Loaded l;
    l.entry = &e;
    l.project = ctx.registry.read(e, in, opts, diag);
    return l;
}

// An inconsistent input (dangling references, duplicate ids, spans outside
// their text) is carried as it is, but never silently: each problem is a
// lossy diagnostic, so --fail-on lossy refuses to write it.
void reportIntegrity(const Diagnostics& problems, Diagnostics& diag) {
    for (const auto& d : problems.all())
        diag.report(Diagnostic{Severity::Lossy, d.code, d.entityId, d.location, "inconsistent input: " + d.message,
                               "'qdx validate' lists every problem"});
}

int failOnCode(const CommandLine& cl, const Diagnostics& d) {
    if (cl.failOn.empty()) return kOk;
    std::size_t n = d.count(Severity::Skipped) + d.count(Severity::Fatal);
    if (cl.failOn == "lossy") n += d.count(Severity::Lossy);
    return n > 0 ? kFailOn : kOk;
}

Json countsJson(const Project& p) {
    Json o = Json::object();
    o.set("sources", static_cast<std::uint64_t>(p.sources.size()));
    o.set("excerpts", static_cast<std::uint64_t>(p.excerpts.size()));
    o.set("codings", static_cast<std::uint64_t>(p.codingCount()));
    o.set("themes", static_cast<std::uint64_t>(p.themes.size()));
    o.set("memos", static_cast<std::uint64_t>(p.memos.size()));
    o.set("cases", static_cast<std::uint64_t>(p.cases.size()));
    o.set("attributes", static_cast<std::uint64_t>(p.attributes.size()));
    o.set("users", static_cast<std::uint64_t>(p.users.size()));
    o.set("sets", static_cast<std::uint64_t>(p.sets.size()));
    return o;
}

int cmdFormats(const CommandLine& cl, Context& ctx) {
    if (!cl.args.empty()) throw UsageError("'qdx formats' takes no arguments");
    auto& out = ctx.out;
    out << "Formats (R = read, W = write):\n";
    for (const auto& e : ctx.registry.entries()) {
        std::string rw = std::string(e.info.canRead ? "R" : "-") + (e.info.canWrite ? "W" : "-");
        std::string exts;
        for (const auto& x : e.info.extensions) exts += (exts.empty() ? "." : " .") + x;
        out << "  " << pad(e.info.name, 12) << pad(rw, 4) << pad(exts, 22) << e.info.description << "\n";
    }
    out << "\nSupport matrix (read/write: F = full, P = partial, - = none):\n  " << pad("", 18);
    for (const auto& e : ctx.registry.entries()) out << pad(e.info.name, 11);
    out << "\n";
    for (const auto& ent : supportEntities()) {
        out << "  " << pad(ent, 18);
        for (const auto& e : ctx.registry.entries()) {
            auto it = e.info.support.find(ent);
            out << pad(supportCell(it == e.info.support.end() ? nullptr : &it->second, e.info), 11);
        }
        out << "\n";
    }
    printSummary(ctx.loadDiagnostics, ctx.err, cl.verbose, "plugins");
    return kOk;
}

int cmdFormat(const CommandLine& cl, Context& ctx) {
    if (cl.args.size() != 1) throw UsageError("usage: qdx format NAME");
    const auto* e = ctx.registry.find(cl.args[0]);
    if (!e) throw UsageError("unknown format '" + cl.args[0] + "' (see 'qdx formats')");
    auto& out = ctx.out;
    const auto& f = e->info;
    out << f.name << ": " << f.description << "\n";
    if (!f.aliases.empty()) {
        out << "  aliases:    ";
        for (const auto& a : f.aliases) out << a << " ";
        out << "\n";
    }
    out << "  extensions: ";
    for (const auto& x : f.extensions) out << "." << x << " ";
    out << "\n  media type: " << f.mediaType << "\n  reads: " << (f.canRead ? "yes" : "no")
        << "   writes: " << (f.canWrite ? "yes" : "no") << "\n  plugin:     " << e->origin << "\n";
    out << "\nOptions (-o key=value):\n";
    if (f.options.empty()) out << "  (none)\n";
    for (const auto& o : f.options) {
        std::string type = o.type == OptionType::Bool ? "true|false" : o.type == OptionType::Int ? "integer" : "text";
        if (o.type == OptionType::Choice) {
            type.clear();
            for (const auto& c : o.choices) type += (type.empty() ? "" : "|") + c;
        }
        std::string when = o.forRead && o.forWrite ? "read, write" : o.forRead ? "read" : "write";
        out << "  " << o.name << "=" << type << "  (" << when << "; default: "
            << (o.defaultValue.empty() ? "\"\"" : o.defaultValue) << ")\n      " << o.description << "\n";
    }
    out << "\nSupport (read/write):\n";
    for (const auto& ent : supportEntities()) {
        auto it = f.support.find(ent);
        out << "  " << pad(ent, 18) << pad(supportCell(it == f.support.end() ? nullptr : &it->second, f), 6);
        if (it != f.support.end() && !it->second.note.empty()) out << it->second.note;
        out << "\n";
    }
    return kOk;
}

/// Keeps a converted model until the process ends instead of freeing its
/// millions of small strings one by one, which took 7-10 % of a large
/// conversion (BENCHMARKS.md). Held through a static pointer, so it is
/// reachable (not a leak) for LeakSanitizer; a second call frees the first.
void retire(Project&& p) {
    static Project* retired = nullptr;
    delete retired;
    retired = new Project(std::move(p));
}

int cmdConvert(const CommandLine& cl, Context& ctx) {
    if (cl.args.size() != 2) throw UsageError("usage: " + std::string(findCommand("convert")->usage));
    const std::string& inPath = cl.args[0];
    const std::string& outPath = cl.args[1];
    AtomicFile::setSyncOutputs(cl.sync);
    if (outPath == "-" && cl.to.empty()) throw UsageError("writing to stdout needs -t FMT");
    if (inPath != "-" && outPath != "-" && (inPath == outPath || sameFile(inPath, outPath)))
        throw OutputError("refusing to write '" + outPath + "': it is the input file");
    checkReportPath(cl, {inPath}, outPath);
    Diagnostics diag;
    std::set<std::string> used;
    // Choose the writer first so that a wrong output name fails before any reading.
    const auto& we = ctx.registry.chooseWriter(outPath == "-" ? std::string() : outPath, cl.to);
    if (outPath == "-" && we.info.writesFolder)
        throw UsageError("format '" + we.info.name + "' writes a folder: name it, it cannot go to stdout");
    auto wraw = optionsFor(we, cl.options, true, used);
    // A folder output is refused before any reading when its name is taken.
    std::optional<AtomicFolder> folder;
    if (we.info.writesFolder) folder.emplace(outPath, inPath == "-" ? std::vector<std::string>{} : std::vector<std::string>{inPath});
    Loaded l = load(ctx, inPath, cl, diag, used, false);
    rejectUnused(cl.options, used, "'" + l.entry->info.name + "' or '" + we.info.name + "'");
    Options wopts = FormatRegistry::makeOptions(we, wraw, true);
    // The exporter writes the model on a second thread while this one checks
    // its integrity (both only read it): on two cores the check costs no wall
    // time. The check stays on this thread so that its tables reuse the memory
    // the importer freed (a new thread allocates from a fresh malloc arena).
    // Its findings join the read diagnostics before anything is decided.
    WriterSink wsink(diag);
    auto writeChecked = [&](const std::string& path) {
        auto written = std::async(std::launch::async, [&] { ctx.registry.write(we, l.project, path, wopts, wsink.diag); });
        Diagnostics problems;
        validateProject(l.project, problems);
        reportIntegrity(problems, diag);
        if (!cl.quiet) printSummary(diag, ctx.err, cl.verbose, "read");  // before a write error, too
        written.get();
    };
    std::vector<std::string> inputs;
    if (inPath != "-") inputs.push_back(inPath);
    int rc = kOk;
    if (outPath == "-") {
        ScratchFile tmp;  // exporters write files; stdout gets a copy, from a private folder
        writeChecked(tmp.path());
        wsink.mergeInto(diag);
        rc = failOnCode(cl, diag);
        if (rc == kOk) {
            std::ifstream f(tmp.path(), std::ios::binary);
            ctx.out << f.rdbuf();
            ctx.out.flush();
        }
    } else if (folder) {
        writeChecked(folder->tempPath());
        wsink.mergeInto(diag);
        rc = failOnCode(cl, diag);
        if (rc == kOk) folder->commit();
    } else {
        AtomicFile af(outPath, inputs);
        writeChecked(af.tempPath());
        wsink.mergeInto(diag);
        rc = failOnCode(cl, diag);
        if (rc == kOk) af.commit();
    }
    if (!cl.quiet) wsink.print(ctx.err, cl.verbose, "write");
    if (!cl.report.empty()) writeTextAtomically(cl.report, diagnosticsJson(diag), inputs);
    if (rc != kOk)
        ctx.err << "qdx: not written: losses at or above '" << cl.failOn << "' (--fail-on); '" << shown(outPath)
                << "' is unchanged\n";
    retire(std::move(l.project));
    return rc;
}

int cmdInfo(const CommandLine& cl, Context& ctx) {
    if (cl.args.size() != 1) throw UsageError("usage: " + std::string(findCommand("info")->usage));
    Diagnostics diag;
    std::set<std::string> used;
    Loaded l = load(ctx, cl.args[0], cl, diag, used, true);
    const Project& p = l.project;
    std::map<std::string, std::uint64_t> kinds, anchors;
    for (const auto& s : p.sources) kinds[toString(s.kind)]++;
    for (const auto& e : p.excerpts) anchors[anchorTypeName(e.anchor)]++;
    if (cl.json) {
        Json o = countsJson(p);
        o.set("format", l.entry->info.name);
        o.set("name", p.name);
        o.set("origin", p.origin);
        Json k = Json::object();
        for (const auto& [n, c] : kinds) k.set(n, c);
        o.set("sourcesByKind", std::move(k));
        Json a = Json::object();
        for (const auto& [n, c] : anchors) a.set(n, c);
        o.set("excerptsByAnchor", std::move(a));
        Json d = Json::object();
        for (const auto& [n, c] : diag.summary()) d.set(n, static_cast<std::uint64_t>(c));
        o.set("diagnostics", std::move(d));
        ctx.out << o.dump() << "\n";
        return kOk;
    }
    auto& out = ctx.out;
    out << "file:       " << shown(cl.args[0]) << " (" << l.entry->info.name << ")\n";
    out << "project:    " << (p.name.empty() ? std::string("(no name)") : shown(p.name)) << "\n";
    if (!p.origin.empty()) out << "origin:     " << shown(p.origin) << "\n";
    out << "sources:    " << p.sources.size();
    if (!kinds.empty()) {
        out << " (";
        bool first = true;
        for (const auto& [n, c] : kinds) {
            out << (first ? "" : ", ") << c << " " << n;
            first = false;
        }
        out << ")";
    }
    out << "\nexcerpts:   " << p.excerpts.size();
    if (!anchors.empty()) {
        out << " (";
        bool first = true;
        for (const auto& [n, c] : anchors) {
            out << (first ? "" : ", ") << c << " " << n;
            first = false;
        }
        out << ")";
    }
    out << "\ncodings:    " << p.codingCount() << "\nthemes:     " << p.themes.size()
        << "\nmemos:      " << p.memos.size() << "\ncases:      " << p.cases.size()
        << "\nattributes: " << p.attributes.size() << "\nusers:      " << p.users.size()
        << "\nsets:       " << p.sets.size() << "\n";
    if (!cl.quiet) printSummary(diag, ctx.err, cl.verbose, "read");
    return kOk;
}

int cmdValidate(const CommandLine& cl, Context& ctx) {
    if (cl.args.size() != 1) throw UsageError("usage: " + std::string(findCommand("validate")->usage));
    Diagnostics diag;
    std::set<std::string> used;
    Loaded l = load(ctx, cl.args[0], cl, diag, used, true);
    if (!cl.quiet) printSummary(diag, ctx.err, cl.verbose, "read");
    Diagnostics problems;
    std::size_t n = validateProject(l.project, problems);
    if (cl.json) {
        ctx.out << diagnosticsJson(problems);
    } else {
        const std::string file = shown(cl.args[0]);
        for (const auto& d : problems.all()) ctx.out << file << ": " << d.code << ": " << shown(d.message) << "\n";
        if (n == 0) ctx.out << file << ": valid (" << l.entry->info.name << ")\n";
        else ctx.out << file << ": " << n << " problem(s)\n";
    }
    return n == 0 ? kOk : kDifferent;
}

int cmdCheck(const CommandLine& cl, Context& ctx) {
    if (cl.args.size() != 1) throw UsageError("usage: " + std::string(findCommand("check")->usage));
    if (cl.to.empty()) throw UsageError("'qdx check' needs the target format: -t FMT");
    checkReportPath(cl, {cl.args[0]}, {});
    Diagnostics diag;
    std::set<std::string> used;
    const auto& we = ctx.registry.chooseWriter({}, cl.to);
    auto wraw = optionsFor(we, cl.options, true, used);
    Loaded l = load(ctx, cl.args[0], cl, diag, used, false);
    rejectUnused(cl.options, used, "'" + l.entry->info.name + "' or '" + we.info.name + "'");
    Options wopts = FormatRegistry::makeOptions(we, wraw, true);
    WriterSink wsink(diag);
    ctx.registry.check(we, l.project, wopts, wsink.diag);
    std::size_t losses = wsink.losses();
    printSummary(diag, ctx.err, cl.verbose, "read");
    wsink.print(ctx.out, cl.verbose, we.info.name);
    ctx.out << shown(cl.args[0]) << " -> " << we.info.name << ": "
            << (losses == 0 ? "nothing would be lost" : std::to_string(losses) + " loss(es)") << "\n";
    wsink.mergeInto(diag);
    if (!cl.report.empty()) writeTextAtomically(cl.report, diagnosticsJson(diag), {cl.args[0]});
    return failOnCode(cl, diag);
}

int cmdDiff(const CommandLine& cl, Context& ctx) {
    if (cl.args.size() != 2) throw UsageError("usage: " + std::string(findCommand("diff")->usage));
    Diagnostics da, db;
    std::set<std::string> used;
    CommandLine c1 = cl, c2 = cl;
    Loaded a = load(ctx, cl.args[0], c1, da, used, false);
    Loaded b = load(ctx, cl.args[1], c2, db, used, false);
    rejectUnused(cl.options, used, "the input formats");
    auto diffs = compareProjects(a.project, b.project);
    if (cl.json) {
        Json arr = Json::array();
        for (const auto& d : diffs) {
            Json o = Json::object();
            o.set("path", d.path);
            o.set("left", d.left);
            o.set("right", d.right);
            arr.push(std::move(o));
        }
        Json root = Json::object();
        root.set("equal", diffs.empty());
        root.set("differences", std::move(arr));
        ctx.out << root.dump() << "\n";
    } else if (diffs.empty()) {
        ctx.out << "equal\n";
    } else {
        for (const auto& d : diffs) ctx.out << shown(d.path) << ": " << shown(d.left) << " | " << shown(d.right) << "\n";
        ctx.out << diffs.size() << " difference(s)\n";
    }
    return diffs.empty() ? kOk : kDifferent;
}

} // namespace

Project readProject(Context& ctx, const std::string& path, const CommandLine& cl, Diagnostics& diag, std::set<std::string>& used) {
    return std::move(load(ctx, path, cl, diag, used, false).project);
}
std::map<std::string, std::string> writerOptions(const FormatRegistry::Entry& e, const CommandLine& cl, std::set<std::string>& used) {
    return optionsFor(e, cl.options, true, used);
}
void rejectUnusedOptions(const CommandLine& cl, const std::set<std::string>& used, const std::string& formats) {
    rejectUnused(cl.options, used, formats);
}
void printDiagnostics(const Diagnostics& d, std::ostream& err, bool verbose, const std::string& what) {
    printSummary(d, err, verbose, what);
}
std::string diagnosticsAsJson(const Diagnostics& d) { return diagnosticsJson(d); }
void writeTextFile(const std::string& path, const std::string& content, const std::vector<std::string>& inputs) {
    writeTextAtomically(path, content, inputs);
}
void reportIntegrityProblems(const Diagnostics& problems, Diagnostics& diag) { reportIntegrity(problems, diag); }
int failOnExit(const CommandLine& cl, const Diagnostics& d) { return failOnCode(cl, d); }

bool isCommand(const std::string& name) { return findCommand(name) != nullptr; }

std::string commandHelp(const std::string& command) {
    std::ostringstream s;
    if (const auto* c = findCommand(command)) {
        s << "usage: " << c->usage << "\n\n" << c->summary << "\n\nOptions:\n";
        auto has = [&](const char* n) { return std::find(c->allowed.begin(), c->allowed.end(), n) != c->allowed.end(); };
        if (has("from")) s << "  -f, --from FMT        input format (default: by suffix, then by content)\n";
        if (has("to")) s << "  -t, --to FMT          output format (default: by suffix)\n";
        if (has("option")) s << "  -o, --option KEY=VAL  a reader or writer option (repeatable; see 'qdx format NAME')\n";
        if (has("coders")) s << "      --coders X,Y      compare user X's codings with user Y's (names or ids)\n";
        if (has("unit")) s << "      --unit U          character (default; NVivo) or segment (MAXQDA)\n";
        if (has("overlap")) s << "      --overlap P       segment units: least overlap that agrees, percent (default 90)\n";
        if (has("mapping")) s << "      --mapping FILE    CSV of theme paths 'in A,in B' for renamed codes\n";
        if (has("coders-from-files")) s << "      --coders-from-files  every coding's user is named after its file\n";
        if (has("report") && command == "agree") s << "      --report FILE     write an HTML page of the results and every disagreement\n";
        else if (has("report")) s << "      --report FILE     write every diagnostic as JSON to FILE\n";
        if (has("fail-on")) s << "      --fail-on LEVEL   lossy|skipped: exit 5 (and write nothing) on such losses\n";
        if (has("json")) s << "      --json            machine-readable output\n";
        if (has("zip")) s << "      --zip             write the bag as a zip (also when OUT ends in .zip)\n";
        if (has("verify")) s << "      --verify          check the bag BAG: completeness and checksums\n";
        if (has("encrypt")) s << "      --encrypt         wrap the bag zip in an AES-256 zip (needs a password option)\n";
        if (has("password-file")) s << "      --password-file F the password of an encrypted bag: the first line of file F\n";
        if (has("password-env")) s << "      --password-env V  the password of an encrypted bag: environment variable V\n";
        if (has("quiet")) s << "  -q, --quiet           do not print diagnostics\n";
        if (has("verbose")) s << "  -v, --verbose         print every diagnostic, not a summary\n";
        s << "      --plugin-path DIR load plugins from DIR first (repeatable)\n  -h, --help            this help\n";
        return s.str();
    }
    s << "qdx — move coded qualitative-research projects between analysis tools without silent loss.\n\n"
         "usage: qdx COMMAND [ARGS] [OPTIONS]\n\nCommands:\n";
    for (const auto& c : commands()) s << "  " << pad(c.name, 10) << c.usage << "\n";
    s << "\nGlobal options:\n  --plugin-path DIR   load plugins from DIR first (repeatable); then $QDX_PLUGIN_PATH,\n"
         "                      then the folder of the qdx executable and ../lib/qdx/plugins\n"
         "  -h, --help          help (also 'qdx COMMAND --help')\n  --version           print the version\n\n"
         "Exit codes: 0 ok; 1 differences (diff) or problems (validate); 2 usage error; 3 input error;\n"
         "4 output error; 5 losses at or above --fail-on; 6 plugin error; 70 internal error.\n";
    return s.str();
}

int runCommand(const CommandLine& cl, Context& ctx) {
    const CommandSpec* spec = findCommand(cl.command);
    if (!spec) throw UsageError("unknown command '" + cl.command + "' (see 'qdx --help')");
    for (const auto& g : cl.given)
        if (std::find(spec->allowed.begin(), spec->allowed.end(), g) == spec->allowed.end())
            throw UsageError("'qdx " + cl.command + "' does not take --" + g);
    if (!cl.failOn.empty() && cl.failOn != "lossy" && cl.failOn != "skipped")
        throw UsageError("--fail-on takes lossy or skipped, not '" + cl.failOn + "'");
    const std::string& c = cl.command;
    if (c == "formats") return cmdFormats(cl, ctx);
    if (c == "format") return cmdFormat(cl, ctx);
    if (c == "convert") return cmdConvert(cl, ctx);
    if (c == "info") return cmdInfo(cl, ctx);
    if (c == "validate") return cmdValidate(cl, ctx);
    if (c == "check") return cmdCheck(cl, ctx);
    if (c == "diff") return cmdDiff(cl, ctx);
    if (c == "archive") return cmdArchive(cl, ctx);
    if (c == "agree") return cmdAgree(cl, ctx);
    if (c == "merge") return cmdMerge(cl, ctx);
    throw UsageError("unknown command '" + c + "'");
}

/// Whether two paths name one file: the same existing file, or the same place
/// once `.`, `..` and links of the folders are resolved.
namespace {
bool samePath(const std::string& a, const std::string& b) {
    if (a == b || sameFile(a, b)) return true;
    std::error_code ea, eb;
    auto ca = std::filesystem::weakly_canonical(a, ea), cb = std::filesystem::weakly_canonical(b, eb);
    return !ea && !eb && ca == cb;
}
} // namespace

/// The report must name neither the output nor an input: it would silently replace it.
void checkReportPath(const CommandLine& cl, const std::vector<std::string>& inputs, const std::string& out) {
    if (cl.report.empty()) return;
    if (cl.report == "-") throw UsageError("--report takes a file name, not '-'");
    if (!out.empty() && out != "-" && samePath(cl.report, out))
        throw OutputError("refusing to write the report to '" + cl.report + "': it is the output file");
    for (const auto& in : inputs)
        if (!in.empty() && in != "-" && samePath(cl.report, in))
            throw OutputError("refusing to write the report to '" + cl.report + "': it is the input file");
}


} // namespace qdx::cli
