"""Attention, layers and the last vector in real Chromium: each page opens on the built-in model,
draws its charts, redraws after one interaction, and leaves screenshots in SHOTS."""

from __future__ import annotations

import re
import time

import pytest

from .harness import APP_IDLE, VIEWPORTS, Server, close_page, finish, open_page

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")

COW = "User: What sound does a cow make?\nAssistant: A cow says"
# Every trace's z (heatmaps) or x (bars) of the n-th plotly chart on the page, as drawn (null while it is redrawn).
CHART_DATA = """(n) => { const p = document.querySelectorAll('.js-plotly-plot')[n];
  return p && p.data ? JSON.stringify(p.data.map(t => t.z || t.x)) : null; }"""
CHANGED = f"([n, before]) => {{ const now = ({CHART_DATA})(n); return now !== null && now !== before; }}"


# Each chart text (a title, a label, an axis) that leaves its chart's box, by how many pixels.
CUT_TEXT = """() => [...document.querySelectorAll('.stMain .js-plotly-plot svg.main-svg')].flatMap((svg) => {
  const b = svg.getBoundingClientRect();
  return [...svg.querySelectorAll('text')].map((t) => [t.textContent, t.getBoundingClientRect()])
    .filter(([s, r]) => s.trim() && r.width > 0 && Math.max(r.right - b.right, b.left - r.left) > 2)
    .map(([s, r]) => `${s.slice(0, 40)}: ${Math.round(Math.max(r.right - b.right, b.left - r.left))} px`);
})"""


def chart_data(page, n: int) -> str:
    page.wait_for_selector(APP_IDLE)
    page.locator(".js-plotly-plot").nth(n).wait_for()
    return page.evaluate(CHART_DATA, n)


def choose(page, label: str, option: str) -> None:
    box = page.locator("[data-testid=stSelectbox]").filter(has_text=label).first.locator("input")
    box.click()
    box.press("ArrowDown")  # opens the list of options
    page.locator("[role=option]").filter(has_text=option).first.click()


def type_prompt(page, text: str) -> None:
    box = page.locator("[data-testid=stTextArea] textarea").first
    box.fill(text)
    box.press("Control+Enter")


def attention(page) -> None:
    shown = page.locator("[data-testid=stSelectbox]").filter(has_text="Head").first.inner_text().split()[-1]
    choose(page, "Head", "1" if shown != "1" else "2")  # not the head the page starts on


def layers(page) -> None:  # one more part switched off (the page starts with the one the answer needs most)
    page.locator(".st-key-off_parts button").filter(has_text="layer 4 · feed-forward").click()


def last_vector(page) -> None:
    type_prompt(page, COW)  # and the same last token in another text: the cow's swap suggested, "dog"
    said = page.locator("[data-testid=stMarkdown]").filter(has_text="after the second")
    sync_api.expect(said).to_contain_text("“␣moo” (99.7%) after the first text, “␣woof”", timeout=60_000)
    box = page.locator(".st-key-context_to input")
    box.fill("duck")
    box.press("Enter")
    sync_api.expect(said).to_contain_text("“␣quack”", timeout=60_000)
    page.wait_for_url(re.compile("context_to=duck"))  # in the address: a link to this view, a class following


# url path -> (title, the chart that must change, the interaction)
PAGES = {
    "attention": ("Attention", 0, attention),
    "layers": ("Layers", 4, layers),  # the likeliest words with and without the parts switched off
    "last-vector": ("The last vector", 2, last_vector),
}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("path", list(PAGES))
def test_inside_page(browser, server: Server, path: str, viewport: str) -> None:
    title, chart, interact = PAGES[path]
    start = time.monotonic()
    page = open_page(browser, server, path, VIEWPORTS[viewport])
    try:
        sync_api.expect(page.locator("h1").first).to_contain_text(title)
        page.locator(".js-plotly-plot").first.wait_for()
        print(f"{path} ({viewport}): drawn {time.monotonic() - start:.2f}s after opening")
        before = chart_data(page, chart)
        interact(page)
        page.wait_for_function(CHANGED, arg=[chart, before])  # the interaction redraws the chart
        assert chart_data(page, chart) != before
        finish(page, path, viewport)
        if path == "attention" and viewport == "laptop":  # on a small phone: titles in a smaller type, the lines'
            page.set_viewport_size({"width": 360, "height": 800})  # labels and the softmax's numbers with room: all
            page.wait_for_function(f"() => ({CUT_TEXT})().length === 0")  # inside their charts (cut by 8-31 px)
    except (AssertionError, sync_api.Error) as e:
        raise AssertionError(f"{e}\n--- server log ---\n{server.log()}") from e
    finally:
        close_page(page)


HEATMAP_TITLE = "() => document.querySelectorAll('.js-plotly-plot')[0]?.layout?.title?.text || ''"


@pytest.mark.parametrize(
    "query, title",
    [
        ("layer=2&head=3&lang=de", "Schicht 2, Head 3"),  # a link from an English page opens the same head in German
        ("layer=9&head=x", "Layer 1, head 4"),  # no such head: the page's own (the head that finds the country)
    ],
)
def test_a_link_opens_the_head_it_names(browser, server: Server, query: str, title: str) -> None:
    page = open_page(browser, server, f"attention?{query}", VIEWPORTS["laptop"])
    try:
        page.locator(".js-plotly-plot").first.wait_for()
        page.wait_for_function(f"() => ({HEATMAP_TITLE})().includes({title!r})")
        finish(page, "attention-link", "laptop")
    except (AssertionError, sync_api.Error) as e:
        raise AssertionError(f"{e}\n--- server log ---\n{server.log()}") from e
    finally:
        close_page(page)
