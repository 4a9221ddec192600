"""Earlier runs kept to compare: a curve keeps its run's loss (thinned, its last point kept), names what was different,
and is drawn only beside a run measured on the same validation tokens."""

from __future__ import annotations

import pytest

from explainer.charts.describe import describe
from explainer.charts.training import loss_chart
from explainer.i18n import speaking
from explainer.training.compare import (
    Curve,
    comparable,
    curve_label,
    differences,
    only_the_start_differs,
    smooth,
    thinned,
    tokens_fingerprint,
)
from explainer.training.run import new_run
from explainer.training.spec import RunSpec
from explainer.training.text import load_text

from .helpers import valid_figure

TEXT = "the cat sat on the mat. the dog sat on the log. " * 300


@pytest.fixture(scope="module")
def run():
    run = new_run(RunSpec.from_preset("tiny", steps=30, eval_every=10, batch_size=4, context_length=16), TEXT)
    run.trainer.step(30)
    return run


def test_a_curve_keeps_the_smoothed_loss_of_its_run(run) -> None:
    h = run.trainer.history
    curve = Curve.of(run, 1)
    assert list(curve.steps) == h.steps and list(curve.train_loss) == pytest.approx(smooth(h.train_loss))
    assert list(curve.val_steps) == h.val_steps and curve.val_loss == tuple(h.val_loss)
    run.spec.lr *= 2  # a later change to the run (more steps) is not the kept settings'
    assert curve.spec.lr != run.spec.lr
    run.spec.lr /= 2


def test_a_long_curve_is_thinned_and_keeps_its_last_point() -> None:
    xs = list(range(1, 5002))
    tx, ty = thinned(xs, [2 * x for x in xs], 400)
    assert len(tx) <= 401 and tx[0] == 1 and tx[-1] == 5001 and ty == [2 * x for x in tx]
    assert thinned([1, 2], [3.0, 4.0]) == ([1, 2], [3.0, 4.0])


def test_the_label_names_what_was_different() -> None:
    now = RunSpec.from_preset("tiny")
    assert differences(now, now) == []
    other = RunSpec.from_preset("tiny", lr=0.03, n_layer=4, steps=1500)
    assert differences(other, now) == ["4 layers", "learning rate 0.03", "1,500 steps"]
    curve = Curve(2, other, "t", (1,), (4.0,), (), ())
    assert curve_label(curve, now) == "run 2: 4 layers, learning rate 0.03, 1,500 steps"
    assert curve_label(Curve(1, now, "t", (1,), (4.0,), (), ()), now) == "run 1: the same settings"
    with speaking("de"):  # the class's language, its decimal comma too
        assert differences(RunSpec.from_preset("tiny", lr=0.03), now) == ["Lernrate 0,03"]
    restart = RunSpec.from_preset("tiny", seed=1)
    assert differences(restart, now) == ["another random start"] and only_the_start_differs(restart, now)
    assert not only_the_start_differs(now, now) and not only_the_start_differs(other, restart)


def test_only_runs_on_the_same_tokens_are_comparable(run) -> None:
    same = Curve.of(run, 1)
    chars_of_another_text = new_run(RunSpec.from_preset("tiny", steps=1), load_text("builtin")[:20_000])
    words = new_run(RunSpec.from_preset("tiny", steps=1, tokenizer="word", vocab_size=100), TEXT)
    others = [Curve.of(r, n) for n, r in ((2, chars_of_another_text), (3, words))]
    assert comparable([same, *others], tokens_fingerprint(run)) == ([same], 2)


def test_the_page_takes_a_runs_fingerprint_once(run, monkeypatch) -> None:
    """The training fragment asks on every tick which earlier curves to draw: the current run's fingerprint (it reads
    every validation token) is taken once per run, and not at all while there is nothing to compare with."""
    from explainer.ui.training import session as module

    taken = []
    monkeypatch.setattr(module, "tokens_fingerprint", lambda r: taken.append(r) or tokens_fingerprint(r))
    training = module.TrainingSession(run=run)
    assert training.comparable_earlier() == ([], 0) and taken == []
    other = new_run(RunSpec.from_preset("tiny", steps=1, tokenizer="word", vocab_size=100), TEXT)
    training.earlier = [Curve.of(run, 1), Curve.of(other, 2)]
    for _ in range(3):
        assert training.comparable_earlier() == ([training.earlier[0]], 1)
    assert taken == [run]
    training.run = other  # Reset: a new run, a new fingerprint
    assert training.comparable_earlier() == ([training.earlier[1]], 1) and taken == [run, other]


def test_the_loss_chart_draws_earlier_runs_behind_this_one(run) -> None:
    h, curve = run.trainer.history, Curve.of(run, 1)
    fig = valid_figure(loss_chart(h.steps, h.train_loss, h.val_steps, h.val_loss, 60, 4.0,
                                  title="Loss", earlier=[("run 1: learning rate 0.03", curve)]))  # fmt: skip
    earlier = fig.data[-2:]  # listed after this run's lines, drawn behind them
    assert [t.name for t in earlier] == ["run 1: learning rate 0.03", "run 1: learning rate 0.03, validation"]
    assert [t.zorder for t in earlier] == [-1, -1] and all(t.zorder is None for t in fig.data[:-2])
    assert [t.showlegend for t in earlier] == [None, False], "one legend entry for both lines"
    assert describe(fig)[0].startswith("Loss: training (each step) from"), "a screen reader hears this run first"
    assert fig.layout.xaxis.range[1] >= 30 and fig.layout.height > 420
    plain = loss_chart(h.steps, h.train_loss, h.val_steps, h.val_loss, 60, 4.0, title="Loss")
    assert plain.layout.height == 420 and len(plain.data) == len(fig.data) - 2
