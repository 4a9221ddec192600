"""The session's language: a picker in the sidebar (each language named in itself), kept in the URL (`?lang=de`) so
that a teacher's link opens in the class's language and it stays on from page to page. explainer/i18n.py asks
`session_language` on every `_()` call (registered in explainer/ui/__init__.py), except in a thread that holds the
language: the app's top holds it for its run (`hold_session_language`); a fragment reruns in a script thread of its
own, which asks the session again."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from explainer.i18n import DEFAULT, LANGUAGES, _, hold_language

LANG_KEY = "lang"  # the picker's key and the URL's parameter: ?lang=de
_ALIASES = {"pt": "pt_BR", "zh": "zh_CN"}  # what a person may type in a link (pt-br, zh-CN, ZH...)


def _asked(value: str) -> str:
    """A link's ?lang= as a language of the app: 'de', 'pt-BR' -> 'pt_BR', 'zh' -> 'zh_CN'; anything else: English."""
    code = value.strip().replace("-", "_")
    by_lower = {k.lower(): k for k in LANGUAGES}
    return by_lower.get(code.lower()) or _ALIASES.get(code.lower().split("_")[0], DEFAULT)


def session_language() -> str:
    """This session's language (a link's ?lang= on arrival); English outside a session (the CLI, tests, threads)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return DEFAULT
    state = st.session_state
    if LANG_KEY not in state:
        state[LANG_KEY] = _asked(str(st.query_params.get(LANG_KEY, "")))
    return state[LANG_KEY]


def hold_session_language() -> None:
    """This run's `_()` calls speak the session's language without asking the session each time."""
    hold_language(session_language())


def language_picker() -> None:
    """The sidebar's picker; keeps ?lang= in the address bar (a page switch clears it), none for English."""
    lang = session_language()
    label = _("Language")
    if lang != DEFAULT:  # the English word too, for whoever landed in a language they do not read
        label += " · Language"
    st.sidebar.selectbox(
        label,
        list(LANGUAGES),
        format_func=LANGUAGES.__getitem__,
        key=LANG_KEY,
    )
    lang = session_language()
    if lang != DEFAULT:
        if st.query_params.get(LANG_KEY) != lang:
            st.query_params[LANG_KEY] = lang
    elif LANG_KEY in st.query_params:
        del st.query_params[LANG_KEY]
