"""The whole class as the people who judge, on the Human feedback page: the answers on screen go to the class poll
this tab runs (or a new one), every student votes for the better one on their own device (explainer/ui/poll_judge.py),
and one update of this tab's copy then learns from every vote (`preference.prefer_votes`)."""

from __future__ import annotations

import streamlit as st

from explainer.backends.base import Backend
from explainer.classroom.poll import Poll, PollError, clean_answers
from explainer.format import number
from explainer.i18n import _, ngettext, sentences
from explainer.training import preference as core
from explainer.ui.feedback import FeedbackState, Round, strength, update_copy
from explainer.ui.poll import POLL_TICK_S, host, hosted_poll, join_address, join_panel, store
from explainer.ui.poll_judge import counts as judge_counts
from explainer.ui.poll_judge import verdict


def judges(poll: Poll, rnd: Round) -> bool:
    """Whether `poll` has the class judge the answers on screen now."""
    return poll.judging and poll.judged == rnd.question.strip() and poll.judge == clean_answers(rnd.answers)


def class_judges(reference: Backend, spec: str) -> None:
    """The whole class as the people who judge: the answers on screen go to the class poll this tab runs (or a new
    one), every student votes for the best on their own device, and the votes then teach this tab's copy."""
    state = FeedbackState.of()
    rnd = state.round
    if rnd is None or len(clean_answers(rnd.answers)) < 2:
        return
    poll = hosted_poll()
    st.markdown(_("#### Let the whole class judge"))
    if state.class_message:  # said here, beside the buttons that caused it, once
        st.warning(state.class_message, icon=":material/warning:")
        state.class_message = None
    if poll is None or not judges(poll, rnd):
        st.markdown(
            _(
                "Every student votes for the better answer on their own phone or laptop; all their votes then teach "
                "your copy at once, as many people's comparisons teach a real chatbot."
            )
        )
        label = (
            _("Let the class judge these answers (poll {code})").format(code=poll.code)
            if poll is not None
            else _("Let the class judge these answers: open a class poll")
        )
        st.button(label, icon=":material/how_to_vote:", on_click=_ask_class, args=(rnd, spec), key="feedback_class")
        return
    with st.expander(_("How students join: the code {code}").format(code=poll.code), icon=":material/qr_code_2:"):
        join_panel(poll.code, join_address(st.context.url, poll.code))
    if state.taught == (poll.code, poll.round):
        st.markdown(
            sentences(verdict(poll.letters, judge_counts(poll)), _("Your copy learnt from these votes (below)."))
        )
        return
    st.fragment(run_every=POLL_TICK_S)(_class_votes)(poll.code, poll.letters)
    st.button(
        _("Teach your copy the class's votes"), type="primary", icon=":material/school:", key="feedback_teach",
        on_click=teach_class, args=(reference, spec, poll.code),
        help=_("One update from all the votes at once: each vote says its answer is better than the others."),
    )  # fmt: skip


def _class_votes(code: str, letters: str) -> None:
    """The class's votes so far, asked again every POLL_TICK_S."""
    poll = store().get(code)
    if poll is None:
        st.rerun()  # the poll ended: the whole page
    votes = judge_counts(poll)
    st.markdown(
        ngettext("**{n}** vote so far", "**{n}** votes so far", sum(votes)).format(n=number(sum(votes)))
        + (": " + " · ".join(f"**{x}** {number(n)}" for x, n in zip(letters, votes)) if sum(votes) else "")
    )


def _ask_class(rnd: Round, spec: str) -> None:
    """The answers on screen to the class: the next round of this tab's poll, or a new poll this tab runs."""
    poll = hosted_poll()
    try:
        if poll is not None:
            store().ask_judgement(poll.code, rnd.question, rnd.answers)
        else:
            host(store().open(rnd.question, model=spec, judge=rnd.answers))
    except PollError as e:
        FeedbackState.of().class_message = str(e)


def teach_class(reference: Backend, spec: str, code: str) -> None:
    """Apply the class's votes on the answers on screen (the poll `code` judges them) to the teacher's copy: every
    vote is one comparison, all learnt from at once (`preference.prefer_votes`); then the class sees the votes."""
    state = FeedbackState.of()
    rnd = state.round
    poll = store().get(code)
    if rnd is None or poll is None or not judges(poll, rnd):
        ended = poll is None
        state.class_message = _("This poll has ended.") if ended else _("The class is judging other answers now.")
        return
    votes = judge_counts(poll)
    if not sum(votes):
        state.class_message = _("No student has voted yet.")
        return
    lr = strength()
    marks = ["better" if n == max(votes) else "" for n in votes]
    if update_copy(reference, spec, lambda s: core.prefer_votes(s, reference, rnd.question, rnd.answers, votes, lr=lr),
               marks, "class", dict(zip(poll.letters, votes))):  # fmt: skip
        state.taught = (poll.code, poll.round)
        try:
            if not poll.revealed:
                store().reveal(code, {})  # every student's screen shows the votes
        except PollError as e:
            state.class_message = str(e)
