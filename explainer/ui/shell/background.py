"""Work a server process does in daemon threads, piece by piece (the warm-up, a model's analyses), with no Streamlit
calls there. At exit no further piece starts and the ones under way may finish (EXIT_WAIT_S in all): a thread cut off
inside torch when the interpreter ends aborts the process ("terminate called without an active exception", exit
status 134), which is how a server stopped while a loaded model's analyses were computed used to end."""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable, Iterable

EXIT_WAIT_S = 60  # at exit, how long to let the pieces under way finish
stopping = threading.Event()  # set at exit: no piece starts after it
_threads: list[threading.Thread] = []
_lock = threading.Lock()


def run_pieces(
    name: str, pieces: Iterable[Callable[[], object]], on_error: Callable[[Callable, Exception], None]
) -> threading.Thread:
    """Run `pieces` in order in a daemon thread called `name`; a piece that raises is passed to `on_error` and the
    next one runs. `pieces` may be a generator: it is read in the thread."""

    def work() -> None:
        for piece in pieces:
            if stopping.is_set():
                return
            try:
                piece()
            except Exception as e:
                on_error(piece, e)

    thread = threading.Thread(target=work, name=name, daemon=True)
    with _lock:
        if not _threads:
            atexit.register(stop_all)
        _threads.append(thread)
    thread.start()
    return thread


def stop_all() -> None:
    """What atexit calls: no further piece, and the ones under way may finish (EXIT_WAIT_S in all)."""
    stopping.set()
    deadline = time.monotonic() + EXIT_WAIT_S
    with _lock:
        threads = list(_threads)
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
