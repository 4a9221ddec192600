"""Trace → numbers → figures for the attention, layers and last-vector pages, on small fixed inputs."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from explainer.analysis import inside
from explainer.analysis.attribution import logit_attribution
from explainer.backends.load import load_backend
from explainer.charts.describe import plain
from explainer.charts.embeddings import heat_strip
from explainer.charts.inside import (
    attention_heatmap,
    attention_lines,
    generation_heads,
    heads_grid,
    model_view,
    scores_to_weights,
)
from explainer.charts.layers import (
    change_bars,
    flow_dot,
    logit_bars,
    logit_lens_heatmap,
    neuron_bars,
    neuron_writers_bars,
)
from explainer.charts.style import COLOUR_BAR_PX, HIDDEN, NARROW_NAMES
from explainer.corpus.data import COUNTRIES
from explainer.model.gpt import Trace

from .helpers import TEXT, full_logit_lens

PROMPT = "User: What is the capital of France?\nAssistant: The capital of France is"


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path):
    return load_backend(str(tiny_model_dir), "cpu")


@pytest.fixture(scope="module")
def tiny_hf(tiny_hf_spec: str):
    return load_backend(tiny_hf_spec, "cpu")


@pytest.fixture(scope="module", params=["builtin", "hf"])
def backend(request, tiny, tiny_hf):
    return tiny if request.param == "builtin" else tiny_hf


def fixed_trace() -> Trace:
    """2 layers, T = 3, D = 2, hand-made numbers."""
    pre0 = torch.tensor([[3.0, 4.0], [0.0, 1.0], [1.0, 0.0]])
    mid0, post0 = pre0 + torch.tensor([0.0, 2.0]), pre0 + torch.tensor([0.0, 2.0]) + torch.tensor([6.0, 8.0])
    mid1, post1 = post0 + 1.0, post0 + 2.0
    return Trace(
        attentions=[torch.eye(3).repeat(2, 1, 1)] * 2,
        resid_pre=[pre0, post0], resid_mid=[mid0, mid1], resid_post=[post0, post1],
        mlp_hidden=[torch.zeros(3, 8)] * 2, final=torch.ones(3, 2), logits=torch.zeros(3, 5),
    )  # fmt: skip


def test_attention_rows_sum_to_one_and_the_future_is_masked(backend) -> None:
    att = inside.attention_stack(backend.trace(backend.encode(PROMPT)))  # (L, H, T, T)
    L, H, T, _ = att.shape
    assert (L, H) == (backend.info.n_layer, backend.info.n_head)
    np.testing.assert_allclose(att.sum(-1), 1.0, atol=1e-5)
    assert np.all(att[..., np.triu_indices(T, 1)[0], np.triu_indices(T, 1)[1]] == 0)


def query_key_scores(backend, trace, layer: int, head: int, query: int) -> torch.Tensor:
    """The head's scores q·k/sqrt(head size) of `query` over the tokens up to it, computed here from the layer's
    own weights (our GPT's qkv, GPT-2's c_attn), not from the attention the model returned."""
    m, D, H = backend.module, backend.info.d_model, backend.info.n_head
    block = m.blocks[layer] if hasattr(m, "blocks") else m.transformer.h[layer]
    norm, qkv = (block.ln1, block.attn.qkv) if hasattr(m, "blocks") else (block.ln_1, block.attn.c_attn)
    with torch.inference_mode():
        q, k, _v = qkv(norm(trace.resid_pre[layer][: query + 1])).split(D, -1)  # (t, D) each
    hs = D // H
    q, k = q.view(-1, H, hs)[:, head], k.view(-1, H, hs)[:, head]  # (t, hs)
    return (k @ q[query]).double() / math.sqrt(hs)  # (t,)


def test_a_rows_score_gaps_are_the_heads_query_key_scores(backend) -> None:
    tr = backend.trace(backend.encode(PROMPT))
    att = inside.attention_stack(tr)
    L, H, T, _T = att.shape
    for layer, head, query in [(0, 0, T - 1), (L - 1, H - 1, T - 1), (L - 1, 0, 5)]:
        row = inside.scored_row(att[layer, head, query, : query + 1], k=6)
        scores = query_key_scores(backend, tr, layer, head, query)
        expected = (scores - scores.max())[row.positions]
        np.testing.assert_allclose(row.gaps, expected.numpy(), atol=2e-4)
        assert row.positions[0] == int(scores.argmax()) and row.gaps[0] == 0.0
        assert row.weights == sorted(row.weights, reverse=True) and row.rest == query + 1 - 6
        assert sum(row.weights) + row.rest_weight == pytest.approx(1.0, abs=1e-5)
        ratio = np.exp(row.gaps) * row.weights[0]  # the softmax by hand: e^gap times the top weight
        np.testing.assert_allclose(row.weights, ratio, rtol=1e-4)


def test_a_row_with_few_tokens_lists_them_all_and_skips_underflowed_ones() -> None:
    row = inside.scored_row(np.array([0.25, 0.0, 0.75]), k=8)
    assert row.positions == [2, 0] and row.rest == 1 and row.rest_weight == 0.0
    assert row.gaps == pytest.approx([0.0, math.log(1 / 3)])


def test_scores_to_weights_draws_a_score_and_a_weight_per_row_and_the_rest() -> None:
    fig = scores_to_weights(["3: b", "1: <a>"], [0.0, -1.5], [0.7, 0.2], "the other 2 tokens", 0.1, "t")
    go_fig = go.Figure(fig.to_dict())  # valid for plotly
    dots, bars = go_fig.data
    assert list(dots.x) == [0.0, -1.5] and list(dots.text) == ["0.00", "−1.50"]
    assert list(bars.x) == [0.7, 0.2, 0.1] and bars.marker.color[-1] != bars.marker.color[0]
    assert list(go_fig.layout.yaxis.ticktext) == ["3: b", "1: &lt;a&gt;", "<i>the other 2 tokens</i>"]
    assert len(scores_to_weights(["a"], [0.0], [1.0], "", 0.0).data[1].x) == 1  # nothing else: no last row


def test_attention_heatmap_draws_weights_mask_and_a_labelled_0_to_1_scale() -> None:
    att = np.tril(np.ones((4, 4))) / np.arange(1, 5)[:, None]  # uniform causal rows
    fig = attention_heatmap(att, ["a", "b", "<unk>", "a"], "t", highlight=3)
    mask, weights = fig.data
    z = np.array(weights.z, dtype=float)
    assert z.shape == (4, 4)
    assert np.isnan(z[np.triu_indices(4, 1)]).all() and not np.isnan(np.array(mask.z, dtype=float)[0, 1])
    np.testing.assert_allclose(np.nansum(z, 1), 1.0)
    assert (weights.zmin, weights.zmax) == (0, 1)
    assert weights.colorbar.title.text == "attention weight"
    assert list(fig.layout.xaxis.ticktext) == ["a", "b", "&lt;unk&gt;", "a"]  # repeated words stay apart
    assert len(set(weights.x)) == 4 and list(mask.x) == list(weights.x) == list(fig.layout.xaxis.tickvals)
    assert weights.text is None and "%{y}" in weights.hovertemplate and weights.hoverongaps is False  # no text a cell
    assert fig.layout.font.size >= 16 and fig.layout.xaxis.title.text and fig.layout.yaxis.title.text


def test_on_a_phone_a_long_text_names_every_other_column_of_the_attention_map() -> None:
    T = NARROW_NAMES + 3
    att = np.tril(np.ones((T, T))) / np.arange(1, T + 1)[:, None]
    labels = [f"w{i}" for i in range(T)]
    wide, narrow = (attention_heatmap(att, labels, narrow=n) for n in (False, True))
    assert list(wide.layout.xaxis.ticktext) == labels
    names = list(narrow.layout.xaxis.ticktext)
    assert names[-1] == labels[-1] and names[-2] == HIDDEN + labels[-2] + "</span>"
    assert sum(not n.startswith(HIDDEN) for n in names) == (T + 1) // 2 and [plain(n) for n in names] == labels
    assert list(narrow.layout.yaxis.ticktext) == labels and list(narrow.data[1].x) == list(wide.data[1].x)
    short = attention_heatmap(att[:NARROW_NAMES, :NARROW_NAMES], labels[:NARROW_NAMES], narrow=True)
    assert list(short.layout.xaxis.ticktext) == labels[:NARROW_NAMES]  # few enough: every name
    assert short.layout.xaxis.tickangle == -60 and wide.layout.xaxis.tickangle == -90  # many: upright, side by side


def test_heads_grid_has_one_panel_per_head_and_one_colour_bar() -> None:
    att = np.stack([np.tril(np.ones((3, 3))) / np.arange(1, 4)[:, None]] * 6)
    fig = heads_grid(att, ["x", "y", "z"], ["the previous token 83%"] * 5 + ["a<b>"])
    assert len(fig.data) == 6 and sum(bool(t.showscale) for t in fig.data) == 1
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0] == "<b>head 1</b><br>the previous<br>token 83%"  # narrow lines: four maps share a phone
    assert titles[5] == "<b>head 6</b><br>a&lt;b&gt;"
    top = [fig.layout[f"yaxis{n}"].domain[1] for n in ("", 5)]  # the first map of each row
    bottom = fig.layout.yaxis.domain[0]
    gap_px = (bottom - top[1]) * (fig.layout.height - fig.layout.margin.t - fig.layout.margin.b)
    assert gap_px >= 3 * 20  # the second row's three title lines fit between the rows
    (bar,) = [t.colorbar for t in fig.data if t.showscale]
    assert bar.orientation == "h" and bar.y == 0 and bar.yref == "container"


@pytest.mark.parametrize(("n_layer", "n_head"), [(4, 4), (12, 12), (3, 5)])
def test_the_model_view_has_every_head_of_every_layer_inside_the_figure(n_layer: int, n_head: int) -> None:
    att = np.broadcast_to(np.tril(np.ones((3, 3))) / np.arange(1, 4)[:, None], (n_layer, n_head, 3, 3))
    fig = model_view(att, ["x", "y", "z"], mark=(n_layer - 1, 1))
    assert len(fig.data) == n_layer * n_head and sum(bool(t.showscale) for t in fig.data) == 1
    layout = fig.layout.to_plotly_json()
    domains = [a["domain"] for k, a in layout.items() if k.startswith(("xaxis", "yaxis"))]
    assert len(domains) == 2 * n_layer * n_head and all(0 <= lo < hi <= 1 for lo, hi in domains)
    rows = [layout[f"yaxis{'' if r == 0 else r * n_head + 1}"]["title"]["text"] for r in range(n_layer)]
    assert rows == [f"layer {r + 1}" for r in range(n_layer)]  # each row named, the first layer at the top
    assert [a["text"] for a in layout["annotations"]] == [f"head {h + 1}" for h in range(n_head)]
    (box,) = layout["shapes"]  # around the marked cell: the last layer's second head
    cell = n_layer * n_head - n_head + 2
    assert (box["x0"], box["x1"]) == tuple(layout[f"xaxis{cell}"]["domain"])
    assert (box["y0"], box["y1"]) == tuple(layout[f"yaxis{cell}"]["domain"])


def test_head_summaries_recognise_a_previous_token_head() -> None:
    prev = np.zeros((1, 5, 5))
    prev[0, 0, 0] = 1
    prev[0, np.arange(1, 5), np.arange(0, 4)] = 1
    (s,) = inside.head_summaries(prev)
    assert s.previous == 1.0 and s.habit(list("abcde")) == "the previous token 100%"
    (u,) = inside.head_summaries(np.tril(np.ones((1, 5, 5))) / np.arange(1, 6)[:, None])
    assert u.habit(list("abcde")) == "“e” → “a” 20%"  # no habit: where the last token looks most
    assert u.habit(["␣conversation", *"bcd", "␣is"]) == "“␣is” → “␣conversa…” 20%"  # a phone's narrow title


def test_entity_positions_follow_the_left_cut(tiny) -> None:
    pos, T = inside.entity_positions(tiny, PROMPT, "France")
    toks = tiny.tokenize(PROMPT)
    assert T == len(toks) and [toks[i].text for i in pos] == ["France", "France"]
    long = "bank " * 40 + PROMPT  # longer than the 32-token context
    pos, T = inside.entity_positions(tiny, long, "France")
    assert T == 32 and len(pos) == 2 and all(0 <= p < 32 for p in pos)


def test_find_entity_head_reports_the_strongest_head(backend) -> None:
    found = inside.find_entity_head(backend, [(PROMPT, "France", "Paris")] * 2)
    assert found.table.shape == (backend.info.n_layer, backend.info.n_head)
    assert found.weight == pytest.approx(found.table.max()) and 0 <= found.weight <= 1
    assert found.n == 2 and 0 < found.baseline < 1
    assert found.found == (found.weight >= 0.5 and found.weight >= 3 * found.baseline)
    assert len(inside.capital_questions(36)) == 36


def test_residual_stages_measure_each_sublayer() -> None:
    stages = inside.residual_stages(fixed_trace(), pos=0)
    assert [s.kind for s in stages] == ["embed", "attn", "ff", "attn", "ff", "final"]
    assert stages[0].norm == 5.0 and stages[1].change == 2.0 and stages[2].change == 10.0
    assert stages[3].change == pytest.approx(math.sqrt(2)) and stages[-1].norm == pytest.approx(math.sqrt(2))
    no_mid = fixed_trace()
    no_mid.resid_mid = []
    assert [s.kind for s in inside.residual_stages(no_mid)] == ["embed", "block", "block", "final"]
    dot = flow_dot(stages, 'next: "Paris" 97%')
    assert all(s.name in dot for s in stages) and '\\"Paris\\"' in dot and dot.count("rank=same") == 2
    assert len(change_bars(stages).data[0].x) == 6


def test_logit_lens_last_layer_is_the_models_output(backend) -> None:
    ids = backend.encode(PROMPT)
    tr = backend.trace(ids)
    T = tr.logits.shape[0]
    lens = inside.logit_lens_top(backend, tr, inside.window(T, 5))
    assert lens.ids.shape == lens.probs.shape == (backend.info.n_layer + 1, min(5, T))
    out = tr.logits[-min(5, T) :].softmax(-1)  # the model's own next-token distributions
    np.testing.assert_array_equal(lens.ids[-1], out.argmax(-1).numpy())
    np.testing.assert_allclose(lens.probs[-1], out.max(-1).values.numpy(), rtol=1e-4)
    full = full_logit_lens(backend, ids)  # (L+1, T, V): the whole lens agrees at every depth
    np.testing.assert_allclose(lens.probs, full[:, -min(5, T) :].max(-1).values.numpy(), rtol=1e-4)
    words = [["w"] * lens.ids.shape[1]] * lens.ids.shape[0]
    fig = logit_lens_heatmap(words, lens.probs, ["x"] * lens.ids.shape[1], ["d"] * lens.ids.shape[0])
    assert np.array(fig.data[0].z).shape == lens.probs.shape and fig.data[0].colorbar.title.text
    bar = fig.data[0].colorbar  # flat over the cells, in the margin made for it: the words keep a phone's width
    assert bar.orientation == "h" and bar.y > 1 and fig.layout.margin.t >= 20 + COLOUR_BAR_PX


@pytest.mark.parametrize("columns", [4, 8, 16])
def test_the_logit_lens_fits_a_word_to_its_cell_and_hovers_it_whole(columns: int) -> None:
    """8 columns at a 1024 px projector's width hold ~7 characters a line: "Assistant" overflowed into its
    neighbours, then was cut to "Assist…"; a long word now takes the cell's two lines, split in the middle, and is cut
    with "…" only past them (more cells, fewer characters); a short one stays whole. Each part is escaped alone."""
    words = [["Assistant", "of", "a&b<c>defgh", "of"] * (columns // 4)] * 2
    fig = logit_lens_heatmap(words, np.full((2, columns), 0.5), ["x"] * columns, ["d"] * 2)
    cell, short, odd = fig.data[0].text[0][:3]
    assert cell == {4: "Assistant", 8: "Assis<br>tant", 16: "Assi<br>sta…"}[columns] and short == "of"
    two_lines = "a&amp;b&lt;c&gt;<br>defgh"
    assert odd == {4: two_lines, 8: two_lines, 16: "a&amp;b&lt;<br>c&gt;d…"}[columns]
    assert "Assistant" in fig.data[0].customdata[0][0]


def test_neuron_index_keeps_the_true_top_activations(tiny) -> None:
    index = inside.neuron_index(tiny, TEXT, max_tokens=70, k=3)
    windows = inside.corpus_windows(tiny, TEXT, 70)
    assert len(index.ids) == sum(map(len, windows)) <= 70
    acts = torch.cat([torch.stack(tiny.trace(w).mlp_hidden) for w in windows], 1)  # (L, N, F)
    np.testing.assert_allclose(index.top_val, acts.topk(3, dim=1).values.numpy(), rtol=1e-5)
    rows = inside.neuron_examples(index, tiny, 1, 7)
    assert len(rows) == 3 and rows[0]["activation"] >= rows[-1]["activation"]
    neurons, values = inside.top_neurons(acts[0, 0], 4)
    assert len(neurons) == 4 and values == sorted(values, reverse=True)
    assert len(neuron_bars(neurons, values).data[0].x) == 4


def test_the_neurons_that_write_a_word_add_up_to_what_their_networks_write(backend) -> None:
    ids = backend.encode(PROMPT)
    trace, writes = backend.trace(ids), backend.neuron_writes(ids)
    found = inside.neuron_writers(backend, writes, trace, len(ids) - 1, k=5)
    assert found.target == int(trace.logits[-1].argmax()) and found.added == sorted(found.added, reverse=True)
    parts = logit_attribution(backend, trace, found.target)  # what each feed-forward network writes, as a whole
    norm, (w, _b) = backend.final_norm(), backend.unembed_row(found.target)
    for layer, m in enumerate(backend._ff_out(i) for i in range(backend.info.n_layer)):
        bias = norm.frozen(m.bias.detach().float()[None], trace.resid_post[-1][-1]) @ w  # the network's output bias
        assert found.by_layer[layer] + float(bias) == pytest.approx(parts.mlp[layer], abs=1e-3)
    layer, neuron = found.layers[0], found.neurons[0]
    words, raised = inside.neuron_words(backend, writes, trace, len(ids) - 1, layer, neuron, k=backend.info.vocab_size)
    assert raised[words.index(found.target)] == pytest.approx(found.added[0], abs=1e-4)  # the same number, read
    assert len(neuron_writers_bars(["a", "b"], ["x · y", "z"], [0.5, 0.2]).data[0].x) == 2  # for every word


def test_the_shipped_model_writes_paris_with_neurons_that_write_capitals(builtin) -> None:
    ids = builtin.encode(PROMPT)
    trace = builtin.trace(ids)
    writes = builtin.neuron_writes(ids)
    found = inside.neuron_writers(builtin, writes, trace, len(ids) - 1, k=8)
    assert builtin.token_str(found.target) == " Paris" and found.added[0] < 0.25 * found.score  # spread over many
    raised = [
        {builtin.token_str(t) for t in inside.neuron_words(builtin, writes, trace, len(ids) - 1, i, n)[0]}
        for i, n in zip(found.layers, found.neurons)
    ]
    capitals = {f" {c.capital}" for c in COUNTRIES}
    assert any(len(words & capitals) >= 4 for words in raised)  # one of them writes capital cities above all


def test_last_vector_unembedding_and_softmax(backend) -> None:
    tr = backend.trace(backend.encode(PROMPT))
    last = inside.last_vector(backend, tr)
    assert last.vector.shape == (backend.info.d_model,) and last.tied  # both tiny models tie their weights
    table = inside.softmax_table(last.logits, 5)
    probs = tr.logits[-1].softmax(-1)
    assert table[0]["id"] == int(probs.argmax()) and table[0]["exp"] == 1.0
    assert table[0]["prob"] == pytest.approx(float(probs.max()), rel=1e-5)
    assert [r["logit"] for r in table] == sorted((r["logit"] for r in table), reverse=True)
    assert np.array(heat_strip({"last": last.vector}).data[0].z).shape == (1, backend.info.d_model)
    assert len(logit_bars(["a", "b"], [2.0, -1.0]).data[0].x) == 2


def test_line_and_generation_views() -> None:
    w = np.array([0.5, 0.3, 0.2, 0.0])
    fig = attention_lines(w, ["a", "b", "c", "d"], 2)
    assert sum(t.mode == "lines" for t in fig.data) == 3  # one line per earlier token with weight
    gen = generation_heads(np.full((2, 3), 1 / 3), ["a", "b", "c"], [False, False, True])
    assert np.array(gen.data[0].z).shape == (2, 3) and "span" in gen.layout.xaxis.ticktext[2]
