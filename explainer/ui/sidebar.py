"""The sidebar every page shares: the model picker and what the chosen model is."""

from __future__ import annotations

import streamlit as st

from explainer.ui.models import SPEC_KEY, current_backend, current_spec, human_count, model_choices


def render_sidebar() -> None:
    with st.sidebar:
        choices = model_choices()
        spec = current_spec()
        if spec not in choices:  # set elsewhere in this session (a test, a trained run)
            choices[spec] = spec
        st.selectbox("Model", list(choices), format_func=choices.__getitem__, key=SPEC_KEY, help=f"Loaded from: {spec}")
        backend = current_backend(show_error=False)
        if backend is None:
            st.warning("This model could not be loaded: see the page for why.", icon=":material/warning:")
            return
        i = backend.info
        st.markdown(
            f"**{i.name}** · {human_count(i.n_params)} parameters  \n"
            f"{i.n_layer} layers · {i.n_head} heads · width {i.d_model}  \n"
            f"vocabulary {i.vocab_size:,} · context {i.context_length:,}  \n"
            f"runs on {i.device}"
        )
