"""Why this word? Which input words pushed a prediction up or down, which layers and heads wrote it, and which
vector carries it from layer to layer (one swapped in from another text)."""

import math

import pandas as pd
import streamlit as st

from explainer.analysis import attribution as attr
from explainer.analysis.inside import token_labels, window
from explainer.charts.attribution import head_grid, logit_parts, token_pushes
from explainer.format import md_escape, number, percent, significant, visible_token
from explainer.generation.next_token import top_tokens
from explainer.i18n import _, ngettext
from explainer.ui.attribution import highlighted_tokens, logit_attribution_for, token_attribution_for
from explainer.ui.inside import DEFAULT_PROMPT
from explainer.ui.patching import swap_section
from explainer.ui.prediction import logits_for, prompt_section
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.export import csv_button
from explainer.ui.shell.presenter import advanced, on_a_phone
from explainer.ui.shell.views import section
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.switch_off import needed_beside_written

N_CHOICES = 10  # the word to explain: one of the model's likeliest next words

st.title(_("Why this word?"))
st.markdown(
    _(
        "A model's prediction comes out of millions of multiplications, and nobody wrote a rule for it. Three "
        "questions still have answers you can measure. **Which words of the text pushed this word up, and which "
        "pushed it down?** Follow the gradients back to the input words. **Which parts of the model wrote it?** The "
        "last vector is a sum of what every layer and every attention head added to it, so the word's score can be "
        "split into their shares. **Where does the answer travel?** Swap one vector for another text's and see "
        "whether the answer follows."
    )
)

with for_the_teacher("logit", "head", "residual-stream", "ablation", "activation-patching"):
    st.markdown(
        _(
            "**Integrated gradients** (1): every token but the last is faded in from the average token *x′* to its "
            "own embedding *x* in {steps} steps; a token's push is (*x* − *x′*) · the gradient of log *p*(word), "
            "averaged over the steps. The pushes add up to about log *p* at the text minus log *p* at that "
            "baseline. *Gradient × input* takes the gradient at the text alone.\n\n"
            "**Direct logit attribution** (2): the last vector is the embedding plus what every head and "
            "feed-forward network added to it; with the final normalisation's division held fixed for this vector, "
            "the word's score (logit) is the sum of each part's dot product with the word's unembedding vector.\n\n"
            "An **ablation** (switching a part off) and **activation patching** (3: one vector of the residual "
            "stream taken from a second text) measure what a part or a vector *causes*; the attribution measures "
            "what it *writes*. The two can differ, and the box under (2) says where."
        ).format(steps=attr.IG_STEPS)
    )
backend, spec, text, prompt = prompt_section(DEFAULT_PROMPT)
probs = logits_for(spec, text).softmax(-1)
top = top_tokens(probs, N_CHOICES, backend.token_str)
rank = st.selectbox(
    _("The word to explain"), range(len(top.ids)), key="rank", bind="query-params",
    format_func=lambda i: (
        _("{word} · {probability} (the model's first choice)") if i == 0 else _("{word} · {probability}")
    ).format(word=visible_token(top.labels[i]), probability=percent(top.probs[i])),
    help=_("One of the model's likeliest next words: the first is the one it would write at temperature 0."),
)  # fmt: skip
target, word = top.ids[rank], visible_token(top.labels[rank])
labels = token_labels(backend, prompt.ids)

section(_("1 · Which words pushed “{word}” up or down").format(word=md_escape(word)), "pushes")
method = st.radio(
    _("Method"), list(attr.METHODS), format_func=lambda m: _(attr.METHODS[m]), key="method", bind="query-params",
    horizontal=True,
    help=_(
        "Integrated gradients: each word is faded in from an average word, and its push is added up along the way. "
        "Gradient × input: only the slope at the text itself (quicker, cruder). The last word stays as it is: the "
        "prediction is read there."
    ),
)  # fmt: skip
try:
    pushes = token_attribution_for(spec, text, target, method)
except (ValueError, TypeError, RuntimeError) as e:  # a Hub model that cannot take embeddings as input, say
    st.info(
        _("This model cannot be followed back to its words: {error}").format(error=md_escape(e)),
        icon=":material/info:",
    )
    pushes = None
if pushes is not None:
    st.markdown(highlighted_tokens(labels, pushes.scores), unsafe_allow_html=True)
    st.markdown(f"**{md_escape(attr.pushes_sentence(labels, pushes.scores, word))}**")
    shown = window(len(labels))
    show_chart(token_pushes(labels[shown], pushes.scores[shown], word, narrow=on_a_phone()), "token_pushes")
    caption = _(
        "Blue words made it likelier, red ones less likely; the stronger the colour, the bigger the push. "
        "The push is measured on the log of its probability (here the log of {probability}: {log_prob}): a word "
        "that makes every answer likelier alike does not count."
    ).format(probability=percent(math.exp(pushes.log_prob)), log_prob=number(significant(pushes.log_prob, 2)))
    if len(labels) > len(labels[shown]):
        n = len(labels[shown])
        shows = ngettext("The chart shows the last {n} word.", "The chart shows the last {n} words.", n)
        caption += " " + shows.format(n=n)
    st.caption(caption)

section(_("2 · Which layers and heads wrote “{word}”").format(word=md_escape(word)), "parts")
try:
    parts = logit_attribution_for(spec, text, target)
except ValueError as e:  # BackendError: a final norm this app cannot read; a trace without the attention's output
    st.info(
        _("This model's score cannot be taken apart here: {error}").format(error=md_escape(e)), icon=":material/info:"
    )
    parts = None
if parts is not None:
    st.markdown(f"**{md_escape(attr.writers_sentence(parts, word))}**")
    show_chart(logit_parts(parts, word), "logit_parts")
    if parts.heads is not None:
        show_chart(head_grid(parts.heads, word), "head_grid")
    st.caption(
        _(
            "The bars add up to the word's score: {total}, the model's own {logit}. The final normalisation divides "
            "the last vector by its size; taken as it is for this vector, that is one fixed division, so each part's "
            "share of the score is simply its own dot product with the word's vector."
        ).format(total=number(parts.total, 3), logit=number(parts.logit, 3))
    )
    if needed := needed_beside_written(backend, spec, text, len(prompt.ids), target, parts):
        st.info(needed, icon=":material/power_settings_new:")
    if advanced():
        with st.expander(_("The numbers")):
            score = _("score")
            table = pd.DataFrame(attr.component_table(parts)).rename(
                columns={"part": _("part"), "layer": _("layer"), "score": score}
            )
            st.dataframe(table, hide_index=True, column_config={score: st.column_config.NumberColumn(format="%.3f")})
            csv_button(table, "score_parts")
            if pushes is not None:
                words = pd.DataFrame(
                    {_("position"): range(1, len(labels) + 1), _("token"): labels, _("push"): pushes.scores}
                )
                csv_button(words, "word_pushes", label=_("Download the words' pushes as CSV"))

swap_section(backend, spec, text, prompt.ids)
