"""The tokens page's pieces: a model's merges (learnt once per model, shared), the text box's key and the sentence
the page shows in every language."""

from __future__ import annotations

import streamlit as st

from explainer.analysis import token_merges as tm
from explainer.ui.shell.models import get_backend

TEXT_KEY = "tok_text"  # the text box's key, bound to the address: a link can bring its own text
MAX_CHARS = 300
# One sentence in each of the app's languages (i18n.LANGUAGES), written to say the same thing.
SAME_SENTENCE = {
    "en": "The weather is nice today, so we are going to the park.",
    "es": "Hoy hace buen tiempo, así que vamos al parque.",
    "fr": "Il fait beau aujourd'hui, alors nous allons au parc.",
    "de": "Das Wetter ist heute schön, also gehen wir in den Park.",
    "pt_BR": "O tempo está bom hoje, então vamos ao parque.",
    "zh_CN": "今天天气很好，所以我们去公园。",
}


@st.cache_resource(max_entries=16, show_spinner=False)
def merges_for(spec: str) -> tm.Merges | None:
    """The model's merges in the order learnt (None for a tokenizer that is not a byte-level BPE): shared by every
    session, read them, never change them. (Qwen's 151,387 merges: about a second to read, once.)"""
    return tm.learnt_merges(get_backend(spec).tokenizer)
