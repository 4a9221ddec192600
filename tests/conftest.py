"""Shared fixtures: a tiny random checkpoint folder, and skipping `gpu` tests without CUDA."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from .helpers import tiny_checkpoint


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random two-layer word-level GPT saved as a checkpoint folder (built once per test run)."""
    return tiny_checkpoint(tmp_path_factory.mktemp("tiny") / "tiny-model")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU (torch.cuda.is_available() is False)")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
