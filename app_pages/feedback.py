"""Pre-training vs human feedback: a student's judgements nudge their own copy of the model."""

import streamlit as st

from explainer.ui import feedback
from explainer.ui.shell.models import current_spec, require_backend

st.title("Pre-training vs human feedback")
st.markdown(
    """
Pre-training teaches a model to continue text the way its training text goes on. That is not the same
goal as being a good assistant: the likeliest continuation can be made up, unhelpful or rude. So chatbots
get a second stage of training in which **people judge the model's answers**, and those judgements change
the parameters toward the answers people prefer (*reinforcement learning from human feedback*).

Try it: ask a question, pick the better of the model's answers or flag one as unhelpful, and watch the
probabilities move. A made-up country such as *Zubrowka* is a good start: if the model invents a capital,
a few clicks teach it to say it does not know (if it already says so, flag that answer and watch it learn to
make one up, which is how feedback can also teach the wrong thing). Then ask about another made-up country,
and a real one, to see what else your feedback changed.
"""
)
st.info(
    "This is a small demonstration of the idea, not the real thing. Your feedback changes **your own copy** "
    "of the model with a few optimiser steps (a DPO-style preference update); the shared model stays as it "
    "was. Real systems collect many thousands of human comparisons and train on big datasets of them, "
    "often with a separate reward model.",
    icon=":material/science:",
)

spec = current_spec()
reference = require_backend()  # the shared model: read, never changed
student = feedback.student_model(reference, spec)  # None (with a message) if the model is too large to copy
if student is not None:
    feedback.question_box(student)
    feedback.answer_cards(student, reference, spec)
    feedback.last_update()
    feedback.says_now(student, reference, spec)
    feedback.history_table()
feedback.how_it_works()
