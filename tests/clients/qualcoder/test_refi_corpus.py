#!/usr/bin/python3
"""Every REFI-QDA project of the corpus, converted by qdx, imported by QualCoder (issue 14).

For each project ($QDX_CORPUS/refi/**/*.qdpx, *.qde), and for `-o target=qualcoder` and the
default target:
  1. QualCoder's RefiImport of qdx's .qdpx holds as many sources, codes (codes + categories)
     and codings as the original;
  2. >= 99 % of the text codings show (fulltext[pos0:pos1]) the text the original meant: read
     here from the original file, independently of qdx, in the producer's unit (NVivo: UTF-16
     units over the text as written; ATLAS.ti: code points with a CR LF counted once; the
     others: code points). Line breaks compare as line breaks (CR LF, CR and QualCoder's own
     re-based "\n " all count as "\n"); everything else must be equal character for character.
  3. for target=qualcoder, QualCoder's RefiExport of its import, read back by qdx, holds the same
     sources (name, text), codes (path), codings (source, code path, text) and notes (name, text)
     as the file qdx wrote, apart from what qdx reported as skipped when reading it; and QualCoder
     holds one journal per note.
The look-alikes of tests/refi/data go through the same checks (without the corpus: only they, and
no XSD check). Prints one line per file and target with the figures. Exit 77 (skipped) when the
clients folder is absent. Usage: test_refi_corpus.py [--target T] [--no-export] [FILE...]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import qualcoder_driver as qc  # noqa: E402

SOURCE_KINDS = ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource")
MIN_SHARE = 0.99


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def children(e, name):
    return [c for c in e if local(c.tag) == name]


# --- the original, read independently of qdx ----------------------------------------------------

class Original:
    """Counts and meant texts of a REFI-QDA project, straight from its XML and files."""

    def __init__(self, path: Path):
        self.path = path
        files = {}
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
                qde = next(n for n in names if "/" not in n and n.lower().endswith(".qde"))
                root = ET.fromstring(z.read(qde))
                files = {n.lower(): n for n in names}
                self._zip = path
        else:
            root = ET.parse(path).getroot()
        self.origin = root.get("origin") or ""
        self.unit = ("utf16" if self.origin.startswith("NVivo") else
                     "crlf-once" if self.origin.startswith("ATLAS.ti") else "codepoints")
        self.code_paths: dict[str, tuple] = {}
        self.code_names = Counter()  # (codable, name): QualCoder keeps one code and one category per name
        for book in root.iter():
            if local(book.tag) == "CodeBook":
                for codes in children(book, "Codes"):
                    for c in children(codes, "Code"):
                        self._codes(c, ())
        # what QualCoder cannot hold: a Coding on a whole source (outside any selection) ...
        self.whole_source_codings = sum(len(children(s, "Coding")) for s in root.iter()
                                        if local(s.tag) in SOURCE_KINDS + ("Representation",))
        # ... and the second and later transcripts of an audio/video source
        self.extra_transcript_codings = sum(
            sum(1 for e in t.iter() if local(e.tag) == "Coding")
            for s in root.iter() if local(s.tag) in ("AudioSource", "VideoSource")
            for t in children(s, "Transcript")[1:])
        self.extra_transcripts = sum(max(0, len(children(s, "Transcript")) - 1) for s in root.iter()
                                     if local(s.tag) in ("AudioSource", "VideoSource"))
        self.notes = sum(1 for notes in root if local(notes.tag) == "Notes" for n in children(notes, "Note"))
        # NVivo writes a case as a code of the same GUID: QualCoder then drops the code and moves
        # its text codings to the case
        case_guids = {(c.get("guid") or "").upper() for cs in root if local(cs.tag) == "Cases" for c in children(cs, "Case")}
        self.case_codes = len(case_guids & set(self.code_paths))
        self.case_codings = 0
        self.sources = 0
        self.shadowed_pdfs = 0  # a PDF named as an earlier source: QualCoder drops it
        names = set()
        self.codings = 0
        self.text_codings = []  # (source's place in document order, code path, meant text or None)
        for srcs in (e for e in root if local(e.tag) == "Sources"):
            for s in srcs:
                if local(s.tag) not in SOURCE_KINDS:
                    continue
                self.sources += 1
                n = s.get("name") or ""
                pdf_name = n if n.lower().endswith(".pdf") else n + ".pdf"
                self.shadowed_pdfs += local(s.tag) == "PDFSource" and pdf_name in names
                names.add(pdf_name if local(s.tag) == "PDFSource" else n)
                self.codings += sum(1 for e in s.iter() if local(e.tag) == "Coding")
                if local(s.tag) == "TextSource":
                    text = self._text(s, files)
                    for sel in children(s, "PlainTextSelection"):
                        a, b = int(sel.get("startPosition")), int(sel.get("endPosition"))
                        meant = None if text is None else self._slice(text, a, b)
                        for cod in children(sel, "Coding"):
                            ref = children(cod, "CodeRef")
                            target = ref[0].get("targetGUID").upper() if ref else ""
                            if target in case_guids:
                                self.case_codings += 1
                                continue
                            self.text_codings.append((self.sources - 1, self.code_paths.get(target), meant))

    def _codes(self, e, parent: tuple):
        path = parent + (e.get("name"),)
        self.code_paths[(e.get("guid") or "").upper()] = path
        self.code_names[(e.get("isCodable") not in ("false", "0"), e.get("name"))] += 1
        for c in children(e, "Code"):
            self._codes(c, path)

    def _text(self, s, files):
        inline = children(s, "PlainTextContent")
        if inline:
            return inline[0].text or ""
        p = s.get("plainTextPath") or ""
        if "://" in p and not p.startswith("internal://") or not p or not files:
            return None
        name = p.split("://", 1)[-1].lstrip("/").lower()  # qc writes paths without the scheme
        member = files.get("sources/" + name) or files.get(name)
        if member is None:
            return None
        with zipfile.ZipFile(self._zip) as z:
            raw = z.read(member)
        text = raw.decode("utf-8", errors="replace")
        return text[1:] if text.startswith("\ufeff") else text

    def _slice(self, text: str, a: int, b: int) -> str:
        if self.unit == "utf16":
            u = text.encode("utf-16-le", errors="surrogatepass")
            return u[2 * a:2 * b].decode("utf-16-le", errors="replace")
        if self.unit == "crlf-once":
            text = text.replace("\r\n", "\n")
        return text[a:b]

    def code_count(self) -> int:
        return len(self.code_paths)

    def repeated_names(self) -> int:
        """Codes (or categories) whose name another code (category) already has."""
        return sum(n - 1 for n in self.code_names.values())

    def expected(self, target: str) -> tuple[int, int, int]:
        """(sources, codes, codings) QualCoder can hold of this project written for `target`: it
        leaves out the codings of whole sources; for the qualcoder target qdx leaves out the
        transcripts it cannot read and makes repeated names unique, for the others QualCoder
        merges codes of one name and drops a PDF named as a source before it."""
        codes = self.code_count() - self.case_codes - (0 if target == "qualcoder" else self.repeated_names())
        sources = self.sources - (0 if target == "qualcoder" else self.shadowed_pdfs)
        codings = self.codings - self.whole_source_codings - self.case_codings
        if target == "qualcoder":
            codings -= self.extra_transcript_codings
        return sources, codes, codings


def lines(s: str) -> str:
    """Line breaks as "\n" (CR LF and CR too)."""
    return s.replace("\r\n", "\n").replace("\r", "\n")


def landing(orig: Original, report: dict) -> tuple[int, int]:
    """(codings on the meant text, codings whose meant text is known)."""
    # QualCoder and qdx both keep the sources in document order: the i-th source row is the
    # i-th source element (names may differ: QualCoder prefixes duplicates, qdx names nameless ones)
    place = {s["id"]: i for i, s in enumerate(x for x in report["sources"] if not x["transcript_of"])}
    rebased = {s["id"]: s["rebased"] for s in report["sources"]}
    shown = Counter()
    for c in report["codings"]:
        text = c["shown"].replace("\n ", "\n") if rebased.get(c["fid"]) else c["shown"]
        shown[(place.get(c["fid"]), tuple(c["code"] or ()), lines(text))] += 1
    meant = Counter((s, tuple(p or ()), lines(t)) for s, p, t in orig.text_codings if t is not None)
    return sum((meant & shown).values()), sum(meant.values())


# --- qdx -----------------------------------------------------------------------------------------

def qdx(*args, check=True) -> subprocess.CompletedProcess:
    exe = Path(os.environ.get("QDX_BIN_DIR", "")) / "qdx"
    r = subprocess.run([str(exe), *map(str, args)], capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"qdx {' '.join(map(str, args))}: exit {r.returncode}\n{r.stderr}")
    return r


def xsd_valid(qdpx: Path, tmp: Path) -> str:
    """'' when project.qde passes xmllint against the REFI schema, else xmllint's complaint."""
    schema = Path(os.environ.get("QDX_CORPUS", "/nonexistent")) / "Project-mrt2019.xsd"
    if not schema.is_file():
        return ""
    with zipfile.ZipFile(qdpx) as z:
        (tmp / "check.qde").write_bytes(z.read("project.qde"))
    r = subprocess.run(["xmllint", "--noout", "--schema", str(schema), str(tmp / "check.qde")],
                       capture_output=True, text=True)
    return "" if r.returncode == 0 else r.stderr.strip()


