"""The class as training data: in a class poll every student guessed the word after the same text, and each guess is
one training example, "this text, then this word". A few optimiser steps on a copy of the model make the class's words
likelier, each in proportion to how many students wrote it: the cross-entropy against the class's own distribution
of words, so the model's next-word probabilities move toward the class's. What one training step does (story point
6), with the class's answers as the examples. The shared model is only copied, never changed."""

from __future__ import annotations

import time

import torch

from explainer.backends.base import Backend
from explainer.generation.next_token import word_tokens
from explainer.i18n import _
from explainer.training.preference import UpdateResult, optimise, padded, reply_logprobs

STEPS = 5  # optimiser steps on the class's answers
LR = 3e-4  # Adam step size: the class's favourite moves by tens of points on the built-in model, not all the way


def learn_words(
    student: Backend, text: str, counts: dict[str, int], steps: int = STEPS, lr: float = LR
) -> UpdateResult:
    """Steps on `student` (a copy) that make each word of `counts` likelier after `text`, weighted by its count."""
    rows = [(ids, n) for w, n in counts.items() if n > 0 and (ids := word_tokens(student, text, w))]
    if not rows:
        raise ValueError(_("there is no answer to learn from"))
    start = time.perf_counter()
    prompt, width = student.encode(text), student.info.context_length
    # (W, T) each word after the text (cut from the left to the context, as `word_probability` reads it), its tokens
    ids, mask = padded([(prompt[-(width - len(tokens)) :] + tokens, len(tokens)) for tokens, _n in rows])
    share = torch.tensor([n for _ids, n in rows], dtype=torch.float32, device=student.device)
    share = share / share.sum()  # (W,) the class's distribution over its words

    def loss() -> torch.Tensor:
        return -(share * reply_logprobs(student, ids, mask)).sum()  # cross-entropy against the class's words

    return UpdateResult("learn", optimise(student, loss, steps, lr), time.perf_counter() - start)
