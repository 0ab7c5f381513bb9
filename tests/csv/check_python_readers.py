#!/usr/bin/python3
"""Python's csv module and pandas read the CSV that qdx writes, with the right
row counts (single tables, .zip bundles, tool layouts, formula-guarded cells).

Run by ctest with QDX_BIN_DIR (the qdx command and its plugins), QDX_SOURCE_DIR
(the repository) and optionally QDX_CORPUS (the shared real files)."""

import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import zipfile

import pandas as pd

BIN = os.environ["QDX_BIN_DIR"]
SRC = os.environ["QDX_SOURCE_DIR"]
CORPUS = os.environ.get("QDX_CORPUS", "")
QDX = os.path.join(BIN, "qdx")
failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def qdx(*args):
    r = subprocess.run([QDX, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"qdx {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
    return r


def csv_rows(data):
    """Data rows by Python's csv module (header excluded)."""
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline="")))


def pandas_rows(data):
    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def check_table(name, data, expected_rows):
    rows = csv_rows(data)
    df = pandas_rows(data)
    check(len(rows) - 1 == expected_rows, f"{name}: csv module reads {len(rows) - 1} data rows, expected {expected_rows}")
    check(len(df) == expected_rows, f"{name}: pandas reads {len(df)} rows, expected {expected_rows}")
    check(all(len(r) == len(rows[0]) for r in rows), f"{name}: every row has {len(rows[0])} fields")
    check(list(df.columns) == rows[0], f"{name}: pandas sees the same header")
    return rows, df


def check_bundle(name, path, expected):
    with zipfile.ZipFile(path) as z:
        check(z.namelist()[0] == "qdx-tables.json", f"{name}: the manifest is the first member")
        manifest = json.loads(z.read("qdx-tables.json"))
        check(manifest["format"] == "qdx-tables", f"{name}: manifest format")
        for t in manifest["tables"]:
            data = z.read(t["file"])
            want = expected.get(t["name"], t["rows"])
            check(t["rows"] == want, f"{name}/{t['name']}: manifest says {t['rows']} rows, expected {want}")
            check_table(f"{name}/{t['name']}", data, want)


def no_live_formulas(name, rows):
    live = [c for r in rows[1:] for c in r if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    check(not live, f"{name}: no text cell starts a formula ({len(live)} found)")


with tempfile.TemporaryDirectory() as tmp:
    quotes = os.path.join(SRC, "samples", "hti-central-asia", "hti-quotes.csv")
    if os.path.exists(quotes):
        # The seed quote sheet: 15 quotes of 9 sources, no themes (Python's csv module counts them).
        with open(quotes, newline="", encoding="utf-8-sig") as f:
            n = len(list(csv.reader(f))) - 1
        out = os.path.join(tmp, "quotes.zip")
        qdx("convert", quotes, out)
        check_bundle("quotes.zip", out, {"codings": n, "sources": 9, "themes": 0, "project": 10})
        one = os.path.join(tmp, "codings.csv")
        qdx("convert", quotes, one)
        rows, df = check_table("codings.csv", open(one, "rb").read(), n)
        check(rows[0][:4] == ["excerpt_id", "source_id", "source_name", "theme_path"], "codings.csv: tidy header")
        back = os.path.join(tmp, "seed-quotes.csv")
        qdx("convert", quotes, back, "-o", "layout=seed-quotes", "-o", "bom=true")
        data = open(back, "rb").read()
        check(data.startswith(b"\xef\xbb\xbf"), "seed-quotes.csv: starts with a BOM (-o bom=true)")
        rows, _ = check_table("seed-quotes.csv", data, n)
        check(rows[0][:3] == ["Source", "Verbatim quote", "News/report source"], "seed-quotes.csv: the paper's columns")

        sample = os.path.join(SRC, "samples", "hti-central-asia", "hti-central-asia.json")
        formats = qdx("formats").stdout
        if os.path.exists(sample) and "json" in formats.split():
            out = os.path.join(tmp, "seed.zip")
            qdx("convert", sample, out)
            # samples/hti-central-asia/README.md: 15 codings, 7 themes, 9 sources, 5 cases, 5 memos, 1 user, 8 attributes, 3 sets.
            check_bundle("seed.zip", out, {"codings": 15, "themes": 7, "sources": 9, "cases": 5, "memos": 5,
                                           "users": 1, "attributes": 8, "sets": 3})
        else:
            print("skip seed JSON sample (json plugin not built)")

    # Formula-like cells are neutralised in what spreadsheets open.
    hostile = os.path.join(tmp, "hostile.csv")
    with open(hostile, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["Source", "Verbatim quote", "Report source", "Theme"])
        w.writerow(["=HYPERLINK(\"http://x\")", "=1+1", "@SUM(A1)", "+theme"])
        w.writerow(["src", "- a bulleted answer\nsecond line", "\tTAB", "-minus"])
        w.writerow(["src", "plain, with comma", "", ""])
    out = os.path.join(tmp, "guarded.csv")
    qdx("convert", hostile, out)
    rows, _ = check_table("guarded.csv", open(out, "rb").read(), 3)
    no_live_formulas("guarded.csv", rows)
    check(any(r[7] == "'=1+1" for r in rows[1:]), "guarded.csv: '=1+1' prefixed with a quote")
    check(any("second line" in r[7] for r in rows[1:]), "guarded.csv: a line break inside a cell survives")
    out = os.path.join(tmp, "guarded.zip")
    qdx("convert", hostile, out)
    with zipfile.ZipFile(out) as z:
        for t in json.loads(z.read("qdx-tables.json"))["tables"]:
            no_live_formulas("guarded.zip/" + t["name"], csv_rows(z.read(t["file"])))

    if CORPUS:
        tg = os.path.join(CORPUS, "tabular", "taguette", "AIguidelines__all_tags.csv")
        out = os.path.join(tmp, "taguette.zip")
        qdx("convert", tg, out)
        # Python: 421 distinct (document, content, tag), 31 tags, 36 documents.
        check_bundle("taguette.zip", out, {"codings": 421, "themes": 31, "sources": 36})
        book = os.path.join(CORPUS, "tabular", "atlasti", "ICSA26-edgeai__20250914_codebook_full.csv")
        for dialect, rows in [("maxqda-codes", 465), ("atlasti-codebook", 465), ("taguette-codebook", 465)]:
            out = os.path.join(tmp, dialect + ".csv")
            qdx("convert", book, out, "-o", "layout=" + dialect)
            check_table(dialect + ".csv", open(out, "rb").read(), rows)
    else:
        print("skip corpus conversions (QDX_CORPUS unset)")

if failures:
    print(f"{len(failures)} check(s) failed")
    sys.exit(1)
print("all checks passed")
