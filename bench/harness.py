#!/usr/bin/python3
"""The qdx benchmark: generates projects, times every conversion against its floor and its
Python baseline in one run, and writes the table (see bench/run.sh, BENCHMARKS.md).

Each comparison is a group of commands run in turn, round after round (qdx, floor, Python,
qdx, floor, Python, ...; the order rotates each round), so that a ratio is taken between
runs made seconds apart: on a shared machine whose speed drifts, the ratios of one round
stay meaningful when absolute times do not. Every run is a whole process, timed from start
to exit (wall clock) with the kernel's accounting of the finished child (os.wait4: user and
system seconds, peak resident set size). Outputs go to files in the page cache; commands
whose output is not a file (unzip -p) write to /dev/null.

Standard library only.
"""

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
PY = "/usr/bin/python3"


def run_once(cmd, stdout_path=None):
    """Runs cmd (a list); returns (wall s, user s, sys s, peak RSS KiB, exit code)."""
    out = open(stdout_path, "wb") if stdout_path else subprocess.DEVNULL
    try:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.DEVNULL)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
    finally:
        if stdout_path:
            out.close()
    p.returncode = os.waitstatus_to_exitcode(status)
    return wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss, p.returncode


class Cmd:
    def __init__(self, label, argv, output=None):
        self.label, self.argv, self.output = label, argv, output
        self.runs = []   # (wall, user, sys, rss)

    def clean(self):
        if self.output and os.path.isdir(self.output):
            shutil.rmtree(self.output)  # a QualCoder project folder
        elif self.output and os.path.exists(self.output):
            os.remove(self.output)

    def run(self):
        self.clean()
        w, u, s, rss, rc = run_once(self.argv)
        if rc != 0:
            raise SystemExit("command failed (exit %d): %s" % (rc, " ".join(map(shlex.quote, self.argv))))
        return w, u, s, rss


def group(cmds, rounds, warmup, log):
    """Runs the commands in turn; returns per-command runs, order rotated each round."""
    n = len(cmds)
    for r in range(warmup + rounds):
        order = [cmds[(i + r) % n] for i in range(n)]
        res = {}
        for c in order:
            res[c.label] = c.run()
        if r >= warmup:
            for c in cmds:
                c.runs.append(res[c.label])
        log("      round %d%s: %s" % (r + 1 - warmup if r >= warmup else 0, " (warm-up)" if r < warmup else "",
                                       "  ".join("%s %.2fs" % (c.label, res[c.label][0]) for c in cmds)))
    for c in cmds:
        c.clean()


def summary(c):
    walls = [r[0] for r in c.runs]
    cpus = [r[1] + r[2] for r in c.runs]
    rss = [r[3] for r in c.runs]
    return {"label": c.label, "argv": c.argv, "runs": len(c.runs), "wall_min": min(walls),
            "wall_median": statistics.median(walls), "wall_max": max(walls), "cpu_median": statistics.median(cpus),
            "rss_max_kib": max(rss), "rss_median_kib": statistics.median(rss), "walls": walls}


def ratios(a, b):
    """Pairwise wall-clock ratios a/b of the same rounds."""
    rs = [x[0] / y[0] for x, y in zip(a.runs, b.runs)]
    cs = [(x[1] + x[2]) / max(y[1] + y[2], 1e-3) for x, y in zip(a.runs, b.runs)]
    return {"median": statistics.median(rs), "min": min(rs), "max": max(rs), "all": rs,
            "cpu_median": statistics.median(cs)}


def size_label(n):
    e = len(str(n)) - 1
    return "1e%d" % e if n == 10 ** e else str(n)


def generate(out, name, args, log):
    """Runs gen.py unless the files exist from the same generator and arguments."""
    stamp = os.path.join(out, name + ".stamp")
    with open(os.path.join(HERE, "gen.py"), "rb") as f:
        key = json.dumps({"args": args, "gen": hash_bytes(f.read())})
    if os.path.exists(stamp) and open(stamp).read() == key:
        return
    log("  generating %s (%s)" % (name, " ".join(args)))
    t0 = time.perf_counter()
    subprocess.run([PY, os.path.join(HERE, "gen.py"), "--out", out, "--name", name] + args, check=True)
    log("  generated in %.1f s" % (time.perf_counter() - t0))
    with open(stamp, "w") as f:
        f.write(key)


def hash_bytes(b):
    import hashlib
    return hashlib.sha256(b).hexdigest()


