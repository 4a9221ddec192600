"""The sidebar every page shares: the model picker and what the chosen model is.

The picker only changes the model in use once the new one has loaded; if it cannot be
loaded, an error says why and the previous model stays in use. Only this module writes the
picker's widgets: a page that switches the model shows it with `show_model`.
"""

from __future__ import annotations

import streamlit as st

from explainer.format import human_count, md_escape, number, weights_size
from explainer.i18n import N_, _
from explainer.model.device import device_words
from explainer.ui.shell.models import (
    FOLDER,
    OTHER_HF,
    ModelInUse,
    choice_for,
    current_backend,
    current_spec,
    custom_spec,
    model_choices,
    switch_model,
    sync_url,
)

CHOICE_KEY = "model_choice"  # the picker entry (may differ from the model in use until a load succeeds)
TYPED_KEY = {OTHER_HF: "model_hf_id", FOLDER: "model_folder"}
TYPED_UI = {  # label, placeholder, note, the message when nothing was typed (translated where shown)
    OTHER_HF: (
        N_("Hugging Face model id"),
        N_("e.g. distilgpt2"),
        N_(
            "Downloaded from huggingface.co the first time it is used (often hundreds of MB), so the computer "
            "running the app needs internet then. Causal language models only (GPT-2, Pythia, SmolLM…)."
        ),
        N_("Type a Hugging Face model id first."),
    ),
    FOLDER: (
        N_("Checkpoint folder"),
        N_("e.g. runs/my-model"),
        N_(
            "A folder on the computer running the app, saved by `llm-explainer train` "
            "(or a Hugging Face model saved with `save_pretrained`)."
        ),
        N_("Type a checkpoint folder first."),
    ),
}


def show_model(spec: str) -> None:
    """Make the picker show `spec` (a page that switched the model calls it, from a callback)."""
    choice = choice_for(spec)
    st.session_state[CHOICE_KEY] = choice
    if choice in TYPED_KEY:
        st.session_state[TYPED_KEY[choice]] = spec.removeprefix("hf:") if choice == OTHER_HF else spec


def _on_choice() -> None:
    choice = st.session_state[CHOICE_KEY]
    ModelInUse.of().error = None
    if choice in TYPED_KEY:  # wait for a name or a folder
        return
    if not switch_model(choice):
        st.session_state[CHOICE_KEY] = choice_for(current_spec())  # back to the model in use


def _on_load_typed() -> None:
    choice = st.session_state[CHOICE_KEY]
    spec = custom_spec(choice, st.session_state.get(TYPED_KEY[choice], ""))
    if not spec:
        ModelInUse.of().error = _(TYPED_UI[choice][3])
        return
    switch_model(spec)


def render_sidebar() -> None:
    spec = current_spec()
    if CHOICE_KEY not in st.session_state:  # first run of a session: the picker shows the model in use
        show_model(spec)
    with st.sidebar:
        choices = model_choices()
        st.selectbox(_("Model"), list(choices), format_func=choices.__getitem__, key=CHOICE_KEY, on_change=_on_choice)
        choice = st.session_state[CHOICE_KEY]
        if choice in TYPED_KEY:
            label, placeholder, note, _missing = map(_, TYPED_UI[choice])
            with st.form(f"load_{choice}", border=False):
                st.text_input(label, key=TYPED_KEY[choice], placeholder=placeholder)
                st.form_submit_button(_("Load"), icon=":material/download:", on_click=_on_load_typed)
            st.caption(note)
        if error := ModelInUse.of().error:
            st.error(error, icon=":material/error:")
        spec = current_spec()  # a callback may have switched it
        sync_url(spec)
        backend = current_backend(show_error=False)
        if backend is None:
            st.warning(_("This model could not be loaded: see the page for why."), icon=":material/warning:")
            return
        i = backend.info
        st.markdown(
            _(
                "In use: **{name}**  \n{n_params} parameters ({size})  \n{n_layer} layers · {n_head} heads · "
                "width {d_model}  \nvocabulary {vocab_size} · context {context_length} tokens  \nruns on {device}"
            ).format(
                name=md_escape(_(i.name)),
                n_params=human_count(i.n_params),
                size=weights_size(i.n_params),
                n_layer=i.n_layer,
                n_head=i.n_head,
                d_model=i.d_model,
                vocab_size=number(i.vocab_size),
                context_length=number(i.context_length),
                device=device_words(backend.device),
            )
        )
