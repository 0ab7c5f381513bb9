#!/usr/bin/python3
"""qdx agree and qdx merge end to end, across formats.

usage: test_team_cli.py QDX SOURCE_DIR

- The seed sample's two coders (hti-central-asia.json and the second coder's
  hti-central-asia-coder2.json): `qdx agree` gives the same figures on the JSON files as on
  the same projects converted to .qdpx and .xlsx (and mixed), and on their merged project
  with --coders.
- Merge: A with A is A; merge is commutative up to ids; the merged project validates and
  converts to every format qdx writes.
- The HTML report, read with a real parser (html.parser) and checked with tidy: every
  disagreement's quote is in it, hostile text is text.
- A renamed theme: unmatched without a mapping, matched with one.
- Usage and input errors, and --fail-on for merge conflicts.
"""
import copy
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

QDX, SRC = sys.argv[1], sys.argv[2]
SAMPLES = os.path.join(SRC, "samples", "hti-central-asia")
A = os.path.join(SAMPLES, "hti-central-asia.json")
B = os.path.join(SAMPLES, "hti-central-asia-coder2.json")
CODER_A = "Esson, Ansie & Ameke"
CODER_B = "Second coder (qdx sample)"


def qdx(*args):
    p = subprocess.run([QDX, *args], capture_output=True, timeout=120)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def figures(result):
    """What must not depend on formats, files or ids: every measure, every disagreement."""
    themes = []
    for t in result["themes"]:
        themes.append({k: t[k] for k in ("path", "used", "counts", "agreement", "kappaWeighted", "kappaMean",
                                          "kappaPooled", "alpha", "segments") if k in t}
                      | {"sources": [{k: c[k] for k in ("source", "length", "counts", "agreement", "kappa", "segments") if k in c}
                                     for c in t["sources"]]})
    dis = [{k: d[k] for k in ("theme", "source", "coder", "start", "end", "line", "quote", "bestOverlap") if k in d}
           for d in result["disagreements"]]
    return {"characters": result["characters"], "themes": themes, "overall": result["overall"], "disagreements": dis,
            "compared": [(s["name"], s["length"]) for s in result["sources"]["compared"]],
            "onlyA": result["sources"]["onlyA"], "onlyB": result["sources"]["onlyB"]}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def save(path, project):
    with open(path, "w", encoding="utf-8", newline="") as f:
        json.dump(project, f, ensure_ascii=False)


def lf_version(project):
    """The same project with LF line endings (offsets and quotes follow)."""
    p = copy.deepcopy(project)
    crlf_text = {s["id"]: s.get("text", "") for s in p["sources"]}
    for s in p["sources"]:
        if "text" in s:
            s["text"] = s["text"].replace("\r\n", "\n")
    for e in p["excerpts"]:
        a = e["anchor"]
        if a["type"] == "text":
            t = crlf_text[e["source"]]
            a["start"] -= t.count("\r\n", 0, a["start"])
            a["end"] -= t.count("\r\n", 0, a["end"])
        if "quote" in e:
            e["quote"] = e["quote"].replace("\r\n", "\n")
    return p


