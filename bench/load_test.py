"""Many students on one server: N real browser sessions at once (a benchmark, not a test).

One headless Chromium, one browser context per student (each its own Streamlit session). Every student
types prompts on Next word, moves the temperature slider on Temperature & sampling and switches between
the two, at a student's pace, while K of them train a tiny model on /train (when the app has that page).
Prints the latency of each kind of action (press or click -> app idle with the chart redrawn: p50, p95),
the errors (exceptions shown, actions with no effect within 30 s, lost connections: should be 0), and the
server's memory (RSS of its process tree, start / peak / end) and CPU. Goal on 2 cores, N = 30:
p95 <= 1 s, RSS <= 1.5 GB. The browser runs on the same machine and takes its share of the cores: on a
bigger machine, --server-cpus 0,1 pins the server to 2 cores and the browser to the others.

    .venv/bin/python -m bench.load_test --sessions 30 --duration 60 [--trainers 2] [--json out.json]
    .venv/bin/python -m bench.load_test --sessions 30 --server-cpus 0,1   # a 2-core server, the browser apart
    .venv/bin/python -m bench.load_test --url http://127.0.0.1:8080 --pid-file /tmp/x/replicas.pid  # a running server
    .venv/bin/python -m bench.load_test --churn 8 --sessions 10   # open/close sessions: does memory plateau?

(from the repository's root, like every benchmark: `python -m bench.NAME`).

With --url, server figures need the server's processes: --pids, --pid-file, or found from the URL's port
when it is local. Behind deploy/ (nginx), each response names its replica, so the report also shows how
the sessions spread over the replicas and whether each one stuck to its replica.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

from bench.measure import ProcWatch, pids_listening, read_pid_file, run_async, summary
from bench.students import Stats, student
from bench.trainers import trainer
from tests.e2e.harness import CHROMIUM, CHROMIUM_ARGS, start_server, stop, wait_warmed_up

TTL_ENV = "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL"


def _think(lo: float, hi: float):
    async def think(rng: random.Random) -> None:
        await asyncio.sleep(rng.uniform(lo, hi))

    return think


def _launch(pw):
    return pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


async def _load(url: str, pids: list[int], sessions: int, trainers: int, duration: float, think) -> dict:
    from playwright.async_api import async_playwright

    stats, ready, until = Stats(), asyncio.Event(), [float("inf")]
    mem, stop_event = ProcWatch(pids), asyncio.Event()
    rss_start, threads_start = mem.sample() if pids else (None, None)
    k = min(trainers, sessions)
    async with async_playwright() as pw:
        browser = await _launch(pw)
        watcher = asyncio.create_task(mem.watch(stop_event)) if pids else None
        tasks = [asyncio.create_task(trainer(browser, url, i, stats, ready, until)) for i in range(k)]
        for i in range(k, sessions):  # a class trickles in: one new tab every 0.2 s
            tasks.append(asyncio.create_task(student(browser, url, i, stats, ready, until, think)))
            await asyncio.sleep(0.2)
        loaded = lambda: len(stats.latencies.get("first page load", [])) + len(stats.errors)  # noqa: E731
        while loaded() < sessions and time.monotonic() < mem.t0 + 300:
            await asyncio.sleep(0.2)
        cpu0, t0, browser0 = mem.cpu_s(), time.monotonic(), _browser_cpu_s(pids)
        until[0] = t0 + duration
        ready.set()
        await asyncio.sleep(duration)
        cpu1, t1, browser1 = mem.cpu_s(), time.monotonic(), _browser_cpu_s(pids)
        rss_end, threads_end = mem.sample() if pids else (None, None)
        await asyncio.gather(*tasks)
        stop_event.set()
        if watcher:
            await watcher
        await browser.close()
    interactions = [ms for kind, xs in stats.latencies.items() if kind != "first page load" for ms in xs]
    sticky = [len(seen) == 1 for seen in stats.replicas.values() if seen]
    spread = Counter(seen.most_common(1)[0][0] for seen in stats.replicas.values() if seen)
    return {
        "url": url,
        "sessions": sessions,
        "trainers": k,
        "duration_s": duration,
        "cores": len(os.sched_getaffinity(0)),
        "actions": {kind: summary(xs) for kind, xs in sorted(stats.latencies.items())},
        "all_interactions": summary(interactions) if interactions else None,
        "errors": len(stats.errors),
        "error_samples": stats.errors[:10],
        "js_errors": len(stats.js_errors),
        "js_error_samples": stats.js_errors[:5],
        "server_rss_mb": {
            "start": _r(rss_start),
            "peak": mem.peak_mb(),
            "end": _r(rss_end),
        },
        "server_threads": {"start": threads_start, "peak": max((s[2] for s in mem.samples), default=None)},
        "server_cpu_cores_busy": round((cpu1 - cpu0) / (t1 - t0), 2) if pids else None,
        "browser_cpu_cores_busy": round((browser1 - browser0) / (t1 - t0), 2),
        "replicas": dict(spread) if spread else None,
        "sticky_sessions": f"{sum(sticky)}/{len(sticky)}" if sticky else None,
        "training": stats.training or None,
    }


def _browser_cpu_s(server_pids: list[int]) -> float:
    """CPU time of this process's descendants other than the server: the Playwright driver and Chromium."""
    me = os.getpid()
    return ProcWatch([me]).cpu_s(skip={me, *(p.pid for p in ProcWatch(server_pids).tree())})


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


