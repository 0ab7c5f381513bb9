#!/usr/bin/python3
"""The html report as people and browsers get it, end to end through the qdx command.

usage: test_html.py QDX SOURCE_DIR ARTEFACTS {report|browser|corpus}

  report   the seed sample's report parsed with real parsers (lxml.html, html.parser):
           every theme, source and quote; the matrix equals counts from the canonical JSON
           and the paper's themes x reports; hostile text stays text; tidy finds no errors;
           options; the losses qdx reported while reading are listed.
  browser  headless Chromium with JavaScript off and on: the DOM holds the quotes, no
           injected script runs, the script's controls work, a screenshot of each section
           (kept in ARTEFACTS), --print-to-pdf pages that pdftoppm renders, and the report
           inside a bag made by qdx archive.
  corpus   the report of every REFI-QDA project of $QDX_CORPUS: tidy, parsed, every theme
           named, every link resolves; all of them loaded in Chromium without a CSP error.
Exit 77 (skipped) when a tool a part needs is missing.
"""
import base64
import copy
import hashlib
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

QDX, SRC, ARTEFACTS, PART = sys.argv[1:5]
SAMPLE = os.path.join(SRC, "samples", "hti-central-asia", "hti-central-asia.json")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import browser  # noqa: E402

RLO = "\u202e"

# The seed study's themes x reports, read off the paper (Esson, Ansie & Ameke 2023,
# Results section): which report each verbatim quote under each theme cites, mapped to
# Table 1 as samples/hti-central-asia/README.md explains.
PAPER = {
    "Shelter and psychosocial support": {"USAID, 2021": 2, "US Department of State, 2021a": 1,
                                         "Winrock International, 2022": 1},
    "Awareness creation/knowledge": {"USAID, 2021": 2, "Central Asian Bureau for Analytical Reporting, 2017": 1,
                                     "Central Asian Bureau for Analytical Reporting, 2016": 1},
    "Inter-organizational/sectorial collaboration": {"Central Asian Bureau for Analytical Reporting, 2017": 2,
                                                     "UNODC, 2022a": 1, "United Nations, 2022": 1},
    "Tightening legislation": {"Central Asian Bureau for Analytical Reporting, 2017": 1, "UNODC, 2022b": 1,
                               "US Department of State, 2021b": 1},
}


def qdx(*args):
    p = subprocess.run([QDX, *args], capture_output=True, timeout=300)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def convert(src, out, *opts):
    rc, _, err = qdx("convert", src, out, *opts)
    if rc != 0:
        raise AssertionError("qdx convert %s failed (%d): %s" % (src, rc, err))
    return err


def parse(path):
    import lxml.html
    with open(path, "rb") as f:
        return lxml.html.fromstring(f.read())


def norm(s):
    """Text as a reader sees it: no-break spaces of the swatches and outer space removed."""
    return s.replace("\u00a0", "").strip()


def tidy_errors(path):
    p = subprocess.run(["tidy", "-errors", "-q", path], capture_output=True, timeout=60)
    return p.returncode, p.stderr.decode("utf-8", "replace")


