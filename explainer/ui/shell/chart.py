"""The one way a page draws a plotly chart: presenter-sized (presenter.py), exportable (export.py), and with its text
alternative: a sentence for screen readers (the chart's accessible name) and its data as a table only they read
(explainer/charts/describe.py)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio
import streamlit as st

from explainer.charts.describe import describe, table_html
from explainer.charts.wire import WireFigure
from explainer.i18n import language
from explainer.ui.shell.accessible import SR_ONLY
from explainer.ui.shell.export import exported
from explainer.ui.shell.presenter import presented

LEAN_TEMPLATE = "streamlit_lean"


def use_lean_template() -> None:
    """Make plotly's default template a lean copy of Streamlit's. Importing Streamlit makes its theme the default
    (streamlit/elements/lib/streamlit_plotly_theme.py): 3.7 kB, copied into every figure when it is made and again
    when it is sent (1.9 ms a chart), nearly all of it colour scales for traces that name none, while every chart
    here names its own. Kept: the colour cycle (its placeholder colours the browser swaps for the theme's) and the
    markers' outline."""
    if pio.templates.default == LEAN_TEMPLATE:
        return
    full = pio.templates[pio.templates.default]
    pio.templates[LEAN_TEMPLATE] = go.layout.Template(
        layout={"colorway": full.layout.colorway}, data={"scatter": [{"marker": {"line": {"width": 0}}}]}
    )
    pio.templates.default = LEAN_TEMPLATE


use_lean_template()  # before any page makes a figure: every page that draws one imports this module


def text_alternative(fig: go.Figure, summary: str | None = None) -> tuple[str, str]:
    """(sentence, HTML table) for `fig`: `summary` if the page says it better, else the sentence read from the
    figure."""
    sentence, table = describe(fig)
    return summary or sentence, table_html(summary or sentence, table, SR_ONLY)


@dataclass(frozen=True)
class SharedChart:
    """A figure drawn alike for every session, with its text alternative: read it, never change it."""

    fig: go.Figure
    sentence: str
    table: str


SHARED_CHARTS = 64  # figures kept for every session (a map of words is the largest: ~0.3 MB)
_shared: OrderedDict[Hashable, SharedChart] = OrderedDict()
_shared_lock = threading.Lock()


def shared_chart(key: Hashable, build: Callable[[], go.Figure], summary: str | None = None) -> SharedChart:
    """The figure `build()` makes, with its text alternative and what Streamlit sends of it, made once per process
    for `key` and the language, then shared by every session (the most recent SHARED_CHARTS). `key` must name
    everything the figure depends on (the model, the text, the layer, ...). A class looks at the same text: the
    attention page's four charts cost a click 2-3 ms each to build, describe and copy."""
    full = (key, language(), summary)
    with _shared_lock:
        if (made := _shared.get(full)) is not None:
            _shared.move_to_end(full)
            return made
    fig = build()
    if isinstance(fig, WireFigure):
        fig.freeze()  # what Streamlit sends of it, copied once
    made = SharedChart(fig, *text_alternative(fig, summary))
    with _shared_lock:
        _shared[full] = made
        while len(_shared) > SHARED_CHARTS:
            _shared.popitem(last=False)
    return made


def show_chart(
    fig: go.Figure | SharedChart, key: str, where=st, *, name: str | None = None, summary: str | None = None, **kwargs
):
    """`fig` (or a shared chart) drawn in `where` (presenter-sized), exportable (export.py: the camera button's file
    name; the handout), named by its sentence, its data in a table beneath for screen readers; `kwargs` go to
    st.plotly_chart, whose return value (a selection, with on_select) this returns."""
    if isinstance(fig, SharedChart):
        fig, sentence, table = fig.fig, fig.sentence, fig.table
    else:
        sentence, table = text_alternative(fig, summary)
    box = where.container(gap=None)
    picked = box.plotly_chart(presented(fig), key=key, alt=sentence, config=exported(fig, key, name), **kwargs)
    box.html(table)
    return picked
