"""Which model the app shows, loaded once per process and shared by every session.

The choice lives in this session's `ModelInUse` as a backend spec (see
`explainer.backends.load.load_backend`): "builtin", a checkpoint folder or "hf:ID".
Its default comes from the LLM_EXPLAINER_MODEL environment variable, else "builtin";
a link's `?model=...` overrides it for a new session, and the address bar follows the choice.
Loaded models are cached with `st.cache_resource` and must never be mutated:
anything a student changes (a model being trained, say) belongs in session state.
Local folders are loaded only from the allowed ones (see explainer/backends/safety.py): every load goes
through `get_backend`, which checks first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from explainer.analysis.precomputed import ModelAnalyses
from explainer.backends.base import Backend, ModelInfo
from explainer.backends.load import load_backend
from explainer.backends.safety import check_model_allowed
from explainer.config import MODEL, settings
from explainer.format import human_count, md_escape, number
from explainer.i18n import N_, _, pgettext
from explainer.model.device import serving_threads
from explainer.ui.shell.background import run_pieces
from explainer.ui.shell.navigation import stop
from explainer.ui.shell.spinner import spinner_first_time
from explainer.ui.shell.state import SessionObject

URL_KEY = "model"  # ?model=... in the address bar, so that a shared link opens the same model
GPT2_SPEC = "hf:gpt2"
CHAT_SPEC = "hf:Qwen/Qwen2.5-0.5B-Instruct"  # a model trained to chat, in its own format (a chat template)
HUB_LABELS = {
    GPT2_SPEC: N_("GPT-2 (downloads ~500 MB on first use)"),
    CHAT_SPEC: N_("Qwen2.5-0.5B-Instruct, trained to chat (downloads ~1 GB on first use)"),
}
OTHER_HF = "other-hf"  # picker entries that need a name or a path typed in
FOLDER = "folder"
CUSTOM_LABELS = {OTHER_HF: N_("Another Hugging Face model…"), FOLDER: N_("A checkpoint folder…")}


@dataclass
class ModelInUse(SessionObject):
    KEY = "model_in_use"
    spec: str | None = None  # the spec in use in this session (the last one that loaded); None: not chosen yet
    error: str | None = None  # why the last switch failed, shown in the sidebar until the next one


def default_spec() -> str:
    return settings().model


def model_choices() -> dict[str, str]:
    """Picker entries (a spec, or OTHER_HF / FOLDER) mapped to their labels, the default first."""
    choices: dict[str, str] = {}
    spec = default_spec()
    if spec != "builtin":
        choices[spec] = _("{name} (from {folder})").format(name=Path(spec).name or spec, folder=MODEL)
    choices["builtin"] = _("Built-in model (small)")
    for spec, label in HUB_LABELS.items():
        choices.setdefault(spec, _(label))
    return {**choices, **{k: _(v) for k, v in CUSTOM_LABELS.items()}}


def choice_for(spec: str) -> str:
    """The picker entry that shows `spec`."""
    if spec in model_choices():
        return spec
    return OTHER_HF if spec.startswith("hf:") else FOLDER


def custom_spec(choice: str, text: str) -> str:
    """The spec for a typed Hugging Face id or folder ('' if nothing was typed)."""
    text = text.strip()
    if not text:
        return ""
    return "hf:" + text.removeprefix("hf:") if choice == OTHER_HF else text


def current_spec() -> str:
    """The spec in use in this session: on first use the link's ?model=... if it loads, else the default."""
    state = ModelInUse.of()
    if not state.spec:
        spec = default_spec()
        wanted = str(st.query_params.get(URL_KEY, "")).strip()
        if wanted and wanted != spec:
            error = load_error(wanted)
            if error:
                state.error = _("The link asks for the model **{wanted}**, which could not be loaded: {error}").format(
                    wanted=md_escape(wanted), error=md_escape(error)
                )
            else:
                spec = wanted
        state.spec = spec
    return state.spec


def switch_model(spec: str) -> bool:
    """Make `spec` this session's model if it loads; if not, keep the current one and remember why."""
    state, error = ModelInUse.of(), load_error(spec)
    if error:
        state.error = _("**{spec}** could not be loaded: {error}  \nThe model in use stays the same.").format(
            spec=md_escape(spec), error=md_escape(error)
        )
        return False
    state.spec, state.error = spec, None
    return True