class ScriptCounter(html.parser.HTMLParser):
    """Python's own parser: every element and attribute, and the text of scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.scripts, self.handlers, self.urls, self._in_script = [], [], [], [], False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for k, v in attrs:
            if k.startswith("on"):
                self.handlers.append((tag, k, v))
            if k in ("src", "href", "action", "formaction", "xlink:href") and v is not None and not v.startswith("#"):
                self.urls.append((tag, k, v))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def matrix_of(doc):
    """(column names, [(row label, note, kind, [values], total)]) of the themes x sources table."""
    table = doc.get_element_by_id("matrix-table")
    cols = [norm(th.text_content()) for th in table.xpath("./thead/tr/th")][1:]
    rows = []
    for tr in table.xpath("./tbody/tr"):
        th = tr.xpath("./th")[0]
        note = th.xpath(".//span[@class='note']")
        label = norm(th.xpath(".//bdi")[0].text_content())
        cells = [norm(td.text_content()) for td in tr.xpath("./td")]
        values = [int(c.replace(",", "")) if c else 0 for c in cells]
        kind = tr.get("class") or ""
        rows.append((label, norm(note[0].text_content()) if note else "", kind, values))
    return cols, rows


def expected_matrix(project):
    """The same table computed from the canonical JSON: rows in tree order, parents as
    subtree totals, a parent's own codings on a row below it, then the total row."""
    themes, sources = project["themes"], project["sources"]
    sidx = {s["id"]: i for i, s in enumerate(sources)}
    tid = {t["id"]: t for t in themes}
    direct = {t["id"]: [0] * len(sources) for t in themes}
    for e in project["excerpts"]:
        for c in e.get("codings", []):
            if c["theme"] in direct and e["source"] in sidx:
                direct[c["theme"]][sidx[e["source"]]] += 1
    children = {t["id"]: [] for t in themes}
    roots = []
    for t in themes:
        (children[t["parent"]] if t.get("parent") in tid else roots).append(t["id"])

    def subtree(i):
        v = list(direct[i])
        for c in children[i]:
            v = [a + b for a, b in zip(v, subtree(c))]
        return v
    rows = []

    def visit(i):
        t = tid[i]
        if children[i]:
            rows.append((t["name"], "", "agg", subtree(i)))
            if any(direct[i]):
                rows.append((t["name"], "coded at this level", "", direct[i]))
        else:
            rows.append((t["name"], "", "", direct[i]))
        for c in children[i]:
            visit(c)
    for r in roots:
        visit(r)
    total = [0] * len(sources)
    for v in direct.values():
        total = [a + b for a, b in zip(total, v)]
    rows.append(("All themes", "", "tot", total))
    return [s["name"] for s in sources], rows


def check_links(testcase, doc, where):
    ids = [e.get("id") for e in doc.xpath("//*[@id]")]
    testcase.assertEqual(len(ids), len(set(ids)), "%s: duplicate ids" % where)
    ids = set(ids)
    for a in doc.xpath("//a[@href]"):
        href = a.get("href")
        testcase.assertTrue(href.startswith("#"), "%s: a link leaves the page: %s" % (where, href))
        testcase.assertIn(href[1:], ids, "%s: the link %s goes nowhere" % (where, href))


def check_self_contained(testcase, path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    p = ScriptCounter()
    p.feed(text)
    testcase.assertEqual(p.urls, [], "%s: loads or links outside the page" % path)
    testcase.assertEqual(p.handlers, [], "%s: event-handler attributes" % path)
    testcase.assertNotIn("<img", p.tags)
    testcase.assertIsNone(re.search(r"url\(|@import", text), "%s: CSS that fetches" % path)
    # Exactly the page's own script, allowed by its hash and nothing else.
    testcase.assertEqual(len(p.scripts), 1, "%s: scripts %r" % (path, [s[:60] for s in p.scripts]))
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text).group(1)
    digest = base64.b64encode(hashlib.sha256(p.scripts[0].encode("utf-8")).digest()).decode()
    testcase.assertIn("'sha256-%s'" % digest, csp)
    testcase.assertIn("default-src 'none'", csp)
    return text, p


