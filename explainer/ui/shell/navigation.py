"""The guided tour: st.navigation over the page registry (pages.py) in the story's order, previous / next links at
the bottom of every page, and links to any page of the app (`link_page`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

import streamlit as st

from explainer.ui.shell.pages import BY_URL, PAGES, PageEntry, neighbours
from explainer.ui.shell.state import SessionObject


@dataclass
class Navigation(SessionObject):
    KEY = "navigation"
    current: str | None = None  # the url path of the page being shown (None: a page script run on its own)


def _page(entry: PageEntry) -> st.Page:
    home = entry.url_path == ""
    return st.Page(
        entry.file, title=entry.title, icon=entry.icon, url_path=None if home else entry.url_path, default=home
    )


def navigation() -> st.Page:
    """`st.navigation` over every page of the registry, by section; remembers which page is shown."""
    sections: dict[str, list[st.Page]] = {}
    for entry in PAGES:
        sections.setdefault(entry.section, []).append(_page(entry))
    page = st.navigation(sections, expanded=True)  # every page listed: no "View more" to find
    Navigation.of().current = page.url_path
    return page


def link_page(url_path: str) -> st.Page | None:
    """The page at `url_path`, for st.page_link; None when there is no such page or no navigation to link within
    (a page script run on its own)."""
    if url_path not in BY_URL or Navigation.of().current is None:
        return None
    return _page(BY_URL[url_path])


def footer() -> None:
    """Previous / next links at the bottom of the page, with the neighbouring pages' titles."""
    current = Navigation.of().current
    before, after = neighbours(current) if current is not None else (None, None)
    if before is None and after is None:
        return
    st.divider()
    # One row, previous on the left and next on the right; on a narrow screen next wraps below (never cut short).
    align = "distribute" if before is not None and after is not None else "right" if after is not None else "left"
    with st.container(horizontal=True, horizontal_alignment=align, vertical_alignment="center"):
        if before is not None:
            st.page_link(_page(before), label=f"Previous: {before.title}", icon=":material/arrow_back:", help="")
        if after is not None:
            st.page_link(
                _page(after), label=f"Next: {after.title}", icon=":material/arrow_forward:", icon_position="right",
                help="",
            )  # fmt: skip


def stop() -> NoReturn:
    """`st.stop()` for a page that cannot go on: the previous / next links still appear below it."""
    footer()
    st.stop()
