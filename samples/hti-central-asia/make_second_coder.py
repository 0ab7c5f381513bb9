#!/usr/bin/python3
"""Generate a second coder's version of the seed sample, for `qdx agree` and `qdx merge`.

Writes, next to this script:
  hti-central-asia-coder2.json   the same reports coded independently by a second person,
                                 as a second tool would export it (canonical JSON 1.0)

The second coder starts from the same project as the authors (hti-central-asia.json, built by
make_sample.py): the same reports, codebook, attributes, cases, sets and memos. Everything a
second tool would change is changed: every id is new, the texts have Windows line endings
(CRLF, so offsets differ from the first coder's for the same words), one theme colour is the
tool's own. The coding differs from the authors' in the eight decisions of DECISIONS below,
documented in README.md ("A second coder"). Standard library only; deterministic.

  /usr/bin/python3 make_second_coder.py            # write the file
  /usr/bin/python3 make_second_coder.py --check    # fail if the file on disk is out of date
"""

import argparse
import copy
import json
import os
import sys
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_sample  # noqa: E402  (the first coder's data and builder)

OUT_NAME = "hti-central-asia-coder2.json"
NAMESPACE2 = uuid.uuid5(make_sample.NAMESPACE, "second-coder")
CODED = "2023-06-15T00:00:00Z"  # the second coding's date (invented: after the paper)
USER = {"key": "user:coder2", "name": "Second coder (qdx sample)"}
COLOUR = {"legislation": "#E65100"}  # the second tool's colour for this theme (the authors': #EF6C00)

# How the second coder's coding differs from the authors' (one excerpt per quote otherwise,
# the same span, the same theme). Spans are given by text: `quote` keys of make_sample.QUOTES,
# optionally cut to the part from `begin` to `end` (inclusive substrings of the quote text).
DECISIONS = [
    {"key": "D1", "quotes": ["q02", "q03"], "theme": "shelter",
     "why": "The two USAID shelter quotes are one passage to the second coder: one excerpt from "
            "the start of the first to the end of the second, the blank line between included."},
    {"key": "D2", "quotes": ["q04"], "theme": "collaboration", "replaces": "shelter",
     "why": "The government-funded, NGO-operated hotline is read as collaboration between "
            "government and NGOs, not as shelter and psychosocial support."},
    {"key": "D3a", "quotes": ["q06"], "theme": "awareness", "end": "for 2015-2017",
     "why": "Only the first sentence of the CABAR 2017 quote on Kazakhstan (the prevention plan) "
            "is coded as awareness creation, without its full stop ..."},
    {"key": "D3b", "quotes": ["q06"], "theme": "legislation", "begin": "The authorities are working",
     "why": "... and the rest (criteria for recognising victims, whether or not a criminal case "
            "is open) as tightening legislation."},
    {"key": "D4", "quotes": ["q08"], "theme": None, "replaces": "awareness",
     "why": "The second USAID awareness quote (informational campaigns) is not coded at all."},
    {"key": "D5", "quotes": ["q15"], "theme": None, "replaces": "legislation",
     "why": "The passage on women's travel permission, which the paper prints twice, is coded "
            "only once, inside the collaboration quote it belongs to; not again as legislation."},
    {"key": "D6", "quotes": ["q07"], "theme": "awareness", "end": "materials on anti-trafficking",
     "why": "The Nurzhan quote is coded without the attribution ',\" says Nurzhan' at its end "
            "(15 characters of about 400: a character-level difference, but the segments still "
            "overlap by more than 90%)."},
    {"key": "D7", "quotes": ["q09"], "theme": "awareness", "also": True,
     "why": "The UN quote on Central Asian governments' collaboration is coded as awareness "
            "creation too (trafficking prevention programmes), besides collaboration."},
    {"key": "D8a", "quotes": ["q12"], "theme": "collaboration", "end": "and public organizations.",
     "why": "The Turkmenistan quote is coded as collaboration in two overlapping excerpts: its "
            "first two sentences ..."},
    {"key": "D8b", "quotes": ["q12"], "theme": "collaboration", "begin": "It includes the state",
     "why": "... and its last two: the middle sentence is coded twice by the same coder, which "
            "counts once."},
]


def uid2(key):
    return str(uuid.uuid5(NAMESPACE2, key)).upper()


def crlf(text):
    return text.replace("\n", "\r\n")


def audit():
    return {"creator": uid2(USER["key"]), "created": CODED}


def renumber(project):
    """Every id replaced by a new one (a second tool's), references followed."""
    ids = {}

    def new(old):
        if old not in ids:
            ids[old] = uid2("id:" + old)
        return ids[old]

    p = copy.deepcopy(project)
    for kind in ("themes", "attributes", "sources", "memos", "cases", "sets"):
        for x in p[kind]:
            x["id"] = new(x["id"])
    for t in p["themes"]:
        if "parent" in t:
            t["parent"] = new(t["parent"])
    for holder in p["sources"] + p["cases"]:
        for v in holder.get("values", []):
            v["attribute"] = new(v["attribute"])
    for m in p["memos"]:
        if "targets" in m:
            m["targets"] = [new(i) for i in m["targets"] if i in ids]  # not the authors' excerpts
    for c in p["cases"]:
        c["sources"] = [new(i) for i in c.get("sources", [])]
    for s in p["sets"]:
        for k in ("themes", "sources", "memos"):
            if k in s:
                s[k] = [new(i) for i in s[k]]
    return p, ids


