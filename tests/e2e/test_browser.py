"""The real app in a real browser: `streamlit run` in a subprocess, driven by Playwright in Debian's Chromium.

Add a page by adding a `Page(...)` to PAGES. Screenshots land in tests/e2e/screenshots/.
The server shows the default model (LLM_EXPLAINER_MODEL if set, else the built-in one).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from explainer.backends import load_backend
from explainer.ui.models import default_spec, human_count

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
SHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
APP_IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
START_TIMEOUT_S = 90
PAGE_TIMEOUT_MS = 90_000

if not Path(CHROMIUM).exists():
    pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (make e2e-deps)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright Python package is not installed")


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
VIEWPORTS = {"laptop": (1280, 800), "projector": (1024, 768)}


# ---------------------------------------------------------------------------- the server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return text[-8000:]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = _free_port()
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    cmd = [
        sys.executable, "-m", "streamlit", "run", "streamlit_app.py",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd,
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    srv = Server(f"http://127.0.0.1:{port}", proc, log_path)
    try:
        _wait_healthy(srv)
        yield srv
    finally:
        _stop(proc)


def _wait_healthy(srv: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if srv.proc.poll() is not None:
            pytest.fail(f"streamlit exited with code {srv.proc.returncode}\n--- server log ---\n{srv.log()}")
        try:
            with urllib.request.urlopen(f"{srv.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    pytest.fail(f"streamlit not healthy after {START_TIMEOUT_S}s\n--- server log ---\n{srv.log()}")


def _stop(proc: subprocess.Popen) -> None:
    """Stop the server we started (its own process group), politely first."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


# ---------------------------------------------------------------------------- the browser


@pytest.fixture(scope="module")
def browser() -> Iterator[sync_api.Browser]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module", autouse=True)
def _fresh_screenshots() -> None:
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True, exist_ok=True)


def _open(browser: sync_api.Browser, srv: Server, page_spec: Page, viewport: tuple[int, int]) -> sync_api.Page:
    w, h = viewport
    ctx = browser.new_context(viewport={"width": w, "height": h})
    page = ctx.new_page()
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    page.goto(f"{srv.url}/{page_spec.path}", wait_until="domcontentloaded")
    page.wait_for_selector(APP_IDLE)
    return page


def _screenshot(page: sync_api.Page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main container, so grow the viewport to fit it first."""
    height = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]')]"
        ".map(e => e.scrollHeight), document.body.scrollHeight)"
    )
    size = page.viewport_size
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(int(height), 6000)})
        page.wait_for_timeout(300)  # let the layout settle
        page.wait_for_selector(APP_IDLE)
    page.screenshot(path=str(path), full_page=True)


@pytest.mark.parametrize("viewport", list(VIEWPORTS), ids=list(VIEWPORTS))
@pytest.mark.parametrize("page_spec", PAGES, ids=[p.name for p in PAGES])
def test_page_renders(browser, server: Server, page_spec: Page, viewport: str) -> None:
    page = _open(browser, server, page_spec, VIEWPORTS[viewport])
    try:
        main = page.locator("[data-testid=stMain]")
        for text in (t() for t in page_spec.texts):
            sync_api.expect(main).to_contain_text(text, timeout=PAGE_TIMEOUT_MS)
        page.wait_for_selector(APP_IDLE)
        exceptions = page.locator("[data-testid=stException]")
        assert exceptions.count() == 0, exceptions.first.inner_text()
        suffix = "" if viewport == "laptop" else f"-{viewport}"
        _screenshot(page, SHOTS / f"{page_spec.name}{suffix}.png")
    except (AssertionError, sync_api.Error) as e:
        raise AssertionError(f"{e}\n--- server log ---\n{server.log()}") from e
    finally:
        page.context.close()
