"""Which device to run on: CUDA if present, else Apple MPS, else the CPU.

Override with `--device` or the LLM_EXPLAINER_DEVICE environment variable
(`cpu`, `cuda`, `cuda:1`, `mps`). CPU thread count: LLM_EXPLAINER_THREADS,
else the number of cores this process may use.
"""

from __future__ import annotations

import os

import torch

DEVICE_ENV = "LLM_EXPLAINER_DEVICE"
THREADS_ENV = "LLM_EXPLAINER_THREADS"


def pick_device(requested: str | None = None) -> torch.device:
    """Resolve a device name ('auto' or None picks the best available)."""
    name = (requested or os.environ.get(DEVICE_ENV) or "auto").strip().lower()
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    try:
        dev = torch.device(name)
    except RuntimeError:
        raise ValueError(f"unknown device {name!r}: use auto, cpu, cuda or mps") from None
    if dev.type == "cuda" and not torch.cuda.is_available():
        raise ValueError("device 'cuda' was requested but no CUDA GPU is available")
    if dev.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError("device 'mps' was requested but Apple MPS is not available")
    if dev.type not in ("cpu", "cuda", "mps"):
        raise ValueError(f"unsupported device {name!r}: use auto, cpu, cuda or mps")
    return dev


def cpu_threads() -> int:
    env = os.environ.get(THREADS_ENV)
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def configure_threads() -> int:
    """Set torch's intra-op thread count once; returns it."""
    n = cpu_threads()
    if torch.get_num_threads() != n:
        torch.set_num_threads(n)
    return n


def describe(device: torch.device) -> str:
    if device.type == "cuda":
        return f"GPU ({torch.cuda.get_device_name(device)})"
    if device.type == "mps":
        return "Apple GPU (MPS)"
    return f"CPU ({torch.get_num_threads()} threads)"
