"""The lesson plan in real Chromium: each of its links opens its page and lands on the exact view (the section is
scrolled to the top part of the screen, the preset settings are in the address bar), "Back to the lesson plan" comes
back to the step's box on the plan, a presentation clicker walks the plan's steps, and the handout prints on one
page."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl, urlparse

import pytest

from explainer.classroom.questions import QUESTIONS
from explainer.format import html_escape
from explainer.i18n import _, speaking
from explainer.ui.shell.lesson import STEP_KEY, STEPS, Link

from .harness import APP_IDLE, SHOTS, VIEWPORTS, Server, assert_no_exception, assert_offline, closing_page, open_page
from .test_presenter import KEYS_ON, MOVED_AND_STILL, PRESENTING, SCROLLED

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")

# Where a view is on the screen: its element (a heading anchored by that name, or a container keyed view-NAME) and the
# top of its box in the viewport, once the app is idle.
VIEW_TOP = """(name) => {
  if (document.querySelector('[data-testid=stApp]')?.dataset.testScriptState !== 'notRunning') return null;
  const el = document.getElementById(name) || document.querySelector('.st-key-view-' + name);
  return el ? el.getBoundingClientRect().top : null;
}"""


def landed(page, view: str) -> None:
    """Wait until the view's top is in the upper half of the screen, below the top bar."""
    page.wait_for_function(
        f"() => {{ const top = ({VIEW_TOP})({view!r}); return top !== null && top >= 0 && top <= innerHeight / 2; }}"
    )


def follow(page, locator, link: Link) -> None:
    page.wait_for_selector(APP_IDLE)  # the plan drawn in full: a link still moving can take the click of the next one
    locator.click()
    page.wait_for_url(lambda url: urlparse(url).path.strip("/") == link.url_path)
    page.wait_for_selector(APP_IDLE)
    landed(page, link.view)
    query = dict(parse_qsl(urlparse(page.url).query))
    assert {k: query.get(k) for k in link.params} == link.params, f"the preset settings of {link}: {page.url}"
    assert STEP_KEY not in query, "the step is taken out of the address bar"


def back_to_the_plan(page) -> None:
    page.wait_for_selector(APP_IDLE)  # the view has finished (a chat reply written to its end): the footer is drawn
    footer = page.locator(".st-key-footer [data-testid=stPageLink-NavLink]")
    footer.filter(has_text="Back to the lesson plan").click()
    page.wait_for_url(lambda url: urlparse(url).path.strip("/") == "")
    page.wait_for_selector(APP_IDLE)


def test_each_step_of_the_plan_lands_on_its_view(browser, server: Server) -> None:
    page = open_page(browser, server, "", VIEWPORTS["laptop"])
    with closing_page(page, server, failed_shot=SHOTS / "lesson-failed.png"):
        for step in STEPS:
            box = page.locator(f".st-key-view-{step.view}")
            sync_api.expect(box).to_contain_text(f"{step.minutes} min")
            follow(page, box.locator("[data-testid=stPageLink-NavLink]").first, step.link)
            page.screenshot(path=str(SHOTS / f"lesson-step-{step.n:02d}.png"))  # the first screen: the view
            back_to_the_plan(page)
            landed(page, step.view)  # the step's own box on the plan, not the top of the page
            page.wait_for_selector(f"body[data-landed={step.view}]", state="attached")  # and lets go of the scroll
        assert_offline(page)


@pytest.mark.parametrize("lang", ["en", "de", "fr"])  # longer words: the plan and the key still fit their pages
def test_the_handout_prints_the_plan_on_one_sheet_and_the_answers_after_it(
    browser, server: Server, tmp_path, lang: str
) -> None:
    page = open_page(browser, server, f"?lang={lang}", VIEWPORTS["laptop"])
    with closing_page(page, server), speaking(lang):
        with page.expect_download() as got:
            page.get_by_role("button", name=_("Print the plan and the answers")).click()
        path = tmp_path / "plan.html"
        got.value.save_as(path)
        html = path.read_text(encoding="utf-8")
        assert all(f"<b>{s.n} · " in html for s in STEPS) and "http" not in html, "every step, nothing fetched"
        head, key = html.split("<h2>")
        for paper in ("A4", "Letter"):
            plan, answers, both = (
                sheets(page, part, paper) for part in (head, f"{head[: head.index('<h1>')]}<h2>{key}", html)
            )
            assert plan == 1 and answers <= 2, f"{paper}: the whole plan on one sheet, the answers on two at most"
            assert both == plan + answers, f"{paper}: the answers start on a sheet of their own"
        page.set_content(html)
        size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('table.answers')).fontSize)")
        assert size >= 8 * 96 / 72 - 0.01, f"the answer key in type a teacher can read, 8 pt at least: {size}px"
        assert all(f"{q.step}</td><td>{html_escape(_(q.text))}</td>" in html for q in QUESTIONS)
        page.screenshot(path=str(SHOTS / f"lesson-handout-{lang}.png"), full_page=True)


def sheets(page, html: str, paper: str) -> int:
    """How many landscape sheets of `paper` the page `html` prints on."""
    page.set_content(html)
    return len(re.findall(rb"/Type\s*/Page[^s]", page.pdf(landscape=True, format=paper, print_background=True)))


def test_a_clicker_walks_the_plans_steps(browser, server: Server) -> None:
    """Opened from the plan, Scale's reading (step 4) is followed by Train it yourself (step 5), whose view is lower
    on its page; the sidebar's next page would be Human feedback. A clicker's Page Down scrolls Scale to its bottom,
    then opens step 5 landed on its view, not at the top."""
    page = open_page(browser, server, "?present=1", VIEWPORTS["laptop"])
    with closing_page(page, server, failed_shot=SHOTS / "lesson-clicker-failed.png"):
        page.wait_for_function(PRESENTING)
        follow(page, page.locator(".st-key-view-step-4 [data-testid=stPageLink-NavLink]").first, STEPS[3].link)
        page.wait_for_function(KEYS_ON)
        seen = [tuple(page.evaluate(SCROLLED))]
        while seen[-1][0] == "scale":
            assert len(seen) < 30, f"Page Down never turned to the next step: {seen}"
            page.keyboard.press("PageDown")
            page.wait_for_function(MOVED_AND_STILL, arg=json.dumps(list(seen[-1]), separators=(",", ":")))
            seen.append(tuple(page.evaluate(SCROLLED)))
        assert seen[-1][0] == "train", f"the plan's next step, not the sidebar's next page: {seen}"
        page.wait_for_selector(APP_IDLE)
        landed(page, STEPS[4].link.view)
        page.wait_for_selector(f"body[data-landed={STEPS[4].link.view}]", state="attached")
        assert page.evaluate(SCROLLED)[1] > 0, "on its view, below the top of the page"
        query = dict(parse_qsl(urlparse(page.url).query))
        assert query.get("present") == "1" and STEP_KEY not in query, query
        assert_no_exception(page)
