"""A step-able trainer: the page and the CLI both call `step(n)`.

It knows nothing about the UI: callers hook in with callbacks
(`on_step(trainer, loss)`, `on_eval(trainer, val_loss)`).
AdamW, linear warmup then cosine decay, gradient clipping, periodic
validation loss, bf16 autocast on CUDA, deterministic for a seed.

Speed (measured by `throughput.py`, beside a plain PyTorch loop): random
windows gathered with one indexing op, a fused AdamW, clipping on foreach kernels,
losses read back once per `step(n)` call, bf16 autocast for the matrix products on
CPUs with AMX bf16 units, and `torch.compile` when `TrainConfig.compile`
is set.
The state needed to resume exactly (optimizer tensors, step, RNG of the batch
sampler, history) comes out of `optimizer_state()` and goes back with
`load_optimizer_state()`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cache

import torch

from explainer.i18n import _
from explainer.model.gpt import GPT
from explainer.model.seeding import DRAWING


@cache
def cpu_has_bf16_matmul() -> bool:
    """True on CPUs with bf16 matrix instructions (Intel AMX, or AVX512-BF16 as on AMD EPYC Zen 4), where bf16
    autocast trains faster at the same loss per step (bench/time_to_loss.py, nanoGPT's CPU recipe on 2 cores: AMX
    1.38× the tokens/s; an AMD EPYC with AVX512-BF16 1.65×, its validation loss after 2,000 steps 1.898 vs 1.916)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = next((line for line in f if line.startswith("flags")), "").split()
    except OSError:
        return False
    return "amx_bf16" in flags or "avx512_bf16" in flags


def uses_bf16(device: torch.device, cpu_bf16: bool | None = None) -> bool:
    """Training runs in bf16 autocast on CUDA, and on the CPU when asked (None: when it has bf16 instructions)."""
    if device.type == "cpu":
        return cpu_bf16 if cpu_bf16 is not None else cpu_has_bf16_matmul()
    return device.type == "cuda"


def train_autocast(device: torch.device, cpu_bf16: bool | None = None):
    return torch.autocast(device_type=device.type, dtype=torch.bfloat16, enabled=uses_bf16(device, cpu_bf16))


@dataclass
class TrainConfig:
    steps: int = 1000
    batch_size: int = 32
    lr: float = 3e-3
    min_lr_ratio: float = 0.1  # cosine decays to lr * min_lr_ratio
    warmup: int = 100
    weight_decay: float = 0.1
    betas: tuple[float, float] = (0.9, 0.99)  # nanoGPT's for small models (bench/time_to_loss.py: 0.95 costs loss)
    grad_clip: float = 1.0
    eval_every: int = 200
    eval_batches: int = 8
    seed: int = 0
    compile: bool = False  # torch.compile the training forward (pays on CUDA; on the CPU only for long runs)
    compile_mode: str | None = None  # torch.compile's mode: None (default) or "reduce-overhead" (CUDA graphs)
    cpu_bf16: bool | None = None  # bf16 autocast on the CPU; None = when it has bf16 instructions (AMX, AVX512-BF16)
    track_updates: bool = True  # record last_update_norms on the last step of each step(n) call


@dataclass
class History:
    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    val_steps: list[int] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    update_steps: list[int] = field(default_factory=list)  # steps where the dials were read
    update_norms: dict[str, list[float]] = field(default_factory=dict)  # group -> ‖Δw‖/‖w‖ at those steps

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> History:
        lists = {k: list(d.get(k, [])) for k in cls.__dataclass_fields__ if k != "update_norms"}
        norms = {str(g): [float(v) for v in vs] for g, vs in dict(d.get("update_norms", {})).items()}
        return cls(**lists, update_norms=norms)


Callback = Callable[["Trainer", float], None]


def parameter_group(name: str) -> str:
    """The dials' grouping of a parameter name: embeddings, layer 1..L, final norm."""
    if name.startswith("blocks."):
        return f"layer {int(name.split('.')[1]) + 1}"
    if name.startswith("ln_f"):
        return "final norm"
    return "embeddings"


