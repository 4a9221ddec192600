"""Figures for the attention page: heatmaps of who looks at whom, one token's lines, how scores become weights; and
what the figures inside the transformer share (explainer/charts/layers.py draws the layers' and the last vector's).
Data in, figure out (explainer/charts/style.py); token axes are numbered positions with the words as tick text, so
that a repeated word never merges."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from explainer.charts.style import (
    BLUE,
    COLOUR_BAR_PX,
    FONT,
    GREY,
    GRID,
    INK,
    LINE_PX,
    MUTED,
    ORANGE,
    ROW_PX,
    SEQUENTIAL,
    SMALL,
    axis,
    colorscale,
    colour_key,
    column_angle,
    every_other_name,
    figure,
    flat_colorbar,
    labels_inside,
    layout,
    percent_ticks,
    spoken_axes,
    title_lines,
)
from explainer.format import fixed_percent, html_escape, number, percent
from explainer.i18n import _

MASK = "#c8cdd3"  # future tokens, hidden by the causal mask
ZWSP = "\u200b"  # zero-width space: keeps a repeated token's category apart
PANEL_TITLE = 14  # letters of an axis title under a panel 40 % as wide as a phone's chart
HEAD_TITLE = 12  # letters of a line over one of four maps side by side on a phone
LINE_LABEL_ROOM = 0.085  # the lines' x-axis units a label's letter takes on the left (1 unit: the lines' length)


def escaped(labels: list[str]) -> list[str]:
    return [html_escape(s) for s in labels]


def white_figure(data: list[dict], height: int, title: str = "", axes: dict | None = None, **margin) -> go.Figure:
    """The figure with this module's layout: white plot, projector sizes on every axis."""
    out = layout(title, height, {"l": 10, "r": 10, "t": 60 if title else 20, "b": 10, **margin}, plot_bgcolor="white")
    return figure(data, spoken_axes({**out, **(axes or {})}))


def position_axis(labels: list[str], **extra) -> dict:
    """An axis of token positions 0..T-1 labelled with the tokens."""
    return {"tickmode": "array", "tickvals": list(range(len(labels))), "ticktext": labels, **extra}


def _tokens(labels: list[str], **extra) -> dict:
    """An axis of the tokens as categories, labelled with the tokens: a repeated token's category gets zero-width
    spaces (it looks the same), so that each position stays its own."""
    seen: dict[str, int] = {}
    names = []
    for s in labels:
        seen[s] = seen.get(s, -1) + 1
        names.append(s + ZWSP * seen[s])
    return {"type": "category", "tickmode": "array", "tickvals": names, "ticktext": labels, **extra}


def _attention(z: np.ndarray, hover: list[list[str]] | None = None, **extra) -> dict:
    """A heat map of attention weights; without `hover` (one text a cell) it reads its axes' token names:
    "“looking” → “looked at”: 12.345%" (on the heads grid, 54 kB a head less to build, copy and send)."""
    text = {"text": hover, "hovertemplate": "%{text}<extra></extra>"} if hover is not None else {
        "hovertemplate": "“%{y}” → “%{x}”: %{z:.3%}<extra></extra>", "hoverongaps": False}  # fmt: skip
    return {"type": "heatmap", "z": z, "zmin": 0, "zmax": 1, "colorscale": colorscale(SEQUENTIAL),
            "colorbar": flat_colorbar(_("attention weight"), over=True), **text, **extra}  # fmt: skip


def attention_heatmap(
    att: np.ndarray,
    labels: list[str],
    title: str = "",
    highlight: int | None = None,
    height: int | None = None,
    narrow: bool = False,
) -> go.Figure:
    """att (T, T) for one head (rows: the token looking; columns: the token looked at), labels (T,).
    Cells above the diagonal are the future, hidden by the causal mask: drawn grey. The height grows with T
    unless given. `narrow` (a phone): every other column named past a few (`every_other_name`); the rows keep all."""
    T = len(labels)
    lab = escaped(labels)
    future = np.triu(np.ones((T, T), dtype=bool), 1)
    ticks = {"tickfont": {"size": SMALL}}
    axes = {
        "xaxis": _tokens(lab, title={"text": _("looked at (key)")}, tickangle=column_angle(T), side="bottom",
                         showgrid=False, **ticks),
        "yaxis": _tokens(lab, title={"text": _("looking (query)")}, autorange="reversed", showgrid=False, **ticks),
    }  # fmt: skip
    axes["xaxis"]["ticktext"] = every_other_name(lab, narrow)
    cells = {"x": axes["xaxis"]["tickvals"], "y": axes["yaxis"]["tickvals"]}
    data = [
        {"type": "heatmap", "z": np.where(future, 1.0, np.nan), **cells, "colorscale": [[0, MASK], [1, MASK]],
         "showscale": False, "hovertemplate": _("future token: hidden by the causal mask<extra></extra>")},
        _attention(np.where(future, np.nan, att), **cells, xgap=1, ygap=1),
    ]  # fmt: skip
    if highlight is not None:
        axes["shapes"] = [
            {"type": "rect", "x0": -0.5, "x1": T - 0.5, "y0": highlight - 0.5, "y1": highlight + 0.5,
             "line": {"color": ORANGE, "width": 3}}
        ]  # fmt: skip
    # the colour bar over the map: beside it, it took a quarter of a phone's width from the map
    height = (height or 160 + 24 * T + 40 * bool(title)) + COLOUR_BAR_PX
    return white_figure(data, height, title, axes, t=(60 if title else 20) + COLOUR_BAR_PX)


