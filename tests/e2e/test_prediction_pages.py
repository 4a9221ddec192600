"""The prediction pages in real Chromium: reached from the navigation, a typed prompt, a slider
moved with the keyboard, the chart redrawn; a slider dragged redraws the sampling view in the browser alone, with
the model's numbers; a shared link reproduces the view. Screenshots go to SHOTS."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from explainer.backends.load import load_backend
from explainer.format import percent
from explainer.generation.next_token import compare
from explainer.generation.script import build_script
from explainer.model.sampling import SamplingParams

from .harness import (
    APP_IDLE,
    LOCALE,
    PAGE_TIMEOUT_MS,
    SHOTS,
    VIEWPORTS,
    Server,
    assert_no_exception,
    close_page,
    drawn,
    finish,
    open_page,
    screenshot,
)

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")

PROMPT = "User: What sound does a cow make?\nAssistant: A cow says"
PROMPT_CHIPS = ".tok-chips >> nth=0"  # the text's tokens (Next word shades them again, further down)

SAMPLING_PROMPT = build_script([], "Tell me a short story about a fox.") + " Once upon a time, in a"
# What the page's first chart shows, as drawn in the browser: a plotly chart's traces' x values (null while it is
# redrawn), else the sampling view's text (every label and number of its charts).
CHART_DATA = """() => { const p = document.querySelector('.js-plotly-plot');
  if (p) return p.data ? JSON.stringify(p.data.map(t => t.x)) : null;
  const v = document.querySelector('.sv-root[data-version]'); return v ? v.textContent : null; }"""
# Counts the messages the page sends to the server (installed before the page loads).
COUNT_SENDS = """const send = WebSocket.prototype.send; window.__sends = 0;
WebSocket.prototype.send = function (d) { window.__sends++; return send.call(this, d); };"""
VIEW = ".sv-root[data-version]"
THUMB_CENTRE = """e => { const r = e.parentElement.getBoundingClientRect();
  return [r.x + r.width / 2, r.y + r.height / 2]; }"""


def chart_data(page) -> str:
    page.wait_for_selector(APP_IDLE)
    page.locator(".js-plotly-plot, .sv-root[data-version]").first.wait_for()
    return page.evaluate(CHART_DATA)


def slider_thumb(page, label: str):
    return page.locator("[data-testid=stSlider]").filter(has_text=label).locator("input[type=range]")


def go_to(page, nav_title: str) -> None:
    page.locator(".st-key-nav a").filter(has_text=nav_title).first.click()
    drawn(page, lambda: sync_api.expect(page.locator("h1").first).to_contain_text(nav_title))


def type_prompt(page, text: str) -> None:
    box = page.locator("[data-testid=stTextArea] textarea").first
    box.fill(text)
    box.press("Control+Enter")  # commits the text area
    drawn(page, lambda: sync_api.expect(page.locator(PROMPT_CHIPS)).to_contain_text(text.split()[-1]))


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
        sync_api.expect(page.locator(PROMPT_CHIPS)).to_contain_text("cow")
        before = chart_data(page)
        thumb = slider_thumb(page, slider)
        thumb.focus()
        for _ in range(4):
            thumb.press("ArrowLeft")
        page.wait_for_function(f"() => ({CHART_DATA})() !== {json.dumps(before)}")  # redrawn with new data
        after = chart_data(page)
        assert after != before, "moving the slider should redraw the chart"
        assert "prompt=" in page.url, "the prompt should be kept in the URL"
        finish(page, shot, viewport)
    except (AssertionError, sync_api.Error) as e:
        raise AssertionError(f"{e}\n--- server log ---\n{server.log()}") from e
    finally:
        close_page(page)


def test_a_shared_link_reproduces_the_view(browser, server: Server) -> None:
    url = f"sampling?temperature=0.5&top_k=3&prompt={quote(PROMPT)}"
    page = open_page(browser, server, url, VIEWPORTS["laptop"])
    try:
        sync_api.expect(slider_thumb(page, "Temperature T")).to_have_value("0.5")
        sync_api.expect(slider_thumb(page, "Top-k")).to_have_value("3")
        sync_api.expect(page.locator(PROMPT_CHIPS)).to_contain_text("cow")
        sync_api.expect(page.locator("[data-testid=stMain]")).to_contain_text("T = 0.5, top-k 3")
        assert_no_exception(page)
    finally:
        close_page(page)


def test_a_typed_text_goes_to_attention_in_one_click(browser, server: Server) -> None:
    page = open_page(browser, server, "next-word", VIEWPORTS["laptop"])
    try:
        own = "The boat came slowly to the bank of the river and"
        type_prompt(page, own)
        row = page.locator(".st-key-text_elsewhere")
        row.get_by_role("link", name="Attention").click()
        drawn(page, lambda: sync_api.expect(page.locator("h1").first).to_contain_text("Attention"))
        sync_api.expect(page.locator("[data-testid=stTextArea] textarea").first).to_have_value(own)
        sync_api.expect(page.locator(PROMPT_CHIPS)).to_contain_text("river")
        sync_api.expect(page.locator(".st-key-text_elsewhere")).to_contain_text("Next word")  # and back from there
        assert "prompt=The+boat" in page.url and "carry" not in page.url  # one text, so a refresh keeps it
        page.locator(".st-key-text_elsewhere").get_by_role("link", name="Next word").click()
        drawn(page, lambda: sync_api.expect(page.locator("h1").first).to_contain_text("Next word"))
        page.get_by_role("link", name="Ask the class first").click()  # a class poll on the same text
        box = page.get_by_role("textbox", name="The text the class continues")
        drawn(page, lambda: sync_api.expect(box).to_have_value(own))
        assert_no_exception(page)
    finally:
        close_page(page)


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
        close_page(page)


NARROW_VIEW = """() => {
  const bars = document.querySelector('.sv-bars'), curve = document.querySelector('.sv-curve');
  const end = (t) => t.getBBox().x + t.getBBox().width;
  const panels = [...new Set([...bars.querySelectorAll(':scope > rect')].map((r) => +r.getAttribute('x')))];
  const right = Math.max(...[...bars.querySelectorAll('[data-role=base]')].map(end));
  const title = [...curve.querySelectorAll('text[font-weight="700"]')];
  const width = +curve.getAttribute('viewBox').split(' ')[2];
  return {gap: Math.max(...panels) - right, lines: title.length, over: Math.max(...title.map(end)) - width};
}"""


def test_the_sampling_view_fits_the_narrowest_phone_in_german(browser, server: Server) -> None:
    """At 320 px, in German (longer words, "41,1 %"): the model's own bars leave their numbers room before the drawn
    ones (they ran into them), and the curve's title wraps instead of running off the edge."""
    page = open_page(browser, server, "sampling?lang=de", (320, 900))
    try:
        page.locator(VIEW).wait_for()
        fit = page.evaluate(NARROW_VIEW)
        assert fit["gap"] > 0 and fit["lines"] >= 2 and fit["over"] < 0, fit
        assert_no_exception(page)
    finally:
        close_page(page)


