"""Checkpoints: a folder with `model.safetensors`, `config.json` and `tokenizer.json`.

Nothing is ever unpickled: weights are safetensors, everything else is JSON.
Every problem is reported as a CheckpointError naming the file at fault.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

from explainer.i18n import _
from explainer.model.gpt import ANY_SIZE, GPT, SizeLimits, checked_config
from explainer.model.tokenizers import Tokenizer, load_tokenizer

WEIGHTS = "model.safetensors"
CONFIG = "config.json"
TOKENIZER = "tokenizer.json"
FORMAT = "llm-explainer/1"


class CheckpointError(ValueError):
    """A checkpoint folder that cannot be used; the message names the file."""


def is_checkpoint(folder: str | Path) -> bool:
    folder = Path(folder)
    if not (folder / CONFIG).is_file():
        return False
    try:
        return json.loads((folder / CONFIG).read_text(encoding="utf-8")).get("format") == FORMAT
    except (OSError, ValueError):
        return False


def save_checkpoint(model: GPT, tokenizer: Tokenizer, folder: str | Path, meta: dict | None = None) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # tok_emb is the unembedding too (tied): safetensors stores shared tensors once
    state = {k: v.detach().to("cpu", torch.float32).contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(folder / WEIGHTS))
    config = {"format": FORMAT, "model": model.cfg.to_dict(), "meta": meta or {}}
    (folder / CONFIG).write_text(json.dumps(config, indent=2), encoding="utf-8")
    tokenizer.save(folder / TOKENIZER)
    return folder


def load_checkpoint(folder: str | Path, limits: SizeLimits = ANY_SIZE) -> tuple[GPT, Tokenizer, dict]:
    """Load (model on CPU in eval mode, tokenizer, meta) or raise CheckpointError.

    The config, the tokenizer and the weights' header are all checked against each other and against
    `limits` before any tensor is allocated (a zip's config may say a million layers)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CheckpointError(_("{folder}: not a folder").format(folder=folder))
    config = _read_config(folder / CONFIG)
    try:
        cfg = checked_config(config["model"], limits)
    except ValueError as e:
        raise CheckpointError(f"{folder / CONFIG}: {e}") from None
    try:
        tokenizer = load_tokenizer(folder / TOKENIZER)
    except (OSError, ValueError, KeyError) as e:
        raise CheckpointError(
            _("{folder}: cannot load tokenizer ({e})").format(folder=folder / TOKENIZER, e=e)
        ) from None
    if cfg.vocab_size != tokenizer.vocab_size:
        raise CheckpointError(
            _("{folder}: vocabulary of {vocab_size} does not match the model's {vocab_size2} in {config}").format(
                folder=folder / TOKENIZER, vocab_size=tokenizer.vocab_size, vocab_size2=cfg.vocab_size, config=CONFIG
            )
        )
    with torch.device("meta"):
        model = GPT(cfg, init=False)  # shapes only: the weights come from the file
    path = folder / WEIGHTS
    _check_shapes(path, {k: tuple(v.shape) for k, v in model.state_dict().items()})
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(_("{path}: not a valid safetensors file ({e})").format(path=path, e=e)) from None
    model.load_state_dict({k: v.float() for k, v in state.items()}, assign=True)
    model.eval()
    return model, tokenizer, config["meta"]


def read_meta(folder: str | Path) -> dict:
    """A checkpoint's recorded metadata (seed, training figures, ...), without loading its weights."""
    return _read_config(Path(folder) / CONFIG)["meta"]


def _check_shapes(path: Path, expected: dict[str, tuple[int, ...]]) -> None:
    """The weights file holds exactly the tensors the config asks for (read from its header only)."""
    try:
        with safe_open(str(path), "pt") as f:
            shapes = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    except FileNotFoundError:
        raise CheckpointError(_("{path}: missing").format(path=path)) from None
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(_("{path}: not a valid safetensors file ({e})").format(path=path, e=e)) from None
    missing = sorted(set(expected) - set(shapes))
    extra = sorted(set(shapes) - set(expected))
    if missing or extra:
        raise CheckpointError(
            _("{path}: tensors do not match the config (missing {missing}, unexpected {extra})").format(
                path=path, missing=missing[:3], extra=extra[:3]
            )
        )
    for name, shape in shapes.items():
        if shape != expected[name]:
            raise CheckpointError(
                _("{path}: tensor {name} has shape {shape}, the config needs {expected}").format(
                    path=path, name=name, shape=shape, expected=expected[name]
                )
            )


def _read_config(path: Path) -> dict:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(_("{path}: missing").format(path=path)) from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise CheckpointError(_("{path}: not valid JSON ({e})").format(path=path, e=e)) from None
    if not isinstance(config, dict) or config.get("format") != FORMAT or not isinstance(config.get("model"), dict):
        raise CheckpointError(
            _("{path}: not an llm-explainer checkpoint config (format {format!r} expected)").format(
                path=path, format=FORMAT
            )
        )
    config.setdefault("meta", {})
    if not isinstance(config["meta"], dict):
        raise CheckpointError(_("{path}: 'meta' must be a JSON object").format(path=path))
    return config
