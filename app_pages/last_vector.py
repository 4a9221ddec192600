"""The last vector → the next word: unembedding (a dot product with every token's vector), softmax, bars."""

import pandas as pd
import streamlit as st

from explainer.analysis import inside
from explainer.charts.embeddings import heat_strip
from explainer.charts.layers import logit_bars
from explainer.charts.prediction import next_token_bars
from explainer.format import md_escape, number, percent
from explainer.i18n import _
from explainer.ui.inside import DEFAULT_PROMPT, trace_for
from explainer.ui.prediction import prompt_section
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.navigation import link_page
from explainer.ui.shell.presenter import side_by_side
from explainer.ui.shell.views import section, view
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.two_texts import context_section

st.title(_("The last vector → the next word"))
st.markdown(
    _(
        "After the last layer, the vector of the **last token** has taken in the whole text. The model "
        "compares it with "
        "every word it knows: the better a word lines up, the higher its score, and the likelier it comes next."
    )
)
with for_the_teacher("unembedding", "logit", "softmax"):
    st.markdown(
        _(
            "A final normalisation rescales the last vector $h$; the **unembedding** takes its dot product with an "
            "output vector for every token (often the token's own embedding), which gives each token its score $z$, "
            "its **logit**. The **softmax** turns the scores into probabilities. Only the last position's vector is "
            "used for this prediction: in training, each other position predicted the token after it."
        )
    )

controls, main = side_by_side()  # presenter mode: the text beside the vector, so that it is on the first screen
backend, spec, text, prompt = prompt_section(DEFAULT_PROMPT, controls)
info = backend.info

trace = trace_for(spec, text)
last = inside.last_vector(backend, trace)
ids = prompt.ids  # (tokenized once: a long text takes seconds)
word = inside.token_labels(backend, ids[-1:])[0]

vector = view("vector", main)
vector.markdown(_("**1 · The vector of the last token, “{word}”**").format(word=md_escape(word)))
show_chart(heat_strip({word: last.vector}), "last_vector_strip", where=vector)
vector.caption(
    _(
        "{d_model} numbers after the final normalisation (blue above 0, red below, as on every page). The "
        "other {n_ids} positions' vectors are not used for this prediction: in training, each of them "
        "predicted the token that follows it."
    ).format(d_model=number(info.d_model), n_ids=number(len(ids) - 1))
)

section(_("2 · One score per word"), "scores")
table = inside.softmax_table(last.logits, 8)
names = inside.token_labels(backend, [r["id"] for r in table])
if last.tied:
    st.markdown(
        _(
            "This model reuses its **embedding vectors** as the output vectors: the score of a token is the dot "
            "product of the last vector with that token's embedding, for all {vocab_size} tokens at once."
        ).format(vocab_size=number(info.vocab_size))
    )
    st.latex(r"z_i = h \cdot e_i")
else:
    st.markdown(
        _(
            "This model has its own output matrix: each of the {vocab_size} tokens has an output vector, and its "
            "score is the dot product of the last vector with it."
        ).format(vocab_size=number(info.vocab_size))
    )
    st.latex(r"z_i = h \cdot w_i")
show_chart(logit_bars(names, [r["logit"] for r in table], _("The highest scores (logits)")), "last_logits")

section(_("3 · Softmax: scores → probabilities"), "softmax")
st.latex(r"p_i = \frac{e^{z_i}}{\sum_j e^{z_j}}")
st.markdown(
    _(
        "Raising *e* to each score makes every value positive and stretches the gaps: a score 2 higher is e² "
        "≈ 7.4 times likelier. Dividing by the sum over all {vocab_size} tokens makes them add up to 100 %."
    ).format(vocab_size=number(info.vocab_size))
)
frame = pd.DataFrame(
    {
        "token": names,
        "score z": [r["logit"] for r in table],
        "e^(z − top z)": [r["exp"] for r in table],
        "probability": [percent(r["prob"]) for r in table],
    }
)
st.dataframe(
    frame,
    hide_index=True,
    column_config={
        "token": _("token"),
        "score z": st.column_config.NumberColumn(_("score z"), format="%.2f"),
        "probability": _("probability"),
    },
)

st.subheader(_("4 · The result: the next-word bars"))
probs = [r["prob"] for r in table]
other = max(0.0, 1.0 - sum(probs))
show_chart(next_token_bars(names, probs, other, title=_("What comes after “{word}”?").format(word=word)), "last_bars")
if (next_word := link_page("next-word")) is not None:
    st.page_link(
        next_word, label=_("These are the bars of the Next word page: try it there"), icon=":material/bar_chart:"
    )
else:  # this page run on its own, outside the app's navigation
    st.markdown(_("These are the bars of the **Next word** page: try it there."))

context_section(backend, spec, text, ids)
