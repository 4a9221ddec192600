"""What it read: the built-in model's training text, and a text looked up in it beside the model: does the model just
look its answers up?"""

import streamlit as st

from explainer.format import md_escape
from explainer.i18n import _
from explainer.ui.lookup import (
    DEFAULT,
    examples_row,
    guesses_section,
    lookup_section,
    the_training_text,
    training_text_for,
)
from explainer.ui.prediction import prompt_section
from explainer.ui.shell.models import current_spec, require_backend
from explainer.ui.shell.navigation import stop
from explainer.ui.shell.presenter import side_by_side
from explainer.ui.shell.views import section, view
from explainer.ui.shell.words import for_the_teacher

st.title(_("What it read"))
st.markdown(
    _(
        "A model learns from text, and nothing else. Does it then just **look its answers up** in what it read? A "
        "lookup can answer too: find the end of a text in the training text and count what came next there. Here "
        "the two answer side by side."
    )
)
with for_the_teacher("n-gram", "generalisation"):
    st.markdown(
        _(
            "The lookup is an **n-gram model** as long as it can be (an “infini-gram”): the longest end of the text "
            "that occurs in the training text, and the tokens that followed it there, counted. It needs no training "
            "and knows nothing beyond that end. The model was trained on the same tokens. Where a text was read word "
            "for word, the two agree; where it never was, the model still answers from what it learnt across many "
            "texts: that is **generalisation**, and held-out questions (never in the training text) measure it."
        )
    )

backend = require_backend()
training = training_text_for(current_spec())
if training is None:
    st.info(
        _(
            "The app does not have the text **{model}** was trained on, so nothing can be looked up in it: GPT-2 and "
            "the other Hugging Face models read billions of words of web pages, which are not shipped, and a "
            "checkpoint folder keeps only its weights. Pick the built-in model in the sidebar, or a model you "
            "trained here (Train it yourself → “Use this model on every page”), to see the lookup."
        ).format(model=md_escape(backend.info.name)),
        icon=":material/menu_book:",
    )
    stop()

section(_("Its training text"), "read")
the_training_text(training, backend)

section(_("Look it up, or ask the model?"), "lookup")
controls, main = side_by_side()  # presenter mode: the text beside the chart, so that it is on the first screen
with controls:
    examples_row(backend, training)
backend, spec, text, prompt = prompt_section(DEFAULT, controls, chips_open=False)  # its own chips mark the end found
with view("answers", main):
    lookup_section(backend, spec, prompt.ids)

section(_("Who guesses better?"), "score")
guesses_section(spec)
