"""Parts of the model switched off (an ablation): which ones a prediction needs. A part switched off adds nothing to
the residual stream (explainer/backends/hooks.py); if the model's word then loses its probability, that part was
doing the work. Every part is tried alone, all in a few batched forward passes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explainer.analysis.attribution import LogitAttribution
from explainer.backends.base import Backend
from explainer.backends.hooks import Off

SWEEP_FLOPS = 2e11  # the most a sweep may cost (about 2 s of a busy 2-core machine); a larger model: no sweep
NEEDED = 0.5  # a part is needed when switching it off alone keeps less than half of the word's probability


@dataclass(frozen=True)
class PartsSweep:
    """The model's likeliest next word and its probability with every part on, then with each part alone off."""

    token: int
    on: float
    attention: np.ndarray  # (L,) layer l's attention off
    feed_forward: np.ndarray  # (L,) layer l's feed-forward network off
    heads: np.ndarray | None  # (L, H) one head off; None when the model's heads cannot be, or it would cost too much

    def most_needed(self) -> tuple[str, int, float]:
        """("attention" | "feed-forward", layer, the word's probability without it): the part whose loss costs the
        word most."""
        parts = [("attention", layer, p) for layer, p in enumerate(self.attention)]
        parts += [("feed-forward", layer, p) for layer, p in enumerate(self.feed_forward)]
        return min(parts, key=lambda part: part[2])

    def most_needed_head(self) -> tuple[int, int]:
        """(layer, head) whose loss costs the word most (`heads` must have been measured)."""
        layer, head = np.unravel_index(int(self.heads.argmin()), self.heads.shape)
        return int(layer), int(head)

    def needed(self) -> int:
        """How many of the 2 L parts the word needs (switched off alone, it keeps under half its probability)."""
        return int((np.concatenate([self.attention, self.feed_forward]) < NEEDED * self.on).sum())


def _pass_flops(backend: Backend, n_tokens: int) -> float:
    return 2.0 * backend.info.n_params * n_tokens  # a forward pass: a multiply and an add per parameter per token


def can_sweep(backend: Backend, n_tokens: int, heads: bool = False) -> bool:
    """Whether trying every layer's two parts alone (and, with `heads`, every head: only where the model's heads can
    be switched off) stays within SWEEP_FLOPS for a text this long."""
    L, H = backend.info.n_layer, backend.info.n_head
    rows = 1 + 2 * L + (L * H if heads else 0)
    return rows * _pass_flops(backend, n_tokens) <= SWEEP_FLOPS and (not heads or backend.heads_switch_off())


@torch.inference_mode()
def sweep(backend: Backend, ids: list[int]) -> PartsSweep:
    """Every layer's attention and feed-forward network switched off alone, and each head too when
    `can_sweep(..., heads=True)` (call `can_sweep` first)."""
    L, H = backend.info.n_layer, backend.info.n_head
    ids = backend.fit(ids)[0]
    one = frozenset
    offs = [Off(), *(Off(attention=one({i})) for i in range(L)), *(Off(feed_forward=one({i})) for i in range(L))]
    heads = [Off(heads=one({(i, h)})) for i in range(L) for h in range(H)]
    with_heads = can_sweep(backend, len(ids), heads=True)
    probs = backend.next_token_logits_off(ids, offs + heads if with_heads else offs).softmax(-1)  # (N, V)
    token = int(probs[0].argmax())
    p = probs[:, token].numpy().astype(np.float64)
    return PartsSweep(
        token, float(p[0]), p[1 : 1 + L], p[1 + L : 1 + 2 * L], p[1 + 2 * L :].reshape(L, H) if with_heads else None
    )


@torch.inference_mode()
def with_and_without(backend: Backend, ids: list[int], off: Off) -> tuple[np.ndarray, np.ndarray]:
    """(V,) the next word's probabilities with every part on, and with `off`'s parts switched off."""
    probs = backend.next_token_logits_off(backend.fit(ids)[0], [Off(), off]).softmax(-1).numpy()
    return probs[0], probs[1]


@dataclass(frozen=True)
class NeededPart:
    """The part a word needs most (switched off alone) beside what it writes into the word's score directly (the
    logit attribution): a part can be needed without writing the word itself, when the layers after it read what it
    moved into the vectors."""

    kind: str  # "head" | "attention" | "feed-forward"
    layer: int
    head: int  # (-1 for a whole layer's part)
    without: float  # the word's probability with this part off
    writes: float  # what it adds to the word's score directly
    best: tuple[str, int, int]  # (kind, layer, head) of the part of the same kind that adds the most directly
    best_writes: float

    @property
    def writes_most(self) -> bool:
        return self.best == (self.kind, self.layer, self.head)


def needed_beside_written(sweep: PartsSweep, la: LogitAttribution) -> NeededPart | None:
    """The part the sweep's word needs most (a head where heads were measured), with its direct share of the score
    from `la` (the same word's logit attribution, for the same text); None when no part is needed (switched off
    alone, each keeps over half the word's probability)."""
    if sweep.heads is not None and la.heads is not None:
        layer, head = sweep.most_needed_head()
        if sweep.heads[layer, head] < NEEDED * sweep.on:
            best = np.unravel_index(int(la.heads.argmax()), la.heads.shape)
            return NeededPart(
                "head", layer, head, float(sweep.heads[layer, head]), float(la.heads[layer, head]),
                ("head", int(best[0]), int(best[1])), float(la.heads.max()),
            )  # fmt: skip
    kind, layer, without = sweep.most_needed()
    if without >= NEEDED * sweep.on:
        return None
    direct = {("attention", i, -1): float(s) for i, s in enumerate(la.attention)}
    direct |= {("feed-forward", i, -1): float(s) for i, s in enumerate(la.mlp)}
    best = max(direct, key=direct.get)
    return NeededPart(kind, layer, -1, float(without), direct[kind, layer, -1], best, direct[best])
