"""The guided tour for a classroom: the pages in the story's order with previous / next links at the
bottom of each, and presenter mode (bigger text and charts, advanced controls hidden) kept in the URL.

The order is the navigation list in streamlit_app.py: `navigation()` records it for this session's run,
so a page added there gets its links with nothing else to change.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NoReturn

import plotly.graph_objects as go
import streamlit as st

PRESENT_KEY = "present"  # session state (the sidebar toggle) and the URL: ?present=1
PAGES_KEY = "tour_pages"  # this run's pages, in the story's order
CURRENT_KEY = "tour_current"  # the url_path of the page being shown
ON = {"1", "true", "yes", "on"}

FONT_SCALE = 1.2  # charts' text on a projector: 18 px -> 22 px, a little above the page's text
HEIGHT_SCALE = 1.15
# Streamlit sizes its text in rem: a bigger root font grows every label, widget and heading alike
# (21 px: a quarter above the 17 px of .streamlit/config.toml).
# The main column gets the room the side margins took; metrics wrap instead of being cut off with "…".
PRESENTER_CSS = """<style>
html { font-size: 21px !important; }
[data-testid="stMainBlockContainer"] { padding: 2.5rem 1.5rem 4rem; }
[data-testid="stMetricValue"] > div, [data-testid="stMetricLabel"] > div, [data-testid="stMetricLabel"] p {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important; }
[data-testid="stMetricValue"] { font-size: 1.9rem; }
[data-testid="stPageLink-NavLink"] p { font-size: 1rem; }
</style>"""


# ---------------------------------------------------------------------------- the story's order


def navigation(sections: dict[str, list[st.Page]]) -> st.Page:
    """`st.navigation(sections)`, remembering the pages' order for the links and the lesson plan."""
    page = st.navigation(sections, expanded=True)  # every page listed: no "View more" to find
    st.session_state[PAGES_KEY] = [p for pages in sections.values() for p in pages]
    st.session_state[CURRENT_KEY] = page.url_path
    return page


def story_pages() -> list[st.Page]:
    """The pages of the app in the story's order ([] for a page run on its own)."""
    return st.session_state.get(PAGES_KEY, [])


def registered(path: str) -> st.Page | None:
    """The app's page for a file like "app_pages/train.py", or None if the navigation has no such page."""
    for page in story_pages():
        source = getattr(page, "_page", None)  # the page's script (st.Page keeps it, resolved)
        if isinstance(source, Path) and source.parts[-2:] == Path(path).parts[-2:]:
            return page
    return None


def neighbours() -> tuple[st.Page | None, st.Page | None]:
    """The pages before and after the one being shown (None at either end, or outside the app)."""
    pages = story_pages()
    paths = [p.url_path for p in pages]
    current = st.session_state.get(CURRENT_KEY)
    if current not in paths:
        return None, None
    i = paths.index(current)
    return (pages[i - 1] if i > 0 else None), (pages[i + 1] if i + 1 < len(pages) else None)


def footer() -> None:
    """Previous / next links at the bottom of the page, with the neighbouring pages' titles."""
    before, after = neighbours()
    if before is None and after is None:
        return
    st.divider()
    # One row, previous on the left and next on the right; on a narrow screen next wraps below (never cut short).
    align = "distribute" if before is not None and after is not None else "right" if after is not None else "left"
    with st.container(horizontal=True, horizontal_alignment=align, vertical_alignment="center"):
        if before is not None:
            st.page_link(before, label=f"Previous: {before.title}", icon=":material/arrow_back:", help="")
        if after is not None:
            st.page_link(
                after, label=f"Next: {after.title}", icon=":material/arrow_forward:", icon_position="right", help=""
            )


def stop() -> NoReturn:
    """`st.stop()` for a page that cannot go on: the previous / next links still appear below it."""
    footer()
    st.stop()


# ---------------------------------------------------------------------------- presenter mode


def presenting() -> bool:
    """Whether presenter mode is on in this session (a link's ?present=1 turns it on)."""
    if PRESENT_KEY not in st.session_state:
        st.session_state[PRESENT_KEY] = str(st.query_params.get(PRESENT_KEY, "")).lower() in ON
    return bool(st.session_state[PRESENT_KEY])


def advanced() -> bool:
    """Whether to draw advanced controls (downloads, full tables, seeds, projections): not when presenting."""
    return not presenting()


def presenter_toggle() -> None:
    """The sidebar switch; keeps ?present=1 in the address bar (a page switch clears it) and styles the page."""
    presenting()  # first run: take the link's setting
    st.sidebar.toggle(
        "Presenter mode",
        key=PRESENT_KEY,
        help="For a projector: bigger text and charts, advanced controls hidden. "
        "The link in the address bar keeps it on, to share with a class.",
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
    return go.Figure(spec, _validate=False)  # the builders made it valid; checking again costs ~40 ms
