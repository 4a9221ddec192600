"""Follow the teacher: a student who joined the class's poll sees, at the top of every page, the page the teacher
shows (with its settings) and whether the class is voting, each with a link; the teacher's tab shows the class where
it is as it moves, and keeps a link back to its poll in the sidebar. Both go through the poll's folder
(classroom/poll.py), so a student whose session lives on another replica sees the same."""

from __future__ import annotations

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from explainer.classroom.poll import CODE_KEY, KEY_KEY, POLL_PAGE, PollError
from explainer.format import md_escape
from explainer.i18n import _
from explainer.ui.poll import PollState, store
from explainer.ui.shell.language import LANG_KEY
from explainer.ui.shell.navigation import Navigation, carrying, link_page
from explainer.ui.shell.pages import BY_URL
from explainer.ui.shell.presenter import PRESENT_KEY
from explainer.ui.shell.views import VIEW_KEY
from explainer.ui.training.session import URL_KEY as RUN_KEY

# How often a student's screen asks where the teacher is: a teacher moves every minute or so, and 30 students ask 6
# times a second (bench.protocol_load --follow: within the spread of runs without it, at 3 s and at 5 s).
FOLLOW_TICK_S = 5.0
LEAD_KEY = "poll_lead"
# The teacher's own, each student's language, and the teacher's training run (a student's "Go there" must not swap
# their own run for a copy of the teacher's; a QR code of the view does share it).
NOT_SHARED = (CODE_KEY, KEY_KEY, PRESENT_KEY, LANG_KEY, RUN_KEY)


def this_view() -> tuple[str, dict[str, str]]:
    """The page being shown (url path) and its settings, as the class would open it."""
    params = {k: st.query_params.get(k) for k in st.query_params if k not in NOT_SHARED}
    return Navigation.of().current or "", params


# ---------------------------------------------------------------------------- the teacher's tab


def teacher_sidebar() -> None:
    """A tab that runs a poll: a link back to it and the switch that shows the class where this tab is."""
    state = PollState.of()
    if state.hosting is None:
        return
    code, key = state.hosting
    if store().get(code) is None:  # ended elsewhere, or forgotten
        state.hosting = state.led = None
        return
    with st.sidebar.container(border=True):
        on_it = Navigation.of().current == POLL_PAGE and st.query_params.get(CODE_KEY) == code
        if (page := link_page(POLL_PAGE)) is not None and not on_it:
            st.page_link(
                page,
                label=_("Back to your class poll ({code})").format(code=code),
                query_params={CODE_KEY: code, KEY_KEY: key},
                icon=":material/how_to_vote:",
            )
        st.toggle(
            _("Show the class where I am"),
            True,
            key=LEAD_KEY,
            help=_(
                "The students who joined your poll see, at the top of their page, the page you show (with its "
                "settings) and a link to it. They stay free to look elsewhere."
            ),
        )


def lead_the_class() -> None:
    """After the page ran (its settings are in the address): tell the class where this tab is, when it changed."""
    state = PollState.of()
    if state.hosting is None:
        return
    page, params = this_view()
    shown = (page, params) if st.session_state.get(LEAD_KEY, True) else ("", {})
    if shown == state.led or shown[0] == POLL_PAGE:
        return  # the poll page itself: the students have the poll already
    try:
        store().lead(state.hosting[0], *shown)
        state.led = shown
    except PollError:  # the poll ended meanwhile
        state.hosting = state.led = None


# ---------------------------------------------------------------------------- a student's screen


def bar_slot() -> DeltaGenerator | None:
    """Before the page runs: the place at its top for `class_bar`, for a student who joined a poll or may join one
    on this page (the poll page with a code); None for everyone else (no empty element on their pages)."""
    state = PollState.of()
    joining = Navigation.of().current == POLL_PAGE and CODE_KEY in st.query_params
    if state.hosting is not None or (state.joined is None and not joining):
        return None
    return st.container()


def class_bar(slot: DeltaGenerator | None) -> None:
    """After the page ran (it may have joined or left the poll): in `slot`, where the teacher is and whether the
    class votes, asked again every FOLLOW_TICK_S (a fragment: the page itself is not rerun)."""
    if slot is None or PollState.of().joined is None or PollState.of().hosting is not None:
        return
    with slot:
        st.fragment(run_every=FOLLOW_TICK_S)(_class_bar)()


def _class_bar() -> None:
    state = PollState.of()
    poll = store().get(state.joined or "")
    if poll is None:  # the poll ended: the bar goes, and the fragment stops with the next full run
        state.joined = None
        return
    here, params = this_view()
    voting = here != POLL_PAGE and not poll.revealed and (poll.code, poll.round) not in state.sent
    teacher = store().teacher_at(poll)
    away = teacher is not None and teacher[0] in BY_URL and not same_view(teacher, (here, params))
    if not (voting or away):
        return
    with st.container(border=True, horizontal=True, vertical_alignment="center", gap="medium"):
        if voting and (page := link_page(POLL_PAGE)) is not None:
            st.markdown(_("**Your class is voting.**"), width="content")
            st.page_link(page, label=_("Answer"), query_params={CODE_KEY: poll.code}, icon=":material/how_to_vote:")
        if away and (page := link_page(teacher[0])) is not None:
            if teacher[0] == here:
                st.markdown(_("The teacher shows this page with other settings."), width="content")
                st.page_link(page, label=_("Take them"), query_params=carrying(teacher[1]), icon=":material/tune:")
            else:
                title = md_escape(_(BY_URL[teacher[0]].title))
                st.markdown(_("The teacher is showing **{page}**.").format(page=title), width="content")
                st.page_link(page, label=_("Go there"), query_params=carrying(teacher[1]), icon=":material/east:")
        if here != POLL_PAGE:  # there, "Leave the poll" says it
            st.button(_("Stop following"), key="follow_stop", type="tertiary", on_click=_stop)


def same_view(a: tuple[str, dict[str, str]], b: tuple[str, dict[str, str]]) -> bool:
    """The same page with the same settings; the section a lesson link scrolled to does not count."""
    return a[0] == b[0] and _settings(a[1]) == _settings(b[1])


def _settings(params: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in params.items() if k != VIEW_KEY}


def _stop() -> None:
    PollState.of().joined = None
