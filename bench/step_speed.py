"""Where a training step's time goes (issue 18): nanoGPT's loop and our engine, and variants of the engine, at one
recipe's sizes, the same random tokens for all; tokens/s by turns, and a profile of a few steps of each.

The time-to-loss benchmark (`bench/time_to_loss.py`) says how fast each side reaches a loss; this one says why one
is faster per token, in a few minutes, so that one lent GPU session can decide what the engine does by default:
- `engine`: `llm-explainer train` as it is (compiled, bf16 on CUDA);
- `engine-graphs`: its forward and backward replayed as CUDA graphs (`TrainConfig.compile_mode="reduce-overhead"`);
- `engine-no-bias`: the engine's model with its biases removed, as nanoGPT's recipe has none (a diagnosis only);
- `reference`: nanoGPT's loop (`bench/nanogpt_reference.py`).
The profile gives, per step: the wall time, the time the GPU spent in kernels and how many it ran (on the CPU: the
time in torch's operators). A step whose kernels take far less than its wall time waits on the CPU (Python
and launches), and CUDA graphs are then what makes it faster.

    python -m bench.step_speed --recipe gpu            # on a CUDA machine: nanoGPT's GPU recipe, every variant
    python -m bench.step_speed --recipe cpu --variants engine,reference --steps 20
"""

from __future__ import annotations

import argparse
import json
import statistics

import torch

from bench.nanogpt_reference import RefGPT, RefTrainer
from bench.time_to_loss import EXTRA, RECIPES, own_lr
from explainer.model.device import configure_threads, device_label, pick_device, timed
from explainer.model.gpt import GPT, GPTConfig
from explainer.training.trainer import TrainConfig, Trainer

VARIANTS = ("reference", "engine", "engine-graphs", "engine-no-bias")
VOCAB = 65  # tinyshakespeare's characters: the speed does not depend on which tokens they are


def without_biases(model: torch.nn.Module) -> torch.nn.Module:
    """The model with every Linear and LayerNorm bias removed (in place): nanoGPT's `bias=False`."""
    for m in model.modules():
        if isinstance(m, torch.nn.Linear | torch.nn.LayerNorm) and m.bias is not None:
            m.register_parameter("bias", None)
    return model


def trainer(variant: str, recipe: str, ids: torch.Tensor, dev: torch.device, steps: int):
    """A fresh trainer of one variant, with `steps` steps in its schedule."""
    r, extra = RECIPES[recipe], EXTRA[recipe]
    torch.manual_seed(0)
    if variant == "reference":
        model = RefGPT(VOCAB, r["context_length"], r["n_layer"], r["n_head"], r["d_model"], extra["dropout"])
        return RefTrainer(model, ids, steps=steps, batch_size=r["batch_size"], context=r["context_length"], lr=r["lr"],
                          device=dev, compile=extra["compile"], log_interval=extra["log_interval"])  # fmt: skip
    cfg = GPTConfig(VOCAB, r["context_length"], r["n_layer"], r["n_head"], r["d_model"], extra["dropout"])
    model = without_biases(GPT(cfg)) if variant == "engine-no-bias" else GPT(cfg)
    mode = "reduce-overhead" if variant == "engine-graphs" else None
    train = TrainConfig(steps=steps, batch_size=r["batch_size"], lr=own_lr(r), compile=extra["compile"],
                        compile_mode=mode, track_updates=False)  # fmt: skip
    return Trainer(model, ids, None, train, dev)


def profile(tr, dev: torch.device, steps: int) -> dict:
    """Per step: wall ms; on a GPU the ms its kernels (and copies) ran and how many there were, on the CPU the
    operators' own ms; the eight names that took most."""
    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    gpu = dev.type == "cuda"
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if gpu else [])
    with torch_profile(activities=activities) as prof:
        wall = timed(lambda: tr.step(steps), dev)
    if gpu:
        kernels = [e for e in prof.events() if e.device_type == torch.autograd.DeviceType.CUDA]
        spent = [(e.name, e.time_range.elapsed_us()) for e in kernels]
    else:
        spent = [(e.key, e.self_cpu_time_total) for e in prof.key_averages() if e.key.startswith("aten::")]
    top: dict[str, float] = {}
    for name, us in spent:
        top[name[:80]] = top.get(name[:80], 0.0) + us
    return {
        "wall_ms_per_step": round(wall * 1e3 / steps, 3),
        ("kernel_ms_per_step" if gpu else "operator_ms_per_step"): round(sum(top.values()) / 1e3 / steps, 3),
        **({"kernels_per_step": round(len(spent) / steps, 1)} if gpu else {}),
        "top_ms_per_step": {k: round(v / 1e3 / steps, 3) for k, v in sorted(top.items(), key=lambda kv: -kv[1])[:8]},
    }


def run(recipe: str = "gpu", variants: tuple[str, ...] = VARIANTS, steps: int = 50, rounds: int = 5,
        warmup: int = 10, profile_steps: int = 10, device: str | None = None) -> dict:  # fmt: skip
    """Every variant warmed up (compiled), then `rounds` turns of `steps` steps each, the order turning each round."""
    dev = pick_device(device or ("cuda" if recipe == "gpu" else "cpu"))
    if dev.type == "cpu":
        configure_threads()
    r = RECIPES[recipe]
    tokens = r["batch_size"] * r["context_length"]
    ids = torch.randint(0, VOCAB, (1_000_000,), generator=torch.Generator().manual_seed(0)).to(torch.int16)
    total = warmup + rounds * steps + profile_steps
    trainers, first_s = {}, {}
    for v in variants:
        trainers[v] = trainer(v, recipe, ids, dev, total)
        first_s[v] = round(timed(lambda t=trainers[v]: t.step(warmup), dev), 2)  # compiling is in it
    seconds = {v: [] for v in variants}
    for k in range(rounds):
        for v in variants if k % 2 == 0 else variants[::-1]:
            seconds[v].append(timed(lambda t=trainers[v]: t.step(steps), dev))
    speed = {v: round(tokens * steps / statistics.median(s)) for v, s in seconds.items()}
    base = speed.get("reference")
    return {
        "recipe": recipe,
        "device": device_label(dev),
        "torch": torch.__version__,
        "model": {k: r[k] for k in ("n_layer", "n_head", "d_model", "context_length", "batch_size")},
        "tokens_per_s": speed,
        "vs_reference": {v: round(s / base, 3) for v, s in speed.items()} if base else None,
        "warmup_seconds": first_s,
        "profile": {v: profile(t, dev, profile_steps) for v, t in trainers.items()},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--recipe", choices=list(RECIPES), default="gpu")
    ap.add_argument("--variants", default=",".join(VARIANTS), help=f"comma-separated, of {', '.join(VARIANTS)}")
    ap.add_argument("--steps", type=int, default=50, help="steps per turn")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--device", help="cpu, cuda, ... (default: cuda for the GPU recipe)")
    args = ap.parse_args()
    variants = tuple(v.strip() for v in args.variants.split(",") if v.strip())
    if unknown := [v for v in variants if v not in VARIANTS]:
        ap.error(f"unknown variant {unknown[0]!r}: choose from {', '.join(VARIANTS)}")
    print(json.dumps(run(args.recipe, variants, args.steps, args.rounds, device=args.device)))


if __name__ == "__main__":
    main()
