#include "RefiReader.h"

#include "RefiCommon.h"
#include "qdx/Text.h"
#include "qdx/Xml.h"
#include "qdx/Zip.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace qdx::refi {

namespace {

constexpr std::uint64_t kMaxTextBytes = (1ull << 31) - 1;  // REFI's own limit per internal file (§8.5)

bool endsWithNoCase(std::string_view s, std::string_view suffix)
{
    if (s.size() < suffix.size()) return false;
    return text::asciiLower(s.substr(s.size() - suffix.size())) == text::asciiLower(suffix);
}

std::string attr(const XmlAttributes& a, const char* n)
{
    const std::string* v = a.get(n);
    return v ? *v : std::string();
}
std::string tok(const XmlAttributes& a, const char* n)
{
    const std::string* v = a.get(n);
    return v ? trim(*v) : std::string();
}
bool has(const XmlAttributes& a, const char* n) { return a.get(n) != nullptr; }

std::optional<std::int64_t> parseInt(const std::string& s)
{
    std::string t = trim(s);
    if (t.empty()) return std::nullopt;
    std::size_t i = 0;
    bool neg = false;
    if (t[0] == '+' || t[0] == '-') {
        neg = t[0] == '-';
        i = 1;
    }
    if (i >= t.size()) return std::nullopt;
    std::int64_t v = 0;
    for (; i < t.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(t[i]))) return std::nullopt;
        if (v > (INT64_MAX - 9) / 10) return std::nullopt;
        v = v * 10 + (t[i] - '0');
    }
    return neg ? -v : v;
}

/// True when the span [s, e) (code points) starts and ends on word boundaries.
bool onWordBoundaries(std::string_view whole, const CodePointIndex& ci, std::int64_t s, std::int64_t e)
{
    auto prevChar = [&](std::size_t b) {  // the code point ending at byte b
        if (b == 0) return std::string_view();
        std::size_t a = b - 1;
        while (a > 0 && (static_cast<unsigned char>(whole[a]) & 0xC0) == 0x80) --a;
        return whole.substr(a, b - a);
    };
    auto nextChar = [&](std::size_t b) {  // the code point starting at byte b
        if (b >= whole.size()) return std::string_view();
        std::size_t x = b + 1;
        while (x < whole.size() && (static_cast<unsigned char>(whole[x]) & 0xC0) == 0x80) ++x;
        return whole.substr(b, x - b);
    };
    auto alnum = [](std::string_view c) {
        if (c.empty()) return false;
        unsigned char b = static_cast<unsigned char>(c[0]);
        return b >= 0x80 || std::isalnum(b);
    };
    const std::size_t sb = ci.byteOffset(s), eb = ci.byteOffset(e);
    bool okStart = s == 0 || !alnum(prevChar(sb)) || !alnum(nextChar(sb));
    bool okEnd = !alnum(prevChar(eb)) || !alnum(nextChar(eb));
    return okStart && okEnd;
}

/// A set of 64-bit hashes, open addressing (a node-based set costs an
/// allocation and a cache miss per id: 10^6 codings are 2·10^6 ids).
/// Thrown by a reader that deferred its duplicate check and found two equal ids.
struct DuplicateIds {};

/// Sorts 64-bit keys by bytes, least significant first (8 counting passes over
/// sequential memory; a comparison sort of millions of keys costs more).
void radixSort(std::vector<std::uint64_t>& v)
{
    std::vector<std::uint64_t> tmp(v.size());
    for (unsigned shift = 0; shift < 64; shift += 8) {
        std::size_t count[257] = {};
        for (std::uint64_t x : v) ++count[((x >> shift) & 0xFF) + 1];
        for (int i = 0; i < 256; ++i) count[i + 1] += count[i];
        for (std::uint64_t x : v) tmp[count[(x >> shift) & 0xFF]++] = x;
        v.swap(tmp);
    }
}

class HashSet {
public:
    /// Inserts; false when the hash was there already.
    bool insert(std::uint64_t h)
    {
        if (h == 0) h = 1;  // 0 marks an empty slot
        if ((_size + 1) * 2 > _slots.size()) grow();
        std::size_t mask = _slots.size() - 1;
        for (std::size_t i = static_cast<std::size_t>((h * 0x9E3779B97F4A7C15ull) >> _shift);; i = (i + 1) & mask) {
            if (_slots[i] == h) return false;
            if (_slots[i] == 0) {
                _slots[i] = h;
                ++_size;
                return true;
            }
        }
    }

    /// Forgets everything and gives the memory back.
    void release()
    {
        std::vector<std::uint64_t>().swap(_slots);
        _size = 0;
        _shift = 64;
    }

private:
    void grow()
    {
        std::vector<std::uint64_t> old = std::move(_slots);
        _slots.assign(old.empty() ? 1024 : old.size() * 2, 0);
        _shift = 64;
        for (std::size_t n = _slots.size(); n > 1; n >>= 1) --_shift;  // top bits of the product index the table
        _size = 0;
        for (std::uint64_t h : old)
            if (h) insert(h);
    }
    std::vector<std::uint64_t> _slots;
    std::size_t _size = 0;
    unsigned _shift = 64;
};

/// Collects tolerated deviations, one diagnostic per code with its count.
struct Quirks {
    struct Item {
        std::size_t count = 0;
        std::string message;
        std::string entity;
    };
    std::map<std::string, Item> items;
    void add(const std::string& code, const std::string& message, const std::string& entity = {})
    {
        Item& it = items[code];
        if (it.count++ == 0) {
            it.message = message;
            it.entity = entity;
        }
    }
};

enum class Ctx {
    Root, Container, User, Code, Variable, Case, Source, PdfRep, SelRep, Excerpt, Transcript, SyncPoint,
    Coding, Note, Set, VarValue, Value, TextCap, Ref, Capture, Ignore
};

struct Frame {
    std::string name;
    Ctx ctx = Ctx::Ignore;
    std::size_t idx = 0;   // entity index (theme, case, source, excerpt, memo, set, attribute, user)
    std::size_t idx2 = 0;  // transcript index inside a source, coding index inside an excerpt
    std::string ownerId;   // id of the entity a Description/NoteRef here belongs to
    std::size_t pending = SIZE_MAX;  // index into _texts of a source, Representation or Transcript
};

/// The open elements. A popped frame keeps its storage for the next element
/// at its depth, so the strings of a frame (its name, the owner's id) are
/// assigned into capacity they already have instead of allocated per element.
class FrameStack {
public:
    bool empty() const { return _size == 0; }
    std::size_t size() const { return _size; }
    Frame& back() { return _frames[_size - 1]; }
    const Frame* begin() const { return _frames.data(); }
    const Frame* end() const { return _frames.data() + _size; }
    /// The frame the next element fills (not open until push()); any reference
    /// into the stack taken before this call may be invalidated by it.
    Frame& next()
    {
        if (_size == _frames.size()) _frames.emplace_back();
        Frame& f = _frames[_size];
        f.ctx = Ctx::Ignore;
        f.idx = f.idx2 = 0;
        f.pending = SIZE_MAX;
        f.name.clear();
        f.ownerId.clear();
        return f;
    }
    /// Opens the frame next() gave.
    void push() { ++_size; }
    void pop() { --_size; }

private:
    std::vector<Frame> _frames;
    std::size_t _size = 0;
};

struct PendingText {
    std::size_t source = 0;
    std::size_t transcript = SIZE_MAX;  // SIZE_MAX = the source itself
    std::string plainTextPath, richTextPath, path, currentPath;
    std::string inlineText;
    bool hasInline = false;
};

struct PendingNote {
    std::size_t memo = 0;
    std::string plainTextPath, richTextPath;
};

struct RawSpan {
    std::size_t excerpt = 0;
    std::int64_t start = 0, end = 0;
};

/// A selection whose position could not be read: skipped when the contents are resolved.
struct BadPosition {
    std::size_t excerpt = 0;
    std::string id;
    std::string why;
};

class Reader final : public XmlHandler {
public:
    /// With `deferDuplicates`, ids are not checked for duplicates while parsing:
    /// their hashes are kept in document order and compared once after the parse,
    /// and run() throws DuplicateIds when two are equal (the caller then reads
    /// again without deferring, which handles duplicates as they come).
    Reader(const Input& in, const ReadOptions& o, Diagnostics& d, bool deferDuplicates)
        : _in(in), _opts(o), _sink(d), _deferDuplicates(deferDuplicates)
    {
        if (_deferDuplicates) {  // parse-time diagnostics wait until the ids are known to be distinct
            _parseDiag.setStrict(d.strict());
            _parseDiag.setPerCodeLimit(0);
            _diag = &_parseDiag;
        }
    }

    Project run();

    void startElement(std::string_view ns, std::string_view local, const XmlAttributes& a) override;
    void endElement(std::string_view ns, std::string_view local) override;
    void characters(std::string_view t) override;

private:
    // identifiers
    /// `id` as tok() gives it (trimmed); returns the id the entity gets.
    std::string claim(std::string id, const char* what, Extensions& ext);
    /// Ids as read -> the id of the entity, looked up as normalizeId() compares (braces, case).
    using IdTable = std::unordered_map<std::string, std::string, IdHash, IdEqual>;
    /// `in` names the element holding the reference, for the message of a dangling one.
    std::string resolve(const IdTable& m, const std::string& raw, const char* what, const std::string& in = {});
    void remember(IdTable& m, const std::string& id) { m.emplace(id, id); }
    /// Resolves, while parsing, a reference of a selection or coding to a user or
    /// code read before it (REFI writes Users and the CodeBook before the Sources),
    /// while its text is still in cache; resolveReferences() then need not walk
    /// every coding again. Sets `pending` when it cannot (a dangling or forward
    /// reference), and resolveReferences() resolves (or reports) as before.
    void resolveNow(const IdTable& m, std::string& id, bool& pending)
    {
        if (id.empty() || pending) return;
        auto it = m.find(id);
        if (it == m.end()) pending = true;
        else if (it->second != id) id.assign(it->second);
    }
    Audit audit(const XmlAttributes& a);
    /// A user reference attribute, or the first of its aliases (kUserAliases) that is there.
    std::string userAttr(const XmlAttributes& a, const char* standard, bool project = false);
    void checkDate(const std::string& d);
    void extraAttributes(std::string_view element, const XmlAttributes& a, Extensions* ext);
    Extensions& extOf(const Frame& f);
    void startCapture(std::string_view local, const XmlAttributes& a, Json* target, bool array);
    /// Reports the attributes of a project's <CodeBook> (it has none in the schema) as dropped.
    void codeBookAttributes(const XmlAttributes& a);

    // post-processing
    void parse(std::istream& in);
    void resolveContents();
    std::string loadText(const ZipReader::Entry& e, const std::string& who);
    const ZipReader::Entry* member(const std::string& path, const std::string& who, bool& external);
    void convertOffsets();
    void resolveReferences();
    void reportQuirks();
    Location where() const { return Location{_in.name(), _member, 0, 0, -1}; }

    const Input& _in;
    ReadOptions _opts;
    Diagnostics& _sink;            // the caller's diagnostics
    Diagnostics _parseDiag;        // deferred: what the parse reported, until the ids are checked
    Diagnostics* _diag = &_sink;   // where diagnostics go now
    /// Deferred: hands what the parse reported to the caller's diagnostics.
    void releaseParseDiagnostics()
    {
        if (_diag == &_sink) return;
        _diag = &_sink;
        for (const Diagnostic& d : _parseDiag.all()) _sink.report(d);
    }
    std::shared_ptr<ZipReader> _zip;
    std::string _member;
    Project _p;
    bool _codebook = false;
    std::string _rootNs;  ///< namespace of the root element; children in another one are a quirk
    Profile _profile = Profile::CodePoints;
    std::string _profileWhy;

    FrameStack _stack;
    std::string _text;
    bool _collect = false;
    // raw capture of elements outside the model
    std::vector<Json> _capStack;
    Json* _capTarget = nullptr;
    std::size_t _capDepth = 0;

