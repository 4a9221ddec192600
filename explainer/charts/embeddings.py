"""Figures for the embeddings and meaning-in-context pages: the vocabulary's map, a word's numbers, similarities
layer by layer and the vectors' paths. Data in, figure out (explainer/charts/style.py); a legend for every colour."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explainer.analysis.embeddings import OTHER
from explainer.charts.style import CHOSEN, FONT, INK, SMALL, axis, colorbar, diverging, figure, label, layout
from explainer.format import fixed_percent, html_escape
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
POSITION_SCALE = [[0.0, "#9ec0f0"], [0.5, "#1f5fbf"], [1.0, "#0b1f45"]]  # the first position light, the last dark


def _layout(title: str, height: int, legend: bool = True) -> dict:
    margin = {"l": 10, "r": 10, "t": 60 if title else 20, "b": 10}
    return layout(title, height, margin, showlegend=legend, legend={"font": {"size": SMALL}, "itemsizing": "constant"})


def _flat_axis(title: str, **extra) -> dict:
    return axis(title, zeroline=False, **extra)


def group_colours(groups: list[str]) -> dict[str, str]:
    """The groups present, in the legend's order (GROUP_COLOURS'), each with its colour; OTHER grey."""
    present = set(groups)
    return {g: c for g, c in GROUP_COLOURS.items() if g in present} | ({OTHER: GREY} if OTHER in present else {})


def group_name(group: str) -> str:
    """A word group's name for people, in the page's language."""
    return _(GROUP_NAMES[group])


LABEL_STEPS = [-34, 34, -62, 62, -90, 90]  # a 2D label's offset in pixels: above, below, further above, ...
LABEL_SIDES_3D = ["top center", "bottom center", "middle right", "middle left", "top right", "bottom left"]


def label_places(points: np.ndarray, spans: np.ndarray, gap: float = 0.07) -> list[int]:
    """For the labels of points (K, dims), indices into LABEL_STEPS (or LABEL_SIDES_3D), so that labels of points
    close together (within `gap` of every axis' span, spans (dims,)) do not sit on each other."""
    placed: list[tuple[np.ndarray, int]] = []
    out = []
    for p in points:
        taken = {k for q, k in placed if (np.abs(p - q) < gap * spans).all()}
        k = next((k for k in range(len(LABEL_STEPS)) if k not in taken), len(placed) % len(LABEL_STEPS))
        placed.append((p, k))
        out.append(k)
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
                "hovertemplate": f"<b>%{{text}}</b><br>{html_escape(group_name(g))}<extra></extra>",
            }
        )
    notes = []
    if hi:
        spans = np.ptp(coords, axis=0)
        places = label_places(coords[hi], np.where(spans > 0, spans, 1.0))
        data.append(
            {
                "type": kind,
                **{k: coords[hi, n] for n, k in enumerate("xyz"[:dims])},
                "mode": "markers+text" if dims == 3 else "markers",
                "name": _("your words"),
                "text": [shown[i] for i in hi],
                "textposition": [LABEL_SIDES_3D[k] for k in places],
                "textfont": {"size": FONT + 2, "color": HIGHLIGHT},
                "marker": {
                    "size": base + (4 if dims == 3 else 7),
                    "color": HIGHLIGHT,
                    "symbol": "diamond",
                    "line": {"width": 1, "color": "white"},
                },
                "hovertemplate": "<b>%{text}</b><extra>" + html_escape(_("your word")) + "</extra>",
            }
        )
        if dims == 2:  # labels on a white card, readable over the dense cloud, apart from each other
            notes = [
                {
                    "x": coords[i, 0],
                    "y": coords[i, 1],
                    "text": f"<b>{shown[i]}</b>",
                    "showarrow": True,
                    "arrowcolor": HIGHLIGHT,
                    "ax": 0,
                    "ay": LABEL_STEPS[k],
                    "font": {"size": FONT, "color": HIGHLIGHT},
                    "bgcolor": "rgba(255,255,255,0.85)",
                    "bordercolor": HIGHLIGHT,
                    "borderpad": 2,
                }
                for i, k in zip(hi, places)
            ]
    axes = axes or (_("direction 1"), _("direction 2"))
    out = _layout(title, 620 if dims == 3 else 560)
    if notes:
        out["annotations"] = notes
    if dims == 3:
        out["scene"] = {f"{k}axis": {"title": {"text": a, "font": {"size": FONT}}} for k, a in zip("xyz", axes)}
        out["scene"]["aspectmode"] = "cube"
        out["margin"] |= {"l": 0, "r": 0, "b": 0, "t": max(out["margin"]["t"], 30)}  # a title keeps its room
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
        "hovertemplate": "%{y}, " + _("number {n}").format(n="%{x}") + ": %{z:.3f}<extra></extra>",
    }
    out = _layout(title, 150 + 55 * len(names), legend=False)
    out.update(
        xaxis=axis(_("position in the list (1 … {shape})").format(shape=z.shape[1])),
        yaxis={"tickfont": {"size": FONT}, "autorange": "reversed", "automargin": True},
    )
    return figure([cells], out)


def position_arc(coords: np.ndarray, explained: np.ndarray, title: str = "") -> go.Figure:
    """coords (C, 2): each position's vector on the two directions of widest spread, joined in order and coloured
    from the first position (light) to the last (dark); a few positions named."""
    C = len(coords)
    named = sorted({0, C - 1, *range(0, C, max(1, C // 8))})
    data = [
        {"type": "scatter", "x": coords[:, 0], "y": coords[:, 1], "mode": "lines", "hoverinfo": "skip",
         "line": {"color": GREY, "width": 2}},
        {"type": "scatter", "name": _("position"), "x": coords[:, 0], "y": coords[:, 1], "mode": "markers",
         "marker": {"size": 9, "color": np.arange(1, C + 1), "colorscale": POSITION_SCALE, "cmin": 1, "cmax": C,
                    "colorbar": colorbar(_("position"), "d"), "line": {"width": 0.5, "color": "white"}},
         "customdata": np.arange(1, C + 1), "hovertemplate": _("position %{customdata}<extra></extra>")},
    ]  # fmt: skip
    notes = [
        {"x": float(coords[i, 0]), "y": float(coords[i, 1]), "text": f"<b>{i + 1}</b>", "showarrow": True,
         "arrowcolor": INK, "ax": 18, "ay": -22, "font": {"size": SMALL}, "bgcolor": "rgba(255,255,255,0.85)"}
        for i in named
    ]  # fmt: skip
    share = [fixed_percent(float(e)) for e in explained[:2]]
    out = _layout(title, 520, legend=False)
    out.update(
        annotations=notes,
        xaxis=_flat_axis(_("direction 1 ({share} of the spread)").format(share=share[0])),
        yaxis=_flat_axis(_("direction 2 ({share})").format(share=share[1]), scaleanchor="x"),
    )
    return figure(data, out)
