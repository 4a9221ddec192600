"""The "What else could it have said?" and "Why this word?" pages with AppTest, on the built-in model and a tiny
Hugging Face GPT-2; every chart's camera button; the lesson handout recorded from the pages a teacher opens."""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from explainer.charts.export import handout_html
from explainer.ui.shell.export import FORMAT_KEY, RECORD_KEY, Handout
from explainer.ui.tree import TreeState

from .apptest import chart_specs, checked, open_page, plain

WHY, TREE = "app_pages/why_word.py", "app_pages/what_else.py"


def prompt_of(at: AppTest) -> str:
    return at.text_area(key="prompt").value


@pytest.mark.parametrize("model", ["builtin", "hf"])
def test_why_this_word_draws_its_three_views(model: str, tiny_hf_spec: str) -> None:
    at = open_page(WHY, spec="builtin" if model == "builtin" else tiny_hf_spec, timeout=120)
    titles = [s["layout"]["title"]["text"] for s in chart_specs(at)]
    assert "pushed" in titles[0] and "each part" in titles[1] and "head" in titles[2]
    # the swap map: our model answers Japan with Tokyo; a random one answers both texts alike, and says so
    assert (
        titles[3:] == ["Which one vector turns<br>“␣Paris” into “␣Tokyo”"] if model == "builtin" else len(titles) == 3
    )
    if model == "hf":
        assert any("same word" in i.value or "not a word" in i.value for i in at.info)
    sentences = [plain(m.value) for m in at.markdown if m.value.startswith("**")]
    assert any("up the most" in s for s in sentences) and any("wrote the most" in s for s in sentences)
    sums = next(c.value for c in at.caption if "add up to" in c.value)
    total, own = (float(x) for x in re.findall(r"-?\d+\.\d{3}", sums))
    assert total == pytest.approx(own, abs=2e-3)


def test_why_this_word_explains_paris_on_the_shipped_model() -> None:
    at = open_page(WHY, timeout=120)
    assert at.selectbox(key="rank").value == 0
    assert "Paris" in chart_specs(at)[0]["layout"]["title"]["text"]
    caption = next(c.value for c in at.caption if "log of its probability" in c.value)
    assert re.search(r"here the log of 99\.\d+%: −0\.00\d+\)", caption)  # not "−0.00": the shipped model is sure
    needed = plain(next(i.value for i in at.info if "Switch a part off" in i.value))
    # layer 1, head 4 moves the country into the last vector: it writes little of the score itself (the head that
    # writes the most is another), yet the answer cannot do without it
    assert re.search(
        r"Layer 1, head 4 adds only \+0\.\d to the score of “␣Paris” \(layer \d, head \d adds the most", needed
    )
    assert re.search(r"takes “␣Paris” from 99\.\d+% to 0\.\d+%", needed)
    at.radio(key="method").set_value("gradient")
    at.selectbox(key="rank").set_value(1)
    checked(at.run())
    title = chart_specs(at)[0]["layout"]["title"]["text"]
    assert "Paris" not in title and "pushed" in title
    assert not [i for i in at.info if "Switch a part off" in i.value]  # the sweep measured the first choice only


def test_where_the_answer_travels_on_the_shipped_model() -> None:
    """France -> Japan: one vector turns Paris into Tokyo, the last "France" at the embedding and the last token from
    layer 1 on; a word not in the text, a swap for itself and a swap of another length each get a message."""
    at = open_page(WHY, timeout=120)
    said = next(plain(m.value) for m in at.markdown if "One vector alone" in m.value)
    assert re.fullmatch(
        r"One vector alone turns “␣Paris” into “␣Tokyo”: in the embedding, the vector of “␣France” \(9\d\.\d+%\); "
        r"after layers 1 to 4, the vector of “␣is” \(9\d\.\d+%\)\.",
        said.strip("*"),
    )
    for word, new, message in [
        ("Germany", "Japan", "“Germany” is not a word of the text"),
        ("France", "France", "the two texts are the same"),
        ("France", "South Korea", "the same number of tokens (30 and 3"),
    ]:
        at.text_input(key="swap_from").set_value(word)
        at.text_input(key="swap_to").set_value(new)
        checked(at.run())
        assert any(message in i.value.replace("\\", "") for i in at.info), (word, new)
        assert len(chart_specs(at)) == 3