    /// True when an entity with this id (normalised) was read before. Hashes
    /// only; a hash hit is confirmed against the model's ids (duplicates are rare).
    bool seen(const std::string& id);
    bool anyIdEquals(const std::string& id) const;
    HashSet _idHashes;
    const bool _deferDuplicates;
    std::vector<std::uint64_t> _claimedHashes;  // deferred: the hash of every id claimed
    /// Deferred: whether two claimed ids hash alike (frees the hashes).
    bool anyEqualClaimedHashes();
    bool _themeRefsPending = false;  // some coding's CodeRef was not resolved while parsing
    bool _userRefsPending = false;   // some selection's or coding's user was not
    IdTable _themes, _sources, _excerpts, _memos, _attrs, _users, _transcripts, _syncs, _cases, _sets;
    std::size_t _anon = 0;

    std::vector<PendingText> _texts;
    std::vector<PendingNote> _notes;
    std::vector<RawSpan> _spans;
    std::vector<BadPosition> _badPositions;
    std::vector<std::pair<std::string, std::string>> _noteRefs;  // (owner id or "" for project, note guid)
    std::vector<std::pair<std::string, std::string>> _links;     // (origin, target)
    Quirks _q;
    bool _sourcesFolderCaseReported = false;
    std::size_t _emptyDescriptions = 0;
    bool _floatingDates = false;
    std::size_t _unverified = 0;
    // current VariableValue
    AttributeValue _value;
    bool _valueSeen = false;
    std::string _valueElement;  // TextValue, FloatValue, ... of the VariableValue being read
    bool _inSelections = false;  // a PlainTextSelection of Quackdas' <Selections>: its sourceGUID is read
    std::unordered_map<std::string, std::size_t> _sourceIndex;  // source id -> index, for <Selections>
};

// ---------------------------------------------------------------------------------------------

std::string Reader::claim(std::string id, const char* what, Extensions& ext)
{
    if (id.empty()) {
        _q.add("quirk.missing-guid", std::string("a ") + what + " without a guid got a derived id");
        id = derivedUuid(std::string("missing:") + what + ":" + std::to_string(++_anon));
    } else if (!isGuid(id)) {
        _q.add("quirk.guid-invalid", std::string("a ") + what + " guid is not a GUID: '" + id + "' (kept as read)", id);
    }
    if (seen(id)) {
        std::string norm = normalizeId(id);
        std::string derived;
        for (int n = 2;; ++n) {
            derived = derivedUuid("duplicate:" + norm + ":" + std::to_string(n));
            if (!seen(derived)) break;
        }
        _q.add("quirk.duplicate-guid",
               std::string("a ") + what + " reuses the guid " + id + "; read as a distinct entity with id " + derived +
                   " (original kept in ext refi:guid)",
               id);
        ext[key::kGuid] = Json(id);
        return derived;
    }
    return id;
}

bool Reader::seen(const std::string& id)
{
    std::uint64_t h = IdHash{}(id);
    if (_deferDuplicates) {  // sequential appends instead of random probes of a table of millions
        _claimedHashes.push_back(h);
        return false;
    }
    if (_idHashes.insert(h)) return false;
    return anyIdEquals(id);
}

bool Reader::anyEqualClaimedHashes()
{
    std::vector<std::uint64_t> h = std::move(_claimedHashes);
    _claimedHashes = {};
    radixSort(h);
    return std::adjacent_find(h.begin(), h.end()) != h.end();
}

bool Reader::anyIdEquals(const std::string& id) const
{
    auto eq = [&](const std::string& x) { return IdEqual{}(x, id); };
    for (const auto& u : _p.users) if (eq(u.id)) return true;
    for (const auto& t : _p.themes) if (eq(t.id)) return true;
    for (const auto& a : _p.attributes) if (eq(a.id)) return true;
    for (const auto& c : _p.cases) if (eq(c.id)) return true;
    for (const auto& s : _p.sources) {
        if (eq(s.id)) return true;
        for (const auto& t : s.transcripts) {
            if (eq(t.id)) return true;
            for (const auto& sp : t.syncPoints) if (eq(sp.id)) return true;
        }
    }
    for (const auto& e : _p.excerpts) {
        if (eq(e.id)) return true;
        for (const auto& c : e.codings) if (eq(c.id)) return true;
    }
    for (const auto& m : _p.memos) if (eq(m.id)) return true;
    for (const auto& s : _p.sets) if (eq(s.id)) return true;
    return false;
}

std::string Reader::resolve(const IdTable& m, const std::string& raw, const char* what, const std::string& in)
{
    auto it = m.find(raw);
    if (it != m.end()) return it->second;
    std::string id = trim(raw);
    _q.add("quirk.dangling-reference",
           std::string("a reference to a ") + what + " names no such element: " + id + (in.empty() ? "" : " (in " + in + ")"), id);
    return id;
}

void Reader::checkDate(const std::string& d)
{
    if (d.empty() || _floatingDates) return;
    auto t = d.find('T');
    if (t == std::string::npos) return;
    std::string_view time = std::string_view(d).substr(t + 1);
    if (time.find('Z') == std::string_view::npos && time.find('+') == std::string_view::npos && time.find('-') == std::string_view::npos) {
        _floatingDates = true;
        _diag->info("refi.date-floating", "date-times without a time zone (e.g. " + d + ") are kept as floating local times",
                   {}, where());
    }
}

namespace {

/// Other names real tools give the user attributes: OpenQDA writes creatingUserId (on the
/// Project and the sources) where the schema has creatingUser / creatingUserGUID; Quackdas
/// writes the Project's creatingUserGUID on its sources and notes. In the order they are tried.
struct UserAlias {
    const char* alias;
    const char* standard;  // on the elements with an audit
    const char* project;   // on the Project, or nullptr
};
constexpr UserAlias kUserAliases[] = {
    {"creatingUserId", "creatingUser", "creatingUserGUID"},
    {"modifyingUserId", "modifyingUser", "modifyingUserGUID"},
    {"creatingUserGUID", "creatingUser", nullptr},
    {"modifyingUserGUID", "modifyingUser", nullptr},
};

/// The alias read for `standard` on this element (none when the standard attribute is there).
const char* aliasRead(const XmlAttributes& a, std::string_view standard, bool project)
{
    if (has(a, std::string(standard).c_str())) return nullptr;
    for (const UserAlias& u : kUserAliases) {
        const char* st = project ? u.project : u.standard;
        if (st && standard == st && has(a, u.alias)) return u.alias;
    }
    return nullptr;
}

} // namespace

std::string Reader::userAttr(const XmlAttributes& a, const char* standard, bool project)
{
    if (has(a, standard)) return tok(a, standard);
    const char* alias = aliasRead(a, standard, project);
    if (!alias) return {};
    _q.add("quirk.attribute-alias", "attribute '" + std::string(alias) + "' read as '" + standard + "'");
    return tok(a, alias);
}

Audit Reader::audit(const XmlAttributes& a)
{
    Audit au;
    au.creator = userAttr(a, "creatingUser");
    au.created = tok(a, "creationDateTime");
    au.modifier = userAttr(a, "modifyingUser");
    au.modified = tok(a, "modifiedDateTime");
    checkDate(au.created);
    checkDate(au.modified);
    return au;
}

void Reader::extraAttributes(std::string_view element, const XmlAttributes& a, Extensions* ext)
{
    // Called for every element: one hash of the element name, then a few
    // comparisons of short names (ordered sets cost a comparison per tree level).
    using Names = std::vector<std::string_view>;
    static const Names auditA{"creatingUser", "creationDateTime", "modifyingUser", "modifiedDateTime"};
    static const std::unordered_map<std::string_view, Names> known{
        {"Project", {"name", "origin", "creatingUserGUID", "creationDateTime", "modifyingUserGUID", "modifiedDateTime",
                     "basePath", "schemaLocation", "noNamespaceSchemaLocation"}},
        {"CodeBook", {"origin", "schemaLocation", "noNamespaceSchemaLocation"}},
        {"User", {"guid", "name", "id"}},
        {"Code", {"guid", "name", "isCodable", "color"}},
        {"Variable", {"guid", "name", "typeOfVariable"}},
        {"Case", {"guid", "name"}},
        {"TextSource", {"guid", "name", "richTextPath", "plainTextPath"}},
        {"Transcript", {"guid", "name", "richTextPath", "plainTextPath"}},
        {"Note", {"guid", "name", "richTextPath", "plainTextPath"}},
        {"Representation", {"guid", "name", "richTextPath", "plainTextPath"}},
        {"PictureSource", {"guid", "name", "path", "currentPath"}},
        {"PDFSource", {"guid", "name", "path", "currentPath"}},
        {"AudioSource", {"guid", "name", "path", "currentPath"}},
        {"VideoSource", {"guid", "name", "path", "currentPath"}},
        {"PlainTextSelection", {"guid", "name", "startPosition", "endPosition"}},
        {"PictureSelection", {"guid", "name", "firstX", "firstY", "secondX", "secondY"}},
        {"PDFSelection", {"guid", "name", "page", "firstX", "firstY", "secondX", "secondY"}},
        {"AudioSelection", {"guid", "name", "begin", "end"}},
        {"VideoSelection", {"guid", "name", "begin", "end"}},
        {"TranscriptSelection", {"guid", "name", "fromSyncPoint", "toSyncPoint"}},
        {"SyncPoint", {"guid", "timeStamp", "position"}},
        {"Coding", {"guid", "creatingUser", "creationDateTime"}},
        {"Set", {"guid", "name"}},
    };
    auto k = known.find(element);
    if (k == known.end()) return;
    bool withAudit = element != "Project" && element != "CodeBook" && element != "User" && element != "Code" &&
                     element != "Variable" && element != "Case" && element != "SyncPoint" && element != "Coding" &&
                     element != "Set";
    for (std::size_t i = 0; i < a.size(); ++i) {
        std::string_view nv = a.name(i);
        auto in = [nv](const Names& names) { return std::find(names.begin(), names.end(), nv) != names.end(); };
        if (in(k->second) || (withAudit && in(auditA))) continue;
        if ((nv == "codeGUID" && element == "Coding") || (nv == "sourceGUID" && _inSelections)) continue;  // read as references
        if (withAudit || element == "Project") {  // an alias userAttr() read as the creator or modifier
            bool project = element == "Project";
            bool read = false;
            for (const UserAlias& u : kUserAliases) {
                const char* st = project ? u.project : u.standard;
                if (st && nv == u.alias) read = read || aliasRead(a, st, project) == u.alias;
            }
            if (read) continue;
        }
        std::string n(nv);
        if (ext) {
            Json& bag = (*ext)[key::kAttributes];
            bag.set(n, Json(std::string(a.value(i))));
            _q.add("quirk.unknown-attribute",
                   "attribute '" + n + "' is not allowed on <" + std::string(element) + "> (kept in ext refi:attributes)");
        } else {
            _q.add("quirk.unknown-attribute-dropped",
                   "attribute '" + n + "' is not allowed on <" + std::string(element) + "> and was dropped");
        }
    }
}

Extensions& Reader::extOf(const Frame& f)
{
    switch (f.ctx) {
    case Ctx::User: return _p.users[f.idx].ext;
    case Ctx::Code: return _p.themes[f.idx].ext;
    case Ctx::Variable: return _p.attributes[f.idx].ext;
    case Ctx::Case: return _p.cases[f.idx].ext;
    case Ctx::Source:
    case Ctx::PdfRep: return _p.sources[f.idx].ext;
    case Ctx::Transcript: return _p.sources[f.idx].transcripts[f.idx2].ext;
    case Ctx::SyncPoint: return _p.sources[f.idx].transcripts[f.idx2].syncPoints.back().ext;
    case Ctx::Excerpt:
    case Ctx::SelRep: return _p.excerpts[f.idx].ext;
    case Ctx::Coding: return _p.excerpts[f.idx].codings[f.idx2].ext;
    case Ctx::Note: return _p.memos[f.idx].ext;
    case Ctx::Set: return _p.sets[f.idx].ext;
    default: break;
    }
    // the nearest entity below
    for (auto it = std::make_reverse_iterator(_stack.end()); it != std::make_reverse_iterator(_stack.begin()); ++it)
        if (&*it != &f && it->ctx != Ctx::Container && it->ctx != Ctx::Root && it->ctx != Ctx::Ignore &&
            it->ctx != Ctx::TextCap && it->ctx != Ctx::Ref && it->ctx != Ctx::Capture && it->ctx != Ctx::VarValue &&
            it->ctx != Ctx::Value)
            return extOf(*it);
    return _p.ext;
}

