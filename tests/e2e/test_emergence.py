"""The Emergence page in real Chromium: with the shipped twin, both models' answers side by side, a question of
the student's own to both, and both entity-head charts; without it, the plain message. Screenshots (laptop;
projector in presenter mode) go to SHOTS."""

from __future__ import annotations

import pytest

from explainer import config

from .harness import APP_IDLE, OVERFLOW, VIEWPORTS, Server, assert_no_exception, closing_page, drawn, finish, open_page

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_emergence_shows_the_twins(browser, server: Server, viewport: str) -> None:
    path = "emergence?present=1" if viewport == "projector" else "emergence"
    page = open_page(browser, server, path, VIEWPORTS[viewport])
    with closing_page(page, server):
        sync_api.expect(page.locator("h1").first).to_contain_text("Emergence")
        if (config.BUILTIN_TWIN / "config.json").is_file():
            sync_api.expect(page.get_by_text("answered alike").first).to_be_visible()
            # the two models' guesses, token by token; then each model's heads: where they look, which are needed
            sync_api.expect(page.locator(".js-plotly-plot")).to_have_count(5)
            sync_api.expect(page.get_by_test_id("stTable")).to_have_count(1)  # the neurons (answers: text)
            box = page.get_by_label("A question of your own, to both models")
            box.fill("dublin is in which country")
            box.press("Enter")
            main = page.locator("[data-testid=stMain]")
            drawn(page, lambda: sync_api.expect(main).to_contain_text("Two different replies."))
            sync_api.expect(main).to_contain_text("Dublin is the capital of Ireland.")
            assert_no_exception(page)
        else:
            sync_api.expect(page.get_by_text("twin is not installed").first).to_be_visible()
        finish(page, "emergence", viewport)
        if viewport == "laptop":  # the answers' table on the narrowest phone (WCAG's reflow width): it stuck out
            page.set_viewport_size({"width": 320, "height": 800})
            page.wait_for_function(f"() => ({OVERFLOW})() <= 1")
            page.goto(f"{server.url}/emergence?lang=fr")  # longer words: the table scrolls by itself, not the page
            page.wait_for_selector(APP_IDLE)
            page.wait_for_function(f"() => ({OVERFLOW})() <= 1")
