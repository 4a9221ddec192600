"""Work in daemon threads (explainer/ui/shell/background.py: the warm-up, a loaded model's analyses) ends cleanly at
exit: no further piece, the one under way finishes, the process exits with status 0 (it aborted with 134 before)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading

import pytest

from explainer.config import BUILTIN_DIR
from explainer.ui.shell import background


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """The module's state, for this test alone."""
    stopping = threading.Event()
    monkeypatch.setattr(background, "stopping", stopping)
    monkeypatch.setattr(background, "_threads", [])
    return stopping


def test_pieces_run_in_order_and_a_failing_one_is_passed_on(fresh: threading.Event) -> None:
    ran, failed = [], []
    thread = background.run_pieces(
        "test", [lambda: ran.append(1), lambda: 1 / 0, lambda: ran.append(3)], lambda p, e: failed.append(type(e))
    )
    thread.join(10)
    assert ran == [1, 3] and failed == [ZeroDivisionError] and thread.daemon


def test_no_piece_starts_after_the_stop(fresh: threading.Event) -> None:
    ran: list[int] = []
    thread = background.run_pieces("test", [lambda: ran.append(1), fresh.set, lambda: ran.append(3)], print)
    thread.join(10)
    assert ran == [1], "the piece after the stop ran"


def test_the_exit_waits_for_the_piece_under_way(fresh: threading.Event) -> None:
    started, release, ran = threading.Event(), threading.Event(), []

    def slow() -> None:
        started.set()
        release.wait(10)
        ran.append("slow")

    thread = background.run_pieces("test", [slow, lambda: ran.append("after")], print)
    assert started.wait(10)
    threading.Timer(0.2, release.set).start()
    background.stop_all()  # what atexit calls
    assert not thread.is_alive() and ran == ["slow"], "it waited for the piece under way, and started no other"


EXIT_DURING_ANALYSES = """
import sys
from explainer.ui.shell.models import model_analyses
assert model_analyses(sys.argv[1]).loaded_from is None  # computed in a thread, from now on
"""


def test_a_process_that_ends_during_a_models_analyses_exits_cleanly(tmp_path) -> None:
    """The built-in model without its stored analyses: they are computed in a background thread, and the process
    ends at once (a server stopped just after a teacher loaded a model)."""
    folder = tmp_path / "copy"
    folder.mkdir()
    for name in ("config.json", "model.safetensors", "tokenizer.json"):
        shutil.copy(BUILTIN_DIR / name, folder / name)
    env = {"LLM_EXPLAINER_MODEL_DIRS": str(tmp_path), "PATH": "/usr/bin:/bin"}
    r = subprocess.run([sys.executable, "-c", EXIT_DURING_ANALYSES, str(folder)], env=env, capture_output=True,
                       text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stderr[-2000:]
    assert "terminate called" not in r.stderr
