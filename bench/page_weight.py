"""What a student's browser downloads on its first visit, and how long that takes on a class's share of a Wi-Fi link
(a benchmark: it measures, it never passes or fails). In Chromium, a new browser (empty cache) for each visit:

- home: the lesson plan opened from its link, until it has loaded plotly's chart code ahead (explainer/ui/shell/
  chart_code.py);
- chart: a lesson link straight to the Next word page, until its chart is drawn (the heaviest first visit);
- poll: a phone that scanned the class poll's code, until the page is drawn (no chart: no plotly).

Each visit twice: as the app's server sends it (gzip, explainer/ui/gzip_static.py) and with the browser asking for no
compression (what Streamlit alone sends). With --mbit, the browser's link is throttled to that many Mbit/s (30
students sharing a 30 Mbit/s Wi-Fi link: 1 each) and 20 ms of latency.

    python -m bench.page_weight [--url http://127.0.0.1:8501] [--mbit 1]
"""

from __future__ import annotations

import argparse
import json
import time
from urllib.parse import urlparse

from tests.e2e.harness import APP_IDLE, CHART_CODE_FETCHED, CHROMIUM, CHROMIUM_ARGS, serving

VISITS = {
    "home": ("", CHART_CODE_FETCHED),
    "chart": ("next-word", "() => !!document.querySelector('.st-key-next_word_bars .main-svg')"),
    "poll": ("poll", "() => !!document.querySelector('.st-key-footer')"),
}
TIMEOUT_MS = 300_000


def visit(browser, url: str, path: str, done: str, compressed: bool, mbit: float | None) -> dict:
    """One first visit in a new context: bytes over the wire (headers and bodies as sent), requests, seconds."""
    headers = {} if compressed else {"Accept-Encoding": "identity"}
    context = browser.new_context(extra_http_headers=headers)
    page = context.new_page()
    sent, requests = [0], [0]
    origin = urlparse(url).netloc

    def finished(request) -> None:
        if urlparse(request.url).netloc != origin or request.url.startswith("ws"):
            return
        sizes = request.sizes()
        sent[0] += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        requests[0] += 1

    page.on("requestfinished", finished)
    if mbit:
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        rate = mbit * 1e6 / 8  # bytes/s
        cdp.send("Network.emulateNetworkConditions",
                 {"offline": False, "latency": 20, "downloadThroughput": rate, "uploadThroughput": rate})  # fmt: skip
    t0 = time.perf_counter()
    page.goto(f"{url}/{path}", wait_until="domcontentloaded", timeout=TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=TIMEOUT_MS)
    page.wait_for_function(done, polling=50, timeout=TIMEOUT_MS)
    seconds = time.perf_counter() - t0
    page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)  # the last responses counted
    context.close()
    return {"mb_sent": round(sent[0] / 1e6, 2), "requests": requests[0], "seconds": round(seconds, 2)}


def run(url: str | None = None, mbit: float | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    out: dict = {"mbit": mbit}
    with serving(url) as app, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for name, (path, done) in VISITS.items():
                for compressed in (True, False):
                    key = f"{name}, {'gzip' if compressed else 'uncompressed'}"
                    out[key] = visit(browser, app, path, done, compressed, mbit)
        finally:
            browser.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="a running app (default: start one here)")
    ap.add_argument("--mbit", type=float, help="throttle the browser's link to this many Mbit/s")
    ap.add_argument("--json", help="also write the figures to this JSON file")
    args = ap.parse_args()
    r = run(args.url, args.mbit)
    link = f"{args.mbit:g} Mbit/s" if args.mbit else "no throttle"
    for key, v in r.items():
        if isinstance(v, dict):
            print(f"{key:22s} {v['mb_sent']:5.2f} MB in {v['requests']} requests, {v['seconds']:6.2f} s on {link}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(r, f, indent=2)


if __name__ == "__main__":
    main()
