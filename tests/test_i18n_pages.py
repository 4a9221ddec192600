"""The app in another language (headless, AppTest): a link's ?lang= opens the app in that language and it stays on
from page to page; the sidebar's picker switches it; a fragment's rerun (which runs only the fragment, not the app's
entry file) still speaks the session's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest, local_script_runner

from explainer.i18n import LANGUAGES, _, speaking
from explainer.ui.shell.language import LANG_KEY, known_language
from tests.apptest import checked, open_page


def said(lang: str, message: str) -> str:
    """`message` in `lang`, checked to be translated there (else the test would prove nothing)."""
    with speaking(lang):
        text = _(message)
    assert text != message, f"{message!r} is not translated in {lang}"
    return text


def test_a_link_opens_the_app_in_its_language_and_it_stays_on_across_pages() -> None:
    at = open_page(query={LANG_KEY: "de"})
    assert at.title[0].value == said("de", "How large language models work")
    assert at.sidebar.selectbox(key=LANG_KEY).value == "de"
    assert at.query_params[LANG_KEY] == "de"
    at.switch_page("app_pages/next_word.py")
    checked(at.run())
    assert at.title[0].value == said("de", "Next word")
    assert at.query_params[LANG_KEY] == "de"  # kept in the address bar for the next link


def test_the_picker_switches_the_language_and_back() -> None:
    at = open_page("app_pages/sampling.py")
    assert at.title[0].value == "Temperature & sampling"
    assert LANG_KEY not in at.query_params  # English: no parameter
    checked(at.sidebar.selectbox(key=LANG_KEY).set_value("fr").run())
    assert at.title[0].value == said("fr", "Temperature & sampling")
    assert at.query_params[LANG_KEY] == "fr"
    checked(at.sidebar.selectbox(key=LANG_KEY).set_value("en").run())
    assert at.title[0].value == "Temperature & sampling"
    assert LANG_KEY not in at.query_params


def test_the_picker_names_each_language_in_itself() -> None:
    at = open_page(query={LANG_KEY: "fr"})
    picker = at.sidebar.selectbox(key=LANG_KEY)
    assert picker.options == list(LANGUAGES.values())
    assert picker.label == said("fr", "Language") + " · Language"


def test_a_link_or_a_browser_may_spell_the_language_its_own_way() -> None:
    tags = ("de", "pt-BR", "pt_br", "pt-PT", "zh", "ZH-cn", "de-AT", "es-419", "en-GB", "xx", "", None)
    assert [known_language(v) for v in tags] == [
        "de", "pt_BR", "pt_BR", "pt_BR", "zh_CN", "zh_CN", "de", "es", "en", None, None, None
    ]  # fmt: skip


def test_a_browser_in_german_opens_the_app_in_german_and_the_link_says_so() -> None:
    at = open_page("app_pages/sampling.py", context={"locale": "de-DE"})
    assert at.title[0].value == said("de", "Temperature & sampling")
    assert at.query_params[LANG_KEY] == "de"  # a link copied from here opens in German in any browser
    checked(at.sidebar.selectbox(key=LANG_KEY).set_value("en").run())  # English, picked in a German browser
    assert at.title[0].value == "Temperature & sampling"
    assert at.query_params[LANG_KEY] == "en"  # else a reload would open in German again


@pytest.mark.parametrize(
    ("locale", "query", "lang"),
    [("fr-CA", {LANG_KEY: "de"}, "de"), ("de-DE", {LANG_KEY: "en"}, "en"), ("ja-JP", {}, "en"), (None, {}, "en")],
    ids=["the-link-over-the-browser", "english-asked-in-a-german-browser", "a-language-it-lacks", "no-browser"],
)
def test_a_links_language_comes_before_the_browsers(locale: str | None, query: dict, lang: str) -> None:
    at = open_page(query=query, context={"locale": locale})
    assert at.sidebar.selectbox(key=LANG_KEY).value == lang
    assert at.query_params.get(LANG_KEY) == (lang if query or lang != "en" else None)


FRAGMENT_APP = """
import streamlit as st

import explainer.ui  # registers the session's language with explainer.i18n
from explainer.i18n import _
from explainer.ui.shell.language import session_language

session_language()  # a full run: the first one takes the link's ?lang=
st.session_state.full_runs = st.session_state.get("full_runs", 0) + 1


@st.fragment
def part():
    st.session_state.fragment_runs = st.session_state.get("fragment_runs", 0) + 1
    st.markdown(_("Model"))


part()
"""


def test_a_fragment_rerun_speaks_the_sessions_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamlit reruns a fragment (a widget inside it, run_every) without the script above it, in a script thread
    of its own: `_()` there must still read the session's language. AppTest has no fragment rerun of its own, so the
    second run asks its script runner for the fragment alone, as the server does."""
    script = tmp_path / "fragment_app.py"
    script.write_text(FRAGMENT_APP)
    at = AppTest.from_file(str(script), default_timeout=30)
    at.query_params[LANG_KEY] = "de"
    checked(at.run())
    fragments = list(at._fragment_storage._fragments)
    assert len(fragments) == 1
    rerun_data = local_script_runner.RerunData
    monkeypatch.setattr(
        local_script_runner,
        "RerunData",
        lambda **kw: rerun_data(**kw, fragment_id_queue=fragments, is_fragment_scoped_rerun=True),
    )
    checked(at.run())
    assert (at.session_state["full_runs"], at.session_state["fragment_runs"]) == (1, 2)  # the fragment alone ran
    assert [m.value for m in at.markdown] == [said("de", "Model")]
