"""Class questions in the poll (explainer/classroom/questions.py): the teacher asks one, each student taps an answer
on their phone, the class may talk and vote again, and the board then shows both votes, the right answer, why, and a
link to the demo that shows it. The poll's code, QR code and screens that follow the teacher are the class poll's."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explainer.charts.poll import class_votes
from explainer.classroom.poll import Poll, PollError, letter_counts, outcomes
from explainer.classroom.questions import BY_KEY, QUESTION_KEY, QUESTIONS, Question
from explainer.format import fixed_percent, html_escape, md_escape, number
from explainer.i18n import _
from explainer.ui.poll import (
    PollState,
    act,
    end_poll,
    follow,
    hosted_poll,
    join_address,
    join_panel,
    leave_button,
    show_poll,
    store,
    text_control,
)
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.lesson import Link
from explainer.ui.shell.models import current_spec
from explainer.ui.shell.navigation import carrying, link_page
from explainer.ui.shell.views import section


def title(q: Question) -> str:
    """The question with its lesson step, as a menu lists it: "3 · At temperature 0, twenty runs…"."""
    return f"{q.step} · {_(q.text)}"


def question_card(q: Question, right_shown: bool = False, choices: bool = True) -> None:
    """The question and (unless `choices` is False: a student's answer buttons say them) its answers, big enough for
    the back of the room; once shown, the right one is green."""
    shown = [_(choice) for choice in q.choices] if choices else []
    choices_card(_(q.text), q.letters, shown, q.right if right_shown else None)


def choices_card(text: str, letters: str, choices: list[str], right: int | None = None) -> None:
    """A question and its lettered answers (none: the question alone), big enough for the back of the room; the
    `right` one green."""
    rows = "".join(
        f'<li class="{"right" if k == right else ""}"><b>{x}</b> {html_escape(choice)}{" ✓" if k == right else ""}</li>'
        for k, (x, choice) in enumerate(zip(letters, choices))
    )
    label = html_escape(_("The question"), True)
    st.html(
        f'<div class="class-question" role="group" aria-label="{label}"><p>{html_escape(text)}</p>'
        f"{f'<ol>{rows}</ol>' if rows else ''}</div>"
        "<style>.class-question{font-size:1.35rem;line-height:1.5;padding:.8rem 1rem;border-radius:.5rem;"
        "border:1px solid rgba(49,51,63,.2);background:#fafafa}.class-question p{font-weight:700;margin:0 0 .4rem}"
        ".class-question ol{list-style:none;padding:0;margin:0}"
        ".class-question li{padding:.15rem .3rem .15rem 1.9rem;text-indent:-1.6rem}"  # a long answer's lines hang
        ".class-question li b{display:inline-block;width:1.6rem;text-indent:0}.class-question li.right{color:#1e6b30;"
        "background:#e3f2e6;border-radius:.3rem;font-weight:600}"
        "@media (max-width:640px){.class-question{font-size:1.1rem}}</style>"
    )


def votes(poll: Poll) -> list[int]:
    """This round's count per answer, in the letters' order."""
    return letter_counts(poll, list(store().guesses(poll).values()))


def show_votes(poll: Poll) -> None:
    """The board once the answer is shown: both votes if the class voted twice, the right answer, why, and the demo."""
    q = poll.asked
    before = [poll.before.get(x, 0) for x in q.letters] if poll.before else None
    show_chart(class_votes(q.letters, votes(poll), before, q.right, _("The class's answers")), "poll_votes")
    st.success(_(q.why), icon=":material/lightbulb:")
    demo_link(q)


def demo_link(q: Question) -> None:
    link = Link(q.page, q.view, q.params)
    if (page := link_page(q.page)) is not None:
        st.page_link(
            page,
            label=_("See it: {place}").format(place=link.place()),
            query_params=carrying(link.query),  # the teacher's poll page has a text box of its own
            icon=":material/play_circle:",
        )


# ---------------------------------------------------------------------------- the teacher's side


def teacher_view(poll: Poll) -> None:
    join_panel(poll.code, join_address(st.context.url, poll.code))
    q = poll.asked
    question_card(q, poll.revealed)
    if poll.revealed:
        show_votes(poll)
        next_question(poll)
    else:
        if poll.before:
            st.markdown(
                _("**Second vote**, after talking to a neighbour: the first vote stays hidden until the answer.")
            )
        follow(poll, teacher=True)
        left, right = st.columns(2)
        left.button(
            _("Show the answer"), on_click=act, args=(_reveal, poll.code), type="primary",
            icon=":material/visibility:", width="stretch",
            help=_("Ends the vote and shows how the class answered, the right answer and why."),
        )  # fmt: skip
        right.button(
            _("Talk to a neighbour, then vote again"), on_click=act, args=(store().vote_again, poll.code),
            icon=":material/forum:", width="stretch",
            help=_("Each student convinces a neighbour, then everyone answers again. The board will show both votes."),
        )  # fmt: skip


def teacher_controls(poll: Poll) -> None:
    """Under either kind of poll: ask about a text, ask a class question (unless its menu is on the board already),
    end the poll."""
    with st.expander(_("Ask about another text") if poll.asked is None else _("Ask the class to continue a text")):
        text_control(poll)
    if not (poll.asked and poll.revealed):
        with st.expander(_("Ask a class question")):
            next_question(poll)
    how_the_class_did(poll)
    st.button(_("End the poll"), on_click=end_poll, args=(poll.code,), icon=":material/stop_circle:")


def how_the_class_did(poll: Poll) -> None:
    """Every class question answered in this poll, with the share of the class right in each vote: what to come
    back to."""
    done = outcomes(poll)
    if not done:
        return
    label = _("How the class did on the questions so far ({n})").format(n=number(len(done)))
    with st.expander(label, icon=":material/fact_check:"):
        table = {  # the long question last: the figures stay in view on a narrow screen
            _("step"): [o.question.step for o in done],
            _("right, first vote"): [_share(o.first) for o in done],
            _("right, after talking"): [_share(o.second) for o in done],
            _("answers"): [number(o.voters) for o in done],
            _("question"): [_(o.question.text) for o in done],
        }
        st.dataframe(pd.DataFrame(table), hide_index=True)
        st.caption(_("A question few got right, even after talking, is the one to come back to."))


def _share(share: float | None) -> str:
    return "—" if share is None else fixed_percent(share)


def next_question(poll: Poll) -> None:
    """The teacher asks another class question in the same poll: the students' screens follow."""
    keys = [q.key for q in QUESTIONS]
    after = (keys.index(poll.quiz) + 1) % len(keys) if poll.quiz in keys else 0
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    key = left.selectbox(
        _("Next question"), keys, after, format_func=lambda k: title(BY_KEY[k]), key=f"poll_next_q_{poll.round}"
    )
    right.button(
        _("Ask it"), on_click=act, args=(store().ask_question, poll.code, key), type="primary",
        icon=":material/send:", width="stretch",
    )  # fmt: skip


def _reveal(code: str) -> None:
    store().reveal(code, {})  # the right answer is the question's: no model to run


def start_section(text: str) -> None:
    """No poll yet: the teacher picks a class question (a lesson link may preset it) and opens a poll on it; `text`
    is what the class continues if the teacher later asks for a next word."""
    section(_("Ask the class a question"), "question")
    st.markdown(
        _(
            "A question about how the model works, one per step of the lesson: every student taps an answer on "
            "their own device. Let them talk to a neighbour and vote again before you show the answer."
        )
    )
    keys = [q.key for q in QUESTIONS]
    preset = st.query_params.get(QUESTION_KEY)
    key = st.selectbox(  # a key of its own: the choice stays when the language (and so the label) changes
        _("The question"), keys, keys.index(preset) if preset in keys else 0, format_func=lambda k: title(BY_KEY[k]),
        key=f"poll_question_{preset}",
    )  # fmt: skip
    question_card(BY_KEY[key])
    hosted = hosted_poll()
    if hosted is not None:  # the class keeps its code
        if st.button(
            _("Ask this question in your poll ({code})").format(code=hosted.code),
            type="primary",
            icon=":material/quiz:",
        ):
            show_poll(lambda: store().ask_question(hosted.code, key))
    elif st.button(_("Start the vote on this question"), type="primary", icon=":material/quiz:"):
        show_poll(lambda: store().open(text, model=current_spec(), quiz=key))


# ---------------------------------------------------------------------------- the student's side


def student_view(poll: Poll) -> None:
    state = PollState.of()
    q = poll.asked
    sent = state.sent.get((poll.code, poll.round))
    question_card(q, poll.revealed, choices=poll.revealed)
    if poll.revealed:
        if sent is not None:
            if sent == q.right_letter:
                st.markdown(_("You answered **{x}**: right!").format(x=sent))
            else:
                st.markdown(_("You answered **{x}**; the right answer is **{y}**.").format(x=sent, y=q.right_letter))
        show_votes(poll)
    else:
        if poll.before:
            st.markdown(_("**Vote again**, now that you have talked about it."))
        st.markdown(_("Your answer:"))
        letter_buttons(poll, [_(choice) for choice in q.choices], sent)
    follow(poll)
    leave_button()


def letter_buttons(poll: Poll, choices: list[str], sent: str | None) -> None:
    """A student's answer: a whole answer to tap per letter, the one sent filled (no tick), and what was sent."""
    for x, choice in zip(poll.letters, choices):
        st.button(
            f"{x} · {choice}", key=f"poll_answer_{poll.round}_{x}", on_click=_answer, args=(poll, x),
            type="primary" if x == sent else "secondary", width="stretch",
        )  # fmt: skip
    if sent is not None:
        st.caption(_("Sent: {x}. You may change it until the answer is shown.").format(x=md_escape(sent)))


def _answer(poll: Poll, letter: str) -> None:
    state = PollState.of()
    try:
        state.sent[(poll.code, poll.round)] = store().vote(poll.code, state.voter, letter)
    except PollError as e:  # the answer was shown meanwhile, the poll ended
        state.problem = str(e)
