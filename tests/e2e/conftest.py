"""Browser-test fixtures: one app server and one Chromium for the whole run."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .harness import CHROMIUM, CHROMIUM_ARGS, PAGE_TIMEOUT_MS, SHOTS, Server, start_server, stop

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make e2e-deps)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")
# expect()'s wait, for every browser test (Playwright's is one setting per process): a page's first run on a fresh
# server, or on a slowed browser, can take longer than the default 5 s. Three test files set it before, so a test's
# wait depended on which files its process had run first (the tour failed alone under E2E_CPU_SLOWDOWN=4).
sync_api.expect.set_options(timeout=PAGE_TIMEOUT_MS)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app server of the whole browser suite; the suite fails (an error at its teardown) if the server's log holds
    a single warning."""
    srv = start_server(tmp_path_factory.mktemp("streamlit") / "server.log")
    try:
        yield srv
    finally:
        stop(srv.proc)
    warnings = srv.warnings()
    assert not warnings, "the server warned during the browser tests:\n" + "\n---\n".join(warnings[:5])


@pytest.fixture(scope="session")
def browser() -> Iterator:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="session", autouse=True)
def _fresh_screenshots() -> None:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True, exist_ok=True)
