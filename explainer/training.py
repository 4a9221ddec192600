"""A step-able trainer: the page and the CLI both call `step(n)`.

It knows nothing about the UI: callers hook in with callbacks
(`on_step(trainer, loss)`, `on_eval(trainer, val_loss)`).
AdamW, linear warmup then cosine decay, gradient clipping, periodic
validation loss, bf16 autocast on CUDA, deterministic for a seed.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from .device import autocast
from .model import GPT


@dataclass
class TrainConfig:
    steps: int = 1000
    batch_size: int = 32
    lr: float = 3e-3
    min_lr_ratio: float = 0.1  # cosine decays to lr * min_lr_ratio
    warmup: int = 100
    weight_decay: float = 0.1
    grad_clip: float = 1.0
    eval_every: int = 200
    eval_batches: int = 8
    seed: int = 0


@dataclass
class History:
    steps: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    val_steps: list[int] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)


Callback = Callable[["Trainer", float], None]


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
            raise ValueError(f"training text too short: {len(train_ids)} tokens, need at least {self.ctx + 2}")
        self.train_ids = train_ids.long()
        self.val_ids = val_ids.long() if val_ids is not None and len(val_ids) > self.ctx + 1 else None
        self.on_step, self.on_eval = on_step, on_eval
        self.gen = torch.Generator().manual_seed(cfg.seed)
        torch.manual_seed(cfg.seed)
        decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
        no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
        self.opt = torch.optim.AdamW(
            [{"params": decay, "weight_decay": cfg.weight_decay}, {"params": no_decay, "weight_decay": 0.0}],
            lr=cfg.lr,
            betas=(0.9, 0.95),
        )
        self.step_count = 0
        self.tokens_seen = 0
        self.elapsed = 0.0  # seconds spent inside step()
        self.history = History()

    def lr_at(self, step: int) -> float:
        c = self.cfg
        if step < c.warmup:
            return c.lr * (step + 1) / c.warmup
        progress = min(1.0, (step - c.warmup) / max(1, c.steps - c.warmup))
        return c.lr * (c.min_lr_ratio + (1 - c.min_lr_ratio) * 0.5 * (1 + math.cos(math.pi * progress)))

    def batch(self, ids: torch.Tensor, gen: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Random windows: x (B, T), y (B, T) shifted by one."""
        starts = torch.randint(0, len(ids) - self.ctx - 1, (self.cfg.batch_size,), generator=gen)
        rows = torch.stack([ids[s : s + self.ctx + 1] for s in starts.tolist()])  # (B, T+1)
        return rows[:, :-1].to(self.device), rows[:, 1:].to(self.device)

    @property
    def done(self) -> bool:
        return self.step_count >= self.cfg.steps

    def step(self, n: int = 1) -> list[float]:
        """Run up to n optimisation steps (fewer if the run ends); returns their losses."""
        losses = []
        self.model.train()
        for _ in range(n):
            if self.done:
                break
            t0 = time.perf_counter()
            for g in self.opt.param_groups:
                g["lr"] = self.lr_at(self.step_count)
            x, y = self.batch(self.train_ids, self.gen)
            with autocast(self.device):
                _, loss = self.model(x, y)
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            if self.cfg.grad_clip > 0:
                torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.cfg.grad_clip)
            self.opt.step()
            value = loss.detach().item()
            self.step_count += 1
            self.tokens_seen += x.numel()
            self.elapsed += time.perf_counter() - t0
            self.history.steps.append(self.step_count)
            self.history.train_loss.append(value)
            losses.append(value)
            if self.on_step:
                self.on_step(self, value)
            if self.val_ids is not None and (self.step_count % self.cfg.eval_every == 0 or self.done):
                val = self.evaluate()
                if self.on_eval:
                    self.on_eval(self, val)
                self.model.train()
        self.model.eval()
        return losses

    @torch.no_grad()
    def evaluate(self) -> float:
        """Mean loss on fixed validation windows (same windows every time)."""
        self.model.eval()
        gen = torch.Generator().manual_seed(1234)
        losses = []
        for _ in range(self.cfg.eval_batches):
            x, y = self.batch(self.val_ids, gen)
            with autocast(self.device):
                _, loss = self.model(x, y)
            losses.append(float(loss))
        val = sum(losses) / len(losses)
        self.history.val_steps.append(self.step_count)
        self.history.val_loss.append(val)
        return val

    @property
    def tokens_per_second(self) -> float:
        return self.tokens_seen / self.elapsed if self.elapsed else 0.0
