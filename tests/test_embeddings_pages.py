"""The embeddings and meaning-in-context pages, rendered headlessly with AppTest on the built-in model
and on a tiny random Hugging Face GPT-2 (byte-level BPE: words split into pieces)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from explainer.ui.models import SPEC_KEY

PAGES = Path(__file__).resolve().parent.parent / "app_pages"


def run(page: str, spec: str = "builtin") -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=60)
    at.session_state[SPEC_KEY] = spec
    return checked(at.run())


def checked(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def charts(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def trace_names(fig: dict) -> list[str]:
    return [t.get("name") for t in fig["data"]]


def texts(at: AppTest, kind: str) -> str:
    return " ".join(str(e.value) for e in getattr(at, kind))


def test_embeddings_page_builtin() -> None:
    at = run("embeddings.py")
    figs = charts(at)
    assert len(figs) == 2  # 2D map (the 3D one is drawn only in its tab), heat strip
    assert "your words" in trace_names(figs[0]) and "capitals" in trace_names(figs[0])
    assert at.dataframe[0].value["token"].iloc[0] == "Paris"  # the word itself comes first
    assert at.dataframe[0].value["cosine similarity"].iloc[0] == pytest.approx(1.0, abs=1e-5)
    assert "Cosine similarity" in at.metric[-1].label
    at.session_state["emb_tab"] = "3D map (drag to turn)"
    assert charts(checked(at.run()))[0]["data"][0]["type"] == "scatter3d"
    at.text_input(key="emb_word").input("xylophone")
    assert "not in this model's vocabulary" in texts(checked(at.run()), "warning")


def test_embeddings_page_hf_tsne_and_pieces(tiny_hf_spec: str) -> None:
    at = run("embeddings.py", tiny_hf_spec)
    at.segmented_control(key="emb_proj").set_value("t-SNE")
    at.text_input(key="emb_other").input("Tokyo")  # not a token of the tiny BPE vocabulary
    checked(at.run())
    assert "splits into" in texts(at, "info")
    assert charts(at)[0]["layout"]["xaxis"]["title"]["text"] == "t-SNE 1"


def test_meaning_page_builtin() -> None:
    at = run("meaning.py")
    figs = charts(at)
    assert len(figs) == 2  # similarity by stage, paths (the pairwise matrix waits in a closed expander)
    same = next(t for t in figs[0]["data"] if t["name"].startswith("same sense"))
    assert same["y"][0] == pytest.approx(1.0, abs=1e-5)  # the token embedding is the same vector
    assert len(figs[1]["data"]) == 14  # the 7 corpus sentences of each sense
    at.session_state["mean_pairs"] = True  # open the expander
    mat = charts(checked(at.run()))[2]["data"][0]
    assert mat["type"] == "heatmap" and len(mat["y"]) == 14
    at.selectbox(key="mean_word").set_value("bat")
    checked(at.run())
    assert "“bat”" in at.subheader[0].value and "ball" in at.text_area[1].value


def test_meaning_page_bad_input() -> None:
    at = run("meaning.py")
    at.text_area(key="mean_s1_bank").input("Nothing to see here.")
    checked(at.run())
    assert "is not in" in texts(at, "warning")
    assert "at least one sentence" in texts(at, "error")


def test_meaning_page_hf(tiny_hf_spec: str) -> None:
    at = run("meaning.py", tiny_hf_spec)
    figs = charts(at)
    assert len(figs) == 2
    assert len(figs[0]["data"][0]["x"]) == 2 + 2  # two stages before the tiny model's two layers
