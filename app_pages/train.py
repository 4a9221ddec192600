"""Train it yourself: a small GPT with random dials learns from text while you watch."""

import streamlit as st

from explainer.format import md_escape
from explainer.ui.shell.navigation import stop
from explainer.ui.training.keep import keep_section
from explainer.ui.training.live import STACK_CSS, controls, live_view
from explainer.ui.training.nudge import nudge_section
from explainer.ui.training.session import READY, TrainingSession
from explainer.ui.training.setup import TOKENIZERS, setup_panel, show_spec

st.title("Train it yourself")
st.html(STACK_CSS)  # side-by-side columns stack on a projector-sized screen
st.markdown(
    """
A language model's behaviour is set by its **parameters**: many numbers, like dials. Nobody sets them by
hand. They start **random**, so the model writes gibberish. Then training shows it pieces of text: for
each one it guesses every next token, compares its guesses with what really came next, and **nudges
every dial** a little so the true tokens get more likely. Here you train a small one yourself and watch
the gibberish turn into words.
"""
)

session = TrainingSession.of()
if restored := session.restore_from_url():
    show_spec(restored.spec)
session.show_flash()
locked = session.status != READY
run = session.run
with st.expander("Settings: the text, the tokens, the model", expanded=not locked, icon=":material/tune:"):
    if locked and run is not None:
        s = run.spec
        st.info(
            f"This run trains on **{md_escape(s.source_name)}** with **{TOKENIZERS[s.tokenizer].lower()}** as tokens "
            f"({run.data.tokenizer.vocab_size:,} of them): {s.n_layer} layers, {s.n_head} heads, width {s.d_model}, "
            f"context {s.context_length} · batch {s.batch_size} · learning rate {s.lr:g} · {s.steps:,} steps. "
            "Press **Reset** to change them.",
            icon=":material/lock:",
        )
    setup = setup_panel(locked)
if setup is not None:
    session.setup_text = (setup.spec.source, setup.spec.source_name, setup.text)
run = session.ensure_ready_run(*((setup.spec, setup.data, setup.key) if setup else (None, None, None)))
if run is None:
    st.info("Choose a text to train on in the settings above.", icon=":material/arrow_upward:")
    stop()

session.sync_url()  # ?run=<id> (a page switch clears the address bar's parameters)
controls()
live_view()
nudge_section(run)
keep_section(run)
