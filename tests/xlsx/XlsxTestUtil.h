#pragma once
// Helpers of the xlsx tests: scratch files, hand-made workbooks, running
// openpyxl and LibreOffice.

#include "qdx/Zip.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace xlsxtest {

/// A private scratch folder, removed with everything in it when the test program ends.
inline std::string scratchDir() {
    struct Dir {
        std::string path;
        Dir() {
            char tmpl[] = "/tmp/qdx-xlsx-test-XXXXXX";
            const char* d = mkdtemp(tmpl);
            if (!d)
                throw std::runtime_error("cannot create a scratch folder");
            path = d;
        }
        ~Dir() {
            if (path.rfind("/tmp/qdx-xlsx-test-", 0) == 0 && std::getenv("QDX_KEEP_SCRATCH") == nullptr)
                std::system(("rm -rf '" + path + "'").c_str());
        }
    };
    static Dir dir;
    return dir.path;
}

inline std::string scratch(const std::string& name) { return scratchDir() + "/" + name; }

inline std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void writeFile(const std::string& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary);
    out << data;
}

/// Runs a shell command and returns its standard output; `rc` gets the exit status.
inline std::string run(const std::string& cmd, int* rc = nullptr) {
    std::string out;
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) {
        if (rc)
            *rc = -1;
        return out;
    }
    char buf[4096];
    std::size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        out.append(buf, n);
    const int status = pclose(p);
    if (rc)
        *rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return out;
}

inline std::string python() {
    const char* p = std::getenv("PYTHON");
    return p && *p ? p : "/usr/bin/python3";
}

inline const char* const kMain = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// A minimal workbook from the given parts; missing standard parts are added
/// (one sheet "Data" at xl/worksheets/sheet1.xml).
inline void makeWorkbook(const std::string& path, std::map<std::string, std::string> parts, bool withStrings = false,
                         bool withStyles = false) {
    const std::string decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
    parts.emplace("[Content_Types].xml",
                  decl + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                         "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                         "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>");
    parts.emplace("_rels/.rels", decl + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                                        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                                        "relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>");
    parts.emplace("xl/workbook.xml",
                  decl + "<workbook xmlns=\"" + kMain +
                      "\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                      "<sheets><sheet name=\"Data\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>");
    std::string rels = decl + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                              "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
                              "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>";
    if (withStrings)
        rels += "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                "sharedStrings\" Target=\"sharedStrings.xml\"/>";
    if (withStyles)
        rels += "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
                "styles\" Target=\"/xl/styles.xml\"/>";
    rels += "</Relationships>";
    parts.emplace("xl/_rels/workbook.xml.rels", rels);
    ::unlink(path.c_str());
    qdx::ZipWriter z(path);
    for (auto& [name, data] : parts)
        z.addBytes(name, data);
    z.close();
}

/// A sheet part around the given <sheetData> content.
inline std::string sheetXml(const std::string& rows, const std::string& before = {}) {
    return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>") + before + "<worksheet xmlns=\"" + kMain +
           "\"><sheetData>" + rows + "</sheetData></worksheet>";
}

} // namespace xlsxtest
