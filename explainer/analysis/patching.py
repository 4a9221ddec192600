"""Activation patching (causal tracing): which vector carries the answer, layer by layer. Two texts of one length
that the model answers differently ("…the capital of France is" → Paris, "…of Japan is" → Tokyo): one vector of the
first text's residual stream at a time, at one depth and one position, is replaced by the second text's. Where the
answer turns to the second text's, that one vector carried what made the difference; elsewhere it did not."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from explainer.analysis.switch_off import SWEEP_FLOPS
from explainer.backends.base import Backend
from explainer.backends.spec import BackendError
from explainer.i18n import _

MAX_COLUMNS = 12  # positions tried: from the first word the texts differ in to the end, at most this many (the last)
CARRIES = 0.5  # a vector carries the answer when taking it alone makes the other text's word likelier than not


@dataclass(frozen=True)
class PatchMap:
    """The first text's answer and the second's, and the second's word's probability with each vector swapped in."""

    clean_token: int  # the model's word after the first text
    source_token: int  # the model's word after the second text
    clean_on: float  # P(clean_token | first text)
    source_on: float  # P(source_token | second text)
    positions: list[int]  # the positions tried (the map's columns)
    probs: np.ndarray  # (L + 1, P) P(source_token | first text, with that one vector from the second)

    def carriers(self) -> list[tuple[int, int, float]]:
        """(depth, position, probability) at each depth where one vector alone turns the answer: the position
        whose vector does it most."""
        out = []
        for depth, row in enumerate(self.probs):
            column = int(row.argmax())
            if row[column] > CARRIES:
                out.append((depth, self.positions[column], float(row[column])))
        return out


def columns(ids: list[int], source_ids: list[int], most: int = MAX_COLUMNS) -> list[int]:
    """The positions worth trying: from the first one where the two texts differ to the end (a vector before it is
    the same in both texts: the model reads only the words before), at most the last `most`."""
    first = next(i for i, (a, b) in enumerate(zip(ids, source_ids)) if a != b)
    return list(range(max(first, len(ids) - most), len(ids)))


def can_patch(backend: Backend, n_tokens: int, n_columns: int) -> bool:
    """Whether trying every vector of the last `n_columns` positions at every depth stays within the sweep's cost:
    each row reads those positions (the tokens before them are read once, `next_token_logits_patched`)."""
    rows = (backend.info.n_layer + 1) * n_columns
    return 2.0 * backend.info.n_params * (rows * min(n_columns, n_tokens) + n_tokens) <= SWEEP_FLOPS


@torch.inference_mode()
def patch_map(backend: Backend, ids: list[int], source_ids: list[int]) -> PatchMap:
    """Every vector of the `columns` positions, at every depth, swapped in alone from `source_ids`. BackendError when
    the texts differ in length, are the same, or get the same answer (then no vector can turn it)."""
    ids, source_ids = backend.fit(ids)[0], backend.fit(source_ids)[0]
    if len(ids) != len(source_ids):
        raise BackendError(
            _("the two texts need the same number of tokens ({n} and {m})").format(n=len(ids), m=len(source_ids))
        )
    if ids == source_ids:
        raise BackendError(_("the two texts are the same: change a word of the second"))
    clean = backend.next_token_logits(ids).softmax(-1)
    source = backend.next_token_logits(source_ids).softmax(-1)
    clean_token, source_token = int(clean.argmax()), int(source.argmax())
    if clean_token == source_token:
        raise BackendError(_("the model answers both texts with the same word: change the second so that it does not"))
    positions = columns(ids, source_ids)
    rows = [(d, p) for d in range(backend.info.n_layer + 1) for p in positions]
    probs = backend.next_token_logits_patched(ids, source_ids, rows).softmax(-1)[:, source_token]  # (N,)
    return PatchMap(
        clean_token, source_token, float(clean[clean_token]), float(source[source_token]), positions,
        probs.view(backend.info.n_layer + 1, len(positions)).numpy().astype(np.float64),
    )  # fmt: skip
