"""Next word: for any text, the probability the model gives every token of coming next."""

import streamlit as st

from explainer.charts.prediction import next_token_bars
from explainer.format import visible_token
from explainer.generation.next_token import top_tokens
from explainer.generation.script import build_script
from explainer.ui.prediction import distribution_table_for, logits_for, prompt_section, step_forward
from explainer.ui.shell.export import show_chart
from explainer.ui.shell.presenter import advanced

DEFAULT_PROMPT = build_script([], "What is the capital of France?") + " The capital of France is"

st.title("Next word")
st.markdown(
    """
The model never answers with one word. Give it some text and it scores **every token it knows**
(a word, a punctuation mark, a line break); a *softmax* turns those scores $z$ into probabilities
that add up to 100 %. The bars are the likeliest; the grey bar is all the others together.
Add a word and the model predicts again from the longer text: a chatbot's reply is just this, repeated.
"""
)
st.latex(r"p_i = \frac{e^{z_i}}{\sum_j e^{z_j}}")

backend, spec, text, prompt = prompt_section(DEFAULT_PROMPT)

probs = logits_for(spec, text).softmax(-1)
chart, side = st.columns([3, 1], vertical_alignment="top")
n_shown = side.slider("Words shown", 3, 30, 10, key="shown", bind="query-params")
log_x = advanced() and side.toggle(
    "Log scale", key="log", bind="query-params", help="Makes the tiny probabilities visible too."
)
top = top_tokens(probs, n_shown, backend.token_str)
tail = visible_token(backend.decode(prompt.ids[-4:]).strip()[-40:])
fig = next_token_bars(top.labels, top.probs, top.other, log_x=log_x, title=f"What comes after “…{tail}”?")
show_chart(fig, "next_word_bars", chart)

step_forward(backend, text, probs, top)

if advanced():  # not in presenter mode: the full table and its download
    table = distribution_table_for(spec, text)
    with st.expander(f"All {len(table):,} tokens the model knows, with their probabilities"):
        st.dataframe(
            table,
            hide_index=True,
            height=420,
            column_config={
                "probability": st.column_config.ProgressColumn(
                    "probability", format="percent", min_value=0, max_value=1
                )
            },
        )
        st.download_button(
            "Download as CSV",
            lambda: table.to_csv(index=False),
            file_name="next_token_probabilities.csv",
            mime="text/csv",
            icon=":material/download:",
        )
