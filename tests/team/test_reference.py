#!/usr/bin/python3
"""`qdx agree` against independent reference implementations, on generated coder pairs.

usage: test_reference.py QDX

References (written without looking at the C++ sweep; they use per-character arrays, which
the sweep exists to avoid):
  - Cohen's kappa: scikit-learn's sklearn.metrics.cohen_kappa_score (Debian python3-sklearn)
    on the two coders' unit vectors of each theme x source.
  - Krippendorff's alpha: R's irr is not packaged for Debian 12, and no Debian package computes
    it; `kripp_alpha_nominal` below is the textbook definition (Krippendorff 2011, "Computing
    Krippendorff's alpha-reliability"): a coincidence matrix built unit by unit from pairable
    values, any number of coders and categories, checked on Krippendorff's own worked example.
  - MAXQDA segment agreement: `segment_reference` compares every segment with every segment
    of the other coder (quadratic, obviously right), as MAXQDA's manual describes it.

Each case writes two canonical JSON projects and compares every figure of `qdx agree --json`
with the references (1e-9). Cases: no coding at all, complete agreement, one coder silent,
overlapping codings of one theme by one coder, non-BMP text, CRLF and NFD text on one side,
an empty source and a whole-source coding, and random pairs with known overlap.
"""
import json
import math
import os
import random
import subprocess
import sys
import tempfile
import unittest
import warnings

from sklearn.metrics import cohen_kappa_score

QDX = sys.argv[1] if len(sys.argv) > 1 else "qdx"
TOL = 1e-9

# ---------------------------------------------------------------------------------------------
# Independent references


def kripp_alpha_nominal(data):
    """Krippendorff's alpha, nominal metric. data: list of units, each a list of the values the
    coders gave it (None = missing). Units with fewer than two values are not pairable."""
    values = sorted({v for unit in data for v in unit if v is not None})
    index = {v: i for i, v in enumerate(values)}
    k = len(values)
    o = [[0.0] * k for _ in range(k)]
    for unit in data:
        vs = [v for v in unit if v is not None]
        m = len(vs)
        if m < 2:
            continue
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[index[vs[i]]][index[vs[j]]] += 1.0 / (m - 1)
    n_c = [sum(row) for row in o]
    n = sum(n_c)
    if n == 0:
        return None
    d_o = sum(o[c][e] for c in range(k) for e in range(k) if c != e) / n
    d_e = sum(n_c[c] * n_c[e] for c in range(k) for e in range(k) if c != e) / (n * (n - 1))
    if d_e == 0:
        return None  # no variation: undefined (qdx reports 1, the coders agree on every unit)
    return 1 - d_o / d_e


def kappa(a, b):
    """sklearn's kappa; where it is undefined (0/0) the coders agree on every unit: 1."""
    if len(a) == 0:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        k = cohen_kappa_score(a, b)
    if math.isnan(k):
        assert a == b and len(set(a)) == 1, "sklearn undefined for vectors that differ"
        return 1.0
    return float(k)


def alpha_or_one(a, b):
    r = kripp_alpha_nominal([[x, y] for x, y in zip(a, b)])
    if r is None:
        assert a == b
        return 1.0
    return r


def vectors(n, spans):
    v = [0] * n
    for s, e in spans:
        for i in range(max(s, 0), min(e, n)):
            v[i] = 1
    return v


def merged_segments(spans):
    """MAXQDA keeps one segment where a coder's codings of a code overlap."""
    out = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def segment_reference(mine, theirs, overlap):
    agree = 0
    for s, e in mine:
        ok = False
        for t, u in theirs:
            inter = min(e, u) - max(s, t)
            if inter <= 0:
                continue
            union = max(e, u) - min(s, t)
            if inter * 100 >= overlap * union:
                ok = True
        agree += ok
    return agree, len(mine) - agree


