"""Accessibility (WCAG 2.1 AA) in real Chromium: axe-core on every page of the registry, normal and presenter mode,
on the built-in model: no critical or serious violation."""

from __future__ import annotations

import pytest

from explainer.ui.shell.pages import PAGES

from .harness import VIEWPORTS, Server, assert_no_exception, closing_page, open_page, settled

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")
axe_api = pytest.importorskip("axe_playwright_python.sync_playwright")

BLOCKING = {"critical", "serious"}
MODES = {"normal": "", "presenter": "?present=1"}
# Drawn in full: the page's title, the sidebar's page links, presenter mode's root font when asked for (its style sheet
# comes with a second run, after the URL is rewritten) and the script that makes scrolling boxes focusable installed.
DRAWN = """(presenting) => document.querySelector('main h1')
  && document.querySelector('.st-key-nav a') && window.__llmScrollFocus
  && (!presenting || parseFloat(getComputedStyle(document.documentElement).fontSize) >= 21)"""


def axe_violations(page) -> list[dict]:
    """axe-core's critical and serious violations on the page as drawn now (WCAG 2.0 / 2.1 A and AA, best practice)."""
    results = axe_api.Axe().run(page)
    return [v for v in results.response["violations"] if v["impact"] in BLOCKING]


def readable(violations: list[dict]) -> str:
    """One paragraph per rule: its id, impact, what it asks, and the first few elements at fault."""
    out = []
    for v in violations:
        nodes = v["nodes"]
        lines = [f"{v['id']} ({v['impact']}, {len(nodes)} nodes): {v['help']}"]
        for node in nodes[:4]:
            summary = (node.get("failureSummary") or "").replace("\n", " ")[:200]
            lines.append(f"    {' '.join(map(str, node['target']))}: {summary}")
        out.append("\n".join(lines))
    return "\n".join(out)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("entry", PAGES, ids=[p.url_path or "home" for p in PAGES])
def test_no_serious_axe_violation(browser, server: Server, entry, mode: str) -> None:
    page = open_page(browser, server, entry.url_path + MODES[mode], VIEWPORTS["laptop"])
    with closing_page(page, server):
        page.wait_for_function(DRAWN, arg=mode == "presenter")
        settled(page)
        assert_no_exception(page)
        violations = axe_violations(page)
        assert not violations, f"{entry.url_path or 'home'} ({mode}):\n{readable(violations)}"
