"""The session's language: a link's `?lang=de`, else the browser's own language where the app speaks it (a German
browser opens the app in German), else English; a picker in the sidebar (each language named in itself) changes
it. It is kept in the URL, so that a teacher's link opens in the class's language and it stays on from page to
page. explainer/i18n.py asks `session_language` on every `_()` call (registered in explainer/ui/__init__.py),
except in a thread that holds the language: the app's top holds it for its run (`hold_session_language`); a
fragment reruns in a script thread of its own, which asks the session again."""

from __future__ import annotations

import json

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from explainer.i18n import DEFAULT, LANGUAGES, _, hold_language

LANG_KEY = "lang"  # the picker's key and the URL's parameter: ?lang=de
_ALIASES = {"pt": "pt_BR", "zh": "zh_CN"}  # a link's or a browser's tag for a language the app has in one form


def known_language(code: str | None) -> str | None:
    """A language tag as a language of the app: 'de', 'de-AT' -> 'de', 'pt-BR' -> 'pt_BR', 'zh' -> 'zh_CN'; None
    for one the app does not speak."""
    code = (code or "").strip().replace("-", "_").lower()
    by_lower = {k.lower(): k for k in LANGUAGES}
    base = code.split("_")[0]
    return by_lower.get(code) or by_lower.get(base) or _ALIASES.get(base)


def browser_language() -> str:
    """The browser's own language (navigator.language, e.g. 'de-DE') where the app speaks it, else English."""
    return known_language(st.context.locale) or DEFAULT


def session_language() -> str:
    """This session's language (on arrival: a link's ?lang=, else the browser's language); English outside a session
    (the CLI, tests, threads)."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return DEFAULT
    state = st.session_state
    if LANG_KEY not in state:
        state[LANG_KEY] = known_language(str(st.query_params.get(LANG_KEY, ""))) or browser_language()
    return state[LANG_KEY]


def hold_session_language() -> None:
    """This run's `_()` calls speak the session's language without asking the session each time."""
    hold_language(session_language())


def language_picker() -> None:
    """The sidebar's picker; keeps ?lang= in the address bar (a page switch clears it), none for English in an
    English browser (English picked in a German browser says so, or a reload would open in German)."""
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
    if lang != DEFAULT or browser_language() != DEFAULT:
        if st.query_params.get(LANG_KEY) != lang:
            st.query_params[LANG_KEY] = lang
    elif LANG_KEY in st.query_params:
        del st.query_params[LANG_KEY]


# A number in a slider written as the session's language writes it ("0,7" in German): Streamlit formats a
# "localized" number in the browser with navigator.languages, which this script heads with the session's language,
# read where the picker above keeps it: ?lang= in the address, else the browser's own. It is read as the slider is
# drawn, so a slider drawn again in another language (its label changes) writes its number the new way (a script
# that set the language itself ran after those sliders now and then). navigator.language, from which Streamlit reads
# the browser's own language, stays as it is.
LOCALIZED = "localized"
_NUMBERS_JS = """<script>
(() => {
  if (window.explainerNumbers) return;
  window.explainerNumbers = true;
  const TAGS = %s;  // ?lang= -> the tag Intl reads
  const own = Object.getOwnPropertyDescriptor(Navigator.prototype, 'languages').get;
  Object.defineProperty(navigator, 'languages', {configurable: true, get() {
    const tag = TAGS[new URLSearchParams(location.search).get(%s)];
    return tag ? [tag, ...own.call(navigator)] : own.call(navigator);
  }});
})();
</script>"""
NUMBERS_JS = _NUMBERS_JS % (json.dumps({lang: lang.replace("_", "-") for lang in LANGUAGES}), json.dumps(LANG_KEY))
"""For the page's head (accessible_page): drawn before the page, whose sliders then write their numbers in the
session's language."""
