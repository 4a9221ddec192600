"""How fast training runs, measured one way: `training_tokens_per_s` times a fresh model on random tokens. On it
rest the size cards' estimates (a step's fixed cost and the machine's operations per second, from two small models
timed once per process: `estimate_tokens_per_s`) and the `bench` figures; `compare` puts the engine beside a plain
PyTorch loop of the same model (issue 5's figure).

The reference is the loop a student writes from a tutorial: our GPT class, plain AdamW,
batches stacked from Python slices, no schedule, no clipping, no loss read back per step.
The engine is `Trainer` as the CLI runs it (warmup + cosine, clipping, the loss
read every step, the dials once per slice). Both train the same character-level model on the
same text in this process, in alternating rounds, so a busy machine slows both alike.
Returns plain dicts; it measures, it never passes or fails.
"""

from __future__ import annotations

import statistics
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import torch

from explainer.model.device import configure_threads, device_label, pick_device, timed
from explainer.model.gpt import GPT, GPTConfig
from explainer.model.seeding import DRAWING
from explainer.training.data import prepare_data
from explainer.training.spec import PRESETS, RunSpec
from explainer.training.text import load_text
from explainer.training.trainer import TrainConfig, Trainer, uses_bf16

CALIBRATION = (RunSpec.from_preset("tiny"), RunSpec.from_preset("small"))  # the size cards' estimates rest on these
CPU_MODEL = {f: getattr(PRESETS["small"], f) for f in ("n_layer", "n_head", "d_model", "context_length")}
CPU_BATCH = PRESETS["small"].batch_size
GPU_MODEL = dict(n_layer=6, n_head=6, d_model=384, context_length=256)
GPU_BATCH = 64
LR = 1e-3


# ----------------------------------------------------------------------------- one measurement
def training_tokens_per_s(
    cfg: GPTConfig, batch_size: int, device: torch.device, steps: int = 1, repeats: int = 3, warmup: int = 1, **train
) -> float:
    """Training tokens per second of a fresh model of `cfg` on random tokens: the best of `repeats` timings of
    `steps` steps, after `warmup` steps (each timing reads the losses back: a GPU's queued work is inside)."""
    with DRAWING:  # random tokens and weights: the values do not matter, but they may not spoil a seeded draw
        data = torch.randint(0, cfg.vocab_size, (batch_size * (cfg.context_length + 1) * 4,))
        model = GPT(cfg)
    tcfg = TrainConfig(steps=10**9, batch_size=batch_size, warmup=1, **train)
    tr = Trainer(model, data, None, tcfg, device=device)
    tr.step(warmup)
    best = min(timed(lambda: tr.step(steps), tr.device) for _ in range(repeats))
    return steps * batch_size * cfg.context_length / best