def content(json_path: Path) -> dict:
    """Sources (name -> text), code paths, codings (source, code path, span text) of a qdx
    project: what a QualCoder round trip must keep, compared by content (QualCoder mints new ids)."""
    p = json.loads(json_path.read_text(encoding="utf-8"))
    # a code that is also a case (NVivo: the same GUID) becomes the case in QualCoder
    guid = lambda x: (x.get("ext", {}).get("refi:guid") or x["id"]).strip("{}").lower()
    cases = {guid(c) for c in p.get("cases", [])}
    themes = {t["id"]: t for t in p.get("themes", []) if guid(t) not in cases}

    def path(tid):
        out, seen = [], set()
        while tid in themes and tid not in seen:
            seen.add(tid)
            out.insert(0, themes[tid]["name"])
            tid = themes[tid].get("parent")
        return tuple(out)

    srcs = {s["id"]: s for s in p.get("sources", [])}
    codings = Counter()
    for e in p.get("excerpts", []):
        a = e.get("anchor", {})
        s = srcs.get(e.get("source"), {})
        if a.get("type") != "text":
            continue
        text = s.get("text") or ""
        span = lines(text[a["start"]:a["end"]])
        for c in e.get("codings", []):
            if c.get("theme") in themes:
                codings[(s.get("name"), path(c.get("theme")), span)] += 1
    return dict(sources={s.get("name"): lines(s.get("text") or "") for s in srcs.values()},
                media={s.get("name") for s in srcs.values() if s.get("kind") in ("audio", "video")},
                memos=Counter((m.get("name", ""), lines(m.get("text", ""))) for m in p.get("memos", [])),
                comments=Counter(("", lines(e["description"])) for e in p.get("excerpts", [])
                                 if e.get("description") and not e.get("codings")),
                codes=Counter(path(t) for t in themes), codings=codings)


