"""The real app in a real browser: every page opens from its URL without an exception.

Add a page by adding a `Page(...)` to PAGES. Screenshots land in tests/e2e/screenshots/.
The server shows the default model (LLM_EXPLAINER_MODEL if set, else the built-in one).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from explainer.backends.load import load_backend
from explainer.format import human_count
from explainer.ui.shell.models import default_spec

from .harness import (
    APP_IDLE,
    CHART_CODE_FETCHED,
    PAGE_TIMEOUT_MS,
    VIEWPORTS,
    Server,
    close_page,
    finish,
    open_page,
)

pytestmark = pytest.mark.e2e
sync_api = pytest.importorskip("playwright.sync_api")
CHART_CODE_SIZES = """() => performance.getEntriesByType('resource').filter((e) => e.name.includes('/PlotlyChart.'))
  .map((e) => [e.encodedBodySize, e.decodedBodySize])[0]"""


def _expected_params() -> str:
    return human_count(load_backend(default_spec()).info.n_params)


@dataclass
class Page:
    path: str  # URL path after the app's root ("" is the home page)
    name: str  # screenshot file stem
    texts: list[Callable[[], str]] = field(default_factory=list)  # texts the page must show


PAGES = [
    Page("", "home", [lambda: "How large language models work", lambda: "The model running here", _expected_params]),
]


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
@pytest.mark.parametrize("page_spec", PAGES, ids=[p.name for p in PAGES])
def test_page_renders(browser, server: Server, page_spec: Page, viewport: str) -> None:
    page = open_page(browser, server, page_spec.path, VIEWPORTS[viewport])
    try:
        main = page.locator("[data-testid=stMain]")
        for text in (t() for t in page_spec.texts):
            sync_api.expect(main).to_contain_text(text, timeout=PAGE_TIMEOUT_MS)
        page.wait_for_selector(APP_IDLE)
        if page_spec.path == "":  # no chart here: the charts' code is loaded ahead (explainer/ui/shell/chart_code.py)
            page.wait_for_function(CHART_CODE_FETCHED)
            # its 4.7 MB sent gzip-compressed (explainer/ui/gzip_static.py), from the network or the cache
            sent, size = page.evaluate(CHART_CODE_SIZES)
            assert 0 < sent < size / 2, f"plotly's chart code: {sent:,} bytes sent for {size:,}"
        finish(page, page_spec.name, viewport)
    except (AssertionError, sync_api.Error) as e:
        raise AssertionError(f"{e}\n--- server log ---\n{server.log()}") from e
    finally:
        close_page(page)
