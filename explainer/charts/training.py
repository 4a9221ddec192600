"""Figures for the training page: the loss, the dials, one example's nudge, the generated samples. Data in, figure
out (explainer/charts/style.py); titles that say what is shown."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from explainer.charts.style import (
    BLUE,
    GREEN,
    GREY,
    GRID,
    LINE_PX,
    PALE,
    RED,
    SMALL,
    TRUE,
    axis,
    colour_key,
    figure,
    label,
    layout,
    reference_line,
    row_axis,
)
from explainer.format import html_escape, number, percent, points
from explainer.i18n import _, ngettext
from explainer.training.compare import Curve, smooth

LAYER_COLOURS = ["#1f5fbf", "#e8590c", "#2b8a3e", "#9c36b5", "#c92a2a", "#0b7285", "#5c940d", "#d6336c"]
LEGEND_ROW_PX = 30
EARLIER_COLOURS = ["#9c36b5", "#e8590c", "#5f3dc4"]  # earlier runs, newest first: none is this run's blue or green


def _axis(title: str, **extra) -> dict:
    return axis(title, gridcolor=GRID, zeroline=False, automargin=True, **extra)


def _base_layout(title: str, height: int, top: int = 60, bare: int = 20) -> dict:
    """The layout every training chart starts from: `top` px over the plot with a title (layout() adds a line's
    room to it for each line a long title wraps onto), `bare` without."""
    out = layout(title, height, {"l": 10, "r": 20, "t": top if title else bare, "b": 10}, plot_bgcolor="white")
    if title:
        out["title"] |= {"x": 0, "xanchor": "left"}
    out["legend"] = {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": SMALL}}
    return out


def loss_chart(
    steps: list[int],
    train_loss: list[float],
    val_steps: list[int],
    val_loss: list[float],
    total_steps: int | None = None,
    random_loss: float | None = None,
    log_x: bool = False,
    title: str = "",
    earlier: list[tuple[str, Curve]] = (),
) -> go.Figure:
    """Training loss per step (faint, with a smoothed line on top) and validation loss (dots on a line).

    `random_loss` (ln of the vocabulary size) is drawn as a dashed line: the loss of a model that gives
    every token the same probability, where random dials start. `earlier`: (legend name, curve) of earlier runs,
    newest first, drawn thinner behind this one (its smoothed training loss, its validation loss dotted)."""
    data = []
    if steps:
        data.append(
            {"type": "scatter", "mode": "lines", "x": steps, "y": train_loss, "name": _("training (each step)"),
             "line": {"color": BLUE, "width": 1}, "opacity": 0.3, "showlegend": False,
             "hovertemplate": _("step %{x}: %{y:.3f}<extra>training batch</extra>")}
        )  # fmt: skip
        data.append(
            {"type": "scatter", "mode": "lines", "x": steps, "y": smooth(train_loss), "name": _("training text"),
             "line": {"color": BLUE, "width": 4},
             "hovertemplate": _("step %{x}: %{y:.3f}<extra>training (smoothed)</extra>")}
        )  # fmt: skip
    if val_steps:
        data.append(
            {"type": "scatter", "mode": "lines+markers", "x": val_steps, "y": val_loss,
             "name": _("validation text (never trained on)"), "line": {"color": GREEN, "width": 3, "dash": "dash"},
             "marker": {"size": 10, "symbol": "diamond"},
             "hovertemplate": _("step %{x}: %{y:.3f}<extra>validation</extra>")}
        )  # fmt: skip
    data += [trace for i, (name, curve) in enumerate(earlier) for trace in _earlier_traces(name, curve, i)]
    out = _base_layout(title, 420 + LEGEND_ROW_PX * len(earlier), 70, 30)  # an earlier run's name: a legend row
    out["showlegend"] = True
    # The legend under the plot, at the bottom of the figure: plotly makes room for as many rows as it takes (above
    # the plot it would run into the title on a narrow screen, the title being no part of that room).
    out["legend"].update(y=0, yanchor="bottom", yref="container")
    shown = [*train_loss, *val_loss, *(v for _name, c in earlier for v in (*c.train_loss, *c.val_loss))]
    top = max([*shown, random_loss or 0.0, 1.0])
    low = min([*shown, top])
    shapes, notes = [], []
    if random_loss:
        line, note = reference_line(
            random_loss, _("guessing blindly: {random_loss}").format(random_loss=number(random_loss, 2)), left=False
        )
        shapes.append(line)
        notes.append(note)
    last = max([*steps, *val_steps, *(c.steps[-1] for _name, c in earlier if c.steps), 1])
    end = max(total_steps or last, last)
    if log_x:
        xaxis = _axis(_("training step (log scale)"), type="log", range=[0, math.log10(max(end, 10)) + 0.02])
    else:
        xaxis = _axis(_("training step"), range=[0, end * 1.01])
    out.update(
        shapes=shapes,
        annotations=notes,
        xaxis=xaxis,
        yaxis=_axis(_("loss (lower is better)"), range=[max(0.0, low * 0.9 - 0.1), top * 1.08]),
    )
    return figure(data, out)


def _earlier_traces(name: str, curve: Curve, i: int) -> list[dict]:
    """An earlier run's two lines, drawn behind this run's (listed after them: a screen reader hears this run first),
    one legend entry for both (a click on it hides the run)."""
    colour, group = EARLIER_COLOURS[i % len(EARLIER_COLOURS)], f"run{curve.number}"
    val_name = _("{run}, validation").format(run=name)
    hover = lambda n: html_escape(n) + " · " + _("step %{x}: %{y:.3f}") + "<extra></extra>"  # noqa: E731
    return [
        {"type": "scatter", "mode": "lines", "x": list(curve.steps), "y": list(curve.train_loss), "name": name,
         "legendgroup": group, "line": {"color": colour, "width": 2.5}, "opacity": 0.75, "zorder": -1,
         "hovertemplate": hover(name)},
        {"type": "scatter", "mode": "lines+markers", "x": list(curve.val_steps), "y": list(curve.val_loss),
         "name": val_name, "legendgroup": group, "showlegend": False, "opacity": 0.75, "zorder": -1,
         "hovertemplate": hover(val_name), "line": {"color": colour, "width": 1.5, "dash": "dot"},
         "marker": {"size": 6, "symbol": "diamond"}},
    ]  # fmt: skip


def _part(group: str) -> str:
    """A part's name from `training.trainer.parameter_group` ("layer 2") in the language in use."""
    if group.startswith("layer "):
        return _("layer {n}").format(n=group.removeprefix("layer "))
    return {"embeddings": _("embeddings"), "final norm": _("final norm")}.get(group, group)


