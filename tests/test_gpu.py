"""GPU path checks; skipped where no CUDA GPU is present (CI never has one)."""

import pytest
import torch

from explainer.backends.load import load_backend
from explainer.model.gpt import GPT, GPTConfig
from explainer.training.trainer import TrainConfig, Trainer

pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU"),
]


def test_builtin_model_on_cuda_matches_cpu():
    cpu = load_backend("builtin", "cpu")
    gpu = load_backend("builtin", "cuda")
    ids = cpu.encode("User: What is the capital of France?\nAssistant: The capital of France is")
    torch.testing.assert_close(gpu.logits(ids), cpu.logits(ids), atol=2e-3, rtol=2e-3)
    assert gpu.trace(ids).attentions[0].device.type == "cpu"  # traces come back to the CPU for charts


def test_bf16_training_on_cuda_reduces_loss():
    torch.manual_seed(0)
    data = torch.tensor([i % 11 for i in range(5000)])
    model = GPT(GPTConfig(vocab_size=11, context_length=32, n_layer=2, n_head=2, d_model=64))
    tr = Trainer(model, data, data[:1000], TrainConfig(steps=80, batch_size=16, lr=1e-2, warmup=5, eval_every=40),
                 device=torch.device("cuda"))  # fmt: skip
    losses = tr.step(80)
    assert next(model.parameters()).device.type == "cuda"
    assert sum(losses[-5:]) / 5 < 0.3 * sum(losses[:5]) / 5
