"""The torn script: a chatbot is a script plus repeated next-word prediction."""

import streamlit as st

from explainer.ui import chat
from explainer.ui.shell.models import require_backend

st.title("The torn script")
st.markdown(
    """
A chatbot has no separate machinery for *answering*. The app keeps a short script: one line
that sets the scene, the conversation so far, then your question followed by `Assistant:`, as if
the reply had been torn off the page. The model does one thing only: it gives every possible next
word a probability. One word is picked, added to the script, and the longer script goes back in.
When the model starts a new line, the reply is over.
"""
)

backend = require_backend()
typed = st.chat_input("Ask the assistant a question")
temperature, seed, show_script = chat.sampling_controls()

if not chat.turns() and not chat.pending() and not typed:
    chat.suggestions()
for i, turn in enumerate(chat.turns()):
    chat.show_turn(turn, i, backend)
if (message := chat.take_message(typed)) is not None:
    chat.answer(backend, message, temperature, seed)
if chat.turns():
    chat.conversation_buttons()
if show_script:
    chat.script_view(backend)
