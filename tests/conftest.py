"""Shared fixtures: tiny local models (no network), a clean model setting, skipping `gpu` tests without CUDA."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from explainer.ui.models import MODEL_ENV

from .helpers import tiny_checkpoint, tiny_hf_gpt2


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


@pytest.fixture(autouse=True)
def _no_model_env(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Unit and app tests start on the built-in model whatever the shell set; a test that wants
    LLM_EXPLAINER_MODEL sets it. Browser tests keep it: their server was started with it."""
    if request.node.get_closest_marker("e2e") is None:
        monkeypatch.delenv(MODEL_ENV, raising=False)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU (torch.cuda.is_available() is False)")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