class Trainer:
    def __init__(
        self,
        model: GPT,
        train_ids: torch.Tensor,  # (N,) token ids
        val_ids: torch.Tensor | None,
        cfg: TrainConfig,
        device: torch.device | None = None,
        on_step: Callback | None = None,
        on_eval: Callback | None = None,
    ):
        self.cfg = cfg
        self.device = device or next(model.parameters()).device
        self.model = model.to(self.device)
        self.ctx = model.cfg.context_length
        if len(train_ids) < self.ctx + 2:
            raise ValueError(
                _("training text too short: {n_train_ids} tokens, need at least {ctx}").format(
                    n_train_ids=len(train_ids), ctx=self.ctx + 2
                )
            )
        self.train_ids = train_ids.cpu()  # kept in their own (compact) type: batches are made int64
        self.val_ids = val_ids.cpu() if val_ids is not None and len(val_ids) > self.ctx + 1 else None
        self._offsets = torch.arange(self.ctx + 1)  # (T+1,) window offsets
        self.on_step, self.on_eval = on_step, on_eval
        self.gen = torch.Generator().manual_seed(cfg.seed)
        with DRAWING:  # seeded for what draws from torch's generator while training (dropout)
            torch.manual_seed(cfg.seed)
        params = dict(model.named_parameters())
        self._params = list(params.values())  # for the clip: walking the modules costs ~0.1 ms a step
        decay = [p for n, p in params.items() if p.dim() >= 2]
        no_decay = [p for n, p in params.items() if p.dim() < 2]
        groups = [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}]
        try:  # one fused kernel per step (CUDA, and the CPU since torch 2.4)
            self.opt = torch.optim.AdamW(groups, lr=cfg.lr, betas=cfg.betas, fused=True)
        except (RuntimeError, ValueError, TypeError):  # older torch, MPS: the multi-tensor kernels
            self.opt = torch.optim.AdamW(groups, lr=cfg.lr, betas=cfg.betas, foreach=True)
        # the optimizer's parameter order (group by group) <-> names, for the state tensors
        ids = {id(p): n for n, p in params.items()}
        self._opt_names = [ids[id(p)] for g in self.opt.param_groups for p in g["params"]]
        self._groups: dict[str, list[torch.nn.Parameter]] = {}
        for n, p in params.items():
            self._groups.setdefault(parameter_group(n), []).append(p)
        self.forward = model
        if cfg.compile:
            self.enable_compile()
        self.step_count = 0
        self.tokens_seen = 0
        self.elapsed = 0.0  # seconds spent inside step()
        self.history = History()
        self.last_update_norms: dict[str, float] = {}

    def enable_compile(self) -> None:
        """torch.compile the training forward (any device). On the CPU it costs 20-40 s once and
        saves little per step (throughput.py), so only long CLI runs ask for it there."""
        self.forward = torch.compile(self.model, mode=self.cfg.compile_mode)  # shares the parameters with self.model

    def lr_at(self, step: int) -> float:
        c = self.cfg
        if step < c.warmup:
            return c.lr * (step + 1) / c.warmup
        progress = min(1.0, (step - c.warmup) / max(1, c.steps - c.warmup))
        return c.lr * (c.min_lr_ratio + (1 - c.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))

    def batch(self, ids: torch.Tensor, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Random windows: x (B, T), y (B, T) shifted by one."""
        starts = torch.randint(0, len(ids) - self.ctx - 1, (self.cfg.batch_size,), generator=gen)
        rows = ids[starts[:, None] + self._offsets].long()  # (B, T+1), one gather
        if self.device.type == "cuda":
            rows = rows.pin_memory().to(self.device, non_blocking=True)
        else:
            rows = rows.to(self.device)
        return rows[:, :-1], rows[:, 1:]

    @property
    def done(self) -> bool:
        return self.step_count >= self.cfg.steps

    def step(self, n: int = 1) -> list[float]:
        """Run up to n optimisation steps (fewer if the run ends); returns their losses.

        Without an on_step callback the losses are read back once per call, not once per
        step, so a GPU is never made to wait for the CPU inside the loop.
        """
        n = min(n, self.cfg.steps - self.step_count)
        losses: list[float] = []
        pending: list[torch.Tensor] = []  # () losses not yet read back
        self.model.train()
        for i in range(n):
            t0 = time.perf_counter()
            for g in self.opt.param_groups:
                g["lr"] = self.lr_at(self.step_count)
            x, y = self.batch(self.train_ids, self.gen)
            if self.cfg.compile_mode == "reduce-overhead":  # a new step for the CUDA graphs' memory
                torch.compiler.cudagraph_mark_step_begin()
            with train_autocast(self.device, self.cfg.cpu_bf16):
                _logits, loss = self.forward(x, y)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            if self.cfg.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(self._params, self.cfg.grad_clip, foreach=True)
            track = self.cfg.track_updates and i == n - 1
            before = self._snapshot() if track else None
            self.opt.step()
            if before is not None:
                self._record_update_norms(before)
            self.step_count += 1
            self.tokens_seen += x.numel()
            pending.append(loss.detach().clone())  # a copy: a CUDA graph's next replay reuses its output
            evaluate = self.val_ids is not None and (self.step_count % self.cfg.eval_every == 0 or self.done)
            if self.on_step or evaluate or i == n - 1:
                losses += self._read_back(pending)
            self.elapsed += time.perf_counter() - t0
            if self.on_step:
                self.on_step(self, losses[-1])
            if evaluate:
                val = self.evaluate()
                if self.on_eval:
                    self.on_eval(self, val)
                self.model.train()
        self.model.eval()
        return losses

    def _read_back(self, pending: list[torch.Tensor]) -> list[float]:
        """One device-to-host copy for the pending losses; they join the history in order."""
        values = torch.stack(pending).float().tolist()
        first = self.step_count - len(values) + 1
        self.history.steps += range(first, self.step_count + 1)
        self.history.train_loss += values
        pending.clear()
        return values

    # ------------------------------------------------------------------ the dials
    def _snapshot(self) -> dict[str, list[torch.Tensor]]:
        return {g: [p.detach().clone() for p in ps] for g, ps in self._groups.items()}

    @torch.no_grad()
    def _record_update_norms(self, before: dict[str, list[torch.Tensor]]) -> None:
        """‖Δw‖ / ‖w‖ per group for the step just taken."""
        norms = {}
        for g, ps in self._groups.items():
            delta = sum(float((p - b).float().pow(2).sum()) for p, b in zip(ps, before[g]))
            size = sum(float(b.float().pow(2).sum()) for b in before[g])
            norms[g] = math.sqrt(delta) / max(math.sqrt(size), 1e-12)
        self.last_update_norms = norms
        self.history.update_steps.append(self.step_count + 1)  # the step being taken
        for g, v in norms.items():
            self.history.update_norms.setdefault(g, []).append(v)

    @torch.no_grad()
    def evaluate(self) -> float:
        """Mean loss on fixed validation windows (same windows every time)."""
        self.model.eval()
        gen = torch.Generator().manual_seed(1234)
        losses = []
        for _batch in range(self.cfg.eval_batches):
            x, y = self.batch(self.val_ids, gen)
            with train_autocast(self.device, self.cfg.cpu_bf16):
                _logits, loss = self.model(x, y)
            losses.append(float(loss))
        val = sum(losses) / len(losses)
        self.history.val_steps.append(self.step_count)
        self.history.val_loss.append(val)
        return val

    @property
    def tokens_per_second(self) -> float:
        return self.tokens_seen / self.elapsed if self.elapsed else 0.0

    # ------------------------------------------------------------------ resume
    def optimizer_state(self) -> tuple[dict[str, torch.Tensor], dict]:
        """(tensors with flat names, safetensors-ready; JSON-able rest) — enough to resume exactly."""
        sd = self.opt.state_dict()
        tensors = {}
        for idx, state in sd["state"].items():
            name = self._opt_names[idx]
            for key, value in state.items():
                t = value if torch.is_tensor(value) else torch.tensor(value)
                tensors[f"{name}.{key}"] = t.detach().to("cpu").contiguous().clone()
        meta = {
            "step_count": self.step_count,
            "tokens_seen": self.tokens_seen,
            "elapsed": self.elapsed,
            "history": self.history.to_dict(),
            "batch_rng": self.gen.get_state().tolist(),
            "torch_rng": torch.get_rng_state().tolist(),
            "param_groups": [{k: v for k, v in g.items() if k != "params"} for g in sd["param_groups"]],
            "last_update_norms": self.last_update_norms,
        }
        return tensors, meta

    def load_optimizer_state(self, tensors: dict[str, torch.Tensor], meta: dict) -> None:
        """Restore what optimizer_state() returned; ValueError if it does not fit this model."""
        sd = self.opt.state_dict()
        state = {}
        for idx, name in enumerate(self._opt_names):
            keys = [k for k in tensors if k.startswith(name + ".") and "." not in k[len(name) + 1 :]]
            if keys:
                state[idx] = {k[len(name) + 1 :]: tensors[k] for k in keys}
        if state and len(state) != len(self._opt_names):
            raise ValueError(_("the optimizer state does not match this model"))
        groups = meta.get("param_groups") or []
        if len(groups) != len(sd["param_groups"]):
            raise ValueError(_("the optimizer state does not match this model"))
        param_groups = [{**g, "params": sd_g["params"]} for g, sd_g in zip(groups, sd["param_groups"])]
        try:
            self.opt.load_state_dict({"state": state, "param_groups": param_groups})
        except (ValueError, RuntimeError, KeyError) as e:
            raise ValueError(_("the optimizer state does not match this model ({e})").format(e=e)) from None
        self.step_count = int(meta["step_count"])
        self.tokens_seen = int(meta.get("tokens_seen", 0))
        self.elapsed = float(meta.get("elapsed", 0.0))
        self.history = History.from_dict(meta.get("history", {}))
        self.last_update_norms = dict(meta.get("last_update_norms", {}))
        if "batch_rng" in meta:
            self.gen.set_state(torch.tensor(meta["batch_rng"], dtype=torch.uint8))
        if "torch_rng" in meta:
            torch.set_rng_state(torch.tensor(meta["torch_rng"], dtype=torch.uint8))


def train_to_end(trainer: Trainer, chunk: int, after_chunk: Callable[[Trainer], None] | None = None) -> float:
    """The command line's loop (`llm-explainer train`, the built-in recipe): one step, then `chunk` steps a call
    (ending on multiples of `chunk`) until the run is done, `after_chunk` after each call. Returns the first
    step's seconds (with torch.compile, the compile time)."""
    t0 = time.perf_counter()
    trainer.step(1)
    first_step_s = time.perf_counter() - t0
    while not trainer.done:
        trainer.step(chunk - trainer.step_count % chunk)
        if after_chunk:
            after_chunk(trainer)
    return first_step_s