def reference(case, overlap=90):
    """Every figure qdx reports, from the case's unit-level description."""
    lengths = case["lengths"]  # per source, in normalised characters
    themes = case["themes"]
    compared = [i for i, n in enumerate(lengths) if n > 0]
    out = {"themes": {}, "overall": {}}
    used_all_a, used_all_b, used = [], [], []
    seg_total = [0, 0, 0, 0]
    seg_k = 0
    for t in themes:
        pooled_a, pooled_b, ks, ws = [], [], [], []
        seg = [0, 0, 0, 0]
        for s in compared:
            n = lengths[s]
            sa = case["a"].get((t, s), [])
            sb = case["b"].get((t, s), [])
            va, vb = vectors(n, sa), vectors(n, sb)
            pooled_a += va
            pooled_b += vb
            ks.append(kappa(va, vb))
            ws.append(n)
            ga, gb = merged_segments(sa), merged_segments(sb)
            aa, am = segment_reference(ga, gb, overlap)
            ba, bm = segment_reference(gb, ga, overlap)
            seg = [seg[0] + aa, seg[1] + am, seg[2] + ba, seg[3] + bm]
        total = sum(ws)
        r = {
            "agreement": sum(x == y for x, y in zip(pooled_a, pooled_b)) / len(pooled_a) if pooled_a else 1.0,
            "kappaWeighted": sum(k * w for k, w in zip(ks, ws)) / total if total else 1.0,
            "kappaMean": sum(ks) / len(ks) if ks else 1.0,
            "kappaPooled": kappa(pooled_a, pooled_b) if pooled_a else 1.0,
            "alpha": alpha_or_one(pooled_a, pooled_b),
            "used": any(pooled_a) or any(pooled_b),
            "segments": seg,
        }
        out["themes"][t] = r
        if sum(seg):
            seg_k += 1
        seg_total = [x + y for x, y in zip(seg_total, seg)]
        if r["used"]:
            used.append(t)
            used_all_a += pooled_a
            used_all_b += pooled_b
    o = out["overall"]
    o["themes"] = len(used)
    if used:
        o["agreement"] = sum(x == y for x, y in zip(used_all_a, used_all_b)) / len(used_all_a)
        o["kappaWeighted"] = sum(out["themes"][t]["kappaWeighted"] for t in used) / len(used)
        o["kappaMean"] = sum(out["themes"][t]["kappaMean"] for t in used) / len(used)
        o["kappaPooled"] = kappa(used_all_a, used_all_b)
        o["alpha"] = alpha_or_one(used_all_a, used_all_b)
    else:
        for key in ("agreement", "kappaWeighted", "kappaMean", "kappaPooled", "alpha"):
            o[key] = 1.0
    agreements, disagreements = seg_total[0] + seg_total[2], seg_total[1] + seg_total[3]
    o["segments"] = seg_total
    po = agreements / (agreements + disagreements) if agreements + disagreements else None
    o["segmentKappa"] = None
    if po is not None and seg_k >= 2:
        o["segmentKappa"] = (po - 1 / seg_k) / (1 - 1 / seg_k)
    elif po is not None and seg_k == 1 and po == 1:
        o["segmentKappa"] = 1.0
    return out


# ---------------------------------------------------------------------------------------------
# Generated projects
#
# A text is a list of units; each unit is one character of the normalised text (what qdx
# compares) and may be written differently on B's side (CRLF for LF, NFD for NFC), so that
# offsets differ between the two files as they do between tools.

PLAIN = list("abcdefgh ijklmnop.\n")
ASTRAL = ["\U0001F600", "\U0001F4F1", "\U00010330", "\U00020000", "\U0001D538", "\u4e2d", "\u00e9", " "]


def unit_text(units, side):
    out = []
    for u in units:
        if side == "b" and u == "\n" and case_flags.get("crlf"):
            out.append("\r\n")
        elif side == "b" and u == "\u00e9" and case_flags.get("nfd"):
            out.append("e\u0301")
        else:
            out.append(u)
    return out


case_flags = {}


def offsets(parts):
    """Code-point offset of each unit boundary in the written text."""
    pos = [0]
    for p in parts:
        pos.append(pos[-1] + len(p))
    return pos


