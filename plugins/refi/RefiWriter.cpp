#include "RefiWriter.h"

#include "RefiCommon.h"
#include "qdx/Text.h"
#include "qdx/Xml.h"
#include "qdx/Zip.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

namespace qdx::refi {

namespace {

constexpr const char* kProjectNs = "urn:QDA-XML:project:1.0";
constexpr const char* kCodebookNs = "urn:QDA-XML:codebook:1.0";
constexpr std::uint64_t kMaxInternal = (1ull << 31) - 1;

/// Line endings of the text files written for a target.
enum class Eol {
    AsStored,  ///< as the model holds them
    Crlf,      ///< every LF preceded by a CR
    Lf,        ///< every CR LF and lone CR as one LF (how Python's text mode reads a file)
};

/// What a target tool expects of text files, offsets and names. The evidence for each rule is in
/// plugins/refi/README.md ("Export targets").
struct Target {
    std::string name;
    Profile unit = Profile::CodePoints;
    Eol eol = Eol::AsStored;
    bool bom = false;
    /// QualCoder keeps one code per name and one category per name (unique(name) in its tables)
    /// and merges the codings of a repeated name into the first.
    bool uniqueNames = false;
    /// QualCoder turns its CR LF correction off, and guesses a media folder, for an origin that
    /// names ATLAS.ti: such an origin is not carried over.
    bool originWithoutAtlas = false;
    /// QualCoder joins basePath and a relative:// path without checking either (a missing
    /// basePath stops its whole import).
    bool basePathForRelative = false;
    /// QualCoder opens a TextSource's richTextPath as a file inside the archive, whatever its
    /// scheme (an external one stops its import): only internal ones are written.
    bool richTextInternalOnly = false;
    /// What else QualCoder's import needs: one transcript per audio/video source (a second one of
    /// a video stops its import: both would get the name "<video>.txt"), a name on every source,
    /// transcript and user and a date on every transcript, picture selection and note (it stops
    /// without), a name on every picture selection (its export stops without one). It ignores
    /// the Codings of a whole source, which is reported.
    bool qualcoderImport = false;
};

Target targetFor(const std::string& name)
{
    Target t;
    t.name = name;
    if (name == "nvivo") {
        t.unit = Profile::Utf16;
        t.eol = Eol::Crlf;
        t.bom = true;
    } else if (name == "atlasti") {
        t.unit = Profile::CrlfOnce;
        t.eol = Eol::Crlf;
    } else if (name == "maxqda") {
        t.eol = Eol::Lf;
    } else if (name == "qualcoder") {
        t.eol = Eol::Lf;
        t.uniqueNames = t.originWithoutAtlas = t.basePathForRelative = t.richTextInternalOnly = t.qualcoderImport = true;
    } else {
        t.name = "standard";
    }
    return t;
}

/// A text as the target gets it, and the mapping of model offsets into it.
class OutText {
public:
    OutText(const std::string& stored, const Target& t) : _unit(t.unit)
    {
        if (t.eol == Eol::AsStored) {
            _text = stored;
        } else {
            _text.reserve(stored.size() + (t.eol == Eol::Crlf ? stored.size() / 32 : 0));
            _step = t.eol == Eol::Crlf ? 1 : -1;
            std::int64_t cp = 0;
            for (std::size_t i = 0; i < stored.size(); ++i) {
                unsigned char c = static_cast<unsigned char>(stored[i]);
                bool pairCr = c == '\r' && i + 1 < stored.size() && stored[i + 1] == '\n';
                if (t.eol == Eol::Crlf && c == '\n' && (i == 0 || stored[i - 1] != '\r')) {
                    _moved.push_back(cp);  // a CR goes in before this LF
                    _text.push_back('\r');
                }
                if (t.eol == Eol::Lf && pairCr) _moved.push_back(cp);  // this CR is left out
                else if (t.eol == Eol::Lf && c == '\r') _text.push_back('\n');
                else _text.push_back(static_cast<char>(c));
                if ((c & 0xC0) != 0x80) ++cp;
            }
        }
        _map = std::make_unique<text::OffsetMap>(_text, unitOf(_unit));
    }
    std::optional<std::int64_t> convert(std::int64_t cp) const
    {
        // the CRs put in or left out before cp (a boundary inside a CR LF pair lands before its LF)
        std::int64_t shift = std::lower_bound(_moved.begin(), _moved.end(), cp) - _moved.begin();
        return _map->fromCodePoints(cp + _step * shift);
    }
    const std::string& text() const { return _text; }

private:
    Profile _unit;
    std::string _text;
    std::int64_t _step = 0;
    std::vector<std::int64_t> _moved;  // code-point indices (in the stored text) of the LFs that got a CR, or of the CRs left out
    std::unique_ptr<text::OffsetMap> _map;
};

const char* refiType(AttributeType t)
{
    switch (t) {
    case AttributeType::Boolean: return "Boolean";
    case AttributeType::Integer: return "Integer";
    case AttributeType::Float: return "Float";
    case AttributeType::Date: return "Date";
    case AttributeType::DateTime: return "DateTime";
    default: return "Text";
    }
}
const char* valueElement(AttributeType t)
{
    switch (t) {
    case AttributeType::Boolean: return "BooleanValue";
    case AttributeType::Integer: return "IntegerValue";
    case AttributeType::Float: return "FloatValue";
    case AttributeType::Date: return "DateValue";
    case AttributeType::DateTime: return "DateTimeValue";
    default: return "TextValue";
    }
}

/// The value elements are typed in the schema (xsd:boolean, integer, decimal, date, dateTime):
/// whether `v` is in the lexical space of the element for `t` (Text: always). Surrounding
/// whitespace, which the schema would collapse, is not accepted: such a value goes as text.
bool fitsValueElement(AttributeType t, const std::string& v)
{
    auto digit = [&](std::size_t i) { return i < v.size() && v[i] >= '0' && v[i] <= '9'; };
    auto digitsFrom = [&](std::size_t& i) {
        std::size_t from = i;
        while (digit(i)) ++i;
        return i - from;
    };
    auto num = [&](std::size_t i, std::size_t n) {
        int x = 0;
        for (std::size_t k = 0; k < n; ++k) x = x * 10 + (v[i + k] - '0');
        return x;
    };
    // [-]YYYY-MM-DD from i (a real day of a year other than 0000); i moves past it
    auto date = [&](std::size_t& i) {
        if (i < v.size() && v[i] == '-') ++i;
        std::size_t y0 = i, yn = digitsFrom(i);
        if (yn < 4 || (yn > 4 && v[y0] == '0') || i + 6 > v.size() || v[i] != '-' || !digit(i + 1) || !digit(i + 2) ||
            v[i + 3] != '-' || !digit(i + 4) || !digit(i + 5))
            return false;
        long long year = 0;
        for (std::size_t k = y0; k < y0 + yn && k < y0 + 9; ++k) year = year * 10 + (v[k] - '0');
        if (year == 0 && yn == 4) return false;
        int month = num(i + 1, 2), day = num(i + 4, 2);
        i += 6;
        static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        if (month < 1 || month > 12 || day < 1 || day > days[month - 1]) return false;
        bool leap = yn > 9 || (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0));
        return !(month == 2 && day == 29 && !leap);
    };
    // an optional time zone (Z, +hh:mm, -hh:mm) ending the value
    auto zone = [&](std::size_t i) {
        if (i == v.size()) return true;
        if (v[i] == 'Z') return i + 1 == v.size();
        if ((v[i] != '+' && v[i] != '-') || i + 6 != v.size() || !digit(i + 1) || !digit(i + 2) || v[i + 3] != ':' ||
            !digit(i + 4) || !digit(i + 5))
            return false;
        int h = num(i + 1, 2), m = num(i + 4, 2);
        return m <= 59 && (h < 14 || (h == 14 && m == 0));
    };
    std::size_t i = 0;
    switch (t) {
    case AttributeType::Text: return true;
    case AttributeType::Boolean: return v == "true" || v == "false" || v == "1" || v == "0";
    case AttributeType::Integer:
        if (!v.empty() && (v[0] == '+' || v[0] == '-')) ++i;
        return digitsFrom(i) > 0 && i == v.size();
    case AttributeType::Float: {
        if (!v.empty() && (v[0] == '+' || v[0] == '-')) ++i;
        std::size_t n = digitsFrom(i);
        if (i < v.size() && v[i] == '.') {
            ++i;
            n += digitsFrom(i);
        }
        return n > 0 && i == v.size();
    }
    case AttributeType::Date: return date(i) && zone(i);
    case AttributeType::DateTime: {
        if (!date(i) || i + 9 > v.size() || v[i] != 'T' || !digit(i + 1) || !digit(i + 2) || v[i + 3] != ':' ||
            !digit(i + 4) || !digit(i + 5) || v[i + 6] != ':' || !digit(i + 7) || !digit(i + 8))
            return false;
        int h = num(i + 1, 2), m = num(i + 4, 2), sec = num(i + 7, 2);
        i += 9;
        bool zeroFraction = true;
        if (i < v.size() && v[i] == '.') {
            std::size_t from = ++i;
            if (digitsFrom(i) == 0) return false;
            zeroFraction = v.find_first_not_of('0', from) >= i;
        }
        bool midnight = h == 24 && m == 0 && sec == 0 && zeroFraction;  // 24:00:00 is allowed
        return (h <= 23 || midnight) && m <= 59 && sec <= 59 && zone(i);
    }
    }
    return true;
}

/// Summarised losses: one diagnostic per code with a count.
struct Losses {
    struct Item {
        Severity sev = Severity::Lossy;
        std::size_t count = 0;
        std::string message, entity, hint;
    };
    std::map<std::string, Item> items;
    void add(Severity s, const std::string& code, const std::string& msg, const std::string& entity = {}, const std::string& hint = {})
    {
        Item& it = items[code];
        if (it.count++ == 0) it = Item{s, 1, msg, entity, hint};
    }
    void flush(Diagnostics& d)
    {
        for (auto& [code, it] : items) {
            Diagnostic x;
            x.severity = it.sev;
            x.code = code;
            x.entityId = it.entity;
            x.message = it.message + (it.count > 1 ? " (" + std::to_string(it.count) + " times)" : std::string());
            x.hint = it.hint;
            d.report(std::move(x));
        }
        items.clear();
    }
};

class Writer {
public:
    Writer(const Project& p, const WriteOptions& o, Diagnostics& d) : _p(p), _o(o), _d(d), _t(targetFor(o.target)) {}

