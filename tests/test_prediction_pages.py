"""The next-word and sampling pages, rendered headlessly with AppTest, on the built-in model
and on a tiny local GPT-2 (the Hugging Face path); bad input gives a message, never a traceback."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import pytest
import streamlit as st
import torch
from streamlit.testing.v1 import AppTest

from explainer.backends.base import Backend
from explainer.format import visible_token
from explainer.generation.next_token import compare
from explainer.generation.script import build_script
from explainer.model.sampling import SamplingParams
from explainer.ui.prediction import ALL_TOKENS_KEY
from explainer.ui.sampling_view import logits_from_wire
from explainer.ui.shell.models import get_backend

from . import apptest
from .apptest import chart_specs, checked, component_data
from .helpers import shipped_tokenizer_kind

NEXT_WORD, SAMPLING = "app_pages/next_word.py", "app_pages/sampling.py"
DEFAULT_SAMPLING_PROMPT = build_script([], "Tell me a short story about a fox.") + " Once upon a time, in a"


@pytest.fixture(params=["builtin", "hf"])
def spec(request: pytest.FixtureRequest, tiny_hf_dir: Path) -> str:
    return "builtin" if request.param == "builtin" else f"hf:{tiny_hf_dir}"


def open_page(page: str, spec: str = "builtin", **query: str) -> AppTest:
    """`page` on the model `spec` (the built-in one unless told), with the URL's parameters `query`."""
    return apptest.open_page(page, spec=spec, query=query)


def type_text(at: AppTest, text: str) -> AppTest:
    at.text_area(key="prompt").input(text)
    return checked(at.run())


def bar_counts(figure: dict) -> list[int]:
    return [len(t["x"]) for t in figure["data"] if t["type"] == "bar"]


def messages(at: AppTest) -> str:
    return " ".join(m.value for m in [*at.info, *at.warning, *at.caption])


def test_next_word_shows_top_words_and_everything_else(spec: str) -> None:
    at = open_page(NEXT_WORD, spec)
    bars = chart_specs(at)[0]  # the bars (the look at one place of the text comes after)
    assert bar_counts(bars) == [11]  # 10 words + "everything else"
    assert sum(bars["data"][0]["x"]) == pytest.approx(1.0, abs=1e-4)
    at.slider(key="shown").set_value(5).run()
    assert bar_counts(chart_specs(checked(at))[0]) == [6]
    at.toggle(key="log").set_value(True).run()
    assert chart_specs(checked(at))[0]["layout"]["xaxis"]["type"] == "log"


def test_every_token_s_table_is_made_when_opened_and_adds_up(spec: str) -> None:
    at = open_page(NEXT_WORD, spec)
    assert not at.dataframe, "closed, the table of every token is neither made nor sent"
    at.session_state[ALL_TOKENS_KEY] = True
    table = checked(at.run()).dataframe[0].value
    vocab = get_backend(spec).info.vocab_size
    assert len(table) == vocab and table["probability"].sum() == pytest.approx(1.0, abs=1e-6)
    assert table["probability"].is_monotonic_decreasing and list(table["rank"]) == list(range(1, vocab + 1))
    bars = chart_specs(at)[0]  # the bars (the look at one place of the text comes after)
    assert table["probability"].iloc[0] == pytest.approx(bars["data"][0]["x"][0], abs=1e-6)  # the same top word


def test_next_word_adds_the_likeliest_word_and_goes_back() -> None:
    at = open_page(NEXT_WORD)
    before = at.text_area(key="prompt").value
    (pieces,) = [p.proto for p in at.get("page_link") if p.proto.label.startswith("Where these pieces come from")]
    assert pieces.page == "tokens" and urlencode({"tok_text": before}) in pieces.query_string  # the same text there
    assert before.endswith("Once upon a time,")
    bars = chart_specs(at)[0]  # several likely words, none near 100 % (the shipped model: in 25 %, high 24 %, a 21 %)
    assert bars["data"][0]["x"][0] < 0.5 and sum(p >= 0.1 for p in bars["data"][0]["x"]) >= 3
    add = next(b for b in at.button if b.label.startswith("Add “"))  # the likeliest word ("␣in" on the shipped model)
    word = add.label.removeprefix("Add “").removesuffix("”")
    add.click()
    after = checked(at.run()).text_area(key="prompt").value
    assert after == before + word.replace("␣", " ")  # the token with its space, as the chips show
    assert f"Added “{word}”" in at.success[0].value
    next(b for b in at.button if b.label == "Back one word").click()
    assert checked(at.run()).text_area(key="prompt").value == before


