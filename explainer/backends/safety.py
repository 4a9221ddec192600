"""Which local folders the app may load a model from, so that a student cannot make a shared server read
arbitrary files (`?model=/etc`, a typed folder, `hf:` + a path, a symlink out of an allowed folder).

Allowed: the built-in assets folder, the run store (where trained models are saved), the folder named by
LLM_EXPLAINER_MODEL (the teacher's choice) and any folders listed in LLM_EXPLAINER_MODEL_DIRS
(separated by os.pathsep, ':' on Linux and macOS). Hugging Face Hub ids (`hf:gpt2`, `hf:owner/name`) are read from
the Hub only (explainer/backends/hub.py, which also caps their size), never from a local folder of that name.
Only the app applies this: the CLI is the local user's own tool and may load any folder.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from explainer.backends.base import BackendError
from explainer.backends.hub import is_hub_id
from explainer.config import ASSETS, MODEL_DIRS, settings


class ModelNotAllowed(BackendError):
    """A local folder outside the allowed ones; the message says which are allowed and how to allow more."""


def allowed_model_dirs(environ: Mapping[str, str] | None = None) -> list[Path]:
    """The folders (symlinks resolved) whose models the app may load, in the order they are listed."""
    config = settings(environ)
    dirs = [ASSETS, config.runs]  # the run store: where trained models are saved
    if local := local_folder(config.model):
        dirs.append(local)
    dirs += config.model_dirs
    resolved: list[Path] = []
    for d in dirs:
        r = d.resolve()
        if r not in resolved:
            resolved.append(r)
    return resolved


def local_folder(spec: str) -> Path | None:
    """The local path a model spec would read, or None for the built-in model and Hugging Face Hub ids.
    `hf:NAME` with NAME in the Hub's form ('gpt2', 'owner/name') always names a model on the Hub, even if a folder
    NAME exists here; anything else after `hf:` is a local path. Never looks at the disk, so that the answer (and the
    message it leads to) cannot tell which folders exist."""
    spec = (spec or "").strip()
    if spec in ("", "builtin"):
        return None
    if not spec.startswith("hf:"):
        return _expand(spec)
    repo = spec[3:].strip()
    if not repo or is_hub_id(repo):
        return None  # loading says the id is empty, or asks the Hub
    return _expand(repo)


def _expand(path: str) -> Path:
    try:
        return Path(path).expanduser()
    except RuntimeError:  # ~someone unknown: left as it is (refused like any folder outside the allowed ones)
        return Path(path)


def model_path_problem(spec: str, allowed: list[Path] | None = None) -> str | None:
    """None if the app may load `spec`, else a message that says how a teacher allows more folders."""
    folder = local_folder(spec)
    if folder is None:
        return None
    allowed = allowed_model_dirs() if allowed is None else allowed
    try:
        real = folder.resolve()  # follows symlinks and "..": where the files really are
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a NUL in the name
        real = None
    if real is not None and any(real.is_relative_to(d) for d in allowed):
        return None
    return (  # the allowed folders are not listed: a student has no business knowing the server's paths
        "for safety this server only loads models from its own folders (the built-in model, trained runs and the "
        f"teacher's folders). A teacher can allow another folder by starting the app with {MODEL_DIRS}="
        f"/path/to/folder (several folders separated by '{os.pathsep}')."
    )


def check_model_allowed(spec: str) -> None:
    """Raise ModelNotAllowed if the app must not load `spec`."""
    if problem := model_path_problem(spec):
        raise ModelNotAllowed(problem)
