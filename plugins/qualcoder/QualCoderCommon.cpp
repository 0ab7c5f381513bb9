#include "QualCoderCommon.h"

#include "qdx/Text.h"

#include <cctype>
#include <map>

namespace qdx::qualcoder {

namespace {

/// One table of a v17 database: its columns (name and declared type) and the
/// constraints after them. The statements are built from this one list, so
/// the columns the reader looks for and the tables the writer creates agree.
struct TableDef {
    const char* name;
    std::vector<std::pair<const char*, const char*>> columns;
    const char* constraints;  ///< "" or ", unique(...)"
};

// The tables of a new project of QualCoder 4.0 (database version v17), as its
// new-project code and version upgrades in __main__.py define them.
const std::vector<TableDef>& tables() {
    static const std::vector<TableDef> k{
        {"project",
         {{"databaseversion", "text"}, {"date", "text"}, {"memo", "text"}, {"about", "text"}, {"bookmarkfile", "integer"},
          {"bookmarkpos", "integer"}, {"codername", "text"}, {"recently_used_codes", "text"}, {"avbookmarkfile", "integer"},
          {"avbookmarkmsec", "integer"}, {"avbookmarktextpos", "integer"}},
         ""},
        {"source",
         {{"id", "integer primary key"}, {"name", "text"}, {"fulltext", "text"}, {"mediapath", "text"}, {"memo", "text"},
          {"owner", "text"}, {"date", "text"}, {"av_text_id", "integer"}, {"risid", "integer"}},
         ", unique(name)"},
        {"code_image",
         {{"imid", "integer primary key"}, {"id", "integer"}, {"x1", "integer"}, {"y1", "integer"}, {"width", "integer"},
          {"height", "integer"}, {"cid", "integer"}, {"memo", "text"}, {"date", "text"}, {"owner", "text"},
          {"important", "integer"}, {"pdf_page", "integer"}},
         ""},
        {"code_av",
         {{"avid", "integer primary key"}, {"id", "integer"}, {"pos0", "integer"}, {"pos1", "integer"}, {"cid", "integer"},
          {"memo", "text"}, {"date", "text"}, {"owner", "text"}, {"important", "integer"}},
         ""},
        {"annotation",
         {{"anid", "integer primary key"}, {"fid", "integer"}, {"pos0", "integer"}, {"pos1", "integer"}, {"memo", "text"},
          {"owner", "text"}, {"date", "text"}},
         ", unique(fid,pos0,pos1,owner)"},
        {"attribute_type",
         {{"name", "text primary key"}, {"date", "text"}, {"owner", "text"}, {"memo", "text"}, {"caseOrFile", "text"},
          {"valuetype", "text"}},
         ""},
        {"attribute",
         {{"attrid", "integer primary key"}, {"name", "text"}, {"attr_type", "text"}, {"value", "text"}, {"id", "integer"},
          {"date", "text"}, {"owner", "text"}},
         ", unique(name,attr_type,id)"},
        {"case_text",
         {{"id", "integer primary key"}, {"caseid", "integer"}, {"fid", "integer"}, {"pos0", "integer"}, {"pos1", "integer"},
          {"owner", "text"}, {"date", "text"}, {"memo", "text"}},
         ""},
        {"cases", {{"caseid", "integer primary key"}, {"name", "text"}, {"memo", "text"}, {"owner", "text"}, {"date", "text"}},
         ", constraint ucm unique(name)"},
        {"code_cat",
         {{"catid", "integer primary key"}, {"name", "text"}, {"owner", "text"}, {"date", "text"}, {"memo", "text"},
          {"supercatid", "integer"}},
         ", unique(name)"},
        {"code_text",
         {{"ctid", "integer primary key"}, {"cid", "integer"}, {"fid", "integer"}, {"seltext", "text"}, {"pos0", "integer"},
          {"pos1", "integer"}, {"owner", "text"}, {"date", "text"}, {"memo", "text"}, {"avid", "integer"},
          {"important", "integer"}},
         ", unique(cid,fid,pos0,pos1, owner)"},
        {"code_name",
         {{"cid", "integer primary key"}, {"name", "text"}, {"memo", "text"}, {"catid", "integer"}, {"owner", "text"},
          {"date", "text"}, {"color", "text"}, {"supercid", "integer"}},
         ", unique(name)"},
        {"journal", {{"jid", "integer primary key"}, {"name", "text"}, {"jentry", "text"}, {"date", "text"}, {"owner", "text"}},
         ", unique(name)"},
        {"stored_sql", {{"title", "text"}, {"description", "text"}, {"grouper", "text"}, {"ssql", "text"}}, ", unique(title)"},
        {"graph",
         {{"grid", "integer primary key"}, {"name", "text"}, {"description", "text"}, {"date", "text"},
          {"scene_width", "integer"}, {"scene_height", "integer"}},
         ", unique(name)"},
        {"gr_cdct_text_item",
         {{"gtextid", "integer primary key"}, {"grid", "integer"}, {"x", "integer"}, {"y", "integer"}, {"supercatid", "integer"},
          {"catid", "integer"}, {"cid", "integer"}, {"font_size", "integer"}, {"bold", "integer"}, {"isvisible", "integer"},
          {"displaytext", "text"}},
         ""},
        {"gr_case_text_item",
         {{"gcaseid", "integer primary key"}, {"grid", "integer"}, {"x", "integer"}, {"y", "integer"}, {"caseid", "integer"},
          {"font_size", "integer"}, {"bold", "integer"}, {"color", "text"}, {"displaytext", "text"}},
         ""},
        {"gr_file_text_item",
         {{"gfileid", "integer primary key"}, {"grid", "integer"}, {"x", "integer"}, {"y", "integer"}, {"fid", "integer"},
          {"font_size", "integer"}, {"bold", "integer"}, {"color", "text"}, {"displaytext", "text"}},
         ""},
        {"gr_free_text_item",
         {{"gfreeid", "integer primary key"}, {"grid", "integer"}, {"freetextid", "integer"}, {"x", "integer"},
          {"y", "integer"}, {"free_text", "text"}, {"font_size", "integer"}, {"bold", "integer"}, {"color", "text"},
          {"tooltip", "text"}, {"ctid", "integer"}, {"memo_ctid", "integer"}, {"memo_imid", "integer"},
          {"memo_avid", "integer"}},
         ""},
        {"gr_cdct_line_item",
         {{"glineid", "integer primary key"}, {"grid", "integer"}, {"fromcatid", "integer"}, {"fromcid", "integer"},
          {"tocatid", "integer"}, {"tocid", "integer"}, {"color", "text"}, {"linewidth", "real"}, {"linetype", "text"},
          {"isvisible", "integer"}, {"label", "text"}, {"arrow_mode", "text"}},
         ""},
        {"gr_free_line_item",
         {{"gflineid", "integer primary key"}, {"grid", "integer"}, {"fromfreetextid", "integer"}, {"fromcatid", "integer"},
          {"fromcid", "integer"}, {"fromcaseid", "integer"}, {"fromfileid", "integer"}, {"fromimid", "integer"},
          {"fromavid", "integer"}, {"tofreetextid", "integer"}, {"tocatid", "integer"}, {"tocid", "integer"},
          {"tocaseid", "integer"}, {"tofileid", "integer"}, {"toimid", "integer"}, {"toavid", "integer"}, {"color", "text"},
          {"linewidth", "real"}, {"linetype", "text"}, {"label", "text"}, {"arrow_mode", "text"}},
         ""},
        {"gr_memo_item",
         {{"gmemoid", "integer primary key"}, {"grid", "integer"}, {"memo_source_type", "text"},
          {"memo_source_id", "integer"}, {"x", "integer"}, {"y", "integer"}, {"color", "text"}, {"font_size", "integer"}},
         ""},
        {"gr_pix_item",
         {{"grpixid", "integer primary key"}, {"grid", "integer"}, {"imid", "integer"}, {"x", "integer"}, {"y", "integer"},
          {"px", "integer"}, {"py", "integer"}, {"w", "integer"}, {"h", "integer"}, {"filepath", "text"},
          {"tooltip", "text"}, {"pdf_page", "integer"}},
         ""},
        {"gr_av_item",
         {{"gr_avid", "integer primary key"}, {"grid", "integer"}, {"avid", "integer"}, {"x", "integer"}, {"y", "integer"},
          {"pos0", "integer"}, {"pos1", "integer"}, {"filepath", "text"}, {"tooltip", "text"}, {"color", "text"}},
         ""},
        {"ris", {{"risid", "integer"}, {"tag", "text"}, {"longtag", "text"}, {"value", "text"}}, ""},
        {"manage_files_display",
         {{"mfid", "integer primary key"}, {"name", "text"}, {"tblrows", "text"}, {"tblcolumns", "text"}, {"owner", "text"}},
         ""},
        {"files_filter", {{"filterid", "integer primary key"}, {"name", "text"}, {"filter", "text"}, {"owner", "text"}}, ""},
    };
    return k;
}

const TableDef* findTable(std::string_view name) {
    for (const auto& t : tables())
        if (name == t.name) return &t;
    return nullptr;
}

bool isDigits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    return true;
}

} // namespace

