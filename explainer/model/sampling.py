"""Turning next-token logits into a choice: temperature, top-k, top-p, sampling.

Pure functions on 1-D CPU tensors; the maths runs in float64 so that extreme
logits and temperatures still give a valid distribution.
"""

from __future__ import annotations

import math
import secrets

import torch
from torch import Tensor

from explainer.i18n import _
from explainer.model.sampling_params import SamplingParams, check_seed


def _check_logits(logits: Tensor) -> Tensor:
    if logits.dim() != 1 or logits.numel() == 0:
        raise ValueError(
            _("expected a non-empty 1-D tensor of logits, got shape {tuple}").format(tuple=tuple(logits.shape))
        )
    x = logits.detach().to("cpu", torch.float64)
    if torch.isnan(x).any() or (x == math.inf).any():
        raise ValueError(_("logits contain NaN or +inf"))
    if (x == -math.inf).all():
        raise ValueError(_("every logit is -inf: no token can be chosen"))
    return x


def keep_mask(logits: Tensor, top_k: int = 0, top_p: float = 1.0) -> Tensor:
    """(V,) bool: the tokens that survive top-k, then top-p.

    Top-p looks at softmax(logits), renormalised over the top-k survivors: pass
    logits already divided by the temperature. Ties go to the lower index. The
    most likely token always survives; top_k >= V keeps every (finite) token.
    """
    SamplingParams(top_k=top_k, top_p=top_p).validate()
    top_k = int(top_k)
    x = _check_logits(logits)
    order = torch.sort(x, descending=True, stable=True).indices
    n = top_k or x.numel()  # slicing past the end keeps all
    if top_p < 1.0:
        probs = torch.softmax(x[order[:n]], dim=0)
        before = torch.cumsum(probs, dim=0) - probs  # probability of the more likely ones
        n = int((before < top_p).sum())  # >= 1, since before[0] == 0
    mask = torch.zeros(x.numel(), dtype=torch.bool)
    mask[order[:n]] = True
    return mask & (x > -math.inf)  # a -inf logit never survives


def distribution(logits: Tensor, params: SamplingParams) -> Tensor:
    """(V,) float32 probabilities the next token is actually drawn from (one row of `distributions`)."""
    _check_logits(logits)
    return distributions(logits.unsqueeze(0), params)[0]


def distributions(logits: Tensor, params: SamplingParams) -> Tensor:
    """(B, V) -> (B, V) float32: the probabilities each row's next token is drawn from: temperature, then top-k, then
    top-p renormalised over the top-k survivors (as `keep_mask`); ties go to the lower index, a -inf logit never
    survives, T = 0 is the first maximum."""
    params.validate()
    if logits.dim() != 2 or logits.numel() == 0:
        raise ValueError(
            _("expected a non-empty 2-D tensor of logits, got shape {tuple}").format(tuple=tuple(logits.shape))
        )
    x = logits.detach().to("cpu", torch.float64)  # (B, V)
    if torch.isnan(x).any() or (x == math.inf).any():
        raise ValueError(_("logits contain NaN or +inf"))
    if (x == -math.inf).all(-1).any():
        raise ValueError(_("every logit is -inf: no token can be chosen"))
    rows = torch.arange(x.shape[0])
    if params.temperature == 0:
        out = torch.zeros(x.shape, dtype=torch.float32)
        out[rows, torch.argmax(x, -1)] = 1.0  # the first maximum, as in `distribution`
        return out
    z = (x - x.max(-1, keepdim=True).values) / params.temperature  # (B, V) <= 0, 0 at each row's max
    if (params.top_k == 0 or params.top_k >= z.shape[1]) and params.top_p >= 1.0:  # nothing cut: no sort
        return torch.softmax(z, dim=-1).to(torch.float32)
    order = torch.sort(z, dim=-1, descending=True, stable=True).indices[:, : int(params.top_k) or z.shape[1]]  # (B, n)
    kept = torch.ones(order.shape, dtype=torch.bool)
    if params.top_p < 1.0:
        probs = torch.softmax(z.gather(-1, order), dim=-1)
        before = torch.cumsum(probs, dim=-1) - probs  # probability of the more likely ones, per row
        kept = torch.arange(order.shape[1]) < (before < params.top_p).sum(-1, keepdim=True)
    mask = torch.zeros(z.shape, dtype=torch.bool).scatter_(-1, order, kept) & (z > -math.inf)
    return torch.softmax(z.masked_fill(~mask, -math.inf), dim=-1).to(torch.float32)


def sample(probs: Tensor, generator: torch.Generator | None = None) -> int:
    """Draw one token id from `probs` (as returned by `distribution`). Without a generator of its own, a certain
    choice (temperature 0: every greedy reply) is taken without a draw from torch's shared one, which other
    threads seed for their weights (explainer/model/seeding.py)."""
    p = probs.detach().cpu().float()
    if generator is None and int(torch.count_nonzero(p)) == 1:
        return int(p.argmax())
    return int(torch.multinomial(p, 1, generator=generator))


def make_generator(seed: int | None = None) -> tuple[torch.Generator, int]:
    """(CPU generator, the seed it was given); a random seed when `seed` is None,
    so that the UI can show it and the run can be repeated."""
    if seed is None:
        seed = secrets.randbits(32)
    check_seed(seed)
    gen = torch.Generator(device="cpu")
    gen.manual_seed(int(seed))
    return gen, int(seed)


def entropy_bits(probs: Tensor) -> float:
    """Shannon entropy in bits; 0 for a certain choice, log2(V) for a uniform one."""
    p = probs.detach().to("cpu", torch.float64)
    p = p[p > 0]
    return float(-(p * torch.log2(p)).sum())
