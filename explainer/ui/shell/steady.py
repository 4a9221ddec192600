"""Charts redrawn every half second (a training run) that never go blank.

Streamlit 1.67 gives a plotly chart a new identity whenever its figure changes, so the browser throws the old chart
away and draws the new one from scratch: for a few frames the place is empty (measured: the loss chart was blank in
about one look in five while training). Here each chart has two slots stacked in the same place. A new figure goes
into one slot and is brought to the front; the other slot keeps the previous figure, unchanged (same identity: not
redrawn), behind it. While the new one draws, its slot is empty and transparent, and the previous figure shows
through; once drawn, it covers it. Three slots, not two: on a busy browser the next figure can come before the last
one is drawn, and the oldest slot (drawn long ago) is the one replaced.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import plotly.graph_objects as go
import streamlit as st

from explainer.ui.shell.chart import text_alternative
from explainer.ui.shell.export import exported
from explainer.ui.shell.presenter import presented
from explainer.ui.shell.state import SessionObject

N_SLOTS = 3


@dataclass
class Slots:
    figures: list[go.Figure]  # what each slot shows
    alts: list[str]  # each slot's sentence for screen readers (a new one would redraw the slot: kept with its figure)
    order: list[int]  # the slots, oldest figure first: the last one is in front


@dataclass
class SteadyCharts(SessionObject):
    KEY = "steady_charts"
    charts: dict[str, Slots] = field(default_factory=dict)  # by chart key


def _css(key: str, order: list[int]) -> str:
    box = f".st-key-steady_{key}"
    stack = "".join(f"{box} > .st-key-{key}_{slot} {{ z-index: {z}; }}" for z, slot in enumerate(order))
    return (
        f"<style>{box} {{ display: grid !important; grid-template-columns: minmax(0, 1fr); }}"
        f"{box} > div {{ grid-area: 1 / 1; width: 100% !important; }}{stack}</style>"
    )


def steady_chart(fig: go.Figure, key: str, where=st, summary: str | None = None) -> None:
    """`show_chart(fig)` (chart.py: presenter-sized, exportable, with its text alternative) for a chart that changes
    on every rerun of a fragment, drawn without a blank frame."""
    charts = SteadyCharts.of().charts
    config = exported(fig, key)
    sentence, table = text_alternative(fig, summary)
    shown = presented(fig)
    slots = charts.setdefault(key, Slots([shown] * N_SLOTS, [sentence] * N_SLOTS, list(range(N_SLOTS))))
    if slots.figures[slots.order[-1]].to_json() != shown.to_json():  # new data: into the oldest slot, to the front
        oldest = slots.order.pop(0)
        slots.figures[oldest], slots.alts[oldest] = shown, sentence
        slots.order.append(oldest)
    st.html(_css(key, slots.order))
    box = where.container(key=f"steady_{key}")
    for i, figure in enumerate(slots.figures):
        box.plotly_chart(figure, key=f"{key}_{i}", alt=slots.alts[i], config=config)
    where.html(table)
