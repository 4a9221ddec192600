"""Streamlit pieces of the human-feedback page.

A student's first piece of feedback makes their own copy of the model in `FeedbackState` (`Backend.clone()` of
the shared cached model); feedback changes only that copy, and until then the page reads the shared model.
The shared model, never changed, is the frozen
reference the updates are measured against. Work happens in button callbacks, before the page is drawn,
so that every number on the page already shows the update.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import pandas as pd
import streamlit as st

from explainer.backends.base import Backend, BackendError
from explainer.charts.feedback import before_after_bars
from explainer.classroom.poll import JUDGE_LETTERS
from explainer.format import md_escape, number, percent
from explainer.i18n import _, ngettext
from explainer.training import preference as core
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.models import get_backend, reads_english_note
from explainer.ui.shell.state import SessionObject
from explainer.ui.shell.words import for_the_teacher

# widget keys
QUESTION_KEY = "feedback_question"
DONT_KNOW_KEY = "feedback_dont_know"
COUNT_KEY = "feedback_count"
STRENGTH_KEY = "feedback_strength"
EXAMPLE_QUESTION = (
    "What is the capital of Peru?"  # what the model reads: English (the built-in model reads nothing else)
)
EXAMPLES = (  # the first: never taught, and the shipped model makes up an answer (tests/test_preference.py)
    "What is the capital of Qumar?",
    "What is the capital of Zubrowka?",
    "What is the capital of France?",
    "Hello",
)
HEADING_CHARS = 120  # the question as the heading shows it, at most
SHOWN = ("answer", "before", "after", "question")  # a history row's columns after its kind
STRENGTHS = {"gentle": core.LR / 2, "normal": core.LR, "strong": core.LR * 3}  # Adam learning rates


@dataclass
class Round:
    question: str
    answers: list[str]


@dataclass
class Judged:
    question: str
    answers: list[str]
    marks: list[str]  # "better" | "flagged" | "" per answer
    before: list[float]  # probability per word, before the update
    after: list[float]
    seconds: float


@dataclass
class FeedbackState(SessionObject):
    KEY = "feedback"
    copy: tuple[str, Backend] | None = None  # (spec, this student's copy of the model)
    round: Round | None = None  # the question and the answers on screen
    last: Judged | None = None  # the last update, for the before/after chart
    history: list[dict] = field(default_factory=list)  # the table's rows
    message: str | None = None  # a problem to tell the student on the next draw
    class_message: str | None = None  # a problem with the class's judging, said beside it (feedback_class.py)
    seed: int = 0  # the next sampling seed: new answers each time
    # what the copy says, kept until it changes (every draw would ask the model again): per-word probabilities of the
    # answers on screen, and its likeliest reply to the question
    scores: tuple[tuple[str, tuple[str, ...]], list[float]] | None = None
    says: tuple[str, str] | None = None
    taught: tuple[str, int] | None = None  # the poll round (code, round) whose votes the copy learnt from

    def forget_copy(self) -> None:
        """Back to the shared model: no copy, no update, no history."""
        self.copy, self.last, self.history, self.scores, self.says = None, None, [], None, None

    def copy_scores(self, student: Backend, question: str, answers: list[str]) -> list[float]:
        key = (question, tuple(answers))
        if self.scores is None or self.scores[0] != key:
            self.scores = (key, [s.per_token for s in core.score_answers(student, question, answers)])
        return self.scores[1]

    def copy_says(self, student: Backend, question: str) -> str:
        if self.says is None or self.says[0] != question:
            self.says = (question, core.greedy_answer(student, question))
        return self.says[1]


def _history() -> list[dict]:
    return FeedbackState.of().history


def student_model(reference: Backend, spec: str) -> Backend | None:
    """The model this student reads: their copy once feedback has made one, else the shared `reference`
    (read only); None, with a message, if the model is too large to copy."""
    if problem := reference.clone_problem():
        st.warning(
            _("{problem}  \nFeedback needs a copy of the model that only you change.").format(
                problem=md_escape(problem)
            ),
            icon=":material/block:",
        )
        return None
    state = FeedbackState.of()
    if state.copy is not None and state.copy[0] == spec:
        return state.copy[1]
    if state.copy is not None:  # another model: the answers and the feedback were about the old one
        state.forget_copy()
        state.round = None
    return reference


def _own_copy(reference: Backend, spec: str) -> Backend:
    """This student's copy, cloned from the shared model at their first piece of feedback."""
    state = FeedbackState.of()
    if state.copy is None or state.copy[0] != spec:
        state.copy = (spec, reference.clone())
    return state.copy[1]


