"""Every page in every language, in Chromium (built-in model): no exception, the page's own title in the language,
nothing wider than the window (German's long words) and no table scrolling sideways, ?lang= kept when a link goes to
the next page; in English, no critical or serious accessibility violation (axe-core, WCAG 2.1 AA; presenter mode's:
test_presenter.py). Screenshots of every page in German and Chinese (the Chinese ones need a CJK font: make e2e-deps
installs Noto CJK)."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from explainer.i18n import DEFAULT, LANGUAGES, _, speaking
from explainer.ui.shell.pages import PAGES

from .harness import (
    APP_IDLE,
    SHOTS,
    VIEWPORTS,
    Server,
    assert_no_exception,
    assert_offline,
    axe_violations,
    closing_page,
    drawn,
    drawn_in_full,
    open_page,
    readable,
    screenshot,
)

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")
SHOT_LANGUAGES = {"de", "zh_CN"}
# The main column's content may not be wider than the column itself (a word or a button too long to wrap).
OVERFLOW = """() => {
  const main = document.querySelector('[data-testid=stMainBlockContainer]');
  const right = main.getBoundingClientRect().right + 2;
  return [...main.querySelectorAll('p, h1, h2, h3, button, label, [data-testid=stMetric]')]
    .filter(e => e.getBoundingClientRect().width > 0 && e.getBoundingClientRect().right > right)
    .map(e => e.tagName + ': ' + e.innerText.slice(0, 60));
}"""

# A table may not scroll sideways: a column past the edge is a number nobody in the room sees (a long table is
# st.table, whose cells wrap). Interactive tables (st.dataframe) draw on a canvas inside a scroller.
WIDE_TABLES = """() => [...document.querySelectorAll('[data-testid=stDataFrame] .dvn-scroller')]
  .filter(e => e.scrollWidth > e.clientWidth + 2).map(e => e.scrollWidth + ' px in ' + e.clientWidth)"""


FIRST_HALF = list(LANGUAGES)[:3]  # the others: test_languages_more.py (a file runs on one test process: two balance)


@pytest.mark.parametrize("lang", FIRST_HALF)
def test_every_page_in_every_language(browser, server: Server, lang: str) -> None:
    every_page_in(browser, server, lang)


def every_page_in(browser, server: Server, lang: str) -> None:
    """Every page in `lang`, the first from its address and the others through the navigation, as a student goes
    (and the language stays on): no exception, the navigation in the language, nothing wider than the window,
    offline; in the default language, no serious accessibility violation on any page (all of them said at the end)."""
    first, *others = PAGES
    inaccessible = {}
    # English on a classroom projector's 1024 px, the others on a laptop (their screenshots)
    viewport = VIEWPORTS["projector" if lang == DEFAULT else "laptop"]
    page = open_page(browser, server, f"{first.url_path}?lang={lang}", viewport)
    with closing_page(page, server, SHOTS / f"lang-{lang}-failed.png"):
        for entry in [first, *others]:
            name = entry.url_path or "home"
            if entry is not first:
                page.locator(f'.st-key-nav a[href="{entry.url_path}"]').click()
                page.wait_for_url(lambda url, path=entry.url_path: urlparse(url).path.strip("/") == path)
                page.wait_for_selector(APP_IDLE)
            drawn_in_full(page)
            assert_no_exception(page)
            assert lang == DEFAULT or f"lang={lang}" in page.url, f"{name}: the language left the address"
            with speaking(lang):
                label = _(entry.title)
            nav = page.locator(".st-key-nav")  # the navigation, drawn as page links (shell/navigation.py)
            sync_api.expect(nav).to_contain_text(label)  # the navigation speaks the language
            assert page.evaluate(OVERFLOW) == [], f"{name} ({lang}): wider than the window"
            assert page.evaluate(WIDE_TABLES) == [], f"{name} ({lang}): a table scrolls sideways"
            if lang in SHOT_LANGUAGES:
                screenshot(page, SHOTS / f"lang-{lang}-{name}.png")
                page.set_viewport_size(dict(zip(("width", "height"), viewport)))  # grown for the shot
            if lang == DEFAULT and (violations := axe_violations(page)):
                inaccessible[name] = readable(violations)
        assert_offline(page)
    assert not inaccessible, "\n".join(f"{name}:\n{said}" for name, said in inaccessible.items())


@pytest.mark.parametrize("lang", ["de", "zh_CN"])
def test_the_language_stays_on_from_page_to_page(browser, server: Server, lang: str) -> None:
    page = open_page(browser, server, f"next-word?lang={lang}", VIEWPORTS["laptop"])
    with closing_page(page, server):
        with speaking(lang):
            next_title = _("Temperature & sampling")
            nxt = _("Next: {title}").format(title=next_title)
        link = page.locator(".st-key-footer [data-testid=stPageLink-NavLink]").filter(has_text=nxt)
        link.click()
        drawn(page, lambda: sync_api.expect(page.locator("h1").first).to_contain_text(next_title))
        page.wait_for_selector(APP_IDLE)
        assert f"lang={lang}" in page.url
        assert_no_exception(page)
