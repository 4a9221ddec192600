"""Figures for the Emergence page: where a model keeps what it learned. Data in, figure out
(explainer/charts/style.py)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explainer.charts.style import HALF_TITLE, ORANGE, SMALL, axis, colorbar, colorscale, figure, layout, title_lines
from explainer.i18n import _


def entity_heads_chart(table: np.ndarray, found: tuple[int, int], title: str = "") -> go.Figure:
    """table (L, H): the share of attention each head puts on the country's name from the answer position, every
    cell written out; the strongest head (`found`, 0-based layer and head) boxed in orange."""
    L, H = table.shape
    cells = {
        "type": "heatmap", "z": table, "x": list(range(1, H + 1)), "y": list(range(1, L + 1)), "zmin": 0, "zmax": 1,
        "colorscale": colorscale("Blues"), "xgap": 3, "ygap": 3, "texttemplate": "%{z:.0%}",
        "textfont": {"size": SMALL}, "colorbar": colorbar(_("attention on the country")),
        "hovertemplate": _("layer %{y}, head %{x}: %{z:.0%}<extra></extra>"),
    }  # fmt: skip
    layer, head = found[0] + 1, found[1] + 1  # numbered from 1 for people, in the hover too
    box = {"type": "rect", "x0": head - 0.5, "x1": head + 0.5, "y0": layer - 0.5, "y1": layer + 0.5,
           "line": {"color": ORANGE, "width": 5}}  # fmt: skip
    title = title_lines(title, HALF_TITLE)  # two charts side by side
    out = layout(title, 150 + 70 * L, {"l": 10, "r": 10, "t": 70 if title else 20, "b": 10}, plot_bgcolor="white")
    out.update(
        shapes=[box],
        xaxis=axis(_("head"), tickvals=list(range(1, H + 1))),
        yaxis=axis(_("layer"), tickvals=list(range(1, L + 1)), autorange="reversed"),
    )
    return figure([cells], out)
