// qdx archive: write a BagIt bag of a project, or verify one (core/src/Archive.cpp does the work).

#include "Commands.h"

#include "qdx/Archive.h"
#include "qdx/AtomicFile.h"
#include "qdx/Errors.h"
#include "qdx/Input.h"

#include <cctype>
#include <filesystem>
#include <ostream>

namespace qdx::cli {

std::string passwordOf(const CommandLine& cl) {
    if (!cl.passwordFile.empty() && !cl.passwordEnv.empty())
        throw UsageError("give the password with --password-file or --password-env, not both");
    if (!cl.passwordFile.empty()) return readPasswordFile(cl.passwordFile);
    if (!cl.passwordEnv.empty()) return readPasswordEnv(cl.passwordEnv);
    return {};
}

namespace {

void printDiagnostics(const Diagnostics& d, std::ostream& err, bool verbose) {
    for (const auto& x : d.all()) {
        if (x.severity == Severity::Info && !verbose) continue;
        err << "archive: " << toString(x.severity) << " " << x.code;
        if (!x.entityId.empty()) err << " [" << x.entityId << "]";
        err << ": " << x.message << "\n";
    }
}

int verify(const CommandLine& cl, Context& ctx) {
    if (cl.args.size() != 1) throw UsageError("usage: qdx archive --verify BAG [--password-file FILE | --password-env VAR]");
    if (cl.zip || cl.encrypt || !cl.from.empty() || !cl.options.empty())
        throw UsageError("'qdx archive --verify' takes only the bag and a password option");
    const std::string& bag = cl.args[0];
    auto problems = verifyBag(bag, passwordOf(cl));
    for (const auto& p : problems)
        ctx.out << bag << ": " << (p.path.empty() ? std::string() : p.path + ": ") << p.message << "\n";
    if (problems.empty()) {
        if (!cl.quiet) ctx.out << bag << ": valid bag (complete, every checksum right)\n";
        return kOk;
    }
    ctx.out << bag << ": " << problems.size() << " problem(s)\n";
    return kDifferent;
}

} // namespace

int cmdArchive(const CommandLine& cl, Context& ctx) {
    if (cl.verify) return verify(cl, ctx);
    if (cl.args.size() != 2)
        throw UsageError("usage: qdx archive IN OUT [--zip] [-f FMT] [-o key=value]... "
                         "[--encrypt --password-file FILE | --password-env VAR]");
    const std::string& inPath = cl.args[0];
    const std::string& outPath = cl.args[1];
    AtomicFile::setSyncOutputs(true);  // a bag is for keeping: on the disk before it is in place
    if (inPath == "-") throw UsageError("qdx archive reads a file, not stdin (the bag keeps the original file)");
    std::string password = passwordOf(cl);
    if (cl.encrypt && password.empty())
        throw UsageError("--encrypt needs --password-file FILE or --password-env VAR (never a password on the command line)");
    if (!cl.encrypt && !password.empty())
        throw UsageError("a password option without --encrypt: add --encrypt to encrypt the bag");

    Diagnostics diag;
    Project project;
    ArchiveOptions opts;
    std::string original = inPath;
    if (cl.from.empty() && isBag(inPath)) {
        if (!cl.options.empty()) throw UsageError("-o options do not apply to a bag as input");
        // Re-archiving a bag: it is read through its canonical JSON (an encrypted
        // input bag needs the same password as the output).
        project = readBag(inPath, password, ctx.registry, diag);
        opts.formatName = "bag";
        std::error_code ec;
        if (!std::filesystem::is_regular_file(inPath, ec)) original.clear();  // a bag folder: no single original
    } else {
        Input in = Input::fromFile(inPath);
        const auto& e = ctx.registry.chooseReader(in, cl.from);
        Options ropts = FormatRegistry::makeOptions(e, cl.options, false);
        if (ropts.has("strict") && ropts.getBool("strict")) diag.setStrict(true);
        project = ctx.registry.read(e, in, ropts, diag);
        opts.formatName = e.info.name;
        if (in.isFolder()) original.clear();  // a project folder: its files are archived as the sources'; no single original
    }
    opts.password = password;
    opts.zip = cl.zip || cl.encrypt;
    if (!opts.zip) {
        auto dot = outPath.find_last_of('.');
        if (dot != std::string::npos && outPath.find('/', dot) == std::string::npos) {
            std::string ext = outPath.substr(dot + 1);
            for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            opts.zip = ext == "zip";
        }
    }
    ArchiveSummary s = writeBag(project, original, outPath, ctx.registry, opts, diag);
    if (!cl.quiet) {
        printDiagnostics(diag, ctx.err, cl.verbose);
        ctx.err << "archived '" << inPath << "' to '" << outPath << "' ("
                << (!password.empty() ? "AES-256 encrypted zip" : opts.zip ? "zip" : "folder") << "): " << s.payloadFiles
                << " payload file(s), " << s.payloadBytes << " bytes; " << project.sources.size() << " source(s) ("
                << s.sourceFiles << " with a document or media file), " << project.excerpts.size() << " excerpt(s), "
                << project.themes.size() << " theme(s), " << project.cases.size() << " case(s)\n";
    }
    return kOk;
}

} // namespace qdx::cli
