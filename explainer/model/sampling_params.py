"""The sampling settings (temperature, top-k, top-p, the seed) and their rules, without torch: the CLI checks its
flags with them before it loads a model (sampling.py applies them)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral, Real

from explainer.format import number
from explainer.i18n import _


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 1.0  # 0 = greedy (always the most likely token)
    top_k: int = 0  # keep only the k most likely tokens; 0 = off
    top_p: float = 1.0  # keep the fewest most likely tokens whose probability reaches p; 1 = off

    def validate(self) -> None:
        t, k, p = self.temperature, self.top_k, self.top_p
        if isinstance(t, bool) or not isinstance(t, Real) or not math.isfinite(t) or t < 0:
            raise ValueError(_("temperature must be a finite number >= 0 (0 = greedy), got {t!r}").format(t=t))
        if isinstance(k, bool) or not isinstance(k, Integral) or k < 0:
            raise ValueError(_("top_k must be a whole number >= 0 (0 = off), got {k!r}").format(k=k))
        if isinstance(p, bool) or not isinstance(p, Real) or not 0 < p <= 1:
            raise ValueError(_("top_p must be in (0, 1] (1 = off), got {p!r}").format(p=p))

    def label(self) -> str:
        """The settings as a person reads them: 'T = 0.7, top-k 5', 'T = 0 (greedy)'."""
        parts = [f"T = {number(self.temperature)}" + (_(" (greedy)") if self.temperature == 0 else "")]
        if self.top_k:
            parts.append(f"top-k {self.top_k}")
        if self.top_p < 1:
            parts.append(f"top-p {number(self.top_p)}")
        return ", ".join(parts)


def check_seed(seed) -> None:
    """A random seed is a whole number in [0, 2**64) (torch.Generator's range)."""
    if isinstance(seed, bool) or not isinstance(seed, Integral) or not 0 <= seed < 2**64:
        raise ValueError(_("seed must be a whole number in [0, 2**64), got {seed!r}").format(seed=seed))
