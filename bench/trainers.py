"""Simulated students who train a model on /train during the load test (issue 5's training page)."""

from __future__ import annotations

import asyncio
import time

from bench.students import ACTION_TIMEOUT_MS, Stats, close, new_student_page, open_app


async def trainer(browser, url: str, who: int, stats: Stats, ready: asyncio.Event, until: list[float]) -> None:
    """Opens /train (its defaults: the built-in chats, character tokens, the tiny preset), presses
    Start training when everyone is there, and watches the run until the end of the test."""
    ctx, page = await new_student_page(browser, url, who, stats)
    try:
        await open_app(page, url, "train", stats, chart=False)
        await ready.wait()
        await page.get_by_role("button", name="Start training").click()
        said = "did not start"
        while time.monotonic() < until[0]:
            await asyncio.sleep(min(2.0, max(0.0, until[0] - time.monotonic())))
            exceptions = page.get_by_test_id("stException")
            if await exceptions.count():
                stats.error(who, "training", "exception shown: " + await exceptions.first.inner_text())
                break
            said = f"step {await _metric(page, 'Step')}, {await _metric(page, 'Speed')} tokens/s"
        stats.training[who] = said
    except Exception as e:  # a problem of the run, reported, not a crash of the benchmark
        stats.error(who, "training", f"{type(e).__name__}: {e}")
    finally:
        await close(ctx, who, stats)


async def _metric(page, label: str) -> str:
    value = page.get_by_test_id("stMetric").filter(has_text=label).get_by_test_id("stMetricValue").first
    return (await value.inner_text(timeout=ACTION_TIMEOUT_MS)).strip() if await value.count() else "?"
