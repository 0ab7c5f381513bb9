"""The rows of qdx's tidy tables (the codings table, and the small tables) from the lxml
reader's callbacks, for the CSV and XLSX baselines. A row is produced while the XML is
parsed and handed to `emit` at once, so a baseline never holds the table in memory."""

import refi_lxml

CODING_HEADER = ["excerpt_id", "source_id", "source_name", "theme_path", "theme_id", "start", "end", "quote",
                 "memo", "coder", "date", "coding_id", "excerpt_name", "anchor", "page", "box", "excerpt_creator",
                 "excerpt_created", "excerpt_modifier", "excerpt_modified", "excerpt_ext", "coding_ext"]


class CodingRows(refi_lxml.Handler):
    """Calls emit(row) for every coding (one row per coding, as qdx writes them).
    `empty` is what an empty cell is written as ("" for CSV, None for openpyxl);
    `num` and `date` convert positions and dates for the writer."""

    def __init__(self, emit, empty="", num=str, date=str):
        self.emit, self.empty, self.num, self.date = emit, empty, num, date
        self.users, self.names, self.parents, self.paths = {}, {}, {}, {}
        self.themes, self.sources, self.attrs, self.project_attrs = [], [], [], {}

    def project(self, attrs):
        self.project_attrs = dict(attrs)

    def user(self, guid, name):
        self.users[guid] = name

    def theme(self, guid, name, parent, color, codable, description):
        self.names[guid] = name
        self.parents[guid] = parent
        self.themes.append((guid, name, parent, color, codable, description))

    def variable(self, guid, name, typ):
        self.attrs.append((guid, name, typ))

    def path(self, guid):
        p = self.paths.get(guid)
        if p is None:
            parts, g = [], guid
            while g:
                parts.append(self.names[g])
                g = self.parents.get(g)
            p = self.paths[guid] = " > ".join(reversed(parts))
        return p

    def source(self, el, values):
        self.sources.append((dict(el.attrib), el.tag, values))

    def selection(self, el, src, codings):
        E, num, date, users = self.empty, self.num, self.date, self.users
        eid, sid, sname = el.get("guid"), src.get("guid"), src.get("name") or E
        start, end = num(el.get("startPosition")), num(el.get("endPosition"))
        name = el.get("name") or E
        ecreator = users.get(el.get("creatingUser"), el.get("creatingUser")) or E
        ecreated = date(el.get("creationDateTime"))
        emit = self.emit
        for cid, theme, creator, created in codings:
            emit([eid, sid, sname, self.path(theme), theme, start, end, E, E, users.get(creator, creator), date(created),
                  cid, name, "text", E, E, ecreator, ecreated, E, E, E, E])
