"""One word of a text swapped for another ("France" -> "Japan"): the second text that Why this word? patches from and
The last vector compares with. Whole words only, so that "cat" never changes "category"."""

from __future__ import annotations

import re

from explainer.corpus.generator import WORD_GROUPS

WORD = re.compile(r"\w+")
GROUP_OF: dict[str, list[str]] = {}  # a word -> the first of the corpus's word groups that lists it
for _words in WORD_GROUPS.values():
    for _word in _words:
        GROUP_OF.setdefault(_word, _words)


def _whole(word: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")


def has_word(text: str, word: str) -> bool:
    return _whole(word).search(text) is not None


def swapped(text: str, word: str, new: str) -> str:
    """`text` with every whole `word` in it written `new` (case as typed)."""
    return _whole(word).sub(lambda _m: new, text)


def suggested_swap(text: str) -> tuple[str, str] | None:
    """The first word of `text` that one of the corpus's word groups lists, other than its last word, and the next word
    of that group ("cow" -> "dog", "France" -> "Germany"); None where the text has no such word. One pass over the
    text (a pasted book has a million characters)."""
    last = WORD.findall(text[-100:])[-1:]  # (no group lists a word of 100 letters)
    for match in WORD.finditer(text):
        word = match.group()
        if (group := GROUP_OF.get(word)) is not None and [word] != last:
            return word, group[(group.index(word) + 1) % len(group)]
    return None
