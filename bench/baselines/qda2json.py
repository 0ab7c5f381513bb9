#!/usr/bin/python3
"""Baseline: a QualCoder project folder -> qdx canonical JSON, the way a user would script it
in Python (sqlite3 + the json module's C encoder, one json.dumps per excerpt): coders, codes
and categories with their parents, sources with their text, one excerpt per coding row with
its stored text checked against its span. The same content `qdx convert in.qda out.json`
writes for the benchmark's projects.

usage: qda2json.py IN.qda OUT.json
"""
import json
import sqlite3
import sys

src, out = sys.argv[1], sys.argv[2]
con = sqlite3.connect("file:%s/data.qda?mode=ro&immutable=1" % src, uri=True)
dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
users = {name: "coder:%d" % rowid for rowid, name in con.execute("select rowid, name from coder_names")}
with open(out, "w", encoding="utf-8") as f:
    f.write('{"qdx":"1.0","project":{"name":%s},"users":[' % dumps(src.rstrip("/").split("/")[-1][:-4]))
    f.write(",".join(dumps({"id": i, "name": n}) for n, i in users.items()))
    f.write('],"themes":[')
    themes = [{"id": "cat:%d" % c, "name": n, "codable": False, **({"parent": "cat:%d" % p} if p else {})}
              for c, n, p in con.execute("select catid, name, supercatid from code_cat order by catid")]
    for c, n, cat, sup, col, memo in con.execute("select cid, name, catid, supercid, color, memo from code_name order by cid"):
        t = {"id": "code:%d" % c, "name": n, "color": col, "description": memo or ""}
        if sup or cat:
            t["parent"] = "code:%d" % sup if sup else "cat:%d" % cat
        themes.append(t)
    f.write(",".join(dumps(t) for t in themes))
    f.write('],"sources":[')
    texts = {}
    first = True
    for i, n, t in con.execute("select id, name, fulltext from source order by id"):
        texts[i] = t or ""
        f.write(("" if first else ",") + dumps({"id": "file:%d" % i, "name": n, "kind": "text", "text": texts[i]}))
        first = False
    f.write('],"excerpts":[')
    first = True
    mismatched = 0
    for ct, cid, fid, sel, p0, p1, owner, date, memo in con.execute(
            "select ctid, cid, fid, seltext, pos0, pos1, owner, date, memo from code_text order by ctid"):
        if texts[fid][p0:p1] != sel:
            mismatched += 1
        e = {"id": "ct:%d" % ct, "source": "file:%d" % fid, "anchor": {"type": "text", "start": p0, "end": p1}, "quote": sel,
             "codings": [{"id": "ct:%d" % ct, "theme": "code:%d" % cid, "creator": users.get(owner, ""), "created": date or ""}]}
        if memo:
            e["description"] = memo
        f.write(("" if first else ",") + dumps(e))
        first = False
    f.write("]}\n")
if mismatched:
    print("%d stored texts differ from their spans" % mismatched, file=sys.stderr)
