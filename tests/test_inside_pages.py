"""The attention, layers and last-vector pages, each run on its own with AppTest, on the built-in
model and on a tiny Hugging Face GPT-2 (the same code path as any HF model)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from explainer.analysis.precomputed import ModelAnalyses
from explainer.backends.load import load_backend
from explainer.ui.shell import presenter

from .apptest import chart_specs, checked, open_page, values

# page -> (plotly charts expected, graphviz diagrams expected)
EXPECTED = {"attention": (6, 0), "layers": (7, 1), "last_vector": (6, 0)}
LAPTOP_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36"
)


def run_page(page: str, spec: str = "builtin") -> AppTest:
    """app_pages/`page`.py run on its own (no navigation) on the model `spec`."""
    return open_page(f"app_pages/{page}.py", spec=spec, direct=True)


@pytest.mark.parametrize("page", list(EXPECTED))
@pytest.mark.parametrize("model", ["builtin", "hf"])
def test_page_renders_its_charts(page: str, model: str, tiny_hf_spec: str) -> None:
    at = run_page(page, "builtin" if model == "builtin" else tiny_hf_spec)
    n_plotly, n_graphviz = EXPECTED[page]
    assert len(at.get("plotly_chart")) == n_plotly
    assert len(at.get("graphviz_chart")) == n_graphviz
    for spec in chart_specs(at):
        assert spec["layout"]["font"]["size"] >= 16


@pytest.mark.parametrize("model", ["builtin", "hf"])
def test_every_layer_shows_all_the_heads_with_the_chosen_one_outlined(model: str, tiny_hf_spec: str) -> None:
    at = run_page("attention", "builtin" if model == "builtin" else tiny_hf_spec)
    layer, head = at.selectbox[0].value, at.selectbox[1].value
    at.session_state["attn_heads_tab"] = "Every layer"  # a click on the tab
    every = chart_specs(checked(at.run()))[1]
    n_layer, n_head = len(at.selectbox[0].options), len(at.selectbox[1].options)
    assert len(every["data"]) == n_layer * n_head
    cell = layer * n_head + head + 1
    box = every["layout"]["shapes"][0]
    assert [box["x0"], box["x1"]] == every["layout"][f"xaxis{'' if cell == 1 else cell}"]["domain"]
    assert any(f"All {n_layer * n_head} heads at once" in c.value for c in at.caption)


@pytest.mark.parametrize("page", list(EXPECTED))
def test_an_empty_text_gives_a_message(page: str) -> None:
    at = run_page(page)
    at.text_area[0].set_value("   ")
    checked(at.run())
    assert "Type some text" in at.info[0].value
    assert not at.get("plotly_chart")


@pytest.mark.parametrize("page", list(EXPECTED))
@pytest.mark.parametrize("text", ["a", "Hi", "Hi there", "Hi there friend"])
def test_a_text_of_a_few_tokens_draws_every_chart(page: str, text: str) -> None:
    at = run_page(page)
    at.text_area[0].set_value(text)
    checked(at.run())  # the Layers page's slider had both ends at 2 for a two-token text: an exception
    alone = page == "attention" and text == "a"  # one token: no second token to compare its score with
    unswapped = 3 if page == "last_vector" else 0  # no word of a word group to swap: the comparison waits for one
    assert len(at.get("plotly_chart")) == EXPECTED[page][0] - alone - unswapped


@pytest.fixture(scope="module")
def country_head():
    """The head that finds the country in the shipped model, as its analyses measure it (not as the page says)."""
    return ModelAnalyses(load_backend("builtin", "cpu")).entity_head()


def test_attention_names_the_measured_country_head_and_starts_there(country_head) -> None:
    at = run_page("attention")
    note = at.success[0].value
    where = f"layer {country_head.layer + 1}, head {country_head.head + 1}"
    assert country_head.found and "finds the country" in note and where in note
    without = re.search(r"Switch this head off and the next word here, “␣Paris”, goes from 99\.\d% to ([0-9.]+)%", note)
    assert without and float(without[1]) < 5  # the answer needs the head its attention points to
    assert at.selectbox[0].value == country_head.layer and at.selectbox[1].value == country_head.head
    heat = chart_specs(at)[0]["data"][1]
    assert heat["colorbar"]["title"]["text"] == "attention weight" and heat["zmax"] == 1
    dots, bars = chart_specs(at)[3]["data"]  # scores → weights of the last token, on the same head
    assert "France" in chart_specs(at)[3]["layout"]["yaxis"]["ticktext"][0] and dots["x"][0] == 0
    assert sum(bars["x"]) == pytest.approx(1.0, abs=1e-6) and bars["x"][0] > 0.5  # the country head's habit
    assert any("Check it by hand" in c.value and "≈" in c.value for c in at.caption)
    grid = next(s for s in chart_specs(at) if "<b>head 1</b>" in json.dumps(s["layout"].get("annotations", [])))
    titles = [a["text"] for a in grid["layout"]["annotations"] if a["text"].startswith("<b>head")]
    assert "France" in titles[country_head.head]  # a head without a habit: where the last token looks most


def test_picking_another_head_redraws_the_heatmap(country_head) -> None:
    at = run_page("attention")
    before = json.dumps(chart_specs(at)[0]["data"][1]["z"])
    other = (country_head.head + 1) % len(at.selectbox[1].options)  # the page starts on the country head
    at.selectbox[1].set_value(other)
    checked(at.run())
    spec = chart_specs(at)[0]
    assert json.dumps(spec["data"][1]["z"]) != before and f"head {other + 1}" in spec["layout"]["title"]["text"]
    at.slider[0].set_value(1)  # the first generated token
    checked(at.run())
    assert "Choosing token 1" in chart_specs(at)[5]["layout"]["title"]["text"]
    at.text_area(key="prompt").input("The capital of Japan is")  # another text: other charts, not the shared ones
    checked(at.run())
    assert "Japan" in json.dumps(chart_specs(at)[0]["data"][1]) and "France" not in json.dumps(chart_specs(at)[0])


@pytest.mark.parametrize("model", ["builtin", "hf"])
def test_a_score_is_the_query_times_the_key_added_up(model: str, tiny_hf_spec: str) -> None:
    at = run_page("attention", "builtin" if model == "builtin" else tiny_hf_spec)
    compare = at.selectbox[2]
    for other in (compare.options[-1], compare.options[0]):  # the lowest listed, then the second heaviest
        compare.set_value(int(other.split(":")[0]) - 1)
        specs = chart_specs(checked(at.run()))
        dots, bars = specs[3]["data"][0], specs[4]["data"]
        first, second = (np.sum(values(b["y"])) / np.sqrt(len(values(b["y"]))) for b in bars)  # sum / sqrt(hs)
        row = dots["hovertext"].index(bars[1]["name"])
        assert dots["hovertext"][0] == bars[0]["name"]  # the heaviest token, whose gap is 0
        assert abs((second - first) - dots["x"][row]) < 1e-3  # the gap the weights alone give


@pytest.mark.parametrize("agent, columns", [(LAPTOP_AGENT, 8), (PHONE_AGENT, 4)])
def test_the_logit_lens_starts_with_fewer_columns_on_a_phone(monkeypatch, agent: str, columns: int) -> None:
    monkeypatch.setattr(type(presenter.st.context), "headers", property(lambda _self: {"User-Agent": agent}))
    at = run_page("layers")
    assert at.slider(key="lens_n").value == columns
    assert len(chart_specs(at)[1]["data"][0]["text"][0]) == columns  # each row: one word per position


def test_layers_lists_neurons_and_their_corpus_tokens() -> None:
    at = run_page("layers")
    lens = chart_specs(at)[1]["data"][0]
    assert len(lens["text"]) == 5  # the embedding and 4 layers
    assert "Paris" in lens["text"][-1][-1]  # the last layer at the last position: the model's answer
    (examples,) = at.table  # the tokens that excite the chosen neuron, with their activations
    assert list(examples.value.columns) == ["words before", "token", "activation"] and len(examples.value) >= 3


def test_a_link_opens_the_token_and_neuron_it_names() -> None:
    """What the teacher shows travels in the address (a QR code, a class following the teacher): the token followed,
    the token compared, the layer and the neuron; a neuron the token does not light up falls back to the page's own
    choice, the layer's top writer, and leaves the address."""
    at = run_page("attention")
    looking = at.select_slider(key="attn_query").options[-2]  # the token before the last, "29: ␣France"
    linked = open_page("app_pages/attention.py", spec="builtin", direct=True, query={"attn_query": looking})
    compare = linked.selectbox(key="attn_compare").options[1]
    linked = open_page(
        "app_pages/attention.py", spec="builtin", direct=True, query={"attn_query": looking, "attn_compare": compare}
    )
    assert linked.select_slider(key="attn_query").value == int(looking.split(":")[0]) - 1
    assert linked.selectbox(key="attn_compare").value == int(compare.split(":")[0]) - 1
    assert dict(linked.query_params) == {"attn_query": looking, "attn_compare": compare}

    at = run_page("layers")
    position = at.select_slider(key="layers_pos").options[-3]
    query = {"layers_pos": position, "ff_layer": "2", "ff_neuron": "99999"}
    linked = open_page("app_pages/layers.py", spec="builtin", direct=True, query=query)
    assert linked.select_slider(key="layers_pos").value == int(position.split(":")[0]) - 1
    assert linked.selectbox(key="ff_layer").value == 1
    neurons = linked.selectbox(key="ff_neuron").options
    assert (
        linked.selectbox(key="ff_neuron").value in {int(n) for n in neurons} and "ff_neuron" not in linked.query_params
    )
    query["ff_neuron"], query["lens_n"] = neurons[3], "5"
    linked = open_page("app_pages/layers.py", spec="builtin", direct=True, query=query)
    assert linked.selectbox(key="ff_neuron").value == int(neurons[3])
    lens = next(c["data"][0] for c in chart_specs(linked) if c["data"][0]["type"] == "heatmap")  # the first heatmap
    assert linked.slider(key="lens_n").value == 5 and len(lens["x"]) == 5
    assert f"**What neuron {neurons[3]} writes**" in " ".join(m.value for m in linked.markdown)