const std::vector<std::string>& schemaStatements() {
    static const std::vector<std::string> k = [] {
        std::vector<std::string> out;
        for (const auto& t : tables()) {
            std::string s = std::string("CREATE TABLE ") + t.name + " (";
            bool first = true;
            for (const auto& [n, type] : t.columns) {
                s += (first ? "" : ", ") + std::string(n) + " " + type;
                first = false;
            }
            s += std::string(t.constraints) + ")";
            out.push_back(std::move(s));
        }
        // QualCoder's update_coder_names(), run for every new project: the coder
        // table and the views that hide the codings of coders switched off.
        out.push_back("CREATE TABLE coder_names (name TEXT UNIQUE NOT NULL, "
                      "visibility INTEGER NOT NULL DEFAULT 1 CHECK (visibility IN (0, 1)))");
        for (const char* v : {"code_image", "code_text", "code_av", "annotation"})
            out.push_back(std::string("CREATE VIEW ") + v + "_visible AS SELECT t.* FROM " + v +
                          " t WHERE NOT EXISTS (SELECT 1 FROM coder_names c WHERE c.name = t.owner AND c.visibility = 0)");
        return out;
    }();
    return k;
}

const std::vector<std::string>& tableColumns(std::string_view table) {
    static const std::map<std::string, std::vector<std::string>, std::less<>> k = [] {
        std::map<std::string, std::vector<std::string>, std::less<>> m;
        for (const auto& t : tables()) {
            auto& cols = m[t.name];
            for (const auto& c : t.columns) cols.emplace_back(c.first);
        }
        m["coder_names"] = {"name", "visibility"};
        return m;
    }();
    static const std::vector<std::string> none;
    auto it = k.find(table);
    return it == k.end() ? none : it->second;
}