def _axes_of(cell: int) -> str:
    """The suffix of small plot `cell`'s axes in plotly's layout: xaxis, xaxis2, xaxis3..."""
    return "" if cell == 0 else str(cell + 1)


def _grid(rows: int, cols: int, titles: list[str], h_gap: float, v_gap: float) -> dict:
    """Axes (and title annotations) of a rows × cols grid of small plots, as plotly's make_subplots lays them out."""
    width, height = (1 - h_gap * (cols - 1)) / cols, (1 - v_gap * (rows - 1)) / rows
    axes: dict = {}
    notes = []
    for cell in range(rows * cols):
        r, c = divmod(cell, cols)
        x = [c * (width + h_gap), c * (width + h_gap) + width]
        y = [1 - r * (height + v_gap) - height, 1 - r * (height + v_gap)]
        x, y = ([min(max(round(v, 9), 0.0), 1.0) for v in d] for d in (x, y))  # float sums may step past 0 or 1
        n = _axes_of(cell)
        axes[f"xaxis{n}"] = {"anchor": f"y{n}", "domain": x}
        axes[f"yaxis{n}"] = {"anchor": f"x{n}", "domain": y}
        if cell < len(titles):
            notes.append({"font": {"size": SMALL}, "showarrow": False, "text": titles[cell], "x": sum(x) / 2,
                          "xanchor": "center", "xref": "paper", "y": y[1], "yanchor": "bottom",
                          "yref": "paper"})  # fmt: skip
    return {**axes, "annotations": notes}


