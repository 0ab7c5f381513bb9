#!/usr/bin/python3
"""QualCoder, driven headless: a real client for qdx's tests.

QualCoder (LGPL-3.0) is not part of qdx. Its Python package is loaded at run time from the
clients folder ($QDX_CLIENTS, default ../shared/clients beside the source tree), the way a
user's own QualCoder would read qdx's files; nothing of it is copied here. What runs is
QualCoder's own code:

- ``new_project``   QualCoder's ``MainWindow.new_project`` (the tables, the project row, the
                    coder-name views, then its ``open_project``),
- ``open_project``  QualCoder's ``MainWindow.open_project`` (the checks and upgrades it runs on
                    any project it opens, then its project summary),
- ``import_qdpx``   QualCoder's ``RefiImport`` (qualcoder/refi.py) into a new project,
- ``export_qdpx``   QualCoder's ``RefiExport`` of an open project.

``MainWindow`` lives in QualCoder's ``__main__.py``, which cannot be imported here (it pulls
in its AI chat, built on packages Debian does not have). So those four methods are compiled
from QualCoder's source at run time (``ast``, original file and line numbers kept in the
tracebacks) and called on a stand-in window (``_Window``) whose widgets do nothing. Dialogs
that would wait for a user are answered: the file dialogs with the paths given, every
message box is logged instead of shown (``Session.messages``), the line-endings question of
the export keeps its default ("no change").

Two modules QualCoder imports are replaced, because Debian does not package what they need
and REFI-QDA import/export never use them: ``qualcoder.ai_llm`` (langchain, biopython) by an
inert stand-in, and ``pymupdf`` by Debian's ``fitz`` (the same library, older module name).

QualCoder writes its settings, log and export scratch folder under ``~/.qualcoder``; a
Session points HOME at a private temporary folder first, so the user's own QualCoder
settings are never read or touched.

Reading a project back (``read_project``) is plain sqlite3 over ``data.qda`` and does not
need QualCoder at all.

Run with Debian's /usr/bin/python3 (PyQt6 and friends: .ci/apt.d/qualcoder.txt):

    qualcoder_driver.py import IN.qdpx [--project DIR/NAME] [--json]
    qualcoder_driver.py export PROJECT.qda OUT_DIR
    qualcoder_driver.py read PROJECT.qda [--json]
    qualcoder_driver.py new DIR/NAME          (QualCoder appends .qda)
    qualcoder_driver.py open PROJECT.qda
Exit 77 when the clients folder is absent (the tests' "skipped").
"""

from __future__ import annotations

import argparse
import ast
import atexit
import builtins
import contextlib
import importlib.util
import io
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import types
from pathlib import Path

SKIP = 77  # exit code of a skipped test (ctest SKIP_RETURN_CODE)


def scratch() -> str | None:
    """A folder for temporary projects: /dev/shm when there is one. QualCoder commits after
    every row it inserts, and on a disk each commit waits for an fsync (minutes for a corpus)."""
    shm = Path("/dev/shm")
    return str(shm) if shm.is_dir() and os.access(shm, os.W_OK) else None


class ClientMissing(Exception):
    """The clients folder (or QualCoder in it) is absent: the caller should skip."""


def source_tree() -> Path:
    """The qdx source tree holding this file (tests/clients/qualcoder/ → three up)."""
    return Path(__file__).resolve().parents[3]


def clients_dir() -> Path:
    """$QDX_CLIENTS, else ../shared/clients beside the source tree; read at every call."""
    env = os.environ.get("QDX_CLIENTS")
    return Path(env) if env else source_tree().parent / "shared" / "clients"


def qualcoder_root(clients: Path | None = None) -> Path:
    """The folder that holds QualCoder's package ``qualcoder/``; ClientMissing if absent."""
    root = (clients or clients_dir()) / "qualcoder"
    if not (root / "qualcoder" / "refi.py").is_file():
        raise ClientMissing(f"QualCoder not found: no {root / 'qualcoder' / 'refi.py'} "
                            f"(set QDX_CLIENTS to the folder holding qualcoder/)")
    return root


# ---------------------------------------------------------------------------------------------
# Loading QualCoder

class _Inert:
    """A widget that does nothing: any attribute is another inert widget, any call returns one.
    Stands in for the main window's tabs, menus, scroll bars and AI panel, which the project
    methods poke but which have no part in the project's data."""

    def __getattr__(self, name):
        return _Inert()

    def __call__(self, *args, **kwargs):
        return _Inert()

    def __bool__(self):
        return False


