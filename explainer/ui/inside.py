"""Streamlit caching for the attention, layers and last-vector pages.

Everything is keyed by (model spec, text) and computed once per process: moving a slider or
picking another head never reruns the model. Cached values are shared (`st.cache_resource`: no copy on each
rerun, which for a trace cost more than the page's own work): read them, never change them.
The model's own analyses (the entity head, neurons) are computed once per model: `model_analyses`.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from explainer.analysis import inside, switch_off
from explainer.backends.base import QueriesKeys
from explainer.backends.hooks import Off
from explainer.format import number
from explainer.generation.script import StartedReply
from explainer.i18n import _
from explainer.model.gpt import Trace
from explainer.model.sampling import SamplingParams
from explainer.ui.shell.models import get_backend, model_analyses
from explainer.ui.shell.spinner import spinner_first_time

DEFAULT_PROMPT = StartedReply("What is the capital of France?", "The capital of France is")


@st.cache_resource(max_entries=32, show_spinner=False)
def trace_for(spec: str, text: str) -> Trace:
    """Everything recorded inside the model for `text` (its last context-length tokens)."""
    backend = get_backend(spec)
    return backend.trace(backend.encode(text))


@st.cache_resource(max_entries=32, show_spinner=False)
def trace_of_ids(spec: str, ids: tuple[int, ...]) -> Trace:
    """The same for token ids (a prompt with its generated continuation)."""
    return get_backend(spec).trace(list(ids))


@st.cache_resource(max_entries=32, show_spinner=False)
def queries_keys_for(spec: str, text: str, layer: int) -> QueriesKeys | None:
    """One layer's queries and keys for `text` (None where the model's cannot be read)."""
    backend = get_backend(spec)
    return backend.queries_keys(backend.encode(text), layer)


def entity_head_for(spec: str) -> inside.EntityHead:
    text = _("Measuring every head on capital questions (once for this model)…")
    return spinner_first_time(("entity head", spec), text, lambda: model_analyses(spec).entity_head())


@st.cache_resource(max_entries=32, show_spinner=False)
def lens_for(spec: str, text: str, n_positions: int) -> inside.LensTable:
    trace = trace_for(spec, text)
    T = trace.resid_pre[0].shape[0]
    return inside.logit_lens_top(get_backend(spec), trace, inside.window(T, n_positions))


@st.cache_data(max_entries=32, show_spinner=False)
def continuation_for(spec: str, text: str, max_new: int = 12) -> list[int]:
    """Greedy continuation (the likeliest token each time), stopping after a line break."""
    backend = get_backend(spec)
    ids = backend.fit(backend.encode(text))[0]
    steps = backend.generate(ids, max_new, SamplingParams(temperature=0.0), stop=lambda s: "\n" in s.strip(" "))
    return [s.token_id for s in steps]


def head_name(layer: int, head: int) -> str:
    """A head as the pages name it, counted from 1 ("layer 1, head 4") from 0-based indexes."""
    return _("layer {layer}, head {head}").format(layer=layer + 1, head=head + 1)


@st.cache_resource(max_entries=32, show_spinner=False)
def parts_sweep_for(spec: str, text: str) -> switch_off.PartsSweep:
    """Each part of the model switched off alone, for the word it predicts after `text` (explainer/analysis/
    switch_off.py); call `switch_off.can_sweep` first."""
    backend = get_backend(spec)
    return switch_off.sweep(backend, backend.encode(text))


@st.cache_resource(max_entries=64, show_spinner=False)
def with_and_without_for(
    spec: str, text: str, attention: tuple[int, ...], feed_forward: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """(V,) the next word's probabilities with every part on, and with these layers' parts switched off."""
    backend = get_backend(spec)
    off = Off(attention=frozenset(attention), feed_forward=frozenset(feed_forward))
    return switch_off.with_and_without(backend, backend.encode(text), off)


@st.cache_resource(max_entries=32, show_spinner=False)
def neuron_writers_for(spec: str, text: str, pos: int, k: int = 8) -> tuple[inside.NeuronWriters, list] | None:
    """The k neurons that add most to the next word's score at `pos`, and the 3 tokens each raises most there (None
    where the model's neurons cannot be read)."""
    backend = get_backend(spec)
    writes = backend.neuron_writes(backend.encode(text))
    if writes is None:
        return None
    trace = trace_for(spec, text)
    found = inside.neuron_writers(backend, writes, trace, pos, k)
    words = [inside.neuron_words(backend, writes, trace, pos, i, n, 3)[0] for i, n in zip(found.layers, found.neurons)]
    return found, words


@st.cache_resource(max_entries=32, show_spinner=False)
def neuron_words_for(spec: str, text: str, pos: int, layer: int, neuron: int) -> list[int] | None:
    """The tokens whose scores one neuron raises most at `pos`."""
    backend = get_backend(spec)
    writes = backend.neuron_writes(backend.encode(text))
    if writes is None:
        return None
    return inside.neuron_words(backend, writes, trace_for(spec, text), pos, layer, neuron)[0]


def neuron_index_for(spec: str) -> inside.NeuronIndex | None:
    text = _("Running a sample of the built-in corpus through the model (once for this model)…")
    return spinner_first_time(("neurons", spec), text, lambda: model_analyses(spec).neurons())


def pick_layer_head(n_layer: int, n_head: int, default: tuple[int, int] = (0, 0)) -> tuple[int, int]:
    """Two select boxes, numbered from 1 for people; returns 0-based (layer, head). Both are in the page's address
    (?layer=2&head=1, the same in every language), so a link, a QR code or "Follow the teacher" opens the same head."""
    a, b = st.columns(2)
    number_from_1 = lambda i: str(i + 1)  # noqa: E731
    layer = a.selectbox(
        _("Layer"), range(n_layer), index=default[0], format_func=number_from_1, key="layer", bind="query-params"
    )
    head = b.selectbox(
        _("Head"), range(n_head), index=default[1], format_func=number_from_1, key="head", bind="query-params"
    )
    return layer, head


def cap_note(n_tokens: int, cap: int) -> None:
    if n_tokens > cap:
        st.caption(
            _(
                "The text has {n_tokens} tokens; the charts draw the last {cap} so that they stay readable and fast. "
                "Weights on earlier tokens are left out of the picture, so a row can add up to less than 100 %."
            ).format(n_tokens=number(n_tokens), cap=cap)
        )
