"""The tokens page's pieces: a model's merges (learnt once per model, shared), and chips that draw a text's pieces."""

from __future__ import annotations

import streamlit as st

from explainer.analysis import token_merges as tm
from explainer.format import html_escape, visible_token
from explainer.i18n import _
from explainer.ui.prediction import CHIP_CSS
from explainer.ui.shell.models import get_backend

# One sentence in each of the app's languages (i18n.LANGUAGES), written to say the same thing.
SAME_SENTENCE = {
    "en": "The weather is nice today, so we are going to the park.",
    "es": "Hoy hace buen tiempo, así que vamos al parque.",
    "fr": "Il fait beau aujourd'hui, alors nous allons au parc.",
    "de": "Das Wetter ist heute schön, also gehen wir in den Park.",
    "pt_BR": "O tempo está bom hoje, então vamos ao parque.",
    "zh_CN": "今天天气很好，所以我们去公园。",
}

_MORE_CSS = """<style>
.tok-chip.with-id{display:inline-flex;flex-direction:column;align-items:center;line-height:1.35;padding:.15em .45em}
.tok-id{font-size:.62em;opacity:.8;font-family:ui-monospace,monospace}
.tok-chip.joined{background:rgba(232,89,12,.30);border:2px solid #e8590c}
</style>"""


@st.cache_resource(max_entries=16, show_spinner=False)
def merges_for(spec: str) -> tm.Merges | None:
    """The model's merges in the order learnt (None for a tokenizer that is not a byte-level BPE): shared by every
    session, read them, never change them. (Qwen's 151,387 merges: about a second to read, once.)"""
    return tm.learnt_merges(get_backend(spec).tokenizer)


def chips_html(pieces: list[str], ids: list[int] | None = None, joined: list[bool] | None = None) -> str:
    """The pieces as chips, each with its id under it when `ids` are given; `joined` marks the ones a merge just
    made. Neighbouring chips alternate in colour, so that a student sees where one piece ends."""
    out = []
    for i, piece in enumerate(pieces):
        classes = "tok-chip" + (" with-id" if ids else "") + (" joined" if joined and joined[i] else "")
        label = html_escape(visible_token(piece))
        if ids:
            tip = html_escape(_("token {i} · id {id}").format(i=i + 1, id=ids[i]), True)
            out.append(
                f'<span class="{classes}" title="{tip}"><span>{label}</span><span class="tok-id">{ids[i]}</span></span>'
            )
        else:
            out.append(f'<span class="{classes}">{label}</span>')
    return f'{CHIP_CSS}{_MORE_CSS}<div class="tok-chips">{"".join(out)}</div>'
