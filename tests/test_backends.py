import pytest
import torch

from explainer.backends.base import Backend, BackendError
from explainer.backends.load import load_backend
from explainer.config import device_name
from explainer.model.sampling import SamplingParams, distribution, make_generator, sample
from explainer.model.seeding import DRAWING

from .helpers import complete, full_logit_lens, next_token_probs, tiny_checkpoint, tiny_hf_gpt2


@pytest.fixture(scope="module", params=["builtin-format", "hf-gpt2"])
def backend(request, tmp_path_factory) -> Backend:
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "builtin-format":
        return load_backend(str(tiny_checkpoint(folder)), "cpu")
    return load_backend("hf:" + str(tiny_hf_gpt2(folder)), "cpu")


PROMPT = "User: What is the capital of France?\nAssistant: The capital of"


def test_metadata(backend):
    i = backend.info
    assert i.n_layer == 2 and i.n_head == 2 and i.d_model == 32
    assert i.vocab_size == backend.embedding_matrix().shape[0] and i.n_params > 0
    assert "CPU" in i.device


def test_next_token_distribution_sums_to_one(backend):
    p = next_token_probs(backend, PROMPT)
    assert p.shape == (backend.info.vocab_size,)
    assert abs(float(p.sum()) - 1) < 1e-4 and float(p.min()) >= 0


def test_trace_matches_fast_path(backend):
    ids = backend.encode(PROMPT)
    tr = backend.trace(ids)
    T = len(backend.fit(ids)[0])
    assert len(tr.attentions) == backend.info.n_layer
    assert tr.attentions[0].shape == (backend.info.n_head, T, T)
    torch.testing.assert_close(tr.attentions[0].sum(-1), torch.ones(backend.info.n_head, T), atol=1e-5, rtol=0)
    torch.testing.assert_close(tr.logits, backend.logits(ids), atol=1e-4, rtol=1e-4)
    assert len(tr.resid_mid) == len(tr.resid_post) == backend.info.n_layer
    assert tr.mlp_hidden[0].shape == (T, 4 * backend.info.d_model)


def test_the_first_layer_reads_token_plus_position_vectors(backend):
    ids = backend.encode(PROMPT)
    positions = backend.position_matrix()  # (C, D): the Embeddings page draws these
    assert positions.shape == (backend.info.context_length, backend.info.d_model)
    expected = backend.embedding_matrix()[ids] + positions[: len(ids)]  # (T, D)
    torch.testing.assert_close(backend.trace(ids).resid_pre[0], expected, atol=1e-5, rtol=1e-5)


def test_position_tables_of_other_architectures():
    from transformers import LlamaConfig, LlamaForCausalLM, OPTConfig, OPTForCausalLM

    from explainer.backends.hf import position_table

    small = dict(vocab_size=64, hidden_size=16, num_attention_heads=2, num_hidden_layers=1, max_position_embeddings=32)
    opt = OPTForCausalLM(OPTConfig(**small, ffn_dim=32, word_embed_proj_dim=16))
    table = position_table(opt)  # OPT keeps 2 unused rows first: dropped
    assert table.shape == (32, 16) and torch.equal(table, opt.model.decoder.embed_positions.weight[2:])
    assert position_table(LlamaForCausalLM(LlamaConfig(**small, intermediate_size=32))) is None  # rotary positions


def test_logit_lens_last_layer_equals_the_output(backend):
    ids = backend.encode(PROMPT)
    lens = full_logit_lens(backend, ids)
    T = len(backend.fit(ids)[0])
    assert lens.shape == (backend.info.n_layer + 1, T, backend.info.vocab_size)
    torch.testing.assert_close(lens[-1], backend.logits(ids).softmax(-1), atol=1e-4, rtol=1e-3)


def test_the_untrained_network_has_the_shape_and_fresh_weights(backend):
    """The Meaning page's baseline: the same architecture and tokenizer, new random weights from a seed; the loaded
    model and torch's own random stream are left as they were."""
    before = {k: v.clone() for k, v in backend.module.state_dict().items()}
    with DRAWING:  # no other thread seeds torch's generator meanwhile (an AppTest's warm-up may be running)
        rng = torch.get_rng_state()
        fresh, again, other = backend.untrained(7), backend.untrained(7), backend.untrained(8)  # tiny_checkpoint: 0
        assert torch.equal(torch.get_rng_state(), rng)
    assert fresh.info.n_params == backend.info.n_params and fresh.encode(PROMPT) == backend.encode(PROMPT)
    assert (
        fresh.trace(backend.encode(PROMPT)).attentions[0].shape
        == backend.trace(backend.encode(PROMPT)).attentions[0].shape
    )
    mine, theirs = fresh.module.state_dict(), backend.module.state_dict()
    assert mine.keys() == theirs.keys()
    weights = [k for k, v in theirs.items() if v.dim() == 2]
    assert all(not torch.equal(mine[k], theirs[k]) for k in weights)  # every matrix drawn anew
    assert all(torch.equal(v, again.module.state_dict()[k]) for k, v in mine.items())  # the same seed, the same draw
    assert any(not torch.equal(v, other.module.state_dict()[k]) for k, v in mine.items())
    assert all(torch.equal(v, before[k]) for k, v in backend.module.state_dict().items())