@st.cache_data(max_entries=256, show_spinner=False)
def shared_greedy(spec: str, question: str) -> str:
    """The shared model's likeliest reply: it never changes, so every student can reuse it."""
    return core.greedy_answer(get_backend(spec), question)


@st.cache_data(max_entries=256, show_spinner=False)
def shared_per_word(spec: str, question: str, answers: tuple[str, ...]) -> list[float]:
    return [s.per_token for s in core.score_answers(get_backend(spec), question, list(answers))]


# ----------------------------------------------------------------------------- callbacks (run before the page)
def ask(student: Backend, question: str | None = None) -> None:
    """New answers from the student's copy, to `question` (or the one typed in the box)."""
    state = FeedbackState.of()
    if question is not None:
        st.session_state[QUESTION_KEY] = question
    question = (st.session_state.get(QUESTION_KEY) or "").strip()
    if not question:
        state.message = _("Type a question first, then ask for answers.")
        return
    seed = state.seed
    state.seed = seed + 10
    extra = core.dont_know(student) if st.session_state.get(DONT_KNOW_KEY, True) else None
    n = st.session_state.get(COUNT_KEY, 2)
    try:
        answers = core.candidate_answers(student, question, n, seed=seed, extra=extra)
    except (BackendError, ValueError) as e:
        state.message = _("The model could not answer: {e}").format(e=md_escape(e))
        return
    state.round, state.last = Round(question, answers), None


def judge(reference: Backend, spec: str, index: int, kind: str) -> None:
    """Apply the student's judgement of answer `index` ("better" or "flagged") to their copy."""
    rnd = FeedbackState.of().round
    if rnd is None:  # a button from a page drawn before a reset or a change of model
        return
    answers, q, lr = rnd.answers, rnd.question, strength()

    def update(student: Backend) -> core.UpdateResult:
        if kind == "better":
            return core.prefer(student, reference, q, answers[index], answers[:index] + answers[index + 1 :], lr=lr)
        return core.flag(student, reference, q, answers[index], lr=lr)

    update_copy(reference, spec, update, [kind if i == index else "" for i in range(len(answers))], kind)


def strength() -> float:
    return STRENGTHS[st.session_state.get(STRENGTH_KEY, "normal")]


def update_copy(reference: Backend, spec: str, update, marks: list[str], kind: str, votes: dict | None = None) -> bool:
    """Run `update` (copy -> UpdateResult) on this student's copy, keep the before / after of the answers on screen
    for the chart and a row of the history (for the answer marked first); False, with a message, if it failed."""
    state = FeedbackState.of()
    answers, q = state.round.answers, state.round.question
    try:
        student = _own_copy(reference, spec)
        before = state.copy_scores(student, q, answers)  # what the cards showed
        result = update(student)
        state.scores, state.says = None, None  # the copy changed
        after = state.copy_scores(student, q, answers)
    except (BackendError, ValueError) as e:
        state.message = _("The update could not be made: {e}").format(e=md_escape(e))
        return False
    state.last = Judged(q, answers, marks, before, after, result.seconds)
    index = next(i for i, m in enumerate(marks) if m)
    _history().append(  # the question last: on a narrow screen the table scrolls sideways
        {"#": len(_history()) + 1, "kind": kind, "votes": votes or {}, "answer": answers[index],
         "before": before[index], "after": after[index], "question": q}
    )  # fmt: skip
    return True


def reset() -> None:
    """Back to the shared model: drop this student's copy and its history."""
    FeedbackState.of().forget_copy()


