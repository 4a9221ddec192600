"""One word of a text swapped for another ("France" -> "Japan"): the second text that Why this word? patches from and
The last vector compares with. Whole words only, so that "cat" never changes "category"."""

from __future__ import annotations

import re

from explainer.corpus.generator import WORD_GROUPS

WORD = re.compile(r"\w+")


def _whole(word: str) -> re.Pattern:
    return re.compile(rf"(?<!\w){re.escape(word)}(?!\w)")


def has_word(text: str, word: str) -> bool:
    return _whole(word).search(text) is not None


def swapped(text: str, word: str, new: str) -> str:
    """`text` with every whole `word` in it written `new` (case as typed)."""
    return _whole(word).sub(lambda _m: new, text)


def suggested_swap(text: str, groups: dict[str, list[str]] = WORD_GROUPS) -> tuple[str, str] | None:
    """The first word of `text`, before its last word, that one of the corpus's word groups lists, and the next word of
    that group ("cow" -> "dog", "France" -> "Germany"); None where no word before the last is in a group."""
    words = WORD.findall(text)[:-1]
    last = WORD.findall(text)[-1:] or [""]
    for word in words:
        for group in groups.values():
            if word in group and word != last[0]:
                return word, group[(group.index(word) + 1) % len(group)]
    return None
