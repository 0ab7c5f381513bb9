// Writes N codings to an .xlsx and reports time and peak memory.
//
//   bench_xlsx N OUT.xlsx rows    rows of the Excerpts sheet streamed straight
//                                 into WorkbookWriter (the writer alone)
//   bench_xlsx N OUT.xlsx model   a Project of N codings built in memory, then
//                                 written by the plugin's exporter (the real path)
//
// The rows are the same as openpyxl_write_only.py writes, for comparison.

#include "XlsxFormat.h"
#include "XlsxWriter.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>

namespace {

long peakKiB() {
    std::ifstream s("/proc/self/status");
    std::string line;
    while (std::getline(s, line))
        if (line.rfind("VmHWM:", 0) == 0)
            return std::atol(line.c_str() + 6);
    return -1;
}

long currentKiB() {
    std::ifstream s("/proc/self/status");
    std::string line;
    while (std::getline(s, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::atol(line.c_str() + 6);
    return -1;
}

const char* const kWords[] = {"shelter", "law", "victims", "border", "police", "NGO", "awareness", "training",
                              "migration", "labour", "Kazakhstan", "Uzbekistan", "\xC3\xBC" "ber", "report"};

std::string quote(long i) {
    std::string q;
    unsigned x = static_cast<unsigned>(i) * 2654435761u;
    while (q.size() < 120) {
        q += kWords[x % 14];
        q += ' ';
        x = x * 1103515245u + 12345u;
    }
    return q;
}

double seconds(std::chrono::steady_clock::time_point a) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 4) {
        std::cerr << "usage: bench_xlsx N OUT.xlsx rows|model\n";
        return 2;
    }
    const long n = std::atol(argv[1]);
    const std::string out = argv[2], mode = argv[3];
    qdx::Diagnostics diag;
    const long before = currentKiB();
    auto t0 = std::chrono::steady_clock::now();
    if (mode == "rows") {
        using qdx::xlsx::WriteType;
        qdx::xlsx::WorkbookWriter w(out, diag);
        std::vector<std::string> header{"excerpt_id", "source_id", "source_name", "theme_path", "theme_id", "start", "end",
                                        "quote", "memo", "coder", "date", "coding_id"};
        std::vector<WriteType> types(header.size(), WriteType::Text);
        types[5] = types[6] = WriteType::Number;
        types[10] = WriteType::Date;
        w.beginSheet("Excerpts", header, types);
        std::vector<std::string> row(header.size());
        for (long i = 0; i < n; ++i) {
            row[0] = "E" + std::to_string(i);
            row[1] = "S" + std::to_string(i % 1000);
            row[2] = "Source " + std::to_string(i % 1000);
            row[3] = "Level " + std::to_string(i % 5) + " > Theme " + std::to_string(i % 37);
            row[4] = "T" + std::to_string(i % 37);
            row[5] = std::to_string(i % 5000);
            row[6] = std::to_string(i % 5000 + 120);
            row[7] = quote(i);
            row[8] = i % 10 == 0 ? "a memo on this coding" : "";
            row[9] = "U1";
            row[10] = "2023-04-30T12:00:00Z";
            row[11] = "C" + std::to_string(i);
            w.addRow(row);
        }
        w.close();
        std::printf("mode=rows rows=%ld seconds=%.2f peak_rss_kib=%ld rss_before_kib=%ld\n", n, seconds(t0), peakKiB(), before);
        return 0;
    }
    qdx::Project p;
    p.name = "bench";
    p.users = {{"U1", "Coder", {}}};
    for (int t = 0; t < 37; ++t)
        p.themes.push_back({"T" + std::to_string(t), "Theme " + std::to_string(t), "", "", "", true, {}, {}});
    for (int s = 0; s < 1000; ++s) {
        qdx::Source src;
        src.id = "S" + std::to_string(s);
        src.name = "Source " + std::to_string(s);
        p.sources.push_back(src);
    }
    p.excerpts.reserve(static_cast<std::size_t>(n));
    for (long i = 0; i < n; ++i) {
        qdx::Excerpt e;
        e.id = "E" + std::to_string(i);
        e.source = "S" + std::to_string(i % 1000);
        e.anchor = qdx::TextSpan{i % 5000, i % 5000 + 120};
        e.quote = quote(i);
        e.description = i % 10 == 0 ? "a memo on this coding" : "";
        e.codings.push_back({"C" + std::to_string(i), "T" + std::to_string(i % 37), "U1", "2023-04-30T12:00:00Z", {}});
        p.excerpts.push_back(std::move(e));
    }
    const double build = seconds(t0);
    const long afterBuild = currentKiB();
    const long peakBuild = peakKiB();
    auto t1 = std::chrono::steady_clock::now();
    qdx::xlsx::XlsxExporter ex;
    qdx::xlsx::XlsxProvider prov;
    ex.write(p, out, qdx::Options({}, prov.info().options), diag);
    std::printf("mode=model codings=%ld build_seconds=%.2f write_seconds=%.2f rss_after_build_kib=%ld peak_build_kib=%ld "
                "peak_total_kib=%ld\n",
                n, build, seconds(t1), afterBuild, peakBuild, peakKiB());
    return 0;
}
