"""The torn-script page in a real browser: reach it from the navigation, ask, read the script.

The server shows the default model (LLM_EXPLAINER_MODEL if set, else the built-in one), which
must answer "What is the capital of France?" with Paris at temperature 0.
"""

from __future__ import annotations

import re

import pytest

from ..helpers import tiny_checkpoint
from .harness import (
    APP_IDLE,
    SHOTS,
    VIEWPORTS,
    Server,
    assert_no_exception,
    axe_violations,
    closing_page,
    drawn,
    open_page,
    readable,
    screenshot,
    settled,
    slow_cpu,
)

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

QUESTION = "What is the capital of France?"


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
def test_ask_a_question_and_read_the_script(browser, server: Server, viewport: str) -> None:
    page = open_page(browser, server, "", VIEWPORTS[viewport])
    with closing_page(page, server, failed_shot=SHOTS / f"chat-failed-{viewport}.png"):
        page.locator(".st-key-nav").get_by_role("link", name="The torn script").click()
        main = page.get_by_role("main")  # with a pinned chat input, main is not "stMain" but a scroll-to-bottom box
        heading = main.get_by_role("heading", name="The torn script")
        drawn(page, lambda: expect(heading).to_be_visible())
        expect(page.get_by_test_id("stSidebar")).to_contain_text("runs on")  # the shared sidebar is there too
        settled(page)  # before a conversation the page opens at its top, the question box in it (once it opened at
        expect(heading).to_be_in_viewport()  # its end, pinned there, the title out of view)
        assert page.evaluate("() => document.querySelector('.stMain').scrollTop") == 0
        expect(page.locator("[data-testid=stBottom] [data-testid=stChatInput]")).to_have_count(0)

        page.get_by_role("slider", name="Temperature").press("Home")  # temperature 0: the likeliest word
        drawn(page, lambda: expect(page).to_have_url(re.compile(r"/chat\?.*temperature=0")))

        with slow_cpu(page):  # where the box lost its focus (CI): the reply's rerun outran the script that focuses it
            page.get_by_test_id("stChatInputTextArea").fill(QUESTION)
            page.get_by_test_id("stChatInputTextArea").press("Enter")
            reply = page.get_by_test_id("stChatMessage").nth(1)
            expect(reply).to_contain_text("Paris")
            drawn(page, lambda: expect(reply).to_contain_text("seed"))  # the caption under a finished reply
            pinned = page.locator("[data-testid=stBottom] [data-testid=stChatInputTextArea]")
            expect(pinned).to_be_focused()  # pinned to the window's bottom now, ready for the next question
        expect(reply).to_be_in_viewport()

        page.get_by_test_id("stCheckbox").filter(has_text="Show the script the model sees").click()
        expect(page.get_by_role("switch", name="Show the script the model sees")).to_be_checked()
        script = main.locator("pre")
        expect(script).to_contain_text(re.compile(rf"User: {re.escape(QUESTION)}\nAssistant: .*Paris"))
        expect(script.locator("span[style*=background]")).to_contain_text("Paris")  # marked: the model wrote it
        expect(page).to_have_url(re.compile(r"script=true"))

        page.get_by_test_id("stExpander").get_by_text("Inspect each word").click()
        expect(main.get_by_test_id("stPlotlyChart")).to_be_visible()
        expect(main.get_by_test_id("stDataFrame")).to_be_visible()
        settled(page)  # opening it reruns the page, which draws what it holds
        assert_no_exception(page)
        suffix = "" if viewport == "laptop" else f"-{viewport}"
        screenshot(page, SHOTS / f"chat{suffix}.png")


def test_a_shared_link_opens_the_same_view(browser, server: Server, tmp_path) -> None:
    model = tiny_checkpoint(tmp_path / "class-model")
    page = open_page(browser, server, f"chat?model={model}&temperature=0&seed=5&script=true", VIEWPORTS["laptop"])
    with closing_page(page, server):
        expect(page.get_by_role("slider", name="Temperature")).to_have_value("0")
        expect(page.get_by_test_id("stNumberInputField")).to_have_value("5")
        expect(page.get_by_role("main").locator("pre")).to_contain_text("A conversation between")
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar).to_contain_text("In use: class-model")
        sidebar.get_by_role("link", name="Next word").click()  # the model follows to the next page
        drawn(page, lambda: expect(page.locator("h1").first).to_contain_text("Next word"))
        expect(sidebar).to_contain_text("In use: class-model")
        expect(page).to_have_url(re.compile(r"/next-word\?model="))