class _Log(_Inert):
    """QualCoder's action log (``ui.textEdit``): what it appends is kept as text."""

    def __init__(self):
        self.lines: list[str] = []

    def append(self, text):
        self.lines.append(str(text))


def _ai_stub() -> types.ModuleType:
    """Stands in for qualcoder.ai_llm: default model list empty, no model upgrades, an LLM that
    is never started (settings keep ai_enable='False')."""
    mod = types.ModuleType("qualcoder.ai_llm")
    mod.get_default_ai_models = lambda: []
    mod.update_ai_models = lambda models, index, settings=None: (models, index, None)

    class AiLLM(_Inert):
        def __init__(self, *args, **kwargs):
            pass

    mod.AiLLM = AiLLM
    return mod


# The methods of QualCoder's MainWindow (in __main__.py) that the driver runs.
_WINDOW_METHODS = ("new_project", "open_project", "close_project", "project_summary_report",
                   "delete_backup_folders")


def _compile_methods(main_py: Path, cls: str, names, namespace: dict) -> dict:
    """Compiles the named methods of class ``cls`` from QualCoder's source into functions whose
    globals are ``namespace``. Every global name they read must be in ``namespace`` or a builtin:
    a QualCoder that needs something new fails here by name, not halfway through a project."""
    tree = ast.parse(main_py.read_text(encoding="utf-8"), filename=str(main_py))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == cls:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name in names:
                    found[item.name] = item
    missing = [n for n in names if n not in found]
    if missing:
        raise RuntimeError(f"{main_py}: {cls} has no {', '.join(missing)} (QualCoder changed?)")
    out = {}
    for name, fn in found.items():
        local = {a.arg for a in ast.walk(fn) if isinstance(a, ast.arg)}
        local |= {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        local |= {a.asname or a.name for n in ast.walk(fn) if isinstance(n, (ast.Import, ast.ImportFrom))
                  for a in n.names}
        local |= {n.name for n in ast.walk(fn) if isinstance(n, (ast.ExceptHandler, ast.FunctionDef)) and n.name}
        needed = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        unknown = sorted(needed - local - set(namespace) - set(dir(builtins)))
        if unknown:
            raise RuntimeError(f"{main_py}:{fn.lineno}: {cls}.{name} needs {', '.join(unknown)}, "
                               f"which the driver does not provide (QualCoder changed?)")
        code = compile(ast.Module(body=[fn], type_ignores=[]), str(main_py), "exec")
        scope: dict = {}
        exec(code, namespace, scope)  # defines the function, with QualCoder's file and lines
        out[name] = scope[name]
    return out


class Session:
    """One QualCoder in this process: its modules loaded, a QApplication, a private HOME.
    Make one (it is reused: Python cannot unload QualCoder's modules) with ``session()``."""

    def __init__(self, clients: Path | None = None, home: Path | None = None):
        self.root = qualcoder_root(clients)
        if home is None:
            home = Path(tempfile.mkdtemp(prefix="qdx-qualcoder-home-", dir=scratch()))
            atexit.register(shutil.rmtree, home, True)
        self.home = home
        # Before QualCoder is imported: app.py reads ~ once, at import time.
        os.environ["HOME"] = str(home)
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        os.environ.setdefault("XDG_RUNTIME_DIR", str(home))
        (home / ".qualcoder").mkdir(parents=True, exist_ok=True)
        self.messages: list[tuple[str, str]] = []  # (title, text) of every message box
        self.printed = ""  # what QualCoder printed while the driver ran it
        self._load()

    def _load(self):
        from PyQt6 import QtCore, QtWidgets
        self.QtCore, self.QtWidgets = QtCore, QtWidgets
        self.qapp = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["qualcoder"])
        if not hasattr(builtins, "_"):
            builtins._ = lambda s: s  # QualCoder's gettext; English
        if importlib.util.find_spec("pymupdf") is None:
            import fitz
            sys.modules["pymupdf"] = fitz
        if str(self.root) not in sys.path:
            sys.path.insert(0, str(self.root))
        if importlib.util.find_spec("qualcoder") is None:
            raise ClientMissing(f"cannot import qualcoder from {self.root}")
        # QualCoder logs to ~/.qualcoder/QualCoder.log (set up by its __main__, not run here):
        # without a handler, Python would print its warnings on stderr
        import logging
        log = logging.getLogger("qualcoder")
        if not log.handlers:
            log.addHandler(logging.FileHandler(self.home / ".qualcoder" / "QualCoder.log", encoding="utf-8"))
            log.propagate = False
        ai = _ai_stub()
        sys.modules["qualcoder.ai_llm"] = ai
        import datetime
        import qualcoder.app as qapp
        import qualcoder.helpers as helpers
        import qualcoder.refi as refi
        loaded_from = Path(refi.__file__).resolve()
        if self.root.resolve() not in loaded_from.parents:
            raise RuntimeError(f"qualcoder was imported from {loaded_from}, not from {self.root}")
        self.app_module, self.refi = qapp, refi
        session = self

        def message_exec(box):  # a message box is logged, never shown: nobody would close it
            session.messages.append((box.windowTitle(), box.text()))
            return QtWidgets.QMessageBox.StandardButton.Ok.value

        helpers.Message.exec = message_exec
        refi.RefiLineEndings.exec = lambda dialog: 0  # keeps its default: "No change to line endings"
        namespace = {
            "App": qapp.App, "AiLLM": ai.AiLLM, "Message": helpers.Message,
            "get_default_user_directory": helpers.get_default_user_directory,
            "QtWidgets": QtWidgets, "QtCore": QtCore, "Path": Path, "datetime": datetime,
            "sqlite3": sqlite3, "os": os, "shutil": shutil,
            "logger": logging.getLogger("qualcoder.__main__"),
        }
        self.window_methods = _compile_methods(self.root / "qualcoder" / "__main__.py", "MainWindow",
                                               _WINDOW_METHODS, namespace)

    @contextlib.contextmanager
    def _answers(self, open_file: str = "", save_file: str = "", directory: str = ""):
        """QualCoder's file dialogs answer with the given paths while the block runs; what it
        prints goes to ``printed`` (it prints the errors it recovers from)."""
        fd = self.QtWidgets.QFileDialog
        saved = fd.getOpenFileName, fd.getSaveFileName, fd.getExistingDirectory
        out = io.StringIO()
        # (path, the filter chosen): QualCoder takes an empty filter for "cancelled"
        chosen = lambda path: staticmethod(lambda *a, **k: (path, a[3] if len(a) > 3 and a[3] else "*"))
        fd.getOpenFileName = chosen(open_file)
        fd.getSaveFileName = chosen(save_file)
        fd.getExistingDirectory = staticmethod(lambda *a, **k: directory)
        try:
            with contextlib.redirect_stdout(out):
                yield
        finally:
            fd.getOpenFileName, fd.getSaveFileName, fd.getExistingDirectory = saved
            self.printed += out.getvalue()

    # -- projects -----------------------------------------------------------------------------

    def window(self) -> "_Window":
        """A stand-in main window with no project open (QualCoder's own App inside)."""
        return _Window(self)

    def new_project(self, path: str | os.PathLike) -> "_Window":
        """Creates an empty project with QualCoder's new_project and opens it. ``path`` is what
        a user types in the save dialog: QualCoder appends ``.qda`` (and ``_1``, ``_2``… when it
        exists). The window's ``app.project_path`` names the folder made."""
        w = self.window()
        with self._answers(save_file=str(path)):
            w.new_project()
        if not w.app.project_path or w.app.conn is None:
            raise RuntimeError(f"QualCoder did not create a project at {path}.qda:\n" + w.log())
        return w

    def open_project(self, path: str | os.PathLike, backup: bool = False) -> "_Window":
        """Opens an existing ``.qda`` folder with QualCoder's open_project: the check that it is
        a QualCoder database, the upgrades of older versions, the repairs it makes, its summary.
        RuntimeError (with QualCoder's log) when QualCoder refuses it."""
        w = self.window()
        w.app.settings["backup_on_open"] = "True" if backup else "False"
        with self._answers():
            w.open_project(str(path))
        if w.app.conn is None:
            raise RuntimeError(f"QualCoder did not open {path}:\n" + w.log())
        return w

    def import_qdpx(self, qdpx: str | os.PathLike, project: str | os.PathLike) -> "_Window":
        """A new project at ``project`` (+ .qda) holding the import of ``qdpx`` by QualCoder's
        RefiImport, as its menu "Import REFI-QDA project" does. Exceptions of the import are
        QualCoder's own and propagate."""
        w = self.new_project(project)
        with self._answers(open_file=str(Path(qdpx).resolve())):
            self.refi.RefiImport(w.app, w.ui.textEdit, "qdpx")
        w.app.conn.commit()
        return w

    def export_qdpx(self, window: "_Window", out_dir: str | os.PathLike) -> Path:
        """QualCoder's RefiExport of the window's open project into ``out_dir``; the path of
        the .qdpx it wrote (QualCoder names it after the project)."""
        out_dir = Path(out_dir).resolve()
        before = set(out_dir.glob("*.qdpx"))
        with self._answers(directory=str(out_dir)):
            self.refi.RefiExport(window.app, window.ui.textEdit, "project")
        made = sorted(set(out_dir.glob("*.qdpx")) - before)
        if len(made) != 1:
            raise RuntimeError(f"QualCoder's export wrote {len(made)} files in {out_dir}:\n" + window.log())
        return made[0]


