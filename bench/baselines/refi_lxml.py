"""What a user would script to read a REFI-QDA .qdpx in Python: lxml iterparse over the
project.qde member (streamed out of the zip, never extracted), elements cleared as soon as
they are handled (the usual fast-iterparse idiom), source texts read from the archive.

Shared by the baseline converters; they differ only in what they write. Handles the
elements the benchmark projects contain (users, the code tree, variables, text sources
with their values, text selections with codings) and, for media sources, the path;
offsets are taken as code points (the REFI standard's unit). It does no validation and
reports no losses: it is the floor of what a Python converter costs, not a rival of qdx.
"""

import zipfile

from lxml import etree

NS = "{urn:QDA-XML:project:1.0}"
T_USER, T_CODE, T_VAR, T_TEXT, T_SEL = (NS + t for t in ("User", "Code", "Variable", "TextSource", "PlainTextSelection"))
T_MEDIA = tuple(NS + t for t in ("VideoSource", "AudioSource", "PictureSource", "PDFSource"))
T_CODING, T_CODEREF, T_VV, T_VREF = NS + "Coding", NS + "CodeRef", NS + "VariableValue", NS + "VariableRef"
T_DESC = NS + "Description"
VALUE_TAGS = {NS + "TextValue": "text", NS + "BooleanValue": "boolean", NS + "IntegerValue": "integer",
              NS + "FloatValue": "float", NS + "DateValue": "date", NS + "DateTimeValue": "datetime"}
VAR_TYPES = {"Text": "text", "Boolean": "boolean", "Integer": "integer", "Float": "float", "Date": "date",
             "DateTime": "datetime"}


def qde_member(z):
    names = [n for n in z.namelist() if "/" not in n and n.lower().endswith(".qde")]
    for n in names:
        if n.lower() == "project.qde":
            return n
    if len(names) == 1:
        return names[0]
    raise SystemExit("no single .qde in the archive")


def internal_name(path):
    return path.split("://", 1)[1] if "://" in path else path


class Handler:
    """Callbacks; a baseline overrides what it needs."""

    def project(self, attrs): pass
    def user(self, guid, name): pass
    def theme(self, guid, name, parent, color, codable, description): pass
    def variable(self, guid, name, typ): pass
    def source(self, elem, values): pass          # at the source's end (its selections already handled)
    def selection(self, elem, source_elem, codings): pass   # codings: [(guid, theme, creator, created)]


def read(path, h):
    z = zipfile.ZipFile(path)
    with z.open(qde_member(z)) as f:
        first = True
        for _, el in etree.iterparse(f, events=("end",), tag=(T_USER, T_CODE, T_VAR, T_TEXT, T_SEL) + T_MEDIA,
                                     resolve_entities=False, no_network=True, huge_tree=True):
            if first:
                h.project(el.getroottree().getroot().attrib)
                first = False
            tag = el.tag
            if tag == T_SEL:
                codings = []
                for c in el.iterchildren(T_CODING):
                    ref = c.find(T_CODEREF)
                    codings.append((c.get("guid"), ref.get("targetGUID") if ref is not None else "",
                                    c.get("creatingUser"), c.get("creationDateTime")))
                parent = el.getparent()
                h.selection(el, parent, codings)
                el.clear()
                while el.getprevious() is not None:
                    del parent[0]
            elif tag == T_TEXT or tag in T_MEDIA:
                values = []
                for vv in el.iterchildren(T_VV):
                    ref = vv.find(T_VREF)
                    for v in vv:
                        if v.tag in VALUE_TAGS:
                            values.append((ref.get("targetGUID"), (v.text or "").strip()))
                h.source(el, values)
                el.clear()
            elif tag == T_CODE:
                parent = el.getparent()
                d = el.find(T_DESC)
                h.theme(el.get("guid"), el.get("name"), parent.get("guid") if parent.tag == T_CODE else None,
                        el.get("color"), el.get("isCodable") in ("true", "1"), d.text if d is not None else None)
            elif tag == T_USER:
                h.user(el.get("guid"), el.get("name"))
            elif tag == T_VAR:
                h.variable(el.get("guid"), el.get("name"), VAR_TYPES.get(el.get("typeOfVariable"), "text"))
    return z


def read_text(z, path):
    """A source's plain text from the archive (BOM removed, line endings kept)."""
    name = "sources/" + internal_name(path)
    t = z.read(name).decode("utf-8")
    return t[1:] if t.startswith("\ufeff") else t
