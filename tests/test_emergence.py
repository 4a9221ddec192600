"""Emergence: two copies of the built-in model from different seeds answer alike while their insides differ.

The page runs with its twin missing (a plain message), with the built-in model standing in as its own twin (the
page's logic: every answer the same), and, where the shipped twin is installed, on the real pair."""

from __future__ import annotations

import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from explainer import config
from explainer.analysis.emergence import (
    compare_answers,
    neuron_word,
    same_guesses,
    shared_word_neurons,
    word_neurons,
)
from explainer.analysis.inside import NeuronIndex
from explainer.analysis.precomputed import ModelAnalyses
from explainer.backends.load import load_backend
from explainer.charts.emergence import same_guesses_chart
from explainer.classroom.questions import SURPRISE_TEXT
from explainer.corpus.generator import builtin_corpus, generate_corpus
from explainer.model.checkpoints import FORMAT
from explainer.ui.emergence import recipe_seeds
from tests.apptest import open_page

PAGE = "app_pages/emergence.py"
REAL_TWIN = config.BUILTIN_TWIN


class Words:
    """A stand-in backend whose token i is the word words[i]."""

    def __init__(self, words: list[str]):
        self.words = words

    def token_str(self, i: int) -> str:
        return " " + self.words[i]


def index(top_ids: np.ndarray) -> NeuronIndex:
    """A neuron index whose top tokens per (layer, k, neuron) are `top_ids` (token ids laid out one per position)."""
    L, k, F = top_ids.shape
    ids = top_ids.reshape(-1)
    pos = np.arange(ids.size).reshape(L, k, F)
    return NeuronIndex(ids, np.zeros_like(ids), np.ones((L, k, F)), pos)


def test_a_word_neuron_is_one_whose_top_tokens_are_mostly_that_word() -> None:
    vocab = Words(["cat", "dog", "the", "42"])
    top = np.array([[[0, 1, 3], [0, 1, 3], [0, 2, 3], [0, 1, 3]]])  # (1 layer, k=4, 3 neurons)
    found = word_neurons(index(top), vocab, min_share=3)
    assert set(found) == {"cat", "dog"}, "neuron 2 is '42': not a word"
    assert (found["cat"].layer, found["cat"].neuron, found["cat"].share) == (0, 0, 4)
    assert found["dog"].share == 3 and neuron_word(index(top), vocab, 0, 1) == ("dog", 3)


def test_shared_words_say_where_each_model_keeps_them() -> None:
    vocab = Words(["cat", "dog", "the"])
    first = np.array([[[0, 1, 2]] * 8])  # neuron 0: cat, neuron 1: dog, neuron 2: the
    second = np.array([[[2, 0, 1]] * 8])  # the same words at other places
    shared = shared_word_neurons((index(first), vocab), (index(second), vocab))
    where = {s.word: (s.first.neuron, s.second.neuron, s.twin_there) for s in shared}
    assert where == {"cat": (0, 1, "the"), "dog": (1, 2, "cat"), "the": (2, 0, "dog")}
    assert [s.word for s in shared] == ["cat", "dog", "the"]  # equally clear: longer words first, then a-z


@pytest.fixture(scope="module")
def builtin():
    return load_backend("builtin")


def test_a_model_compared_with_itself_answers_the_same(builtin) -> None:
    items = generate_corpus(seed=0, size_bytes=20_000).heldout[:8]
    pairs = compare_answers(builtin, builtin, items)
    assert len(pairs) == 8 and all(p.same and p.alike for p in pairs)
    assert [p.first_right for p in pairs] == [p.second_right for p in pairs]
    assert sum(p.first_right for p in pairs) >= 6, "the built-in model answers held-out questions"
    for p, it in zip(pairs, items):  # the script's own start of the reply, then what the model wrote after it
        assert it.prompt.endswith(("Assistant:", f"Assistant: {p.started}")) and p.first and "\n" not in p.first
        if p.first_right and not p.started:  # a whole reply, judged right: it is one of those the item allows
            assert any(r.strip().startswith(p.first) or p.first.startswith(r.strip()) for r in it.replies), p


