import pytest
import torch

from explainer.model.gpt import GPT, GPTConfig
from explainer.training.trainer import TrainConfig, Trainer


def make_trainer(seed=0, steps=60):
    torch.manual_seed(123)
    data = torch.tensor([i % 7 for i in range(2000)])  # a repeating pattern is easy to learn
    model = GPT(GPTConfig(vocab_size=7, context_length=16, n_layer=1, n_head=2, d_model=32))
    cfg = TrainConfig(steps=steps, batch_size=8, lr=1e-2, warmup=5, eval_every=20, eval_batches=2, seed=seed)
    return Trainer(model, data, data[:500], cfg)


def test_loss_goes_down_and_callbacks_fire():
    seen = []
    tr = make_trainer()
    tr.on_step = lambda t, loss: seen.append(loss)
    losses = tr.step(60)
    assert len(losses) == 60 == len(seen) == tr.step_count
    assert sum(losses[-5:]) / 5 < 0.5 * sum(losses[:5]) / 5
    assert tr.history.val_steps == [20, 40, 60]
    assert tr.done and tr.step(5) == []  # a finished run does nothing more


def test_deterministic_for_a_seed():
    a, b = make_trainer(seed=1), make_trainer(seed=1)
    assert a.step(10) == b.step(10)


def test_learning_rate_schedule():
    tr = make_trainer(steps=100)
    assert tr.lr_at(0) < tr.lr_at(4) <= tr.cfg.lr
    assert abs(tr.lr_at(5) - tr.cfg.lr) < 1e-9
    assert abs(tr.lr_at(100) - tr.cfg.lr * tr.cfg.min_lr_ratio) < 1e-9


def test_too_short_text_is_refused():
    model = GPT(GPTConfig(vocab_size=7, context_length=16, n_layer=1, n_head=2, d_model=32))
    try:
        Trainer(model, torch.arange(10) % 7, None, TrainConfig())
    except ValueError as e:
        assert "too short" in str(e)
    else:
        raise AssertionError("expected a clear error")


def test_resume_continues_exactly_the_same_loss_curve():
    """Stop after 12 steps, save everything through safetensors + JSON, resume in a fresh trainer."""
    import json

    from safetensors.torch import load, save

    whole = make_trainer(seed=3, steps=30)
    expected = whole.step(30)
    first = make_trainer(seed=3, steps=30)
    first.step(12)
    tensors, meta = first.optimizer_state()
    tensors, meta = load(save(tensors)), json.loads(json.dumps(meta))
    weights = {k: v.clone() for k, v in first.model.state_dict().items()}
    torch.manual_seed(999)  # a different global RNG state must not matter
    second = make_trainer(seed=7, steps=30)  # a different batch seed too: the state carries the sampler's RNG
    second.model.load_state_dict(weights)
    second.load_optimizer_state(tensors, meta)
    assert second.step_count == 12 and second.history.train_loss == expected[:12]
    assert second.step(30) == expected[12:]
    assert second.history.train_loss == whole.history.train_loss
    assert second.history.val_loss == whole.history.val_loss


def test_optimizer_state_must_fit_the_model():
    other = GPT(GPTConfig(vocab_size=7, context_length=16, n_layer=2, n_head=2, d_model=32))
    tr = Trainer(other, torch.arange(500) % 7, None, TrainConfig(steps=5))
    tr.step(1)
    with_state = make_trainer()
    with_state.step(2)
    tensors, meta = with_state.optimizer_state()
    try:
        tr.load_optimizer_state(tensors, meta)
    except ValueError as e:
        assert "does not match" in str(e)
    else:
        raise AssertionError("a two-layer model accepted a one-layer optimizer state")


def test_update_norms_per_layer_group():
    tr = make_trainer()
    assert tr.last_update_norms == {}
    tr.step(3)
    norms = tr.last_update_norms
    assert list(norms) == ["embeddings", "layer 1", "final norm"]
    assert all(0 < v < 1 for v in norms.values())  # each step moves the weights a little
    tr.step(2)
    assert tr.history.update_steps == [3, 5]  # one reading per step(n) call, at its last step
    assert [vs[-1] for vs in tr.history.update_norms.values()] == list(tr.last_update_norms.values())


def test_losses_are_read_back_in_order_without_a_callback():
    a, b = make_trainer(seed=2), make_trainer(seed=2)
    b.on_step = lambda t, loss: None  # per-step read-back
    assert a.step(25) == b.step(25)
    assert a.history.steps == list(range(1, 26))


def test_adam_betas_default_to_nanogpts_and_the_builtin_recipe_keeps_its_own():
    from explainer.training.builtin import TRAIN

    data = torch.randint(0, 20, (500,))
    model = GPT(GPTConfig(vocab_size=20, context_length=8, n_layer=1, n_head=1, d_model=8))
    tr = Trainer(model, data, None, TrainConfig(steps=2, batch_size=2))
    assert [g["betas"] for g in tr.opt.param_groups] == [(0.9, 0.99)] * 2
    assert TRAIN.betas == (0.9, 0.95), "the shipped model was trained with these: same recipe, same model"


def test_builtin_recipe_uses_bf16_only_where_the_cpu_has_it(monkeypatch):
    """Emulated bf16 is 20 times slower than float32 on a CPU without bf16 instructions (AVX2 only, measured):
    the built-in recipe must leave the choice to the CPU, not force it."""
    from explainer.training import trainer
    from explainer.training.builtin import TRAIN

    cpu = torch.device("cpu")
    for has_bf16 in (False, True):
        monkeypatch.setattr(trainer, "cpu_has_bf16_matmul", lambda has=has_bf16: has)
        assert trainer.uses_bf16(cpu, TRAIN.cpu_bf16) is has_bf16


def test_the_size_cards_estimate_rests_on_a_fixed_cost_and_the_operations(monkeypatch) -> None:
    """A step takes a fixed time plus its operations at the machine's rate; two measured sizes give both (a tiny
    model is mostly fixed cost: operations alone made its card 1.7× too fast). Noisy timings that make either part
    negative leave the operations alone."""
    from explainer.training import throughput as tp
    from explainer.training.spec import RunSpec

    true = tp.MachineRate(step_s=0.01, flops=2e11)
    measured = {spec.d_model: true.tokens_per_s(spec, 128) for spec in tp.CALIBRATION}
    monkeypatch.setattr(tp, "training_tokens_per_s", lambda cfg, *a, **k: measured[cfg.d_model])
    tp.machine_rate.cache_clear()
    try:
        found = tp.machine_rate("cpu")
        assert found.step_s == pytest.approx(0.01) and found.flops == pytest.approx(2e11)
        medium = RunSpec.from_preset("medium")
        assert tp.estimate_tokens_per_s(medium, 73) == pytest.approx(true.tokens_per_s(medium, 73))
        tiny, small = tp.CALIBRATION
        measured[small.d_model] = measured[tiny.d_model] * 10  # the bigger model timed faster per step: noise
        tp.machine_rate.cache_clear()
        noisy = tp.machine_rate("cpu")
        assert noisy.step_s == 0 and noisy.tokens_per_s(small, 128) == pytest.approx(measured[small.d_model])
    finally:
        tp.machine_rate.cache_clear()
