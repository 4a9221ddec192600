"""The lesson plan on the home page (the steps in lesson.py): each step a box with its link, minutes, what to click and
what to ask; a step's links carry the step (lesson.STEP_KEY), so that the page they open walks the plan."""

from __future__ import annotations

import streamlit as st

from explainer.i18n import _
from explainer.ui.shell.lesson import PARTS, Link, Step, starts
from explainer.ui.shell.navigation import link_page


def _link(step: Step, link: Link, label: str, where=st) -> None:
    page = link_page(link.url_path)
    if page is None:  # a page script run on its own, outside the app's navigation
        where.markdown(f"**{label}**")
    else:
        help_text = _("Opens {place}").format(place=link.place())
        where.page_link(page, label=label, query_params=step.query(link), help=help_text)


def lesson_plan() -> None:
    """The steps in order, grouped by part; each box is a view (?view=step-N) that "Back to the lesson plan" lands
    on."""
    start = starts()
    for part, steps in PARTS.items():
        st.subheader(_(part), anchor=False)
        for step in steps:
            with st.container(border=True, key=f"view-{step.view}"):
                top = st.container(horizontal=True, vertical_alignment="center", gap="small")
                _link(step, step.link, step.heading, top)
                top.badge(
                    _("{minutes} min · from {start}′").format(minutes=step.minutes, start=start[step.n]),
                    icon=":material/schedule:",
                    color="gray",
                )
                top.markdown(_(step.line))
                st.markdown(_("**Click:** {click}  \n**Ask:** {ask}").format(click=_(step.click), ask=_(step.ask)))
                for link in step.more:
                    _link(step, link, f"↳ {_(link.label)}")
                for link in step.questions:  # answered on the students' phones
                    _link(step, link, "↳ " + _("Class question: {question}").format(question=_(link.label)))