def test_the_lesson_puts_words_in_its_mouth(browser, server: Server) -> None:
    """Step 1's second link: the chat opens with the reply's first words written for the model; asked about France,
    the shipped model goes on from them as from its own, and the script marks which words were the student's."""
    page = open_page(browser, server, "", VIEWPORTS["laptop"])
    with closing_page(page, server, failed_shot=SHOTS / "chat-mouth-failed.png"):
        page.get_by_role("link", name=re.compile("Put words in its mouth")).click()
        drawn(page, lambda: expect(page.locator(".st-key-opening input")).to_have_value("I do not know"))
        page.get_by_role("button", name=QUESTION).click()  # as the plan says: the suggested question
        reply = _bubbles(page, "Assistant").first
        expect(reply).to_contain_text("I do not know the answer to that.")
        expect(reply).to_contain_text("after your words “I do not know”")
        expect(page.get_by_role("main").locator("pre span[style*=dashed]")).to_have_text("I do not know")
        settled(page)
        assert_no_exception(page)


def test_the_lesson_lets_it_write_past_its_reply(browser, server: Server) -> None:
    """Step 1's third link: after its reply the shipped model, let go on, writes the person's next question and
    answers it; the page shows that exchange apart, the question marked as the model's."""
    page = open_page(browser, server, "", VIEWPORTS["laptop"])
    with closing_page(page, server, failed_shot=SHOTS / "chat-run-on-failed.png"):
        page.get_by_role("link", name=re.compile("Let it write past its reply")).click()
        page.get_by_role("button", name="What is two plus three?").click()
        expect(_bubbles(page, "Assistant").first).to_contain_text("Two plus three is five.")
        past = page.locator(".st-key-past_its_reply")
        expect(past).to_contain_text("What about seven plus ten?written by the model, not by you")
        expect(past).to_contain_text("Seven plus ten is seventeen.")
        settled(page)
        assert_no_exception(page)
        assert not (found := axe_violations(page)), readable(found)  # the model's question in the person's place


STORY = "Tell me a short story about a fox."  # a long reply: at reading pace, seconds to send a question into


def _bubbles(page, who: str):
    return page.get_by_test_id("stChatMessage").filter(has=page.get_by_test_id(f"stChatMessageAvatar{who}"))


def _send(page, text: str) -> None:
    box = page.get_by_test_id("stChatInputTextArea")
    box.fill(text)
    box.press("Enter")


def test_a_question_sent_mid_reply_waits_and_both_are_answered(browser, server: Server) -> None:
    page = open_page(browser, server, "chat?slow=true", VIEWPORTS["laptop"])  # at reading pace: seconds of writing
    with closing_page(page, server, failed_shot=SHOTS / "chat-queue-failed.png"):
        _send(page, STORY)
        writing = page.locator(".st-key-chat_writing")
        expect(writing).to_contain_text("writing")  # the model is busy, and says so
        expect(_bubbles(page, "Assistant").first).to_contain_text(re.compile(r"\w+ \w+"))  # a few words in
        _send(page, QUESTION)  # while the first reply is still being written
        users, replies = _bubbles(page, "User"), _bubbles(page, "Assistant")
        expect(users).to_have_count(2)
        expect(users.nth(0)).to_contain_text(STORY)
        expect(users.nth(1)).to_contain_text(QUESTION)
        expect(replies).to_have_count(2)
        expect(replies.nth(1)).to_contain_text("seed")  # both replies finished, with their captions
        expect(replies.nth(0)).to_contain_text("seed")
        expect(replies.nth(0)).not_to_contain_text("stopped by you")  # the marker, not the word in a story
        expect(writing).to_have_count(0)
        page.wait_for_selector(APP_IDLE)
        assert_no_exception(page)
        screenshot(page, SHOTS / "chat-two-questions.png")


def test_stop_keeps_the_reply_so_far(browser, server: Server) -> None:
    page = open_page(browser, server, "chat?slow=true", VIEWPORTS["laptop"])  # at reading pace: time to press Stop
    with closing_page(page, server, failed_shot=SHOTS / "chat-stop-failed.png"):
        _send(page, STORY)
        expect(_bubbles(page, "Assistant").first).to_contain_text(re.compile(r"\w+ \w+"))
        page.locator(".st-key-chat_stop button").click()
        reply = _bubbles(page, "Assistant").first
        expect(reply).to_contain_text("stopped by you")
        expect(page.locator(".st-key-chat_writing")).to_have_count(0)
        assert_no_exception(page)
