"""Activation patching (explainer/backends/hooks.py `patched`, explainer/analysis/patching.py): one vector of the
residual stream swapped in from another text gives what running the model on that changed stream gives, on our GPT,
a Hugging Face GPT-2 and a Qwen2-shaped model; rows stay apart across batches; the shared model is left as it was;
on the shipped model, the country's vector carries the answer to the last token in layer 1."""

from __future__ import annotations

import re
import threading
from types import SimpleNamespace

import pytest
import torch

import explainer.backends.base as base
from explainer.analysis import patching
from explainer.backends.base import Backend, BackendError
from explainer.backends.hooks import patched
from explainer.charts.patching import swapped_vectors
from explainer.ui.inside import DEFAULT_PROMPT

from .helpers import valid_figure

TEXT = "the cat sat on the mat and the dog"


def _pair(model: Backend, at: int = 3) -> tuple[list[int], list[int], int]:
    """The text's tokens, the same with the token at `at` changed, and `at`."""
    ids = model.encode(TEXT)
    other = list(ids)
    other[at] = (ids[at] + 1) % model.info.vocab_size
    return ids, other, at


def test_a_vector_swapped_in_is_what_the_model_computes_with_it(three_shapes: Backend) -> None:
    model = three_shapes
    ids, other, at = _pair(model)
    L, T = model.info.n_layer, len(ids)
    clean, source = model.next_token_logits(ids), model.next_token_logits(other)
    rows = [(0, at), (L, T - 1), (L, 0), (1, 0)]
    got = model.next_token_logits_patched(ids, other, rows)  # (4, V), one pass
    # the embedding where the texts differ: the first text is then the second
    assert torch.allclose(got[0], source, atol=1e-4)
    # after the last layer only the last position's vector is read, and it is the whole answer
    assert torch.allclose(got[1], source, atol=1e-4) and torch.allclose(got[2], clean, atol=1e-4)
    # a position before the difference: its vector is the same in both texts
    assert torch.allclose(got[3], clean, atol=1e-4) and not torch.allclose(clean, source, atol=1e-3)
    same = model.next_token_logits_patched(ids, ids, [(d, p) for d in range(L + 1) for p in range(T)])
    assert torch.allclose(same, clean.expand_as(same), atol=1e-4)  # a text swapped with itself: nothing changes


def test_a_middle_layer_swap_is_the_rest_of_the_model_run_on_the_changed_vectors(tiny_model_dir) -> None:
    """Our GPT, by hand: the stream after layer 1 with one vector from the other text, run through layer 2 and the
    unembedding, gives the patched logits."""
    from explainer.backends.load import load_backend

    model = load_backend(str(tiny_model_dir), "cpu")
    ids, other, at = _pair(model)
    streams = model.residual_streams([ids, other])  # (L + 1, 2, T, D)
    h = streams[1, 0].clone()[None]  # (1, T, D) the first text after layer 1
    h[0, at] = streams[1, 1, at]
    with torch.inference_mode():
        for block in model.model.blocks[1:]:
            h = block(h, None, None)
        want = model.unembed(h)[0, -1]
    got = model.next_token_logits_patched(ids, other, [(1, at)])[0]
    assert torch.allclose(got, want, atol=1e-4) and not torch.allclose(got, model.next_token_logits(ids), atol=1e-3)


def test_the_tokens_before_the_swaps_read_once_give_what_the_whole_text_gives(three_shapes: Backend) -> None:
    """Rows that all swap at or after a position read the tokens before it once (a KV cache): the same logits as
    the whole text read in every row (a row at position 0 makes the pass read everything)."""
    model = three_shapes
    ids, other, at = _pair(model)
    rows = [(d, p) for d in range(model.info.n_layer + 1) for p in range(at, len(ids))]
    whole = model.next_token_logits_patched(ids, other, [*rows, (0, 0)])[:-1]
    assert torch.allclose(model.next_token_logits_patched(ids, other, rows), whole, atol=1e-4)


def test_rows_stay_apart_across_batches_and_no_hook_is_left(three_shapes: Backend, monkeypatch) -> None:
    model = three_shapes
    ids, other, at = _pair(model)
    rows = [(d, p) for d in range(model.info.n_layer + 1) for p in range(at, len(ids))]  # (the shared tokens cached)
    hooks = lambda: [(len(b._forward_hooks), len(b._forward_pre_hooks)) for b in model._blocks()]  # noqa: E731
    whole = model.next_token_logits_patched(ids, other, rows)
    before = hooks()  # after a first pass: transformers puts an output-capturing hook of its own on a layer, once
    monkeypatch.setattr(base, "BATCH_ROWS", 3)
    assert torch.allclose(model.next_token_logits_patched(ids, other, rows), whole, atol=1e-4)
    assert hooks() == before


