"""Word arithmetic on embeddings: a − b + c, and how often such a sum lands on the right word.

"Kenya + (Europe − Sweden)" asks for the word that is to Kenya what Europe is to Sweden. The answer counts only if
it beats the plain guess, the word nearest to Kenya alone: for a country's capital that guess is already right, so
the sum proves nothing there. Pure torch (no Streamlit). Shapes: V vocabulary, D model width.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass

import torch

from explainer.corpus.data import ANIMALS, COUNTRIES, NUMBER_WORDS
from explainer.i18n import N_

# Relations of the built-in corpus: (name, (x, y) pairs where y is to x what the relation says)
RELATIONS: dict[str, list[tuple[str, str]]] = {
    N_("country → continent"): [(c.name, c.continent) for c in COUNTRIES if " " not in c.continent],
    N_("country → language"): [(c.name, c.language) for c in COUNTRIES],
    N_("country → capital"): [(c.name, c.capital) for c in COUNTRIES],
    N_("animal → sound"): [(a.name, a.sound) for a in ANIMALS if a.sound],
    N_("animal → young"): [(a.name, a.young) for a in ANIMALS if a.young],
    N_("number word → digit"): [(w, str(i)) for i, w in enumerate(NUMBER_WORDS)],
}
MAX_SUMS = 120  # sums measured per relation (a fixed sample of the ordered pairs of pairs)


@dataclass(frozen=True)
class WordSum:
    nearest: list[tuple[int, float]]  # (token, cosine) nearest to a − b + c, the three words left out
    plain: tuple[int, float]  # the token nearest to c alone (a, b, c left out): the guess without the arithmetic


def word_sum(unit: torch.Tensor, a: int, b: int, c: int, k: int = 5) -> WordSum:
    """unit (V, D) rows of length 1; a − b + c by token ids -> its k nearest tokens and the plain guess."""
    v = unit[a] - unit[b] + unit[c]  # (D,)
    sims = unit @ (v / v.norm().clamp_min(1e-12))  # (V,)
    plain = unit @ unit[c]  # (V,)
    for t in (a, b, c):
        sims[t] = plain[t] = -2.0  # below any cosine
    top = sims.topk(min(k, sims.numel()))
    nearest = [(int(t), float(s)) for s, t in zip(top.values, top.indices)]
    return WordSum(nearest, (int(plain.argmax()), float(plain.max())))


@dataclass(frozen=True)
class RelationScore:
    name: str  # the relation's name (a catalog message)
    example: tuple[str, str, str, str]  # a, b, c, the answer: a − b + c should be the answer
    by_sum: float  # share of sums whose nearest token is the answer
    by_plain: float  # share where the token nearest to c alone already is
    n: int  # sums measured


def relation_scores(unit: torch.Tensor, token_of: Callable[[str], int | None], seed: int = 0) -> list[RelationScore]:
    """For each relation whose words are single tokens here (3 pairs at least): how often y1 − x1 + x2 lands on y2,
    against the plain guess (the token nearest to x2)."""
    out = []
    for name, pairs in RELATIONS.items():
        ids = [(token_of(x), token_of(y), x, y) for x, y in pairs]
        ids = [p for p in ids if p[0] is not None and p[1] is not None]
        if len(ids) < 3:
            continue
        sums = [(p, q) for p, q in itertools.permutations(ids, 2) if p[1] != q[1]]
        random.Random(seed).shuffle(sums)
        sums = sums[:MAX_SUMS]
        x1, y1, x2, y2 = (torch.tensor([pair[i][j] for pair in sums]) for i, j in ((0, 0), (0, 1), (1, 0), (1, 1)))
        by_sum = _nearest(unit, unit[y1] - unit[x1] + unit[x2], (x1, y1, x2)) == y2  # (n,)
        by_plain = _nearest(unit, unit[x2], (x1, y1, x2)) == y2
        (*_ids, x1_word, y1_word), (*_ids, x2_word, y2_word) = sums[0]
        rates = float(by_sum.float().mean()), float(by_plain.float().mean())
        out.append(RelationScore(name, (y1_word, x1_word, x2_word, y2_word), *rates, len(sums)))
    return out


def _nearest(unit: torch.Tensor, v: torch.Tensor, left_out: tuple[torch.Tensor, ...]) -> torch.Tensor:
    """v (n, D) -> (n,) the token nearest to each row (cosine), the row's own words (each (n,) ids) left out."""
    sims = (v / v.norm(dim=-1, keepdim=True).clamp_min(1e-12)) @ unit.T  # (n, V)
    rows = torch.arange(len(v))
    for ids in left_out:
        sims[rows, ids] = -2.0
    return sims.argmax(-1)