def test_sampling_sends_the_logits_once_and_the_sliders_reuse_them(spec: str, monkeypatch: pytest.MonkeyPatch) -> None:
    st.cache_data.clear()
    calls = []
    real = Backend.next_token_logits
    monkeypatch.setattr(Backend, "next_token_logits", lambda self, ids: calls.append(1) or real(self, ids))
    at = open_page(SAMPLING, spec)
    (view,) = component_data(at)
    assert not chart_specs(at), "the sampling charts are drawn in the browser"
    assert len(logits_from_wire(view["logits"])) == get_backend(spec).info.vocab_size and len(view["labels"]) == 10
    assert len(view["temperatures"]) == 101 and view["params"] == {"temperature": 1.0, "top_k": 0, "top_p": 1.0}
    n_calls = len(calls)
    at.slider(key="temperature").set_value(0.3).run()
    (after,) = component_data(checked(at))
    assert after["params"]["temperature"] == 0.3
    assert after["logits"] == view["logits"] and after["logits_key"] == view["logits_key"]
    assert len(calls) == n_calls, "moving the temperature must not run the model again"


@pytest.mark.parametrize(
    "params", [SamplingParams(0.5, 3, 1.0), SamplingParams(0.0), SamplingParams(2.0, 0, 0.9), SamplingParams(1.0)]
)
def test_the_sent_logits_give_the_model_s_numbers(params: SamplingParams) -> None:
    """The browser computes every number from the logits it is sent (as float32): the same as the model's."""
    at = open_page(SAMPLING)
    (view,) = component_data(at)
    backend = get_backend("builtin")
    exact = compare(backend.next_token_logits(backend.encode(DEFAULT_SAMPLING_PROMPT)), params, 10, backend.token_str)
    sent = compare(torch.tensor(logits_from_wire(view["logits"])), params, 10, backend.token_str)
    assert sent.kept == exact.kept and sent.n_kept == exact.n_kept
    assert [visible_token(t) for t in exact.labels] == view["labels"]
    np.testing.assert_allclose(sent.chosen, exact.chosen, atol=1e-5)
    assert sent.chosen_bits == pytest.approx(exact.chosen_bits, abs=1e-4)


def test_a_link_reproduces_the_view() -> None:
    at = open_page(SAMPLING, temperature="0.5", top_p="0.9", prompt="User: What sound does a cow make?")
    assert at.slider(key="temperature").value == 0.5
    assert at.slider(key="top_p").value == 0.9
    assert at.text_area(key="prompt").value == "User: What sound does a cow make?"
    assert component_data(at)[0]["params"] == {"temperature": 0.5, "top_k": 0, "top_p": 0.9}


def test_a_link_with_a_fixed_seed_turns_the_switch_on() -> None:
    at = open_page(SAMPLING, fixed_seed="true", seed="7")
    assert at.toggle(key="fixed_seed").value is True
    assert at.number_input(key="seed").value == 7


@pytest.mark.parametrize(
    ("query", "expected", "said"),
    [
        ({"top_p": "0"}, ("top_p", 0.01), "Top-p = 0"),
        ({"temperature": "99"}, ("temperature", 5.0), "using 5"),
        ({"temperature": "-1"}, ("temperature", 0.0), "using 0"),
        ({"temperature": "warm"}, ("temperature", 1.0), "not a number"),
        ({"top_k": "100000"}, ("top_k", 100), "using 100"),
    ],
)
def test_bad_values_in_a_link_are_clamped_with_a_message(query: dict, expected: tuple, said: str) -> None:
    at = open_page(SAMPLING, **query)
    key, value = expected
    assert at.slider(key=key).value == value
    assert said in messages(at)


@pytest.mark.parametrize(
    ("page", "seed", "using"),
    [(SAMPLING, 42, "using 42"), ("app_pages/chat.py", None, "using a new one for every reply")],
)
@pytest.mark.parametrize("endless", ["inf", "1e400", "-inf"])
def test_an_endless_seed_in_a_link_is_left_out_with_a_message(page: str, seed, using: str, endless: str) -> None:
    """Streamlit raises on an infinite value for a bound whole-number box (a traceback on the page): the page takes it
    out of the address, runs again and says so."""
    at = open_page(page, fixed_seed="true", seed=endless)
    assert at.number_input(key="seed").value == seed and "seed" not in at.query_params
    assert f"The link's seed = '{endless}' is not a number: {using}" in messages(at)


def test_the_students_text_in_a_title_is_text() -> None:
    at = open_page(NEXT_WORD, prompt="Tell me a <b>story</b> <a href='http://x'>now</a>")
    title = chart_specs(at)[0]["layout"]["title"]["text"]
    assert "&lt;/a&gt;" in title and "<a" not in title and "</b>" not in title  # not bold, no link to elsewhere