def sync_url(spec: str) -> None:
    """Keep ?model=... in the address bar (left out for the default model, to keep links short)."""
    if spec == default_spec():
        if URL_KEY in st.query_params:
            del st.query_params[URL_KEY]
    elif st.query_params.get(URL_KEY) != spec:
        st.query_params[URL_KEY] = spec


@st.cache_resource(show_spinner=False, max_entries=16)  # a class's snapshots: small models
def _shared_backend(spec: str, device: str | None = None) -> Backend:
    return load_backend(spec, device, serving_threads())


@st.cache_resource(show_spinner=False, max_entries=2)  # hf: models are large: a few at most
def _shared_hf_backend(spec: str, device: str | None = None) -> Backend:
    return load_backend(spec, device, serving_threads())


def get_backend(spec: str, device: str | None = None) -> Backend:
    """The model for `spec`, loaded once per process and shared: read it, never change it.
    A local folder outside the allowed ones (explainer.backends.safety) raises ModelNotAllowed, a ValueError;
    a Hub model over LLM_EXPLAINER_MAX_HUB_MB is refused (explainer.backends.hub) before it is downloaded."""
    check_model_allowed(spec)
    load = _shared_hf_backend if spec.strip().startswith("hf:") else _shared_backend
    # (the text shows only if loading takes over half a second)
    return spinner_first_time(("model", spec, device), _("Loading the model…"), lambda: load(spec, device))


@st.cache_resource(max_entries=16, show_spinner=False)
def model_analyses(spec: str) -> ModelAnalyses:
    """The model's own analyses (embedding maps, the entity head, neurons: explainer/analysis/precomputed.py), one
    object per model that every session shares: read from its folder's file when that matches the weights, else
    computed from now on in a background thread (no Streamlit calls there), t-SNE only when a page asks."""
    analyses = ModelAnalyses(get_backend(spec))
    if analyses.loaded_from is None:  # a piece that fails here fails again, with its message, on the page that asks
        run_pieces(f"analyses of {spec}", analyses.pieces(), lambda _piece, _e: None)
    return analyses


def load_error(spec: str, device: str | None = None) -> str | None:
    """None if the model loads (and may be loaded here), else a message for the user: a folder outside the
    allowed ones, a Hub model that cannot be fetched (found in seconds by load_hf), or why loading failed."""
    try:
        get_backend(spec, device)
    except ValueError as e:  # BackendError, or a device that is not available
        return str(e)
    except Exception as e:  # a model someone typed in can fail in many ways: say how, never a traceback
        return f"{type(e).__name__}: {e}"
    return None


def reads_english_note(where=st) -> None:
    """The one line every page that takes a prompt shows, in every language: the built-in model reads English."""
    backend = current_backend(show_error=False)
    if backend is not None and backend.info.source == "builtin":
        where.caption(
            _(
                "The built-in model reads English only: write your text in English, or pick a multilingual Hugging "
                "Face model in the sidebar."
            )
        )


def current_backend(show_error: bool = True) -> Backend | None:
    """The model chosen in this session, or None (after an st.error) if it cannot be loaded."""
    spec = current_spec()
    try:
        backend = get_backend(spec)
        model_analyses(spec)  # the first time: starts computing the model's analyses in the background
        return backend
    except ValueError as e:  # BackendError, or a device that is not available
        if show_error:
            st.error(
                _("The model **{spec}** could not be loaded: {e}").format(spec=md_escape(spec), e=md_escape(e)),
                icon=":material/error:",
            )
        return None


def require_backend() -> Backend:
    """For pages that cannot do anything without a model: show the error and stop the page."""
    backend = current_backend()
    if backend is None:
        stop()
    return backend


# ---------------------------------------------------------------------------- presentation


def model_facts(info: ModelInfo) -> list[tuple[str, str, str]]:
    """(label, value, explanation) for the model's size, for metric cards (the device is `info.device`)."""
    return [
        (
            _("Parameters"),
            human_count(info.n_params),
            _("{n_params} numbers set by training").format(n_params=number(info.n_params)),
        ),
        (
            pgettext("how many", "Layers"),
            str(info.n_layer),
            _("attention + feed-forward blocks the vectors flow through"),
        ),
        (_("Heads"), str(info.n_head), _("attention heads in each layer")),
        (_("Width"), str(info.d_model), _("numbers in each token's vector")),
        (
            _("Vocabulary"),
            number(info.vocab_size),
            _("tokens it can predict ({tokenizer_kind} tokenizer)").format(tokenizer_kind=info.tokenizer_kind),
        ),
        (_("Context"), number(info.context_length), _("tokens it can look at, at most")),
    ]
