"""Every page in the app's other languages (test_languages.py has the first ones and says what is checked): a file
of its own so that the two test processes share the languages' ten minutes. And a browser that speaks German opens
the app in German, with no ?lang= in the link; a link's language writes the sliders' numbers in any browser."""

from __future__ import annotations

import pytest

from explainer.i18n import LANGUAGES, _, speaking

from .harness import APP_IDLE, VIEWPORTS, Server, assert_no_exception, closing_page, open_page
from .test_languages import FIRST_HALF, every_page_in

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang not in FIRST_HALF])
def test_every_page_in_every_language(browser, server: Server, lang: str) -> None:
    every_page_in(browser, server, lang)


def test_a_german_browser_opens_the_app_in_german(browser, server: Server) -> None:
    """The chat page's title in German, its temperature written as German writes it (0,7), and the address keeps
    lang=de, so that a link copied from it opens in German in any browser."""
    width, height = VIEWPORTS["laptop"]
    context = browser.new_context(locale="de-DE", viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(f"{server.url}/chat", wait_until="domcontentloaded")
        page.wait_for_selector(APP_IDLE)
        with speaking("de"):
            title = _("The torn script")
        sync_api.expect(page.locator("h1").first).to_have_text(title)
        temperature = page.get_by_test_id("stSlider").first.get_by_test_id("stSliderThumbValue")
        sync_api.expect(temperature).to_have_text("0,7")
        page.wait_for_url(lambda url: "lang=de" in url)
        assert_no_exception(page)
    finally:
        context.close()


def test_a_links_language_writes_the_sliders_numbers(browser, server: Server) -> None:
    """An English browser on a German link: the temperature as German writes it (Streamlit formats a slider's number
    with the browser's languages, which the page puts the session's first); English picked in the sidebar: 0.7."""
    page = open_page(browser, server, "chat?lang=de", VIEWPORTS["laptop"])
    with closing_page(page, server):
        temperature = page.get_by_test_id("stSlider").first.get_by_test_id("stSliderThumbValue")
        sync_api.expect(temperature).to_have_text("0,7")
        picker = page.get_by_test_id("stSelectbox").filter(has_text="Language").locator("input")
        picker.click()
        picker.press("ArrowDown")  # opens the list of languages
        page.get_by_role("option").filter(has_text=LANGUAGES["en"]).first.click()
        sync_api.expect(temperature).to_have_text("0.7")
        assert page.evaluate("() => navigator.language") == "en-US", "the browser's own language, untouched"
        assert_no_exception(page)