    void writeQdpx(const std::string& path, bool bare);
    void writeQdc(const std::string& path);

private:
    // ids
    void assignIds();
    std::string assign(const std::string& id, const Extensions& ext, const char* kind);
    std::string ref(const std::string& id);
    std::string guidOf(const std::string& id) const
    {
        if (!_ids.empty()) {
            auto it = _ids.find(id);
            if (it != _ids.end()) return it->second;
        }
        if (isGuid(id)) return id;
        auto it = _ids.find(normalizeId(id));
        return it == _ids.end() ? id : it->second;
    }
    std::string fileGuid(const std::string& guid) const
    {
        std::string g = guid;
        if (g.size() == 38 && g.front() == '{') g = g.substr(1, 36);
        return g;
    }
    std::string internalName(const std::string& guid, const std::string& ext, const std::string& original = {});
    void checkExt(const Extensions& ext, const std::string& id);

    // XML parts
    void audit(XmlWriter& w, const Audit& a);
    /// A creationDateTime/modifiedDateTime attribute: written when it is an xsd:dateTime, the
    /// schema's type (with a T for a space between date and time); else not written, reported.
    void dateAttr(XmlWriter& w, const char* name, const std::string& d);
    /// `d` as an xsd:dateTime (a space for the T mended), or empty when it is none.
    static std::string schemaDate(const std::string& d);
    /// For QualCoder, which stops its import at a picture selection, transcript or note without a
    /// date: when `own` has none, the source's date (`s`, when there is one), else the project's,
    /// else the time of the export.
    void requiredDate(XmlWriter& w, const Audit& own, const Source* s, const std::string& id);
    /// NoteRefs to the memos attached to `id`; with `write` false they are only marked as
    /// handled (QualCoder: see source()).
    void noteRefs(XmlWriter& w, const std::string& id, bool write = true);
    void description(XmlWriter& w, const std::string& d);
    void values(XmlWriter& w, const std::vector<AttributeValue>& v);
    void codes(XmlWriter& w, bool codebook);
    /// For a target that keeps one code per name (QualCoder): the name each theme is written
    /// with, a repeated one made unique with " (2)", " (3)"...; reported.
    void uniqueThemeNames();
    /// The same for sources (QualCoder: one source per name, an audio/video source's transcript
    /// named "<name>.txt" or "<name>.transcribed", a PDF's name ending in ".pdf"), and a name
    /// for a source without one.
    void uniqueSourceNames();
    /// The name a source (of _p.sources) is written with.
    const std::string& sourceName(const Source& s) const
    {
        return _sourceNames.empty() ? s.name : _sourceNames[static_cast<std::size_t>(&s - _p.sources.data())];
    }
    void code(XmlWriter& w, std::size_t i, bool codebook, std::set<std::size_t>& done, std::size_t depth);
    void source(XmlWriter& w, const Source& s, bool bare);
    void wholeCodings(XmlWriter& w, const std::vector<const Excerpt*>& whole);
    /// path (and currentPath) of a media source.
    void contentPath(XmlWriter& w, const Source& s, bool bare);
    void pictureSelections(XmlWriter& w, const Source& s, const std::vector<const Excerpt*>& regions);
    /// PDFSelections and the Representation of a PDF source.
    void pdfParts(XmlWriter& w, const Source& s, const std::vector<const Excerpt*>& regions,
                  const std::vector<const Excerpt*>& spans, bool bare);
    /// Transcripts and time selections of an audio/video source.
    void mediaParts(XmlWriter& w, const Source& s, const std::vector<const Excerpt*>& media,
                    const std::vector<const Excerpt*>& trans, bool bare);
    void transcript(XmlWriter& w, const Source& s, const Transcript& t, const std::vector<const Excerpt*>& trans, bool bare);
    void textSource(XmlWriter& w, const char* element, const std::string& guid, const std::string& name,
                    const std::optional<std::string>& text, const Audit& a, bool bare, const std::string& ownerId,
                    const std::vector<const Excerpt*>& spans, const Source& src);
    void selectionBody(XmlWriter& w, const Excerpt& e);
    /// richTextPath of a TextSource whose document was not in the input.
    void richTextReference(XmlWriter& w, const Source& src, bool bare);
    /// Reports a text written empty because the input had none.
    void textMissing(const std::string& id)
    {
        _l.add(Severity::Lossy, "lossy.source-text-missing",
               "a text was not in the input (a bare .qde holds none): written as an empty file so that readers can "
               "open the project (positions on it are kept as read, unconverted)",
               id, "convert the .qdpx that holds the source files");
    }
    void coding(XmlWriter& w, const Coding& c, const std::string& excerptId, std::size_t n);
    void raw(XmlWriter& w, const Json& node, std::size_t depth);
    /// A GUID-typed attribute of a kept Link/Graph part: the id an entity was written with, the
    /// value when it is a GUID, else a name-based GUID (the same for the same value, so an Edge's
    /// sourceVertex still names its Vertex).
    std::string rawGuid(const std::string& v);
    void project(std::ostream& os, bool bare);
    void users(XmlWriter& w);
    void cases(XmlWriter& w);
    void notes(XmlWriter& w, bool bare);
    void sets(XmlWriter& w);
    /// Whether a source's path is relative:// (resolved against Project/@basePath).
    bool hasRelativeSource() const
    {
        for (const Source& s : _p.sources)
            if (s.kind != SourceKind::Text && (text::asciiLower(s.path.substr(0, 11)) == "relative://" || (s.path.empty() && !s.content)))
                return true;  // (a media source without a path is written with a relative one for QualCoder)
        return false;
    }
    std::string codebook();

