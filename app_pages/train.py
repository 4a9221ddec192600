"""Train it yourself: a small GPT with random dials learns from text while you watch."""

import streamlit as st

from explainer.format import md_escape, number
from explainer.i18n import _
from explainer.ui.shell.navigation import stop
from explainer.ui.shell.presenter import advanced
from explainer.ui.shell.views import section, view
from explainer.ui.shell.words import for_the_teacher
from explainer.ui.training.keep import keep_section
from explainer.ui.training.live import STACK_CSS, controls, live_view
from explainer.ui.training.session import READY, TrainingSession
from explainer.ui.training.setup import TOKENIZERS, setup_panel, show_spec

st.title(_("Train it yourself"))
st.html(STACK_CSS)  # side-by-side columns stack on a projector-sized screen
st.markdown(_("A model's behaviour is set by many numbers, like dials. They start **random**: it writes gibberish."))
st.markdown(_("Training **nudges** every dial so the right next word gets likelier. Watch gibberish turn into words."))
with for_the_teacher("parameter", "loss", "backpropagation", "learning-rate", "memorising"):
    st.markdown(
        _(
            "The dials are the model's **parameters** (weights). Each step takes a batch of pieces of text, "
            "measures the **loss** (how surprised the model is by the true next tokens), and **backpropagation** "
            "gives, for every parameter, the direction that lowers it. The optimiser (AdamW) moves each parameter a "
            "little that way; the **learning rate** sets how far, warming up at the start and decaying towards the "
            "end. The validation text is never trained on: if its loss falls too, the model learns patterns rather "
            "than memorising."
        )
    )

session = TrainingSession.of()
if restored := session.restore_from_url():
    show_spec(restored.spec)
session.show_flash()
locked = session.status != READY
run = session.run
# On a projector the settings start closed, so that the loss chart is on the first screen.
with st.expander(
    _("Settings: the text, the tokens, the model"), expanded=not locked and advanced(), icon=":material/tune:"
):
    if locked and run is not None:
        s = run.spec
        st.info(
            _(
                "This run trains on **{source_name}** with **{tokens}** as tokens ({vocab_size} of them): "
                "{n_layer} layers, {n_head} heads, width {d_model}, context {context_length} · batch {batch_size} · "
                "learning rate {lr} · {steps} steps. Press **Reset** to change them."
            ).format(
                source_name=md_escape(s.source_name),
                tokens=_(TOKENIZERS[s.tokenizer]),
                vocab_size=number(run.data.tokenizer.vocab_size),
                n_layer=s.n_layer,
                n_head=s.n_head,
                d_model=s.d_model,
                context_length=s.context_length,
                batch_size=s.batch_size,
                lr=number(s.lr),
                steps=number(s.steps),
            ),
            icon=":material/lock:",
        )
    setup = setup_panel(locked)
if setup is not None:
    session.setup_text = (setup.spec.source, setup.spec.source_name, setup.text)
run = session.ensure_ready_run(*((setup.spec, setup.data, setup.key) if setup else (None, None, None)))
if run is None:
    st.info(_("Choose a text to train on in the settings above."), icon=":material/arrow_upward:")
    stop()

session.sync_url()  # ?run=<id> (a page switch clears the address bar's parameters)
if advanced():  # on a projector the chart's own title says it, one line higher
    section(_("Watch it learn"), "live")
with view("live"):
    controls()
    live_view()  # the loss, the samples, one prompt's bars, the dials and one nudge, redrawn while it trains
keep_section(run)