def update_size_chart(steps: list[int], sizes: dict[str, list[float]], title: str = "") -> go.Figure:
    """The dials: for each part of the model, how much one training step changed its numbers,
    as a share of their size (‖Δw‖ / ‖w‖), one line per part over the training steps (log y)."""
    data = []
    for i, (group, values) in enumerate(sizes.items()):
        name = html_escape(_part(group))
        data.append(
            {"type": "scatter", "mode": "lines+markers" if len(steps) < 30 else "lines", "x": steps,
             "y": [max(v, 1e-9) for v in values], "name": name,
             "line": {"color": LAYER_COLOURS[i % len(LAYER_COLOURS)], "width": 3}, "marker": {"size": 7},
             "hovertemplate": _("step %{x}: %{y:.3%} of its size<extra>") + name + "</extra>"}
        )  # fmt: skip
    out = _base_layout(title, 400, 60, 50)
    if title:  # the key under the title, on lines a phone shows (there six names in a legend climbed into the title)
        key = colour_key([(d["line"]["color"], d["name"]) for d in data], mark="━")
        out["title"]["subtitle"] = {"text": key, "font": {"size": SMALL}}
        out["showlegend"], out["margin"]["t"] = False, out["margin"]["t"] + LINE_PX[SMALL] * (key.count("<br>") + 1)
    else:
        out["showlegend"] = True
    shown = [v for values in sizes.values() for v in values if v > 0 and math.isfinite(v)]
    lo, hi = (math.log10(min(shown)), math.log10(max(shown))) if shown else (-4.0, -2.0)
    pad = max(0.3, (1.2 - (hi - lo)) / 2)  # at least ~1.2 decades, so the 1-2-5 ticks never crowd
    out.update(
        xaxis=_axis(_("training step"), rangemode="tozero"),
        yaxis=_axis(_("change in one step"), type="log", tickformat=".2~p", dtick="D2", range=[lo - pad, hi + pad]),
    )
    return figure(data, out)


