#!/usr/bin/python3
"""Archives whose structure other tools read differently (issue 15), through the
qdx command: each is refused with exit 3, a message naming the file and the
reason, and nothing written. For each, the script first shows that Python's
zipfile reads something other than the first project (the ambiguity is real),
then that qdx refuses it. Every zip-based file of the corpus (QDX_CORPUS) must
still read.

usage: check_archives.py QDX_BINARY WORK_DIR"""

import os
import struct
import subprocess
import sys
import zipfile
import io

QDX, WORK = (os.path.abspath(a) for a in sys.argv[1:3])
NS = "urn:QDA-XML:project:1.0"
failures = []


def zipped(members, comment=b""):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members:
            z.writestr(name, data)
        z.comment = comment
    return buf.getvalue()


def project(name):
    return ('<?xml version="1.0" encoding="utf-8"?><Project xmlns="%s" name="%s"/>' % (NS, name)).encode()


def with_comment_length(archive, n):
    b = bytearray(archive)
    struct.pack_into("<H", b, len(b) - 2, n)
    return bytes(b)


def nul_named():
    """Two members, 'project.qde' and 'project.qde<NUL>x': Python sees two project.qde."""
    a = zipped([("project.qde", project("first")), ("project.qdeZx", project("second"))])
    return a.replace(b"project.qdeZx", b"project.qde\x00x")


def cases():
    first, second = zipped([("project.qde", project("first"))]), zipped([("project.qde", project("second"))])
    shifted = bytearray(second)  # the second archive's offsets moved past the first (zip -A)
    cd = struct.unpack_from("<I", shifted, len(shifted) - 6)[0]
    struct.pack_into("<I", shifted, len(shifted) - 6, cd + len(first))
    struct.pack_into("<I", shifted, cd + 42, struct.unpack_from("<I", shifted, cd + 42)[0] + len(first))
    return [
        ("two_zips.qdpx", with_comment_length(first, len(second)) + second, "does not follow its central directory"),
        ("prefixed.qdpx", first + bytes(shifted), "bytes before the first member"),
        ("nul_name.qdpx", nul_named(), r"control byte \x00"),
        ("two_zips.xlsx", with_comment_length(first, len(second)) + second, "does not follow its central directory"),
    ]


def python_reads(path):
    try:
        with zipfile.ZipFile(path) as z:
            names = [i.filename for i in z.infolist()]
            return names, z.read(names[-1]) if names else b""
    except Exception as ex:  # noqa: BLE001 - shown in the failure
        return None, repr(ex).encode()


def check(name, data, reason):
    path = os.path.join(WORK, name)
    with open(path, "wb") as f:
        f.write(data)
    names, content = python_reads(path)
    errors = []
    if names is None or (b"second" not in content and names.count("project.qde") < 2):
        errors.append("the case is not ambiguous for Python (it read %s: %r)" % (names, content[:60]))
    out = os.path.join(WORK, name + ".json")
    for args in (["validate", path], ["convert", path, out]):
        p = subprocess.run([QDX] + args, capture_output=True, timeout=60)
        err = p.stderr.decode("utf-8", "replace")
        if p.returncode != 3:
            errors.append("%s: exit %d, expected 3: %s" % (args[0], p.returncode, err.strip()[:300]))
            continue
        for want in (name, "ambiguous zip structure", reason):
            if want not in err:
                errors.append("%s: the message does not say %r: %s" % (args[0], want, err.strip()[:300]))
        if os.path.exists(out):
            errors.append("convert wrote %s" % out)
    report(name, errors)


def report(name, errors):
    if errors:
        failures.append(name)
        print("FAIL %s" % name)
        for e in errors:
            print("     - " + e)
    else:
        print("ok   %s" % name)


def corpus_still_reads():
    corpus = os.environ.get("QDX_CORPUS", "")
    if not corpus or not os.path.isdir(corpus):
        print("skip corpus: QDX_CORPUS is not set or absent")
        return
    errors = []
    n = 0
    for root, _, files in os.walk(corpus):
        for f in sorted(files):
            if os.path.splitext(f)[1].lower() not in (".qdpx", ".xlsx", ".xlsm", ".zip"):
                continue
            n += 1
            p = subprocess.run([QDX, "info", os.path.join(root, f), "-q"], capture_output=True, timeout=120)
            if b"ambiguous" in p.stderr:
                errors.append("%s: %s" % (f, p.stderr.decode("utf-8", "replace").strip()[:300]))
    report("the corpus's %d zip-based files read" % n, errors)


def main():
    os.makedirs(WORK, exist_ok=True)
    for name, data, reason in cases():
        check(name, data, reason)
    corpus_still_reads()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
