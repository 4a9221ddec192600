"""The Emergence page in real Chromium: with the shipped twin, both models' answers side by side and both
entity-head charts; without it, the plain message. Screenshots (laptop; projector in presenter mode) go to SHOTS."""

from __future__ import annotations

import pytest

from explainer import config

from .harness import VIEWPORTS, Server, closing_page, finish, open_page

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
            sync_api.expect(page.locator(".js-plotly-plot")).to_have_count(2)
            sync_api.expect(page.get_by_test_id("stDataFrame")).to_have_count(
                1
            )  # the neurons (the answers are a table of text)
        else:
            sync_api.expect(page.get_by_text("twin is not installed").first).to_be_visible()
        finish(page, "emergence", viewport)
