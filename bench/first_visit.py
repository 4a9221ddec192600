"""How long each page's first visit takes after the server starts (a benchmark: it measures, it never passes or
fails). Protocol level (bench/ws_students.py): from the page's request to the end of its first run on the server,
no browser drawing.

Two figures per page:
- cold: a server started for that page alone (`python -m explainer.ui.serve`, warmed up: its CPU quiet), the page
  the first anyone opens;
- first: one server, the home page opened first, then every page once, each in a new session (what a class meets
  after the teacher opened the app).

    python -m bench.first_visit                 # every page, both figures (about 2 minutes on 2 cores)
    python -m bench.first_visit --pages home,attention,layers --no-cold
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path

from bench.ws_students import Session, Stats
from explainer.ui.shell.pages import PAGES
from tests.e2e.harness import start_server, stop, wait_warmed_up


async def _visit(url: str, path: str, stats: Stats) -> float:
    session = Session(url, 0, stats)
    try:
        return (await session.open(path)).seconds
    finally:
        await session.close()


def _server(tmp: str, name: str):
    """A new server, once it has warmed up (explainer/ui/warm.py): its CPU quiet for a second (at most 2 minutes)."""
    srv = start_server(Path(tmp) / f"{name or 'home'}.log")
    wait_warmed_up(srv)
    return srv


def first_visits(paths: list[str]) -> tuple[dict[str, float], Stats]:
    """One server: home first, then each page's first visit in a new session (s)."""
    stats, out = Stats(), {}
    with tempfile.TemporaryDirectory(prefix="first-visit-") as tmp:
        srv = _server(tmp, "all")
        try:
            for path in ["", *[p for p in paths if p]]:
                out[path or "home"] = round(asyncio.run(_visit(srv.url, path, stats)), 2)
        finally:
            stop(srv.proc)
    return out, stats


def cold_visits(paths: list[str]) -> tuple[dict[str, float], Stats]:
    """A new server per page, that page its first visitor (s after the server answered its health check)."""
    stats, out = Stats(), {}
    with tempfile.TemporaryDirectory(prefix="cold-visit-") as tmp:
        for path in paths:
            srv = _server(tmp, path)
            try:
                out[path or "home"] = round(asyncio.run(_visit(srv.url, path, stats)), 2)
            finally:
                stop(srv.proc)
    return out, stats


def run(paths: list[str] | None = None, cold: bool = True) -> dict:
    paths = [p.url_path for p in PAGES] if paths is None else paths
    first, stats = first_visits(paths)
    report = {"first_s": first}
    if cold:
        report["cold_s"], cold_stats = cold_visits(paths)
        stats.errors.update(cold_stats.errors)
        stats.error_samples += cold_stats.error_samples
    report["errors"] = sum(stats.errors.values())
    report["error_samples"] = stats.error_samples[:10]
    return report


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", help="comma-separated url paths (home = ''); default: every page")
    ap.add_argument("--no-cold", action="store_true", help="skip the server-per-page figures")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()
    paths = None if args.pages is None else ["" if p == "home" else p for p in args.pages.split(",")]
    t0 = time.perf_counter()
    r = run(paths, cold=not args.no_cold)
    print(f"{'page':14s} {'first (s)':>10s} {'cold (s)':>10s}")
    for page, s in r["first_s"].items():
        cold = r.get("cold_s", {}).get(page)
        print(f"{page:14s} {s:10.2f} {'' if cold is None else f'{cold:10.2f}'}")
    print(f"errors: {r['errors']}  {r['error_samples'] or ''}  ({time.perf_counter() - t0:.0f} s)")
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=2) + "\n")


if __name__ == "__main__":
    main()
