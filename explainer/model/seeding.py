"""Weights drawn from a seed are the same whatever other threads do. A server runs every student's page and every
training in threads of one process, and torch has one default random generator for all of them: a model's first
weights drawn from a seed came out different when another thread seeded that generator, or drew from it, in the
middle of the draw (the Meaning page's untrained model beside the server's warm-up measuring a training step).

Every place that seeds torch's generator, or draws a model's weights from it, holds `DRAWING` while it does; the
draws that must repeat run inside `seeded`. (Batches and seeded sampling draw from generators of their own; a
greedy choice draws nothing: model/sampling.py.)"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import torch

DRAWING = threading.RLock()


@contextmanager
def seeded(seed: int, devices: Sequence[torch.device | int | str] = ()) -> Iterator[None]:
    """Inside: torch's default generator seeded with `seed`, and no other thread seeding it or drawing weights from
    it; after: its state as before (and that of the CUDA `devices`' generators)."""
    with DRAWING, torch.random.fork_rng(devices=list(devices)):
        torch.manual_seed(seed)
        yield
