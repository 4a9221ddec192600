"""The shipped model copes with what students type (issue 13): sub-word tokens, held-out accuracy in every
topic, an honest "I do not know", "bank" that splits by sense, and a second seed that answers alike."""

from __future__ import annotations

import json
import re

import pytest
import torch
from safetensors.torch import load_file

from explainer.analysis.sense_probe import probe_table
from explainer.backends.load import load_backend
from explainer.config import ASSETS, BUILTIN_DIR
from explainer.corpus.generator import PROBE_SENTENCES, builtin_corpus
from explainer.generation.chat import reply_steps, reply_text
from explainer.model.sampling import SamplingParams
from explainer.training.builtin import corpus_words, whole_word_check
from explainer.training.evaluate import free_replies_right, heldout_accuracy

from .helpers import RETRAIN, shipped_tokenizer_kind

TWIN_DIR = ASSETS / "builtin-twin"
MAX_BYTES = 20 * 2**20
# Issue 13's goals, all met by the shipped model: 97 % in every topic ("unknown": 98.6 %, 206 of 209; the lowest,
# "animal_young": 97.6 %), 95 % for every way of typing (typos: 96.5 %), the probe at 90 % for "bank" (0.90, 36 of 40
# sentences) and for 9 of 12 words (10). Floors are what it measures, so that a retrained model cannot fall back.
TOPIC_GOAL, TOPIC_FLOOR = 0.97, {}
KIND_GOAL, KIND_FLOOR = 0.95, {}
BANK_FLOOR, WORDS_AT_90 = 0.9, 10  # bank 0.90; 10 of 12 words at 90 % or more (spring 0.825, match 0.85 below)
pytestmark = pytest.mark.skipif(shipped_tokenizer_kind() != "bpe", reason=RETRAIN)


@pytest.fixture(scope="module")
def builtin():
    return load_backend("builtin", "cpu")


@pytest.fixture(scope="module")
def corpus():
    return builtin_corpus()


@pytest.fixture(scope="module")
def result(builtin, corpus):
    return heldout_accuracy(builtin, corpus.heldout)


def say(backend, question: str) -> str:
    return reply_text(list(reply_steps(backend, [], question, SamplingParams(temperature=0))))


# ----------------------------------------------------------------------------- tokens
def test_sub_word_tokens_and_whole_corpus_words(builtin, corpus):
    tok = builtin.tokenizer
    assert tok.kind == "bpe" and tok.unk_id is None
    whole, split = whole_word_check(tok, corpus_words(corpus.train_text))
    assert whole >= 1500 and len(split) <= whole // 500, split  # the corpus's words stay whole tokens
    for word in ("France", "Paris", "capital", "bank", "river", "money", "colour", "Monday", "elephant"):
        assert len(tok.encode(" " + word)) == 1, word


@pytest.mark.parametrize(
    "text",
    [
        "what is the captial of germny",  # typos
        "WHAT IS THE CAPITAL OF FRANCE",  # case
        "What color is the sky? 🌍🙂",  # US spelling, emoji
        "北京是中国的首都。",  # Chinese
        "ما هي عاصمة مصر؟",  # Arabic
        "Ça va? Größe, naïve café",  # accents
        "\t tabs  and\r\nnew lines ",
    ],
)
def test_nothing_is_unknown(builtin, text):
    tokens = builtin.tokenize(text)
    assert tokens and not any(t.unknown for t in tokens)
    assert builtin.decode([t.id for t in tokens]) == text


# ----------------------------------------------------------------------------- answers
def test_heldout_accuracy_in_every_topic(result):
    """Measured by evaluation (not read from the checkpoint's metadata)."""
    low = {t: a for t, (a, _) in result.by_topic.items() if a < TOPIC_FLOOR.get(t, TOPIC_GOAL)}
    assert not low, (low, result.misses[:10])
    assert {"unknown", "day_order", "month_order", "opposite", "sum", "number_digit"} <= set(result.by_topic)


def test_heldout_accuracy_for_each_way_of_typing(result):
    assert set(result.by_kind) == {"template", "combination", "case", "typo", "us_spelling", "unknown"}
    low = {k: a for k, (a, _) in result.by_kind.items() if a < KIND_FLOOR.get(k, KIND_GOAL)}
    assert not low, low


