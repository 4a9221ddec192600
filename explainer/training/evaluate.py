"""Held-out accuracy: does the model answer questions it was never shown?

Two kinds of item (corpus.HeldOutItem):
- the prompt ends right before the answer word ("...Assistant: The capital of France is"): right when the
  model's top-1 next token is the answer's first token;
- the prompt ends at "Assistant:" and the item lists `replies`: right when the model's greedy reply starts
  with one of them (a reply that ends in a newline must be the whole line). This is checked in one forward
  pass per reply: greedy decoding writes exactly that reply if and only if every one of its tokens is the
  top-1 prediction after the ones before it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from explainer.backends.base import Backend
from explainer.i18n import _

MAX_REPLY_TOKENS = 40  # greedy replies shown for misses stop here (or at the end of the line)


@dataclass(frozen=True)
class EvalResult:
    accuracy: float
    n: int
    by_topic: dict[str, tuple[float, int]]  # topic -> (accuracy, count)
    misses: list[tuple[str, str, str]]  # (question, expected, predicted), a few examples
    by_kind: dict[str, tuple[float, int]] = field(default_factory=dict)  # kind -> (accuracy, count)


def answer_token(backend: Backend, prompt: str, answer: str) -> int:
    """First token of the answer as the model would write it after the prompt."""
    ids = backend.encode(prompt)
    full = backend.encode(prompt + " " + answer)
    if full[: len(ids)] != ids or len(full) == len(ids):
        raise ValueError(_("cannot align answer {answer!r} after prompt").format(answer=answer))
    return full[len(ids)]


def writes(backend: Backend, prompt: str, reply: str) -> bool:
    """Whether greedy decoding after `prompt` writes " " + reply (teacher forcing: one forward pass)."""
    ids = backend.encode(prompt)
    full = backend.encode(prompt + " " + reply)
    if full[: len(ids)] != ids or len(full) == len(ids):
        raise ValueError(f"cannot align reply {reply!r} after prompt")
    kept, cut = backend.fit(full[:-1])  # the logits at position t predict token t + 1
    pred = backend.logits(kept).argmax(-1).tolist()
    return all(pred[t - 1 - cut] == full[t] for t in range(len(ids), len(full)) if t - 1 - cut >= 0)


def greedy_reply(backend: Backend, prompt: str, max_tokens: int = MAX_REPLY_TOKENS) -> str:
    """The model's most likely reply after the prompt, up to the end of the line."""
    ids = backend.encode(prompt)
    base = backend.decode(ids)
    for _step in range(max_tokens):
        ids.append(int(backend.next_token_logits(ids).argmax()))
        text = backend.decode(ids)[len(base) :]
        if "\n" in text:
            return text.split("\n", 1)[0].strip()
    return backend.decode(ids)[len(base) :].strip()


def heldout_accuracy(backend: Backend, items, limit: int | None = None) -> EvalResult:
    """items: objects with .prompt, .answer, .topic, .question and optionally .kind, .replies (corpus.HeldOutItem)."""
    items = list(items)[:limit] if limit else list(items)
    hits: dict[str, list[int]] = defaultdict(list)
    kinds: dict[str, list[int]] = defaultdict(list)
    misses = []
    for it in items:
        replies = getattr(it, "replies", ())
        if replies:
            ok = any(writes(backend, it.prompt, r) for r in replies)
            if not ok and len(misses) < 20:
                misses.append((it.question, replies[0].strip(), greedy_reply(backend, it.prompt)))
        else:
            target = answer_token(backend, it.prompt, it.answer)
            pred = int(backend.next_token_logits(backend.encode(it.prompt)).argmax())
            ok = pred == target
            if not ok and len(misses) < 20:
                misses.append((it.question, it.answer, backend.token_str(pred)))
        hits[it.topic].append(int(ok))
        kinds[getattr(it, "kind", "template")].append(int(ok))
    total = sum(sum(v) for v in hits.values())
    by_topic = {t: (sum(v) / len(v), len(v)) for t, v in sorted(hits.items())}
    by_kind = {k: (sum(v) / len(v), len(v)) for k, v in sorted(kinds.items())}
    return EvalResult(total / max(1, len(items)), len(items), by_topic, misses, by_kind)
