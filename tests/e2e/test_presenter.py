"""Presenter mode on a projector, measured in real Chromium at 1920×1080 and 1280×720, on every page: the sidebar
collapsed, captions dark and large, the main chart starting on the first screen, nothing cut off (no text cut short,
nothing sticking out sideways, every text of a chart inside the chart), no request to another host, no critical or
serious accessibility violation (axe-core, WCAG 2.1 AA; normal mode's: test_languages.py). Screenshots go to
SHOTS (present-*.png): look at them."""

from __future__ import annotations

import contextlib
import json
from urllib.parse import urlsplit

import pytest

from explainer.ui.shell.pages import PAGES

from .harness import (
    APP_IDLE,
    SHOTS,
    Server,
    assert_no_exception,
    assert_offline,
    axe_violations,
    closing_page,
    open_page,
    readable,
    settled,
)

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

SIZES = [(1920, 1080), (1280, 720)]
# The page's main chart, by its element's key (pages without one at first: the chat, the feedback and the GPU race
# until asked, the plan, the glossary).
MAIN_CHART = {
    "next-word": "next_word_bars",
    "sampling": "sampling_view",  # drawn in the browser (explainer/ui/sampling_view.py)
    "train": "steady_train_loss",
    "scale": "scale_reading",
    "embeddings": "emb_map2d",
    "attention": "attn_heatmap",
    "meaning": "mean_strips",
    "layers": "layers_flow",
    "last-vector": "last_vector_strip",
}
PRESENTING = "() => parseFloat(getComputedStyle(document.documentElement).fontSize) >= 21"
SCROLLED = "() => [location.pathname.split('/').pop(), document.querySelector('.stMain')?.scrollTop ?? -1]"
BOTTOM = "() => { const m = document.querySelector('.stMain'); return m.scrollHeight - m.clientHeight; }"
KEYS_ON = "() => window.explainerKeys === true"  # the page's keys script has run (explainer/ui/shell/keys.py)
FRAMES_30 = (  # resolves after 30 animation frames (half a second)
    "() => new Promise((done) => { let n = 0; const f = () => (++n > 30 ? done() : requestAnimationFrame(f)); f() })"
)
FIRST_SCREEN = 0.6  # the chart starts in the top 60 % of the screen: at least 40 % of the screen shows it

# Elements that scroll sideways by design (a table, code, a text box, a chart's own canvas, a formula).
SCROLLS_BY = "[data-testid=stDataFrame], [data-testid=stCode], textarea, input, .js-plotly-plot, pre, .katex-display"
MEASURE = (
    """(key) => {
  const SCROLLS_BY_DESIGN = '"""
    + SCROLLS_BY
    + """';
  const main = document.querySelector('[data-testid=stMainBlockContainer]');
  const out = {sideways: main.scrollWidth - main.clientWidth, cut: [], outside: [], faint: []};
  for (const e of main.querySelectorAll('*')) {
    const s = getComputedStyle(e);
    const cut = s.textOverflow === 'ellipsis' && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1;
    const scrolled = ['auto', 'scroll', 'hidden'].includes(s.overflowX) && e.clientWidth > 2  // 1 px: screen readers
      && e.scrollWidth > e.clientWidth + 1 && !e.closest(SCROLLS_BY_DESIGN);
    if (cut || scrolled) out.cut.push(e.innerText.slice(0, 60) || e.className);
  }
  for (const p of main.querySelectorAll('.js-plotly-plot')) {
    const box = p.getBoundingClientRect();
    if (box.height < 5) continue;  // a slot being replaced
    for (const t of p.querySelectorAll('.main-svg text')) {
      const r = t.getBoundingClientRect();
      if (!r.width || !t.textContent.trim()) continue;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
        out.outside.push(t.textContent);
    }
  }
  for (const c of main.querySelectorAll('[data-testid=stCaptionContainer]')) {
    const s = getComputedStyle(c), [r, g, b] = s.color.match(/\\d+/g).map(Number);
    const faint = parseFloat(s.fontSize) < 19 || (r + g + b) / 3 > 80 || parseFloat(s.opacity) < 1;
    if (faint) out.faint.push(c.innerText.slice(0, 40));
  }
  const box = main.querySelector('.st-key-prompt textarea');  // the page's text: all of it in view, no scrolling
  if (box && box.scrollHeight > box.clientHeight + 2) out.cut.push('text box: ' + box.value.slice(-40));
  const chart = key && document.querySelector('.st-key-' + key);
  out.chart = chart ? chart.getBoundingClientRect().top : null;
  const sidebar = document.querySelector('[data-testid=stSidebar]');
  out.sidebar = sidebar ? sidebar.getBoundingClientRect().right : 0;
  return out;
}"""
)

