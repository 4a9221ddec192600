"""Figures for the Emergence page: where a model keeps what it learned. Data in, figure out
(explainer/charts/style.py)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explainer.charts.style import HALF_TITLE, ORANGE, figure, layers_by_heads, title_lines
from explainer.i18n import _


def entity_heads_chart(table: np.ndarray, found: tuple[int, int], title: str = "") -> go.Figure:
    """table (L, H): the share of attention each head puts on the country's name from the answer position, every
    cell written out; the strongest head (`found`, 0-based layer and head) boxed in orange."""
    cells, out = layers_by_heads(
        table,
        _("attention on the country"),
        _("layer %{y}, head %{x}: %{z:.0%}<extra></extra>"),
        title_lines(title, HALF_TITLE),  # two charts side by side
        half=True,
    )
    layer, head = found[0] + 1, found[1] + 1
    out["shapes"] = [{"type": "rect", "x0": head - 0.5, "x1": head + 0.5, "y0": layer - 0.5, "y1": layer + 0.5,
                      "line": {"color": ORANGE, "width": 5}}]  # fmt: skip
    return figure([cells], out)
