"""The class judges the model's answers (human feedback, as a class): the teacher's Human feedback page puts the
model's answers to a question in the poll, every student votes for the best one on their own device, and the
teacher's copy of the model then learns from every vote at once (explainer/ui/feedback_class.py). The poll's code,
QR code and screens that follow the teacher are the class poll's."""

from __future__ import annotations

import streamlit as st

from explainer.charts.poll import class_votes
from explainer.classroom.poll import Poll, PollError, letter_counts
from explainer.format import md_escape, number
from explainer.i18n import _, ngettext
from explainer.ui.poll import PollState, act, follow, join_address, join_panel, leave_button, store
from explainer.ui.poll_questions import choices_card, letter_buttons
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.navigation import link_page

FEEDBACK_PAGE = "feedback"
HEADING_CHARS = 120  # the question as the card shows it, at most


def judge_card(poll: Poll, choices: bool = True) -> None:
    """The question and (unless `choices` is False: a student's vote buttons say them) the model's answers, each with
    its letter."""
    question = poll.judged if len(poll.judged) <= HEADING_CHARS else poll.judged[:HEADING_CHARS] + " …"
    text = _("Which answer is better? · “{question}”").format(question=question)
    choices_card(text, poll.letters, poll.judge if choices else [])


def counts(poll: Poll) -> list[int]:
    """This round's votes per answer, in the letters' order."""
    return letter_counts(poll, list(store().guesses(poll).values()))


def verdict(letters: str, votes: list[int]) -> str:
    """What the class chose, in a sentence: its favourite, or a tie."""
    total, top = sum(votes), max(votes, default=0)
    if not total:
        return _("Nobody voted.")
    firsts = [x for x, n in zip(letters, votes) if n == top]
    if len(firsts) > 1:
        return _("The class is split: {letters}, {n} votes each.").format(letters=", ".join(firsts), n=number(top))
    chose = ngettext(
        "The class chose **{x}** ({n} of {total} vote).", "The class chose **{x}** ({n} of {total} votes).", total
    )
    return chose.format(x=firsts[0], n=number(top), total=number(total))


def show_judged(poll: Poll) -> None:
    """The board once the votes are shown."""
    votes = counts(poll)
    show_chart(class_votes(poll.letters, votes, title=_("The class's votes")), "poll_judged")
    st.markdown(verdict(poll.letters, votes))
    st.caption(
        _(
            "Each vote is one comparison, “this answer is better than the others”: the teacher's copy of the model "
            "learns from all of them at once, as a real chatbot learns from many people's comparisons."
        )
    )


# ---------------------------------------------------------------------------- the teacher's side


def teacher_view(poll: Poll) -> None:
    join_panel(poll.code, join_address(st.context.url, poll.code))
    judge_card(poll)
    if poll.revealed:
        show_judged(poll)
    else:
        follow(poll, teacher=True)
        st.button(
            _("Show the votes"), on_click=act, args=(_reveal, poll.code), type="primary",
            icon=":material/visibility:", help=_("Ends the vote and shows how the class voted."),
        )  # fmt: skip
    if (page := link_page(FEEDBACK_PAGE)) is not None:
        st.page_link(page, label=_("Teach the model the class's votes: Human feedback"), icon=":material/thumb_up:")


def _reveal(code: str) -> None:
    if store().get(code) is None:
        raise PollError(_("This poll has ended."))
    store().reveal(code, {})  # the votes are the answer: no model to run


# ---------------------------------------------------------------------------- the student's side


def student_view(poll: Poll) -> None:
    sent = PollState.of().sent.get((poll.code, poll.round))
    judge_card(poll, choices=poll.revealed)
    if poll.revealed:
        if sent is not None:
            st.markdown(_("You voted for **{x}**.").format(x=md_escape(sent)))
        show_judged(poll)
    else:
        st.markdown(_("Which answer would you rather get from a chatbot? Your vote:"))
        letter_buttons(poll, [md_escape(a) for a in poll.judge], sent)
    follow(poll)
    leave_button()
