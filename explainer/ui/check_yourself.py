"""The "Check yourself" section at the foot of a page: the class questions (explainer/classroom/questions.py) whose
demo is on this page, for a student exploring alone. Pick an answer, then read whether it is right and why. A teacher
presenting gets a link that asks the class the same question on their phones instead (the class poll)."""

from __future__ import annotations

import streamlit as st

from explainer.classroom.questions import QUESTION_KEY, QUESTIONS, Question
from explainer.i18n import _
from explainer.ui.shell.navigation import link_page
from explainer.ui.shell.presenter import presenting
from explainer.ui.shell.views import VIEW_KEY, section

GROWS_AT_THE_FOOT = {"chat"}  # a conversation: the questions would sit between the latest reply and the box


def check_yourself(url_path: str) -> None:
    asked = [q for q in QUESTIONS if q.page == url_path]
    if not asked or url_path in GROWS_AT_THE_FOOT:
        return
    section(_("Check yourself"), "check")
    for q in asked:
        _one(q)


def _one(q: Question) -> None:
    picked = st.radio(
        f"**{_(q.text)}**",
        range(len(q.choices)),
        index=None,
        format_func=lambda k: f"{q.letters[k]} · {_(q.choices[k])}",
        key=f"check_{q.key}",
    )
    if picked == q.right:
        st.success(_("Right. {why}").format(why=_(q.why)), icon=":material/check_circle:")
    elif picked is not None:
        st.warning(
            _("Not quite: the answer is {letter}. {why}").format(letter=q.right_letter, why=_(q.why)),
            icon=":material/lightbulb:",
        )
    if presenting() and (poll := link_page("poll")) is not None:
        st.page_link(
            poll,
            label=_("Ask the class on their phones"),
            query_params={VIEW_KEY: "question", QUESTION_KEY: q.key},
            icon=":material/how_to_vote:",
            help=_("Opens the class poll on this question: every student answers on their own device."),
        )
