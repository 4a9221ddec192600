"""The sense probe's measures (explainer/sense_probe.py) on made-up vectors, then on the shipped model."""

from __future__ import annotations

import numpy as np
import pytest

from explainer.analysis import sense_probe as sp
from explainer.analysis.embeddings import word_in_context

from .helpers import RETRAIN, shipped_tokenizer_kind


def test_identical_vectors_score_chance_and_land_on_one_point():
    v = np.tile(np.arange(8.0), (10, 3, 1))  # (N, S, D): the same vector everywhere
    senses = np.array([0] * 5 + [1] * 5)
    assert np.allclose(sp.probe_accuracy(v, senses), 0.5)
    assert np.array_equal(sp.sense_positions(v, senses), np.zeros((10, 3)))  # all halfway: the means coincide


def test_separated_senses_score_one_and_noise_scores_near_chance():
    rng = np.random.default_rng(0)
    n, d = 40, 32
    senses = np.array([0, 1] * (n // 2))
    noise = rng.normal(size=(n, 1, d))
    apart = noise + 6.0 * senses[:, None, None] * np.eye(d)[0]
    assert sp.probe_accuracy(apart, senses)[0] == 1.0
    assert sp.probe_accuracy(noise, senses)[0] <= 0.75  # no sense signal: around chance
    where = sp.sense_positions(apart, senses)[:, 0]
    assert where[senses == 0].max() < 0 < where[senses == 1].min()  # sense 0 on the left
    assert np.mean(where[senses == 0]) == pytest.approx(-1, abs=0.2) and np.mean(where[senses == 1]) > 0.8


def test_a_position_is_the_nearer_mean_measured_directly():
    rng = np.random.default_rng(1)
    v = rng.normal(size=(12, 4, 6))  # (N, S, D)
    senses = np.array([0, 1, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0])
    where = sp.sense_positions(v, senses)  # (N, S)
    for i in range(12):
        rest = np.arange(12) != i
        means = [v[rest & (senses == k)].mean(0) for k in (0, 1)]  # (S, D) each
        near = [np.linalg.norm(v[i] - m, axis=-1) for m in means]  # (S,) each
        assert np.array_equal(where[i] > 0, near[1] < near[0])  # above 0 exactly where meaning 1's mean is nearer
        for k, sign in ((0, -1), (1, 1)):  # a vector on a mean sits on -1 or +1
            w = v.copy()
            w[i] = means[k]
            assert sp.sense_positions(w, senses)[i] == pytest.approx(np.full(4, sign))
    hits = sp.probe_hits(v, senses)
    assert np.array_equal(hits, np.where(senses[:, None] == 1, where > 0, where < 0).astype(float))


def test_leave_one_out_keeps_a_lone_sentence_from_voting_for_itself():
    v = np.array([[[0.0, 0.0]], [[0.1, 0.0]], [[5.0, 0.0]]])  # (3, 1, 2)
    senses = np.array([0, 0, 1])  # the lone sense-1 sentence has no centroid without itself: counted wrong
    assert sp.probe_accuracy(v, senses)[0] == pytest.approx(2 / 3)
    assert np.isnan(sp.sense_positions(v, senses)[2, 0]) and not np.isnan(sp.sense_positions(v, senses)[:2]).any()


@pytest.fixture(scope="module")
def builtin():
    from explainer.backends.load import load_backend

    return load_backend("builtin", "cpu")


@pytest.mark.skipif(shipped_tokenizer_kind() != "bpe", reason=RETRAIN)
def test_bank_on_the_shipped_model(builtin):
    from explainer.corpus.generator import PROBE_SENTENCES

    sv = sp.sense_vectors(builtin, "bank", PROBE_SENTENCES["bank"])
    assert not sv.skipped and len(sv.sentences) == 40 and len(set(sv.token_ids)) == 1
    assert sv.vectors.shape == (40, builtin.info.n_layer + 2, builtin.info.d_model)
    alone = [word_in_context(builtin, s, "bank", int(k)) for s, k in zip(sv.sentences, sv.senses)]
    assert np.allclose(sv.vectors, np.stack([w.vectors for w in alone]), atol=1e-5), "batched = one trace each"
    assert sv.prefixes == [builtin.encode(w.sentence)[: w.index + 1] for w in alone]
    acc = sp.probe_accuracy(sv.vectors, sv.senses)
    assert acc[0] == 0.5 and acc[-1] >= 0.9, acc  # chance at the embedding, 36 of 40 after the last layer
    where = sp.sense_positions(sv.vectors, sv.senses)  # the page's picture
    own_side = np.where(sv.senses == 1, where[:, 2] > 0, where[:, 2] < 0)
    assert (where[:, 0] == 0).all() and own_side.all()  # all halfway at the embedding; after layer 1 each on its side
    written = sp.continuations(builtin, sv)
    assert len(written) == 40 and all(isinstance(t, str) for t in written)
    river, money = sp.common_continuations(sv, written)
    for said in (river, money):  # the most common first, each counted over its meaning's 20 sentences
        assert 0 < len(said) <= sp.SHOWN_CONTINUATIONS and all(p.startswith("bank") for p, _n in said)
        assert [n for _p, n in said] == sorted((n for _p, n in said), reverse=True) and sum(n for _p, n in said) <= 20
    assert river[0] == ("bank of the river.", 9), river  # the page's first line: the river's bank, read as one
    assert money[0] == ("bank.", 11), money  # the money's bank mostly ends its sentence
    assert "bank account." in dict(money)  # ... or reads as money; "near the river." (3) is shown as misread


def test_common_continuations_counts_whole_phrases():
    """Each continuation read on from the word and counted per meaning; ties keep the order written."""
    sv = sp.SenseVectors("bank", ["s"] * 6, np.array([0, 0, 0, 1, 1, 1]), np.zeros((6, 1, 1)), [0] * 6, [], [[0]] * 6)
    written = ["of the river.", "near the water", "of the river.", ".", ", then home.", "."]
    river, money = sp.common_continuations(sv, written, k=3)
    assert river == [("bank of the river.", 2), ("bank near the water …", 1)]  # cut short: "…"
    assert money == [("bank.", 2), ("bank, then home.", 1)]  # no space before punctuation


@pytest.mark.skipif(shipped_tokenizer_kind() != "bpe", reason=RETRAIN)
def test_training_adds_what_the_untrained_network_cannot(builtin):
    """The Meaning page's dashed line: the same network with random weights already tells some sentences apart
    (positions, and the layers' mixing), but the trained model does clearly better on the 12 words as a whole."""
    from explainer.corpus.generator import PROBE_SENTENCES

    trained = sp.probe_table(builtin, PROBE_SENTENCES)
    before = {w: sp.untrained_accuracy(builtin, w, s) for w, s in PROBE_SENTENCES.items()}
    assert all(b[0] == 0.5 and 0.3 <= b[-1] <= 0.95 for b in before.values()), before  # a coin toss, then some
    gap = np.mean([trained[w][-1] - before[w][-1] for w in PROBE_SENTENCES])
    assert gap >= 0.12, gap  # 0.18 on the shipped model: 93 % trained, 75 % untrained
    assert trained["bank"][-1] - before["bank"][-1] >= 0.1  # the page's first word: 90 % against 75 %


def test_the_shared_vectors_hold_no_words_of_a_language(builtin):
    """The Meaning page's vectors are cached once for every session: computed by a German student's visit, they must
    read the same to a Chinese one (their stage names were once kept in them, in the first visitor's language)."""
    from dataclasses import fields

    from explainer.i18n import speaking

    groups = (["The ducks sat on the bank."] * 2, ["She took money to the bank."] * 2)
    with speaking("de"):
        german = sp.sense_vectors(builtin, "bank", groups)
    with speaking("zh_CN"):
        chinese = sp.sense_vectors(builtin, "bank", groups)
    for f in fields(german):
        a, b = getattr(german, f.name), getattr(chinese, f.name)
        assert np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b, f.name