void Reader::codeBookAttributes(const XmlAttributes& a)
{
    // The project's <CodeBook> has no attributes, and no entity to keep them: a .qdc root pasted
    // in keeps its origin here, OpenQDA a name, description and dates.
    for (std::size_t i = 0; i < a.size(); ++i) {
        std::string_view n = a.name(i);
        if (n == "schemaLocation" || n == "noNamespaceSchemaLocation") continue;
        _q.add("quirk.unknown-attribute-dropped", "attribute '" + std::string(n) + "' (\"" + std::string(a.value(i)) +
                                                      "\") is not allowed on the project's <CodeBook> and was dropped");
    }
}

void Reader::startCapture(std::string_view local, const XmlAttributes& a, Json* target, bool array)
{
    Json node = Json::object();
    node.set("element", Json(std::string(local)));
    if (a.size()) {
        Json attrs = Json::object();
        for (std::size_t i = 0; i < a.size(); ++i) attrs.set(std::string(a.name(i)), Json(std::string(a.value(i))));
        node.set("attributes", attrs);
    }
    _capStack.clear();
    _capStack.push_back(std::move(node));
    _capTarget = target;
    _capDepth = 1;
    if (!array && target && !target->isArray()) *target = Json::array();
    _collect = true;
    _text.clear();
}

