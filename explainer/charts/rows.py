"""Rows of grouped horizontal bars, one group per word or answer, each bar with its number written after it: the
class poll's boards and the lookup beside the model. Data in, figure out."""

from __future__ import annotations

import plotly.graph_objects as go

from explainer.charts.style import ROW_PX, SMALL, figure, layout, row_axis
from explainer.format import percent


def grouped_rows(bars: list[dict], names: list[str], title: str, top: float) -> go.Figure:
    """Rows of grouped horizontal bars (one group per name), room after the longest for its text; the legend under
    the rows when there is more than one kind of bar."""
    out = layout(
        title,
        90 + ROW_PX * max(len(names), 1) * len(bars),
        {"l": 10, "r": 30, "t": 60 if title else 20, "b": 30},
        showlegend=len(bars) > 1,
        legend={
            "orientation": "h",
            "y": -0.02,
            "yanchor": "top",
            "x": 0,
            "font": {"size": SMALL},
            "traceorder": "normal",
        },
        barmode="group",
        bargap=0.25,
        bargroupgap=0.05,
        uniformtext={"minsize": SMALL, "mode": "show"},
    )
    out.update(xaxis={"range": [0, top * 1.3], "showticklabels": False, "showgrid": False}, yaxis=row_axis(names))
    return figure(bars, out)


def row_bar(name: str, values: list[float], colours: list[str], group: str, texts: list[str] | None = None) -> dict:
    return {
        "type": "bar",
        "orientation": "h",
        "name": name,
        "offsetgroup": group,
        "x": values,
        "y": list(range(len(values))),
        "marker": {"color": colours},
        "text": texts if texts is not None else [percent(v) for v in values],
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": f"{name}: %{{x:.1%}}<extra></extra>",
    }
