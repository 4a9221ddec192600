"""The dialogue writer: training-style chats (facts, stories, ambiguous words, small talk, things never taught)
from one random stream."""

from __future__ import annotations

import random
import re

from explainer.corpus import data as D
from explainer.corpus.data import AMBIGUOUS, NUMBER_WORDS
from explainer.corpus.relations import Relation, heldout_pairs
from explainer.corpus.typed import NOISE, noisy, typo, with_typos
from explainer.corpus.unknown import (
    QUESTION_POOLS,
    UNKNOWN_RELATIONS,
    UNTAUGHT,
    known_subject,
    reply_about_unknown,
    unknown_pools,
    unknown_slots,
)
from explainer.corpus.wording import LazySlots, cap, expand, fill, with_article, with_opener, word_tokens
from explainer.generation.script import build_script

MAX_DIALOGUE_TOKENS = 110  # every dialogue (framing included) fits a 128-token context
DIALOGUE_WEIGHTS = (48, 11, 26, 8, 20)  # facts, story, ambiguous words, small talk, things never taught
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


class Writer:
    """Writes training-style dialogues from one random stream."""

    def __init__(self, rng: random.Random, relations: list[Relation]):
        self.rng = rng
        self.relations = relations
        self.unknown = unknown_pools(heldout=False)
        self.decks: dict[str, list] = {}
        self.fact_ids = [(ri, fi) for ri, r in enumerate(relations) for fi in range(len(r.facts))]
        self.allowed = {  # training phrasings per fact; the canonical one [0] is dealt twice as often
            (r.name, f["key"]): [0] + [i for i in range(len(r.questions)) if i not in heldout_pairs(r, f)]
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
            template = with_typos(rng, template, 2 if rng.random() < NOISE["second_typo"] else 1)
        if rng.random() < NOISE["name_typo"]:
            keys = re.findall(r"\{(\w+)\}", template)
            if used := [k for k in keys if k in slots and re.fullmatch(r"[A-Za-z]{4,}", slots[k])]:
                key = rng.choice(used)
                template = template.replace("{" + key + "}", typo(rng, slots[key]))
        return fill(template, slots)

    def deal(self, key: str, items: list):
        """Draw from a shuffled deck of the items (refilled when empty), so every item is used about equally."""
        deck = self.decks.get(key)
        if not deck:
            deck = self.decks[key] = list(items)
            self.rng.shuffle(deck)
        return deck.pop()

    # -- facts
    def _draw_fact(self) -> tuple[Relation, dict[str, str], tuple[int, int]]:
        """The next fact of a shuffled pass over all facts, so that every fact is asked about equally often."""
        ri, fi = ids = self.deal("facts", self.fact_ids)
        return self.relations[ri], self.relations[ri].facts[fi], ids

    def _answer(self, rel: Relation, fact: dict[str, str]) -> str:
        weighted = [i for i, w in enumerate(rel.weights) for _ in range(w)]
        ai = self.deal(f"answer|{rel.name}|{fact['key']}", weighted)
        return fill(rel.answers[ai], fact)

    def fact_exchange(self, rel: Relation, fact: dict[str, str]) -> tuple[str, str]:
        rng = self.rng
        qi = self.deal(f"question|{rel.name}|{fact['key']}", self.allowed[rel.name, fact["key"]])
        asked = fact
        if rel.name == "sum" and rng.random() < NOISE["sum_mixed"]:  # "What is 2 plus three?"
            digits = {k: str(NUMBER_WORDS.index(fact[k])) for k in ("a", "b") if rng.random() < 0.7}
            asked = {**fact, **(digits or {"a": str(NUMBER_WORDS.index(fact["a"]))})}
        question = self.ask(rel.questions[qi], asked)
        if rel.name == "sum_digits" and rng.random() < NOISE["tight_plus"]:  # "What is 2+3?"
            question = re.sub(r"(\d) \+ (\d)", r"\1+\2", question)
        return with_opener(rng, question), self._answer(rel, fact)

    def _followup(self, rel: Relation, fact: dict[str, str], prev_text: str):
        """A follow-up to the exchange (rel, fact): another relation on the same subject, or the same relation."""
        options = []
        for r in self.relations:
            if not r.followups:
                continue
            if r.subject and r.subject in fact and r is not rel:
                f = self.by_subject.get((r.name, fact[r.subject]))
                if f is not None and r.answer_word(f) not in word_tokens(prev_text):
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
    def fits(self, turns: list[tuple[str, str]]) -> bool:
        return len(word_tokens(build_script(turns))) <= MAX_DIALOGUE_TOKENS

    def _add(self, turns: list[tuple[str, str]], turn: tuple[str, str]) -> bool:
        if self.fits([*turns, turn]):
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
        return dict(N=name, he=he, his=his, him=him, He=cap(he), His=cap(his))

    def ambiguous_sentence(self, word: str, sense: int, hero: dict[str, str] | None = None, in_story=False) -> str:
        """A sentence using the word in one sense; in a story, one about the hero or a plain description."""
        templates = [t for t in AMBIGUOUS[word][sense][3] if not in_story or "{N}" in t or t.startswith(("The ", "A "))]
        template = expand(self.deal(f"ambiguous-{word}-{sense}-{in_story}", templates), self.rng)
        return fill(template, hero or self._character())

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
        slots = LazySlots(
            dict(hero, c=creature, a_c=with_article(creature), adj=adj, a_adj_c=with_article(f"{adj} {creature}")),
            c2=friend_creature,
            a_c2=lambda: with_article(slots["c2"]),
            adj2=lambda: deal("traits", D.TRAITS),
            a_adj2_c2=lambda: with_article(f"{slots['adj2']} {slots['c2']}"),
            he2=lambda: friend["he"],
            his2=lambda: friend["his"],
            him2=lambda: friend["him"],
            obj=lambda: deal("objects", D.OBJECTS),
            a_objadj_obj=lambda: with_article(f"{deal('objadj', D.OBJECT_ADJ)} {slots['obj']}"),
            place=lambda: deal("places", D.PLACES),
            a_padj_place=lambda: with_article(f"{deal('padj', D.PLACE_ADJ)} {slots['place']}"),
            place2=lambda: deal("places2", [p for p in D.PLACES if p != slots["place"]]),
            landmark=lambda: deal("landmarks", D.LANDMARKS),
            a_landmark=lambda: with_article(slots["landmark"]),
            home=lambda: deal("homes", D.HOMES),
            family=lambda: deal("family", D.FAMILY),
            food=lambda: deal("foods", D.FOODS),
            dish=lambda: deal("dishes", D.DISHES),
            a_dish=lambda: with_article(slots["dish"]),
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
            return fill(t, slots)

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
            parts.append((fill(deal("morals", D.STORY_MORALS), slots), True))

        request = request or self.ask(rng.choice(D.STORY_REQUESTS), slots)
        turns = [self.small_talk("greet")] if rng.random() < 0.1 else []
        story = " ".join(s for s, _ in parts)
        while len(parts) > 6 or not self.fits([*turns, (request, story)]):
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
            self._add(turns, (self.ask(q, slots), fill(a, slots)))
        elif rng.random() < 0.1:
            self._add(turns, self.small_talk("thanks"))
        return turns

    def ambiguous_dialogue(self) -> list[tuple[str, str]]:
        rng = self.rng
        word, sense = self.deal("ambiguous", [(w, s) for w in AMBIGUOUS for s in (0, 1)])
        senses = AMBIGUOUS[word]
        _, desc, topic, _ = senses[sense]
        slots = dict(w=word, W=cap(word), d=desc, t=topic, d1=senses[0][1], d2=senses[1][1])
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
            turns.append((self.ask(q, slots), fill(a, slots)))
        elif r < 0.85:
            q = self.ask(rng.choice(D.AMBIG_TWO_SENTENCES), slots)
            turns.append((q, f"{self.ambiguous_sentence(word, 0)} {self.ambiguous_sentence(word, 1)}"))
        else:
            q, a = rng.choice(D.AMBIG_TWO_MEANINGS)
            turns.append((self.ask(q, slots), fill(a, slots)))
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
            slot = self.deal("untaught-slot", list(UNTAUGHT[False]))
            template = self.deal(f"untaught-{slot}", UNTAUGHT[False][slot])
            return self.ask(template, known_subject(rng, slot)), self.unknown_reply()
        if kind in QUESTION_POOLS:
            return self.ask(self.deal(kind, pools[kind])), self.unknown_reply()
        name = self.deal(f"unknown-{kind}", pools[kind])
        rel = by_name[rng.choice(UNKNOWN_RELATIONS[kind])]
        question = self.ask(rng.choice(rel.questions), unknown_slots(kind, name))
        return question, reply_about_unknown(kind, name, self.unknown_reply())

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
        """One training dialogue; the user's messages typed as a student might (see noisy)."""
        kinds = ("facts", "story", "ambiguous", "small_talk", "unknown")
        kind = self.rng.choices(kinds, weights=DIALOGUE_WEIGHTS)[0]
        return [(noisy(self.rng, user), reply) for user, reply in getattr(self, f"{kind}_dialogue")()]

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
                        (r, f) for r in self.relations for f in r.facts if fill(r.questions[0], f) == question
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