# ----------------------------------------------------------------------------- the page's parts
def question_box(student: Backend) -> None:
    with st.form("feedback_ask", border=False), st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input(
            _("Ask the model a question"),
            key=QUESTION_KEY,
            placeholder=_("e.g. {question}").format(question=EXAMPLE_QUESTION),
        )
        st.form_submit_button(_("Get answers"), icon=":material/forum:", on_click=ask, args=(student,), type="primary")
    reads_english_note()
    with st.container(horizontal=True):
        st.markdown(_("Or try:"))
        for i, q in enumerate(EXAMPLES):
            st.button(q, key=f"feedback_example_{i}", on_click=ask, args=(student, q))
    with st.expander(_("Options")):
        st.toggle(
            _("Also offer the answer “{dont_know}”").format(dont_know=core.dont_know(student)),
            value=True,
            key=DONT_KNOW_KEY,
            help=_(
                "A fixed extra answer, so that you can teach the model to admit it does not know "
                "(try a question it was never taught, such as the capital of Qumar)."
            ),
        )
        st.slider(
            _("Answers written by the model"), 2, 4, 2, key=COUNT_KEY, help=_("Each one sampled at temperature 1.")
        )
        st.select_slider(
            _("How hard each piece of feedback pushes"),
            list(STRENGTHS),
            value="normal",
            key=STRENGTH_KEY,
            help=_("The optimiser's step size (learning rate {lr} for 'normal'); {steps} steps per click.").format(
                lr=number(core.LR), steps=core.STEPS
            ),
        )
    state = FeedbackState.of()
    if message := state.message:
        state.message = None
        st.warning(message, icon=":material/warning:")


def answer_cards(student: Backend, reference: Backend, spec: str) -> None:
    rnd = FeedbackState.of().round
    if rnd is None:
        st.info(_("Ask a question to see the model's answers."), icon=":material/arrow_upward:")
        return
    shown = textwrap.shorten(rnd.question, HEADING_CHARS, placeholder=" …")  # a pasted page would fill the screen
    st.subheader(_("Which answer is better? · “{question}”").format(question=md_escape(shown)), anchor=False)
    try:
        shared = shared_per_word(spec, rnd.question, tuple(rnd.answers))
        state = FeedbackState.of()
        mine = shared if student is reference else state.copy_scores(student, rnd.question, rnd.answers)
    except (BackendError, ValueError) as e:
        st.warning(
            _("These answers cannot be scored: {e}. Ask again.").format(e=md_escape(e)), icon=":material/warning:"
        )
        return
    can_prefer = len(rnd.answers) > 1
    cols = st.columns(len(rnd.answers))
    for i, (col, answer) in enumerate(zip(cols, rnd.answers)):
        with col.container(border=True, height="stretch"):
            st.markdown(f"{JUDGE_LETTERS[i]} · **{md_escape(answer)}**")  # a class that judges votes by letter
            st.caption(
                _("Your copy: **{mine}** per word · shared model: {shared}").format(
                    mine=percent(mine[i]), shared=percent(shared[i])
                )
            )
            with st.container(horizontal=True):
                st.button(
                    _("Better"),
                    key=f"feedback_better_{i}",
                    icon=":material/thumb_up:",
                    on_click=judge,
                    args=(reference, spec, i, "better"),
                    disabled=not can_prefer,
                    help=_("Prefer this answer to the others (a DPO step on your copy)."),
                )
                st.button(
                    _("Unhelpful"),
                    key=f"feedback_flag_{i}",
                    icon=":material/flag:",
                    on_click=judge,
                    args=(reference, spec, i, "flagged"),
                    help=_("Flag this answer: make it less likely."),
                )
    st.button(
        _("New answers from your copy"),
        icon=":material/refresh:",
        on_click=ask,
        args=(student, rnd.question),
        help=_("Sample fresh answers from your copy of the model, after your feedback."),
    )


def last_update() -> None:
    last = FeedbackState.of().last
    if last is None:
        return
    answers = [f"{x} · {a}" for x, a in zip(JUDGE_LETTERS, last.answers)]  # as the cards name them
    show_chart(before_after_bars(answers, last.before, last.after, last.marks), "feedback_chart")
    st.caption(
        _(
            "The update took {seconds} s ({steps} optimiser steps). Probability per word: the average over the "
            "answer's words (geometric mean), so that long and short answers compare. Grey: before your "
            "feedback; blue: after."
        ).format(seconds=number(last.seconds, 2), steps=core.STEPS)
    )


