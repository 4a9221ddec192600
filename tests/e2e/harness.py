"""The machinery of the browser tests: a real server (`python -m explainer.ui.serve`: `streamlit run`, warmed up) and
Debian's Chromium.

conftest.py turns it into fixtures (`server`, `browser`); test files use `open_page` and `close_page` (or
`closing_page`), `drawn`, `settled`, `finish`, `screenshot` and `axe_violations`; the benchmarks in bench/ use the
server and the Chromium settings too. Every wait is for a condition (an element, a value, the app idle after its effect
is drawn), never a fixed time.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

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
# The page has fetched plotly's chunk (explainer/ui/shell/chart_code.py loads it ahead on the pages without a chart).
CHART_CODE_FETCHED = "() => performance.getEntriesByType('resource').some((e) => e.name.includes('/PlotlyChart.'))"
START_TIMEOUT_S = 180
LOCALE = "en-US"  # the browser's language, whatever the machine's: the app follows it (test_languages.py has others)
PAGE_TIMEOUT_MS = 90_000
# Every tab's scripts run this many times slower (Chromium's CPU throttling), e.g. E2E_CPU_SLOWDOWN=4: races between
# the app's scripts and Streamlit's drawing that a slow machine's CI meets show up here too.
CPU_SLOWDOWN = float(os.environ.get("E2E_CPU_SLOWDOWN", "1"))
VIEWPORTS = {"laptop": (1280, 800), "projector": (1024, 768)}
# A line of the server's log that fails the browser suite: every Streamlit warning (a widget given a default value and
# also set through session state, for one) is a defect to fix, not noise.
LOG_WARNING = re.compile(r"WARNING|was created with a default value")


def assert_above(first, second) -> None:
    """`first` (a Playwright locator) starts higher on the page than `second`: a heading over what it names."""
    a, b = first.bounding_box(), second.bounding_box()
    assert a and b and a["y"] < b["y"], f"{first} should stand over {second}: y {a and a['y']} vs {b and b['y']}"


def free_port() -> int:
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

    def warnings(self) -> list[str]:
        """The lines of the whole log that say WARNING (or the widget-default warning), with their next lines."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return []
        return ["\n".join(lines[i : i + 3]) for i, line in enumerate(lines) if LOG_WARNING.search(line)]


def start_server(log_path: Path, port: int | None = None, env: dict[str, str] | None = None) -> Server:
    """`python -m explainer.ui.serve` (`streamlit run app_server.py`, warmed up at start) on 127.0.0.1:`port`
    (default: a free one) in its own process group, healthy
    when this returns; its run store beside its log unless `env` names another; RuntimeError if it never is."""
    port = port or free_port()
    cmd = [
        sys.executable, "-m", "explainer.ui.serve",
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
    ]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "LLM_EXPLAINER_RUNS": str(log_path.parent / "runs"), **(env or {})}
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
    except BaseException:
        stop(proc)
        raise
    return srv


def wait_warmed_up(srv: Server, limit_s: float = 120) -> None:
    """Until the server has done its warm-up (explainer/ui/warm.py: the model, analyses, the pages' first work):
    its CPU quiet (under 5 % of a core) for a second, at most `limit_s`."""
    import psutil

    proc, deadline = psutil.Process(srv.proc.pid), time.monotonic() + limit_s
    proc.cpu_percent()
    while time.monotonic() < deadline and proc.cpu_percent(interval=1.0) > 5:
        pass


