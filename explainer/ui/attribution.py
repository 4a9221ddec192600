"""Streamlit pieces for "Why this word?": the numbers cached per (model, text, word), and the text with each token
highlighted by how much it pushed the word up (blue) or down (red)."""

from __future__ import annotations

import numpy as np
import streamlit as st

from explainer.analysis import attribution
from explainer.format import html_escape, signed
from explainer.i18n import _
from explainer.ui.inside import trace_for
from explainer.ui.shell.models import get_backend
from explainer.ui.shell.spinner import spinner_first_time


def token_attribution_for(spec: str, text: str, target: int, method: str) -> attribution.TokenAttribution:
    """The token scores, cached; a spinner in the session's language the first time they are computed."""
    text_ = _("Following the gradients back to the words…")
    key = ("attribution", spec, text, target, method)
    return spinner_first_time(key, text_, lambda: _token_attribution(spec, text, target, method))


@st.cache_data(max_entries=64, show_spinner=False)
def _token_attribution(spec: str, text: str, target: int, method: str) -> attribution.TokenAttribution:
    backend = get_backend(spec)
    return attribution.token_attribution(backend, backend.encode(text), target, method)


@st.cache_data(max_entries=64, show_spinner=False)
def logit_attribution_for(spec: str, text: str, target: int) -> attribution.LogitAttribution:
    return attribution.logit_attribution(get_backend(spec), trace_for(spec, text), target)


_CSS = """<style>
.why-text{line-height:2.4;font-size:19px;margin:.3rem 0 .8rem}
.why-tok{display:inline-block;padding:0 .3em;margin:0 .12em .3em 0;border-radius:.3em;white-space:pre;
  font-family:ui-monospace,SFMono-Regular,Menlo,monospace;border:1px solid rgba(128,128,128,.35)}
</style>"""


def highlighted_tokens(labels: list[str], scores: np.ndarray) -> str:
    """The tokens in text order, each on a background as strong as its push: blue up, red down (HTML, escaped)."""
    top = float(np.abs(scores).max()) or 1.0
    chips = []
    for word, s in zip(labels, scores):
        alpha = min(1.0, abs(float(s)) / top) * 0.75
        rgb = "31,95,191" if s >= 0 else "201,42,42"
        tip = html_escape(f"{word}: {signed(float(s), 2)}", True)
        chips.append(f'<span class="why-tok" style="background:rgba({rgb},{alpha:.2f})" title="{tip}">'
                     f"{html_escape(word)}</span>")  # fmt: skip
    return f'{_CSS}<div class="why-text">{"".join(chips)}</div>'
