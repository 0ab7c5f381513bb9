#pragma once
/// The canonical JSON form of a qdx project (schemas/FORMAT.md,
/// schemas/qdx-project-1.0.schema.json): provider, importer and exporter.
///
/// The reader parses with RapidJSON's SAX Reader straight into the model
/// (iterative, UTF-8 validated, numbers kept as text and converted by us, a
/// depth guard, an input size cap) and enforces the schema as it goes. The
/// writer has its own small emitter (runs of bytes appended to a buffer,
/// indentation by depth, escaping as RapidJSON 1.1's Writer escapes), refuses
/// strings that are not valid UTF-8, and embeds source content as base64 read
/// chunk by chunk from the blob.

#include "qdx/plugin/Format.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace qdx::jsonfmt {

/// Settings of the reader (the plugin maps its options onto these).
struct ReadSettings {
    std::size_t maxDepth = 256;                          ///< nesting of arrays and objects
    std::uint64_t maxBytes = 1024ull * 1024u * 1024u;    ///< size cap of the JSON text
    bool unknownKeysAreErrors = false;                   ///< else keep them in ext "json:unknown:<key>"
    std::uint64_t inlineContentLimit = 16u * 1024u * 1024u;  ///< decoded base64 above this goes to a temp file
};

/// Settings of the writer.
struct WriteSettings {
    bool embedMedia = true;  ///< base64 content; false = only mediaType and size (lossy.media-omitted)
    bool pretty = true;      ///< indented output (2 spaces); false = one line
    bool dryRun = false;     ///< report what would be lost; read no content, write nothing useful
};

/// Where the writer's bytes go.
class OutputSink {
public:
    virtual ~OutputSink();
    /// Writes `n` bytes; throws qdx::OutputError on failure.
    virtual void write(const char* data, std::size_t n) = 0;
};

/// Collects the output in a string (tests, stdout spooling).
class StringSink final : public OutputSink {
public:
    void write(const char* data, std::size_t n) override { _text.append(data, n); }
    const std::string& text() const { return _text; }

private:
    std::string _text;
};

/// Writes to a file (created or truncated); close() reports write errors.
class FileSink final : public OutputSink {
public:
    explicit FileSink(const std::string& path);
    ~FileSink() override;
    FileSink(const FileSink&) = delete;
    FileSink& operator=(const FileSink&) = delete;
    void write(const char* data, std::size_t n) override;
    /// Flushes and closes; throws qdx::OutputError when anything failed.
    void close();

private:
    std::string _path;
    std::FILE* _file = nullptr;
};

/// Reads a canonical JSON project. Throws qdx::InputError (or LimitError)
/// naming the input, the byte offset, line:column and the JSON path of the
/// offending value ("expected string for themes[3].name").
Project readProject(const Input& in, const ReadSettings& settings, Diagnostics& diag);

/// Writes `p` in the canonical form. Throws qdx::OutputError when a value
/// cannot be written (invalid UTF-8 in a string, unreadable content).
void writeProject(const Project& p, OutputSink& out, const WriteSettings& settings, Diagnostics& diag);

/// Convenience for tests: the canonical text of `p`.
std::string toJsonText(const Project& p, const WriteSettings& settings = {});

class JsonImporter final : public Importer {
public:
    int probe(const Input& in) const noexcept override;
    Project read(const Input& in, const Options& opts, Diagnostics& diag) override;
};

class JsonExporter final : public Exporter {
public:
    void write(const Project& p, const std::string& path, const Options& opts, Diagnostics& diag) override;
    void check(const Project& p, const Options& opts, Diagnostics& diag) override;
};

/// The provider named "json".
class JsonFormatProvider final : public FormatProvider {
public:
    FormatInfo info() const override;
    std::unique_ptr<Importer> createImporter() const override;
    std::unique_ptr<Exporter> createExporter() const override;
};

/// Maps validated plugin options to settings.
ReadSettings readSettings(const Options& opts);
WriteSettings writeSettings(const Options& opts);

} // namespace qdx::jsonfmt
