"""How long each page takes to draw in a real browser (a benchmark, not a test).

Starts the app, opens the home page in headless Chromium, then for each page clicks its link in the
navigation and times until its first chart is drawn, the app is idle and no element is still a grey placeholder
(Streamlit loads the code of each kind of element the first time a tab shows one). Prints a table in seconds.

    .venv/bin/python -m bench.page_render [--repeats 3]
"""

from __future__ import annotations

import argparse
import statistics
import time

from tests.e2e.harness import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, NO_SKELETON, serving

PAGES = ["The torn script", "Next word", "Temperature & sampling", "Train it yourself", "Scale", "Human feedback",
         "Why GPUs", "Tokens", "Embeddings", "Attention", "Meaning in context", "Layers", "The last vector",
         "Emergence", "Why this word?"]  # fmt: skip
CODE_AHEAD = "() => window.explainerCodeAhead === 'loaded'"  # the code loaded ahead (ui/shell/chart_code.py)
NO_CHART = {"The torn script", "Human feedback", "Why GPUs"}  # pages that open without a chart


def measure(url: str, repeats: int = 3) -> dict[str, list[float]]:
    """Seconds from the navigation click to the page drawn and idle, `repeats` visits of each page."""
    from playwright.sync_api import sync_playwright

    times: dict[str, list[float]] = {p: [] for p in PAGES}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(60_000)
        page.goto(url)
        page.wait_for_selector(APP_IDLE)
        page.wait_for_function(CODE_AHEAD)  # as a student who reads the plan a few seconds finds it
        for _ in range(repeats):
            for name in PAGES:
                t0 = time.perf_counter()
                page.locator(".st-key-nav").get_by_role("link", name=name, exact=True).click()  # (not a section)
                page.wait_for_selector("h1:has-text('" + name.split(" ")[0] + "')")
                if name not in NO_CHART:
                    page.locator(".js-plotly-plot, .sv-root[data-version]").first.wait_for()
                page.wait_for_selector(APP_IDLE)
                page.wait_for_function(NO_SKELETON)
                times[name].append(time.perf_counter() - t0)
        browser.close()
    return times


def run(repeats: int = 3, url: str | None = None) -> dict[str, dict[str, float]]:
    """Each page's first visit and median visit (s), on `url` or on a server started here."""
    with serving(url) as app:
        times = measure(app, repeats)
    return {
        name: {"first_s": round(ts[0], 2), "median_s": round(statistics.median(ts), 2)} for name, ts in times.items()
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    figures = run(args.repeats)
    print(f"page (nav click -> first chart drawn, app idle), {args.repeats} visits each; first / median s")
    for name, f in figures.items():
        print(f"  {name:24s} {f['first_s']:5.2f}  {f['median_s']:5.2f}")


if __name__ == "__main__":
    main()
