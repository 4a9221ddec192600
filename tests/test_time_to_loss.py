"""The time-to-loss benchmark's own arithmetic (issue 18): nanoGPT's schedule, the reading of a curve."""

import math

import pytest
import torch

from bench.nanogpt_reference import RefGPT, RefTrainer
from bench.time_to_loss import RECIPES, fixed_batches, own_lr, time_to


def test_reference_schedule_is_nanogpts():
    ref = RefTrainer(RefGPT(10, 8, 1, 1, 8), torch.arange(100) % 10, steps=2000, batch_size=2, context=8,
                     lr=1e-3, device=torch.device("cpu"))  # fmt: skip
    assert ref.lr_at(0) == pytest.approx(1e-3 / 101)  # (it + 1) / (warmup + 1)
    assert ref.lr_at(100) == pytest.approx(1e-3)
    assert ref.lr_at(1050) == pytest.approx(1e-4 + 0.5 * (1 + math.cos(math.pi / 2)) * 9e-4)
    assert ref.lr_at(2000) == pytest.approx(1e-4) and ref.lr_at(2500) == pytest.approx(1e-4)
    assert [g["betas"] for g in ref.opt.param_groups] == [(0.9, 0.99)] * 2
    assert [g["weight_decay"] for g in ref.opt.param_groups] == [0.1, 0.0]


def test_the_reference_reads_its_loss_back_as_nanogpt_does():
    """A loss read back waits for the GPU: nanoGPT's GPU config reads every 10th step, its CPU command each step."""
    from bench.time_to_loss import EXTRA

    assert EXTRA["gpu"]["log_interval"] == 10 and EXTRA["cpu"]["log_interval"] == 1
    for every, read in ((1, 20), (10, 2)):
        ref = RefTrainer(RefGPT(10, 8, 1, 1, 8), torch.arange(100) % 10, steps=20, batch_size=2, context=8,
                         device=torch.device("cpu"), log_interval=every)  # fmt: skip
        ref.step(20)
        assert len(ref.losses) == read


def test_time_to_target_reads_between_evaluations():
    curve = [(0, 0.0, 4.0), (100, 10.0, 3.0), (200, 20.0, 2.0)]
    assert time_to(curve, 2.5) == pytest.approx(15.0)
    assert time_to(curve, 2.0) == pytest.approx(20.0)
    assert time_to(curve, 1.9) is None


def test_fixed_validation_batches_are_the_same_each_time():
    ids = torch.arange(1000)
    a, b = fixed_batches(ids, 3, 4, 8, "cpu"), fixed_batches(ids, 3, 4, 8, "cpu")
    assert all(torch.equal(x1, x2) and torch.equal(y1, y2) for (x1, y1), (x2, y2) in zip(a, b))
    x, y = a[0]
    assert x.shape == (4, 8) and torch.equal(y[:, :-1], x[:, 1:])  # y is x shifted by one


def test_the_engine_trains_at_its_own_learning_rate_for_the_sizes():
    assert own_lr(RECIPES["cpu"]) == 2e-3  # nanoGPT's CPU sizes are `llm-explainer train --preset small`
    assert own_lr(RECIPES["gpu"]) == RECIPES["gpu"]["lr"] == 1e-3  # no preset of these sizes: nanoGPT's


def test_the_engine_drops_out_where_nanogpt_does():
    """nanoGPT's GPU recipe trains with dropout 0.2 on the embeddings, the attention weights and both residual
    branches; with fewer places the engine overfits (its validation loss rose after step 1,000 on an H200)."""
    from explainer.model.gpt import GPT, GPTConfig

    ours = GPT(GPTConfig(vocab_size=20, context_length=16, n_layer=3, n_head=2, d_model=16, dropout=0.2))
    ref = RefGPT(20, 16, 3, 2, 16, dropout=0.2)
    calls = {}
    for model in (ours, ref):
        name = type(model).__name__
        calls[name] = 0
        for m in model.modules():
            if isinstance(m, torch.nn.Dropout) and m.p == 0.2:
                m.register_forward_hook(lambda *_, n=name: calls.update({n: calls[n] + 1}))
        model.train()
        model(torch.randint(20, (2, 16)), torch.randint(20, (2, 16)))
    assert calls["GPT"] == calls["RefGPT"] == 1 + 2 * 3  # embeddings, then attention and MLP per block


def test_the_step_speed_benchmark_measures_every_variant():
    """bench/step_speed.py, as a lent GPU runs it first (bench/gpu_check.sh), here on the CPU recipe, tiny."""
    from bench.step_speed import VARIANTS, run, trainer, without_biases
    from explainer.model.gpt import GPT, GPTConfig

    bare = without_biases(GPT(GPTConfig(vocab_size=20, context_length=8, n_layer=2, n_head=2, d_model=8)))
    assert not [n for n, _ in bare.named_parameters() if n.endswith("bias")]
    assert bare(torch.randint(20, (1, 8)))[0].shape == (1, 8, 20)  # it still runs, as nanoGPT's bias=False does
    ids = torch.randint(0, 65, (5000,), dtype=torch.int16)
    graphs = trainer("engine-graphs", "gpu", ids, torch.device("cpu"), 10)
    assert graphs.cfg.compile and graphs.cfg.compile_mode == "reduce-overhead"
    out = run("cpu", VARIANTS, steps=2, rounds=1, warmup=1, profile_steps=1, device="cpu")
    assert set(out["tokens_per_s"]) == set(VARIANTS) and all(v > 0 for v in out["tokens_per_s"].values())
    assert out["vs_reference"]["reference"] == 1.0
    for p in out["profile"].values():
        assert p["wall_ms_per_step"] > 0 and p["operator_ms_per_step"] > 0 and p["top_ms_per_step"]
