"""The built-in "assistant script" corpus: a deterministic, seeded generator of short chats.

Every dialogue is a script made by `build_script`:

    A conversation between a curious person and a helpful AI assistant.
    User: What is the capital of France?
    Assistant: The capital of France is Paris.

A small GPT trained on it should learn *facts*, not lines, so every fact is asked with many
phrasings, and a held-out set measures generalisation to phrasings it never saw:
(a) a few question templates per relation are used only in the held-out set, and
(b) for every (fact, training template) pair a fixed hash holds out about 10% of the pairs.
These held-out prompts stop right before the answer word ("...Assistant: The capital of France is").

Students type as they like, so user messages carry some noise (see `typed.noisy`): lower case, no final
punctuation, American spellings, typos, "2+3", fragments such as "capital of canada". Questions about
things the model was never taught (a made-up country, another topic) get an honest "Sorry, I do not
know ...". Held-out items for these abilities (the held-out fact/phrasing pairs typed as kinds "case",
"typo", "us_spelling", and the topic "unknown") end at "Assistant:" and list the replies that count as
right (`HeldOutItem.replies`).

The assistant's text is canonical: ASCII words, single spaces, newlines and the punctuation
. , ? ! : + = (attached to the previous word), apostrophes only inside words.

The pieces: `wording` (templates, articles), `typed` (what students type), `relations` (the fact tables and which
pairs are held out), `unknown` (things never taught), `writer` (the training dialogues), `heldout` (the held-out set).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache

from explainer.config import settings
from explainer.corpus import data as D
from explainer.corpus.data import (
    AMBIGUOUS,
    AMBIGUOUS_PROBES,
    ANIMALS,
    COUNTRIES,
    DAYS,
    MONTHS,
    NUMBER_WORDS,
    QUESTION_PREFIXES,
)
from explainer.corpus.heldout import HeldOutItem, heldout_items
from explainer.corpus.relations import all_relations
from explainer.corpus.stored import code_digest, kept
from explainer.corpus.unknown import unknown_names
from explainer.corpus.wording import cap, expand, fill
from explainer.corpus.writer import DEMO_QUESTIONS, MAX_DIALOGUE_TOKENS, Writer

__all__ = [
    "AMBIGUOUS_SENSES",
    "AMBIGUOUS_WORDS",
    "COUNTRIES",
    "DEMO_QUESTIONS",
    "MAX_DIALOGUE_TOKENS",
    "QUESTION_PREFIXES",
    "WORD_GROUPS",
    "Corpus",
    "HeldOutItem",
    "PROBE_SENTENCES",
    "builtin_corpus",
    "generate_corpus",
    "unknown_names",
]

VALID_FRACTION = 0.05
CORPUS_BYTES = 10_000_000  # the built-in recipe's training text (generate_corpus's default)
PROBE_PER_SENSE = 20  # held-out sentences per sense for the sense probe


@dataclass(frozen=True)
class Corpus:
    train_text: str
    valid_text: str  # same distribution as train (other random draws), no held-out questions
    heldout: list[HeldOutItem]


def generate_corpus(seed: int = 0, size_bytes: int = CORPUS_BYTES) -> Corpus:
    """Train text (about size_bytes), validation text (~5% of it) and the held-out probes; deterministic per seed."""
    relations = all_relations()
    train = Writer(random.Random(f"corpus-{seed}-train"), relations)
    train_text = train.text(size_bytes, demos=True)
    valid_text = Writer(random.Random(f"corpus-{seed}-valid"), relations).text(int(size_bytes * VALID_FRACTION))
    heldout = heldout_items(relations, train_text, random.Random(f"corpus-{seed}-heldout"))
    return Corpus(train_text=train_text, valid_text=valid_text, heldout=heldout)


@lru_cache(maxsize=1)
def builtin_corpus() -> Corpus:
    """The built-in recipe's corpus (generate_corpus's defaults, ~9 s to write on one core), read once per process
    and shared: the Train page's default text, the Scale page's counts and the Emergence page's questions all read
    it (each wrote its own before). Written once per machine (corpus/stored.py), read back after. Read it, never
    change it."""
    name = f"builtin-{code_digest(__name__)}"
    return kept(settings().cache / "corpus", name, generate_corpus, _corpus_json, _corpus_from_json)


def _corpus_json(corpus: Corpus) -> dict:
    return {"train": corpus.train_text, "valid": corpus.valid_text, "heldout": [vars(it) for it in corpus.heldout]}


def _corpus_from_json(data: dict) -> Corpus:
    items = [HeldOutItem(**{**it, "replies": tuple(it["replies"])}) for it in data["heldout"]]
    return Corpus(train_text=data["train"], valid_text=data["valid"], heldout=items)


def _probe_sentences(n: int = PROBE_PER_SENSE) -> dict[str, tuple[list[str], list[str]]]:
    """n held-out sentences per sense of every two-sense word, from AMBIGUOUS_PROBES (never in training)."""
    out = {}
    for word, groups in AMBIGUOUS_PROBES.items():
        senses = []
        for sense, templates in enumerate(groups):
            rng, found = random.Random(f"probe-{word}-{sense}"), []
            for i in range(50 * n):
                people = (D.NAMES_F, D.NAMES_M)[rng.randrange(2)]
                he, his, him = ("she", "her", "her") if people is D.NAMES_F else ("he", "his", "him")
                slots = dict(N=rng.choice(people), he=he, his=his, him=him, He=cap(he), His=cap(his))
                sentence = fill(expand(templates[i % len(templates)], rng), slots)
                if sentence not in found:
                    found.append(sentence)
                if len(found) == n:
                    break
            senses.append(found)
        out[word] = (senses[0], senses[1])
    return out


# ----------------------------------------------------------------------------- tables for the UI
def _ambiguous_examples() -> tuple[dict[str, tuple[list[str], list[str]]], dict[str, tuple[str, str]]]:
    people = [("Anna", "she", "her", "her"), ("Tom", "he", "his", "him"), ("Mia", "she", "her", "her")]
    examples, senses = {}, {}
    for word, (s1, s2) in AMBIGUOUS.items():
        filled = []
        for sense in (s1, s2):
            out = []
            for i, t in enumerate(sense[3]):
                name, he, his, him = people[i % len(people)]
                out.append(fill(expand(t), dict(N=name, he=he, his=his, him=him, He=cap(he), His=cap(his))))
            filled.append(out)
        examples[word] = (filled[0], filled[1])
        senses[word] = (s1[1], s2[1])
    return examples, senses


AMBIGUOUS_WORDS, AMBIGUOUS_SENSES = _ambiguous_examples()  # word -> (sense 1 sentences, sense 2 sentences)
PROBE_SENTENCES = _probe_sentences()  # word -> (sense 1, sense 2) held-out sentences for the sense probe

WORD_GROUPS: dict[str, list[str]] = {
    "countries": [c.name for c in COUNTRIES],
    "capitals": [c.capital for c in COUNTRIES],
    "continents": ["Europe", "Asia", "Africa", "America", "Oceania"],
    "languages": sorted({c.language for c in COUNTRIES}),
    "animals": [a.name for a in ANIMALS],
    "animal_sounds": sorted({a.sound for a in ANIMALS if a.sound}),
    "colours": sorted({c for _, c in D.COLOURED_THINGS}),
    "numbers": list(NUMBER_WORDS),
    "digits": [str(i) for i in range(len(NUMBER_WORDS))],
    "days": list(DAYS),
    "months": list(MONTHS),
    "names": D.NAMES_F + D.NAMES_M,
    "ambiguous": list(AMBIGUOUS),
}
