"""Streamlit helpers shared by the pages: model loading and caching, the sidebar.

This package and `app_pages/` are the only places that import streamlit; the rest of
`explainer` stays plain Python so the CLI and the tests can use it without a UI.
"""