def test_a_students_model_beside_the_built_in_one(tiny_model_dir: Path) -> None:
    """Another model in use: a switch draws the built-in model's bars for the same text under its own, and a sentence
    sets their first choices side by side; the built-in model in use has no switch (nothing to set beside it)."""
    assert not [t for t in open_page(NEXT_WORD).toggle if t.key == "beside"]
    at = open_page(NEXT_WORD, str(tiny_model_dir))
    before = chart_specs(at)
    at.toggle(key="beside").set_value(True)
    checked(at.run())
    mine, theirs = chart_specs(at)[:2]
    assert len(chart_specs(at)) == len(before) + 1 and mine == before[0]
    assert "The app's own model, after the same text" in theirs["layout"]["title"]["text"].replace("<br>", " ")
    assert theirs["data"][0]["hovertext"] != mine["data"][0]["hovertext"]  # two vocabularies, two sets of words
    said = next(m.value for m in at.markdown if m.value.startswith("First choices"))
    assert "for the app's own model" in said and "tokens of its own" in said
    assert len(chart_specs(open_page(NEXT_WORD, str(tiny_model_dir), beside="true"))) == len(before) + 1  # a link


BPE = shipped_tokenizer_kind() == "bpe"  # sub-word tokens: nothing is unknown, new words are read in pieces


@pytest.mark.parametrize("page", [NEXT_WORD, SAMPLING])
@pytest.mark.parametrize(
    ("text", "said", "n_charts"),
    [
        ("", "Type some text", 0),
        ("   \n  ", "Type some text", 0),
        ("🙂🙂", "" if BPE else "knows none of these words", None),
        ("Zorblax quuxified flibbertigibbets", "“Zorblax” → " if BPE else "knows none of these words", None),
        ("The zorblax sat on the mat", "“zorblax” → " if BPE else "never saw in training", None),
        ("word " * 20_000, "cut off", None),  # 100 000 characters
    ],
    ids=["empty", "spaces", "emoji", "unknown", "some-unknown", "100k"],
)
def test_bad_text_gives_a_message(page: str, text: str, said: str, n_charts: int | None) -> None:
    at = type_text(open_page(page), text)
    assert said in messages(at)
    assert not BPE or "never saw" not in messages(at)  # with sub-word tokens no word is unknown
    shown = len(chart_specs(at)) + len(component_data(at))
    if n_charts is not None:
        assert shown == n_charts
    else:
        assert shown, "a prediction is still shown"


def test_long_text_on_the_hf_model_is_cut_too(tiny_hf_dir: Path) -> None:
    at = type_text(open_page(NEXT_WORD, f"hf:{tiny_hf_dir}"), "🙂 cat " * 20_000)
    assert "cut off" in messages(at) and chart_specs(at)


def test_a_word_without_a_token_of_its_own_is_shown_in_pieces(tiny_hf_dir: Path) -> None:
    at = type_text(open_page(NEXT_WORD, f"hf:{tiny_hf_dir}"), "The zorblax sat on the mat")
    said = messages(at)
    assert "Not every word is one token" in said and "“zorblax” → " in said, said
    assert "never saw in training" not in said and chart_specs(at)  # byte-level BPE: nothing is unknown


def test_many_runs_with_a_fixed_seed_give_one_answer(spec: str) -> None:
    at = open_page(SAMPLING, spec, temperature="1.5")
    at.slider(key="n_runs").set_value(6)
    at.slider(key="run_words").set_value(3)
    at.toggle(key="fixed_seed").set_value(True).run()
    next(b for b in at.button if b.label.startswith("Run 6 times")).click()
    text = " ".join(m.value for m in checked(at.run()).markdown)
    assert "**6 runs** with T = 1.5 (all with seed 42) gave **1 different answer**" in text
    at.toggle(key="fixed_seed").set_value(False).run()
    next(b for b in at.button if b.label.startswith("Run 6 times")).click()
    text = " ".join(m.value for m in checked(at.run()).markdown)
    assert "**6 runs** with T = 1.5 (each with its own random seed)" in text


def test_a_long_text_is_tokenized_once_not_on_every_click(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pasted book took 1.3 s to tokenize, on every click of every student: the tokens are kept per text."""
    st.cache_resource.clear()
    calls = []
    real = Backend.tokenize
    monkeypatch.setattr(Backend, "tokenize", lambda self, text: calls.append(len(text)) or real(self, text))
    text = "The river ran past the bank. " * 2_000 + "The capital of France is"
    at = type_text(open_page(NEXT_WORD), text)
    assert "cut off" in messages(at)
    read = sum(1 for n in calls if n == len(text))
    checked(at.run())  # a click: the page runs again
    assert sum(1 for n in calls if n == len(text)) == read == 1
