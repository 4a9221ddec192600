"""Why this word?, What else could it have said?, What it read and the export for lessons in real Chromium: the views
draw on the built-in model, a click on the tree continues the text, a piece of text it never read is looked up, a
chart's camera button downloads a file named for what it is, and the recorded handout opens offline with its charts.
Screenshots go to SHOTS: look at them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .harness import (
    APP_IDLE,
    LOCALE,
    OVERFLOW,
    SHOTS,
    VIEWPORTS,
    Server,
    closing_page,
    drawn,
    finish,
    open_page,
    screenshot,
    settled,
)

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

PRESENTER_FONT = "() => getComputedStyle(document.documentElement).fontSize === '21px'"
CHART_DATA = """(n) => { const p = document.querySelectorAll('.js-plotly-plot')[n];
  return p && p.data ? JSON.stringify(p.data.map(t => t.y)) : null; }"""


def charts(page, n: int) -> None:
    page.wait_for_selector(APP_IDLE)
    expect(page.locator(".js-plotly-plot")).to_have_count(n)


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_why_this_word(browser, server: Server, viewport: str) -> None:
    page = open_page(browser, server, "why-word", VIEWPORTS[viewport])
    with closing_page(page, server, SHOTS / f"why-word-{viewport}-failed.png"):
        expect(page.locator("h1").first).to_contain_text("Why this word?")
        charts(page, 4)
        assert page.locator(".why-tok").count() > 10  # the highlighted text
        claim = page.get_by_text(re.compile("France” pushed “.Paris” up the most"))  # the tokens “␣France”, “␣Paris”
        expect(claim).to_be_visible()  # integrated gradients, the default: the country
        before = page.evaluate(CHART_DATA, 0)
        method = page.locator("[data-testid=stRadio]")  # (the teacher's box names both methods too)
        method.get_by_text("Gradient × input").click()
        page.wait_for_function(f"(b) => ({CHART_DATA})(0) !== null && ({CHART_DATA})(0) !== b", arg=before)
        method.get_by_text("Integrated gradients").click()  # back: the screenshot shows what a student meets first
        expect(claim).to_be_visible()
        finish(page, "why-word", viewport)


def test_a_word_swapped_for_another_moves_the_answer(browser, server: Server) -> None:
    """Where the answer travels: Japan typed over Sweden in the box, the map and its sentence follow (Stockholm);
    a word the text lacks gets a message and no map."""
    page = open_page(browser, server, "why-word?view=swap", VIEWPORTS["projector"])
    with closing_page(page, server, SHOTS / "why-word-swap-failed.png"):
        charts(page, 4)
        said = page.get_by_text(re.compile("One vector alone turns"))
        expect(said).to_contain_text("Tokyo")
        box = page.locator(".st-key-swap_to input")
        box.fill("Sweden")
        box.press("Enter")
        drawn(page, lambda: expect(said).to_contain_text("Stockholm"))
        expect(page.locator(".js-plotly-plot")).to_have_count(4)
        page.locator(".st-key-swap_from input").fill("Narnia")
        page.locator(".st-key-swap_from input").press("Enter")
        drawn(page, lambda: expect(page.get_by_text("“Narnia” is not a word of the text")).to_be_visible())
        expect(page.locator(".js-plotly-plot")).to_have_count(3)
        finish(page, "why-word-swap", "projector")


@pytest.mark.parametrize(("path", "n"), [("why-word", 4), ("what-else", 1)])
def test_presenter_mode_on_a_small_projector(browser, server: Server, path: str, n: int) -> None:
    page = open_page(browser, server, f"{path}?present=1", (1280, 720))
    with closing_page(page, server, SHOTS / f"{path}-present-failed.png"):
        page.wait_for_function(PRESENTER_FONT)
        charts(page, n)
        assert page.evaluate(OVERFLOW) <= 1, "nothing sticks out of the page sideways"
        finish(page, path, "present-720")


def test_a_click_on_the_tree_continues_the_text(browser, server: Server) -> None:
    page = open_page(browser, server, "what-else", VIEWPORTS["laptop"])
    with closing_page(page, server, SHOTS / "what-else-failed.png"):
        charts(page, 1)
        box = page.locator("[data-testid=stTextArea] textarea").first
        expect(box).to_have_value(re.compile(r"Once upon a time,$"))  # waits: the box may be drawn after the chart
        finish(page, "what-else", "laptop")
        point = page.locator(".js-plotly-plot .scatterlayer .trace").last.locator(".point").nth(1)  # a first word
        point.click(force=True)
        drawn(page, lambda: expect(box).to_have_value(re.compile(r"Once upon a time, \w+$"), timeout=60_000))
        charts(page, 1)
        screenshot(page, SHOTS / "what-else-continued.png")


def test_a_piece_it_never_read_is_looked_up_and_scored(browser, server: Server) -> None:
    """What it read: a click puts a held-out piece in the text box, and the lookup and the model answer it; under them,
    who guesses better on such pieces (the model, on text it never read)."""
    page = open_page(browser, server, "what-it-read", VIEWPORTS["laptop"])
    with closing_page(page, server, SHOTS / "what-it-read-failed.png"):
        charts(page, 2)  # the lookup beside the model; who guesses better
        expect(page.get_by_text("On text it never read, the model is right more often")).to_be_visible()
        box = page.locator(".st-key-prompt textarea")
        before = box.input_value()
        page.locator(".st-key-example_unread button:visible").click()
        drawn(page, lambda: expect(box).not_to_have_value(before))
        charts(page, 2)
        expect(page.get_by_text("The longest end of your text that is in the training text")).to_be_visible()
        finish(page, "what-it-read-unread", "laptop")


def test_the_camera_and_the_handout(browser, server: Server, tmp_path: Path) -> None:
    page = open_page(browser, server, "why-word", VIEWPORTS["laptop"])
    with closing_page(page, server, SHOTS / "handout-failed.png"):
        charts(page, 4)
        chart = page.locator(".js-plotly-plot").first
        chart.hover()
        with page.expect_download() as png:
            chart.locator(".modebar-btn[data-title^='Download plot']").click()
        assert png.value.suggested_filename == "why-word_token-pushes.png"

        page.get_by_text("Export for a lesson").click()
        page.get_by_text("SVG", exact=True).click()
        page.get_by_text("Record the views I visit").click()
        settled(page)
        for link, n in (("What else could it have said?", 1), ("Why this word?", 4)):
            page.locator(".st-key-nav a").filter(has_text=link).first.click()
            expect(page.locator("h1").first).to_contain_text(link)
            charts(page, n)
        chart = page.locator(".js-plotly-plot").first
        chart.hover()
        with page.expect_download() as svg:
            chart.locator(".modebar-btn[data-title^='Download plot']").click()
        assert svg.value.suggested_filename == "why-word_token-pushes.svg"
        with page.expect_download() as handout:
            page.get_by_role("button", name="Download the handout (HTML)").click()
        path = tmp_path / "handout.html"
        handout.value.save_as(path)

    offline = browser.new_context(locale=LOCALE, viewport={"width": 1100, "height": 900}, offline=True)
    doc = offline.new_page()
    requests: list[str] = []
    doc.on("request", lambda r: requests.append(r.url))
    try:
        doc.goto(path.as_uri())
        # each view recorded: the tree, and Why this word? with its four charts (the first visit, drawn before
        # recording was switched on, may count as a view of its own: its address had no settings yet)
        expect(doc.locator("h2").filter(has_text="What else could it have said?")).to_have_count(1)
        expect(doc.locator("h2").filter(has_text="Why this word?").first).to_be_visible()
        doc.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 5")
        assert [u for u in requests if not u.startswith("file:")] == []
        doc.screenshot(path=str(SHOTS / "handout.png"), full_page=True)
    finally:
        offline.close()
