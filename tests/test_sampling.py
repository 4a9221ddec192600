import math

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from explainer.model.sampling import (
    SamplingParams,
    distribution,
    distributions,
    entropy_bits,
    keep_mask,
    make_generator,
    sample,
)

P = SamplingParams


def rand_logits(v=50, seed=0):
    return torch.randn(v, generator=torch.Generator().manual_seed(seed)) * 3


def assert_valid(p, v):
    assert p.shape == (v,) and p.dtype == torch.float32
    assert torch.isfinite(p).all() and (p >= 0).all()
    assert abs(float(p.sum()) - 1) < 1e-5


@pytest.mark.parametrize(
    "params",
    [P(), P(0.0), P(0.3), P(2.0, top_k=5), P(1.0, top_p=0.5), P(0.7, top_k=10, top_p=0.9), P(1000.0), P(1e-6)],
)
def test_distribution_sums_to_one(params):
    assert_valid(distribution(rand_logits(), params), 50)


def test_plain_distribution_is_softmax():
    x = rand_logits()
    assert torch.allclose(distribution(x, P()), x.softmax(0), atol=1e-6)
    assert torch.allclose(distribution(x, P(2.0)), (x / 2).softmax(0), atol=1e-6)


def test_greedy_is_argmax():
    x = rand_logits()
    p = distribution(x, P(0.0))
    assert int(p.argmax()) == int(x.argmax()) and float(p.max()) == 1.0 and int((p > 0).sum()) == 1
    tied = torch.tensor([1.0, 5.0, 2.0, 5.0])
    assert distribution(tied, P(0.0)).tolist() == [0.0, 1.0, 0.0, 0.0]  # ties: lowest index


def test_lower_temperature_sharpens():
    x = rand_logits()
    ents = [entropy_bits(distribution(x, P(t))) for t in (0.1, 0.5, 1.0, 2.0, 10.0)]
    assert ents == sorted(ents) and ents[0] < ents[-1]


@pytest.mark.parametrize("k", [1, 2, 7, 49, 50])
def test_top_k_keeps_exactly_k_most_likely(k):
    x = rand_logits()
    p = distribution(x, P(top_k=k))
    kept = set(torch.nonzero(p > 0).flatten().tolist())
    assert kept == set(x.topk(k).indices.tolist())
    assert keep_mask(x, k, 1.0).sum() == k


def test_top_k_larger_than_vocab_keeps_all():
    x = rand_logits(10)
    assert keep_mask(x, 1000, 1.0).all()
    assert torch.allclose(distribution(x, P(top_k=1000)), x.softmax(0), atol=1e-6)


@pytest.mark.parametrize("top_p", [0.05, 0.3, 0.5, 0.8, 0.95, 0.999])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_top_p_keeps_smallest_set_reaching_p(top_p, seed):
    x = rand_logits(seed=seed)
    probs = x.double().softmax(0)
    kept = keep_mask(x, 0, top_p)
    mass = float(probs[kept].sum())
    assert mass >= top_p - 1e-9  # reaches p
    assert mass - float(probs[kept].min()) < top_p  # ... and no member could be dropped
    if not kept.all():
        assert probs[kept].min() >= probs[~kept].max()  # the most likely ones
    p = distribution(x, P(top_p=top_p))
    assert torch.equal(p > 0, kept)
    assert torch.allclose(p[kept], (probs[kept] / mass).float(), atol=1e-6)


def test_top_p_applies_after_temperature_and_top_k():
    x = torch.log(torch.tensor([0.4, 0.3, 0.2, 0.1]))
    # within the top 2 the probabilities are 4/7 and 3/7: p = 0.5 keeps only the first
    assert keep_mask(x, 2, 0.5).tolist() == [True, False, False, False]
    # over all four, p = 0.65 needs the top 2 ...
    assert distribution(x, P(top_p=0.65)).gt(0).tolist() == [True, True, False, False]
    # ... but a high temperature flattens them, so it needs three
    assert distribution(x, P(100.0, top_p=0.65)).gt(0).tolist() == [True, True, True, False]


def test_top_p_exact_boundary():
    # powers of two are exact: a set whose mass equals p is enough
    assert keep_mask(torch.zeros(2), 0, 0.5).tolist() == [True, False]
    assert keep_mask(torch.zeros(4), 0, 0.5).tolist() == [True, True, False, False]
    assert keep_mask(torch.zeros(4), 0, 0.75).tolist() == [True, True, True, False]


