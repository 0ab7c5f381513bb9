#!/usr/bin/python3
"""Time complexity of every importer and writer: doubling the input must about
double the time, not quadruple it.

Each case builds one synthetic input shape at two sizes, n and 2n, and runs the
same qdx command on both, alternating, REPEAT times. The time of a run is the
CPU time (user + system, all threads) of the qdx process, which load on a shared
machine disturbs far less than wall time; the time of a size is the minimum of
its runs, less the minimum time of the same command on a tiny input (start-up,
plugin loading). The case fails when t(2n) / t(n) exceeds LIMIT (default 3.0:
linear work gives about 2, quadratic about 4) and t(2n) is over 50 ms. The sizes are chosen so that the
quadratic paths of issue 15 showed ratios of 4 to 8 (the REFI reader's offset
check on CJK text, theme paths in the table writers, the theme-cycle check,
Json::set, the search for missing source files), while every case takes well
under a second when linear.

Timings under a sanitizer say nothing about the release build: with
QDX_SANITIZE=1 the script only runs each case once at size n, as a smoke test.

usage: check_complexity.py QDX_BINARY SOURCE_DIR WORK_DIR [CASE_SUBSTRING...]
environment: QDX_COMPLEXITY_LIMIT (3.0), QDX_COMPLEXITY_REPEAT (3),
             QDX_COMPLEXITY_SCALE (1.0: multiplies every size)"""

import json
import os
import shutil
import subprocess
import sys
import time
import zipfile

QDX, SRC, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
ONLY = sys.argv[4:]
GEN = os.path.join(SRC, "bench", "gen.py")
PY = "/usr/bin/python3"
LIMIT = float(os.environ.get("QDX_COMPLEXITY_LIMIT", "3.0"))
REPEAT = int(os.environ.get("QDX_COMPLEXITY_REPEAT", "3"))
SCALE = float(os.environ.get("QDX_COMPLEXITY_SCALE", "1.0"))
SANITIZE = os.environ.get("QDX_SANITIZE") == "1"
TIMEOUT = 60.0
FLOOR = 0.1  # seconds: below this at 2n the work is negligible and its ratio mostly noise (each case is sized so that its quadratic form took seconds)
NS_REFI = "urn:QDA-XML:project:1.0"
NS_QDC = "urn:QDA-XML:codebook:1.0"


def guid(kind, i):
    return "%08X-0000-4000-8000-%012X" % (kind, i)


# ------------------------------------------------------------------ inputs

def gen_project(n, name, *extra):
    """bench/gen.py: n codings, both forms (.json and .qdpx)."""
    base = os.path.join(WORK, name)
    if not os.path.exists(base + ".json"):
        subprocess.run([PY, GEN, "--codings", str(n), "--out", WORK, "--name", name] + list(extra), check=True,
                       stdout=subprocess.DEVNULL)
    return base


def bench_json(n):
    return gen_project(n, "bench-%d" % n) + ".json"


def bench_cjk_qdpx(n):
    """n codings in CJK text, ten selections to a source, none on a word boundary: each source
    scores poorly, which sent the REFI reader through every selection of the project once per
    source and other offset profile."""
    return gen_project(n, "cjk-%d" % n, "--excerpts", "10", "--text", "cjk", "--selections", "inside") + ".qdpx"


def converted(src, ext):
    """src converted by qdx itself (untimed): the input of an importer case."""
    dst = os.path.splitext(src)[0] + "." + ext
    if not os.path.exists(dst):
        subprocess.run([QDX, "convert", src, dst, "-q"], check=True, timeout=TIMEOUT)
    return dst


def write_json(path, doc):
    if not os.path.exists(path):
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(doc, f)
        os.replace(path + ".tmp", path)
    return path


