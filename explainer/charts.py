"""Plotly figure builders: data in, go.Figure out (no Streamlit here).

Sized for a classroom projector: fonts of 16 px and more, one strong colour for
the words, grey for "everything else", a pale hatched grey for words cut away.

Figures are written as plain dicts and wrapped without plotly's validation, which
costs 10-20 ms per figure: too slow for a slider that redraws on every step. The
tests validate every builder's output instead (`go.Figure(fig.to_dict())`).
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

import plotly.graph_objects as go

if TYPE_CHECKING:
    from .next_token import Comparison

FONT = 18  # base font size (px): readable from the back of a classroom
SMALL = FONT - 2  # 16 px: the smallest text drawn
BLUE = "#1f5fbf"  # the words
ORANGE = "#e8590c"  # a highlighted word (the one chosen)
GREY = "#8c959f"  # "everything else"
GREEN = "#2b8a3e"  # good: the validation text, the answer a student preferred
CUT = "#d0d7de"  # words that top-k / top-p removed
OTHER_LABEL = "everything else"
ROW_PX = 36  # height of one bar row


def visible_token(token: str) -> str:
    """A token as a student can see it: newlines as ⏎, tabs as ⇥, edge spaces as ␣, nothing as ∅."""
    if token == "":
        return "∅"
    shown = token.replace("\r", "").replace("\n", "⏎").replace("\t", "⇥")
    core = shown.strip(" ")
    if not core:
        return "␣" * len(shown)
    lead = len(shown) - len(shown.lstrip(" "))
    trail = len(shown) - len(shown.rstrip(" "))
    return "␣" * lead + core + "␣" * trail


def percent(p: float) -> str:
    """0.976 -> '97.6%', 0.0421 -> '4.21%', 0.00012 -> '0.012%', 3e-9 -> '<0.001%'."""
    if p <= 0:
        return "0%"
    if p < 1e-5:
        return "<0.001%"
    return f"{100 * p:.3g}%"


def _label(token: str) -> str:
    return html.escape(visible_token(token), quote=False)  # plotly reads "<unk>" as a tag otherwise


def _figure(data: list[dict], layout: dict) -> go.Figure:
    return go.Figure({"data": data, "layout": layout}, _validate=False)  # see the module docstring


def _layout(title: str, height: int, top: int | None = None) -> dict:
    return {
        "title": {"text": title, "font": {"size": FONT + 2}} if title else None,
        "font": {"size": FONT},
        "height": height,
        "margin": {"l": 10, "r": 30, "t": top or (60 if title else 20), "b": 50},
        "showlegend": False,
        "bargap": 0.25,
        "uniformtext": {"minsize": FONT - 2, "mode": "show"},
    }


def _rows_height(n_rows: int, extra: int = 90) -> int:
    return extra + ROW_PX * max(n_rows, 1)


def _prob_axis(values: list[float], log_x: bool, **extra) -> dict:
    """Linear 0..max (room for the % labels) or log over the positive values."""
    top = max([v for v in values if v > 0], default=1.0)
    if log_x:
        low = min([v for v in values if v > 0], default=1e-6)
        axis = {"type": "log", "range": [math.log10(low) - 0.3, math.log10(top) + 0.9], "tickformat": "~%"}
        axis.update(tickfont={"size": FONT - 2}, gridcolor="rgba(128,128,128,0.25)")
    else:  # every bar carries its % label: no axis numbers to compete with them
        axis = {"range": [0, top * 1.3], "showticklabels": False, "showgrid": False}
    return {**axis, "zeroline": True, **extra}


def _row_axis(labels: list[str]) -> dict:
    # Rows are positions 0..n-1 (top to bottom) so that equal labels never merge.
    return {
        "tickmode": "array",
        "tickvals": list(range(len(labels))),
        "ticktext": labels,
        "autorange": "reversed",
        "showgrid": False,
        "automargin": True,
        "tickfont": {"size": FONT},
    }


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
    rows = [(_label(labels[i]), float(probs[i]), ORANGE if labels[i] == highlight else BLUE) for i in order]
    if other is not None:
        rows.append((f"<i>{OTHER_LABEL}</i>", max(float(other), 0.0), GREY))
    names = [r[0] for r in rows]
    values = [r[1] for r in rows]
    bar = _bars(values, [r[2] for r in rows], [percent(v) for v in values], names)
    layout = _layout(title, _rows_height(len(rows)))
    layout.update(xaxis=_prob_axis(values, log_x), yaxis=_row_axis(names))
    return _figure([bar], layout)


def sampling_comparison(c: Comparison, log_x: bool = False) -> go.Figure:
    """Side by side: the model's own distribution (T = 1) and the one the word is drawn from.

    Right panel: words top-k / top-p cut away are pale hatched bars at the probability
    they would have had (temperature applied, before the cut), labelled "cut"."""
    labels = [_label(t) for t in c.labels] + [f"<i>{OTHER_LABEL}</i>"]
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
    small = f"<span style='font-size:{FONT - 2}px'>"
    titles = [
        f"<b>The model's own</b> · {c.base_bits:.2f} bits<br>{small}T = 1, nothing cut</span>",
        f"<b>Drawn from</b> · {c.chosen_bits:.2f} bits<br>{small}{c.settings}</span>",
    ]
    layout = _layout("", _rows_height(len(labels), extra=120), top=80)
    layout.update(
        xaxis=_prob_axis(base, log_x, domain=domains[0]),
        xaxis2=_prob_axis(shown, log_x, domain=domains[1], anchor="y"),
        yaxis=_row_axis(labels),
        annotations=[
            {"text": text, "x": sum(d) / 2, "xref": "paper", "xanchor": "center", "y": 1, "yref": "paper",
             "yanchor": "bottom", "showarrow": False, "font": {"size": FONT}}
            for text, d in zip(titles, domains)
        ],
    )  # fmt: skip
    return _figure([left, right], layout)


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
    layout = _layout(title, 380)
    shapes, notes = [], []
    if max_bits is not None:
        shapes.append(
            {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "y0": max_bits, "y1": max_bits,
             "line": {"dash": "dash", "color": GREY, "width": 2}}
        )  # fmt: skip
        notes.append(
            {"text": f"{max_label}: {max_bits:.1f} bits", "xref": "paper", "x": 0, "xanchor": "left",
             "y": max_bits, "yanchor": "bottom", "showarrow": False, "font": {"size": FONT - 2, "color": GREY}}
        )  # fmt: skip
    if current is not None:
        t, b = current
        data.append(
            {"type": "scatter", "mode": "markers+text", "x": [t], "y": [b], "text": [f"T = {t:.2f}: {b:.2f} bits"],
             "marker": {"color": ORANGE, "size": 18, "line": {"color": "white", "width": 2}},
             "textposition": "bottom right" if t < 0.6 * t_max else "bottom left",
             "textfont": {"size": FONT, "color": ORANGE}, "hoverinfo": "skip", "cliponaxis": False}
        )  # fmt: skip
    top = max([*bits, max_bits or 0, 1.0])
    grid = "rgba(128,128,128,0.25)"
    layout.update(
        shapes=shapes,
        annotations=notes,
        xaxis={"title": {"text": "temperature T", "font": {"size": FONT}}, "range": [0, t_max],
               "tickfont": {"size": FONT - 2}, "gridcolor": grid},
        yaxis={"title": {"text": "entropy (bits)", "font": {"size": FONT}}, "range": [0, top * 1.12],
               "tickfont": {"size": FONT - 2}, "gridcolor": grid, "automargin": True},
    )  # fmt: skip
    return _figure(data, layout)
