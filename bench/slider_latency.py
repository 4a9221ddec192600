"""How fast the sampling page redraws when a student moves the temperature slider (a benchmark, not a test).

Starts the app (`streamlit run`, as the browser tests do), opens /sampling in headless Chromium, presses
an arrow key on the temperature slider N times and, for each press, measures in the browser the time
until the browser sent the new value, the server's first reply, every chart holding new data (redrawn),
and the app idle again. Prints median and p95 in ms. Goal: <= 100 ms median on 2 cores.

    .venv/bin/python -m bench.slider_latency [--presses 40] [--model builtin] [--post-script-gc off]

Where the time goes (2 cores): Streamlit's `runner.postScriptGC` (a full gc.collect() after every run,
~100 ms once torch is imported) and plotly charts, which Streamlit 1.67 remounts whenever their
figure changes (~35 ms each); the page's own Python work is ~10 ms.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

import numpy as np

from tests.e2e.harness import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, serving

# Every plotly chart's data, as drawn. (Streamlit remounts a chart whose figure changed, so for a
# moment one may be missing: wait until there are as many as before, all with new data.)
CHART = """() => [...document.querySelectorAll('.js-plotly-plot')]
  .map(el => el.data && JSON.stringify(el.data.map(t => t.x)))"""
START = (
    "() => { window.__chart = " + CHART + "; window.__sent = window.__got = undefined;"
    " window.__drawn = undefined; window.__t0 = performance.now(); window.__before = window.__chart(); }"
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
# Polled by Playwright: false until the chart changed and the app is idle again, then
# [ms until the chart changed, ms until idle, ms until the browser sent, ms until the first reply].
REDRAWN = """() => {
  const now = performance.now(), t0 = window.__t0;
  const charts = window.__chart(), before = window.__before;
  const redrawn = charts.length === before.length && charts.every((c, i) => c && c !== before[i]);
  if (window.__drawn === undefined && redrawn) window.__drawn = now - t0;
  const idle = document.querySelector('[data-testid=stApp]').dataset.testScriptState === 'notRunning';
  return window.__drawn !== undefined && idle && [window.__drawn, now - t0, window.__sent - t0, window.__got - t0];
}"""


def measure(url: str, presses: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {"sent": [], "first reply": [], "charts redrawn": [], "app idle": []}
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
            drawn, idle, sent, got = page.wait_for_function(REDRAWN, polling=1, timeout=15_000).json_value()
            if i >= 3:
                for name, ms in zip(times, (sent, got, drawn, idle)):
                    times[name].append(ms)
            page.wait_for_timeout(50)  # a student's pace, not a held-down key
        browser.close()
    return times


def run(presses: int = 40, url: str | None = None) -> dict[str, dict[str, float]]:
    """Median and p95 (ms after the key press) of each part, on `url` or on a server started here."""
    with serving(url) as app:
        times = measure(app, presses)
    return {
        name: {"median_ms": round(np.median(xs)), "p95_ms": round(np.percentile(xs, 95))} for name, xs in times.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=40)
    parser.add_argument("--model", help="LLM_EXPLAINER_MODEL for the server (default: as set, else builtin)")
    parser.add_argument(
        "--post-script-gc", choices=["on", "off"], help="Streamlit's runner.postScriptGC (default: as configured)"
    )
    args = parser.parse_args()
    if args.model:
        os.environ["LLM_EXPLAINER_MODEL"] = args.model
    if args.post_script_gc:
        os.environ["STREAMLIT_RUNNER_POST_SCRIPT_GC"] = str(args.post_script_gc == "on").lower()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that `finally` stops the server
    figures = run(args.presses)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    model = os.environ.get("LLM_EXPLAINER_MODEL") or "builtin"
    gc = {"true": "on", "false": "off"}.get(os.environ.get("STREAMLIT_RUNNER_POST_SCRIPT_GC", ""), "as configured")
    print(f"temperature slider, {args.presses} presses, {cores} cores, model {model}, postScriptGC {gc}")
    print("ms after the key press:")
    for name, f in figures.items():
        print(f"  {name:>14}: median {f['median_ms']:4.0f}   p95 {f['p95_ms']:4.0f}")


if __name__ == "__main__":
    main()