def compare_back(wrote: Path, exported: Path, tmp: Path) -> list[str]:
    """Differences between what qdx wrote and qdx's reading of QualCoder's export of it, apart
    from what the reading reported as skipped."""
    qdx("convert", "-q", wrote, tmp / "wrote.json", "-t", "json")
    qdx("convert", "-q", exported, tmp / "back.json", "-t", "json", "--report", tmp / "back.report.json")
    a, b = content(tmp / "wrote.json"), content(tmp / "back.json")
    # QualCoder exports the transcript it made for each audio/video source as a text source
    made = {n for n in b["sources"] if n.endswith((".txt", ".transcribed")) and n.rsplit(".", 1)[0] in a["media"]}
    b["sources"] = {n: t for n, t in b["sources"].items() if n not in made}
    b["codings"] = Counter({k: n for k, n in b["codings"].items() if k[0] not in made})
    counts = json.loads((tmp / "back.report.json").read_text())["counts"]
    skipped = sum(n for k, n in counts.items() if k.startswith("skipped.excerpt"))
    out = []
    if a["sources"] != b["sources"]:
        out.append(f"sources differ: {sorted(set(a['sources']) ^ set(b['sources']))[:5]} "
                   f"{[n for n in a['sources'] if n in b['sources'] and a['sources'][n] != b['sources'][n]][:5]}")
    if a["codes"] != b["codes"]:
        out.append(f"codes differ: lost {list((a['codes'] - b['codes']).elements())[:5]}, "
                   f"new {list((b['codes'] - a['codes']).elements())[:5]}")
    # QualCoder keeps each note as a journal, and makes a comment on a span (a selection without
    # codings) an annotation, which it exports as a note
    b["memos"] -= a["comments"]
    if a["memos"] != b["memos"]:
        out.append(f"notes differ: lost {list((a['memos'] - b['memos']).elements())[:3]}, "
                   f"new {list((b['memos'] - a['memos']).elements())[:3]}")
    lost, new = a["codings"] - b["codings"], b["codings"] - a["codings"]
    if sum(lost.values()) > skipped or new:
        out.append(f"codings differ ({sum(lost.values())} lost, {skipped} reported skipped, "
                   f"{sum(new.values())} new): {list(lost)[:2]} {list(new)[:2]}")
    return out