def themes_json(n, shape):
    """A project of n themes and nothing else: flat, a tree of fan-out 4, or one chain."""
    themes = []
    for i in range(n):
        t = {"id": guid(1, i), "name": "Theme %d" % i}
        parent = None if shape == "flat" else (i - 1 if shape == "chain" else (i - 1) // 4)
        if parent is not None and parent >= 0:
            t["parent"] = guid(1, parent)
        themes.append(t)
    return write_json(os.path.join(WORK, "themes-%s-%d.json" % (shape, n)), {"qdx": "1.0", "themes": themes})


def transcript_json(n):
    """One audio source whose transcript has n sync points, and n excerpts anchored on them: each
    anchor's sync points were looked for by a scan of the transcript's."""
    sps = [{"id": guid(8, i), "timeMs": i * 1000, "position": i} for i in range(n)]
    src = {"id": guid(2, 0), "name": "Audio", "kind": "audio",
           "transcripts": [{"id": guid(9, 0), "name": "T", "text": "x" * n, "syncPoints": sps}]}
    exc = [{"id": guid(10, i), "source": guid(2, 0),
            "anchor": {"type": "transcript", "transcript": guid(9, 0), "fromSyncPoint": guid(8, i),
                       "toSyncPoint": guid(8, min(i + 1, n - 1))}} for i in range(n)]
    return write_json(os.path.join(WORK, "transcript-%d.json" % n), {"qdx": "1.0", "sources": [src], "excerpts": exc})


def qdc_tree(n):
    """A REFI codebook of n codes nested four to a parent."""
    path = os.path.join(WORK, "codebook-%d.qdc" % n)
    if os.path.exists(path):
        return path
    kids = [[] for _ in range(n)]
    for i in range(1, n):
        kids[(i - 1) // 4].append(i)
    parts = ['<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="%s" origin="complexity"><Codes>' % NS_QDC]
    stack = [(0, False)]
    while stack:
        i, done = stack.pop()
        if done:
            parts.append("</Code>")
            continue
        parts.append('<Code guid="%s" name="Code %d" isCodable="true">' % (guid(1, i), i))
        stack.append((i, True))
        stack.extend((k, False) for k in reversed(kids[i]))
    parts.append("</Codes></CodeBook>\n")
    with open(path, "w", encoding="utf-8") as f:
        f.write("".join(parts))
    return path


def qdpx(path, qde, members):
    if not os.path.exists(path):
        with zipfile.ZipFile(path + ".tmp", "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("project.qde", qde)
            for name, data in members:
                z.writestr(name, data)
        os.replace(path + ".tmp", path)
    return path


def refi_missing_sources(n):
    """n text sources whose files are not in the archive, beside n other members: each missing file
    was looked for by a scan of every member."""
    src = "".join('<TextSource guid="%s" name="S%d" plainTextPath="internal://gone-%d.txt"/>' % (guid(2, i), i, i)
                  for i in range(n))
    qde = '<?xml version="1.0" encoding="utf-8"?><Project xmlns="%s" name="missing"><Sources>%s</Sources></Project>' % (NS_REFI, src)
    return qdpx(os.path.join(WORK, "missing-%d.qdpx" % n), qde, [("other/file-%d.bin" % i, b"x") for i in range(n)])


def refi_unknown_attributes(n):
    """One element with n attributes the schema does not know: each was added by Json::set, a linear search."""
    attrs = " ".join('a%d="%d"' % (i, i) for i in range(n))
    qde = '<?xml version="1.0" encoding="utf-8"?><Project xmlns="%s" name="attrs" %s/>' % (NS_REFI, attrs)
    return qdpx(os.path.join(WORK, "attrs-%d.qdpx" % n), qde, [])


def refi_undeclared_users(n):
    """n sources, each created by a user that <Users> does not declare: each such id was looked for
    by a scan of the whole project."""
    src = "".join('<TextSource guid="%s" name="S%d" creatingUser="%s"/>' % (guid(2, i), i, guid(3, i)) for i in range(n))
    qde = '<?xml version="1.0" encoding="utf-8"?><Project xmlns="%s" name="users"><Sources>%s</Sources></Project>' % (NS_REFI, src)
    return qdpx(os.path.join(WORK, "users-%d.qdpx" % n), qde, [])


def refi_colliding_ids(n):
    """n codes whose distinct ids hash alike ('@' and '`' differ in the bit that the id hash folds
    for case): each code's id was compared with every entity read before it."""
    def gid(i):
        return "".join("`" if i >> b & 1 else "@" for b in range(20))
    codes = "".join('<Code guid="%s" name="C%d" isCodable="true"/>' % (gid(i), i) for i in range(n))
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="%s" name="ids"><CodeBook><Codes>%s</Codes></CodeBook></Project>'
           % (NS_REFI, codes))
    return qdpx(os.path.join(WORK, "ids-%d.qdpx" % n), qde, [])


def refi_duplicate_ids(n, copies):
    """n codes, each id used by `copies` of them: each duplicate was confirmed by a scan of the
    model, and the k-th copy of an id tried k derived ids, each with a scan."""
    codes = "".join('<Code guid="%s" name="C%d" isCodable="true"/>' % (guid(7, i // copies), i) for i in range(n))
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="%s" name="dups"><CodeBook><Codes>%s</Codes></CodeBook></Project>'
           % (NS_REFI, codes))
    return qdpx(os.path.join(WORK, "dups-%d-%d.qdpx" % (n, copies)), qde, [])


def refi_note_links(n):
    """One note linked to n targets: each link looked for its target among the note's targets so far."""
    links = "".join('<Link guid="%s" originGUID="%s" targetGUID="%s"/>' % (guid(4, i), guid(5, 0), guid(6, i)) for i in range(n))
    qde = ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="%s" name="links"><Notes><Note guid="%s" name="N"/></Notes>'
           '<Links>%s</Links></Project>' % (NS_REFI, guid(5, 0), links))
    return qdpx(os.path.join(WORK, "links-%d.qdpx" % n), qde, [])


def write_text(path, text):
    if not os.path.exists(path):
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(path + ".tmp", path)
    return path


def csv_document_group(n):
    """MAXQDA document variables: n documents in one document group, each added to the group's list
    after a search of it."""
    rows = "".join("Group,Document %d\n" % i for i in range(n))
    return write_text(os.path.join(WORK, "docgroup-%d.csv" % n), "Dokumentgruppe,Dokumentname\n" + rows)


def csv_atlas_quotations(n):
    """ATLAS.ti quotations, each coded with a new code: every Codes cell was split against all the
    code names known so far, sorted again for each row."""
    rows = "".join("Document %d,quotation %d,Code %d\n" % (i % 7, i, i) for i in range(n))
    return write_text(os.path.join(WORK, "quotations-%d.csv" % n), "Document,Text Content,Codes\n" + rows)


def tiny_json():
    return themes_json(1, "flat")


# ------------------------------------------------------------------ cases
# (name, n, input(n), command(input, output)): command runs `qdx` with these arguments.

def read(path, _out):
    return ["validate", path, "-q"]


def write(ext):
    return lambda path, out: ["convert", path, out + "." + ext, "-q"]


CASES = [
    # importers (validate: read and the integrity check, nothing written)
    ("read json (bench project)", 10000, bench_json, read),
    ("read refi (CJK text, selections inside words)", 20000, bench_cjk_qdpx, read),
    ("read refi (missing source files)", 8000, refi_missing_sources, read),
    ("read refi (unknown attributes on one element)", 20000, refi_unknown_attributes, read),
    ("read refi (users that <Users> does not declare)", 2000, refi_undeclared_users, read),
    ("read refi (every id twice)", 32000, lambda n: refi_duplicate_ids(n, 2), read),
    ("read refi (one id many times)", 2000, lambda n: refi_duplicate_ids(n, n), read),
    ("read refi (distinct ids that hash alike)", 4000, refi_colliding_ids, read),
    ("read refi (one note linked to many targets)", 8000, refi_note_links, read),
    ("read refi-qdc (code tree)", 20000, qdc_tree, read),
    ("read csv (bundle of the bench project)", 10000, lambda n: converted(bench_json(n), "zip"), read),
    ("read csv (MAXQDA: one document group of many documents)", 16000, csv_document_group, read),
    ("read csv (ATLAS.ti quotations, a new code in each)", 4000, csv_atlas_quotations, read),
    ("read xlsx (bench project)", 5000, lambda n: converted(bench_json(n), "xlsx"), read),
    ("validate json (theme chain)", 4000, lambda n: themes_json(n, "chain"), read),
    ("validate json (a transcript of many sync points)", 8000, transcript_json, read),
    # writers
    ("write json (bench project)", 10000, bench_json, write("json")),
    ("write refi (bench project)", 10000, bench_json, write("qdpx")),
    ("write refi-qdc (code tree)", 20000, lambda n: themes_json(n, "tree"), write("qdc")),
    ("write csv (bench project)", 10000, bench_json, write("zip")),
    ("write csv (flat codebook)", 8000, lambda n: themes_json(n, "flat"), write("zip")),
    ("write xlsx (bench project)", 5000, bench_json, write("xlsx")),
    ("write xlsx (flat codebook)", 8000, lambda n: themes_json(n, "flat"), write("xlsx")),
    ("write xlsx (code tree)", 8000, lambda n: themes_json(n, "tree"), write("xlsx")),
]


def cpu_time(args):
    """CPU seconds (user + system) of one qdx run; raises on failure or timeout."""
    t0 = time.monotonic()
    errf = open(os.path.join(WORK, "stderr.txt"), "w+b")
    p = subprocess.Popen([QDX] + args, stdout=subprocess.DEVNULL, stderr=errf, cwd=WORK)
    while True:
        pid, status, usage = os.wait4(p.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - t0 > TIMEOUT:
            p.kill()
            os.wait4(p.pid, 0)
            raise RuntimeError("timed out after %.0f s: qdx %s" % (TIMEOUT, " ".join(args)))
        time.sleep(0.002)
    errf.seek(0)
    err = errf.read().decode("utf-8", "replace")
    errf.close()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):  # validate exits 1 on problems: a chain has none, but stay tolerant
        raise RuntimeError("exit %d: qdx %s\n%s" % (code, " ".join(args), err[-600:]))
    return usage.ru_utime + usage.ru_stime


STARTUP = {}  # the time of a command on a tiny input, by the command's shape


def startup(command, out):
    args = command(tiny_json(), out)
    key = tuple(args[:1] + [os.path.splitext(a)[1] for a in args[1:]])
    if key not in STARTUP:
        STARTUP[key] = min(cpu_time(args) for _ in range(REPEAT))
    return STARTUP[key]


def measure(n, make, command):
    """(t(n), t(2n), ratio), or None for a sanitizer build's single run."""
    out = os.path.join(WORK, "out")
    small, big = make(int(n * SCALE)), make(int(2 * n * SCALE))
    if SANITIZE:
        cpu_time(command(small, out))
        return None
    base = startup(command, out)
    t1, t2 = [], []
    for _ in range(REPEAT):  # alternating, so that a slow spell of the machine hits both sizes
        t1.append(cpu_time(command(small, out)))
        t2.append(cpu_time(command(big, out)))
    a, b = min(t1) - base, min(t2) - base
    return a, b, b / max(a, 1e-3)


def main():
    os.makedirs(WORK, exist_ok=True)
    failures = []
    started = time.monotonic()
    for name, n, make, command in CASES:
        if ONLY and not any(s in name for s in ONLY):
            continue
        try:
            r = measure(n, make, command)
        except (RuntimeError, subprocess.CalledProcessError) as ex:
            failures.append(name)
            print("FAIL %s: %s" % (name, ex))
            continue
        if r is None:
            print("ok   %s (sanitizer build: run once, not timed)" % name)
            continue
        t1, t2, ratio = r
        ok = ratio <= LIMIT or t2 < FLOOR
        print("%s %-52s n=%-6d %.3f s -> 2n %.3f s: x%.2f" % ("ok  " if ok else "FAIL", name, n * SCALE, t1, t2, ratio))
        if not ok:
            failures.append(name)
    print("%d case(s) in %.1f s wall; limit x%.1f per doubling, CPU time, min of %d runs less start-up"
          % (len([c for c in CASES if not ONLY or any(s in c[0] for s in ONLY)]), time.monotonic() - started, LIMIT, REPEAT))
    if failures:
        print("super-linear: %s" % "; ".join(failures))
        sys.exit(1)


if __name__ == "__main__":
    main()
