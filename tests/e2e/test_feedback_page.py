"""The human-feedback page in a real browser: ask, pick the better answer, read the before/after chart.

Runs on the server's default model (the built-in one unless LLM_EXPLAINER_MODEL is set).
"""

from __future__ import annotations

import pytest

from .harness import SHOTS, VIEWPORTS, Server, closing_page, drawn, finish, open_page

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

QUESTION = "What is the capital of Qumar?"  # never taught: the model makes up an answer


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
def test_ask_pick_and_see_the_probabilities_move(browser, server: Server, viewport: str) -> None:
    page = open_page(browser, server, "feedback", VIEWPORTS[viewport])
    with closing_page(page, server, failed_shot=SHOTS / f"feedback-failed-{viewport}.png"):
        main = page.get_by_test_id("stMain")
        expect(main.get_by_role("heading", name="Pre-training vs human feedback")).to_be_visible()
        expect(main).to_contain_text("small demonstration")

        page.get_by_label("Ask the model a question").fill(QUESTION)
        page.get_by_label("Ask the model a question").press("Enter")  # submits the form
        better = main.get_by_role("button", name="Better")
        expect(better).to_have_count(3)
        drawn(page, lambda: expect(main).to_contain_text("I do not know."))

        better.nth(2).click()  # the fixed answer "I do not know." is the last card
        drawn(page, lambda: expect(main).to_contain_text("after 1 piece of feedback"))
        chart = main.get_by_test_id("stPlotlyChart")
        expect(chart).to_be_visible()
        expect(chart).to_contain_text("before your feedback")
        expect(chart).to_contain_text("better")
        expect(main.get_by_test_id("stDataFrame")).to_be_visible()
        expect(main).to_contain_text("after 1 piece of feedback")
        finish(page, "feedback", viewport)
