"""The classroom queue: at most N runs train at once; the others wait their turn.

A page calls `request(run_id)` before each slice of steps: 0 means "train now",
k > 0 means "k-th in the queue". Calling again refreshes the run; a run not heard
from for `stale_after_s` (an abandoned tab) is dropped and frees its place.
"""

from __future__ import annotations

import threading
import time

from explainer.config import settings
from explainer.model.device import cpu_threads
from explainer.training.cores import CoreWatch


class TrainingSlots:
    def __init__(self, max_concurrent: int | None = None, stale_after_s: float = 30.0, clock=time.monotonic):
        self.max_concurrent = max(1, max_concurrent if max_concurrent is not None else settings().max_trainings)
        self.stale_after_s = stale_after_s
        self._clock = clock
        self._lock = threading.Lock()
        self._active: dict[str, float] = {}  # run id -> last heard from
        self._waiting: dict[str, float] = {}  # in arrival order (dicts keep insertion order)
        self.cores = CoreWatch()  # what the other work on the machine leaves free

    def _drop_stale(self, now: float) -> None:
        for table in (self._active, self._waiting):
            for run_id in [r for r, seen in table.items() if now - seen > self.stale_after_s]:
                del table[run_id]
        while self._waiting and len(self._active) < self.max_concurrent:  # promote in arrival order
            first = next(iter(self._waiting))
            del self._waiting[first]
            self._active[first] = now

    def request(self, run_id: str) -> int:
        """0 = may train now; otherwise the 1-based queue position (the place is kept across calls)."""
        with self._lock:
            now = self._clock()
            self._drop_stale(now)
            if run_id in self._active:
                self._active[run_id] = now
                return 0
            if run_id not in self._waiting:
                self._waiting[run_id] = now
                self._drop_stale(now)  # promotes it at once if there is room
                if run_id in self._active:
                    return 0
            self._waiting[run_id] = now
            return list(self._waiting).index(run_id) + 1

    def release(self, run_id: str) -> None:
        with self._lock:
            self._active.pop(run_id, None)
            self._waiting.pop(run_id, None)
            self._drop_stale(self._clock())

    def threads_per_run(self, cpu_count: int | None = None) -> int:
        cores = cpu_count if cpu_count is not None else cpu_threads()
        return max(1, cores // self.max_concurrent)

    def threads_now(self) -> int:
        """Threads for a slice starting now: the run's share of the cores, fewer while other work holds them
        (report the slice with `self.cores.used(seconds, threads)`)."""
        return self.cores.threads(self.threads_per_run())
