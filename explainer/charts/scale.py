"""Figures for the scale and why-GPUs pages: years of reading and of computing, and the two ways of reading a text
timed. Data in, figure out (explainer/charts/style.py).

Durations span from fractions of a second to billions of years, so their axes are logarithmic with
ticks written as a person says them ("1 day", "1 million years"); every bar carries its own label.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from explainer.analysis.parallel import PARALLEL, SEQUENTIAL, BenchResult, Chain
from explainer.charts.style import (
    BLUE,
    FONT,
    GREEN,
    HALF_TITLE,
    ORANGE,
    SMALL,
    TITLE_LINE_PX,
    TITLE_WIDTH,
    axis,
    figure,
    labels_inside,
    layout,
    title_lines,
    two_lines,
)
from explainer.format import SECONDS_PER_YEAR, duration_from_years, human_count, listing, number
from explainer.i18n import N_, _
from explainer.model.device import device_words

DARK_GREY = "#6e7781"  # a bar that carries white text
TEXT = "#31333f"
RATE_COLOURS = (DARK_GREY, BLUE, GREEN, ORANGE)  # 10⁹ ops/s, this machine, a GPU's peak, more
RATE_PATTERNS = ("", "/", ".", "x")  # the same rates told apart without colour (green and orange, for one)
ROW_PX = 44
MAX_TICKS = 4  # a narrow chart (a projector beside the sidebar) has room for about four
TICK_LETTERS = 8  # a longer tick ("10,000 years") takes two lines: on a phone the ticks are 60 px apart
INSIDE_FROM = 0.55  # a bar longer than this share of the axis carries its label inside, the rest just beyond it
LOG_GRID = "rgba(128,128,128,0.3)"
_S = 1 / SECONDS_PER_YEAR  # one second, in years
TIME_TICKS = (
    (_S, N_("1 second")),
    (3600 * _S, N_("1 hour")),
    (86400 * _S, N_("1 day")),
    (1, N_("1 year")),
    (100, N_("100 years")),
    (1e4, N_("10,000 years")),
    (1e6, N_("1 million years")),
    (1e8, N_("100 million years")),
    (1e10, N_("10 billion years")),
)
LIFETIME_YEARS = 80
BOTTOM_LEGEND = {"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "font": {"size": SMALL}}


def _span(values: list[float]) -> tuple[float, float]:
    """The log10 range of a years axis: from half a decade below the smallest value to a bit above the largest."""
    positive = [v for v in values if v > 0] or [1.0]
    return math.log10(min(positive)) - 0.5, math.log10(max(positive)) + 0.35


def _tick_text(text: str) -> str:
    return two_lines(text) if len(text) > TICK_LETTERS else text


def _years_axis(span: tuple[float, float], title: str) -> dict:
    """A log axis of years with spoken ticks ("1 day", "1 million years"), at most MAX_TICKS of them."""
    lo, hi = span
    ticks: list[tuple[float, str]] = []
    for v, t in TIME_TICKS:  # spread out: each at least a MAX_TICKS-th of the axis from the one before
        if lo <= math.log10(v) <= hi and (not ticks or math.log10(v / ticks[-1][0]) >= (hi - lo) / MAX_TICKS):
            ticks.append((v, t))
    return axis(
        {"text": title, "font": {"size": SMALL}},
        type="log",
        range=[lo, hi],
        tickvals=[v for v, _text in ticks],
        ticktext=[_tick_text(_(t)) for _tick, t in ticks],
        tickangle=0,
        gridcolor=LOG_GRID,
    )


def _labelled_bars(x: list[float], y: list[str], span: tuple[float, float], size: int = FONT, **bar) -> dict:
    """Bars whose duration labels sit inside the long bars (white) and just beyond the short ones:
    never past the chart's right edge, whatever its width."""
    lo, hi = span
    inside = [v > 0 and (math.log10(v) - lo) > INSIDE_FROM * (hi - lo) for v in x]
    return {
        "type": "bar",
        "x": x,
        "y": y,
        "orientation": "h",
        "text": [duration_from_years(v) for v in x],
        **labels_inside(inside, size),
        "outsidetextfont": {"color": TEXT, "size": size},
        **bar,
    }


def _years_figure(
    data: list[dict], title: str, height: int, xaxis: dict, years: float, mark: str, bottom: int = 60, **extra
) -> go.Figure:
    """Bars on a log axis of years with a dotted line (and its label) at `years`, under the bars' labels."""
    line = {
        "type": "line",
        "x0": years,
        "x1": years,
        "xref": "x",
        "y0": 0,
        "y1": 1,
        "yref": "y domain",
        "line": {"color": ORANGE, "dash": "dot", "width": 2},
        "layer": "below",
    }
    note = {
        "x": math.log10(years),
        "y": 1,
        "yref": "paper",
        "yanchor": "bottom",
        "xanchor": "right",
        "text": mark,
        "showarrow": False,
        "font": {"size": SMALL, "color": ORANGE},
        "bgcolor": "rgba(255,255,255,0.85)",
    }
    out = layout(title, height, {"l": 10, "r": 20, "t": 64, "b": bottom}, plot_bgcolor="white", **extra)
    out.update(
        xaxis=xaxis,
        yaxis=axis(autorange="reversed", automargin=True, tickfont={"size": FONT}),
        shapes=[line],
        annotations=[note],
    )
    return figure(data, out)


