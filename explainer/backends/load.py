"""`load_backend`: a model spec ("builtin", a checkpoint folder, "hf:ID") -> a Backend on a device."""

from __future__ import annotations

from pathlib import Path

from explainer.backends.base import Backend
from explainer.backends.builtin import BuiltinBackend
from explainer.backends.hf import load_hf, load_hf_folder
from explainer.backends.spec import BackendError, local_folder
from explainer.i18n import N_
from explainer.model.checkpoints import CheckpointError, is_checkpoint, load_checkpoint
from explainer.model.device import configure_threads, pick_device


def load_backend(spec: str = "builtin", device: str | None = None, threads: int | None = None) -> Backend:
    """'builtin' | a checkpoint folder | 'hf:ID' (a Hub id: always from the Hub; anything else: a local folder).
    On the CPU, torch then uses `threads` threads (default: every core this process may use)."""
    spec = (spec or "builtin").strip()
    folder = local_folder(spec)  # a typo is refused before the device is looked for
    dev = pick_device(device)
    if dev.type == "cpu":
        configure_threads(threads)
    if folder is None:
        return load_hf(spec[3:], dev)
    if spec == "builtin":
        source, name = "builtin", N_("built-in model")  # translated where shown
    else:
        source, name = "checkpoint", Path(spec).name
        if not is_checkpoint(folder) and (folder / "config.json").is_file():
            return load_hf_folder(folder, dev, str(folder))
    try:
        model, tok, _meta = load_checkpoint(folder)
    except CheckpointError as e:
        raise BackendError(str(e)) from None
    backend = BuiltinBackend(model, tok, name, source, dev)
    backend.folder = folder
    return backend