class Base(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.d = cls.tmp.name
        os.makedirs(ARTEFACTS, exist_ok=True)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def path(self, name):
        return os.path.join(self.d, name)


def hostile_project():
    """The seed sample with hostile names and a 40,000-character hostile quote."""
    with open(SAMPLE, encoding="utf-8") as f:
        p = json.load(f)
    h = copy.deepcopy(p)
    h["project"]["name"] = "Report </title><script>window.__pwned=1</script>"
    h["themes"][1]["name"] = "<script>window.__pwned=1</script>Shelter"
    h["themes"][1]["description"] = "<!-- ]]> --><style>body{display:none}</style>"
    h["sources"][0]["name"] = "\"><img src=x onerror=\"window.__pwned=1\">USAID"
    h["users"][0]["name"] = "Esson" + RLO + "txt.exe"
    quote = ("<script>window.__pwned=1</script> " + RLO + "evil" + "\"><img src=x onerror=alert(1)> ") * 600
    quote = quote[:40000]
    assert len(quote) == 40000
    src = {"id": "HOSTILE-SOURCE", "name": "Hostile " + RLO + "source", "kind": "text", "text": quote}
    h["sources"].append(src)
    h["excerpts"].append({"id": "HOSTILE-EXCERPT", "source": "HOSTILE-SOURCE", "anchor": {"type": "text", "start": 0,
                          "end": 40000}, "quote": quote,
                          "codings": [{"theme": h["themes"][1]["id"], "creator": h["users"][0]["id"]}]})
    h["memos"][0]["text"] = "</textarea></div><script>window.__pwned=1</script>\u0000\u001b[31m"
    return h, quote


class Report(Base):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.report = os.path.join(cls.d, "report.html")
        convert(SAMPLE, cls.report)
        with open(SAMPLE, encoding="utf-8") as f:
            cls.project = json.load(f)
        cls.doc = parse(cls.report)

    def test_every_theme_source_and_quote(self):
        p, doc = self.project, self.doc
        names = [norm(tr.xpath("./th//bdi")[0].text_content())
                 for tr in doc.get_element_by_id("codebook-table").xpath("./tbody/tr")]
        self.assertEqual(sorted(names), sorted(t["name"] for t in p["themes"]))
        sources = [norm(tr.xpath("./th")[0].text_content())
                   for tr in doc.get_element_by_id("sources-table").xpath("./tbody/tr[@id]")]
        self.assertEqual(sources, [s["name"] for s in p["sources"]])
        quotes = [bq.text_content() for bq in doc.xpath("//article[@class='quote']/blockquote")]
        for e in p["excerpts"]:
            self.assertIn(e["quote"], quotes, e["id"])
        # Each quote is listed once under each of its themes.
        self.assertEqual(len(quotes), sum(len(e["codings"]) for e in p["excerpts"]))

    def test_matrix_equals_counts_from_the_json(self):
        cols, rows = matrix_of(self.doc)
        names, want = expected_matrix(self.project)
        self.assertEqual(cols, names + ["Total", "Sources"])
        self.assertEqual(len(rows), len(want))
        for got, exp in zip(rows, want):
            label, note, kind, values = got
            self.assertEqual((label, note), exp[:2])
            classes = set(kind.split()) & {"agg", "tot"}
            self.assertEqual(classes, {exp[2]} if exp[2] else set(), label)
            self.assertEqual(values[:len(names)], exp[3], label)
            self.assertEqual(values[len(names)], sum(exp[3]), label + " total")
            self.assertEqual(values[len(names) + 1], sum(1 for v in exp[3] if v), label + " sources")

    def test_matrix_reproduces_the_papers_themes_by_reports(self):
        cols, rows = matrix_of(self.doc)
        for label, _, _, values in rows:
            if label in PAPER:
                got = {c: v for c, v in zip(cols, values) if v and c not in ("Total", "Sources")}
                self.assertEqual(got, PAPER[label], label)
        self.assertEqual(rows[-1][3][-2], 15)  # every quote of the Results section

    def test_codebook_counts(self):
        p = self.project
        per_theme = {}
        for e in p["excerpts"]:
            for c in e["codings"]:
                per_theme.setdefault(c["theme"], []).append(e["source"])
        for t in p["themes"]:
            tr = self.doc.get_element_by_id("t%d" % p["themes"].index(t))
            cells = [norm(td.text_content()) for td in tr.xpath("./td")]
            got = cells[1].split("Σ")[0].strip(), cells[2].split("Σ")[0].strip()
            srcs = per_theme.get(t["id"], [])
            self.assertEqual(got, (str(len(srcs)), str(len(set(srcs)))), t["name"])

    def test_links_resolve_and_nothing_is_loaded(self):
        check_links(self, self.doc, "seed report")
        check_self_contained(self, self.report)

    def test_tidy_reports_no_errors(self):
        rc, out = tidy_errors(self.report)
        self.assertEqual(rc, 0, out)

    def test_hostile_text_stays_text(self):
        h, quote = hostile_project()
        src, out = self.path("hostile.json"), self.path("hostile.html")
        with open(src, "w", encoding="utf-8") as f:
            json.dump(h, f, ensure_ascii=False)
        convert(src, out)
        shutil.copy(out, os.path.join(ARTEFACTS, "hostile.html"))
        text, p = check_self_contained(self, out)
        self.assertNotIn(RLO, text, "a right-to-left override reached the page")
        self.assertNotIn("\u0000", text)
        doc = parse(out)
        body = doc.text_content()
        self.assertIn("<script>window.__pwned=1</script>Shelter", body)
        self.assertIn("\"><img src=x onerror=\"window.__pwned=1\">USAID", body)
        self.assertIn("Esson[U+202E]txt.exe", body)
        shown = quote.replace(RLO, "[U+202E]")
        quotes = [bq.text_content() for bq in doc.xpath("//article[@class='quote']/blockquote")]
        self.assertIn(shown, quotes)
        self.assertEqual(doc.xpath("//title")[0].text_content(), h["project"]["name"])
        check_links(self, doc, "hostile report")
        rc, msg = tidy_errors(out)
        self.assertEqual(rc, 0, msg)

    def test_options(self):
        out = self.path("opts.html")
        convert(SAMPLE, out, "-o", "sections=matrix,codebook", "-o", "title=Table 3, again",
                "-o", "max-excerpts-per-theme=1", "-o", "theme-order=frequency")
        doc = parse(out)
        self.assertEqual([s.get("id") for s in doc.xpath("//section[@class='part']")], ["codebook", "matrix"])
        self.assertEqual(norm(doc.xpath("//h1")[0].text_content()), "Table 3, again")
        check_links(self, doc, "sections=matrix,codebook")
        # Frequency order: Macrosystem (7 codings) before the levels with 4.
        _, rows = matrix_of(doc)
        self.assertEqual(rows[0][0], "Macrosystem")
        out = self.path("cap.html")
        err = convert(SAMPLE, out, "-o", "max-excerpts-per-theme=1")
        self.assertIn("lossy.html-excerpts-capped", err)
        more = [norm(x.text_content()) for x in parse(out).xpath("//p[@class='more']")]
        self.assertIn("3 more excerpts of this theme not listed here (-o max-excerpts-per-theme=0 lists every one).", more)
        rc, _, err = qdx("convert", SAMPLE, self.path("bad.html"), "-o", "sections=matrix,everything")
        self.assertEqual(rc, 2)
        self.assertIn("unknown section 'everything'", err)
        rc, out, _ = qdx("format", "html")
        for opt in ("title=", "sections=", "max-excerpts-per-theme=", "theme-order=tree|frequency"):
            self.assertIn(opt, out)

    def test_losses_read_are_listed(self):
        """A file whose reading reports losses: the report lists the same codes as --report."""
        corpus = os.environ.get("QDX_CORPUS", "")
        qde = os.path.join(corpus, "refi", "transana", "refi-spec-1.5-annexA3-Transana-3.22b2.qde")
        if not os.path.exists(qde):
            self.skipTest("QDX_CORPUS has no Transana .qde")
        out, rep = self.path("transana.html"), self.path("transana.json")
        err = convert(qde, out, "--report", rep)
        with open(rep, encoding="utf-8") as f:
            counts = json.load(f)["counts"]
        codes = {norm(c.text_content()) for c in parse(out).xpath("//section[@id='losses']//code")}
        read_codes = {c for c in counts if not c.startswith(("lossy.html", "info.html"))}
        self.assertTrue(read_codes)
        self.assertEqual(codes, read_codes)
        # The writer was handed the read diagnostics, but they are counted once and
        # printed as the reader's, exactly as when writing JSON.
        convert(qde, self.path("transana-copy.json"), "--report", self.path("rep2.json"))
        with open(self.path("rep2.json"), encoding="utf-8") as f:
            self.assertEqual({c: n for c, n in counts.items() if c in read_codes}, json.load(f)["counts"])
        written = [line for line in err.splitlines() if line.startswith("write:")]
        self.assertFalse([line for line in written if any(c in line for c in read_codes)], err)


class Browser(Base):
    @classmethod
    def setUpClass(cls):
        why = browser.missing()
        if why:
            raise unittest.SkipTest(why)
        super().setUpClass()
        cls.report = os.path.join(cls.d, "report.html")
        convert(SAMPLE, cls.report)
        with open(SAMPLE, encoding="utf-8") as f:
            cls.project = json.load(f)

    def quotes_in(self, page_source):
        import lxml.html
        doc = lxml.html.fromstring(page_source)
        return [bq.text_content() for bq in doc.xpath("//article[@class='quote']/blockquote")]

    def check_page(self, js):
        name = "js" if js else "nojs"
        with browser.Browser(js=js, profile=self.path("profile-" + name)) as b:
            b.load("file://" + self.report)
            quotes = self.quotes_in(b.dom())
            for e in self.project["excerpts"]:
                self.assertIn(e["quote"], quotes)
            self.assertEqual(b.script_ran(), js)
            shots = b.section_screenshots(os.path.join(ARTEFACTS, "screenshots"), prefix=name + "-")
            self.assertEqual(len(shots), 10, shots)  # the header and nine sections
            for s in shots:
                self.assertGreater(os.path.getsize(s), 2000, s)
            if js:
                self.check_controls(b.driver)

    def check_controls(self, d):
        from selenium.webdriver.common.by import By

        def click(el):  # in the middle of the window, clear of the sticky navigation bar
            d.execute_script("arguments[0].scrollIntoView({block:'center'})", el)
            el.click()
        # Collapsing a parent row of the matrix hides its sub-themes.
        row = d.find_element(By.CSS_SELECTOR, "#matrix-table tr[data-parent]")
        child = row.find_element(By.XPATH, "following-sibling::tr[1]")
        self.assertTrue(child.is_displayed())
        click(row.find_element(By.CSS_SELECTOR, "button.tog"))
        self.assertFalse(child.is_displayed())
        # Level 1 (CSS only) shows the top level alone.
        click(d.find_element(By.CSS_SELECTOR, "label[for='matrix-table-lv1']"))
        visible = [r for r in d.find_elements(By.CSS_SELECTOR, "#matrix-table tbody tr") if r.is_displayed()]
        self.assertEqual(len(visible), 4)  # three levels and the total
        # The filter keeps the excerpts that hold the words.
        box = d.find_element(By.CSS_SELECTOR, ".filter input")
        click(box)
        box.send_keys("hotline")
        d.implicitly_wait(0)
        import time
        for _ in range(50):
            shown = [a for a in d.find_elements(By.CSS_SELECTOR, "article.quote") if a.is_displayed()]
            if len(shown) == 1:
                break
            time.sleep(0.1)
        self.assertEqual(len(shown), 1)
        self.assertIn("hotline", shown[0].text)

    def test_without_javascript(self):
        self.check_page(js=False)

    def test_with_javascript(self):
        self.check_page(js=True)

    def test_hostile_page_runs_no_injected_script(self):
        h, quote = hostile_project()
        src, out = self.path("hostile.json"), self.path("hostile.html")
        with open(src, "w", encoding="utf-8") as f:
            json.dump(h, f, ensure_ascii=False)
        convert(src, out)
        with browser.Browser(js=True, profile=self.path("profile-hostile")) as b:
            b.load("file://" + out)
            self.assertIsNone(b.driver.execute_script("return window.__pwned"))
            self.assertIn(quote.replace(RLO, "[U+202E]"), self.quotes_in(b.dom()))
            self.assertTrue(b.script_ran())
            b.screenshot_element("#excerpts", os.path.join(ARTEFACTS, "screenshots", "hostile-excerpts.png"))

    def test_print_to_pdf(self):
        pdf = os.path.join(ARTEFACTS, "report.pdf")
        if os.path.exists(pdf):
            os.remove(pdf)
        cmd = [browser.CHROMIUM] + browser.FLAGS + ["--user-data-dir=" + self.path("profile-pdf"),
                                                    "--no-pdf-header-footer", "--print-to-pdf=" + pdf,
                                                    "file://" + self.report]
        subprocess.run(cmd, capture_output=True, timeout=120)
        self.assertTrue(os.path.exists(pdf) and os.path.getsize(pdf) > 10000, "no PDF")
        pages = os.path.join(self.d, "page")
        subprocess.run(["pdftoppm", "-r", "30", "-png", pdf, pages], check=True, timeout=120)
        pngs = sorted(f for f in os.listdir(self.d) if f.startswith("page") and f.endswith(".png"))
        self.assertGreaterEqual(len(pngs), 6)  # a page per section, at least
        shutil.copy(os.path.join(self.d, pngs[0]), os.path.join(ARTEFACTS, "pdf-page-1.png"))
        text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, timeout=60).stdout.decode()
        flat = " ".join(text.split())
        self.assertIn("Tightening legislation", flat)
        self.assertIn("Sana Sezim plays a part", flat)

    def test_report_inside_a_bag(self):
        bag = self.path("bag")
        rc, _, err = qdx("archive", SAMPLE, bag)
        self.assertEqual(rc, 0, err)
        rc, out, _ = qdx("archive", "--verify", bag)
        self.assertEqual(rc, 0, out)
        with open(os.path.join(bag, "README.txt"), encoding="utf-8") as f:
            self.assertIn("data/report.html", f.read())
        page = os.path.join(bag, "data", "report.html")
        with browser.Browser(js=False, profile=self.path("profile-bag")) as b:
            b.load("file://" + page)
            quotes = self.quotes_in(b.dom())
            for e in self.project["excerpts"]:
                self.assertIn(e["quote"], quotes)
            b.screenshot_element("header.top", os.path.join(ARTEFACTS, "screenshots", "bag-header.png"))


