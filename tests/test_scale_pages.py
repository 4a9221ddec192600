"""The scale and why-GPUs pages, rendered headlessly with AppTest: the video's figures on the page, the reading
speed slider, the student's own run as a preset, and the benchmark run with tiny sizes."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from explainer import config
from explainer.analysis import scale as S
from explainer.analysis.parallel import BenchResult, load_reference, noise_problem, race_hardware
from explainer.ui.training.session import TrainingSession
from explainer.ui.why_gpus import FRESH_S, RaceBoard, WhyGpusState, more_hands, race_board

from .apptest import chart_specs, checked, open_page

SCALE, WHY_GPUS = "app_pages/scale.py", "app_pages/why_gpus.py"


def text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


def test_scale_page_shows_the_videos_figures_with_sources() -> None:
    at = open_page(SCALE)
    reading, compute = chart_specs(at)
    names = reading["data"][0]["y"]
    assert names[:4] == [p.name for p in S.PRESETS] and "Built-in model" in names
    assert reading["data"][0]["x"][0] == pytest.approx(2852, abs=1)  # GPT-3 at 150 words a minute
    assert reading["layout"]["xaxis"]["type"] == "log"
    assert [t["name"].split(",")[0] for t in compute["data"]] == ["10⁹ operations a second", "this machine", S.GPU_NAME]
    llama = names.index(S.LLAMA31_405B.name)
    assert compute["data"][0]["x"][llama] == pytest.approx(1.2e9, rel=0.01)  # well over 100 million years
    body = text(at)
    assert "**2,852 years**" in body and "below **165 words a minute**" in body
    assert "3.8 × 10²⁵ operations" in body and "**1.2 billion years**" in body
    for p in S.PRESETS:
        assert p.source.url in body
    figures = at.table[0].value  # a column per model
    assert list(figures.columns) == names and figures.loc["reading at 150 wpm", "GPT-3"] == "2,852 years"


def test_reading_speed_slider_changes_the_years() -> None:
    at = open_page(SCALE)
    at.slider(key="wpm").set_value(300)
    reading = chart_specs(checked(at.run()))[0]
    assert reading["data"][0]["x"][0] == pytest.approx(2852 / 2, abs=1)
    assert "**1,426 years**" in text(at)
    shared = open_page(SCALE, query={"wpm": "600"})  # a link sets the speed
    assert chart_specs(shared)[0]["data"][0]["x"][0] == pytest.approx(2852 / 4, abs=1)


def test_own_training_run_joins_the_comparison() -> None:
    at = open_page(SCALE, state=[TrainingSession(tokens_seen=1_000_000, params=500_000)])
    names = chart_specs(at)[0]["data"][0]["y"]
    assert names[-1] == "Your training run"
    assert "Your training run" not in chart_specs(open_page(SCALE))[0]["data"][0]["y"]


def test_no_model_picked_gives_a_message() -> None:
    at = open_page(SCALE)
    at.button_group(key="scale_presets").set_value([])
    at = checked(at.run())
    assert not at.get("plotly_chart") and "Pick at least one model" in at.info[0].value


def test_why_gpus_shows_the_reference_then_runs_every_length_offered() -> None:
    at = open_page(WHY_GPUS)
    chained, reference = chart_specs(at)  # the counted chain of steps, the stored reference run
    assert chained["data"][0]["y"][-1] == 256 * 4 and "1,024 steps in a row" in " ".join(c.value for c in at.caption)
    assert reference["layout"]["title"]["text"].startswith("Reference run")
    assert "Press the button" in at.info[0].value and "stored with the app" in " ".join(s.value for s in at.subheader)
    at.select_slider(key="longest").set_value(16)
    at.button[0].click()
    at = checked(at.run())
    results = WhyGpusState.of(at.session_state).results
    assert [r.device for r in results] == [hw.label() for hw in race_hardware()]  # one thread, then every core
    result = results[0]
    assert isinstance(result, BenchResult) and result.lengths == [8, 16]  # every length up to the one chosen
    _chained, live, reference = chart_specs(at)
    assert result.device in live["layout"]["title"]["text"] and live["layout"]["title"]["text"].startswith("Live")
    assert len(live["data"]) == 2 * len(results) and live["data"][0]["x"] == result.lengths
    said = text(at)
    assert f"On **{result.device}**" in said and "e+" not in said  # numbers for people: 300×, never 3e+02×
    for line in more_hands(results) + more_hands(load_reference(config.WHY_GPUS_REFERENCE)[1]):
        assert line in said  # what more cores did, live and in the reference
    assert bool(at.warning) == any(noise_problem(r) is not None for r in results)


def test_a_class_pressing_together_gets_one_race() -> None:
    """Thirty students pressing "Run" in a row queue behind one lock; a race with the same settings run under a
    minute before is shown again (with a word that it is a classmate's), not run again."""
    race_board.clear()
    first = open_page(WHY_GPUS, query={"longest": "16"})
    first.button[0].click()
    first = checked(first.run())
    mine = WhyGpusState.of(first.session_state).results
    assert mine and not any("A classmate's race" in c.value for c in first.caption)
    second = open_page(WHY_GPUS, query={"longest": "16"})
    second.button[0].click()
    second = checked(second.run())
    assert WhyGpusState.of(second.session_state).results is mine  # the same race, not a second one
    assert any("A classmate's race, run on this server" in c.value for c in second.caption)
    third = open_page(WHY_GPUS, query={"longest": "32"})  # other settings: a race of its own
    third.button[0].click()
    third = checked(third.run())
    assert WhyGpusState.of(third.session_state).results[0].lengths == [8, 16, 32]


def test_a_race_is_shared_for_a_minute_and_only_with_the_same_settings() -> None:
    now = [100.0]
    board = RaceBoard(clock=lambda: now[0])
    results = [BenchResult("CPU (1 thread)", 8, 192, 4, [8], [[1.0]], [[1.0]])]
    assert board.recent("a") is None
    board.keep("a", results)
    now[0] += 30
    assert board.recent("a") == (results, 30.0) and board.recent("b") is None
    now[0] += FRESH_S
    assert board.recent("a") is None