void Reader::startElement(std::string_view ns, std::string_view local, const XmlAttributes& a)
{
    if (_capDepth > 0) {  // inside a raw capture
        Json node = Json::object();
        node.set("element", Json(std::string(local)));
        if (a.size()) {
            Json attrs = Json::object();
            for (std::size_t i = 0; i < a.size(); ++i) attrs.set(std::string(a.name(i)), Json(std::string(a.value(i))));
            node.set("attributes", attrs);
        }
        if (!trim(_text).empty()) _capStack.back().set("text", Json(_text));
        _text.clear();
        _capStack.push_back(std::move(node));
        ++_capDepth;
        return;
    }

    Frame& f = _stack.next();  // first: it may move the frames below
    f.name.assign(local);
    const Frame* parent = _stack.empty() ? nullptr : &_stack.back();
    const Ctx pc = parent ? parent->ctx : Ctx::Root;
    static const std::string kNoName;
    const std::string& pn = parent ? parent->name : kNoName;
    if (parent) f.ownerId = parent->ownerId;
    _collect = false;

    auto unknown = [&]() {
        Extensions& ext = parent ? extOf(*parent) : _p.ext;
        Json& bag = ext[key::kUnknown];
        if (!bag.isArray()) bag = Json::array();
        _q.add("quirk.unknown-element", "element <" + f.name + "> inside <" + pn + "> is not in the schema (kept in ext refi:unknown)");
        startCapture(local, a, &bag, true);
        f.ctx = Ctx::Capture;
    };

    if (!parent) {
        std::string nsS(ns);
        if (local == "Project" || local == "CodeBook") {
            _codebook = local == "CodeBook";
            const char* expect = _codebook ? "urn:QDA-XML:codebook:1.0" : "urn:QDA-XML:project:1.0";
            if (nsS != expect) {
                if (nsS.rfind("urn:QDA-XML:", 0) == 0)
                    _q.add("quirk.namespace", "root namespace '" + nsS + "' is not " + expect + "; read as 1.0");
                else
                    _q.add("quirk.namespace", "root element <" + f.name + "> is not in the namespace " + expect +
                                                  " (found '" + nsS + "'); read as 1.0");
            }
            f.ctx = Ctx::Root;
            f.ownerId.clear();
            _rootNs = nsS;
            if (_codebook) {
                _p.origin = attr(a, "origin");
            } else {
                _p.name = attr(a, "name");
                if (!has(a, "name")) _q.add("quirk.project-name-missing", "the Project has no name attribute");
                _p.origin = attr(a, "origin");
                _p.basePath = attr(a, "basePath");
                _p.audit.creator = userAttr(a, "creatingUserGUID", true);
                _p.audit.created = tok(a, "creationDateTime");
                _p.audit.modifier = userAttr(a, "modifyingUserGUID", true);
                _p.audit.modified = tok(a, "modifiedDateTime");
                checkDate(_p.audit.created);
                checkDate(_p.audit.modified);
            }
            extraAttributes(local, a, &_p.ext);
            if (_codebook && _p.origin.rfind("qdx ", 0) == 0) {
                auto w = _p.origin.find("; was: ");
                _p.origin = w == std::string::npos ? std::string() : _p.origin.substr(w + 7);
            }
            // Files we wrote ourselves carry the target profile and the original origin.
            std::string o = _p.origin;
            if (o.rfind("qdx ", 0) == 0) {
                auto t = o.find("target=");
                std::string target = t == std::string::npos ? "standard" : o.substr(t + 7, o.find_first_of(" ;", t + 7) - (t + 7));
                _profile = target == "nvivo" ? Profile::Utf16 : target == "atlasti" ? Profile::CrlfOnce : Profile::CodePoints;
                auto w = o.find("; was: ");
                _p.origin = w == std::string::npos ? std::string() : o.substr(w + 7);
                _profileWhy = "written by qdx for target " + target;
            } else {
                _profile = profileFromOrigin(_p.origin);
                _profileWhy = "origin '" + _p.origin + "'";
            }
        } else {
            throw InputError(where(), "root element <" + f.name + "> is neither a REFI-QDA Project nor a CodeBook");
        }
        _stack.push();
        return;
    }

    // A part written in another namespace (a tool that pastes a MAXQDA .qdc, namespace
    // codebook:0:4, into a project as its <CodeBook>) is read by local names, and said.
    if (ns != _rootNs)
        _q.add("quirk.namespace", "element <" + f.name + "> inside <" + pn + "> is in the namespace '" +
                                      std::string(ns) + "', not the document's '" + _rootNs + "'; read as part of it");

    // Text-carrying leaves
    if (local == "Description" || local == "PlainTextContent") {
        f.ctx = Ctx::TextCap;
        _collect = true;
        _text.clear();
        _stack.push();
        return;
    }

    switch (pc) {
    case Ctx::Root:
        if (_codebook) {
            if (local == "Codes" || local == "Sets") f.ctx = Ctx::Container;
            else unknown();
        } else if (local != "CodeBook" && text::asciiLower(std::string(local)) == "codebook") {
            // OpenQDA's early exports: <Codebook>, after the Sources, its Codes without <Codes>
            _q.add("quirk.element-case", "element <" + f.name + "> read as <CodeBook>");
            f.name = "CodeBook";
            f.ctx = Ctx::Container;
            codeBookAttributes(a);
        } else if (local == "Users" || local == "CodeBook" || local == "Variables" || local == "Cases" ||
                   local == "Sources" || local == "Notes" || local == "Sets") {
            f.ctx = Ctx::Container;
            if (local == "CodeBook") codeBookAttributes(a);
        } else if (local == "Links" || local == "Graphs") {
            Json& bag = _p.ext[local == "Links" ? key::kLinks : key::kGraphs];
            if (!bag.isArray()) bag = Json::array();
            f.ctx = Ctx::Container;
        } else if (local == "NoteRef") {
            _noteRefs.emplace_back(std::string(), tok(a, "targetGUID"));
            f.ctx = Ctx::Ref;
        } else if (local == "Selections") {
            // Quackdas writes its PlainTextSelections in a <Selections> of the Project, each naming
            // its source by a sourceGUID and its code by a Coding's codeGUID
            _q.add("quirk.selections-element",
                   "PlainTextSelections are gathered in a <Selections> of the Project, with a sourceGUID (read as selections of that source)");
            f.ctx = Ctx::Container;
        } else {
            unknown();
        }
        break;
    case Ctx::Container:
        if (pn == "Selections" && local == "PlainTextSelection") {
            auto sid = _sources.find(tok(a, "sourceGUID"));
            if (_sourceIndex.size() != _p.sources.size()) {  // built once: the Sources come first
                _sourceIndex.clear();
                for (std::size_t i = 0; i < _p.sources.size(); ++i) _sourceIndex.emplace(_p.sources[i].id, i);
            }
            auto sx = sid == _sources.end() ? _sourceIndex.end() : _sourceIndex.find(sid->second);
            std::size_t si = sx == _sourceIndex.end() ? _p.sources.size() : sx->second;
            if (sid == _sources.end() || si == _p.sources.size() || _p.sources[si].kind != SourceKind::Text) {
                _q.add("quirk.dangling-reference", "a PlainTextSelection of <Selections> names no text source: " + tok(a, "sourceGUID") +
                                                       " (kept raw in ext refi:unknown)", tok(a, "guid"));
                unknown();  // no text source of that guid (the Sources come first)
                break;
            }
            Excerpt e;
            e.id = claim(tok(a, "guid"), "PlainTextSelection", e.ext);
            e.source = _p.sources[si].id;
            e.name = attr(a, "name");
            e.audit = audit(a);
            resolveNow(_users, e.audit.creator, _userRefsPending);
            resolveNow(_users, e.audit.modifier, _userRefsPending);
            _inSelections = true;
            extraAttributes(local, a, &e.ext);
            _inSelections = false;
            auto st = parseInt(attr(a, "startPosition")), en = parseInt(attr(a, "endPosition"));
            f.ctx = Ctx::Excerpt;
            f.idx = _p.excerpts.size();
            f.ownerId = e.id;
            e.anchor = TextSpan{st.value_or(0), en.value_or(0)};
            if (st && en) _spans.push_back(RawSpan{f.idx, *st, *en});
            else
                _badPositions.push_back(BadPosition{f.idx, e.id, std::string("attribute ") + (st ? "endPosition" : "startPosition") +
                                                                    " of <PlainTextSelection> is missing or not an integer"});
            _p.excerpts.push_back(std::move(e));
        } else if (pn == "Users" && local == "User") {
            User u;
            u.id = claim(tok(a, "guid"), "User", u.ext);
            u.name = attr(a, "name");
            if (has(a, "id")) u.ext[key::kUserId] = Json(attr(a, "id"));
            extraAttributes(local, a, &u.ext);
            remember(_users, u.id);
            f.ctx = Ctx::User;
            f.idx = _p.users.size();
            f.ownerId = u.id;
            _p.users.push_back(std::move(u));
        } else if (pn == "CodeBook" && local == "Codes") {
            f.ctx = Ctx::Container;
        } else if (pn == "Codes" && local == "Code") {
            goto code;
        } else if (pn == "CodeBook" && local == "Code") {
            _q.add("quirk.codes-element-missing", "<Code> directly inside <CodeBook>, without <Codes> (read as if there)");
            goto code;
        } else if (pn == "Variables" && local == "Variable") {
            Attribute v;
            v.id = claim(tok(a, "guid"), "Variable", v.ext);
            v.name = attr(a, "name");
            std::string t = tok(a, "typeOfVariable");
            auto ty = attributeTypeFromString(text::asciiLower(t));
            if (!ty) {
                _q.add("quirk.variable-type", "typeOfVariable '" + t + "' is not a REFI type; read as Text", v.id);
                ty = AttributeType::Text;
            }
            v.type = *ty;
            extraAttributes(local, a, &v.ext);
            remember(_attrs, v.id);
            f.ctx = Ctx::Variable;
            f.idx = _p.attributes.size();
            f.ownerId = v.id;
            _p.attributes.push_back(std::move(v));
        } else if (pn == "Cases" && local == "Case") {
            Case c;
            c.id = claim(tok(a, "guid"), "Case", c.ext);
            c.name = attr(a, "name");
            extraAttributes(local, a, &c.ext);
            remember(_cases, c.id);
            f.ctx = Ctx::Case;
            f.idx = _p.cases.size();
            f.ownerId = c.id;
            _p.cases.push_back(std::move(c));
        } else if (pn == "Sources" && (local == "TextSource" || local == "PDFSource" || local == "PictureSource" ||
                                       local == "AudioSource" || local == "VideoSource")) {
            Source s;
            s.id = claim(tok(a, "guid"), "source", s.ext);
            s.name = attr(a, "name");
            s.kind = local == "TextSource"      ? SourceKind::Text
                     : local == "PDFSource"     ? SourceKind::Pdf
                     : local == "PictureSource" ? SourceKind::Picture
                     : local == "AudioSource"   ? SourceKind::Audio
                                                : SourceKind::Video;
            s.audit = audit(a);
            extraAttributes(local, a, &s.ext);
            PendingText pt;
            pt.source = _p.sources.size();
            pt.plainTextPath = tok(a, "plainTextPath");
            pt.richTextPath = tok(a, "richTextPath");
            pt.path = tok(a, "path");
            pt.currentPath = tok(a, "currentPath");
            if (!pt.currentPath.empty()) s.ext[key::kCurrentPath] = Json(pt.currentPath);
            s.path = !pt.path.empty() ? pt.path : !pt.richTextPath.empty() ? pt.richTextPath : pt.plainTextPath;
            f.pending = _texts.size();
            _texts.push_back(std::move(pt));
            remember(_sources, s.id);
            f.ctx = Ctx::Source;
            f.idx = _p.sources.size();
            f.ownerId = s.id;
            _p.sources.push_back(std::move(s));
        } else if (pn == "Notes" && local == "Note") {
            Memo m;
            m.id = claim(tok(a, "guid"), "Note", m.ext);
            m.name = attr(a, "name");
            m.audit = audit(a);
            extraAttributes(local, a, &m.ext);
            _notes.push_back(PendingNote{_p.memos.size(), tok(a, "plainTextPath"), tok(a, "richTextPath")});
            remember(_memos, m.id);
            f.ctx = Ctx::Note;
            f.idx = _p.memos.size();
            f.ownerId = m.id;
            _p.memos.push_back(std::move(m));
        } else if (pn == "Sets" && local == "Set") {
            Set s;
            s.id = claim(tok(a, "guid"), "Set", s.ext);
            s.name = attr(a, "name");
            extraAttributes(local, a, &s.ext);
            remember(_sets, s.id);
            f.ctx = Ctx::Set;
            f.idx = _p.sets.size();
            f.ownerId = s.id;
            _p.sets.push_back(std::move(s));
        } else if (pn == "Links" && local == "Link") {
            _links.emplace_back(tok(a, "originGUID"), tok(a, "targetGUID"));
            startCapture(local, a, &_p.ext[key::kLinks], true);
            f.ctx = Ctx::Capture;
        } else if (pn == "Graphs" && local == "Graph") {
            startCapture(local, a, &_p.ext[key::kGraphs], true);
            f.ctx = Ctx::Capture;
        } else {
            unknown();
        }
        break;
    case Ctx::Code:
        if (local == "Code") goto code;
        if (local == "NoteRef") {
            _noteRefs.emplace_back(f.ownerId, tok(a, "targetGUID"));
            f.ctx = Ctx::Ref;
        } else {
            unknown();
        }
        break;
    case Ctx::Case:
        if (local == "CodeRef") {
            _p.cases[parent->idx].themes.push_back(tok(a, "targetGUID"));
            f.ctx = Ctx::Ref;
        } else if (local == "SourceRef") {
            _p.cases[parent->idx].sources.push_back(tok(a, "targetGUID"));
            f.ctx = Ctx::Ref;
        } else if (local == "SelectionRef") {
            _p.cases[parent->idx].excerpts.push_back(tok(a, "targetGUID"));
            f.ctx = Ctx::Ref;
        } else if (local == "VariableValue") {
            f.ctx = Ctx::VarValue;
            f.idx = parent->idx;
            _value = AttributeValue{};
            _valueSeen = false;
        } else {
            unknown();
        }
        break;
    case Ctx::VarValue:
        if (local == "VariableRef") {
            _value.attribute = tok(a, "targetGUID");
            f.ctx = Ctx::Ref;
        } else if (local == "TextValue" || local == "BooleanValue" || local == "IntegerValue" || local == "FloatValue" ||
                   local == "DateValue" || local == "DateTimeValue") {
            f.ctx = Ctx::Value;
            _collect = true;
            _text.clear();
        } else {
            unknown();
        }
        break;
    case Ctx::Source:
    case Ctx::PdfRep:
    case Ctx::Transcript: {
        Source& src = _p.sources[parent->idx];
        auto newExcerpt = [&](const char* what) {
            Excerpt e;
            e.id = claim(tok(a, "guid"), what, e.ext);
            e.source = src.id;
            e.name = attr(a, "name");
            e.audit = audit(a);
            resolveNow(_users, e.audit.creator, _userRefsPending);
            resolveNow(_users, e.audit.modifier, _userRefsPending);
            extraAttributes(local, a, &e.ext);
            f.ctx = Ctx::Excerpt;
            f.idx = _p.excerpts.size();
            f.ownerId = e.id;
            _p.excerpts.push_back(std::move(e));
            return &_p.excerpts.back();
        };
        // A position that is missing or not an integer makes no span: the selection is skipped
        // (reported once the reading is done), never placed at an invented 0.
        std::string badPosition;
        auto coord = [&](const char* n) {
            auto v = parseInt(attr(a, n));
            if (!v) {
                if (badPosition.empty())
                    badPosition = std::string("attribute ") + n + " of <" + std::string(local) + "> is " +
                                  (has(a, n) ? "not an integer: '" + attr(a, n) + "'" : std::string("missing"));
                return std::int64_t(0);
            }
            return *v;
        };
        auto skipIfBad = [&](const Excerpt& e) {
            if (!badPosition.empty()) _badPositions.push_back(BadPosition{f.idx, e.id, badPosition});
            return !badPosition.empty();
        };
        if (local == "PlainTextSelection" && (pc == Ctx::PdfRep || src.kind == SourceKind::Text) && pc != Ctx::Transcript) {
            Excerpt* e = newExcerpt("PlainTextSelection");
            std::int64_t s = coord("startPosition"), en = coord("endPosition");
            e->anchor = TextSpan{s, en};
            if (!skipIfBad(*e)) _spans.push_back(RawSpan{f.idx, s, en});
        } else if (local == "PDFSelection" && src.kind == SourceKind::Pdf && pc == Ctx::Source) {
            Excerpt* e = newExcerpt("PDFSelection");
            e->anchor = PdfRegion{coord("page"), coord("firstX"), coord("firstY"), coord("secondX"), coord("secondY")};
            skipIfBad(*e);
        } else if (local == "PictureSelection" && src.kind == SourceKind::Picture && pc == Ctx::Source) {
            Excerpt* e = newExcerpt("PictureSelection");
            ImageRegion r{coord("firstX"), coord("firstY"), coord("secondX"), coord("secondY")};
            if (skipIfBad(*e)) {
            } else if (r.x1 > r.x2 || r.y1 > r.y2)
                _q.add("quirk.inverted-rectangle", "a PictureSelection has its corners swapped (kept as read)", e->id);
            e->anchor = r;
        } else if ((local == "AudioSelection" || local == "VideoSelection") && pc == Ctx::Source &&
                   (src.kind == SourceKind::Audio || src.kind == SourceKind::Video)) {
            Excerpt* e = newExcerpt(local == "AudioSelection" ? "AudioSelection" : "VideoSelection");
            TimeSpan t{coord("begin"), coord("end")};
            if (skipIfBad(*e)) {
            } else if (t.begin == t.end) _q.add("quirk.zero-length-selection", "a media selection has begin == end (kept)", e->id);
            e->anchor = t;
        } else if (local == "Transcript" && pc == Ctx::Source &&
                   (src.kind == SourceKind::Audio || src.kind == SourceKind::Video)) {
            Transcript t;
            t.id = claim(tok(a, "guid"), "Transcript", t.ext);
            t.name = attr(a, "name");
            t.audit = audit(a);
            extraAttributes(local, a, &t.ext);
            remember(_transcripts, t.id);
            PendingText pt;
            pt.source = parent->idx;
            pt.transcript = src.transcripts.size();
            pt.plainTextPath = tok(a, "plainTextPath");
            pt.richTextPath = tok(a, "richTextPath");
            f.pending = _texts.size();
            _texts.push_back(std::move(pt));
            f.ctx = Ctx::Transcript;
            f.idx = parent->idx;
            f.idx2 = src.transcripts.size();
            f.ownerId = t.id;
            src.transcripts.push_back(std::move(t));
        } else if (local == "SyncPoint" && pc == Ctx::Transcript) {
            Transcript& t = src.transcripts[parent->idx2];
            SyncPoint sp;
            sp.id = claim(tok(a, "guid"), "SyncPoint", sp.ext);
            for (const char* n : {"timeStamp", "position"})  // both optional; absent reads as 0
                if (has(a, n) && !parseInt(attr(a, n)))
                    _q.add("quirk.bad-number", std::string("attribute ") + n + " of a <SyncPoint> is not an integer: '" + attr(a, n) + "' (read as 0)", sp.id);
            sp.timeMs = parseInt(attr(a, "timeStamp")).value_or(0);
            sp.position = parseInt(attr(a, "position")).value_or(0);
            if (has(a, "position")) sp.ext[key::kRawOffsets] = Json(true);
            remember(_syncs, sp.id);
            t.syncPoints.push_back(std::move(sp));
            extraAttributes(local, a, &t.syncPoints.back().ext);
            f.ctx = Ctx::SyncPoint;
            f.idx = parent->idx;
            f.idx2 = parent->idx2;
        } else if (local == "TranscriptSelection" && pc == Ctx::Transcript) {
            std::string tid = src.transcripts[parent->idx2].id;
            Excerpt* e = newExcerpt("TranscriptSelection");
            e->anchor = TranscriptSpan{tid, tok(a, "fromSyncPoint"), tok(a, "toSyncPoint")};
        } else if (local == "Representation" && pc == Ctx::Source && src.kind == SourceKind::Pdf) {
            Json rep = Json::object();
            rep.set("guid", Json(tok(a, "guid")));
            if (has(a, "name")) rep.set("name", Json(attr(a, "name")));
            Audit au = audit(a);
            if (!au.creator.empty()) rep.set("creatingUser", Json(au.creator));
            if (!au.created.empty()) rep.set("creationDateTime", Json(au.created));
            if (!au.modifier.empty()) rep.set("modifyingUser", Json(au.modifier));
            if (!au.modified.empty()) rep.set("modifiedDateTime", Json(au.modified));
            src.ext[key::kRepresentation] = rep;
            // the Representation's text is the PDF's text
            _texts[parent->pending].plainTextPath = tok(a, "plainTextPath");
            if (!tok(a, "richTextPath").empty())
                _diag->lossy("lossy.representation-rich-text", "the rich text of a PDF Representation (" + tok(a, "richTextPath") + ") is not kept; its plain text is", src.id, {}, where());
            f.pending = parent->pending;
            f.ctx = Ctx::PdfRep;
            f.idx = parent->idx;
        } else if (local == "TextDescription" && pc == Ctx::Source && src.kind == SourceKind::Picture) {
            startCapture(local, a, &src.ext[key::kTextDescription], false);
            f.ctx = Ctx::Capture;
        } else if (local == "Coding" && pc != Ctx::Transcript) {
            // a Coding of the whole source becomes an excerpt with the whole source as anchor
            Excerpt e;
            std::string cg = tok(a, "guid");
            e.id = derivedUuid("source-coding:" + normalizeId(cg.empty() ? src.id + std::to_string(++_anon) : cg));
            seen(e.id);
            e.source = src.id;
            e.anchor = std::monostate{};
            e.ext[key::kSourceCoding] = Json(true);
            Coding c;
            c.id = claim(cg, "Coding", c.ext);
            c.creator = tok(a, "creatingUser");
            resolveNow(_users, c.creator, _userRefsPending);
            c.created = tok(a, "creationDateTime");
            checkDate(c.created);
            e.codings.push_back(std::move(c));
            extraAttributes(local, a, &e.codings.back().ext);
            f.ctx = Ctx::Coding;
            f.idx = _p.excerpts.size();
            f.idx2 = 0;
            f.ownerId = e.codings.back().id;
            _p.excerpts.push_back(std::move(e));
        } else if (local == "NoteRef") {
            _noteRefs.emplace_back(f.ownerId, tok(a, "targetGUID"));
            f.ctx = Ctx::Ref;
        } else if (local == "VariableValue" && pc == Ctx::Source) {
            f.ctx = Ctx::VarValue;
            f.idx = parent->idx;
            _value = AttributeValue{};
            _valueSeen = false;
        } else {
            unknown();
        }
        break;
    }
    case Ctx::Excerpt:
        if (local == "Coding") {
            Excerpt& e = _p.excerpts[parent->idx];
            Coding c;
            c.id = claim(tok(a, "guid"), "Coding", c.ext);
            c.creator = tok(a, "creatingUser");
            resolveNow(_users, c.creator, _userRefsPending);
            c.created = tok(a, "creationDateTime");
            checkDate(c.created);
            if (has(a, "codeGUID")) {  // Quackdas: the code as an attribute, no CodeRef
                _q.add("quirk.attribute-alias", "attribute 'codeGUID' of <Coding> read as its CodeRef");
                c.theme = tok(a, "codeGUID");
                resolveNow(_themes, c.theme, _themeRefsPending);
            }
            extraAttributes(local, a, &c.ext);
            f.ctx = Ctx::Coding;
            f.idx = parent->idx;
            f.idx2 = e.codings.size();
            f.ownerId = c.id;
            e.codings.push_back(std::move(c));
        } else if (local == "NoteRef") {
            _noteRefs.emplace_back(f.ownerId, tok(a, "targetGUID"));
            f.ctx = Ctx::Ref;
        } else if (local == "Representation" && std::holds_alternative<PdfRegion>(_p.excerpts[parent->idx].anchor)) {
            if (has(a, "guid")) _p.excerpts[parent->idx].ext[key::kRepresentationGuid] = Json(tok(a, "guid"));
            f.ctx = Ctx::SelRep;
            f.idx = parent->idx;
        } else {
            unknown();
        }
        break;
    case Ctx::Coding:
        if (local == "CodeRef") {
            Coding& c = _p.excerpts[parent->idx].codings[parent->idx2];
            if (!c.theme.empty()) _q.add("quirk.coding-many-coderefs", "a Coding has more than one CodeRef (the first is kept)", c.id);
            else {
                c.theme = tok(a, "targetGUID");
                resolveNow(_themes, c.theme, _themeRefsPending);
            }
            f.ctx = Ctx::Ref;
        } else if (local == "NoteRef") {
            _noteRefs.emplace_back(f.ownerId, tok(a, "targetGUID"));
            f.ctx = Ctx::Ref;
        } else {
            unknown();
        }
        break;
    case Ctx::Note:
        if (local == "NoteRef") {
            _noteRefs.emplace_back(f.ownerId, tok(a, "targetGUID"));
            f.ctx = Ctx::Ref;
        } else if (local == "PlainTextSelection") {
            Json& bag = _p.memos[parent->idx].ext[key::kNoteSelections];
            _diag->info("refi.note-selection", "a selection inside a Note is kept raw in ext refi:noteSelections", f.ownerId, where());
            startCapture(local, a, &bag, true);
            f.ctx = Ctx::Capture;
        } else {
            unknown();
        }
        break;
    case Ctx::Set:
        if (local == "MemberCode" || local == "MemberSource" || local == "MemberNote") {
            Set& s = _p.sets[parent->idx];
            std::string target = tok(a, "targetGUID");
            if (target.empty() && has(a, "guid")) {
                target = tok(a, "guid");
                if (!(_codebook && local == "MemberCode"))
                    _q.add("quirk.member-guid-attribute", "<" + f.name + " guid=…> instead of targetGUID", s.id);
            } else if (_codebook && local == "MemberCode" && !target.empty()) {
                _q.add("quirk.member-guid-attribute", "codebook <MemberCode targetGUID=…> instead of guid", s.id);
            }
            f.ctx = Ctx::Ref;
            if (target.empty() && local == "MemberNote") {  // Transana: the GUID as text content
                f.ctx = Ctx::Value;
                f.idx = parent->idx;
                _collect = true;
                _text.clear();
            } else if (local == "MemberCode") {
                s.themes.push_back(target);
            } else if (local == "MemberSource") {
                s.sources.push_back(target);
            } else {
                s.memos.push_back(target);
            }
        } else {
            unknown();
        }
        break;
    case Ctx::SelRep:
    case Ctx::User:
    case Ctx::Variable:
    case Ctx::SyncPoint:
    case Ctx::Ref:
    case Ctx::Value:
    case Ctx::TextCap:
        unknown();
        break;
    default:
        unknown();
        break;
    }
    _stack.push();
    return;

code : {
    Theme t;
    t.id = claim(tok(a, "guid"), "Code", t.ext);
    t.name = attr(a, "name");
    if (pc == Ctx::Code) t.parent = _p.themes[parent->idx].id;
    std::string cod = tok(a, "isCodable");
    if (cod == "false" || cod == "0") t.codable = false;
    else if (cod != "true" && cod != "1")
        _q.add("quirk.iscodable", "isCodable '" + cod + "' is not an xsd:boolean (read as true)", t.id);
    if (has(a, "color")) {
        Colour c = parseColour(attr(a, "color"));
        if (c.value.empty())
            _diag->lossy("lossy.theme-colour", "colour '" + attr(a, "color") + "' cannot be read and was dropped", t.id, {}, where());
        else if (c.nonStandard)
            _q.add("quirk.colour", "colour '" + attr(a, "color") + "' is not #RRGGBB or #RGB (read as " + c.value + ")", t.id);
        if (c.alphaDropped)
            _diag->lossy("lossy.theme-colour", "the alpha of colour '" + attr(a, "color") + "' was dropped", t.id, {}, where());
        t.color = c.value;
    }
    extraAttributes("Code", a, &t.ext);
    remember(_themes, t.id);
    f.ctx = Ctx::Code;
    f.idx = _p.themes.size();
    f.ownerId = t.id;
    _p.themes.push_back(std::move(t));
    _stack.push();
}
}

