"""Home: what the app shows, the lesson plan (each point of the story linked to its page) the model here."""

import streamlit as st

from explainer.format import md_escape
from explainer.ui.shell.lesson import lesson_overview
from explainer.ui.shell.models import current_backend, model_facts

st.title("How large language models work")

st.markdown(
    """
A chatbot looks like it *answers* you. Underneath, it does one small thing over and over:
it looks at a piece of text and **predicts the word that comes next**. Each page of this app
lets you poke at one step of that, on a real (small) language model running right here.
"""
)

st.header("The lesson, step by step", anchor=False)
st.caption(
    "Each step links to the page that shows it. Teaching on a projector? Turn on presenter mode in the sidebar; "
    "the previous / next links at the bottom of every page walk through the pages in order."
)
lesson_overview()

st.header("The model running here", anchor=False)
backend = current_backend()
if backend is not None:
    info = backend.info
    facts = model_facts(info)
    for row in range(0, len(facts), 3):
        for col, (label, value, help_text) in zip(st.columns(3), facts[row : row + 3]):
            col.metric(label, value, help=help_text, border=True)
    st.markdown(f"**{md_escape(info.name)}**, running on **{md_escape(info.device)}**.")
    st.caption(
        f"{info.n_params:,} parameters in all. The chatbots you know have hundreds of billions: "
        "the ideas are the same, only the scale differs."
    )
