#!/usr/bin/python3
"""Baseline: .qdpx -> the workbook `qdx convert in.qdpx out.xlsx` writes (sheets Project,
Sources, Excerpts, Themes, Cases, Memos, Users, Attributes, Sets; one Excerpts row per
coding, 22 columns; positions as numbers, dates as Excel dates, bold frozen filterable
header) with lxml iterparse and openpyxl's write-only mode, the fastest way openpyxl has.
Excerpts and Sources rows are appended while the XML is parsed. Column widths are left out
(qdx sizes columns; openpyxl would need a second pass).

usage: qdpx2xlsx.py IN.qdpx OUT.xlsx
"""

import datetime
import sys

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

import refi_lxml
import tidy_rows

SOURCE_HEADER = ["source_id", "name", "kind", "description", "media_type", "path", "content", "text", "creator",
                 "created", "modifier", "modified", "ext"]
THEME_HEADER = ["theme_id", "path", "name", "parent_id", "colour", "description", "codable", "creator", "created",
                "modifier", "modified", "ext"]
_dates = {}


def as_date(s):
    """ISO 8601 with Z -> naive datetime (Excel has no zones); cached, values repeat."""
    if not s:
        return None
    d = _dates.get(s)
    if d is None:
        d = _dates[s] = datetime.datetime.fromisoformat(s[:-1] if s.endswith("Z") else s)
    return d


def main():
    src, dst = sys.argv[1], sys.argv[2]
    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    sheets = {}

    def sheet(name, header):
        ws = wb.create_sheet(name)
        ws.freeze_panes = "A2"
        cells = []
        for h in header:
            c = WriteOnlyCell(ws, value=h)
            c.font = bold
            cells.append(c)
        ws.append(cells)
        sheets[name] = ws
        return ws

    h = None
    ws_project = sheet("Project", ["key", "value"])
    ws_sources = None
    ws_excerpts = None
    # Sources and Excerpts are appended during the parse; the others are small and follow.
    import zipfile
    z = zipfile.ZipFile(src)

    class Handler(tidy_rows.CodingRows):
        def variable(self, guid, name, typ):
            super().variable(guid, name, typ)

        def source(self, el, values):
            nonlocal ws_sources
            if ws_sources is None:
                ws_sources = sheet("Sources", SOURCE_HEADER + [a[1] for a in self.attrs])
            g = el.get
            text = refi_lxml.read_text(z, g("plainTextPath")) if el.tag == refi_lxml.T_TEXT else None
            kind = "text" if el.tag == refi_lxml.T_TEXT else el.tag[len(refi_lxml.NS):-len("Source")].lower()
            vals = dict(values)
            row = [g("guid"), g("name"), kind, None, None if kind == "text" else "video/mp4",
                   g("plainTextPath") or g("path"), None, text, self.users.get(g("creatingUser")),
                   as_date(g("creationDateTime")), None, None, None]
            for a in self.attrs:
                v = vals.get(a[0])
                row.append(int(v) if v is not None and a[2] == "integer" else v)
            ws_sources.append(row)

    rows = []
    h = Handler(lambda r: ws_excerpts.append(r), empty=None, num=int, date=as_date)
    # the Excerpts sheet must exist before the first selection: create it lazily after Sources' header
    orig_selection = h.selection

    def selection(el, srcel, codings):
        nonlocal ws_excerpts, ws_sources
        if ws_excerpts is None:
            if ws_sources is None:
                ws_sources = sheet("Sources", SOURCE_HEADER + [a[1] for a in h.attrs])
            ws_excerpts = sheet("Excerpts", tidy_rows.CODING_HEADER)
        orig_selection(el, srcel, codings)
    h.selection = selection
    refi_lxml.read(src, h)
    if ws_excerpts is None:
        ws_excerpts = sheet("Excerpts", tidy_rows.CODING_HEADER)
    pa = h.project_attrs
    for k, v in (("qdx", "1.0"), ("name", pa.get("name")), ("description", None), ("origin", pa.get("origin")),
                 ("basePath", None), ("creator", pa.get("creatingUserGUID")), ("created", pa.get("creationDateTime")),
                 ("modifier", None), ("modified", None), ("ext", None)):
        ws_project.append([k, v])
    ws = sheet("Themes", THEME_HEADER)
    order = {}
    # document order: a theme's parent comes before it (the REFI tree is read children-first)
    children = {}
    for t in h.themes:
        children.setdefault(t[2], []).append(t)
    stack = list(reversed(children.get(None, [])))
    while stack:
        t = stack.pop()
        guid, name, parent, color, codable, desc = t
        ws.append([guid, h.path(guid), name, parent, color, desc, codable, None, None, None, None, None])
        stack.extend(reversed(children.get(guid, [])))
    sheet("Cases", ["case_id", "name", "description", "themes", "sources", "excerpts", "ext"])
    sheet("Memos", ["memo_id", "name", "text", "targets", "creator", "created", "modifier", "modified", "ext"])
    ws = sheet("Users", ["user_id", "name", "ext"])
    for g, n in h.users.items():
        ws.append([g, n, None])
    ws = sheet("Attributes", ["attribute_id", "name", "type", "description", "ext"])
    for g, n, t in h.attrs:
        ws.append([g, n, t, None, None])
    sheet("Sets", ["set_id", "name", "description", "themes", "sources", "memos", "ext"])
    # qdx's sheet order
    order = ["Project", "Sources", "Excerpts", "Themes", "Cases", "Memos", "Users", "Attributes", "Sets"]
    wb._sheets.sort(key=lambda s: order.index(s.title))
    wb.save(dst)


if __name__ == "__main__":
    main()
