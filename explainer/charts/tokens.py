"""The tokens page's figure: how many pieces a text takes as a byte-level BPE's vocabulary grows, merge by merge."""

from __future__ import annotations

import plotly.graph_objects as go

from explainer.charts.style import BLUE, CHOSEN, GRID, ROW_PX, SMALL, axis, figure, labels_inside, layout, row_axis
from explainer.format import html_escape, number
from explainer.i18n import _, ngettext

INSIDE_FROM = 0.6  # a bar longer than this share of the longest carries its number inside


def pieces_by_vocabulary(sizes: list[int], counts: list[int], full: int, at: int, title: str = "") -> go.Figure:
    """A staircase: the text's pieces (y) against the vocabulary's size when each of its merges was learnt (x, log:
    the bytes alone at sizes[0], one step down per merge), flat on to the whole vocabulary (`full`); the point after
    `at` of its merges marked."""
    x, y = [*sizes, full], [*counts, counts[-1]]
    hover = _("a vocabulary of %{x:,} tokens: your text in %{y} pieces") + "<extra></extra>"
    data = [
        {"type": "scatter", "x": x, "y": y, "mode": "lines", "line": {"shape": "hv", "width": 4, "color": BLUE},
         "hovertemplate": hover},
        {"type": "scatter", "x": [sizes[at]], "y": [counts[at]], "mode": "markers+text",
         "marker": {"size": 18, "color": CHOSEN, "line": {"width": 2, "color": "white"}},
         "text": [number(counts[at])], "textposition": "top right", "textfont": {"size": SMALL, "color": CHOSEN},
         "hovertemplate": hover},
    ]  # fmt: skip
    out = layout(title, 360, {"l": 10, "r": 20, "t": 60 if title else 20, "b": 10}, showlegend=False)
    ticks = sorted({sizes[0], full, *(v for v in (1_000, 10_000, 100_000) if sizes[0] < v < full)})
    out.update(
        xaxis=axis(
            _("tokens in the vocabulary (log scale)"),
            type="log",
            tickvals=ticks,
            ticktext=[number(v) for v in ticks],
            gridcolor=GRID,
        ),
        yaxis=axis(_("pieces of your text"), range=[0, counts[0] * 1.2], gridcolor=GRID),
    )
    return figure(data, out)


def tokens_by_language(
    names: list[str], tokens: list[int], sentences: list[str], mark: int, title: str = ""
) -> go.Figure:
    """One bar per language: how many tokens the same sentence takes in it (its text in the hover); the class's
    language (`mark`) in orange."""
    bars = {
        "type": "bar", "orientation": "h", "x": tokens, "y": list(range(len(names))),
        "marker": {"color": [CHOSEN if i == mark else BLUE for i in range(len(names))]},
        "text": [ngettext("{n} token", "{n} tokens", n).format(n=number(n)) for n in tokens],
        **labels_inside([n > INSIDE_FROM * max(tokens) for n in tokens], SMALL), "textfont": {"size": SMALL},
        "hovertext": [html_escape(s) for s in sentences], "hovertemplate": "%{hovertext}<extra></extra>",
    }  # fmt: skip
    out = layout(title, 130 + ROW_PX * len(names), {"l": 10, "r": 10, "t": 60 if title else 20, "b": 10})
    out.update(
        showlegend=False,
        xaxis=axis(_("tokens"), range=[0, max(tokens) * 1.2], gridcolor=GRID),
        yaxis=row_axis(names),
    )
    return figure([bars], out)
