#!/usr/bin/python3
"""The `qdx agree` / `qdx merge` benchmark: agreement over two coders' projects against the
baseline of reading the same two projects (`qdx info A` then `qdx info B`), measured in the
same rounds, ratios taken round by round (bench/harness.py's method).

usage: bench.py --qdx build/bin/qdx --data DIR --name t1000000 [--rounds 3] [--out results.md]
"""
import argparse
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from harness import run_once  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qdx", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    a = os.path.join(args.data, args.name + "-a.json")
    b = os.path.join(args.data, args.name + "-b.json")
    merged = os.path.join(args.data, args.name + "-merged.json")
    q = args.qdx
    cmds = [
        ("read A (qdx info)", [q, "info", a]),
        ("read B (qdx info)", [q, "info", b]),
        ("agree, characters", [q, "agree", a, b]),
        ("agree, segments", [q, "agree", a, b, "--unit", "segment"]),
        ("agree --json", [q, "agree", a, b, "--json"]),
        ("merge A B OUT.json", [q, "merge", a, b, merged, "-q"]),
    ]
    runs = {label: [] for label, _ in cmds}
    for r in range(args.rounds):
        for label, argv in cmds:
            wall, user, sys_, rss, rc = run_once(argv)
            if rc != 0:
                raise SystemExit("failed (exit %d): %s" % (rc, " ".join(argv)))
            runs[label].append((wall, user + sys_, rss))
        print("round %d done (load %s)" % (r + 1, open("/proc/loadavg").read().split()[0]), file=sys.stderr)
    if os.path.exists(merged):
        os.remove(merged)
    base = [runs["read A (qdx info)"][i][k] + runs["read B (qdx info)"][i][k] for i in range(args.rounds) for k in (0,)]
    base_cpu = [runs["read A (qdx info)"][i][1] + runs["read B (qdx info)"][i][1] for i in range(args.rounds)]
    lines = ["| command | wall s (median) | CPU s (median) | peak RSS MB | wall / reading A+B | CPU / reading A+B |",
             "|---|---|---|---|---|---|"]
    for label, _ in cmds:
        rs = runs[label]
        wall = statistics.median(x[0] for x in rs)
        cpu = statistics.median(x[1] for x in rs)
        rss = max(x[2] for x in rs) / 1024
        rw = statistics.median(rs[i][0] / base[i] for i in range(args.rounds))
        rc = statistics.median(rs[i][1] / base_cpu[i] for i in range(args.rounds))
        lines.append("| %s | %.2f | %.2f | %.0f | %.2f | %.2f |" % (label, wall, cpu, rss, rw, rc))
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
