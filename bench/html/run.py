#!/usr/bin/python3
"""Benchmark of the html report: file size, conversion time and load time in headless
Chromium, as ratios against baselines measured in the same run.

    bench/html/run.py [--qdx build/bin/qdx] [--sizes "1e4 1e5"] [--rounds 3] [--out bench/out/html]

For each size, bench/gen.py writes a synthetic project (canonical JSON; 300 themes, 200
excerpts per source, two codings per excerpt on average) and qdx writes:
  report.html       the default report (at most 50 excerpts listed per theme)
  report-all.html   every excerpt listed (-o max-excerpts-per-theme=0)
and this script writes two baseline pages:
  plain.html        every quote of the project once, each in a <p>, nothing else: the bare
                    content a browser would have to take in without qdx's structure
  empty.html        an empty page: the browser's own floor
Conversion time is compared with qdx writing the same project as JSON. Each page is loaded
in headless Chromium (Debian's, through chromedriver) with JavaScript on and off, pages in
rotation, `--rounds` times; the medians of: first contentful paint, DOMContentLoaded and the
end of the load event (the page's navigation timing), and driver.get()'s wall time.

Budget, checked at the largest size: the default report paints within 1 s and has loaded
within 5 s, with JavaScript on and off. Exit 1 when it is missed. The ratios say what the
structure costs over the bare quotes. Results: OUT/results.md and results.json.
"""
import argparse
import html
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "html"))
import browser  # noqa: E402

BUDGET_FCP_MS, BUDGET_LOAD_MS = 1000, 5000


def run(cmd):
    t = time.monotonic()
    p = subprocess.run(cmd, capture_output=True)
    if p.returncode != 0:
        sys.exit("bench: %s failed: %s" % (" ".join(cmd), p.stderr.decode(errors="replace")))
    return time.monotonic() - t


def plain_page(project_json, path):
    with open(project_json, encoding="utf-8") as f:
        p = json.load(f)
    texts = {s["id"]: s.get("text", "") for s in p["sources"]}
    with open(path, "w", encoding="utf-8") as out:
        out.write("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>plain</title></head><body>\n")
        for e in p["excerpts"]:
            quote = e.get("quote")
            a = e.get("anchor", {})
            if quote is None and a.get("type") == "text":  # offsets are code points: Python's str indices
                quote = texts.get(e["source"], "")[a["start"]:a["end"]]
            out.write("<p>" + html.escape(quote or "") + "</p>\n")
        out.write("</body></html>\n")


def measure(b, page):
    wall, (dcl, load) = b.load("file://" + page)
    fcp = b.driver.execute_script(
        "var e=performance.getEntriesByName('first-contentful-paint')[0];return e?e.startTime:0;")
    return {"wall_ms": wall * 1000, "fcp_ms": fcp, "dcl_ms": dcl, "load_ms": load}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qdx", default=os.path.join(ROOT, "build", "bin", "qdx"))
    ap.add_argument("--sizes", default="1e4 1e5")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out", "html"))
    a = ap.parse_args()
    why = browser.missing()
    if why:
        sys.exit("bench: " + why)
    os.makedirs(a.out, exist_ok=True)
    print("load: " + open("/proc/loadavg").read().strip())
    results = []
    for size in a.sizes.split():
        n = int(float(size))
        name = "p%s" % size
        data = os.path.join(a.out, "data")
        src = os.path.join(data, name + ".json")
        if not os.path.exists(src):
            os.makedirs(data, exist_ok=True)
            run(["/usr/bin/python3", os.path.join(ROOT, "bench", "gen.py"), "--codings", str(n), "--out", data,
                 "--name", name, "--no-qdpx"])
        d = os.path.join(a.out, name)
        os.makedirs(d, exist_ok=True)
        pages = {k: os.path.join(d, k + ".html") for k in ("report", "report-all", "plain", "empty")}
        convert = {"json": [], "report": [], "report-all": []}
        for _ in range(a.rounds):  # in rotation, so that drift hits all alike
            convert["json"].append(run([a.qdx, "convert", "-q", src, os.path.join(d, "copy.json")]))
            convert["report"].append(run([a.qdx, "convert", "-q", src, pages["report"]]))
            convert["report-all"].append(run([a.qdx, "convert", "-q", src, pages["report-all"],
                                               "-o", "max-excerpts-per-theme=0"]))
        plain_page(src, pages["plain"])
        with open(pages["empty"], "w") as f:
            f.write("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>empty</title></head><body></body></html>\n")
        loads = {(js, k): [] for js in (True, False) for k in pages}
        for js in (True, False):
            with browser.Browser(js=js, profile=os.path.join(a.out, "profile")) as b:
                measure(b, pages["empty"])  # warm-up
                for _ in range(a.rounds):
                    for k, page in pages.items():
                        loads[(js, k)].append(measure(b, page))
        row = {"codings": n, "json_bytes": os.path.getsize(src),
               "bytes": {k: os.path.getsize(p) for k, p in pages.items()},
               "convert_s": {k: statistics.median(v) for k, v in convert.items()},
               "load": {("js" if js else "nojs") + ":" + k: {m: statistics.median(x[m] for x in v) for m in v[0]}
                        for (js, k), v in loads.items()},
               "runs": {("js" if js else "nojs") + ":" + k: v for (js, k), v in loads.items()}}
        results.append(row)
        print(json.dumps({k: row[k] for k in ("codings", "bytes", "convert_s")}))
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(results, f, indent=1)
    md = report(results)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(md)
    print(md)
    big = results[-1]["load"]
    ok = all(big[m + ":report"]["fcp_ms"] <= BUDGET_FCP_MS and big[m + ":report"]["load_ms"] <= BUDGET_LOAD_MS
             for m in ("js", "nojs"))
    print("budget (default report at %s codings, JavaScript on and off): paint <= %d ms, loaded <= %d ms: %s"
          % ("{:,}".format(results[-1]["codings"]), BUDGET_FCP_MS, BUDGET_LOAD_MS, "met" if ok else "MISSED"))
    return 0 if ok else 1


def report(results):
    mb = lambda b: "%.1f MB" % (b / 1e6)  # noqa: E731
    lines = ["| codings | page | size | size / JSON | qdx writes it | / qdx to JSON | paint (JS on) | loaded (JS on) "
             "| loaded / plain (JS on) | loaded (JS off) | loaded / plain (JS off) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        for k in ("report", "report-all", "plain", "empty"):
            on, off = r["load"]["js:" + k], r["load"]["nojs:" + k]
            conv = r["convert_s"].get(k)
            lines.append("| %s | %s | %s | %.2f | %s | %s | %.0f ms | %.0f ms | %.2f | %.0f ms | %.2f |" % (
                "{:,}".format(r["codings"]), k, mb(r["bytes"][k]), r["bytes"][k] / r["json_bytes"],
                "%.2f s" % conv if conv else "", "%.2f" % (conv / r["convert_s"]["json"]) if conv else "",
                on["fcp_ms"], on["load_ms"], on["load_ms"] / r["load"]["js:plain"]["load_ms"],
                off["load_ms"], off["load_ms"] / r["load"]["nojs:plain"]["load_ms"]))
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
