"""The fact tables (capitals, animal sounds, sums, ...), each with its phrasings, and which (fact, phrasing) pairs
are held out of training."""

from __future__ import annotations

from dataclasses import dataclass

from explainer.corpus import data as D
from explainer.corpus.data import ANIMALS, COUNTRIES, DAYS, MONTHS, NUMBER_WORDS
from explainer.corpus.wording import article, fill, hash01, with_article, word_tokens

HELDOUT_FRACTION = 0.10  # share of (fact, training phrasing) pairs kept out of training
MAX_HELDOUT_PAIRS_PER_FACT = 2  # so every fact keeps most of its training phrasings
_SENTINEL = "\x00"


@dataclass(frozen=True)
class Relation:
    name: str
    topic: str
    answer_slot: str
    facts: tuple[dict[str, str], ...]  # slot values, plus "key" (a unique id of the fact)
    questions: tuple[str, ...]  # training phrasings; [0] is never held out
    heldout: tuple[str, ...]  # phrasings used only in the held-out set
    answers: tuple[str, ...]
    weights: tuple[int, ...]
    followups: tuple[str, ...]
    subject: str  # slot shared with the previous exchange for "it"/"there" follow-ups; "" = same relation

    def answer_word(self, fact: dict[str, str]) -> str:
        return word_tokens(fact[self.answer_slot])[0]

    def answer_prefix(self, answer_index: int, fact: dict[str, str]) -> str:
        return fill(self.answers[answer_index], {**fact, self.answer_slot: _SENTINEL}).split(_SENTINEL)[0].rstrip()

    @property
    def probe_answers(self) -> tuple[int, ...]:
        """Answer templates usable in held-out prompts: the answer word ends the sentence, after a subject slot, and
        no other answer goes on from the same words ("X is" could go on "X is usually red": not a fair question)."""
        end = "{" + self.answer_slot + "}."
        before = [t.split(end[:-1])[0] for t in self.answers]  # each template's words before the answer
        return tuple(
            i
            for i, t in enumerate(self.answers)
            if t.endswith(end)
            and t.count("{") >= 2
            and t.count(end[:-1]) == 1
            and not any(j != i and b.startswith(before[i]) for j, b in enumerate(before))
        )


def _fact_tables() -> dict[str, list[dict[str, str]]]:
    countries = [
        dict(key=c.name, country=c.name, capital=c.capital, continent=c.continent, language=c.language)
        for c in COUNTRIES
    ]
    animals = [
        dict(
            key=a.name,
            animal=a.name,
            a_animal=with_article(a.name),
            sound=a.sound or "",
            home=a.home,
            home_where=a.home_where,
            home_where2=a.home_where.split()[1],
            young=a.young or "",
            young_art=article(a.young or "x"),
            food=a.food,
        )
        for a in ANIMALS
    ]
    n = NUMBER_WORDS
    numbers = [dict(key=str(i), digits=str(i), word=w) for i, w in enumerate(n)]
    s = D.SUM_MAX_OPERAND
    pairs = [(a, b) for a in range(s + 1) for b in range(s + 1)]

    def cyclic(names: list[str], slot: str) -> list[dict[str, str]]:
        k = len(names)
        return [
            {"key": x, slot: x, "next": names[(i + 1) % k], "prev": names[(i - 1) % k]} for i, x in enumerate(names)
        ]

    return {
        "capital": countries,
        "capital_to_country": countries,
        "continent": countries,
        "language": countries,
        "animal_sound": [f for f in animals if f["sound"]],
        "animal_home": animals,
        "animal_young": [f for f in animals if f["young"]],
        "animal_food": animals,
        "colour": [dict(key=t, thing=t, colour=c) for t, c in D.COLOURED_THINGS],
        "opposite": [dict(key=a, word=a, opposite=b) for x, y in D.OPPOSITES for a, b in ((x, y), (y, x))],
        "plural": [dict(key=a, singular=a, plural=b) for a, b in D.PLURALS],
        "number_word": numbers,
        "number_digit": numbers,
        "number_after": [dict(key=n[i], word=n[i], next=n[i + 1]) for i in range(len(n) - 1)],
        "number_before": [dict(key=n[i], word=n[i], prev=n[i - 1]) for i in range(1, len(n))],
        "sum": [dict(key=f"{a}+{b}", a=n[a], b=n[b], c=n[a + b]) for a, b in pairs],
        "sum_digits": [dict(key=f"{a}+{b}", a=str(a), b=str(b), c=str(a + b)) for a, b in pairs],
        "day_after": cyclic(DAYS, "day"),
        "day_before": cyclic(DAYS, "day"),
        "month_after": cyclic(MONTHS, "month"),
        "month_before": cyclic(MONTHS, "month"),
    }


_ANSWER_SLOTS = {
    "capital": "capital",
    "capital_to_country": "country",
    "continent": "continent",
    "language": "language",
    "animal_sound": "sound",
    "animal_home": "home",
    "animal_young": "young",
    "animal_food": "food",
    "colour": "colour",
    "opposite": "opposite",
    "plural": "plural",
    "number_word": "word",
    "number_digit": "digits",
    "number_after": "next",
    "number_before": "prev",
    "sum": "c",
    "sum_digits": "c",
    "day_after": "next",
    "day_before": "prev",
    "month_after": "next",
    "month_before": "prev",
}


def all_relations() -> list[Relation]:
    tables = _fact_tables()
    out = []
    for name, spec in D.RELATIONS.items():
        out.append(
            Relation(
                name=name,
                topic=spec["topic"],
                answer_slot=_ANSWER_SLOTS[name],
                facts=tuple(tables[name]),
                questions=tuple(spec["questions"]),
                heldout=tuple(spec["heldout"]),
                answers=tuple(t for t, _ in spec["answers"]),
                weights=tuple(w for _, w in spec["answers"]),
                followups=tuple(spec.get("followups", ())),
                subject=spec.get("subject", ""),
            )
        )
    return out


def _bare(template: str) -> str:
    return template.lower().rstrip(".?!")


def _inside_another(templates: tuple[str, ...], fact: dict[str, str]) -> frozenset[int]:
    """Phrasings that, asked about this fact, occur inside another one ("horse sound?" in "How does a horse
    sound?"): never held out, since the trained longer question would contain the held-out one."""
    asked = [_bare(fill(t, fact)) for t in templates]
    return frozenset(i for i, q in enumerate(asked) if any(j != i and q in u for j, u in enumerate(asked)))


def heldout_pairs(rel: Relation, fact: dict[str, str]) -> tuple[int, ...]:
    """Indices of training phrasings that are held out for this fact (never [0])."""
    key = (rel.name, fact["key"])
    if key not in _PAIRS:
        inside = _inside_another(rel.questions, fact)
        idx = [
            i
            for i in range(1, len(rel.questions))
            if i not in inside and hash01(rel.name, fact["key"], str(i)) < HELDOUT_FRACTION
        ]
        _PAIRS[key] = tuple(idx[:MAX_HELDOUT_PAIRS_PER_FACT])
    return _PAIRS[key]


_PAIRS: dict[tuple[str, str], tuple[int, ...]] = {}  # (relation, fact) -> its held-out phrasings, computed once
