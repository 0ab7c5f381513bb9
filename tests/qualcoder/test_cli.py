#!/usr/bin/python3
"""QualCoder folders through the qdx command: a folder output is built beside its target and
renamed into place, never replaces anything, leaves nothing behind when it fails or when
--fail-on refuses it; folder inputs read (convert, info, validate, diff, archive) and are
never written to.
"""
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import unittest
import zipfile
from pathlib import Path

SRC = Path(__file__).resolve().parents[2]
QDX = str(Path(os.environ.get("QDX_BIN_DIR", SRC / "build" / "bin")) / "qdx")
SAMPLE = SRC / "samples" / "hti-central-asia" / "hti-central-asia.json"
ATLAS = SRC / "tests" / "refi" / "data" / "atlasti-like.qdpx"


def qdx(*args):
    env = dict(os.environ, QDX_PLUGIN_PATH="")
    p = subprocess.run([QDX, *map(str, args)], capture_output=True, timeout=120, env=env)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def snapshot(folder: Path) -> dict:
    out = {}
    for p in sorted(folder.rglob("*")):
        out[str(p.relative_to(folder))] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
    return out


class QualCoderCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def leftovers(self):
        return [p.name for p in self.d.iterdir() if ".qdx-tmp-" in p.name]

    def test_write_then_read_back(self):
        out = self.d / "study.qda"
        rc, _, err = qdx("convert", SAMPLE, out)
        self.assertEqual(rc, 0, err)
        self.assertTrue((out / "data.qda").is_file())
        self.assertEqual(self.leftovers(), [])
        rc, o, err = qdx("info", out, "--json")
        self.assertEqual(rc, 0, err)
        info = json.loads(o)
        self.assertEqual(info["format"], "qualcoder")
        self.assertEqual(info["name"], "study")
        with open(SAMPLE, encoding="utf-8") as f:
            doc = json.load(f)
        self.assertEqual(info["codings"], sum(len(e.get("codings", [])) for e in doc["excerpts"]))
        rc, o, err = qdx("validate", out)
        self.assertEqual(rc, 0, o + err)
        # The folder read is never written to (no journal, no lock file, nothing changed).
        before = snapshot(out)
        (self.d / "again").mkdir()
        again = self.d / "again" / "study.qda"  # the same name: a QualCoder project is named by its folder
        for args in (("convert", out, self.d / "back.qdpx"), ("convert", out, again), ("diff", out, again),
                     ("archive", out, self.d / "bag")):
            rc, o, err = qdx(*args)
            self.assertEqual(rc, 0, f"{args}: {o} {err}")
        self.assertEqual(snapshot(out), before)
        self.assertTrue((self.d / "bag" / "bagit.txt").is_file())
        # a name with a trailing slash is the same folder
        rc, o, _ = qdx("info", str(out) + "/", "--json")
        self.assertEqual(json.loads(o)["format"], "qualcoder")

    def test_an_existing_target_is_never_replaced(self):
        out = self.d / "study.qda"
        self.assertEqual(qdx("convert", SAMPLE, out)[0], 0)
        before = snapshot(out)
        rc, _, err = qdx("convert", SAMPLE, out)
        self.assertEqual(rc, 4)
        self.assertIn("exists", err)
        self.assertEqual(snapshot(out), before)
        (self.d / "file.qda").write_text("a file of the user")
        rc, _, err = qdx("convert", SAMPLE, self.d / "file.qda")
        self.assertEqual(rc, 4)
        self.assertEqual((self.d / "file.qda").read_text(), "a file of the user")
        rc, _, err = qdx("convert", out, out)
        self.assertEqual(rc, 4)
        self.assertIn("input", err)
        self.assertEqual(self.leftovers(), [])

    def test_folders_no_format_reads_are_input_errors(self):
        (self.d / "plain").mkdir()
        (self.d / "named.json").mkdir()
        rc, _, err = qdx("info", self.d / "plain")
        self.assertEqual(rc, 3)
        self.assertIn("is a folder", err)
        rc, _, err = qdx("convert", self.d / "named.json", self.d / "x.qdpx")
        self.assertEqual(rc, 3)
        self.assertIn("is a folder", err)

    def test_stdout_is_refused(self):
        rc, _, err = qdx("convert", SAMPLE, "-", "-t", "qualcoder")
        self.assertEqual(rc, 2)
        self.assertIn("folder", err)

    def test_fail_on_leaves_nothing(self):
        out = self.d / "refused.qda"
        rc, _, err = qdx("convert", ATLAS, out, "--fail-on", "lossy")
        self.assertEqual(rc, 5, err)
        self.assertFalse(out.exists())
        self.assertEqual(self.leftovers(), [])

    def test_a_failure_while_writing_leaves_nothing(self):
        # A .qdpx whose PDF member is damaged: the error comes while the folder is being
        # written (the media are copied after the database is begun).
        bad = self.d / "bad.qdpx"
        with zipfile.ZipFile(ATLAS) as z, zipfile.ZipFile(bad, "w") as out:
            for i in z.infolist():
                data = z.read(i.filename)
                if i.filename.lower().endswith(".pdf"):
                    out.writestr(i, data, compress_type=zipfile.ZIP_STORED)
                else:
                    out.writestr(i, data)
        raw = bytearray(bad.read_bytes())
        at = raw.find(b"%PDF")
        self.assertGreater(at, 0)
        raw[at + 1] ^= 0xFF  # the stored bytes no longer match their CRC
        bad.write_bytes(bytes(raw))
        target = self.d / "half.qda"
        rc, _, err = qdx("convert", bad, target)
        self.assertEqual(rc, 3, err)
        self.assertIn("bad.qdpx", err)
        self.assertFalse(target.exists())
        self.assertEqual(self.leftovers(), [])

    def test_a_zipped_project_reads(self):
        out = self.d / "study.qda"
        self.assertEqual(qdx("convert", SAMPLE, out)[0], 0)
        z = self.d / "study.qda.zip"
        with zipfile.ZipFile(z, "w") as zf:
            for p in out.rglob("*"):
                zf.write(p, "study.qda/" + str(p.relative_to(out)))
        rc, o, err = qdx("diff", out, z, "-f", "qualcoder")
        self.assertEqual(rc, 0, o + err)
        rc, o, err = qdx("info", z, "--json")  # by content: a zip holding */data.qda
        self.assertEqual(json.loads(o)["format"], "qualcoder", err)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]])