    const Project& _p;
    WriteOptions _o;
    Diagnostics& _d;
    Target _t;
    Losses _l;
    /// Model id (as spelled, and normalised) -> GUID written, for the ids that
    /// are not written as they are (derived duplicates, non-GUID ids).
    std::unordered_map<std::string, std::string> _ids;
    std::set<std::string> _usedNames;                   // lower-case member names
    struct Pending {
        std::string name;
        std::string bytes;
        std::shared_ptr<const Blob> blob;
    };
    std::vector<Pending> _files;
    std::map<const Blob*, std::string> _blobNames;  // a blob shared by several sources is written once
    /// Member name for a blob, adding it to the archive the first time.
    std::string blobName(const std::shared_ptr<Blob>& b, const std::string& guid, const std::string& ext, const std::string& original)
    {
        auto it = _blobNames.find(b.get());
        if (it != _blobNames.end()) return it->second;
        std::string n = internalName(guid, ext, original);
        _blobNames.emplace(b.get(), n);
        _files.push_back({n, {}, b});
        return n;
    }
    std::unordered_map<std::string, std::vector<std::size_t>> _memosByTarget;  // normalised target -> memo indices
    std::set<std::pair<std::size_t, std::string>> _memoWritten;
    std::set<std::pair<std::string, std::string>> _linkPairs;  // (origin guid, target guid), normalised
    std::unordered_map<std::string, std::vector<const Excerpt*>> _bySource;
    std::unordered_map<std::string, std::vector<std::size_t>> _children;
    std::unordered_map<std::string, AttributeType> _attrTypes;
    std::vector<std::string> _themeNames;  // by theme index, when uniqueThemeNames() renamed any
    std::vector<std::string> _sourceNames;  // by source index, when uniqueSourceNames() renamed any
};

std::string Writer::assign(const std::string& id, const Extensions& ext, const char* kind)
{
    std::string g;
    auto it = ext.find(key::kGuid);
    if (it != ext.end() && it->second.isString() && isGuid(trim(it->second.asString()))) g = trim(it->second.asString());
    else if (isGuid(trim(id))) g = trim(id);
    else {
        g = derivedUuid(std::string("id:") + kind + ":" + id);
        _l.add(Severity::Info, "refi.guid-minted", "ids that are not GUIDs were replaced by name-based GUIDs (e.g. '" + id + "' -> " + g + ")", id);
    }
    if (g != id) {
        _ids.emplace(id, g);
        _ids.emplace(normalizeId(id), g);
    }
    return g;
}

std::string Writer::ref(const std::string& id)
{
    if (!_ids.empty()) {
        auto it = _ids.find(id);
        if (it != _ids.end()) return it->second;
    }
    if (isGuid(id)) return id;
    auto it = _ids.find(normalizeId(id));
    if (it != _ids.end()) return it->second;
    _l.add(Severity::Lossy, "lossy.dangling-reference", "a reference names no entity of the project; written as read", id);
    return isGuid(trim(id)) ? trim(id) : derivedUuid("dangling:" + id);
}

void Writer::assignIds()
{
    for (const User& u : _p.users) assign(u.id, u.ext, "user");
    for (const Theme& t : _p.themes) assign(t.id, t.ext, "theme");
    for (const Attribute& a : _p.attributes) assign(a.id, a.ext, "attribute");
    for (const Case& c : _p.cases) assign(c.id, c.ext, "case");
    for (const Source& s : _p.sources) {
        assign(s.id, s.ext, "source");
        for (const Transcript& t : s.transcripts) {
            assign(t.id, t.ext, "transcript");
            for (const SyncPoint& sp : t.syncPoints) assign(sp.id, sp.ext, "syncpoint");
        }
    }
    for (const Excerpt& e : _p.excerpts) {
        assign(e.id, e.ext, "excerpt");
        for (std::size_t i = 0; i < e.codings.size(); ++i)
            if (!e.codings[i].id.empty()) assign(e.codings[i].id, e.codings[i].ext, "coding");
    }
    for (const Memo& m : _p.memos) assign(m.id, m.ext, "memo");
    for (const Set& s : _p.sets) assign(s.id, s.ext, "set");
}

void Writer::checkExt(const Extensions& ext, const std::string& id)
{
    for (const auto& [k, v] : ext) {
        if (k.rfind("refi:", 0) != 0) {
            _l.add(Severity::Lossy, "lossy.extension", "extension '" + k + "' has no place in REFI-QDA and was not written", id);
        } else if (k == key::kUnknown || k == key::kAttributes || k == key::kNoteSelections || k == key::kTextDescription) {
            _l.add(Severity::Lossy, "lossy.refi-nonstandard", "'" + k + "' (read from a file that departs from the schema) is not written back, to keep the output valid", id);
        }
    }
}

/// The member name of an "internal://<GUID>.<ext>" path, when `path` is one (kept on export).
std::string keptName(const std::string& path, const std::string& ext)
{
    if (path.rfind("internal://", 0) != 0) return {};
    std::string n = path.substr(11);
    auto dot = n.rfind('.');
    if (dot == std::string::npos || !isGuid(n.substr(0, dot)) || extensionOf(n) != ext || !isSafeZipName(n)) return {};
    return n;
}

std::string Writer::internalName(const std::string& guid, const std::string& ext, const std::string& original)
{
    std::string kept = keptName(original, ext);
    if (!kept.empty() && _usedNames.insert(text::asciiLower("sources/" + kept)).second) return "sources/" + kept;
    if (!original.empty() && kept.empty())
        _l.add(Severity::Info, "refi.path-renamed", "internal files are written as sources/<GUID>.<ext> ('" + original + "' was renamed)");

    std::string g = fileGuid(guid);
    std::string name = "sources/" + g + "." + ext;
    for (int n = 2; !_usedNames.insert(text::asciiLower(name)).second; ++n) {
        g = derivedUuid("file:" + guid + ":" + std::to_string(n));
        name = "sources/" + g + "." + ext;
    }
    return name;
}

void Writer::audit(XmlWriter& w, const Audit& a)
{
    if (!a.creator.empty()) w.attr("creatingUser", ref(a.creator));
    dateAttr(w, "creationDateTime", a.created);
    if (!a.modifier.empty()) w.attr("modifyingUser", ref(a.modifier));
    dateAttr(w, "modifiedDateTime", a.modified);
}

std::string Writer::schemaDate(const std::string& d)
{
    if (d.empty() || fitsValueElement(AttributeType::DateTime, d)) return d;
    std::string t = d;  // "2019-11-02 10:00:00", as SQL and spreadsheets write it: the same time
    if (t.size() >= 19 && t[10] == ' ') {
        t[10] = 'T';
        if (fitsValueElement(AttributeType::DateTime, t)) return t;
    }
    return {};
}

void Writer::dateAttr(XmlWriter& w, const char* name, const std::string& d)
{
    if (d.empty()) return;
    std::string t = schemaDate(d);
    if (t.empty()) {
        _l.add(Severity::Lossy, "lossy.date-invalid", std::string(name) + " '" + d + "' is not a date-time the schema accepts (xsd:dateTime); not written");
        return;
    }
    if (t != d) _l.add(Severity::Info, "refi.date-normalised", "a date-time with a space for the T is written with the T ('" + d + "' as '" + t + "')");
    w.attr(name, t);
}

void Writer::requiredDate(XmlWriter& w, const Audit& own, const Source* s, const std::string& id)
{
    if (!_t.qualcoderImport || !schemaDate(own.created).empty() || !schemaDate(own.modified).empty()) return;
    std::string d, from;
    const Audit none;
    const Audit& sa = s ? s->audit : none;
    for (const auto& [date, whose] : {std::pair{sa.created, "its source's"}, {sa.modified, "its source's"},
                                      {_p.audit.created, "the project's"}, {_p.audit.modified, "the project's"}})
        if (d.empty() && !schemaDate(date).empty()) {
            d = schemaDate(date);
            from = whose;
        }
    if (d.empty()) {  // QualCoder itself stamps a text selection without a date with the time of its import
        std::time_t now = std::time(nullptr);
        std::tm utc{};
        gmtime_r(&now, &utc);
        char buf[32];
        std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &utc);
        d = buf;
        from = "the time of the export";
    }
    w.attr("creationDateTime", d);
    _l.add(Severity::Lossy, "lossy.date-supplied",
           "QualCoder stops its import at a picture selection, transcript or note without a date: one was given " + from + " (" + d + ")", id);
}

void Writer::description(XmlWriter& w, const std::string& d)
{
    if (d.empty()) return;
    w.start("Description");
    w.text(d);
    w.end("Description");
}

void Writer::noteRefs(XmlWriter& w, const std::string& id, bool write)
{
    auto it = _memosByTarget.find(normalizeId(id));
    if (it == _memosByTarget.end()) return;
    for (std::size_t mi : it->second) {
        const Memo& m = _p.memos[mi];
        if (!_memoWritten.insert({mi, normalizeId(id)}).second) continue;
        std::string mg = guidOf(m.id);
        if (_linkPairs.count({normalizeId(mg), normalizeId(guidOf(id))}) || !write) continue;  // a Link carries it
        w.start("NoteRef");
        w.attr("targetGUID", mg);
        w.end("NoteRef");
    }
}

void Writer::values(XmlWriter& w, const std::vector<AttributeValue>& vals)
{
    if (_attrTypes.empty())
        for (const Attribute& a : _p.attributes) _attrTypes.emplace(normalizeId(a.id), a.type);
    for (const AttributeValue& v : vals) {
        AttributeType t = AttributeType::Text;
        auto at = _attrTypes.find(normalizeId(v.attribute));
        if (at != _attrTypes.end()) t = at->second;
        w.start("VariableValue");
        w.start("VariableRef");
        w.attr("targetGUID", ref(v.attribute));
        w.end("VariableRef");
        if (!v.value.empty()) {
            // a value its variable's type cannot hold (QualCoder writes every value as text, a Float
            // variable's too) would make the file invalid as a typed element: it goes as text
            const char* el = valueElement(t);
            if (!fitsValueElement(t, v.value)) {
                el = "TextValue";
                std::string var = v.attribute;
                for (const Attribute& a : _p.attributes)
                    if (normalizeId(a.id) == normalizeId(v.attribute) && !a.name.empty()) var = "'" + a.name + "'";
                _l.add(Severity::Lossy, "lossy.value-type",
                       std::string("a value that is not a valid ") + refiType(t) + " is written as TextValue: '" + v.value +
                           "' (variable " + var + ")",
                       v.attribute);
            }
            w.start(el);
            w.text(v.value);
            w.end(el);
        }
        w.end("VariableValue");
    }
}

