"""Plotly figures for the scale and why-GPUs pages: data in, go.Figure out (no Streamlit here).

Durations span from fractions of a second to billions of years, so their axes are logarithmic with
ticks written as a person says them ("1 day", "1 million years"); every bar carries its own label.
Projector-sized like charts.py: fonts of 16 px and more.
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from .charts import BLUE, FONT, GREEN, ORANGE, SMALL
from .parallel_bench import PARALLEL, SEQUENTIAL, BenchResult
from .scale import SECONDS_PER_YEAR, duration

DARK_GREY = "#6e7781"  # a bar that carries white text
TEXT = "#31333f"
RATE_COLOURS = (DARK_GREY, BLUE, GREEN, ORANGE)  # 10⁹ ops/s, this machine, a GPU's peak, more
ROW_PX = 44
MAX_TICKS = 4  # a narrow chart (a projector beside the sidebar) has room for about four
INSIDE_FROM = 0.55  # a bar longer than this share of the axis carries its label inside, the rest just beyond it
_S = 1 / SECONDS_PER_YEAR  # one second, in years
TIME_TICKS = (
    (_S, "1 second"), (3600 * _S, "1 hour"), (86400 * _S, "1 day"), (1, "1 year"), (100, "100 years"),
    (1e4, "10,000 years"), (1e6, "1 million years"), (1e8, "100 million years"), (1e10, "10 billion years"),
)  # fmt: skip
LIFETIME_YEARS = 80


def _span(values: list[float]) -> tuple[float, float]:
    """The log10 range of a years axis: from half a decade below the smallest value to a bit above the largest."""
    positive = [v for v in values if v > 0] or [1.0]
    return math.log10(min(positive)) - 0.5, math.log10(max(positive)) + 0.35


def _years_axis(span: tuple[float, float], title: str) -> dict:
    """A log axis of years with spoken ticks ("1 day", "1 million years"), at most MAX_TICKS of them."""
    lo, hi = span
    ticks: list[tuple[float, str]] = []
    for v, t in TIME_TICKS:  # spread out: each at least a MAX_TICKS-th of the axis from the one before
        if lo <= math.log10(v) <= hi and (not ticks or math.log10(v / ticks[-1][0]) >= (hi - lo) / MAX_TICKS):
            ticks.append((v, t))
    return {
        "type": "log",
        "range": [lo, hi],
        "tickvals": [v for v, _ in ticks],
        "ticktext": [t for _, t in ticks],
        "tickangle": 0,
        "tickfont": {"size": SMALL},
        "title": {"text": title, "font": {"size": SMALL}},
        "gridcolor": "rgba(128,128,128,0.3)",
    }


def _labelled_bars(x: list[float], y: list[str], span: tuple[float, float], **bar) -> go.Bar:
    """Bars whose duration labels sit inside the long bars (white) and just beyond the short ones:
    never past the chart's right edge, whatever its width."""
    lo, hi = span
    inside = [v > 0 and (math.log10(v) - lo) > INSIDE_FROM * (hi - lo) for v in x]
    return go.Bar(
        x=x, y=y, orientation="h", text=[duration(v) for v in x],
        textposition=["inside" if i else "outside" for i in inside], insidetextanchor="end",
        insidetextfont={"color": "white", "size": bar.pop("size", FONT)},
        outsidetextfont={"color": TEXT, "size": bar.pop("size_out", FONT)},
        cliponaxis=False, **bar,
    )  # fmt: skip


def _layout(fig: go.Figure, title: str, height: int) -> go.Figure:
    fig.update_layout(
        title={"text": title, "font": {"size": FONT + 2}},
        font={"size": FONT},
        height=height,
        margin={"l": 10, "r": 20, "t": 90, "b": 60},
        plot_bgcolor="white",
        hoverlabel={"font": {"size": FONT}},
    )
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": FONT})
    return fig


def _marker_line(fig: go.Figure, years: float, label: str) -> None:
    fig.add_vline(x=years, line={"color": ORANGE, "dash": "dot", "width": 2}, layer="below")  # under the labels
    fig.add_annotation(
        x=math.log10(years), y=1, yref="paper", yanchor="bottom", xanchor="right", text=label, showarrow=False,
        font={"size": SMALL, "color": ORANGE}, bgcolor="rgba(255,255,255,0.85)",
    )  # fmt: skip


def reading_chart(names: list[str], years: list[float], words_per_minute: float) -> go.Figure:
    """One bar per preset: years of reading its training text non-stop, on a log axis."""
    span = _span([*years, LIFETIME_YEARS])
    fig = go.Figure(
        _labelled_bars(years, names, span, marker_color=BLUE, hovertemplate="%{y}: %{text} of reading<extra></extra>")
    )
    fig.update_xaxes(_years_axis(span, "time to read it all (log scale)"))
    _marker_line(fig, LIFETIME_YEARS, f"a lifetime: {LIFETIME_YEARS} years")
    title = f"Reading the training text non-stop,<br>at {words_per_minute:g} words a minute"
    return _layout(fig, title, 170 + ROW_PX * len(names))


