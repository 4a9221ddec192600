"""One word at a time vs all at once: a live benchmark of the two ways to read a sequence.

- sequential: a recurrent network (GRU cells, the common design before 2017, each with a small feed-forward network)
  reads token t only after token t-1, because its state after t-1 is an input of step t: T steps that must wait
  for each other;
- parallel: the project's GPT (a transformer) reads every position of the sequence in one pass, as a
  few large matrix products that a GPU spreads over thousands of cores.

Both have the built-in model's width and depth, do the same multiply-adds per token and layer in their matrices
(12 D²; the transformer's attention comes on top), and compute a next-token prediction at every position of a batch
of sequences, which is what every training step does first: only the order of the sums differs. The race runs on
one CPU thread, on all the CPU's cores, and on a GPU when there is one (`race_hardware`). Timings are the median of
a few repeats after a warm-up, at every length asked for; `noise_problem` says when a busy machine spoiled them, and
a reference run from a quiet machine is stored beside the app (bench/why_gpus_reference.py writes it).
"""

from __future__ import annotations

import itertools
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn as nn

from explainer.format import milliseconds
from explainer.i18n import N_, _
from explainer.model.device import cpu_threads, device_label, device_words, serving_threads, timed, using_threads
from explainer.model.gpt import GPT, GPTConfig
from explainer.model.seeding import seeded
from explainer.training.builtin import MODEL as BUILTIN

SEQUENTIAL = N_("one word at a time (recurrent network)")  # the chart's legend, translated there
PARALLEL = N_("all at once (transformer)")
DEFAULT_LENGTHS = (8, 16, 32, 64, 128, 256)  # the Why GPUs page's choices: all of them run in seconds on 2 cores
REPEATS = 5  # timed calls per length and model, after one warm-up; the median is shown
CHAIN_BATCH = 8  # texts read at once, for the counted chain of steps (the race's default batch)
GROWTH = 1.15  # one word at a time: a longer text must take at least this much longer ...
SEQUENTIAL_JUMP = 3.0  # ... and at most this many times the length's growth
SHRINK = 0.8  # all at once: a longer text must not take less than this share of a shorter one's time
SPREAD = 2.0  # the repeats at one length: the slowest at most this many times the fastest (of 5 or more repeats,
# the second slowest and the second fastest: one stray repeat does not move the median that the page shows)


