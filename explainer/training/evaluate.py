"""Held-out accuracy: does the model's top-1 next token equal the answer word?"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from explainer.backends.base import Backend
from explainer.i18n import _


@dataclass(frozen=True)
class EvalResult:
    accuracy: float
    n: int
    by_topic: dict[str, tuple[float, int]]  # topic -> (accuracy, count)
    misses: list[tuple[str, str, str]]  # (question, expected, predicted), a few examples


def answer_token(backend: Backend, prompt: str, answer: str) -> int:
    """First token of the answer as the model would write it after the prompt."""
    ids = backend.encode(prompt)
    full = backend.encode(prompt + " " + answer)
    if full[: len(ids)] != ids or len(full) == len(ids):
        raise ValueError(_("cannot align answer {answer!r} after prompt").format(answer=answer))
    return full[len(ids)]


def heldout_accuracy(backend: Backend, items, limit: int | None = None) -> EvalResult:
    """items: objects with .prompt, .answer, .topic, .question (corpus.HeldOutItem)."""
    items = list(items)[:limit] if limit else list(items)
    hits: dict[str, list[int]] = defaultdict(list)
    misses = []
    for it in items:
        target = answer_token(backend, it.prompt, it.answer)
        pred = int(backend.next_token_logits(backend.encode(it.prompt)).argmax())
        hits[it.topic].append(int(pred == target))
        if pred != target and len(misses) < 20:
            misses.append((it.question, it.answer, backend.token_str(pred)))
    total = sum(sum(v) for v in hits.values())
    by_topic = {t: (sum(v) / len(v), len(v)) for t, v in sorted(hits.items())}
    return EvalResult(total / max(1, len(items)), len(items), by_topic, misses)
