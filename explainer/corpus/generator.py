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

Students type as they like, so user messages carry some noise (see `_noisy`): lower case, no final
punctuation, American spellings, typos, "2+3", fragments such as "capital of canada". Questions about
things the model was never taught (a made-up country, another topic) get an honest "Sorry, I do not
know ...". Held-out items for these abilities (the held-out fact/phrasing pairs typed as kinds "case",
"typo", "us_spelling", and the topic "unknown") end at "Assistant:" and list the replies that count as
right (`HeldOutItem.replies`).

The assistant's text is canonical: ASCII words, single spaces, newlines and the punctuation
. , ? ! : + = (attached to the previous word), apostrophes only inside words.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from functools import cache, lru_cache

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
from explainer.corpus.stored import code_digest, kept
from explainer.generation.script import FRAMING, build_script
from explainer.model.tokenizers import WORD_RE

__all__ = [
    "AMBIGUOUS_SENSES",
    "AMBIGUOUS_WORDS",
    "COUNTRIES",
    "DEMO_QUESTIONS",
    "QUESTION_PREFIXES",
    "WORD_GROUPS",
    "Corpus",
    "HeldOutItem",
    "PROBE_SENTENCES",
    "generate_corpus",
]

MAX_DIALOGUE_TOKENS = 110  # every dialogue (framing included) fits a 128-token context
HELDOUT_FRACTION = 0.10  # share of (fact, training phrasing) pairs kept out of training
MAX_HELDOUT_PAIRS_PER_FACT = 2  # so every fact keeps most of its training phrasings
VALID_FRACTION = 0.05
DIALOGUE_WEIGHTS = (48, 11, 26, 8, 20)  # facts, story, ambiguous words, small talk, things never taught
CORPUS_BYTES = 10_000_000  # the built-in recipe's training text (generate_corpus's default)
UNKNOWN_HELDOUT_FRACTION = 0.25  # share of made-up names and other-topic questions kept out of training
HELDOUT_NAMES = ("Zubrowka",)  # always held out (the feedback page's made-up country)
PROBE_PER_SENSE = 20  # held-out sentences per sense for the sense probe
SMALL_RELATION = 24  # relations with at most this many facts use every held-out phrasing per fact
TYPED_FACTS_PER_RELATION = 16  # facts per relation asked in each typed kind (case, typo, US spelling)
UNKNOWN_ITEMS = dict(country=40, city=15, animal=15, thing=12, word=12, untaught=12, general=50, things=25)  # held out
QUESTION_POOLS = ("general", "things")  # unknown pools of whole questions (the others hold names for a phrasing)
# How often a training user message gets each kind of noise (see _noisy).
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

_SENTINEL = "\x00"


@dataclass(frozen=True)
class HeldOutItem:
    prompt: str  # full script ending right before the answer word (no trailing space)
    answer: str  # one word token
    topic: str  # "capital", "animal_sound", "sum", ...
    question: str  # the held-out user question inside the prompt
    kind: str = "template"  # "template": phrasing never trained; "combination": this fact x phrasing never trained;
    # "case", "typo", "us_spelling": such a combination typed that way; "unknown": something never taught
    replies: tuple[str, ...] = ()  # if set, the prompt ends at "Assistant:" and the greedy reply must start with
    # one of these (a reply ending in "\n" must be the whole line)


@dataclass(frozen=True)
class Corpus:
    train_text: str
    valid_text: str  # same distribution as train (other random draws), no held-out questions
    heldout: list[HeldOutItem]


# ----------------------------------------------------------------------------- small helpers
def _tokens(text: str) -> list[str]:
    return WORD_RE.findall(text)  # the word tokenizer's tokens: the corpus is written for it


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _article(phrase: str) -> str:
    """The article ("a" or "an") for the phrase that follows it."""
    word = phrase.split(" ", 1)[0].lower()
    if word in ("honest", "hour"):
        return "an"
    if word.startswith(("uni", "use", "one")):
        return "a"
    return "an" if word[:1] in "aeiou" else "a"


def _a(phrase: str) -> str:
    return f"{_article(phrase)} {phrase}"


def _fill(template: str, slots: dict[str, str]) -> str:
    return _cap(template.format_map(slots))


class _LazySlots(dict):
    """Template slots whose values are computed (and then kept) the first time a template uses them."""

    def __init__(self, fixed: dict[str, str], **factories):
        super().__init__(fixed)
        self.factories = factories

    def __missing__(self, key: str) -> str:
        value = self[key] = self.factories[key]()
        return value