def project(name, user, texts, themes, codings, side, whole=()):
    """codings: {(theme, source): [(start, end), ...]} in units. whole: (theme, source) coded
    as the whole source (anchor type "source")."""
    p = {"qdx": "1.0", "project": {"name": name}, "users": [{"id": "U-" + user, "name": user}],
         "themes": [], "sources": [], "excerpts": []}
    for i, t in enumerate(themes):
        parent = t.rsplit("/", 1)[0] if "/" in t else None
        th = {"id": "T%s-%d" % (side, i), "name": t.rsplit("/", 1)[-1]}
        if parent:
            th["parent"] = "T%s-%d" % (side, themes.index(parent))
        p["themes"].append(th)
    bounds = []
    for s, units in enumerate(texts):
        parts = unit_text(units, side)
        p["sources"].append({"id": "S%s-%d" % (side, s), "name": "Source %d" % s, "kind": "text",
                             "text": "".join(parts)})
        bounds.append(offsets(parts))
    n = 0
    for (t, s), spans in sorted(codings.items()):
        for a, b in spans:
            n += 1
            p["excerpts"].append({"id": "E%s-%d" % (side, n), "source": "S%s-%d" % (side, s),
                                  "anchor": {"type": "text", "start": bounds[s][a], "end": bounds[s][b]},
                                  "codings": [{"id": "C%s-%d" % (side, n), "theme": "T%s-%d" % (side, themes.index(t)),
                                               "creator": "U-" + user}]})
    for t, s in whole:
        n += 1
        p["excerpts"].append({"id": "E%s-%d" % (side, n), "source": "S%s-%d" % (side, s), "anchor": {"type": "source"},
                              "codings": [{"id": "C%s-%d" % (side, n), "theme": "T%s-%d" % (side, themes.index(t)),
                                           "creator": "U-" + user}]})
    return p


def make_case(texts, themes, a, b, whole_a=(), whole_b=(), **flags):
    case_flags.clear()
    case_flags.update(flags)
    lengths = [len(t) for t in texts]
    ref_a = {k: list(v) for k, v in a.items()}
    ref_b = {k: list(v) for k, v in b.items()}
    for t, s in whole_a:
        ref_a.setdefault((t, s), []).append((0, lengths[s]))
    for t, s in whole_b:
        ref_b.setdefault((t, s), []).append((0, lengths[s]))
    pa = project("A", "Ana", texts, themes, a, "a", whole_a)
    pb = project("B", "Bo", texts, themes, b, "b", whole_b)
    return pa, pb, {"lengths": lengths, "themes": themes, "a": ref_a, "b": ref_b}


def random_text(rng, n, alphabet):
    return [rng.choice(alphabet) for _ in range(n)]


