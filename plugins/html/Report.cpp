// writeReport: analyse the project, then write the page through a file sink.

#include "PageWriter.h"

namespace qdx::html {

ReportSummary writeReport(const Project& p, const ReportOptions& o, const Diagnostics& read, const std::string& path) {
    ReportData d = analyse(p, o);
    htmlkit::FileSink sink(path);
    PageWriter w(p, o, d, read, sink);
    ReportSummary s = w.write();
    sink.close();
    return s;
}

} // namespace qdx::html