FITS = f"(key) => ({MEASURE})(key).outside.length === 0"  # every chart's texts inside it


@pytest.mark.parametrize("entry", PAGES, ids=[p.url_path or "home" for p in PAGES])
def test_presenter_mode_fits_a_projector(browser, server: Server, entry) -> None:
    """Loaded at the first size, then the window resized to the next, as a teacher drags it onto the projector: the
    page reads no window size (all of it is the browser's layout), so each size is measured on the one page load."""
    name = entry.url_path or "home"
    page = open_page(browser, server, f"{entry.url_path}?present=1", SIZES[0])
    with closing_page(page, server, failed_shot=SHOTS / f"present-failed-{name}.png"):
        key = MAIN_CHART.get(entry.url_path)
        page.wait_for_function(PRESENTING)  # presenter mode's style is on the page
        page.locator(".st-key-footer").wait_for()  # drawn last: the page's script has run to its end
        if key:  # drawn, not only placed: plotly's svg (graphviz's for the layers' flow)
            page.locator(f".st-key-{key} .main-svg, .st-key-{key} svg").first.wait_for()
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            settled(page)
            assert_no_exception(page)
            with contextlib.suppress(sync_api.TimeoutError):  # plotly redraws for the new width after a debounce: a
                page.wait_for_function(FITS, arg=key, timeout=5_000)  # loaded CI measured the old layout once
            found = page.evaluate(MEASURE, key)
            at = f"at {width}x{height}: "
            assert found["sidebar"] <= 1, at + "the sidebar starts collapsed: the projector gets the whole width"
            assert found["sideways"] <= 1, at + "nothing sticks out of the page sideways"
            assert found["cut"] == [], at + "no text cut short with …"
            assert found["outside"] == [], at + "every text of a chart (labels, legend, title) inside the chart"
            assert found["faint"] == [], at + "captions dark and at least 19 px"
            if key:
                assert found["chart"] <= FIRST_SCREEN * height, at + f"the main chart starts at {found['chart']:.0f} px"
            page.screenshot(path=str(SHOTS / f"present-{name}-{width}x{height}.png"))  # the first screen
        violations = axe_violations(page)
        assert not violations, f"{name} (presenter mode):\n{readable(violations)}"
        assert_offline(page)


def test_the_teacher_hands_the_projected_view_to_the_class(browser, server: Server) -> None:
    """From the projector's sidebar, the view's QR code, big; its address opens the same page with the same settings,
    not in presenter mode, on a student's device."""
    teacher = open_page(browser, server, "sampling?present=1&temperature=1.5", SIZES[0])
    with closing_page(teacher, server, failed_shot=SHOTS / "share-failed.png"):
        teacher.get_by_test_id("stExpandSidebarButton").click()  # presenter mode starts with the sidebar closed
        teacher.get_by_role("button", name="Show this view's QR code").click()
        qr = teacher.locator("[role=dialog] img[alt^='QR code of']")
        qr.wait_for()
        address = qr.get_attribute("alt").removeprefix("QR code of ")
        port = urlsplit(server.url).port
        assert address.endswith(f":{port}/sampling?temperature=1.5"), address
        assert qr.bounding_box()["width"] >= 250, "big enough to scan from a classroom's back rows"
        teacher.keyboard.press("PageDown")  # the clicker's key while the code is shown: the page stays
        teacher.evaluate(FRAMES_30)
        assert teacher.evaluate(SCROLLED) == ["sampling", 0] and qr.is_visible()
        teacher.screenshot(path=str(SHOTS / "share-qr.png"))
    student = open_page(browser, server, "sampling?" + urlsplit(address).query, (412, 915))  # a phone
    with closing_page(student, server, failed_shot=SHOTS / "share-student-failed.png"):
        expect(student.get_by_role("slider", name="Temperature")).to_have_value("1.5")
        assert not student.evaluate(PRESENTING), "the student's page is not in presenter mode"
        assert_offline(student)


