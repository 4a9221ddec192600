"""Reading a model's parts, checked against the model's own pass on every model shape the app shows (ours, GPT-2,
Qwen2's rotary positions and grouped-query attention): a head's scores as query · key give its attention weights
through the softmax, and the feed-forward neurons' columns times their values give what the network adds; a model
whose parts cannot be read says None instead of showing other numbers."""

import torch

from explainer.backends.base import Backend, QueriesKeys

TEXT = "the cat sat on the mat and the dog sat on the log"


def test_scores_from_queries_and_keys_give_the_models_own_weights(three_shapes: Backend) -> None:
    model = three_shapes
    ids = model.encode(TEXT)
    for layer in range(model.info.n_layer):
        qk = model.queries_keys(ids, layer)
        assert qk is not None, f"layer {layer}: the queries and keys did not give the model's weights"
        H, T = model.info.n_head, len(ids)
        assert qk.queries.shape[:2] == qk.keys.shape[:2] == (H, T)
        weights = model.trace(ids).attentions[layer]  # (H, T, T)
        assert torch.allclose(qk.scores().softmax(-1), weights, atol=1e-5)
        by_hand = (qk.queries[1, -1] * qk.keys[1, 0]).sum() * qk.scale  # one score, number by number
        assert abs(float(qk.scores()[1, -1, 0]) - float(by_hand)) < 1e-4


def test_numbers_that_do_not_give_the_weights_are_refused(small: Backend, monkeypatch) -> None:
    ids = small.encode(TEXT)
    good = small._queries_keys(small._tensor(ids), 0)
    wrong = QueriesKeys(good.queries, good.keys.flip(1), good.scale)  # the keys in the wrong order
    monkeypatch.setattr(small, "_queries_keys", lambda x, layer: wrong)
    assert small.queries_keys(ids, 0) is None


def test_the_future_is_masked(small: Backend) -> None:
    qk = small.queries_keys(small.encode(TEXT), 0)
    s = qk.scores()
    assert torch.isinf(s[:, 0, 1:]).all() and torch.isfinite(s[:, -1]).all()


def test_what_the_neurons_write_adds_up_to_what_the_feed_forward_network_adds(three_shapes: Backend) -> None:
    model = three_shapes
    ids = model.encode(TEXT)
    writes = model.neuron_writes(ids)
    assert writes is not None and len(writes) == model.info.n_layer
    trace = model.trace(ids)
    for layer, w in enumerate(writes):
        T, F = w.values.shape
        assert T == len(ids) and w.out.shape == (model.info.d_model, F)
        if trace.resid_mid:  # the network's whole change to the stream = the neurons' columns times their values + bias
            added = trace.resid_post[layer] - trace.resid_mid[layer]  # (T, D)
            by_columns = w.values @ w.out.float().cpu().T
            assert torch.allclose(added - by_columns, (added - by_columns)[:1].expand_as(added), atol=1e-3)


def test_a_direction_read_by_the_unembedding_alone(small: Backend) -> None:
    v = torch.randn(2, small.info.d_model)
    scores = small.unembed_directions(v)
    assert scores.shape == (2, small.info.vocab_size)
    assert torch.allclose(small.unembed_directions(3 * v), 3 * scores, atol=1e-4)  # linear: no norm, no bias
