"""Figures for the Emergence page: where a model keeps what it learned. Data in, figure out
(explainer/charts/style.py)."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from explainer.charts.style import (
    BLUE,
    GREY,
    GRID,
    HALF_TITLE,
    MUTED,
    ORANGE,
    SMALL,
    axis,
    decade_ticks,
    figure,
    label,
    layers_by_heads,
    layout,
    percent_ticks,
    title_lines,
)
from explainer.format import percent
from explainer.i18n import _

NAMED_BELOW = 0.1  # the chart of two models' guesses names the tokens under this probability in either model


def entity_heads_chart(table: np.ndarray, found: tuple[int, int], title: str = "") -> go.Figure:
    """table (L, H): the share of attention each head puts on the country's name from the answer position, every
    cell written out; the strongest head (`found`, 0-based layer and head) boxed in orange."""
    cells, out = layers_by_heads(
        table,
        _("attention on the country"),
        _("layer %{y}, head %{x}: %{z:.0%}<extra></extra>"),
        title_lines(title, HALF_TITLE),  # two charts side by side
    )
    layer, head = found[0] + 1, found[1] + 1
    out["shapes"] = [{"type": "rect", "x0": head - 0.5, "x1": head + 0.5, "y0": layer - 0.5, "y1": layer + 0.5,
                      "line": {"color": ORANGE, "width": 5}}]  # fmt: skip
    return figure([cells], out)


def same_guesses_chart(tokens: list[str], first: list[float], second: list[float], names: tuple[str, str]) -> go.Figure:
    """One dot per token of a text: the probability one model gave it before it came (x) against the other's (y), on
    log axes; on the dashed diagonal the two agree. The tokens either model found unlikely are named by their dot (the
    bands of the shaded text can part two close numbers: 0.85 % and 1.2 %)."""
    low = 10.0 ** math.floor(math.log10(max(min(first + second), 1e-6)))
    ticks = decade_ticks(math.log10(low), 0)  # 0.1 %, 1 %, … 100 %
    named = {i for i in range(len(tokens)) if min(first[i], second[i]) < NAMED_BELOW}
    hover = [f"{label(t)}: {percent(a)} · {percent(b)}" for t, a, b in zip(tokens, first, second)]
    data = [
        {"type": "scatter", "mode": "lines", "x": [low, 1], "y": [low, 1], "hoverinfo": "skip", "showlegend": False,
         "line": {"dash": "dash", "color": GREY, "width": 2}},
        {"type": "scatter", "mode": "markers+text", "x": first, "y": second, "showlegend": False,
         "text": [label(t) if i in named else "" for i, t in enumerate(tokens)], "textposition": "middle right",
         "textfont": {"size": SMALL}, "marker": {"color": BLUE, "size": 12, "opacity": 0.8},
         "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>"},
    ]  # fmt: skip
    ticked = {"type": "log", **percent_ticks(ticks), "tickformat": "~%", "range": [math.log10(low) - 0.1, 0.1],
              "gridcolor": GRID, "zeroline": False}  # fmt: skip
    out = layout(_("Each token's probability in the two models"), 460,
                 {"l": 10, "r": 20, "t": 80, "b": 10}, plot_bgcolor="white")  # fmt: skip
    out["xaxis"] = axis(names[0], automargin=True, **ticked)
    out["yaxis"] = axis(names[1], automargin=True, scaleanchor="x", **ticked)
    out["annotations"] = [{"x": math.log10(low) / 4, "y": math.log10(low) / 4, "xref": "x", "yref": "y",
                           "text": _("the same probability"), "textangle": -45, "yanchor": "bottom",
                           "showarrow": False, "font": {"size": SMALL, "color": MUTED}}]  # fmt: skip
    return figure(data, out)
