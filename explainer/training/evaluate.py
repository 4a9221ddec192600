"""Held-out accuracy: does the model answer questions it was never shown?

Two kinds of item (corpus.HeldOutItem):
- the prompt ends right before the answer word ("...Assistant: The capital of France is"): right when the
  model's top-1 next token is the answer's first token;
- the prompt ends at "Assistant:" and the item lists `replies`: right when the model's greedy reply starts
  with one of them (a reply that ends in a newline must be the whole line). This is checked by teacher forcing:
  greedy decoding writes exactly that reply if and only if every one of its tokens is the top-1 prediction after
  the ones before it, so one forward pass reads it all.

Token lists of one length are read together in one batch.

The first kind gives the model the start of its reply. `free_replies_right` asks as the chat page does, with no
start given: the model writes the whole reply itself (slower: token by token, prompts of one length together).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

import torch

from explainer.backends.base import Backend, same_length_batches
from explainer.i18n import _

MAX_REPLY_TOKENS = 40  # greedy replies shown for misses stop here (or at the end of the line)
MAX_MISSES = 20  # missed items shown with what the model wrote
REPLY_MARK = "Assistant:"  # where the assistant's reply starts in an item's script


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


@dataclass(frozen=True)
class _Check:
    """What greedy decoding must write for an item to be right: after position p of `row`, token t, for every
    (p, t) in `expect`."""

    item: int  # the held-out item's index
    row: list[int]  # the tokens read, left-cut to the context
    expect: list[tuple[int, int]]


def _answer_check(backend: Backend, item: int, prompt: str, answer: str) -> _Check:
    kept, _cut = backend.fit(backend.encode(prompt))
    return _Check(item, kept, [(len(kept) - 1, answer_token(backend, prompt, answer))])


def _reply_check(backend: Backend, item: int, prompt: str, reply: str) -> _Check:
    """Teacher forcing: the reply after the prompt, read in one pass; the logits at position t predict token t + 1."""
    ids = backend.encode(prompt)
    full = backend.encode(prompt + " " + reply)
    if full[: len(ids)] != ids or len(full) == len(ids):
        raise ValueError(f"cannot align reply {reply!r} after prompt")
    kept, cut = backend.fit(full[:-1])
    return _Check(item, kept, [(t - 1 - cut, full[t]) for t in range(len(ids), len(full)) if t - 1 - cut >= 0])


def _run(backend: Backend, checks: list[_Check]) -> tuple[list[bool], list[int]]:
    """Each check's verdict and the token greedy decoding writes after its row's end. Rows of one length go through
    the model together (`same_length_batches`: 64 at a time), its head only where a token is read (the built-in
    model's 2,700 items: 34 s one by one, 8 s so, on 2 cores; the same verdicts)."""
    passed, last = [False] * len(checks), [0] * len(checks)
    for part in same_length_batches([c.row for c in checks]):
        where = torch.zeros(len(part), len(checks[part[0]].row), dtype=torch.bool)  # (n, T) the positions read
        for r, k in enumerate(part):
            where[r, [p for p, _t in checks[k].expect]] = True  # the last position always among them
        top = backend.top_tokens_batch([checks[k].row for k in part], where).tolist()  # (n, T)
        for k, row in zip(part, top):
            passed[k] = all(row[p] == t for p, t in checks[k].expect)
            last[k] = row[-1]
    return passed, last


def greedy_replies(backend: Backend, prompts: list[str], max_tokens: int = MAX_REPLY_TOKENS) -> list[str]:
    """The model's most likely continuation after each prompt, up to the end of the line (prompts of one length
    written together)."""
    texts = backend.greedy_texts([backend.encode(p) for p in prompts], max_tokens, stop=lambda text: "\n" in text)
    return [text.split("\n", 1)[0].strip() for text in texts]


def started_reply(prompt: str) -> str:
    """What an item's script already holds of the reply ("The capital of France is"; "" when it ends at
    "Assistant:")."""
    return prompt[prompt.rindex(REPLY_MARK) + len(REPLY_MARK) :].strip() if REPLY_MARK in prompt else ""


def item_verdicts(backend: Backend, items) -> tuple[list[bool], list[int]]:
    """Per item (corpus.HeldOutItem): right or not by the rules above, and the token greedy decoding writes
    after its prompt."""
    checks = []
    for i, it in enumerate(items):
        replies = getattr(it, "replies", ())
        if replies:
            checks += [_reply_check(backend, i, it.prompt, r) for r in replies]
        else:
            checks.append(_answer_check(backend, i, it.prompt, it.answer))
    passed, last = _run(backend, checks)
    right, predicted = [False] * len(items), [0] * len(items)
    for c, ok, tok in zip(checks, passed, last):
        right[c.item] |= ok
        predicted[c.item] = tok
    return right, predicted


def free_replies_right(backend: Backend, items) -> list[bool]:
    """Each item's question answered as the chat page answers it: the model writes the whole reply from
    "Assistant:" (greedy), with no start of it given. Right when it is one of the item's replies, or, for an item
    that ends right before its answer word, when that word is in it."""
    prompts = [it.prompt[: it.prompt.rindex(REPLY_MARK) + len(REPLY_MARK)] for it in items]
    return [_free_reply_right(it, reply) for it, reply in zip(items, greedy_replies(backend, prompts))]


def _free_reply_right(item, reply: str) -> bool:
    if getattr(item, "replies", ()):
        return any(reply.startswith(r.strip()) for r in item.replies)
    return re.search(rf"\b{re.escape(item.answer)}\b", reply) is not None


def heldout_accuracy(backend: Backend, items, limit: int | None = None) -> EvalResult:
    """items: objects with .prompt, .answer, .topic, .question and optionally .kind, .replies (corpus.HeldOutItem)."""
    items = list(items)[:limit] if limit else list(items)
    right, predicted = item_verdicts(backend, items)
    hits: dict[str, list[int]] = defaultdict(list)
    kinds: dict[str, list[int]] = defaultdict(list)
    missed = [(it, tok) for it, ok, tok in zip(items, right, predicted) if not ok][:MAX_MISSES]
    written = iter(greedy_replies(backend, [it.prompt for it, _tok in missed if getattr(it, "replies", ())]))
    misses = [
        (it.question, it.replies[0].strip(), next(written))
        if getattr(it, "replies", ())
        else (it.question, it.answer, backend.token_str(tok))
        for it, tok in missed
    ]
    for it, ok in zip(items, right):
        hits[it.topic].append(int(ok))
        kinds[getattr(it, "kind", "template")].append(int(ok))
    total = sum(sum(v) for v in hits.values())
    by_topic = {t: (sum(v) / len(v), len(v)) for t, v in sorted(hits.items())}
    by_kind = {k: (sum(v) / len(v), len(v)) for k, v in sorted(kinds.items())}
    return EvalResult(total / max(1, len(items)), len(items), by_topic, misses, by_kind)
