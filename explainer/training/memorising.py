"""Memorising (overfitting): the validation loss climbs from its lowest while the training loss keeps falling. The
model is learning its training text by heart, not patterns that carry over to text it has not read. Plain to see on
a short text: the tiny model on 2,000 characters of the built-in chats, 600 steps, training loss 1.7 → 0.13 while
the validation loss falls to 1.8 (step 210), then climbs to 2.6; on 4,000, 2.3 → 3.1."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from explainer.training.trainer import History

RISE = 0.1  # nats above the lowest validation loss: well past the wobble of its fixed validation batches
AROUND = 20  # training losses averaged around a step (each is one noisy batch)


@dataclass(frozen=True)
class Memorising:
    best_step: int  # where the validation loss was lowest
    best_val: float
    val: float  # the validation loss now
    train_then: float  # the training loss around best_step
    train_now: float


def memorising(history: History) -> Memorising | None:
    """Whether the run is memorising now: its last validation loss is RISE above its lowest, at least two
    measurements after it, while the training loss has gone on falling since. None otherwise (still learning, or
    both rising: a learning rate too high, not memorising)."""
    vals = history.val_loss
    if len(vals) < 3:
        return None
    best = min(range(len(vals)), key=vals.__getitem__)
    if best > len(vals) - 3 or vals[-1] - vals[best] < RISE:
        return None
    then, now = _train_loss_at(history, history.val_steps[best]), _train_loss_at(history, history.steps[-1])
    if then is None or now is None or now >= then:
        return None
    return Memorising(history.val_steps[best], vals[best], vals[-1], then, now)


def _train_loss_at(history: History, step: int) -> float | None:
    """The mean training loss of the last AROUND steps up to `step` (asked on every tick of the live view: no scan)."""
    end = bisect_right(history.steps, step)
    losses = history.train_loss[max(0, end - AROUND) : end]
    return sum(losses) / len(losses) if losses else None
