"""Entry point: `streamlit run streamlit_app.py` (or `make run`).

Sets up the page, draws the sidebar every page shares (which model is running),
and routes to the pages, listed in the order the story tells them (see README).
"""

import streamlit as st

from explainer.ui.sidebar import render_sidebar
from explainer.ui.tour import footer, navigation, presenter_toggle

st.set_page_config(page_title="How LLMs work", page_icon=":material/neurology:", layout="wide")

# One section per part of the story; each page is a small file in app_pages/ with a stable URL.
PAGES = {
    "Start": [
        st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
    ],
    "From prompt to reply": [
        st.Page("app_pages/chat.py", title="The torn script", icon=":material/forum:", url_path="chat"),
        st.Page("app_pages/next_word.py", title="Next word", icon=":material/bar_chart:", url_path="next-word"),
        st.Page("app_pages/sampling.py", title="Temperature & sampling", icon=":material/casino:", url_path="sampling"),
    ],
    "Learning from text": [
        # train (issue 5), scale, feedback, why-gpus (issue 6): one st.Page line each, in that order
        st.Page("app_pages/train.py", title="Train it yourself", icon=":material/model_training:", url_path="train"),
        st.Page("app_pages/scale.py", title="Scale", icon=":material/menu_book:", url_path="scale"),
        st.Page("app_pages/feedback.py", title="Human feedback", icon=":material/thumb_up:", url_path="feedback"),
        st.Page("app_pages/why_gpus.py", title="Why GPUs", icon=":material/memory:", url_path="why-gpus"),
    ],
    "Inside the transformer": [
        st.Page("app_pages/embeddings.py", title="Embeddings", icon=":material/scatter_plot:", url_path="embeddings"),
        st.Page("app_pages/attention.py", title="Attention", icon=":material/visibility:", url_path="attention"),
        st.Page(
            "app_pages/meaning.py", title="Meaning in context", icon=":material/compare_arrows:", url_path="meaning"
        ),
        st.Page("app_pages/layers.py", title="Layers", icon=":material/layers:", url_path="layers"),
        st.Page("app_pages/last_vector.py", title="The last vector", icon=":material/output:", url_path="last-vector"),
    ],
    # "Emergence": why nobody can say exactly why it predicts what it does
}

page = navigation(PAGES)  # st.navigation, remembering the order for the previous / next links
presenter_toggle()
render_sidebar()
page.run()
footer()  # previous / next (a page that stops early draws it itself)
