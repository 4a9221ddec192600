"""Simulated students for the load test: one Playwright browser context each, driving the real app.

A student types prompts on Next word, goes to Temperature & sampling, moves the temperature slider,
and goes back, thinking a few seconds between actions. A trainer starts a tiny training run on /train
and watches it. Every action is timed in the browser, from the key press or click until the app is
idle again with its first chart redrawn (and, after a click in the navigation, the new page's title).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from tests.e2e.harness import APP_IDLE

COUNTRIES = ["France", "Japan", "Kenya", "Peru", "Norway", "Egypt", "Canada", "India", "Chile", "Spain", "Italy"]
PROMPTS = [f"User: What is the capital of {c}?\nAssistant: The capital of {c} is" for c in COUNTRIES]
ACTION_TIMEOUT_MS = 30_000
LOAD_TIMEOUT_MS = 180_000
# Tabs loading the app at once. Each load compiles the app's JavaScript (plotly is large) in its own
# browser context: thirty at once would measure the one shared CPU the browser runs on, not the server.
LOADING_AT_ONCE = 3
# The first chart as drawn: a plotly chart's data, else the sampling view's text (explainer/ui/sampling_view.py).
CHART = """const c = document.querySelector('.js-plotly-plot'), v = document.querySelector('.sv-root[data-version]');
  const chart = c ? (c.data ? JSON.stringify(c.data.map(t => [t.x, t.y])) : null) : (v ? v.textContent : null);"""
START = "() => { " + CHART + " window.__before = chart; window.__t0 = performance.now(); }"
# Polled: false until the app is idle, the title holds `heading` (if given) and the first chart changed;
# then the milliseconds since START.
DONE = (
    """(heading) => {
  const app = document.querySelector('[data-testid=stApp]');
  if (!app || app.dataset.testScriptState !== 'notRunning') return false;
  if (heading) { const h = document.querySelector('h1'); if (!h || !h.textContent.includes(heading)) return false; }
  """
    + CHART
    + """
  if (!chart || chart === window.__before) return false;
  return performance.now() - window.__t0;
}"""
)


@dataclass
class Stats:
    """What every simulated student saw, gathered in one place (all coroutines share one event loop)."""

    latencies: dict[str, list[float]] = field(default_factory=dict)  # kind -> ms
    errors: list[str] = field(default_factory=list)  # exceptions shown, timeouts, lost connections
    js_errors: list[str] = field(default_factory=list)  # uncaught errors in the page's JavaScript
    replicas: dict[int, Counter] = field(default_factory=dict)  # student -> X-Replica header values seen
    training: dict[int, str] = field(default_factory=dict)  # trainer -> what its page said at the end
    loading: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(LOADING_AT_ONCE))
    leaving: set[int] = field(default_factory=set)  # students closing their tab (a websocket closing is expected)

    def add(self, kind: str, ms: float) -> None:
        self.latencies.setdefault(kind, []).append(ms)

    def error(self, who: int, kind: str, what: str) -> None:
        self.errors.append(f"student {who}, {kind}: {what[:300]}")


async def new_student_page(browser, url: str, who: int, stats: Stats):
    """A fresh browser context (its own cookies: its own Streamlit session) watching for trouble."""
    ctx = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await ctx.new_page()
    page.set_default_timeout(ACTION_TIMEOUT_MS * 2)
    page.on("pageerror", lambda e: stats.js_errors.append(f"student {who}: {e}"[:300]))
    seen = stats.replicas.setdefault(who, Counter())
    page.on("response", lambda r: (rep := r.headers.get("x-replica")) and seen.update([rep]))
    page.on("websocket", lambda ws: ws.on("close", lambda _ws: _closed(who, stats)))
    return ctx, page


def _closed(who: int, stats: Stats) -> None:
    if who not in stats.leaving:
        stats.error(who, "connection", "the app's websocket closed while the student was still there")


async def close(ctx, who: int, stats: Stats) -> None:
    stats.leaving.add(who)
    await ctx.close()


async def open_app(page, url: str, path: str, stats: Stats, chart: bool = True) -> None:
    """Load the app at `path` (a few tabs at a time) and record how long until it is drawn and idle."""
    async with stats.loading:
        t0 = time.perf_counter()
        await page.goto(f"{url}/{path}", wait_until="domcontentloaded", timeout=LOAD_TIMEOUT_MS)
        await page.wait_for_selector(APP_IDLE, timeout=LOAD_TIMEOUT_MS)
        if chart:
            await page.locator(".js-plotly-plot, .sv-root[data-version]").first.wait_for(timeout=LOAD_TIMEOUT_MS)
        stats.add("first page load", (time.perf_counter() - t0) * 1000)


async def timed(page, who: int, kind: str, action, stats: Stats, heading: str | None = None) -> bool:
    """Run `action` (a coroutine function), wait for its effect, record the time; False on trouble."""
    from playwright.async_api import Error as PlaywrightError

    await page.evaluate(START)
    try:
        await action()
        done = await page.wait_for_function(DONE, arg=heading, polling=25, timeout=ACTION_TIMEOUT_MS)
        ms = await done.json_value()
    except PlaywrightError as e:  # a timeout, or the page gone
        stats.error(who, kind, f"no effect within {ACTION_TIMEOUT_MS / 1000:.0f} s ({type(e).__name__})")
        return False
    exceptions = page.get_by_test_id("stException")
    if await exceptions.count():
        stats.error(who, kind, "exception shown: " + await exceptions.first.inner_text())
        return False
    stats.add(kind, ms)
    return True


async def _type_prompt(page, text: str) -> None:
    box = page.locator("[data-testid=stTextArea] textarea").first
    await box.fill(text)
    await box.press("Control+Enter")  # commits the text area: the page reruns


async def _nav(page, title: str) -> None:
    await page.locator(".st-key-nav a").filter(has_text=title).first.click()


async def student(browser, url: str, who: int, stats: Stats, ready: asyncio.Event, until: list[float], think) -> None:
    """Loads Next word, waits for everyone, then loops until `until[0]` (monotonic s): two prompts,
    to the sampling page, three temperature moves, back. `think()` is a pause at a student's pace."""
    rng = random.Random(who)
    ctx, page = await new_student_page(browser, url, who, stats)
    try:
        await open_app(page, url, "next-word", stats)
        await ready.wait()
        k, temperature_steps = who, 0
        running = lambda: time.monotonic() < until[0]  # noqa: E731
        while running():
            for _ in range(2):
                k += 1
                prompt = PROMPTS[k % len(PROMPTS)]
                await timed(page, who, "next word: new prompt", lambda p=prompt: _type_prompt(page, p), stats)
                await think(rng)
            if not running():
                break
            await timed(page, who, "navigation", lambda: _nav(page, "Temperature & sampling"), stats, "Temperature")
            thumb = page.locator("[data-testid=stSlider]").filter(has_text="Temperature T").locator("input")
            for _ in range(3):
                await think(rng)
                up = temperature_steps <= 0 if abs(temperature_steps) >= 6 else rng.random() < 0.5  # stay near T = 1
                temperature_steps += 1 if up else -1
                key = "ArrowRight" if up else "ArrowLeft"
                await timed(page, who, "temperature slider", lambda key=key, thumb=thumb: thumb.press(key), stats)
            await think(rng)
            await timed(page, who, "navigation", lambda: _nav(page, "Next word"), stats, "Next word")
            await think(rng)
    except Exception as e:  # anything unexpected is an error of the run, not a crash of the benchmark
        stats.error(who, "student", f"{type(e).__name__}: {e}")
    finally:
        await close(ctx, who, stats)
