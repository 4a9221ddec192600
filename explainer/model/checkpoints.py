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
        raise CheckpointError(f"{folder}: not a folder")
    config = _read_config(folder / CONFIG)
    try:
        cfg = checked_config(config["model"], limits)
    except ValueError as e:
        raise CheckpointError(f"{folder / CONFIG}: {e}") from None
    try:
        tokenizer = load_tokenizer(folder / TOKENIZER)
    except (OSError, ValueError, KeyError) as e:
        raise CheckpointError(f"{folder / TOKENIZER}: cannot load tokenizer ({e})") from None
    if cfg.vocab_size != tokenizer.vocab_size:
        raise CheckpointError(
            f"{folder / TOKENIZER}: vocabulary of {tokenizer.vocab_size} does not match "
            f"the model's {cfg.vocab_size} in {CONFIG}"
        )
    with torch.device("meta"):
        model = GPT(cfg, init=False)  # shapes only: the weights come from the file
    path = folder / WEIGHTS
    _check_shapes(path, {k: tuple(v.shape) for k, v in model.state_dict().items()})
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(f"{path}: not a valid safetensors file ({e})") from None
    model.load_state_dict({k: v.float() for k, v in state.items()}, assign=True)
    model.eval()
    return model, tokenizer, config["meta"]


def _check_shapes(path: Path, expected: dict[str, tuple[int, ...]]) -> None:
    """The weights file holds exactly the tensors the config asks for (read from its header only)."""
    try:
        with safe_open(str(path), "pt") as f:
            shapes = {k: tuple(f.get_slice(k).get_shape()) for k in f.keys()}
    except FileNotFoundError:
        raise CheckpointError(f"{path}: missing") from None
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(f"{path}: not a valid safetensors file ({e})") from None
    missing = sorted(set(expected) - set(shapes))
    extra = sorted(set(shapes) - set(expected))
    if missing or extra:
        raise CheckpointError(
            f"{path}: tensors do not match the config (missing {missing[:3]}, unexpected {extra[:3]})"
        )
    for name, shape in shapes.items():
        if shape != expected[name]:
            raise CheckpointError(f"{path}: tensor {name} has shape {shape}, the config needs {expected[name]}")


def _read_config(path: Path) -> dict:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(f"{path}: missing") from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise CheckpointError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT or not isinstance(config.get("model"), dict):
        raise CheckpointError(f"{path}: not an llm-explainer checkpoint config (format {FORMAT!r} expected)")
    config.setdefault("meta", {})
    if not isinstance(config["meta"], dict):
        raise CheckpointError(f"{path}: 'meta' must be a JSON object")
    return config
