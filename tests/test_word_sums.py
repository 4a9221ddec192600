"""Word arithmetic (explainer/analysis/word_sums.py): a − b + c by cosine, against the plain guess."""

from __future__ import annotations

import pytest
import torch

from explainer.analysis import embeddings as em
from explainer.analysis import word_sums as ws


def planted() -> tuple[torch.Tensor, dict[str, int]]:
    """Three countries and their continents, each continent its country plus one shared direction (and a little
    noise), hidden among 60 random tokens; a country's nearest token is another country, not its continent."""
    g = torch.Generator().manual_seed(0)
    words = ["Kenya", "Peru", "Japan", "Africa", "America", "Asia"]
    country = torch.randn(3, 32, generator=g)
    step = 3 * torch.randn(32, generator=g)  # country -> continent
    rows = torch.cat(
        [country, country + step + 0.1 * torch.randn(3, 32, generator=g), torch.randn(60, 32, generator=g)]
    )
    return em.unit_rows(rows), {w: i for i, w in enumerate(words)}


def test_a_sum_follows_a_shared_direction_where_no_neighbour_does() -> None:
    unit, at = planted()
    got = ws.word_sum(unit, at["Asia"], at["Japan"], at["Kenya"], k=3)
    assert got.nearest[0][0] == at["Africa"] and got.plain[0] != at["Africa"]
    assert {at["Asia"], at["Japan"], at["Kenya"]}.isdisjoint(t for t, _s in got.nearest)  # the typed words left out
    v = unit[at["Asia"]] - unit[at["Japan"]] + unit[at["Kenya"]]
    assert got.nearest[0][1] == pytest.approx(float(em.cosine(v, unit[at["Africa"]])), abs=1e-5)


def test_relation_scores_count_what_the_sum_and_the_plain_guess_find(monkeypatch) -> None:
    unit, at = planted()
    pairs = [("Kenya", "Africa"), ("Peru", "America"), ("Japan", "Asia"), ("Atlantis", "Nowhere")]
    monkeypatch.setattr(ws, "RELATIONS", {"country → continent": pairs, "none": [("a", "b")]})
    (score,) = ws.relation_scores(unit, at.get)  # the unknown words, and a relation without 3 pairs, are skipped
    assert (score.by_sum, score.by_plain, score.n) == (1.0, 0.0, 6)  # 3 × 2 ordered pairs, all found by the sum
    a, b, c, answer = score.example
    assert (b, a) in pairs and any(x == c and y == answer for x, y in pairs)


def test_on_the_shipped_model_directions_find_what_neighbours_do_not(builtin) -> None:
    """The Embeddings page's table: a capital is already its country's nearest word; continents and animal sounds
    are found by the sum alone (shipped model: 50 % and 50 %, nearest word 0 %)."""

    unit = em.unit_rows(builtin.embedding_matrix())
    scores = {s.name: s for s in ws.relation_scores(unit, lambda w: em.whole_token(builtin, w))}
    assert scores["country → capital"].by_plain >= 0.9
    for name in ("country → continent", "animal → sound"):
        assert scores[name].by_sum >= 0.35 and scores[name].by_plain <= 0.05, name