def test_ties_go_to_lower_index():
    assert keep_mask(torch.tensor([1.0, 5.0, 5.0, 5.0, 0.0]), 2, 1.0).tolist() == [False, True, True, False, False]
    assert torch.nonzero(keep_mask(torch.zeros(5000), 10, 1.0)).flatten().tolist() == list(range(10))
    assert torch.nonzero(keep_mask(torch.zeros(5000), 0, 0.01)).flatten().tolist() == list(range(50))


def test_minus_inf_never_kept():
    assert keep_mask(torch.tensor([0.0, -math.inf, 1.0]), 0, 1.0).tolist() == [True, False, True]
    assert keep_mask(torch.tensor([0.0, -math.inf, 1.0]), 3, 1.0).tolist() == [True, False, True]


def test_tiny_top_p_keeps_one():
    x = rand_logits()
    p = distribution(x, P(top_p=1e-9))
    assert int(p.argmax()) == int(x.argmax()) and float(p.max()) == 1.0


def test_high_temperature_tends_to_uniform_over_kept():
    x = rand_logits()
    p = distribution(x, P(1e6, top_k=5))
    kept = x.topk(5).indices
    assert torch.allclose(p[kept], torch.full((5,), 0.2), atol=1e-4)
    assert float(p.sum() - p[kept].sum()) == 0.0


def test_extreme_logits():
    f32 = torch.finfo(torch.float32)
    x = torch.tensor([f32.max, f32.min, 0.0, -math.inf, f32.max * 0.5, 1e-30])
    for params in [P(), P(1000.0), P(1e-3), P(0.0), P(1.0, 3, 0.9), P(1e30), P(1e-300), P(5e-324, 2)]:
        p = distribution(x, params)
        assert_valid(p, 6)
        assert float(p[3]) == 0.0  # -inf stays impossible
    assert float(distribution(x, P())[0]) == 1.0
    assert_valid(distribution(torch.tensor([-math.inf, 3.0]), P(1000.0)), 2)
    assert_valid(distribution(torch.tensor([7.0]), P(0.5, 3, 0.1)), 1)
    assert_valid(distribution(torch.zeros(50_000, dtype=torch.bfloat16), P(0.8, 40, 0.9)), 50_000)


@pytest.mark.parametrize(
    "logits",
    [torch.tensor([]), torch.zeros(2, 3), torch.tensor([1.0, math.nan]), torch.tensor([math.inf, 0.0]),
     torch.full((3,), -math.inf)],
)  # fmt: skip
def test_bad_logits_raise(logits):
    with pytest.raises(ValueError):
        distribution(logits, P())


@pytest.mark.parametrize(
    "params",
    [P(-0.1), P(math.nan), P(math.inf), P(top_k=-1), P(top_k=2.5), P(top_k=True), P(top_p=0.0),
     P(top_p=1.01), P(top_p=-0.5), P(top_p=math.nan), P(temperature="1")],
)  # fmt: skip
def test_bad_params_raise(params):
    with pytest.raises(ValueError):
        params.validate()
    with pytest.raises(ValueError):
        distribution(rand_logits(), params)


def test_good_params_validate():
    for params in [P(), P(0), P(0.0, 0, 1.0), P(5, 3, 0.01), P(top_p=1)]:
        params.validate()


def test_same_seed_same_samples():
    p = distribution(rand_logits(1000), P(5.0))

    def draws(seed):
        gen, _ = make_generator(seed)
        return [sample(p, gen) for _ in range(30)]

    assert draws(123) == draws(123)
    assert draws(123) != draws(124)


def test_generator_reports_its_seed():
    gen, seed = make_generator(None)
    p = torch.full((1000,), 1e-3)
    first = [sample(p, gen) for _ in range(20)]
    again, seed2 = make_generator(seed)
    assert seed2 == seed and gen.initial_seed() == seed
    assert [sample(p, again) for _ in range(20)] == first
    assert make_generator(7)[1] == 7
    with pytest.raises(ValueError):
        make_generator(-1)


