"""The torn script: a chatbot is a script plus repeated next-word prediction."""

import streamlit as st

from explainer.i18n import _
from explainer.ui import chat
from explainer.ui.shell.models import current_spec, require_backend
from explainer.ui.shell.views import view
from explainer.ui.shell.words import for_the_teacher

st.title(_("The torn script"))
st.markdown(_("A chatbot has no special machinery for *answering*. It finishes a script, one word at a time."))
with for_the_teacher("token", "temperature", "chat-template", "prefill", "stop-sequence"):
    st.markdown(
        _("""
The app keeps a short script: one line that sets the scene, the conversation so far, then your question
followed by `Assistant:`, as if the reply had been torn off the page.

The model gives every possible next token a probability. One is drawn (the **temperature** decides how adventurous
the draw is), added to the script, and the longer script goes back in. When the model writes a line break, the
reply is over: nobody told it to stop, it predicted the end.

The **seed** fixes the dice: the same seed at the same temperature repeats the same reply.
""")
    )
    st.markdown(
        _(
            "A model trained to chat (an *instruct* model, such as Qwen2.5-0.5B-Instruct in the sidebar's list) learnt "
            "its own markers instead of `User:` and `Assistant:`, such as `<|im_start|>assistant`, and ends a reply "
            "with one, such as `<|im_end|>`. The app writes the script in that model's own format, read from its "
            "tokenizer (its chat template); “Show the script the model sees” shows it."
        )
    )
    st.markdown(
        _(
            "**Start its reply yourself** puts your words into the script after the assistant's label. The model goes "
            "on from them as if it had written them: nothing in the script says who wrote which words. Asked the "
            "capital of France, the built-in model answers Paris; made to begin “I do not know”, it goes on “the "
            "answer to that.” A chatbot's reply is text in the same kind of script, so the words already in it steer "
            "the rest."
        )
    )
    st.markdown(
        _(
            "**Let it write past its reply** shows what the app hides: the model does not stop where its reply ends. "
            "After “Two plus three is five.” the built-in model goes on “User: What about seven plus ten?” and "
            "answers it. It writes the person's lines as readily as the assistant's; the chatbot is the app around "
            "it, which stops reading at the end of the reply and waits for a real person."
        )
    )

backend = require_backend()
if chat.pinned():
    chat.chat_box()  # at the page's root: pinned to the window's bottom
with view("ask"):
    if not chat.pinned():
        chat.chat_box()  # in the page, under the introduction
    controls = chat.sampling_controls()
    chat.what_it_knows(builtin=current_spec() == "builtin", suggest=not chat.pinned())
for i, turn in enumerate(chat.turns()):
    chat.show_turn(turn, i, backend)
chat.write_reply(backend, controls.temperature, controls.seed, controls.pace_s)
past = chat.past_its_reply(backend, controls.temperature, controls.seed) if controls.run_on else None
if past is not None:
    chat.show_run_on(past)
if chat.turns():
    chat.conversation_buttons()
if controls.show_script:
    chat.script_view(backend, past)
