"""A small decoder-only GPT in the nanoGPT style, with an optional trace and an optional KV cache.

Two attention paths compute the same numbers:
- fast: `scaled_dot_product_attention`, used for training and plain prediction;
- traced: explicit softmax(QK^T/sqrt(d))V that also records what happened inside
  (attention probabilities, the residual stream around every sublayer, the
  feed-forward activations, each head's output at the last position), which the
  pages turn into pictures.
Generation passes a `KVCache`: each layer keeps the keys and values of the tokens read so far, so that a new
token costs one position instead of the whole context.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import torch
import torch.nn as nn
import torch.nn.functional as F

from explainer.format import number
from explainer.i18n import _
from explainer.model.loss import linear_cross_entropy


@dataclass
class GPTConfig:
    vocab_size: int = 3000
    context_length: int = 128
    n_layer: int = 4
    n_head: int = 4
    d_model: int = 128
    dropout: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> GPTConfig:
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        return cls(**known)

    def n_params(self) -> int:
        """Parameters of GPT(self), by formula (nothing allocated): tied embeddings count once."""
        D, L = self.d_model, self.n_layer
        block = 12 * D * D + 13 * D  # qkv 3D²+3D, proj D²+D, fc 4D²+4D, proj 4D²+D, two LayerNorms 4D
        return self.vocab_size * D + self.context_length * D + L * block + 2 * D


@dataclass(frozen=True)
class SizeLimits:
    """How big a model from outside (a checkpoint, a zip, a run folder) may be, checked before any tensor exists."""

    vocab_size: int = 1_000_000
    context_length: int = 32_768
    n_layer: int = 128
    n_head: int = 128
    d_model: int = 16_384
    params: int = 2_000_000_000  # 8 GB of float32


ANY_SIZE = SizeLimits()  # the command line's: the user's own machine


def checked_config(d: object, limits: SizeLimits = ANY_SIZE) -> GPTConfig:
    """A GPTConfig from untrusted JSON, or ValueError saying what is wrong: whole numbers in range,
    heads that divide the width, a parameter count within the limit (by formula: nothing is built)."""
    if not isinstance(d, dict):
        raise ValueError(_("the model settings must be a JSON object"))
    values = {}
    for name in ("vocab_size", "context_length", "n_layer", "n_head", "d_model"):
        v, hi = d.get(name), getattr(limits, name)
        if type(v) is not int:  # bool, float, str, None are all refused
            raise ValueError(_("{name} must be a whole number (got {v!r:.40})").format(name=name, v=v))
        if not 1 <= v <= hi:
            raise ValueError(
                _("{name} must be between 1 and {hi} (got {v})").format(name=name, hi=number(hi), v=number(v))
            )
        values[name] = v
    dropout = d.get("dropout", 0.0)
    if type(dropout) not in (int, float) or not 0 <= dropout < 1:
        raise ValueError(_("dropout must be a number from 0 to below 1 (got {dropout!r:.40})").format(dropout=dropout))
    if values["d_model"] % values["n_head"]:
        raise ValueError(
            _("n_head ({values}) must divide d_model ({values2})").format(
                values=values["n_head"], values2=values["d_model"]
            )
        )
    cfg = GPTConfig(**values, dropout=float(dropout))
    if cfg.n_params() > limits.params:
        raise ValueError(
            _("{n_params} parameters is more than the {params} allowed here").format(
                n_params=number(cfg.n_params()), params=number(limits.params)
            )
        )
    return cfg


@dataclass
class Trace:
    """Everything recorded during one traced forward pass (batch of one).

    Lists have one entry per layer. Shapes: T tokens, D model width, H heads.
    """

    attentions: list[torch.Tensor] = field(default_factory=list)  # (H, T, T)
    resid_pre: list[torch.Tensor] = field(default_factory=list)  # (T, D) into the block
    resid_mid: list[torch.Tensor] = field(default_factory=list)  # (T, D) after attention
    resid_post: list[torch.Tensor] = field(default_factory=list)  # (T, D) after feed-forward
    mlp_hidden: list[torch.Tensor] = field(default_factory=list)  # (T, 4D) after GELU
    # (H, D) what each head writes into the residual stream at the LAST position (its slice of the output projection,
    # without the projection's bias): the heads plus that bias add up to resid_mid - resid_pre there
    head_out: list[torch.Tensor] = field(default_factory=list)
    final: torch.Tensor | None = None  # (T, D) after the final LayerNorm
    logits: torch.Tensor | None = None  # (T, V)


class KVCache:
    """Keys and values of every layer for the tokens read so far; the next call reads only the new tokens."""

    def __init__(self, n_layer: int):
        self.keys: list[torch.Tensor | None] = [None] * n_layer  # (B, nh, T, hs) each
        self.values: list[torch.Tensor | None] = [None] * n_layer
        self.length = 0  # tokens held

    def extend(self, layer: int, k: torch.Tensor, v: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The layer's keys and values with the new ones (B, nh, T_new, hs) appended."""
        if self.keys[layer] is not None:
            k, v = torch.cat([self.keys[layer], k], 2), torch.cat([self.values[layer], v], 2)
        self.keys[layer], self.values[layer] = k, v
        return k, v

    def repeat(self, n: int) -> None:
        """Every row n times (a prompt read once, then continued in n different ways)."""
        self.keys = [None if k is None else k.repeat_interleave(n, 0) for k in self.keys]
        self.values = [None if v is None else v.repeat_interleave(n, 0) for v in self.values]