def _wait_healthy(srv: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if srv.proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {srv.proc.returncode}\n--- server log ---\n{srv.log()}")
        try:
            with urllib.request.urlopen(f"{srv.url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        try:  # between polls, wait on the server's exit (reported at once above) rather than a fixed sleep
            srv.proc.wait(timeout=0.3)
        except subprocess.TimeoutExpired:
            pass
    raise RuntimeError(f"streamlit not healthy after {START_TIMEOUT_S}s\n--- server log ---\n{srv.log()}")


def stop(proc: subprocess.Popen) -> None:
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


@contextmanager
def serving(url: str | None = None) -> Iterator[str]:
    """The app's URL: `url` if given, else a server started here for the block (and stopped after), once it has
    warmed up: the benchmarks that use it time a warm server, as a class meets it."""
    if url:
        yield url
        return
    with tempfile.TemporaryDirectory() as tmp:
        srv = start_server(Path(tmp) / "server.log")
        try:
            wait_warmed_up(srv)
            yield srv.url
        finally:
            stop(srv.proc)


_IDLE_TABS: dict[int, list] = {}  # id(browser) -> its tabs free for the next test


def open_page(browser, srv: Server, path: str, viewport: tuple[int, int]):
    """A tab on `path` (its own Streamlit session), once the app is idle; give it back with `close_page`. Every
    request it makes to another host than the app's is kept in `page.foreign_requests`: the app must work offline
    (`finish` checks it).

    The tab is one a finished test gave back when there is one: a tab that has drawn the app before draws the next
    page from its compiled scripts, as a student's does (17 pages in German on 2 cores: 25 s, against 65 s in a new
    tab each and 75 s in a new browser context each). Every test still starts its own session on a freshly loaded
    page, with the browser's storage cleared (`close_page`)."""
    idle = _IDLE_TABS.setdefault(id(browser), [])
    if idle:
        page = idle.pop()
    else:
        page = browser.new_context(locale=LOCALE).new_page()
    w, h = viewport
    page.set_viewport_size({"width": w, "height": h})
    origin = urlparse(srv.url).netloc
    page.foreign_requests = []
    page.watch_requests = lambda r: page.foreign_requests.append(r.url) if _foreign(r.url, origin) else None
    page.on("request", page.watch_requests)
    page.set_default_timeout(PAGE_TIMEOUT_MS)
    cpu_slowdown(page, CPU_SLOWDOWN)  # also undoes what a test that failed inside `slow_cpu` left
    page.goto(f"{srv.url}/{path}", wait_until="domcontentloaded")
    page.wait_for_selector(APP_IDLE)
    return page


def cpu_slowdown(page, rate: float) -> None:
    """The tab's scripts run `rate` times slower from now on (1: full speed)."""
    if not hasattr(page, "cdp"):
        page.cdp = page.context.new_cdp_session(page)
    page.cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})


@contextmanager
def slow_cpu(page, rate: float = 8) -> Iterator[None]:
    """Steps run as on a slow machine's browser (its scripts `rate` times slower), where a script of the app's
    can run before, or never after, what Streamlit draws."""
    cpu_slowdown(page, max(rate, CPU_SLOWDOWN))
    try:
        yield
    finally:
        cpu_slowdown(page, CPU_SLOWDOWN)


def close_page(page) -> None:
    """The test is done with the tab: its page unloads (its Streamlit session ends, as when a tab is closed) and the
    tab waits for the next test, its storage cleared (Streamlit keeps the sidebar's state in localStorage: a test
    that opened the sidebar would open it for the next); one that cannot unload is closed with its context."""
    page.remove_listener("request", page.watch_requests)
    try:
        page.evaluate("() => { localStorage.clear(); sessionStorage.clear(); }")
        page.goto("about:blank")
    except Exception:  # a crashed or closed tab: not reused
        page.context.close()
        return
    _IDLE_TABS.setdefault(id(page.context.browser), []).append(page)


def _foreign(url: str, origin: str) -> bool:
    """A request that leaves the app's origin (data: and blob: URLs are the page's own)."""
    parsed = urlparse(url)
    return parsed.scheme not in ("data", "blob", "about") and parsed.netloc != origin


def assert_offline(page) -> None:
    assert page.foreign_requests == [], f"requests to other hosts: {page.foreign_requests[:5]}"