class Corpus(Base):
    def test_every_refi_project(self):
        corpus = os.environ.get("QDX_CORPUS", "")
        folder = os.path.join(corpus, "refi")
        if not os.path.isdir(folder):
            self.skipTest("QDX_CORPUS is not set or has no refi/ folder")
        files = sorted(os.path.join(r, f) for r, _, fs in os.walk(folder) for f in fs
                       if f.lower().endswith((".qdpx", ".qde", ".qdc")))
        self.assertGreater(len(files), 5)
        pages = []
        for path in files:
            name = os.path.basename(path)
            with self.subTest(name):
                out, js = self.path(name + ".html"), self.path(name + ".json")
                convert(path, out)
                convert(path, js)
                with open(js, encoding="utf-8") as f:
                    project = json.load(f)
                rc, msg = tidy_errors(out)
                self.assertEqual(rc, 0, msg)
                check_self_contained(self, out)
                doc = parse(out)
                check_links(self, doc, name)
                if project.get("themes"):
                    names = [norm(tr.xpath("./th//bdi")[0].text_content())
                             for tr in doc.get_element_by_id("codebook-table").xpath("./tbody/tr")]
                    want = [norm(t["name"].replace(RLO, "[U+202E]").replace("\u202d", "[U+202D]"))
                            for t in project["themes"]]
                    self.assertEqual(sorted(names), sorted(want))
                pages.append(out)
        why = browser.missing()
        if why:
            print("corpus: not loaded in a browser: " + why)
            return
        with browser.Browser(js=True, profile=self.path("profile-corpus")) as b:
            for out in pages:
                with self.subTest(os.path.basename(out)):
                    b.load("file://" + out)
                    self.assertTrue(b.script_ran())
                    errors = [e for e in b.driver.get_log("browser") if e.get("level") == "SEVERE"]
                    self.assertEqual(errors, [])
                    self.assertTrue(b.driver.title)


if __name__ == "__main__":
    parts = {"report": Report, "browser": Browser, "corpus": Corpus}
    if PART not in parts:
        sys.exit("unknown part " + PART)
    if PART == "report" and shutil.which("tidy") is None:
        print("skipped: tidy is not installed (apt-get install tidy)")
        sys.exit(77)
    if PART == "browser" and browser.missing():
        print("skipped: " + browser.missing())
        sys.exit(77)
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(parts[PART])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)
