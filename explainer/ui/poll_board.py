"""What both sides of a next-word class poll show: the text the class continues, how a drawing class answers, and the
board (the class's guesses beside the model's probabilities, and the model after training on the guesses), with the
sentences a class reads off it."""

from __future__ import annotations

import streamlit as st

from explainer.charts.poll import class_and_model
from explainer.charts.style import INK
from explainer.classroom.poll import Poll, board
from explainer.format import html_escape, md_escape, number, percent
from explainer.i18n import _, sentences
from explainer.training.class_words import STEPS
from explainer.ui.shell.chart import show_chart


def question_box(poll: Poll) -> None:
    """The text the class continues, its end first in view, with a blank where the next word goes."""
    text = poll.question if len(poll.question) <= 600 else "…" + poll.question[-600:]
    lines = html_escape(text).replace("\n", "<br>")
    label, blank = html_escape(_("The text so far"), True), html_escape(_("the next word"), True)
    st.html(  # a column in reverse: a text too long for the box shows its end, where the blank is
        f'<div class="poll-question" role="group" aria-label="{label}"><div>{lines}'
        f'<span class="poll-blank" aria-label="{blank}"> ____ ?</span></div></div>'
        "<style>.poll-question{font-size:1.35rem;line-height:1.6;padding:.8rem 1rem;border-radius:.5rem;"
        "border:1px solid rgba(49,51,63,.2);background:#fafafa;max-height:14rem;overflow:auto;display:flex;"
        f"flex-direction:column-reverse}}.poll-blank{{font-weight:700;color:{INK}}}"
        "@media (max-width:640px){.poll-question{font-size:1.1rem}}</style>"
    )


def drawing_note(poll: Poll) -> None:
    """How a drawing class answers (nothing for a guessing one)."""
    if poll.drawing:
        st.markdown(
            _(
                "Every device draws the next word from the model's probabilities at **temperature {t}**, as a "
                "chatbot does: each student is one run of the same prompt."
            ).format(t=number(poll.temperature, 1))
        )


def show_board(poll: Poll, guesses: list[str]) -> None:
    answer = poll.answer if poll.revealed else None
    rows, other = board(guesses, answer, hidden=poll.hidden, trained=poll.trained or None)
    if not guesses and not poll.revealed:
        return
    if poll.revealed:
        title = _("The class and the model")
    else:
        title = _("The class's draws") if poll.drawing else _("The class's guesses")
    show_chart(class_and_model(rows, other, title), "poll_board")
    if poll.revealed:
        st.markdown(
            _drawn_summary(rows, len(guesses), poll.temperature) if poll.drawing else _summary(rows, len(guesses))
        )
    if poll.trained:
        st.markdown(_trained_summary(rows, len(guesses)))


def _trained_summary(rows, n_guesses: int) -> str:
    """What training on the class's guesses did, read off the class's favourite word."""
    first = next((r for r in rows if r.share > 0 and r.model is not None and r.trained is not None), None)
    if first is None:
        return ""
    return _(
        "Trained for {steps} steps on the class's {n} guesses, each one a training example: **{word}** went from {p} "
        "to {q}. The model moved toward the class's answers, and away from the words nobody wrote."
    ).format(steps=STEPS, n=number(n_guesses), word=md_escape(first.word), p=percent(first.model),
             q=percent(first.trained))  # fmt: skip


def _summary(rows, n_guesses: int) -> str:
    """One or two sentences a class can read off the board: its favourite, the model's, and how they agree."""
    said = []
    if rows and rows[0].share > 0:  # (every answer hidden: the class has none on the board)
        first = rows[0]
        said.append(
            _("The class's favourite: **{word}** ({share} of {n} guesses); the model gives it {p}.").format(
                word=md_escape(first.word),
                share=percent(first.share),
                n=number(n_guesses),
                p=percent(first.model) if first.model is not None else "—",
            )
        )
    known = [r for r in rows if r.model is not None]
    if known:
        best = max(known, key=lambda r: r.model)
        said.append(
            _("The model's favourite: **{word}** ({p}), guessed by {share} of the class.").format(
                word=md_escape(best.word), p=percent(best.model), share=percent(best.share)
            )
        )
    return sentences(*said)


def _drawn_summary(rows, n_draws: int, temperature: float) -> str:
    """What a drawing class reads off the board: how often the model's likeliest word came up, against its odds."""
    known = [r for r in rows if r.model is not None]
    if not known:
        return ""
    best = max(known, key=lambda r: r.model)
    return _(
        "{n} draws at temperature {t}: the model's likeliest word, **{word}**, came up in {share} of them; its "
        "probability is {p}. The more students draw, the closer the two get."
    ).format(
        n=number(n_draws), t=number(temperature, 1), word=md_escape(best.word), share=percent(best.share),
        p=percent(best.model),
    )  # fmt: skip
