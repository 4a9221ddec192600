"""The guided tour: st.navigation over the page registry (pages.py) in the story's order, drawn in the sidebar as page
links under their sections, previous / next and "back to the lesson plan" at the bottom of every page (the lesson
plan's steps on a page opened from it), and links to any page of the app (`link_page`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn
from urllib.parse import parse_qs

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from explainer.i18n import _, language
from explainer.ui.shell.chart_code import preload_script
from explainer.ui.shell.keys import BACK_ICON, NEXT_ICON, page_keys
from explainer.ui.shell.lesson import STEPS, Step, around, lesson_step, next_in_lesson
from explainer.ui.shell.pages import BY_URL, PAGES, PageEntry, neighbours
from explainer.ui.shell.state import SessionObject
from explainer.ui.shell.views import VIEW_KEY, land_on_view

PLAN_VIEW = "plan"  # the lesson plan's anchor on the home page
NAV_KEY = "nav"  # the sidebar's list of pages (.st-key-nav)
CARRY_KEY = "carry"  # marks a link that brings settings to its page on purpose (`carrying`)


@dataclass
class Navigation(SessionObject):
    KEY = "navigation"
    current: str | None = None  # the url path of the page being shown (None: a page script run on its own)
    pages: dict[tuple[str, str], st.Page] = field(default_factory=dict)  # (language, url path) -> its st.Page
    carried: str | None = None  # the last link's address run again for its settings (never twice in a row)


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


def carrying(query: dict[str, str]) -> dict[str, str]:
    """A page link's query that sets the widgets of the page it opens (a text, a temperature), even those the page
    left also has: see `take_carried_settings`."""
    return {**query, CARRY_KEY: "1"}


def take_carried_settings() -> None:
    """On the way to another page Streamlit drops an address's parameter that a widget of the page left is bound to,
    so that the sidebar's links, which keep the address, do not take one page's text to the next; and on the same
    page a value the page's code gave a widget wins over the address's. A link made with `carrying` means it: a run
    that lost a parameter starts again once with the link's whole address (those bindings are gone by then), a value
    held for one of its parameters is forgotten, so that the page's widgets start from the link's values, and the
    address keeps one value of each (two texts would open an empty box on a refresh). Call before the page draws a
    widget."""
    if CARRY_KEY not in st.query_params:
        return
    ctx, nav = get_script_run_ctx(), Navigation.of()
    address = ctx.query_string if ctx is not None else ""
    asked = [key for key in parse_qs(address) if key != CARRY_KEY]
    if nav.carried != address:
        if any(key not in st.query_params for key in asked):
            nav.carried = address
            st.rerun()
        for key in asked:
            if key in st.session_state:
                del st.session_state[key]  # (Streamlit reads the address into the widget, in the widget's own format)
    nav.carried = None
    del st.query_params[CARRY_KEY]
    # To another page the browser keeps the page left's parameters before the link's: the link's value is the last.
    for key in [k for k in st.query_params if len(st.query_params.get_all(k)) > 1]:
        st.query_params[key] = st.query_params.get_all(key)[-1]  # (no widget of this page is bound to it yet)


def link_page(url_path: str) -> st.Page | None:
    """The page at `url_path`, for st.page_link; None when there is no such page or no navigation to link within
    (a page script run on its own)."""
    if url_path not in BY_URL or Navigation.of().current is None:
        return None
    return _page(BY_URL[url_path])


@dataclass(frozen=True)
class Turn:
    """One of the footer's links: where it goes and what it says."""

    label: str
    page: st.Page
    query: dict[str, str] = field(default_factory=dict)


def _story_turns(current: str) -> tuple[Turn | None, Turn | None, Turn | None]:
    """Previous, back to the plan, next: the neighbouring pages of the sidebar's story (the first page's previous is
    the plan itself), for a page not opened from the plan."""
    before, after = neighbours(current)
    back = None
    if before is None or before.url_path != "":
        back = Turn(_("Back to the lesson plan"), _page(BY_URL[""]), {VIEW_KEY: PLAN_VIEW})
    return (
        before and Turn(_("Previous: {title}").format(title=_(before.title)), _page(before)),
        back,
        after and Turn(_("Next: {title}").format(title=_(after.title)), _page(after)),
    )


def _step_turn(words: str, step: Step | None) -> Turn | None:
    """A link to `step`'s view, saying `words` ("Next step: {step}")."""
    if step is None:
        return None
    return Turn(words.format(step=step.heading), _page(BY_URL[step.link.url_path]), step.query(step.link))


def _lesson_turns(step: Step) -> tuple[Turn | None, Turn, Turn | None]:
    """Previous step, back to this step on the plan, next step: a page opened from the lesson plan walks its steps."""
    before, after = around(step)
    back = Turn(_("Back to the lesson plan"), _page(BY_URL[""]), {VIEW_KEY: step.view})
    return _step_turn(_("Previous step: {step}"), before), back, _step_turn(_("Next step: {step}"), after)


def start_link() -> None:
    """On the lesson plan's page, under its opening words: the lesson's next step (the first for a newcomer), the
    same as the footer's link at the bottom, so that a student on their own need not scroll past the whole plan."""
    if Navigation.of().current is None:
        return
    step = next_in_lesson()
    words = _("On your own? Start here: {step}") if step is STEPS[0] else _("Go on with the lesson: {step}")
    turn = _step_turn(words, step)
    st.page_link(turn.page, label=turn.label, icon=f":material/{NEXT_ICON}:", query_params=turn.query, help="")


def footer() -> None:
    """Previous / next links and the way back to the lesson plan, at the bottom of the page: the lesson's steps on a
    page opened from the plan (and on the plan itself), else the sidebar's pages; then the landing on a linked view
    (?view=...), once everything above is drawn."""
    current = Navigation.of().current
    if current is None:  # a page script run on its own: no navigation to link within
        return
    step = lesson_step(current)
    if current == "":  # the lesson plan itself: on to the lesson's next step
        before, back, after = None, None, _step_turn(_("Next step: {step}"), next_in_lesson())
    else:
        before, back, after = _story_turns(current) if step is None else _lesson_turns(step)
    st.divider()
    if step is not None:  # the step's question, for the class, before the teacher turns to the next step
        ask = _("**Step {n} of {total}** · ask the class: {ask}").format(n=step.n, total=len(STEPS), ask=_(step.ask))
        st.container(key="lesson_ask").markdown(ask)
    # One row, previous on the left and next on the right; on a narrow screen it wraps (never cut short).
    align = "right" if before is None and back is None else "distribute"
    with st.container(horizontal=True, horizontal_alignment=align, vertical_alignment="center", key="footer"):
        for turn, icon in ((before, BACK_ICON), (back, "list_alt"), (after, NEXT_ICON)):
            if turn is not None:
                st.page_link(
                    turn.page,
                    label=turn.label,
                    icon=f":material/{icon}:",
                    icon_position="right" if turn is after else "left",
                    query_params=turn.query,
                    help="",
                )
    page_keys(more=preload_script(current))  # the charts' code loaded ahead on the pages before the first chart
    land_on_view()


def stop() -> NoReturn:
    """`st.stop()` for a page that cannot go on: the previous / next links still appear below it."""
    footer()
    st.stop()
