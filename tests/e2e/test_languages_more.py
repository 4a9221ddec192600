"""Every page in the app's other languages (test_languages.py has the first ones and says what is checked): a file
of its own so that the two test processes share the languages' ten minutes. And a browser that speaks German opens
the app in German, with no ?lang= in the link."""

from __future__ import annotations

import pytest

from explainer.i18n import LANGUAGES, _, speaking

from .harness import APP_IDLE, VIEWPORTS, Server, assert_no_exception
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
