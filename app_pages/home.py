"""Home: what the app shows, links to each page in the story's order, and the model running here."""

import streamlit as st

from explainer.ui.models import current_backend, model_facts

st.title("How large language models work")

st.markdown(
    """
A chatbot looks like it *answers* you. Underneath, it does one small thing over and over:
it looks at a piece of text and **predicts the word that comes next**. Each page of this app
lets you poke at one step of that, on a real (small) language model running right here.
"""
)

st.subheader("From prompt to reply", anchor=False)
st.page_link(
    "app_pages/chat.py", label="The torn script: a chatbot is next-word prediction, repeated", icon=":material/forum:"
)
st.page_link(
    "app_pages/next_word.py", label="Next word: a probability for every possible word", icon=":material/bar_chart:"
)
st.page_link(
    "app_pages/sampling.py", label="Temperature & sampling: why the same question gets different replies",
    icon=":material/casino:",
)  # fmt: skip
st.subheader("Inside the transformer", anchor=False)
st.page_link(
    "app_pages/embeddings.py", label="Embeddings: every token becomes a list of numbers", icon=":material/scatter_plot:"
)
st.page_link("app_pages/attention.py", label="Attention: the vectors talk to each other", icon=":material/visibility:")
st.page_link(
    "app_pages/meaning.py",
    label="Meaning in context: the same word, two senses, two vectors",
    icon=":material/compare_arrows:",
)
st.page_link(
    "app_pages/layers.py", label="Layers: attention and feed-forward, many times over", icon=":material/layers:"
)
st.page_link(
    "app_pages/last_vector.py", label="The last vector: from one vector to the next word", icon=":material/output:"
)
st.markdown(
    """
**Coming next — learning from text:** the parameters start random, so the first guesses are gibberish;
showing the model real text and nudging every parameter toward the word that actually came next makes it better.
"""
)

st.subheader("The model running here", anchor=False)
backend = current_backend()
if backend is not None:
    info = backend.info
    facts = model_facts(info)
    for row in range(0, len(facts), 3):
        for col, (label, value, help_text) in zip(st.columns(3), facts[row : row + 3]):
            col.metric(label, value, help=help_text, border=True)
    st.markdown(f"**{info.name}**, running on **{info.device}**.")
    st.caption(
        f"{info.n_params:,} parameters in all. The chatbots you know have hundreds of billions: "
        "the ideas are the same, only the scale differs."
    )