def test_switching_parts_off_shows_what_the_answer_needs(country_head) -> None:
    """The Layers page's "Switch a part off": each part tried alone (the answer's word falls without the part it
    needs most, which the page names and picks), each head tried alone (the country head is the pale one), then the
    parts a student picks, the likeliest words with and without them."""
    at = run_page("layers")
    parts, heads, compare = chart_specs(at)[2:5]
    assert "“␣Paris” needs" in parts["layout"]["title"]["text"]
    attention, feed_forward = (values(bars["y"]) for bars in parts["data"])
    assert min(attention.min(), feed_forward.min()) < 0.05 < 0.9 < max(attention.max(), feed_forward.max())
    z = values(heads["data"][0]["z"]).reshape(4, 4)
    assert divmod(int(z.argmin()), 4) == (country_head.layer, country_head.head)
    picked = at.button_group(key="off_parts")
    assert len(picked.value) == 1  # the part the answer needs most, picked for a first look
    said = next(c.value for c in at.caption if "falls from" in c.value)
    assert "Switch off layer 1 · " in said and "2 of the 8 parts" in said
    on, off = compare["data"]
    assert compare["layout"]["yaxis"]["ticktext"][0] == "␣Paris" and on["x"][0] > 0.9 > 0.05 > off["x"][0]
    picked.set_value([("feed-forward", 3)])  # a part the answer barely needs
    checked(at.run())
    on, off = chart_specs(at)[4]["data"]
    assert off["x"][0] > 0.5 and any("with yours off, “␣Paris”" in c.value for c in at.caption)
    at.button_group(key="off_parts").set_value([])
    checked(at.run())
    assert "switch_off_compare" not in [c.key for c in at.get("plotly_chart")]
    assert any("Pick parts above" in c.value for c in at.caption)


def test_a_model_whose_parts_cannot_be_found_says_so_on_the_layers_page(monkeypatch, tiny_hf_spec: str) -> None:
    from explainer.backends.base import BackendError
    from explainer.backends.hf import HFBackend
    from explainer.ui.inside import parts_sweep_for

    def not_found(self):
        raise BackendError("this model's parts cannot be switched off")

    monkeypatch.setattr(HFBackend, "_sublayers", not_found)
    parts_sweep_for.clear()  # (an earlier test's sweep of this model and text would be shared)
    try:
        at = run_page("layers", tiny_hf_spec)
    finally:
        parts_sweep_for.clear()
    assert any("cannot be switched off" in i.value for i in at.info)
    keys = [c.key for c in at.get("plotly_chart")]
    assert "layers_lens" in keys and "layers_neurons" in keys and not any(k.startswith("switch_off") for k in keys)
