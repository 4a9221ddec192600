"""What the pages compute once per server process, done ahead in a background thread, so that no student's first
visit of a page waits for it: the heavy imports (torch, and torch._dynamo, which torch's optimisers import: ~2.5 s),
Streamlit's icon tables (the first message with an icon took ~1 s), the default model and its analyses
(explainer/analysis/precomputed.py), the training page's measured machine speed and default text, the Scale page's
corpus counts, the Emergence page's twin and both models' answers, the Meaning page's default word, the
model's training text for What it read.

`warm_up()` starts it once per process; `explainer.ui.serve` calls it at server start, and streamlit_app.py on every
run (a no-op after the first). No Streamlit calls in the thread but the caches', which are process-wide.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import sys
import threading
from collections.abc import Callable, Iterator

from explainer.ui.shell.background import run_pieces

THREAD = "warm-up"
_started = threading.Lock()


SWITCH_S = 0.001  # the interpreter lock's switch interval in the server (Python's default: 0.005)


def warm_up() -> None:
    """Start the warm-up thread, once per process; and a shorter switch interval for the interpreter lock: a thread
    that runs torch gives the lock up at every operation and, with the default 5 ms, waits up to that long to get it
    back from a page's Python each time (a training step or a token is hundreds of operations)."""
    if _started.acquire(blocking=False):
        sys.setswitchinterval(SWITCH_S)
        logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_quiet)
        run_pieces(THREAD, _pieces(), _step_failed)  # (at exit: no further step, the one under way may finish)


def _quiet(record: logging.LogRecord) -> bool:
    """The caches warn that this thread has no ScriptRunContext (it has no page to draw a spinner on): expected."""
    return not (record.threadName == THREAD and "missing ScriptRunContext" in record.getMessage())


def steps() -> list:
    """The warm-up's steps, in order: each a function of no arguments."""
    import streamlit.emojis  # noqa: F401  Streamlit compiles its emoji pattern on the first icon it checks: ~1 s
    import streamlit.material_icon_names  # noqa: F401
    import torch

    from explainer.analysis.scale import builtin_preset
    from explainer.ui import prediction  # noqa: F401  the pages' helpers import pandas, plotly, the charts
    from explainer.ui.embeddings import warm_meaning_page
    from explainer.ui.emergence import warm_emergence_page
    from explainer.ui.shell.models import default_spec, get_backend, model_analyses
    from explainer.ui.training.setup import warm_training_page

    def import_dynamo() -> None:  # torch's optimisers import torch._dynamo
        torch.optim.Adam([torch.zeros(1, requires_grad=True)])

    def default_model() -> None:
        get_backend(default_spec())

    def default_analyses() -> None:
        model_analyses(default_spec()).warm()

    def what_it_read() -> None:  # the corpus read and encoded (~3 s), then who guesses better (~1 s)
        model_analyses(default_spec()).guesses()

    return [import_dynamo, default_model, default_analyses, warm_training_page, builtin_preset, warm_emergence_page,
            warm_meaning_page, what_it_read]  # fmt: skip


def _pieces() -> Iterator[Callable[[], object]]:
    """The steps, then the memory given back (a generator: the steps' imports happen in the thread)."""
    yield from steps()
    yield give_back_free_memory
    yield settle_garbage_collector


def _step_failed(step: Callable, e: Exception) -> None:
    """A page that needs it computes it again and says what went wrong; the log says so."""
    logging.getLogger(__name__).warning("warm-up step %s failed: %s: %s", step.__name__, type(e).__name__, e)


def settle_garbage_collector() -> None:
    """Exempt what the process holds once warm (modules, models, analyses: ~500,000 objects) from the cycle
    collector's full passes: under a class every full pass walked them all, stopping every student's page for
    ~120 ms (10 such passes a minute under 40 students). Objects still free by reference count as before."""
    gc.collect()
    gc.freeze()


def give_back_free_memory() -> None:
    """Return the heap that the warm-up freed to the system (glibc keeps it otherwise: about 45 MB a process, mostly
    the measured training speed's workspace). Elsewhere than glibc: nothing to do."""
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):
        pass