void Reader::characters(std::string_view t)
{
    if (_collect) {
        if (_text.size() + t.size() > kMaxTextBytes) throw LimitError(where(), "text content over 2 GiB");
        _text.append(t);
    }
}

void Reader::endElement(std::string_view, std::string_view local)
{
    if (_capDepth > 0) {
        Json node = std::move(_capStack.back());
        _capStack.pop_back();
        if (!_text.empty() && !trim(_text).empty()) node.set("text", Json(_text));
        _text.clear();
        if (--_capDepth > 0) {
            Json& parent = _capStack.back();
            Json* kids = nullptr;
            for (auto& kv : parent.asObject())
                if (kv.first == "children") kids = &kv.second;
            if (!kids) kids = &parent.set("children", Json::array());
            kids->push(std::move(node));
            return;
        }
        if (_capTarget) {
            if (_capTarget->isArray()) _capTarget->push(std::move(node));
            else *_capTarget = std::move(node);
        }
        _capTarget = nullptr;
        _collect = false;
        _stack.pop();
        return;
    }
    if (_stack.empty()) return;
    Frame& f = _stack.back();  // stays valid: nothing is pushed until the next element
    _stack.pop();
    const Frame* parent = _stack.empty() ? nullptr : &_stack.back();
    (void)local;

    if (f.ctx == Ctx::Container && parent && parent->ctx == Ctx::Root && (f.name == "Links" || f.name == "Graphs")) {
        // an empty <Links/> (hand-written files) leaves no empty bag behind: it would read
        // back as a difference once written, since a writer never emits an empty container
        const char* k = f.name == "Links" ? key::kLinks : key::kGraphs;
        auto it = _p.ext.find(k);
        if (it != _p.ext.end() && it->second.isArray() && it->second.asArray().empty()) _p.ext.erase(it);
        return;
    }

    if (f.ctx == Ctx::Excerpt) {
        // push_back left room for more (capacity 4 for 3 codings): millions of
        // excerpts make that slack a measurable part of the model (BENCHMARKS.md)
        auto& codings = _p.excerpts[f.idx].codings;
        if (codings.capacity() > codings.size()) codings.shrink_to_fit();
        return;
    }

    if (f.ctx == Ctx::TextCap && parent) {
        std::string t = std::move(_text);
        _text.clear();
        _collect = false;
        if (f.name == "Description") {
            if (trim(t).empty()) {
                ++_emptyDescriptions;
                return;
            }
            switch (parent->ctx) {
            case Ctx::Root: _p.description = t; break;
            case Ctx::Code: _p.themes[parent->idx].description = t; break;
            case Ctx::Variable: _p.attributes[parent->idx].description = t; break;
            case Ctx::Case: _p.cases[parent->idx].description = t; break;
            case Ctx::Source: _p.sources[parent->idx].description = t; break;
            case Ctx::Excerpt: _p.excerpts[parent->idx].description = t; break;
            case Ctx::Set: _p.sets[parent->idx].description = t; break;
            case Ctx::Note: _p.memos[parent->idx].ext[key::kDescription] = Json(t); break;
            case Ctx::Transcript: _p.sources[parent->idx].transcripts[parent->idx2].ext[key::kDescription] = Json(t); break;
            case Ctx::PdfRep: _p.sources[parent->idx].ext[key::kRepresentation].set("description", Json(t)); break;
            case Ctx::SelRep: _p.excerpts[parent->idx].ext["refi:representationDescription"] = Json(t); break;
            default:
                _q.add("quirk.misplaced-description", "a <Description> inside <" + parent->name + "> has no place (dropped)");
                break;
            }
        } else {  // PlainTextContent
            switch (parent->ctx) {
            case Ctx::Source:
                if (_p.sources[parent->idx].kind == SourceKind::Text) {
                    _texts[parent->pending].inlineText = std::move(t);
                    _texts[parent->pending].hasInline = true;
                } else {
                    _q.add("quirk.misplaced-text", "<PlainTextContent> inside <" + parent->name + "> has no place (dropped)");
                }
                break;
            case Ctx::PdfRep:
            case Ctx::Transcript:
                _texts[parent->pending].inlineText = std::move(t);
                _texts[parent->pending].hasInline = true;
                break;
            case Ctx::SelRep: _p.excerpts[parent->idx].quote = std::move(t); break;
            case Ctx::Note: _p.memos[parent->idx].text = std::move(t); break;
            default:
                _q.add("quirk.misplaced-text", "<PlainTextContent> inside <" + parent->name + "> has no place (dropped)");
                break;
            }
        }
        return;
    }
    if (f.ctx == Ctx::Value && parent) {
        std::string t = trim(_text);
        _text.clear();
        _collect = false;
        if (parent->ctx == Ctx::Set) {  // MemberNote with the GUID as text (Transana)
            _q.add("quirk.member-note-text", "<MemberNote> carries its GUID as text instead of targetGUID", _p.sets[parent->idx].id);
            _p.sets[parent->idx].memos.push_back(t);
            return;
        }
        // xsd:boolean's 1 and 0 are read as true and false; anything else is kept as read (a
        // bad value is reported by the check of the project, and written back as text)
        if (f.name == "BooleanValue" && (t == "1" || t == "0")) t = t == "1" ? "true" : "false";
        _value.value = t;
        _valueSeen = true;
        _valueElement = f.name;
        return;
    }
    if (f.ctx == Ctx::VarValue && parent) {
        if (_value.attribute.empty()) {
            _q.add("quirk.variable-value-without-ref", "a VariableValue has no VariableRef (dropped)");
            return;
        }
        if (_valueSeen) {
            // QualCoder writes every value as <TextValue>, a Float or Integer variable's too: read as
            // the variable's type (the schema puts Variables before Cases and Sources)
            auto id = _attrs.find(_value.attribute);
            for (std::size_t i = 0; id != _attrs.end() && i < _p.attributes.size(); ++i) {
                const Attribute& var = _p.attributes[i];
                if (var.id != id->second) continue;
                const char* expected = var.type == AttributeType::Boolean   ? "BooleanValue"
                                       : var.type == AttributeType::Integer  ? "IntegerValue"
                                       : var.type == AttributeType::Float    ? "FloatValue"
                                       : var.type == AttributeType::Date     ? "DateValue"
                                       : var.type == AttributeType::DateTime ? "DateTimeValue"
                                                                             : "TextValue";
                if (_valueElement != expected)
                    _q.add("quirk.value-element", "a value of the " + std::string(toString(var.type)) + " variable '" + var.name +
                               "' is given as <" + _valueElement + ">, not <" + expected + "> (read as the variable's type)",
                           var.id);
                break;
            }
        }
        if (parent->ctx == Ctx::Case) _p.cases[parent->idx].values.push_back(_value);
        else if (parent->ctx == Ctx::Source) _p.sources[parent->idx].values.push_back(_value);
        return;
    }
    if (f.ctx == Ctx::Coding) {
        if (_p.excerpts[f.idx].codings[f.idx2].theme.empty())
            _q.add("quirk.coding-without-coderef", "a Coding has no CodeRef", _p.excerpts[f.idx].codings[f.idx2].id);
    }
}

