"""Figures for the embeddings and meaning-in-context pages: the vocabulary's map, a word's numbers, similarities
layer by layer and the vectors' paths. Data in, figure out (explainer/charts/style.py); a legend for every colour."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explainer.analysis.embeddings import OTHER
from explainer.charts.style import CHOSEN, FONT, SMALL, axis, diverging, figure, label, layout
from explainer.i18n import _

GREY = "#b0b7bf"
HIGHLIGHT = CHOSEN  # the words a student typed in
SENSE_COLOURS = ["#1f5fbf", "#e8590c", "#2b8a3e", "#7048e8"]  # sentences, by sense
GROUP_COLOURS = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#393b79",
    "#637939",
    "#843c39",
    "#7b4173",
    "#3182bd",
]  # fmt: skip  (no orange: that is the colour of the words you typed, as of a chosen word on every page)


def _layout(title: str, height: int, legend: bool = True) -> dict:
    margin = {"l": 10, "r": 10, "t": 60 if title else 20, "b": 10}
    return layout(title, height, margin, showlegend=legend, legend={"font": {"size": SMALL}, "itemsizing": "constant"})


def _flat_axis(title: str, **extra) -> dict:
    return axis(title, zeroline=False, **extra)


def group_colours(groups: list[str]) -> dict[str, str]:
    """A fixed colour per group name (in order of first appearance), grey for OTHER."""
    names = [g for g in dict.fromkeys(groups) if g != OTHER]
    return {**{g: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, g in enumerate(names)}, OTHER: GREY}


def embedding_map(
    coords: np.ndarray,
    labels: list[str],
    groups: list[str],
    highlight: list[int] = (),
    axes: tuple[str, ...] | None = None,
    title: str = "",
) -> go.Figure:
    """Scatter of token vectors, coords (N, 2) or (N, 3): one trace per group (OTHER grey, small,
    underneath), then the highlighted points (indices into coords) large and labelled."""
    coords = np.asarray(coords)
    dims = coords.shape[1]
    colours = group_colours(groups)
    order = [OTHER] + [g for g in colours if g != OTHER]
    garr = np.asarray(groups)
    shown = [label(s) for s in labels]
    kind = "scatter3d" if dims == 3 else "scatter"
    base = 4 if dims == 3 else 7  # marker size; a 3D scene draws markers larger
    data = []
    for g in order:
        idx = np.flatnonzero(garr == g)
        if not len(idx):
            continue
        data.append(
            {
                "type": kind,
                **{k: coords[idx, n] for n, k in enumerate("xyz"[:dims])},
                "mode": "markers",
                "name": g.replace("_", " "),
                "marker": {
                    "size": base if g != OTHER else base - 3,
                    "color": colours[g],
                    "opacity": 0.9 if g != OTHER else 0.45,
                },
                "text": [shown[i] for i in idx],
                "hovertemplate": f"<b>%{{text}}</b><br>{g.replace('_', ' ')}<extra></extra>",
            }
        )
    hi = [i for i in dict.fromkeys(highlight) if 0 <= i < len(coords)]
    notes = []
    if hi:
        data.append(
            {
                "type": kind,
                **{k: coords[hi, n] for n, k in enumerate("xyz"[:dims])},
                "mode": "markers+text" if dims == 3 else "markers",
                "name": _("your words"),
                "text": [shown[i] for i in hi],
                "textposition": "top center",
                "textfont": {"size": FONT + 2, "color": HIGHLIGHT},
                "marker": {
                    "size": base + (4 if dims == 3 else 7),
                    "color": HIGHLIGHT,
                    "symbol": "diamond",
                    "line": {"width": 1, "color": "white"},
                },
                "hovertemplate": "<b>%{text}</b><extra>your word</extra>",
            }
        )
        if dims == 2:  # labels on a white card, readable over the dense cloud
            notes = [
                {
                    "x": coords[i, 0],
                    "y": coords[i, 1],
                    "text": f"<b>{shown[i]}</b>",
                    "showarrow": True,
                    "arrowcolor": HIGHLIGHT,
                    "ax": 0,
                    "ay": -34,
                    "font": {"size": FONT, "color": HIGHLIGHT},
                    "bgcolor": "rgba(255,255,255,0.85)",
                    "bordercolor": HIGHLIGHT,
                    "borderpad": 2,
                }
                for i in hi
            ]
    axes = axes or (_("direction 1"), _("direction 2"))
    out = _layout(title, 620 if dims == 3 else 560)
    if notes:
        out["annotations"] = notes
    if dims == 3:
        out["scene"] = {f"{k}axis": {"title": {"text": a, "font": {"size": FONT}}} for k, a in zip("xyz", axes)}
        out["scene"]["aspectmode"] = "cube"
        out["margin"] = {"l": 0, "r": 0, "t": 30, "b": 0}
    else:
        out.update(xaxis=_flat_axis(axes[0]), yaxis=_flat_axis(axes[1]))
    return figure(data, out)


def heat_strip(vectors: dict[str, np.ndarray], title: str = "") -> go.Figure:
    """Each vector as one row of coloured cells (the diverging scale of every page: blue above 0, red below):
    label -> (D,)."""
    names = list(vectors)
    z = np.stack([np.asarray(vectors[n], dtype=np.float32) for n in names])  # (rows, D)
    cells = {
        "type": "heatmap",
        "z": z,
        "y": [label(n) for n in names],
        "x": np.arange(1, z.shape[1] + 1),
        **diverging(z),
        "hovertemplate": "%{y}, number %{x}: %{z:.3f}<extra></extra>",
    }
    out = _layout(title, 150 + 55 * len(names), legend=False)
    out.update(
        xaxis=axis(_("position in the list (1 … {shape})").format(shape=z.shape[1])),
        yaxis={"tickfont": {"size": FONT}, "autorange": "reversed", "automargin": True},
    )
    return figure([cells], out)
