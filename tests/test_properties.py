"""Property-based tests (hypothesis): what the tokenizers, sampling and prediction promise for ANY input,
not just the examples we thought of. Arbitrary text includes emoji, right-to-left scripts, combining marks,
control characters and NUL (hypothesis' text strategy draws from all of Unicode except lone surrogates)."""

from __future__ import annotations

import math
from functools import cache

import pytest
import torch
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from explainer.backends.base import BackendError
from explainer.backends.builtin import BuiltinBackend
from explainer.backends.load import load_backend
from explainer.model.sampling import SamplingParams, distribution, keep_mask, sample
from explainer.model.tokenizers import UNK, WORD_RE, train_tokenizer

from .helpers import next_token_probs

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ODD = ["🙂", "👩‍👩‍👧", "שלום", "مرحبا", "e\u0301", "\x00", "\x1b", "\u202e", "\u200b", "\t", "\n", "  ", "zyzzyva", "…"]


@cache
def builtin() -> BuiltinBackend:
    return load_backend("builtin", "cpu")


@cache
def fixed_words():
    return train_tokenizer("word", "The cat sat on the mat, and the dog ran to the bank. " * 20, vocab_size=50)


@cache
def fixed_bpe():
    return train_tokenizer("bpe", "the cat sat on the mat. " * 50 + "שלום 🙂 e\u0301", vocab_size=300)


# ----------------------------------------------------------------------------- tokenizers
@FAST
@given(st.text(min_size=1, max_size=80))
def test_char_tokenizer_fitted_on_a_text_reproduces_it(text: str) -> None:
    tok = train_tokenizer("char", text)
    ids = tok.encode(text)
    assert len(ids) == len(text) and tok.unk_id not in ids
    assert tok.decode(ids) == text


@FAST
@given(st.text(max_size=80), st.text(min_size=1, max_size=40))
def test_char_tokenizer_keeps_known_characters_and_marks_the_rest(text: str, other: str) -> None:
    """On text it was not fitted on: one token per character, the unknown ones become <unk>."""
    tok = train_tokenizer("char", other)
    decoded = tok.decode(tok.encode(text))
    assert decoded == "".join(c if c in other else UNK for c in text)


@FAST
@given(st.text(max_size=120))
def test_word_tokenizer_keeps_every_word_of_a_text_it_was_fitted_on(text: str) -> None:
    """Words, punctuation and newlines survive (other spacing is normalised); the canonical form is stable."""
    assume(WORD_RE.search(text))
    tok = train_tokenizer("word", text)
    ids = tok.encode(text)
    assert tok.unk_id not in ids
    decoded = tok.decode(ids)
    assert WORD_RE.findall(decoded) == WORD_RE.findall(text)
    assert tok.encode(decoded) == ids


@FAST
@given(st.text(max_size=120))
def test_word_tokenizer_maps_unknown_words_to_unk(text: str) -> None:
    """On any text: one token per word/mark, each either that word's own id or <unk> (id 0), never a wrong word."""
    tok = fixed_words()
    pieces = WORD_RE.findall(text)
    ids = tok.encode(text)
    assert len(ids) == len(pieces)
    for piece, i in zip(pieces, ids):
        assert i == (tok.token_to_id(piece) or 0)
        assert tok.id_to_token(i) == (piece if i else UNK)


@FAST
@given(st.text(max_size=120))
def test_bpe_round_trips_any_text(text: str) -> None:
    tok = fixed_bpe()
    ids = tok.encode(text)
    assert all(0 <= i < tok.vocab_size for i in ids)
    assert tok.decode(ids) == text


# ----------------------------------------------------------------------------- sampling
logit = st.one_of(st.floats(-1e4, 1e4, allow_nan=False), st.just(-math.inf))
logits_st = st.lists(logit, min_size=1, max_size=40).filter(lambda xs: any(x > -math.inf for x in xs))
params_st = st.builds(
    SamplingParams,
    temperature=st.one_of(st.just(0.0), st.floats(1e-3, 1000.0)),
    top_k=st.integers(0, 50),
    top_p=st.one_of(st.just(1.0), st.floats(1e-3, 1.0)),
)


@settings(max_examples=200, deadline=None)
@given(logits_st, params_st)
def test_sampling_gives_a_valid_distribution_within_top_k_and_top_p(xs: list[float], params: SamplingParams) -> None:
    logits = torch.tensor(xs, dtype=torch.float32)
    p = distribution(logits, params)
    assert p.shape == logits.shape and torch.isfinite(p).all() and (p >= 0).all()
    assert float(p.sum()) == pytest.approx(1.0, abs=1e-5)
    assert (p[logits == -math.inf] == 0).all(), "a -inf logit is never drawn"
    if params.temperature == 0:
        assert p[int(torch.argmax(logits))] == 1.0, "greedy = argmax (the first maximum)"
        return
    if params.top_k:
        assert int((p > 0).sum()) <= params.top_k
    z = (logits.double() - logits.max()) / params.temperature
    kept = keep_mask(z, params.top_k, params.top_p)
    assert (p[~kept] == 0).all(), "zero outside the top-k / top-p set"
    if params.top_p < 1:  # the kept set reaches p (of the top-k survivors' mass), with float slack
        base = torch.softmax(z.masked_fill(~keep_mask(z, params.top_k, 1.0), -math.inf), 0)
        assert float(base[kept].sum()) >= params.top_p - 1e-6


@settings(max_examples=100, deadline=None)
@given(logits_st, params_st, st.integers(0, 2**32 - 1))
def test_a_draw_always_lands_on_a_possible_token(xs: list[float], params: SamplingParams, seed: int) -> None:
    p = distribution(torch.tensor(xs), params)
    gen = torch.Generator().manual_seed(seed)
    assert p[sample(p, gen)] > 0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=2, max_size=40), st.integers(0, 50), st.floats(1e-3, 1.0))
def test_greedy_is_the_argmax_whatever_top_k_and_top_p(xs: list[float], k: int, top_p: float) -> None:
    logits = torch.tensor(xs)
    p = distribution(logits, SamplingParams(0.0, k, top_p))
    assert int(torch.argmax(p)) == int(torch.argmax(logits)) and float(p.max()) == 1.0


# ----------------------------------------------------------------------------- prediction
words = st.sampled_from(["the", "dog", "capital", "France", "is", "Paris", "?", "User", ":", *ODD])
texts = st.one_of(st.text(min_size=1, max_size=200), st.lists(words, min_size=1, max_size=300).map(" ".join))


@settings(max_examples=40, deadline=None)
@given(texts)
def test_predict_gives_a_distribution_over_the_vocabulary_for_any_text(text: str) -> None:
    """The built-in model (byte-level BPE: any character is a token) for any non-empty text, including emoji, NUL,
    right-to-left and texts longer than its context; a clear BackendError for a text with no token."""
    b = builtin()
    if not b.encode(text):
        with pytest.raises(BackendError, match="no tokens"):
            next_token_probs(b, text)
        return
    probs = next_token_probs(b, text)
    assert probs.shape == (b.info.vocab_size,)
    assert torch.isfinite(probs).all() and (probs >= 0).all()
    assert float(probs.sum()) == pytest.approx(1.0, abs=1e-4)