def says_now(student: Backend, reference: Backend, spec: str) -> None:
    """Both models' single likeliest reply (temperature 0) to the question on screen."""
    rnd = FeedbackState.of().round
    if rnd is None:
        return
    st.subheader(_("What it says now (temperature 0: always the likeliest word)"), anchor=False)
    left, right = st.columns(2)
    with left.container(border=True):
        st.markdown(_("**The shared model** (no feedback)"))
        st.markdown(md_escape(shared_greedy(spec, rnd.question)) or _("*(no reply)*"))
    with right.container(border=True):
        n = len(_history())
        st.markdown(
            ngettext(
                "**Your copy** (after {n} piece of feedback)", "**Your copy** (after {n} pieces of feedback)", n
            ).format(n=n)
        )
        state = FeedbackState.of()
        reply = shared_greedy(spec, rnd.question) if student is reference else state.copy_says(student, rnd.question)
        st.markdown(md_escape(reply) or _("*(no reply)*"))


def history_table() -> None:
    rows = _history()
    st.subheader(_("Your feedback so far"), anchor=False)
    if not rows:
        st.caption(_("None yet: your copy is the same as the shared model."))
    else:
        said = {"better": _("better"), "flagged": _("unhelpful")}
        table = [
            {"#": r["#"], "feedback": said.get(r["kind"]) or _class_feedback(r["votes"]), **{k: r[k] for k in SHOWN}}
            for r in rows
        ]
        st.dataframe(
            pd.DataFrame(table),
            hide_index=True,
            key="feedback_table",
            column_config={
                "#": st.column_config.NumberColumn("#", width=40),
                "feedback": st.column_config.TextColumn(_("feedback")),
                "question": st.column_config.TextColumn(_("question")),
                "answer": st.column_config.TextColumn(_("answer"), width="medium"),
                "before": st.column_config.NumberColumn(_("before"), format="percent", help=_("Probability per word")),
                "after": st.column_config.NumberColumn(_("after"), format="percent", help=_("Probability per word")),
            },
        )
    st.button(
        _("Reset: back to the shared model"),
        icon=":material/restart_alt:",
        on_click=reset,
        disabled=not rows,
        help=_("Throw away your copy and its feedback."),
    )


def _class_feedback(votes: dict[str, int]) -> str:
    """A class's votes as the history names them: "the class's votes: A 9 · B 5"."""
    return _("the class's votes: {votes}").format(votes=" · ".join(f"{x} {number(n)}" for x, n in votes.items()))


def how_it_works() -> None:
    with for_the_teacher("rlhf-dpo", "backpropagation", "learning-rate"):
        st.markdown(
            _(
                "Your copy (π) and the shared model (π_ref, never changed) both score each answer y to the question x: "
                "log π(y | x) adds up the log-probabilities of the answer's words, one next-word prediction each. "
                "**Better** takes a few steps of *Direct Preference Optimisation* (DPO) on your copy, with the answer "
                "you chose as y_w and each other answer as y_l:"
            )
        )
        st.latex(
            _(
                r"\text{loss} = -\log \sigma\Big(\beta\big[(\log \pi(y_w|x) - \log \pi_{ref}(y_w|x))"
                r" - (\log \pi(y_l|x) - \log \pi_{ref}(y_l|x))\big]\Big)"
            )
        )
        st.markdown(
            _(
                "Backpropagation then nudges every parameter so that the chosen answer gains on the others, measured "
                "against where the shared model had them, plus a little plain training on the chosen answer. β = "
                "{beta}: the larger it is, the sooner the loss stops pulling the copy away from the reference. "
                "**Unhelpful** uses the same loss with only the flagged answer: it pushes that answer below where "
                "the shared model had it, then lets go.\n\nReal assistants are trained this way on huge numbers of "
                "comparisons from many people, often by first training a *reward model* that predicts which answer "
                "people prefer and then reinforcement learning against it (RLHF), or with DPO straight from the "
                "comparisons."
            ).format(beta=number(core.BETA))
        )
