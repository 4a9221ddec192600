"""A phone or a tablet: no hover, so plotly shows every chart's tool buttons all the time. They must stand in a strip
of their own over the chart, not over its title, key or colour bar (explainer/ui/shell/accessible.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from .harness import APP_IDLE, LOCALE, PAGE_TIMEOUT_MS, SHOTS, Server, assert_no_exception

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")

# Each chart's tool buttons: their bottom edge, and the top edge of the chart they belong to (page pixels)
TOOLS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
  const tools = plot.querySelector('.modebar'); const style = tools && getComputedStyle(tools);
  return tools ? [tools.getBoundingClientRect().bottom, plot.getBoundingClientRect().top, style.opacity] : null; })"""


@contextmanager
def phone(browser, server: Server, path: str) -> Iterator:
    """A page opened on a touch screen the size of a phone, idle."""
    context = browser.new_context(locale=LOCALE, viewport={"width": 412, "height": 915}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(f"{server.url}/{path}", wait_until="domcontentloaded")
        page.wait_for_selector(APP_IDLE)
        yield page
    finally:
        context.close()


def test_a_touch_screen_shows_the_chart_tools_over_the_chart_not_on_it(browser, server: Server) -> None:
    with phone(browser, server, "layers") as page:
        charts = page.locator(".js-plotly-plot .modebar")
        sync_api.expect(charts).to_have_count(7)  # the steps, the lens, three of parts switched off, two of neurons
        assert_no_exception(page)
        for bottom, top, opacity in page.evaluate(TOOLS):
            assert bottom <= top + 1 and opacity == "1", (bottom, top, opacity)  # shown, and above the chart


# The tip of the focused chip: its text drawn after it, and where that text box stands in the window
TIP = """() => { const chip = document.activeElement; const tip = getComputedStyle(chip, '::after');
  const marked = getComputedStyle(chip).outlineStyle;
  return [chip.classList.contains("tok-chip"), tip.content, tip.position, tip.bottom, marked]; }"""


def test_a_tap_on_a_shaded_token_shows_its_tip_along_the_bottom(browser, server: Server) -> None:
    """A phone has no hover, so the tip of a token shaded by its probability (Next word's surprises) shows on a tap,
    in a bar along the bottom of the screen, where no edge cuts it."""
    with phone(browser, server, "next-word?view=surprise") as page:
        fox = page.locator(".tok-chip.g3").filter(has_text="fox").first  # the story's biggest surprise
        fox.scroll_into_view_if_needed()
        fox.tap()
        is_chip, content, position, bottom, outline = page.evaluate(TIP)
        assert outline == "solid", "the tapped token is marked"
        assert is_chip and position == "fixed" and 0 < float(bottom.removesuffix("px")) < 20, (position, bottom)
        assert "fox" in content and "%" in content and "hippo" in content, content
        assert_no_exception(page)
        page.screenshot(path=str(SHOTS / "surprise-tip-phone.png"))
