"""How many threads a training should use now: its share of the cores while they are free, one while other work
keeps them busy.

A step split over n threads waits at every operation for its slowest thread; when other programs hold the cores,
a thread that the system puts aside stalls all the others (OpenMP's barrier). Measured on 2 cores at load 15, the
4-layer width-128 model: 2 threads 122-131 tokens/s, 1 thread 4,200-4,280 tokens/s. So the count follows the
cores other work leaves free, read from the machine's CPU time (/proc/stat) between two calls, less what the
trainings here used (their slices' seconds × threads, reported with `used`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import torch

from explainer.config import settings
from explainer.model.device import configure_threads, cpu_threads

MIN_INTERVAL_S = 0.2  # a shorter look at /proc/stat (10 ms ticks) is noise: keep the last answer


def busy_cpu_seconds() -> float | None:
    """CPU seconds the whole machine has spent busy since boot, all cores (None: not Linux)."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / 100  # USER_HZ = 100 on Linux


class CoreWatch:
    """The cores other work leaves free, between one call of `free()` and the next."""

    def __init__(self, cores: int | None = None, busy: Callable[[], float | None] = busy_cpu_seconds,
                 clock: Callable[[], float] = time.monotonic):  # fmt: skip
        self.cores = cores or cpu_threads()
        self._busy, self._clock = busy, clock
        self._lock = threading.Lock()
        self._last: tuple[float, float] | None = None  # (clock, busy seconds) at the last look
        self._ours = 0.0  # CPU seconds the trainings here took since then
        self._free: float | None = None

    def used(self, seconds: float, threads: int) -> None:
        """A training here ran `seconds` on `threads` threads (their waiting counts as theirs too)."""
        with self._lock:
            self._ours += seconds * threads

    def free(self) -> float | None:
        """Cores free of other work since the last call (None: unknown yet, or not on Linux)."""
        with self._lock:
            now, busy = self._clock(), self._busy()
            if busy is None:
                return None
            if self._last is None or now - self._last[0] >= MIN_INTERVAL_S:
                if self._last is not None:
                    others = (busy - self._last[1] - self._ours) / (now - self._last[0])
                    self._free = min(self.cores, max(0.0, self.cores - others))
                self._last, self._ours = (now, busy), 0.0
            return self._free

    def threads(self, share: int) -> int:
        """Threads for one training whose share is `share` cores: as many as are free, at least one."""
        free = self.free()
        if share <= 1 or free is None:
            return max(1, share)
        return max(1, min(share, int(free + 0.5)))


def sized_threads(device: torch.device) -> Callable[[], None] | None:
    """For a process that only trains, on the CPU (the command line): a call for between two chunks of steps that
    sets torch's thread count to the cores free now (its first look takes MIN_INTERVAL_S). None on a GPU, or when
    LLM_EXPLAINER_THREADS fixes the count."""
    if device.type != "cpu" or settings().threads:
        return None
    watch = CoreWatch()
    watch.free()
    time.sleep(MIN_INTERVAL_S)
    last = time.process_time()

    def resize() -> None:
        nonlocal last
        now = time.process_time()  # this process's CPU seconds, all its threads
        watch.used(now - last, 1)
        last = now
        configure_threads(watch.threads(watch.cores))

    resize()
    return resize