void Writer::code(XmlWriter& w, std::size_t i, bool codebook, std::set<std::size_t>& done, std::size_t depth)
{
    if (!done.insert(i).second) return;
    const Theme& t = _p.themes[i];
    checkExt(t.ext, t.id);
    if (!t.audit.empty()) _l.add(Severity::Lossy, "lossy.theme-audit", "REFI-QDA codes carry no creator or dates", t.id);
    w.start("Code");
    w.attr("guid", guidOf(t.id));
    w.attr("name", _themeNames.empty() ? t.name : _themeNames[i]);
    w.attr("isCodable", t.codable ? "true" : "false");
    if (!t.color.empty()) {
        Colour c = parseColour(t.color);
        if (!c.value.empty()) w.attr("color", c.value);
        else _l.add(Severity::Lossy, "lossy.theme-colour", "colour '" + t.color + "' is not writable as #RRGGBB and was dropped", t.id);
    }
    description(w, t.description);
    if (!codebook) noteRefs(w, t.id);
    if (depth < 200) {
        auto ch = _children.find(normalizeId(t.id));
        if (ch != _children.end())
            for (std::size_t c : ch->second) code(w, c, codebook, done, depth + 1);
    }
    w.end("Code");
}

void Writer::uniqueThemeNames()
{
    // QualCoder's code_name and code_cat tables each hold a name once: its import gives a
    // repeated name the first one's id, so two codes become one. Codable themes are its codes,
    // the others its categories: a name must be unique within each kind.
    std::set<std::pair<bool, std::string>> taken;
    for (const Theme& t : _p.themes) taken.insert({t.codable, t.name});
    std::set<std::pair<bool, std::string>> used;
    std::vector<std::string> names;
    names.reserve(_p.themes.size());
    for (const Theme& t : _p.themes) {
        std::string n = t.name;
        if (!used.insert({t.codable, n}).second) {
            for (int k = 2;; ++k) {
                n = t.name + " (" + std::to_string(k) + ")";
                if (!taken.count({t.codable, n}) && used.insert({t.codable, n}).second) break;
            }
            _l.add(Severity::Lossy, "lossy.theme-renamed",
                   std::string("QualCoder keeps one ") + (t.codable ? "code" : "category") +
                       " per name and would merge the codes that share one: a repeated name was made unique ('" + t.name +
                       "' written as '" + n + "')",
                   t.id);
        }
        names.push_back(std::move(n));
    }
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] != _p.themes[i].name) {
            _themeNames = std::move(names);
            return;
        }
}

namespace {

/// "name (k)", the number before a file extension ("report (2).pdf").
std::string numbered(const std::string& name, int k)
{
    auto dot = name.rfind('.');
    bool ext = dot != std::string::npos && dot > 0 && name.size() - dot <= 6 && name.find(' ', dot) == std::string::npos;
    std::string n = " (" + std::to_string(k) + ")";
    return ext ? name.substr(0, dot) + n + name.substr(dot) : name + n;
}

}  // namespace

void Writer::uniqueSourceNames()
{
    // QualCoder's source table holds a name once (its import stops, or drops the source, at a
    // second one) and names the transcript of an audio or video source "<name>.txt" (or
    // "<name>.transcribed" when there is none); it gives a PDF's name a ".pdf" when it has none.
    auto effective = [](const Source& s, const std::string& n) {
        bool pdf = n.size() >= 4 && text::asciiLower(n.substr(n.size() - 4)) == ".pdf";
        return s.kind == SourceKind::Pdf && !pdf ? n + ".pdf" : n;
    };
    std::set<std::string> taken, used;
    for (const Source& s : _p.sources) taken.insert(effective(s, s.name));
    std::vector<std::string> names;
    bool changed = false;
    for (std::size_t i = 0; i < _p.sources.size(); ++i) {
        const Source& s = _p.sources[i];
        std::string base = s.name;
        if (base.empty()) {  // the file's name, else the kind and place
            std::string file = s.path.substr(s.path.find_last_of('/') == std::string::npos ? 0 : s.path.find_last_of('/') + 1);
            base = !file.empty() && file.find(':') == std::string::npos ? file : std::string(toString(s.kind)) + " " + std::to_string(i + 1);
            _l.add(Severity::Lossy, "lossy.name-supplied", "QualCoder stops its import at a source without a name: one was named '" + base + "'", s.id);
        }
        std::string n = base;
        auto free = [&](const std::string& x) {
            std::string e = effective(s, x);
            bool media = s.kind == SourceKind::Audio || s.kind == SourceKind::Video;
            return !used.count(e) && (!media || (!used.count(e + ".txt") && !used.count(e + ".transcribed")));
        };
        for (int k = 2; !free(n) || (n != base && taken.count(effective(s, n))); ++k) n = numbered(base, k);
        if (n != base)
            _l.add(Severity::Lossy, "lossy.source-renamed",
                   "QualCoder keeps one source per name (and names an audio or video source's transcript '<name>.txt'): a repeated "
                   "name was made unique ('" + base + "' written as '" + n + "')",
                   s.id);
        used.insert(effective(s, n));
        if (s.kind == SourceKind::Audio || s.kind == SourceKind::Video) {
            used.insert(effective(s, n) + ".txt");
            used.insert(effective(s, n) + ".transcribed");
        }
        changed = changed || n != s.name;
        names.push_back(std::move(n));
    }
    if (changed) _sourceNames = std::move(names);
}

void Writer::codes(XmlWriter& w, bool codebook)
{
    if (_t.uniqueNames) uniqueThemeNames();
    std::unordered_map<std::string, std::size_t> byId;
    for (std::size_t i = 0; i < _p.themes.size(); ++i) byId.emplace(normalizeId(_p.themes[i].id), i);
    std::vector<std::size_t> roots;
    for (std::size_t i = 0; i < _p.themes.size(); ++i) {
        const Theme& t = _p.themes[i];
        if (t.parent.empty()) roots.push_back(i);
        else if (!byId.count(normalizeId(t.parent))) {
            _l.add(Severity::Lossy, "lossy.theme-parent", "a code's parent does not exist; written at the top level", t.id);
            roots.push_back(i);
        } else {
            _children[normalizeId(t.parent)].push_back(i);
        }
    }
    std::set<std::size_t> done;
    w.start("Codes");
    for (std::size_t r : roots) code(w, r, codebook, done, 0);
    for (std::size_t i = 0; i < _p.themes.size(); ++i)
        if (!done.count(i)) {  // part of a cycle
            _l.add(Severity::Lossy, "lossy.theme-cycle", "the code hierarchy has a cycle; the code was written at the top level", _p.themes[i].id);
            code(w, i, codebook, done, 0);
        }
    w.end("Codes");
}

void Writer::coding(XmlWriter& w, const Coding& c, const std::string& excerptId, std::size_t n)
{
    checkExt(c.ext, c.id);
    std::string g = c.id.empty() ? derivedUuid("coding:" + excerptId + ":" + std::to_string(n)) : guidOf(c.id);
    w.start("Coding");
    w.attr("guid", g);
    if (!c.creator.empty()) w.attr("creatingUser", ref(c.creator));
    dateAttr(w, "creationDateTime", c.created);
    w.start("CodeRef");
    w.attr("targetGUID", ref(c.theme));
    w.end("CodeRef");
    if (!c.id.empty()) noteRefs(w, c.id);
    w.end("Coding");
}

void Writer::selectionBody(XmlWriter& w, const Excerpt& e)
{
    description(w, e.description);
    for (std::size_t i = 0; i < e.codings.size(); ++i) coding(w, e.codings[i], e.id, i);
    noteRefs(w, e.id);
}

