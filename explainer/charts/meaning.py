"""Figures for the meaning-in-context page: one word's vectors in many sentences, stage by stage (a small map per
stage, coloured by meaning), and how often a simple probe tells the meaning from the vector alone."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explainer.charts.embeddings import SENSE_COLOURS
from explainer.charts.style import (
    FONT,
    GREY,
    LINE_PX,
    SMALL,
    TITLE_WIDTH,
    axis,
    figure,
    layout,
    reference_line,
    title_lines,
)
from explainer.format import html_escape, percent
from explainer.i18n import _

MAP_COLUMNS = 3
STAGE_LETTERS = 12  # a line of a map's name: a third of a phone's chart


def sense_maps(
    coords: np.ndarray, senses: list[int], stages: list[str], sense_names: list[str], sentences: list[str]
) -> go.Figure:
    """coords (N, S, 2): one small map per stage, one dot per sentence coloured by its meaning, all on the same
    scale (so the dots start on one point and drift apart); one legend entry per meaning."""
    n, s, _ = coords.shape
    rows = -(-s // MAP_COLUMNS)
    far = float(np.abs(coords).max()) if n else 0.0
    reach = far * 1.15 if far > 0 else 1.0
    gap_x, gap_y = 0.04, 0.12
    width, height = (1 - gap_x * (MAP_COLUMNS - 1)) / MAP_COLUMNS, (1 - gap_y * (rows - 1)) / rows
    names = [f"<b>{title_lines(html_escape(stage), STAGE_LETTERS)}</b>" for stage in stages]
    plot_px = 30 + 300 * rows
    room = (LINE_PX[FONT] * max((n.count("<br>") + 1 for n in names), default=1) + 12) / plot_px  # over each map
    out = layout("", plot_px + 50, {"l": 10, "r": 10, "t": 40, "b": 10}, showlegend=True)
    out["legend"] = {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "font": {"size": FONT}}
    short = [html_escape(t[:70] + ("…" if len(t) > 70 else "")) for t in sentences]
    data, notes = [], []
    for j, stage in enumerate(stages):
        r, c = divmod(j, MAP_COLUMNS)
        x0, top = c * (width + gap_x), 1 - r * (height + gap_y)
        y1 = round(top - room, 4)  # the stage's name above its map
        xs, ys = f"x{j + 1 if j else ''}", f"y{j + 1 if j else ''}"
        plain = {"range": [-reach, reach], "showticklabels": False, "zeroline": False}
        out[xs.replace("x", "xaxis")] = axis(
            "", domain=[round(x0, 4), round(min(1.0, x0 + width), 4)], anchor=ys, **plain
        )
        out[ys.replace("y", "yaxis")] = axis("", domain=[round(max(0.0, top - height), 4), y1], anchor=xs, **plain)
        notes.append({"text": names[j], "xref": "paper", "yref": "paper", "y": y1,
                      "x": x0 + width / 2, "xanchor": "center", "yanchor": "bottom", "showarrow": False,
                      "font": {"size": FONT}})  # fmt: skip
        for k, name in enumerate(sense_names):
            mine = [i for i in range(n) if senses[i] == k]
            data.append(
                {"type": "scatter", "mode": "markers", "xaxis": xs, "yaxis": ys,
                 "x": coords[mine, j, 0].tolist(), "y": coords[mine, j, 1].tolist(), "text": [short[i] for i in mine],
                 "name": title_lines(html_escape(name), TITLE_WIDTH - 4), "legendgroup": str(k), "showlegend": j == 0,
                 "marker": {"size": 11, "color": SENSE_COLOURS[k % len(SENSE_COLOURS)], "opacity": 0.8,
                            "line": {"width": 1, "color": "white"}},
                 "hovertemplate": "%{text}<extra>" + html_escape(stage) + "</extra>"}
            )  # fmt: skip
    out["annotations"] = notes
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
    line, note = reference_line(0.5, _("a coin toss (50%)"), left=False)
    legend = {"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom", "font": {"size": SMALL}}
    out = layout("", 460 if both else 400, {"l": 10, "r": 10, "t": 80 if both else 20, "b": 10}, showlegend=both,
                 legend=legend, shapes=[line], annotations=[note])  # fmt: skip
    low = min(0.35, float(min(untrained)) - 0.1) if both else 0.35
    out.update(
        xaxis=axis(_("where in the model")),
        yaxis=axis(
            _("meaning told right"),
            range=[low, 1.1],
            tickvals=[0.5, 0.75, 1],
            tickformat=".0%",
            gridcolor="rgba(128,128,128,0.25)",
        ),
    )
    out["annotations"][0]["font"] = {"size": SMALL, "color": GREY}
    return figure(data, out)