class CausalSelfAttention(nn.Module):
    def __init__(self, cfg: GPTConfig, layer: int = 0):
        super().__init__()
        assert cfg.d_model % cfg.n_head == 0, "d_model must be divisible by n_head"
        self.layer = layer  # its place in a KVCache
        self.n_head = cfg.n_head
        self.qkv = nn.Linear(cfg.d_model, 3 * cfg.d_model)
        self.proj = nn.Linear(cfg.d_model, cfg.d_model)
        self.dropout = cfg.dropout  # on the attention weights (inside the fused kernel)
        self.resid_drop = nn.Dropout(cfg.dropout)  # on the output, as GPT-2 and nanoGPT do

    def forward(self, x: torch.Tensor, trace: Trace | None = None, cache: KVCache | None = None) -> torch.Tensor:
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        # (B, nh, T, hs)
        q, k, v = (t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2) for t in (q, k, v))
        if cache is not None and cache.length:  # earlier tokens come from the cache: (B, nh, past + T, hs)
            k, v = cache.extend(self.layer, k, v)
            past = cache.length
            mask = None if T == 1 else torch.ones(T, past + T, dtype=torch.bool, device=x.device).tril(past)
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
            return self.resid_drop(self.proj(y.transpose(1, 2).contiguous().view(B, T, C)))
        if cache is not None:
            cache.extend(self.layer, k, v)
        if trace is None:
            p = self.dropout if self.training else 0.0
            if q.device.type == "cpu" and q.dtype != x.dtype:  # CPU bf16 autocast: attention is faster in fp32
                with torch.autocast("cpu", enabled=False):
                    y = F.scaled_dot_product_attention(q.float(), k.float(), v.float(), is_causal=True, dropout_p=p)
            else:
                y = F.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p=p)
        else:
            att = (q @ k.transpose(-2, -1)) / math.sqrt(k.size(-1))  # (B, nh, T, T)
            mask = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
            att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
            trace.attentions.append(att[0].detach())
            y = att @ v  # (B, nh, T, hs)
            w = self.proj.weight.view(C, self.n_head, C // self.n_head)  # (D out, nh, hs)
            trace.head_out.append(torch.einsum("hs,dhs->hd", y[0, :, -1], w).detach())  # (nh, D)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_drop(self.proj(y))


class MLP(nn.Module):
    def __init__(self, cfg: GPTConfig):
        super().__init__()
        self.fc = nn.Linear(cfg.d_model, 4 * cfg.d_model)
        self.proj = nn.Linear(4 * cfg.d_model, cfg.d_model)
        self.drop = nn.Dropout(cfg.dropout)

    def forward(self, x: torch.Tensor, trace: Trace | None = None) -> torch.Tensor:
        h = F.gelu(self.fc(x))  # (B, T, 4D)
        if trace is not None:
            trace.mlp_hidden.append(h[0].detach())
        return self.drop(self.proj(h))


class Block(nn.Module):
    def __init__(self, cfg: GPTConfig, layer: int = 0):
        super().__init__()
        self.ln1 = nn.LayerNorm(cfg.d_model)
        self.attn = CausalSelfAttention(cfg, layer)
        self.ln2 = nn.LayerNorm(cfg.d_model)
        self.mlp = MLP(cfg)

    def forward(self, x: torch.Tensor, trace: Trace | None = None, cache: KVCache | None = None) -> torch.Tensor:
        if trace is not None:
            trace.resid_pre.append(x[0].detach())
        x = x + self.attn(self.ln1(x), trace, cache)
        if trace is not None:
            trace.resid_mid.append(x[0].detach())
        x = x + self.mlp(self.ln2(x), trace)
        if trace is not None:
            trace.resid_post.append(x[0].detach())
        return x


class GPT(nn.Module):
    def __init__(self, cfg: GPTConfig, init: bool = True):
        """init=False: the weights are left unset (they come from a file): `GPT(cfg, init=False)` under
        `torch.device("meta")` allocates nothing and draws nothing (drawing meta tensors imports torch._dynamo,
        seconds on a page's first visit)."""
        super().__init__()
        self.cfg = cfg
        V, C, D = cfg.vocab_size, cfg.context_length, cfg.d_model
        unset = lambda n: {} if init else {"_weight": torch.empty(n, D)}  # noqa: E731
        self.tok_emb = nn.Embedding(V, D, **unset(V))
        self.pos_emb = nn.Embedding(C, D, **unset(C))
        self.drop = nn.Dropout(cfg.dropout)
        self.blocks = nn.ModuleList(Block(cfg, i) for i in range(cfg.n_layer))
        self.ln_f = nn.LayerNorm(D)
        if not init:
            return
        self.apply(self._init_weights)
        # GPT-2 style: scale the residual projections down with depth
        for name, p in self.named_parameters():
            if name.endswith("proj.weight"):
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * cfg.n_layer))

    @staticmethod
    def _init_weights(m: nn.Module) -> None:
        if isinstance(m, nn.Linear):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)
            nn.init.zeros_(m.bias)
        elif isinstance(m, nn.Embedding):
            nn.init.normal_(m.weight, mean=0.0, std=0.02)

    def n_params(self) -> int:
        # tied embeddings count once; positions count
        return sum(p.numel() for p in self.parameters())

    def unembed(self, h: torch.Tensor) -> torch.Tensor:
        """Final LayerNorm + tied unembedding: (..., D) residual -> (..., V) logits."""
        return self.ln_f(h) @ self.tok_emb.weight.T

    def final_hidden(self, tok: torch.Tensor, trace: Trace | None = None, cache: KVCache | None = None) -> torch.Tensor:
        """Token embeddings (B, T, D) -> the vectors after the final LayerNorm (B, T, D): the model from its input
        embeddings on (positions added here), so that gradients can be taken with respect to them.
        With a `cache`, the tokens come after those it holds (positions go on from there); it keeps them too."""
        T = tok.shape[1]
        start = cache.length if cache is not None else 0
        if start + T > self.cfg.context_length:
            raise ValueError(
                _("sequence of {start} tokens exceeds the context of {context_length}").format(
                    start=start + T, context_length=self.cfg.context_length
                )
            )
        pos = torch.arange(start, start + T, device=tok.device)
        x = self.drop(tok + self.pos_emb(pos))  # (B, T, D)
        for block in self.blocks:
            x = block(x, trace, cache)
        if cache is not None:
            cache.length += T
        return self.ln_f(x)

    def forward(
        self,
        idx: torch.Tensor,
        targets: torch.Tensor | None = None,
        trace: Trace | None = None,
        cache: KVCache | None = None,
    ) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        """idx (B, T) token ids -> logits (B, T, V), or with targets (training) None and the mean cross-entropy,
        computed without the full logits (explainer/model/loss.py). With a `cache`, idx are the tokens after those it
        holds (positions go on from there); it keeps them too."""
        x = self.final_hidden(self.tok_emb(idx), trace, cache)  # (B, T, D)
        if targets is not None:  # weights tied with the embedding
            return None, linear_cross_entropy(x.reshape(-1, x.size(-1)), self.tok_emb.weight, targets.reshape(-1))
        logits = x @ self.tok_emb.weight.T  # (B, T, V)
        if trace is not None:
            trace.final = x[0].detach()
            trace.logits = logits[0].detach()
        return logits, None
