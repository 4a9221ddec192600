"""What a model spec names ("builtin", a checkpoint folder, "hf:ID"), found without loading anything or importing
torch (the CLI checks `--model` with it before torch loads), and the error a model that cannot be used raises."""

from __future__ import annotations

from pathlib import Path

from explainer.config import BUILTIN_DIR
from explainer.i18n import _


class BackendError(ValueError):
    """A model that cannot be loaded or used; the message is meant for the user."""


def local_folder(spec: str) -> Path | None:
    """The folder `spec` names: the built-in model's or a checkpoint folder; None for "hf:…" (a Hub id, or a folder
    written hf:./x, is looked at when it loads). BackendError when the built-in model is missing or the folder does
    not exist."""
    spec = (spec or "builtin").strip()
    if spec.startswith("hf:"):
        return None
    if spec == "builtin":
        if not (BUILTIN_DIR / "config.json").exists():
            raise BackendError(
                _("{folder}: the built-in model is missing; run `llm-explainer train --preset builtin`").format(
                    folder=BUILTIN_DIR
                )
            )
        return BUILTIN_DIR
    folder = Path(spec).expanduser()
    if not folder.is_dir():
        raise BackendError(_("unknown model {spec!r}: use builtin, a checkpoint folder or hf:ID").format(spec=spec))
    return folder
