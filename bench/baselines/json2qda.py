#!/usr/bin/python3
"""Baseline: qdx canonical JSON -> a QualCoder project folder, the way a user would script it
in Python (json + sqlite3, one transaction, no journal): the folder and its four media
folders, the tables the data needs (project, coder_names, code_cat, code_name, source,
code_text), texts with LF line breaks and every span mapped onto them, each coding's stored
text. The same content `qdx convert in.json out.qda` writes for the benchmark's projects
(which hold text sources and text codings only).

usage: json2qda.py IN.json OUT.qda
"""
import bisect
import json
import os
import sqlite3
import sys

src, out = sys.argv[1], sys.argv[2]
with open(src, encoding="utf-8") as f:
    d = json.load(f)
os.mkdir(out)
for sub in ("images", "audio", "video", "documents"):
    os.mkdir(os.path.join(out, sub))
con = sqlite3.connect(os.path.join(out, "data.qda"))
con.execute("pragma journal_mode=off")
con.execute("pragma synchronous=off")
con.executescript("""
create table project (databaseversion text, date text, memo text, about text, bookmarkfile integer, bookmarkpos integer,
  codername text, recently_used_codes text, avbookmarkfile integer, avbookmarkmsec integer, avbookmarktextpos integer);
create table coder_names (name text unique not null, visibility integer not null default 1);
create table code_cat (catid integer primary key, name text, owner text, date text, memo text, supercatid integer, unique(name));
create table code_name (cid integer primary key, name text, memo text, catid integer, owner text, date text, color text,
  supercid integer, unique(name));
create table source (id integer primary key, name text, fulltext text, mediapath text, memo text, owner text, date text,
  av_text_id integer, risid integer, unique(name));
create table code_text (ctid integer primary key, cid integer, fid integer, seltext text, pos0 integer, pos1 integer,
  owner text, date text, memo text, avid integer, important integer, unique(cid,fid,pos0,pos1,owner));
""")
users = {u["id"]: u.get("name", u["id"]) for u in d.get("users", [])}
con.executemany("insert into coder_names (name) values (?)", [(n,) for n in sorted(set(users.values()))])
themes = d.get("themes", [])
number = {t["id"]: i + 1 for i, t in enumerate(themes)}
codable = {t["id"]: t.get("codable", True) for t in themes}
rows = []
for t in themes:
    parent = t.get("parent")
    rows.append((number[t["id"]], t["name"], t.get("description", ""), None if not parent or codable.get(parent) else number[parent],
                 None, None, t.get("color") or "#D8D8D8", number[parent] if parent and codable.get(parent) else None))
con.executemany("insert into code_name values (?,?,?,?,?,?,?,?)", [r for r, t in zip(rows, themes) if codable[t["id"]]])
con.executemany("insert into code_cat (catid, name, memo, supercatid) values (?,?,?,?)",
                [(r[0], r[1], r[2], r[7] or r[3]) for r, t in zip(rows, themes) if not codable[t["id"]]])
texts, crs, fid = {}, {}, {}
for i, s in enumerate(d.get("sources", [])):
    t = s.get("text", "")
    crs[s["id"]] = [k for k, c in enumerate(t) if c == "\r" and t[k + 1:k + 2] == "\n"]
    texts[s["id"]] = t.replace("\r\n", "\n")
    fid[s["id"]] = i + 1
    con.execute("insert into source (id, name, fulltext, memo) values (?,?,?,?)", (i + 1, s["name"], texts[s["id"]], s.get("description", "")))


def codings():
    n = 0
    for e in d.get("excerpts", []):
        a = e["anchor"]
        cr = crs[e["source"]]
        p0 = a["start"] - bisect.bisect_left(cr, a["start"])
        p1 = a["end"] - bisect.bisect_left(cr, a["end"])
        sel = texts[e["source"]][p0:p1]
        for c in e.get("codings", []):
            n += 1
            yield (n, number[c["theme"]], fid[e["source"]], sel, p0, p1, users.get(c.get("creator")), c.get("created"),
                   e.get("description", ""))


con.executemany("insert into code_text (ctid, cid, fid, seltext, pos0, pos1, owner, date, memo) values (?,?,?,?,?,?,?,?,?)", codings())
con.execute("insert into project values ('v17', null, ?, 'QualCoder-compatible project written by a script', 0, 0, '', '', null, null, null)",
            (d.get("project", {}).get("description", ""),))
con.commit()
con.close()
