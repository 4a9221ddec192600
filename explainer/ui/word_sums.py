"""The Embeddings page's word arithmetic: a − b + c typed by a student, its nearest words beside the plain guess,
and how often such sums work on the model's own vectors (explainer/analysis/word_sums.py)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from explainer.analysis import embeddings as em
from explainer.analysis import word_sums as ws
from explainer.backends.base import Backend
from explainer.format import fixed_percent, md_escape, number, visible_token
from explainer.i18n import _
from explainer.ui.embeddings import similar_tokens, unit_matrix, vocab_labels
from explainer.ui.shell.models import get_backend
from explainer.ui.shell.spinner import spinner_first_time
from explainer.ui.shell.views import section

DEFAULTS = ("Europe", "Sweden", "Kenya")  # the shipped model: Africa (the word nearest Kenya alone: Nairobi)


@st.cache_resource(max_entries=16, show_spinner=False)
def relation_scores(spec: str) -> list[ws.RelationScore]:
    """How often sums work for the built-in corpus's relations, on this model (0.1 s for the built-in model)."""
    backend = get_backend(spec)
    return ws.relation_scores(unit_matrix(spec), lambda w: em.whole_token(backend, w))


def word_arithmetic(backend: Backend, spec: str) -> None:
    section(_("Word arithmetic: directions that carry meaning"), "arithmetic")
    st.markdown(
        _(
            "If meaning lives in directions, the step from one word to a related one should work elsewhere too. "
            "**Europe − Sweden** is the step from a country to its continent: add it to **Kenya** and look for the "
            "nearest word. Type your own."
        )
    )
    cols = st.columns(3)
    names = (_("Start from"), _("take away"), _("add"))
    boxes = enumerate(zip(cols, names, DEFAULTS))
    words = [c.text_input(n, d, key=f"emb_sum_{i}", bind="query-params") for i, (c, n, d) in boxes]
    if not all(w.strip() for w in words):
        st.info(_("Type a word in each of the three boxes."), icon=":material/edit:")
        return
    ids = [em.whole_token(backend, w) for w in words]
    if missing := [w.strip() for w, i in zip(words, ids) if i is None]:
        st.info(
            _("Not one token for this model, so it has no vector of its own: {words}").format(
                words=md_escape(", ".join(missing))
            ),
            icon=":material/call_split:",
        )
        return
    labels = vocab_labels(spec)
    got = ws.word_sum(unit_matrix(spec), *ids)
    shown = [visible_token(labels[i]).lstrip("␣") for i in ids]
    best = visible_token(labels[got.nearest[0][0]]).lstrip("␣")
    st.markdown(f"### {md_escape(shown[0])} − {md_escape(shown[1])} + {md_escape(shown[2])} ≈ **{md_escape(best)}**")
    similar_tokens(got.nearest, labels)
    plain = visible_token(labels[got.plain[0]]).lstrip("␣")
    st.caption(
        _(
            "The words nearest to the sum, the three typed words left out (as usual for this test). Without the "
            "arithmetic, the word nearest to “{c}” alone is “{plain}”: only a sum that beats it shows a direction "
            "at work."
        ).format(c=md_escape(shown[2]), plain=md_escape(plain))
    )
    _how_often(spec)


def _how_often(spec: str) -> None:
    text = _("Measuring how often such sums work on this model…")  # ~1 s once for GPT-2's 50,257 tokens
    scores = spinner_first_time(("word sums", spec), text, lambda: relation_scores(spec))
    if not scores:
        return
    st.markdown(_("**How often does it work?** Sums from the built-in corpus's word lists, on this model:"))
    st.table(  # static: its long headers wrap instead of running off a projector
        pd.DataFrame(
            [
                {
                    _("relation"): _(r.name),
                    _("example"): f"{r.example[0]} − {r.example[1]} + {r.example[2]} → {r.example[3]}",
                    _("the sum finds it"): fixed_percent(r.by_sum),
                    _("the word nearest to the third finds it"): fixed_percent(r.by_plain),
                }
                for r in scores
            ]
        ),
        hide_index=True,
    )
    st.caption(
        _(
            "{n} sums per relation. A capital is already its country's nearest word, so there the sum shows "
            "nothing new. Where the word nearest to the third is never right (0 %), every right answer is the "
            "direction's doing; where the sum still misses, meaning is not only a matter of directions."
        ).format(n=number(max(r.n for r in scores)))
    )
