"""The shipped model: it loads, it is small, and it answers questions it was never shown."""

import json

import pytest

from explainer.backends.load import load_backend
from explainer.config import BUILTIN_DIR
from explainer.corpus.generator import builtin_corpus
from explainer.generation.chat import reply_steps, reply_text
from explainer.model.sampling import SamplingParams, make_generator
from explainer.training.evaluate import answer_token, heldout_accuracy

from .helpers import RETRAIN, next_token_probs, shipped_tokenizer_kind


@pytest.fixture(scope="module")
def builtin():
    return load_backend("builtin", "cpu")


@pytest.fixture(scope="module")
def heldout():
    return builtin_corpus().heldout


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
def test_heldout_accuracy_on_a_sample(builtin, heldout):
    items = heldout[::5]  # every fifth item: all topics, a second of work
    result = heldout_accuracy(builtin, items)
    assert result.accuracy >= 0.85, result.by_topic


def test_heldout_items_read_together_give_what_one_at_a_time_gives(builtin, heldout):
    """The evaluation reads items of one length in one batch: each item's verdict is the one its own forward pass
    gives (the answer's token is the top-1; a reply is written token by token by greedy decoding)."""
    items = heldout[::60]
    assert any(it.replies for it in items) and any(not it.replies for it in items)
    alone = []
    for it in items:
        if it.replies:
            alone.append(any(greedy_line(builtin, it.prompt).startswith(" " + r) for r in it.replies))
        else:
            pred = int(builtin.next_token_logits(builtin.encode(it.prompt)).argmax())
            alone.append(pred == answer_token(builtin, it.prompt, it.answer))
    result = heldout_accuracy(builtin, items)
    assert result.n == len(items) and result.accuracy == pytest.approx(sum(alone) / len(items))
    assert [m[0] for m in result.misses] == [it.question for it, ok in zip(items, alone) if not ok]


def greedy_line(backend, prompt: str) -> str:
    """What greedy decoding writes after the prompt, token by token (no batch), to the end of the line."""
    ids = backend.encode(prompt)
    start, text = len(backend.decode(ids)), ""
    while "\n" not in text and len(ids) < len(backend.encode(prompt)) + 40:
        ids.append(int(backend.next_token_logits(ids).argmax()))
        text = backend.decode(ids)[start:]
    return text


def test_sampling_varies_but_the_model_does_not(builtin):
    q = "Tell me a short story about a fox."
    warm = SamplingParams(temperature=1.0)
    texts = {reply_text(list(reply_steps(builtin, [], q, warm, _gen(s)))) for s in range(4)}
    assert len(texts) > 1
    assert len(next_token_probs(builtin, q)) == builtin.info.vocab_size


def _gen(seed):
    return make_generator(seed)[0]
