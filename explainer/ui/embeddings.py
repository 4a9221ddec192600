"""Cached numbers for the embeddings and meaning-in-context pages, keyed by model spec.

The shared model is only read: everything computed from it is cached here per spec.
"""

from __future__ import annotations

import numpy as np
import streamlit as st
import torch

from explainer.analysis import embeddings as em
from explainer.ui.shell.models import get_backend

PCA_DIRECTIONS = 6  # principal directions kept for the map (choose any 2 or 3 of them)


@st.cache_data(max_entries=4, show_spinner=False)
def vocab_labels(spec: str) -> list[str]:
    """Every token's string, by id."""
    b = get_backend(spec)
    return [b.token_str(i) for i in range(b.embedding_matrix().shape[0])]


@st.cache_resource(max_entries=4, show_spinner=False)
def unit_matrix(spec: str) -> torch.Tensor:
    """(V, D) embeddings scaled to length 1 (a new tensor: the model's own is never touched)."""
    return em.unit_rows(get_backend(spec).embedding_matrix())


@st.cache_data(max_entries=4, show_spinner=False)
def map_sample(spec: str) -> tuple[np.ndarray, list[str]]:
    """The token ids drawn on the map (all, or a sample for big vocabularies) and every token's group."""
    groups = em.word_groups(vocab_labels(spec))
    return em.sample_ids(groups), groups


@st.cache_data(max_entries=4, show_spinner="Finding the directions of widest spread (PCA)…")
def pca_for(spec: str) -> em.Projection:
    """PCA fitted on the drawn tokens' embeddings."""
    ids, _ = map_sample(spec)
    return em.pca(get_backend(spec).embedding_matrix()[ids].numpy(), PCA_DIRECTIONS)


@st.cache_data(max_entries=8, show_spinner="Running t-SNE once for this model (5–15 s on a small CPU)…")
def tsne_for(spec: str, dims: int) -> np.ndarray:
    """(N, dims) t-SNE coordinates of the drawn tokens."""
    ids, _ = map_sample(spec)
    return em.tsne(get_backend(spec).embedding_matrix()[ids].numpy(), dims)


@st.cache_data(max_entries=512, show_spinner=False)
def word_in_context(spec: str, sentence: str, word: str, sense: int) -> em.WordInContext | None:
    return em.word_in_context(get_backend(spec), sentence, word, sense)
