"""What the load benchmarks share: the server's processes through psutil (memory, threads, CPU time, who listens on a
port), latency summaries (numpy percentiles), and running their asyncio students beside a test's Playwright."""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from pathlib import Path

import numpy as np
import psutil

SAMPLE_EVERY_S = 0.5


class ProcWatch:
    """Memory, threads and CPU time of process trees (a server and everything it started), memory sampled in the
    background by `watch`: `samples` holds (seconds since the start, MB, threads)."""

    def __init__(self, pids: list[int]) -> None:
        self.roots = [psutil.Process(p) for p in pids]
        self.t0 = time.monotonic()
        self.samples: list[tuple[float, float, int]] = []
        self.pss_mb: list[float] = []  # proportional set size of the trees: shared libraries counted once in all

    def tree(self) -> list[psutil.Process]:
        """The processes and all their descendants still alive."""
        procs = {}
        for root in self.roots:
            try:
                for p in [root, *root.children(recursive=True)]:
                    procs[p.pid] = p
            except psutil.NoSuchProcess:
                continue
        return list(procs.values())

    def sample(self) -> tuple[float, int]:
        """(resident memory in MB, threads) of the trees now, kept in `samples`."""
        rss, threads, pss = 0, 0, 0
        for p in self.tree():
            try:
                with p.oneshot():
                    rss, threads = rss + p.memory_info().rss, threads + p.num_threads()
                pss += _pss_bytes(p.pid)
            except psutil.NoSuchProcess:  # it ended meanwhile
                continue
        mb = rss / 2**20
        self.pss_mb.append(round(pss / 2**20, 1))
        self.samples.append((round(time.monotonic() - self.t0, 1), round(mb, 1), threads))
        return mb, threads

    def peak_mb(self) -> float | None:
        return max((mb for _, mb, _ in self.samples), default=None)

    def peak_pss_mb(self) -> float | None:
        """The peak of the trees' memory with the pages they share (libtorch's code, ...) counted once: what
        several replicas together take from the machine (RSS counts those pages once per process)."""
        return max(self.pss_mb, default=None) or None

    def cpu_s(self, skip: set[int] = frozenset()) -> float:
        """User + system seconds of the trees (their ended children that were waited for included), but `skip`."""
        total = 0.0
        for p in self.tree():
            if p.pid in skip:
                continue
            try:
                t = p.cpu_times()
                total += t.user + t.system + t.children_user + t.children_system
            except psutil.NoSuchProcess:
                continue
        return total

    async def watch(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            await asyncio.to_thread(self.sample)
            try:
                await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_S)
            except asyncio.TimeoutError:
                pass


def _pss_bytes(pid: int) -> int:
    """The process's proportional set size from /proc (Linux; 0 elsewhere or when it cannot be read)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            return next((int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:")), 0)
    except OSError:
        return 0


def pids_listening(port: int) -> list[int]:
    """Processes (of this user) listening on `port` on this machine: the server behind a local URL."""
    try:
        conns = psutil.net_connections(kind="inet")
    except psutil.AccessDenied:
        return []
    return sorted({c.pid for c in conns if c.pid and c.status == psutil.CONN_LISTEN and c.laddr.port == port})


def read_pid_file(path: str) -> list[int]:
    """Process ids written in a file (deploy/start.sh writes the replicas')."""
    return [int(x) for x in Path(path).read_text().split()]


def run_async(coro):
    """asyncio.run, in a thread of its own when this one already has an event loop (a test session's sync
    Playwright keeps one running)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def summary(ms: list[float]) -> dict[str, float]:
    """Count, median, 95th and 99th percentile and maximum of latencies in milliseconds."""
    p50, p95, p99 = np.percentile(ms, [50, 95, 99])
    return {"n": len(ms), "p50_ms": round(p50), "p95_ms": round(p95), "p99_ms": round(p99), "max_ms": round(max(ms))}