def flops_per_token(spec: RunSpec, vocab_size: int) -> float:
    """Training operations per token (forward + backward): 6 per parameter plus attention (nanoGPT's estimate)."""
    L, H, T = spec.n_layer, spec.n_head, spec.context_length
    return 6 * spec.model_config(vocab_size).n_params() + 12 * L * H * (spec.d_model // H) * T


@dataclass(frozen=True)
class MachineRate:
    """A training step's time here: a fixed cost (launching each operation, the optimizer's loop over the
    parameters), plus its operations at the machine's rate. A tiny model is all fixed cost, a big one all operations:
    operations alone made the tiny size's estimate 1.7× too fast (125,000 tokens/s against 75,000 measured)."""

    step_s: float  # seconds of every step, whatever its size
    flops: float  # training operations per second

    def tokens_per_s(self, spec: RunSpec, vocab_size: int) -> float:
        tokens = spec.batch_size * spec.context_length
        return tokens / (self.step_s + tokens * flops_per_token(spec, vocab_size) / self.flops)


@lru_cache(maxsize=4)
def machine_rate(device: str = "cpu", vocab_size: int = 128) -> MachineRate:
    """This machine's training rate, measured once per process on two small models (the tiny and the small sizes:
    a few steps each, well under a second): the two unknowns of `MachineRate` from their two step times. Measured
    noise that makes either unknown negative leaves the operations alone, from the bigger model."""
    dev = pick_device(device)
    times = []
    for spec in CALIBRATION:
        tokens = spec.batch_size * spec.context_length
        rate = training_tokens_per_s(spec.model_config(vocab_size), spec.batch_size, dev, track_updates=False)
        times.append((tokens * flops_per_token(spec, vocab_size), tokens / rate))  # (operations, seconds) a step
    (f1, t1), (f2, t2) = times
    flops = (f2 - f1) / (t2 - t1) if t2 > t1 else 0.0
    step_s = t1 - f1 / flops if flops > 0 else -1.0
    return MachineRate(step_s, flops) if step_s >= 0 else MachineRate(0.0, f2 / t2)


def estimate_tokens_per_s(spec: RunSpec, vocab_size: int, device: str = "cpu") -> float:
    """Training tokens/s of this size here, from its operations per token and the machine's measured rate
    (no model of this size is built: a student may ask for one far too big to train)."""
    return machine_rate(device).tokens_per_s(spec, vocab_size)


# ----------------------------------------------------------------------------- the engine beside a plain loop
def char_data() -> tuple[torch.Tensor, int]:
    """The built-in corpus as character ids: (ids (N,), vocabulary size)."""
    data = prepare_data(load_text("builtin"), "char")
    return data.train_ids.long(), data.tokenizer.vocab_size


def _model(cfg: GPTConfig, device: torch.device, seed: int = 0) -> GPT:
    with DRAWING:  # the reference's batches follow from the seed too (torch.randint in its loop)
        torch.manual_seed(seed)
        return GPT(cfg).to(device)


class Reference:
    """The tutorial loop, kept as plain as a student would write it."""

    def __init__(self, cfg: GPTConfig, data: torch.Tensor, batch: int, device: torch.device):
        self.model, self.data, self.batch, self.device = _model(cfg, device), data, batch, device
        self.ctx = cfg.context_length
        self.opt = torch.optim.AdamW(self.model.parameters(), lr=LR)
        self.model.train()

    def step(self, n: int) -> None:
        T = self.ctx
        for _ in range(n):
            ix = torch.randint(len(self.data) - T - 1, (self.batch,))
            x = torch.stack([self.data[i : i + T] for i in ix]).to(self.device)  # (B, T)
            y = torch.stack([self.data[i + 1 : i + T + 1] for i in ix]).to(self.device)
            _, loss = self.model(x, y)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()


def _engine(
    cfg: GPTConfig, data: torch.Tensor, batch: int, device: torch.device, compile: bool, cpu_bf16: bool | None = None
) -> Trainer:
    tcfg = TrainConfig(steps=10**9, batch_size=batch, lr=LR, warmup=100, compile=compile, cpu_bf16=cpu_bf16)
    return Trainer(_model(cfg, device), data, None, tcfg, device=device)


def compare(
    model: dict, batch: int, device: torch.device, steps: int = 5, rounds: int = 12, compile: bool = False,
    data: tuple[torch.Tensor, int] | None = None, slices: bool = True, cpu_bf16: bool | None = None,
) -> dict:  # fmt: skip
    """Tokens/s of the engine and the reference on one model: `rounds` alternating chunks of `steps`
    steps each, the median chunk of each (short chunks, so a busy machine slows both alike)."""
    ids, vocab = data or char_data()
    cfg = GPTConfig(vocab_size=vocab, **model)
    ref = Reference(cfg, ids, batch, device)
    eng = _engine(cfg, ids, batch, device, compile, cpu_bf16)
    ref.step(2)  # warm-up
    with _cold_compile():
        first_step_s = timed(lambda: eng.step(1), device)  # the compile, if any, happens here
    eng.step(2)
    tokens = steps * batch * cfg.context_length
    ref_s, eng_s, slice_s = [], [], []
    for _ in range(rounds):
        ref_s.append(timed(lambda: ref.step(steps), device))
        eng_s.append(timed(lambda: eng.step(steps), device))
        if slices:  # the page: one step per call, the dials recorded after each
            slice_s.append(timed(lambda: [eng.step(1) for _ in range(steps)], device))
    ref_tps, eng_tps = tokens / statistics.median(ref_s), tokens / statistics.median(eng_s)
    out = {
        "model": f"{cfg.n_layer} layers, {cfg.n_head} heads, width {cfg.d_model}, context {cfg.context_length}, "
        f"batch {batch}, vocabulary {vocab} (characters)",
        "parameters": eng.model.n_params(),
        "device": device_label(device),
        "precision": "bf16 autocast" if uses_bf16(eng.device, eng.cfg.cpu_bf16) else "fp32",
        "compiled": compile,
        "reference_tokens_per_s": round(ref_tps),
        "engine_tokens_per_s": round(eng_tps),
        "ratio": round(eng_tps / ref_tps, 2),
        "first_step_s": round(first_step_s, 2),
    }
    if slice_s:
        out["engine_page_slices_tokens_per_s"] = round(tokens / statistics.median(slice_s))
    if compile:
        out["compile_s"] = round(max(0.0, first_step_s - statistics.median(eng_s) / steps), 1)
    return out


@contextmanager
def _cold_compile():
    """Compile from scratch (no cached kernels), so the compile time printed is the real one."""
    try:
        import torch._inductor.config as inductor

        old, inductor.force_disable_caches = inductor.force_disable_caches, True
    except (ImportError, AttributeError):
        yield
        return
    try:
        yield
    finally:
        inductor.force_disable_caches = old


def bench_cpu(steps: int = 5, rounds: int = 12, compile: bool = False, cpu_bf16: bool | None = None) -> dict:
    """The issue's CPU figure: 4 layers, 4 heads, width 128, context 64, batch 12, characters.
    cpu_bf16: None = the engine's default (bf16 autocast where the CPU has bf16 units)."""
    threads = configure_threads()
    out = compare(CPU_MODEL, CPU_BATCH, torch.device("cpu"), steps, rounds, compile, cpu_bf16=cpu_bf16)
    return {"threads": threads, **out}


def bench_gpu(steps: int = 10, rounds: int = 6) -> dict | None:
    """6 layers, 6 heads, width 384, context 256 on CUDA (engine: bf16, compiled); None without CUDA."""
    if not torch.cuda.is_available():
        return None
    return compare(GPU_MODEL, GPU_BATCH, torch.device("cuda"), steps, rounds, compile=True, slices=False)


def bench_training(quick: bool = False) -> dict:
    """Every training figure: CPU eager (what the page runs), the same in fp32 (to show what bf16 gives),
    CPU compiled (the CLI on long runs), GPU (when CUDA is present)."""
    rounds = 4 if quick else 12
    out = {"cpu": bench_cpu(rounds=rounds)}
    if not quick and out["cpu"]["precision"] != "fp32":
        out["cpu_fp32"] = bench_cpu(rounds=rounds, cpu_bf16=False)
    if not quick:
        try:
            out["cpu_compiled"] = bench_cpu(rounds=rounds, compile=True)
        except Exception as e:  # no C++ compiler, an unsupported platform: say so, keep the rest
            out["cpu_compiled"] = {"error": f"{type(e).__name__}: {str(e).splitlines()[0][:200]}"}
    gpu = bench_gpu(rounds=3 if quick else 6)
    if gpu is not None:
        out["gpu"] = gpu
    return out


def format_training(out: dict) -> str:
    lines = []
    keys = [("cpu", "CPU"), ("cpu_fp32", "CPU, fp32"), ("cpu_compiled", "CPU, compiled"), ("gpu", "GPU, compiled")]
    for key, label in keys:
        r = out.get(key)
        if not r:
            continue
        if "error" in r:
            lines.append(f"{label}: not measured ({r['error']})")
            continue
        lines.append(f"{label}: {r['model']} ({r['parameters']:,} parameters) on {r['device']}, {r['precision']}")
        lines.append(
            f"  engine {r['engine_tokens_per_s']:,} tokens/s, plain PyTorch loop {r['reference_tokens_per_s']:,} "
            f"tokens/s: {r['ratio']:.2f}x"
        )
        if "engine_page_slices_tokens_per_s" in r:
            lines.append(f"  engine one step per call (the page): {r['engine_page_slices_tokens_per_s']:,} tokens/s")
        if "compile_s" in r:
            lines.append(f"  compile time {r['compile_s']} s (first step {r['first_step_s']} s)")
    return "\n".join(lines)
