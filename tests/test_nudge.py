"""One example, one nudge: the true token gains, the model passed in is untouched."""

import pytest
import torch

from explainer.training.nudge import example_windows, one_example_nudge
from explainer.training.run import new_run
from explainer.training.spec import RunSpec

TEXT = "the cat sat on the mat.\nthe dog ran to the park.\n" * 60


@pytest.fixture(scope="module")
def run():
    spec = RunSpec(source="paste", n_layer=1, n_head=2, d_model=32, context_length=16, batch_size=8, steps=20)
    r = new_run(spec, TEXT, "cpu")
    r.trainer.step(20)  # leaves gradients on the parameters, as a live run does
    return r


def test_the_true_token_gains_and_the_rest_lose(run):
    for ids in example_windows(run.data, 10, 5, seed=0):
        n = one_example_nudge(run.model, ids, lr=0.05)
        assert n.context_ids == ids[:-1] and n.true_id == ids[-1]
        assert n.true_after > n.true_before
        assert n.change[n.true_id] > 0
        assert abs(float(n.change.sum())) < 1e-5  # probabilities still sum to one
        others = torch.ones_like(n.change, dtype=torch.bool)
        others[n.true_id] = False
        assert float(n.change[others].sum()) < 0


def test_the_model_passed_in_is_untouched(run):
    weights = {k: v.clone() for k, v in run.model.state_dict().items()}
    grads = {n: p.grad.clone() for n, p in run.model.named_parameters() if p.grad is not None}
    one_example_nudge(run.model, example_windows(run.data, 10, 1, seed=1)[0], lr=0.5)
    assert all(torch.equal(v, run.model.state_dict()[k]) for k, v in weights.items())
    assert all(torch.equal(g, dict(run.model.named_parameters())[n].grad) for n, g in grads.items())


def test_a_bigger_step_moves_more(run):
    ids = example_windows(run.data, 10, 1, seed=2)[0]
    small, big = one_example_nudge(run.model, ids, lr=0.001), one_example_nudge(run.model, ids, lr=0.004)
    assert big.lr == 0.004 and small.lr == 0.001  # small steps are taken as asked
    assert big.true_after - big.true_before > small.true_after - small.true_before > 0


def test_an_overshooting_step_is_halved(run):
    ids = example_windows(run.data, 10, 1, seed=0)[0]
    n = one_example_nudge(run.model, ids, lr=5.0)
    assert n.lr < 5.0 and n.true_after > n.true_before


def test_example_windows(run):
    a = example_windows(run.data, 8, 4, seed=3)
    assert a == example_windows(run.data, 8, 4, seed=3) and len(a) == 4
    assert all(len(w) == 8 for w in a)
    train = run.data.train_ids.tolist()
    assert all(any(train[i : i + 8] == w for i in range(len(train) - 7)) for w in a)  # from the training part


def test_bad_examples(run):
    with pytest.raises(ValueError, match="two tokens"):
        one_example_nudge(run.model, [3])
    with pytest.raises(ValueError, match="positive"):
        one_example_nudge(run.model, [3, 4], lr=0)