// ---------------------------------------------------------------------------------------------

const ZipReader::Entry* Reader::member(const std::string& rawPath, const std::string& who, bool& external)
{
    external = false;
    std::string path = trim(rawPath);
    std::string name;
    auto scheme = path.find("://");
    if (scheme == std::string::npos) {
        _q.add("quirk.path-without-scheme", "path '" + path + "' has no internal:// scheme; looked up as an internal file", who);
        name = path;
    } else {
        std::string sch = text::asciiLower(path.substr(0, scheme));
        if (sch != "internal") {
            external = true;
            return nullptr;
        }
        name = path.substr(scheme + 3);
    }
    while (!name.empty() && name.front() == '/') name.erase(0, 1);
    if (!_zip || name.empty()) return nullptr;
    const ZipReader::Entry* e = _zip->find("sources/" + name);
    if (e) {
        if (e->name.compare(0, 8, "sources/") != 0 && !_sourcesFolderCaseReported) {
            _sourcesFolderCaseReported = true;
            _q.add("quirk.sources-folder-case", "the sources folder is named '" + e->name.substr(0, e->name.find('/')) + "' (read case-insensitively)");
        }
        return e;
    }
    std::string lowName = text::asciiLower(name);
    if (lowName.rfind("sources/", 0) == 0) {  // OpenQDA: internal://sources/<GUID>.txt
        e = _zip->find(name);
        if (e) {
            _q.add("quirk.path-with-folder", "internal path '" + name + "' includes the sources/ folder (the spec's form is internal://" +
                                                 name.substr(8) + ")", who);
            return e;
        }
    }
    for (const auto& ent : _zip->entries()) {
        if (ent.isDirectory) continue;
        std::string n = text::asciiLower(ent.name);
        auto slash = n.rfind('/');
        std::string base = slash == std::string::npos ? n : n.substr(slash + 1);
        if (n == lowName || base == lowName) {
            _q.add("quirk.source-outside-folder", "internal file '" + name + "' found as '" + ent.name + "' outside sources/", who);
            return &ent;
        }
    }
    return nullptr;
}