# --- the test ------------------------------------------------------------------------------------

# QualCoder's own limits, met by files written for the standard (or another tool): where its
# import stops, and why. The qualcoder target writes around each of them (and says so).
QUALCODER_STOPS = {
    ("parse_transcript_with_codings_and_syncpoints", "IntegrityError"): "a second transcript of a video",
    ("parse_transcript_with_codings_and_syncpoints", "AttributeError"): "a transcript without a date",
    ("load_codings_for_picture", "AttributeError"): "a picture selection without a date",
    ("parse_notes", "AttributeError"): "a note without a date",
    ("load_video_source", "TypeError"): "a video source without a name",
    ("load_audio_source", "TypeError"): "an audio source without a name",
    ("load_picture_source", "TypeError"): "a picture source without a name",
    ("load_picture_source", "IntegrityError"): "a picture with the name of another source",
}


def qualcoder_stop(exc: BaseException) -> str | None:
    """Why QualCoder's import stopped, when it is one of its known limits."""
    tb = exc.__traceback__
    frames = []
    while tb is not None:
        frames.append(tb.tb_frame.f_code.co_name)
        tb = tb.tb_next
    for (fn, kind), why in QUALCODER_STOPS.items():
        if fn in frames and type(exc).__name__ == kind:
            return why
    return None


def run_one(s: qc.Session, orig: Original, name: str, target: str, tmp: Path, export: bool) -> list[str]:
    wrote = tmp / "qdx.qdpx"
    args = ["-o", f"target={target}"] if target != "default" else []
    qdx("convert", "-q", orig.path, wrote, *args, "--report", tmp / "report.json")
    reported = json.loads((tmp / "report.json").read_text())["counts"]
    fails = []
    bad = xsd_valid(wrote, tmp)
    if bad:
        fails.append(f"not valid against the REFI schema: {bad[:300]}")
    w = s.import_qdpx(wrote, tmp / "qc")
    r = qc.read_project(w.app.project_path)
    n_sources = sum(1 for x in r["sources"] if not x["transcript_of"])
    n_codes = len(r["codes"]) + len(r["categories"])
    n_codings = len(r["codings"]) + r["image_codings"] + r["av_codings"]
    want_sources, want_codes, want_codings = orig.expected(target)
    ok, known = landing(orig, r)
    share = ok / known if known else None
    notes = []
    if want_sources != orig.sources:
        notes.append(f"{orig.sources - want_sources} PDFs QualCoder drops for the name of another source")
    if orig.case_codes:
        notes.append(f"{orig.case_codes} codes that are cases (NVivo), with {orig.case_codings} codings, QualCoder makes case text")
    if want_codes + orig.case_codes != orig.code_count():
        notes.append(f"{orig.code_count() - want_codes - orig.case_codes} codes QualCoder merges with one of the same name")
    if want_codings + orig.case_codings != orig.codings:
        notes.append(f"{orig.codings - want_codings - orig.case_codings} codings QualCoder cannot hold")
    print(f"{str(name):62} {target:9} sources {n_sources}/{orig.sources} "
          f"codes {n_codes}/{orig.code_count()} codings {n_codings}/{orig.codings} journals {r['journals']}/{orig.notes} "
          f"on the meant text {ok}/{known}" + (f" ({100 * share:.1f} %)" if known else " (no text in the original)") +
          (f" [{'; '.join(notes)}]" if notes else ""))
    if n_sources != want_sources:
        fails.append(f"{n_sources} sources in QualCoder, {want_sources} expected ({orig.sources} in the original)")
    if n_codes != want_codes:
        fails.append(f"{n_codes} codes and categories in QualCoder, {want_codes} expected ({orig.code_count()} in the original)")
    if n_codings != want_codings:
        fails.append(f"{n_codings} codings in QualCoder, {want_codings} expected ({orig.codings} in the original)")
    if known and share < MIN_SHARE:
        fails.append(f"only {ok} of {known} text codings on the meant text")
    if r["case_texts"] != orig.case_codings:
        fails.append(f"{r['case_texts']} case texts in QualCoder, {orig.case_codings} codings of codes that are cases")
    if target == "qualcoder" and r["journals"] != orig.notes:  # QualCoder keeps notes as journals
        fails.append(f"{r['journals']} journals in QualCoder, {orig.notes} notes in the original")
    if target == "qualcoder":  # what QualCoder cannot hold, qdx must have said
        for code, needed in (("lossy.whole-source-coding", orig.whole_source_codings),
                             ("lossy.transcript-dropped", orig.extra_transcripts),
                             ("lossy.theme-renamed", orig.repeated_names())):
            if needed and reported.get(code, 0) == 0:
                fails.append(f"qdx did not report {code} ({needed} expected)")
        if export:
            (tmp / "export").mkdir()
            back = s.export_qdpx(w, tmp / "export")
            fails += [f"QualCoder's export read back: {d}" for d in compare_back(wrote, back, tmp)]
    w.close()
    return [f"{name} target={target}: {f}" for f in fails]


