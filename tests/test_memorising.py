"""Memorising: the validation loss climbing while the training loss falls (a real run on the training page:
test_train_page.py)."""

from __future__ import annotations

import pytest

from explainer.training.memorising import memorising
from explainer.training.trainer import History


def history(train: list[float], val: list[float], every: int = 10) -> History:
    return History(
        steps=list(range(1, len(train) + 1)),
        train_loss=train,
        val_steps=[every * (i + 1) for i in range(len(val))],
        val_loss=val,
    )


def test_a_climbing_validation_loss_while_training_falls_is_memorising() -> None:
    train = [3.0 - 0.05 * i for i in range(50)]  # 3.0 → 0.55
    seen = memorising(history(train, [2.5, 2.0, 1.9, 2.1, 2.3]))
    assert seen is not None and (seen.best_step, seen.best_val, seen.val) == (30, 1.9, 2.3)
    assert seen.train_now < seen.train_then


@pytest.mark.parametrize(
    "val, why",
    [
        ([2.5, 2.0, 1.9, 1.8, 1.7], "still learning"),
        ([2.5, 2.0, 1.9, 1.95, 1.97], "a wobble, not a climb"),
        ([2.5, 2.0, 1.9, 2.4], "one measurement after the lowest"),
        ([2.5, 2.4], "too few measurements"),
    ],
)
def test_not_memorising(val: list[float], why: str) -> None:
    assert memorising(history([3.0 - 0.05 * i for i in range(50)], val)) is None, why


def test_both_rising_is_a_learning_rate_too_high_not_memorising() -> None:
    assert memorising(history([1.0 + 0.05 * i for i in range(50)], [2.5, 2.0, 1.9, 2.1, 2.3])) is None
