"""What students type: American spellings, typos, lower case, no final punctuation."""

from __future__ import annotations

import random
import re

from explainer.corpus import data as D

# How often a training user message gets each kind of noise (see `noisy`).
NOISE = dict(
    us=0.4,
    typo=0.3,
    second_typo=0.2,
    name_typo=0.04,
    lower=0.18,
    first_lower=0.1,
    no_punct=0.25,
    sum_mixed=0.15,
    tight_plus=0.3,
)


# Words that American spelling writes otherwise ("colour", "grey").
BRITISH_SPELLINGS = re.compile(r"\b(" + "|".join(D.US_SPELLINGS) + r")\b", re.IGNORECASE)
_WORDS = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def _same_case(model: str, word: str) -> str:
    """`word` written in the case of `model` ("Colour" -> "Color", "COLOUR" -> "COLOR")."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def us_spelling(text: str) -> str:
    return BRITISH_SPELLINGS.sub(lambda m: _same_case(m.group(), D.US_SPELLINGS[m.group().lower()]), text)


def typo(rng: random.Random, word: str) -> str:
    """One slip in a word: a known misspelling, or two letters swapped, one dropped, doubled or hit next to
    the right key. The first letter is kept (people rarely get it wrong)."""
    low = word.lower()
    if low in D.COMMON_TYPOS and (len(word) < 4 or rng.random() < 0.5):
        return _same_case(word, rng.choice(D.COMMON_TYPOS[low]))
    for _ in range(10):
        i = rng.randrange(1, len(word))
        op = rng.randrange(4)
        if op == 0 and i < len(word) - 1 and word[i] != word[i + 1]:
            out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        elif op == 1:
            out = word[:i] + word[i + 1 :]
        elif op == 2:
            out = word[:i] + word[i] + word[i:]
        elif op == 3 and word[i].lower() in D.KEYBOARD_NEIGHBOURS:
            out = word[:i] + rng.choice(D.KEYBOARD_NEIGHBOURS[word[i].lower()]) + word[i + 1 :]
        else:
            continue
        if out.lower() != low:
            return out
    return word


def with_typos(rng: random.Random, text: str, n: int = 1) -> str:
    """`text` with a slip in n of its words (words of 4+ letters, or ones with a known misspelling); in a template,
    never inside a {slot}."""
    slots = [m.span() for m in re.finditer(r"\{[^}]*\}", text)]
    spans = [
        m.span()
        for m in _WORDS.finditer(text)
        if (len(m.group()) >= 4 or m.group().lower() in D.COMMON_TYPOS)
        and not any(a <= m.start() < b for a, b in slots)
    ]
    for a, b in sorted(rng.sample(spans, min(n, len(spans))), reverse=True):
        text = text[:a] + typo(rng, text[a:b]) + text[b:]
    return text


def noisy(rng: random.Random, text: str) -> str:
    """A user message as a student might type it: sometimes American spelling, all in lower case or a lower-case
    first letter, no final punctuation (rates in NOISE). Typos come earlier, from Writer.ask."""
    if BRITISH_SPELLINGS.search(text) and rng.random() < NOISE["us"]:
        text = us_spelling(text)
    r = rng.random()
    if r < NOISE["lower"]:
        text = text.lower()
    elif r < NOISE["lower"] + NOISE["first_lower"]:
        text = text[:1].lower() + text[1:]
    if rng.random() < NOISE["no_punct"]:
        text = text.rstrip(".?!") or text
    return text


def lower_case_kind(text: str) -> str:
    """The held-out "case" form of a question: all lower case, no final punctuation."""
    return text.lower().rstrip(".?!")
