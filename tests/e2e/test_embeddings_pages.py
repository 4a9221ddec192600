"""The embeddings and meaning-in-context pages in real Chromium: open each, interact once (find a word;
pick another ambiguous word), check the charts redraw, and save screenshots to SHOTS."""

from __future__ import annotations

import re
import time

import pytest

from .harness import VIEWPORTS, Server, assert_above, assert_no_exception, closing_page, drawn, finish, open_page

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")


def opened(browser, server: Server, path: str, viewport: str):
    """The page, loaded and drawn; prints how long that took (a figure, never a pass/fail)."""
    t = time.perf_counter()
    page = open_page(browser, server, path, VIEWPORTS[viewport])
    page.locator(".js-plotly-plot").first.wait_for()
    print(f"{path} ({viewport}): drawn {time.perf_counter() - t:.2f} s after opening")
    assert_no_exception(page)
    return page


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_embeddings_page(browser, server: Server, viewport: str) -> None:
    page = opened(browser, server, "embeddings", viewport)
    with closing_page(page, server):
        box = page.get_by_label("A word")
        box.fill("cat")
        box.press("Enter")
        main = page.locator("[data-testid=stMain]")
        drawn(page, lambda: sync_api.expect(main).to_contain_text("Nearest neighbours of “␣cat”"))
        assert_no_exception(page)
        sync_api.expect(page.locator("[data-testid=stDataFrame]")).to_have_count(2)  # neighbours, a sum
        sync_api.expect(page.locator("[data-testid=stTable]")).to_contain_text("the sum finds it")  # how often
        sync_api.expect(main).to_contain_text("Europe − Sweden + Kenya ≈ Africa")  # word arithmetic
        assert page.locator(".js-plotly-plot").count() >= 3  # the map, the heat strip, the positions
        heading = main.get_by_role("heading", name="A map of the vocabulary")
        assert_above(heading, page.locator(".st-key-emb_map2d"))  # over its map, not under it
        finish(page, "embeddings", viewport)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_meaning_page(browser, server: Server, viewport: str) -> None:
    page = opened(browser, server, "meaning", viewport)
    with closing_page(page, server):
        page.locator("[data-testid=stSelectbox]").filter(has_text="The word").click()
        page.get_by_role("option", name="bat", exact=True).click()
        main = page.locator("[data-testid=stMain]")
        drawn(page, lambda: sync_api.expect(main).to_contain_text("tells which “bat” is meant"))
        assert_no_exception(page)
        sentences = page.locator("[data-testid=stTextArea] textarea").nth(1)  # open for a student (not presenting)
        sync_api.expect(sentences).to_be_visible()
        sync_api.expect(sentences).to_contain_text("ball")
        assert page.locator(".js-plotly-plot").count() == 2  # the maps stage by stage, the probe
        finish(page, "meaning", viewport)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_tokens_page(browser, server: Server, viewport: str) -> None:
    """The text's tokens as numbered chips; the slider assembles them from the bytes, merge by merge, and the
    staircase's marker follows (36 bytes to the model's 13 tokens)."""
    page = opened(browser, server, "tokens", viewport)
    with closing_page(page, server):
        main = page.locator("[data-testid=stMain]")
        sync_api.expect(main).to_contain_text("What the model reads: 13 tokens")
        sync_api.expect(main).to_contain_text("The start: your text as 36 bytes")
        staircase = "document.querySelectorAll('.js-plotly-plot')[1]"  # under the six languages' bars
        marker = f"() => {staircase}?.data?.[1]?.y?.[0]"
        page.wait_for_function(f"() => {staircase}?.data !== undefined")
        assert page.evaluate(marker) == 36
        page.get_by_role("slider", name="Merges made on your text").focus()
        page.keyboard.press("End")  # every merge made
        drawn(page, lambda: sync_api.expect(main).to_contain_text("Merge 22 of 22"))
        page.wait_for_function(f"() => ({marker})() === 13")
        page.get_by_role("button", name="Play the merges, one by one").click()  # at the end: from the bytes again
        # Its own timer moves it on, a merge every 0.6 s: any merge past the second will do (on a busy machine a
        # screen may skip one, as ticks queue behind each other).
        moved_on = re.compile(r"Merge ([3-9]|1[0-9]|2[0-2]) of 22")
        drawn(page, lambda: sync_api.expect(main).to_contain_text(moved_on, timeout=20_000))
        page.get_by_role("button", name="Pause").click()
        sync_api.expect(page.get_by_role("button", name="Play the merges, one by one")).to_be_visible()
        assert_no_exception(page)
        finish(page, "tokens", viewport)
