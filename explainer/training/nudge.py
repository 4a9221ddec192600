"""One example, one nudge: a single backpropagation step on one example, on a copy of the model.

The student sees the true next token's probability go up a little and the others go down by as much together.
By default the step is calibrated: a plain gradient step whose size is chosen so that the true token gains
`SMALL_GAIN` (2 percentage points, or half of the room it has left), whatever the model and its gradients. A
larger learning rate is taken exactly as asked, overshoot included: that is what a too-big step does. The model
passed in is never touched.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from explainer.i18n import _
from explainer.model.gpt import GPT

SMALL_GAIN = 0.02  # the calibrated step's gain for the true token: 2 percentage points
LEARNING_RATES = (0.05, 0.2, 1.0)  # the bigger steps a student may ask for instead
_RESCALES, _HALVINGS = 6, 30  # the calibration's tries: rescaling toward the target, then halving


@dataclass
class Nudge:
    context_ids: list[int]  # what the model reads
    true_id: int  # the token that really came next
    before: torch.Tensor  # (V,) probabilities before the step
    after: torch.Tensor  # (V,) probabilities after the step
    lr: float  # the step size taken
    calibrated: bool  # True: the size was chosen for a small gain; False: the learning rate asked for

    @property
    def true_before(self) -> float:
        return float(self.before[self.true_id])

    @property
    def true_after(self) -> float:
        return float(self.after[self.true_id])

    @property
    def gain(self) -> float:
        """What the true token gained (negative: the step overshot)."""
        return self.true_after - self.true_before

    @property
    def change(self) -> torch.Tensor:
        return self.after - self.before  # (V,)

    @property
    def others_change(self) -> float:
        """Every other token's change added up: minus `gain` (the probabilities still sum to one)."""
        change = self.change.double()
        return float(change.sum() - change[self.true_id])


def _next_probs(model: GPT, ctx: torch.Tensor) -> torch.Tensor:
    logits, _cache = model(ctx)  # (1, T, V)
    return logits[0, -1].double().softmax(-1)  # (V,) in double: the changes add up to zero to 1e-12


def one_example_nudge(model: GPT, ids: list[int], lr: float | None = None, gain: float = SMALL_GAIN) -> Nudge:
    """One plain-SGD step on -log p(ids[-1] | ids[:-1]), on a deep copy of `model`.

    lr None: the calibrated step, sized so that the true token gains `gain` (at most half of 1 - p before);
    otherwise every parameter moves by exactly `lr` times its gradient, however far that takes the true token."""
    if len(ids) < 2:
        raise ValueError(_("An example needs at least two tokens: a context and the word that follows."))
    if lr is not None and not lr > 0:
        raise ValueError(_("The step size must be positive (got {lr}).").format(lr=lr))
    device = next(model.parameters()).device
    context, true_id = list(ids[:-1])[-model.cfg.context_length :], int(ids[-1])
    ctx = torch.tensor([context], dtype=torch.long, device=device)  # (1, T)
    copy_ = copy.deepcopy(model).float().eval()  # eval: no dropout, the same function the student sees
    copy_.zero_grad(set_to_none=True)  # a deep copy carries the training's last gradients
    logits, _cache = copy_(ctx)
    before = logits[0, -1].detach().double().softmax(-1)  # (V,)
    loss = F.cross_entropy(logits[0, -1:].float(), torch.tensor([true_id], device=device))
    loss.backward()
    params = [p for p in copy_.parameters() if p.grad is not None]
    start = [p.detach().clone() for p in params]

    @torch.no_grad()
    def step(size: float) -> torch.Tensor:
        for p, w in zip(params, start):
            p.copy_(w - size * p.grad)
        return _next_probs(copy_, ctx)

    if lr is not None:
        return Nudge(context, true_id, before.cpu(), step(lr).cpu(), lr, calibrated=False)
    grad_sq = sum(float(p.grad.double().pow(2).sum()) for p in params)
    size, after = _calibrated_step(step, before, true_id, gain, grad_sq)
    return Nudge(context, true_id, before.cpu(), after.cpu(), size, calibrated=True)


def _calibrated_step(
    step, before: torch.Tensor, true_id: int, gain: float, grad_sq: float
) -> tuple[float, torch.Tensor]:
    """The step size whose gain for the true token is positive and at most the target, close to it. The first
    guess is first order: a step of size lr along minus the gradient g of -log p changes p by about lr * p * |g|^2;
    then the size is rescaled by target / gain measured (the gain is not quite linear), and halved until the
    gain is within (0, target]."""
    p0 = float(before[true_id])
    target = min(gain, (1.0 - p0) / 2)
    size = target / max(p0 * grad_sq, 1e-30)
    for _rescale in range(_RESCALES):
        probs = step(size)
        g = float(probs[true_id]) - p0
        if 0.8 * target <= g <= target:
            return size, probs
        size *= min(4.0, max(0.25, target / g)) if g > 0 else 0.25
    for _halving in range(_HALVINGS):
        if 0 < g <= target:
            return size, probs
        size /= 2
        probs = step(size)
        g = float(probs[true_id]) - p0
    return (size, probs) if 0 < g <= target else (0.0, before)


def example_windows(
    data, n_tokens: int, count: int, seed: int, wanted: Callable[[int], bool] | None = None
) -> list[list[int]]:
    """`count` random windows of n_tokens ids from the training part of `data` (a TrainingData). `wanted(id)`: whether
    a window may end on that token (a letter or a word, not a space or a full stop, is a clearer word to guess);
    windows that end otherwise are drawn only when too few end on a wanted token."""
    ids = data.train_ids
    if len(ids) <= n_tokens:
        return [ids.tolist()] if len(ids) >= 2 else []
    gen = torch.Generator().manual_seed(seed)
    starts = torch.randint(0, len(ids) - n_tokens, (count * (8 if wanted else 1),), generator=gen).tolist()
    if wanted:  # those that end on a wanted token first, each group in the order drawn
        starts = sorted(starts, key=lambda s: not wanted(int(ids[s + n_tokens - 1])))[:count]
    return [ids[s : s + n_tokens].tolist() for s in starts]
