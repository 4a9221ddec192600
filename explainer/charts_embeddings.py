"""Plotly figures for the embeddings and meaning-in-context pages: data in, go.Figure out.

Sized for a projector: fonts of 16 px and more, labelled axes, a legend for every colour.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from .charts import FONT, visible_token
from .embeddings import OTHER

GREY = "#b0b7bf"
HIGHLIGHT = "#d6336c"
SENSE_COLOURS = ["#1f5fbf", "#e8590c", "#2b8a3e", "#7048e8"]  # sentences, by sense
LINE_COLOURS = ["#2b8a3e", "#862e9c", "#495057"]  # same sense / different senses
GROUP_COLOURS = [
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173", "#3182bd",
]  # fmt: skip


def _label(token: str) -> str:
    return html.escape(visible_token(token), quote=False)  # plotly reads "<unk>" as a tag otherwise


def _style(fig: go.Figure, title: str, height: int, legend: bool = True) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": FONT + 2}} if title else None,
        font={"size": FONT},
        height=height,
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10},
        showlegend=legend,
        legend={"font": {"size": FONT - 2}, "itemsizing": "constant"},
        hoverlabel={"font": {"size": FONT}},
    )
    return fig


def group_colours(groups: list[str]) -> dict[str, str]:
    """A fixed colour per group name (in order of first appearance), grey for OTHER."""
    names = [g for g in dict.fromkeys(groups) if g != OTHER]
    return {**{g: GROUP_COLOURS[i % len(GROUP_COLOURS)] for i, g in enumerate(names)}, OTHER: GREY}


def embedding_map(
    coords: np.ndarray,
    labels: list[str],
    groups: list[str],
    highlight: list[int] = (),
    axes: tuple[str, ...] = ("direction 1", "direction 2"),
    title: str = "",
) -> go.Figure:
    """Scatter of token vectors, coords (N, 2) or (N, 3): one trace per group (OTHER grey, small,
    underneath), then the highlighted points (indices into coords) large and labelled."""
    coords = np.asarray(coords)
    dims = coords.shape[1]
    colours = group_colours(groups)
    order = [OTHER] + [g for g in colours if g != OTHER]
    garr = np.asarray(groups)
    fig = go.Figure()
    shown = [_label(s) for s in labels]
    scatter = go.Scatter3d if dims == 3 else go.Scatter
    base = 4 if dims == 3 else 7  # marker size; a 3D scene draws markers larger
    for g in order:
        idx = np.flatnonzero(garr == g)
        if not len(idx):
            continue
        xyz = {k: coords[idx, n] for n, k in enumerate("xyz"[:dims])}
        fig.add_trace(
            scatter(
                **xyz,
                mode="markers",
                name=g.replace("_", " "),
                marker={
                    "size": base if g != OTHER else base - 3,
                    "color": colours[g],
                    "opacity": 0.9 if g != OTHER else 0.45,
                },
                text=[shown[i] for i in idx],
                hovertemplate=f"<b>%{{text}}</b><br>{g.replace('_', ' ')}<extra></extra>",
            )
        )
    hi = [i for i in dict.fromkeys(highlight) if 0 <= i < len(coords)]
    if hi:
        xyz = {k: coords[hi, n] for n, k in enumerate("xyz"[:dims])}
        fig.add_trace(
            scatter(
                **xyz,
                mode="markers+text" if dims == 3 else "markers",
                name="your words",
                text=[shown[i] for i in hi],
                textposition="top center",
                textfont={"size": FONT + 2, "color": HIGHLIGHT},
                marker={
                    "size": base + (4 if dims == 3 else 7),
                    "color": HIGHLIGHT,
                    "symbol": "diamond",
                    "line": {"width": 1, "color": "white"},
                },
                hovertemplate="<b>%{text}</b><extra>your word</extra>",
            )
        )
        if dims == 2:  # labels on a white card, readable over the dense cloud
            for i in hi:
                fig.add_annotation(
                    x=coords[i, 0], y=coords[i, 1], text=f"<b>{shown[i]}</b>", showarrow=True, arrowcolor=HIGHLIGHT,
                    ax=0, ay=-34, font={"size": FONT, "color": HIGHLIGHT}, bgcolor="rgba(255,255,255,0.85)",
                    bordercolor=HIGHLIGHT, borderpad=2,
                )  # fmt: skip
    _style(fig, title, 620 if dims == 3 else 560)
    if dims == 3:
        fig.update_layout(
            scene={f"{k}axis": {"title": {"text": a, "font": {"size": FONT}}} for k, a in zip("xyz", axes)}
            | {"aspectmode": "cube"},
            margin={"l": 0, "r": 0, "t": 30, "b": 0},
        )
    else:
        fig.update_xaxes(title={"text": axes[0], "font": {"size": FONT}}, zeroline=False, tickfont={"size": FONT - 2})
        fig.update_yaxes(title={"text": axes[1], "font": {"size": FONT}}, zeroline=False, tickfont={"size": FONT - 2})
    return fig


def heat_strip(vectors: dict[str, np.ndarray], title: str = "") -> go.Figure:
    """Each word's vector as one row of coloured cells (red positive, blue negative): label -> (D,)."""
    names = list(vectors)
    z = np.stack([np.asarray(vectors[n], dtype=np.float32) for n in names])  # (rows, D)
    lim = float(np.abs(z).max()) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=z,
            y=[_label(n) for n in names],
            x=np.arange(1, z.shape[1] + 1),
            colorscale="RdBu_r",
            zmin=-lim,
            zmax=lim,
            colorbar={"thickness": 14, "tickvals": [-lim, 0, lim], "ticktext": [f"{-lim:.2g}", "0", f"{lim:.2g}"]},
            hovertemplate="%{y}, number %{x}: %{z:.3f}<extra></extra>",
        )
    )
    _style(fig, title, 150 + 55 * len(names), legend=False)
    fig.update_xaxes(
        title={"text": f"position in the list (1 … {z.shape[1]})", "font": {"size": FONT}}, tickfont={"size": FONT - 2}
    )
    fig.update_yaxes(tickfont={"size": FONT}, autorange="reversed")
    fig.update_layout(margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10})
    return fig


