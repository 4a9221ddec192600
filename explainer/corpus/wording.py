"""How the corpus's sentences are put together: templates filled, articles, capitals, openers, and fixed
pseudo-random numbers that do not depend on the seed."""

from __future__ import annotations

import hashlib
import random
import re

from explainer.corpus.data import QUESTION_PREFIXES
from explainer.model.tokenizers import WORD_RE


def word_tokens(text: str) -> list[str]:
    return WORD_RE.findall(text)  # the word tokenizer's tokens: the corpus is written for it


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def article(phrase: str) -> str:
    """The article ("a" or "an") for the phrase that follows it."""
    word = phrase.split(" ", 1)[0].lower()
    if word in ("honest", "hour"):
        return "an"
    if word.startswith(("uni", "use", "one")):
        return "a"
    return "an" if word[:1] in "aeiou" else "a"


def with_article(phrase: str) -> str:
    return f"{article(phrase)} {phrase}"


def fill(template: str, slots: dict[str, str]) -> str:
    return cap(template.format_map(slots))


class LazySlots(dict):
    """Template slots whose values are computed (and then kept) the first time a template uses them."""

    def __init__(self, fixed: dict[str, str], **factories):
        super().__init__(fixed)
        self.factories = factories

    def __missing__(self, key: str) -> str:
        value = self[key] = self.factories[key]()
        return value


def hash01(*parts: str) -> float:
    """A fixed pseudo-random number in [0, 1) for the parts (independent of the seed and of PYTHONHASHSEED)."""
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


# Words that may start lower-case after an opener such as "Hey," (never proper nouns or "I").
_LOWERABLE = set(
    "What What's Which Where Who How Do Does Can Could Tell Please Name Give If In On Is Are Use Write When Add "
    "Compute Solve Calculate Work Spell Show Of The A An Make Read Here Counting".split()
)


def with_opener(rng: random.Random, question: str, p: float = 0.3) -> str:
    """Sometimes put a neutral opener ("Hey,", "Quick question:") in front of a question."""
    if rng.random() >= p:
        return question
    opener = rng.choice(QUESTION_PREFIXES)
    if opener[-1] in ",:" and question.split(" ", 1)[0] in _LOWERABLE:
        question = question[0].lower() + question[1:]
    return f"{opener} {question}"


_ALTERNATIVES = re.compile(r"\[([^\[\]]*)\]")


def expand(template: str, rng: random.Random | None = None) -> str:
    """Pick one of each "[a|b|c]" in a template (the first one when rng is None)."""
    return _ALTERNATIVES.sub(lambda m: (rng.choice if rng else lambda xs: xs[0])(m.group(1).split("|")), template)
