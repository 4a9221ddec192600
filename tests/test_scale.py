"""The scale calculators: the video's figures come out of the presets, units convert, 6·N·D, the built-in preset."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import pytest

from explainer.analysis import scale as S
from explainer.charts.scale import MAX_TICKS, compute_chart, reading_chart
from explainer.config import BUILTIN_DIR
from explainer.corpus.generator import builtin_corpus
from explainer.format import SECONDS_PER_YEAR, duration_from_years

from .helpers import RETRAIN, shipped_tokenizer_kind


def test_gpt3_reading_takes_over_2600_years_at_the_pace_of_speech() -> None:
    words = S.preset_words(S.GPT3)
    assert words == pytest.approx(225e9)  # 300 billion tokens × 0.75 words per token
    years = S.reading_years(words, S.SPEECH_WPM)
    assert years == pytest.approx(2852, abs=1)  # 225e9 / 150 / 525,960
    assert years > S.VIDEO_READING_YEARS


def test_the_2600_year_figure_depends_on_reading_speed() -> None:
    words = S.preset_words(S.GPT3)
    limit = S.speed_for_years(words, S.VIDEO_READING_YEARS)
    assert limit == pytest.approx(164.5, abs=0.1)
    assert S.reading_years(words, limit - 1) > S.VIDEO_READING_YEARS > S.reading_years(words, limit + 1)
    assert S.reading_years(words, S.SILENT_READING_WPM) == pytest.approx(1797, abs=1)  # a quick silent reader
    assert S.reading_years(words, S.SPEECH_WPM) == pytest.approx(2 * S.reading_years(words, 2 * S.SPEECH_WPM))


def test_largest_model_takes_well_over_100_million_years_at_a_billion_a_second() -> None:
    ops = S.training_ops(S.LLAMA31_405B.params, S.LLAMA31_405B.tokens)
    assert ops == pytest.approx(3.79e25, rel=1e-3)
    assert ops == pytest.approx(S.LLAMA31_405B.published_ops, rel=0.01)  # the paper's own figure
    years = S.years_at(ops, S.BILLION_PER_SECOND)
    assert years == pytest.approx(1.20e9, rel=0.01)
    assert years > 10 * S.VIDEO_COMPUTE_YEARS


def test_gpt3_compute_matches_its_paper() -> None:
    ops = S.training_ops(S.GPT3.params, S.GPT3.tokens)
    assert ops == pytest.approx(S.GPT3.published_ops, rel=0.01)  # 3.15e23 vs the paper's 3.14e23
    assert S.years_at(ops, S.BILLION_PER_SECOND) == pytest.approx(9.98e6, rel=0.01)
    chinchilla = S.training_ops(S.CHINCHILLA.params, S.CHINCHILLA.tokens)
    assert chinchilla == pytest.approx(S.CHINCHILLA.published_ops, rel=0.03)


def test_units_and_rule_of_thumb() -> None:
    assert S.MINUTES_PER_YEAR == 525_960
    assert SECONDS_PER_YEAR == 31_557_600
    assert S.reading_years(S.MINUTES_PER_YEAR * 100, 100) == pytest.approx(1.0)
    assert S.years_at(SECONDS_PER_YEAR * 1e9, 1e9) == pytest.approx(1.0)
    assert S.words_from_tokens(100) == pytest.approx(75)
    assert S.words_from_tokens(100, 1.0) == 100
    assert S.training_ops(1, 1) == 6  # 2 forward + 4 backward per parameter per token
    assert S.training_ops(2e9, 3e12) == pytest.approx(6 * 2e9 * 3e12)
    for bad in (lambda: S.reading_years(1, 0), lambda: S.years_at(1, -1), lambda: S.words_from_tokens(1, 0)):
        with pytest.raises(ValueError):
            bad()


def test_every_preset_cites_its_source() -> None:
    for p in S.PRESETS:
        assert p.source.url.startswith("https://arxiv.org/abs/"), p.name
        assert p.source.title and p.source.where
        assert p.params > 1e9 and p.tokens > 1e11
    assert S.GPU_PEAK_OPS == pytest.approx(989e12)


@pytest.mark.skipif(shipped_tokenizer_kind() != "bpe", reason=RETRAIN)  # its corpus came from the older generator
def test_builtin_preset_is_counted_from_the_corpus_and_checkpoint() -> None:
    config = json.loads((BUILTIN_DIR / "config.json").read_text())
    p = S.builtin_preset()
    train, model = config["meta"]["train"], config["model"]
    # it reads the pages' shared corpus, generate_corpus's defaults: the one the shipped model was trained on
    assert (config["meta"]["corpus_seed"], config["meta"]["corpus_bytes"]) == (0, len(builtin_corpus().train_text))
    assert p.tokens == train["steps"] * train["batch_size"] * model["context_length"]
    assert dict(p.note_args)["corpus_tokens"] == config["meta"]["train_tokens"]  # tokenised as when it was trained
    assert 0.5 * config["meta"]["train_tokens"] < p.words < config["meta"]["train_tokens"]  # fewer words than tokens
    d, v = model["d_model"], model["vocab_size"]
    assert p.params == pytest.approx(12 * d * d * model["n_layer"] + (v + model["context_length"]) * d, rel=0.02)
    assert S.reading_years(p.words, S.SPEECH_WPM) < 0.025  # about eight days


def test_own_run_preset_only_when_trained() -> None:
    assert S.own_run_preset(None, None) is None
    assert S.own_run_preset(0, 1000) is None
    p = S.own_run_preset(50_000, 1_000_000)
    assert p is not None and p.tokens == 50_000 and p.params == 1_000_000
    assert S.preset_words(p) == pytest.approx(37_500)


def test_machine_rate_is_measured() -> None:  # how long it takes: bench/run_all.py (section "timings")
    rate = S.measure_ops_per_second(seconds=0.1, n=128)
    assert 1e6 < rate < 1e16  # somewhere between a very slow CPU and any GPU


def test_charts_are_log_scale_with_spoken_ticks() -> None:
    names = ["GPT-3", "tiny"]
    years = [S.reading_years(S.preset_words(S.GPT3), 150), 0.002]
    fig = go.Figure(reading_chart(names, years, 150).to_dict())  # valid plotly
    assert fig.layout.xaxis.type == "log"
    assert list(fig.layout.xaxis.ticktext) == ["1 day", "1 year", "100<br>years"]  # long ones on two lines
    assert list(fig.data[0].text) == ["2,852 years", duration_from_years(0.002)]
    assert list(fig.data[0].textposition) == ["inside", "outside"]  # long bars carry their label inside
    rates = [("10⁹", 1e9), ("GPU", S.GPU_PEAK_OPS)]
    fig = go.Figure(compute_chart(names, [3.15e23, 6.4e13], rates, 1e8).to_dict())
    assert [t.name for t in fig.data] == ["10⁹", "GPU"]
    assert fig.data[0].x[0] == pytest.approx(9.98e6, rel=0.01)
    assert 3 <= len(fig.layout.xaxis.ticktext) <= MAX_TICKS  # few enough to read on a narrow projector column


@pytest.mark.gpu
def test_machine_rate_on_the_gpu() -> None:
    rate = S.measure_ops_per_second("cuda", seconds=0.3)
    assert rate > 1e12  # any CUDA GPU of the last decade does over a trillion float32 operations a second
