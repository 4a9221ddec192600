"""Plotly figures for the attention, layers and last-vector pages: data in, go.Figure out.

Projector-sized like charts.py (fonts ≥ 16 px, labelled axes and colour bars). Token axes are
numbered positions with the words as tick text, so that a repeated word never merges.
"""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from .charts import BLUE, FONT, GREY, ORANGE, SMALL

ATTN_SCALE = "Blues"  # 0 = white, 1 = dark blue
MASK = "#c8cdd3"  # future tokens, hidden by the causal mask


def _esc(labels: list[str]) -> list[str]:
    return [html.escape(s, quote=False) for s in labels]


def _style(fig: go.Figure, height: int, title: str = "", **margin) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": FONT + 2}} if title else None,
        font={"size": FONT},
        height=height,
        margin={"l": 10, "r": 10, "t": 60 if title else 20, "b": 10, **margin},
        plot_bgcolor="white",
        hoverlabel={"font": {"size": FONT}},
    )
    # Streamlit's plotly theme sets small axis fonts: give every axis projector sizes unless set here.
    fit = lambda a: a.update(tickfont_size=a.tickfont.size or SMALL, title_font_size=a.title.font.size or FONT)  # noqa: E731
    fig.for_each_xaxis(fit)
    fig.for_each_yaxis(fit)
    return fig


def _colorbar(title: str, fmt: str = ".0%") -> dict:
    return {
        "title": {"text": title, "side": "right", "font": {"size": SMALL}},
        "tickformat": fmt,
        "tickfont": {"size": SMALL},
    }


def attention_heatmap(att: np.ndarray, labels: list[str], title: str = "", highlight: int | None = None) -> go.Figure:
    """att (T, T) for one head (rows: the token looking; columns: the token looked at), labels (T,).
    Cells above the diagonal are the future, hidden by the causal mask: drawn grey."""
    T = len(labels)
    lab = _esc(labels)
    future = np.triu(np.ones((T, T), dtype=bool), 1)
    z = np.where(future, np.nan, att)
    hover = [[f"“{lab[q]}” → “{lab[k]}”: {att[q, k]:.3%}" for k in range(T)] for q in range(T)]
    fig = go.Figure(
        [
            go.Heatmap(
                z=np.where(future, 1.0, np.nan), x=list(range(T)), y=list(range(T)), colorscale=[[0, MASK], [1, MASK]],
                showscale=False, hovertemplate="future token: hidden by the causal mask<extra></extra>",
            ),
            go.Heatmap(
                z=z, x=list(range(T)), y=list(range(T)), zmin=0, zmax=1, colorscale=ATTN_SCALE,
                colorbar=_colorbar("attention weight"), text=hover, hovertemplate="%{text}<extra></extra>",
                xgap=1, ygap=1,
            ),
        ]
    )  # fmt: skip
    ticks = {"tickmode": "array", "tickvals": list(range(T)), "ticktext": lab, "tickfont": {"size": SMALL}}
    fig.update_xaxes(title="looked at (key)", tickangle=-60, side="bottom", showgrid=False, **ticks)
    fig.update_yaxes(title="looking (query)", autorange="reversed", showgrid=False, **ticks)
    if highlight is not None:
        fig.add_shape(
            type="rect", x0=-0.5, x1=T - 0.5, y0=highlight - 0.5, y1=highlight + 0.5, line={"color": ORANGE, "width": 3}
        )
    return _style(fig, 160 + 24 * T + 40 * bool(title), title)


def heads_grid(att: np.ndarray, labels: list[str], titles: list[str]) -> go.Figure:
    """att (H, T, T) for every head of one layer, small multiples sharing one 0–1 colour bar."""
    H, T = att.shape[0], len(labels)
    cols = min(H, 4)
    rows = -(-H // cols)
    fig = make_subplots(rows, cols, subplot_titles=titles, horizontal_spacing=0.04, vertical_spacing=0.08 / rows**0.5)
    lab = _esc(labels)
    future = np.triu(np.ones((T, T), dtype=bool), 1)
    for h in range(H):
        hover = [[f"“{lab[q]}” → “{lab[k]}”: {att[h, q, k]:.2%}" for k in range(T)] for q in range(T)]
        fig.add_trace(
            go.Heatmap(
                z=np.where(future, np.nan, att[h]), zmin=0, zmax=1, colorscale=ATTN_SCALE, showscale=h == 0,
                colorbar=_colorbar("attention weight"), text=hover, hovertemplate="%{text}<extra></extra>",
            ),
            row=h // cols + 1, col=h % cols + 1,
        )  # fmt: skip
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False)
    fig.update_yaxes(showticklabels=False, showgrid=False, zeroline=False, autorange="reversed")
    fig.update_annotations(font={"size": SMALL})
    fig = _style(fig, 80 + rows * (250 if cols > 2 else 320), t=70)
    fig.update_layout(plot_bgcolor=MASK)  # the masked future shows through as grey
    return fig