def canonical(project):
    """A merged project without its ids: every reference replaced by what it names, lists as sets.
    The audit of entities both files have is the first file's, so audits are left out."""
    themes = {t["id"]: t for t in project["themes"]}

    def path(tid):
        names, seen = [], set()
        while tid in themes and tid not in seen:
            seen.add(tid)
            names.insert(0, themes[tid]["name"])
            tid = themes[tid].get("parent")
        return "/".join(names)

    users = {u["id"]: u["name"] for u in project["users"]}
    attrs = {a["id"]: a["name"] for a in project["attributes"]}
    sources = {s["id"]: s["name"] for s in project["sources"]}
    excerpts = {}
    for e in project["excerpts"]:
        excerpts[e["id"]] = (sources[e["source"]], json.dumps(e["anchor"], sort_keys=True))
    memos = {m["id"]: m["name"] for m in project["memos"]}
    names = {**{k: ("theme", path(k)) for k in themes}, **{k: ("source", v) for k, v in sources.items()},
             **{k: ("excerpt",) + v for k, v in excerpts.items()}, **{k: ("memo", v) for k, v in memos.items()}}

    def values(vs):
        return frozenset((attrs[v["attribute"]], v["value"]) for v in vs)

    def refs(ids):
        return frozenset(names[i] for i in ids)

    def coder(e, c):
        return users.get(c.get("creator") or e.get("audit", {}).get("creator"))

    # Codings by place: where one file holds two excerpts at one place and the other one, the
    # merge keeps the first file's grouping; what is coded where, by whom, and the excerpts'
    # names and descriptions at that place do not depend on the order.
    by_place = {}
    for e in project["excerpts"]:
        slot = by_place.setdefault(excerpts[e["id"]], {"codings": set(), "names": set(), "descriptions": set(), "quotes": set()})
        slot["codings"] |= {(path(c["theme"]), coder(e, c)) for c in e["codings"]}
        for key, field in (("names", "name"), ("descriptions", "description"), ("quotes", "quote")):
            if e.get(field):
                slot[key].add(e[field])
    places = frozenset((place,) + tuple(frozenset(v) for _, v in sorted(slot.items())) for place, slot in by_place.items())

    return {
        "project": {k: project["project"].get(k) for k in ("name", "description", "origin", "ext")},
        "users": frozenset(users.values()),
        "themes": frozenset((path(t["id"]), t.get("color"), t.get("description"), t.get("codable", True))
                            for t in project["themes"]),
        "attributes": frozenset((a["name"], a["type"], a.get("description")) for a in project["attributes"]),
        "sources": frozenset((s["name"], s["kind"], s.get("text"), s.get("description"), values(s.get("values", [])))
                             for s in project["sources"]),
        "excerpts": places,
        "memos": frozenset((m["name"], m["text"], refs(m.get("targets", []))) for m in project["memos"]),
        "cases": frozenset((c["name"], c.get("description"), values(c.get("values", [])), refs(c.get("sources", [])),
                            refs(c.get("themes", [])), refs(c.get("excerpts", []))) for c in project["cases"]),
        "sets": frozenset((s["name"], s.get("description"), refs(s.get("themes", [])), refs(s.get("sources", [])),
                           refs(s.get("memos", []))) for s in project["sets"]),
    }