def compute_chart(names: list[str], ops: list[float], rates: list[tuple[str, float]], mark_years: float) -> go.Figure:
    """Grouped bars: for each preset, the years its training operations take at each rate (label, ops per second)."""
    per_rate = [[n / rate / SECONDS_PER_YEAR for n in ops] for _, rate in rates]
    span = _span([y for ys in per_rate for y in ys] + [mark_years])
    fig = go.Figure()
    for (label, _), years, colour in zip(rates, per_rate, RATE_COLOURS):
        fig.add_trace(
            _labelled_bars(
                years, names, span, name=label, marker_color=colour, size=SMALL, size_out=SMALL,
                hovertemplate="%{y}: %{text} " + f"at {label}<extra></extra>",
            )
        )  # fmt: skip
    fig.update_xaxes(_years_axis(span, "time to do every operation (log scale)"))
    _marker_line(fig, mark_years, duration(mark_years))
    fig.update_layout(
        barmode="group",
        bargap=0.2,
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "font": {"size": SMALL}},
    )
    height = 260 + 30 * len(names) * max(1, len(rates))
    fig = _layout(fig, "Training: 6 × parameters × tokens operations,<br>at three speeds", height)
    fig.update_layout(margin={"b": 60 + 28 * len(rates)})  # room for the axis, then one legend row per rate
    return fig


def _ms_ticks(values: list[float]) -> list[float]:
    """1-2-5 ticks (…, 1, 2, 5, 10, 20, …) spanning the values: big round labels instead of plotly's tiny log digits."""
    positive = [v for v in values if v > 0] or [1.0]
    lo, hi = math.floor(math.log10(min(positive))), math.ceil(math.log10(max(positive)))
    ticks = [m * 10.0**e for e in range(lo, hi + 1) for m in (1, 2, 5)]
    inside = [t for t in ticks if min(positive) / 1.5 <= t <= max(positive) * 1.5]
    if len(inside) > 7:  # many decades: powers of ten only
        inside = [t for t in inside if f"{t:.0e}"[0] == "1"]
    return inside if len(inside) >= 2 else ticks


def bench_chart(results: list[BenchResult]) -> go.Figure:
    """Milliseconds per batch against sequence length, both models, one line style per device (log-log)."""
    fig = go.Figure()
    for k, r in enumerate(results):
        dash = "solid" if k == 0 else "dash"
        for name, ms, colour in ((SEQUENTIAL, r.sequential_ms, ORANGE), (PARALLEL, r.parallel_ms, BLUE)):
            fig.add_scatter(
                x=r.lengths, y=ms, mode="lines+markers", name=f"{name}, {r.device.split(' (')[0]}",
                line={"color": colour, "width": 3, "dash": dash}, marker={"size": 10},
                hovertemplate="%{x} tokens: %{y:.3g} ms<extra>" + name + "</extra>",
            )  # fmt: skip
    lengths = sorted({n for r in results for n in r.lengths})
    fig.update_xaxes(
        type="log", tickvals=lengths, ticktext=[str(n) for n in lengths], title="text length (tokens)",
        tickfont={"size": SMALL}, gridcolor="rgba(128,128,128,0.3)",
    )  # fmt: skip
    ticks = _ms_ticks([v for r in results for v in r.sequential_ms + r.parallel_ms])
    fig.update_yaxes(
        type="log", title="ms per batch (log scale)", tickfont={"size": SMALL},
        tickvals=ticks, ticktext=[f"{t:g}" for t in ticks], gridcolor="rgba(128,128,128,0.3)",
    )  # fmt: skip
    hardware = " and ".join(r.device for r in results)
    first = results[0] if results else None
    detail = f"batch of {first.batch_size}, width {first.d_model}, {first.n_layer} layers" if first else ""
    small = f"<span style='font-size:{SMALL}px'>"
    title = f"Time to read a batch of texts<br>{small}measured on {hardware}</span><br>{small}{detail}</span>"
    fig.update_layout(
        title={"text": title, "font": {"size": FONT + 2}},
        font={"size": FONT},
        height=540 + 26 * len(fig.data),
        margin={"l": 10, "r": 20, "t": 120, "b": 80 + 26 * len(fig.data)},  # the axis, then one legend row per line
        plot_bgcolor="white",
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0, "font": {"size": SMALL}},
        hoverlabel={"font": {"size": FONT}},
    )
    return fig