def random_spans(rng, n, count):
    spans = []
    for _ in range(count):
        s = rng.randrange(0, max(n - 1, 1))
        e = min(n, s + rng.randrange(1, max(n // 3, 2)))
        spans.append((s, e))
    return spans


def perturb(rng, spans, n, keep=0.8, shift=4):
    """B's version of A's spans: dropped, shifted at either end, or kept as they are."""
    out = []
    for s, e in spans:
        if rng.random() > keep:
            continue
        if rng.random() < 0.5:
            s = min(max(0, s + rng.randint(-shift, shift)), n - 1)
            e = max(min(n, e + rng.randint(-shift, shift)), s + 1)
        out.append((s, e))
    return out


# ---------------------------------------------------------------------------------------------


class Reference(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def agree(self, pa, pb, *args):
        fa = os.path.join(self.tmp.name, "a.json")
        fb = os.path.join(self.tmp.name, "b.json")
        for f, p in ((fa, pa), (fb, pb)):
            with open(f, "w", encoding="utf-8", newline="") as out:
                json.dump(p, out, ensure_ascii=False)
        r = subprocess.run([QDX, "agree", fa, fb, "--json", *args], capture_output=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr.decode("utf-8", "replace"))
        return json.loads(r.stdout)

    def close(self, got, want, what):
        self.assertIsNotNone(got, what)
        self.assertTrue(abs(got - want) <= TOL, "%s: qdx %r, reference %r" % (what, got, want))

    def check(self, pa, pb, case, overlap=90):
        got = self.agree(pa, pb, "--unit", "segment", "--overlap", str(overlap))
        ref = reference(case, overlap)
        self.assertEqual(got["characters"], sum(case["lengths"]))
        by_path = {t["path"]: t for t in got["themes"]}
        self.assertEqual(sorted(by_path), sorted(case["themes"]))
        for t, r in ref["themes"].items():
            g = by_path[t]
            for key in ("agreement", "kappaWeighted", "kappaMean", "kappaPooled", "alpha"):
                self.close(g[key], r[key], "%s %s" % (t, key))
            self.assertEqual(g["used"], r["used"], t)
            s = g["segments"]
            self.assertEqual([s["agreeingA"], s["segmentsA"] - s["agreeingA"], s["agreeingB"],
                              s["segmentsB"] - s["agreeingB"]], r["segments"], t)
            for cell in g["sources"]:  # every theme x source kappa, against sklearn directly
                src = int(cell["source"].split()[-1])
                va = vectors(case["lengths"][src], case["a"].get((t, src), []))
                vb = vectors(case["lengths"][src], case["b"].get((t, src), []))
                self.close(cell["kappa"], kappa(va, vb), "%s / %s kappa" % (t, cell["source"]))
        o, r = got["overall"], ref["overall"]
        self.assertEqual(o["themes"], r["themes"])
        for key in ("agreement", "kappaWeighted", "kappaMean", "kappaPooled", "alpha"):
            self.close(o[key], r[key], "overall " + key)
        if r["segmentKappa"] is None:
            self.assertIsNone(o["segmentKappa"])
        else:
            self.close(o["segmentKappa"], r["segmentKappa"], "segment kappa")
        return got

    # -- the reference itself --------------------------------------------------------------

    def test_alpha_reference_on_krippendorffs_example(self):
        # Krippendorff (2011), binary data, two observers, ten units: alpha = 0.095
        c1 = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
        c2 = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
        self.assertAlmostEqual(kripp_alpha_nominal([[x, y] for x, y in zip(c1, c2)]), 0.095, places=3)
        # his nominal example with missing values, four observers, 12 units: alpha = 0.743
        data = [[1, 1, None, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
                [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [None, 5, 5, 5], [None, None, 1, 1], [None, None, 3, None]]
        self.assertAlmostEqual(kripp_alpha_nominal(data), 0.743, places=3)

    # -- edge cases ------------------------------------------------------------------------

    def test_no_coding_at_all(self):
        texts = [list("no one coded this text.")]
        pa, pb, case = make_case(texts, ["T"], {}, {})
        got = self.check(pa, pb, case)
        self.assertEqual(got["overall"]["kappaWeighted"], 1.0)
        self.assertEqual(got["disagreements"], [])

    def test_complete_agreement(self):
        rng = random.Random(1)
        texts = [random_text(rng, 300, PLAIN) for _ in range(3)]
        a = {("T", s): random_spans(rng, 300, 4) for s in range(3)}
        a[("U", 1)] = [(10, 50)]
        pa, pb, case = make_case(texts, ["T", "U"], a, dict(a))
        got = self.check(pa, pb, case)
        self.assertEqual(got["overall"]["kappaPooled"], 1.0)
        self.assertEqual(got["overall"]["alpha"], 1.0)

    def test_one_coder_silent(self):
        rng = random.Random(2)
        texts = [random_text(rng, 200, PLAIN) for _ in range(2)]
        a = {("T", 0): [(5, 40), (100, 150)], ("T", 1): [(0, 200)]}
        pa, pb, case = make_case(texts, ["T"], a, {})
        got = self.check(pa, pb, case)
        self.assertEqual(len(got["disagreements"]), 3)
        self.assertTrue(all(d["coder"] == "A" for d in got["disagreements"]))

    def test_overlapping_codings_of_one_theme_by_one_coder(self):
        rng = random.Random(3)
        texts = [random_text(rng, 120, PLAIN)]
        a = {("T", 0): [(10, 60), (40, 90), (85, 100), (100, 110)]}  # overlapping, and touching
        b = {("T", 0): [(10, 110)]}
        pa, pb, case = make_case(texts, ["T"], a, b)
        got = self.check(pa, pb, case)
        t = got["themes"][0]
        self.assertEqual(t["counts"]["aOnly"] + t["counts"]["bOnly"], 0)  # the union agrees everywhere
        self.assertEqual(t["segments"]["segmentsA"], 2)  # (10,100) merged; (100,110) only touches

    def test_non_bmp_text(self):
        rng = random.Random(4)
        texts = [random_text(rng, 150, ASTRAL) for _ in range(2)]
        a = {("T", 0): [(3, 40), (70, 90)], ("T", 1): [(0, 20)]}
        b = {("T", 0): [(5, 40)], ("T", 1): [(10, 30)], ("U", 1): [(0, 150)]}
        pa, pb, case = make_case(texts, ["T", "U"], a, b)
        got = self.check(pa, pb, case)
        quotes = {d["quote"] for d in got["disagreements"]}
        want = "".join(texts[0][70:90])
        self.assertIn(want, quotes)  # quotes are cut at code points, astral characters whole

    def test_crlf_and_nfd_on_one_side(self):
        rng = random.Random(5)
        texts = [random_text(rng, 400, PLAIN + ["\u00e9", "\n"]) for _ in range(2)]
        a = {("T", s): random_spans(rng, 400, 5) for s in range(2)}
        b = {k: perturb(rng, v, 400) for k, v in a.items()}
        pa, pb, case = make_case(texts, ["T"], a, b, crlf=True, nfd=True)
        self.assertNotEqual(pa["sources"][0]["text"], pb["sources"][0]["text"])
        got = self.check(pa, pb, case)
        self.assertEqual(len(got["sources"]["compared"]), 2)

    def test_empty_source_and_whole_source_coding(self):
        rng = random.Random(6)
        texts = [random_text(rng, 80, PLAIN), [], random_text(rng, 30, PLAIN)]
        a = {("T", 0): [(0, 10)]}
        pa, pb, case = make_case(texts, ["T", "U"], a, {}, whole_a=[("U", 2)], whole_b=[("U", 2), ("T", 0)])
        self.check(pa, pb, case)

    def test_theme_tree_paths(self):
        rng = random.Random(7)
        texts = [random_text(rng, 100, PLAIN)]
        themes = ["Level", "Level/T", "Other", "Other/T"]  # same leaf name, two paths
        a = {("Level/T", 0): [(0, 30)], ("Other/T", 0): [(50, 80)]}
        b = {("Level/T", 0): [(0, 30)], ("Other/T", 0): [(55, 80)]}
        pa, pb, case = make_case(texts, themes, a, b)
        self.check(pa, pb, case)

    # -- random pairs with known overlap ---------------------------------------------------

    def test_random_pairs(self):
        for seed in range(8):
            rng = random.Random(100 + seed)
            nsrc = rng.randint(1, 5)
            themes = ["A", "A/x", "A/y", "B"][: rng.randint(1, 4)]
            texts = [random_text(rng, rng.randint(1, 500), PLAIN + ASTRAL) for _ in range(nsrc)]
            a, b = {}, {}
            for t in themes:
                for s in range(nsrc):
                    n = len(texts[s])
                    if rng.random() < 0.7:
                        a[(t, s)] = random_spans(rng, n, rng.randint(1, 6))
                        b[(t, s)] = perturb(rng, a[(t, s)], n, keep=rng.random())
                    if rng.random() < 0.3:
                        b.setdefault((t, s), []).extend(random_spans(rng, n, 2))
            overlap = rng.choice([50, 75, 90, 100])
            pa, pb, case = make_case(texts, themes, a, b, crlf=seed % 2 == 1)
            with self.subTest(seed=seed):
                self.check(pa, pb, case, overlap)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=1)
