"""The figure of activation patching (Why this word?): one vector at a time taken from another text, and how likely
that text's answer becomes. Data in, figure out (explainer/charts/style.py)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explainer.charts.style import (
    COLOUR_BAR_PX,
    HALF_TITLE,
    SEQUENTIAL,
    SMALL,
    axis,
    colorscale,
    figure,
    flat_colorbar,
    label,
    layout,
    row_axis,
    title_lines,
)
from explainer.format import percent, rough_percent
from explainer.i18n import _

SHOWN = 0.01  # a cell writes its probability from 1 % up (the rest are blank, near white)


def swapped_vectors(
    probs: np.ndarray,
    tokens: list[str],
    differs: list[bool],
    word: str,
    depths: list[str],
    title: str,
    narrow: bool = False,
) -> go.Figure:
    """probs (L + 1, P): the probability of `word` (the other text's answer) with one vector swapped in, at each
    depth (rows, the embedding on top) and position (columns, named `tokens`; bold where the two texts differ). A
    dark cell: that vector alone carries the answer there. `narrow` (a phone): the cells are too small to write in,
    their colour and the hover say it."""
    names = [f"<b>{label(t)}</b>" if d else label(t) for t, d in zip(tokens, differs)]
    plain = [label(t) for t in tokens]
    hover = [
        [
            _("“{token}” {depth}: “{word}” {p}").format(
                token=plain[p], depth=depths[d], word=label(word), p=percent(probs[d, p])
            )  # fmt: skip
            for p in range(probs.shape[1])
        ]
        for d in range(probs.shape[0])
    ]
    cells = {
        "type": "heatmap", "z": probs, "x": list(range(len(tokens))), "y": list(range(len(depths))), "zmin": 0,
        "zmax": 1, "colorscale": colorscale(SEQUENTIAL), "xgap": 2, "ygap": 2,
        "text": [[rough_percent(v) if v >= SHOWN and not narrow else "" for v in row] for row in probs],
        "texttemplate": "%{text}",
        "textfont": {"size": SMALL}, "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>",
        "colorbar": flat_colorbar(_("probability of “{word}”").format(word=label(word)), over=True),
    }  # fmt: skip
    top = (70 if title else 20) + COLOUR_BAR_PX
    out = layout(title, 200 + 48 * len(depths) + COLOUR_BAR_PX, {"l": 10, "r": 10, "t": top, "b": 10},
                 plot_bgcolor="white")  # fmt: skip
    out.update(
        xaxis=axis(
            {"text": title_lines(_("the vector swapped in: at this token"), HALF_TITLE)}, tickmode="array",
            tickvals=list(range(len(tokens))), ticktext=names, tickangle=-45, showgrid=False,
        ),
        yaxis=row_axis(depths, size=SMALL, title={"text": _("depth")}),
    )  # fmt: skip
    return figure([cells], out)
