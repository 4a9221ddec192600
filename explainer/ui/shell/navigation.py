"""The guided tour: st.navigation over the page registry (pages.py) in the story's order, drawn in the sidebar as page
links under their sections, previous / next and "back to the lesson plan" at the bottom of every page, and links to any
page of the app (`link_page`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

import streamlit as st

from explainer.i18n import _, language
from explainer.ui.shell.keys import BACK_ICON, NEXT_ICON, page_keys
from explainer.ui.shell.pages import BY_URL, PAGES, PageEntry, neighbours
from explainer.ui.shell.state import SessionObject
from explainer.ui.shell.views import VIEW_KEY, land_on_view

PLAN_VIEW = "plan"  # the lesson plan's anchor on the home page
NAV_KEY = "nav"  # the sidebar's list of pages (.st-key-nav)


@dataclass
class Navigation(SessionObject):
    KEY = "navigation"
    current: str | None = None  # the url path of the page being shown (None: a page script run on its own)
    pages: dict[tuple[str, str], st.Page] = field(default_factory=dict)  # (language, url path) -> its st.Page


def _page(entry: PageEntry) -> st.Page:
    """The entry's st.Page, made once per session and language (making one looks its file up on disk: 5 % of a
    class's server time when every run made them all)."""
    pages = Navigation.of().pages
    key = (language(), entry.url_path)
    if key not in pages:
        home = entry.url_path == ""
        url_path = None if home else entry.url_path
        pages[key] = st.Page(entry.file, title=_(entry.title), icon=entry.icon, url_path=url_path, default=home)
    return pages[key]


def navigation() -> st.Page:
    """`st.navigation` over every page of the registry, by section, listed in the sidebar; remembers which page is
    shown."""
    sections: dict[str, list[st.Page]] = {}
    for entry in PAGES:
        sections.setdefault(_(entry.section), []).append(_page(entry))
    # Streamlit's own sidebar navigation puts its section headers as <div>s inside the <ul> and its <li>s outside one
    # (axe "list" and "listitem", 15 serious violations on every page; streamlit/streamlit#8399 asks for accessible
    # structure): hidden here, and drawn below as page links (the current one marked by Streamlit).
    page = st.navigation(sections, position="hidden")
    Navigation.of().current = page.url_path
    _draw(sections)
    return page


def _draw(sections: dict[str, list[st.Page]]) -> None:
    """Every page of the registry as a link in the sidebar, under its section's name, in the registry's order."""
    with st.sidebar.container(key=NAV_KEY, gap=None):
        for section, pages in sections.items():
            st.markdown(f"**{section}**")
            for p in pages:
                st.page_link(p, width="stretch")  # its title and icon


def link_page(url_path: str) -> st.Page | None:
    """The page at `url_path`, for st.page_link; None when there is no such page or no navigation to link within
    (a page script run on its own)."""
    if url_path not in BY_URL or Navigation.of().current is None:
        return None
    return _page(BY_URL[url_path])


def footer() -> None:
    """Previous / next links (the neighbouring pages' titles) and the way back to the lesson plan, at the bottom of
    the page; then the landing on a linked view (?view=...), once everything above is drawn."""
    current = Navigation.of().current
    if current is None:  # a page script run on its own: no navigation to link within
        return
    before, after = neighbours(current)
    st.divider()
    # One row, previous on the left and next on the right; on a narrow screen it wraps (never cut short).
    align = "right" if before is None and current == "" else "distribute"
    with st.container(horizontal=True, horizontal_alignment=align, vertical_alignment="center", key="footer"):
        if before is not None:
            st.page_link(
                _page(before),
                label=_("Previous: {title}").format(title=_(before.title)),
                icon=f":material/{BACK_ICON}:",
                help="",
            )
        if current != "" and (before is None or before.url_path != ""):  # (the first page's previous is the plan)
            st.page_link(
                _page(BY_URL[""]),
                label=_("Back to the lesson plan"),
                icon=":material/list_alt:",
                query_params={VIEW_KEY: PLAN_VIEW},
                help="",
            )
        if after is not None:
            st.page_link(
                _page(after),
                label=_("Next: {title}").format(title=_(after.title)),
                icon=f":material/{NEXT_ICON}:",
                icon_position="right",
                help="",
            )
    page_keys()
    land_on_view()


def stop() -> NoReturn:
    """`st.stop()` for a page that cannot go on: the previous / next links still appear below it."""
    footer()
    st.stop()
