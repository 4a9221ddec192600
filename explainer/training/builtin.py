"""The built-in model: the recipe that produces assets/builtin.

`llm-explainer train --preset builtin --out DIR [--seed N]` runs it: generate the corpus, fit a
byte-level BPE tokenizer on it (any text becomes tokens; the corpus's words stay whole tokens), train
a small GPT with the project's trainer, save a checkpoint and record in its metadata the held-out
accuracy (by topic and by kind of phrasing) and the sense probe's accuracy per word and layer.

The seed sets the model's starting weights and the order of the training batches; the corpus (and so
the tokenizer and the held-out set) is the same for every seed. assets/builtin is seed 3 (on a GPU) and
assets/builtin-twin seed 4 (on 2 CPU cores): the same recipe, two runs the Emergence page compares.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

from explainer.backends.builtin import BuiltinBackend
from explainer.corpus.generator import builtin_corpus, unknown_names
from explainer.i18n import N_
from explainer.model.checkpoints import save_checkpoint
from explainer.model.device import configure_threads, device_label, pick_device
from explainer.model.gpt import GPT, GPTConfig
from explainer.model.seeding import seeded
from explainer.model.tokenizers import Tokenizer, train_tokenizer
from explainer.training.data import compact_ids
from explainer.training.evaluate import heldout_accuracy
from explainer.training.trainer import TrainConfig, Trainer, train_to_end

CORPUS_SEED = 0  # the corpus: builtin_corpus(), generate_corpus's defaults (this seed, CORPUS_BYTES)
VOCAB_SIZE = 6144  # byte-level BPE: the words the assistant writes stay one token (checked: 2,095 of 2,095)
MODEL = GPTConfig(context_length=128, n_layer=4, n_head=4, d_model=192)
# bf16 autocast where the CPU has bf16 instructions (2.5 times as fast as float32 on an AMD EPYC with AVX512-BF16),
# float32 where it does not (there bf16 is emulated: 250 tokens/s against 5,000 in float32 on an AVX2-only EPYC);
# betas kept at what the shipped model was trained with (the engine's default moved to nanoGPT's (0.9, 0.99))
TRAIN = TrainConfig(
    steps=4500, batch_size=32, lr=3e-3, warmup=100, eval_every=200, seed=0, cpu_bf16=None, betas=(0.9, 0.95)
)


def corpus_words(text: str) -> set[str]:
    """The words the assistant writes in the corpus (its own text is always clean), less the names that are
    there to be unknown (made-up and untaught countries, cities, animals, words)."""
    replies = "\n".join(re.findall(r"^Assistant: (.*)$", text, re.MULTILINE))
    return set(re.findall(r"[A-Za-z0-9]+", replies)) - unknown_names()


def whole_word_check(tok: Tokenizer, words: set[str]) -> tuple[int, list[str]]:
    """(how many words are one token with their leading space, the others)."""
    split = sorted(w for w in words if len(tok.encode(" " + w)) != 1)
    return len(words) - len(split), split


def train_builtin(
    out: str | Path,
    steps: int | None = None,
    device: str | None = None,
    log: Callable[[str], None] = print,
    seed: int = 0,
    probe: Callable[[BuiltinBackend], dict] | None = None,
) -> dict:
    """Train the built-in model into `out`; returns its metadata (losses, accuracy, probe, time). `probe` measures
    the sense probe (word -> accuracy per stage: explainer/analysis/sense_probe.py, a layer above this one)."""
    dev = pick_device(device)
    if dev.type == "cpu":
        configure_threads()
    t0 = time.perf_counter()
    corpus = builtin_corpus()  # made once per process
    tok = train_tokenizer("bpe", corpus.train_text, VOCAB_SIZE, fit_chars=len(corpus.train_text))
    whole, split = whole_word_check(tok, corpus_words(corpus.train_text))
    train_ids = compact_ids(tok.encode(corpus.train_text), tok.vocab_size)
    val_ids = compact_ids(tok.encode(corpus.valid_text), tok.vocab_size)
    log(
        f"corpus: {len(corpus.train_text) / 1e6:.2f} MB, {len(train_ids):,} tokens; BPE vocabulary {tok.vocab_size:,}, "
        f"{whole:,} of {whole + len(split):,} corpus words are one token"
        + (f" (not: {', '.join(split[:8])})" if split else "")
    )
    cfg = GPTConfig(**{**MODEL.to_dict(), "vocab_size": tok.vocab_size})
    train_cfg = TrainConfig(**{**TRAIN.__dict__, "seed": seed, **({"steps": steps} if steps else {})})
    with seeded(train_cfg.seed):
        model = GPT(cfg)
    log(f"model: {model.n_params():,} parameters on {device_label(dev)}, seed {seed}")

    def report(tr: Trainer, val: float) -> None:
        log(
            f"step {tr.step_count:5d}/{train_cfg.steps}  train {tr.history.train_loss[-1]:.3f}  "
            f"val {val:.3f}  {tr.tokens_per_second:,.0f} tok/s  {time.perf_counter() - t0:.0f}s"
        )

    trainer = Trainer(model, train_ids, val_ids, train_cfg, device=dev, on_eval=report)
    train_to_end(trainer, 50)  # the loop `llm-explainer train` runs
    meta = {
        "corpus_seed": CORPUS_SEED,
        "corpus_bytes": len(corpus.train_text),
        "seed": seed,
        "train": train_cfg.__dict__,
        "train_tokens": len(train_ids),
        "tokenizer": {
            "kind": tok.kind,
            "vocab_size": tok.vocab_size,
            "corpus_words": whole + len(split),
            "corpus_words_one_token": whole,
        },  # fmt: skip
        "final_train_loss": trainer.history.train_loss[-1],
        "final_val_loss": trainer.history.val_loss[-1] if trainer.history.val_loss else None,
        "device": device_label(dev),
    }
    save_checkpoint(model.cpu(), tok, out, meta)  # the weights are safe before the (long) evaluation
    model.to(dev)
    backend = BuiltinBackend(model.float(), tok, N_("built-in model"), "builtin", dev)
    result = heldout_accuracy(backend, corpus.heldout)
    senses = probe(backend) if probe else {}
    meta |= {
        "heldout_accuracy": result.accuracy,
        "heldout_items": result.n,
        "heldout_by_topic": {k: v[0] for k, v in result.by_topic.items()},
        "heldout_by_kind": {k: v[0] for k, v in result.by_kind.items()},
        "sense_probe": {w: [round(float(a), 3) for a in acc] for w, acc in senses.items()},
        "train_seconds": round(time.perf_counter() - t0, 1),
    }
    save_checkpoint(model.cpu(), tok, out, meta)
    last = {w: acc[-1] for w, acc in senses.items()}
    log(f"held-out accuracy {result.accuracy:.1%} on {result.n} items; by topic:")
    for t, (a, n) in result.by_topic.items():
        log(f"  {t:22s} {a:6.1%}  ({n})")
    log("by kind: " + ", ".join(f"{k} {a:.1%} ({n})" for k, (a, n) in result.by_kind.items()))
    log("sense probe, last layer: " + ", ".join(f"{w} {a:.2f}" for w, a in last.items()))
    log(f"saved to {out} in {meta['train_seconds']:.0f} s")
    return meta