LOOKALIKES = Path(__file__).resolve().parents[2] / "refi" / "data"


def corpus_files(root: Path | None) -> list[Path]:
    """The corpus projects, then the look-alikes of tests/refi/data (the ones qdx reads)."""
    found = sorted(p for p in (root / "refi").rglob("*") if p.suffix.lower() in (".qdpx", ".qde")) if root else []
    # refused by qdx on purpose, or shaped in ways the independent reading here does not follow
    # (a <Codebook> after the sources, selections outside their source, a .docx as plain text,
    # a codebook's namespace inside a project)
    left_out = {"no-qde.qdpx", "two-qde.qdpx", "doctype.qde", "openqda-like.qdpx", "quackdas-like.qdpx",
                "transact-qda-like.qdpx", "pasted-codebook-like.qdpx"}
    return found + sorted(p for p in LOOKALIKES.iterdir() if p.suffix in (".qdpx", ".qde") and p.name not in left_out)


def label_of(f: Path) -> str:
    corpus = os.environ.get("QDX_CORPUS", "")
    for root in ([Path(corpus)] if corpus else []) + [LOOKALIKES.parent.parent]:
        try:
            return str(f.resolve().relative_to(root.resolve()))
        except ValueError:
            pass
    return str(f)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--target", action="append", help="qualcoder, default (both when not given)")
    ap.add_argument("--no-export", action="store_true", help="skip the RefiExport round trip")
    a = ap.parse_args()
    corpus = os.environ.get("QDX_CORPUS", "")
    has_corpus = bool(corpus) and (Path(corpus) / "refi").is_dir()
    if not has_corpus:
        print(f"no REFI corpus (QDX_CORPUS='{corpus}'): the look-alikes of tests/refi/data only, without the XSD check")
    try:
        s = qc.session()
    except qc.ClientMissing as e:
        print(f"skipped: {e}")
        return qc.SKIP
    fails = []
    for f in a.files or corpus_files(Path(corpus) if has_corpus else None):
        orig = Original(f.resolve())
        label = label_of(f)
        for target in a.target or ["qualcoder", "default"]:
            with tempfile.TemporaryDirectory(prefix="qdx-qc-corpus-", dir=qc.scratch()) as tmp:
                try:
                    fails += run_one(s, orig, label, target, Path(tmp), not a.no_export)
                except Exception as e:  # QualCoder stopping is a finding, not the end of the test
                    why = qualcoder_stop(e)
                    line = f"{label} target={target}: QualCoder stopped: {type(e).__name__}: {e}"
                    if why and target != "qualcoder":
                        print(f"{line} — its known limit: {why} (-o target=qualcoder writes around it)")
                    else:
                        print(line)
                        fails.append(line)
    for x in fails:
        print("FAIL:", x)
    print("FAILED" if fails else "ok", f"({len(fails)} failures)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