class _Window:
    """Stands in for QualCoder's MainWindow: QualCoder's own project methods, bound to this
    object, with inert widgets and an action log (``ui.textEdit.lines``)."""

    def __init__(self, session: Session):
        self.session = session
        self.ui = _Inert()
        self.ui.__dict__["textEdit"] = _Log()
        self.ai_chat_window = _Inert()
        self.journal_display = None
        self.project = {"databaseversion": "", "date": "", "memo": "", "about": ""}
        self.app = session.app_module.App()
        self.app.ai = sys.modules["qualcoder.ai_llm"].AiLLM()
        for name, fn in session.window_methods.items():
            setattr(self, name, types.MethodType(fn, self))

    def log(self) -> str:
        return "\n".join(self.ui.textEdit.lines)

    # the window chrome QualCoder updates around a project: nothing to do headless
    def setWindowTitle(self, *args): pass
    def clear_tab_widgets(self, *args, **kwargs): pass
    def fill_recent_projects_menu_actions(self): pass
    def hide_menu_options(self): pass
    def show_menu_options(self): pass

    def close(self):
        """QualCoder's close_project (commits and closes the connection)."""
        if self.app.conn is not None:
            self.close_project()


_SESSION: Session | None = None


def session(clients: Path | None = None) -> Session:
    """The process's QualCoder (loaded on first use). ClientMissing when it is absent."""
    global _SESSION
    if _SESSION is None:
        _SESSION = Session(clients)
    return _SESSION