def machine():
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal"):
                mem = "%.1f GiB" % (int(line.split()[1]) / 1048576)
    except OSError:
        pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "kernel": platform.release(),
            "python": platform.python_version(), "load_before": os.getloadavg()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qdx", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--sizes", default="1e4 1e5 1e6")
    ap.add_argument("--runs", type=int, default=5, help="rounds at sizes below 1e6")
    ap.add_argument("--runs-big", type=int, default=2, help="rounds at 1e6 and above (no warm-up)")
    ap.add_argument("--media-mb", type=int, default=1024)
    ap.add_argument("--media-rounds", type=int, default=7)
    ap.add_argument("--formats-runs", type=int, default=20)
    ap.add_argument("--only", default="", help="comma list of suites: json,tojson,xlsx,csv,cjk,qda,media,formats")
    a = ap.parse_args()
    out = os.path.abspath(a.out)
    data, work = os.path.join(out, "data"), os.path.join(out, "work")
    os.makedirs(data, exist_ok=True)
    os.makedirs(work, exist_ok=True)
    logf = open(os.path.join(out, "bench.log"), "a")

    def log(msg):
        print(msg, flush=True)
        logf.write(msg + "\n")
        logf.flush()

    qdx = os.path.abspath(a.qdx)
    only = set(a.only.split(",")) if a.only else {"json", "tojson", "xlsx", "csv", "cjk", "qda", "media", "formats"}
    res = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S"), "qdx": qdx, "sizes": {}, "media": None,
           "formats": None}
    log("qdx benchmark %s  machine: %s" % (res["started"], res["machine"]))
    base = os.path.join(HERE, "baselines")
    for s in a.sizes.split():
        n = int(float(s))
        name = "p" + size_label(n)
        big = n >= 10 ** 6
        rounds, warmup = (a.runs_big, 0) if big else (a.runs, 1)
        generate(data, name, ["--codings", str(n)], log)
        qdpx, js = os.path.join(data, name + ".qdpx"), os.path.join(data, name + ".json")
        with zipfile.ZipFile(qdpx) as z:
            xml_bytes = z.getinfo("project.qde").file_size
            unpacked = sum(i.file_size for i in z.infolist())
        entry = {"codings": n, "qdpx_bytes": os.path.getsize(qdpx), "xml_bytes": xml_bytes,
                 "unpacked_bytes": unpacked, "json_bytes": os.path.getsize(js), "rounds": rounds, "warmup": warmup,
                 "suites": {}}
        res["sizes"][name] = entry
        log("== %s: %d codings, project.qde %.1f MB, archive %.1f MB unpacked %.1f MB, JSON %.1f MB; %d rounds"
            % (name, n, xml_bytes / 1e6, entry["qdpx_bytes"] / 1e6, unpacked / 1e6, entry["json_bytes"] / 1e6, rounds))
        w = lambda f: os.path.join(work, name + "." + f)
        floor = Cmd("unzip -p", ["unzip", "-p", qdpx])
        suites = []
        if "json" in only:
            suites.append(("qdpx->json", [Cmd("qdx", [qdx, "convert", qdpx, w("qdx.json")], w("qdx.json")),
                                          Cmd("unzip -p", floor.argv),
                                          Cmd("python", [PY, os.path.join(base, "qdpx2json.py"), qdpx, w("py.json")],
                                              w("py.json"))]))
        if "tojson" in only:
            suites.append(("json->qdpx", [Cmd("qdx", [qdx, "convert", js, w("qdx.qdpx")], w("qdx.qdpx")),
                                          Cmd("cat json", ["cat", js])]))
        if "xlsx" in only:
            suites.append(("qdpx->xlsx", [Cmd("qdx", [qdx, "convert", qdpx, w("qdx.xlsx")], w("qdx.xlsx")),
                                          Cmd("python", [PY, os.path.join(base, "qdpx2xlsx.py"), qdpx, w("py.xlsx")],
                                              w("py.xlsx"))]))
        if "csv" in only:
            suites.append(("qdpx->csv", [Cmd("qdx", [qdx, "convert", qdpx, w("qdx.csv")], w("qdx.csv")),
                                         Cmd("unzip -p", floor.argv),
                                         Cmd("python", [PY, os.path.join(base, "qdpx2csv.py"), qdpx, w("py.csv")],
                                             w("py.csv"))]))
        if "cjk" in only:
            # Chinese and Japanese without spaces, every selection inside words: the REFI
            # reader's word-boundary check and its search for a better offset profile run
            # for every source (word-aligned Latin text never reaches them).
            cname = "c" + size_label(n)
            generate(data, cname, ["--codings", str(n), "--text", "cjk", "--selections", "inside", "--no-json"], log)
            cjk = os.path.join(data, cname + ".qdpx")
            suites.append(("qdpx(cjk, inside words)->json",
                           [Cmd("qdx", [qdx, "convert", cjk, w("cjk.qdx.json")], w("cjk.qdx.json")),
                            Cmd("unzip -p", ["unzip", "-p", cjk])]))
        if "qda" in only and not big:
            # QualCoder project folders (SQLite): written from JSON, and read back (the folder qdx
            # wrote, made once). Below 10^6: the Python baselines hold the whole JSON in memory.
            qda = w("in.qda")
            if os.path.isdir(qda):
                shutil.rmtree(qda)
            subprocess.run([qdx, "convert", "-q", js, qda], check=True)
            suites.append(("json->qda", [Cmd("qdx", [qdx, "convert", "-q", js, w("qdx.qda")], w("qdx.qda")),
                                         Cmd("python", [PY, os.path.join(base, "json2qda.py"), js, w("py.qda")], w("py.qda"))]))
            suites.append(("qda->json", [Cmd("qdx", [qdx, "convert", "-q", qda, w("qda.json")], w("qda.json")),
                                         Cmd("python", [PY, os.path.join(base, "qda2json.py"), qda, w("pyqda.json")],
                                             w("pyqda.json"))]))
        for title, cmds in suites:
            log("  %s" % title)
            group(cmds, rounds, warmup, log)
            sm = {c.label: summary(c) for c in cmds}
            rt = {"%s/%s" % (cmds[0].label, c.label): ratios(cmds[0], c) for c in cmds[1:]}
            entry["suites"][title] = {"commands": sm, "ratios": rt}
            log("    " + "  ".join("%s: median %.3fs min %.3fs cpu %.2fs rss %.0f MB" % (
                k, v["wall_median"], v["wall_min"], v["cpu_median"], v["rss_max_kib"] / 1024) for k, v in sm.items()))
            log("    ratios " + "  ".join("%s %.2f (%.2f-%.2f) cpu %.2f" % (k, v["median"], v["min"], v["max"], v["cpu_median"])
                                          for k, v in rt.items()))
            write_results(out, res)
    if "media" in only and a.media_mb:
        name = "media%d" % a.media_mb
        generate(data, name, ["--codings", "0", "--media-mb", str(a.media_mb), "--no-json"], log)
        src = os.path.join(data, name + ".qdpx")
        o1, o2 = os.path.join(work, name + ".qdx.qdpx"), os.path.join(work, name + ".cp.qdpx")
        o3, o4 = os.path.join(work, name + ".qdxsync.qdpx"), os.path.join(work, name + ".cpsync.qdpx")
        # cp leaves its copy in the page cache, and so does qdx convert by default. With --sync
        # qdx's output is on the disk when it exits (fsync); "cp + sync" is the same for cp: cp,
        # then an fsync of the copy (coreutils sync FILE).
        cmds = [Cmd("qdx", [qdx, "convert", src, o1], o1), Cmd("cp", ["cp", src, o2], o2),
                Cmd("qdx --sync", [qdx, "convert", "--sync", src, o3], o3),
                Cmd("cp+sync", ["sh", "-c", 'cp "$1" "$2" && exec sync "$2"', "sh", src, o4], o4)]
        log("== media passthrough: %s (%.0f MB)" % (name, os.path.getsize(src) / 1e6))
        # Two rotations: a synced command waits for the disk to take whatever earlier
        # unsynced copies left dirty, so the page-cache pair and the durable pair run apart.
        group(cmds[:2], a.media_rounds, 1, log)
        for c in cmds[:2]:
            c.clean()
        os.sync()
        group(cmds[2:], a.media_rounds, 1, log)
        res["media"] = {"bytes": os.path.getsize(src), "commands": {c.label: summary(c) for c in cmds},
                        "ratios": {"qdx/cp": ratios(cmds[0], cmds[1]), "qdx --sync/cp+sync": ratios(cmds[2], cmds[3])}}
        log("    qdx/cp %.2f, qdx --sync/(cp+sync) %.2f, qdx rss %.0f MB" % (
            res["media"]["ratios"]["qdx/cp"]["median"], res["media"]["ratios"]["qdx --sync/cp+sync"]["median"],
            res["media"]["commands"]["qdx"]["rss_max_kib"] / 1024))
        write_results(out, res)
    if "formats" in only:
        c = Cmd("qdx formats", [qdx, "formats"])
        t = Cmd("true", ["/bin/true"])
        group([c, t], a.formats_runs, 2, lambda m: None)
        res["formats"] = {"commands": {"qdx formats": summary(c), "true": summary(t)}}
        log("== qdx formats: median %.1f ms (min %.1f, max %.1f); /bin/true %.1f ms"
            % (summary(c)["wall_median"] * 1e3, summary(c)["wall_min"] * 1e3, summary(c)["wall_max"] * 1e3,
               summary(t)["wall_median"] * 1e3))
    res["machine"]["load_after"] = os.getloadavg()
    res["finished"] = time.strftime("%Y-%m-%d %H:%M:%S")
    write_results(out, res)
    print(open(os.path.join(out, "results.md")).read())