async def _churn(url: str, pids: list[int], cycles: int, sessions: int, trainers: int, stay: float, pause: float,
                 think) -> dict:  # fmt: skip
    """Open `sessions` tabs (`trainers` of them training), use them for `stay` s, close them all, wait
    `pause` s, note the server's RSS and threads; repeat."""
    from playwright.async_api import async_playwright

    stats, mem, rows = Stats(), ProcWatch(pids), []
    rows.append({"cycle": 0, "opened": 0, **_mem_row(mem)})
    async with async_playwright() as pw:
        browser = await _launch(pw)
        for c in range(1, cycles + 1):
            ready, until = asyncio.Event(), [time.monotonic() + stay]
            ready.set()
            base, k = c * 1000, min(trainers, sessions)
            tasks = [trainer(browser, url, base + i, stats, ready, until) for i in range(k)]
            tasks += [student(browser, url, base + i, stats, ready, until, think) for i in range(k, sessions)]
            await asyncio.gather(*tasks)  # each closes its context when `until` has passed
            await asyncio.sleep(pause)
            rows.append({"cycle": c, "opened": c * sessions, **_mem_row(mem)})
            print(f"  cycle {c:2d}: {c * sessions:4d} sessions opened and closed, "
                  f"server {rows[-1]['rss_mb']:7.1f} MB, {rows[-1]['threads']} threads", flush=True)  # fmt: skip
        await browser.close()
    half = rows[len(rows) // 2 :]
    slope = (half[-1]["rss_mb"] - half[0]["rss_mb"]) / max(1, half[-1]["opened"] - half[0]["opened"])
    return {
        "url": url,
        "cycles": cycles,
        "sessions_per_cycle": sessions,
        "trainers_per_cycle": min(trainers, sessions),
        "disconnected_session_ttl_s": os.environ.get(TTL_ENV, "Streamlit's default (120)"),
        "stay_s": stay,
        "pause_s": pause,
        "rows": rows,
        "rss_growth_mb_per_session_second_half": round(slope, 2),
        "errors": len(stats.errors),
        "error_samples": stats.errors[:10],
    }


def _mem_row(mem: ProcWatch) -> dict:
    mb, threads = mem.sample()
    return {"t_s": mem.samples[-1][0], "rss_mb": round(mb, 1), "threads": threads}


@contextlib.contextmanager
def _env(values: dict[str, str]):
    """Environment variables set for a server started inside the block (start_server copies os.environ)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                del os.environ[k]
            else:
                os.environ[k] = v


def _pin(server_pid: int, cpus: set[int]) -> None:
    """The server (every thread; threads started later inherit) on `cpus`, this process and the browser it
    starts on the other cores: the server's figures then do not pay for the browser's work."""
    for p in ProcWatch([server_pid]).tree():
        for thread in p.threads():
            os.sched_setaffinity(thread.id, cpus)
    rest = os.sched_getaffinity(0) - cpus
    if rest:
        os.sched_setaffinity(0, rest)


def _with_server(fn, url: str | None, pids: list[int] | None, log_dir: Path | None, env: dict | None = None,
                 server_cpus: set[int] | None = None) -> dict:  # fmt: skip
    """Run `fn(url, pids)` against `url`, or against a server started here (and stopped after)."""
    if url:
        port = urlparse(url).port
        if not pids and port and urlparse(url).hostname in ("127.0.0.1", "localhost"):
            pids = pids_listening(port)
        return fn(url.rstrip("/"), pids or [])
    env = dict(env or {})
    if server_cpus:
        env.setdefault("LLM_EXPLAINER_THREADS", str(len(server_cpus)))
    with tempfile.TemporaryDirectory() as tmp:
        with _env(env):
            srv = start_server(Path(log_dir or tmp) / "server.log")  # its runs go next to the log
        try:
            if server_cpus:
                _pin(srv.proc.pid, server_cpus)
            wait_warmed_up(srv)  # a class comes to a warm server: its first page loads are timed as such
            return fn(srv.url, [srv.proc.pid])
        finally:
            stop(srv.proc)


def run_load_test(sessions: int = 10, duration: float = 30, trainers: int = 2, url: str | None = None,
                  pids: list[int] | None = None, think: tuple[float, float] = (1.0, 4.0),
                  log_dir: Path | None = None, server_cpus: set[int] | None = None) -> dict:  # fmt: skip
    """The load test's figures as a dict (see `print_report`); starts a server unless `url` is given,
    pinned to `server_cpus` if given (the browser then runs on the other cores)."""
    go = lambda u, p: run_async(_load(u, p, sessions, trainers, duration, _think(*think)))  # noqa: E731
    result = _with_server(go, url, pids, log_dir, server_cpus=server_cpus)
    result["server_cpus"] = sorted(server_cpus) if server_cpus else None
    return result


def run_churn(cycles: int = 8, sessions: int = 10, trainers: int = 2, stay: float = 15, pause: float = 5,
              url: str | None = None, pids: list[int] | None = None, think: tuple[float, float] = (0.5, 2.0),
              session_ttl: int | None = None, server_cpus: set[int] | None = None) -> dict:  # fmt: skip
    """Sessions opened and closed `cycles` times; `session_ttl` sets Streamlit's server.disconnectedSessionTTL
    (how long a closed tab's session is kept for a reconnect) on a server started here."""
    go = lambda u, p: run_async(_churn(u, p, cycles, sessions, trainers, stay, pause, _think(*think)))  # noqa: E731
    env = {TTL_ENV: str(session_ttl)} if session_ttl is not None else {}
    return _with_server(go, url, pids, None, env, server_cpus)


def print_report(r: dict) -> None:
    print(f"\nload test: {r['sessions']} sessions ({r['trainers']} training) for {r['duration_s']:.0f} s "
          f"on {r['url']}, {_where(r)}")  # fmt: skip
    print(f"  {'action':28s} {'n':>5s} {'p50 ms':>8s} {'p95 ms':>8s} {'max ms':>8s}")
    rows = {**r["actions"], **({"ALL INTERACTIONS": r["all_interactions"]} if r["all_interactions"] else {})}
    for kind, s in rows.items():
        print(f"  {kind:28s} {s['n']:5d} {s['p50_ms']:8d} {s['p95_ms']:8d} {s['max_ms']:8d}")
    print(f"  errors: {r['errors']}   JavaScript errors in the pages: {r['js_errors']}")
    for e in r["error_samples"] + r["js_error_samples"]:
        print(f"    {e}")
    m = r["server_rss_mb"]
    if m["peak"] is not None:
        print(f"  server memory (RSS, MB): start {m['start']}, peak {m['peak']}, end {m['end']}; "
              f"threads peak {r['server_threads']['peak']}")  # fmt: skip
    print(f"  CPU, cores busy on average: server {r['server_cpu_cores_busy']}, browser {r['browser_cpu_cores_busy']}")
    if r["replicas"]:
        print(f"  sessions per replica: {r['replicas']}; stuck to one replica: {r['sticky_sessions']}")
    for who, said in (r["training"] or {}).items():
        print(f"  trainer {who}: {said}")


def _where(r: dict) -> str:
    if r.get("server_cpus"):
        return f"server pinned to cores {r['server_cpus']}, the browser on {r['cores']} other cores"
    return f"{r['cores']} cores shared by the server and the browser"


def _pids(args) -> list[int] | None:
    if args.pid_file:
        return read_pid_file(args.pid_file)
    return [int(x) for x in args.pids.split(",")] if args.pids else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=30, help="browser sessions (students), default 30")
    ap.add_argument("--duration", type=float, default=60, help="seconds of interactions once all have loaded")
    ap.add_argument("--trainers", type=int, default=2, help="how many of the sessions train on /train")
    ap.add_argument("--think", default="1-4", help="seconds between a student's actions, LO-HI (default 1-4)")
    ap.add_argument("--url", help="an app already running (a server or a proxy); default: start one here")
    ap.add_argument("--pids", help="comma-separated server process ids, for memory figures with --url")
    ap.add_argument("--pid-file", help="a file of server process ids (deploy/start.sh writes one)")
    ap.add_argument("--churn", type=int, metavar="CYCLES", help="open and close sessions CYCLES times; RSS each time")
    ap.add_argument("--stay", type=float, default=15, help="--churn: seconds each batch of sessions stays")
    ap.add_argument("--session-ttl", type=int, help="--churn: Streamlit's server.disconnectedSessionTTL (s)")
    ap.add_argument(
        "--server-cpus",
        help="pin the server started here to these cores (e.g. 0,1) and the browser "
        "to the others: a 2-core server measured on a bigger machine",
    )
    ap.add_argument("--json", help="also write the figures to this JSON file")
    args = ap.parse_args()
    think = tuple(float(x) for x in args.think.split("-"))
    cpus = {int(c) for c in args.server_cpus.split(",")} if args.server_cpus else None
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # as Ctrl+C: `finally` stops the server
    if args.churn:
        print(f"churn: {args.churn} cycles of {args.sessions} sessions for {args.stay:.0f} s each, then closed")
        result = run_churn(args.churn, args.sessions, args.trainers, args.stay, url=args.url, pids=_pids(args),
                           think=think, session_ttl=args.session_ttl, server_cpus=cpus)  # fmt: skip
        print(f"  RSS growth over the second half: {result['rss_growth_mb_per_session_second_half']} MB per session;"
              f" errors: {result['errors']}")  # fmt: skip
        for e in result["error_samples"]:
            print(f"    {e}")
    else:
        result = run_load_test(args.sessions, args.duration, args.trainers, args.url, _pids(args), think,
                               server_cpus=cpus)  # fmt: skip
        print_report(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
