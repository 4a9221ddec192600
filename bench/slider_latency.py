"""How fast the sampling page redraws when a student moves the temperature slider (a benchmark, not a test).

Starts the app (`streamlit run`, as the browser tests do), opens /sampling in headless Chromium, presses
an arrow key on the temperature slider N times and, for each press, measures in the browser the time
until the side-by-side chart holds new data (redrawn) and until the app is idle again. Prints median
and p95 in ms. Goal: <= 100 ms median on 2 cores.

    .venv/bin/python bench/slider_latency.py [--presses 40] [--model builtin]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, start_server, stop  # noqa: E402

# The side-by-side chart's data, as drawn; the page's script state.
CHART = "() => JSON.stringify(document.querySelector('.js-plotly-plot').data.map(t => t.x))"
START = (
    "() => { window.__chart = " + CHART + "; window.__sent = window.__got = undefined;"
    " window.__t0 = performance.now(); window.__before = window.__chart(); }"
)
# Timestamps of what goes over the app's websocket, to split the latency into its parts.
SPY = """
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (d) {
  window.__sent = window.__sent ?? performance.now();
  if (!this.__spied) {
    this.__spied = true;
    this.addEventListener('message', () => { window.__got = window.__got ?? performance.now(); });
  }
  return send.call(this, d);
};"""
# Resolves with [ms until the chart changed, ms until the app was idle again, ms until sent, ms until the first reply].
WAIT = """() => new Promise(resolve => {
  let drawn = null;
  const tick = () => {
    const now = performance.now();
    if (drawn === null && window.__chart() !== window.__before) drawn = now - window.__t0;
    const idle = document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning';
    const t0 = window.__t0;
    if (drawn !== null && idle) resolve([drawn, now - t0, window.__sent - t0, window.__got - t0]);
    else if (now - window.__t0 > 10000) resolve([NaN, NaN, NaN, NaN]);
    else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""


def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[-1] if len(xs) > 1 else xs[0]


def measure(url: str, presses: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {"sent": [], "first reply": [], "chart redrawn": [], "app idle": []}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.add_init_script(SPY)
        page.set_default_timeout(90_000)
        page.goto(f"{url}/sampling", wait_until="domcontentloaded")
        page.wait_for_selector(APP_IDLE)
        page.wait_for_selector(".js-plotly-plot")
        thumb = page.locator("[data-testid=stSlider]").filter(has_text="Temperature T").locator("input[type=range]")
        thumb.focus()
        for i in range(presses + 3):  # the first 3 warm up
            key = "ArrowRight" if (i // 10) % 2 == 0 else "ArrowLeft"  # wander around T = 1
            page.evaluate(START)
            thumb.press(key)
            drawn, idle, sent, got = page.evaluate(WAIT)
            if i >= 3:
                for name, ms in zip(times, (sent, got, drawn, idle)):
                    times[name].append(ms)
            page.wait_for_timeout(50)  # a student's pace, not a held-down key
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--model", help="LLM_EXPLAINER_MODEL for the server (default: as set, else builtin)")
    args = parser.parse_args()
    if args.model:
        os.environ["LLM_EXPLAINER_MODEL"] = args.model
    with tempfile.TemporaryDirectory() as tmp:
        server = start_server(Path(tmp) / "server.log")
        try:
            times = measure(server.url, args.presses)
        finally:
            stop(server.proc)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = os.environ.get("LLM_EXPLAINER_MODEL") or "builtin"
    print(f"temperature slider, {args.presses} presses, {cores} cores, model {model}; ms after the key press:")
    for name, xs in times.items():
        ok = [x for x in xs if x == x]  # NaN: no redraw within 10 s
        missing = f" ({len(xs) - len(ok)} never)" if len(ok) < len(xs) else ""
        print(f"  {name:>14}: median {statistics.median(ok):4.0f}   p95 {p95(ok):4.0f}{missing}")


if __name__ == "__main__":
    main()
