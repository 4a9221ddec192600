import pytest
import torch

from explainer.model.gpt import GPT, GPTConfig, Trace
from explainer.model.loss import linear_cross_entropy


def small_model(seed: int = 0) -> GPT:
    torch.manual_seed(seed)
    return GPT(GPTConfig(vocab_size=50, context_length=16, n_layer=2, n_head=2, d_model=32)).eval()


def test_fast_and_traced_paths_give_the_same_logits():
    m = small_model()
    idx = torch.randint(0, 50, (1, 12))
    fast, _ = m(idx)
    tr = Trace()
    slow, _ = m(idx, trace=tr)
    torch.testing.assert_close(fast, slow, atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(tr.logits, fast[0])


def test_trace_shapes_and_invariants():
    m = small_model()
    tr = Trace()
    m(torch.randint(0, 50, (1, 7)), trace=tr)
    assert len(tr.attentions) == len(tr.resid_pre) == len(tr.resid_post) == len(tr.mlp_hidden) == 2
    assert tr.attentions[0].shape == (2, 7, 7)
    assert tr.mlp_hidden[0].shape == (7, 128)
    # attention rows are distributions over earlier tokens only
    torch.testing.assert_close(tr.attentions[1].sum(-1), torch.ones(2, 7))
    assert torch.all(tr.attentions[0].triu(1) == 0)
    # the residual stream flows: one block's output is the next block's input
    torch.testing.assert_close(tr.resid_post[0], tr.resid_pre[1])
    # final vectors are the normed last residual, and unembed reproduces the logits
    torch.testing.assert_close(m.unembed(tr.resid_post[-1]), tr.logits, atol=1e-5, rtol=1e-5)


def test_causality_future_tokens_do_not_change_the_past():
    m = small_model()
    a = torch.randint(0, 50, (1, 10))
    b = a.clone()
    b[0, -1] = (a[0, -1] + 1) % 50
    la, _ = m(a)
    lb, _ = m(b)
    torch.testing.assert_close(la[0, :-1], lb[0, :-1])
    assert not torch.allclose(la[0, -1], lb[0, -1])


def test_loss_and_context_limit():
    m = small_model()
    idx = torch.randint(0, 50, (2, 16))
    _, loss = m(idx, targets=idx)
    assert abs(loss.item() - torch.log(torch.tensor(50.0))) < 0.5  # near-uniform at init
    try:
        m(torch.zeros(1, 17, dtype=torch.long))
    except ValueError as e:
        assert "context" in str(e)
    else:
        raise AssertionError("a too-long sequence must be refused")


def test_embeddings_are_tied():
    m = small_model()
    tr = Trace()
    m(torch.tensor([[3, 4]]), trace=tr)
    torch.testing.assert_close(tr.logits, tr.final @ m.tok_emb.weight.T)


@pytest.mark.parametrize("vocab", [50, 70_000])  # one slice; many slices of 14 rows, the last one short
def test_loss_without_full_logits_equals_cross_entropy_and_its_gradients(vocab):
    torch.manual_seed(0)
    h = torch.randn(45, 8, requires_grad=True)
    w = torch.randn(vocab, 8, requires_grad=True)
    t = torch.randint(0, vocab, (45,))
    plain = torch.nn.functional.cross_entropy(h @ w.T, t)
    gh, gw = torch.autograd.grad(plain * 3, (h, w))
    fused = linear_cross_entropy(h, w, t)
    fh, fw = torch.autograd.grad(fused * 3, (h, w))  # the backward pass scales by what comes from above
    torch.testing.assert_close(fused, plain)
    torch.testing.assert_close(fh, gh)
    torch.testing.assert_close(fw, gw)
    with torch.no_grad():
        torch.testing.assert_close(linear_cross_entropy(h, w, t), plain)  # evaluation: no gradients made


def test_training_loss_in_bf16_autocast_is_close_to_float32():
    m = small_model()
    idx = torch.randint(0, 50, (2, 16))
    _, loss32 = m(idx, targets=idx)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        _, loss16 = m(idx, targets=idx)
    loss16.backward()
    assert loss16.dtype == torch.float32 and abs(loss16.item() - loss32.item()) < 0.05
    assert m.tok_emb.weight.grad is not None and m.tok_emb.weight.grad.dtype == torch.float32