std::string Reader::loadText(const ZipReader::Entry& e, const std::string& who)
{
    std::string s = _zip->read(e, kMaxTextBytes);
    if (s.size() >= 2 && ((unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE)) {
        _q.add("quirk.text-utf16", "text file '" + e.name + "' is UTF-16 LE, not UTF-8 (converted)", who);
        s = text::utf16ToUtf8(std::string_view(s).substr(2), false);
    } else if (s.size() >= 2 && ((unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF)) {
        _q.add("quirk.text-utf16", "text file '" + e.name + "' is UTF-16 BE, not UTF-8 (converted)", who);
        s = text::utf16ToUtf8(std::string_view(s).substr(2), true);
    } else {
        text::stripBom(s);
    }
    if (!text::isValidUtf8(s)) {
        std::size_t n = text::repairUtf8(s);
        _diag->lossy("lossy.text-encoding",
                    "text file '" + e.name + "' is not valid UTF-8: " + std::to_string(n) + " sequences replaced by U+FFFD", who,
                    {}, Location{_in.name(), e.name, 0, 0, -1});
    }
    return s;
}

void Reader::resolveContents()
{
    // entry index -> where its text went in the model (a transcript may share
    // its TextSource's txt); pointers into _p.sources, which does not grow here.
    std::map<std::uint64_t, const std::string*> loaded;
    auto textOf = [&](const ZipReader::Entry& e, const std::string& who) -> std::string {
        auto it = loaded.find(e.index);
        if (it != loaded.end()) return *it->second;
        return loadText(e, who);
    };
    std::map<const std::string*, std::uint64_t> holder;  // the reverse of `loaded`
    auto store = [&](std::string& into, std::string&& text, const ZipReader::Entry* from) {
        auto h = holder.find(&into);
        if (h != holder.end()) {  // text replaced: no longer that entry's
            loaded.erase(h->second);
            holder.erase(h);
        }
        into = std::move(text);
        if (from && loaded.emplace(from->index, &into).second) holder.emplace(&into, from->index);
    };
    auto missing = [&](const std::string& what, const std::string& path, const std::string& who) {
        _diag->skipped("skipped.source-file-missing",
                      what + " '" + path + "' is not in " + (_zip ? "the archive" : "a bare .qde (no archive)"), who,
                      "convert the .qdpx that holds the source files", where());
    };
    for (auto& pt : _texts) {
        Source& src = _p.sources[pt.source];
        const bool isTr = pt.transcript != SIZE_MAX;
        std::string who = isTr ? src.transcripts[pt.transcript].id : src.id;
        std::optional<std::string> txt;
        const ZipReader::Entry* textEntry = nullptr;
        if (!pt.plainTextPath.empty()) {
            bool external = false;
            textEntry = member(pt.plainTextPath, who, external);
            std::string pext = textEntry ? extensionOf(textEntry->name) : std::string();
            if (textEntry && (pext == "docx" || pext == "doc" || pext == "odt" || pext == "pdf" || pext == "rtf")) {
                // transact-qda names the original document as the plain text (plainTextPath=
                // "internal://<GUID>.docx"): read as text it is bytes, every offset on garbage
                _diag->skipped("skipped.source-text-not-plain",
                               "plain text '" + pt.plainTextPath + "' is a ." + pext +
                                   " document, not plain text: no text is read from it (its selections keep their offsets, unverified)" +
                                   (pt.richTextPath.empty() && !isTr && src.kind == SourceKind::Text ? "; kept as the source's document" : ""),
                               who, {}, where());
                if (pt.richTextPath.empty() && !isTr && src.kind == SourceKind::Text) pt.richTextPath = pt.plainTextPath;
                textEntry = nullptr;
            } else if (textEntry) txt = textOf(*textEntry, who);
            else if (external)
                _diag->skipped("skipped.source-external", "plain text '" + pt.plainTextPath + "' is outside the archive and was not read", who, {}, where());
            else if (pt.hasInline)  // nothing is lost: the same text is inline
                _diag->info("refi.text-inline", "plain text '" + pt.plainTextPath + "' is not in " +
                                                   (_zip ? "the archive" : "a bare .qde (no archive)") +
                                                   "; the text inline in <PlainTextContent> is used", who, where());
            else
                missing("plain text", pt.plainTextPath, who);
            if (isTr && !pt.richTextPath.empty())
                _diag->lossy("lossy.transcript-rich-text", "the rich text of a Transcript (" + pt.richTextPath + ") is not kept; its plain text is", who, {}, where());
        }
        if (!txt && pt.hasInline) txt = pt.inlineText;
        if (txt && txt->empty() && textEntry && !isTr) {
            // qdx writes an empty file for a text it did not have, so that readers can open the
            // project: read as a source without text, its selections' offsets kept as they are
            txt.reset();
            _diag->info("refi.text-empty", "plain text '" + pt.plainTextPath + "' is empty: read as a source without text", who, where());
        }
        if (isTr) {
            Transcript& t = src.transcripts[pt.transcript];
            if (txt) store(t.text, std::move(*txt), textEntry);
            else if (pt.plainTextPath.empty())
                _diag->info("refi.transcript-without-text", "a Transcript has neither plainTextPath nor PlainTextContent", t.id, where());
            continue;
        }
        if (src.name.empty() && !pt.plainTextPath.empty() && src.kind == SourceKind::Text) {
            std::string base = pt.plainTextPath.substr(pt.plainTextPath.find_last_of("/:") == std::string::npos ? 0 : pt.plainTextPath.find_last_of("/:") + 1);
            if (!isGuid(base.substr(0, base.rfind('.')))) {
                src.name = base;
                _q.add("quirk.source-without-name", "a TextSource has no name; named after its file '" + base + "'", src.id);
            }
        }
        if (txt) {
            if (!src.text) src.text.emplace();
            store(*src.text, std::move(*txt), textEntry);
        } else if ((src.kind == SourceKind::Text || src.kind == SourceKind::Pdf) && pt.plainTextPath.empty() && !pt.hasInline &&
                 src.kind == SourceKind::Text)
            _diag->info("refi.source-without-text", "a TextSource has neither plainTextPath nor PlainTextContent", src.id, where());

        // the original document: richTextPath (text), path (other kinds)
        std::string contentPath = src.kind == SourceKind::Text ? pt.richTextPath : pt.path;
        if (contentPath.empty()) {
            if (src.kind != SourceKind::Text)
                _diag->info("refi.source-without-path", "a " + std::string(toString(src.kind)) + " source has no path", src.id, where());
            continue;
        }
        bool external = false;
        const ZipReader::Entry* e = member(contentPath, src.id, external);
        std::string ext = extensionOf(e ? e->name : contentPath);
        src.mediaType = mediaTypeFor(ext);
        if (e) {
            src.content = _zip->blob(*e);
        } else if (external) {
            std::string p = contentPath.substr(contentPath.find("://") + 3);
            std::string sch = text::asciiLower(contentPath.substr(0, contentPath.find("://")));
            if (sch == "relative") {
                while (!p.empty() && p.front() == '/') p.erase(0, 1);
                std::string base = _p.basePath;
                if (!base.empty() && base.back() != '/') base += '/';
                p = base + p;
            }
            _diag->skipped("skipped.source-external",
                          std::string(toString(src.kind)) + " source refers to a file outside the archive ('" + contentPath +
                              "', i.e. " + p + "); qdx never reads files named by an input: the reference is kept, the content is not embedded",
                          src.id, "put the media into the .qdpx", where());
        } else {
            missing("file", contentPath, src.id);
        }
    }
    for (auto& pn : _notes) {
        Memo& m = _p.memos[pn.memo];
        if (!pn.plainTextPath.empty()) {
            bool external = false;
            const ZipReader::Entry* e = member(pn.plainTextPath, m.id, external);
            if (e) {
                std::string t = textOf(*e, m.id);
                if (!m.text.empty() && m.text != t)
                    _diag->lossy("lossy.note-text", "a Note has both inline text and a text file; the file wins", m.id, {}, where());
                m.text = t;
            } else {
                missing("note text", pn.plainTextPath, m.id);
            }
        }
        if (!pn.richTextPath.empty()) {
            _diag->lossy("lossy.note-rich-text", "the rich text (" + pn.richTextPath + ") of a Note is not kept; its plain text is", m.id, {}, where());
        }
    }
}

void Reader::convertOffsets()
{
    Profile prof = _profile;
    if (_opts.offsets == "nvivo") prof = Profile::Utf16;
    else if (_opts.offsets == "atlasti") prof = Profile::CrlfOnce;
    else if (_opts.offsets == "codepoints") prof = Profile::CodePoints;
    const std::string why = _opts.offsets == "auto" ? _profileWhy : "option offsets=" + _opts.offsets;
    _unverified = 0;
    if (!_spans.empty())
        _diag->info("offsets.profile", std::string("text offsets read with the '") + toString(prof) + "' profile (" + why + ")", {}, where());

    std::unordered_map<std::string, std::size_t> srcIndex;
    for (std::size_t i = 0; i < _p.sources.size(); ++i) srcIndex.emplace(_p.sources[i].id, i);
    std::map<std::size_t, std::unique_ptr<text::OffsetMap>> maps;
    std::map<std::size_t, std::unique_ptr<CodePointIndex>> cpIdx;
    std::set<std::size_t> drop;
    for (const BadPosition& b : _badPositions) {
        if (_sink.strict()) throw InputError(where(), "selection " + b.id + " cannot be read: " + b.why + " (skipped.excerpt-bad-position)");
        _diag->skipped("skipped.excerpt-bad-position", "selection " + b.id + " was not read: " + b.why, b.id, {}, where());
        drop.insert(b.excerpt);
    }
    std::size_t checked = 0, matched = 0;
    std::map<std::size_t, std::pair<std::size_t, std::size_t>> boundary;  // source -> (on boundary, total)

    for (const RawSpan& rs : _spans) {
        Excerpt& e = _p.excerpts[rs.excerpt];
        std::size_t si = srcIndex.at(e.source);
        Source& src = _p.sources[si];
        if (!src.text) {
            e.ext[key::kRawOffsets] = Json(true);
            ++_unverified;
            continue;
        }
        if (rs.start > rs.end) {
            _diag->skipped("skipped.excerpt-inverted", "selection " + e.id + " ends (" + std::to_string(rs.end) + ") before it starts (" + std::to_string(rs.start) + ")", e.id, {}, where());
            drop.insert(rs.excerpt);
            continue;
        }
        auto& m = maps[si];
        if (!m) m = std::make_unique<text::OffsetMap>(*src.text, unitOf(prof));
        auto s = m->toCodePoints(rs.start), en = m->toCodePoints(rs.end);
        if (!s || !en) {
            bool outside = rs.start < 0 || rs.end > m->lengthInUnits();
            _diag->skipped(outside ? "skipped.excerpt-out-of-range" : "skipped.excerpt-split",
                          "selection [" + std::to_string(rs.start) + ", " + std::to_string(rs.end) + ") " +
                              (outside ? "lies outside its text (length " + std::to_string(m->lengthInUnits()) + " " + toString(prof) + " units)"
                                       : "splits a character or a CR LF pair under the " + std::string(toString(prof)) + " profile"),
                          e.id, "try -o offsets=nvivo|atlasti|codepoints", where());
            drop.insert(rs.excerpt);
            continue;
        }
        e.anchor = TextSpan{*s, *en};
        if (*s == *en) _q.add("quirk.zero-length-selection", "a text selection is empty (kept)", e.id);
        // word-boundary score
        auto& ci = cpIdx[si];
        if (!ci) ci = std::make_unique<CodePointIndex>(*src.text);
        auto& b = boundary[si];
        b.second++;
        if (onWordBoundaries(*src.text, *ci, *s, *en)) b.first++;
        // quoted text: ATLAS.ti names a quotation by its first ~100 characters
        if (prof == Profile::CrlfOnce && !e.name.empty()) {
            std::string q = e.name;
            bool cut = false;
            const std::string ell = "\xE2\x80\xA6";
            if (q.size() >= ell.size() && q.compare(q.size() - ell.size(), ell.size(), ell) == 0) {
                q.erase(q.size() - ell.size());
                cut = true;
            }
            std::string span = text::collapseWhitespace(ci->substr(*s, *en));
            q = text::collapseWhitespace(q);
            bool looksQuoted = cut || span == q;
            if (looksQuoted || q.size() > 40) {
                ++checked;
                bool ok = cut ? span.compare(0, q.size(), q) == 0 : span == q;
                if (ok) ++matched;
                else _diag->info("offsets.quote-mismatch", "selection text '" + span.substr(0, 60) + "' differs from its quoted name '" + q.substr(0, 60) + "'", e.id, where());
            }
        }
    }
    if (_unverified)
        _diag->info("offsets.unverified", std::to_string(_unverified) + " text selections belong to sources without text: their offsets are kept unconverted ('" +
                   toString(prof) + "' units, ext refi:rawOffsets) and unverified", {}, where());
    // PDF area text against the text selection sharing its GUID
    std::unordered_multimap<std::string, const Excerpt*> derivedTextSel;  // original GUID -> text selection
    for (const Excerpt& t : _p.excerpts) {
        auto g = t.ext.find(key::kGuid);
        if (g != t.ext.end() && g->second.isString() && std::holds_alternative<TextSpan>(t.anchor))
            derivedTextSel.emplace(normalizeId(g->second.asString()), &t);
    }
    for (const Excerpt& e : _p.excerpts) {
        if (!std::holds_alternative<PdfRegion>(e.anchor) || !e.quote) continue;
        auto range = derivedTextSel.equal_range(normalizeId(e.id));
        for (auto it = range.first; it != range.second; ++it) {
            const Excerpt& t = *it->second;
            const TextSpan* ts = std::get_if<TextSpan>(&t.anchor);
            if (t.source != e.source) continue;
            const Source& src = _p.sources[srcIndex.at(t.source)];
            if (!src.text) continue;
            auto squash = [](std::string s) {
                s.erase(std::remove_if(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); }), s.end());
                return s;
            };
            ++checked;
            std::string span = squash(text::substrCodePoints(*src.text, ts->start, ts->end));
            if (span.find(squash(*e.quote)) != std::string::npos) ++matched;
            else _diag->info("offsets.quote-mismatch", "PDF area text is not inside the text selection " + t.id, e.id, where());
        }
    }
    if (checked > 0) {
        std::string msg = std::to_string(matched) + " of " + std::to_string(checked) +
                          " converted spans match the text quoted in the file";
        if (matched == checked) _diag->info("offsets.quote-check", msg, {}, where());
        else _diag->lossy("lossy.offset-mismatch", msg, {}, "try -o offsets=nvivo|atlasti|codepoints", where());
    }
    for (const auto& [si, b] : boundary) {
        _diag->info("offsets.boundary-score",
                   std::to_string(b.first) + " of " + std::to_string(b.second) + " selections of '" + _p.sources[si].name +
                       "' start and end on word boundaries",
                   _p.sources[si].id, where());
        // A poor score: would another profile fit the spans much better?
        if (b.second < 10 || b.first * 10 >= b.second * 9) continue;
        const std::string& txt = *_p.sources[si].text;
        for (Profile alt : {Profile::Utf16, Profile::CrlfOnce, Profile::CodePoints}) {
            if (alt == prof) continue;
            text::OffsetMap am(txt, unitOf(alt));
            std::size_t ok = 0, n = 0;
            for (const RawSpan& rs : _spans) {
                if (_p.excerpts[rs.excerpt].source != _p.sources[si].id || rs.start > rs.end) continue;
                ++n;
                auto s = am.toCodePoints(rs.start), en = am.toCodePoints(rs.end);
                if (s && en && onWordBoundaries(txt, *cpIdx[si], *s, *en)) ++ok;
            }
            if (n && ok * 20 >= n * 19 && ok >= b.first + n / 5)
                _diag->lossy("lossy.offset-profile-suspect",
                            "only " + std::to_string(b.first) + " of " + std::to_string(b.second) + " selections of '" +
                                _p.sources[si].name + "' fall on word boundaries with the '" + toString(prof) + "' profile, " +
                                std::to_string(ok) + " of " + std::to_string(n) + " with '" + toString(alt) +
                                "': the chosen profile (" + why + ") probably does not fit these offsets",
                            _p.sources[si].id, std::string("-o offsets=") + toString(alt), where());
        }
    }

    // sync points: positions are characters of the transcript text
    for (Source& s : _p.sources)
        for (Transcript& t : s.transcripts) {
            if (t.text.empty()) continue;
            text::OffsetMap m(t.text, unitOf(prof));
            for (SyncPoint& sp : t.syncPoints) {
                auto it = sp.ext.find(key::kRawOffsets);
                if (it == sp.ext.end()) continue;
                sp.ext.erase(it);
                auto cp = m.toCodePoints(sp.position);
                if (cp) sp.position = *cp;
                else _q.add("quirk.syncpoint-out-of-range", "a SyncPoint position lies outside its transcript text (kept as read)", sp.id);
            }
        }
    for (Source& s : _p.sources)
        for (Transcript& t : s.transcripts)
            for (SyncPoint& sp : t.syncPoints) sp.ext.erase(key::kRawOffsets);

    if (!drop.empty()) {
        std::vector<Excerpt> kept;
        kept.reserve(_p.excerpts.size() - drop.size());
        for (std::size_t i = 0; i < _p.excerpts.size(); ++i)
            if (!drop.count(i)) kept.push_back(std::move(_p.excerpts[i]));
        _p.excerpts = std::move(kept);
    }
}