def test_greedy_generation_is_argmax_and_repeatable(backend):
    ids = backend.encode(PROMPT)
    steps = list(backend.generate(ids, 3, SamplingParams(temperature=0)))
    assert steps[0].token_id == int(backend.next_token_logits(ids).argmax())
    assert steps[0].prob == 1.0
    again = list(backend.generate(ids, 3, SamplingParams(temperature=0)))
    assert [s.token_id for s in steps] == [s.token_id for s in again]


def test_same_seed_same_text(backend):
    params = SamplingParams(temperature=1.5)
    a = complete(backend, PROMPT, 8, params, seed=7)
    b = complete(backend, PROMPT, 8, params, seed=7)
    assert a == b
    gen, seed = make_generator(None)
    assert isinstance(seed, int)


def _full_context_run(backend, ids, n, params, seed):
    """The reference path: every token from the whole (left-cut) context, with no cache: (tokens, model probs)."""
    ids, gen = list(ids), make_generator(seed)[0]
    tokens, probs = [], []
    for _ in range(n):
        logits = backend.next_token_logits(ids)
        tok = sample(distribution(logits, params), gen)
        tokens.append(tok)
        probs.append(float(logits.softmax(-1)[tok]))
        ids.append(tok)
    return tokens, probs


@pytest.mark.parametrize("temperature", [0.0, 1.5])
def test_kv_cache_gives_the_full_context_path_tokens_and_probabilities(backend, temperature):
    """Generation reads one position per token (KV cache) until the context is full, then the whole left-cut
    context each time: the same tokens and probabilities as reading the whole context for every token."""
    ids = backend.encode(PROMPT)
    n = backend.info.context_length - len(ids) + 6  # runs past the context: the cache gives way to the window
    params = SamplingParams(temperature=temperature)
    steps = list(backend.generate(ids, n, params, make_generator(3)[0]))
    tokens, probs = _full_context_run(backend, ids, n, params, 3)
    assert [s.token_id for s in steps] == tokens
    torch.testing.assert_close(torch.tensor([s.model_prob for s in steps]), torch.tensor(probs), atol=1e-5, rtol=1e-4)


def test_many_continuations_in_one_batch_equal_one_at_a_time(backend):
    ids = backend.encode(PROMPT)
    params = SamplingParams(temperature=2.0, top_k=50)
    gens = [make_generator(s)[0] for s in (0, 1, 2, 2)]
    texts = backend.generate_many(ids, gens, 10, params, stop=lambda s: "." in s)
    one_by_one = [
        "".join(s.text for s in backend.generate(ids, 10, params, make_generator(s)[0], stop=lambda s: "." in s))
        for s in (0, 1, 2, 2)
    ]
    assert texts == one_by_one
    assert texts[2] == texts[3] and len(set(texts)) >= 2  # the same seed, the same text; others differ


def test_greedy_texts_of_many_prompts_equal_each_one_written_alone(backend):
    """Greedy replies to many prompts at once (those of one length in one batch; one of them twice; one past the
    context, left-cut and read whole again for each token): each what `generate` writes at temperature 0."""
    ids = backend.encode(PROMPT)
    others = [t for t in range(backend.info.vocab_size) if t != ids[-1]][:2]
    long = backend.encode("the dog says woof. " * 40)
    assert len(long) > backend.info.context_length
    prompts = [ids, ids[:-1] + [others[0]], backend.encode("Hello"), ids[:-1] + [others[1]], ids, long]
    stop = lambda text: "." in text  # noqa: E731
    alone = ["".join(s.text for s in backend.generate(p, 12, SamplingParams(0), stop=stop)) for p in prompts]
    assert backend.greedy_texts(prompts, 12, stop) == alone
    assert len(set(alone)) >= 3, alone  # not one text everywhere


