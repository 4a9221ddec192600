"""One example, one nudge: a single backpropagation step on one example, on a copy of the model.

The student sees the true next token's probability go up and the others go down.
The model passed in is never touched.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from explainer.i18n import _
from explainer.model.gpt import GPT


@dataclass
class Nudge:
    context_ids: list[int]  # what the model reads
    true_id: int  # the token that really came next
    before: torch.Tensor  # (V,) probabilities before the step
    after: torch.Tensor  # (V,) probabilities after the step
    lr: float

    @property
    def true_before(self) -> float:
        return float(self.before[self.true_id])

    @property
    def true_after(self) -> float:
        return float(self.after[self.true_id])

    @property
    def change(self) -> torch.Tensor:
        return self.after - self.before  # (V,)


def _next_probs(model: GPT, ctx: torch.Tensor) -> torch.Tensor:
    logits, _cache = model(ctx)  # (1, T, V)
    return logits[0, -1].float().softmax(-1)  # (V,)


def one_example_nudge(model: GPT, ids: list[int], lr: float = 0.05, max_halvings: int = 8) -> Nudge:
    """One plain-SGD step on -log p(ids[-1] | ids[:-1]), on a deep copy of `model`.

    A step that overshoots (the true token ends up less likely) is retried at half the size,
    up to max_halvings times; `Nudge.lr` is the step size used.
    """
    if len(ids) < 2:
        raise ValueError(_("An example needs at least two tokens: a context and the word that follows."))
    if lr <= 0:
        raise ValueError(_("The step size must be positive (got {lr}).").format(lr=lr))
    device = next(model.parameters()).device
    context, true_id = list(ids[:-1])[-model.cfg.context_length :], int(ids[-1])
    ctx = torch.tensor([context], dtype=torch.long, device=device)  # (1, T)
    copy_ = copy.deepcopy(model).float().eval()  # eval: no dropout, the same function the student sees
    copy_.zero_grad(set_to_none=True)  # a deep copy carries the training's last gradients
    logits, _cache = copy_(ctx)
    before = logits[0, -1].detach().softmax(-1).cpu()  # (V,)
    loss = F.cross_entropy(logits[0, -1:].float(), torch.tensor([true_id], device=device))
    loss.backward()
    params = [p for p in copy_.parameters() if p.grad is not None]
    start = [p.detach().clone() for p in params]
    with torch.no_grad():
        for _halving in range(max_halvings + 1):
            for p, w in zip(params, start):
                p.copy_(w - lr * p.grad)
            after = _next_probs(copy_, ctx).cpu()
            if after[true_id] > before[true_id]:
                break
            lr /= 2
    return Nudge(context, true_id, before, after, lr)


def example_windows(data, n_tokens: int, count: int, seed: int) -> list[list[int]]:
    """`count` random windows of n_tokens ids from the training part of `data` (a TrainingData)."""
    ids = data.train_ids
    if len(ids) <= n_tokens:
        return [ids.tolist()] if len(ids) >= 2 else []
    gen = torch.Generator().manual_seed(seed)
    starts = torch.randint(0, len(ids) - n_tokens, (count,), generator=gen)
    return [ids[s : s + n_tokens].tolist() for s in starts.tolist()]