def nudge_chart(
    labels: list[str], before: list[float], after: list[float] | None, true_index: int, title: str = ""
) -> go.Figure:
    """One example, one nudge: each token's probability before (pale) and after (strong) one training
    step on that example, with the change in percentage points; the true next token in TRUE's colour, marked ✓.
    Without `after`, the probabilities before the nudge alone (strong colours)."""
    rows = [label(t) for t in labels]
    rows = [f"<b>{r} ✓</b>" if i == true_index else r for i, r in enumerate(rows)]
    strong = [TRUE if i == true_index else BLUE for i in range(len(labels))]
    pale = [PALE[c] for c in strong]
    y = list(range(len(labels)))
    data = [
        {"type": "bar", "orientation": "h", "x": before, "y": y, "name": _("before the nudge"),
         "marker": {"color": strong if after is None else pale}, "text": [percent(b) for b in before],
         "textposition": "outside", "cliponaxis": False, "hovertemplate": _("%{x:.3%} before") + "<extra></extra>"},
    ]  # fmt: skip
    if after is not None:
        changes = [f"{percent(a)}  ({points(a - b)})" for a, b in zip(after, before)]
        data.append(
            {"type": "bar", "orientation": "h", "x": after, "y": y, "name": _("after one nudge"),
             "marker": {"color": strong}, "text": changes, "textposition": "outside", "cliponaxis": False,
             "hovertemplate": _("%{x:.3%} after") + "<extra></extra>"}
        )  # fmt: skip
    top = max([*before, *(after or []), 1e-6])
    per_row = 62 if after is not None else 40
    out = _base_layout(title, 110 + per_row * max(len(labels), 1), 100 if after is not None else 60, 50)
    out.update(
        showlegend=after is not None,
        barmode="group",
        bargap=0.3,
        bargroupgap=0.05,
        xaxis={"range": [0, top * (1.75 if after is not None else 1.3)], "showticklabels": False,
               "showgrid": False, "zeroline": True},
        yaxis=row_axis(rows),
    )  # fmt: skip
    return figure(data, out)


def nudge_change_chart(
    labels: list[str], before: list[float], after: list[float], rest: tuple[int, float, float], title: str = ""
) -> go.Figure:
    """One nudge as diverging bars: each token's change in percentage points (the true next token first, in
    TRUE's colour and marked ✓; other gains right in blue, losses left in red, as on every diverging scale), then
    `rest` = (how many, before, after) for every other token together, in grey, so that the bars add up to zero:
    the true token's gain is what all the others lost."""
    n_rest, rest_before, rest_after = rest
    others = ngettext("the other {n} token", "the other {n} tokens", n_rest).format(n=number(n_rest))
    rows = [f"<b>{label(labels[0])} ✓</b>", *(label(t) for t in labels[1:]), others]
    befores, afters = [*before, rest_before], [*after, rest_after]
    changes = [100 * (a - b) for a, b in zip(afters, befores)]
    colours = [TRUE] + [BLUE if c > 0 else RED for c in changes[1:-1]] + [GREY]
    text = [f"{points(a - b)}   {percent(b)} → {percent(a)}" for a, b in zip(afters, befores)]
    data = [
        {"type": "bar", "orientation": "h", "x": changes, "y": list(range(len(rows))), "marker": {"color": colours},
         "text": text, "textposition": "outside", "cliponaxis": False,
         "hovertemplate": _("%{x:+.3f} points") + "<extra></extra>"},
    ]  # fmt: skip
    reach = max([abs(c) for c in changes] + [1e-9])
    out = _base_layout(title, 130 + 44 * len(rows), 70, 30)
    out.update(
        showlegend=False,
        bargap=0.25,
        xaxis=axis(_("change in percentage points (right: more likely, left: less likely)"), gridcolor=GRID,
                   range=[-2.6 * reach, 2.6 * reach], zeroline=True, zerolinecolor="#555", zerolinewidth=2),
        yaxis=row_axis(rows),
    )  # fmt: skip
    return figure(data, out)


def samples_html(samples: list[tuple[int, str]], newest_first: bool = True, max_chars: int = 400) -> str:
    """The generated samples as HTML blocks, each headed by its training step (text escaped, line breaks kept)."""
    items = list(reversed(samples)) if newest_first else list(samples)
    box = (
        "white-space:pre-wrap;overflow-wrap:anywhere;font-family:monospace;font-size:1.05rem;line-height:1.35;"
        "background:rgba(128,128,128,0.08);border-radius:.4rem;padding:.4rem .6rem"
    )
    head = "font-size:0.9rem;opacity:0.8;font-weight:600"  # the text's own colour, lighter: readable on either theme
    blocks = []
    for step, text in items:
        shown = html_escape(text[:max_chars] + ("…" if len(text) > max_chars else ""))
        when = html_escape(_("after step {step}").format(step=number(step)))
        blocks.append(
            f"<div style='margin:0 0 .6rem 0'><div style='{head}'>{when}</div><div style='{box}'>{shown}</div></div>"
        )
    return "".join(blocks)