def test_new_wordings_answered_in_its_own_words_about_three_in_four(builtin, corpus):
    """The chat page's note says so: asked in a wording it never read, with no start of the reply given, the model
    writes the right answer about three times in four (greedy; 78 % of 401 such questions, 2026-12-05). A model
    far off that figure needs the note (explainer/ui/chat.py) changed with it."""
    items = [i for i in corpus.heldout if i.kind == "template"][::8]
    right = sum(free_replies_right(builtin, items)) / len(items)
    assert 0.65 <= right <= 0.87, right


@pytest.mark.parametrize(
    "question, words",
    [
        ("What color is the sky?", ["blue"]),
        ("What color is grass?", ["green"]),
        ("what is the capital of germany", ["Berlin"]),
        ("capital of canada", ["Ottawa"]),
        ("What is the captial of France?", ["Paris"]),
        ("What colour is an elephant?", ["grey"]),
        ("whats 2+3", ["5"]),
        ("hi", ["Hello", "Hi"]),
        ("who are you", ["language", "model", "assistant"]),
    ],
)
def test_what_students_type(builtin, question, words):
    reply = say(builtin, question)
    assert any(re.search(rf"\b{w}\b", reply) for w in words), reply


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of Zubrowka?",  # a made-up country (never in training)
        "what is the capital of zubrowka",
        "Who wrote Romeo and Juliet?",  # another topic
        "What is the population of France?",  # something never taught about a country it knows
    ],
)
def test_says_it_does_not_know(builtin, question):
    assert say(builtin, question).startswith("Sorry, I do not know"), question


# ----------------------------------------------------------------------------- meaning in context
def test_sense_probe_separates_bank_and_most_words(builtin):
    table = probe_table(builtin, PROBE_SENTENCES)
    assert len(table) == 12
    for word, acc in table.items():
        assert acc[0] == 0.5, (word, acc)  # the token embedding is the same in every sentence: chance
    last = {w: float(acc[-1]) for w, acc in table.items()}
    assert last["bank"] >= BANK_FLOOR, last
    assert sum(a >= 0.9 for a in last.values()) >= WORDS_AT_90, last


# ----------------------------------------------------------------------------- size and the second seed
@pytest.mark.parametrize("folder", [BUILTIN_DIR, TWIN_DIR])
def test_weights_are_small(folder):
    assert (folder / "model.safetensors").stat().st_size <= MAX_BYTES
    meta = json.loads((folder / "config.json").read_text())["meta"]
    assert meta["tokenizer"]["kind"] == "bpe"


def test_two_seeds_answer_alike_but_differ_inside(builtin, corpus):
    other = load_backend(str(TWIN_DIR), "cpu")
    seeds = [json.loads((f / "config.json").read_text())["meta"]["seed"] for f in (BUILTIN_DIR, TWIN_DIR)]
    assert seeds == [3, 4]  # the shipped pair: seed 3 on one GPU, its twin seed 4 on 2 CPU cores (README)
    assert (BUILTIN_DIR / "tokenizer.json").read_text() == (TWIN_DIR / "tokenizer.json").read_text()
    a, b = (load_file(f / "model.safetensors") for f in (BUILTIN_DIR, TWIN_DIR))
    assert a.keys() == b.keys() and all(a[k].shape == b[k].shape for k in a)
    emb_a, emb_b = a["tok_emb.weight"], b["tok_emb.weight"]
    cos = torch.nn.functional.cosine_similarity(emb_a, emb_b, dim=-1)  # the same token's vector in the two models
    assert cos.abs().mean() < 0.2, cos.abs().mean()
    items = [i for i in corpus.heldout if not i.replies][::3]
    by_length: dict[int, list[list[int]]] = {}  # a batch is token lists of one length
    for it in items:
        ids = builtin.encode(it.prompt)
        by_length.setdefault(len(ids), []).append(ids)
    agree = sum(
        int((builtin.next_token_logits_batch(rows).argmax(-1) == other.next_token_logits_batch(rows).argmax(-1)).sum())
        for rows in by_length.values()
    )
    assert agree / len(items) >= 0.95, agree / len(items)