def _small_maps(att: np.ndarray, labels: list[str], cols: int, titles: list[str], v_gap: float) -> tuple[list, dict]:
    """att (N, T, T): N small attention maps in rows of `cols`, sharing one 0–1 colour bar laid flat under them (a
    phone's chart has no width to spare beside four maps): (traces, layout)."""
    N, T = att.shape[0], len(labels)
    rows = -(-N // cols)
    future = np.triu(np.ones((T, T), dtype=bool), 1)
    names = _tokens(escaped(labels))["tickvals"]
    flat = flat_colorbar(_("attention weight"))
    data = []
    for n in range(N):
        cell = _attention(np.where(future, np.nan, att[n]), x=names, y=names, showscale=n == 0, colorbar=flat)
        if n:
            cell.update(xaxis=f"x{n + 1}", yaxis=f"y{n + 1}")
        data.append(cell)
    axes = _grid(rows, cols, titles, 0.04 if cols <= 4 else 0.015, v_gap)
    for key in [k for k in axes if k.startswith(("xaxis", "yaxis"))]:
        axes[key].update(showticklabels=False, showgrid=False, zeroline=False)
        if key.startswith("yaxis"):
            axes[key]["autorange"] = "reversed"
    axes["plot_bgcolor"] = MASK  # the masked future shows through as grey
    return data, axes


def heads_grid(att: np.ndarray, labels: list[str], habits: list[str]) -> go.Figure:
    """att (H, T, T) for every head of one layer, small multiples sharing one 0–1 colour bar, each titled by its
    number and `habits[h]` ("the previous token 83%"), on lines as narrow as a phone's panel."""
    H = att.shape[0]
    cols = min(H, 4)
    rows = -(-H // cols)
    name = _("head {n}")
    titles = [
        f"<b>{name.format(n=h + 1)}</b><br>{title_lines(html_escape(habit), HEAD_TITLE)}"
        for h, habit in enumerate(habits)
    ]
    title_px = LINE_PX[SMALL] * max((t.count("<br>") + 1 for t in titles), default=1) + 8
    cell = 250 if cols > 2 else 320  # a map's height
    plot = rows * cell + (rows - 1) * title_px
    data, axes = _small_maps(att, labels, cols, titles, title_px / plot)
    return white_figure(data, plot + title_px + 10 + COLOUR_BAR_PX, axes=axes, t=title_px + 10, b=COLOUR_BAR_PX)


def model_view(att: np.ndarray, labels: list[str], mark: tuple[int, int] | None = None) -> go.Figure:
    """att (L, H, T, T): every head of every layer at once, a row per layer (the first at the top), a column per head;
    `mark` (layer, head) outlined in orange."""
    L, H = att.shape[:2]
    titles = [_("head {n}").format(n=h + 1) for h in range(H)]  # over the first row only
    data, axes = _small_maps(att.reshape(L * H, *att.shape[2:]), labels, H, titles, 0.1 / L**0.5 if H <= 4 else 0.02)
    for layer in range(L):  # each row named on its left
        n = _axes_of(layer * H)
        axes[f"yaxis{n}"].update(title={"text": _("layer {n}").format(n=layer + 1), "font": {"size": SMALL}})
    if mark is not None:
        n = _axes_of(mark[0] * H + mark[1])
        x, y = axes[f"xaxis{n}"]["domain"], axes[f"yaxis{n}"]["domain"]
        axes["shapes"] = [
            {"type": "rect", "xref": "paper", "yref": "paper", "x0": x[0], "x1": x[1], "y0": y[0], "y1": y[1],
             "line": {"color": ORANGE, "width": 3}}
        ]  # fmt: skip
    cell = 1000 / max(H, 4)  # a row's height: a full-width map of 4 heads, down to ~85 px a row for 12
    return white_figure(data, 90 + int(L * cell) + COLOUR_BAR_PX, axes=axes, t=50, l=70, b=COLOUR_BAR_PX)


def attention_lines(weights: np.ndarray, labels: list[str], query: int, title: str = "") -> go.Figure:
    """weights (T,) of one query over the keys: lines from the query (right) to every earlier
    token (left), thicker and darker for more weight."""
    T = len(labels)
    lab = escaped(labels)
    top = max(float(weights[: query + 1].max()), 1e-9)
    data = [
        {"type": "scatter", "x": [0, 1], "y": [k, query], "mode": "lines", "hoverinfo": "skip",
         "line": {"color": BLUE, "width": 1 + 14 * float(weights[k]) / top},
         "opacity": 0.25 + 0.75 * float(weights[k]) / top}
        for k in range(query + 1)
        if float(weights[k]) >= 0.005
    ]  # fmt: skip
    text = [f"{lab[k]}  {fixed_percent(float(weights[k]))}" if k <= query else lab[k] for k in range(T)]
    data.append(
        {"type": "scatter", "x": [0] * T, "y": list(range(T)), "mode": "markers+text", "text": text,
         "textposition": "middle left",
         "textfont": {"size": SMALL, "color": [BLUE if k <= query else GREY for k in range(T)]},
         "marker": {"size": 8, "color": BLUE}, "customdata": [percent(float(weights[k])) for k in range(T)],
         "hovertemplate": _("“%{text}”: %{customdata}<extra></extra>")}
    )  # fmt: skip
    data.append(
        {"type": "scatter", "x": [1], "y": [query], "mode": "markers+text", "text": [f"<b>{lab[query]}</b>"],
         "textposition": "middle right", "textfont": {"size": FONT, "color": ORANGE},
         "marker": {"size": 14, "color": ORANGE}, "hoverinfo": "skip"}
    )  # fmt: skip
    # room on the left for the longest label ("␣conversation  0%" was cut at a phone's 360 px)
    left = max(0.9, LINE_LABEL_ROOM * max(len(html.unescape(t)) for t in text))
    axes = {"xaxis": {"visible": False, "range": [-left, 1.6]}, "yaxis": {"visible": False, "autorange": "reversed"}}
    return white_figure(data, 80 + 26 * T, title, {**axes, "showlegend": False})


def generation_heads(att: np.ndarray, labels: list[str], generated: list[bool], title: str = "") -> go.Figure:
    """att (H, T) for one query (the position that predicted the new token): a row per head over
    the tokens it could see; generated tokens' labels in orange."""
    H, T = att.shape
    lab = escaped(labels)
    ticks = [f'<span style="color:{ORANGE}"><b>{s}</b></span>' if g else s for s, g in zip(lab, generated)]
    hover = [
        [_("head {h} → “{lab}”: {att}").format(h=h + 1, lab=lab[k], att=fixed_percent(att[h, k], 3)) for k in range(T)]
        for h in range(H)
    ]
    cells = _attention(att, hover, x=list(range(T)), y=list(range(H)), xgap=1, ygap=2)
    axes = {
        "xaxis": position_axis(ticks, title={"text": _("earlier tokens (orange: generated)")},
                            tickangle=column_angle(T),
                            tickfont={"size": SMALL}, showgrid=False),
        "yaxis": position_axis([_("head {n}").format(n=h + 1) for h in range(H)], title={"text": _("head")},
                            autorange="reversed", showgrid=False),
    }  # fmt: skip
    return white_figure([cells], 230 + 34 * H + COLOUR_BAR_PX, title, axes, t=(60 if title else 20) + COLOUR_BAR_PX)


def scores_to_weights(
    labels: list[str], gaps: list[float], weights: list[float], rest: str, rest_weight: float, title: str = ""
) -> go.Figure:
    """One query's row, two panels on the same rows: each listed key's score gap to the highest score (dots on a
    line that ends at 0), then its weight after the softmax (bars); a last row `rest` ("the 20 other tokens") with
    their weight together."""
    n = len(labels)
    rows = [*escaped(labels), f"<i>{html_escape(rest)}</i>"] if rest else escaped(labels)
    shares = [*weights, rest_weight][: len(rows)]
    y = list(range(len(rows)))
    score = {
        "type": "scatter", "name": _("score − highest score"), "x": gaps, "y": y[:n], "mode": "markers+text",
        "marker": {"color": INK, "size": 13}, "text": [number(g, 2) for g in gaps],
        "textposition": "middle left", "cliponaxis": False, "hovertext": rows[:n],
        "hovertemplate": _("“%{hovertext}”: score − highest = %{x:.3f}<extra></extra>"),
    }  # fmt: skip
    weight = {
        "type": "bar", "name": _("weight after the softmax"), "x": shares, "y": y, "xaxis": "x2", "yaxis": "y2",
        "orientation": "h", "marker": {"color": [BLUE] * n + [GREY]}, "text": [fixed_percent(w, 1) for w in shares],
        **labels_inside([w > 0.5 for w in shares]), "hovertext": rows,  # (a phone's panel is 100 px wide)
        "hovertemplate": _("“%{hovertext}”: weight %{x:.3%}<extra></extra>"),
    }  # fmt: skip
    low = min(gaps, default=0.0)
    axes = {
        # room left of the lowest dot for its label, on a phone's 100 px panel too
        "xaxis": {"domain": [0, 0.4], "range": [low * 1.8 - 1, 0.4], "gridcolor": GRID,
                  "title": {"text": title_lines(_("score − highest score"), PANEL_TITLE)}},
        "xaxis2": {"domain": [0.6, 1], "range": [0, 1.25], "tickformat": ".0%", **percent_ticks([0, 0.5, 1]),
                   "gridcolor": GRID, "anchor": "y2",
                   "title": {"text": title_lines(_("weight after the softmax"), PANEL_TITLE)}},
        "yaxis": position_axis(rows, autorange="reversed", automargin=True, showgrid=False),
        "yaxis2": position_axis(rows, anchor="x2", matches="y", showticklabels=False, showgrid=False),
        "annotations": [{"text": _("→ softmax →"), "x": 0.5, "xref": "paper", "y": 1, "yref": "paper",
                         "yanchor": "bottom", "showarrow": False, "font": {"size": SMALL, "color": MUTED}}],
        "showlegend": False,
    }  # fmt: skip
    return white_figure([score, weight], 150 + ROW_PX * len(rows), title, axes)


def score_products(products: np.ndarray, names: list[str], scores: list[float], title: str = "") -> go.Figure:
    """products (K, hs): for each of K keys (`names`), query[i] * key[i] at each of the head's hs numbers, as bars
    side by side over i; the colour key gives each key's sum and score (the sum times the head's scale)."""
    colours = [BLUE, ORANGE, GREY]
    data = [
        {"type": "bar", "name": name, "x": list(range(1, row.size + 1)), "y": row.tolist(),
         "marker": {"color": colours[j % len(colours)]},
         "hovertemplate": _("“{name}”, number %{{x}}: query × key = %{{y:+.3f}}").format(name=html_escape(name))
         + "<extra></extra>"}
        for j, (name, row) in enumerate(zip(names, products))
    ]  # fmt: skip
    key = colour_key(
        [
            (colours[j % len(colours)], html_escape(_("“{name}”: adds up to {sum}, score {score}")).format(
                name=html_escape(name), sum=number(float(row.sum()), 2), score=number(score, 2)))
            for j, (name, row, score) in enumerate(zip(names, products, scores))
        ]
    )  # fmt: skip
    top = float(np.abs(products).max()) or 1.0
    out = layout(
        title, 380, {"l": 70, "r": 20, "t": 70 + LINE_PX[SMALL] * (key.count("<br>") + 1), "b": 20},
        plot_bgcolor="white", barmode="group", bargap=0.15, showlegend=False,
        xaxis=axis(_("number i of the query and of the key"), range=[0.3, products.shape[1] + 0.7], gridcolor=GRID),
        yaxis=axis(_("query[i] × key[i]"), range=[-1.1 * top, 1.1 * top], zeroline=True, zerolinecolor=GREY,
                   gridcolor=GRID),
    )  # fmt: skip
    out["title"]["subtitle"] = {"text": key, "font": {"size": SMALL}}
    return figure(data, spoken_axes(out))
