#!/usr/bin/python3
"""The QualCoder driver runs QualCoder's own code: a project it creates opens in QualCoder, a
small made-up .qdpx imports with the hierarchy and the texts QualCoder's rules give, and
QualCoder's export of it holds what was imported. Exit 77 (skipped) without the clients folder.
"""
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import qualcoder_driver as qc  # noqa: E402

G = "{:08X}-0000-4000-8000-{:012X}".format  # a GUID from two numbers

TEXT_LF = "Ünïcode 𝄞 first line\nsecond line with the quote\n"
TEXT_CRLF = "alpha line\r\nbeta gamma\r\n"


def qde() -> str:
    sel = lambda n, s, e, code: (f'<PlainTextSelection guid="{G(3, n)}" startPosition="{s}" endPosition="{e}">'
                                 f'<Coding guid="{G(4, n)}"><CodeRef targetGUID="{G(2, code)}"/></Coding>'
                                 '</PlainTextSelection>')
    # code points: "𝄞" is one; "second line" starts at 21; in the CRLF text "beta" is at 12 when
    # the CR LF pair counts twice (what QualCoder re-bases to when the first line ends in CRLF)
    return f'''<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="driver" origin="made up by hand">
<Users><User guid="{G(9, 1)}" name="tester"/></Users>
<CodeBook><Codes>
 <Code guid="{G(2, 1)}" name="Group" isCodable="false">
  <Code guid="{G(2, 2)}" name="parent" isCodable="true"><Code guid="{G(2, 3)}" name="child" isCodable="true"/></Code>
 </Code>
 <Code guid="{G(2, 4)}" name="top" isCodable="true"/>
</Codes></CodeBook>
<Sources>
 <TextSource guid="{G(1, 1)}" name="lf" plainTextPath="internal://{G(1, 1)}.txt">
  {sel(1, 8, 9, 3)}{sel(2, 21, 32, 4)}
 </TextSource>
 <TextSource guid="{G(1, 2)}" name="crlf" plainTextPath="internal://{G(1, 2)}.txt">
  {sel(3, 12, 22, 2)}
 </TextSource>
</Sources>
</Project>'''


def make_qdpx(path: Path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("project.qde", qde())
        z.writestr(f"sources/{G(1, 1)}.txt", TEXT_LF.encode())
        z.writestr(f"sources/{G(1, 2)}.txt", TEXT_CRLF.encode())


def main() -> int:
    try:
        s = qc.session()
    except qc.ClientMissing as e:
        print(f"skipped: {e}")
        return qc.SKIP
    fails = []
    check = lambda ok, what: ok or fails.append(what)
    with tempfile.TemporaryDirectory(prefix="qdx-qc-driver-", dir=qc.scratch()) as tmp:
        tmp = Path(tmp)
        # QualCoder's new project, reopened by QualCoder's open_project
        w = s.new_project(tmp / "empty")
        path = w.app.project_path
        w.close()
        check(path == str(tmp / "empty.qda"), f"new project at {path}")
        w = s.open_project(path)
        check("Project Opened: empty.qda" in w.log(), "open_project's log:\n" + w.log())
        w.close()
        r = qc.read_project(path)
        check(r["version"] and r["version"][0] == "v17" and r["version"][1].startswith("QualCoder"),
              f"project row {r['version']}")
        check(not r["sources"] and not r["codes"], "the new project is not empty")

        # RefiImport of a made-up project
        make_qdpx(tmp / "in.qdpx")
        w = s.import_qdpx(tmp / "in.qdpx", tmp / "imported")
        r = qc.read_project(w.app.project_path)
        print(qc.summary(r))
        check([c["path"] for c in r["categories"]] == [["Group"]], f"categories {r['categories']}")
        check(sorted("/".join(c["path"]) for c in r["codes"]) == ["Group/parent", "Group/parent/child", "top"],
              f"codes {[c['path'] for c in r['codes']]}")
        shown = {(c["source"], "/".join(c["code"])): c["shown"] for c in r["codings"]}
        print(shown)
        check(shown.get(("lf", "Group/parent/child")) == "𝄞", "code points over the LF text")
        check(shown.get(("lf", "top")) == "second line", "second line")
        # QualCoder reads the CRLF file as "\n" and re-bases with "\n " (a CR LF counts twice)
        check(r["sources"][1]["fulltext"] == "alpha line\n beta gamma\n ", repr(r["sources"][1]["fulltext"]))
        check(shown.get(("crlf", "Group/parent")) == "beta gamma", "the CRLF text re-based")
        check([x["rebased"] for x in r["sources"]] == [False, True], "rebased flags")
        check(all(c["seltext"] == c["shown"] for c in r["codings"]), "seltext differs from the span")

        # RefiExport of what was imported
        (tmp / "out").mkdir()
        out = s.export_qdpx(w, tmp / "out")
        w.close()
        with zipfile.ZipFile(out) as z:
            names = z.namelist()
            xml = z.read("project.qde").decode("utf-8")
            texts = [z.read(n) for n in names if n.startswith("sources/") and n.endswith(".txt")]
        check("project.qde" in names and 'name="child"' in xml and xml.count("<PlainTextSelection") == 3,
              f"export {names}")
        # QualCoder's export writes a BOM before every text (where the old 'qualcoder' profile's
        # BOM came from; its import does not strip it)
        check(texts and all(t.startswith(b"\xef\xbb\xbf") for t in texts), "export texts without BOM")
    for f in fails:
        print("FAIL:", f)
    print(f"{'FAILED' if fails else 'ok'}: QualCoder driver ({len(s.messages)} QualCoder messages)")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
