"""Every chart has a text alternative (WCAG 1.1.1): a sentence read from its figure (the chart's accessible name) and
its data as a table for screen readers, on every page of the registry."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
import pytest

from explainer.charts.describe import describe, table_html
from explainer.charts.inside import attention_heatmap, scores_to_weights
from explainer.charts.prediction import next_token_bars
from explainer.charts.training import loss_chart
from explainer.ui.shell.accessible import SR_ONLY
from explainer.ui.shell.pages import PAGES

from .apptest import open_page

# Pages whose first view draws a chart (the chat, the feedback and the GPU race draw theirs when asked; the training
# page once a run starts).
CHARTED = {"next-word", "scale", "embeddings", "attention", "meaning", "layers", "last-vector"}


def test_bars_are_named_in_the_order_drawn_with_their_labels() -> None:
    fig = next_token_bars([" Paris", " Rome", "<unk>"], [0.62, 0.11, 0.05], other=0.22, title="Next word")
    sentence, table = describe(fig)
    assert sentence == "Next word: ␣Paris 62%, ␣Rome 11%, <unk> 5%, everything else 22%."
    assert table["item"] == ["␣Paris", "␣Rome", "<unk>", "everything else"]
    assert table["value"] == ["62%", "11%", "5%", "22%"]


def test_lines_say_where_each_series_starts_and_ends() -> None:
    fig = loss_chart([1, 2, 3], [5.0, 4.0, 3.0], [2, 3], [4.5, 3.5], 10, 5.5, False, title="Loss")
    sentence, table = describe(fig)
    assert sentence.startswith("Loss: ") and "validation" in sentence and "3.5" in sentence
    assert set(table["series"]) >= {"training text", "validation text (never trained on)"}


def test_a_heat_map_gives_its_range_and_its_highest_cell() -> None:
    weights = np.array([[1.0, 0.0], [0.3, 0.7]])
    sentence, table = describe(attention_heatmap(weights, ["a", "b"], "Attention"))
    assert sentence.startswith("Attention: a 2 × 2 grid") and "highest at a / a" in sentence
    assert len(table["value"]) == 4 and table["value"][:2] == ["100%", "none"]  # row by row; the masked cell is none


def test_dots_on_named_rows_are_read_row_by_row_like_bars() -> None:
    fig = scores_to_weights(["3: Paris", "1: <a>"], [0.0, -1.5], [0.7, 0.2], "2 other tokens", 0.1, "Scores")
    sentence, table = describe(fig)
    assert sentence == "Scores: 3: Paris 0, 1: <a> −1.5; 3: Paris 70%, 1: <a> 20%, 2 other tokens 10%."
    assert table["series"][:3] == ["score − highest score", "score − highest score", "weight after the softmax"]


def test_dots_spread_within_named_rows_are_read_by_their_row_and_values_by_their_number() -> None:
    named = {"tickvals": [-1, 0, 1], "ticktext": ["left", "middle", "right"]}
    dots = {"type": "scatter", "x": [0, 0.4], "y": [0.2, 1.3], "text": ["a", "b"]}
    rows = {"tickvals": [0, 1], "ticktext": ["first", "second"]}
    _sentence, table = describe(go.Figure({"data": [dots], "layout": {"xaxis": named, "yaxis": rows}}))
    assert table["value"] == ["first", "second"] and table["x"] == ["middle", "0.4"]  # the row, not its jitter
    counts = {"tickvals": [1, 10], "ticktext": ["1", "10"]}  # a value axis whose ticks are numbers: kept as numbers
    _sentence, table = describe(go.Figure({"data": [dots], "layout": {"xaxis": named, "yaxis": counts}}))
    assert table["value"] == ["0.2", "1.3"]


def test_a_long_table_is_cut_and_the_sentence_says_so() -> None:
    fig = next_token_bars([f"w{i}" for i in range(500)], [1 / 500] * 500)
    sentence, table = describe(fig)
    assert len(table["item"]) == 400 and table["item"][-1] == "w399" and "first 400 of 500" in sentence


def test_the_table_escapes_what_it_shows() -> None:
    out = table_html("<b>x</b>", describe(next_token_bars(["<script>"], [1.0]))[1], SR_ONLY)
    assert "<script>" not in out and "&lt;script&gt;" in out and f'class="{SR_ONLY}"' in out


@pytest.mark.parametrize("entry", PAGES, ids=[p.url_path or "home" for p in PAGES])
def test_every_chart_on_every_page_has_a_text_alternative(entry) -> None:
    at = open_page(None if entry.url_path == "" else entry.file, timeout=120)
    charts = at.get("plotly_chart")
    tables = [h.proto.body for h in at.get("html") if h.proto.body.startswith(f'<div class="{SR_ONLY}"><table>')]
    captions = {html.unescape(t.split("<caption>")[1].split("</caption>")[0]) for t in tables}
    assert charts or entry.url_path not in CHARTED, "this page draws a chart at first"
    if at.get("bidi_component"):  # the sampling page's charts, drawn in the browser: a table of what they show
        assert any("Chances of the next word at T = " in c for c in captions), captions
    for chart in charts:
        assert chart.proto.alt.strip(), f"a chart on {entry.url_path or 'home'} has no accessible name"
        assert chart.proto.alt in captions, f"no data table for {chart.proto.alt!r}"
