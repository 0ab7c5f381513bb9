#!/usr/bin/python3
"""Baseline: .qdpx -> the tidy codings table as CSV (what `qdx convert in.qdpx out.csv`
writes: one row per coding, 22 columns) with lxml iterparse and the csv module; rows are
written while the XML is parsed.

usage: qdpx2csv.py IN.qdpx OUT.csv
"""

import csv
import sys

import refi_lxml
import tidy_rows


def main():
    with open(sys.argv[2], "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(tidy_rows.CODING_HEADER)
        refi_lxml.read(sys.argv[1], tidy_rows.CodingRows(w.writerow))


if __name__ == "__main__":
    main()