def similarity_lines(stages: list[str], series: dict[str, np.ndarray], title: str = "") -> go.Figure:
    """Cosine similarity (y) at every stage (x): one line per name -> (S,)."""
    fig = go.Figure()
    for k, (name, ys) in enumerate(series.items()):
        fig.add_trace(
            go.Scatter(
                x=stages,
                y=[float(v) for v in ys],
                mode="lines+markers",
                name=name,
                line={
                    "width": 4,
                    "color": LINE_COLOURS[k % len(LINE_COLOURS)],
                    "dash": "solid" if k == 0 else "dash",
                },
                marker={"size": 11},
                hovertemplate="%{x}: %{y:.3f}<extra>" + html.escape(name) + "</extra>",
            )
        )
    low = min([float(np.nanmin(v)) for v in series.values()] + [0.0])
    _style(fig, title, 430)
    fig.update_yaxes(
        title={"text": "cosine similarity", "font": {"size": FONT}},
        range=[low - 0.05, 1.05],
        tickfont={"size": FONT - 2},
    )
    fig.update_xaxes(title={"text": "where in the model", "font": {"size": FONT}}, tickfont={"size": FONT - 2})
    fig.update_layout(legend={"orientation": "h", "y": -0.3, "x": 0})
    return fig


def trajectory_map(
    coords: np.ndarray, names: list[str], senses: list[int], stages: list[str], sense_names: list[str], title: str = ""
) -> go.Figure:
    """Each sentence's word vector moving through the stages: coords (N, S, 2), one line per sentence,
    coloured by sense (one legend entry per sense); the start is a circle, the last layer a large star."""
    fig = go.Figure()
    s = coords.shape[1]
    for n, name in enumerate(names):
        k = senses[n]
        c = SENSE_COLOURS[k % len(SENSE_COLOURS)]
        fig.add_trace(
            go.Scatter(
                x=coords[n, :, 0],
                y=coords[n, :, 1],
                mode="lines+markers",
                name=html.escape(sense_names[k]),
                legendgroup=str(k),
                showlegend=k not in senses[:n],
                line={"width": 3, "color": c},
                marker={"size": [12] + [9] * (s - 2) + [20], "symbol": ["circle"] * (s - 1) + ["star"], "color": c},
                text=stages,
                hovertemplate="%{text}<extra>" + html.escape(name[:60]) + "</extra>",
            )
        )
    _style(fig, title, 520)
    fig.update_xaxes(title={"text": "direction 1", "font": {"size": FONT}}, zeroline=False, tickfont={"size": FONT - 2})
    fig.update_yaxes(
        title={"text": "direction 2", "font": {"size": FONT}},
        zeroline=False,
        tickfont={"size": FONT - 2},
        scaleanchor="x",
    )
    fig.update_layout(legend={"orientation": "h", "y": -0.2, "x": 0})
    return fig


def similarity_matrix(sim: np.ndarray, names: list[str], title: str = "") -> go.Figure:
    """(N, N) cosine similarities as a labelled heatmap with the values written in."""
    short = [f"{i + 1}. {html.escape(n[:28])}{'…' if len(n) > 28 else ''}" for i, n in enumerate(names)]
    fig = go.Figure(
        go.Heatmap(
            z=sim,
            x=short,
            y=short,
            zmin=-1,
            zmax=1,
            colorscale="RdBu_r",
            text=np.round(sim, 2),
            texttemplate="%{text:.2f}",
            textfont={"size": FONT - 2},
            colorbar={"title": {"text": "cosine"}},
            hovertemplate="%{y}<br>%{x}<br>%{z:.3f}<extra></extra>",
        )
    )
    _style(fig, title, 160 + 60 * len(names), legend=False)
    fig.update_yaxes(autorange="reversed", tickfont={"size": FONT - 2})
    fig.update_xaxes(tickfont={"size": FONT - 2}, tickangle=-30)
    return fig
