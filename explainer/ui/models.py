"""Which model the app shows, loaded once per process and shared by every session.

The choice lives in `st.session_state[SPEC_KEY]` as a backend spec (see
`explainer.backends.load_backend`): "builtin", a checkpoint folder or "hf:ID".
Its default comes from the LLM_EXPLAINER_MODEL environment variable, else "builtin".
Loaded models are cached with `st.cache_resource` and must never be mutated:
anything a student changes (a model being trained, say) belongs in session state.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from explainer.backends import Backend, ModelInfo, load_backend

MODEL_ENV = "LLM_EXPLAINER_MODEL"
SPEC_KEY = "model_spec"
BUILTIN_LABEL = "Built-in model"


def default_spec() -> str:
    return os.environ.get(MODEL_ENV, "").strip() or "builtin"


def model_choices() -> dict[str, str]:
    """Specs the picker offers, mapped to their labels, the default first."""
    choices: dict[str, str] = {}
    spec = default_spec()
    if spec != "builtin":
        choices[spec] = f"{Path(spec).name or spec} (from {MODEL_ENV})"
    choices["builtin"] = BUILTIN_LABEL
    return choices


def current_spec() -> str:
    """The spec chosen in this session (initialised to the default on first use)."""
    if not st.session_state.get(SPEC_KEY):
        st.session_state[SPEC_KEY] = default_spec()
    return st.session_state[SPEC_KEY]


@st.cache_resource(show_spinner="Loading the model…", max_entries=4)
def get_backend(spec: str, device: str | None = None) -> Backend:
    """The model for `spec`, loaded once per process and shared: read it, never change it."""
    return load_backend(spec, device)


def load_error(spec: str, device: str | None = None) -> str | None:
    """None if the model loads, else a message for the user."""
    try:
        get_backend(spec, device)
    except ValueError as e:  # BackendError, or a device that is not available
        return str(e)
    return None


def current_backend(show_error: bool = True) -> Backend | None:
    """The model chosen in this session, or None (after an st.error) if it cannot be loaded."""
    spec = current_spec()
    try:
        return get_backend(spec)
    except ValueError as e:  # BackendError, or a device that is not available
        if show_error:
            st.error(f"The model **{spec}** could not be loaded: {e}", icon=":material/error:")
        return None


def require_backend() -> Backend:
    """For pages that cannot do anything without a model: show the error and stop the page."""
    backend = current_backend()
    if backend is None:
        st.stop()
    return backend


# ---------------------------------------------------------------------------- presentation


def human_count(n: int) -> str:
    """2_412_345 -> '2.4 M', 124_439_808 -> '124 M', 85_000 -> '85 K', 999 -> '999'."""
    for div, unit in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if abs(n) >= div:
            x = n / div
            text = f"{x:.1f}" if round(x, 1) < 10 else f"{x:.0f}"
            return f"{text} {unit}"
    return str(n)


def model_facts(info: ModelInfo) -> list[tuple[str, str, str]]:
    """(label, value, explanation) for the model's size, for metric cards (the device is `info.device`)."""
    return [
        ("Parameters", human_count(info.n_params), f"{info.n_params:,} numbers set by training"),
        ("Layers", str(info.n_layer), "attention + feed-forward blocks the vectors flow through"),
        ("Heads", str(info.n_head), "attention heads in each layer"),
        ("Width", str(info.d_model), "numbers in each token's vector"),
        ("Vocabulary", f"{info.vocab_size:,}", f"tokens it can predict ({info.tokenizer_kind} tokenizer)"),
        ("Context", f"{info.context_length:,}", "tokens it can look at, at most"),
    ]