def test_dragging_a_slider_redraws_the_sampling_view_in_the_browser_alone(browser, server: Server) -> None:
    """While the thumb moves, the charts follow with no message to the server; the numbers are the model's
    (explainer.generation.next_token.compare on the same logits); letting go puts the value in the URL."""
    ctx = browser.new_context(locale=LOCALE, viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.add_init_script(COUNT_SENDS)
    page.goto(f"{server.url}/sampling?top_k=5", wait_until="domcontentloaded")
    page.wait_for_selector(APP_IDLE)
    try:
        view = page.locator(VIEW)
        view.wait_for()
        page.locator(".st-key-temperature").scroll_into_view_if_needed()
        box = page.locator(".st-key-temperature input[type=range]").evaluate(THUMB_CENTRE)
        version = int(view.get_attribute("data-version"))
        sends = page.evaluate("window.__sends")
        page.mouse.move(*box)
        page.mouse.down()
        for step in range(1, 11):
            page.mouse.move(box[0] + 8 * step, box[1])
        page.wait_for_function(f"() => +document.querySelector('{VIEW}').dataset.version > {version}")
        settings = view.get_attribute("data-settings")
        t = float(page.locator(".st-key-temperature input[type=range]").input_value())
        assert settings == f"T = {t:g}, top-k 5" and t > 1.0
        assert page.evaluate("window.__sends") == sends, "nothing may go to the server during the drag"

        backend = load_backend("builtin", "cpu")
        c = compare(
            backend.next_token_logits(backend.encode(SAMPLING_PROMPT)), SamplingParams(t, 5), 10, backend.token_str
        )
        cards = page.locator(".sv-card-value").all_inner_texts()
        assert cards == [f"{c.base_bits:.2f} bits", f"{c.chosen_bits:.2f} bits", f"{c.n_kept:,}"]
        chosen = page.locator("[data-role=chosen]").all_text_contents()
        assert chosen == [percent(v) if k else "cut" for v, k in zip(c.chosen, c.kept)] + ["cut"]

        page.mouse.up()
        page.wait_for_function(f"() => location.search.includes('temperature={t:g}')")
        # letting go sends the value: the address changes first, the message may leave a moment later (the app can
        # still look idle in between, on a busy machine)
        page.wait_for_function(f"() => window.__sends > {sends}")
        page.wait_for_selector(APP_IDLE)
        assert_no_exception(page)
        screenshot(page, SHOTS / "sampling-dragged.png")
    except (AssertionError, sync_api.Error) as e:
        raise AssertionError(f"{e}\n--- server log ---\n{server.log()}") from e
    finally:
        ctx.close()
