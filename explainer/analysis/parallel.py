"""One word at a time vs all at once: a live benchmark of the two ways to read a sequence.

- sequential: a recurrent network (GRU cells, the common design before 2017) reads token t only after
  token t-1, because its state after t-1 is an input of step t: T steps that must wait for each other;
- parallel: the project's GPT (a transformer) reads every position of the sequence in one pass, as a
  few large matrix products that a GPU spreads over thousands of cores.

Both have the built-in model's width and depth and compute a next-token prediction at every position
of a batch of sequences, which is what every training step does first. Timings are the median of a few
repeats after a warm-up, with a time budget: lengths that would not fit in it are skipped.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
import torch.nn as nn

from explainer.i18n import _
from explainer.model.device import device_label, timed
from explainer.model.gpt import GPT, GPTConfig
from explainer.training.builtin import MODEL as BUILTIN

SEQUENTIAL = "one word at a time (recurrent network)"
PARALLEL = "all at once (transformer)"
DEFAULT_LENGTHS = (16, 32, 64, 128, 256, 512)


class RecurrentLM(nn.Module):
    """A GRU language model stepped token by token in a Python loop, as the idea reads: embed a token,
    update each layer's state from the one below and its own previous state, predict the next token."""

    def __init__(self, vocab_size: int, d_model: int, n_layer: int):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.cells = nn.ModuleList(nn.GRUCell(d_model, d_model) for _layer in range(n_layer))
        self.ln_f = nn.LayerNorm(d_model)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """idx (B, T) -> logits (B, T, V), one step per token."""
        B, T = idx.shape
        x = self.tok_emb(idx)  # (B, T, D)
        states = [x.new_zeros(B, x.size(-1)) for _cell in self.cells]  # (B, D) per layer
        outputs = []
        for t in range(T):  # step t needs the states left by step t-1: no way to start it earlier
            h = x[:, t]  # (B, D)
            for i, cell in enumerate(self.cells):
                states[i] = h = cell(h, states[i])
            outputs.append(h)
        h = self.ln_f(torch.stack(outputs, dim=1))  # (B, T, D)
        return h @ self.tok_emb.weight.T  # (B, T, V), tied like the GPT's


@dataclass
class BenchResult:
    device: str  # e.g. "CPU (2 threads)" or "GPU (NVIDIA H100 80GB HBM3)"
    batch_size: int
    d_model: int
    n_layer: int
    lengths: list[int] = field(default_factory=list)  # the lengths measured, increasing
    sequential_ms: list[float] = field(default_factory=list)  # median time per batch, one per length
    parallel_ms: list[float] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)  # lengths left out to stay within the budget
    seconds: float = 0.0  # wall time of the whole benchmark

    def speedups(self) -> list[float]:
        """How many times faster all-at-once is than one-at-a-time, per length."""
        return [s / p for s, p in zip(self.sequential_ms, self.parallel_ms)]


def run_parallel_bench(
    lengths: Sequence[int] = DEFAULT_LENGTHS,
    batch_size: int = 8,
    d_model: int = BUILTIN.d_model,
    n_layer: int = BUILTIN.n_layer,
    n_head: int = BUILTIN.n_head,
    vocab_size: int = 2000,
    repeats: int = 3,
    budget_s: float = 5.0,
    min_lengths: int = 1,
    device: torch.device | str = "cpu",
    progress: Callable[[float, str], None] | None = None,
) -> BenchResult:
    """Time both models on random tokens at each length (increasing). After the `min_lengths` shortest, a length
    runs only if the time it is expected to take (the last length's, scaled by the length ratio) fits in `budget_s`.
    `progress(fraction, message)` is called after each length."""
    lengths = sorted({int(n) for n in lengths if int(n) > 0})
    if not lengths:
        raise ValueError(_("give at least one positive sequence length"))
    dev = torch.device(device)
    start = time.perf_counter()
    torch.manual_seed(0)
    cfg = GPTConfig(vocab_size=vocab_size, context_length=lengths[-1], n_layer=n_layer, n_head=n_head, d_model=d_model)
    parallel = GPT(cfg).to(dev).eval()
    sequential = RecurrentLM(vocab_size, d_model, n_layer).to(dev).eval()
    result = BenchResult(device_label(dev), batch_size, d_model, n_layer)
    gen = torch.Generator().manual_seed(0)
    with torch.inference_mode():
        for i, T in enumerate(lengths):
            if len(result.lengths) >= max(1, min_lengths):
                scale = T / result.lengths[-1]
                expected = (result.sequential_ms[-1] + result.parallel_ms[-1]) * scale * (repeats + 1) / 1000
                if time.perf_counter() - start + expected > budget_s:
                    result.skipped = lengths[i:]
                    break
            idx = torch.randint(0, vocab_size, (batch_size, T), generator=gen).to(dev)  # (B, T)
            parallel(idx)  # warm-up: first calls at a new shape pay one-off costs
            sequential(idx)
            seq, par = [], []
            for _repeat in range(repeats):  # taking turns, so that a busy moment slows both alike
                seq.append(1000 * timed(lambda: sequential(idx), dev))  # noqa: B023 - called at once
                par.append(1000 * timed(lambda: parallel(idx), dev))  # noqa: B023
            result.sequential_ms.append(statistics.median(seq))
            result.parallel_ms.append(statistics.median(par))
            result.lengths.append(T)
            if progress:
                progress((i + 1) / len(lengths), f"{T} tokens done on {result.device}")
    result.seconds = time.perf_counter() - start
    return result
