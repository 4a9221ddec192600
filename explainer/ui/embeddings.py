"""The embeddings and meaning-in-context pages' numbers, keyed by model spec.

The model's own analyses (its token strings, the map, PCA, t-SNE) are computed once per model
(explainer/analysis/precomputed.py, shared through `model_analyses`): read them, never change them.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st
import torch

from explainer.analysis import embeddings as em
from explainer.analysis import sense_probe as sp
from explainer.backends.base import BackendError
from explainer.format import visible_token
from explainer.i18n import _
from explainer.ui.shell.models import get_backend, model_analyses
from explainer.ui.shell.spinner import spinner_first_time


def vocab_labels(spec: str) -> list[str]:
    """Every token's string, by id."""
    return model_analyses(spec).labels()


def unit_matrix(spec: str) -> torch.Tensor:
    """(V, D) embeddings scaled to length 1 (a new tensor: the model's own is never touched)."""
    return model_analyses(spec).unit()


def map_sample(spec: str) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The token ids drawn on the map (the corpus groups' words; for a character model every token, or a sample),
    their unit vectors (N, D), and every token's group."""
    analyses = model_analyses(spec)
    return analyses.map_ids(), analyses.map_vectors(), analyses.groups()


def pca_for(spec: str) -> em.Projection:
    """PCA fitted on the drawn tokens' unit vectors."""
    text = _("Finding the directions of widest spread (PCA)…")
    return spinner_first_time(("pca", spec), text, lambda: model_analyses(spec).pca())


def tsne_for(spec: str, dims: int) -> np.ndarray:
    """(N, dims) t-SNE coordinates of the drawn tokens: shipped with the built-in model, else computed once (about
    0.4 s for the ~400 group words on 2 cores, ~10 s for a character model's 2,000 tokens)."""
    text = _("Running t-SNE once for this model (seconds to minutes on a small CPU)…")
    return spinner_first_time(("tsne", spec, dims), text, lambda: model_analyses(spec).tsne(dims))


def similar_tokens(
    found: list[tuple[int, float]], labels: list[str], first_rank: int = 1, groups: Callable[[int], str] | None = None
) -> pd.DataFrame:
    """A table of tokens, each with its cosine similarity as a bar (ranks from `first_rank`) and, given `groups`
    (token -> group name), its word group; returned for a download."""
    table = pd.DataFrame(
        [
            {"rank": first_rank + n, "token": visible_token(labels[t]), "cosine similarity": s}
            | ({"group": groups(t)} if groups else {})
            for n, (t, s) in enumerate(found)
        ]
    )
    bar = st.column_config.ProgressColumn(_("cosine similarity"), format="%.3f", min_value=-1, max_value=1)
    names = {"rank": _("rank"), "token": _("token"), "cosine similarity": bar, "group": _("group")}
    st.dataframe(table, hide_index=True, column_config={k: v for k, v in names.items() if k in table})
    return table


@st.cache_resource(max_entries=16, show_spinner=False)
def position_map(spec: str) -> em.PositionMap | None:
    """The model's position vectors on a map, with how alike near and far positions are; None for a model without a
    table of them (rotary positions), or with a single one."""
    positions = get_backend(spec).position_matrix()  # (C, D) or None
    return None if positions is None or len(positions) < 2 else em.position_map(positions)


@st.cache_resource(max_entries=512, show_spinner=False)
def word_in_context(spec: str, sentence: str, word: str, sense: int) -> em.WordInContext | None:
    """Shared by every session: read it, never change it."""
    return em.word_in_context(get_backend(spec), sentence, word, sense)


@st.cache_resource(max_entries=64, show_spinner=False)
def sense_vectors(spec: str, word: str, by_sense: tuple[tuple[str, ...], tuple[str, ...]]) -> sp.SenseVectors:
    """The word's vector in every sentence at every stage (shared by every session: read it, never change it)."""
    return sp.sense_vectors(get_backend(spec), word, [list(s) for s in by_sense])


@st.cache_resource(max_entries=64, show_spinner=False)
def continuations(spec: str, word: str, by_sense: tuple[tuple[str, ...], tuple[str, ...]]) -> list[str]:
    """What the model writes after the word in each sentence (read it, never change it)."""
    return sp.continuations(get_backend(spec), sense_vectors(spec, word, by_sense))


@st.cache_resource(max_entries=64, show_spinner=False)
def untrained_probe(spec: str, word: str, by_sense: tuple[tuple[str, ...], tuple[str, ...]]) -> np.ndarray | None:
    """(S,) the probe on the same network with random weights, or None for a model too large to copy here."""
    try:
        return sp.untrained_accuracy(get_backend(spec), word, [list(s) for s in by_sense])
    except BackendError:  # Backend.untrained refuses a model too large to copy
        return None


def warm_meaning_page() -> None:
    """The Meaning page's first visit on the default model and word (its sentences' vectors and the untrained
    baseline: about 0.5 s on 2 cores, read in batches), ahead of time (explainer/ui/warm.py)."""
    from explainer.corpus.generator import PROBE_SENTENCES
    from explainer.ui.shell.models import default_spec

    word, by_sense = next(iter(PROBE_SENTENCES.items()))
    by_sense = tuple(tuple(s) for s in by_sense)
    sense_vectors(default_spec(), word, by_sense)
    untrained_probe(default_spec(), word, by_sense)
