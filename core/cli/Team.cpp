// qdx agree and qdx merge: the command-line side. The work (matching,
// measures, merging, the report) is in libs/team, for other front ends too.

#include "Commands.h"

#include "qdx/AtomicFile.h"
#include "qdx/Errors.h"
#include "qdx/Validate.h"
#include "qdx/team/AgreementOutput.h"
#include "qdx/team/Merge.h"

#include <cstdlib>
#include <future>
#include <ostream>

namespace qdx::cli {

namespace {

std::string value(const CommandLine& cl, const std::string& name) {
    auto it = cl.values.find(name);
    return it == cl.values.end() ? std::string() : it->second;
}

team::AgreeOptions agreeOptions(const CommandLine& cl) {
    team::AgreeOptions o;
    std::string unit = value(cl, "unit");
    if (unit == "segment") o.unit = team::Unit::Segment;
    else if (!unit.empty() && unit != "character")
        throw UsageError("--unit takes character or segment, not '" + unit + "'");
    if (cl.values.count("overlap")) {
        if (o.unit != team::Unit::Segment) throw UsageError("--overlap applies to --unit segment");
        const std::string& s = cl.values.at("overlap");
        char* end = nullptr;
        double v = std::strtod(s.c_str(), &end);
        if (s.empty() || !end || *end != 0 || !(v > 0 && v <= 100))
            throw UsageError("--overlap takes a percentage above 0 and at most 100, not '" + s + "'");
        o.overlap = v;
    }
    if (cl.values.count("mapping")) o.mapping = team::readThemeMapping(cl.values.at("mapping"));
    return o;
}

/// --coders X,Y: the two users. A name may hold a comma ("Esson, Ansie & Ameke"):
/// the split is the one comma that leaves a user of A before it and of B after it.
std::pair<std::string, std::string> coders(const CommandLine& cl, const Project& a, const Project& b) {
    if (!cl.values.count("coders")) return {};
    const std::string& s = cl.values.at("coders");
    std::vector<std::pair<std::string, std::string>> splits;
    for (auto comma = s.find(','); comma != std::string::npos; comma = s.find(',', comma + 1)) {
        std::string x = s.substr(0, comma), y = s.substr(comma + 1);
        if (!team::usersNamed(a, x).empty() && !team::usersNamed(b, y).empty()) splits.emplace_back(x, y);
    }
    if (splits.size() == 1) return splits.front();
    auto names = [](const Project& p) {
        std::string known;
        for (const auto& u : p.users) known += (known.empty() ? "'" : ", '") + (u.name.empty() ? u.id : u.name) + "'";
        return known.empty() ? std::string("none") : known;
    };
    if (splits.empty())
        throw UsageError("--coders '" + s + "' does not name two users X,Y (users of A: " + names(a) +
                         (&a == &b ? "" : "; of B: " + names(b)) + ")");
    throw UsageError("--coders '" + s + "' can be split at more than one comma into two users: give their ids");
}

/// Reads A, and B (unless empty) at the same time on a second thread: reading is
/// most of the time of qdx agree and qdx merge, and the two files are independent.
void readBoth(Context& ctx, const CommandLine& cl, const std::string& pa, const std::string& pb, Project& a, Project& b,
              Diagnostics& da, Diagnostics& db, std::set<std::string>& used) {
    std::set<std::string> usedB;
    std::future<Project> second;
    if (!pb.empty()) second = std::async(std::launch::async, [&] { return readProject(ctx, pb, cl, db, usedB); });
    try {
        a = readProject(ctx, pa, cl, da, used);
    } catch (...) {
        if (second.valid()) second.wait();  // B's thread uses `db` and `usedB`: let it finish first
        throw;
    }
    if (second.valid()) b = second.get();
    used.insert(usedB.begin(), usedB.end());
}

} // namespace

int cmdAgree(const CommandLine& cl, Context& ctx) {
    if (cl.args.empty() || cl.args.size() > 2)
        throw UsageError("usage: qdx agree A [B] [--coders X,Y] [--unit character|segment] [--overlap 90] [--mapping FILE.csv] "
                         "[--json] [--report FILE.html]");
    if (cl.args.size() == 1 && !cl.values.count("coders"))
        throw UsageError("one project needs --coders X,Y: the two users whose codings are compared");
    if (cl.args.size() == 2 && cl.args[0] == "-" && cl.args[1] == "-") throw UsageError("stdin ('-') can be only one of A and B");
    team::AgreeOptions options = agreeOptions(cl);
    std::set<std::string> used;
    Diagnostics da, db;
    Project a, b;
    readBoth(ctx, cl, cl.args[0], cl.args.size() == 2 ? cl.args[1] : std::string(), a, b, da, db, used);
    rejectUnusedOptions(cl, used, "the input formats");
    if (!cl.quiet) {
        printDiagnostics(da, ctx.err, cl.verbose, "read " + cl.args[0]);
        if (cl.args.size() == 2) printDiagnostics(db, ctx.err, cl.verbose, "read " + cl.args[1]);
    }
    const Project& pb = cl.args.size() == 2 ? b : a;
    auto [x, y] = coders(cl, a, pb);
    team::CoderSide sa{&a, cl.args[0], x}, sb{&pb, cl.args.back(), y};
    auto result = team::computeAgreement(sa, sb, options);
    if (cl.json) {
        team::writeAgreementJson(result, ctx.out);
        ctx.out << "\n";
    } else {
        ctx.out << team::agreementText(result);
    }
    if (!cl.report.empty()) writeTextFile(cl.report, team::agreementHtml(result), cl.args);
    return kOk;
}

int cmdMerge(const CommandLine& cl, Context& ctx) {
    if (cl.args.size() != 3)
        throw UsageError("usage: qdx merge A B OUT [--coders-from-files] [-t FMT] [-o key=value]... [--report FILE.json] "
                         "[--fail-on lossy|skipped]");
    const std::string &pa = cl.args[0], &pb = cl.args[1], &out = cl.args[2];
    for (const auto& in : {pa, pb})
        if (in == out || sameFile(in, out)) throw OutputError("refusing to write '" + out + "': it is an input file");
    if (pa == "-" || pb == "-" || out == "-") throw UsageError("qdx merge reads and writes files, not stdin or stdout");
    AtomicFile::setSyncOutputs(cl.sync);
    std::set<std::string> used;
    const auto& we = ctx.registry.chooseWriter(out, cl.to);  // a wrong output name fails before any reading
    auto wraw = writerOptions(we, cl, used);
    Diagnostics diag, db;
    Project a, b;
    readBoth(ctx, cl, pa, pb, a, b, diag, db, used);
    for (const auto& d : db.all()) diag.report(d);
    rejectUnusedOptions(cl, used, "the input formats or '" + we.info.name + "'");
    Options wopts = FormatRegistry::makeOptions(we, wraw, true);

    team::MergeInput ia{&a, team::fileLabel(pa)}, ib{&b, team::fileLabel(pb)};
    if (ia.label == ib.label && !sameFile(pa, pb)) ib.label += " (2)";  // two coders, not one
    team::MergeOptions mo;
    mo.codersFromFiles = cl.values.count("coders-from-files") > 0;
    auto merged = team::mergeProjects(ia, ib, mo, diag);
    Diagnostics problems;
    validateProject(merged.project, problems);
    reportIntegrityProblems(problems, diag);

    Diagnostics wdiag;
    AtomicFile af(out, {pa, pb});
    ctx.registry.write(we, merged.project, af.tempPath(), wopts, wdiag);
    for (const auto& d : wdiag.all()) diag.report(d);
    int rc = failOnExit(cl, diag);
    if (rc == kOk) af.commit();
    if (!cl.quiet) {
        const auto& s = merged.summary;
        printDiagnostics(diag, ctx.err, cl.verbose, "merge");
        ctx.err << "merge: sources " << s.sourcesMatched << " matched, " << s.sourcesAdded << " added; themes "
                << s.themesMatched << " matched, " << s.themesAdded << " added; excerpts " << s.excerptsMatched << " matched, "
                << s.excerptsAdded << " added; codings " << s.codingsAdded << " added, " << s.codingsSame
                << " already there; " << s.conflicts << " conflict(s)\n";
    }
    if (!cl.report.empty()) writeTextFile(cl.report, diagnosticsAsJson(diag), {pa, pb});
    if (rc != kOk)
        ctx.err << "qdx: not written: losses at or above '" << cl.failOn << "' (--fail-on); '" << out << "' is unchanged\n";
    return rc;
}

} // namespace qdx::cli
