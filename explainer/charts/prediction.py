"""Figures for the prediction pages (next word, the chat's steps): the next-token bars. Data in, figure out
(explainer/charts/style.py). The sampling page's charts are drawn in the browser (explainer/ui/sampling_view.py)."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from explainer.charts.style import (
    BLUE,
    CHOSEN,
    GREY,
    GRID,
    ROW_PX,
    SMALL,
    axis,
    decade_ticks,
    figure,
    label,
    layout,
    percent_ticks,
    row_axis,
)
from explainer.format import percent
from explainer.i18n import N_, _

OTHER_LABEL = N_("everything else")


def _layout(title: str, height: int, top: int | None = None) -> dict:
    margin = {"l": 10, "r": 30, "t": top or (60 if title else 20), "b": 50}
    return layout(title, height, margin, showlegend=False, bargap=0.25, uniformtext={"minsize": SMALL, "mode": "show"})


def _rows_height(n_rows: int, extra: int = 90) -> int:
    return extra + ROW_PX * max(n_rows, 1)


def _prob_axis(values: list[float], log_x: bool, **extra) -> dict:
    """Linear 0..max (room for the % labels) or log over the positive values."""
    top = max([v for v in values if v > 0], default=1.0)
    if log_x:
        low = min([v for v in values if v > 0], default=1e-6)
        lo, hi = math.log10(low) - 0.3, math.log10(top) + 0.9
        out = axis(type="log", range=[lo, hi], tickformat="~%", **percent_ticks(decade_ticks(lo, hi)), gridcolor=GRID)
    else:  # every bar carries its % label: no axis numbers to compete with them
        out = {"range": [0, top * 1.3], "showticklabels": False, "showgrid": False}
    return {**out, "zeroline": True, **extra}


def _bars(values: list[float], colours: list[str], texts: list[str], names: list[str], **extra) -> dict:
    return {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": list(range(len(values))),
        "marker": {"color": colours},
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "hovertext": names,
        "hovertemplate": "%{hovertext}: %{x:.4%}<extra></extra>",
        **extra,
    }


def next_token_bars(
    labels: list[str],
    probs: list[float],
    other: float | None = None,
    highlight: str | None = None,
    log_x: bool = False,
    title: str = "",
) -> go.Figure:
    """Horizontal bars of the likeliest next tokens, most likely on top, with % labels;
    `other` adds a grey "everything else" bar at the bottom; `highlight` colours one token."""
    order = sorted(range(len(probs)), key=lambda i: -probs[i])
    rows = [(label(labels[i]), float(probs[i]), CHOSEN if labels[i] == highlight else BLUE) for i in order]
    if other is not None:
        rows.append((f"<i>{_(OTHER_LABEL)}</i>", max(float(other), 0.0), GREY))
    names = [r[0] for r in rows]
    values = [r[1] for r in rows]
    bar = _bars(values, [r[2] for r in rows], [percent(v) for v in values], names)
    out = _layout(title, _rows_height(len(rows)))
    out.update(xaxis=_prob_axis(values, log_x), yaxis=row_axis(names))
    return figure([bar], out)
