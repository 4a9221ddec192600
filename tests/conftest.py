"""Shared fixtures: tiny local models (no network), a clean model setting, skipping `gpu` tests without CUDA."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from explainer.config import MODEL, MODEL_DIRS, POLLS, RUNS

from .helpers import tiny_checkpoint, tiny_hf_chat, tiny_hf_gpt2


@pytest.fixture(scope="session", autouse=True)
def _no_warm_up_thread() -> None:
    """The server's warm-up (explainer/ui/warm.py) is for a server: every AppTest runs streamlit_app.py, which would
    start it in the test process, where it ran beside whichever tests came next (seeding torch's generator in the
    middle of a test's seeded draw; once, a dict changed during an AppTest run). Marked as started, it never runs
    here; the browser tests' server and test_protocol_load's warm up as a classroom's does, and
    test_train_setup.py runs each of its steps."""
    from explainer.ui import warm

    warm._started.acquire(blocking=False)


@pytest.fixture(scope="session", autouse=True)
def _allow_test_models(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The app loads local models only from allowed folders (explainer/backends/safety.py): allow this run's
    temporary folders, where the tiny test models live (the browser tests' server inherits it)."""
    with pytest.MonkeyPatch.context() as mp:
        extra = [str(tmp_path_factory.getbasetemp()), os.environ.get(MODEL_DIRS, "")]
        mp.setenv(MODEL_DIRS, os.pathsep.join(d for d in extra if d))
        mp.setenv(POLLS, str(tmp_path_factory.mktemp("polls")))  # the class polls of this run, not the user's
        yield


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random two-layer word-level GPT saved as a checkpoint folder (built once per test run)."""
    return tiny_checkpoint(tmp_path_factory.mktemp("tiny") / "tiny-model")


@pytest.fixture(scope="session")
def tiny_hf_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random GPT-2 with a locally trained BPE tokenizer, saved like a Hub model (built once per run)."""
    return tiny_hf_gpt2(tmp_path_factory.mktemp("hf") / "tiny-gpt2")


@pytest.fixture(scope="session")
def tiny_hf_spec(tiny_hf_dir: Path) -> str:
    return f"hf:{tiny_hf_dir}"


@pytest.fixture(scope="session")
def builtin():
    """The shipped model on the CPU, loaded once per run (tests only read it)."""
    from explainer.backends.load import load_backend

    return load_backend("builtin", "cpu")


@pytest.fixture(scope="session", params=["tiny", "hf"])
def small(request: pytest.FixtureRequest, tiny_model_dir: Path, tiny_hf_spec: str):
    """The two model kinds, small and random: our own GPT and a Hugging Face GPT-2."""
    from explainer.backends.load import load_backend

    return load_backend(str(tiny_model_dir) if request.param == "tiny" else tiny_hf_spec, "cpu")


@pytest.fixture(scope="session", params=["gpt", "gpt2", "qwen2"])
def three_shapes(request, tiny_model_dir: Path, tiny_hf_spec: str, tmp_path_factory):
    """Our GPT, a Hugging Face GPT-2 and a Qwen2-shaped model (grouped-query attention, no biases), small and random:
    what hooks on a model's parts must work on."""
    from explainer.backends.load import load_backend

    spec = {"gpt": str(tiny_model_dir), "gpt2": tiny_hf_spec}.get(request.param)
    if spec is None:
        spec = f"hf:{tiny_hf_chat(tmp_path_factory.mktemp('qwen') / 'tiny-qwen')}"
    return load_backend(spec, "cpu")


@pytest.fixture
def no_hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """As if the Hub could not be reached (nothing listens at its address) and nothing had been downloaded."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))


@pytest.fixture
def run_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A run store of this test's own (LLM_EXPLAINER_RUNS), for tests of the training page."""
    root = tmp_path / "runs"
    monkeypatch.setenv(RUNS, str(root))
    return root


@pytest.fixture(autouse=True)
def _no_model_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit and app tests start on the built-in model whatever the shell set; a test that wants
    LLM_EXPLAINER_MODEL sets it. Browser tests keep it: their server was started with it."""
    if request.node.get_closest_marker("e2e") is None:
        monkeypatch.delenv(MODEL, raising=False)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU (torch.cuda.is_available() is False)")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
