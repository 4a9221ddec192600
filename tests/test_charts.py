"""Figure builders: the right bars, percentages that add up, cut words greyed."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
import torch

from explainer.charts import prediction as charts
from explainer.generation.next_token import compare, top_tokens
from explainer.model.sampling import SamplingParams

VOCAB = ["the", "a", "\n", " cat", "<unk>", "dog", "sat", "."]
LOGITS = torch.tensor([3.0, 2.5, 2.0, 1.0, 0.5, 0.0, -1.0, -2.0])


def token_str(i: int) -> str:
    return VOCAB[i]


def valid(fig: go.Figure) -> go.Figure:
    """The builders skip plotly's validation for speed: validate here instead (raises if invalid)."""
    go.Figure(fig.to_dict())
    return fig


def test_next_token_bars_sorted_with_everything_else() -> None:
    top = top_tokens(LOGITS.softmax(-1), 5, token_str)
    fig = valid(charts.next_token_bars(list(reversed(top.labels)), list(reversed(top.probs)), top.other, "a"))
    (bar,) = fig.data
    assert len(bar.x) == 6  # five words + "everything else"
    assert list(bar.x[:5]) == sorted(bar.x[:5], reverse=True)  # likeliest on top
    assert sum(bar.x) == pytest.approx(1.0)
    assert fig.layout.yaxis.ticktext[-1] == "<i>everything else</i>"
    assert bar.marker.color[-1] == charts.GREY and bar.marker.color[1] == charts.CHOSEN
    assert "⏎" in fig.layout.yaxis.ticktext and "&lt;unk&gt;" in fig.layout.yaxis.ticktext  # visible, escaped
    assert all(t.endswith("%") for t in bar.text)
    assert fig.layout.font.size >= 16


def test_next_token_bars_without_other_and_log_scale() -> None:
    fig = valid(charts.next_token_bars(["x", "y"], [0.7, 0.3], log_x=True, title="t"))
    assert len(fig.data[0].x) == 2 and fig.layout.xaxis.type == "log"


def test_sampling_comparison_greys_what_top_k_cuts() -> None:
    c = compare(LOGITS, SamplingParams(temperature=0.5, top_k=2), 4, token_str)
    fig = valid(charts.sampling_comparison(c))
    base, chosen = fig.data
    assert len(base.x) == len(chosen.x) == 5  # four words + everything else, in each panel
    assert sum(base.x) == pytest.approx(1.0)
    assert list(chosen.text[2:]) == ["cut", "cut", "cut"]
    assert list(chosen.marker.color[2:]) == [charts.CUT] * 3
    assert sum(c.chosen) + c.chosen_other == pytest.approx(1.0)
    assert chosen.x[0] > base.x[0]  # T = 0.5 sharpens the favourite
    assert "top-k 2" in fig.layout.annotations[1].text


def test_sampling_comparison_at_temperature_zero_keeps_one_word() -> None:
    c = compare(LOGITS, SamplingParams(temperature=0), 4, token_str)
    assert c.chosen[0] == 1.0 and c.chosen_bits == 0.0 and c.n_kept == 1
    chosen = valid(charts.sampling_comparison(c, log_x=True)).data[1]
    assert chosen.text[0] == "100%" and "cut" not in chosen.text


def test_entropy_curve_marks_the_current_temperature() -> None:
    fig = valid(charts.entropy_curve([0, 1, 2], [0.0, 1.5, 2.5], current=(1.0, 1.5), max_bits=3.0, title="t"))
    line, dot = fig.data
    assert len(line.x) == 3 and list(dot.x) == [1.0]
    assert fig.layout.shapes  # the dashed "every word equally likely" line
    (said,) = [a for a in fig.layout.annotations if "your setting" in a.text]
    assert "T = 1.00" in said.text and said.yref == "paper" and said.y >= 1, "above the plot: never over the curve"


def test_one_diverging_scale_for_vectors_and_one_colour_per_role() -> None:
    """Every page draws a vector's numbers with the same scale, blue above 0 and red below, centred on 0; the word
    the model picked is always CHOSEN and the word that really came next always TRUE."""
    import numpy as np

    from explainer.charts import embeddings, style, training

    strip = valid(embeddings.heat_strip({"a": np.array([-2.0, 0.0, 1.0])}))
    similarity = valid(embeddings.similarity_matrix(np.eye(2), ["x", "y"]))
    scale = [list(c) for c in strip.data[0].colorscale]
    assert scale == style.colorscale(style.DIVERGING) == [list(c) for c in similarity.data[0].colorscale]
    assert strip.data[0].zmin == -2.0 and strip.data[0].zmax == 2.0 and strip.data[0].zmid == 0
    assert "blue" in strip.data[0].colorbar.ticktext[-1]
    assert scale[-1][1] in ("rgb(5,48,97)", "#053061") and scale[0][1] in ("rgb(103,0,31)", "#67001f")  # top blue
    chosen = valid(charts.next_token_bars(["x", "y"], [0.6, 0.4], highlight="y"))
    assert chosen.data[0].marker.color[1] == style.CHOSEN
    nudge = valid(training.nudge_chart(["yes", "no"], [0.2, 0.8], [0.3, 0.7], 0))
    assert nudge.data[1].marker.color[0] == style.TRUE != style.CHOSEN
