"""Presenter mode for a classroom projector: bigger text and charts, advanced controls hidden, kept in the URL
(`?present=1`) so that it stays on from page to page and a teacher can share it."""

from __future__ import annotations

import re

import plotly.graph_objects as go
import streamlit as st

from explainer.charts.style import figure
from explainer.i18n import _

PRESENT_KEY = "present"  # the sidebar toggle's key and the URL's parameter: ?present=1
ON = {"1", "true", "yes", "on"}

FONT_SCALE = 1.2  # charts' text on a projector: 18 px -> 22 px, a little above the page's text
HEIGHT_SCALE = 1.15
# Streamlit sizes its text in rem: a bigger root font grows every label, widget and heading alike
# (21 px: a quarter above the 17 px of .streamlit/config.toml; 24 px on a full-HD projector).
# The main column gets the room the side margins took and a smaller title, so that the main chart starts on the
# first screen; captions are dark and full size (Streamlit's grey 14 px fades on a projector); metrics and their
# notes wrap instead of being cut off with "…" (pills and metric labels wrap everywhere: accessible.py).
PRESENTER_CSS = """<style>
html { font-size: 21px !important; }
@media (min-width: 1700px) { html { font-size: 24px !important; } }
[data-testid="stMainBlockContainer"] { padding: 3.4rem 1.5rem 4rem; }
h1 { font-size: 2.1rem !important; padding-top: 0.4rem !important; padding-bottom: 0.4rem !important; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
  color: #262730 !important; font-size: 0.95rem !important; opacity: 1 !important; }
[data-testid="stMetricValue"] > div, [data-testid="stMetricDelta"] > div, [data-testid="stMetricDelta"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricValue"] { font-size: 1.9rem; }
[data-testid="stPageLink-NavLink"] p { font-size: 1rem; }
[data-baseweb="tag"] span { max-width: none !important; text-overflow: clip !important; }
</style>"""


def presenting() -> bool:
    """Whether presenter mode is on in this session (a link's ?present=1 turns it on)."""
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = str(st.query_params.get(PRESENT_KEY, "")).lower() in ON
    return bool(st.session_state[PRESENT_KEY])


def advanced() -> bool:
    """Whether to draw advanced controls (downloads, full tables, seeds, projections): not when presenting."""
    return not presenting()


def on_a_phone() -> bool:
    """Whether the browser says it is a phone ("Mobi" in its User-Agent, as phones' browsers write it): a page may
    then start a crowded view smaller (a chart never learns its width on the server)."""
    return "Mobi" in (st.context.headers.get("User-Agent") or "")


def sidebar_state() -> str:
    """How the sidebar starts: collapsed when presenting (the projector gets the whole width; its arrow opens it)."""
    return "collapsed" if presenting() else "auto"


def side_by_side(ratio: tuple[int, int] = (2, 3)) -> tuple:
    """(controls, view): in presenter mode two columns, the controls beside the main chart so that the chart starts on
    the first screen of a projector; otherwise two containers, one under the other."""
    if presenting():
        return tuple(st.columns(list(ratio), gap="medium"))
    return st.container(), st.container()


def presenter_toggle() -> None:
    """The sidebar switch; keeps ?present=1 in the address bar (a page switch clears it) and styles the page."""
    presenting()  # first run: take the link's setting
    st.sidebar.toggle(
        _("Presenter mode"),
        key=PRESENT_KEY,
        help=_(
            "For a projector: bigger text and charts, advanced controls hidden. A presentation clicker (Page Down, "
            "Page Up) scrolls the page, then turns to the next step or the one before. The link in the address bar "
            "keeps it on, to share with a class."
        ),
    )
    if presenting():
        if st.query_params.get(PRESENT_KEY) != "1":
            st.query_params[PRESENT_KEY] = "1"
        st.html(PRESENTER_CSS)
    elif PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]


_PX = re.compile(r"font-size:\s*(\d+(?:\.\d+)?)px")


def _scaled(node, factor: float):
    """A copy of a plotly figure dict with every font size (and px size in text) times `factor`."""
    if isinstance(node, dict):
        out = {k: _scaled(v, factor) for k, v in node.items()}
        for k, v in node.items():
            if k.endswith("font") and isinstance(v, dict) and "size" in v:
                size = v["size"]
                out[k]["size"] = [round(s * factor) for s in size] if isinstance(size, list) else round(size * factor)
        if isinstance(node.get("minsize"), (int, float)):  # uniformtext
            out["minsize"] = node["minsize"] * factor
        return out
    if isinstance(node, list):
        return [_scaled(v, factor) for v in node]
    if isinstance(node, str) and "font-size" in node:
        return _PX.sub(lambda m: f"font-size:{float(m.group(1)) * factor:g}px", node)
    return node


def presented(fig: go.Figure) -> go.Figure:
    """The figure as it should be drawn: unchanged, or with bigger text and height in presenter mode."""
    if not presenting():
        return fig
    spec = _scaled(fig.to_dict(), FONT_SCALE)
    layout = spec.setdefault("layout", {})
    if isinstance(layout.get("height"), (int, float)):
        layout["height"] = round(layout["height"] * HEIGHT_SCALE)
    margin = layout.get("margin") or {}
    for side in ("l", "r", "t", "b"):
        if isinstance(margin.get(side), (int, float)):
            margin[side] = round(margin[side] * FONT_SCALE)
    return figure(spec.get("data", []), layout)  # the builders made it valid: not checked again (~40 ms)
