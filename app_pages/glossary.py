"""Glossary: every technical word of the app in plain words, each with a link to the view that shows it. The pages
link here (`?view=<term>` lands on the term)."""

import streamlit as st

from explainer.i18n import _
from explainer.ui.shell.navigation import link_page
from explainer.ui.shell.pages import BY_URL
from explainer.ui.shell.views import VIEW_KEY, section
from explainer.ui.shell.words import TERMS

st.title(_("Glossary"))
st.markdown(_("The words the pages use, in plain words, in the order a lesson meets them."))

for key, term in TERMS.items():
    section(_(term.name), key)
    st.markdown(_(term.plain))
    url_path, view = term.see
    if (page := link_page(url_path)) is not None:
        st.page_link(
            page,
            label=_("See it: {title}").format(title=_(BY_URL[url_path].title)),
            query_params={VIEW_KEY: view},
            icon=":material/visibility:",
        )
