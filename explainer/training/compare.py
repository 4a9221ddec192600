"""Earlier runs, kept to compare with the current one (the training page draws their loss beside it): each run's loss
curve, what was different in its settings, and whether its loss can be compared at all. A loss is comparable only on
the same validation tokens: another text, or the same text in other tokens, is a loss on another scale."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from explainer.format import number
from explainer.i18n import _
from explainer.training.run import Run
from explainer.training.spec import RunSpec
from explainer.training.trainer import History

MAX_POINTS = 400  # an earlier curve is thinned to this many points: it is redrawn with every tick of the chart
SMOOTHING = 0.9  # the weight of the moving average drawn over the training loss (as TensorBoard's slider)


def smooth(values: list[float], weight: float = SMOOTHING) -> list[float]:
    """Exponential moving average with bias correction (like TensorBoard's smoothing)."""
    out, avg = [], 0.0
    for i, v in enumerate(values, start=1):
        avg = weight * avg + (1 - weight) * v
        out.append(avg / (1 - weight**i))
    return out


def thinned(xs: list, ys: list, n: int = MAX_POINTS) -> tuple[list, list]:
    """At most about n of the points, evenly spaced, the last one always kept."""
    if len(xs) <= n:
        return list(xs), list(ys)
    every = -(-len(xs) // n)  # ceil
    keep = [*range(0, len(xs) - 1, every), len(xs) - 1]
    return [xs[i] for i in keep], [ys[i] for i in keep]


def tokens_fingerprint(run: Run) -> str:
    """Which validation tokens a run's loss is measured on (the text, the tokenizer and its vocabulary)."""
    ids = run.data.val_ids
    digest = hashlib.blake2b(ids.numpy().tobytes(), digest_size=8).hexdigest()
    return f"{run.spec.tokenizer}:{run.data.tokenizer.vocab_size}:{ids.numel()}:{digest}"


@dataclass(frozen=True)
class Curve:
    """A finished or stopped run's loss, as the chart draws it (the training loss smoothed), and its settings."""

    number: int  # the student's runs counted from 1
    spec: RunSpec
    tokens: str  # tokens_fingerprint of its run
    steps: tuple[int, ...]
    train_loss: tuple[float, ...]  # smoothed
    val_steps: tuple[int, ...]
    val_loss: tuple[float, ...]

    @classmethod
    def of(cls, run: Run, number: int) -> Curve:
        h: History = run.trainer.history
        steps, train = thinned(h.steps, smooth(h.train_loss))
        return cls(number, replace(run.spec), tokens_fingerprint(run), tuple(steps), tuple(train),
                   tuple(h.val_steps), tuple(h.val_loss))  # fmt: skip


def differences(earlier: RunSpec, now: RunSpec) -> list[str]:
    """What an earlier run had that the current one has not, in words ("learning rate 0.01", "4 layers")."""
    words = {
        "n_layer": lambda v: _("{n} layers").format(n=v),
        "n_head": lambda v: _("{n} heads").format(n=v),
        "d_model": lambda v: _("width {n}").format(n=v),
        "context_length": lambda v: _("context {n}").format(n=v),
        "batch_size": lambda v: _("batch {n}").format(n=v),
        "lr": lambda v: _("learning rate {lr}").format(lr=number(v)),
        "steps": lambda v: _("{n} steps").format(n=number(v)),
        "seed": lambda _v: _("another random start"),
    }
    return [say(getattr(earlier, f)) for f, say in words.items() if getattr(earlier, f) != getattr(now, f)]


def only_the_start_differs(earlier: RunSpec, now: RunSpec) -> bool:
    """Two runs of the same settings from other random dials."""
    return earlier.seed != now.seed and replace(earlier, seed=now.seed) == now


def curve_label(curve: Curve, now: RunSpec) -> str:
    """The legend's name for an earlier run: its number and what was different."""
    changed = differences(curve.spec, now)
    what = ", ".join(changed) if changed else _("the same settings")
    return _("run {number}: {what}").format(number=curve.number, what=what)


def comparable(curves: list[Curve], tokens: str) -> tuple[list[Curve], int]:
    """The earlier curves measured on the validation tokens `tokens` (a tokens_fingerprint), and how many others."""
    same = [c for c in curves if c.tokens == tokens]
    return same, len(curves) - len(same)
