"""A phone or a tablet: no hover, so plotly shows every chart's tool buttons all the time. They must stand in a strip
of their own over the chart, not over its title, key or colour bar (explainer/ui/shell/accessible.py)."""

from __future__ import annotations

import pytest

from .harness import APP_IDLE, LOCALE, PAGE_TIMEOUT_MS, Server, assert_no_exception

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")

# Each chart's tool buttons: their bottom edge, and the top edge of the chart they belong to (page pixels)
TOOLS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(plot => {
  const tools = plot.querySelector('.modebar'); const style = tools && getComputedStyle(tools);
  return tools ? [tools.getBoundingClientRect().bottom, plot.getBoundingClientRect().top, style.opacity] : null; })"""


def test_a_touch_screen_shows_the_chart_tools_over_the_chart_not_on_it(browser, server: Server) -> None:
    context = browser.new_context(locale=LOCALE, viewport={"width": 412, "height": 915}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        page.set_default_timeout(PAGE_TIMEOUT_MS)
        page.goto(f"{server.url}/layers", wait_until="domcontentloaded")
        page.wait_for_selector(APP_IDLE)
        charts = page.locator(".js-plotly-plot .modebar")
        sync_api.expect(charts).to_have_count(7)  # the steps, the lens, three of parts switched off, two of neurons
        assert_no_exception(page)
        for bottom, top, opacity in page.evaluate(TOOLS):
            assert bottom <= top + 1 and opacity == "1", (bottom, top, opacity)  # shown, and above the chart
    finally:
        context.close()
