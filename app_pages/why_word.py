"""Why this word? Which input words pushed a prediction up or down, and which layers and heads wrote it."""

import pandas as pd
import streamlit as st

from explainer.analysis import attribution as attr
from explainer.analysis.inside import token_labels, window
from explainer.charts.attribution import head_grid, logit_parts, token_pushes
from explainer.format import md_escape, percent, visible_token
from explainer.generation.next_token import top_tokens
from explainer.ui.attribution import highlighted_tokens, logit_attribution_for, token_attribution_for
from explainer.ui.inside import DEFAULT_PROMPT
from explainer.ui.prediction import logits_for, prompt_section
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.export import csv_button
from explainer.ui.shell.presenter import advanced
from explainer.ui.shell.views import section

N_CHOICES = 10  # the word to explain: one of the model's likeliest next words

st.title("Why this word?")
st.markdown(
    """
A model's prediction comes out of millions of multiplications, and nobody wrote a rule for it. Two questions still
have answers you can measure. **Which words of the text pushed this word up, and which pushed it down?** Follow the
gradients back to the input words. **Which parts of the model wrote it?** The last vector is a sum of what every
layer and every attention head added to it, so the word's score can be split into their shares.
"""
)

backend, spec, text, prompt = prompt_section(DEFAULT_PROMPT)
probs = logits_for(spec, text).softmax(-1)
top = top_tokens(probs, N_CHOICES, backend.token_str)
rank = st.selectbox(
    "The word to explain", range(len(top.ids)), key="rank", bind="query-params",
    format_func=lambda i: f"{visible_token(top.labels[i])} · {percent(top.probs[i])}"
    + (" (the model's first choice)" if i == 0 else ""),
    help="One of the model's likeliest next words: the first is the one it would write at temperature 0.",
)  # fmt: skip
target, word = top.ids[rank], visible_token(top.labels[rank])
labels = token_labels(backend, prompt.ids)

section(f"1 · Which words pushed “{md_escape(word)}” up or down", "pushes")
method = st.radio(
    "Method", list(attr.METHODS), format_func=attr.METHODS.get, key="method", bind="query-params", horizontal=True,
    help="Integrated gradients: the words are faded in from nothing, and each one's push is added up along the way. "
    "Gradient × input: only the slope at the text itself (quicker, cruder).",
)  # fmt: skip
try:
    pushes = token_attribution_for(spec, text, target, method)
except (ValueError, TypeError, RuntimeError) as e:  # a Hub model that cannot take embeddings as input, say
    st.info(f"This model cannot be followed back to its words: {md_escape(e)}", icon=":material/info:")
    pushes = None
if pushes is not None:
    st.markdown(highlighted_tokens(labels, pushes.scores), unsafe_allow_html=True)
    st.markdown(f"**{md_escape(attr.pushes_sentence(labels, pushes.scores, word))}**")
    shown = window(len(labels))
    show_chart(token_pushes(labels[shown], pushes.scores[shown], word), "token_pushes")
    st.caption(
        "Blue words made it likelier, red ones less likely; the stronger the colour, the bigger the push. "
        "The push is measured on the log of its probability "
        f"({pushes.log_prob:.2f} here): a word that makes every answer likelier alike does not count."
        + (f" The chart shows the last {len(labels[shown])} words." if len(labels) > len(labels[shown]) else "")
    )

section(f"2 · Which layers and heads wrote “{md_escape(word)}”", "parts")
try:
    parts = logit_attribution_for(spec, text, target)
except ValueError as e:  # BackendError: a final norm this app cannot read; a trace without the attention's output
    st.info(f"This model's score cannot be taken apart here: {md_escape(e)}", icon=":material/info:")
    parts = None
if parts is not None:
    st.markdown(f"**{md_escape(attr.writers_sentence(parts, word))}**")
    show_chart(logit_parts(parts, word), "logit_parts")
    if parts.heads is not None:
        show_chart(head_grid(parts.heads, word), "head_grid")
    st.caption(
        f"The bars add up to the word's score: {parts.total:.3f}, the model's own {parts.logit:.3f}. "
        "The final normalisation divides the last vector by its size; taken as it is for this vector, that is one "
        "fixed division, so each part's share of the score is simply its own dot product with the word's vector."
    )
    if advanced():
        with st.expander("The numbers"):
            table = pd.DataFrame(attr.component_table(parts))
            st.dataframe(table, hide_index=True, column_config={"score": st.column_config.NumberColumn(format="%.3f")})
            csv_button(table, "score_parts")
            if pushes is not None:
                words = pd.DataFrame({"position": range(1, len(labels) + 1), "token": labels, "push": pushes.scores})
                csv_button(words, "word_pushes", label="Download the words' pushes as CSV")
