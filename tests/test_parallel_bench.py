"""The one-at-a-time vs all-at-once benchmark: timings for tiny sizes, the noise check, the stored reference, the
chart. (How long it takes is a figure of bench/run_all.py, never a pass or a fail.)"""

from __future__ import annotations

import statistics

import plotly.graph_objects as go
import pytest
import torch

from explainer import config
from explainer.analysis.parallel import (
    DEFAULT_LENGTHS,
    PARALLEL,
    SEQUENTIAL,
    BenchResult,
    Hardware,
    RecurrentLM,
    chain,
    load_reference,
    noise_problem,
    race_hardware,
    run_parallel_bench,
)
from explainer.charts.scale import bench_chart, chain_chart
from explainer.model.device import cpu_threads
from explainer.ui.why_gpus import more_hands

TINY = {"batch_size": 2, "d_model": 16, "n_layer": 1, "n_head": 2, "vocab_size": 50, "repeats": 2}


def test_tiny_benchmark_times_every_length_with_repeats() -> None:
    calls = []
    r = run_parallel_bench((8, 4), progress=lambda f, m: calls.append(f), **TINY)
    assert r.lengths == [4, 8]  # sorted, every length measured
    assert [len(runs) for runs in r.sequential_runs + r.parallel_runs] == [2, 2, 2, 2]  # the repeats, all kept
    assert r.sequential_ms == [statistics.median(runs) for runs in r.sequential_runs]
    assert all(ms > 0 for ms in r.sequential_ms + r.parallel_ms)
    assert r.speedups() == pytest.approx([s / p for s, p in zip(r.sequential_ms, r.parallel_ms)])
    assert r.device.startswith("CPU") and r.seconds > 0
    assert calls == [0.5, 1.0]
    assert BenchResult.from_dict(r.to_dict()) == r


def result(seq: list[list[float]], par: list[list[float]], lengths=(8, 16, 32)) -> BenchResult:
    return BenchResult("CPU (2 threads)", 8, 192, 4, list(lengths), seq, par)


def test_a_clean_run_reads_as_the_lesson() -> None:
    assert noise_problem(result([[10, 11, 10], [21, 20, 22], [40, 41, 44]], [[5, 5, 6], [6, 6, 6], [9, 8, 9]])) is None


@pytest.mark.parametrize(
    ("seq", "par", "said"),
    [
        ([[24, 24], [20, 21], [40, 40]], [[5, 5], [6, 6], [9, 9]], "no longer for 16 tokens than for 8"),
        ([[10, 10], [24, 24], [5445, 5445]], [[5, 5], [6, 6], [9, 9]], "jumped from 24 ms to 5.4 s between 16 and 32"),
        ([[10, 10], [20, 20], [40, 40]], [[9, 9], [5, 5], [9, 9]], "all at once got faster from 8 to 16"),
        (
            [[10, 10], [20, 21, 70], [40, 40]],
            [[5, 5], [6, 6], [9, 9]],
            "at 16 tokens, the same run took from 20 ms to 70 ms",
        ),
    ],
)
def test_times_that_do_not_grow_with_the_length_are_too_noisy(seq, par, said) -> None:
    assert said in noise_problem(result(seq, par))


def test_one_stray_repeat_of_five_is_not_noise() -> None:
    """The page shows the median of 5: one slow (or fast) repeat does not move it; two do."""
    par = [[5, 5, 5, 5, 6], [6, 6, 6, 6, 6], [9, 9, 9, 9, 9]]
    stray = [[4, 4, 4, 4, 5], [7, 8, 8, 16, 8], [20, 20, 21, 20, 20]]  # 16 ms once among 8 ms
    assert noise_problem(result(stray, par)) is None
    stray[1] = [7, 8, 17, 17, 8]
    assert "at 16 tokens, the same run took from 8 ms to 17 ms" in noise_problem(result(stray, par))


def test_the_stored_reference_run_reads_back(tmp_path) -> None:
    machine, (cpu, *_) = load_reference(config.WHY_GPUS_REFERENCE)
    assert cpu.lengths == list(DEFAULT_LENGTHS), "the reference covers every length the page offers"
    assert cpu.device.startswith("CPU") and {"cpu", "date", "load_before"} <= set(machine)
    assert load_reference(tmp_path / "none.json") is None
    (tmp_path / "bad.json").write_text("{not json")
    assert load_reference(tmp_path / "bad.json") is None


def test_bad_lengths_are_refused() -> None:
    with pytest.raises(ValueError):
        run_parallel_bench((0, -3), **TINY)


def test_recurrent_model_reads_one_token_at_a_time() -> None:
    torch.manual_seed(0)
    model = RecurrentLM(vocab_size=20, d_model=8, n_layer=2).eval()
    idx = torch.randint(0, 20, (2, 6))
    out = model(idx)
    assert out.shape == (2, 6, 20)
    changed = idx.clone()
    changed[:, 4] = (idx[:, 4] + 1) % 20
    later = model(changed)
    torch.testing.assert_close(later[:, :4], out[:, :4])  # earlier positions never see later tokens
    assert not torch.allclose(later[:, 4:], out[:, 4:])  # ... and the state carries the change forward


