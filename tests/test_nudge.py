"""One example, one nudge: the true token gains, the model passed in is untouched."""

import pytest
import torch

from explainer.backends.load import load_backend
from explainer.corpus.generator import builtin_corpus
from explainer.training.evaluate import answer_token
from explainer.training.nudge import SMALL_GAIN, example_windows, one_example_nudge
from explainer.training.run import new_run
from explainer.training.spec import RunSpec

HELD_OUT = 16  # held-out questions nudged on the shipped model
TEXT = "the cat sat on the mat.\nthe dog ran to the park.\n" * 60


@pytest.fixture(scope="module")
def run():
    spec = RunSpec(source="paste", n_layer=1, n_head=2, d_model=32, context_length=16, batch_size=8, steps=20)
    r = new_run(spec, TEXT, "cpu")
    r.trainer.step(20)  # leaves gradients on the parameters, as a live run does
    return r


def test_the_small_nudge_gains_a_little_and_the_rest_lose_as_much(run):
    for ids in example_windows(run.data, 10, 5, seed=0):
        n = one_example_nudge(run.model, ids)
        assert n.calibrated and n.context_ids == ids[:-1] and n.true_id == ids[-1]
        assert 0 < n.gain <= min(SMALL_GAIN, (1 - n.true_before) / 2) + 1e-9
        assert n.gain > SMALL_GAIN / 4 or n.true_before > 0.9, "small, not nothing"
        assert n.others_change == pytest.approx(-n.gain, abs=1e-9)  # everyone else's total loss
        others = torch.ones_like(n.change, dtype=torch.bool)
        others[n.true_id] = False
        assert float(n.change[others].sum()) < 0


def test_the_model_passed_in_is_untouched(run):
    weights = {k: v.clone() for k, v in run.model.state_dict().items()}
    grads = {n: p.grad.clone() for n, p in run.model.named_parameters() if p.grad is not None}
    one_example_nudge(run.model, example_windows(run.data, 10, 1, seed=1)[0], lr=0.5)
    one_example_nudge(run.model, example_windows(run.data, 10, 1, seed=1)[0])
    assert all(torch.equal(v, run.model.state_dict()[k]) for k, v in weights.items())
    assert all(torch.equal(g, dict(run.model.named_parameters())[n].grad) for n, g in grads.items())


def test_a_bigger_step_moves_more(run):
    ids = example_windows(run.data, 10, 1, seed=2)[0]
    small, big = one_example_nudge(run.model, ids, lr=0.001), one_example_nudge(run.model, ids, lr=0.004)
    assert big.lr == 0.004 and small.lr == 0.001 and not big.calibrated  # steps are taken as asked
    assert big.gain > small.gain > 0


def test_a_huge_step_is_taken_as_asked_and_can_overshoot(run):
    ids = example_windows(run.data, 10, 1, seed=0)[0]
    n = one_example_nudge(run.model, ids, lr=500.0)
    assert n.lr == 500.0
    assert n.gain < 0 or float(n.change.abs().max()) > 0.2, "a step that big overshoots or squashes"
    assert n.others_change == pytest.approx(-n.gain, abs=1e-9)


@pytest.fixture(scope="module")
def shipped():
    backend = load_backend("builtin")
    items = builtin_corpus().heldout
    picked = items[:: max(1, len(items) // HELD_OUT)][:HELD_OUT]
    return backend, [backend.encode(it.prompt) + [answer_token(backend, it.prompt, it.answer)] for it in picked]


def test_on_the_shipped_model_the_small_nudge_is_a_few_points_at_most(shipped):
    """Over held-out questions: the true answer gains more than nothing and at most SMALL_GAIN (2 points), and
    its gain is exactly what every other token lost together."""
    backend, examples = shipped
    for ids in examples:
        n = one_example_nudge(backend.module, ids)
        assert 0 < n.gain <= SMALL_GAIN + 1e-9, (backend.decode(ids), n.true_before, n.gain)
        assert n.gain + n.others_change == pytest.approx(0, abs=1e-9)


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


def test_examples_end_on_a_word_worth_guessing(run):
    """The nudge's examples hide a letter or a word, not a space: a student sees what the model had to guess. The same
    seed draws the same examples; where too few windows end on a wanted token, the others fill in."""
    even = lambda i: i % 2 == 0  # noqa: E731 (a stand-in for "has a letter")
    drawn = example_windows(run.data, 10, 12, seed=3, wanted=even)
    assert len(drawn) == 12 and all(even(w[-1]) for w in drawn) and all(len(w) == 10 for w in drawn)
    assert drawn == example_windows(run.data, 10, 12, seed=3, wanted=even)
    assert not all(even(w[-1]) for w in example_windows(run.data, 10, 12, seed=3))  # the choice is the filter's
    assert len(example_windows(run.data, 10, 12, seed=3, wanted=lambda i: False)) == 12
