import torch

from explainer.model import GPT, GPTConfig
from explainer.training import TrainConfig, Trainer


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