def test_the_counted_chain_is_what_the_two_models_run() -> None:
    """Steps one after another and the multiply-adds in each, counted by formula, against the models themselves:
    the cells and blocks they call (forward hooks) and the products they compute (torch's flop counter)."""
    from torch.utils.flop_counter import FlopCounterMode

    from explainer.model.gpt import GPT, GPTConfig, Trace

    B, T, D, L = 2, 12, 16, 3
    c = chain([T], B, D, L)
    rnn = RecurrentLM(vocab_size=50, d_model=D, n_layer=L)
    calls = []
    for layer in rnn.layers:
        layer.register_forward_hook(lambda *_a: calls.append(1))
    with torch.no_grad():
        rnn(torch.randint(0, 50, (B, T)))
    assert len(calls) == c.sequential_steps[0] == T * L
    with torch.no_grad(), FlopCounterMode(display=False) as one_step:
        rnn.layers[0](torch.randn(B, D), torch.randn(B, D))
    assert one_step.get_total_flops() == 2 * c.sequential_work[0]  # a flop is half a multiply-add
    gpt = GPT(GPTConfig(vocab_size=50, context_length=T, n_layer=L, n_head=2, d_model=D))
    with torch.no_grad(), FlopCounterMode(display=False) as one_block:  # the traced path: attention as plain products
        gpt.blocks[0](torch.randn(B, T, D), Trace())
    head_outputs = 2 * D * D  # what the trace adds: each head's output at the last position, for the pages
    block = one_block.get_total_flops() - head_outputs
    assert block == 2 * c.parallel_work[0]
    attention = 2 * B * T * 2 * T * D  # scores and weighted sum: what the recurrent network has no part of
    assert block - attention == 2 * T * c.sequential_work[0], "per token, both do the same sums in their matrices"
    assert c.parallel_steps == [L] and len(gpt.blocks) == L
    fig = chain_chart(chain(DEFAULT_LENGTHS))
    assert [t.name for t in fig.data[:2]] == [SEQUENTIAL, PARALLEL] and fig.data[0].y[-1] == 256 * 4


def test_chart_states_the_hardware() -> None:
    r = run_parallel_bench((4, 8), **TINY)
    fig = go.Figure(bench_chart([r]).to_dict())
    assert r.device in fig.layout.title.text
    names = [t.name.replace("<br>", " ").replace("\u00a0", " ") for t in fig.data]
    assert names == [f"{SEQUENTIAL}, {r.device}", f"{PARALLEL}, {r.device}"]  # a CPU with its threads, on one line
    rows = sum(t.name.count("<br>") + 1 for t in fig.data)  # names on short lines: two charts stand side by side
    assert rows > 2 and fig.layout.margin.b >= 80 + 26 * rows
    assert list(fig.data[0].x) == [4, 8] and fig.layout.yaxis.type == "log"
    ticks = fig.layout.yaxis.tickvals  # round 1-2-5 values around the timings, written out in full
    assert len(ticks) >= 2 and all(f"{t:.0e}"[0] in "125" for t in ticks)
    assert list(fig.layout.yaxis.ticktext) == [f"{t:g}" for t in ticks]


def test_the_race_runs_on_one_thread_then_every_core() -> None:
    before = torch.get_num_threads()
    runs = race_hardware()
    assert runs[0] == Hardware(torch.device("cpu"), 1) and runs[0].label() == "CPU (1 thread)"
    cores = cpu_threads()
    assert (runs[1].threads == cores and runs[1].device.type == "cpu") if cores > 1 else len(runs) == 1 + has_cuda()
    for threads in (1, 2):
        r = run_parallel_bench((4,), threads=threads, **TINY)
        assert r.device == f"CPU ({threads} thread{'s' * (threads > 1)})"
        assert torch.get_num_threads() == before, "the server's own thread count is set back"


def has_cuda() -> int:
    return int(torch.cuda.is_available())


def test_the_shipped_reference_shows_the_claim() -> None:
    """On the stored run a student sees the page's point: all at once is faster at every length from 32 tokens, and
    the run on every core speeds all at once up more than one word at a time."""
    _machine, (one, *more) = load_reference(config.WHY_GPUS_REFERENCE)
    assert one.device == "CPU (1 thread)" and more, "the reference raced on one thread and on every core"
    for r in (one, *more):
        assert all(f > 1.2 for n, f in zip(r.lengths, r.speedups()) if n >= 32), r.device
        assert noise_problem(r) is None
    many = more[0]
    assert many.parallel_ms[-1] < 0.75 * one.parallel_ms[-1]
    assert one.parallel_ms[-1] / many.parallel_ms[-1] > 1.2 * one.sequential_ms[-1] / many.sequential_ms[-1]


def test_more_hands_says_which_reader_they_help() -> None:
    one = BenchResult("CPU (1 thread)", 8, 192, 4, [8, 256], [[10], [200]], [[5], [120]])
    two = BenchResult("CPU (2 threads)", 8, 192, 4, [8, 256], [[8], [160]], [[3], [63]])
    gpu = BenchResult("GPU (NVIDIA H100)", 8, 192, 4, [8, 256], [[20], [210]], [[1], [1.2]])
    assert more_hands([one, two, gpu]) == [
        "With **CPU (2 threads)** instead of **CPU (1 thread)**, at 256 tokens: all at once ran **1.9× faster**, "
        "one word at a time **1.2× faster**.",
        "With **GPU (NVIDIA H100)** instead of **CPU (1 thread)**, at 256 tokens: all at once ran **100× faster**, "
        "one word at a time about as fast.",
    ]
    slow = BenchResult("CPU (2 threads)", 8, 192, 4, [8], [[20]], [[5]])
    (said,) = more_hands([one, slow])
    assert "at 8 tokens: all at once ran about as fast, one word at a time **2.0× slower**" in said
    assert more_hands([one]) == [] and more_hands([]) == []


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_benchmark_runs_on_the_gpu() -> None:
    r = run_parallel_bench((16, 64), device="cuda", **TINY)
    assert r.device.startswith("GPU") and r.lengths == [16, 64]
    assert all(ms > 0 for ms in r.sequential_ms + r.parallel_ms)
