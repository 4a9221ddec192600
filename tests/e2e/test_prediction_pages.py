"""The prediction pages in real Chromium: reached from the navigation, a typed prompt, a slider
moved with the keyboard, the chart redrawn; a shared link reproduces the view. Screenshots go to SHOTS."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from .harness import APP_IDLE, SHOTS, VIEWPORTS, Server, assert_no_exception, drawn, finish, open_page, screenshot

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")

PROMPT = "User: What sound does a cow make?\nAssistant: A cow says"

# Every trace's x values of the n-th plotly chart on the page, as drawn in the browser (null while it is redrawn).
CHART_DATA = """(n) => { const p = document.querySelectorAll('.js-plotly-plot')[n];
  return p && p.data ? JSON.stringify(p.data.map(t => t.x)) : null; }"""


def chart_data(page, n: int = 0) -> str:
    page.wait_for_selector(APP_IDLE)
    page.locator(".js-plotly-plot").nth(n).wait_for()
    return page.evaluate(CHART_DATA, n)


def slider_thumb(page, label: str):
    return page.locator("[data-testid=stSlider]").filter(has_text=label).locator("input[type=range]")


def go_to(page, nav_title: str) -> None:
    page.locator("[data-testid=stSidebarNav] a").filter(has_text=nav_title).first.click()
    drawn(page, lambda: sync_api.expect(page.locator("h1").first).to_contain_text(nav_title))


def type_prompt(page, text: str) -> None:
    box = page.locator("[data-testid=stTextArea] textarea").first
    box.fill(text)
    box.press("Control+Enter")  # commits the text area
    drawn(page, lambda: sync_api.expect(page.locator(".tok-chips")).to_contain_text(text.split()[-1]))


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize(
    ("nav_title", "slider", "shot"),
    [("Next word", "Words shown", "next_word"), ("Temperature & sampling", "Temperature T", "sampling")],
)
def test_page_from_navigation(browser, server: Server, nav_title: str, slider: str, shot: str, viewport: str) -> None:
    page = open_page(browser, server, "", VIEWPORTS[viewport])
    try:
        go_to(page, nav_title)
        type_prompt(page, PROMPT)
        sync_api.expect(page.locator(".tok-chips")).to_contain_text("cow")
        before = chart_data(page)
        thumb = slider_thumb(page, slider)
        thumb.focus()
        for _ in range(4):
            thumb.press("ArrowLeft")
        page.wait_for_function(f"() => ({CHART_DATA})(0) !== {json.dumps(before)}")  # redrawn with new data
        after = chart_data(page)
        assert after != before, "moving the slider should redraw the chart"
        assert "prompt=" in page.url, "the prompt should be kept in the URL"
        finish(page, shot, viewport)
    except (AssertionError, sync_api.Error) as e:
        raise AssertionError(f"{e}\n--- server log ---\n{server.log()}") from e
    finally:
        page.context.close()


def test_a_shared_link_reproduces_the_view(browser, server: Server) -> None:
    url = f"sampling?temperature=0.5&top_k=3&prompt={quote(PROMPT)}"
    page = open_page(browser, server, url, VIEWPORTS["laptop"])
    try:
        sync_api.expect(slider_thumb(page, "Temperature T")).to_have_value("0.5")
        sync_api.expect(slider_thumb(page, "Top-k")).to_have_value("3")
        sync_api.expect(page.locator(".tok-chips")).to_contain_text("cow")
        sync_api.expect(page.locator("[data-testid=stMain]")).to_contain_text("T = 0.5, top-k 3")
        assert_no_exception(page)
    finally:
        page.context.close()


def test_a_link_with_top_p_zero_is_clamped_with_a_message(browser, server: Server) -> None:
    page = open_page(browser, server, "sampling?top_p=0&temperature=99", VIEWPORTS["laptop"])
    try:
        main = page.locator("[data-testid=stMain]")
        sync_api.expect(main).to_contain_text("Top-p = 0")
        sync_api.expect(slider_thumb(page, "Top-p")).to_have_value("0.01")
        sync_api.expect(slider_thumb(page, "Temperature T")).to_have_value("5")
        assert_no_exception(page)
        screenshot(page, SHOTS / "sampling-clamped-link.png")
    finally:
        page.context.close()
