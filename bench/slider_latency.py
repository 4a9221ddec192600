"""How fast the sampling page follows a dragged slider, in headless Chromium (a benchmark, not a test).

The sampling page draws its charts in the browser (explainer/ui/sampling_view.py) and follows the page's own sliders
while a thumb moves; the server hears of the value only when the student lets go. This opens /sampling, drags the
temperature thumb back and forth with the mouse, and measures in the page:
- per redraw: from the pointer's move to the frame painted after both charts were redrawn (median, p95, max ms);
  the goal is 33 ms or less (30 frames a second); and the redraw's own work in JavaScript;
- redraws per second during a continuous drag (one pointer move every 16 ms, as a 60 Hz mouse sends them), beside
  the pointer moves per second the page received (the driver's own round trips make that fewer than 60);
- messages sent to the server during the drags (the goal: none) and after letting go (the value, once).

    .venv/bin/python -m bench.slider_latency [--moves 120] [--model builtin]
"""

from __future__ import annotations

import argparse
import os
import signal
import sys

import numpy as np

from tests.e2e.harness import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, serving

VIEW = ".sv-root[data-version]"
# Installed before the page loads: counts what goes to the server, and times each pointer move to the painted frame
# after the view's next redraw (a move that arrives while one is pending is served by the same frame).
SPY = """
window.__sends = 0; window.__lat = []; window.__work = []; window.__draws = 0; window.__moves = 0;
window.__pending = false;
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (d) { window.__sends++; return send.call(this, d); };
document.addEventListener('pointermove', () => {
  window.__moves++;
  if (!window.__pending) { window.__pending = true; window.__move = performance.now(); }
}, true);
(function hook() {
  const v = document.querySelector('.sv-root');
  if (!v) return setTimeout(hook, 50);
  new MutationObserver(() => {
    window.__draws++;
    window.__work.push(+v.dataset.ms);
    requestAnimationFrame(() => {
      if (window.__pending) { window.__lat.push(performance.now() - window.__move); window.__pending = false; }
    });
  }).observe(v, { attributes: true, attributeFilter: ['data-version'] });
})();"""
THUMB = (
    """e => { const r = e.parentElement.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }"""
)
TRACK = """e => { const r = e.closest('[data-testid=stSlider]').getBoundingClientRect(); return [r.x, r.width]; }"""


def measure(url: str, moves: int) -> dict:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.add_init_script(SPY)
        page.set_default_timeout(90_000)
        page.goto(f"{url}/sampling", wait_until="domcontentloaded")
        page.wait_for_selector(APP_IDLE)
        page.wait_for_selector(VIEW)
        page.locator(".st-key-temperature").scroll_into_view_if_needed()
        thumb = page.locator(".st-key-temperature input[type=range]")
        x, y = thumb.evaluate(THUMB)
        left, width = thumb.evaluate(TRACK)
        sends = page.evaluate("window.__sends")
        page.mouse.move(x, y)
        page.mouse.down()
        draws0, moves0, t0 = page.evaluate("[window.__draws, window.__moves, performance.now()]")
        span = 0.6 * width  # back and forth over most of the track: T from about 0.5 to 4
        for i in range(moves):
            phase = (i % 60) / 60
            frac = 2 * phase if phase < 0.5 else 2 - 2 * phase
            page.mouse.move(left + 0.1 * width + frac * span, y)
            page.wait_for_timeout(16)  # a 60 Hz mouse
        draws1, moves1, t1 = page.evaluate("[window.__draws, window.__moves, performance.now()]")
        during = page.evaluate("window.__sends") - sends
        page.mouse.up()
        page.wait_for_function(f"() => window.__sends > {sends + during}")
        page.wait_for_selector(APP_IDLE)
        after = page.evaluate("window.__sends") - sends - during
        latencies, work = page.evaluate("[window.__lat, window.__work]")
        browser.close()
    return {
        "per_redraw_ms": _summary(latencies),
        "redraw_work_ms": _summary(work),
        "redraws_per_s": round((draws1 - draws0) / max(1e-9, (t1 - t0) / 1000), 1),
        "pointer_moves_per_s": round((moves1 - moves0) / max(1e-9, (t1 - t0) / 1000), 1),  # what the driver sent
        "server_messages_during_drag": during,
        "server_messages_after_release": after,
    }


def _summary(ms: list[float]) -> dict:
    return {"median": round(float(np.median(ms)), 1), "p95": round(float(np.percentile(ms, 95)), 1),
            "max": round(float(max(ms)), 1), "n": len(ms)}  # fmt: skip


def run(moves: int = 120, url: str | None = None) -> dict:
    """The figures above, on `url` or on a server started here."""
    with serving(url) as app:
        return measure(app, moves)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=120, help="pointer moves during the drag (16 ms apart)")
    parser.add_argument("--model", help="LLM_EXPLAINER_MODEL for the server (default: as set, else builtin)")
    args = parser.parse_args()
    if args.model:
        os.environ["LLM_EXPLAINER_MODEL"] = args.model
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # so that `finally` stops the server
    r = run(args.moves)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    f = r["per_redraw_ms"]
    print(f"temperature slider dragged, {args.moves} pointer moves, {cores} cores, model "
          f"{os.environ.get('LLM_EXPLAINER_MODEL') or 'builtin'}")  # fmt: skip
    print(f"  pointer move -> both charts redrawn and painted: median {f['median']} ms, p95 {f['p95']} ms, "
          f"max {f['max']} ms ({f['n']} redraws timed)")  # fmt: skip
    w = r["redraw_work_ms"]
    print(f"  the redraw's own work (both charts, in JavaScript): median {w['median']} ms, p95 {w['p95']} ms")
    print(f"  redraws per second during the drag: {r['redraws_per_s']} for {r['pointer_moves_per_s']} pointer moves "
          "per second (at most one redraw per move)")  # fmt: skip
    print(f"  messages to the server: {r['server_messages_during_drag']} during the drag, "
          f"{r['server_messages_after_release']} after letting go")  # fmt: skip


if __name__ == "__main__":
    main()
