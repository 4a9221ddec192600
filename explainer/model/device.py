"""Which device to run on (CUDA if present, else Apple MPS, else the CPU), how many CPU threads, and timing a call
on it.

Override with `--device` or LLM_EXPLAINER_DEVICE (`cpu`, `cuda`, `cuda:1`, `mps`). CPU thread count:
LLM_EXPLAINER_THREADS, else the number of cores this process may use (explainer/config.py).
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections.abc import Callable, Iterator

import torch
from torch.utils import benchmark

from explainer.config import device_name, settings
from explainer.i18n import _, ngettext


def pick_device(requested: str | None = None) -> torch.device:
    """Resolve a device name ('auto' or None picks the best available)."""
    name = device_name(requested)
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    dev = torch.device(name)
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(_("device 'cuda' was requested but no CUDA GPU is available"))
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(_("device 'mps' was requested but Apple MPS is not available"))
    return dev


def cpu_threads() -> int:
    if threads := settings().threads:
        return threads
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def serving_threads() -> int:
    """Threads for each operation of a server that many sessions share: LLM_EXPLAINER_THREADS if set, else 1.
    The sessions already run side by side; one small operation spread over every core waits for all of them, and
    on 2 busy cores a token then took 70-100 ms instead of 5 ms with one thread."""
    return settings().threads or 1


def configure_threads(n: int | None = None) -> int:
    """Set torch's intra-op thread count (default: `cpu_threads()`), process-wide; returns it."""
    n = n or cpu_threads()
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


@contextlib.contextmanager
def using_threads(n: int) -> Iterator[int]:
    """torch's intra-op thread count set to `n` for the block, and set back after it."""
    old = torch.get_num_threads()
    if n != old:
        torch.set_num_threads(n)
    try:
        yield n
    finally:
        if torch.get_num_threads() != old:
            torch.set_num_threads(old)


CPU_LABEL = re.compile(r"CPU \((\d+) threads?\)")  # device_label's words for a CPU


def device_label(device: torch.device, threads: int | None = None) -> str:
    """The device as people read it: 'GPU (NVIDIA H100 80GB HBM3)', 'Apple GPU (MPS)', 'CPU (2 threads)' (torch's
    CPU threads now, or `threads`)."""
    if device.type == "cuda":
        return f"GPU ({torch.cuda.get_device_name(device)})"
    if device.type == "mps":
        return "Apple GPU (MPS)"
    n = threads or torch.get_num_threads()
    return f"CPU ({n} thread{'s' * (n != 1)})"


def device_words(device: torch.device | str) -> str:
    """`device_label` in the class's language, for a page ('CPU (2 Threads)' in German), of a device or of a label a
    record kept (records keep the English; a GPU's name is a name)."""
    label = device_label(device) if isinstance(device, torch.device) else device
    if m := CPU_LABEL.fullmatch(label):
        n = int(m.group(1))
        return ngettext("CPU ({n} thread)", "CPU ({n} threads)", n).format(n=n)
    return label


def measure(fn: Callable[[], object], min_run_time: float) -> benchmark.Measurement:
    """torch.utils.benchmark's measurement of a call that may be repeated freely (a forward pass, a matrix
    product): warm-up, then blocks of calls for about `min_run_time` seconds, CUDA synchronised, with torch's
    thread count as it is now (the Timer's own default is one thread). `.median`, `.times`: seconds per call."""
    timer = benchmark.Timer(stmt="fn()", globals={"fn": fn}, num_threads=torch.get_num_threads())
    return timer.blocked_autorange(min_run_time=min_run_time)


def timed(fn: Callable[[], object], device: torch.device) -> float:
    """Seconds one call of `fn` takes on `device`, its queued GPU work included: for calls that change something
    (training steps) or that take turns with another (so that a busy moment slows both alike)."""
    sync = torch.cuda.synchronize if device.type == "cuda" else (lambda: None)
    sync()
    t0 = time.perf_counter()
    fn()
    sync()
    return time.perf_counter() - t0
