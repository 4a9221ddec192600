"""A text the student wrote, taken to the other pages that read one: each page opens on an example of its own, so
without this a sentence typed on Next word had to be typed again to see its attention, its layers or its last
vector."""

from __future__ import annotations

import streamlit as st

from explainer.i18n import _
from explainer.ui.shell.navigation import Navigation, carrying, link_page
from explainer.ui.shell.pages import BY_URL

# The pages whose text box is the shared prompt box (explainer/ui/prediction.py), in the story's order.
PROMPT_PAGES = ("next-word", "sampling", "what-else", "what-it-read", "attention", "layers", "last-vector", "why-word")
MAX_LINK_CHARS = 4_000  # the most of a text a link carries in its address (proxies refuse addresses of ~8 kB)


def other_pages(query: dict[str, str]) -> None:
    """A row of links to the other prompt pages, each opening with `query` (the text, as the URL names it)."""
    here = Navigation.of().current
    pages = [(BY_URL[url], page) for url in PROMPT_PAGES if url != here and (page := link_page(url)) is not None]
    if not pages:  # a page script run on its own, outside the app's navigation
        return
    row = st.container(horizontal=True, gap="small", vertical_alignment="center", key="text_elsewhere")
    row.caption(_("Your text on another page:"))
    for entry, page in pages:
        row.page_link(page, label=_(entry.title), icon=entry.icon, query_params=carrying(query))
