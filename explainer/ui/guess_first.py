"""Guess first, on the Next word page: the class poll for one student. With the toggle on, the bars (and the buttons
that name the likeliest word) wait until the student has typed a guess for the next word; then the page says how
likely the model finds it, and its bar is coloured. A new text (a word added) asks for a new guess."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
import torch

from explainer.backends.base import Backend
from explainer.classroom.poll import MAX_GUESS_CHARS, PollError, clean_guess
from explainer.format import md_escape, number, percent
from explainer.generation.next_token import word_probability, word_tokens
from explainer.i18n import _, ngettext
from explainer.ui.shell.state import SessionObject

TOGGLE_KEY = "guess_first"  # in the address too: a teacher's link can turn it on


@dataclass
class Guess(SessionObject):
    KEY = "next_word_guess"
    text: str = ""  # the text the guess is for
    word: str = ""


@dataclass(frozen=True)
class Verdict:
    sentence: str  # what the page says of the guess
    token: str | None  # the guess's token as the bars name it, when it is one token


def guessing_first(where=st) -> bool:
    return where.toggle(
        _("Guess first, then see the bars"),
        key=TOGGLE_KEY,
        bind="query-params",
        help=_("Type your guess for the next word before the model's probabilities are shown."),
    )


def guess_for(text: str, where=st) -> str | None:
    """This student's guess for `text`, or None after drawing the box that asks for it."""
    guess = Guess.of()
    if guess.text == text and guess.word:
        return guess.word
    with where.form("guess_first_form", border=False, enter_to_submit=True):
        typed = st.text_input(_("Your guess for the next word"), max_chars=MAX_GUESS_CHARS)
        if st.form_submit_button(_("Show the model's answer"), type="primary", icon=":material/visibility:"):
            try:
                guess.text, guess.word = text, clean_guess(typed)
            except PollError as e:  # empty, or more than one word
                st.error(str(e), icon=":material/error:")
                return None
            st.rerun()  # the page again, with the bars instead of the box
    return None


def verdict(backend: Backend, text: str, word: str, probs: torch.Tensor) -> Verdict:
    """How likely the model finds the guessed word after `text`; probs (V,) its next-token probabilities."""
    ids = word_tokens(backend, text, word)
    shown = md_escape(word)
    if len(ids) != 1:
        p = percent(word_probability(backend, text, word))
        sentence = _(
            "You guessed **{word}**: the model gives it {p}. It is {n} tokens, so its probability is theirs "
            "multiplied, each given the ones before."
        ).format(word=shown, p=p, n=number(len(ids)))
        return Verdict(sentence, None)
    likelier = int((probs > probs[ids[0]]).sum())
    p = percent(float(probs[ids[0]]))  # the bar's own figure
    if likelier == 0:
        sentence = _("You guessed **{word}**: the model's favourite too, at {p}.").format(word=shown, p=p)
    else:
        sentence = ngettext(
            "You guessed **{word}**: the model gives it {p}; {k} token is likelier.",
            "You guessed **{word}**: the model gives it {p}; {k} tokens are likelier.",
            likelier,
        ).format(word=shown, p=p, k=number(likelier))
    return Verdict(sentence, backend.token_str(ids[0]))
