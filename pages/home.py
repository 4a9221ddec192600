"""Home: what the app shows, in the story's order, and the model running here."""

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

st.subheader("The model running here")
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

st.subheader("What you will see")
st.markdown(
    """
1. **A chatbot is next-word prediction, repeated.** Write the start of a conversation, let the
   model add one word, feed the longer text back in, and again, until a reply has grown.
2. **Probabilities, not one word.** For every word it knows, the model gives a probability of
   it coming next. You can see the whole list.
3. **Sampling.** Picking the likeliest word every time sounds stiff, so words are drawn at random
   according to those probabilities. Temperature, top-k and top-p change how adventurous the draw is.
4. **Training.** The model's parameters start random, so its first guesses are gibberish. Showing it
   real text and nudging every parameter toward the word that actually came next makes it better.
5. **Embeddings.** Before any of that, each token becomes a long list of numbers, a vector; words
   used alike end up with vectors that sit close together.
6. **Attention.** The vectors exchange information, so that each word's meaning is sharpened by the
   words around it.
7. **Layers.** Attention and a feed-forward network take turns, layer after layer, until the last
   vector holds what is needed to score every possible next word.
"""
)
st.caption("The pages for each step are on their way; this one is the start.")