# ---------------------------------------------------------------------------------------------
# Reading a project back (plain sqlite3; QualCoder not needed)

def read_project(project: str | os.PathLike) -> dict:
    """What a QualCoder project holds, as QualCoder shows it.

    - ``sources``: id, name, fulltext, mediapath, memo, ``transcript_of``: the name of the audio
      or video source when QualCoder made this text source as its transcript (named
      "<name>.txt", or "<name>.transcribed" for a video without one; QualCoder makes one for
      every audio/video source), and ``rebased``: True when QualCoder
      re-based the text on import (read a file whose first line ends in CR LF, of a project whose
      origin does not name ATLAS.ti, and put a space after every line break so that a CR LF
      counts two characters, as the offsets do),
    - ``categories`` and ``codes``, each with its ``path`` in the tree (a list of names: a code
      sits under a parent code or a category, a category under a category),
    - ``codings`` (text): source and code path, pos0, pos1, ``shown`` — the source's
      fulltext[pos0:pos1], what QualCoder highlights — and ``seltext``, what it stored,
    - counts of the other kinds: image and A/V codings, cases, case texts, journals, attributes,
      annotations.
    Plain sqlite3, read-only: QualCoder itself is not needed."""
    folder = Path(project)
    db = folder / "data.qda"
    if not db.is_file():
        raise FileNotFoundError(f"{db}: not a QualCoder project (no data.qda)")
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        q = lambda sql: conn.execute(sql).fetchall()
        sources = [dict(id=i, name=n, fulltext=t, mediapath=m, memo=memo, rebased=_rebased(folder, n, t))
                   for i, n, t, m, memo in q("select id, name, fulltext, mediapath, memo from source order by id")]
        cats = {c: dict(catid=c, name=n, supercatid=s) for c, n, s in
                q("select catid, name, supercatid from code_cat order by catid")}
        codes = {c: dict(cid=c, name=n, catid=cat, supercid=sup, color=col, memo=memo)
                 for c, n, cat, sup, col, memo in
                 q("select cid, name, catid, supercid, color, memo from code_name order by cid")}

        def parent(x):  # a code's parent code or category; a category's parent category
            if "cid" in x:
                return codes.get(x["supercid"]) or cats.get(x["catid"])
            return cats.get(x["supercatid"])

        for c in list(cats.values()) + list(codes.values()):
            c["path"] = _tree_path(c, parent)
        # QualCoder adds a text source "<name>.txt" for each audio or video source (its transcript)
        media = {s["name"] for s in sources if (s["mediapath"] or "").startswith(("/audio/", "/video/", "audio:", "video:"))}
        for s in sources:  # "<name>.txt", or "<name>.transcribed" for a video without one
            stem = s["name"].rsplit(".", 1)[0] if s["name"].endswith((".txt", ".transcribed")) else None
            s["transcript_of"] = stem if stem in media else None
        by_id = {s["id"]: s for s in sources}
        codings = []
        for ctid, cid, fid, pos0, pos1, seltext, owner, memo in q(
                "select ctid, cid, fid, pos0, pos1, seltext, owner, memo from code_text order by ctid"):
            src = by_id.get(fid) or {}
            full = src.get("fulltext") or ""
            codings.append(dict(ctid=ctid, cid=cid, code=codes.get(cid, {}).get("path"), fid=fid,
                                source=src.get("name"), pos0=pos0, pos1=pos1, shown=full[pos0:pos1],
                                seltext=seltext, owner=owner, memo=memo))
        count = lambda table: q(f"select count(*) from {table}")[0][0]
        version = q("select databaseversion, about from project")
        return dict(version=list(version[0]) if version else None, sources=sources,
                    categories=list(cats.values()), codes=list(codes.values()), codings=codings,
                    image_codings=count("code_image"), av_codings=count("code_av"),
                    cases=count("cases"), case_texts=count("case_text"), journals=count("journal"),
                    attributes=count("attribute"),
                    annotations=count("annotation"))
    finally:
        conn.close()