def attention_lines(weights: np.ndarray, labels: list[str], query: int, title: str = "") -> go.Figure:
    """weights (T,) of one query over the keys: lines from the query (right) to every earlier
    token (left), thicker and darker for more weight."""
    T = len(labels)
    lab = _esc(labels)
    fig = go.Figure()
    top = max(float(weights[: query + 1].max()), 1e-9)
    for k in range(query + 1):
        w = float(weights[k])
        if w < 0.005:
            continue
        fig.add_trace(
            go.Scatter(
                x=[0, 1], y=[k, query], mode="lines", hoverinfo="skip",
                line={"color": BLUE, "width": 1 + 14 * w / top}, opacity=0.25 + 0.75 * w / top,
            )
        )  # fmt: skip
    text = [f"{lab[k]}  {weights[k]:.0%}" if k <= query else lab[k] for k in range(T)]
    fig.add_trace(
        go.Scatter(
            x=[0] * T, y=list(range(T)), mode="markers+text", text=text, textposition="middle left",
            textfont={"size": SMALL, "color": [BLUE if k <= query else GREY for k in range(T)]},
            marker={"size": 8, "color": BLUE}, customdata=[f"{weights[k]:.3%}" for k in range(T)],
            hovertemplate="“%{text}”: %{customdata}<extra></extra>",
        )
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=[1], y=[query], mode="markers+text", text=[f"<b>{lab[query]}</b>"], textposition="middle right",
            textfont={"size": FONT, "color": ORANGE}, marker={"size": 14, "color": ORANGE}, hoverinfo="skip",
        )
    )  # fmt: skip
    fig.update_xaxes(visible=False, range=[-0.9, 1.6])
    fig.update_yaxes(visible=False, autorange="reversed")
    fig.update_layout(showlegend=False)
    return _style(fig, 80 + 26 * T, title)


