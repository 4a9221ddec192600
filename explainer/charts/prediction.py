"""Figures for the prediction pages (next word; temperature & sampling): the next-token bars, the two distributions
side by side, entropy against temperature. Data in, figure out (explainer/charts/style.py)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from explainer.charts.style import (
    BLUE,
    CHOSEN,
    CUT,
    FONT,
    GREY,
    GRID,
    ROW_PX,
    SMALL,
    axis,
    figure,
    label,
    layout,
    reference_line,
    row_axis,
)
from explainer.format import percent

if TYPE_CHECKING:
    from explainer.generation.next_token import Comparison

OTHER_LABEL = "everything else"


def _layout(title: str, height: int, top: int | None = None) -> dict:
    margin = {"l": 10, "r": 30, "t": top or (60 if title else 20), "b": 50}
    return layout(title, height, margin, showlegend=False, bargap=0.25, uniformtext={"minsize": SMALL, "mode": "show"})


def _rows_height(n_rows: int, extra: int = 90) -> int:
    return extra + ROW_PX * max(n_rows, 1)


def _prob_axis(values: list[float], log_x: bool, **extra) -> dict:
    """Linear 0..max (room for the % labels) or log over the positive values."""
    top = max([v for v in values if v > 0], default=1.0)
    if log_x:
        low = min([v for v in values if v > 0], default=1e-6)
        out = axis(type="log", range=[math.log10(low) - 0.3, math.log10(top) + 0.9], tickformat="~%", gridcolor=GRID)
    else:  # every bar carries its % label: no axis numbers to compete with them
        out = {"range": [0, top * 1.3], "showticklabels": False, "showgrid": False}
    return {**out, "zeroline": True, **extra}


def _bars(values: list[float], colours: list[str], texts: list[str], names: list[str], **extra) -> dict:
    return {
        "type": "bar",
        "orientation": "h",
        "x": values,
        "y": list(range(len(values))),
        "marker": {"color": colours},
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "hovertext": names,
        "hovertemplate": "%{hovertext}: %{x:.4%}<extra></extra>",
        **extra,
    }


def next_token_bars(
    labels: list[str],
    probs: list[float],
    other: float | None = None,
    highlight: str | None = None,
    log_x: bool = False,
    title: str = "",
) -> go.Figure:
    """Horizontal bars of the likeliest next tokens, most likely on top, with % labels;
    `other` adds a grey "everything else" bar at the bottom; `highlight` colours one token."""
    order = sorted(range(len(probs)), key=lambda i: -probs[i])
    rows = [(label(labels[i]), float(probs[i]), CHOSEN if labels[i] == highlight else BLUE) for i in order]
    if other is not None:
        rows.append((f"<i>{OTHER_LABEL}</i>", max(float(other), 0.0), GREY))
    names = [r[0] for r in rows]
    values = [r[1] for r in rows]
    bar = _bars(values, [r[2] for r in rows], [percent(v) for v in values], names)
    out = _layout(title, _rows_height(len(rows)))
    out.update(xaxis=_prob_axis(values, log_x), yaxis=row_axis(names))
    return figure([bar], out)


def sampling_comparison(c: Comparison, log_x: bool = False) -> go.Figure:
    """Side by side: the model's own distribution (T = 1) and the one the word is drawn from.

    Right panel: words top-k / top-p cut away are pale hatched bars at the probability
    they would have had (temperature applied, before the cut), labelled "cut"."""
    labels = [label(t) for t in c.labels] + [f"<i>{OTHER_LABEL}</i>"]
    base = [*c.base, c.base_other]
    chosen = [*c.chosen, c.chosen_other]
    before = [*c.before_cut, c.before_cut_other]
    kept = [*c.kept, c.other_kept]
    is_other = [False] * len(c.labels) + [True]
    left = _bars(base, [GREY if o else BLUE for o in is_other], [percent(v) for v in base], labels)
    shown = [v if k else b for v, b, k in zip(chosen, before, kept)]
    right = _bars(
        shown,
        [(GREY if o else BLUE) if k else CUT for k, o in zip(kept, is_other)],
        [percent(v) if k or b == 0 else "cut" for v, b, k in zip(chosen, before, kept)],
        labels,
        xaxis="x2",
        hovertemplate="%{hovertext}: %{text}<extra></extra>",
    )
    right["marker"]["pattern"] = {"shape": ["" if k else "/" for k in kept], "fgcolor": GREY, "size": 8}
    gap = 0.06
    domains = [[0, 0.5 - gap / 2], [0.5 + gap / 2, 1]]
    small = f"<span style='font-size:{SMALL}px'>"
    titles = [
        f"<b>The model's own</b> · {c.base_bits:.2f} bits<br>{small}T = 1, nothing cut</span>",
        f"<b>Drawn from</b> · {c.chosen_bits:.2f} bits<br>{small}{c.settings}</span>",
    ]
    out = _layout("", _rows_height(len(labels), extra=120), top=80)
    out.update(
        xaxis=_prob_axis(base, log_x, domain=domains[0]),
        xaxis2=_prob_axis(shown, log_x, domain=domains[1], anchor="y"),
        yaxis=row_axis(labels),
        annotations=[
            {"text": text, "x": sum(d) / 2, "xref": "paper", "xanchor": "center", "y": 1, "yref": "paper",
             "yanchor": "bottom", "showarrow": False, "font": {"size": FONT}}
            for text, d in zip(titles, domains)
        ],
    )  # fmt: skip
    return figure([left, right], out)


def entropy_curve(
    temperatures: list[float],
    bits: list[float],
    current: tuple[float, float] | None = None,
    max_bits: float | None = None,
    title: str = "",
    max_label: str = "every word equally likely",
) -> go.Figure:
    """Entropy (bits) of the draw against temperature; a dot for the current setting and a
    dashed line at `max_bits`, the most uncertain case (`max_label`)."""
    t_max = max(temperatures, default=1.0)
    data = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": temperatures,
            "y": bits,
            "line": {"color": BLUE, "width": 4},
            "hovertemplate": "T = %{x:.2f}: %{y:.2f} bits<extra></extra>",
        }
    ]
    out = _layout(title, 400, top=100 if title else 60)
    shapes, notes = [], []
    if max_bits is not None:
        line, note = reference_line(max_bits, f"{max_label}: {max_bits:.1f} bits")
        shapes.append(line)
        notes.append(note)
    if current is not None:  # the dot on the curve; its numbers above the plot, where no curve can cross them
        t, b = current
        data.append(
            {"type": "scatter", "mode": "markers", "x": [t], "y": [b],
             "marker": {"color": CHOSEN, "size": 18, "line": {"color": "white", "width": 2}},
             "hovertemplate": "your setting: T = %{x:.2f}, %{y:.2f} bits<extra></extra>", "cliponaxis": False}
        )  # fmt: skip
        notes.append(
            {"text": f"● your setting: T = {t:.2f} → {b:.2f} bits", "xref": "paper", "x": 1, "xanchor": "right",
             "yref": "paper", "y": 1.02, "yanchor": "bottom", "showarrow": False,
             "font": {"size": FONT, "color": CHOSEN}}
        )  # fmt: skip
    top = max([*bits, max_bits or 0, 1.0])
    out.update(
        shapes=shapes,
        annotations=notes,
        xaxis=axis("temperature T", range=[0, t_max], gridcolor=GRID),
        yaxis=axis("entropy (bits)", range=[0, top * 1.12], gridcolor=GRID, automargin=True),
    )
    return figure(data, out)