def reading_chart(names: list[str], years: list[float], words_per_minute: float) -> go.Figure:
    """One bar per preset: years of reading its training text non-stop, on a log axis."""
    span = _span([*years, LIFETIME_YEARS])
    bars = _labelled_bars(
        years, names, span, marker={"color": BLUE}, hovertemplate=_("%{y}: %{text} of reading") + "<extra></extra>"
    )
    title = _("Reading the training text non-stop, at {words_per_minute} words a minute").format(
        words_per_minute=number(words_per_minute)
    )
    xaxis = _years_axis(span, _("time to read it all (log scale)"))
    return _years_figure(
        [bars],
        title,
        170 + ROW_PX * len(names),
        xaxis,
        LIFETIME_YEARS,
        _("a lifetime: {lifetime_years} years").format(lifetime_years=LIFETIME_YEARS),
    )


def compute_chart(names: list[str], ops: list[float], rates: list[tuple[str, float]], mark_years: float) -> go.Figure:
    """Grouped bars: for each preset, the years its training operations take at each rate (label, ops per second)."""
    per_rate = [[n / rate / SECONDS_PER_YEAR for n in ops] for _name, rate in rates]
    span = _span([y for ys in per_rate for y in ys] + [mark_years])
    bars = [
        _labelled_bars(years, names, span, size=SMALL, name=label,
                       marker={"color": colour, "pattern": {"shape": shape, "bgcolor": colour, "fgcolor": "white",
                                                            "fgopacity": 0.35, "size": 9, "solidity": 0.2}},
                       meta=label, hovertemplate=_("%{y}: %{text} at %{meta}") + "<extra></extra>")
        for (label, _rate), years, colour, shape in zip(rates, per_rate, RATE_COLOURS, RATE_PATTERNS)
    ]  # fmt: skip
    title = _("Training: 6 × parameters × tokens operations, at three speeds")
    height = 260 + 30 * len(names) * max(1, len(rates))
    xaxis = _years_axis(span, _("time to do every operation (log scale)"))
    bottom = 60 + 28 * len(rates)  # room for the axis, then one legend row per rate
    mark = duration_from_years(mark_years)
    return _years_figure(
        bars, title, height, xaxis, mark_years, mark, bottom, barmode="group", bargap=0.2, legend=BOTTOM_LEGEND
    )


def _ms_ticks(values: list[float]) -> list[float]:
    """1-2-5 ticks (…, 1, 2, 5, 10, 20, …) spanning the values: big round labels instead of plotly's tiny log digits."""
    positive = [v for v in values if v > 0] or [1.0]
    lo, hi = math.floor(math.log10(min(positive))), math.ceil(math.log10(max(positive)))
    ticks = [m * 10.0**e for e in range(lo, hi + 1) for m in (1, 2, 5)]
    inside = [t for t in ticks if min(positive) / 1.5 <= t <= max(positive) * 1.5]
    if len(inside) > 7:  # many decades: powers of ten only
        inside = [t for t in inside if f"{t:.0e}"[0] == "1"]
    return inside if len(inside) >= 2 else ticks


SMALL_HALF_TITLE = 34  # a line of a title's small letters, in a chart in one of two columns


def _hardware_name(device: str) -> str:
    """A run's hardware in a legend: a CPU with its threads (the race runs it with one and with all), on one line; a
    GPU's kind alone (its full name is in the title)."""
    return device_words(device).replace(" ", "\u00a0") if device.startswith("CPU") else device.split(" (")[0]


DASHES = ("solid", "dash", "dot", "dashdot")  # one line style per run of the race


