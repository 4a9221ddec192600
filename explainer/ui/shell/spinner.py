"""A spinner only while something is first made in this process.

st.spinner starts a timer thread on every call (to show its text after half a second), even around a cache lookup
that returns at once: around the shared model's lookup, several times a run, that was 3 % of a class's server time
(py-spy `--gil`, 40 students). Here the spinner wraps only the first making of each key; later calls are the cache
lookup alone. (A cache entry evicted and made again is then made without the spinner's text.)"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TypeVar

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

T = TypeVar("T")
MAX_KEYS = 4096  # keys remembered (they hold students' texts): past that the set starts again, a spinner once more
_made: set[Hashable] = set()  # keys made once in this process (their results live in Streamlit's caches)


def spinner_first_time(key: Hashable, text: str, make: Callable[[], T]) -> T:
    """`make()`, under a spinner saying `text` unless `key` was made before in this process (or there is no page
    to show it on: a background thread)."""
    if key in _made or get_script_run_ctx(suppress_warning=True) is None:
        result = make()
    else:
        with st.spinner(text):
            result = make()
    if len(_made) >= MAX_KEYS:
        _made.clear()
    _made.add(key)
    return result
