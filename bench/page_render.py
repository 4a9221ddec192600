"""How long each page takes to draw in a real browser (a benchmark, not a test).

Starts the app, opens the home page in headless Chromium, then for each page clicks its link in the
navigation and times until its first chart is drawn and the app is idle. Prints a table in seconds.

    .venv/bin/python bench/page_render.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.harness import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, start_server, stop  # noqa: E402

PAGES = ["The torn script", "Next word", "Temperature & sampling", "Embeddings", "Attention",
         "Meaning in context", "Layers", "The last vector"]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    srv = start_server(Path(tempfile.mkdtemp()) / "server.log")
    times: dict[str, list[float]] = {p: [] for p in PAGES}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.set_default_timeout(60_000)
            page.goto(srv.url)
            page.wait_for_selector(APP_IDLE)
            for _ in range(args.repeats):
                for name in PAGES:
                    t0 = time.perf_counter()
                    page.get_by_test_id("stSidebarNav").get_by_text(name, exact=True).click()
                    page.wait_for_selector("h1:has-text('" + name.split(" ")[0] + "')")
                    if name != "The torn script":
                        page.locator(".js-plotly-plot").first.wait_for()
                    page.wait_for_selector(APP_IDLE)
                    times[name].append(time.perf_counter() - t0)
            browser.close()
    finally:
        stop(srv.proc)
    print(f"page (nav click -> first chart drawn, app idle), {args.repeats} visits each; first / median s")
    for name, ts in times.items():
        print(f"  {name:24s} {ts[0]:5.2f}  {statistics.median(ts):5.2f}")


if __name__ == "__main__":
    main()