const std::vector<std::string>& keptTables() {
    static const std::vector<std::string> k{"stored_sql",        "graph",           "gr_cdct_text_item", "gr_case_text_item",
                                            "gr_file_text_item", "gr_free_text_item", "gr_cdct_line_item", "gr_free_line_item",
                                            "gr_memo_item",      "gr_pix_item",     "gr_av_item",        "ris",
                                            "manage_files_display", "files_filter"};
    return k;
}

std::vector<std::pair<std::string, std::string>> keptTableReferences(std::string_view table) {
    std::vector<std::pair<std::string, std::string>> out;
    const TableDef* t = findTable(table);
    if (!t) return out;
    // By column name: the graph tables name their references after the table they point into.
    for (const auto& [n, type] : t->columns) {
        std::string c = n;
        for (const char* pre : {"from", "to", "memo_", "super"})
            if (c.rfind(pre, 0) == 0 && c.size() > std::char_traits<char>::length(pre)) c = c.substr(std::char_traits<char>::length(pre));
        const char* kind = nullptr;
        if (c == "cid") kind = ids::kCode;
        else if (c == "catid") kind = ids::kCategory;
        else if (c == "caseid") kind = ids::kCase;
        else if (c == "fid" || c == "fileid") kind = ids::kSource;
        else if (c == "ctid") kind = ids::kTextCoding;
        else if (c == "imid") kind = ids::kImageCoding;
        else if (c == "avid") kind = ids::kAvCoding;
        if (kind) out.emplace_back(n, kind);
    }
    if (table == "gr_memo_item") out.emplace_back("memo_source_id", "");  // its kind is in memo_source_type
    return out;
}

