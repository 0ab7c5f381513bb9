#!/usr/bin/python3
"""Baseline: .qdpx -> qdx canonical JSON the way a user would script it in Python
(lxml iterparse + the json module's C encoder, one json.dumps per excerpt so that the
whole project is never one Python object). Same content as `qdx convert in.qdpx out.json`;
written compact (no indentation: json's indenting encoder is pure Python and several
times slower, and a fast script would not pay for it).

usage: qdpx2json.py IN.qdpx OUT.json
"""

import json
import sys

import refi_lxml

dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def audit(el):
    a = {}
    for k, x in (("creator", "creatingUser"), ("created", "creationDateTime"),
                 ("modifier", "modifyingUser"), ("modified", "modifiedDateTime")):
        v = el.get(x)
        if v is not None:
            a[k] = v
    return a


class ToJson(refi_lxml.Handler):
    def __init__(self):
        self.z = None
        self.proj, self.users, self.themes, self.attrs, self.sources, self.excerpts = {}, [], [], [], [], []

    def project(self, at):
        p = {"name": at.get("name", "")}
        if at.get("origin"):
            p["origin"] = at["origin"]
        a = {}
        if at.get("creatingUserGUID"):
            a["creator"] = at["creatingUserGUID"]
        if at.get("creationDateTime"):
            a["created"] = at["creationDateTime"]
        if a:
            p["audit"] = a
        self.proj = p

    def user(self, guid, name):
        self.users.append({"id": guid, "name": name})

    def theme(self, guid, name, parent, color, codable, description):
        t = {"id": guid, "name": name}
        if parent:
            t["parent"] = parent
        if color:
            t["color"] = color
        if description:
            t["description"] = description
        if not codable:
            t["codable"] = False
        self.themes.append(t)

    def variable(self, guid, name, typ):
        self.attrs.append({"id": guid, "name": name, "type": typ})

    def source(self, el, values):
        s = {"id": el.get("guid"), "name": el.get("name", "")}
        tag = el.tag
        if tag == refi_lxml.T_TEXT:
            s["kind"] = "text"
            path = el.get("plainTextPath")
            s["text"] = refi_lxml.read_text(self.z, path)
            s["mediaType"] = "text/plain"
            s["path"] = path
        else:
            path = el.get("path")
            s["kind"] = tag[len(refi_lxml.NS):-len("Source")].lower()
            info = self.z.getinfo("sources/" + refi_lxml.internal_name(path))
            s["content"] = {"mediaType": "video/mp4", "size": info.file_size, "href": refi_lxml.internal_name(path)}
            s["path"] = path
        if values:
            s["values"] = [{"attribute": a, "value": v} for a, v in values]
        a = audit(el)
        if a:
            s["audit"] = a
        self.sources.append(dumps(s))

    def selection(self, el, src, codings):
        e = {"id": el.get("guid"), "source": src.get("guid")}
        n = el.get("name")
        if n:
            e["name"] = n
        e["anchor"] = {"type": "text", "start": int(el.get("startPosition")), "end": int(el.get("endPosition"))}
        e["codings"] = [{"id": g, "theme": t, "creator": u, "created": d} for g, t, u, d in codings]
        a = audit(el)
        if a:
            e["audit"] = a
        self.excerpts.append(dumps(e))


def write_list(f, items, step=4096):
    for i in range(0, len(items), step):
        f.write(("," if i else "") + ",".join(items[i:i + step]))


def main():
    src, dst = sys.argv[1], sys.argv[2]
    h = ToJson()
    import zipfile
    h.z = zipfile.ZipFile(src)   # texts are read while parsing, from a second handle
    refi_lxml.read(src, h)
    with open(dst, "w", encoding="utf-8") as f:
        f.write('{"qdx":"1.0","project":' + dumps(h.proj) + ',"users":' + dumps(h.users) + ',"themes":'
                + dumps(h.themes) + ',"attributes":' + dumps(h.attrs) + ',"sources":[')
        write_list(f, h.sources)
        f.write('],"excerpts":[')
        write_list(f, h.excerpts)
        f.write('],"memos":[],"cases":[],"sets":[]}\n')


if __name__ == "__main__":
    main()
