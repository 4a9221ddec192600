"""Streamlit pieces of the Why GPUs page: one race at a time per server, shared with a class that presses together
(`RaceBoard`), the stored reference run, this student's last results (`WhyGpusState`), and what a run shows, in
words."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import streamlit as st

from explainer import config
from explainer import format as F
from explainer.analysis.parallel import BenchResult, load_reference
from explainer.i18n import _
from explainer.model.device import device_words
from explainer.ui.shell.state import SessionObject

FRESH_S = 60.0  # a race this recent, with the same settings, is shown again instead of run again


@dataclass
class WhyGpusState(SessionObject):
    KEY = "why_gpus"
    results: list[BenchResult] = field(default_factory=list)  # one per device, from the last run
    shared_s: float | None = None  # how old those results were when shown, when another student's race gave them


class RaceBoard:
    """One race at a time on this server (two at once would spoil each other's timings), and the last race's results:
    a class that presses the button together gets one race, measured once, instead of thirty in a queue."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.lock = threading.Lock()
        self._clock = clock
        self._last: tuple[Hashable, float, list[BenchResult]] | None = None  # (settings, when, results)

    def recent(self, settings: Hashable) -> tuple[list[BenchResult], float] | None:
        """(results, seconds since) of the last race, when it had these settings and ran under FRESH_S ago."""
        if self._last is None or self._last[0] != settings:
            return None
        age = self._clock() - self._last[1]
        return (self._last[2], age) if age < FRESH_S else None

    def keep(self, settings: Hashable, results: list[BenchResult]) -> None:
        """A race just run (its results are shared from now on: read them, never change them)."""
        self._last = (settings, self._clock(), results)


@st.cache_resource
def race_board() -> RaceBoard:
    return RaceBoard()


@st.cache_resource(show_spinner=False)
def reference() -> tuple[dict, list[BenchResult]] | None:
    """The reference run shipped with the app (config.WHY_GPUS_REFERENCE), read once; shared, never changed."""
    return load_reference(config.WHY_GPUS_REFERENCE)


def summary(r: BenchResult) -> str:
    """What one run shows, in words: the speed-up at the longest text, and how each time grew with the length."""
    n, factor = r.lengths[-1], r.speedups()[-1]
    if len(r.lengths) > 1:
        grow = lambda ms: F.factor(ms[-1] / ms[0])  # noqa: E731
        fields = {
            "n": n, "first": r.lengths[0], "longer": F.factor(n / r.lengths[0]),
            "one_grew": grow(r.sequential_ms), "all_grew": grow(r.parallel_ms),
        }  # fmt: skip
        if 0.9 <= factor <= 1.1:
            return _(
                "At {n} tokens, all at once was **about as fast as** one word at a time; from {first} to {n} tokens "
                "({longer} longer), one at a time took {one_grew} as long, all at once {all_grew}."
            ).format(**fields)
        if factor > 1:
            return _(
                "At {n} tokens, all at once was **{factor} faster** than one word at a time; from {first} to {n} "
                "tokens ({longer} longer), one at a time took {one_grew} as long, all at once {all_grew}."
            ).format(factor=F.factor(factor), **fields)
        return _(
            "At {n} tokens, all at once was **{factor} slower** than one word at a time; from {first} to {n} "
            "tokens ({longer} longer), one at a time took {one_grew} as long, all at once {all_grew}."
        ).format(factor=F.factor(1 / factor), **fields)
    if 0.9 <= factor <= 1.1:
        return _("At {n} tokens, all at once was **about as fast as** one word at a time.").format(n=n)
    if factor > 1:
        return _("At {n} tokens, all at once was **{factor} faster** than one word at a time.").format(
            n=n, factor=F.factor(factor)
        )
    return _("At {n} tokens, all at once was **{factor} slower** than one word at a time.").format(
        n=n, factor=F.factor(1 / factor)
    )


def _change(before_ms: float, after_ms: float) -> str:
    """How much faster (or slower) a reader ran, in words."""
    factor = before_ms / after_ms
    if 0.9 <= factor <= 1.1:
        return _("about as fast")
    if factor > 1:
        return _("**{factor} faster**").format(factor=F.factor(factor))
    return _("**{factor} slower**").format(factor=F.factor(1 / factor))


def more_hands(results: list[BenchResult]) -> list[str]:
    """What the runs after the first (one CPU thread) show against it, at the longest text they share: more cores,
    or a GPU, speed up the reader whose sums need not wait far more than the one whose sums wait in a row."""
    if not results:
        return []
    first, *others = results
    lines = []
    for r in others:
        shared = set(first.lengths) & set(r.lengths)
        if not shared:
            continue
        n = max(shared)
        i, j = first.lengths.index(n), r.lengths.index(n)
        lines.append(
            _(
                "With **{other}** instead of **{first}**, at {n} tokens: all at once ran {all_change}, one word at a "
                "time {one_change}."
            ).format(
                other=device_words(r.device),
                first=device_words(first.device),
                n=n,
                all_change=_change(first.parallel_ms[i], r.parallel_ms[j]),
                one_change=_change(first.sequential_ms[i], r.sequential_ms[j]),
            )  # fmt: skip
        )
    return lines
