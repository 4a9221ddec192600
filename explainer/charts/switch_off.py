"""Figures for parts of the model switched off (the Layers page): the word's probability without each part, without
each head, and the likeliest words with and without the parts a student picked. Data in, figure out
(explainer/charts/style.py)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explainer.analysis.switch_off import NEEDED
from explainer.charts.style import (
    BLUE,
    FONT,
    GREY,
    GRID,
    HALF_TITLE,
    LINE_PX,
    ORANGE,
    PALE,
    SMALL,
    axis,
    colour_key,
    figure,
    label,
    layers_by_heads,
    layout,
    percent_ticks,
    reference_line,
    row_axis,
    share_ticks,
    title_lines,
)
from explainer.format import percent, rough_percent
from explainer.i18n import _


def parts_needed(
    attention: np.ndarray, feed_forward: np.ndarray, on: float, word: str, title: str, narrow: bool = False
) -> go.Figure:
    """Per layer, two bars: the probability of `word` with that layer's attention (blue) or feed-forward network
    (orange) alone switched off; a dashed line at `on`, its probability with every part on. A short bar: a part the
    word needs. `narrow` (a phone): only those bars are written on; the others' labels ran into each other."""
    layers = [_("layer {n}").format(n=i + 1) for i in range(len(attention))]
    names = {"attention": _("attention off"), "ff": _("feed-forward off")}

    def bars(name: str, values: np.ndarray, colour: str) -> dict:
        return {
            "type": "bar", "name": name, "x": layers, "y": values, "marker": {"color": colour},
            "text": [rough_percent(v) if not narrow or v < NEEDED * on else "" for v in values],
            "textposition": "outside", "cliponaxis": False,
            **({"textangle": -90, "constraintext": "none"} if narrow else {}),  # upright in a phone's narrow bar
            "textfont": {"size": SMALL},
            "hovertemplate": f"%{{x}}, {name}: “{label(word)}” %{{y:.1%}}<extra></extra>",
        }  # fmt: skip

    line, _note = reference_line(on, "")
    key = colour_key([(BLUE, names["attention"]), (ORANGE, names["ff"])])
    key += "<br>" + colour_key([(GREY, _("every part on: {p}").format(p=percent(on)))], mark="╌╌")
    top = 70 + LINE_PX[SMALL] * (key.count("<br>") + 1)
    out = layout(title, 440, {"l": 10, "r": 10, "t": top, "b": 10})
    out["title"]["subtitle"] = {"text": key, "font": {"size": SMALL}}
    out.update(
        barmode="group", bargap=0.3, showlegend=False, shapes=[line], plot_bgcolor="white",
        xaxis=axis(tickfont={"size": FONT}),
        yaxis=axis(_("probability of “{word}”").format(word=label(word)), range=[0, 1.15], tickformat=".0%",
                   **percent_ticks(share_ticks(1.0)), gridcolor=GRID),
    )  # fmt: skip
    return figure([bars(names["attention"], attention, BLUE), bars(names["ff"], feed_forward, ORANGE)], out)


def heads_needed(table: np.ndarray, word: str, title: str, half: bool = False) -> go.Figure:
    """table (L, H): the probability of `word` with one head alone switched off, every cell written out; a pale cell
    is a head the word needs. `half`: one of two charts side by side (a shorter title line)."""
    hover = _("layer %{y}, head %{x} off: %{z:.1%}<extra></extra>")
    colour = _("probability of “{word}”").format(word=label(word))
    title = title_lines(title, HALF_TITLE) if half else title
    cells, out = layers_by_heads(table, colour, hover, title, row_px=min(70, 600 // len(table)))
    return figure([cells], out)


def with_and_without(words: list[str], on: list[float], off: list[float], title: str) -> go.Figure:
    """Per word, two horizontal bars: its probability with every part on (pale) and with the picked parts switched
    off (blue)."""
    names = [label(w) for w in words]
    rows = list(range(len(words)))

    def bars(name: str, values: list[float], colour: str) -> dict:
        return {
            "type": "bar", "orientation": "h", "name": name, "x": values, "y": rows, "marker": {"color": colour},
            "text": [percent(v) for v in values], "textposition": "outside", "cliponaxis": False,
            "textfont": {"size": SMALL}, "hovertext": names,
            "hovertemplate": f"“%{{hovertext}}”, {name}: %{{x:.2%}}<extra></extra>",
        }  # fmt: skip

    out = layout(title, 130 + 56 * len(words), {"l": 10, "r": 40, "t": 100, "b": 10}, plot_bgcolor="white")
    out.update(
        barmode="group", bargap=0.25, bargroupgap=0.05,
        legend={"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": SMALL}},
        xaxis=axis(range=[0, 1.25], **percent_ticks([0, 0.25, 0.5, 0.75, 1]), tickformat=".0%", gridcolor=GRID,
                   zeroline=True),
        yaxis=row_axis(names),
    )  # fmt: skip
    return figure([bars(_("every part on"), on, PALE[BLUE]), bars(_("your parts off"), off, BLUE)], out)
