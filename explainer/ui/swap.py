"""Two inputs, "Replace the word" and "with", that make a second text from the page's text: Why this word? patches
from it, The last vector compares with it."""

from __future__ import annotations

import streamlit as st

from explainer.analysis.swap import has_word, swapped
from explainer.format import md_escape
from explainer.i18n import _

MOST_CHARS = 40  # a word typed to swap


def other_text(text: str, default: tuple[str, str], key: str) -> str | None:
    """`text` with the word the student names written as the word they type (the text itself while either is empty);
    None, with a message, where that word is not in the text. The inputs' keys: `key`_from and `key`_to."""
    left, right = st.columns(2)
    word = left.text_input(_("Replace the word"), default[0], max_chars=MOST_CHARS, key=f"{key}_from").strip()
    new = right.text_input(_("with"), default[1], max_chars=MOST_CHARS, key=f"{key}_to").strip()
    if word and not has_word(text, word):
        st.info(_("“{word}” is not a word of the text: type one that is.").format(word=md_escape(word)))
        return None
    return swapped(text, word, new) if word and new else text