void Writer::textSource(XmlWriter& w, const char* element, const std::string& guid, const std::string& name,
                        const std::optional<std::string>& txt, const Audit& a, bool bare, const std::string& ownerId,
                        const std::vector<const Excerpt*>& spans, const Source& src)
{
    std::unique_ptr<OutText> out;
    std::unique_ptr<CodePointIndex> cpIndex;
    if (txt) {
        out = std::make_unique<OutText>(*txt, _t);
        cpIndex = std::make_unique<CodePointIndex>(*txt);
    }
    w.start(element);
    w.attr("guid", guid);
    if (!name.empty()) w.attr("name", name);
    const bool isText = std::string(element) == "TextSource";
    if (isText && src.content && !bare) {
        std::string ext = extensionOf(src.path);
        if (ext.empty() || ext == "txt") ext = extensionForMediaType(src.mediaType);
        if (ext.empty()) ext = "docx";
        std::string n = blobName(src.content, guid, ext, src.path);
        w.attr("richTextPath", "internal://" + n.substr(8));
    } else if (isText && !src.content && !src.path.empty() && extensionOf(src.path) != "txt") {
        richTextReference(w, src, bare);
    }
    if (!txt && isText && !src.content && extensionOf(src.path) == "txt" && bare) w.attr("plainTextPath", src.path);
    if (!bare) {
        // A text is always written, empty when the input had none (a bare .qde holds no files): the
        // schema wants plainTextPath or PlainTextContent, and QualCoder stops its whole import at a
        // TextSource without a file to open.
        std::string n = internalName(guid, "txt", isText && !src.content ? src.path : std::string());
        w.attr("plainTextPath", "internal://" + n.substr(8));
        std::string bytes = txt ? (_t.bom ? std::string("\xEF\xBB\xBF") : std::string()) + out->text() : std::string();
        _files.push_back({n, std::move(bytes), nullptr});
        if (!txt) textMissing(src.id);
    }
    audit(w, a);
    if (std::string(element) == "TextSource") description(w, src.description);
    if (std::string(element) == "Representation") {
        auto rep = src.ext.find(key::kRepresentation);
        if (rep != src.ext.end())
            if (const Json* d = rep->second.find("description"); d && d->isString()) description(w, d->asString());
    }
    if (txt && bare) {
        w.start("PlainTextContent");
        w.text(out->text());
        w.end("PlainTextContent");
    }
    for (const Excerpt* e : spans) {
        const TextSpan& sp = std::get<TextSpan>(e->anchor);
        std::int64_t s = sp.start, en = sp.end;
        if (en < s) {  // a REFI reader refuses it; never write an inverted span
            _l.add(Severity::Skipped, "skipped.excerpt-inverted", "a text excerpt ends before it starts and was not written", e->id);
            continue;
        }
        if (out) {
            auto a1 = out->convert(sp.start), a2 = out->convert(sp.end);
            if (!a1 || !a2) {
                _l.add(Severity::Skipped, "skipped.excerpt-out-of-range", "a text excerpt lies outside its source text and was not written", e->id);
                continue;
            }
            s = *a1;
            en = *a2;
            if (e->quote && text::collapseWhitespace(*e->quote) != text::collapseWhitespace(cpIndex->substr(sp.start, sp.end)))
                _l.add(Severity::Lossy, "lossy.excerpt-quote", "an excerpt's quoted text differs from its span and REFI keeps only the span", e->id);
        } else if (e->ext.count(key::kRawOffsets) == 0) {
            _l.add(Severity::Lossy, "lossy.offsets-unconverted", "text excerpts of a source without text are written with their offsets unconverted", e->id);
        }
        checkExt(e->ext, e->id);
        w.start("PlainTextSelection");
        w.attr("guid", guidOf(e->id));
        if (!e->name.empty()) w.attr("name", e->name);
        w.attr("startPosition", std::to_string(s));
        w.attr("endPosition", std::to_string(en));
        audit(w, e->audit);
        selectionBody(w, *e);
        w.end("PlainTextSelection");
    }
    (void)ownerId;
}

void Writer::richTextReference(XmlWriter& w, const Source& src, bool bare)
{
    std::string scheme = src.path.find("://") == std::string::npos ? std::string() : text::asciiLower(src.path.substr(0, src.path.find("://")));
    if (bare) {
        w.attr("richTextPath", src.path);  // a bare .qde names files it cannot hold
    } else if (!scheme.empty() && scheme != "internal" && !_t.richTextInternalOnly) {
        w.attr("richTextPath", src.path);  // an external reference, kept as read
    } else {
        // an internal file that is absent would send a reader to nothing; QualCoder opens any
        // richTextPath as a file inside the archive
        _l.add(Severity::Lossy, "lossy.source-content-missing",
               "a source's document was not in the input: its path ('" + src.path + "') is not written, a reader could not follow it",
               src.id);
    }
}

void Writer::wholeCodings(XmlWriter& w, const std::vector<const Excerpt*>& whole)
{
    for (const Excerpt* e : whole) {
        checkExt(e->ext, e->id);
        if (!e->name.empty() || !e->description.empty() || _memosByTarget.count(normalizeId(e->id)))
            _l.add(Severity::Lossy, "lossy.whole-source-excerpt", "an excerpt of a whole source is written as source Codings; its name, description and notes are not kept", e->id);
        // REFI has no element for an excerpt of a whole source: its codings sit on the
        // source, and a reader makes one excerpt per Coding with an id derived from it.
        bool idKept = e->codings.size() == 1 &&
                      normalizeId(e->id) == normalizeId(derivedUuid("source-coding:" + normalizeId(guidOf(e->codings[0].id))));
        if (!idKept)
            _l.add(Severity::Lossy, "lossy.whole-source-excerpt-id",
                   "an excerpt of a whole source becomes one source Coding per theme; a reader gives each its own excerpt id", e->id);
        if (_t.qualcoderImport && !e->codings.empty())
            _l.add(Severity::Lossy, "lossy.whole-source-coding",
                   "the codings of a whole source (outside any selection) are written, but QualCoder's import leaves them out",
                   e->id, "code the whole text as a selection to keep it in QualCoder");
        for (std::size_t i = 0; i < e->codings.size(); ++i) coding(w, e->codings[i], e->id, i);
    }
}

void Writer::contentPath(XmlWriter& w, const Source& s, bool bare)
{
    if (s.content && !bare) {
        std::string ext = extensionOf(s.path);
        if (ext.empty()) ext = extensionForMediaType(s.mediaType);
        if (ext.empty()) ext = extensionOf(s.content->describe());
        if (ext.empty()) ext = "bin";
        std::string n = blobName(s.content, guidOf(s.id), ext, s.path);
        w.attr("path", "internal://" + n.substr(8));
        auto sz = s.content->size();
        if (sz && *sz > kMaxInternal)
            _l.add(Severity::Lossy, "lossy.source-too-large", "an internal file is over 2^31-1 bytes, the REFI-QDA limit; written anyway", s.id);
    } else if (s.content && bare) {
        _l.add(Severity::Lossy, "lossy.content-not-embedded", "a bare .qde cannot carry source files; write a .qdpx", s.id);
    } else if (!s.path.empty() && s.path.find("://") != std::string::npos &&
               text::asciiLower(s.path.substr(0, s.path.find("://"))) != "internal") {
        w.attr("path", s.path);  // an external reference, kept as read
    } else if (!s.path.empty()) {
        w.attr("path", s.path);
        _l.add(Severity::Lossy, "lossy.source-content-missing", "a source's file was not in the input; its path is written but the file is absent", s.id);
    } else if (_t.basePathForRelative) {
        // QualCoder reads a media source without a path as a text source, and stops; a
        // relative path of its name is a link it lists as bad, for the user to re-point
        const std::string& n = sourceName(s);
        w.attr("path", "relative:///" + n);
        _l.add(Severity::Lossy, "lossy.source-content-missing",
               "a media source without content or path is written with the relative path 'relative:///" + n + "'", s.id);
    } else {
        _l.add(Severity::Lossy, "lossy.source-content-missing", "a media source without content is written without a path", s.id);
    }
    auto cp = s.ext.find(key::kCurrentPath);
    if (cp != s.ext.end() && cp->second.isString()) w.attr("currentPath", cp->second.asString());
}

void Writer::pictureSelections(XmlWriter& w, const Source& s, const std::vector<const Excerpt*>& regions)
{
    for (const Excerpt* e : regions) {
        checkExt(e->ext, e->id);
        ImageRegion r = std::get<ImageRegion>(e->anchor);
        if (r.x1 > r.x2 || r.y1 > r.y2) {
            _l.add(Severity::Lossy, "lossy.rectangle-normalised", "an inverted picture rectangle was written with its corners ordered", e->id);
            if (r.x1 > r.x2) std::swap(r.x1, r.x2);
            if (r.y1 > r.y2) std::swap(r.y1, r.y2);
        }
        w.start("PictureSelection");
        w.attr("guid", guidOf(e->id));
        // QualCoder keeps the name as the coding's memo and its export stops at a memo it has none of
        if (!e->name.empty() || _t.qualcoderImport) w.attr("name", e->name);
        w.attr("firstX", std::to_string(r.x1));
        w.attr("firstY", std::to_string(r.y1));
        w.attr("secondX", std::to_string(r.x2));
        w.attr("secondY", std::to_string(r.y2));
        audit(w, e->audit);
        requiredDate(w, e->audit, &s, e->id);
        selectionBody(w, *e);
        w.end("PictureSelection");
    }
}

