"""The one-at-a-time vs all-at-once benchmark: timings for tiny sizes, a budget it keeps, the chart. (How long it
takes is a figure of bench/run_all.py, never a pass or a fail.)"""

from __future__ import annotations

import plotly.graph_objects as go
import pytest
import torch

from explainer.analysis.parallel import PARALLEL, SEQUENTIAL, RecurrentLM, run_parallel_bench
from explainer.charts.scale import bench_chart

TINY = {"batch_size": 2, "d_model": 16, "n_layer": 1, "n_head": 2, "vocab_size": 50, "repeats": 2}


def test_tiny_benchmark_returns_timings() -> None:
    calls = []
    r = run_parallel_bench((8, 4), budget_s=60, progress=lambda f, m: calls.append(f), **TINY)
    assert r.lengths == [4, 8] and not r.skipped  # sorted, every length measured
    assert all(ms > 0 for ms in r.sequential_ms + r.parallel_ms)
    assert r.speedups() == pytest.approx([s / p for s, p in zip(r.sequential_ms, r.parallel_ms)])
    assert r.device.startswith("CPU") and r.seconds > 0
    assert calls == [0.5, 1.0]


def test_budget_skips_the_longer_lengths() -> None:
    r = run_parallel_bench((4, 8, 16), budget_s=0.0, **TINY)
    assert r.lengths == [4]  # the first length always runs
    assert r.skipped == [8, 16]
    r = run_parallel_bench((4, 8, 16), budget_s=0.0, min_lengths=2, **TINY)
    assert r.lengths == [4, 8] and r.skipped == [16]


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


def test_chart_states_the_hardware() -> None:
    r = run_parallel_bench((4, 8), budget_s=5, **TINY)
    fig = go.Figure(bench_chart([r]).to_dict())
    assert r.device in fig.layout.title.text
    assert [t.name for t in fig.data] == [f"{SEQUENTIAL}, CPU", f"{PARALLEL}, CPU"]  # the details are in the title
    assert list(fig.data[0].x) == [4, 8] and fig.layout.yaxis.type == "log"
    ticks = fig.layout.yaxis.tickvals  # round 1-2-5 values around the timings, written out in full
    assert len(ticks) >= 2 and all(f"{t:.0e}"[0] in "125" for t in ticks)
    assert list(fig.layout.yaxis.ticktext) == [f"{t:g}" for t in ticks]


@pytest.mark.gpu
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_benchmark_runs_on_the_gpu() -> None:
    r = run_parallel_bench((16, 64), budget_s=10, device="cuda", **TINY)
    assert r.device.startswith("GPU") and r.lengths == [16, 64]
    assert all(ms > 0 for ms in r.sequential_ms + r.parallel_ms)
