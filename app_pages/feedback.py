"""Pre-training vs human feedback: a student's judgements nudge their own copy of the model."""

import streamlit as st

from explainer.i18n import _
from explainer.ui import feedback, feedback_class
from explainer.ui.shell.models import current_spec, require_backend
from explainer.ui.shell.views import section

st.title(_("Pre-training vs human feedback"))
st.markdown(
    _(
        "Learning to continue text is not the same as being a good assistant: the likeliest continuation can be made "
        "up, unhelpful or rude. So chatbots get a second training stage, in which **people judge the answers**."
    )
)
st.markdown(
    _(
        "Try it: ask a question, pick the better answer or flag one, and watch the probabilities move. A question "
        "the model was never taught is a good start, such as *What is the capital of Qumar?*: it makes up an "
        "answer (“The capital of Qatar is Doha.”), and a few clicks on “I do not know.” as the better answer (seven "
        "with the shipped model) teach it to admit it does not know. About another made-up country, *Zubrowka*, it "
        "already says so: flag that answer and watch it learn to make one up (feedback can teach the wrong thing too)."
    )
)
feedback.how_it_works()
st.caption(
    _(
        "A small demonstration, not the real thing: your feedback changes **your own copy** of the model; the shared "
        "model stays as it was. Real systems learn from many thousands of people's comparisons."
    )
)
section(_("Ask, then judge the answers"), "try")

spec = current_spec()
reference = require_backend()  # the shared model: read, never changed
student = feedback.student_model(reference, spec)  # None (with a message) if the model is too large to copy
if student is not None:
    feedback.question_box(student)
    feedback.answer_cards(student, reference, spec)
    feedback_class.class_judges(reference, spec)
    feedback.last_update()
    feedback.says_now(student, reference, spec)
    feedback.history_table()