void Writer::pdfParts(XmlWriter& w, const Source& s, const std::vector<const Excerpt*>& regions,
                      const std::vector<const Excerpt*>& spans, bool bare)
{
    for (const Excerpt* e : regions) {
        checkExt(e->ext, e->id);
        const PdfRegion& r = std::get<PdfRegion>(e->anchor);
        w.start("PDFSelection");
        w.attr("guid", guidOf(e->id));
        if (!e->name.empty()) w.attr("name", e->name);
        w.attr("page", std::to_string(r.page));
        w.attr("firstX", std::to_string(r.x1));
        w.attr("firstY", std::to_string(r.y1));
        w.attr("secondX", std::to_string(r.x2));
        w.attr("secondY", std::to_string(r.y2));
        audit(w, e->audit);
        description(w, e->description);
        if (e->quote) {
            auto rg = e->ext.find(key::kRepresentationGuid);
            std::string g = rg != e->ext.end() && rg->second.isString() && isGuid(trim(rg->second.asString()))
                                ? trim(rg->second.asString()) : derivedUuid("area:" + e->id);
            w.start("Representation");
            w.attr("guid", g);
            w.start("PlainTextContent");
            w.text(*e->quote);
            w.end("PlainTextContent");
            w.end("Representation");
        }
        for (std::size_t i = 0; i < e->codings.size(); ++i) coding(w, e->codings[i], e->id, i);
        noteRefs(w, e->id);
        w.end("PDFSelection");
    }
    if (s.text || !spans.empty() || s.ext.count(key::kRepresentation)) {
        std::string rg, rn;
        Audit ra;
        auto rep = s.ext.find(key::kRepresentation);
        if (rep != s.ext.end() && rep->second.isObject()) {
            if (auto* g = rep->second.find("guid"); g && g->isString() && isGuid(trim(g->asString()))) rg = trim(g->asString());
            if (auto* n = rep->second.find("name"); n && n->isString()) rn = n->asString();
            if (auto* v = rep->second.find("creatingUser"); v && v->isString()) ra.creator = v->asString();
            if (auto* v = rep->second.find("creationDateTime"); v && v->isString()) ra.created = v->asString();
            if (auto* v = rep->second.find("modifyingUser"); v && v->isString()) ra.modifier = v->asString();
            if (auto* v = rep->second.find("modifiedDateTime"); v && v->isString()) ra.modified = v->asString();
        }
        if (rg.empty()) rg = derivedUuid("representation:" + s.id);
        textSource(w, "Representation", rg, rn, s.text, ra, bare, s.id, spans, s);
        w.end("Representation");
    }
}

void Writer::transcript(XmlWriter& w, const Source& s, const Transcript& t, const std::vector<const Excerpt*>& trans, bool bare)
{
    std::unique_ptr<OutText> out;
    if (!t.text.empty()) out = std::make_unique<OutText>(t.text, _t);
    w.start("Transcript");
    w.attr("guid", guidOf(t.id));
    if (!t.name.empty()) {
        w.attr("name", t.name);
    } else if (_t.qualcoderImport) {
        const std::string named = sourceName(s) + ".txt";
        w.attr("name", named);
        _l.add(Severity::Lossy, "lossy.name-supplied",
               "QualCoder stops its import at a transcript without a name: a transcript was named after its source ('" + named + "')",
               t.id);
    }
    if (!bare) {  // empty when the input had no text, as for a TextSource
        std::string n = internalName(guidOf(t.id), "txt");
        w.attr("plainTextPath", "internal://" + n.substr(8));
        _files.push_back({n, out ? (_t.bom ? std::string("\xEF\xBB\xBF") : std::string()) + out->text() : std::string(), nullptr});
        if (!out) textMissing(t.id);
    }
    audit(w, t.audit);
    requiredDate(w, t.audit, &s, t.id);
    auto d = t.ext.find(key::kDescription);
    if (d != t.ext.end() && d->second.isString()) description(w, d->second.asString());
    if (out && bare) {
        w.start("PlainTextContent");
        w.text(out->text());
        w.end("PlainTextContent");
    }
    for (const SyncPoint& sp : t.syncPoints) {
        checkExt(sp.ext, sp.id);
        w.start("SyncPoint");
        w.attr("guid", guidOf(sp.id));
        w.attr("timeStamp", std::to_string(sp.timeMs));
        std::int64_t pos = sp.position;
        if (out) {
            auto c = out->convert(sp.position);
            if (c) pos = *c;
            else _l.add(Severity::Lossy, "lossy.syncpoint-position", "a sync point lies outside its transcript text; written as stored", sp.id);
        }
        w.attr("position", std::to_string(pos));
        w.end("SyncPoint");
    }
    for (const Excerpt* e : trans) {
        const TranscriptSpan& ts = std::get<TranscriptSpan>(e->anchor);
        if (normalizeId(ts.transcript()) != normalizeId(t.id)) continue;
        checkExt(e->ext, e->id);
        w.start("TranscriptSelection");
        w.attr("guid", guidOf(e->id));
        if (!e->name.empty()) w.attr("name", e->name);
        if (!ts.fromSyncPoint().empty()) w.attr("fromSyncPoint", ref(ts.fromSyncPoint()));
        if (!ts.toSyncPoint().empty()) w.attr("toSyncPoint", ref(ts.toSyncPoint()));
        audit(w, e->audit);
        selectionBody(w, *e);
        w.end("TranscriptSelection");
    }
    noteRefs(w, t.id);
    w.end("Transcript");
}

void Writer::mediaParts(XmlWriter& w, const Source& s, const std::vector<const Excerpt*>& media,
                        const std::vector<const Excerpt*>& trans, bool bare)
{
    for (std::size_t ti = 0; ti < s.transcripts.size(); ++ti) {
        const Transcript& t = s.transcripts[ti];
        checkExt(t.ext, t.id);
        if (_t.qualcoderImport && ti > 0) {
            std::size_t coded = 0;
            for (const Excerpt* e : trans) coded += normalizeId(std::get<TranscriptSpan>(e->anchor).transcript()) == normalizeId(t.id);
            _l.add(Severity::Lossy, "lossy.transcript-dropped",
                   "QualCoder keeps one transcript per audio or video source (a second one stops its import of a video): "
                   "a further transcript was not written" + (coded ? ", with its " + std::to_string(coded) + " coded selections" : std::string()),
                   t.id);
            continue;
        }
        transcript(w, s, t, trans, bare);
    }
    for (const Excerpt* e : trans) {
        const TranscriptSpan& ts = std::get<TranscriptSpan>(e->anchor);
        bool found = false;
        for (const Transcript& t : s.transcripts) found = found || normalizeId(ts.transcript()) == normalizeId(t.id);
        if (!found) _l.add(Severity::Skipped, "skipped.excerpt-transcript", "a transcript excerpt names no transcript of its source", e->id);
    }
    const char* sel = s.kind == SourceKind::Audio ? "AudioSelection" : "VideoSelection";
    for (const Excerpt* e : media) {
        checkExt(e->ext, e->id);
        const TimeSpan& ts = std::get<TimeSpan>(e->anchor);
        w.start(sel);
        w.attr("guid", guidOf(e->id));
        if (!e->name.empty()) w.attr("name", e->name);
        w.attr("begin", std::to_string(ts.begin));
        w.attr("end", std::to_string(ts.end));
        audit(w, e->audit);
        selectionBody(w, *e);
        w.end(sel);
    }
}

void Writer::source(XmlWriter& w, const Source& s, bool bare)
{
    checkExt(s.ext, s.id);
    const std::string guid = guidOf(s.id);
    const auto& all = _bySource[normalizeId(s.id)];
    std::vector<const Excerpt*> spans, regions, whole, media, trans;
    for (const Excerpt* e : all) {
        if (std::holds_alternative<std::monostate>(e->anchor)) whole.push_back(e);
        else if (std::holds_alternative<TextSpan>(e->anchor) && (s.kind == SourceKind::Text || s.kind == SourceKind::Pdf)) spans.push_back(e);
        else if (std::holds_alternative<PdfRegion>(e->anchor) && s.kind == SourceKind::Pdf) regions.push_back(e);
        else if (std::holds_alternative<ImageRegion>(e->anchor) && s.kind == SourceKind::Picture) regions.push_back(e);
        else if (std::holds_alternative<TimeSpan>(e->anchor) && (s.kind == SourceKind::Audio || s.kind == SourceKind::Video)) media.push_back(e);
        else if (std::holds_alternative<TranscriptSpan>(e->anchor) && (s.kind == SourceKind::Audio || s.kind == SourceKind::Video)) trans.push_back(e);
        else _l.add(Severity::Skipped, "skipped.excerpt-anchor", std::string("a ") + anchorTypeName(e->anchor) + " excerpt cannot be written on a " + toString(s.kind) + " source", e->id);
    }
    if (s.kind == SourceKind::Text) {
        textSource(w, "TextSource", guid, sourceName(s), s.text, s.audit, bare, s.id, spans, s);
        // textSource leaves the element open after the selections
        wholeCodings(w, whole);
        // QualCoder takes a note referenced by a TextSource for an annotation and, without a
        // span in it, drops it: for it the note stays a journal (lossy.note-attachment)
        noteRefs(w, s.id, !_t.qualcoderImport);
        values(w, s.values);
        w.end("TextSource");
        return;
    }
    const char* el = s.kind == SourceKind::Pdf ? "PDFSource" : s.kind == SourceKind::Picture ? "PictureSource"
                     : s.kind == SourceKind::Audio ? "AudioSource" : "VideoSource";
    w.start(el);
    w.attr("guid", guid);
    if (!sourceName(s).empty()) w.attr("name", sourceName(s));
    contentPath(w, s, bare);
    audit(w, s.audit);
    description(w, s.description);
    if (s.kind == SourceKind::Picture) pictureSelections(w, s, regions);
    else if (s.kind == SourceKind::Pdf) pdfParts(w, s, regions, spans, bare);
    else mediaParts(w, s, media, trans, bare);
    wholeCodings(w, whole);
    noteRefs(w, s.id);
    values(w, s.values);
    w.end(el);
}

