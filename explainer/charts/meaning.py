"""Figures for the meaning-in-context page: one word's vectors in many sentences, stage by stage (where each sits
between the two meanings, coloured by meaning), and how often a simple probe tells the meaning from the vector alone."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explainer.charts.embeddings import SENSE_COLOURS
from explainer.charts.style import (
    FONT,
    GREY,
    GRID,
    NARROW_NAMES,
    SMALL,
    TITLE_WIDTH,
    axis,
    figure,
    layout,
    percent_ticks,
    reference_line,
    row_axis,
    title_lines,
)
from explainer.format import html_escape, percent
from explainer.i18n import _

REACH = 2.5  # positions beyond ±this (a unit: half the gap between the two averages) are pinned at the edge
TINT = 0.08  # how strongly each half of the strip is tinted with its meaning's colour


def sense_strips(
    positions: np.ndarray, senses: list[int], stages: list[str], sense_names: list[str], sentences: list[str]
) -> go.Figure:
    """positions (N, S) (`sense_probe.sense_positions`): one row per stage, the token embedding on top; one dot per
    sentence, coloured by its meaning, placed between the two meanings' average vectors (-1: meaning 1's, +1:
    meaning 2's, 0: halfway). Each half is tinted with its meaning's colour, so a dot on the other colour's half is
    a sentence the probe gets wrong. A meaning's dots sit in their own band of the row, which keeps the two colours
    apart where the dots pile up (the token embedding: all on 0)."""
    n, s = positions.shape
    short = [html_escape(t[:70] + ("…" if len(t) > 70 else "")) for t in sentences]
    colours = [SENSE_COLOURS[k % len(SENSE_COLOURS)] for k in range(len(sense_names))]
    data = []
    for k, name in enumerate(sense_names):
        mine = [i for i in range(n) if senses[i] == k]
        band = [0.08 + 0.3 * ((r * 0.618034) % 1) for r in range(len(mine))]  # a steady spread, not random
        xs, ys, symbols, text, where = [], [], [], [], []
        for j, stage in enumerate(stages):
            for i, off in zip(mine, band):
                x = float(positions[i, j])
                if np.isnan(x):
                    continue
                xs.append(min(REACH, max(-REACH, x)))
                ys.append(j - off if k == 0 else j + off)
                symbols.append("circle" if abs(x) <= REACH else "triangle-left" if x < 0 else "triangle-right")
                text.append(short[i])
                where.append(html_escape(stage))
        data.append(
            {"type": "scatter", "mode": "markers", "x": xs, "y": ys, "text": text, "customdata": where,
             "name": title_lines(html_escape(name), TITLE_WIDTH - 4),
             "marker": {"size": 11, "color": colours[k], "opacity": 0.85, "symbol": symbols,
                        "line": {"width": 1, "color": "white"}},
             "hovertemplate": "%{text}<extra>%{customdata}</extra>"}
        )  # fmt: skip
    edge = REACH + 0.2
    shapes = [
        {"type": "rect", "xref": "x", "yref": "paper", "x0": x0, "x1": x1, "y0": 0, "y1": 1, "layer": "below",
         "line": {"width": 0}, "fillcolor": colours[k], "opacity": TINT}
        for k, (x0, x1) in enumerate(((-edge, 0), (0, edge)))
    ] + [
        {"type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
         "line": {"color": GREY, "width": 2 if x == 0 else 1, "dash": "dash" if x == 0 else "dot"}}
        for x in (-1, 0, 1)
    ] + [
        {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": j + 0.5, "y1": j + 0.5,
         "line": {"color": GRID, "width": 1}}
        for j in range(s - 1)
    ]  # fmt: skip
    ends = [
        {"text": title_lines(text, NARROW_NAMES), "xref": "paper", "yref": "paper", "x": x, "y": 0, "yshift": -34,
         "xanchor": anchor, "yanchor": "top", "showarrow": False, "font": {"size": SMALL, "color": colours[k]}}
        for k, (text, x, anchor) in enumerate(
            ((_("← nearer meaning 1"), 0, "left"), (_("nearer meaning 2 →"), 1, "right"))
        )
    ]  # fmt: skip
    row_px = 64 if s <= 8 else 44
    out = layout("", row_px * s + 60, {"l": 10, "r": 10, "t": 60, "b": 90}, showlegend=True, shapes=shapes,
                 annotations=ends)  # fmt: skip
    out["legend"] = {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "font": {"size": FONT}}
    out["xaxis"] = axis(
        "", range=[-edge, edge], tickvals=[-1, 0, 1], ticktext=["−1", _("halfway"), "+1"], zeroline=False,
        showgrid=False, fixedrange=True,
    )  # fmt: skip
    out["yaxis"] = row_axis(
        [html_escape(t) for t in stages], SMALL, autorange=False, range=[s - 0.5, -0.5], fixedrange=True
    )
    return figure(data, out)


_FLIP = {"top center": "bottom center", "bottom center": "top center"}


def _changes(values: list[float]) -> list[str]:
    """Each point's percentage, left out where it repeats the one before (a flat run at 100 % is read from its
    first label; on a phone, "100 %" side by side ran into one another)."""
    labels = [percent(round(v, 2)) for v in values]
    return [t if i == 0 or t != labels[i - 1] else "" for i, t in enumerate(labels)]


def probe_chart(stages: list[str], accuracy: np.ndarray, untrained: np.ndarray | None = None) -> go.Figure:
    """The probe's share of sentences whose meaning it tells right (y, 0-100 %) at each stage (x), with the
    coin-toss level (50 %) drawn in, and, when given, the same probe on the network before training (dashed grey)."""
    acc = [float(a) for a in accuracy]
    base = [float(a) for a in untrained] if untrained is not None else acc
    # each line's percentages on its own side: the trained model's above its point where it is the higher one
    side = ["bottom center" if a < b else "top center" for a, b in zip(acc, base)]
    data = [
        {"type": "scatter", "x": stages, "y": acc, "mode": "lines+markers+text", "name": _("the trained model"),
         "line": {"width": 4, "color": SENSE_COLOURS[0]}, "marker": {"size": 12},
         "text": _changes(acc), "textposition": side, "textfont": {"size": SMALL},
         "hovertemplate": _("%{x}: %{y:.0%} told right") + "<extra></extra>"}
    ]  # fmt: skip
    if untrained is not None:
        data.append(
            {"type": "scatter", "x": stages, "y": base, "mode": "lines+markers+text",
             "name": title_lines(_("the same network before training (random weights)")),  # a phone: two lines
             "line": {"width": 3, "color": GREY, "dash": "dash"}, "marker": {"size": 9, "color": GREY},
             "text": _changes(base), "textposition": [_FLIP[p] for p in side],
             "textfont": {"size": SMALL, "color": GREY},
             "hovertemplate": _("%{x}: %{y:.0%} told right before training") + "<extra></extra>"}
        )  # fmt: skip
    both = untrained is not None
    line, _note = reference_line(0.5, "")
    legend = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": SMALL}}
    out = layout("", 460 if both else 400, {"l": 10, "r": 10, "t": 80 if both else 20, "b": 10}, showlegend=both,
                 legend=legend, shapes=[line])  # fmt: skip
    low = min(0.35, float(min(untrained)) - 0.1) if both else 0.35
    ticks = percent_ticks([0.5, 0.75, 1])
    ticks["ticktext"][0] += "<br>" + html_escape(_("a coin toss"))  # on the axis: a point near 50 % never covers it
    out.update(
        xaxis=axis(_("where in the model")),
        yaxis=axis(_("meaning told right"), range=[low, 1.1], **ticks, gridcolor="rgba(128,128,128,0.25)"),
    )
    return figure(data, out)
