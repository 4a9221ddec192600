"""The Why GPUs page's reference run: the page's benchmark at every length its slider offers (the defaults), on the
hardware the page races on (one CPU thread, every core, a CUDA GPU when there is one), written with the machine's
description and load to assets/why_gpus_reference.json, which the page shows beside a student's live run. Run it on
a quiet machine:

    python -m bench.why_gpus_reference [--out FILE]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform

import torch

from explainer.analysis.parallel import REPEATS, noise_problem, race_hardware, run_parallel_bench
from explainer.config import WHY_GPUS_REFERENCE


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(WHY_GPUS_REFERENCE))
    args = parser.parse_args()
    load_before = os.getloadavg()
    results = [run_parallel_bench(device=hw.device, threads=hw.threads) for hw in race_hardware()]
    machine = {
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "torch": torch.__version__,
        "date": datetime.date.today().isoformat(),
        "load_before": round(load_before[0], 2),
        "load_after": round(os.getloadavg()[0], 2),
        "repeats": REPEATS,
    }
    for r in results:  # two decimals of a millisecond: a small file
        r.sequential_runs = [[round(t, 2) for t in runs] for runs in r.sequential_runs]
        r.parallel_runs = [[round(t, 2) for t in runs] for runs in r.parallel_runs]
    out = {"machine": machine, "results": [r.to_dict() for r in results]}
    with open(args.out, "w") as f:
        json.dump(out, f)
        f.write("\n")
    for r in results:
        pairs = ", ".join(f"{n}: {s:.1f} / {p:.1f} ms" for n, s, p in zip(r.lengths, r.sequential_ms, r.parallel_ms))
        print(f"{r.device}: {pairs} (one at a time / all at once), {r.seconds:.1f} s; noise: {noise_problem(r)}")
    print(f"load {machine['load_before']} -> {machine['load_after']}; wrote {args.out}")


if __name__ == "__main__":
    main()