std::string makeId(const char* prefix, std::int64_t n) { return prefix + std::to_string(n); }

std::optional<std::int64_t> idNumber(const char* prefix, std::string_view id) {
    std::string_view p(prefix);
    if (id.size() <= p.size() || id.compare(0, p.size(), p) != 0) return std::nullopt;
    std::string_view digits = id.substr(p.size());
    if (!isDigits(digits) || digits.size() > 18 || digits[0] == '0') return std::nullopt;
    return std::stoll(std::string(digits));
}

std::string dateFromQualCoder(std::string_view d) {
    // "YYYY-MM-DD hh:mm:ss" (QualCoder), sometimes with '_' or 'T' between date and time.
    auto digitsAt = [&](std::size_t at, std::size_t n) { return d.size() >= at + n && isDigits(d.substr(at, n)); };
    bool shape = digitsAt(0, 4) && d.size() >= 19 && d[4] == '-' && digitsAt(5, 2) && d[7] == '-' && digitsAt(8, 2) &&
                 (d[10] == ' ' || d[10] == '_' || d[10] == 'T') && digitsAt(11, 2) && d[13] == ':' && digitsAt(14, 2) &&
                 d[16] == ':' && digitsAt(17, 2);
    if (!shape) return std::string(d);
    std::string out(d);
    out[10] = 'T';
    std::string_view tail = d.substr(19);
    bool zoned = !tail.empty() && (tail.back() == 'Z' || tail.find('+') != std::string_view::npos || tail.find('-') != std::string_view::npos);
    if (!zoned) out += 'Z';
    return out;
}

std::string dateToQualCoder(std::string_view d) {
    if (d.size() < 19 || d[4] != '-' || d[7] != '-' || d[10] != 'T' || d[13] != ':' || d[16] != ':') return std::string(d);
    std::string out(d);
    out[10] = ' ';
    if (!out.empty() && out.back() == 'Z') out.pop_back();
    return out;
}

std::string normaliseColour(std::string_view c) {
    std::string_view h = c;
    while (!h.empty() && std::isspace(static_cast<unsigned char>(h.front()))) h.remove_prefix(1);
    while (!h.empty() && std::isspace(static_cast<unsigned char>(h.back()))) h.remove_suffix(1);
    if (!h.empty() && h[0] == '#') h.remove_prefix(1);
    for (char ch : h)
        if (!std::isxdigit(static_cast<unsigned char>(ch))) return {};
    std::string hex;
    if (h.size() == 6) hex = std::string(h);
    else if (h.size() == 3) hex = {h[0], h[0], h[1], h[1], h[2], h[2]};
    else return {};
    for (auto& ch : hex) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return "#" + hex;
}

