"""Forward hooks on a shared model, for the calling thread's passes only: parts of a model switched off, and vectors
of the residual stream taken from another text (activation patching).

A part switched off (an ablation) adds nothing to the residual stream: a layer's attention or feed-forward output is
zero, or one head's slice of what enters the attention's output projection is zero (the projection's bias, no head's
own, stays). The model is never changed: the hooks are added for one forward pass, act on that thread's pass alone,
and are removed after it. Every row of a batch can switch off other parts, so one pass tries many.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import torch
import torch.nn as nn


def first_output(output):
    """A module's output, or the first of its outputs (blocks and attentions return tuples in some models)."""
    return output[0] if isinstance(output, tuple) else output


def with_first(output, first: torch.Tensor):
    """`output` with `first` in place of its first output (a tuple's first item, or the tensor itself)."""
    return (first, *output[1:]) if isinstance(output, tuple) else first


def mine(record: Callable) -> Callable:
    """A hook that runs `record` for the calling thread's forward passes only: the hooks sit on the shared model, so
    another thread's pass (another student, a background analysis) runs them too."""
    me = threading.get_ident()
    return lambda *args: record(*args) if threading.get_ident() == me else None


@dataclass(frozen=True)
class Off:
    """Parts of a model switched off (layers and heads counted from 0)."""

    attention: frozenset[int] = frozenset()  # layers whose attention adds nothing
    feed_forward: frozenset[int] = frozenset()  # layers whose feed-forward network adds nothing
    heads: frozenset[tuple[int, int]] = frozenset()  # (layer, head): that head writes nothing


@dataclass(frozen=True)
class Sublayers:
    """One layer's parts that can be switched off: the modules whose outputs are added to the residual stream, and
    the attention's output projection, whose input holds the heads side by side (None: heads cannot be)."""

    attention: nn.Module
    feed_forward: nn.Module
    out_proj: nn.Module | None


@contextmanager
def switched_off(layers: list[Sublayers], offs: list[Off], n_head: int, device: torch.device) -> Iterator[None]:
    """While open, this thread's forward passes of a batch of len(offs) rows run row i with offs[i] switched off."""
    N, L = len(offs), len(layers)
    keep_attn = torch.tensor([[i not in o.attention for i in range(L)] for o in offs], device=device)  # (N, L)
    keep_ff = torch.tensor([[i not in o.feed_forward for i in range(L)] for o in offs], device=device)
    keep_head = torch.ones(N, L, n_head, dtype=torch.bool, device=device)  # (N, L, H)
    for row, o in enumerate(offs):
        for layer, head in o.heads:
            keep_head[row, layer, head] = False

    def times(out, keep: torch.Tensor):  # (N, T, D) output, or a tuple that starts with it; keep (N,)
        return with_first(out, first_output(out) * keep.view(N, 1, 1).to(first_output(out).dtype))

    hooks = []
    try:
        for i, layer in enumerate(layers):
            a, f, h = keep_attn[:, i], keep_ff[:, i], keep_head[:, i]
            if not a.all():
                hooks.append(layer.attention.register_forward_hook(mine(lambda m, x, out, a=a: times(out, a))))
            if not f.all():
                hooks.append(layer.feed_forward.register_forward_hook(mine(lambda m, x, out, f=f: times(out, f))))
            if not h.all() and layer.out_proj is not None:  # (Backend.next_token_logits_off checks it is there)

                def heads(m, x, h=h):  # x[0]: (N, T, H*hs), the heads side by side
                    mask = h.repeat_interleave(x[0].shape[-1] // n_head, dim=1).to(x[0].dtype)  # (N, H*hs)
                    return (x[0] * mask[:, None, :], *x[1:])

                hooks.append(layer.out_proj.register_forward_pre_hook(mine(heads)))
        yield
    finally:
        for hook in hooks:
            hook.remove()


@contextmanager
def patched(blocks: list[nn.Module], rows: list[tuple[int, int]], source: torch.Tensor) -> Iterator[None]:
    """While open, this thread's forward passes of a batch of len(rows) rows run row i with one vector of the
    residual stream taken from another text: rows[i] = (depth, position), depth 0 the vector entering the first block
    (embedding + position), depth d the one leaving block d; source (L + 1, T, D) that text's residual stream (its
    `_residuals`). The blocks after it read the patched vector as their own."""
    depth = torch.tensor([d for d, _p in rows])
    pos = torch.tensor([p for _d, p in rows])

    def put(h: torch.Tensor, d: int) -> torch.Tensor:  # h (N, T, D) at depth d
        which = (depth == d).nonzero().flatten()
        h = h.clone()
        h[which.to(h.device), pos[which].to(h.device)] = source[d, pos[which]].to(h.device, h.dtype)
        return h

    def entering(m, args, kwargs):  # the first block's input: positional in our model, a keyword in some others
        if args:
            return (put(args[0], 0), *args[1:]), kwargs
        return args, {**kwargs, "hidden_states": put(kwargs["hidden_states"], 0)}

    present = set(depth.tolist())
    hooks = []
    try:
        if 0 in present:
            hooks.append(blocks[0].register_forward_pre_hook(mine(entering), with_kwargs=True))
        for d in range(1, len(blocks) + 1):
            if d in present:
                leaving = mine(lambda m, x, out, d=d: with_first(out, put(first_output(out), d)))
                hooks.append(blocks[d - 1].register_forward_hook(leaving))
        yield
    finally:
        for hook in hooks:
            hook.remove()