def test_the_page_says_plainly_when_the_twin_is_missing(monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(config, "BUILTIN_TWIN", tmp_path / "builtin-twin")
    at = open_page(PAGE)
    assert at.title[0].value.startswith("Emergence")
    assert any("not installed" in i.value for i in at.info)
    assert not at.table


def test_the_page_compares_answers_heads_and_neurons(monkeypatch) -> None:
    monkeypatch.setattr(config, "BUILTIN_TWIN", config.BUILTIN_DIR)  # the model as its own twin
    at = open_page(PAGE, timeout=180)
    answered = at.success[0].value
    assert answered.startswith("**60 of 60 questions answered alike** by the two models, 60 of them word for word"), (
        answered
    )
    (neurons,) = at.table
    table = next(m.value for m in at.markdown if m.value.startswith("| question (never seen in training) |"))
    rows = [r.strip("| ").split(" | ") for r in table.splitlines()[2:]]
    assert [r[3] for r in rows] == ["✓"] * 6 and all(r[1] == r[2] and "**" in r[1] for r in rows), rows
    assert (
        len(neurons.value) > 0 and (neurons.value["seed 3 keeps it in"] == neurons.value["seed 3′ keeps it in"]).all()
    )
    assert any("happen to use" in i.value for i in at.info), "one model's head is its own"
    titles = [h.value for h in at.subheader]  # the same head: the neurons, where the models differ, come first
    assert titles.index("Neurons that fire for one word") < titles.index("The head that finds the country")
    charts = at.get("plotly_chart")  # the two models' guesses, then attention on the country and heads off, for each
    assert len(charts) == 5 and charts[0].key == "same_guesses"
    assert any("Here every token has the same probability in both;" in m.value for m in at.markdown)
    assert not any("Switched off, the heads" in s.value for s in at.success)  # the same model needs the same head
    assert any("(seed 3 and seed 3′)" in m.value for m in at.markdown), "the seeds come from the checkpoints"


SWITCHED_OFF = re.compile(
    r"without \*\*layer (\d), head (\d)\*\*, seed \S+ gives “␣Paris” only ([\d.]+)%, while seed \S+ without that "
    r"same head still gives it ([\d.]+)%; seed \S+ needs \*\*layer (\d), head (\d)\*\* instead \(([\d.]+)% without it\)"
)


def test_switched_off_each_shipped_twin_needs_its_own_head() -> None:
    """Where the twins look (attention) and what their answers need (heads switched off) agree: each model's answer
    falls without its own country head and barely notices the other model's."""
    at = open_page(PAGE, timeout=180)  # the shipped twin
    said = next(s.value for s in at.success if "Switched off, the heads" in s.value)
    layer_0, head_0, p_0, p_1, layer_1, head_1, p_2 = SWITCHED_OFF.search(said).groups()
    assert (layer_0, head_0) != (layer_1, head_1)
    assert float(p_0) < 5 and float(p_1) > 90 and float(p_2) < 50, said
    assert [c.key for c in at.get("plotly_chart")][-2:] == ["emergence_heads_off_0", "emergence_heads_off_1"]


def _replies(at) -> list[str]:
    """The two replies under "Ask both yourself" (each in bold in its own box)."""
    return [
        m.value for m in at.main.markdown if m.value.startswith("**") and m.value.endswith("**") and "|" not in m.value
    ]


@pytest.mark.parametrize(
    "question, cut",
    [("What is the capital of France?", False), ("blah " * 1000 + "What is the capital of France?", True)],
)
def test_a_student_asks_both_models_a_question_of_their_own(monkeypatch, question, cut) -> None:
    monkeypatch.setattr(config, "BUILTIN_TWIN", config.BUILTIN_DIR)  # the model as its own twin: the same replies
    at = open_page(PAGE, timeout=180, query={"ask": question})  # a link's question, or a pasted page: its end is read
    first, second = _replies(at)
    assert first == second and (cut or first == "**The capital of France is Paris.**"), (first, second)
    assert any(m.value == "Word for word the same reply." for m in at.markdown)
    assert any("Only the end of your question was read" in c.value for c in at.caption) == cut


@pytest.mark.skipif(
    not (REAL_TWIN / "config.json").is_file(), reason="the shipped twin (assets/builtin-twin) is absent"
)
def test_the_shipped_pair_can_differ_on_a_students_question() -> None:
    at = open_page(PAGE, timeout=180)
    assert not _replies(at), "nothing asked, nothing answered"
    at.text_input(key="ask").set_value("dublin is in which country").run()
    first, second = _replies(at)
    assert "Ireland" in first and first != second, (first, second)
    assert any(m.value == "Two different replies." for m in at.markdown)


@pytest.mark.parametrize(
    "metas, labels",
    [
        (({"seed": 4}, {"seed": 7}), ("4", "7")),
        (({"seed": 3}, {}), ("3", "?")),
        (({"seed": 2}, {"seed": 2}), ("2", "2′")),
    ],
)
def test_the_page_names_the_seeds_each_checkpoint_records(tmp_path, monkeypatch, metas, labels) -> None:
    folders = tmp_path / "first", tmp_path / "twin"
    for folder, meta in zip(folders, metas):
        folder.mkdir()
        (folder / "config.json").write_text(json.dumps({"format": FORMAT, "model": {}, "meta": meta}))
    monkeypatch.setattr(config, "BUILTIN_DIR", folders[0])
    assert recipe_seeds(folders[1]) == labels


@pytest.mark.skipif(
    not (REAL_TWIN / "config.json").is_file(), reason="the shipped twin (assets/builtin-twin) is absent"
)
def test_the_shipped_twin_answers_alike_with_different_insides(builtin) -> None:
    twin = load_backend(str(REAL_TWIN))
    items = builtin_corpus().heldout
    pairs = compare_answers(builtin, twin, items[:: len(items) // 60])
    assert sum(p.alike for p in pairs) >= 0.95 * len(pairs) and sum(p.same for p in pairs) >= 0.8 * len(pairs)
    assert sum(p.first_right for p in pairs) >= 0.95 * len(pairs) and sum(p.second_right for p in pairs) >= 0.9 * len(
        pairs
    )
    first, second = ModelAnalyses(builtin), ModelAnalyses(twin)
    assert second.loaded_from is not None, "the twin's analyses are precomputed (llm-explainer precompute)"
    heads = first.entity_head(), second.entity_head()
    shared = shared_word_neurons((first.neurons(), builtin), (second.neurons(), twin))
    moved = [s for s in shared if (s.first.layer, s.first.neuron) != (s.second.layer, s.second.neuron)]
    assert (heads[0].layer, heads[0].head) != (heads[1].layer, heads[1].head) or not np.allclose(
        heads[0].table, heads[1].table, atol=0.05
    )
    assert len(shared) >= 3 and len(moved) == len(shared), "the same words live at other neurons"
    assert any(s.twin_there != s.word for s in shared), "the page's example: the twin's neuron there does other work"


@pytest.mark.skipif(
    not (REAL_TWIN / "config.json").is_file(), reason="the shipped twin (assets/builtin-twin) is absent"
)
def test_the_shipped_twin_guesses_the_same_words_alike(builtin) -> None:
    """The page's “Word by word, the same surprises”: on the capital question the two seeds' losses are within 0.05
    and every token's probability within 25 points (the country asked about: 0.85 % and 1.2 %; “Paris” 99.6 and
    99.4)."""
    twin = load_backend(str(REAL_TWIN))
    ids = builtin.encode(SURPRISE_TEXT)
    a, b = builtin.guesses(ids), twin.guesses(ids)
    assert abs(a.loss - b.loss) < 0.05
    assert max(abs(p - q) for p, q in zip(a.probs, b.probs)) < 0.25
    at = open_page(PAGE, timeout=180)
    said = " ".join(c.value for c in at.caption)
    assert f"seed 3 · loss {a.loss:.2f}" in said and f"seed 4 · loss {b.loss:.2f}" in said
    assert sum('<div class="surprise-key">' in h.value for h in at.html) == 1  # the key once, under both rows
    alike = same_guesses(a.probs, b.probs)  # and beside the dots: within 1.4 times, the country the least expected
    assert alike.factor < 1.5 and builtin.token_str(a.ids[alike.least + 1]) == " France"
    said = next(m.value for m in at.markdown if m.value.startswith("Each dot is a token"))
    assert "more than 1.4 times apart" in said and "0.847% and 1.2%" in said, said


def test_two_models_guesses_compared_token_by_token() -> None:
    alike = same_guesses([0.5, 0.01, 0.9], [0.25, 0.02, 0.9])
    assert alike.factor == pytest.approx(2.0) and alike.least == 1
    fig = same_guesses_chart(["a", " b", "c"], [0.5, 0.009, 0.9], [0.25, 0.02, 0.9], ("one", "two"))
    go.Figure(fig.to_dict())  # valid for plotly
    diagonal, dots = fig.to_dict()["data"]
    assert diagonal["x"] == diagonal["y"] == [0.001, 1]  # from the decade below the least likely token
    assert dots["x"] == [0.5, 0.009, 0.9] and dots["y"] == [0.25, 0.02, 0.9]
    assert dots["text"] == ["", "␣b", ""]  # only a token under 10 % in either model is named
    assert fig.to_dict()["layout"]["yaxis"]["scaleanchor"] == "x"  # square: the diagonal at 45°
