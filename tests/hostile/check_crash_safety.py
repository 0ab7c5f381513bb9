#!/usr/bin/python3
"""Crash safety of qdx output: a failing export and a killed process leave the
previous output intact and no partial file; the input is never the output.

usage: check_crash_safety.py QDX_BINARY TEST_PLUGIN_DIR WORK_DIR

The test plugin (plugins/failing_writer.cpp, loaded with --plugin-path) has
exporters that write half their output and then throw an OutputError
(.fail), throw a std::runtime_error (.throw), or stall until killed (.stall).
The killed-process cases also convert a large generated project with the real
json and refi writers and SIGKILL qdx while it writes.

What a SIGKILL leaves: qdx writes into a temporary file beside the target,
named ".<target name>.qdx-tmp-XXXXXXXX" (libzip adds its own ".XXXXXX" suffix
to that name for zip outputs), and renames it onto the target only when the
export succeeded. A killed process cannot remove its temporary file, so a
hidden file with that prefix may remain; it is never the target's name and
never replaces the target. This test asserts exactly that."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time

QDX, PLUGINS, WORK = sys.argv[1:4]
SANITIZE = os.environ.get("QDX_SANITIZE") == "1"
failures = []
OLD = b"OLD OUTPUT - must survive\n"


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL " + what)
    return ok


def fresh(name):
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def small_project(path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"qdx": "1.0", "project": {"name": "crash safety"},
                   "sources": [{"id": "s1", "name": "a", "kind": "text", "text": "some text"}]}, f)


def big_project(path, sources=400, size=200_000):
    """About sources*size bytes of text (80 MB by default), coded."""
    line = "Shelters opened in Bishkek and Osh; the hotline took 1,341 calls. "
    text = (line * (size // len(line) + 1))[:size]
    with open(path, "w", encoding="utf-8") as f:
        f.write('{"qdx":"1.0","project":{"name":"big"},"themes":[{"id":"t1","name":"T"}],"sources":[')
        for i in range(sources):
            f.write(('%s{"id":"s%d","name":"source %d","kind":"text","text":%s}' % ("," if i else "", i, i, json.dumps(text))))
        f.write('],"excerpts":[')
        for i in range(sources):
            f.write('%s{"id":"e%d","source":"s%d","anchor":{"type":"text","start":0,"end":60},"codings":[{"id":"c%d","theme":"t1"}]}' % ("," if i else "", i, i, i))
        f.write("]}")


def qdx(args, **kw):
    env = dict(os.environ, QDX_PLUGIN_PATH="")
    return subprocess.run([QDX, "--plugin-path", PLUGINS] + args, capture_output=True, env=env, timeout=300, **kw)


def leftovers(d, keep):
    return sorted(f for f in os.listdir(d) if f not in keep)


def failing_export(ext, code, pattern):
    for previous in (True, False):
        d = fresh("fail-%s-%s" % (ext, "old" if previous else "none"))
        src, dst = os.path.join(d, "in.json"), os.path.join(d, "out." + ext)
        small_project(src)
        if previous:
            with open(dst, "wb") as f:
                f.write(OLD)
        p = qdx(["convert", src, dst])
        err = p.stderr.decode("utf-8", "replace")
        label = "a failing export (.%s, %s previous output)" % (ext, "with" if previous else "without")
        check(p.returncode == code, "%s: exit %d, expected %d: %s" % (label, p.returncode, code, err))
        check(pattern in err, "%s: the message lacks %r: %s" % (label, pattern, err))
        if previous:
            with open(dst, "rb") as f:
                check(f.read() == OLD, "%s: the previous output changed" % label)
        else:
            check(not os.path.exists(dst), "%s: a partial output appeared" % label)
        check(leftovers(d, {"in.json", "out." + ext}) == [], "%s: files left behind: %s" % (label, leftovers(d, {"in.json", "out." + ext})))
        print("ok   " + label)


def temp_prefix(dst):
    return "." + os.path.basename(dst) + ".qdx-tmp-"


def wait_for_partial(d, dst, proc, deadline):
    """Until a temporary file beside dst holds data (or proc ends)."""
    prefix = temp_prefix(dst)
    while time.monotonic() < deadline and proc.poll() is None:
        for f in os.listdir(d):
            if f.startswith(prefix):
                p = os.path.join(d, f)
                if os.path.isdir(p):  # a folder output: its database inside the private folder
                    p = os.path.join(p, os.path.basename(dst), "data.qda")
                try:
                    if os.path.getsize(p) > 0:
                        return True
                except FileNotFoundError:
                    pass
        time.sleep(0.005)
    return False


def killed(label, src, ext, previous, case):
    """Converts src into a fresh folder's out.<ext>, SIGKILLs qdx once a temporary file holds data."""
    d = fresh("killed-" + case)
    local = os.path.join(d, os.path.basename(src))
    os.link(src, local)  # the input beside the output, as users have it
    dst = os.path.join(d, "out." + ext)
    if previous:
        with open(dst, "wb") as f:
            f.write(OLD)
    env = dict(os.environ, QDX_PLUGIN_PATH="")
    proc = subprocess.Popen([QDX, "--plugin-path", PLUGINS, "convert", local, dst],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    seen = wait_for_partial(d, dst, proc, time.monotonic() + 240)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    label = "%s (%s previous output)" % (label, "with" if previous else "without")
    if not check(seen and proc.returncode == -signal.SIGKILL,
                 "%s: qdx was not caught while writing (exit %s): make the project larger" % (label, proc.returncode)):
        return
    ok = True
    if previous:
        with open(dst, "rb") as f:
            ok &= check(f.read() == OLD, "%s: the previous output changed" % label)
    else:
        ok &= check(not os.path.exists(dst), "%s: a partial output appeared under the target's name" % label)
    stray = leftovers(d, {os.path.basename(src), os.path.basename(dst)})
    ok &= check(all(f.startswith(temp_prefix(dst)) for f in stray),
                "%s: left files other than hidden '%s*' temporaries: %s" % (label, temp_prefix(dst), stray))
    if ok:
        print("ok   %s: killed mid-write; stray hidden temporaries: %s" % (label, stray))


def input_refused():
    d = fresh("input")
    src = os.path.join(d, "in.json")
    small_project(src)
    with open(src, "rb") as f:
        before = f.read()
    os.link(src, os.path.join(d, "hard.json"))
    os.symlink("in.json", os.path.join(d, "soft.json"))
    os.makedirs(os.path.join(d, "sub"), exist_ok=True)
    os.symlink("../in.json", os.path.join(d, "sub", "up.json"))
    for label, out in [("the input itself", src), ("a hard link to it", os.path.join(d, "hard.json")),
                       ("a symbolic link to it", os.path.join(d, "soft.json")),
                       ("a symbolic link in another folder", os.path.join(d, "sub", "up.json")),
                       ("the same path spelled differently", os.path.join(d, ".", "in.json"))]:
        p = qdx(["convert", src, out])
        err = p.stderr.decode("utf-8", "replace")
        check(p.returncode == 4, "output = %s: exit %d, expected 4: %s" % (label, p.returncode, err))
        check("input" in err, "output = %s: the message does not say why: %s" % (label, err))
        print("ok   output = %s refused (exit %d)" % (label, p.returncode))
    # The report must not overwrite the input either.
    p = qdx(["convert", src, os.path.join(d, "out.json"), "--report", os.path.join(d, "hard.json")])
    check(p.returncode == 4, "--report = a hard link to the input: exit %d, expected 4" % p.returncode)
    with open(src, "rb") as f:
        check(f.read() == before, "the input changed")
    check(sorted(f for f in os.listdir(d) if f.startswith(".")) == [], "temporary files left: %s" % os.listdir(d))
    print("ok   --report onto the input refused; the input is unchanged")


def main():
    os.makedirs(WORK, exist_ok=True)
    failing_export("fail", 4, "injected failure")
    failing_export("throw", 6, "injected std::runtime_error")
    input_refused()

    d = fresh("inputs")
    small = os.path.join(d, "small.json")
    small_project(small)
    big = os.path.join(d, "big.json")
    big_project(big)
    for prev in (True, False):
        tag = "old" if prev else "none"
        killed("a stalled export killed", small, "stall", prev, "stall-" + tag)
        killed("json -> json killed mid-write", big, "json", prev, "json-" + tag)
        killed("json -> qdpx killed mid-write", big, "qdpx", prev, "qdpx-" + tag)
    # A folder output (QualCoder) never replaces anything, so only without a previous one.
    killed("json -> qda (a folder) killed mid-write", big, "qda", False, "qda-none")
    if failures:
        print("%d failure(s)" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
