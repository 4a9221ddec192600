"""Things never taught: made-up names, real but untaught ones, other topics, and what is asked about them; the
honest "Sorry, I do not know" is the answer."""

from __future__ import annotations

import random
from functools import cache

from explainer.corpus import data as D
from explainer.corpus.data import ANIMALS, COUNTRIES, NUMBER_WORDS
from explainer.corpus.wording import hash01, with_article

UNKNOWN_HELDOUT_FRACTION = 0.25  # share of made-up names and other-topic questions kept out of training
HELDOUT_NAMES = ("Zubrowka",)  # always held out (the feedback page's made-up country)
QUESTION_POOLS = ("general", "things")  # unknown pools of whole questions (the others hold names for a phrasing)


UNKNOWN_RELATIONS = {  # which relations' questions are asked about an unknown name of each kind
    "country": ("capital", "continent", "language"),
    "city": ("capital_to_country",),
    "animal": ("animal_sound", "animal_home", "animal_young", "animal_food"),
    "thing": ("colour",),
    "word": ("opposite", "plural"),
}


def _is_heldout_name(kind: str, name: str) -> bool:
    return name in HELDOUT_NAMES or hash01("unknown", kind, name) < UNKNOWN_HELDOUT_FRACTION


def made_up_names(kind: str) -> list[str]:
    """Invented names of a kind ("country", "city" or "word"), e.g. Zubrowka, Velgrad, blicket."""
    if kind == "word":
        combos = [a + b for a in D.MADE_UP_WORD_STARTS for b in D.MADE_UP_WORD_ENDS]
    else:
        ends = D.MADE_UP_COUNTRY_ENDS if kind == "country" else D.MADE_UP_CITY_ENDS
        combos = [a + m + e for a in D.MADE_UP_STARTS for m in D.MADE_UP_MIDDLES for e in ends]
    known = {c.name.lower() for c in COUNTRIES} | {c.capital.lower() for c in COUNTRIES} | _REAL_WORDS
    return [n for n in dict.fromkeys(combos) if n.lower() not in known and len(n) >= 4]


_REAL_WORDS = frozenset(["kerf"])  # real words the syllables make


@cache
def unknown_pools(heldout: bool) -> dict[str, list[str]]:
    """Names (or questions) of each kind, for training (heldout=False) or for the held-out set."""
    words = made_up_names("word")
    general = D.GENERAL_QUESTIONS + [f.replace("<>", v) for f, values in D.GENERAL_FRAMES for v in values]
    pools = {
        "country": made_up_names("country") + D.UNTAUGHT_COUNTRIES,
        "city": made_up_names("city") + D.UNTAUGHT_CITIES,
        "animal": words + D.UNTAUGHT_ANIMALS,
        "thing": [with_article(w) for w in words] + D.UNTAUGHT_THINGS,
        "word": words + D.UNTAUGHT_WORDS,
        "general": general,
        "things": [
            q
            for one, many in D.GENERAL_NOUNS
            for f in D.GENERAL_NOUN_FRAMES
            if (q := f.format(a=with_article(one), the=f"the {one}", one=one, many=many)) not in general
        ],
    }
    out = {k: [n for n in v if _is_heldout_name(k, n) == heldout] for k, v in pools.items()}
    if not heldout:  # GENERAL_MORE trains only, less any value a held-out question names
        held_pools = unknown_pools(True)
        held = " ".join(q.lower() for q in held_pools["general"] + held_pools["things"])
        more = [(frames, v) for frames, values in D.GENERAL_MORE for v in values if v.lower() not in held]
        out["general"] += [f.replace("<>", v) for frames, v in more for f in frames]
    return out


def _untaught_templates(heldout: bool) -> dict[str, list[str]]:
    """slot -> questions about a known subject that ask what was never taught (UNTAUGHT_FRAMES, UNTAUGHT_QUESTIONS)."""
    out = {slot: list(pair[heldout]) for slot, pair in D.UNTAUGHT_QUESTIONS.items()}
    for slot, groups in D.UNTAUGHT_FRAMES.items():
        for frames, train, held in groups:
            out[slot] += [f.replace("<>", v) for f in frames for v in (held if heldout else train)]
    return out


UNTAUGHT = {h: _untaught_templates(h) for h in (False, True)}


def unknown_slots(kind: str, name: str) -> dict[str, str]:
    return {
        "country": {"country": name},
        "city": {"capital": name},
        "animal": {"animal": name, "a_animal": with_article(name)},
        "thing": {"thing": name},
        "word": {"word": name, "singular": name},
    }[kind]


def reply_about_unknown(kind: str, name: str, other: str) -> str:
    if kind == "country":
        return D.UNKNOWN_COUNTRY_REPLY.format(X=name)
    if kind == "city":
        return D.UNKNOWN_CITY_REPLY.format(X=name)
    return other


def known_subject(rng: random.Random, slot: str) -> dict[str, str]:
    """Slots for a question about something known (a country, an animal ...) that asks what was never taught."""
    c, (thing, colour) = rng.choice(COUNTRIES), rng.choice(D.COLOURED_THINGS)
    words = rng.random() < 0.4
    x, y = (NUMBER_WORDS[rng.randrange(11)] if words else str(rng.randrange(11)) for _ in range(2))
    return dict(
        country=c.name, capital=c.capital, a_animal=with_article(rng.choice(ANIMALS).name), thing=thing, colour=colour,
        x=x, y=y, big=str(rng.randrange(21, 100)),
    )  # fmt: skip


def unknown_names() -> set[str]:
    """The names of countries and cities that are there to be unknown (made up, or real but untaught): the
    assistant writes them only in "Sorry, I do not know a country called ..."."""
    names = made_up_names("country") + made_up_names("city") + D.UNTAUGHT_COUNTRIES + D.UNTAUGHT_CITIES
    return {w for n in names for w in n.split()}
