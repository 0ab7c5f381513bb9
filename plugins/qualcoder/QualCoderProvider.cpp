#include "QualCoderProvider.h"

#include "QualCoderReader.h"
#include "QualCoderWriter.h"

#include "qdx/Limits.h"

namespace qdx::qualcoder {

namespace {

class QualCoderImporter : public Importer {
public:
    int probe(const Input& in) const noexcept override { return probeQualCoder(in); }
    Project read(const Input& in, const Options& opts, Diagnostics& diag) override {
        ReadOptions o;
        o.zip = zipLimits(opts);
        if (opts.has("max-text-mb")) o.db.maxValueBytes = opts.getInt("max-text-mb") * 1000 * 1000;
        if (opts.has("max-database-mb")) o.maxDatabaseBytes = static_cast<std::uint64_t>(opts.getInt("max-database-mb")) << 20;
        bool was = diag.strict();
        if (opts.has("strict") && opts.getBool("strict")) diag.setStrict(true);
        struct Restore {
            Diagnostics& d;
            bool was;
            ~Restore() { d.setStrict(was); }
        } restore{diag, was};
        if (o.db.maxValueBytes < 1 || opts.getInt("max-text-mb") > 1000)
            throw UsageError("max-text-mb takes 1 to 1000 (SQLite's own cap is 10^9 bytes per value)");
        if (opts.has("max-database-mb") && opts.getInt("max-database-mb") < 1) throw UsageError("max-database-mb takes a positive number");
        return readQualCoder(in, o, diag);
    }
};

class QualCoderExporter : public Exporter {
public:
    void write(const Project& p, const std::string& path, const Options&, Diagnostics& diag) override {
        writeQualCoder(p, path, diag, false);
    }
    /// Builds the database in memory and copies no file: a dry run of write().
    void check(const Project& p, const Options&, Diagnostics& diag) override { writeQualCoder(p, "check.qda", diag, true); }
};

}  // namespace

FormatInfo QualCoderProvider::info() const {
    FormatInfo f;
    f.name = "qualcoder";
    f.aliases = {"qda"};
    f.extensions = {"qda"};
    f.mediaType = "inode/directory";
    f.description = "QualCoder project folder (NAME.qda/ with data.qda and its documents, images, audio, video; or a zip of it)";
    f.canRead = true;
    f.canWrite = true;
    f.writesFolder = true;
    auto S = [&](const char* k, Support r, Support w, const char* note) { f.support[k] = SupportEntry{r, w, note}; };
    const Support P = Support::Partial, N = Support::None;
    // Partial throughout: QualCoder numbers its rows, so ids of other formats are
    // replaced (lossy.id-renumbered); a QualCoder project read and written keeps them.
    S("project", P, P, "description and date; the name is the folder's; the producing tool in 'about'");
    S("users", P, P, "coders by name (coder_names)");
    S("themes", P, P, "codes and categories with memo, owner and date; names made unique");
    S("theme-hierarchy", P, P, "categories hold categories and codes, codes hold sub-codes; a non-codable theme under a code becomes a code");
    S("theme-colours", P, P, "codes only; a code needs one (#D8D8D8 when missing)");
    S("attributes", P, P, "character or numeric, for files or for cases");
    S("sources-text", P, P, "text with LF line breaks; the original document in documents/");
    S("sources-media", P, P, "PDF, pictures, audio, video copied into the project's folders; linked files named, not read");
    S("excerpts-text", P, P, "code points over the text; every stored text (seltext) checked against its span");
    S("excerpts-media", P, P, "areas of pictures and PDF pages, time spans; transcripts as text sources");
    S("codings", P, P, "one row per coding with owner, date, memo and the 'important' mark");
    S("memos", P, P, "journals and annotations of text spans; notes on anything else become journal entries");
    S("cases", P, P, "cases with memo, files and text spans linked to them");
    S("sets", N, N, "");
    S("extensions", P, P, "qualcoder:* keys: graphs, stored SQL, references, bookmarks, coder visibility");
    f.options = {
        {"max-text-mb", OptionType::Int, "1000", "largest text value of the database, in MB (1 to 1000: SQLite's own cap)", {}, true, false},
        {"max-database-mb", OptionType::Int, "4096", "largest data.qda read into memory (from a zip or stdin), in MiB", {}, true, false},
        {"strict", OptionType::Bool, "false", "refuse the tolerated deviations (quirk.* diagnostics)", {}, true, false},
    };
    for (auto& l : limitOptions(true, false)) f.options.push_back(std::move(l));
    return f;
}

std::unique_ptr<Importer> QualCoderProvider::createImporter() const { return std::make_unique<QualCoderImporter>(); }
std::unique_ptr<Exporter> QualCoderProvider::createExporter() const { return std::make_unique<QualCoderExporter>(); }

}  // namespace qdx::qualcoder