void Reader::resolveReferences()
{
    bool needExcerpts = !_links.empty();
    for (const Case& c : _p.cases) needExcerpts = needExcerpts || !c.excerpts.empty();
    if (needExcerpts)
        for (const Excerpt& e : _p.excerpts) remember(_excerpts, e.id);
    // the element holding a reference, as a dangling one's message names it
    auto named = [](const char* kind, const std::string& name, const std::string& id) {
        return std::string(kind) + (name.empty() ? "" : " '" + name + "'") + " " + id;
    };
    for (Excerpt& e : _p.excerpts) {
        if (_themeRefsPending)
            for (Coding& c : e.codings)
                if (!c.theme.empty()) c.theme = resolve(_themes, c.theme, "Code", "Coding " + c.id + " of selection " + e.id);
        if (auto* ts = std::get_if<TranscriptSpan>(&e.anchor)) {
            if (!ts->fromSyncPoint().empty()) ts->setFromSyncPoint(resolve(_syncs, ts->fromSyncPoint(), "SyncPoint", "selection " + e.id));
            if (!ts->toSyncPoint().empty()) ts->setToSyncPoint(resolve(_syncs, ts->toSyncPoint(), "SyncPoint", "selection " + e.id));
        }
    }
    // QualCoder 1.3 refers to a source from a Case by the GUID it names the source's rich
    // text file with (richTextPath="internal://<that GUID>.txt"), not by the source's own
    // guid: a source reference that names no element but the file of one source is resolved
    // to that source (quirk.reference-by-file). QualCoder 1.3 also writes a PDF twice, as a
    // TextSource and a PDFSource with one guid and one file: that file names the first, as a
    // reference to the guid would. A file of sources with different guids stays dangling.
    std::unordered_map<std::string, std::pair<std::string, std::string>> byFile;  // stem -> (source id, guid as read); id "" when shared
    bool byFileBuilt = false;
    auto sourceRef = [&](std::string& x, const std::string& in) {
        if (_sources.count(x)) {
            x = _sources.find(x)->second;
            return;
        }
        if (!byFileBuilt) {
            byFileBuilt = true;
            for (const Source& s : _p.sources) {
                if (s.path.rfind("internal://", 0) != 0) continue;
                std::string stem = s.path.substr(s.path.find_last_of('/') + 1);
                stem = normalizeId(stem.substr(0, stem.rfind('.')));
                auto g = s.ext.find(key::kGuid);
                std::string guid = normalizeId(g != s.ext.end() && g->second.isString() ? g->second.asString() : s.id);
                auto [it, fresh] = byFile.emplace(stem, std::make_pair(s.id, guid));
                if (!fresh && it->second.second != guid) it->second.first.clear();
            }
        }
        std::string id = trim(x);
        auto f = byFile.find(normalizeId(id));
        if (f == byFile.end() || f->second.first.empty() || anyIdEquals(id)) {
            x = resolve(_sources, x, "source", in);
            return;
        }
        _q.add("quirk.reference-by-file",
               "a reference to a source names the source's file, not its guid: " + id + " (in " + in + "), read as source " + f->second.first, id);
        x = f->second.first;
    };
    for (Case& c : _p.cases) {
        std::string in = named("Case", c.name, c.id);
        for (auto& t : c.themes) t = resolve(_themes, t, "Code", in);
        for (auto& s : c.sources) sourceRef(s, in);
        for (auto& x : c.excerpts) x = resolve(_excerpts, x, "selection", in);
        for (auto& v : c.values) v.attribute = resolve(_attrs, v.attribute, "Variable", in);
    }
    for (Source& s : _p.sources)
        for (auto& v : s.values) v.attribute = resolve(_attrs, v.attribute, "Variable", named("source", s.name, s.id));
    for (Set& s : _p.sets) {
        std::string in = named("Set", s.name, s.id);
        for (auto& t : s.themes) t = resolve(_themes, t, "Code", in);
        for (auto& x : s.sources) sourceRef(x, in);
        for (auto& m : s.memos) m = resolve(_memos, m, "Note", in);
    }
    // A user id that no <User> declares (MAXQDA writes selections by users it leaves out of
    // <Users>) is declared here as a user without a name, so the reference holds and the id
    // survives every export; unless it is the id of something else, which stays a dangling reference.
    std::unordered_set<std::string> notUsers;
    auto userRef = [&](std::string& u) {
        if (u.empty()) return;
        auto it = _users.find(u);
        if (it != _users.end()) {
            if (it->second != u) u = it->second;
            return;
        }
        std::string id = trim(u);
        if (id.empty() || notUsers.count(id) || anyIdEquals(id)) {  // anyIdEquals scans the project: once per id
            notUsers.insert(id);
            u = resolve(_users, u, "User");
            return;
        }
        remember(_users, id);
        User nu;
        nu.id = id;
        _p.users.push_back(std::move(nu));
        _q.add("quirk.user-undeclared", "a user named by the project is not declared in <Users>: " + id + " (declared as a user without a name)", id);
        u = id;
    };
    userRef(_p.audit.creator);
    userRef(_p.audit.modifier);
    for (Source& s : _p.sources) {
        userRef(s.audit.creator);
        userRef(s.audit.modifier);
        for (Transcript& t : s.transcripts) {
            userRef(t.audit.creator);
            userRef(t.audit.modifier);
        }
    }
    if (_userRefsPending)
        for (Excerpt& e : _p.excerpts) {
            userRef(e.audit.creator);
            userRef(e.audit.modifier);
            for (Coding& c : e.codings) userRef(c.creator);
        }
    for (Memo& m : _p.memos) {
        userRef(m.audit.creator);
        userRef(m.audit.modifier);
    }
    // NoteRefs: the note is attached to the element holding the NoteRef
    std::unordered_map<std::string, std::size_t> memoIdx;
    for (std::size_t i = 0; i < _p.memos.size(); ++i) memoIdx.emplace(normalizeId(_p.memos[i].id), i);
    std::unordered_map<std::string, std::string> excerptIdx;  // normalised id -> id, built when first needed
    for (const auto& [owner, note] : _noteRefs) {
        auto it = memoIdx.find(normalizeId(note));
        auto ownerMemo = owner.empty() ? memoIdx.end() : memoIdx.find(normalizeId(owner));
        if (it == memoIdx.end() && ownerMemo != memoIdx.end()) {
            // Quackdas puts in a Note a NoteRef to what the note is about (a selection, source,
            // code): read as the note's target
            std::string tid;
            for (auto* m : {&_sources, &_themes, &_cases, &_sets}) {
                auto f = m->find(note);
                if (f != m->end()) {
                    tid = f->second;
                    break;
                }
            }
            if (tid.empty()) {  // a selection: indexed once, not scanned per NoteRef
                if (excerptIdx.empty())
                    for (const Excerpt& e : _p.excerpts) excerptIdx.emplace(normalizeId(e.id), e.id);
                auto x = excerptIdx.find(normalizeId(note));
                if (x != excerptIdx.end()) tid = x->second;
            }
            if (!tid.empty()) {
                _q.add("quirk.noteref-in-note",
                       "a NoteRef inside a Note names what the note is about, not a Note: " + note + " (read as the note's target)", owner);
                _p.memos[ownerMemo->second].targets.push_back(tid);
                continue;
            }
        }
        if (it == memoIdx.end()) {
            _q.add("quirk.dangling-reference", "a NoteRef names no Note: " + note, owner);
            if (owner.empty()) _p.ext[key::kNoteRefs].push(Json(note));
            continue;
        }
        Memo& m = _p.memos[it->second];
        if (owner.empty()) _p.ext[key::kNoteRefs].push(Json(m.id));
        else m.targets.push_back(owner);
    }
    // Links from a Note: the note is attached to the link's target too
    for (const auto& [origin, target] : _links) {
        auto it = memoIdx.find(normalizeId(origin));
        if (it == memoIdx.end() || target.empty()) continue;
        std::string tid = trim(target);
        for (auto* m : {&_excerpts, &_sources, &_themes, &_memos, &_cases, &_sets, &_transcripts}) {
            auto f = m->find(normalizeId(tid));
            if (f != m->end()) {
                tid = f->second;
                break;
            }
        }
        Memo& m = _p.memos[it->second];
        if (std::find(m.targets.begin(), m.targets.end(), tid) == m.targets.end()) {
            m.targets.push_back(tid);
            m.ext[key::kLinkTargets].push(Json(tid));
        }
    }
}

void Reader::reportQuirks()
{
    if (_emptyDescriptions)
        _q.items["quirk.empty-description"] = Quirks::Item{_emptyDescriptions, "empty <Description/> elements were read as absent", {}};
    for (const auto& [code, it] : _q.items) {
        Diagnostic d;
        d.severity = Severity::Info;  // nothing is lost; losses are reported as lossy.* where they happen
        d.code = code;
        d.entityId = it.entity;
        d.location = where();
        d.message = it.message + (it.count > 1 ? " (" + std::to_string(it.count) + " times)" : std::string());
        d.hint = "tolerated deviation of the producing tool; -o strict=true refuses it";
        _diag->report(std::move(d));
    }
}

void Reader::parse(std::istream& in)
{
    try {
        parseXml(in, *this, where(), _opts.xml);
    } catch (...) {
        releaseParseDiagnostics();  // what came before the error is reported as without deferring
        throw;
    }
}

Project Reader::run()
{
    const std::string& head = _in.head();
    if (head.size() >= 4 && head.compare(0, 2, "PK") == 0) {
        _zip = ZipReader::open(_in, _opts.zip);
        std::vector<const ZipReader::Entry*> qdes;
        for (const auto& e : _zip->entries())
            if (!e.isDirectory && e.name.find('/') == std::string::npos && endsWithNoCase(e.name, ".qde")) qdes.push_back(&e);
        const ZipReader::Entry* qde = nullptr;
        if (qdes.size() == 1) {
            qde = qdes[0];
        } else if (qdes.size() > 1) {
            for (auto* e : qdes)
                if (text::asciiLower(e->name) == "project.qde") qde = e;
            if (!qde) {
                std::string names;
                for (auto* e : qdes) names += (names.empty() ? "" : ", ") + e->name;
                throw InputError(Location{_in.name(), {}, 0, 0, -1}, "the archive holds several .qde files and none is project.qde: " + names);
            }
        } else {
            throw InputError(Location{_in.name(), {}, 0, 0, -1}, "not a REFI-QDA archive: no .qde file at the root of the zip");
        }
        if (qde->name != "project.qde")
            _q.add("quirk.qde-name", "the project XML is named '" + qde->name + "', not project.qde");
        _member = qde->name;
        auto stream = _zip->openStream(*qde);
        parse(*stream);
    } else {
        auto stream = _in.open();
        parse(*stream);
    }
    if (_codebook) _p.name = _p.name.empty() ? std::string() : _p.name;
    // Ids are only claimed while parsing; the texts loaded next would
    // otherwise share the peak with this table (8 bytes x 2 per id).
    _idHashes.release();
    if (_deferDuplicates && anyEqualClaimedHashes()) throw DuplicateIds{};
    releaseParseDiagnostics();
    resolveContents();
    convertOffsets();
    resolveReferences();
    reportQuirks();
    return std::move(_p);
}

}  // namespace

// ---------------------------------------------------------------------------------------------

int probeRefi(const Input& in, bool codebook) noexcept
{
    try {
        const std::string& h = in.head();
        std::string ext = in.extension();
        if (h.size() >= 4 && h.compare(0, 2, "PK") == 0) {
            if (codebook) return 0;
            if (h.find(".qde") != std::string::npos || h.find(".QDE") != std::string::npos) return 95;
            try {
                auto z = ZipReader::open(in);
                for (const auto& e : z->entries())
                    if (e.name.find('/') == std::string::npos && endsWithNoCase(e.name, ".qde")) return 95;
            } catch (...) {
                return ext == "qdpx" ? 20 : 0;
            }
            return 0;
        }
        // XML: skip a BOM, the declaration, comments and processing instructions
        std::size_t i = 0;
        if (h.compare(0, 3, "\xEF\xBB\xBF") == 0) i = 3;
        while (i < h.size()) {
            while (i < h.size() && std::isspace(static_cast<unsigned char>(h[i]))) ++i;
            if (h.compare(i, 2, "<?") == 0) {
                auto e = h.find("?>", i);
                if (e == std::string::npos) return 0;
                i = e + 2;
            } else if (h.compare(i, 4, "<!--") == 0) {
                auto e = h.find("-->", i);
                if (e == std::string::npos) return 0;
                i = e + 3;
            } else {
                break;
            }
        }
        if (i >= h.size() || h[i] != '<') return 0;
        std::size_t j = i + 1;
        while (j < h.size() && (std::isalnum(static_cast<unsigned char>(h[j])) || h[j] == ':' || h[j] == '_' || h[j] == '-' || h[j] == '.')) ++j;
        std::string name = h.substr(i + 1, j - i - 1);
        auto colon = name.find(':');
        if (colon != std::string::npos) name = name.substr(colon + 1);
        bool qda = h.find("urn:QDA-XML:") != std::string::npos;
        if (name == "Project" && !codebook) return qda ? 100 : 60;
        if (name == "CodeBook") return codebook ? (qda ? 100 : 60) : (qda ? 80 : 40);
        return 0;
    } catch (...) {
        return 0;
    }
}

Project readRefi(const Input& in, const ReadOptions& opts, Diagnostics& diag)
{
    bool was = diag.strict();
    if (opts.strict) diag.setStrict(true);
    try {
        // Duplicate GUIDs are rare: read first with the duplicate check deferred
        // to one sort after the parse (the reader holds back what the parse
        // reports until then, so a second reading reports nothing twice); if two
        // ids were equal, read again, checking each id as it comes.
        std::optional<Project> p;
        try {
            Reader r(in, opts, diag, true);
            p = r.run();
        } catch (const DuplicateIds&) {
            Reader r(in, opts, diag, false);
            p = r.run();
        }
        diag.setStrict(was);
        return std::move(*p);
    } catch (...) {
        diag.setStrict(was);
        throw;
    }
}

}  // namespace qdx::refi
