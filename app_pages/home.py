"""Home: the lesson plan (each step of the story with its minutes, what to click, what to ask, and a link to the exact
view), a one-page handout of it, and the model running here."""

import streamlit as st

from explainer.format import md_escape, number
from explainer.i18n import _
from explainer.model.device import device_words
from explainer.ui.shell.handout import handout_html
from explainer.ui.shell.lesson import STEPS
from explainer.ui.shell.models import current_backend, model_facts
from explainer.ui.shell.navigation import PLAN_VIEW, start_link
from explainer.ui.shell.plan import lesson_plan
from explainer.ui.shell.presenter import presenting
from explainer.ui.shell.views import section

st.title(_("How large language models work"))
st.markdown(
    _(
        "A chatbot seems to *answer* you. Underneath, it does one small thing over and over: it reads some text and "
        "**predicts the word that comes next**."
    )
)
st.markdown(_("Each page of this app shows one step of that, on a real (small) language model running right here."))
start_link()

minutes = sum(step.minutes for step in STEPS)
section(
    _("The lesson plan: {n} steps, {minutes} minutes").format(n=len(STEPS), minutes=minutes),
    PLAN_VIEW,
    level="header",
)
where = (
    _(
        "Presenter mode is on: text and charts are projector-sized, a presentation clicker's Page Down scrolls on and "
        "then turns to the next step, and the sidebar (top left arrow) has the switch."
    )
    if presenting()
    else _("Teaching on a projector? Turn on presenter mode in the sidebar.")
)
st.caption(
    _(
        "Each step opens the exact view that shows it, and at the bottom of its page “Next step” opens the next one, "
        "in this order (“Back to the lesson plan” comes back here). {where}"
    ).format(where=where)
)
st.download_button(
    _("Print the plan and the answers"),
    handout_html(),
    file_name="lesson-plan.html",
    mime="text/html",
    icon=":material/print:",
    help=_(
        "Open the file in a browser and print it (landscape): the plan on one page, then the class questions with "
        "their answers on the pages after it."
    ),
    on_click="ignore",
)
lesson_plan()

st.header(_("The model running here"), anchor=False)
backend = current_backend()
if backend is not None:
    info = backend.info
    facts = model_facts(info)
    for row in range(0, len(facts), 3):
        for col, (label, value, help_text) in zip(st.columns(3), facts[row : row + 3]):
            col.metric(label, value, help=help_text, border=True)
    st.markdown(
        _("**{name}**, running on **{device}**.").format(
            name=md_escape(_(info.name)), device=md_escape(device_words(backend.device))
        )
    )
    st.caption(
        _(
            "{n_params} parameters in all. The chatbots you know have hundreds of billions: the ideas are the "
            "same, only the scale differs."
        ).format(n_params=number(info.n_params))
    )
