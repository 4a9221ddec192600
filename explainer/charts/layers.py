"""Figures for the layers and last-vector pages: the residual stream's flow and its stages, the logit lens, the
feed-forward neurons, the last vector's scores. Data in, figure out (explainer/charts/style.py)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from explainer.charts.inside import escaped, position_axis, white_figure
from explainer.charts.style import (
    BLUE,
    COLOUR_BAR_PX,
    GREY,
    GRID,
    HALF_TITLE,
    MUTED,
    ORANGE,
    SEQUENTIAL,
    SMALL,
    colorscale,
    flat_colorbar,
    title_lines,
)
from explainer.format import fixed_percent, html_escape, number
from explainer.i18n import _

KIND_COLOUR = {"embed": GREY, "attn": BLUE, "ff": ORANGE, "block": BLUE, "final": GREY}


def flow_dot(stages: list, result: str) -> str:
    """Graphviz DOT of the flow: embedding → (attention → feed-forward) per layer → final norm → result.
    `stages` are inside.Stage; each box shows the change it adds (+Δ) and the vector's length after.
    One layer per row: attention on the left, feed-forward on the right."""
    fill = {"embed": "#eef1f4", "attn": "#dbe7f8", "ff": "#fde4d5", "block": "#dbe7f8", "final": "#eef1f4"}
    lines = [
        "digraph flow {",
        'rankdir=TB; nodesep=0.5; ranksep=0.3; bgcolor="transparent";',
        'node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=18, color="#8c959f", width=2.4];',
        'edge [color="#57606a", arrowsize=0.9, penwidth=1.5];',
    ]
    left = None  # the previous row's first box, to keep the rows in one column
    for i, s in enumerate(stages):
        if s.kind in ("embed", "final"):
            label = _("{name}\\nlength {norm}").format(name=s.name, norm=number(s.norm, 1))
        else:
            label = _("{name}\\n+Δ {change} → length {norm}").format(
                name=s.name, change=number(s.change, 1), norm=number(s.norm, 1)
            )
        lines.append(f'n{i} [label="{label}", fillcolor="{fill[s.kind]}"];')
        if i == 0:
            left = 0
            continue
        if s.kind == "ff" and stages[i - 1].kind == "attn":  # same row as its attention
            lines += [f"n{i - 1} -> n{i};", f"{{rank=same; n{i - 1}; n{i};}}"]
        else:
            lines += [f"n{i - 1} -> n{i} [constraint=false];", f"n{left} -> n{i} [style=invis];"]
            left = i
    lines.append(f'out [label="{_dot(result)}", style="rounded,filled,bold", fillcolor="#d3f0d9"];')
    lines += [f"n{len(stages) - 1} -> out;", "}"]
    return "\n".join(lines)


def _dot(s: str) -> str:
    return s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _stage_bars(names: list[str], kinds: list[str], x: list[float], xaxis: dict, title: str, **bar) -> go.Figure:
    """One bar per stage of the residual stream, the embedding on top, coloured by the kind of stage."""
    bars = {"type": "bar", "x": x, "y": list(range(len(names))), "orientation": "h",
            "marker": {"color": [KIND_COLOUR[k] for k in kinds]}, "textposition": "outside", "cliponaxis": False,
            "hovertext": names, **bar}  # fmt: skip
    axes = {
        "yaxis": position_axis(names, autorange="reversed", automargin=True),
        "xaxis": {"gridcolor": GRID, "tickfont": {"size": SMALL}, **xaxis},
    }
    return white_figure([bars], 110 + 34 * len(names), title, axes, r=40)


def change_bars(stages: list, title: str = "") -> go.Figure:
    """How much each stage changes one position's vector (the embedding bar is its own length)."""
    hover = _("adds a change of length {change}; vector length after: {length}").format(
        change="%{x:.2f}", length="%{customdata:.2f}"
    )
    return _stage_bars(
        [s.name for s in stages], [s.kind for s in stages], [s.change for s in stages],
        {"title": {"text": _("length of the change (‖Δ‖)")}}, title,
        texttemplate="%{x:.1f}", customdata=[s.norm for s in stages],
        hovertemplate=f"%{{hovertext}}: {hover}<extra></extra>",
    )  # fmt: skip


def alike_bars(names: list[str], kinds: list[str], alike: list[float], title: str = "") -> go.Figure:
    """How alike one position's vector is in two texts after each stage (cosine similarity, 1: the same direction),
    coloured by the kind of stage as `change_bars` is."""
    hover = _("{alike} alike").format(alike="%{x:.3f}")
    xaxis = {"title": {"text": _("cosine similarity<br>(1 = the same direction)")},
             "range": [min(0.0, *alike), 1.12]}  # fmt: skip
    return _stage_bars(names, kinds, alike, xaxis, title, texttemplate="%{x:.2f}",
                       hovertemplate=f"%{{hovertext}}: {hover}<extra></extra>")  # fmt: skip


# Characters of SMALL text across the logit lens's cells at the narrowest width it is read at: a 1024 px projector
# with the sidebar open leaves ~370 px for them (8 columns of ~46 px: 7 characters each; "Assistant" overflowed its
# cell); and in one cell at most, a phone's 4 columns (~60 px each). A cell's row is tall enough for two lines.
LENS_ROW_CHARS, LENS_CELL_CHARS = 56, 10


