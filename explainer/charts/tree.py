"""The tree of continuations ("What else could it have said?"): the prompt on the left, each token a node to the
right of the one before, a branch as thick as its path is likely. Data in, figure out (explainer/charts/style.py)."""

from __future__ import annotations

import html

import plotly.graph_objects as go

from explainer.charts.style import BLUE, FONT, GREY, LINE_PX, ORANGE, SMALL, figure, label, layout, title_lines
from explainer.format import fixed_percent, rough_percent
from explainer.generation.tree import Node, greedy_end, leaves, path_of
from explainer.i18n import _

MAX_WIDTH = 16  # px: a branch of probability 1
PROMPT_LETTERS = 9  # a line of the prompt's end, left of its dot: a phone has room for about nine
COLUMN_LETTERS = 7  # a line of a column's name ("palabra 1" takes two): on a phone the columns are 65 px apart
INK = "#1f2328"  # the words


def _rows(nodes: list[Node]) -> list[float]:
    """Each node's height: the leaves one row apart in depth-first order, a parent in the middle of its children."""
    children: dict[int, list[int]] = {}
    for i, n in enumerate(nodes[1:], 1):
        children.setdefault(n.parent, []).append(i)
    y = [0.0] * len(nodes)
    next_row = 0

    def place(i: int) -> float:
        nonlocal next_row
        kids = children.get(i, [])
        if not kids:
            y[i], next_row = next_row, next_row + 1
        else:
            y[i] = sum(place(k) for k in kids) / len(kids)
        return y[i]

    place(0)
    return y


def continuation_tree(nodes: list[Node], tokens: list[str], prompt_tail: str, title: str = "") -> go.Figure:
    """nodes from `generation.tree.continuation_tree`, tokens[i]: node i's own token as shown (tokens[0] unused).
    Every node carries its index as customdata, so that a click can continue from it."""
    y = _rows(nodes)
    ends = leaves(nodes)
    on_best = {id(n) for n in path_of(nodes, ends[0])} if ends else set()
    # the favourite word at each step (greedy), dashed where it leaves the likeliest path
    on_greedy = {id(n) for n in path_of(nodes, greedy_end(nodes))} - on_best if ends else set()
    edges = []
    for i, n in enumerate(nodes[1:], 1):
        edges.append({
            "type": "scatter", "mode": "lines", "x": [n.depth - 1, n.depth], "y": [y[n.parent], y[i]],
            "line": {"width": 1 + (MAX_WIDTH - 1) * n.path_prob, "color": ORANGE if id(n) in on_best else BLUE,
                     "dash": "dash" if id(n) in on_greedy else "solid"},
            "opacity": 0.85, "hoverinfo": "skip", "showlegend": False,
        })  # fmt: skip
    depth = max(n.depth for n in nodes)
    # a word between two columns takes two lines (on a phone a column is narrower than "␣high 24%"); the last words
    # have the right margin to themselves
    texts = [title_lines(label(prompt_tail), PROMPT_LETTERS)] + [
        f"{label(tokens[i])}{' ' if n.depth == depth else '<br>'}{rough_percent(n.prob)}"
        for i, n in enumerate(nodes[1:], 1)
    ]
    hover = [_("the prompt")] + [
        _("“{words}”<br>this word: {word} · the whole path: {path}").format(
            words=label(n.text.strip()), word=fixed_percent(n.prob, 1), path=fixed_percent(n.path_prob, 2)
        )
        for n in nodes[1:]
    ]
    points = {
        "type": "scatter", "mode": "markers", "x": [n.depth for n in nodes], "y": y,
        "marker": {"size": 14, "color": [GREY] + [ORANGE if id(n) in on_best else BLUE for n in nodes[1:]]},
        "customdata": list(range(len(nodes))), "hovertext": hover, "hovertemplate": "%{hovertext}<extra></extra>",
        "showlegend": False,
    }  # fmt: skip
    notes = [  # the words above their nodes, on white: readable across a thick branch; the prompt's ends at its
        # dot, clear of the first words (on a phone a column is as wide as "…a time,")
        {"x": n.depth, "y": y[i], "text": texts[i], "showarrow": False, "xanchor": "right" if i == 0 else "left",
         "yanchor": "bottom", "align": "left", "xshift": 8 if i == 0 else 2, "yshift": 6,
         "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": FONT, "color": INK}}
        for i, n in enumerate(nodes)
    ]  # fmt: skip
    rows = max(y) + 1 if len(nodes) > 1 else 1
    # The last words' labels stand in the right margin, as wide as the longest (a column's share of a phone's width
    # is too narrow for "␣beautiful 4%"); the others stand between the columns.
    right = max((len(html.unescape(texts[i])) for i, n in enumerate(nodes) if n.depth == depth), default=0)
    columns = [_("prompt")] + [_("word {d}").format(d=d) for d in range(1, depth + 1)]
    key = "" if title else _("thicker = likelier<br>orange = the likeliest path")  # one line on a phone: cut in German
    if key and on_greedy:
        key += "<br>" + _("dashed = the likeliest word at each step")
    lines = key.count("<br>") + 1 if key else 0
    top = 110 + (LINE_PX[SMALL] * (lines - 1) if lines > 2 else 0)  # a longer key pushes the tree and its top word down
    out = layout(
        title or _("What else could it have said?"), int(180 + 60 * rows + top - 110),
        {"l": 40, "r": 10 + 0.5 * FONT * right, "t": top, "b": 30}, plot_bgcolor="white",
        xaxis={"range": [-0.45, depth + 0.1], "tickmode": "array", "tickvals": list(range(depth + 1)),
               "ticktext": [title_lines(t, COLUMN_LETTERS) for t in columns],
               "showgrid": False, "zeroline": False, "tickfont": {"size": SMALL}, "automargin": True},
        yaxis={"visible": False, "autorange": "reversed"}, hovermode="closest", dragmode=False, annotations=notes,
    )  # fmt: skip
    if key:
        out["title"]["subtitle"] = {"text": key, "font": {"size": SMALL}}
    return figure(edges + [points], out)
