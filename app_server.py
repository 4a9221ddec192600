"""The app's server: streamlit_app.py as an `st.App`, with Streamlit's front end sent gzip-compressed
(explainer/ui/gzip_static.py). `make run` starts it through `python -m explainer.ui.serve`, which warms the models up
first; `streamlit run app_server.py` starts it without the warm-up; `streamlit run streamlit_app.py` runs the same app
without either."""

import streamlit as st
from starlette.middleware import Middleware

from explainer.ui.gzip_static import GzipStatic

app = st.App("streamlit_app.py", middleware=[Middleware(GzipStatic, ahead=True)])