def test_next_token_logits_are_the_last_row_of_every_positions_logits(backend, monkeypatch):
    """The next word's logits (one text, or rows of one length together) equal the last row of `logits`, which
    unembeds every position; the fast path unembeds only the last one (its head gets one vector per row)."""
    texts = ["The capital of France is", "The dog says woof and the", "User: What is two plus"]
    rows = [backend.encode(t) for t in texts]
    rows = [r[: min(map(len, rows))] for r in rows]
    torch.testing.assert_close(backend.next_token_logits(rows[0]), backend.logits(rows[0])[-1], atol=1e-4, rtol=1e-4)
    batch = backend.next_token_logits_batch(rows)
    torch.testing.assert_close(batch, torch.stack([backend.logits(r)[-1] for r in rows]), atol=1e-4, rtol=1e-4)
    head = backend.module.get_output_embeddings() if hasattr(backend.module, "get_output_embeddings") else None
    if head is None:  # the built-in model: its head is the tied embedding, applied in _train_head
        seen, real = [], backend._train_head
        monkeypatch.setattr(backend, "_train_head", lambda h: seen.append(tuple(h.shape)) or real(h))
    else:
        seen = []
        monkeypatch.setattr(head, "forward", lambda h, real=head.forward: seen.append(tuple(h.shape)) or real(h))
    backend.next_token_logits_batch(rows)
    assert seen and all(shape[:-1] in {(3,), (3, 1)} for shape in seen), seen


def test_top_tokens_in_one_batch_are_each_row_s_argmax(backend):
    """Greedy decoding's token after every position, for rows of one length read together: each row's own argmax;
    with `where`, the same at those positions and -1 elsewhere; rows of different lengths are refused."""
    texts = ["The capital of France is", "The dog says woof and the", "User: What is two plus"]
    rows = [backend.encode(t) for t in texts]
    n = min(map(len, rows))
    rows = [r[:n] for r in rows]
    top = backend.top_tokens_batch(rows)
    assert top.shape == (3, n)
    assert top.tolist() == [backend.logits(r).argmax(-1).tolist() for r in rows]
    where = torch.zeros(3, n, dtype=torch.bool)
    where[0, -1] = where[1, 0] = where[2, 1:3] = True
    some = backend.top_tokens_batch(rows, where)
    assert torch.equal(some[where], top[where]) and bool((some[~where] == -1).all())
    with pytest.raises(BackendError, match="one length"):
        backend.top_tokens_batch([rows[0], rows[1][:-1]])


def test_residual_streams_in_one_batch_equal_each_text_s_trace(backend):
    texts = ["The capital of France is", "The dog says woof and the", "User: What is two plus"]
    rows = [backend.encode(t) for t in texts]
    rows = [r[: min(map(len, rows))] for r in rows]
    streams = backend.residual_streams(rows)
    n_layer, d = backend.info.n_layer, backend.info.d_model
    assert streams.shape == (n_layer + 1, 3, len(rows[0]), d)
    for r, row in enumerate(rows):
        tr = backend.trace(row)
        assert torch.allclose(streams[:, r], torch.stack([tr.resid_pre[0], *tr.resid_post]), atol=1e-5)


def test_long_input_is_cut_from_the_left(backend):
    ids = backend.encode(PROMPT * 200)
    kept, cut = backend.fit(ids)
    assert len(kept) == backend.info.context_length and cut == len(ids) - len(kept)
    assert backend.next_token_logits(ids).shape == (backend.info.vocab_size,)


def test_empty_text_gives_a_clear_error(backend):
    with pytest.raises(BackendError, match="no tokens"):
        next_token_probs(backend, "")


@pytest.mark.parametrize("spec", ["no-such-model", "/definitely/not/here", "hf:"])
def test_unknown_models_are_refused_clearly(spec):
    with pytest.raises(BackendError):
        load_backend(spec, "cpu")


def test_hf_id_without_network_is_refused_clearly(monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)  # no network, no retries
    with pytest.raises(BackendError, match="cannot load Hugging Face model"):
        load_backend("hf:nobody/no-such-model-xyz", "cpu")


def test_unknown_device_is_refused():
    with pytest.raises(ValueError, match="device"):
        load_backend("builtin", "tpu")
    for name in ("meta", "cuda:x", "cuda:", "cpu0"):  # torch.device reads some of these; the app runs on none
        with pytest.raises(ValueError, match="use auto, cpu, cuda or mps"):
            device_name(name)
    assert [device_name(n) for n in (" CPU", "cuda:1", "Auto", "mps")] == ["cpu", "cuda:1", "auto", "mps"]
