"""Scale and why-GPUs in real Chromium: both pages draw their charts, the benchmark runs from its button,
and screenshots (laptop; projector in presenter mode) go to SHOTS to be looked at."""

from __future__ import annotations

import re

import pytest

from .harness import APP_IDLE, VIEWPORTS, Server, assert_above, closing_page, finish, open_page

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")


def url(path: str, viewport: str, **query: str) -> str:
    if viewport == "projector":
        query["present"] = "1"  # a projector gets presenter mode
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_scale_page(browser, server: Server, viewport: str) -> None:
    page = open_page(browser, server, url("scale", viewport), VIEWPORTS[viewport])
    with closing_page(page, server):
        sync_api.expect(page.locator("h1").first).to_contain_text("Scale")
        sync_api.expect(page.locator(".js-plotly-plot")).to_have_count(2)
        sync_api.expect(page.get_by_text("years", exact=False).first).to_be_visible()
        sync_api.expect(page.locator("[data-testid=stMarkdown]").filter(has_text="2,852 years").first).to_be_visible()
        if viewport == "laptop":  # headings (none in presenter mode): over what they name, not under it
            assert_above(page.locator("h2#reading"), page.locator(".st-key-scale_reading"))
        finish(page, "scale", viewport)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_why_gpus_runs_the_benchmark(browser, server: Server, viewport: str) -> None:
    page = open_page(browser, server, url("why-gpus", viewport, longest="128"), VIEWPORTS[viewport])  # a quick run
    with closing_page(page, server):
        sync_api.expect(page.locator("h1").first).to_contain_text("Why GPUs")
        sync_api.expect(page.locator(".js-plotly-plot")).to_have_count(2)  # the counted chain, the stored reference
        sync_api.expect(page.locator(".js-plotly-plot .gtitle").first).to_contain_text("Reference run")
        page.get_by_role("button", name=re.compile("Run the benchmark")).click()
        sync_api.expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=60_000)
        page.wait_for_selector(APP_IDLE)
        sync_api.expect(page.locator(".js-plotly-plot .gtitle").first).to_contain_text("Live run")
        sync_api.expect(page.locator(".js-plotly-plot .gtitle").first).to_contain_text("measured on CPU")
        finish(page, "why-gpus", viewport)
