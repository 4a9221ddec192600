"""A model's weights drawn from a seed are the same while other threads seed torch's generator and draw from it (a
server's students and its warm-up share one process: explainer/model/seeding.py)."""

from __future__ import annotations

import threading

import torch

from explainer.model.gpt import GPTConfig
from explainer.training.throughput import training_tokens_per_s

BUSY = GPTConfig(vocab_size=64, context_length=16, n_layer=1, n_head=2, d_model=32)


def weights(backend) -> dict[str, torch.Tensor]:
    return {k: v.clone() for k, v in backend.module.state_dict().items()}


def test_an_untrained_copy_is_the_same_while_another_thread_measures_training(small) -> None:
    """The server's warm-up measures a training step (it seeds torch's generator and draws a model) while a student's
    page draws the untrained model from its seed: the same weights every time, on both model kinds."""
    expected = weights(small.untrained(7))
    training_tokens_per_s(BUSY, 2, torch.device("cpu"), repeats=1, warmup=0)  # its imports, before the race
    stop, measured = threading.Event(), []

    def measure() -> None:
        while not stop.is_set():
            measured.append(training_tokens_per_s(BUSY, 2, torch.device("cpu"), repeats=1, warmup=0))

    busy = threading.Thread(target=measure)
    busy.start()
    drawn = []
    try:
        while len(measured) < 8 and len(drawn) < 500:
            drawn.append(weights(small.untrained(7)))
    finally:
        stop.set()
        busy.join()
    assert len(measured) >= 8, "the other thread ran beside the draws"
    for w in drawn:
        assert all(torch.equal(w[k], v) for k, v in expected.items())
