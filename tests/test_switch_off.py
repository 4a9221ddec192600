"""Parts of a model switched off (explainer/backends/hooks.py, explainer/analysis/switch_off.py): the hooks give what
the same model with those parts' weights zeroed gives, on our GPT, a Hugging Face GPT-2 and a Qwen2-shaped model;
each row of a batch keeps its own parts; the shared model is left as it was, and another thread's pass is untouched;
on the shipped model, the capital question needs the head that its attention says finds the country."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import numpy as np
import pytest
import torch

from explainer.analysis import switch_off
from explainer.analysis.attribution import LogitAttribution
from explainer.analysis.precomputed import ModelAnalyses
from explainer.backends.base import Backend, BackendError
from explainer.backends.hooks import Off, switched_off
from explainer.charts.switch_off import heads_needed, parts_needed, with_and_without
from explainer.ui.inside import DEFAULT_PROMPT

from .helpers import valid_figure

TEXT = "the cat sat on the mat and the dog"
one = frozenset


@pytest.fixture
def model(three_shapes: Backend) -> Backend:
    return three_shapes


def _zeroed(backend: Backend, off: Off) -> Backend:
    """A copy of `backend` whose weights do what `off` switches off: the output projection of an attention or of a
    feed-forward network all zero, or a head's slice of the attention's output projection zero."""
    copy = backend.clone()
    H = backend.info.n_head
    for i, layer in enumerate(copy._sublayers()):
        ff_out = [m for m in layer.feed_forward.modules() if hasattr(m, "weight")][-1]  # its last projection
        for module, switched in ((layer.out_proj, i in off.attention), (ff_out, i in off.feed_forward)):
            if switched:
                for p in module.parameters():
                    p.data.zero_()
        w = layer.out_proj.weight.data  # Linear: (D out, H*hs in); GPT-2's Conv1D: (H*hs in, D out)
        heads_in = 0 if type(layer.out_proj).__name__ == "Conv1D" else 1
        hs = w.shape[heads_in] // H
        for head in (h for layer_, h in off.heads if layer_ == i):
            w.narrow(heads_in, head * hs, hs).zero_()
    return copy


def test_a_part_switched_off_is_that_part_with_zero_weights(model: Backend) -> None:
    ids, last = model.encode(TEXT), model.info.n_head - 1  # (the tiny models: 2 layers)
    offs = [
        Off(),
        Off(attention=one({0})),
        Off(feed_forward=one({1})),
        Off(heads=one({(0, 1), (1, last)})),
        Off(attention=one({1}), feed_forward=one({0}), heads=one({(0, 0)})),
    ]
    got = model.next_token_logits_off(ids, offs)  # (5, V), one pass
    assert torch.allclose(got[0], model.next_token_logits(ids), atol=1e-5)  # nothing off: the model itself
    for row, off in enumerate(offs[1:], 1):
        want = _zeroed(model, off).next_token_logits(ids)
        assert torch.allclose(got[row], want, atol=1e-4), off
        assert not torch.allclose(got[row], got[0], atol=1e-3), off  # and it did change the prediction


def test_every_part_off_leaves_the_last_token_alone(model: Backend) -> None:
    """With every attention and feed-forward switched off, nothing reaches the last position from the others: its
    prediction is the unembedding of its own embedding (and position), whatever came before it."""
    L = model.info.n_layer
    off = Off(attention=one(range(L)), feed_forward=one(range(L)))
    long = model.encode(TEXT)
    short = long[-2:]
    a, b = model.next_token_logits_off(short, [off])[0], model.next_token_logits_off(long, [off])[0]
    first = model.residual_streams([long])[0, 0, -1]  # (D,) the last token's embedding (+ its position)
    if model.position_matrix() is None:  # rotary positions: the embedding alone, the same at any position
        assert torch.allclose(a, b, atol=1e-4)
    assert torch.allclose(b, model.unembed(first), atol=1e-4)


def test_the_shared_model_is_left_as_it_was_and_other_threads_are_untouched(model: Backend) -> None:
    ids = model.encode(TEXT)
    before = model.next_token_logits(ids)
    hooks = lambda: [(len(m._forward_hooks), len(m._forward_pre_hooks)) for m in model.module.modules()]  # noqa: E731
    had = hooks()  # (transformers puts hooks of its own on its models)
    layers = model._sublayers()
    seen = {}
    with switched_off(layers, [Off(attention=one({0}), feed_forward=one({0}))], model.info.n_head, model.device):
        other = threading.Thread(target=lambda: seen.update(logits=model.next_token_logits(ids)))
        other.start()
        other.join()
        mine = model.next_token_logits(ids)
    # another student's pass while the hooks were on (another thread may split the sums its own way: not bit-equal)
    assert torch.allclose(seen["logits"], before, atol=1e-6)
    assert not torch.allclose(mine, before, atol=1e-3)
    assert hooks() == had
    assert torch.allclose(model.next_token_logits(ids), before, atol=1e-6)


def test_a_layer_or_head_the_model_lacks_is_refused(model: Backend) -> None:
    L, H = model.info.n_layer, model.info.n_head
    for off in (Off(attention=one({L})), Off(feed_forward=one({-1})), Off(heads=one({(0, H)}))):
        with pytest.raises(BackendError, match="no such layer or head"):
            model.next_token_logits_off(model.encode(TEXT), [off])


def test_more_rows_than_a_batch_come_back_in_order(model: Backend) -> None:
    ids = model.encode(TEXT)
    offs = [Off(attention=one({i % model.info.n_layer})) for i in range(70)]  # two passes of BATCH_ROWS
    got = model.next_token_logits_off(ids, offs)
    assert got.shape == (70, model.info.vocab_size)
    assert torch.allclose(got[65], model.next_token_logits_off(ids, [offs[65]])[0], atol=1e-5)


@pytest.fixture(scope="module")
def capital(builtin):
    return switch_off.sweep(builtin, builtin.encode(DEFAULT_PROMPT.text(builtin)))


def test_the_capital_needs_the_head_that_attention_says_finds_the_country(builtin, capital) -> None:
    """Two measures of one head agree: where its attention goes (the Attention page) and what the answer loses
    without it (the Layers page)."""
    assert builtin.token_str(capital.token) == " Paris" and capital.on > 0.9
    found = ModelAnalyses(builtin).entity_head()
    layer, head = capital.most_needed_head()
    assert (layer, head) == (found.layer, found.head)
    assert capital.heads[layer, head] < 0.05 < 0.9 < sorted(capital.heads.ravel())[1]  # that head alone matters
    kind, layer, p = capital.most_needed()
    assert p < 0.05 and capital.needed() < 2 * builtin.info.n_layer  # some parts matter, not all
    plain = builtin.next_token_logits(builtin.encode(DEFAULT_PROMPT.text(builtin))).softmax(-1)
    assert capital.on == pytest.approx(float(plain[capital.token]), abs=1e-5)


def test_a_sweep_that_would_cost_too_much_is_not_offered(builtin) -> None:
    assert switch_off.can_sweep(builtin, 128)
    big = SimpleNamespace(info=SimpleNamespace(n_layer=24, n_head=14, n_params=500_000_000))  # Qwen2.5-0.5B's size
    assert not switch_off.can_sweep(big, 30)
    gpt2_info = SimpleNamespace(n_layer=12, n_head=12, n_params=124_000_000)
    gpt2 = SimpleNamespace(info=gpt2_info, heads_switch_off=lambda: True)
    assert switch_off.can_sweep(gpt2, 20) and not switch_off.can_sweep(gpt2, 20, heads=True)  # parts, not heads


def test_with_and_without_are_probabilities(builtin) -> None:
    on, off = switch_off.with_and_without(builtin, builtin.encode(TEXT), Off(feed_forward=one({0})))
    assert on.sum() == pytest.approx(1, abs=1e-4) and off.sum() == pytest.approx(1, abs=1e-4)
    assert abs(on - off).max() > 0.01


def test_the_charts_are_valid_and_number_layers_and_heads_from_one(capital) -> None:
    parts = valid_figure(parts_needed(capital.attention, capital.feed_forward, capital.on, " Paris", "t"))
    assert [len(bars.y) for bars in parts.data] == [4, 4] and parts.layout.shapes[0].y0 == capital.on
    assert "every part on: 99." in parts.layout.title.subtitle.text
    assert all(t for bars in parts.data for t in bars.text)  # a laptop: every bar written on
    phone = parts_needed(capital.attention, capital.feed_forward, capital.on, " Paris", "t", narrow=True)
    assert [[bool(t) for t in bars.text] for bars in phone.data] == [[True, False, False, False]] * 2  # layer 1's
    assert phone.data[0].textangle == -90 and parts.data[0].textangle in (None, 0)  # side by side in narrow bars
    heads = valid_figure(heads_needed(capital.heads, " Paris", "t"))
    assert list(heads.data[0].x) == [1, 2, 3, 4] and list(heads.data[0].y) == [1, 2, 3, 4]  # the hover says these
    assert capital.heads[0, 3] < 0.005 and heads.data[0].text[0][3] == "<1%", "0.26 % is not written 0 %"
    assert heads.data[0].text[1][0] == f"{round(100 * capital.heads[1, 0])}%"
    long = "One attention head at a time: the probability of “Paris” without it"
    full, half = (valid_figure(heads_needed(capital.heads, " Paris", long, half=h)) for h in (False, True))
    assert full.data[0].colorbar.orientation == half.data[0].colorbar.orientation == "h"  # flat: the cells wide
    assert half.layout.title.text.count("<br>") > full.layout.title.text.count("<br>")  # one of two: shorter lines
    both = valid_figure(with_and_without(["a", "b"], [0.9, 0.1], [0.2, 0.7], "t"))
    assert [list(bars.x) for bars in both.data] == [[0.9, 0.1], [0.2, 0.7]]


def test_the_page_says_when_no_part_matters(builtin, capital) -> None:
    from explainer.ui.switch_off import _needed_parts

    said = _needed_parts(builtin, capital, "␣Paris", capital.most_needed())
    assert said.startswith("Switch off layer 1 · ") and "2 of the 8 parts" in said
    near, above = capital.attention * 0 + 0.48, capital.feed_forward * 0 + 0.6  # every part off: about as likely
    robust = switch_off.PartsSweep(capital.token, 0.5, near, above, None)
    assert _needed_parts(builtin, robust, "␣Paris", robust.most_needed()).startswith("No part matters much here")


def _attribution(heads: np.ndarray | None, attention: list[float], mlp: list[float]) -> LogitAttribution:
    return LogitAttribution(
        logit=0.0, embedding=0.0, heads=heads, attention=np.array(attention), mlp=np.array(mlp), constant=0.0
    )


def test_a_needed_head_is_named_beside_the_head_that_writes_the_most() -> None:
    heads = np.array([[0.9, 0.9], [0.9, 0.01]])  # the word without each head: layer 2, head 2 is needed
    sweep = switch_off.PartsSweep(7, 0.95, np.array([0.9, 0.9]), np.array([0.9, 0.9]), heads)
    part = switch_off.needed_beside_written(sweep, _attribution(np.array([[2.0, 0.1], [0.5, 0.2]]), [2, 1], [3, 1]))
    assert (part.kind, part.layer, part.head, part.without, part.writes) == ("head", 1, 1, 0.01, 0.2)
    assert part.best == ("head", 0, 0) and part.best_writes == 2.0 and not part.writes_most
    same = switch_off.needed_beside_written(sweep, _attribution(np.array([[0.1, 0.1], [0.5, 3.0]]), [0, 3], [1, 1]))
    assert same.writes_most


def test_without_a_needed_head_the_needed_layer_part_is_named_and_without_one_nothing() -> None:
    heads = np.full((2, 2), 0.9)  # no head alone matters; layer 1's feed-forward does
    sweep = switch_off.PartsSweep(7, 0.95, np.array([0.9, 0.8]), np.array([0.02, 0.9]), heads)
    part = switch_off.needed_beside_written(sweep, _attribution(np.ones((2, 2)), [0.5, 4.0], [1.5, 2.0]))
    assert (part.kind, part.layer, part.head, part.writes) == ("feed-forward", 0, -1, 1.5)
    assert part.best == ("attention", 1, -1) and part.best_writes == 4.0
    calm = switch_off.PartsSweep(7, 0.95, np.full(2, 0.9), np.full(2, 0.9), None)
    assert switch_off.needed_beside_written(calm, _attribution(None, [1, 1], [1, 1])) is None


@pytest.mark.parametrize(
    ("writes", "best", "said"),
    [(3.0, ("head", 1, 1), "agree here"), (0.2, ("head", 0, 0), "adds only"), (1.5, ("head", 0, 0), "less than")],
)
def test_the_needed_part_is_worded_by_how_much_it_writes(writes: float, best: tuple, said: str) -> None:
    """The part the word needs most, beside the part that writes most of its score (3.0 here): the same part; one
    that writes little (under half); one that writes less, but not little."""
    from explainer.ui.switch_off import _needed_template

    part = switch_off.NeededPart("head", 1, 1, 0.01, writes, best, 3.0)
    assert said in _needed_template(part)
