"""Figures for "Why this word?": how much each input token pushed the word up or down, and what each layer and head
wrote into its score. Data in, figure out (explainer/charts/style.py): blue pushes up, red pushes down."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explainer.analysis.attribution import LogitAttribution
from explainer.charts.style import (
    BLUE,
    GREY,
    GRID,
    LINE_PX,
    ORANGE,
    RED,
    SMALL,
    axis,
    colorbar,
    colour_key,
    column_angle,
    every_other_name,
    figure,
    label,
    layout,
)
from explainer.format import html_escape, number, signed
from explainer.i18n import _

DIVERGING = [[0.0, RED], [0.5, "#ffffff"], [1.0, BLUE]]  # − red, 0 white, + blue


def _signed(values: np.ndarray) -> list[str]:
    return [BLUE if v >= 0 else RED for v in values]


def token_pushes(
    tokens: list[str], scores: np.ndarray, target: str, title: str = "", narrow: bool = False
) -> go.Figure:
    """One bar per input token, in text order: how much it pushed `target` up (blue) or down (red); `narrow` (a
    phone): every other bar named past a few (`every_other_name`)."""
    T = len(tokens)
    names = [label(t) for t in tokens]
    bar = {
        "type": "bar", "x": list(range(T)), "y": [float(s) for s in scores], "marker": {"color": _signed(scores)},
        "customdata": names, "hovertemplate": "“%{customdata}”: %{y:+.2f}<extra></extra>",
    }  # fmt: skip
    title = title or _("How much each word pushed “{word}” up (blue) or down (red)").format(word=label(target))
    out = layout(
        title, 440, {"l": 70, "r": 20, "t": 70, "b": 20}, plot_bgcolor="white", bargap=0.15,
        xaxis=axis(tickmode="array", tickvals=list(range(T)), ticktext=every_other_name(names, narrow),
                   tickangle=column_angle(T, -55), automargin=True),
        yaxis=axis(_("push (log-probability)"), zeroline=True, zerolinecolor=GREY, gridcolor=GRID),
    )  # fmt: skip
    return figure([bar], out)


def logit_parts(la: LogitAttribution, target: str, title: str = "") -> go.Figure:
    """The target's score taken apart: the embedding, each layer's attention and feed-forward network, and the final
    norm's and output's bias, as bars that add up to the score."""
    L = len(la.attention)
    layers = [_("layer {layer}").format(layer=i + 1) for i in range(L)]
    embedding = _("embedding")
    data = [
        {"type": "bar", "name": embedding, "x": [embedding], "y": [la.embedding], "marker": {"color": GREY}},
        {"type": "bar", "name": _("attention"), "x": layers, "y": la.attention.tolist(), "marker": {"color": BLUE}},
        {"type": "bar", "name": _("feed-forward"), "x": layers, "y": la.mlp.tolist(), "marker": {"color": ORANGE}},
        {"type": "bar", "name": _("norm and bias"), "x": [_("norm + bias")], "y": [la.constant],
         "marker": {"color": GREY}, "showlegend": False},
    ]  # fmt: skip
    for d in data:
        d["hovertemplate"] = "%{x} · " + d["name"] + ": %{y:+.2f}<extra></extra>"
    title = title or _("What each part added to the score of “{word}” ({logit} in all)").format(
        word=label(target), logit=number(la.logit, 1)
    )
    key = colour_key([(d["marker"]["color"], html_escape(d["name"])) for d in data if d.get("showlegend", True)])
    out = layout(
        title, 420, {"l": 70, "r": 20, "t": 70 + LINE_PX[SMALL] * (key.count("<br>") + 1), "b": 20},
        plot_bgcolor="white", barmode="group", showlegend=False,
        xaxis=axis(automargin=True),
        yaxis=axis(_("added to the score"), zeroline=True, zerolinecolor=GREY, gridcolor=GRID),
    )  # fmt: skip
    out["title"]["subtitle"] = {"text": key, "font": {"size": SMALL}}
    return figure(data, out)


def head_grid(heads: np.ndarray, target: str, title: str = "") -> go.Figure:
    """heads (L, H): what each attention head added to the target's score, as a grid (layers down, heads across)."""
    L, H = heads.shape
    top = float(np.abs(heads).max()) or 1.0
    columns = [_("head {head}").format(head=h + 1) for h in range(H)]
    rows = [_("layer {layer}").format(layer=i + 1) for i in range(L)]
    cells = {
        "type": "heatmap", "z": heads.tolist(), "x": columns, "y": rows, "zmin": -top, "zmax": top,
        "colorscale": DIVERGING,
        "text": [[signed(v) for v in row] for row in heads], "texttemplate": "%{text}",
        "textfont": {"size": SMALL}, "colorbar": colorbar(_("added to the score"), ".1f"),
        "hovertemplate": "%{y}, %{x}: %{z:+.2f}<extra></extra>", "xgap": 2, "ygap": 2,
    }  # fmt: skip
    title = title or _("What each attention head added to the score of “{word}”").format(word=label(target))
    out = layout(
        title, 120 + 48 * L, {"l": 20, "r": 20, "t": 70, "b": 20}, plot_bgcolor="white",
        xaxis=axis(side="bottom"), yaxis=axis(autorange="reversed", automargin=True),
    )  # fmt: skip
    return figure([cells], out)
