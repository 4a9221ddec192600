"""Figures for the embeddings and meaning-in-context pages: the vocabulary's map, a word's numbers, similarities
layer by layer and the vectors' paths. Data in, figure out (explainer/charts/style.py); a legend for every colour."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explainer.analysis.embeddings import OTHER
from explainer.charts.style import CHOSEN, DIVERGING, FONT, SMALL, axis, colorscale, diverging, figure, label, layout
from explainer.format import html_escape
from explainer.i18n import _

GREY = "#b0b7bf"
HIGHLIGHT = CHOSEN  # the words a student typed in
SENSE_COLOURS = ["#1f5fbf", "#e8590c", "#2b8a3e", "#7048e8"]  # sentences, by sense
LINE_COLOURS = ["#2b8a3e", "#862e9c", "#495057"]  # same sense / different senses
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


def similarity_lines(stages: list[str], series: dict[str, np.ndarray], title: str = "") -> go.Figure:
    """Cosine similarity (y) at every stage (x): one line per name -> (S,)."""
    data = [
        {
            "type": "scatter",
            "x": stages,
            "y": [float(v) for v in ys],
            "mode": "lines+markers",
            "name": name,
            "line": {"width": 4, "color": LINE_COLOURS[k % len(LINE_COLOURS)], "dash": "solid" if k == 0 else "dash"},
            "marker": {"size": 11},
            "hovertemplate": "%{x}: %{y:.3f}<extra>" + html_escape(name) + "</extra>",
        }
        for k, (name, ys) in enumerate(series.items())
    ]
    low = min([float(np.nanmin(v)) for v in series.values()] + [0.0])
    out = _layout(title, 430)
    out["legend"].update(orientation="h", y=-0.3, x=0)
    out.update(xaxis=axis(_("where in the model")), yaxis=axis(_("cosine similarity"), range=[low - 0.05, 1.05]))
    return figure(data, out)


def trajectory_map(
    coords: np.ndarray, names: list[str], senses: list[int], stages: list[str], sense_names: list[str], title: str = ""
) -> go.Figure:
    """Each sentence's word vector moving through the stages: coords (N, S, 2), one line per sentence,
    coloured by sense (one legend entry per sense); the start is a circle, the last layer a large star."""
    s = coords.shape[1]
    data = []
    for n, name in enumerate(names):
        k = senses[n]
        c = SENSE_COLOURS[k % len(SENSE_COLOURS)]
        data.append(
            {
                "type": "scatter",
                "x": coords[n, :, 0],
                "y": coords[n, :, 1],
                "mode": "lines+markers",
                "name": html_escape(sense_names[k]),
                "legendgroup": str(k),
                "showlegend": k not in senses[:n],
                "line": {"width": 3, "color": c},
                "marker": {"size": [12] + [9] * (s - 2) + [20], "symbol": ["circle"] * (s - 1) + ["star"], "color": c},
                "text": stages,
                "hovertemplate": "%{text}<extra>" + html_escape(name[:60]) + "</extra>",
            }
        )
    out = _layout(title, 520)
    out["legend"].update(orientation="h", y=-0.2, x=0)
    out.update(xaxis=_flat_axis(_("direction 1")), yaxis=_flat_axis(_("direction 2"), scaleanchor="x"))
    return figure(data, out)


def similarity_matrix(sim: np.ndarray, names: list[str], title: str = "") -> go.Figure:
    """(N, N) cosine similarities as a labelled heatmap with the values written in."""
    short = [f"{i + 1}. {html_escape(n[:28])}{'…' if len(n) > 28 else ''}" for i, n in enumerate(names)]
    cells = {
        "type": "heatmap",
        "z": sim,
        "x": short,
        "y": short,
        "zmin": -1,
        "zmax": 1,
        "colorscale": colorscale(DIVERGING),
        "text": np.round(sim, 2),
        "texttemplate": "%{text:.2f}",
        "textfont": {"size": SMALL},
        "colorbar": {"title": {"text": "cosine"}},
        "hovertemplate": "%{y}<br>%{x}<br>%{z:.3f}<extra></extra>",
    }
    out = _layout(title, 160 + 60 * len(names), legend=False)
    out.update(yaxis={"autorange": "reversed", "tickfont": {"size": SMALL}}, xaxis=axis(tickangle=-30))
    return figure([cells], out)