def generation_heads(att: np.ndarray, labels: list[str], generated: list[bool], title: str = "") -> go.Figure:
    """att (H, T) for one query (the position that predicted the new token): a row per head over
    the tokens it could see; generated tokens' labels in orange."""
    H, T = att.shape
    lab = _esc(labels)
    ticks = [f'<span style="color:{ORANGE}"><b>{s}</b></span>' if g else s for s, g in zip(lab, generated)]
    hover = [[f"head {h + 1} → “{lab[k]}”: {att[h, k]:.3%}" for k in range(T)] for h in range(H)]
    fig = go.Figure(
        go.Heatmap(
            z=att, x=list(range(T)), y=list(range(H)), zmin=0, zmax=1, colorscale=ATTN_SCALE, xgap=1, ygap=2,
            colorbar=_colorbar("attention weight"), text=hover, hovertemplate="%{text}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_xaxes(
        title="earlier tokens (orange: generated)", tickmode="array", tickvals=list(range(T)), ticktext=ticks,
        tickangle=-60, tickfont={"size": SMALL}, showgrid=False,
    )  # fmt: skip
    fig.update_yaxes(
        title="head", tickmode="array", tickvals=list(range(H)), ticktext=[f"head {h + 1}" for h in range(H)],
        autorange="reversed", showgrid=False,
    )  # fmt: skip
    return _style(fig, 230 + 34 * H, title)


# ---------------------------------------------------------------------------- layers

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
        if s.kind == "embed":
            label = f"{s.name}\\nlength {s.norm:.1f}"
        elif s.kind == "final":
            label = f"{s.name}\\nlength {s.norm:.1f}"
        else:
            label = f"{s.name}\\n+Δ {s.change:.1f} → length {s.norm:.1f}"
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


def change_bars(stages: list, title: str = "") -> go.Figure:
    """How much each stage changes one position's vector (the embedding bar is its own length)."""
    names = [s.name for s in stages]
    fig = go.Figure(
        go.Bar(
            x=[s.change for s in stages], y=list(range(len(stages))), orientation="h",
            marker={"color": [KIND_COLOUR[s.kind] for s in stages]},
            text=[f"{s.change:.1f}" for s in stages], textposition="outside", cliponaxis=False,
            customdata=[f"{s.norm:.2f}" for s in stages],
            hovertemplate="%{y}: adds a change of length %{x:.2f}; vector length after: %{customdata}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_yaxes(
        tickmode="array", tickvals=list(range(len(stages))), ticktext=names, autorange="reversed", automargin=True
    )
    fig.update_xaxes(title="length of the change (‖Δ‖)", gridcolor="rgba(128,128,128,0.25)", tickfont={"size": SMALL})
    return _style(fig, 110 + 34 * len(stages), title, r=40)


def logit_lens_heatmap(
    words: list[list[str]], probs: np.ndarray, x_labels: list[str], y_labels: list[str], title: str = ""
) -> go.Figure:
    """probs (L+1, P): the top token's probability at each depth (rows, embedding on top) and
    position (columns: the token just read); each cell shows that top token."""
    Lp1, P = probs.shape
    w = [_esc(r) for r in words]
    short = [[t if len(t) <= 5 else t[:4] + "…" for t in r] for r in w]  # cells stay narrow; hover has it all
    xs = _esc(x_labels)
    hover = [[f"after “{xs[p]}”, {y_labels[d]}: “{w[d][p]}” {probs[d, p]:.1%}" for p in range(P)] for d in range(Lp1)]
    fig = go.Figure(
        go.Heatmap(
            z=probs, x=list(range(P)), y=list(range(Lp1)), zmin=0, zmax=1, colorscale="YlGnBu", xgap=2, ygap=2,
            text=short, texttemplate="%{text}", textfont={"size": SMALL - 2}, customdata=hover,
            hovertemplate="%{customdata}<extra></extra>", colorbar=_colorbar("probability of the top word"),
        )
    )  # fmt: skip
    fig.update_xaxes(
        title="position (the token just read)", tickmode="array", tickvals=list(range(P)), ticktext=_esc(x_labels),
        tickangle=-45, tickfont={"size": SMALL}, showgrid=False,
    )  # fmt: skip
    fig.update_yaxes(
        title="depth", tickmode="array", tickvals=list(range(Lp1)), ticktext=y_labels, autorange="reversed",
        showgrid=False,
    )  # fmt: skip
    return _style(fig, 200 + 44 * Lp1, title)


def neuron_bars(neurons: list[int], acts: list[float], title: str = "") -> go.Figure:
    """The most active feed-forward neurons for one token (activation after the GELU)."""
    fig = go.Figure(
        go.Bar(
            x=acts, y=list(range(len(neurons))), orientation="h", marker={"color": ORANGE},
            text=[f"{a:.2f}" for a in acts], textposition="outside", cliponaxis=False,
            customdata=neurons, hovertemplate="neuron %{customdata}: %{x:.3f}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_yaxes(
        tickmode="array", tickvals=list(range(len(neurons))), ticktext=[f"neuron {n}" for n in neurons],
        autorange="reversed", automargin=True,
    )  # fmt: skip
    fig.update_xaxes(title="activation", gridcolor="rgba(128,128,128,0.25)", tickfont={"size": SMALL})
    return _style(fig, 110 + 32 * len(neurons), title, r=40)


# ---------------------------------------------------------------------------- the last vector


def heat_strip(v: np.ndarray, title: str = "", name: str = "value") -> go.Figure:
    """A vector (D,) as one row of coloured cells: red negative, blue positive, white zero."""
    m = max(float(np.abs(v).max()), 1e-9)
    fig = go.Figure(
        go.Heatmap(
            z=[v], x=list(range(len(v))), y=[0], zmin=-m, zmax=m, colorscale="RdBu", zmid=0,
            colorbar=_colorbar(name, ".2~f"),
            hovertemplate="number %{x}: %{z:.3f}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_yaxes(visible=False)
    fig.update_xaxes(title=f"its {len(v)} numbers", showgrid=False, tickfont={"size": SMALL})
    return _style(fig, 170 + 40 * bool(title), title, b=10)


def logit_bars(labels: list[str], logits: list[float], title: str = "") -> go.Figure:
    """The highest scores (logits) before the softmax; they can be any real number."""
    fig = go.Figure(
        go.Bar(
            x=logits, y=list(range(len(labels))), orientation="h", marker={"color": GREY},
            text=[f"{z:.2f}" for z in logits], textposition="outside", cliponaxis=False,
            hovertext=_esc(labels), hovertemplate="“%{hovertext}”: logit %{x:.3f}<extra></extra>",
        )
    )  # fmt: skip
    fig.update_yaxes(
        tickmode="array", tickvals=list(range(len(labels))), ticktext=_esc(labels), autorange="reversed",
        automargin=True,
    )  # fmt: skip
    lo = min(0.0, min(logits, default=0.0))
    fig.update_xaxes(title="score (logit)", range=[lo * 1.15, max(logits, default=1.0) * 1.2], tickfont={"size": SMALL})
    return _style(fig, 110 + 34 * len(labels), title, r=40)
