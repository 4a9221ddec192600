"""`load_backend`: a model spec ("builtin", a checkpoint folder, "hf:ID") -> a Backend on a device."""

from __future__ import annotations

from pathlib import Path

from explainer.backends.base import Backend, BackendError
from explainer.backends.builtin import BuiltinBackend
from explainer.backends.hf import load_hf, load_hf_folder
from explainer.config import BUILTIN_DIR
from explainer.i18n import N_, _
from explainer.model.checkpoints import CheckpointError, is_checkpoint, load_checkpoint
from explainer.model.device import configure_threads, pick_device


def load_backend(spec: str = "builtin", device: str | None = None, threads: int | None = None) -> Backend:
    """'builtin' | a checkpoint folder | 'hf:ID' (a Hub id: always from the Hub; anything else: a local folder).
    On the CPU, torch then uses `threads` threads (default: every core this process may use)."""
    spec = (spec or "builtin").strip()
    dev = pick_device(device)
    if dev.type == "cpu":
        configure_threads(threads)
    if spec.startswith("hf:"):
        return load_hf(spec[3:], dev)
    if spec == "builtin":
        folder, source, name = BUILTIN_DIR, "builtin", N_("built-in model")  # translated where shown
        if not (folder / "config.json").exists():
            raise BackendError(
                _("{folder}: the built-in model is missing; run `llm-explainer train --preset builtin`").format(
                    folder=folder
                )
            )
    else:
        folder, source, name = Path(spec).expanduser(), "checkpoint", Path(spec).name
        if not folder.is_dir():
            raise BackendError(_("unknown model {spec!r}: use builtin, a checkpoint folder or hf:ID").format(spec=spec))
        if not is_checkpoint(folder) and (folder / "config.json").is_file():
            return load_hf_folder(folder, dev, str(folder))
    try:
        model, tok, _meta = load_checkpoint(folder)
    except CheckpointError as e:
        raise BackendError(str(e)) from None
    backend = BuiltinBackend(model, tok, name, source, dev)
    backend.folder = folder
    return backend
