"""Streamlit pieces of the Why GPUs page: the devices to time, one benchmark at a time per server, the stored
reference run, and this student's last results (`WhyGpusState`)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import streamlit as st
import torch

from explainer import config
from explainer.analysis.parallel import BenchResult, load_reference
from explainer.ui.shell.state import SessionObject


@dataclass
class WhyGpusState(SessionObject):
    KEY = "why_gpus"
    results: list[BenchResult] = field(default_factory=list)  # one per device, from the last run


@st.cache_resource
def bench_lock() -> threading.Lock:
    """One benchmark at a time on this server: two at once would spoil each other's timings."""
    return threading.Lock()


@st.cache_resource(show_spinner=False)
def reference() -> tuple[dict, list[BenchResult]] | None:
    """The reference run shipped with the app (config.WHY_GPUS_REFERENCE), read once; shared, never changed."""
    return load_reference(config.WHY_GPUS_REFERENCE)


def devices() -> list[torch.device]:
    found = [torch.device("cpu")]
    if torch.cuda.is_available():
        found.append(torch.device("cuda"))
    return found
