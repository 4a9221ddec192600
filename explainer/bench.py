"""Benchmarks that print figures (never pass/fail on time)."""

from __future__ import annotations

import statistics
import time

import torch

from .backends import Backend
from .model import GPT
from .sampling import SamplingParams, make_generator
from .training import TrainConfig, Trainer


def _median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def next_token_latency_ms(backend: Backend, n_tokens: int = 64, repeats: int = 50) -> float:
    """Median time for one next-token distribution on an n-token prompt."""
    gen = torch.Generator().manual_seed(0)
    n = min(n_tokens, backend.info.context_length)
    ids = torch.randint(0, backend.info.vocab_size, (n,), generator=gen).tolist()
    for _ in range(3):  # warm-up
        backend.next_token_logits(ids)
    return _median_ms(lambda: backend.next_token_logits(ids).softmax(-1), repeats)


def generation_tokens_per_s(backend: Backend, n_new: int = 64) -> float:
    ids = backend.encode("Once upon a time")
    gen, _ = make_generator(0)
    params = SamplingParams(temperature=1.0)
    list(backend.generate(ids, 4, params, gen))  # warm-up
    t0 = time.perf_counter()
    n = sum(1 for _ in backend.generate(ids, n_new, params, gen))
    return n / (time.perf_counter() - t0)


def training_tokens_per_s(model: GPT, device: torch.device, steps: int = 10, batch_size: int = 32) -> float:
    """Throughput of the trainer on random tokens, on a fresh copy of the architecture."""
    fresh = GPT(model.cfg).to(device)
    v, t = model.cfg.vocab_size, model.cfg.context_length
    data = torch.randint(0, v, (batch_size * (t + 1) * 4,), generator=torch.Generator().manual_seed(0))
    tr = Trainer(fresh, data, None, TrainConfig(steps=steps + 2, batch_size=batch_size, warmup=1), device=device)
    tr.step(2)  # warm-up
    tr.tokens_seen, tr.elapsed = 0, 0.0
    tr.step(steps)  # reads the losses back at the end: the GPU's work is inside the time
    return tr.tokens_per_second


def run_bench(backend: Backend, quick: bool = False) -> dict:
    """Every figure for one model, as a flat dict."""
    rows = {
        "model": backend.info.name,
        "device": backend.info.device,
        "parameters": backend.info.n_params,
        "next_token_ms_64": round(next_token_latency_ms(backend, repeats=10 if quick else 50), 2),
        "generate_tokens_per_s": round(generation_tokens_per_s(backend, 16 if quick else 64), 1),
    }
    model = getattr(backend, "model", None)
    if isinstance(model, GPT):
        rows["train_tokens_per_s"] = round(training_tokens_per_s(model, backend.device, steps=3 if quick else 10))
    return rows
