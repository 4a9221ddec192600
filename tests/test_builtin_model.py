"""The shipped model: it loads, it is small, and it answers questions it was never shown."""

import json

import pytest

from explainer.backends.load import load_backend
from explainer.config import BUILTIN_DIR
from explainer.corpus.generator import generate_corpus
from explainer.generation.chat import reply_steps, reply_text
from explainer.model.sampling import SamplingParams, make_generator
from explainer.training.evaluate import heldout_accuracy

from .helpers import RETRAIN, next_token_probs, shipped_tokenizer_kind


@pytest.fixture(scope="module")
def builtin():
    return load_backend("builtin", "cpu")


def test_shipped_files_are_small_and_safe():
    files = {p.name: p.stat().st_size for p in BUILTIN_DIR.iterdir()}
    # the weights, their settings and tokenizer, and what is computed once from them (llm-explainer precompute)
    assert set(files) == {"config.json", "model.safetensors", "tokenizer.json", "analyses.safetensors"}
    assert sum(files.values()) <= 20 * 2**20
    meta = json.loads((BUILTIN_DIR / "config.json").read_text())["meta"]
    assert meta["heldout_accuracy"] >= 0.90


@pytest.mark.parametrize(
    "question, word",
    [
        ("What is the capital of France?", "Paris"),
        ("What sound does a cow make?", "moo"),
        ("What is the opposite of hot?", "cold"),
        ("What is two plus three?", "five"),
    ],
)
def test_greedy_chat_answers(builtin, question, word):
    reply = reply_text(list(reply_steps(builtin, [], question, SamplingParams(temperature=0))))
    assert word in reply.split(" ") or word + "." in reply, reply


@pytest.mark.skipif(shipped_tokenizer_kind() != "bpe", reason=RETRAIN)  # the held-out set now has typed questions
def test_heldout_accuracy_on_a_sample(builtin):
    items = generate_corpus().heldout[::5]  # every fifth item: all topics, a second of work
    result = heldout_accuracy(builtin, items)
    assert result.accuracy >= 0.85, result.by_topic


def test_sampling_varies_but_the_model_does_not(builtin):
    q = "Tell me a short story about a fox."
    warm = SamplingParams(temperature=1.0)
    texts = {reply_text(list(reply_steps(builtin, [], q, warm, _gen(s)))) for s in range(4)}
    assert len(texts) > 1
    assert len(next_token_probs(builtin, q)) == builtin.info.vocab_size


def _gen(seed):
    return make_generator(seed)[0]
