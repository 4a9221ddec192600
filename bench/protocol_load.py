"""Many students on one server, without a browser: how many students does one server hold? (a benchmark: it
measures, it never passes or fails on time).

Each simulated student (bench/ws_students.py) speaks Streamlit's websocket protocol: it opens a page, waits
for the run to finish, then goes round Next word (types a prompt, adds the likeliest word, rolls the dice),
Temperature & sampling (moves the slider, runs the text 20 times at T = 3), Embeddings (switches the map between
PCA and t-SNE), Attention (switches layer and head), the chat (asks a question), Human feedback (gets answers,
picks the better one) and Tokens (types a short text, presses Play and watches its merges to the last one),
pausing about `--think` s before each action; K of them train on Train it yourself instead. `--pages` keeps
some of those pages only (`--pages tokens`: the whole class presses Play). No browser draws anything, so the
latencies are the server's: from sending the message to the end of the run it caused (the chat also to the first
words of its reply).

Prints, per interaction, count and p50 / p95 / p99 / max; the errors (an exception on the page, no end of the
run within 30 s, a dropped websocket, a widget not found); the server's memory (RSS of its process tree,
start / peak / end) and CPU; sessions opened per second. `--json FILE` writes the same as JSON.

    python -m bench.protocol_load --students 30 --trainers 2 --duration 60           # starts its own server
    python -m bench.protocol_load --students 1 --trainers 0 --duration 40 --verbose  # what each action changed
    python -m bench.protocol_load --students 30 --trainers 0 --pages tokens           # everybody plays the merges
    python -m bench.protocol_load --students 30 --trainers 2 --follow                 # all in a poll the teacher leads
    python -m bench.protocol_load --students 30 --trainers 2 --duration 600 --refresh 60  # a long class: new tabs
    deploy/start.sh start && python -m bench.protocol_load --url http://127.0.0.1:8080 \\
        --pid-file /tmp/llm-explainer-deploy/replicas.pid --students 100 --trainers 2   # through nginx + replicas

The load generator runs on the same machine as the server unless `--url` points elsewhere: its own CPU use is
printed too (`client`), so that a reader can tell how much of the machine it took. Before the clock starts, one
visitor opens every page once (`--no-warmup` to skip), so that what the server computes once per process is not
charged to the first students; behind nginx that visitor warms one replica only. `bench/load_test.py` (real
Chromium tabs) stays the realism check: it includes what a browser adds (drawing, its own JavaScript).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from bench.measure import ProcWatch, pids_listening, read_pid_file, summary
from bench.ws_students import (
    CHAT_FIRST,
    FOLLOW_TICK,
    NAVIGATE,
    OPEN_PAGE,
    POLL_TICK,
    TOKENS_REPLAY,
    TOKENS_TICK,
    TOUR,
    TRAIN_REFRESH,
    TRAIN_TICK,
    Stats,
    student,
    teacher,
    trainer,
    warm_up,
)
from tests.e2e.harness import start_server, stop

# Times set by the app's own pace, not by the server's speed: the chat writes at most one word per 0.05 s, and
# the live training view trains for 0.45 s in each of its reruns. Reported, but not among "interactions".
PACED = {TRAIN_TICK, TRAIN_REFRESH, TOKENS_REPLAY, "chat: ask a question (whole reply)"}
# Runs that no click started: a replay's next merge, drawn on the page's own timer. Reported, not among interactions.
AUTO = {TOKENS_TICK, FOLLOW_TICK, POLL_TICK}


# ---------------------------------------------------------------------------- the run


async def run_load(
    url: str,
    *,
    students: int,
    trainers: int = 0,
    duration: float = 60.0,
    ramp: float = 10.0,
    think: float = 3.0,
    seed: int = 0,
    pids: list[int] | None = None,
    warmup: bool = True,
    trainers_url: str | None = None,
    pages: list[str] | None = None,
    follow: bool = False,
    refresh: float = 0.0,
    log=None,
) -> dict:
    """`students` sessions on the app at `url` (`trainers` of them training), arriving evenly over `ramp` s and
    then active for `duration` s; returns the report (see `print_report`). `warmup`: first visit every page once
    (not timed), so that the figures are a warm server's. `trainers_url`: where the trainers go instead of `url`
    (one replica's own address puts both trainings on it). `pages`: the tour's pages to visit (default: all).
    `follow`: a teacher's tab opens a class poll and moves from page to page; every student joins the poll first, so
    every page they see carries the class bar (explainer/ui/follow.py). `refresh`: each student opens a new tab about
    every so many seconds (ws_students.student), leaving its old session to the server's clean-up."""
    stats = Stats(log=log)
    warm_stats = Stats()
    warm = await warm_up(url, warm_stats) if warmup else None
    stats.errors.update(warm_stats.errors)  # an error while warming up counts; its times and its session do not
    stats.error_samples.extend(warm_stats.error_samples)
    watch = ProcWatch(pids) if pids else None
    if watch and students == 1:  # alone on the server: its CPU time between two clicks is theirs
        stats.cpu_clock = watch.cpu_s
    me = psutil.Process()
    stop = asyncio.Event()
    rss_start = watch.sample()[0] if watch else None
    cpu0, me0, t0 = (watch.cpu_s() if watch else 0.0), sum(me.cpu_times()[:2]), time.monotonic()
    steady_from, until = t0 + ramp, t0 + ramp + duration
    watcher = asyncio.create_task(watch.watch(stop)) if watch else None
    k = min(trainers, students)
    tour = tuple(t for t in TOUR if pages is None or t[0] in pages)
    code, leading = "", None
    if follow:
        ready = asyncio.get_running_loop().create_future()
        leading = asyncio.create_task(teacher(url, stats, ready, until, think))
        code = await ready

    async def one(i: int) -> None:
        await asyncio.sleep(ramp * i / max(1, students))
        if i < k:
            await trainer(trainers_url or url, i, stats, until, think, seed)
        else:
            await student(url, i, stats, until, think, seed, tour, code, refresh)

    async def steady_cpu() -> tuple[float, float]:
        await asyncio.sleep(max(0.0, steady_from - time.monotonic()))
        a = watch.cpu_s() if watch else 0.0
        await asyncio.sleep(max(0.0, until - time.monotonic()))
        return a, watch.cpu_s() if watch else 0.0

    steady = asyncio.create_task(steady_cpu())
    await asyncio.gather(*(one(i) for i in range(students)), *([leading] if leading else []))
    cpu_a, cpu_b = await steady
    t1 = time.monotonic()
    cpu1, me1 = (watch.cpu_s() if watch else 0.0), sum(me.cpu_times()[:2])
    rss_end = watch.sample()[0] if watch else None
    stop.set()
    if watcher:
        await watcher

    kinds = sorted(stats.latencies, key=lambda k_: (k_ not in (OPEN_PAGE, NAVIGATE), k_))
    interactions = [
        s for kind, xs in stats.latencies.items() if kind not in PACED | AUTO | {OPEN_PAGE, CHAT_FIRST} for s in xs
    ]
    opened = sorted(stats.open_times)
    return {
        "url": url,
        "students": students,
        "trainers": k,
        "duration_s": duration,
        "ramp_s": ramp,
        "think_s": think,
        "pages": [page for page, _ in tour],
        "follow": code or None,
        "seed": seed,
        "warm_up_s": warm,
        "machine_cores": psutil.cpu_count(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "actions": {
            kind: {
                **summary(_ms(stats.latencies[kind])),
                "unchanged": stats.unchanged.get(kind, 0),
                "server_cpu_ms": _mean_ms(stats.cpu.get(kind)),
            }
            for kind in kinds
        },  # fmt: skip
        "interactions": summary(_ms(interactions)) if interactions else None,
        "interactions_note": "every action but opening a page, the chat's whole reply, the training view's "
        "ticks, the Tokens replay (all paced by the app itself) and the runs no click starts (the replay's ticks, the "
        "class bar's and the poll's)",
        "errors": sum(stats.errors.values()),
        "errors_by_kind": dict(stats.errors),
        "error_samples": stats.error_samples[:20],
        "app_error_messages": dict(stats.app_errors),
        "fragment_runs_cut_short": dict(stats.cut_short),
        "finishes_never_sent": stats.lost_finishes,
        "sessions_opened": stats.sessions_opened,
        "refreshes": stats.refreshes,
        "sessions_per_s": round(len(opened) / max(1e-9, opened[-1] - t0), 2) if opened else None,
        "interactions_per_s": round(len(interactions) / max(1e-9, t1 - t0), 2),
        "server_pids": pids or None,
        "server_rss_mb": {
            "start": _r(rss_start),
            "peak": _r(watch.peak_mb()) if watch else None,
            "end": _r(rss_end),
        },
        "server_pss_peak_mb": _r(watch.peak_pss_mb()) if watch else None,
        "server_rss_by_minute_mb": by_minute(watch.samples) if watch else None,
        "server_cpu_s": _r(cpu1 - cpu0) if watch else None,
        "server_cores_busy": round((cpu_b - cpu_a) / max(1e-9, duration), 2) if watch and duration else None,
        "client_cores_busy": round((me1 - me0) / max(1e-9, t1 - t0), 2),
        "wall_s": round(t1 - t0, 1),
        "replicas": dict(stats.replicas) or None,
        "training": {str(w): said for w, said in sorted(stats.training.items())} or None,
    }


def by_minute(samples: list[tuple[float, float, int]]) -> list[float]:
    """The server's memory at the end of each whole minute of the run (and at its end), from (s, MB, threads) samples:
    whether a long class makes it grow or it levels off."""
    ends: dict[int, float] = {}
    for seconds, mb, _threads in samples:
        ends[int(seconds // 60)] = mb
    return [round(ends[m]) for m in sorted(ends)]


def _ms(seconds: list[float]) -> list[float]:
    return [1000 * s for s in seconds]


def _mean_ms(seconds: list[float] | None) -> float | None:
    """The mean in ms (CPU times come in 10 ms ticks: a mean of many is fair where a median is not)."""
    return round(1000 * sum(seconds) / len(seconds), 1) if seconds else None


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def print_report(r: dict) -> None:
    warm = f"; warmed up first ({r['warm_up_s']} s per page)" if r["warm_up_s"] else "; a cold server (no warm-up)"
    print(
        f"\n{r['students']} protocol-level students ({r['trainers']} training) on {r['url']}: "
        f"{r['ramp_s']:g} s arriving, then {r['duration_s']:g} s; about {r['think_s']:g} s between actions{warm}"
    )
    cpu = any(s.get("server_cpu_ms") is not None for s in r["actions"].values())
    head = f"{'interaction':46s} {'n':>5s} {'p50':>7s} {'p95':>7s} {'p99':>7s} {'max':>7s}"
    print(f"\n{head}" + ("  server CPU" if cpu else "") + "   (ms)  no change")
    for kind, s in r["actions"].items():
        paced = "  (paced by the app)" if kind in PACED else "  (auto-rerun)" if kind in AUTO else ""
        used = f"  {s['server_cpu_ms']:10.0f}" if s.get("server_cpu_ms") is not None else ("  " + " " * 10) * cpu
        print(
            f"{kind:46s} {s['n']:5d} {s['p50_ms']:7d} {s['p95_ms']:7d} {s['p99_ms']:7d} {s['max_ms']:7d}{used}"
            f"        {s['unchanged'] or '':>4}{paced}"
        )
    if r["interactions"]:
        s = r["interactions"]
        print(f"{'all interactions (see note)':46s} {s['n']:5d} {s['p50_ms']:7d} {s['p95_ms']:7d} {s['p99_ms']:7d} "
              f"{s['max_ms']:7d}")  # fmt: skip
    print(f"\nerrors: {r['errors']}" + (f"  {r['errors_by_kind']}" if r["errors"] else ""))
    for line in r["error_samples"][:10]:
        print(f"  {line}")
    if r["app_error_messages"]:
        print(f"error messages the app showed (st.error, not counted as errors): {r['app_error_messages']}")
    if r["fragment_runs_cut_short"]:
        print("fragment runs whose end came as FINISHED_EARLY_FOR_RERUN (stopped by the next request, or finished "
              f"as the next run started): {r['fragment_runs_cut_short']}")  # fmt: skip
    if r["finishes_never_sent"]:
        print("runs whose end the server never sent (a fragment run after them shows they ended): "
              f"{r['finishes_never_sent']}")  # fmt: skip
    rss = r["server_rss_mb"]
    if r["server_pids"]:
        print(f"server RSS start / peak / end: {rss['start']} / {rss['peak']} / {rss['end']} MB "
              f"(PSS peak {r.get('server_pss_peak_mb')} MB: shared pages counted once); "
              f"CPU {r['server_cpu_s']} s, {r['server_cores_busy']} cores busy after the ramp")  # fmt: skip
    else:
        print("server process figures: none (give --pids or --pid-file with --url)")
    print(
        f"client (this load generator): {r['client_cores_busy']} cores busy; machine: {r['machine_cores']} cores, "
        f"load average {r['load_average_at_end']}"
    )
    if r.get("server_rss_by_minute_mb") and len(r["server_rss_by_minute_mb"]) > 2:
        print(f"server RSS at the end of each minute (MB): {' · '.join(map(str, r['server_rss_by_minute_mb']))}")
    print(f"sessions: {r['sessions_opened']} opened ({r['refreshes']} for a refresh), {r['sessions_per_s']} per s; "
          f"{r['interactions_per_s']} interactions per s")  # fmt: skip
    if r["replicas"]:
        print(f"replicas (X-Replica of each session's page): {r['replicas']}")
    if r["training"]:
        for who, said in r["training"].items():
            print(f"trainer {who}: {said}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--students", type=int, default=30, help="simulated students, trainers included (30)")
    ap.add_argument("--trainers", type=int, default=2, help="of them training on Train it yourself (2)")
    ap.add_argument("--duration", type=float, default=60, help="seconds of activity after the ramp (60)")
    ap.add_argument("--ramp", type=float, default=10, help="seconds over which the students arrive (10)")
    ap.add_argument("--think", type=float, default=3, help="mean pause before each action, s (3; uniform ±50 %%)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--url", help="a running app (e.g. nginx from deploy/); default: start a server of our own")
    ap.add_argument("--trainers-url", help="the trainers' address instead of --url (e.g. one replica of deploy/)")
    ap.add_argument("--pids", type=int, nargs="*", default=None, help="with --url: the server's process ids")
    ap.add_argument("--pid-file", help="with --url: a file of process ids (deploy/start.sh writes replicas.pid)")
    ap.add_argument("--port", type=int, default=0, help="port of our own server (default: a free one)")
    ap.add_argument("--json", help="write the report to this file")
    ap.add_argument("--verbose", action="store_true", help="print each interaction: time and what it changed")
    ap.add_argument("--pages", nargs="+", choices=[page for page, _ in TOUR], help="tour these pages only (all)")
    ap.add_argument("--follow", action="store_true", help="a teacher leads a class poll that every student joined")
    ap.add_argument(
        "--refresh",
        type=float,
        default=0,
        help="each student opens a new tab about every so many seconds (0: never): a long class's churn",
    )
    ap.add_argument("--no-warmup", action="store_true", help="no warm-up visit: the first students meet a cold server")
    args = ap.parse_args(argv)

    server, tmp = None, None
    url = args.url
    if url:
        pids = list(args.pids or []) + (read_pid_file(args.pid_file) if args.pid_file else [])
        if not pids and urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1"):
            pids = pids_listening(urlsplit(url).port or 80)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="protocol-load-")
        log_path = Path(tmp.name) / "server.log"
        runs = os.environ.get("LLM_EXPLAINER_RUNS")  # kept if set; else the run store goes next to the log
        print(f"starting the app (log: {log_path}) …", flush=True)
        server = start_server(log_path, args.port or None, {"LLM_EXPLAINER_RUNS": runs} if runs else None)
        url, pids = server.url, [server.proc.pid]
    log = (lambda line: print(line, flush=True)) if args.verbose else None
    try:
        report = asyncio.run(
            run_load(
                url,
                students=args.students,
                trainers=args.trainers,
                duration=args.duration,
                ramp=args.ramp,
                think=args.think,
                seed=args.seed,
                pids=pids,
                log=log,
                trainers_url=args.trainers_url,
                pages=args.pages,
                follow=args.follow,
                refresh=args.refresh,
            )  # fmt: skip
        )
    finally:
        log_tail = []
        if server is not None:
            stop(server.proc)
            log_tail = log_path.read_text(errors="replace").splitlines()[-60:]
        if tmp is not None:
            tmp.cleanup()
    if report["errors"] and log_tail:
        report["server_log_tail"] = log_tail
    print_report(report)
    if report.get("server_log_tail"):
        print("\nthe server's log ends with (exceptions are redacted on the page; their tracebacks are here):")
        print("\n".join(report["server_log_tail"]))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")
        print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
