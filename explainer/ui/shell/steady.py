"""Charts redrawn every half second (a training run) that never go blank.

Streamlit 1.67 gives a plotly chart a new identity whenever its figure changes, so the browser throws the old chart
away and draws the new one from scratch: for a few frames the place is empty (measured: the loss chart was blank in
about one look in five while training). Here each chart has two slots stacked in the same place. A new figure goes
into one slot and is brought to the front; the other slot keeps the previous figure, unchanged (same identity: not
redrawn), behind it. While the new one draws, its slot is empty and transparent, and the previous figure shows
through; once drawn, it covers it. Three slots, not two: on a busy browser the next figure can come before the last
one is drawn, and the oldest slot (drawn long ago) is the one replaced. A chart starts with one slot and gains one with
each new figure up to three: a page that opens on a still chart draws it once, not three times (the training page's
four charts were twelve plotly charts for the browser to draw on every visit).
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

    def put(self, figure: go.Figure, sentence: str) -> None:
        """`figure` in front: nothing changes if it is the one there; else it goes into a new slot (fewer than
        N_SLOTS) or into the oldest one."""
        if self.figures[self.order[-1]].to_json() == figure.to_json():
            return
        if len(self.figures) < N_SLOTS:
            self.figures.append(figure)
            self.alts.append(sentence)
            self.order.append(len(self.figures) - 1)
        else:
            oldest = self.order.pop(0)
            self.figures[oldest], self.alts[oldest] = figure, sentence
            self.order.append(oldest)


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
    slots = charts.setdefault(key, Slots([shown], [sentence], [0]))
    slots.put(shown, sentence)
    st.html(_css(key, slots.order))
    box = where.container(key=f"steady_{key}")
    for i, figure in enumerate(slots.figures):
        box.plotly_chart(figure, key=f"{key}_{i}", alt=slots.alts[i], config=config)
    where.html(table)
