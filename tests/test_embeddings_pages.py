"""The embeddings and meaning-in-context pages, rendered headlessly with AppTest on the built-in model
and on a tiny random Hugging Face GPT-2 (byte-level BPE: words split into pieces)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from .apptest import chart_specs, no_crash, open_page, values
from .helpers import shipped_tokenizer_kind


def run(page: str, spec: str = "builtin") -> AppTest:
    """The page file run on its own (no navigation) on the model `spec`."""
    return open_page(f"app_pages/{page}", spec=spec, direct=True, errors_ok=True)


def trace_names(fig: dict) -> list[str]:
    return [t.get("name") for t in fig["data"]]


def texts(at: AppTest, kind: str) -> str:
    return " ".join(str(e.value) for e in getattr(at, kind))


def pair_and_apart(fig: dict) -> tuple[float, float]:
    """On the map of the default words: (the larger distance within the pairs dog–cat and Paris–France, the distance
    from dog to Paris), each as a share of the map's width or height."""
    yours = next(t for t in fig["data"] if t["name"] == "your words")
    at = {w.lstrip("␣"): np.array(xy) for w, xy in zip(yours["text"], zip(values(yours["x"]), values(yours["y"])))}
    assert set(at) == {"dog", "cat", "Paris", "France", "Monday"}  # the words typed for a student
    span = max(np.ptp(np.concatenate([values(t[k]) for t in fig["data"]])) for k in "xy")
    pair = max(np.linalg.norm(at["dog"] - at["cat"]), np.linalg.norm(at["Paris"] - at["France"])) / span
    return pair, np.linalg.norm(at["dog"] - at["Paris"]) / span


def test_embeddings_page_builtin() -> None:
    at = run("embeddings.py")
    figs = chart_specs(at)
    assert len(figs) == 3  # 2D map (the 3D one is drawn only in its tab), heat strip, the positions' arc
    arc = figs[2]["data"][1]
    assert len(values(arc["x"])) == 128 and "128 position vectors" in figs[2]["layout"]["title"]["text"]
    strip, (similar,) = figs[1], at.metric[3:]  # the default pair, two capitals: near neighbours, said in words
    assert [y.lstrip("␣") for y in strip["data"][0]["y"]] == ["Paris", "Madrid"] and float(similar.value) > 0.3
    nearer = re.search(
        r"Of the 6,144 tokens, \*\*(\d+)\*\* points? more nearly .+ “␣Paris” than “␣Madrid”", texts(at, "markdown")
    )
    assert nearer and int(nearer[1]) < 10  # shipped model: 5
    assert "For 70 of the 70 countries on this map" in texts(at, "markdown")  # each capital by its own country
    assert "cosine similarity 0.9" in texts(at, "caption")  # neighbouring positions alike (shipped model: 0.94)
    assert "Europe − Sweden + Kenya ≈ **Africa**" in texts(at, "markdown")  # word arithmetic, the page's example
    assert "“Kenya” alone is “Nairobi”" in texts(at, "caption")  # ... which beats the plain guess
    at.text_input(key="emb_sum_2").input("qqxzzy")  # not one token: said, not summed as its last piece
    no_crash(at.run())
    assert "no vector of its own: qqxzzy" in texts(at, "info") and "≈" not in texts(at, "markdown")
    at.text_input(key="emb_sum_2").input("  ")  # an empty box: asked for, not called a missing token
    no_crash(at.run())
    assert "Type a word in each of the three boxes" in texts(at, "info")
    assert "your words" in trace_names(figs[0]) and "capitals" in trace_names(figs[0])
    assert "other" not in trace_names(figs[0])  # the map of the group words: no grey cloud
    # what a student sees at a glance: each pair of the default words side by side, the pairs apart (t-SNE, the default)
    assert figs[0]["layout"]["xaxis"]["title"]["text"] == "t-SNE 1"
    pair, apart = pair_and_apart(figs[0])  # shipped model: 0.04, 0.28
    assert pair < 0.1 and apart > 0.2
    at.segmented_control(key="emb_proj").set_value("PCA")
    pair, apart = pair_and_apart(chart_specs(no_crash(at.run()))[0])  # 0.19, 0.80
    assert pair < 0.25 and apart > 0.5
    assert at.dataframe[0].value["token"].iloc[0].lstrip("␣") == "Paris"  # the word itself comes first
    assert at.dataframe[0].value["cosine similarity"].iloc[0] == pytest.approx(1.0, abs=1e-5)
    assert "Cosine similarity" in at.metric[-1].label
    at.session_state["emb_tab"] = "3D map (drag to turn)"
    assert chart_specs(no_crash(at.run()))[0]["data"][0]["type"] == "scatter3d"
    at.text_input(key="emb_word").input("xylophone")
    no_crash(at.run())
    if shipped_tokenizer_kind() == "bpe":
        assert "splits into" in texts(at, "info")  # sub-word tokens: a new word is read in pieces
    else:
        assert "not in this model's vocabulary" in texts(at, "warning")
    at.text_input(key="emb_find").input("dog, qqxzzy")  # a made-up word: pieces, none of them the word
    yours = next(t for t in chart_specs(no_crash(at.run()))[0]["data"] if t["name"] == "your words")
    assert [w.lstrip("␣") for w in yours["text"]] == ["dog"], "a piece is drawn as if it were the word"
    said = texts(at, "info") + texts(at, "warning")
    assert "qqxzzy" in said and ("Not one token" in said or "not in this model's vocabulary" in said)


