"""Entry point: `python -m explainer.ui.serve` (`make run`: app_server.py, this script behind gzip middleware, warmed
up at start), or `streamlit run streamlit_app.py`.

Sets up the page, draws the sidebar every page shares (which model is running), and routes to the pages of the
registry (explainer/ui/shell/pages.py), listed in the order the story tells them (see README).
"""

import streamlit as st

from explainer.config import ICON
from explainer.i18n import _
from explainer.ui.check_yourself import check_yourself
from explainer.ui.follow import bar_slot, class_bar, lead_the_class, teacher_sidebar
from explainer.ui.shell.accessible import accessible_page
from explainer.ui.shell.export import export_sidebar, record_visit
from explainer.ui.shell.language import NUMBERS_JS, hold_session_language, language_picker
from explainer.ui.shell.navigation import footer, navigation, take_carried_settings
from explainer.ui.shell.presenter import presenter_toggle, sidebar_state
from explainer.ui.shell.share import share_sidebar
from explainer.ui.shell.sidebar import render_sidebar
from explainer.ui.warm import warm_up

hold_session_language()  # this run's language, asked of the session once
# The icon is a file the app serves itself: a material icon would be fetched from a font CDN (offline classrooms).
st.set_page_config(page_title=_("How LLMs work"), page_icon=ICON, layout="wide", initial_sidebar_state=sidebar_state())
warm_up()  # once per process: what the pages compute once, in a background thread

page = navigation()  # st.navigation over the registry, drawn in the sidebar by section
take_carried_settings()  # a link that brings its page a text or a setting: before any widget is drawn
accessible_page(NUMBERS_JS)  # WCAG AA where Streamlit's styles fall short; sliders' numbers in the language
presenter_toggle()
share_sidebar()  # this view's QR code, for the class's own devices
teacher_sidebar()  # a tab that runs a class poll: back to it, and whether the class sees where this tab is
render_sidebar()
language_picker()  # (its ?lang= is read on arrival, before anything is drawn) kept from page to page
export_sidebar()  # chart image format, the lesson handout
bar = bar_slot()  # a student in a class poll: at the top, where the teacher is and whether the class is voting
lead_the_class()  # a teacher's tab: where it is now, for the students' class bar (even if the page stops early)
page.run()
class_bar(bar)
lead_the_class()  # and the settings the page's widgets just put in the address
check_yourself(page.url_path)  # the class questions this page's demo answers, for a student alone
record_visit()  # the page's view and link into the handout, when recording
footer()  # previous / next, back to the plan (a page that stops early draws it itself)