def write_results(out, res):
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    with open(os.path.join(out, "results.md"), "w") as f:
        f.write(report(res))


def report(res):
    m = res["machine"]
    L = ["# qdx benchmark results", "",
         "%s; %s cores, %s, %s; Linux %s, Python %s; load average before %s, after %s" % (
             res["started"], m["nproc"], m["cpu"], m["memory"], m["kernel"], m["python"],
             "/".join("%.1f" % x for x in m["load_before"]),
             "/".join("%.1f" % x for x in m.get("load_after", ())) or "-"), "",
         "Wall-clock medians in seconds; ratio = qdx / other, the median of the per-round wall-clock ratios "
         "(min-max); CPU ratio = the same over user+system seconds (steadier on a loaded machine); "
         "RSS = peak resident set of the process.", "",
         "| size | conversion | qdx | other | ratio qdx/other | CPU ratio | qdx RSS | RSS / project.qde |",
         "|---|---|---|---|---|---|---|---|"]
    for name, e in res["sizes"].items():
        for title, s in e["suites"].items():
            q = s["commands"]["qdx"]
            first = True
            for k, r in s["ratios"].items():
                other = s["commands"][k.split("/", 1)[1]]
                L.append("| %s | %s | %.3f | %s %.3f | %.2f (%.2f-%.2f) | %.2f | %.0f MB | %s |" % (
                    name if first else "", title if first else "", q["wall_median"], other["label"],
                    other["wall_median"], r["median"], r["min"], r["max"], r["cpu_median"], q["rss_max_kib"] / 1024,
                    "%.2f" % (q["rss_max_kib"] * 1024 / e["xml_bytes"]) if first else ""))
                first = False
    if res.get("media"):
        md = res["media"]
        q, c, r = md["commands"]["qdx"], md["commands"]["cp"], md["ratios"]["qdx/cp"]
        L.append("| %.0f MB video | qdpx->qdpx | %.3f | cp %.3f | %.2f (%.2f-%.2f) | %.2f | %.0f MB | |" % (
            md["bytes"] / 1e6, q["wall_median"], c["wall_median"], r["median"], r["min"], r["max"], r["cpu_median"],
            q["rss_max_kib"] / 1024))
        if "cp+sync" in md["commands"]:
            qs, cs, rs = md["commands"]["qdx --sync"], md["commands"]["cp+sync"], md["ratios"]["qdx --sync/cp+sync"]
            L.append("| | qdpx->qdpx --sync | %.3f | cp + sync %.3f | %.2f (%.2f-%.2f) | %.2f | %.0f MB | |" % (
                qs["wall_median"], cs["wall_median"], rs["median"], rs["min"], rs["max"], rs["cpu_median"],
                qs["rss_max_kib"] / 1024))
    if res.get("formats"):
        f = res["formats"]["commands"]["qdx formats"]
        t = res["formats"]["commands"]["true"]
        L.append("| | qdx formats | %.1f ms | /bin/true %.1f ms | | | %.0f MB | |" % (
            f["wall_median"] * 1e3, t["wall_median"] * 1e3, f["rss_max_kib"] / 1024))
    L.append("")
    L.append("Sizes: " + "; ".join("%s: project.qde %.1f MB, .qdpx %.1f MB, JSON %.1f MB, %d rounds%s" % (
        n, e["xml_bytes"] / 1e6, e["qdpx_bytes"] / 1e6, e["json_bytes"] / 1e6, e["rounds"],
        "" if e["warmup"] else " (no warm-up)") for n, e in res["sizes"].items()))
    L.append("")
    return "\n".join(L)


if __name__ == "__main__":
    main()