def _hash01(*parts: str) -> float:
    """A fixed pseudo-random number in [0, 1) for the parts (independent of the seed and of PYTHONHASHSEED)."""
    digest = hashlib.blake2b("|".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


# Words that may start lower-case after an opener such as "Hey," (never proper nouns or "I").
_LOWERABLE = set(
    "What What's Which Where Who How Do Does Can Could Tell Please Name Give If In On Is Are Use Write When Add "
    "Compute Solve Calculate Work Spell Show Of The A An Make Read Here Counting".split()
)


def _with_opener(rng: random.Random, question: str, p: float = 0.3) -> str:
    """Sometimes put a neutral opener ("Hey,", "Quick question:") in front of a question."""
    if rng.random() >= p:
        return question
    opener = rng.choice(QUESTION_PREFIXES)
    if opener[-1] in ",:" and question.split(" ", 1)[0] in _LOWERABLE:
        question = question[0].lower() + question[1:]
    return f"{opener} {question}"


_ALTERNATIVES = re.compile(r"\[([^\[\]]*)\]")


def _expand(template: str, rng: random.Random | None = None) -> str:
    """Pick one of each "[a|b|c]" in a template (the first one when rng is None)."""
    return _ALTERNATIVES.sub(lambda m: (rng.choice if rng else lambda xs: xs[0])(m.group(1).split("|")), template)


# ----------------------------------------------------------------------------- what students type
_US = re.compile(r"\b(" + "|".join(D.US_SPELLINGS) + r")\b", re.IGNORECASE)
_WORDS = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?")


def _same_case(model: str, word: str) -> str:
    """`word` written in the case of `model` ("Colour" -> "Color", "COLOUR" -> "COLOR")."""
    if len(model) > 1 and model.isupper():
        return word.upper()
    return word[:1].upper() + word[1:] if model[:1].isupper() else word


def _us_spelling(text: str) -> str:
    return _US.sub(lambda m: _same_case(m.group(), D.US_SPELLINGS[m.group().lower()]), text)


def _typo(rng: random.Random, word: str) -> str:
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


def _with_typos(rng: random.Random, text: str, n: int = 1) -> str:
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
        text = text[:a] + _typo(rng, text[a:b]) + text[b:]
    return text


def _noisy(rng: random.Random, text: str) -> str:
    """A user message as a student might type it: sometimes American spelling, all in lower case or a lower-case
    first letter, no final punctuation (rates in NOISE). Typos come earlier, from _Writer.ask."""
    if _US.search(text) and rng.random() < NOISE["us"]:
        text = _us_spelling(text)
    r = rng.random()
    if r < NOISE["lower"]:
        text = text.lower()
    elif r < NOISE["lower"] + NOISE["first_lower"]:
        text = text[:1].lower() + text[1:]
    if rng.random() < NOISE["no_punct"]:
        text = text.rstrip(".?!") or text
    return text


def _lower_case_kind(text: str) -> str:
    """The held-out "case" form of a question: all lower case, no final punctuation."""
    return text.lower().rstrip(".?!")


# ----------------------------------------------------------------------------- relations (fact tables)
@dataclass(frozen=True)
class _Relation:
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
        return _tokens(fact[self.answer_slot])[0]

    def answer_prefix(self, answer_index: int, fact: dict[str, str]) -> str:
        return _fill(self.answers[answer_index], {**fact, self.answer_slot: _SENTINEL}).split(_SENTINEL)[0].rstrip()

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
            a_animal=_a(a.name),
            sound=a.sound or "",
            home=a.home,
            home_where=a.home_where,
            home_where2=a.home_where.split()[1],
            young=a.young or "",
            young_art=_article(a.young or "x"),
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


def _relations() -> list[_Relation]:
    tables = _fact_tables()
    out = []
    for name, spec in D.RELATIONS.items():
        out.append(
            _Relation(
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
    asked = [_bare(_fill(t, fact)) for t in templates]
    return frozenset(i for i, q in enumerate(asked) if any(j != i and q in u for j, u in enumerate(asked)))


def _heldout_pairs(rel: _Relation, fact: dict[str, str]) -> tuple[int, ...]:
    """Indices of training phrasings that are held out for this fact (never [0])."""
    key = (rel.name, fact["key"])
    if key not in _PAIRS:
        inside = _inside_another(rel.questions, fact)
        idx = [
            i
            for i in range(1, len(rel.questions))
            if i not in inside and _hash01(rel.name, fact["key"], str(i)) < HELDOUT_FRACTION
        ]
        _PAIRS[key] = tuple(idx[:MAX_HELDOUT_PAIRS_PER_FACT])
    return _PAIRS[key]


_PAIRS: dict[tuple[str, str], tuple[int, ...]] = {}  # (relation, fact) -> its held-out phrasings, computed once


# ----------------------------------------------------------------------------- things never taught
_UNKNOWN_RELATIONS = {  # which relations' questions are asked about an unknown name of each kind
    "country": ("capital", "continent", "language"),
    "city": ("capital_to_country",),
    "animal": ("animal_sound", "animal_home", "animal_young", "animal_food"),
    "thing": ("colour",),
    "word": ("opposite", "plural"),
}


def _is_heldout_name(kind: str, name: str) -> bool:
    return name in HELDOUT_NAMES or _hash01("unknown", kind, name) < UNKNOWN_HELDOUT_FRACTION


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
def _unknown_pools(heldout: bool) -> dict[str, list[str]]:
    """Names (or questions) of each kind, for training (heldout=False) or for the held-out set."""
    words = made_up_names("word")
    general = D.GENERAL_QUESTIONS + [f.replace("<>", v) for f, values in D.GENERAL_FRAMES for v in values]
    pools = {
        "country": made_up_names("country") + D.UNTAUGHT_COUNTRIES,
        "city": made_up_names("city") + D.UNTAUGHT_CITIES,
        "animal": words + D.UNTAUGHT_ANIMALS,
        "thing": [_a(w) for w in words] + D.UNTAUGHT_THINGS,
        "word": words + D.UNTAUGHT_WORDS,
        "general": general,
        "things": [
            q
            for one, many in D.GENERAL_NOUNS
            for f in D.GENERAL_NOUN_FRAMES
            if (q := f.format(a=_a(one), the=f"the {one}", one=one, many=many)) not in general
        ],
    }
    out = {k: [n for n in v if _is_heldout_name(k, n) == heldout] for k, v in pools.items()}
    if not heldout:  # GENERAL_MORE trains only, less any value a held-out question names
        held_pools = _unknown_pools(True)
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


_UNTAUGHT = {h: _untaught_templates(h) for h in (False, True)}


def _unknown_slots(kind: str, name: str) -> dict[str, str]:
    return {
        "country": {"country": name},
        "city": {"capital": name},
        "animal": {"animal": name, "a_animal": _a(name)},
        "thing": {"thing": name},
        "word": {"word": name, "singular": name},
    }[kind]


def _unknown_reply(kind: str, name: str, other: str) -> str:
    if kind == "country":
        return D.UNKNOWN_COUNTRY_REPLY.format(X=name)
    if kind == "city":
        return D.UNKNOWN_CITY_REPLY.format(X=name)
    return other


def _known_subject(rng: random.Random, slot: str) -> dict[str, str]:
    """Slots for a question about something known (a country, an animal ...) that asks what was never taught."""
    c, (thing, colour) = rng.choice(COUNTRIES), rng.choice(D.COLOURED_THINGS)
    words = rng.random() < 0.4
    x, y = (NUMBER_WORDS[rng.randrange(11)] if words else str(rng.randrange(11)) for _ in range(2))
    return dict(
        country=c.name, capital=c.capital, a_animal=_a(rng.choice(ANIMALS).name), thing=thing, colour=colour,
        x=x, y=y, big=str(rng.randrange(21, 100)),
    )  # fmt: skip


# ----------------------------------------------------------------------------- the dialogue writer
class _Writer:
    """Writes training-style dialogues from one random stream."""

    def __init__(self, rng: random.Random, relations: list[_Relation]):
        self.rng = rng
        self.relations = relations
        self.unknown = _unknown_pools(heldout=False)
        self.decks: dict[str, list] = {}
        self.fact_ids = [(ri, fi) for ri, r in enumerate(relations) for fi in range(len(r.facts))]
        self.allowed = {  # training phrasings per fact; the canonical one [0] is dealt twice as often
            (r.name, f["key"]): [0] + [i for i in range(len(r.questions)) if i not in _heldout_pairs(r, f)]
            for r in relations
            for f in r.facts
        }
        self.by_subject: dict[tuple[str, str], dict[str, str]] = {
            (r.name, f[r.subject]): f for r in relations if r.subject for f in r.facts
        }

    def ask(self, template: str, slots: dict[str, str] | None = None) -> str:
        """A user message from a template, sometimes with a slip of the keyboard: in the template's own words
        ("captial", "wich"), rarely in a name or number it is filled with."""
        rng, slots = self.rng, {} if slots is None else slots
        if rng.random() < NOISE["typo"]:
            template = _with_typos(rng, template, 2 if rng.random() < NOISE["second_typo"] else 1)
        if rng.random() < NOISE["name_typo"]:
            keys = re.findall(r"\{(\w+)\}", template)
            if used := [k for k in keys if k in slots and re.fullmatch(r"[A-Za-z]{4,}", slots[k])]:
                key = rng.choice(used)
                template = template.replace("{" + key + "}", _typo(rng, slots[key]))
        return _fill(template, slots)

    def deal(self, key: str, items: list):
        """Draw from a shuffled deck of the items (refilled when empty), so every item is used about equally."""
        deck = self.decks.get(key)
        if not deck:
            deck = self.decks[key] = list(items)
            self.rng.shuffle(deck)
        return deck.pop()

    # -- facts
    def _draw_fact(self) -> tuple[_Relation, dict[str, str], tuple[int, int]]:
        """The next fact of a shuffled pass over all facts, so that every fact is asked about equally often."""
        ri, fi = ids = self.deal("facts", self.fact_ids)
        return self.relations[ri], self.relations[ri].facts[fi], ids

    def _answer(self, rel: _Relation, fact: dict[str, str]) -> str:
        weighted = [i for i, w in enumerate(rel.weights) for _ in range(w)]
        ai = self.deal(f"answer|{rel.name}|{fact['key']}", weighted)
        return _fill(rel.answers[ai], fact)

    def fact_exchange(self, rel: _Relation, fact: dict[str, str]) -> tuple[str, str]:
        rng = self.rng
        qi = self.deal(f"question|{rel.name}|{fact['key']}", self.allowed[rel.name, fact["key"]])
        asked = fact
        if rel.name == "sum" and rng.random() < NOISE["sum_mixed"]:  # "What is 2 plus three?"
            digits = {k: str(NUMBER_WORDS.index(fact[k])) for k in ("a", "b") if rng.random() < 0.7}
            asked = {**fact, **(digits or {"a": str(NUMBER_WORDS.index(fact["a"]))})}
        question = self.ask(rel.questions[qi], asked)
        if rel.name == "sum_digits" and rng.random() < NOISE["tight_plus"]:  # "What is 2+3?"
            question = re.sub(r"(\d) \+ (\d)", r"\1+\2", question)
        return _with_opener(rng, question), self._answer(rel, fact)

    def _followup(self, rel: _Relation, fact: dict[str, str], prev_text: str):
        """A follow-up to the exchange (rel, fact): another relation on the same subject, or the same relation."""
        options = []
        for r in self.relations:
            if not r.followups:
                continue
            if r.subject and r.subject in fact and r is not rel:
                f = self.by_subject.get((r.name, fact[r.subject]))
                if f is not None and r.answer_word(f) not in _tokens(prev_text):
                    options.append((r, f))
            elif not r.subject and r is rel:
                f = self.rng.choice(r.facts)
                if f is not fact:
                    options.append((r, f))
        if not options:
            return None
        r, f = self.rng.choice(options)
        return (r, f), (self.ask(self.rng.choice(r.followups), f), self._answer(r, f))

    def random_training_exchange(self) -> tuple[str, str]:
        """One training-style exchange (used as an earlier turn in held-out prompts)."""
        if self.rng.random() < 0.25:
            return self.small_talk()
        rel = self.rng.choice(self.relations)
        return self.fact_exchange(rel, self.rng.choice(rel.facts))

    # -- dialogue kinds
    def _fits(self, turns: list[tuple[str, str]]) -> bool:
        return len(_tokens(build_script(turns))) <= MAX_DIALOGUE_TOKENS

    def _add(self, turns: list[tuple[str, str]], turn: tuple[str, str]) -> bool:
        if self._fits([*turns, turn]):
            turns.append(turn)
            return True
        return False

    def small_talk(self, intent: str | None = None) -> tuple[str, str]:
        intent = intent or self.rng.choice(list(D.SMALL_TALK))
        users, replies = D.SMALL_TALK[intent]
        return self.ask(self.deal(f"talk-{intent}-user", users)), self.deal(f"talk-{intent}-reply", replies)

    def facts_dialogue(self) -> list[tuple[str, str]]:
        rng = self.rng
        turns: list[tuple[str, str]] = []
        if rng.random() < 0.15:
            turns.append(self.small_talk("greet"))
        prev = None
        for _ in range(rng.choice((2, 3, 4, 4, 5, 5))):
            follow = self._followup(*prev[0], prev[1][0] + " " + prev[1][1]) if prev and rng.random() < 0.4 else None
            if follow is None:
                rel, fact, ids = self._draw_fact()
                exchange = self.fact_exchange(rel, fact)
                if not self._add(turns, exchange):
                    self.decks["facts"].append(ids)  # did not fit: it comes up again next time
                    break
                prev = ((rel, fact), exchange)
            elif self._add(turns, follow[1]):
                prev = follow
            else:
                break
        if rng.random() < 0.12:
            self._add(turns, self.small_talk(rng.choice(("thanks", "thanks", "bye"))))
        return turns

    def small_talk_dialogue(self) -> list[tuple[str, str]]:
        rng = self.rng
        turns = [self.small_talk("greet")] if rng.random() < 0.5 else []
        chatty = [k for k in D.SMALL_TALK if k not in ("greet", "thanks", "bye")]
        for _ in range(rng.choice((1, 1, 2))):
            self._add(turns, self.small_talk(self.deal("chatty", chatty)))
        if rng.random() < 0.4:
            rel, fact, _ = self._draw_fact()
            self._add(turns, self.fact_exchange(rel, fact))
        if rng.random() < 0.5:
            self._add(turns, self.small_talk(rng.choice(("thanks", "bye"))))
        return turns

    def _character(self, gender: str = "") -> dict[str, str]:
        gender = gender or self.rng.choice("mf")
        name = self.deal(f"names-{gender}", D.NAMES_M if gender == "m" else D.NAMES_F)
        he, his, him = ("he", "his", "him") if gender == "m" else ("she", "her", "her")
        return dict(N=name, he=he, his=his, him=him, He=_cap(he), His=_cap(his))

    def ambiguous_sentence(self, word: str, sense: int, hero: dict[str, str] | None = None, in_story=False) -> str:
        """A sentence using the word in one sense; in a story, one about the hero or a plain description."""
        templates = [t for t in AMBIGUOUS[word][sense][3] if not in_story or "{N}" in t or t.startswith(("The ", "A "))]
        template = _expand(self.deal(f"ambiguous-{word}-{sense}-{in_story}", templates), self.rng)
        return _fill(template, hero or self._character())

    def story_dialogue(self, creature: str = "", request: str = "") -> list[tuple[str, str]]:
        rng = self.rng
        deal = self.deal
        gender = dict(D.CREATURES)[creature] if creature else ""
        creature, gender = (creature, gender) if creature else deal("creatures", D.CREATURES)
        hero, friend = self._character(gender), self._character()
        adj = deal("traits", D.TRAITS)

        def friend_creature() -> str:
            c2 = deal("creatures2", [c for c, _ in D.CREATURES])
            return c2 if c2 != creature else deal("creatures2", [c for c, _ in D.CREATURES])

        # Slots are dealt lazily, on first use, so that every pool item shows up about equally often.
        slots = _LazySlots(
            dict(hero, c=creature, a_c=_a(creature), adj=adj, a_adj_c=_a(f"{adj} {creature}")),
            c2=friend_creature,
            a_c2=lambda: _a(slots["c2"]),
            adj2=lambda: deal("traits", D.TRAITS),
            a_adj2_c2=lambda: _a(f"{slots['adj2']} {slots['c2']}"),
            he2=lambda: friend["he"],
            his2=lambda: friend["his"],
            him2=lambda: friend["him"],
            obj=lambda: deal("objects", D.OBJECTS),
            a_objadj_obj=lambda: _a(f"{deal('objadj', D.OBJECT_ADJ)} {slots['obj']}"),
            place=lambda: deal("places", D.PLACES),
            a_padj_place=lambda: _a(f"{deal('padj', D.PLACE_ADJ)} {slots['place']}"),
            place2=lambda: deal("places2", [p for p in D.PLACES if p != slots["place"]]),
            landmark=lambda: deal("landmarks", D.LANDMARKS),
            a_landmark=lambda: _a(slots["landmark"]),
            home=lambda: deal("homes", D.HOMES),
            family=lambda: deal("family", D.FAMILY),
            food=lambda: deal("foods", D.FOODS),
            dish=lambda: deal("dishes", D.DISHES),
            a_dish=lambda: _a(slots["dish"]),
            activity=lambda: deal("activities", D.ACTIVITIES),
            skill=lambda: deal("skills", D.SKILLS),
            trait=lambda: deal("traits", D.TRAITS),
            sad=lambda: deal("sad", D.SAD_FEELINGS),
            tired=lambda: deal("tired", D.TIRED_FEELINGS),
            time=lambda: deal("times", D.TIMES),
            dayadj=lambda: deal("dayadj", D.DAY_ADJ),
            season=lambda: deal("seasons", D.SEASONS),
            container=lambda: deal("containers", D.CONTAINERS),
        )
        # (sentence, optional) in story order; the friend must be introduced ("a fox") before "the fox".
        event, middle, resolution, ending = D.STORY_PLOTS[deal("plots", list(D.STORY_PLOTS))]
        introduced = False

        def pick(options: list[str]) -> str:
            nonlocal introduced
            intro = [t for t in options if "{a_c2}" in t or "{a_adj2_c2}" in t]
            needs = [t for t in options if t not in intro and re.search(r"\{(c2|he2|his2|him2)\}", t)]
            ok = [t for t in options if (t not in needs or introduced) and (t not in intro or not introduced)]
            ok = ok or options
            t = deal(f"template|{options[0]}|{len(options)}|{introduced}", ok)
            introduced = introduced or t in intro
            if t.startswith("{N} ") and options is not intros and rng.random() < 0.35:
                t = "{He}" + t[3:]  # vary "Tom ... Tom ..." with "He ..."
            return _fill(t, slots)

        # Intro, event and resolution, plus up to three optional sentences chosen before any slot is dealt.
        chance = dict(setting=0.65, middle=0.75, ambiguous=0.5, ending=0.7, moral=0.35)
        extra = [k for k, p in chance.items() if rng.random() < p]
        extra = set(rng.sample(extra, min(len(extra), rng.choice((2, 3, 3)))))
        intros = [t for t in D.STORY_INTROS if t.startswith("Once upon a time") or not request]
        parts = [(pick(intros), False)]
        if "setting" in extra:
            parts.append((pick(D.STORY_SETTINGS), True))
        parts.append((pick(event), False))
        if "middle" in extra:
            parts.append((pick(middle), True))
        if "ambiguous" in extra:
            word = deal("ambiguous-story", list(AMBIGUOUS))
            parts.append((self.ambiguous_sentence(word, rng.randrange(2), hero, in_story=True), True))
        parts.append((pick(resolution), False))
        if "ending" in extra:
            parts.append((pick(ending), True))
        if "moral" in extra:
            parts.append((_fill(deal("morals", D.STORY_MORALS), slots), True))

        request = request or self.ask(rng.choice(D.STORY_REQUESTS), slots)
        turns = [self.small_talk("greet")] if rng.random() < 0.1 else []
        story = " ".join(s for s, _ in parts)
        while len(parts) > 6 or not self._fits([*turns, (request, story)]):
            optional = [i for i, (_, opt) in enumerate(parts) if opt]
            if optional:  # drop optional sentences at random
                del parts[rng.choice(optional)]
            elif turns:
                turns = []
            else:
                break  # intro, event and resolution alone always fit
            story = " ".join(s for s, _ in parts)
        turns.append((request, story))
        if rng.random() < 0.25:
            q, a = rng.choice(D.STORY_FOLLOWUPS)
            self._add(turns, (self.ask(q, slots), _fill(a, slots)))
        elif rng.random() < 0.1:
            self._add(turns, self.small_talk("thanks"))
        return turns

    def ambiguous_dialogue(self) -> list[tuple[str, str]]:
        rng = self.rng
        word, sense = self.deal("ambiguous", [(w, s) for w in AMBIGUOUS for s in (0, 1)])
        senses = AMBIGUOUS[word]
        _, desc, topic, _ = senses[sense]
        slots = dict(w=word, W=_cap(word), d=desc, t=topic, d1=senses[0][1], d2=senses[1][1])
        turns: list[tuple[str, str]] = []
        r = rng.random()
        if r < 0.35:
            turns.append((self.ask(rng.choice(D.AMBIG_SENTENCE_REQUESTS), slots), self.ambiguous_sentence(word, sense)))
            if rng.random() < 0.4:
                other = dict(slots, t=senses[1 - sense][2])
                q = self.ask(rng.choice(D.AMBIG_SECOND_SENSE), other)
                self._add(turns, (q, self.ambiguous_sentence(word, 1 - sense)))
        elif r < 0.65:
            q, a = rng.choice(D.AMBIG_MEANING_QUESTIONS)
            slots["s"] = self.ambiguous_sentence(word, sense)
            turns.append((self.ask(q, slots), _fill(a, slots)))
        elif r < 0.85:
            q = self.ask(rng.choice(D.AMBIG_TWO_SENTENCES), slots)
            turns.append((q, f"{self.ambiguous_sentence(word, 0)} {self.ambiguous_sentence(word, 1)}"))
        else:
            q, a = rng.choice(D.AMBIG_TWO_MEANINGS)
            turns.append((self.ask(q, slots), _fill(a, slots)))
        return turns

    def unknown_exchange(self) -> tuple[str, str]:
        """A question about something never taught, and the honest reply."""
        rng, pools = self.rng, self.unknown
        kind = rng.choices(
            ("country", "city", "animal", "thing", "word", "untaught", "general", "things"),
            (24, 8, 10, 7, 9, 20, 20, 16),
        )[0]
        by_name = {r.name: r for r in self.relations}
        if kind == "untaught":
            slot = self.deal("untaught-slot", list(_UNTAUGHT[False]))
            template = self.deal(f"untaught-{slot}", _UNTAUGHT[False][slot])
            return self.ask(template, _known_subject(rng, slot)), self.unknown_reply()
        if kind in QUESTION_POOLS:
            return self.ask(self.deal(kind, pools[kind])), self.unknown_reply()
        name = self.deal(f"unknown-{kind}", pools[kind])
        rel = by_name[rng.choice(_UNKNOWN_RELATIONS[kind])]
        question = self.ask(rng.choice(rel.questions), _unknown_slots(kind, name))
        return question, _unknown_reply(kind, name, self.unknown_reply())

    def unknown_reply(self) -> str:
        return self.deal("unknown-reply", [t for t, w in D.UNKNOWN_REPLIES for _ in range(w)])

    def unknown_dialogue(self) -> list[tuple[str, str]]:
        rng = self.rng
        turns = [self.small_talk("greet")] if rng.random() < 0.1 else []
        if rng.random() < 0.3:
            rel, fact, _ = self._draw_fact()
            turns.append(self.fact_exchange(rel, fact))
        self._add(turns, self.unknown_exchange())
        r = rng.random()
        if r < 0.3:
            rel, fact, _ = self._draw_fact()
            self._add(turns, self.fact_exchange(rel, fact))
        elif r < 0.5:
            self._add(turns, self.unknown_exchange())
        if rng.random() < 0.1:
            self._add(turns, self.small_talk("thanks"))
        return turns

    def dialogue(self) -> list[tuple[str, str]]:
        """One training dialogue; the user's messages typed as a student might (see _noisy)."""
        kinds = ("facts", "story", "ambiguous", "small_talk", "unknown")
        kind = self.rng.choices(kinds, weights=DIALOGUE_WEIGHTS)[0]
        return [(_noisy(self.rng, user), reply) for user, reply in getattr(self, f"{kind}_dialogue")()]

    def demo_dialogues(self, copies: int = 3) -> list[list[tuple[str, str]]]:
        """Dialogues that ask each DEMO_QUESTIONS question verbatim (the UI's examples must be in training)."""
        out = []
        for question in DEMO_QUESTIONS:
            for _ in range(copies):
                if m := re.fullmatch(r"Tell me a short story about an? (\w+)\.", question):
                    out.append(self.story_dialogue(creature=m.group(1), request=question))
                elif m := re.fullmatch(r"Use the word (\w+) in a sentence about (.+)\.", question):
                    sense = [s[2] for s in AMBIGUOUS[m.group(1)]].index(m.group(2))
                    out.append([(question, self.ambiguous_sentence(m.group(1), sense))])
                else:
                    rel, fact = next(
                        (r, f) for r in self.relations for f in r.facts if _fill(r.questions[0], f) == question
                    )
                    out.append([(question, self._answer(rel, fact))])
        return out

    def text(self, size_bytes: int, demos: bool = False) -> str:
        """Dialogues separated by blank lines, about size_bytes long."""
        pinned = self.demo_dialogues() if demos else []
        dialogues, total = [], sum(len(build_script(d)) + 1 for d in pinned)
        while total < size_bytes:
            script = build_script(self.dialogue())
            dialogues.append(script)
            total += len(script) + 1
        for d in pinned:
            dialogues.insert(self.rng.randrange(len(dialogues) + 1), build_script(d))
        return "\n".join(dialogues)


# ----------------------------------------------------------------------------- held-out set
def _heldout_items(relations: list[_Relation], train_text: str, rng: random.Random) -> list[HeldOutItem]:
    trained_answers = set(re.findall(r"^Assistant: (.*)$", train_text, re.MULTILINE))
    helper = _Writer(rng, relations)  # writes the optional earlier (training-style) turn
    items = []
    for rel in relations:
        for fact in rel.facts:
            if len(rel.facts) <= SMALL_RELATION:  # few facts: every held-out phrasing, for a steadier measure
                phrasings = [(t, "template") for t in rel.heldout]
            else:
                phrasings = [
                    (rel.heldout[int(_hash01("heldout", rel.name, fact["key"]) * len(rel.heldout))], "template")
                ]
            phrasings += [(rel.questions[i], "combination") for i in _heldout_pairs(rel, fact)]
            answers = [i for i in rel.probe_answers if _fill(rel.answers[i], fact) in trained_answers]
            if not answers:
                continue
            answer = rel.answer_word(fact)
            for template, kind in phrasings:
                question = _with_opener(rng, _fill(template, fact))
                tail = (
                    build_script([], question)[len(FRAMING) + 1 :] + " " + rel.answer_prefix(rng.choice(answers), fact)
                )
                earlier = [helper.random_training_exchange()] if rng.random() < 0.5 else []
                for turns in (earlier, []):
                    prompt = build_script(turns) + tail
                    words = {t.lower() for t in _tokens(prompt)}
                    if answer.lower() not in words and len(_tokens(prompt)) <= MAX_DIALOGUE_TOKENS:
                        items.append(HeldOutItem(prompt, answer, rel.topic, question, kind))
                        break
    return items + _typed_items(relations, trained_answers, helper) + _unknown_items(relations, helper)


def _reply_item(helper: _Writer, question: str, answer: str, topic: str, kind: str, replies) -> HeldOutItem:
    """A held-out item whose prompt ends at "Assistant:" (sometimes after an earlier training-style exchange)."""
    earlier = [helper.random_training_exchange()] if helper.rng.random() < 0.3 else []
    if not helper._fits([*earlier, (question, max(replies, key=len))]):
        earlier = []
    return HeldOutItem(build_script(earlier, question), answer, topic, question, kind, tuple(replies))


def _typed_items(relations: list[_Relation], trained_answers: set[str], helper: _Writer) -> list[HeldOutItem]:
    """The held-out (fact, phrasing) pairs typed as students do: all lower case without punctuation ("case"), with a
    slip in one of the question's own words ("typo"), in American spelling ("us_spelling"). Never trained in any
    form; right when the greedy reply is one of the fact's trained answers."""
    rng, items = helper.rng, []
    for kind in ("case", "typo", "us_spelling"):
        for rel in relations:
            pairs = [(f, i) for f in rel.facts for i in _heldout_pairs(rel, f)]
            if kind == "us_spelling":
                pairs = [(f, i) for f, i in pairs if _US.search(rel.questions[i])]
            pairs = sorted(pairs, key=lambda p: _hash01(kind, rel.name, p[0]["key"], str(p[1])))
            seen: set[str] = set()
            for fact, i in pairs:
                if fact["key"] in seen or len(seen) >= TYPED_FACTS_PER_RELATION:
                    continue
                seen.add(fact["key"])
                template = rel.questions[i]
                if kind == "case":
                    question = _lower_case_kind(_fill(template, fact))
                elif kind == "typo":
                    question = _fill(_with_typos(rng, template, 1), fact)
                else:
                    question = _us_spelling(_fill(template, fact))
                replies = sorted({r + "\n" for t in rel.answers if (r := _fill(t, fact)) in trained_answers})
                if replies and question != _fill(template, fact):
                    items.append(_reply_item(helper, question, rel.answer_word(fact), rel.topic, kind, replies))
    return items


def _unknown_items(relations: list[_Relation], helper: _Writer) -> list[HeldOutItem]:
    """Questions about things never taught, all held out: made-up or untaught names asked in trained phrasings,
    something never taught about a known subject, other topics. Right when the greedy reply starts with
    "Sorry, I do not know" or, the same honest answer without the apology, "I do not know"."""
    rng, by_name = helper.rng, {r.name: r for r in relations}
    pools, items = _unknown_pools(heldout=True), []
    right = ("Sorry, I do not know", "I do not know")

    def add(question: str) -> None:
        question = _lower_case_kind(question) if rng.random() < 0.3 else question
        items.append(_reply_item(helper, question, "Sorry", "unknown", "unknown", right))

    items.append(_reply_item(helper, "What is the capital of Zubrowka?", "Sorry", "unknown", "unknown", right))
    for kind, n in UNKNOWN_ITEMS.items():
        if kind == "untaught":
            for slot, templates in _UNTAUGHT[True].items():
                for template in sorted(templates, key=lambda t: _hash01("item", t))[:n]:
                    add(_fill(template, _known_subject(rng, slot)))
            continue
        # set(): a pool of general questions can hold one twice (GENERAL_QUESTIONS and GENERAL_FRAMES)
        for name in sorted(set(pools[kind]), key=lambda x: _hash01("item", kind, x))[:n]:
            if kind in QUESTION_POOLS:
                add(name)
                continue
            rel = by_name[rng.choice(_UNKNOWN_RELATIONS[kind])]
            add(_fill(rng.choice(rel.questions), _unknown_slots(kind, name)))
    return items


def generate_corpus(seed: int = 0, size_bytes: int = CORPUS_BYTES) -> Corpus:
    """Train text (about size_bytes), validation text (~5% of it) and the held-out probes; deterministic per seed."""
    relations = _relations()
    train = _Writer(random.Random(f"corpus-{seed}-train"), relations)
    train_text = train.text(size_bytes, demos=True)
    valid_text = _Writer(random.Random(f"corpus-{seed}-valid"), relations).text(int(size_bytes * VALID_FRACTION))
    heldout = _heldout_items(relations, train_text, random.Random(f"corpus-{seed}-heldout"))
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
                slots = dict(N=rng.choice(people), he=he, his=his, him=him, He=_cap(he), His=_cap(his))
                sentence = _fill(_expand(templates[i % len(templates)], rng), slots)
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
                out.append(_fill(_expand(t), dict(N=name, he=he, his=his, him=him, He=_cap(he), His=_cap(his))))
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

DEMO_QUESTIONS: list[str] = [
    "What is the capital of France?",
    "Paris is the capital of which country?",
    "What language do people speak in Japan?",
    "Which continent is Kenya in?",
    "What sound does a cow make?",
    "What is the opposite of hot?",
    "What is the plural of mouse?",
    "What is two plus three?",
    "What is 4 + 5?",
    "What day comes after Monday?",
    "Tell me a short story about a fox.",
    "Use the word bank in a sentence about a river.",
]


def unknown_names() -> set[str]:
    """The names of countries and cities that are there to be unknown (made up, or real but untaught): the
    assistant writes them only in "Sorry, I do not know a country called ..."."""
    names = made_up_names("country") + made_up_names("city") + D.UNTAUGHT_COUNTRIES + D.UNTAUGHT_CITIES
    return {w for n in names for w in n.split()}
