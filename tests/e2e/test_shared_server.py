"""A link written as Markdown, opened in a real browser: the page shows it as text, with no link to follow and
no image fetched from another host (the app escapes every string from outside; showErrorDetails is off)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from .harness import SHOTS, Server, closing_page, finish, open_page

pytestmark = pytest.mark.e2e

EVIL = "[Your teacher says: log in here](http://evil.example/x) ![t](//evil.example/t.png) www.evil.example"


def test_a_model_link_written_as_markdown_is_only_text(browser, server: Server) -> None:
    requests: list[str] = []
    page = open_page(browser, server, f"?model={quote(EVIL)}", (1280, 800))
    page.on("request", lambda r: requests.append(r.url))
    with closing_page(page, server, SHOTS / "markdown-link-failed.png"):
        page.get_by_text("log in here", exact=False).first.wait_for()
        assert page.locator("a[href*='evil'], img[src*='evil']").count() == 0
        assert "Your teacher says: log in here" in page.inner_text("[data-testid=stApp]")
        finish(page, "markdown-link", "laptop")
        assert not [u for u in requests if "evil" in u]
