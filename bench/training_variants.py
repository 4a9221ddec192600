"""Which engine settings pay on the CPU: each variant beside the plain PyTorch loop, alternating rounds.

Usage: LLM_EXPLAINER_THREADS=2 taskset -c 0,1 python -m bench.training_variants [--steps 40] [--rounds 3]
Prints one JSON object (tokens/s per variant, compile time). Measures; never passes or fails.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

import torch

from explainer.bench_training import CPU_BATCH, CPU_MODEL, Reference, _engine, char_data
from explainer.device import configure_threads
from explainer.model import GPTConfig


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--compile", action="store_true", help="also the compiled engine (a minute or more)")
    ap.add_argument("--profile", action="store_true", help="print the top operators of two variants")
    args = ap.parse_args()
    threads = configure_threads()
    ids, vocab = char_data()
    cfg = GPTConfig(vocab_size=vocab, **CPU_MODEL)
    cpu = torch.device("cpu")
    runners, first = {"reference": Reference(cfg, ids, CPU_BATCH, cpu).step}, {}
    variants = [
        ("engine_fp32", lambda: _engine(cfg, ids, CPU_BATCH, cpu, False, cpu_bf16=False)),
        ("engine_bf16", lambda: _engine(cfg, ids, CPU_BATCH, cpu, False, cpu_bf16=True)),
    ]
    if args.compile:
        variants.append(("engine_bf16_compiled", lambda: _engine(cfg, ids, CPU_BATCH, cpu, True, cpu_bf16=True)))
    for name, make in variants:
        tr = make()
        t0 = time.perf_counter()
        tr.step(1)
        first[name] = round(time.perf_counter() - t0, 2)
        tr.step(2)
        runners[name] = tr.step
    runners["reference"](2)
    times = {k: [] for k in runners}
    for _ in range(args.rounds):
        for k, fn in runners.items():
            t0 = time.perf_counter()
            fn(args.steps)
            times[k].append(time.perf_counter() - t0)
    tokens = args.steps * CPU_BATCH * cfg.context_length
    tps = {k: round(tokens / statistics.median(v)) for k, v in times.items()}
    ref = tps["reference"]
    out = {
        "torch": torch.__version__,
        "threads": threads,
        "tokens_per_s": tps,
        "ratio_to_reference": {k: round(v / ref, 2) for k, v in tps.items()},
        "first_step_s": first,
        "step_ms": {k: round(1000 * statistics.median(v) / args.steps, 2) for k, v in times.items()},
    }
    print(json.dumps(out, indent=1))
    if args.profile:
        from torch.profiler import profile

        for k in ("reference", "engine_bf16"):
            with profile() as prof:
                runners[k](5)
            print(k)
            print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12, max_name_column_width=40))


if __name__ == "__main__":
    main()
