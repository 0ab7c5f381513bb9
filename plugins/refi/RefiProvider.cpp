#include "RefiProvider.h"

#include "qdx/Limits.h"

#include "RefiReader.h"
#include "RefiWriter.h"

namespace qdx::refi {

namespace {

std::vector<OptionSpec> readOptions()
{
    std::vector<OptionSpec> o = {
        {"offsets", OptionType::Choice, "auto",
         "unit of the text offsets in the file: auto (from Project/@origin: NVivo = UTF-16 units, ATLAS.ti = CRLF "
         "counted once, others = code points), nvivo, atlasti, codepoints",
         {"auto", "nvivo", "atlasti", "codepoints"}, true, false},
        {"strict", OptionType::Bool, "false", "refuse the tolerated deviations of real tools (quirk.* diagnostics)", {}, true, false},
    };
    for (auto& l : limitOptions(true, true)) o.push_back(std::move(l));
    return o;
}

class RefiImporter : public Importer {
public:
    explicit RefiImporter(bool codebook) : _codebook(codebook) {}
    int probe(const Input& in) const noexcept override { return probeRefi(in, _codebook); }
    Project read(const Input& in, const Options& opts, Diagnostics& diag) override
    {
        ReadOptions o;
        if (opts.has("offsets")) o.offsets = opts.get("offsets");
        if (opts.has("strict")) o.strict = opts.getBool("strict");
        o.zip = zipLimits(opts);
        o.xml = xmlLimits(opts);
        return readRefi(in, o, diag);
    }

private:
    bool _codebook;
};

class RefiExporter : public Exporter {
public:
    explicit RefiExporter(bool codebook) : _codebook(codebook) {}
    void write(const Project& p, const std::string& path, const Options& opts, Diagnostics& diag) override
    {
        WriteOptions o;
        o.codebook = _codebook;
        if (opts.has("target")) o.target = opts.get("target");
        if (opts.has("keep-basepath")) o.keepBasePath = opts.getBool("keep-basepath");
        if (opts.has("container")) o.container = opts.get("container");
        writeRefi(p, path, o, diag);
    }

private:
    bool _codebook;
};

void fillSupport(FormatInfo& f, bool codebook)
{
    auto S = [&](const char* k, Support r, Support w, const char* note) { f.support[k] = SupportEntry{r, w, note}; };
    const Support F = Support::Full, P = Support::Partial, N = Support::None;
    if (!codebook) {
        S("project", F, F, "name, origin, dates, description; basePath only with keep-basepath=true");
        S("users", F, F, "");
        S("themes", F, P, "codes carry no creator or dates");
        S("theme-hierarchy", F, F, "");
        S("theme-colours", F, F, "#RRGGBB; alpha is dropped");
        S("attributes", F, F, "");
        S("sources-text", F, F, "plain text as UTF-8 .txt; rich text (DOCX) copied as is");
        S("sources-media", F, F, "copied compressed as they are; external media kept as references, never read");
        S("excerpts-text", F, F, "offsets converted per tool profile");
        S("excerpts-media", F, P, "PDF, picture, audio, video and transcript selections; an excerpt of a whole source becomes source Codings and gets a new id (lossy.whole-source-excerpt-id)");
        S("codings", F, F, "");
        S("memos", F, P, "notes; attachments to cases, sets, users, variables are lost; rich text of notes is lost");
        S("cases", F, F, "");
        S("sets", F, F, "");
        S("extensions", P, P, "only refi:* keys (links, graphs, GUIDs as read) travel");
    } else {
        S("project", P, P, "origin only");
        S("users", N, N, "");
        S("themes", F, P, "codes carry no creator, dates or notes");
        S("theme-hierarchy", F, F, "");
        S("theme-colours", F, F, "#RRGGBB; alpha is dropped");
        S("attributes", N, N, "");
        S("sources-text", N, N, "");
        S("sources-media", N, N, "");
        S("excerpts-text", N, N, "");
        S("excerpts-media", N, N, "");
        S("codings", N, N, "");
        S("memos", N, N, "");
        S("cases", N, N, "");
        S("sets", P, P, "code sets only");
        S("extensions", N, N, "");
    }
}

}  // namespace

FormatInfo RefiProvider::info() const
{
    FormatInfo f;
    f.name = "refi";
    f.aliases = {"qdpx", "refi-qda", "qde"};
    f.extensions = {"qdpx", "qde"};
    f.mediaType = "application/vnd.refi-qda+zip";
    f.description = "REFI-QDA project exchange (.qdpx archive or bare .qde; NVivo, ATLAS.ti, MAXQDA, QualCoder, ...)";
    f.canRead = true;
    f.canWrite = true;
    fillSupport(f, false);
    f.options = readOptions();
    f.options.push_back({"target", OptionType::Choice, "standard",
                         "tool the export is for: offset unit, line endings and BOM of text files "
                         "(standard = code points, line ends as stored, no BOM; nvivo = UTF-16 units, CRLF, BOM; atlasti = CRLF "
                         "counted once; maxqda = code points, LF; qualcoder = code points, LF, no BOM, and what QualCoder's "
                         "import needs: unique names, no ATLAS.ti origin, names and dates it requires)",
                         {"standard", "nvivo", "atlasti", "maxqda", "qualcoder"}, false, true});
    f.options.push_back({"keep-basepath", OptionType::Bool, "false",
                         "write Project/@basePath (it often holds a local path with a user name)", {}, false, true});
    f.options.push_back({"container", OptionType::Choice, "auto",
                         "qdpx (zip with sources), qde (bare XML, text inline, no media) or auto (by the output suffix)",
                         {"auto", "qdpx", "qde"}, false, true});
    return f;
}

std::unique_ptr<Importer> RefiProvider::createImporter() const { return std::make_unique<RefiImporter>(false); }
std::unique_ptr<Exporter> RefiProvider::createExporter() const { return std::make_unique<RefiExporter>(false); }

FormatInfo RefiCodebookProvider::info() const
{
    FormatInfo f;
    f.name = "refi-qdc";
    f.aliases = {"qdc"};
    f.extensions = {"qdc"};
    f.mediaType = "application/vnd.refi-qda.codebook+xml";
    f.description = "REFI-QDA codebook (.qdc): codes and code sets";
    f.canRead = true;
    f.canWrite = true;
    fillSupport(f, true);
    f.options = readOptions();
    return f;
}

std::unique_ptr<Importer> RefiCodebookProvider::createImporter() const { return std::make_unique<RefiImporter>(true); }
std::unique_ptr<Exporter> RefiCodebookProvider::createExporter() const { return std::make_unique<RefiExporter>(true); }

}  // namespace qdx::refi
