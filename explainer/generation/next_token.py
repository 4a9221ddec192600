"""Next-token distributions the way the prediction pages show them (pure: numbers in, numbers out).

- `top_tokens`: the N likeliest tokens and the probability of all the rest;
- `compare`: the model's distribution (T = 1) next to the one a token is drawn from (the sampling page computes the
  same in the browser, explainer/ui/sampling_view.js; the browser test checks the two agree);
- `sample_runs` / `count_answers`: the same prompt continued many times (`Continuation`s).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from explainer.backends.base import Backend
from explainer.model.sampling import SamplingParams, distribution, entropy_bits, keep_mask, make_generator

SENTENCE_END = (".", "!", "?", "\n")


@dataclass(frozen=True)
class TopTokens:
    ids: list[int]
    labels: list[str]  # token strings, likeliest first
    probs: list[float]
    other: float  # probability of every other token together


def top_tokens(probs: torch.Tensor, n: int, token_str: Callable[[int], str]) -> TopTokens:
    p, i = probs.float().topk(min(n, probs.numel()))
    ids, values = i.tolist(), p.tolist()  # plain numbers at once (iterating a tensor makes one tensor per item)
    return TopTokens(ids, [token_str(x) for x in ids], values, max(0.0, 1.0 - sum(values)))


def distribution_table(probs: torch.Tensor, token_str: Callable[[int], str]) -> pd.DataFrame:
    """Every token, likeliest first: rank, token, id, probability (0..1)."""
    p = probs.double().numpy()
    order = np.argsort(-p, kind="stable")
    return pd.DataFrame(
        {
            "rank": np.arange(1, len(order) + 1),
            "token": [token_str(int(i)) for i in order],
            "id": order,
            "probability": p[order],
        }
    )


@dataclass(frozen=True)
class Comparison:
    """The top-N tokens (by the model's own probabilities) under two settings."""

    labels: list[str]
    base: list[float]  # T = 1, nothing cut: the model's own probabilities
    before_cut: list[float]  # the chosen temperature, before top-k / top-p
    chosen: list[float]  # what the token is drawn from (0 where cut)
    kept: list[bool]  # still drawable after top-k / top-p
    base_other: float  # the same three for all the other tokens together
    before_cut_other: float
    chosen_other: float
    other_kept: bool  # at least one of the other tokens is still drawable
    base_bits: float  # entropy of each distribution, in bits
    chosen_bits: float
    n_kept: int  # tokens that can still be drawn
    settings: str  # e.g. "T = 0.7, top-k 5"


def compare(logits: torch.Tensor, params: SamplingParams, n: int, token_str: Callable[[int], str]) -> Comparison:
    base = logits.double().softmax(-1)
    chosen = distribution(logits, params).double()
    if params.temperature == 0:
        before = chosen  # greedy: nothing is "cut", all but one token simply get 0
        kept = chosen > 0
    else:
        z = (logits.double() - logits.max()) / params.temperature
        before = z.softmax(-1)
        kept = keep_mask(z, params.top_k, params.top_p)
    top = top_tokens(base, n, token_str)
    idx = torch.tensor(top.ids, dtype=torch.long)
    rest = torch.ones(base.numel(), dtype=torch.bool)
    rest[idx] = False

    def pick(x: torch.Tensor) -> list[float]:
        return [float(v) for v in x[idx]]

    def rest_sum(x: torch.Tensor) -> float:
        return max(0.0, float(x[rest].sum()))

    return Comparison(
        labels=top.labels,
        base=pick(base),
        before_cut=pick(before),
        chosen=pick(chosen),
        kept=[bool(k) for k in kept[idx]],
        base_other=rest_sum(base),
        before_cut_other=rest_sum(before),
        chosen_other=rest_sum(chosen),
        other_kept=bool(kept[rest].any()),
        base_bits=_bits(base),
        chosen_bits=_bits(chosen),
        n_kept=int(kept.sum()),
        settings=params.label(),
    )


def _bits(probs: torch.Tensor) -> float:
    return max(0.0, entropy_bits(probs))  # never "-0.00 bits"


@dataclass(frozen=True)
class Continuation:
    """One run of the same prompt: the seed its dice started from, and the text it wrote."""

    seed: int
    text: str


def sample_runs(
    backend: Backend, text: str, params: SamplingParams, runs: int, max_tokens: int, seed: int | None = None
) -> list[Continuation]:
    """Continue `text` `runs` times up to the end of the sentence (at most `max_tokens`), all runs in one batch.
    With a fixed `seed` every run rolls the same dice, so every run gives the same text."""
    dice = [make_generator(seed) for _ in range(runs)]
    stop = lambda s: s.endswith(SENTENCE_END)  # noqa: E731
    texts = backend.generate_many(backend.encode(text), [g for g, _ in dice], max_tokens, params, stop)
    return [Continuation(used, t.strip()) for (_, used), t in zip(dice, texts)]


def count_answers(runs: list[Continuation]) -> list[tuple[str, int]]:
    """Distinct answers with how often each came up, commonest first."""
    return Counter(r.text for r in runs).most_common()


def append_piece(backend: Backend, text: str, token_id: int) -> str:
    """`text` with one more token, spaced the way the tokenizer would write it."""
    ids = backend.encode(text)
    if not ids:
        return text + backend.decode([token_id])
    last = backend.decode(ids[-1:])
    joined = backend.decode([ids[-1], token_id])
    piece = joined[len(last) :] if joined.startswith(last) else backend.decode([token_id])
    if text.endswith((" ", "\t")) and piece.startswith(" "):
        piece = piece.lstrip(" ")
    return text + piece


def word_tokens(backend: Backend, text: str, word: str) -> list[int]:
    """The tokens that would write `word` right after `text`: with a space before it after a word (none after a
    space or a line break, none before punctuation), as the tokenizer splits the two together."""
    before, whole = backend.encode(text), backend.encode(joined(text, word))
    if len(whole) > len(before) and whole[: len(before)] == before:
        return whole[len(before) :]
    return backend.encode(joined(text, word)[len(text) :])  # the tokenizer merged across the join: the word's own


def joined(text: str, word: str) -> str:
    """`text` followed by the word `word`: a space between them after a word (none after a space or a line break,
    none before punctuation)."""
    return text + ("" if not text or text[-1].isspace() or not word[:1].isalnum() else " ") + word


@torch.inference_mode()
def word_probability(backend: Backend, text: str, word: str) -> float:
    """The model's probability that `word` comes next after `text`: the chain rule over its tokens
    (p(t1) · p(t2 | t1) ...), read from one forward pass."""
    ids = word_tokens(backend, text, word)
    if not ids:
        return 0.0
    prompt = backend.encode(text)[-(backend.info.context_length - len(ids)) :]
    x = torch.tensor([prompt + ids])  # (1, T)
    where = torch.zeros(x.shape, dtype=torch.bool)
    where[0, -len(ids) - 1 : -1] = True  # the positions that predict each of the word's tokens: only they unembedded
    logits = backend.train_logits(x, where).cpu()  # (len(ids), V)
    logp = logits.double().log_softmax(-1).gather(1, torch.tensor(ids).unsqueeze(1))
    return float(logp.sum().exp())
