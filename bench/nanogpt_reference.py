"""nanoGPT's training loop, rewritten here to be measured beside our engine (issue 18), not vendored.

What it reproduces of karpathy/nanoGPT (`train.py`, `model.py`, `config/train_shakespeare_char.py`):
- the model: pre-LayerNorm blocks without biases (its default `bias=False`), GELU MLP of width 4D, learned
  positions, output weights tied to the token embedding, N(0, 0.02) init with the residual projections at
  0.02 / sqrt(2 L), dropout where asked (its GPU recipe: 0.2, its CPU recipe: 0);
- the optimizer: AdamW, betas (0.9, 0.99) (its small-model config), weight decay 0.1 on the 2-D parameters only,
  fused on CUDA; gradients clipped at 1.0;
- the schedule: linear warmup over 100 steps from lr/(warmup+1), cosine down to min_lr (lr / 10) at the last step;
- the batches: random windows stacked from per-row numpy slices (`get_batch`), the loss read back every
  `log_interval` steps (its README's CPU command: 1; its GPU config: 10, and each read waits for the GPU), bf16
  autocast on CUDA only (float32 on the CPU), `torch.compile` when asked.
Its data come from the caller (our split and character ids, the same for both), so that both models see the same
text and are scored on the same validation windows.
"""

from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class RefAttention(nn.Module):
    def __init__(self, d: int, n_head: int, dropout: float):
        super().__init__()
        self.c_attn, self.c_proj = nn.Linear(d, 3 * d, bias=False), nn.Linear(d, d, bias=False)
        self.n_head, self.dropout = n_head, dropout
        self.resid_drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in self.c_attn(x).split(C, 2))
        p = self.dropout if self.training else 0.0
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=p)  # (B, nh, T, hs)
        return self.resid_drop(self.c_proj(y.transpose(1, 2).contiguous().view(B, T, C)))


class RefBlock(nn.Module):
    def __init__(self, d: int, n_head: int, dropout: float):
        super().__init__()
        self.ln_1, self.ln_2 = nn.LayerNorm(d, bias=False), nn.LayerNorm(d, bias=False)
        self.attn = RefAttention(d, n_head, dropout)
        self.c_fc, self.c_proj = nn.Linear(d, 4 * d, bias=False), nn.Linear(4 * d, d, bias=False)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x + self.attn(self.ln_1(x))
        return x + self.drop(self.c_proj(F.gelu(self.c_fc(self.ln_2(x)))))


class RefGPT(nn.Module):
    def __init__(self, vocab: int, context: int, n_layer: int, n_head: int, d: int, dropout: float = 0.0):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(vocab, d), nn.Embedding(context, d)
        self.drop = nn.Dropout(dropout)
        self.h = nn.ModuleList(RefBlock(d, n_head, dropout) for _ in range(n_layer))
        self.ln_f = nn.LayerNorm(d, bias=False)
        self.lm_head = nn.Linear(d, vocab, bias=False)
        self.wte.weight = self.lm_head.weight  # tied
        for m in self.modules():
            if isinstance(m, nn.Linear | nn.Embedding):
                nn.init.normal_(m.weight, mean=0.0, std=0.02)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))

    def forward(self, idx: torch.Tensor, targets: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        T = idx.shape[1]
        x = self.drop(self.wte(idx) + self.wpe(torch.arange(T, device=idx.device)))  # (B, T, D)
        for block in self.h:
            x = block(x)
        logits = self.lm_head(self.ln_f(x))  # (B, T, V)
        return logits, F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)


class RefTrainer:
    """nanoGPT's loop, a `step(n)` at a time (so that it can take turns with our engine)."""

    def __init__(
        self,
        model: RefGPT,
        train_ids: torch.Tensor,
        *,
        steps: int,
        batch_size: int,
        context: int,
        device: torch.device,
        lr: float = 1e-3,
        warmup: int = 100,
        compile: bool = False,
        seed: int = 0,
        log_interval: int = 1,
    ):
        self.model, self.device = model.to(device), device
        self.data = train_ids.numpy().astype(np.uint16)  # nanoGPT's train.bin
        self.steps, self.batch_size, self.context, self.log_interval = steps, batch_size, context, log_interval
        self.lr, self.min_lr, self.warmup = lr, lr / 10, warmup
        params = [p for p in model.parameters() if p.requires_grad]
        groups = [
            {"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.1},
            {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0},
        ]
        self.opt = torch.optim.AdamW(groups, lr=lr, betas=(0.9, 0.99), fused=device.type == "cuda" or None)
        self.forward = torch.compile(model) if compile else model
        self.autocast = torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda")
        self.gen = torch.Generator().manual_seed(seed)
        self.step_count = 0
        self.losses: list[float] = []

    def lr_at(self, it: int) -> float:
        if it < self.warmup:
            return self.lr * (it + 1) / (self.warmup + 1)
        if it > self.steps:
            return self.min_lr
        coeff = 0.5 * (1.0 + math.cos(math.pi * (it - self.warmup) / (self.steps - self.warmup)))
        return self.min_lr + coeff * (self.lr - self.min_lr)

    def batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        d, T = self.data, self.context
        ix = torch.randint(len(d) - T, (self.batch_size,), generator=self.gen)
        x = torch.stack([torch.from_numpy(d[i : i + T].astype(np.int64)) for i in ix])
        y = torch.stack([torch.from_numpy(d[i + 1 : i + 1 + T].astype(np.int64)) for i in ix])
        if self.device.type == "cuda":
            return x.pin_memory().to(self.device, non_blocking=True), y.pin_memory().to(self.device, non_blocking=True)
        return x.to(self.device), y.to(self.device)

    @property
    def done(self) -> bool:
        return self.step_count >= self.steps

    def step(self, n: int) -> None:
        self.model.train()
        for _ in range(min(n, self.steps - self.step_count)):
            for g in self.opt.param_groups:
                g["lr"] = self.lr_at(self.step_count)
            x, y = self.batch()
            with self.autocast:
                _, loss = self.forward(x, y)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(self.model.parameters(), 1.0)
            self.opt.step()
            self.opt.zero_grad(set_to_none=True)
            if self.step_count % self.log_interval == 0:
                self.losses.append(loss.item())  # the GPU's queue drains here
            self.step_count += 1