def test_another_threads_pass_while_a_vector_is_swapped_in_is_untouched(three_shapes: Backend) -> None:
    model = three_shapes
    ids, other, at = _pair(model)
    before = model.next_token_logits(ids)
    source = model.residual_streams([other])[:, 0]  # (L + 1, T, D)
    seen = {}
    with patched(model._blocks(), [(0, at)], source):
        thread = threading.Thread(target=lambda: seen.update(logits=model.next_token_logits(ids)))
        thread.start()
        thread.join()
        mine = model.next_token_logits(ids)
    assert torch.allclose(seen["logits"], before, atol=1e-6)  # another student's pass
    assert torch.allclose(mine, model.next_token_logits(other), atol=1e-4)  # this thread's: the other text's
    assert torch.allclose(model.next_token_logits(ids), before, atol=1e-6)


def test_texts_of_two_lengths_or_a_missing_layer_are_refused(builtin) -> None:
    ids = builtin.encode("the capital of France is")
    with pytest.raises(BackendError, match="same number of tokens"):
        builtin.next_token_logits_patched(ids, ids + ids[-1:], [(0, 0)])
    with pytest.raises(BackendError, match="no such layer"):
        builtin.next_token_logits_patched(ids, ids, [(builtin.info.n_layer + 1, 0)])
    with pytest.raises(BackendError, match="the same"):
        patching.patch_map(builtin, ids, ids)


def test_the_country_travels_to_the_last_token_in_layer_one(builtin) -> None:
    """France -> Japan on the page's text: at the embedding only the last "France" turns Paris into Tokyo; after
    layer 1, only the last token's vector does (layer 1, head 4 moved it: the Attention page's country head)."""
    text = DEFAULT_PROMPT.text(builtin)
    ids, other = builtin.encode(text), builtin.encode(text.replace("France", "Japan"))
    found = patching.patch_map(builtin, ids, other)
    assert builtin.token_str(found.clean_token) == " Paris" and builtin.token_str(found.source_token) == " Tokyo"
    last_france = max(i for i, t in enumerate(ids) if builtin.token_str(t) == " France")
    T, L = len(ids), builtin.info.n_layer
    assert found.positions[0] == min(i for i, (a, b) in enumerate(zip(ids, other)) if a != b)  # the first France
    assert [(d, p) for d, p, _pr in found.carriers()] == [(0, last_france)] + [(d, T - 1) for d in range(1, L + 1)]
    assert min(p for _d, _pos, p in found.carriers()) > 0.9
    labels = [builtin.token_str(ids[p]) for p in found.positions]
    fig = swapped_vectors(found.probs, labels, [ids[p] != other[p] for p in found.positions], " Tokyo",
                          ["embedding"] + [f"after layer {i}" for i in range(1, L + 1)], "title")  # fmt: skip
    valid_figure(fig)
    assert fig.data[0].text[0][labels.index(" France", 2)] == "99%"
    assert sum("<b>" in t for t in fig.layout.xaxis.ticktext) == 2  # the two Frances
    phone = swapped_vectors(found.probs, labels, [False] * len(labels), " Tokyo", ["d"] * (L + 1), "t", narrow=True)
    assert not any(t for row in phone.data[0].text for t in row)  # a phone's cells: colour, and the hover
    assert re.search(r"9\d\.\d%", phone.data[0].customdata[0][8])


def test_the_columns_start_where_the_texts_differ_and_keep_the_last() -> None:
    assert patching.columns([1, 2, 3, 4], [1, 9, 3, 4]) == [1, 2, 3]
    assert patching.columns(list(range(30)), [99] + list(range(1, 30)), most=12) == list(range(18, 30))


def test_a_map_that_would_cost_too_much_is_not_offered(builtin) -> None:
    """Our model's map costs ~2 % of the budget; a 0.5 B-parameter model of 24 layers would cost ~18 times it."""
    assert patching.can_patch(builtin, 30, patching.MAX_COLUMNS)
    big = SimpleNamespace(info=SimpleNamespace(n_layer=24, n_params=5e8))
    assert not patching.can_patch(big, 30, patching.MAX_COLUMNS)
