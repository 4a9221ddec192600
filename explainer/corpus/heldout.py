"""The held-out set: questions in phrasings (or fact and phrasing pairs) never trained, typed as students type
them, and questions about things never taught."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from explainer.corpus.relations import Relation, heldout_pairs
from explainer.corpus.typed import BRITISH_SPELLINGS, lower_case_kind, us_spelling, with_typos
from explainer.corpus.unknown import (
    QUESTION_POOLS,
    UNKNOWN_RELATIONS,
    UNTAUGHT,
    known_subject,
    unknown_pools,
    unknown_slots,
)
from explainer.corpus.wording import fill, hash01, with_opener, word_tokens
from explainer.corpus.writer import MAX_DIALOGUE_TOKENS, Writer
from explainer.generation.script import FRAMING, build_script

SMALL_RELATION = 24  # relations with at most this many facts use every held-out phrasing per fact
TYPED_FACTS_PER_RELATION = 16  # facts per relation asked in each typed kind (case, typo, US spelling)
UNKNOWN_ITEMS = dict(country=40, city=15, animal=15, thing=12, word=12, untaught=12, general=50, things=25)  # held out


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


def heldout_items(relations: list[Relation], train_text: str, rng: random.Random) -> list[HeldOutItem]:
    """The held-out set of a corpus whose training text is `train_text`: each fact asked in a phrasing never trained
    and in its (fact, phrasing) pairs never trained, the prompt ending right before the answer word; then the same
    pairs typed as students type them, and the things never taught."""
    trained_answers = set(re.findall(r"^Assistant: (.*)$", train_text, re.MULTILINE))
    helper = Writer(rng, relations)  # writes the optional earlier (training-style) turn
    items = []
    for rel in relations:
        for fact in rel.facts:
            if len(rel.facts) <= SMALL_RELATION:  # few facts: every held-out phrasing, for a steadier measure
                phrasings = [(t, "template") for t in rel.heldout]
            else:
                phrasings = [
                    (rel.heldout[int(hash01("heldout", rel.name, fact["key"]) * len(rel.heldout))], "template")
                ]
            phrasings += [(rel.questions[i], "combination") for i in heldout_pairs(rel, fact)]
            answers = [i for i in rel.probe_answers if fill(rel.answers[i], fact) in trained_answers]
            if not answers:
                continue
            answer = rel.answer_word(fact)
            for template, kind in phrasings:
                question = with_opener(rng, fill(template, fact))
                tail = (
                    build_script([], question)[len(FRAMING) + 1 :] + " " + rel.answer_prefix(rng.choice(answers), fact)
                )
                earlier = [helper.random_training_exchange()] if rng.random() < 0.5 else []
                for turns in (earlier, []):
                    prompt = build_script(turns) + tail
                    words = {t.lower() for t in word_tokens(prompt)}
                    if answer.lower() not in words and len(word_tokens(prompt)) <= MAX_DIALOGUE_TOKENS:
                        items.append(HeldOutItem(prompt, answer, rel.topic, question, kind))
                        break
    return items + _typed_items(relations, trained_answers, helper) + _unknown_items(relations, helper)


def _reply_item(helper: Writer, question: str, answer: str, topic: str, kind: str, replies) -> HeldOutItem:
    """A held-out item whose prompt ends at "Assistant:" (sometimes after an earlier training-style exchange)."""
    earlier = [helper.random_training_exchange()] if helper.rng.random() < 0.3 else []
    if not helper.fits([*earlier, (question, max(replies, key=len))]):
        earlier = []
    return HeldOutItem(build_script(earlier, question), answer, topic, question, kind, tuple(replies))


def _typed_items(relations: list[Relation], trained_answers: set[str], helper: Writer) -> list[HeldOutItem]:
    """The held-out (fact, phrasing) pairs typed as students do: all lower case without punctuation ("case"), with a
    slip in one of the question's own words ("typo"), in American spelling ("us_spelling"). Never trained in any
    form; right when the greedy reply is one of the fact's trained answers."""
    rng, items = helper.rng, []
    for kind in ("case", "typo", "us_spelling"):
        for rel in relations:
            pairs = [(f, i) for f in rel.facts for i in heldout_pairs(rel, f)]
            if kind == "us_spelling":
                pairs = [(f, i) for f, i in pairs if BRITISH_SPELLINGS.search(rel.questions[i])]
            pairs = sorted(pairs, key=lambda p: hash01(kind, rel.name, p[0]["key"], str(p[1])))
            seen: set[str] = set()
            for fact, i in pairs:
                if fact["key"] in seen or len(seen) >= TYPED_FACTS_PER_RELATION:
                    continue
                seen.add(fact["key"])
                template = rel.questions[i]
                if kind == "case":
                    question = lower_case_kind(fill(template, fact))
                elif kind == "typo":
                    question = fill(with_typos(rng, template, 1), fact)
                else:
                    question = us_spelling(fill(template, fact))
                replies = sorted({r + "\n" for t in rel.answers if (r := fill(t, fact)) in trained_answers})
                if replies and question != fill(template, fact):
                    items.append(_reply_item(helper, question, rel.answer_word(fact), rel.topic, kind, replies))
    return items


def _unknown_items(relations: list[Relation], helper: Writer) -> list[HeldOutItem]:
    """Questions about things never taught, all held out: made-up or untaught names asked in trained phrasings,
    something never taught about a known subject, other topics. Right when the greedy reply starts with
    "Sorry, I do not know" or, the same honest answer without the apology, "I do not know"."""
    rng, by_name = helper.rng, {r.name: r for r in relations}
    pools, items = unknown_pools(heldout=True), []
    right = ("Sorry, I do not know", "I do not know")

    def add(question: str) -> None:
        question = lower_case_kind(question) if rng.random() < 0.3 else question
        items.append(_reply_item(helper, question, "Sorry", "unknown", "unknown", right))

    items.append(_reply_item(helper, "What is the capital of Zubrowka?", "Sorry", "unknown", "unknown", right))
    for kind, n in UNKNOWN_ITEMS.items():
        if kind == "untaught":
            for slot, templates in UNTAUGHT[True].items():
                for template in sorted(templates, key=lambda t: hash01("item", t))[:n]:
                    add(fill(template, known_subject(rng, slot)))
            continue
        # set(): a pool of general questions can hold one twice (GENERAL_QUESTIONS and GENERAL_FRAMES)
        for name in sorted(set(pools[kind]), key=lambda x: hash01("item", kind, x))[:n]:
            if kind in QUESTION_POOLS:
                add(name)
                continue
            rel = by_name[rng.choice(UNKNOWN_RELATIONS[kind])]
            add(fill(rng.choice(rel.questions), unknown_slots(kind, name)))
    return items