def bench_chart(results: list[BenchResult], heading: str = "") -> go.Figure:
    """Milliseconds per batch against sequence length, both models, one line style per run (log-log)."""
    data = [
        {"type": "scatter", "x": r.lengths, "y": ms, "mode": "lines+markers",
         "name": title_lines(_("{line}, {device}").format(line=_(name), device=_hardware_name(r.device)), HALF_TITLE),
         "line": {"color": colour, "width": 3, "dash": DASHES[k % len(DASHES)]}, "marker": {"size": 10},
         "hovertemplate": _("%{x} tokens: %{y:.3g} ms") + "<extra>" + _(name) + "</extra>"}
        for k, r in enumerate(results)
        for name, ms, colour in ((SEQUENTIAL, r.sequential_ms, ORANGE), (PARALLEL, r.parallel_ms, BLUE))
    ]  # fmt: skip
    lengths = sorted({n for r in results for n in r.lengths})
    ticks = _ms_ticks([v for r in results for v in r.sequential_ms + r.parallel_ms])
    hardware = listing([device_words(r.device) for r in results])
    first = results[0] if results else None
    detail = (
        _("batch of {batch_size}, width {d_model}, {n_layer} layers").format(
            batch_size=first.batch_size, d_model=first.d_model, n_layer=first.n_layer
        )
        if first
        else ""
    )
    # under the heading, in small letters on lines short enough for a chart in one of two columns
    small = title_lines(_("measured on {hardware}").format(hardware=hardware), SMALL_HALF_TITLE).split("<br>")
    title = (heading or _("Time to read a batch of texts")) + "".join(
        f"<br><span style='font-size:{SMALL}px'>{line}</span>" for line in [*small, detail]
    )
    # the axis, then the legend: a row per line of its names (two charts side by side: names on short lines)
    rows = sum(d["name"].count("<br>") + 1 for d in data)
    margin = {"l": 10, "r": 20, "t": 96 + 24 * len(small), "b": 80 + 26 * rows}
    out = layout(title, 516 + 24 * len(small) + 26 * rows, margin, plot_bgcolor="white", legend=BOTTOM_LEGEND)
    out.update(
        xaxis=axis(
            type="log",
            tickvals=lengths,
            ticktext=[str(n) for n in lengths],
            title=_("text length (tokens)"),
            gridcolor=LOG_GRID,
        ),
        yaxis=axis(
            type="log",
            title=_("ms per batch (log scale)"),
            tickvals=ticks,
            ticktext=[f"{t:g}" for t in ticks],
            gridcolor=LOG_GRID,
        ),
    )
    return figure(data, out)


def chain_chart(c: Chain) -> go.Figure:
    """Two panels over the text length (log-log): the steps each reader takes one after another, and the
    multiply-adds in each of those steps; one word at a time orange, all at once blue, each point labelled."""
    data = []
    for col, (seq, par) in enumerate(((c.sequential_steps, c.parallel_steps), (c.sequential_work, c.parallel_work))):
        n = "" if col == 0 else "2"
        for name, values, colour in ((SEQUENTIAL, seq, ORANGE), (PARALLEL, par, BLUE)):
            data.append(
                {"type": "scatter", "x": c.lengths, "y": values, "mode": "lines+markers+text", "name": _(name),
                 "legendgroup": name, "showlegend": col == 0, "xaxis": f"x{n}", "yaxis": f"y{n}",
                 "line": {"color": colour, "width": 3}, "marker": {"size": 9},
                 "text": [human_count(v) if i in (0, len(values) - 1) else "" for i, v in enumerate(values)],
                 "textposition": "top center", "textfont": {"size": SMALL, "color": colour}, "cliponaxis": False,
                 "hovertemplate": _("%{x} tokens: %{y:,}") + "<extra>" + _(name) + "</extra>"}
            )  # fmt: skip
    ticks = {"type": "log", "tickvals": c.lengths, "ticktext": [str(n) for n in c.lengths], "gridcolor": LOG_GRID}
    # each panel's heading fits half a phone's width: on two lines there (and everywhere)
    heads = [title_lines(h, TITLE_WIDTH // 2) for h in (_("steps one after another"), _("multiply-adds in each step"))]
    top = 36 + TITLE_LINE_PX * max(h.count("<br>") + 1 for h in heads)  # the headings stand above the panels
    out = layout("", 460 + top, {"l": 10, "r": 20, "t": top, "b": 150}, plot_bgcolor="white", legend=BOTTOM_LEGEND)
    out.update(
        xaxis=axis(title_lines(_("text length (tokens)"), TITLE_WIDTH // 2), domain=[0, 0.44], **ticks),
        xaxis2=axis(title_lines(_("text length (tokens)"), TITLE_WIDTH // 2), domain=[0.56, 1], anchor="y2", **ticks),
        yaxis=axis("", type="log", gridcolor=LOG_GRID, **_powers(c.sequential_steps + c.parallel_steps)),
        yaxis2=axis("", type="log", gridcolor=LOG_GRID, anchor="x2", **_powers(c.sequential_work + c.parallel_work)),
        annotations=[
            {"text": f"<b>{h}</b>", "x": x, "xref": "paper", "y": 1.04, "yref": "paper", "yanchor": "bottom",
             "xanchor": "center", "showarrow": False, "font": {"size": FONT}}
            for h, x in zip(heads, (0.22, 0.78))
        ],
    )  # fmt: skip
    return figure(data, out)


def _powers(values: list[int]) -> dict:
    """A log axis's ticks at the powers of ten spanning the values, written as counts ("10", "1 K", "100 M")."""
    lo, hi = math.floor(math.log10(max(1, min(values)))), math.ceil(math.log10(max(values)))
    ticks = [10**e for e in range(lo, hi + 1)]
    return {"tickvals": ticks, "ticktext": [human_count(t) for t in ticks]}