@contextmanager
def closing_page(page, srv: Server, failed_shot: Path | None = None) -> Iterator[None]:
    """Around a browser test's steps: a failed check (an AssertionError or a Playwright error) fails with the
    server's log added, after a full-page screenshot to `failed_shot` if given; the tab is given back (`close_page`)."""
    from playwright.sync_api import Error  # here: the test files skip themselves when Playwright is missing

    try:
        yield
    except (AssertionError, Error) as e:
        if failed_shot is not None:
            page.screenshot(path=str(failed_shot), full_page=True)
        raise AssertionError(f"{e}\n--- server log ---\n{srv.log()}") from e
    finally:
        close_page(page)


def drawn(page, effect) -> None:
    """Wait for what an action draws (`effect`: a Playwright expectation, e.g. `lambda: expect(box).to_contain_text(
    "cat")`), then for the app to be idle. What the rerun drew is the proof it ran: the idle state alone could be the
    one from before the action (a fast rerun may never show the "running" state at all)."""
    effect()
    page.wait_for_selector(APP_IDLE)


# How far the main column's content sticks out sideways (0: nothing cut off on the right, no sideways scroll).
OVERFLOW = (
    "() => { const m = document.querySelector('[data-testid=stMainBlockContainer]');"
    " return m.scrollWidth - m.clientWidth; }"
)


def settled(page) -> None:
    """The app idle and the browser done laying it out (two animation frames later): after a resize, which
    reruns nothing."""
    page.wait_for_selector(APP_IDLE)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


# The height of what the page shows: the main column (class stMain: a chat page's is its scroll-to-bottom box), and
# the sidebar's content unless it is collapsed (0 px wide).
PAGE_HEIGHT = """() => {
  const sidebar = document.querySelector('[data-testid=stSidebar]');
  const shown = sidebar && sidebar.getBoundingClientRect().width > 1 ? ', [data-testid=stSidebarContent]' : '';
  return Math.max(...[...document.querySelectorAll('.stMain' + shown)].map(e => e.scrollHeight),
                  document.body.scrollHeight);
}"""


NO_SKELETON = "() => !document.querySelector('[data-testid=stSkeleton]')"


def drawn_in_full(page) -> None:
    """Every element drawn: on a tab's first page Streamlit shows a grey skeleton for each kind of element until its
    code has loaded (a page link, a select box), which can be after the script is done."""
    page.wait_for_function(NO_SKELETON, timeout=30_000)


def screenshot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its main container, so grow the viewport to fit it first, and give
    the test its window back afterwards (a test clicks on in the window a person has, not in a 6,000 px one, where
    the charts are still laying themselves out again)."""
    drawn_in_full(page)
    size = page.viewport_size
    height = page.evaluate(PAGE_HEIGHT)
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(int(height), 6000)})
        settled(page)
    page.screenshot(path=str(path), full_page=True)
    if page.viewport_size != size:
        page.set_viewport_size(size)
        settled(page)


# Accessibility (WCAG 2.1 AA): axe-core's critical and serious findings fail a test. Axe runs on a page the test has
# already drawn in full (test_languages.py: every page in English; test_presenter.py: every page presented), after the
# script that makes scrolling boxes focusable is installed (explainer/ui/shell/accessible.py).
AXE_BLOCKING = {"critical", "serious"}
SCROLL_FOCUS = "() => window.__llmScrollFocus === true"


def axe_violations(page) -> list[dict]:
    """axe-core's critical and serious violations on the page as drawn now (WCAG 2.0 / 2.1 A and AA, best practice)."""
    from axe_playwright_python.sync_playwright import Axe  # a dev dependency: imported by the tests that use it

    page.wait_for_function(SCROLL_FOCUS)
    settled(page)
    return [v for v in Axe().run(page).response["violations"] if v["impact"] in AXE_BLOCKING]


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


def assert_no_exception(page) -> None:
    exceptions = page.get_by_test_id("stException")
    assert exceptions.count() == 0, exceptions.first.inner_text()


def finish(page, name: str, viewport: str) -> None:
    """The page shows no exception and asked no other host for anything; save its screenshot (name, plus -viewport
    unless 'laptop')."""
    assert_no_exception(page)
    assert_offline(page)
    suffix = "" if viewport == "laptop" else f"-{viewport}"
    screenshot(page, SHOTS / f"{name}{suffix}.png")
