"""A generated corpus kept in a file once written: the built-in one takes ~9 s of one core to write and 0.1 s to
read back, and every process that needs it (the server's warm-up, `llm-explainer train` and `eval`, each test
process) wrote it again. The file's name holds a digest of the code that writes it (its module and every module of
the project that module imports, followed through their imports) and of Python's version (its random numbers):
changed code writes a new file. JSON, never pickle; a file that cannot be read is written again."""

from __future__ import annotations

import ast
import gzip
import hashlib
import json
import os
import sys
import tempfile
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

PACKAGE = "explainer"
ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the package


def kept(folder: Path, name: str, make: Callable[[], Any], to_json: Callable, from_json: Callable) -> Any:
    """`from_json` of the file `folder/name.json.gz` when it can be read; else `make()`, then written there for the
    next process (other files of `name` are removed: they hold what older code wrote). A folder that cannot be
    written to: `make()` in every process, as without the file."""
    path = folder / f"{name}.json.gz"
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return from_json(json.load(f))
    except (OSError, EOFError, zlib.error, ValueError, KeyError, TypeError):  # missing, cut short, spoilt, other shape
        pass
    made = make()
    try:
        _write(path, to_json(made))
        for old in folder.glob(f"{name.split('-')[0]}-*.json.gz"):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        pass
    return made


def _write(path: Path, data: Any) -> None:
    """Whole or not at all: written beside, then renamed (another process may be reading or writing it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as raw, gzip.open(raw, "wt", encoding="utf-8", compresslevel=1) as f:
            json.dump(data, f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@cache
def code_digest(module: str) -> str:
    """A digest of `module`'s source and of every module of the package it imports, through their imports, and of
    Python's version (12 hex digits)."""
    h = hashlib.sha256(f"python {sys.version_info[:2]}".encode())
    for path in sorted(_sources(module)):
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def _sources(module: str) -> set[Path]:
    seen: set[Path] = set()
    todo = [module]
    while todo:
        path = _file_of(todo.pop())
        if path is None or path in seen:
            continue
        seen.add(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                todo += [node.module, *(f"{node.module}.{a.name}" for a in node.names)]  # a name may be a module
            elif isinstance(node, ast.Import):
                todo += [a.name for a in node.names]
    return seen


def _file_of(module: str) -> Path | None:
    """The source file of a module of the package (its __init__.py for a package); None for any other."""
    if module != PACKAGE and not module.startswith(PACKAGE + "."):
        return None
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None