MediaPath parseMediaPath(std::string_view m) {
    struct Prefix {
        const char* text;
        MediaFolder folder;
        bool linked;
    };
    static const Prefix k[] = {{"/docs/", MediaFolder::Documents, false},   {"/images/", MediaFolder::Images, false},
                               {"/audio/", MediaFolder::Audio, false},      {"/video/", MediaFolder::Video, false},
                               {"docs:", MediaFolder::Documents, true},     {"images:", MediaFolder::Images, true},
                               {"audio:", MediaFolder::Audio, true},        {"video:", MediaFolder::Video, true}};
    for (const auto& p : k) {
        std::string_view t(p.text);
        if (m.size() >= t.size() && m.compare(0, t.size(), t) == 0) return MediaPath{p.folder, p.linked, std::string(m.substr(t.size()))};
    }
    return MediaPath{MediaFolder::None, false, std::string(m)};
}

const char* folderName(MediaFolder f) {
    switch (f) {
    case MediaFolder::Documents: return "documents";
    case MediaFolder::Images: return "images";
    case MediaFolder::Audio: return "audio";
    case MediaFolder::Video: return "video";
    case MediaFolder::None: break;
    }
    return "";
}

const char* internalPrefix(MediaFolder f) {
    switch (f) {
    case MediaFolder::Documents: return "/docs/";
    case MediaFolder::Images: return "/images/";
    case MediaFolder::Audio: return "/audio/";
    case MediaFolder::Video: return "/video/";
    case MediaFolder::None: break;
    }
    return "";
}

const char* linkedPrefix(MediaFolder f) {
    switch (f) {
    case MediaFolder::Documents: return "docs:";
    case MediaFolder::Images: return "images:";
    case MediaFolder::Audio: return "audio:";
    case MediaFolder::Video: return "video:";
    case MediaFolder::None: break;
    }
    return "";
}

namespace {
const std::vector<std::pair<const char*, const char*>>& mediaTypes() {
    static const std::vector<std::pair<const char*, const char*>> k{
        {"pdf", "application/pdf"},
        {"txt", "text/plain"},
        {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
        {"odt", "application/vnd.oasis.opendocument.text"},
        {"rtf", "application/rtf"},
        {"html", "text/html"},
        {"htm", "text/html"},
        {"md", "text/markdown"},
        {"epub", "application/epub+zip"},
        {"tex", "application/x-tex"},
        {"png", "image/png"},
        {"jpg", "image/jpeg"},
        {"jpeg", "image/jpeg"},
        {"gif", "image/gif"},
        {"bmp", "image/bmp"},
        {"tif", "image/tiff"},
        {"tiff", "image/tiff"},
        {"mp3", "audio/mpeg"},
        {"wav", "audio/wav"},
        {"m4a", "audio/mp4"},
        {"ogg", "audio/ogg"},
        {"flac", "audio/flac"},
        {"mp4", "video/mp4"},
        {"mov", "video/quicktime"},
        {"wmv", "video/x-ms-wmv"},
        {"webm", "video/webm"},
        {"m4v", "video/x-m4v"},
        {"avi", "video/x-msvideo"},
        {"mkv", "video/x-matroska"},
    };
    return k;
}
} // namespace

std::string mediaTypeOf(std::string_view fileName) {
    std::string ext = text::pathExtension(fileName);
    for (const auto& [e, t] : mediaTypes())
        if (ext == e) return t;
    return {};
}

std::string suffixOf(std::string_view mediaType) {
    std::string t = text::asciiLower(mediaType);
    auto semi = t.find(';');
    if (semi != std::string::npos) t.erase(semi);
    while (!t.empty() && t.back() == ' ') t.pop_back();
    for (const auto& [e, m] : mediaTypes())
        if (t == m) return e;
    return {};
}

Json integerJson(std::int64_t v) { return Json(v); }

std::string clip(std::string_view s, std::size_t n) {
    if (s.size() <= n) return std::string(s);
    while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
    return std::string(s.substr(0, n));
}

} // namespace qdx::qualcoder