void Writer::raw(XmlWriter& w, const Json& node, std::size_t depth)
{
    static const std::set<std::string> allowed{"Link", "NoteRef", "Graph", "Vertex", "Edge"};
    const Json* el = node.find("element");
    if (!el || !el->isString() || !allowed.count(el->asString()) || depth > 8) {
        _l.add(Severity::Lossy, "lossy.refi-raw-element", "a kept element is not a Link/Graph part and was not written");
        return;
    }
    w.start(el->asString());
    if (const Json* a = node.find("attributes"); a && a->isObject())
        for (const auto& [k, v] : a->asObject()) {
            bool okName = !k.empty();
            for (char c : k) okName = okName && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
            if (!okName || !v.isString()) continue;
            bool guidTyped = k == "guid" || k == "originGUID" || k == "targetGUID" || k == "representedGUID" ||
                             k == "sourceVertex" || k == "targetVertex";
            w.attr(k, guidTyped ? rawGuid(v.asString()) : v.asString());
        }
    if (const Json* kids = node.find("children"); kids && kids->isArray())
        for (const Json& k : kids->asArray()) raw(w, k, depth + 1);
    w.end(el->asString());
}

std::string Writer::rawGuid(const std::string& v)
{
    if (!_ids.empty()) {
        auto it = _ids.find(v);
        if (it == _ids.end()) it = _ids.find(normalizeId(v));
        if (it != _ids.end()) return it->second;
    }
    if (isGuid(v)) return v;
    if (isGuid(trim(v))) return trim(v);
    std::string g = derivedUuid("raw:" + normalizeId(v));
    _l.add(Severity::Info, "refi.guid-minted", "ids that are not GUIDs were replaced by name-based GUIDs (e.g. '" + v + "' -> " + g + ")", v);
    return g;
}

void Writer::users(XmlWriter& w)
{
    if (!_p.users.empty()) {
        w.start("Users");
        for (const User& u : _p.users) {
            checkExt(u.ext, u.id);
            w.start("User");
            w.attr("guid", guidOf(u.id));
            if (!u.name.empty()) {
                w.attr("name", u.name);
            } else if (_t.qualcoderImport) {  // QualCoder names codings and sources after their user
                auto uid = u.ext.find(key::kUserId);
                std::string n = uid != u.ext.end() && uid->second.isString() && !uid->second.asString().empty()
                                    ? uid->second.asString() : "user " + guidOf(u.id).substr(0, 8);
                w.attr("name", n);
                _l.add(Severity::Lossy, "lossy.name-supplied", "QualCoder's export stops at a user without a name: one was named '" + n + "'", u.id);
            }
            auto id = u.ext.find(key::kUserId);
            if (id != u.ext.end() && id->second.isString()) w.attr("id", id->second.asString());
            w.end("User");
        }
        w.end("Users");
    }
}

void Writer::cases(XmlWriter& w)
{
    if (!_p.cases.empty()) {
        w.start("Cases");
        for (const Case& c : _p.cases) {
            checkExt(c.ext, c.id);
            w.start("Case");
            w.attr("guid", guidOf(c.id));
            if (!c.name.empty()) w.attr("name", c.name);
            description(w, c.description);
            for (const auto& t : c.themes) {
                w.start("CodeRef");
                w.attr("targetGUID", ref(t));
                w.end("CodeRef");
            }
            values(w, c.values);
            for (const auto& s : c.sources) {
                w.start("SourceRef");
                w.attr("targetGUID", ref(s));
                w.end("SourceRef");
            }
            for (const auto& x : c.excerpts) {
                w.start("SelectionRef");
                w.attr("targetGUID", ref(x));
                w.end("SelectionRef");
            }
            w.end("Case");
        }
        w.end("Cases");
    }
}

void Writer::notes(XmlWriter& w, bool bare)
{
    if (_p.memos.empty()) return;
    // QualCoder makes a journal of a note, keyed by its name (a repeated name stops its import),
    // and reads the text only from a file: for it, each note gets a name and a .txt
    const bool journal = _t.qualcoderImport && !bare;
    std::set<std::string> used;
    if (journal)
        for (const Memo& m : _p.memos) used.insert(m.name);
    std::set<std::string> written;
    w.start("Notes");
    for (std::size_t i = 0; i < _p.memos.size(); ++i) {
        const Memo& m = _p.memos[i];
        checkExt(m.ext, m.id);
        w.start("Note");
        w.attr("guid", guidOf(m.id));
        std::string name = m.name;
        if (journal && (name.empty() || written.count(name))) {
            std::string base = name.empty() ? "note " + std::to_string(i + 1) : name;
            name = base;
            for (int k = 2; written.count(name) || (name != m.name && used.count(name)); ++k) name = numbered(base, k);
            _l.add(Severity::Lossy, m.name.empty() ? "lossy.name-supplied" : "lossy.note-renamed",
                   "QualCoder keeps a note as a journal of a unique name: '" + m.name + "' written as '" + name + "'", m.id);
        }
        written.insert(name);
        if (!name.empty()) w.attr("name", name);
        if (journal) {
            std::string n = internalName(guidOf(m.id), "txt");
            w.attr("plainTextPath", "internal://" + n.substr(8));
            _files.push_back({n, OutText(m.text, _t).text(), nullptr});
            if (!m.targets.empty())
                _l.add(Severity::Lossy, "lossy.note-attachment",
                       "QualCoder imports a note as a journal and keeps nothing of what it is attached to (a note on a text "
                       "source is not referenced from it: QualCoder would take it for an annotation and drop it)", m.id);
        }
        audit(w, m.audit);
        requiredDate(w, m.audit, nullptr, m.id);
        auto d = m.ext.find(key::kDescription);
        if (d != m.ext.end() && d->second.isString()) description(w, d->second.asString());
        if (!m.text.empty() && !journal) {
            w.start("PlainTextContent");
            w.text(m.text);
            w.end("PlainTextContent");
        }
        noteRefs(w, m.id);
        w.end("Note");
    }
    w.end("Notes");
}

void Writer::sets(XmlWriter& w)
{
    if (!_p.sets.empty()) {
        w.start("Sets");
        for (const Set& s : _p.sets) {
            checkExt(s.ext, s.id);
            w.start("Set");
            w.attr("guid", guidOf(s.id));
            w.attr("name", s.name);
            description(w, s.description);
            for (const auto& x : s.themes) {
                w.start("MemberCode");
                w.attr("targetGUID", ref(x));
                w.end("MemberCode");
            }
            for (const auto& x : s.sources) {
                w.start("MemberSource");
                w.attr("targetGUID", ref(x));
                w.end("MemberSource");
            }
            for (const auto& x : s.memos) {
                w.start("MemberNote");
                w.attr("targetGUID", ref(x));
                w.end("MemberNote");
            }
            w.end("Set");
        }
        w.end("Sets");
    }
}

