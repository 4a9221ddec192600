"""Streamlit helpers for the pages: shell/ (the page registry and navigation, presenter mode, the sidebar, the lesson
plan, model loading, typed session state), then one module (or folder) per topic.

This package and `app_pages/` are the only places that import streamlit (tests/test_layers.py checks it); the rest
of `explainer` stays plain Python so the CLI and the tests can use it without a UI.
"""

from explainer.i18n import use_language_from
from explainer.ui.shell.language import session_language

use_language_from(session_language)  # every `_()` in a session speaks the session's language
