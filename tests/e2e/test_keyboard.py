"""The lesson's main path with the keyboard only (WCAG 2.1.1): Tab to each control, then Enter, Space or the arrow
keys, and check what it did. Chat: type, send, stop; next word: add the likeliest word, roll the dice; sampling: the
temperature slider; training: start and pause. No mouse click anywhere."""

from __future__ import annotations

import re

import pytest

from .harness import (
    APP_IDLE,
    PAGE_TIMEOUT_MS,
    SHOTS,
    VIEWPORTS,
    Server,
    assert_no_exception,
    closing_page,
    drawn,
    open_page,
)

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

MAX_TABS = 200  # more than every control of the longest page, sidebar included


def focused(page, matches: str) -> bool:
    """Whether the focused element matches `matches` (JavaScript, true for the element `e`)."""
    return page.evaluate(f"() => {{ const e = document.activeElement; return !!(e && ({matches})); }}")


def tab_to(page, matches: str, what: str) -> None:
    """Press Tab until the focused element matches `matches`."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if focused(page, matches):
            return
    raise AssertionError(f"Tab never reached {what}")


def in_key(key: str, tag: str = "BUTTON") -> str:
    """The focused element is the `tag` inside the element keyed `key` (Streamlit's .st-key-<key>)."""
    return f"e.tagName === '{tag}' && e.closest('.st-key-{key}')"


def button_named(text: str) -> str:
    return f"e.tagName === 'BUTTON' && e.innerText.includes({text!r})"


def test_chat_type_send_and_stop(browser, server: Server) -> None:
    page = open_page(browser, server, "chat?slow=true", VIEWPORTS["laptop"])  # at reading pace: time to stop it
    with closing_page(page, server, failed_shot=SHOTS / "keyboard-chat-failed.png"):
        tab_to(page, "e.dataset.testid === 'stChatInputTextArea'", "the chat's text box")
        page.keyboard.type("Tell me a story about a fox.")
        page.keyboard.press("Enter")
        reply = page.get_by_test_id("stChatMessage").nth(1)
        expect(reply).to_contain_text(re.compile(r"\w+ \w+"))
        tab_to(page, in_key("chat_stop"), "the Stop button")
        page.keyboard.press("Enter")
        expect(reply).to_contain_text("stopped by you")
        assert_no_exception(page)


def test_next_word_add_and_roll(browser, server: Server) -> None:
    page = open_page(browser, server, "next-word", VIEWPORTS["laptop"])
    with closing_page(page, server, failed_shot=SHOTS / "keyboard-next-word-failed.png"):
        prompt = page.get_by_test_id("stTextArea").locator("textarea")
        before = prompt.input_value()
        tab_to(page, button_named("Add “"), "the Add button")
        page.keyboard.press("Enter")
        drawn(page, lambda: expect(page.get_by_test_id("stAlert")).to_contain_text("Added “"))
        added = prompt.input_value()
        assert added.startswith(before) and len(added) > len(before), "Enter added a word"
        tab_to(page, button_named("Roll the dice"), "the dice")
        page.keyboard.press("Space")
        drawn(page, lambda: expect(prompt).not_to_have_value(added))
        assert prompt.input_value().startswith(added), "Space rolled another word onto the text"
        assert_no_exception(page)


def test_sampling_temperature_by_arrow_keys(browser, server: Server) -> None:
    page = open_page(browser, server, "sampling", VIEWPORTS["laptop"])
    with closing_page(page, server, failed_shot=SHOTS / "keyboard-sampling-failed.png"):
        tab_to(page, in_key("temperature", "INPUT"), "the temperature slider")
        thumb = page.get_by_role("slider", name="Temperature T")
        expect(thumb).to_have_value("1")
        for _ in range(4):
            page.keyboard.press("ArrowRight")
        expect(thumb).to_have_value("1.2")
        page.wait_for_url(re.compile(r"temperature=1\.2"))  # the server has the new value
        caption = page.locator(".sr-only caption").filter(has_text="Chances of the next word")
        expect(caption).to_contain_text("T = 1.2")  # and redrew the chart's text alternative for it
        assert_no_exception(page)


def test_train_start_and_pause(browser, server: Server) -> None:
    page = open_page(browser, server, "train", VIEWPORTS["laptop"])
    with closing_page(page, server, failed_shot=SHOTS / "keyboard-train-failed.png"):
        steps = page.locator(".st-key-train_steps input")  # a long run: a quiet machine ends 600 steps before Pause
        steps.fill("20000")
        steps.press("Enter")
        page.wait_for_selector(APP_IDLE)
        tab_to(page, in_key("train_run"), "Start training")
        page.keyboard.press("Enter")
        expect(page.locator(".st-key-train_run button")).to_contain_text("Pause", timeout=PAGE_TIMEOUT_MS)
        # The same button now says Pause, and the keyboard's focus is still on it: no tabbing through the page again.
        assert focused(page, in_key("train_run"))
        page.keyboard.press("Space")
        expect(page.get_by_role("button", name="Continue", exact=True)).to_be_visible(timeout=PAGE_TIMEOUT_MS)
        assert_no_exception(page)