class Elements(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def parse_html(path):
    p = Elements()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.close()
    return p.tags, "".join(p.text)


class Team(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        cls.files = {}
        for name, src in (("a", A), ("b", B)):
            for ext in ("qdpx", "xlsx"):
                out = os.path.join(d, "%s.%s" % (name, ext))
                rc, _, err = qdx("convert", src, out, "-q")
                assert rc == 0, err
                cls.files[name, ext] = out
        cls.base = {}
        for unit in ("character", "segment"):
            rc, out, err = qdx("agree", A, B, "--json", "--unit", unit)
            assert rc == 0, err
            cls.base[unit] = json.loads(out)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.tmp.name, name)

    def agree(self, *args):
        rc, out, err = qdx("agree", *args, "--json")
        self.assertEqual(rc, 0, err)
        return json.loads(out)

    def test_the_second_coder_file_is_current(self):
        p = subprocess.run([sys.executable, os.path.join(SAMPLES, "make_second_coder.py"), "--check"], capture_output=True)
        self.assertEqual(p.returncode, 0, p.stderr.decode())

    def test_the_second_coder_differs_as_documented(self):
        b = self.base["character"]
        self.assertEqual(len(b["sources"]["compared"]), 9)
        self.assertEqual(b["sources"]["onlyA"] + b["sources"]["onlyB"], [])
        self.assertEqual(b["overall"]["themes"], 4)
        got = {(d["theme"].split("/", 1)[1], d["coder"], d["quote"][:30]) for d in b["disagreements"]}
        self.assertIn(("Shelter and psychosocial support", "A", "The government funded an NGO-o"), got)  # D2
        self.assertIn(("Awareness creation/knowledge", "A", "Thanks to informational campai"), got)  # D4
        self.assertIn(("Tightening legislation", "A", "Another measure, a rather pecu"), got)  # D5
        self.assertIn(("Awareness creation/knowledge", "A", ',\" says Nurzhan'), got)  # D6
        self.assertIn(("Awareness creation/knowledge", "B", "Central Asian governments coll"), got)  # D7
        self.assertEqual(len(b["disagreements"]), 9)
        s = self.base["segment"]["overall"]
        self.assertEqual((s["segments"]["agreements"], s["segments"]["disagreements"]), (18, 11))

    def test_the_same_figures_in_every_format(self):
        for unit in ("character", "segment"):
            want = figures(self.base[unit])
            for fa, fb in ((self.files["a", "qdpx"], self.files["b", "xlsx"]),
                           (self.files["a", "xlsx"], self.files["b", "qdpx"]), (A, self.files["b", "qdpx"])):
                with self.subTest(unit=unit, a=os.path.basename(fa), b=os.path.basename(fb)):
                    self.assertEqual(figures(self.agree(fa, fb, "--unit", unit)), want)

    def test_merge_then_agree_with_coders_gives_the_same_figures(self):
        merged = self.path("merged.json")
        rc, _, err = qdx("merge", self.files["a", "qdpx"], self.files["b", "xlsx"], merged)
        self.assertEqual(rc, 0, err)
        self.assertIn("lossy.merge-conflict x1", err)  # the second tool's colour of one theme
        rc, out, err = qdx("validate", merged)
        self.assertEqual(rc, 0, out + err)
        for unit in ("character", "segment"):
            got = self.agree(merged, "--coders", "%s,%s" % (CODER_A, CODER_B), "--unit", unit)
            self.assertEqual(figures(got), figures(self.base[unit]), unit)

    def test_merging_a_with_a_is_a(self):
        for src in (A, B):
            out = self.path("self.json")
            rc, _, err = qdx("merge", src, src, out)
            self.assertEqual(rc, 0, err)
            rc, diff, _ = qdx("diff", src, out)
            self.assertEqual(rc, 0, diff)

    def test_merge_is_commutative_up_to_ids(self):
        # B in A's form: LF texts and A's colour, so that no value depends on which came first
        b = lf_version(load(B))
        for t in b["themes"]:
            if t["color"] == "#E65100":
                t["color"] = "#EF6C00"
        fb = self.path("b-lf.json")
        save(fb, b)
        ab, ba = self.path("ab.json"), self.path("ba.json")
        for x, y, out in ((A, fb, ab), (fb, A, ba)):
            rc, _, err = qdx("merge", x, y, out, "--fail-on", "lossy")
            self.assertEqual(rc, 0, err)
        pab, pba = load(ab), load(ba)
        self.assertEqual(canonical(pab), canonical(pba))
        count = lambda p: sum(len(e["codings"]) for e in p["excerpts"])
        self.assertEqual(count(pab), count(pba))
        self.assertEqual(count(pab), count(load(A)) + count(b))  # two coders: no coding is the same
        self.assertNotEqual(canonical(pab), canonical(load(A)))  # the second coder's work is in it

    def test_the_merged_project_converts_to_every_format(self):
        merged = self.path("merged-all.json")
        rc, _, err = qdx("merge", A, B, merged, "-q")
        self.assertEqual(rc, 0, err)
        rc, out, _ = qdx("formats")
        writers = [line.split()[0] for line in out.splitlines()
                   if line.startswith("  ") and len(line.split()) > 1 and line.split()[1] in ("RW", "-W")]
        self.assertIn("refi", writers)
        suffix = {"json": "json", "refi": "qdpx", "refi-qdc": "qdc", "csv": "zip", "xlsx": "xlsx"}
        for fmt in writers:
            out = self.path("merged-out." + suffix.get(fmt, fmt))
            rc, _, err = qdx("convert", merged, out, "-t", fmt, "-q")
            self.assertEqual(rc, 0, "%s: %s" % (fmt, err))
            self.assertGreater(os.path.getsize(out), 0, fmt)
            if fmt in ("refi", "xlsx", "csv"):  # read back: the coders' codings are still told apart
                got = self.agree(out, "--coders", "%s,%s" % (CODER_A, CODER_B))
                self.assertEqual(figures(got)["overall"], figures(self.base["character"])["overall"], fmt)

    def test_the_html_report(self):
        report = self.path("report.html")
        rc, _, err = qdx("agree", A, B, "--report", report, "--unit", "segment")
        self.assertEqual(rc, 0, err)
        tags, text = parse_html(report)
        self.assertNotIn("script", tags)
        for d in self.base["segment"]["disagreements"]:
            if d["quote"].strip():
                self.assertIn(d["quote"], text)
        for t in self.base["segment"]["themes"]:
            self.assertIn(t["path"], text)
        if shutil.which("tidy"):
            p = subprocess.run(["tidy", "-errors", "-q", report], capture_output=True)
            self.assertEqual(p.returncode, 0, p.stderr.decode())

    def test_hostile_text_in_the_report_is_text(self):
        p = load(A)
        evil = '"><img src=x onerror=alert(1)><script>alert(2)</script>\u202e'
        p["themes"][1]["name"] = evil
        p["sources"][0]["name"] = "<script>alert(3)</script>"
        q = load(B)
        for t in q["themes"]:
            if t["name"] == "Shelter and psychosocial support":
                t["name"] = evil
        fa, fb = self.path("evil-a.json"), self.path("evil-b.json")
        save(fa, p)
        save(fb, q)
        report = self.path("evil.html")
        rc, _, err = qdx("agree", fa, fb, "--report", report)
        self.assertEqual(rc, 0, err)
        tags, text = parse_html(report)
        self.assertNotIn("script", tags)
        self.assertNotIn("img", tags)
        self.assertIn(evil, text)
        self.assertIn("<script>alert(3)</script>", text)

    def test_a_renamed_theme_needs_a_mapping(self):
        q = load(B)
        for t in q["themes"]:
            if t["name"] == "Tightening legislation":
                t["name"] = "Stricter laws, tougher penalties"
        fb = self.path("renamed.json")
        save(fb, q)
        got = self.agree(A, fb)
        self.assertEqual([t["path"] for t in got["themesOnlyA"]], ["Macrosystem/Tightening legislation"])
        self.assertEqual([t["path"] for t in got["themesOnlyB"]], ["Macrosystem/Stricter laws, tougher penalties"])
        self.assertGreater(got["b"]["codings"]["themeUnmatched"], 0)
        mapping = self.path("map.csv")
        with open(mapping, "w", encoding="utf-8") as f:
            f.write('a,b\r\nMacrosystem/Tightening legislation,"Macrosystem/Stricter laws, tougher penalties"\r\n')
        got = self.agree(A, fb, "--mapping", mapping)
        want = figures(self.base["character"])
        self.assertEqual(figures(got)["overall"], want["overall"])
        self.assertEqual(got["themesOnlyA"], [])
        mapped = [t for t in got["themes"] if t.get("pathB")]
        self.assertEqual(len(mapped), 1)
        rc, out, _ = qdx("agree", A, fb, "--mapping", mapping)
        self.assertIn("1 by the mapping", out)

    def test_usage_and_input_errors(self):
        self.assertEqual(qdx("agree")[0], 2)
        rc, _, err = qdx("agree", A)
        self.assertEqual(rc, 2)
        self.assertIn("--coders", err)
        self.assertEqual(qdx("agree", A, B, "--unit", "word")[0], 2)
        self.assertEqual(qdx("agree", A, B, "--unit", "segment", "--overlap", "0")[0], 2)
        self.assertEqual(qdx("agree", A, B, "--unit", "segment", "--overlap", "ninety")[0], 2)
        self.assertEqual(qdx("agree", A, B, "--overlap", "50")[0], 2)
        rc, _, err = qdx("agree", A, "--coders", "Nobody,Else")
        self.assertEqual(rc, 2)
        self.assertIn(CODER_A, err)  # the users there are
        self.assertEqual(qdx("agree", A, B, "--coders-from-files")[0], 2)
        rc, _, err = qdx("agree", A, B, "--mapping", self.path("missing.csv"))
        self.assertEqual(rc, 3)
        bad = self.path("bad.csv")
        with open(bad, "w", encoding="utf-8") as f:
            f.write("a,b\nonly one column\n")
        rc, _, err = qdx("agree", A, B, "--mapping", bad)
        self.assertEqual(rc, 3)
        self.assertIn("bad.csv:2", err)
        rc, out, _ = qdx("agree", "--help")
        self.assertEqual(rc, 0)
        self.assertIn("--coders", out)
        rc, _, err = qdx("merge", A, B, A)
        self.assertEqual(rc, 4)
        self.assertEqual(qdx("merge", A, B, self.path("out.unknownsuffix"))[0], 2)
        self.assertEqual(qdx("merge", A, B)[0], 2)

    def test_merge_fail_on_lossy_writes_nothing(self):
        out = self.path("conflicted.json")
        rc, _, err = qdx("merge", A, B, out, "--fail-on", "lossy", "--report", self.path("merge-report.json"))
        self.assertEqual(rc, 5, err)
        self.assertFalse(os.path.exists(out))
        report = load(self.path("merge-report.json"))
        self.assertEqual(report["counts"]["lossy.merge-conflict"], 1)
        merged = self.path("unconflicted.json")
        rc, _, err = qdx("merge", A, B, merged, "--coders-from-files", "-v")
        self.assertEqual(rc, 0, err)
        users = {u["name"] for u in load(merged)["users"]}
        self.assertTrue({"hti-central-asia", "hti-central-asia-coder2"} <= users, users)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=1)