# True once the page (its address and how far it is scrolled) differs from `before` and has held still for 5 frames
# (the clicker scrolls smoothly).
MOVED_AND_STILL = (
    """(before) => {
  const now = JSON.stringify(("""
    + SCROLLED
    + """)());
  window.stillFor = now === window.lastSeen ? (window.stillFor || 0) + 1 : 0;
  window.lastSeen = now;
  return now !== before && window.stillFor >= 5;
}"""
)


def test_a_clicker_scrolls_the_page_then_turns_to_the_next_step(browser, server: Server) -> None:
    """A presentation clicker sends Page Down / Page Up: in presenter mode the first scrolls the page a screen on,
    and at its bottom goes to the next step of the story; Page Up at the top goes back. Without presenter mode the
    keys only scroll."""
    page = open_page(browser, server, "chat?present=1", SIZES[1])
    with closing_page(page, server, failed_shot=SHOTS / "clicker-failed.png"):
        page.wait_for_function(PRESENTING)
        page.wait_for_function(KEYS_ON)
        page.locator(".stMain [data-testid=stCheckbox] input").first.focus()  # a switch has the focus (as after turning
        assert page.evaluate("() => document.activeElement.type") == "checkbox"  # presenter mode on): it still goes
        seen = [tuple(page.evaluate(SCROLLED))]
        while seen[-1][0] == "chat":  # (a chat page scrolls in an element of its own: keys.py)
            assert len(seen) < 12, f"Page Down never reached the next step: {seen}"
            page.keyboard.press("PageDown")
            page.wait_for_function(MOVED_AND_STILL, arg=json.dumps(list(seen[-1]), separators=(",", ":")))
            seen.append(tuple(page.evaluate(SCROLLED)))
        assert len(seen) >= 3 and all(b[1] > a[1] for a, b in zip(seen[:-2], seen[1:-1])), f"scrolled first: {seen}"
        page.wait_for_selector(APP_IDLE)  # the next step, drawn, at its top (the address can change before it is)
        page.wait_for_function(f"() => JSON.stringify(({SCROLLED})()) === '[\"next-word\",0]'", timeout=10_000)
        page.keyboard.press("PageUp")  # at the top of the page: back to the step before
        page.wait_for_url(lambda url: urlsplit(url).path.endswith("/chat"))
        page.wait_for_selector(APP_IDLE)
        assert_no_exception(page)
    plain = open_page(browser, server, "next-word", SIZES[1])
    with closing_page(plain, server):  # not presenting: the keys scroll (they did nothing before a click), no more
        plain.wait_for_function(KEYS_ON)
        plain.locator(".st-key-next_word_bars .main-svg").first.wait_for()  # the page at its full height
        settled(plain)
        plain.keyboard.press("End")
        plain.wait_for_function(MOVED_AND_STILL, arg=json.dumps(["next-word", 0], separators=(",", ":")))
        assert plain.evaluate(SCROLLED)[1] >= plain.evaluate(BOTTOM) - 1, "End: the bottom of the page"
        plain.keyboard.press("PageDown")  # at the bottom: the page stays
        plain.evaluate(FRAMES_30)
        assert plain.evaluate(SCROLLED)[0] == "next-word" and "present" not in plain.url
        plain.emulate_media(reduced_motion="reduce")  # less motion asked for: a screen back at once, no glide
        bottom = plain.evaluate(SCROLLED)[1]
        plain.keyboard.press("PageUp")
        assert bottom - plain.evaluate(SCROLLED)[1] > 300, "moved in the key's own frame"
