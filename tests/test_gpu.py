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


def test_the_loss_on_cuda_is_the_cpus_sliced_one():
    from explainer.model.loss import linear_cross_entropy

    torch.manual_seed(0)
    h, w, t = (
        torch.randn(300, 16, requires_grad=True),
        torch.randn(50, 16, requires_grad=True),
        torch.randint(50, (300,)),
    )
    cpu = linear_cross_entropy(h, w, t)
    cpu.backward()
    hc, wc = (x.detach().cuda().requires_grad_() for x in (h, w))
    gpu = linear_cross_entropy(hc, wc, t.cuda())
    gpu.backward()
    torch.testing.assert_close(gpu.cpu(), cpu.detach())
    torch.testing.assert_close(hc.grad.cpu(), h.grad, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(wc.grad.cpu(), w.grad, atol=1e-5, rtol=1e-4)


def test_training_with_cuda_graphs_keeps_every_steps_loss():
    """compile_mode="reduce-overhead" replays one CUDA graph a step: each step's loss must survive the next replay."""
    torch.manual_seed(0)
    data = torch.tensor([i % 11 for i in range(5000)])
    model = GPT(GPTConfig(vocab_size=11, context_length=32, n_layer=2, n_head=2, d_model=64))
    cfg = TrainConfig(steps=30, batch_size=16, lr=1e-2, warmup=5, compile=True, compile_mode="reduce-overhead")
    losses = Trainer(model, data, None, cfg, device=torch.device("cuda")).step(30)
    assert len(set(losses)) == 30 and losses[-1] < 0.5 * losses[0], losses
