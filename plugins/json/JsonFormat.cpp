// The "json" provider: format description, options, probe, and the glue
// between plugin options and the reader/writer settings.

#include "JsonFormat.h"

#include "qdx/Errors.h"

#include <cctype>
#include <cstring>

namespace qdx::jsonfmt {

namespace {

const char* kMaxDepth = "max-depth";
const char* kMaxInput = "max-input-mb";
const char* kUnknownKeys = "unknown-keys";
const char* kContentMemory = "content-memory-mb";
const char* kMedia = "media";
const char* kPretty = "pretty";
const char* kStrict = "strict";

long long intOption(const Options& opts, const char* name, long long min, long long max) {
    long long v = opts.getInt(name);
    if (v < min || v > max)
        throw UsageError(std::string("option ") + name + " must lie between " + std::to_string(min) + " and " +
                         std::to_string(max) + ", got " + std::to_string(v));
    return v;
}

} // namespace

ReadSettings readSettings(const Options& opts) {
    ReadSettings s;
    s.maxDepth = static_cast<std::size_t>(intOption(opts, kMaxDepth, 8, 100000));
    s.maxBytes = static_cast<std::uint64_t>(intOption(opts, kMaxInput, 1, 1024 * 1024)) * 1024u * 1024u;
    // strict (the convention of every reader): refuse the tolerated deviations.
    s.unknownKeysAreErrors = opts.get(kUnknownKeys) == "error" || opts.getBool(kStrict);
    s.inlineContentLimit = static_cast<std::uint64_t>(intOption(opts, kContentMemory, 0, 64 * 1024)) * 1024u * 1024u;
    return s;
}

WriteSettings writeSettings(const Options& opts) {
    WriteSettings s;
    s.embedMedia = opts.get(kMedia) != "omit";
    s.pretty = opts.getBool(kPretty);
    return s;
}

FormatInfo JsonFormatProvider::info() const {
    FormatInfo i;
    i.name = "json";
    i.extensions = {"json"};
    i.mediaType = "application/json";
    i.description = "qdx canonical JSON (lossless form of the model, schemas/qdx-project-1.0.schema.json)";
    i.canRead = true;
    i.canWrite = true;
    i.streamsStdin = true;
    i.streamsStdout = true;
    for (const auto& e : supportEntities()) i.support[e] = SupportEntry{Support::Full, Support::Full, {}};
    i.support["sources-media"].note = "content embedded as base64 (or referenced by a relative href on read); "
                                      "media=omit writes only its type and size";

    OptionSpec depth{kMaxDepth, OptionType::Int, "256", "deepest nesting of arrays and objects accepted", {}, true, false};
    OptionSpec input{kMaxInput, OptionType::Int, "1024", "largest JSON text accepted, in MiB", {}, true, false};
    OptionSpec unknown{kUnknownKeys,
                       OptionType::Choice,
                       "keep",
                       "keys the schema does not know: keep them in ext as json:unknown:<key> (with a "
                       "quirk.unknown-key diagnostic) or refuse the file",
                       {"keep", "error"},
                       true,
                       false};
    OptionSpec memory{kContentMemory, OptionType::Int, "16",
                      "decoded base64 content larger than this (MiB) is kept in a private temporary file", {}, true, false};
    OptionSpec media{kMedia,
                     OptionType::Choice,
                     "embed",
                     "embed: source content as base64; omit: only its media type and size (lossy.media-omitted)",
                     {"embed", "omit"},
                     false,
                     true};
    OptionSpec pretty{kPretty, OptionType::Bool, "true", "indent the output (2 spaces); false writes one line", {}, false, true};
    OptionSpec strict{kStrict, OptionType::Bool, "false",
                      "refuse the tolerated deviations (unknown keys) instead of keeping them", {}, true, false};
    i.options = {depth, input, unknown, strict, memory, media, pretty};
    return i;
}

std::unique_ptr<Importer> JsonFormatProvider::createImporter() const { return std::make_unique<JsonImporter>(); }
std::unique_ptr<Exporter> JsonFormatProvider::createExporter() const { return std::make_unique<JsonExporter>(); }

int JsonImporter::probe(const Input& in) const noexcept {
    try {
        const std::string& h = in.head();
        std::size_t i = 0;
        if (h.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
        while (i < h.size() && std::isspace(static_cast<unsigned char>(h[i]))) ++i;
        bool suffix = in.extension() == "json";
        if (i >= h.size()) return suffix ? 5 : 0;
        if (h[i] != '{') return 0;
        // The version key, usually first: {"qdx": "1.0", ...
        std::size_t k = h.find("\"qdx\"", i);
        if (k != std::string::npos) {
            std::size_t j = k + 5;
            while (j < h.size() && std::isspace(static_cast<unsigned char>(h[j]))) ++j;
            if (j < h.size() && h[j] == ':') return 100;
        }
        return suffix ? 30 : 5;
    } catch (...) {
        return 0;
    }
}

Project JsonImporter::read(const Input& in, const Options& opts, Diagnostics& diag) {
    return readProject(in, readSettings(opts), diag);
}

void JsonExporter::write(const Project& p, const std::string& path, const Options& opts, Diagnostics& diag) {
    FileSink sink(path);
    writeProject(p, sink, writeSettings(opts), diag);
    sink.close();
}

void JsonExporter::check(const Project& p, const Options& opts, Diagnostics& diag) {
    WriteSettings s = writeSettings(opts);
    s.dryRun = true;
    StringSink unused;
    writeProject(p, unused, s, diag);
}

} // namespace qdx::jsonfmt