def test_why_this_word_offers_its_numbers_as_csv() -> None:
    at = open_page(WHY, timeout=120)
    names = [b.proto.label for b in at.get("download_button")]
    assert "Download as CSV" in names and "Download the words' pushes as CSV" in names


@pytest.mark.parametrize("model", ["builtin", "hf"])
def test_the_tree_draws_and_continues_from_a_branch(model: str, tiny_hf_spec: str) -> None:
    at = open_page(TREE, spec="builtin" if model == "builtin" else tiny_hf_spec, query={"floor": "0.1%"})
    [tree] = chart_specs(at)
    nodes = tree["data"][-1]
    assert nodes["customdata"][0] == 0 and len(nodes["customdata"]) > 1
    before = prompt_of(at)
    chosen = at.selectbox(key="tree_path").options[0].split(" · ")[0].replace("⏎", "\n")
    checked(at.button[0].click().run())  # continue from the likeliest path
    assert prompt_of(at).startswith(before) and prompt_of(at)[len(before) :].strip() == chosen.strip()
    assert TreeState.of(at.session_state).history == [before]
    checked(at.button[1].click().run())  # back
    assert prompt_of(at) == before


def test_the_tree_shows_the_capital_thickest_and_follows_the_settings() -> None:
    at = open_page(TREE)
    line = plain(next(m.value for m in at.markdown if "likeliest path" in m.value))
    assert "T = 1" in line
    greedy = plain(next(m.value for m in at.markdown if "likeliest word each time" in m.value))
    assert "“in a cosy”" in greedy and "“high up in”" in line  # the favourite word first is another, rarer path
    paths = at.selectbox(key="tree_path").options  # the default story prompt: several replies, not one
    assert len(paths) >= 4 and len({p.split()[0] for p in paths}) >= 2, paths  # branching at the first word too
    at.slider(key="temperature").set_value(0.0)
    checked(at.run())
    nodes = chart_specs(at)[0]["data"][-1]
    assert len(nodes["x"]) == 4  # greedy: one path, three words deep


def test_every_chart_downloads_with_a_name_that_says_what_it_is() -> None:
    at = open_page(WHY, timeout=120)
    configs = [json.loads(c.proto.config) for c in at.get("plotly_chart")]
    names = [c["toImageButtonOptions"]["filename"] for c in configs]
    assert names == ["why-word_token-pushes", "why-word_logit-parts", "why-word_head-grid", "why-word_swap-map"]
    assert {c["toImageButtonOptions"]["format"] for c in configs} == {"png"}
    at.session_state[FORMAT_KEY] = "svg"
    checked(at.run())
    assert {json.loads(c.proto.config)["toImageButtonOptions"]["format"] for c in at.get("plotly_chart")} == {"svg"}


def test_the_handout_records_each_view_with_its_figures() -> None:
    at = open_page()
    at.session_state[RECORD_KEY] = True
    for page in ("app_pages/sampling.py", TREE, WHY):
        at.switch_page(page)
        at.query_params.clear()
        if page == "app_pages/sampling.py":
            at.query_params["temperature"] = "1.5"  # a view with settings: its link keeps them
        checked(at.run(timeout=120))
    views = list(Handout.of(at.session_state).views.values())
    assert [v.title for v in views] == ["Temperature & sampling", "What else could it have said?", "Why this word?"]
    assert views[0].link.startswith("/sampling?") and "temperature=1.5" in views[0].link
    assert list(views[2].figures) == [
        "why-word_token-pushes", "why-word_logit-parts", "why-word_head-grid", "why-word_swap-map"
    ]  # fmt: skip
    html = handout_html("Lesson", "built-in model", "today", views)
    assert html.count("Plotly.newPlot") == 1 and "why-word_head-grid" in html


def test_nothing_is_recorded_unless_asked() -> None:
    at = open_page(TREE)
    assert not Handout.of(at.session_state).views


def test_the_lesson_plan_links_to_both_views() -> None:
    at = open_page()
    pages = {p.proto.label: p.proto.page for p in at.get("page_link")}
    assert pages["15 · Emergence"] == "emergence"
    assert pages["↳ Why this word? Which words and heads made the answer"] == "why-word"
    assert pages["↳ What else could it have said? Every likely reply as a tree"] == "what-else"
