"""The rows bench_xlsx writes in "rows" mode, written by openpyxl's
write-only mode, for comparison: python3 openpyxl_write_only.py N OUT.xlsx"""
import datetime
import resource
import sys
import time

import openpyxl

WORDS = ["shelter", "law", "victims", "border", "police", "NGO", "awareness", "training",
         "migration", "labour", "Kazakhstan", "Uzbekistan", "\u00fcber", "report"]


def quote(i):
    q = []
    size = 0
    x = (i * 2654435761) & 0xFFFFFFFF
    while size < 120:
        w = WORDS[x % 14]
        q.append(w)
        size += len(w.encode("utf-8")) + 1
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
    return " ".join(q) + " "


def main():
    n, out = int(sys.argv[1]), sys.argv[2]
    t0 = time.monotonic()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Excerpts")
    ws.append(["excerpt_id", "source_id", "source_name", "theme_path", "theme_id", "start", "end",
               "quote", "memo", "coder", "date", "coding_id"])
    date = datetime.datetime(2023, 4, 30, 12, 0, 0)
    for i in range(n):
        ws.append(["E%d" % i, "S%d" % (i % 1000), "Source %d" % (i % 1000),
                   "Level %d > Theme %d" % (i % 5, i % 37), "T%d" % (i % 37), i % 5000, i % 5000 + 120,
                   quote(i), "a memo on this coding" if i % 10 == 0 else None, "U1", date, "C%d" % i])
    wb.save(out)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("openpyxl write_only rows=%d seconds=%.2f peak_rss_kib=%d" % (n, time.monotonic() - t0, peak))


if __name__ == "__main__":
    main()