def spans(project1):
    """The authors' spans, by quote key, in code points of the LF texts."""
    ex = {e["id"]: e for e in project1["excerpts"]}
    return {q["key"]: ex[make_sample.uid("excerpt:" + q["key"])] for q in make_sample.QUOTES}


def to_crlf_offset(text_lf, offset):
    """A code-point offset of the LF text in the CRLF text: one more per LF before it."""
    return offset + text_lf.count("\n", 0, offset)


def coder2_excerpts(project1, theme_id, source_id):
    by_quote = spans(project1)
    text_of = {s["id"]: s["text"] for s in project1["sources"]}
    quote_theme = {q["key"]: q["theme"] for q in make_sample.QUOTES}
    decided = {}
    for d in DECISIONS:
        for q in d["quotes"]:
            decided.setdefault(q, []).append(d)
    plan = []  # (first quote key, source id (coder 1), start, end, theme key, decision key)
    for q in make_sample.QUOTES:
        k = q["key"]
        e = by_quote[k]
        start, end = e["anchor"]["start"], e["anchor"]["end"]
        ds = decided.get(k, [])
        if not ds or all(d.get("also") for d in ds):
            plan.append((k, e["source"], start, end, quote_theme[k], None))
        for d in ds:
            if d["theme"] is None or (len(d["quotes"]) > 1 and d["quotes"][0] != k):
                continue
            s, t = start, end
            if len(d["quotes"]) > 1:
                t = by_quote[d["quotes"][-1]]["anchor"]["end"]
            text = text_of[e["source"]]
            if "begin" in d:
                s = text.index(d["begin"], start, end)
            if "end" in d:
                t = text.index(d["end"], start, end) + len(d["end"])
            plan.append((k, e["source"], s, t, d["theme"], d["key"]))
    out = []
    for n, (k, src1, s, t, theme, dkey) in enumerate(plan):
        text_lf = text_of[src1]
        quote = text_lf[s:t]
        cs, ct = to_crlf_offset(text_lf, s), to_crlf_offset(text_lf, t)
        assert crlf(text_lf)[cs:ct] == crlf(quote), (k, dkey)
        key = "excerpt:%s:%s:%d" % (k, dkey or "same", n)
        out.append({
            "id": uid2(key), "source": source_id[src1],
            "name": make_sample.excerpt_name(quote),
            "anchor": {"type": "text", "start": cs, "end": ct},
            "quote": crlf(quote),
            "codings": [{"id": uid2("coding:" + key), "theme": theme_id[theme],
                         "creator": uid2(USER["key"]), "created": CODED}],
            "audit": audit()})
    return out


def build():
    project1, _ = make_sample.build()
    p, ids = renumber(project1)
    theme_id = {t["key"]: ids[make_sample.uid("theme:" + t["key"])] for t in make_sample.THEMES}
    source_id = {s["id"]: ids[s["id"]] for s in project1["sources"]}
    p["users"] = [{"id": uid2(USER["key"]), "name": USER["name"]}]
    p["project"]["audit"] = audit()
    for kind in ("themes", "sources", "memos"):
        for x in p[kind]:
            x["audit"] = audit()
    for key, colour in COLOUR.items():
        for t in p["themes"]:
            if t["id"] == theme_id[key]:
                t["color"] = colour
    for s in p["sources"]:
        s["text"] = crlf(s["text"])
    p["excerpts"] = coder2_excerpts(project1, theme_id, source_id)
    # The authors' memo on their citations is about their excerpts: not this coder's.
    p["memos"] = [m for m in p["memos"] if m["name"] != "Inconsistencies in the paper's citations and quotes"]
    p["memos"].append({
        "id": uid2("memo:decisions"), "name": "Second coder's decisions",
        "text": "\n\n".join("%s: %s" % (d["key"], d["why"]) for d in DECISIONS),
        "audit": audit()})
    return p


def check(p):
    errors = []
    text_of = {s["id"]: s["text"] for s in p["sources"]}
    themes = {t["id"] for t in p["themes"]}
    for e in p["excerpts"]:
        a = e["anchor"]
        if text_of[e["source"]][a["start"]:a["end"]] != e["quote"]:
            errors.append("excerpt %s: text[start:end] != quote" % e["id"])
        for c in e["codings"]:
            if c["theme"] not in themes:
                errors.append("coding %s: no theme %s" % (c["id"], c["theme"]))
    ids = [x["id"] for k in ("users", "themes", "attributes", "sources", "excerpts", "memos", "cases", "sets")
           for x in p[k]]
    if len(ids) != len(set(ids)):
        errors.append("duplicate ids")
    return errors


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="fail if the file on disk is out of date")
    args = ap.parse_args()
    p = build()
    errors = check(p)
    for e in errors:
        print("make_second_coder: " + e, file=sys.stderr)
    if errors:
        return 1
    content = make_sample.dump(p)
    path = os.path.join(HERE, OUT_NAME)
    if args.check:
        try:
            with open(path, encoding="utf-8", newline="") as f:
                same = f.read() == content
        except FileNotFoundError:
            same = False
        if not same:
            print("make_second_coder: %s is out of date; run make_second_coder.py" % OUT_NAME, file=sys.stderr)
            return 1
        return 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(content)
    return 0


if __name__ == "__main__":
    sys.exit(main())
