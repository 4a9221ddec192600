"""Checkpoints: a folder with `model.safetensors`, `config.json` and `tokenizer.json`.

Nothing is ever unpickled: weights are safetensors, everything else is JSON.
Every problem is reported as a CheckpointError naming the file at fault.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from .model import GPT, GPTConfig
from .tokenizers import Tokenizer, load_tokenizer

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


def load_checkpoint(folder: str | Path) -> tuple[GPT, Tokenizer, dict]:
    """Load (model on CPU in eval mode, tokenizer, meta) or raise CheckpointError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise CheckpointError(f"{folder}: not a folder")
    config = _read_config(folder / CONFIG)
    try:
        tokenizer = load_tokenizer(folder / TOKENIZER)
    except (OSError, ValueError, KeyError) as e:
        raise CheckpointError(f"{folder / TOKENIZER}: cannot load tokenizer ({e})") from None
    cfg = GPTConfig.from_dict(config["model"])
    if cfg.vocab_size != tokenizer.vocab_size:
        raise CheckpointError(
            f"{folder / TOKENIZER}: vocabulary of {tokenizer.vocab_size} does not match "
            f"the model's {cfg.vocab_size} in {CONFIG}"
        )
    model = GPT(cfg)
    path = folder / WEIGHTS
    try:
        state = load_file(str(path))
    except FileNotFoundError:
        raise CheckpointError(f"{path}: missing") from None
    except (SafetensorError, OSError, ValueError) as e:
        raise CheckpointError(f"{path}: not a valid safetensors file ({e})") from None
    expected = model.state_dict()
    missing = sorted(set(expected) - set(state))
    extra = sorted(set(state) - set(expected))
    if missing or extra:
        raise CheckpointError(
            f"{path}: tensors do not match the config (missing {missing[:3]}, unexpected {extra[:3]})"
        )
    for name, t in state.items():
        if t.shape != expected[name].shape:
            raise CheckpointError(
                f"{path}: tensor {name} has shape {tuple(t.shape)}, the config needs {tuple(expected[name].shape)}"
            )
    model.load_state_dict(state)
    model.eval()
    return model, tokenizer, config.get("meta", {})


def _read_config(path: Path) -> dict:
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckpointError(f"{path}: missing") from None
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise CheckpointError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(config, dict) or config.get("format") != FORMAT or not isinstance(config.get("model"), dict):
        raise CheckpointError(f"{path}: not an llm-explainer checkpoint config (format {FORMAT!r} expected)")
    return config