void Writer::project(std::ostream& os, bool bare)
{
    assignIds();
    for (const Excerpt& e : _p.excerpts) _bySource[normalizeId(e.source)].push_back(&e);
    for (std::size_t i = 0; i < _p.memos.size(); ++i)
        for (const std::string& t : _p.memos[i].targets) _memosByTarget[normalizeId(t)].push_back(i);
    auto links = _p.ext.find(key::kLinks);
    if (links != _p.ext.end() && links->second.isArray())
        for (const Json& l : links->second.asArray())
            if (const Json* a = l.find("attributes"); a && a->isObject()) {
                const Json* o = a->find("originGUID");
                const Json* t = a->find("targetGUID");
                if (o && t && o->isString() && t->isString()) _linkPairs.insert({normalizeId(trim(o->asString())), normalizeId(trim(t->asString()))});
            }
    std::set<std::string> sourceIds;
    for (const Source& s : _p.sources) sourceIds.insert(normalizeId(s.id));
    for (const Excerpt& e : _p.excerpts) {
        if (!sourceIds.count(normalizeId(e.source))) _l.add(Severity::Skipped, "skipped.excerpt-source-missing", "an excerpt names no source and was not written", e.id);
    }

    {
        XmlWriter w(os, true);
        w.start("Project");
        w.attr("xmlns", kProjectNs);
        w.attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
        w.attr("xsi:schemaLocation", std::string(kProjectNs) + " http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd");
        w.attr("name", _p.name.empty() ? std::string("Untitled") : _p.name);
        if (_p.name.empty()) _l.add(Severity::Info, "refi.project-name-default", "the project has no name; written as 'Untitled' (Project/@name is required)");
        std::string origin = "qdx 0.1 target=" + _t.name;
        if (_t.originWithoutAtlas && text::asciiLower(_p.origin).find("atlas") != std::string::npos)
            _l.add(Severity::Lossy, "lossy.project-origin",
                   "the original origin '" + _p.origin + "' is not written: QualCoder reads a project whose origin names "
                   "ATLAS.ti by ATLAS.ti's rules (a CR LF counted once, media in a '<project> Media' folder)");
        else if (!_p.origin.empty())
            origin += "; was: " + _p.origin;
        w.attr("origin", origin);
        if (!_p.audit.creator.empty()) w.attr("creatingUserGUID", ref(_p.audit.creator));
        dateAttr(w, "creationDateTime", _p.audit.created);
        if (!_p.audit.modifier.empty()) w.attr("modifyingUserGUID", ref(_p.audit.modifier));
        dateAttr(w, "modifiedDateTime", _p.audit.modified);
        bool basePathWritten = !_p.basePath.empty() && _o.keepBasePath;
        if (basePathWritten) w.attr("basePath", _p.basePath);
        else if (!_p.basePath.empty())
            _l.add(Severity::Lossy, "lossy.basepath", "Project/@basePath ('" + _p.basePath + "') was not written: it may reveal a local user name", {}, "-o keep-basepath=true");
        if (!basePathWritten && _t.basePathForRelative && !bare && hasRelativeSource()) {
            w.attr("basePath", "");
            _l.add(Severity::Info, "refi.basepath-empty",
                   "a relative:// source needs Project/@basePath in QualCoder (it stops the import without one): written empty, "
                   "so QualCoder imports the source and lists its file as a bad link to re-point");
        }
        checkExt(_p.ext, {});

        users(w);
        if (!_p.themes.empty()) {
            w.start("CodeBook");
            codes(w, false);
            w.end("CodeBook");
        }
        if (!_p.attributes.empty()) {
            w.start("Variables");
            for (const Attribute& a : _p.attributes) {
                checkExt(a.ext, a.id);
                w.start("Variable");
                w.attr("guid", guidOf(a.id));
                w.attr("name", a.name);
                w.attr("typeOfVariable", refiType(a.type));
                description(w, a.description);
                w.end("Variable");
            }
            w.end("Variables");
        }
        cases(w);
        if (!_p.sources.empty()) {
            if (_t.uniqueNames) uniqueSourceNames();
            w.start("Sources");
            for (const Source& s : _p.sources) source(w, s, bare);
            w.end("Sources");
        }
        notes(w, bare);
        if (links != _p.ext.end() && links->second.isArray() && !links->second.asArray().empty()) {
            w.start("Links");
            for (const Json& l : links->second.asArray()) raw(w, l, 0);
            w.end("Links");
        }
        sets(w);
        auto graphs = _p.ext.find(key::kGraphs);
        if (graphs != _p.ext.end() && graphs->second.isArray() && !graphs->second.asArray().empty()) {
            w.start("Graphs");
            for (const Json& g : graphs->second.asArray()) raw(w, g, 0);
            w.end("Graphs");
        }
        description(w, _p.description);
        auto nr = _p.ext.find(key::kNoteRefs);
        if (nr != _p.ext.end() && nr->second.isArray())
            for (const Json& n : nr->second.asArray())
                if (n.isString()) {
                    w.start("NoteRef");
                    w.attr("targetGUID", ref(n.asString()));
                    w.end("NoteRef");
                }
        w.end("Project");
        w.flush();
        if (w.replacedCharacters())
            _l.add(Severity::Lossy, "lossy.xml-characters", std::to_string(w.replacedCharacters()) + " characters XML 1.0 cannot carry were replaced by U+FFFD");
    }
    // notes attached to what REFI cannot attach a NoteRef to
    for (std::size_t i = 0; i < _p.memos.size(); ++i)
        for (const std::string& t : _p.memos[i].targets)
            if (!_memoWritten.count({i, normalizeId(t)}))
                _l.add(Severity::Lossy, "lossy.memo-target", "a note is attached to something REFI-QDA cannot hold a NoteRef on (a case, set, user or variable) or to nothing known; the attachment was dropped", _p.memos[i].id);
}

std::string Writer::codebook()
{
    assignIds();
    std::ostringstream os;
    {
        XmlWriter w(os, true);
        w.start("CodeBook");
        w.attr("xmlns", kCodebookNs);
        w.attr("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance");
        w.attr("xsi:schemaLocation", std::string(kCodebookNs) + " http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd");
        w.attr("origin", "qdx 0.1" + (_p.origin.empty() ? std::string() : "; was: " + _p.origin));
        if (_p.themes.empty()) throw OutputError("a REFI-QDA codebook needs at least one code; the project has none");
        codes(w, true);
        bool anySet = false;
        for (const Set& s : _p.sets) anySet = anySet || !s.themes.empty() || (s.sources.empty() && s.memos.empty());
        if (anySet) {
            w.start("Sets");
            for (const Set& s : _p.sets) {
                if (!s.sources.empty() || !s.memos.empty())
                    _l.add(Severity::Lossy, "lossy.codebook-set-members", "codebook sets hold codes only; source and note members were dropped", s.id);
                if (s.themes.empty() && !(s.sources.empty() && s.memos.empty())) continue;
                w.start("Set");
                w.attr("guid", guidOf(s.id));
                w.attr("name", s.name);
                description(w, s.description);
                for (const auto& x : s.themes) {
                    w.start("MemberCode");
                    w.attr("guid", ref(x));
                    w.end("MemberCode");
                }
                w.end("Set");
            }
            w.end("Sets");
        } else {
            for (const Set& s : _p.sets)
                _l.add(Severity::Lossy, "lossy.codebook-set-members", "codebook sets hold codes only; a set without codes was dropped", s.id);
        }
        w.end("CodeBook");
        w.flush();
    }
    auto drop = [&](std::size_t n, const char* what) {
        if (n) _l.add(Severity::Lossy, std::string("lossy.codebook-") + what, std::to_string(n) + " " + what + " cannot be held by a .qdc codebook (write a .qdpx)");
    };
    drop(_p.users.size(), "users");
    drop(_p.attributes.size(), "attributes");
    drop(_p.cases.size(), "cases");
    drop(_p.sources.size(), "sources");
    drop(_p.excerpts.size(), "excerpts");
    drop(_p.memos.size(), "memos");
    return os.str();
}

/// Removes a scratch file when it goes out of scope.
struct ScratchFile {
    std::string path;
    ~ScratchFile() { std::remove(path.c_str()); }
};

void Writer::writeQdpx(const std::string& path, bool bare)
{
    if (bare) {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        project(f, true);
        _l.flush(_d);
        f.close();
        if (!f) throw OutputError("cannot write " + path);
        return;
    }
    // The XML goes to a scratch file beside the output (never whole in
    // memory), which the zip writer streams and deflates at close().
    ScratchFile xmlFile{path + ".qde-part"};
    {
        std::ofstream f(xmlFile.path, std::ios::binary | std::ios::trunc);
        if (!f) throw OutputError("cannot write " + xmlFile.path);
        project(f, false);
        f.close();
        if (!f) throw OutputError("cannot write " + xmlFile.path);
    }
    _l.flush(_d);
    ZipWriter z(path);
    z.addFile("project.qde", xmlFile.path, true);
    for (Pending& f : _files) {
        if (f.blob) {
            std::string ext = extensionOf(f.name);
            bool compress = ext == "txt" || ext == "rtf" || ext == "xml" || ext == "html";
            z.addBlob(f.name, f.blob, compress);
        } else {
            z.addBytes(f.name, std::move(f.bytes), true);
        }
    }
    z.close();
}

void Writer::writeQdc(const std::string& path)
{
    std::string xml = codebook();
    _l.flush(_d);
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << xml;
    f.close();
    if (!f) throw OutputError("cannot write " + path);
}

}  // namespace

void writeRefi(const Project& p, const std::string& path, const WriteOptions& opts, Diagnostics& diag)
{
    Writer w(p, opts, diag);
    if (opts.codebook) {
        w.writeQdc(path);
        return;
    }
    bool bare = opts.container == "qde";
    if (opts.container == "auto") {
        // The core's temporary path keeps the target's suffix.
        std::string low = text::asciiLower(path);
        bare = low.size() >= 4 && low.compare(low.size() - 4, 4, ".qde") == 0;
    }
    w.writeQdpx(path, bare);
}

}  // namespace qdx::refi