def test_a_link_finds_the_words_it_names() -> None:
    at = open_page("app_pages/embeddings.py", spec="builtin", direct=True, query={"emb_find": "tiger, lion"})
    assert at.text_input(key="emb_find").value == "tiger, lion"
    found = [t for spec in chart_specs(at) for d in spec["data"] for t in (d.get("text") or []) if isinstance(t, str)]
    assert {"tiger", "lion"} <= {t.strip().lstrip("␣") for t in found}, "the typed words are on the map"


def test_embeddings_page_hf_both_maps_and_pieces(tiny_hf_spec: str) -> None:
    at = run("embeddings.py", tiny_hf_spec)
    assert chart_specs(at)[0]["layout"]["xaxis"]["title"]["text"] == "t-SNE 1"  # the default, fitted here: none shipped
    at.segmented_control(key="emb_proj").set_value("PCA")
    at.text_input(key="emb_other").input("Tokyo")  # not a token of the tiny BPE vocabulary
    no_crash(at.run())
    assert "splits into" in texts(at, "info")
    assert chart_specs(at)[0]["layout"]["xaxis"]["title"]["text"].startswith("direction 1")
    assert "position vectors, in order" in chart_specs(at)[-1]["layout"]["title"]["text"]  # GPT-2's wpe


def test_a_word_the_vocabulary_lacks_leaves_the_positions_drawn(tiny_model_dir) -> None:
    at = run("embeddings.py", str(tiny_model_dir))  # a word-level model: an unknown word has no token at all
    at.text_input(key="emb_word").input("qqqqzzzz")
    no_crash(at.run())
    assert "not in this model's vocabulary" in texts(at, "warning")
    assert "position vectors, in order" in chart_specs(at)[-1]["layout"]["title"]["text"]


def test_a_meaning_the_vectors_cannot_tell_is_called_a_coin_toss() -> None:
    """The same sentences for both meanings: nothing in the vectors tells them apart, and the headline says so
    instead of "the vector alone tells which is meant"."""
    at = run("meaning.py")
    same = "The bank was closed.\nWe walked to the bank.\nThe bank was quiet today.\nShe saw the bank."
    at.text_area[0].input(same)
    at.text_area[1].input(same)
    no_crash(at.run())
    assert "of 8 sentences: no better than tossing a coin" in at.subheader[0].value


def test_meaning_page_builtin() -> None:
    at = run("meaning.py")
    strips, probe = chart_specs(at)  # where each "bank" sits between the meanings, stage by stage; the probe by stage
    stages = probe["data"][0]["x"]
    river, money = strips["data"]
    assert len(river["x"]) == len(money["x"]) == 20 * len(stages)  # a dot per sentence and stage
    for j, stage in enumerate(stages):  # the picture is the probe: a dot on its own meaning's half is told right
        own = [(x < 0) + 0.5 * (x == 0) for x, at_ in zip(river["x"], river["customdata"]) if at_ == stage]
        own += [(x > 0) + 0.5 * (x == 0) for x, at_ in zip(money["x"], money["customdata"]) if at_ == stage]
        assert len(own) == 40 and sum(own) / 40 == pytest.approx(probe["data"][0]["y"][j]), stage
    assert set(river["x"][:20]) == set(money["x"][:20]) == {0.0}  # the token embedding: every one halfway
    assert probe["data"][0]["y"][0] == pytest.approx(0.5)  # a coin toss at the token embedding
    assert "of 40 sentences" in at.subheader[0].value and "coin" not in at.subheader[0].value
    assert probe["layout"]["yaxis"]["ticktext"][0] == "50%<br>a coin toss"  # on the axis, never under a point
    trained, before = probe["data"]  # the trained model, the same network untrained (dashed)
    assert before["line"]["dash"] == "dash" and before["y"][0] == pytest.approx(0.5)
    untrained, after = at.metric  # the same network before training beside the trained model, with what it added
    assert "before training" in untrained.label and untrained.value == f"{round(before['y'][-1] * 100)}%"
    assert after.value == f"{round(trained['y'][-1] * 100)}%"
    assert after.delta == f"+{round(trained['y'][-1] * 100) - round(before['y'][-1] * 100)} pts"
    assert trained["y"][-1] > before["y"][-1]  # what training adds on "bank"
    said = texts(at, "markdown")  # what the model writes after each meaning, whole, with how often
    assert "- “bank of the river.” in 9 of 20" in said and "- “bank.” in 11 of 20" in said
    at.selectbox(key="mean_word").set_value("bat")
    no_crash(at.run())
    assert any("“bat”" in m.value for m in at.markdown) and "ball" in at.text_area[1].value


def test_meaning_page_bad_input() -> None:
    at = run("meaning.py")
    at.text_area(key="mean_s1_bank").input("Nothing to see here.")
    no_crash(at.run())
    assert "is not in" in texts(at, "warning")
    assert "at least two sentences" in texts(at, "error")


def test_meaning_page_hf(tiny_hf_spec: str) -> None:
    at = run("meaning.py", tiny_hf_spec)
    maps, probe = chart_specs(at)
    assert len(probe["data"][0]["x"]) == 2 + 2  # two stages before the tiny model's two layers
    assert len(probe["data"]) == 2  # a tiny model is copied for its untrained baseline
