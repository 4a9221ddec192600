"""The corpus copes with what students type: noise in user messages, things never taught, held-out sentences
for the sense probe (explainer/corpus/). The shipped model's side is in test_builtin_abilities.py."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from explainer.corpus import data as D
from explainer.corpus import generator as C
from explainer.corpus import typed
from explainer.corpus.generator import builtin_corpus
from explainer.corpus.unknown import unknown_pools


@pytest.fixture(scope="module")
def corpus() -> C.Corpus:
    return builtin_corpus()


def contains_words(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text` as whole words ("low opposite" is not in "shallow opposite")."""
    return phrase in text and bool(re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text))


def user_lines(text: str) -> list[str]:
    return re.findall(r"^User: (.*)$", text, re.MULTILINE)


# ----------------------------------------------------------------------------- noise
def test_typo_changes_one_word_and_keeps_its_first_letter():
    rng = random.Random(0)
    for word in ["capital", "language", "opposite", "Germany", "What", "colour", "elephant"] * 20:
        typo = typed.typo(rng, word)
        assert typo != word and typo.lower() != word.lower()
        assert typo[0] == word[0] or word.lower() in D.COMMON_TYPOS
    text = "What is the capital of France?"
    for seed in range(30):
        noisy = typed.with_typos(random.Random(seed), text, 1)
        changed = [(a, b) for a, b in zip(text.split(), noisy.split()) if a != b]
        assert len(noisy.split()) == len(text.split()) and len(changed) == 1, noisy


def test_us_spelling_keeps_case():
    assert typed.us_spelling("What colour is grey? Colour!") == "What color is gray? Color!"
    assert typed.us_spelling("Your favourite colours?") == "Your favorite colors?"


def test_training_questions_are_typed_in_many_ways(corpus: C.Corpus):
    users = user_lines(corpus.train_text)
    n = len(users)
    lower = sum(u == u.lower() and any(c.isalpha() for c in u) for u in users)
    bare = sum(not u.endswith((".", "?", "!")) for u in users)
    us = sum(bool(re.search(r"\b(color|favorite|gray)\b", u, re.IGNORECASE)) for u in users)
    typos = sum(bool(re.search(r"\b(captial|langauge|teh|wich|oposite|contry)\b", u, re.IGNORECASE)) for u in users)
    assert 0.10 <= lower / n <= 0.35 and 0.15 <= bare / n <= 0.40, (lower / n, bare / n)
    assert us > 200 and typos > 30
    assert re.search(r"^User: .*\d\+\d", corpus.train_text, re.MULTILINE)  # "2+3"
    assert re.search(r"^User: (what is|What is) \d+ plus [a-z]+", corpus.train_text, re.MULTILINE)  # digits and words
    assert "\nuser: capital of " in corpus.train_text.lower()  # fragments
    # ... but the assistant's replies are never noisy: every reply to a capital question is a trained answer
    replies = re.findall(r"^Assistant: (The capital of \w+ is \w+\.)$", corpus.train_text, re.MULTILINE)
    good = {f"The capital of {c.name} is {c.capital}." for c in D.COUNTRIES}
    assert replies and set(replies) <= good


def test_small_talk_covers_greetings_and_who_are_you(corpus: C.Corpus):
    text = corpus.train_text
    for q in ("Hello", "Hi", "Who are you", "What's your name", "How are you", "Bonjour"):
        assert re.search(rf"^User: {q}[?!]?$", text, re.MULTILINE | re.IGNORECASE), q
    assert re.search(r"^User: (hi|hello|hey)\b", text, re.MULTILINE)  # typed in lower case too


# ----------------------------------------------------------------------------- things never taught
def test_unknown_names_split_into_training_and_held_out(corpus: C.Corpus):
    train, held = unknown_pools(heldout=False), unknown_pools(heldout=True)
    for kind in train:
        assert train[kind] and held[kind], kind
        assert not set(train[kind]) & set(held[kind]), kind
    known = {c.name for c in D.COUNTRIES} | {c.capital for c in D.COUNTRIES}
    assert not known & (set(train["country"]) | set(held["country"]) | set(train["city"]) | set(held["city"]))
    assert "Zubrowka" in held["country"] and "Zubrowka" not in corpus.train_text
    text = corpus.train_text
    assert text.count("Assistant: Sorry, I do not know a country called ") > 200
    assert text.count("Assistant: Sorry, I do not know that one.") > 500
    for q in held["general"]:
        assert q not in text, q
    asked = {u.lower().rstrip(".?!") for u in user_lines(text)}
    assert sum(q.lower().rstrip("?") in asked for q in train["general"]) >= len(train["general"]) // 2


def test_unknown_replies_never_name_a_known_country(corpus: C.Corpus):
    named = re.findall(r"^Assistant: Sorry, I do not know a country called (\w+)\.$", corpus.train_text, re.MULTILINE)
    assert named and not set(named) & {c.name for c in D.COUNTRIES}


# ----------------------------------------------------------------------------- the held-out set
def test_held_out_typed_and_unknown_items(corpus: C.Corpus):
    items = [i for i in corpus.heldout if i.replies]
    kinds = Counter(i.kind for i in items)
    assert kinds["case"] >= 200 and kinds["typo"] >= 200 and kinds["us_spelling"] >= 10 and kinds["unknown"] >= 150
    topics = {i.topic for i in corpus.heldout}
    assert "unknown" in topics
    train = corpus.train_text.lower()
    answers = set(re.findall(r"^Assistant: (.*)$", corpus.train_text, re.MULTILINE))
    for item in items:
        assert item.prompt.endswith(f"\nUser: {item.question}\nAssistant:")
        assert not contains_words(train, item.question.lower()), item  # never trained, however it is typed
        if item.kind == "unknown":
            assert item.topic == "unknown" and item.replies == ("Sorry, I do not know", "I do not know")
        else:
            assert all(r.endswith("\n") and r[:-1] in answers for r in item.replies), item
            assert any(item.answer in r for r in item.replies)
        if item.kind == "case":
            assert item.question == item.question.lower() and not item.question.endswith(("?", "."))
        if item.kind == "us_spelling":
            assert re.search(r"\b(color|favorite)\b", item.question, re.IGNORECASE)
    assert any(i.question == "What is the capital of Zubrowka?" for i in items)
    unknown = [i.question.lower().rstrip("?.") for i in items if i.kind == "unknown"]
    assert len(unknown) == len(set(unknown))  # each asked once, so that a hard question does not count twice


# ----------------------------------------------------------------------------- the sense probe's sentences
def test_probe_sentences_are_held_out_and_use_the_word_in_lower_case(corpus: C.Corpus):
    assert set(C.PROBE_SENTENCES) == set(C.AMBIGUOUS_WORDS)
    for word, senses in C.PROBE_SENTENCES.items():
        assert len(senses) == 2
        for sentences in senses:
            assert len(sentences) == C.PROBE_PER_SENSE == len(set(sentences))
            for s in sentences:
                assert s not in corpus.train_text and s not in corpus.valid_text, s
                assert re.search(rf" {word}\b", s), s


def test_ambiguous_words_have_many_contexts(corpus: C.Corpus):
    text = corpus.train_text
    for word, (sense1, sense2) in D.AMBIGUOUS.items():
        assert len(sense1[3]) >= 10 and len(sense2[3]) >= 10, word
        assert len(re.findall(rf"\b{word}\b", text, re.IGNORECASE)) >= 250, word