def test_sample_follows_distribution():
    p = torch.tensor([0.5, 0.0, 0.3, 0.2])
    gen, _ = make_generator(0)
    counts = torch.bincount(torch.tensor([sample(p, gen) for _ in range(4000)]), minlength=4)
    assert counts[1] == 0
    assert torch.allclose(counts / 4000, p, atol=0.03)
    assert sample(distribution(rand_logits(), P(0.0)), None) == int(rand_logits().argmax())


def test_a_greedy_choice_draws_nothing_from_torchs_shared_generator():
    """A greedy reply with no generator of its own leaves torch's generator as it was (other threads seed it for
    their weights); a distribution that is not certain is still drawn from it."""
    logits = rand_logits()
    state = torch.get_rng_state()
    assert sample(distribution(logits, P(0.0))) == int(logits.argmax())
    assert torch.equal(torch.get_rng_state(), state)
    sample(torch.tensor([0.5, 0.5]))
    assert not torch.equal(torch.get_rng_state(), state)


def test_entropy_bits():
    assert entropy_bits(torch.full((8,), 1 / 8)) == pytest.approx(3.0)
    assert entropy_bits(torch.tensor([0.0, 1.0, 0.0])) == 0.0
    assert entropy_bits(torch.tensor([0.5, 0.5, 0.0])) == pytest.approx(1.0)


# --- properties ---------------------------------------------------------------

logit_values = st.one_of(
    st.floats(-3e38, 3e38, allow_nan=False, allow_infinity=False),
    st.just(-math.inf),
    st.sampled_from([0.0, 1.0, -1.0]),  # ties
)
params_st = st.builds(
    SamplingParams,
    temperature=st.one_of(st.just(0.0), st.floats(1e-8, 1e6)),
    top_k=st.integers(0, 70),
    top_p=st.one_of(st.just(1.0), st.floats(1e-9, 1.0, exclude_min=True)),
)


@settings(max_examples=500, deadline=None)
@given(st.lists(logit_values, min_size=1, max_size=60).filter(lambda xs: any(v > -math.inf for v in xs)), params_st)
def test_property_valid_distribution(values, params):
    x = torch.tensor(values, dtype=torch.float32)
    p = distribution(x, params)
    assert_valid(p, len(values))
    assert float(p[int(x.argmax())]) == float(p.max())  # the most likely token is never filtered
    assert bool((p[x == -math.inf] == 0).all())
    if params.top_k:
        assert int((p > 0).sum()) <= params.top_k
    # a clearly larger logit never gets less probability (closer ones may tie after rounding)
    xd = x.double()
    larger = xd[:, None] > xd[None, :] + 1e-12 * float(xd[xd > -math.inf].abs().max())
    assert bool((p[:, None] >= p[None, :] - 1e-7)[larger].all())
    tok = sample(p, make_generator(0)[0])
    assert float(p[tok]) > 0


def test_rows_at_once_match_the_mask_row_by_row():
    """The batched rows (the 20 runs) keep what `keep_mask` keeps on each row, ties and -inf included."""
    x = torch.randn(4, 50, generator=torch.Generator().manual_seed(0)) * 3
    x[1, :10] = x[1, 10]  # ties
    x[2, ::3] = -math.inf
    for params in (P(0.7, top_k=5), P(1.3, top_p=0.6), P(2.0, top_k=12, top_p=0.8)):
        batch = distributions(x, params)
        for r in range(4):
            z = (x[r].double() - x[r].max()) / params.temperature
            assert torch.equal(batch[r] > 0, keep_mask(z, params.top_k, params.top_p)), (params, r)


def test_rows_at_once_refuse_bad_logits():
    with pytest.raises(ValueError, match="2-D"):
        distributions(torch.zeros(5), P())
    with pytest.raises(ValueError, match="NaN"):
        distributions(torch.tensor([[0.0, math.nan]]), P())


def test_settings_label_in_the_class_language() -> None:
    """The settings as the what-else page and the poll name them: numbers in the class's format, "greedy" translated."""
    from explainer.i18n import speaking

    assert SamplingParams(0.0, 5, 0.9).label() == "T = 0 (greedy), top-k 5, top-p 0.9"
    assert SamplingParams(1.5).label() == "T = 1.5"
    with speaking("de"):
        assert SamplingParams(1.5, 0, 0.95).label() == "T = 1,5, top-p 0,95"
    with speaking("fr"):
        assert SamplingParams(0.0).label() == "T = 0 (glouton)"