class RecurrentLayer(nn.Module):
    """One layer of the recurrent network: a GRU cell carries the state from token to token (6 D² multiply-adds),
    then a feed-forward network of width 3 D works on it (6 D²): 12 D² per token, as in a transformer block's
    matrices (query/key/value 3 D², projection D², feed-forward 8 D²)."""

    def __init__(self, d_model: int):
        super().__init__()
        self.cell = nn.GRUCell(d_model, d_model)
        self.ff = nn.Sequential(nn.Linear(d_model, 3 * d_model), nn.GELU(), nn.Linear(3 * d_model, d_model))

    def forward(self, x: torch.Tensor, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (B, D) this token from the layer below, state (B, D) after the token before -> (output, new state)."""
        state = self.cell(x, state)
        return state + self.ff(state), state


class RecurrentLM(nn.Module):
    """A recurrent language model stepped token by token in a Python loop, as the idea reads: embed a token,
    update each layer's state from the one below and its own previous state, predict the next token."""

    def __init__(self, vocab_size: int, d_model: int, n_layer: int):
        super().__init__()
        self.tok_emb = nn.Embedding(vocab_size, d_model)
        self.layers = nn.ModuleList(RecurrentLayer(d_model) for _layer in range(n_layer))
        self.ln_f = nn.LayerNorm(d_model)

    def forward(self, idx: torch.Tensor) -> torch.Tensor:
        """idx (B, T) -> logits (B, T, V), one step per token and layer."""
        B, T = idx.shape
        x = self.tok_emb(idx)  # (B, T, D)
        states = [x.new_zeros(B, x.size(-1)) for _layer in self.layers]  # (B, D) per layer
        outputs = []
        for t in range(T):  # step t needs the states left by step t-1: no way to start it earlier
            h = x[:, t]  # (B, D)
            for i, layer in enumerate(self.layers):
                h, states[i] = layer(h, states[i])
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
    sequential_runs: list[list[float]] = field(default_factory=list)  # ms of every repeat, one list per length
    parallel_runs: list[list[float]] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the whole benchmark

    @property
    def sequential_ms(self) -> list[float]:
        """The median time per batch, one per length."""
        return [statistics.median(runs) for runs in self.sequential_runs]

    @property
    def parallel_ms(self) -> list[float]:
        return [statistics.median(runs) for runs in self.parallel_runs]

    def speedups(self) -> list[float]:
        """How many times faster all-at-once is than one-at-a-time, per length."""
        return [s / p for s, p in zip(self.sequential_ms, self.parallel_ms)]

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> BenchResult:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def run_parallel_bench(
    lengths: Sequence[int] = DEFAULT_LENGTHS,
    batch_size: int = 8,
    d_model: int = BUILTIN.d_model,
    n_layer: int = BUILTIN.n_layer,
    n_head: int = BUILTIN.n_head,
    vocab_size: int = 2000,
    repeats: int = REPEATS,
    device: torch.device | str = "cpu",
    progress: Callable[[float, str], None] | None = None,
    threads: int | None = None,
) -> BenchResult:
    """Time both models on random tokens at every length (increasing): one warm-up call at each, then `repeats`
    rounds, each timing both models at every length in turn, so that a busy moment (the browser drawing the page
    right after the click, another student's request) costs one repeat of several lengths, which the median
    discards, not every repeat of the first length. `progress(fraction, message)` is called after each round.
    `threads`: torch's CPU threads for the run (default: as they are now)."""
    with using_threads(threads or torch.get_num_threads()):
        lengths = sorted({int(n) for n in lengths if int(n) > 0})
        if not lengths:
            raise ValueError(_("give at least one positive sequence length"))
        dev = torch.device(device)
        start = time.perf_counter()
        cfg = GPTConfig(
            vocab_size=vocab_size, context_length=lengths[-1], n_layer=n_layer, n_head=n_head, d_model=d_model
        )
        with seeded(0):
            parallel = GPT(cfg).to(dev).eval()
            sequential = RecurrentLM(vocab_size, d_model, n_layer).to(dev).eval()
        result = BenchResult(device_label(dev), batch_size, d_model, n_layer)
        gen = torch.Generator().manual_seed(0)
        inputs = [torch.randint(0, vocab_size, (batch_size, T), generator=gen).to(dev) for T in lengths]  # (B, T) each
        seq: list[list[float]] = [[] for _ in lengths]
        par: list[list[float]] = [[] for _ in lengths]
        with torch.inference_mode():
            for idx in inputs:  # warm-up: first calls at a new shape pay one-off costs
                parallel(idx)
                sequential(idx)
            for r in range(repeats):
                for i, idx in enumerate(inputs):  # both models in turn, so that a busy moment slows both alike
                    seq[i].append(1000 * timed(lambda: sequential(idx), dev))  # noqa: B023 - called at once
                    par[i].append(1000 * timed(lambda: parallel(idx), dev))  # noqa: B023
                if progress:
                    progress(
                        (r + 1) / repeats,
                        _("round {k} of {n} done on {device}").format(
                            k=r + 1, n=repeats, device=device_words(result.device)
                        ),
                    )
        result.lengths, result.sequential_runs, result.parallel_runs = list(lengths), seq, par
        result.seconds = time.perf_counter() - start
        return result


@dataclass(frozen=True)
class Hardware:
    """Where one run of the race goes: a device, with torch's CPU threads for it."""

    device: torch.device
    threads: int

    def label(self) -> str:
        """As `device_label` says it (English, as records keep it): 'CPU (1 thread)', 'GPU (NVIDIA H100 …)'."""
        return device_label(self.device, self.threads)


def race_hardware() -> list[Hardware]:
    """The race's runs, in order: one CPU thread; every core of the CPU, when this process may use more than one
    (more hands help only the sums that need not wait); the GPU, when there is one."""
    found = [Hardware(torch.device("cpu"), 1)]
    if (cores := cpu_threads()) > 1:
        found.append(Hardware(torch.device("cpu"), cores))
    if torch.cuda.is_available():
        found.append(Hardware(torch.device("cuda"), serving_threads()))
    return found


@dataclass(frozen=True)
class Chain:
    """The two readers' work as a chain of steps, each waiting for the one before (counted, not timed: the same on
    any hardware). A chip that does many multiply-adds at once finishes a step in one go if it is big enough."""

    lengths: list[int]
    sequential_steps: list[int]  # recurrent layers in a row: one per token and layer
    parallel_steps: list[int]  # transformer blocks in a row: one per layer, whatever the length
    sequential_work: list[int]  # multiply-adds in one of those steps: batch × 12 D² (GRU cell 6 D², feed-forward 6 D²)
    parallel_work: list[int]  # batch × T × (12 D² + 2 T D): query/key/value, projection, feed-forward, attention


def chain(
    lengths: Sequence[int],
    batch_size: int = CHAIN_BATCH,
    d_model: int = BUILTIN.d_model,
    n_layer: int = BUILTIN.n_layer,
) -> Chain:
    """The chain of steps of RecurrentLM and of the GPT (run_parallel_bench's two models) over each length."""
    B, D, L = batch_size, d_model, n_layer
    return Chain(
        list(lengths),
        [T * L for T in lengths],
        [L for _T in lengths],
        [B * 12 * D * D for _T in lengths],
        [B * T * (12 * D * D + 2 * T * D) for T in lengths],
    )


def noise_problem(r: BenchResult) -> str | None:
    """Why these timings cannot be read as the lesson (None: they can). One word at a time must take longer for a
    longer text, but not far longer than the text grew (at most SEQUENTIAL_JUMP times the length ratio); all at
    once must not get faster with length; the repeats at one length must roughly agree (within SPREAD times)."""
    for (n1, s1, p1), (n2, s2, p2) in itertools.pairwise(zip(r.lengths, r.sequential_ms, r.parallel_ms)):
        if s2 < GROWTH * s1:
            return _("one word at a time took no longer for {longer} tokens than for {shorter}").format(
                longer=n2, shorter=n1
            )
        if s2 > SEQUENTIAL_JUMP * (n2 / n1) * s1:
            return _("one word at a time jumped from {before} to {after} between {shorter} and {longer} tokens").format(
                before=milliseconds(s1), after=milliseconds(s2), shorter=n1, longer=n2
            )
        if p2 < SHRINK * p1:
            return _("all at once got faster from {shorter} to {longer} tokens").format(shorter=n1, longer=n2)
    for n, seq, par in zip(r.lengths, r.sequential_runs, r.parallel_runs):
        for runs in (seq, par):
            kept = sorted(runs)[1:-1] if len(runs) >= 5 else sorted(runs)
            if kept[-1] > SPREAD * kept[0]:
                return _("at {n} tokens, the same run took from {fastest} to {slowest}").format(
                    n=n, fastest=milliseconds(kept[0]), slowest=milliseconds(kept[-1])
                )
    return None


def load_reference(path: Path) -> tuple[dict, list[BenchResult]] | None:
    """(machine, results) of a stored reference run (bench/why_gpus_reference.py writes it), or None when there is
    none or it cannot be read."""
    try:
        data = json.loads(path.read_text())
        return dict(data["machine"]), [BenchResult.from_dict(d) for d in data["results"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None
