"""Two inputs, "Replace the word" and "with", that make a second text from the page's text: Why this word? patches
from it, The last vector compares with it."""

from __future__ import annotations

import streamlit as st

from explainer.analysis.swap import has_word, suggested_swap, swapped
from explainer.format import md_escape
from explainer.i18n import _

MOST_CHARS = 40  # a word typed to swap


def _filled(text: str, key: str, default: tuple[str, str]) -> None:
    """Fill the inputs for `text` when it is new to them and lacks their word: with `default` where the text has its
    word, else with a word of the text that the corpus's word groups list and the next word of its group (a cow's
    question: "cow" → "dog"). A word the student typed into the same text stays, with a message if it is not in it.
    On a visit, a link's words come first (the lesson plan's, or the teacher's page that a class follows)."""
    state, keys = st.session_state, (f"{key}_from", f"{key}_to")
    visit = keys[0] not in state  # Streamlit forgets a page's inputs when the student leaves it
    if state.get(f"{key}_text") == text and not visit:
        return
    state[f"{key}_text"] = text
    if not visit and state[keys[0]] and has_word(text, state[keys[0]].strip()):
        return
    fill = default if default[0] and has_word(text, default[0]) else suggested_swap(text) or ("", "")
    link = st.query_params if visit else {}
    for k, word in zip(keys, fill):
        state[k] = link.get(k, word)[:MOST_CHARS]


def other_text(text: str, default: tuple[str, str], key: str) -> tuple[str, str, str] | None:
    """(`text` with the word the student names written as the word they type, that word, the new one); the text
    itself while either word is empty; None, with a message, where that word is not in the text. The inputs' keys, also
    their names in the address: `key`_from and `key`_to."""
    _filled(text, key, default)
    left, right = st.columns(2)  # their values live in the session state (`_filled`), hence no default value here
    word = (left.text_input(_("Replace the word"), None, MOST_CHARS, f"{key}_from", bind="query-params") or "").strip()
    new = (right.text_input(_("with"), None, MOST_CHARS, f"{key}_to", bind="query-params") or "").strip()
    if word and not has_word(text, word):
        st.info(_("“{word}” is not a word of the text: type one that is.").format(word=md_escape(word)))
        return None
    return (swapped(text, word, new) if word and new else text), word, new
