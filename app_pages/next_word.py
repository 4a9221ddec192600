"""Next word: for any text, the probability the model gives every token of coming next."""

import streamlit as st

from explainer.charts.prediction import next_token_bars
from explainer.format import html_escape, number, visible_token
from explainer.generation.next_token import top_tokens
from explainer.generation.script import StartedReply
from explainer.i18n import _
from explainer.ui.beside import beside_default
from explainer.ui.guess_first import guess_for, guessing_first, verdict
from explainer.ui.poll import poll_link
from explainer.ui.prediction import (
    ALL_TOKENS_KEY,
    distribution_table_for,
    logits_for,
    prompt_section,
    step_forward,
)
from explainer.ui.shell.chart import show_chart
from explainer.ui.shell.navigation import stop
from explainer.ui.shell.presenter import advanced, side_by_side
from explainer.ui.shell.views import view
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.surprise import surprise_section

# Five likely next words of comparable odds (in, high, a, far, there: 14-25 % each on the shipped model), not one
DEFAULT_PROMPT = StartedReply("Tell me a short story about a fox.", "Once upon a time,")

st.title(_("Next word"))
st.markdown(
    _(
        "The model never answers with one word. For any text, it gives **every word it knows** a probability of "
        "coming next. Add a word and it predicts again: a chatbot's reply is just this, repeated."
    )
)
with for_the_teacher("token", "logit", "softmax"):
    st.markdown(
        _(
            "The model reads **tokens** (words, pieces of words, punctuation, line breaks) and gives each token of its "
            "vocabulary a score $z$, its **logit**. The **softmax** turns the scores into probabilities that add up to "
            "100 %:"
        )
    )
    st.latex(r"p_i = \frac{e^{z_i}}{\sum_j e^{z_j}}")
    st.markdown(_("The bars show the likeliest tokens; the grey bar is all the others together."))

controls, main = side_by_side()  # presenter mode: the text beside the chart, so that the chart is on the first screen
backend, spec, text, prompt = prompt_section(DEFAULT_PROMPT, controls)

guessing = guessing_first(controls)
probs = logits_for(spec, text).double().softmax(-1)  # float64: the bars and the table of every token agree
bars = view("bars", main)
guess = guess_for(text, bars) if guessing else None
if guessing and guess is None:
    stop()  # the bars, and the buttons that name the likeliest word, wait for the student's guess
said = verdict(backend, text, guess, probs) if guess else None
chart, side = bars.columns([3, 1], vertical_alignment="top") if advanced() else (bars, controls)
n_shown = side.slider(_("Words shown"), 3, 30, 10, key="shown", bind="query-params")
log_x = advanced() and side.toggle(
    _("Log scale"), key="log", bind="query-params", help=_("Makes the tiny probabilities visible too.")
)
top = top_tokens(probs, n_shown, backend.token_str)
tail = visible_token(backend.decode(prompt.ids[-4:]).strip()[-40:])
title = _("What comes after “…{tail}”?").format(tail=html_escape(tail))  # (the student's own text)
fig = next_token_bars(top.labels, top.probs, top.other, said and said.token, log_x=log_x, title=title)
if said:
    chart.markdown(said.sentence)
show_chart(fig, "next_word_bars", where=chart)
beside_default(spec, text, probs, n_shown, chart)  # another model in use: the app's own beside it

with st.container() if advanced() else controls:  # presenter mode: the buttons under the text they add to
    step_forward(backend, text, probs, top)
    poll_link(text)

surprise_section(backend, spec, text, prompt)  # every token of the text, as the model guessed it

if advanced():  # not in presenter mode: the full table and its download, made (and sent) only while open
    every = st.expander(
        _("All {n_table} tokens the model knows, with their probabilities").format(n_table=number(probs.numel())),
        key=ALL_TOKENS_KEY,
        on_change="rerun",
    )
    if every.open:
        table = distribution_table_for(spec, text)
        with every:
            st.dataframe(
                table,
                hide_index=True,
                height=420,
                column_config={
                    "probability": st.column_config.ProgressColumn(
                        _("probability"), format="percent", min_value=0, max_value=1
                    )
                },
            )
            st.download_button(
                _("Download as CSV"),
                lambda: table.to_csv(index=False),
                file_name="next_token_probabilities.csv",
                mime="text/csv",
                icon=":material/download:",
            )
