"""The last vector → the next word: unembedding (a dot product with every token's vector), softmax, bars."""

import pandas as pd
import streamlit as st

from explainer.analysis import inside
from explainer.charts.inside import heat_strip, logit_bars
from explainer.charts.prediction import next_token_bars
from explainer.format import md_escape, percent
from explainer.ui.inside import DEFAULT_PROMPT, trace_for
from explainer.ui.prediction import prompt_section
from explainer.ui.shell.export import show_chart
from explainer.ui.shell.navigation import link_page

st.title("The last vector → the next word")
st.markdown(
    """
After the last layer, every position holds a vector that has soaked up the context. To predict what comes
after the text, the model uses **only the last one**. A final normalisation rescales it, then the
**unembedding** compares it with a vector for every token in the vocabulary (a dot product): the better a
token's vector lines up, the higher its score, its *logit*. A softmax turns the scores into probabilities.
"""
)

backend, spec, text, _ = prompt_section(DEFAULT_PROMPT)
info = backend.info

trace = trace_for(spec, text)
last = inside.last_vector(backend, trace)
ids = backend.fit(backend.encode(text))[0]
word = inside.token_labels(backend, ids[-1:])[0]

st.subheader(f"1 · The vector of the last token, “{md_escape(word)}”")
show_chart(heat_strip(last.vector, name="value"), "last_vector_strip")
st.caption(
    f"{info.d_model:,} numbers after the final normalisation (blue positive, red negative). "
    f"The other {len(ids) - 1:,} positions' vectors are not used for this prediction: in training, "
    "each of them predicted the token that follows it."
)

st.subheader("2 · Unembedding: one score per token")
table = inside.softmax_table(last.logits, 8)
names = inside.token_labels(backend, [r["id"] for r in table])
if last.tied:
    st.markdown(
        f"This model reuses its **embedding vectors** as the output vectors: the score of a token is the dot "
        f"product of the last vector with that token's embedding, for all {info.vocab_size:,} tokens at once."
    )
    st.latex(r"z_i = h \cdot e_i")
else:
    st.markdown(
        f"This model has its own output matrix: each of the {info.vocab_size:,} tokens has an output vector, "
        "and its score is the dot product of the last vector with it."
    )
    st.latex(r"z_i = h \cdot w_i")
show_chart(logit_bars(names, [r["logit"] for r in table], "The highest scores (logits)"), "last_logits")

st.subheader("3 · Softmax: scores → probabilities")
st.latex(r"p_i = \frac{e^{z_i}}{\sum_j e^{z_j}}")
st.markdown(
    "Raising *e* to each score makes every value positive and stretches the gaps: a score 2 higher is "
    f"e² ≈ 7.4 times likelier. Dividing by the sum over all {info.vocab_size:,} tokens makes them add up to 100 %."
)
frame = pd.DataFrame(
    {
        "token": names,
        "score z": [r["logit"] for r in table],
        "e^(z − top z)": [r["exp"] for r in table],
        "probability": [percent(r["prob"]) for r in table],
    }
)
st.dataframe(frame, hide_index=True, column_config={"score z": st.column_config.NumberColumn(format="%.2f")})

st.subheader("4 · The result: the next-word bars")
probs = [r["prob"] for r in table]
other = max(0.0, 1.0 - sum(probs))
show_chart(next_token_bars(names, probs, other, title=f"What comes after “{word}”?"), "last_bars")
if (next_word := link_page("next-word")) is not None:
    st.page_link(next_word, label="These are the bars of the Next word page: try it there", icon=":material/bar_chart:")
else:  # this page run on its own, outside the app's navigation
    st.markdown("These are the bars of the **Next word** page: try it there.")
