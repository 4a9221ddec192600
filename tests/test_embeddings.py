"""Embeddings and meaning-in-context: the computations and the figures, on small fixed inputs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from explainer.analysis import embeddings as em
from explainer.backends.load import load_backend
from explainer.charts import embeddings as ch
from explainer.model.tokenizers import Token

RIVER = "We sat on the bank of the river."
MONEY = "She put money in the bank."


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path):
    return load_backend(str(tiny_model_dir), "cpu")


def test_pca_shapes_and_order() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 8)) * np.array([10, 5, 1, 1, 1, 1, 1, 1])  # (N, D), widest along axis 0
    p = em.pca(x, 3)
    assert p.components.shape == (3, 8) and p(x).shape == (200, 3)
    assert np.all(np.diff(p.explained) <= 0) and 0 < p.explained.sum() <= 1
    assert abs(p.components[0, 0]) > 0.99
    assert abs(p(x).mean(0)).max() < 1e-4  # centred


def test_tsne_keeps_clusters_apart() -> None:
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(0, 1, (30, 10)), rng.normal(8, 1, (30, 10))]).astype(np.float32)
    y = em.tsne(x, 2, perplexity=10)
    assert y.shape == (60, 2) and np.isfinite(y).all()
    d = ((y[:, None] - y[None]) ** 2).sum(-1) + np.eye(60) * 1e9
    assert ((d.argmin(1) < 30) == (np.arange(60) < 30)).mean() >= 0.95  # nearest neighbour: same cluster


def test_groups_and_sample() -> None:
    groups = em.word_groups([" Paris", "France", "dog", "zzz", "Monday"])
    assert groups == ["capitals", "countries", "animals", em.OTHER, "days"]
    assert list(em.sample_ids(groups)) == [0, 1, 2, 3, 4]
    big = ["countries"] * 10 + [em.OTHER] * 990
    ids = em.sample_ids(big, max_points=100)
    assert len(ids) == 100 and set(range(10)) <= set(ids.tolist())


def test_neighbours_start_with_the_word_itself() -> None:
    e = torch.randn(50, 16, generator=torch.Generator().manual_seed(0))
    unit = em.unit_rows(e)
    top = em.neighbours(unit, 7, 5)
    assert top[0][0] == 7 and top[0][1] == pytest.approx(1.0, abs=1e-5)
    assert [s for _, s in top] == sorted((s for _, s in top), reverse=True)
    assert em.cosine(e[3], 2 * e[3]) == pytest.approx(1.0, abs=1e-6)
    assert em.cosine(e[3], -e[3]) == pytest.approx(-1.0, abs=1e-6)


def test_lookup(tiny) -> None:
    ids, exact = em.lookup(tiny, "bank")
    assert exact and tiny.token_str(ids[0]) == "bank"
    assert em.lookup(tiny, "xylophone") == ([], False)  # word-level model: not in the vocabulary
    assert em.lookup(tiny, "  ") == ([], False)


def test_locate_follows_the_last_piece() -> None:
    toks = [Token(0, "The", 0, 3), Token(1, " ba", 3, 6), Token(2, "nk", 6, 8), Token(3, ".", 8, 9)]
    assert em.locate(toks, "The bank.", "bank") == (2, 2)
    assert em.locate(toks, "The bank.", "Bank") == (2, 2)  # case-insensitive
    assert em.locate(toks, "The bank.", "ban") is None  # whole words only
    assert em.locate(toks, "The bank.", "river") is None


def test_layer0_similarity_is_one_then_context_changes_it(tiny) -> None:
    items = [em.word_in_context(tiny, s, "bank", k) for k, s in enumerate([RIVER, MONEY])]
    assert all(items)
    s = len(em.stage_names(tiny.info.n_layer))
    assert items[0].vectors.shape == (s, tiny.info.d_model)
    sim = em.pairwise(items)  # (S, N, N)
    assert sim.shape == (s, 2, 2)
    assert sim[0, 0, 1] == pytest.approx(1.0, abs=1e-6)  # the same token embedding
    assert sim[-1, 0, 1] < 0.999  # after the layers the contexts differ
    assert em.word_in_context(tiny, "No such word here.", "bank") is None


def test_same_vs_different_and_trajectories(tiny) -> None:
    sents = [(RIVER, 0), ("The bank of the river.", 0), (MONEY, 1)]
    items = [em.word_in_context(tiny, s, "bank", k) for s, k in sents]
    sim = em.pairwise(items)
    out = em.same_vs_different(sim, [0, 0, 1])
    assert list(out) == ["same sense (1 pairs)", "different senses (2 pairs)"]
    assert np.allclose(out["same sense (1 pairs)"], sim[:, 0, 1])
    coords, kept = em.trajectories(items)
    assert coords.shape == (3, sim.shape[0], 2) and kept.shape == (2,)


def test_embedding_map_traces() -> None:
    coords = np.arange(12, dtype=float).reshape(6, 2)
    groups = ["animals", "animals", em.OTHER, "days", em.OTHER, "days"]
    fig = ch.embedding_map(coords, list("abcdef"), groups, highlight=[2])
    assert [t.name for t in fig.data] == [em.OTHER, "animals", "days", "your words"]
    assert fig.layout.font.size >= 16 and fig.layout.xaxis.title.text
    fig3 = ch.embedding_map(np.zeros((6, 3)), list("abcdef"), groups, axes=("a", "b", "c"))
    assert len(fig3.data) == 3 and all(isinstance(t, go.Scatter3d) for t in fig3.data)


def test_other_figures() -> None:
    strip = ch.heat_strip({"a": np.ones(8), "b": -np.ones(8)})
    assert np.asarray(strip.data[0].z).shape == (2, 8)
    stages = em.stage_names(2)
    lines = ch.similarity_lines(stages, {"same": np.ones(4), "different": np.full(4, 0.5)})
    assert len(lines.data) == 2 and lines.layout.yaxis.title.text == "cosine similarity"
    assert lines.layout.yaxis.title.font.size >= 16
    paths = ch.trajectory_map(np.zeros((3, 4, 2)), ["x", "y", "z"], [0, 0, 1], stages, ["river", "money"])
    assert len(paths.data) == 3 and paths.data[0].line.color != paths.data[2].line.color
    assert [t.showlegend for t in paths.data] == [True, False, True]  # one legend entry per sense
    mat = ch.similarity_matrix(np.eye(3), ["x", "y", "z"])
    assert np.asarray(mat.data[0].z).shape == (3, 3)
    for fig in (strip, lines, paths, mat):
        assert fig.layout.font.size >= 16
