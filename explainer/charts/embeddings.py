"""Figures for the embeddings and meaning-in-context pages: the vocabulary's map, a word's numbers, similarities
layer by layer and the vectors' paths. Data in, figure out (explainer/charts/style.py); a legend for every colour."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explainer.analysis.embeddings import OTHER
from explainer.charts.style import CHOSEN, FONT, SMALL, axis, diverging, figure, label, layout
from explainer.i18n import N_, _

GREY = "#b0b7bf"
HIGHLIGHT = CHOSEN  # the words a student typed in
SENSE_COLOURS = ["#1f5fbf", "#e8590c", "#2b8a3e", "#7048e8"]  # sentences, by sense
# A colour per word group of the built-in corpus, in the legend's order. Groups that share a corner of the map get
# far-apart colours (countries brown, capitals blue; numbers red, digits purple; days navy, months lilac). No orange:
# that is the colour of the words you typed, as of a chosen word on every page.
GROUP_COLOURS = {
    "countries": "#8c564b",
    "capitals": "#1f77b4",
    "continents": "#c49c00",
    "languages": "#17becf",
    "animals": "#2ca02c",
    "animal_sounds": "#98a000",
    "colours": "#e377c2",
    "numbers": "#d62728",
    "digits": "#9467bd",
    "days": "#393b79",
    "months": "#8c8fe0",
    "names": "#2f4f4f",
    "ambiguous": "#000000",
}
GROUP_NAMES = {  # translated when shown
    "countries": N_("countries"),
    "capitals": N_("capitals"),
    "continents": N_("continents"),
    "languages": N_("languages"),
    "animals": N_("animals"),
    "animal_sounds": N_("animal sounds"),
    "colours": N_("colours"),
    "numbers": N_("numbers"),
    "digits": N_("digits"),
    "days": N_("days"),
    "months": N_("months"),
    "names": N_("names"),
    "ambiguous": N_("two meanings"),
    OTHER: N_("other"),
}
# A capital's vector points almost the way its country's does (France's nearest token is Paris): capitals are rings
# around their countries' dots, so both stay visible.
GROUP_SYMBOLS = {"capitals": "circle-open"}
EXTRA_COLOURS = ["#7f7f7f", "#bcbd22", "#637939", "#843c39"]  # groups not listed above, in turn


def _layout(title: str, height: int, legend: bool = True) -> dict:
    margin = {"l": 10, "r": 10, "t": 60 if title else 20, "b": 10}
    return layout(title, height, margin, showlegend=legend, legend={"font": {"size": SMALL}, "itemsizing": "constant"})


def _flat_axis(title: str, **extra) -> dict:
    return axis(title, zeroline=False, **extra)


def group_colours(groups: list[str]) -> dict[str, str]:
    """The groups present, in the legend's order (GROUP_COLOURS', then any other), each with its colour; OTHER grey."""
    present = set(groups)
    known = [g for g in GROUP_COLOURS if g in present]
    unknown = [g for g in dict.fromkeys(groups) if g not in GROUP_COLOURS and g != OTHER]
    colours = {g: GROUP_COLOURS[g] for g in known}
    colours |= {g: EXTRA_COLOURS[i % len(EXTRA_COLOURS)] for i, g in enumerate(unknown)}
    return colours | ({OTHER: GREY} if OTHER in present else {})


def group_name(group: str) -> str:
    """A word group's name for people, in the page's language."""
    return _(GROUP_NAMES[group]) if group in GROUP_NAMES else group.replace("_", " ")


def label_offsets(xy: np.ndarray, spans: tuple[float, float], gap: float = 0.07) -> list[int]:
    """Vertical pixel offsets for the labels of points xy (K, 2), so that labels of points close together (within
    `gap` of the axes' spans) do not sit on each other: above, below, further above, further below..."""
    steps = [-34, 34, -62, 62, -90, 90]
    placed: list[tuple[np.ndarray, int]] = []
    out = []
    for p in xy:
        taken = {ay for q, ay in placed if abs(p[0] - q[0]) < gap * spans[0] and abs(p[1] - q[1]) < gap * spans[1]}
        ay = next((a for a in steps if a not in taken), steps[len(placed) % len(steps)])
        placed.append((p, ay))
        out.append(ay)
    return out


def embedding_map(
    coords: np.ndarray,
    labels: list[str],
    groups: list[str],
    highlight: list[int] = (),
    axes: tuple[str, ...] | None = None,
    title: str = "",
) -> go.Figure:
    """Scatter of token vectors, coords (N, 2) or (N, 3): one trace per group (OTHER grey, small,
    underneath), then the highlighted points (indices into coords) large and labelled, their labels apart."""
    coords = np.asarray(coords)
    dims = coords.shape[1]
    hi = [i for i in dict.fromkeys(highlight) if 0 <= i < len(coords)]
    garr = np.asarray(groups, dtype=object)
    garr[hi] = None  # the typed words are drawn once, as your words
    colours = group_colours([g for g in garr if g is not None])
    order = [OTHER] + [g for g in colours if g != OTHER]  # grey underneath
    shown = [label(s) for s in labels]
    kind = "scatter3d" if dims == 3 else "scatter"
    base = 4 if dims == 3 else 7  # marker size; a 3D scene draws markers larger
    data = []
    for g in order:
        idx = np.flatnonzero(garr == g)
        if not len(idx):
            continue
        symbol = GROUP_SYMBOLS.get(g, "circle")
        data.append(
            {
                "type": kind,
                **{k: coords[idx, n] for n, k in enumerate("xyz"[:dims])},
                "mode": "markers",
                "name": group_name(g),
                "marker": {
                    "size": base if g != OTHER else base - 3,
                    "color": colours[g],
                    "opacity": 0.9 if g != OTHER else 0.45,
                    "symbol": symbol,
                    **({"line": {"width": 2, "color": colours[g]}} if symbol.endswith("-open") else {}),
                },
                "text": [shown[i] for i in idx],
                "hovertemplate": f"<b>%{{text}}</b><br>{group_name(g)}<extra></extra>",
            }
        )
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
        if dims == 2:  # labels on a white card, readable over the dense cloud, apart from each other
            spans = tuple(float(np.ptp(coords[:, n])) or 1.0 for n in range(2))
            offsets = label_offsets(coords[hi, :2], spans)
            notes = [
                {
                    "x": coords[i, 0],
                    "y": coords[i, 1],
                    "text": f"<b>{shown[i]}</b>",
                    "showarrow": True,
                    "arrowcolor": HIGHLIGHT,
                    "ax": 0,
                    "ay": ay,
                    "font": {"size": FONT, "color": HIGHLIGHT},
                    "bgcolor": "rgba(255,255,255,0.85)",
                    "bordercolor": HIGHLIGHT,
                    "borderpad": 2,
                }
                for i, ay in zip(hi, offsets)
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