def _lens_cell(word: str, room: int) -> str:
    """A word as its cell shows it, HTML-escaped: whole on one line if it fits, else split in the middle over two
    ("Assis" / "tant"), cut with "…" only past two lines."""
    if len(word) <= room:
        return html_escape(word)
    half = min(room, (len(word) + 1) // 2)
    rest = word[half:] if len(word) - half <= room else word[half : half + room - 1] + "…"
    return f"{html_escape(word[:half])}<br>{html_escape(rest)}"


def logit_lens_heatmap(
    words: list[list[str]], probs: np.ndarray, x_labels: list[str], y_labels: list[str], title: str = ""
) -> go.Figure:
    """probs (L+1, P): the top token's probability at each depth (rows, embedding on top) and
    position (columns: the token just read); each cell shows that top token."""
    Lp1, P = probs.shape
    w = [escaped(r) for r in words]
    room = max(3, min(LENS_CELL_CHARS, round(LENS_ROW_CHARS / P)))  # what a cell's line holds; hover has it all
    short = [[_lens_cell(t, room) for t in r] for r in words]
    xs = escaped(x_labels)
    hover = [
        [
            _("after “{xs}”, {y_labels}: “{w}” {probs}").format(
                xs=xs[p], y_labels=y_labels[d], w=w[d][p], probs=fixed_percent(probs[d, p], 1)
            )
            for p in range(P)
        ]
        for d in range(Lp1)
    ]
    cells = {
        "type": "heatmap", "z": probs, "x": list(range(P)), "y": list(range(Lp1)), "zmin": 0, "zmax": 1,
        "colorscale": colorscale(SEQUENTIAL), "xgap": 2, "ygap": 2, "text": short, "texttemplate": "%{text}",
        "textfont": {"size": SMALL}, "customdata": hover, "hovertemplate": "%{customdata}<extra></extra>",
        "colorbar": flat_colorbar(_("probability of the top word"), over=True),  # the words need the width
    }  # fmt: skip
    axes = {
        # under a plot narrowed by its rows' names
        "xaxis": position_axis(xs, title={"text": title_lines(_("position (the token just read)"), HALF_TITLE)},
                            tickangle=-45, tickfont={"size": SMALL}, showgrid=False),
        "yaxis": position_axis(y_labels, title={"text": _("depth")}, autorange="reversed", showgrid=False),
    }  # fmt: skip
    return white_figure([cells], 200 + 44 * Lp1 + COLOUR_BAR_PX, title, axes, t=(60 if title else 20) + COLOUR_BAR_PX)


def neuron_bars(neurons: list[int], acts: list[float], title: str = "") -> go.Figure:
    """The most active feed-forward neurons for one token (activation after the GELU)."""
    bars = {
        "type": "bar", "x": acts, "y": list(range(len(neurons))), "orientation": "h", "marker": {"color": ORANGE},
        "texttemplate": "%{x:.2f}", "textposition": "outside", "cliponaxis": False,
        "customdata": neurons, "hovertemplate": _("neuron %{customdata}: %{x:.3f}<extra></extra>"),
    }  # fmt: skip
    axes = {
        "yaxis": position_axis([_("neuron {n}").format(n=n) for n in neurons], autorange="reversed", automargin=True),
        "xaxis": {"title": {"text": _("activation")}, "gridcolor": GRID, "tickfont": {"size": SMALL}},
    }
    return white_figure([bars], 110 + 32 * len(neurons), title_lines(title, HALF_TITLE), axes, r=40)  # beside a table


def neuron_writers_bars(names: list[str], words: list[str], added: list[float], title: str = "") -> go.Figure:
    """The neurons that add most to one word's score, largest at the top; each row is a neuron's name over the words
    it raises most there (`words`, one text a row)."""
    rows = [
        f'{html_escape(n)}<br><span style="font-size:{SMALL}px;color:{MUTED}">{html_escape(w)}</span>'
        for n, w in zip(names, words)
    ]
    bars = {
        "type": "bar", "x": added, "y": list(range(len(rows))), "orientation": "h", "marker": {"color": ORANGE},
        "texttemplate": "%{x:+.2f}", "textposition": "outside", "cliponaxis": False,
        "hovertext": escaped(names), "hovertemplate": _("%{hovertext}: adds %{x:+.3f} to the score<extra></extra>"),
    }  # fmt: skip
    lo = min(0.0, min(added, default=0.0))
    axes = {
        "yaxis": position_axis(rows, autorange="reversed", automargin=True),
        "xaxis": {"title": {"text": _("added to the score")}, "range": [lo * 1.2, max(added, default=1.0) * 1.25],
                  "gridcolor": GRID, "tickfont": {"size": SMALL}},
    }  # fmt: skip
    return white_figure([bars], 110 + 52 * len(rows), title, axes, r=40)


# ---------------------------------------------------------------------------- the last vector


def logit_bars(labels: list[str], logits: list[float], title: str = "") -> go.Figure:
    """The highest scores (logits) before the softmax; they can be any real number."""
    lab = escaped(labels)
    bars = {
        "type": "bar", "x": logits, "y": list(range(len(labels))), "orientation": "h", "marker": {"color": BLUE},
        "texttemplate": "%{x:.2f}", "textposition": "outside", "cliponaxis": False,
        "hovertext": lab, "hovertemplate": _("“%{hovertext}”: logit %{x:.3f}<extra></extra>"),
    }  # fmt: skip
    lo = min(0.0, min(logits, default=0.0))
    axes = {
        "yaxis": position_axis(lab, autorange="reversed", automargin=True),
        "xaxis": {"title": {"text": _("score (logit)")}, "range": [lo * 1.15, max(logits, default=1.0) * 1.2],
                  "tickfont": {"size": SMALL}},
    }  # fmt: skip
    return white_figure([bars], 110 + 34 * len(labels), title, axes, r=40)
