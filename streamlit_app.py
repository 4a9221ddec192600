"""Entry point: `streamlit run streamlit_app.py` (or `make run`).

Sets up the page, draws the sidebar every page shares (which model is running),
and routes to the pages, listed in the order the story tells them (see README).
"""

import streamlit as st

from explainer.ui.sidebar import render_sidebar

st.set_page_config(page_title="How LLMs work", page_icon=":material/neurology:", layout="wide")

# One section per part of the story; each page is a small file in pages/.
PAGES = {
    "Start": [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    ],
    # "From a prompt to a reply": the torn script, probabilities, sampling
    # "Learning from text": training data, parameters, one training step, scale, human feedback
    # "Inside the transformer": embeddings, attention, feed-forward, layers, the last vector
}

page = st.navigation(PAGES)
render_sidebar()
page.run()
