"""Tests of the built-in assistant-script corpus (explainer/corpus/generator.py)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from explainer.corpus import data as corpus_data
from explainer.corpus.generator import (
    AMBIGUOUS_SENSES,
    AMBIGUOUS_WORDS,
    COUNTRIES,
    DEMO_QUESTIONS,
    MAX_DIALOGUE_TOKENS,
    QUESTION_PREFIXES,
    WORD_GROUPS,
    Corpus,
    builtin_corpus,
    generate_corpus,
    unknown_names,
)
from explainer.generation.script import FRAMING, build_script
from explainer.training.text import load_user_text

TOKEN_RE = re.compile(r"\n|[A-Za-z0-9]+(?:'[A-Za-z]+)?|[^\sA-Za-z0-9]")
NO_SPACE_BEFORE = set(".,?!:;")


def tokenize(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


def detokenize(tokens: list[str]) -> str:
    """Join with single spaces, except no space before . , ? ! : ; and none around newlines."""
    out = ""
    for i, tok in enumerate(tokens):
        if i > 0 and tok != "\n" and tokens[i - 1] != "\n" and tok not in NO_SPACE_BEFORE:
            out += " "
        out += tok
    return out


def assert_canonical(text: str) -> None:
    assert re.fullmatch(r"[A-Za-z0-9 \n.,?!:+=']*", text), sorted(set(re.sub(r"[A-Za-z0-9 \n.,?!:+=']", "", text)))
    rebuilt = detokenize(tokenize(text))
    if rebuilt != text:
        i = next((i for i, (a, b) in enumerate(zip(rebuilt, text)) if a != b), min(len(rebuilt), len(text)))
        raise AssertionError(f"not canonical near: {text[max(0, i - 60) : i + 60]!r}")


def words(text: str) -> Counter:
    return Counter(t for t in tokenize(text) if t != "\n")


def assistant_text(text: str) -> str:
    """The assistant's lines (always clean; the user's lines are typed with noise on purpose)."""
    return "\n".join(re.findall(r"^Assistant: .*$", text, re.MULTILINE)) + "\n"


def contains_words(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text` as whole words ("low opposite" is not in "shallow opposite")."""
    if phrase not in text:  # fast path
        return False
    return bool(re.search(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", text))


def strip_opener(question: str) -> str:
    for opener in QUESTION_PREFIXES:
        if question.startswith(opener + " "):
            return question[len(opener) + 1 :]
    return question


@pytest.fixture(scope="module")
def corpus() -> Corpus:
    return builtin_corpus()


@pytest.fixture(scope="module")
def vocab(corpus: Corpus) -> Counter:
    """Words of the assistant's lines, less the names that are there to be unknown."""
    unknown = unknown_names()
    return Counter({w: n for w, n in words(assistant_text(corpus.train_text)).items() if w not in unknown})


# ----------------------------------------------------------------------------- format
def test_build_script_format():
    turns = [("What is the capital of France?", "The capital of France is Paris.")]
    assert build_script(turns) == (
        f"{FRAMING}\nUser: What is the capital of France?\nAssistant: The capital of France is Paris.\n"
    )
    assert build_script(turns, "And what language do people speak there?") == (
        f"{FRAMING}\nUser: What is the capital of France?\nAssistant: The capital of France is Paris.\n"
        "User: And what language do people speak there?\nAssistant:"
    )
    assert build_script([], "Hi!", framing="Chat.") == "Chat.\nUser: Hi!\nAssistant:"
    assert 8 <= len(FRAMING.split()) <= 14


def test_dialogues_are_scripts_separated_by_blank_lines(corpus: Corpus):
    for text in (corpus.train_text, corpus.valid_text):
        assert text.endswith("\n") and not text.endswith("\n\n")
        dialogues = text.split("\n\n")
        assert len(dialogues) > 100
        for d in dialogues:
            lines = d.rstrip("\n").split("\n")
            assert lines[0] == FRAMING
            assert len(lines) % 2 == 1 and len(lines) >= 3
            for user, assistant in zip(lines[1::2], lines[2::2]):
                assert user.startswith("User: ") and assistant.startswith("Assistant: ")
            assert len(tokenize(d + "\n")) <= MAX_DIALOGUE_TOKENS


def test_text_is_canonical(corpus: Corpus):
    """The assistant always writes canonical text; the user's lines are plain ASCII with single spaces
    (they are typed with noise on purpose: "what is 2+3", "captial of france")."""
    for text in (corpus.train_text, corpus.valid_text):
        assert_canonical(assistant_text(text))
        users = re.findall(r"^User: (.*)$", text, re.MULTILINE)
        assert all(re.fullmatch(r"[A-Za-z0-9.,?!:+=' ]+", u) and "  " not in u and u == u.strip() for u in users)
    for item in corpus.heldout:
        if not item.replies:  # the held-out question and the answer (an earlier exchange may be typed freely)
            assert_canonical(
                item.prompt.split("\n", 1)[0] + "\n" + assistant_text(item.prompt + " " + item.answer + ".")
            )
            assert_canonical("\n".join(item.prompt.split("\n")[-2:]) + " " + item.answer + ".")
    for s1, s2 in AMBIGUOUS_WORDS.values():
        for sentence in s1 + s2:
            assert_canonical(sentence)
    for q in DEMO_QUESTIONS:
        assert_canonical(q)


def test_canonical_check_catches_bad_text():
    for bad in ("Hello  there.", "Hi ,there.", "Tom's dogs' toys.", "A well-known fact.", "Hi!\nThere ", '"Hi"'):
        with pytest.raises(AssertionError):
            assert_canonical(bad)


# ----------------------------------------------------------------------------- size and vocabulary
def test_size_and_vocabulary(corpus: Corpus, vocab: Counter):
    assert len(corpus.train_text.encode()) >= 1_000_000
    assert 0.03 <= len(corpus.valid_text) / len(corpus.train_text) <= 0.08
    assert 1500 <= len(vocab) <= 4000
    # Few one-off words in the assistant's text: nearly every word is seen at least 3 times.
    rare = [w for w, n in vocab.items() if n < 3]
    assert len(rare) <= len(vocab) // 100, f"words seen fewer than 3 times: {rare}"


def test_deterministic_per_seed():
    a = generate_corpus(seed=3, size_bytes=100_000)
    b = generate_corpus(seed=3, size_bytes=100_000)
    c = generate_corpus(seed=4, size_bytes=100_000)
    assert a == b
    assert a.train_text != c.train_text and a.valid_text != c.valid_text


def test_fact_tables_and_word_groups(corpus: Corpus, vocab: Counter):
    assert len(COUNTRIES) >= 60
    assert len({c.name for c in COUNTRIES}) == len(COUNTRIES)
    for c in COUNTRIES:
        for value in (c.name, c.capital, c.language):
            assert len(tokenize(value)) == 1, value
        assert f"The capital of {c.name} is {c.capital}." in corpus.train_text
    for group, members in WORD_GROUPS.items():
        missing = [w for w in members if w not in vocab]
        assert not missing, (group, missing)
    assert len(corpus_data.ANIMALS) >= 25 and len(corpus_data.OPPOSITES) >= 50 and len(corpus_data.PLURALS) >= 50


def test_demo_questions_are_trained(corpus: Corpus):
    assert "User: What is the capital of France?\nAssistant: The capital of France is Paris.\n" in corpus.train_text
    for q in DEMO_QUESTIONS:
        assert f"User: {q}\n" in corpus.train_text, q


def test_ambiguous_words(corpus: Corpus, vocab: Counter):
    assert len(AMBIGUOUS_WORDS) >= 8
    for word, (sense1, sense2) in AMBIGUOUS_WORDS.items():
        assert len(sense1) >= 5 and len(sense2) >= 5
        for sentence in sense1 + sense2:
            assert word in [t.lower() for t in tokenize(sentence)], (word, sentence)
        assert vocab[word] >= 20
        assert f"{word} means {AMBIGUOUS_SENSES[word][0]}." in corpus.train_text
        assert f"{word} means {AMBIGUOUS_SENSES[word][1]}." in corpus.train_text
    assert "Use the word bank in a sentence about a river." in corpus.train_text


def test_stories_and_small_talk(corpus: Corpus):
    text = corpus.train_text
    assert text.count("Assistant: Once upon a time") > 300
    assert "User: Tell me a short story about a fox.\nAssistant: Once upon a time" in text
    assert "Assistant: I am a small language model." in text
    assert "User: Thank you!\n" in text and "User: Hello!\n" in text


# ----------------------------------------------------------------------------- held-out set
def test_heldout_items_are_well_formed(corpus: Corpus, vocab: Counter):
    items = corpus.heldout
    assert len(items) >= 1000
    topics = Counter(i.topic for i in items)
    expected = {"capital", "capital_to_country", "continent", "language", "animal_sound", "opposite", "plural"}
    assert expected | {"colour", "sum", "sum_digits", "day_order", "month_order"} <= set(topics)
    assert all(n >= 20 for n in topics.values()), topics
    assert {i.kind for i in items} == {"template", "combination", "case", "typo", "us_spelling", "unknown"}
    for item in items:
        if item.replies:  # the typed kinds and the unknown topic: checked in test_corpus_typed.py
            continue
        assert item.prompt.startswith(FRAMING + "\n")
        assert not item.prompt.endswith((" ", "\n"))
        last = item.prompt.rsplit("\n", 1)[1]
        assert last.startswith("Assistant: ") and len(last) > len("Assistant: ")
        assert f"\nUser: {item.question}\n{last}" in item.prompt
        assert len(tokenize(item.answer)) == 1 and item.answer in vocab
        assert item.answer.lower() not in {t.lower() for t in tokenize(item.prompt)}, item
        assert len(tokenize(item.prompt)) + 2 <= MAX_DIALOGUE_TOKENS


def test_heldout_questions_never_in_training(corpus: Corpus):
    # Each distinct line once (a question never spans two lines): a third of the text to search, the same answer.
    train, valid = ("\n".join(dict.fromkeys(t.lower().split("\n"))) for t in (corpus.train_text, corpus.valid_text))
    for item in corpus.heldout:
        core = strip_opener(item.question).lower()
        assert "\n" not in core and not contains_words(train, core) and not contains_words(valid, core), item.question


def test_heldout_answer_prefixes_are_trained(corpus: Corpus):
    """Only the question is new: the answer sentence for that fact occurs in training."""
    for item in corpus.heldout:
        if item.replies:
            continue
        last = item.prompt.rsplit("\n", 1)[1]
        assert f"\n{last} {item.answer}" in corpus.train_text, item


def test_question_templates_do_not_contain_each_other():
    """Otherwise a held-out question could be a substring of a trained one (compared for every fact, in lower
    case without the final punctuation, as students type them)."""
    from explainer.corpus.relations import all_relations
    from explainer.corpus.wording import fill

    bare = lambda t: t.lower().rstrip(".?!")  # noqa: E731
    for rel in all_relations():
        for fact in rel.facts:
            trained = [bare(fill(q, fact)) for q in rel.questions]
            for h in rel.heldout:
                asked = bare(fill(h, fact))
                assert not any(asked in q for q in trained), (rel.name, h, fact["key"])


# ----------------------------------------------------------------------------- user text
def test_load_user_text_accepts_text():
    text = "Once upon a time there was a fox.\r\n" * 20
    assert load_user_text(text.encode(), min_chars=100) == text.replace("\r\n", "\n")
    assert load_user_text("\ufeffcaf\u00e9 ".encode() * 50, min_chars=100).startswith("caf\u00e9")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"abc\x00def" * 100, "binary"),
        (b"\xff\xfe\xfa" + b"a" * 1000, "UTF-8"),
        (b"too short", "too short"),
        (b"a" * 2001, "too large"),
    ],
)
def test_load_user_text_rejects(data: bytes, message: str):
    with pytest.raises(ValueError, match=message) as info:
        load_user_text(data, min_chars=100, max_bytes=2000)
    assert "\n" not in str(info.value)
    if message == "too large":
        assert "2,000" in str(info.value)
