"""The built-in model: the recipe that produces assets/builtin.

`llm-explainer train --preset builtin --out DIR` runs it: generate the corpus,
fit a word tokenizer, train a small GPT with the project's trainer, save a
checkpoint and record the held-out accuracy in its metadata.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import torch

from explainer.backends.builtin import BuiltinBackend
from explainer.corpus.generator import generate_corpus
from explainer.i18n import N_
from explainer.model.checkpoints import save_checkpoint
from explainer.model.device import configure_threads, device_label, pick_device
from explainer.model.gpt import GPT, GPTConfig
from explainer.model.tokenizers import train_tokenizer
from explainer.training.evaluate import heldout_accuracy
from explainer.training.trainer import TrainConfig, Trainer, train_to_end

CORPUS_SEED = 0
MODEL = GPTConfig(context_length=128, n_layer=4, n_head=4, d_model=192)
# betas kept at what the shipped model was trained with (the engine's default moved to nanoGPT's (0.9, 0.99))
TRAIN = TrainConfig(steps=1200, batch_size=32, lr=3e-3, warmup=100, eval_every=200, seed=0, betas=(0.9, 0.95))


def train_builtin(
    out: str | Path, steps: int | None = None, device: str | None = None, log: Callable[[str], None] = print
) -> dict:
    """Train the built-in model into `out`; returns its metadata (losses, accuracy, time)."""
    dev = pick_device(device)
    if dev.type == "cpu":
        configure_threads()
    t0 = time.perf_counter()
    corpus = generate_corpus(seed=CORPUS_SEED)
    tok = train_tokenizer("word", corpus.train_text)
    train_ids = torch.tensor(tok.encode(corpus.train_text))
    val_ids = torch.tensor(tok.encode(corpus.valid_text))
    log(f"corpus: {len(corpus.train_text) / 1e6:.2f} MB, {len(train_ids):,} tokens, vocabulary {tok.vocab_size:,}")
    cfg = GPTConfig(**{**MODEL.to_dict(), "vocab_size": tok.vocab_size})
    train_cfg = TrainConfig(**{**TRAIN.__dict__, **({"steps": steps} if steps else {})})
    torch.manual_seed(train_cfg.seed)
    model = GPT(cfg)
    log(f"model: {model.n_params():,} parameters on {device_label(dev)}")

    def report(tr: Trainer, val: float) -> None:
        log(
            f"step {tr.step_count:5d}/{train_cfg.steps}  train {tr.history.train_loss[-1]:.3f}  "
            f"val {val:.3f}  {tr.tokens_per_second:,.0f} tok/s  {time.perf_counter() - t0:.0f}s"
        )

    trainer = Trainer(model, train_ids, val_ids, train_cfg, device=dev, on_eval=report)
    train_to_end(trainer, 50)  # the loop `llm-explainer train` runs
    backend = BuiltinBackend(model.float(), tok, N_("built-in model"), "builtin", dev)
    result = heldout_accuracy(backend, corpus.heldout)
    meta = {
        "corpus_seed": CORPUS_SEED,
        "train": train_cfg.__dict__,
        "train_tokens": len(train_ids),
        "final_train_loss": trainer.history.train_loss[-1],
        "final_val_loss": trainer.history.val_loss[-1] if trainer.history.val_loss else None,
        "heldout_accuracy": result.accuracy,
        "heldout_items": result.n,
        "heldout_by_topic": {k: v[0] for k, v in result.by_topic.items()},
        "train_seconds": round(time.perf_counter() - t0, 1),
        "device": device_label(dev),
    }
    save_checkpoint(model.cpu(), tok, out, meta)
    log(f"held-out accuracy {result.accuracy:.1%} on {result.n} items; saved to {out}")
    return meta
