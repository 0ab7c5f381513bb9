#include "RefiTestUtil.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>

#include <cstdlib>

namespace refitest {

std::string corpus()
{
    const char* c = std::getenv("QDX_CORPUS");
    return c ? c : "";
}

std::string data(const std::string& name) { return std::string(QDX_REFI_DATA) + "/" + name; }

std::string tempDir()
{
    std::string p = Poco::TemporaryFile::tempName();
    Poco::File(p).createDirectories();
    Poco::TemporaryFile::registerForDeletion(p);
    return p;
}

qdx::Project read(const std::string& path, qdx::Diagnostics& d, const std::string& offsets, bool strict)
{
    qdx::refi::ReadOptions o;
    o.offsets = offsets;
    o.strict = strict;
    return qdx::refi::readRefi(qdx::Input::fromFile(path), o, d);
}

Counts count(const qdx::Project& p)
{
    Counts c;
    for (const auto& s : p.sources) {
        switch (s.kind) {
        case qdx::SourceKind::Text: ++c.text; break;
        case qdx::SourceKind::Pdf: ++c.pdf; break;
        case qdx::SourceKind::Picture: ++c.picture; break;
        case qdx::SourceKind::Audio: ++c.audio; break;
        case qdx::SourceKind::Video: ++c.video; break;
        }
        c.transcripts += s.transcripts.size();
        for (const auto& t : s.transcripts) c.syncPoints += t.syncPoints.size();
    }
    for (const auto& e : p.excerpts) {
        c.codings += e.codings.size();
        if (std::holds_alternative<qdx::TextSpan>(e.anchor)) ++c.textExcerpts;
        else if (std::holds_alternative<qdx::PdfRegion>(e.anchor)) ++c.pdfExcerpts;
        else if (std::holds_alternative<qdx::ImageRegion>(e.anchor)) ++c.imageExcerpts;
        else if (std::holds_alternative<qdx::TimeSpan>(e.anchor)) ++c.timeExcerpts;
        else if (std::holds_alternative<qdx::TranscriptSpan>(e.anchor)) ++c.transcriptExcerpts;
        else ++c.wholeSource;
    }
    c.themes = p.themes.size();
    c.memos = p.memos.size();
    c.sets = p.sets.size();
    c.users = p.users.size();
    c.cases = p.cases.size();
    c.attributes = p.attributes.size();
    return c;
}

}  // namespace refitest