def _tree_path(node: dict, parent_of) -> list:
    """Names from the root down to ``node``; ``parent_of`` gives a node's parent or None. A cycle
    (a damaged project) stops the walk."""
    path, seen = [node["name"]], {id(node)}
    p = parent_of(node)
    while p is not None and id(p) not in seen:
        seen.add(id(p))
        path.insert(0, p["name"])
        p = parent_of(p)
    return path


def _rebased(folder: Path, name: str, fulltext) -> bool:
    """Whether QualCoder put a space after each line break of this text on import (the copy it
    keeps in documents/ holds the file as imported)."""
    copy = folder / "documents" / f"{name}.txt"
    if fulltext is None or not copy.is_file():
        return False
    with open(copy, encoding="utf-8", errors="replace") as f:  # as QualCoder reads it
        plain = f.read()
    return plain != fulltext and plain.replace("\n", "\n ") == fulltext


def summary(report: dict) -> str:
    """Counts of a read_project report, one line."""
    return (f"{len(report['sources'])} sources, {len(report['codes'])} codes, "
            f"{len(report['categories'])} categories, {len(report['codings'])} text codings, "
            f"{report['image_codings']} image codings, {report['av_codings']} A/V codings, "
            f"{report['cases']} cases, {report['journals']} journals")


# ---------------------------------------------------------------------------------------------
# Command line

def _print(report: dict, as_json: bool):
    if as_json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return
    print(summary(report))
    for c in report["codings"]:
        print(f"  [{c['source']}] {'/'.join(c['code'] or ['?'])} {c['pos0']}-{c['pos1']}: {c['shown'][:70]!r}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("import", help="a new project holding QualCoder's import of a .qdpx")
    p.add_argument("qdpx")
    p.add_argument("--project", help="DIR/NAME of the project (default: a temporary one, removed)")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("export", help="QualCoder's REFI-QDA export of a project")
    p.add_argument("project")
    p.add_argument("out_dir")
    p = sub.add_parser("read", help="what a project holds (sqlite only)")
    p.add_argument("project")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("new", help="an empty project, made by QualCoder")
    p.add_argument("path")
    p = sub.add_parser("open", help="open a project with QualCoder's open_project; print its log")
    p.add_argument("project")
    a = ap.parse_args(argv)
    try:
        if a.cmd == "read":
            _print(read_project(a.project), a.json)
            return 0
        s = session()
        if a.cmd == "import":
            with tempfile.TemporaryDirectory(prefix="qdx-qc-", dir=scratch()) as tmp:
                w = s.import_qdpx(a.qdpx, a.project or Path(tmp) / "import")
                path = w.app.project_path
                w.close()
                _print(read_project(path), a.json)
        elif a.cmd == "export":
            w = s.open_project(a.project)
            print(s.export_qdpx(w, a.out_dir))
            w.close()
        elif a.cmd == "new":
            w = s.new_project(a.path)
            print(w.app.project_path)
            w.close()
        elif a.cmd == "open":
            w = s.open_project(a.project)
            print(w.log())
            w.close()
    except ClientMissing as e:
        print(f"skipped: {e}", file=sys.stderr)
        return SKIP
    for title, text in (_SESSION.messages if _SESSION else []):
        print(f"QualCoder said: {title}: {text.splitlines()[0] if text else ''}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
