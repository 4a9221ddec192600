"""Benchmarks of one model at work (figures to print; never pass/fail on time): the next-token distribution's
latency, generation token by token (with the KV cache, and reading the whole context for every token, in one run),
the sampling page's "run 20 times", and the trainer's throughput on the model's architecture."""

from __future__ import annotations

import time

import torch

from explainer.backends.base import Backend
from explainer.generation.next_token import sample_runs
from explainer.generation.script import build_script
from explainer.model.device import measure
from explainer.model.gpt import GPT
from explainer.model.sampling import SamplingParams, distribution, make_generator, sample
from explainer.training.throughput import training_tokens_per_s


def next_token_latency_ms(backend: Backend, n_tokens: int = 64, min_run_time: float = 0.5) -> float:
    """Median time for one next-token distribution on an n-token prompt (torch.utils.benchmark, after a warm-up)."""
    gen = torch.Generator().manual_seed(0)
    n = min(n_tokens, backend.info.context_length)
    ids = torch.randint(0, backend.info.vocab_size, (n,), generator=gen).tolist()
    return 1000 * measure(lambda: backend.next_token_logits(ids).softmax(-1), min_run_time).median


def generation_tokens_per_s(backend: Backend, n_new: int = 64) -> float:
    ids = backend.encode("Once upon a time")
    gen, _ = make_generator(0)
    params = SamplingParams(temperature=1.0)
    list(backend.generate(ids, 4, params, gen))  # warm-up
    t0 = time.perf_counter()
    n = sum(1 for _ in backend.generate(ids, n_new, params, gen))
    return n / (time.perf_counter() - t0)


def full_context_tokens_per_s(backend: Backend, n_new: int = 64) -> float:
    """Generation as it was before the KV cache: the whole context read again for every token."""
    ids = backend.encode("Once upon a time")
    gen, _ = make_generator(0)
    params = SamplingParams(temperature=1.0)
    t0 = time.perf_counter()
    for _ in range(n_new):
        ids.append(sample(distribution(backend.next_token_logits(ids), params), gen))
    return n_new / (time.perf_counter() - t0)


def many_runs_ms(backend: Backend, temperature: float = 3.0, runs: int = 20, words: int = 8, repeats: int = 3) -> float:
    """The sampling page's "run 20 times" (the fox story's opening, its default 8 words a run): median ms."""
    text = build_script([], "Tell me a short story about a fox.") + " Once upon a time, there was a"
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        sample_runs(backend, text, SamplingParams(temperature), runs, words)
        times.append(1000 * (time.perf_counter() - t0))
    return sorted(times)[len(times) // 2]


def run_bench(backend: Backend, quick: bool = False) -> dict:
    """Every figure for one model, as a flat dict."""
    n_new = 16 if quick else 64
    rows = {
        "model": backend.info.name,
        "device": backend.info.device,
        "parameters": backend.info.n_params,
        "next_token_ms_64": round(next_token_latency_ms(backend, min_run_time=0.1 if quick else 0.5), 2),
        "generate_tokens_per_s": round(generation_tokens_per_s(backend, n_new), 1),
        "generate_full_context_tokens_per_s": round(full_context_tokens_per_s(backend, n_new), 1),
        "run_20_times_t3_ms": round(many_runs_ms(backend), 1),
        "run_20_times_t3_20_words_ms": round(many_runs_ms(backend, words=20), 1),
    }
    model = getattr(backend, "model", None)
    if isinstance(model, GPT):  # the trainer on a fresh copy of the architecture, batches of 32
        steps = 3 if quick else 10
        rows["train_tokens_per_s"] = round(
            training_tokens_per_s(model.cfg, 32, backend.device, steps=steps, repeats=1, warmup=2)
        )
    return rows
