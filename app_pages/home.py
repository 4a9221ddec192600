"""Home: the lesson plan (each step of the story with its minutes, what to click, what to ask, and a link to the exact
view), a one-page handout of it, and the model running here."""

import streamlit as st

from explainer.format import md_escape
from explainer.ui.shell.handout import handout_html
from explainer.ui.shell.lesson import STEPS, lesson_plan
from explainer.ui.shell.models import current_backend, model_facts
from explainer.ui.shell.navigation import PLAN_VIEW
from explainer.ui.shell.presenter import presenting
from explainer.ui.shell.views import section

st.title("How large language models work")
st.markdown(
    "A chatbot seems to *answer* you. Underneath, it does one small thing over and over: it reads some text and "
    "**predicts the word that comes next**."
)
st.markdown("Each page of this app shows one step of that, on a real (small) language model running right here.")

minutes = sum(step.minutes for step in STEPS)
section(f"The lesson plan: {len(STEPS)} steps, {minutes} minutes", PLAN_VIEW, level="header")
where = (
    "Presenter mode is on: text and charts are projector-sized, and the sidebar (top left arrow) has the switch."
    if presenting()
    else "Teaching on a projector? Turn on presenter mode in the sidebar."
)
st.caption(
    f"Each step opens the exact view that shows it. {where} At the bottom of every page, previous / next walk the "
    "story in this order, and “Back to the lesson plan” comes back here."
)
st.download_button(
    "Print the plan on one page",
    handout_html(),
    file_name="lesson-plan.html",
    mime="text/html",
    icon=":material/print:",
    help="A one-page handout: open the file in a browser and print it (landscape).",
    on_click="ignore",
)
lesson_plan()

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
