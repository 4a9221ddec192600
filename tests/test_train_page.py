"""The training page, rendered headlessly with AppTest: it starts with random dials, trains, pauses, takes one
step, resets; a bad file or zip gives a message, never a traceback; a ?run= link brings a saved run back;
a student waits in the queue while the classroom's training places are taken."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import pytest
from streamlit.testing.v1 import AppTest

from explainer.training.compare import smooth
from explainer.training.run import new_run
from explainer.training.runs import RunStore
from explainer.training.spec import RunSpec
from explainer.training.text import load_text
from explainer.ui.shell.steady import N_SLOTS, Slots, SteadyCharts
from explainer.ui.training.session import FINISHED, PAUSED, READY, RUNNING, TrainingSession, training_slots

from . import apptest
from .apptest import chart_specs, no_crash

PAGE = "app_pages/train.py"


pytestmark = pytest.mark.usefixtures("run_root")


def click(at: AppTest, key: str) -> AppTest:
    return apptest.click(at, key, errors_ok=True)


def session(at: AppTest) -> TrainingSession:
    return TrainingSession.of(at.session_state)


def step(at: AppTest) -> int:
    return session(at).run.trainer.step_count


def chart_titles(at: AppTest) -> list[str]:
    """Each chart's title as read, on one line (a long one is drawn on several: charts/style.title_lines)."""
    return [(spec["layout"].get("title") or {}).get("text", "").replace("<br>", " ") for spec in chart_specs(at)]


def test_start_pause_one_step_reset(run_root: Path) -> None:
    at = apptest.train_page()
    assert not at.error, [e.value for e in at.error]
    assert session(at).status == READY and step(at) == 0
    titles = " | ".join(chart_titles(at))
    for shown in ("Loss", "What comes after", "Attention", "guesses for the next word"):
        assert shown in titles
    assert session(at).run.samples[0][0] == 0  # the random model's gibberish, kept as history

    click(at, "train_run")
    rid = session(at).run_id
    assert session(at).status == RUNNING and step(at) > 0
    assert at.query_params["run"] == rid and RunStore(run_root).exists(rid)
    before = step(at)
    no_crash(at.run())  # the fragment's next slice
    assert step(at) > before
    assert session(at).tokens_seen > 0 and session(at).params > 0
    assert "Size of one step's change" in " | ".join(chart_titles(at))  # the dials

    click(at, "train_run")
    paused = step(at)
    no_crash(at.run())
    assert session(at).status == PAUSED and step(at) == paused
    assert RunStore(run_root).load(rid).trainer.step_count == paused  # saved on pause
    (download,) = [d for d in at.get("download_button") if d.proto.label == "Download the model (.zip)"]
    assert not download.proto.disabled

    click(at, "train_step")
    assert step(at) == paused + 1

    click(at, "train_nudge_button")  # the default: the small, calibrated nudge
    assert any("lost exactly as much" in s.value for s in at.success), "the true token's probability should go up"
    assert any(t.startswith("One nudge at step") for t in chart_titles(at))
    assert not at.warning, "no warning for the small step"
    at.select_slider(key="train_nudge_lr").set_value(1.0)
    no_crash(at.run())
    assert any("overshoot" in w.value for w in at.warning), "a big step says what it does"
    assert step(at) == paused + 1  # the nudge works on a copy

    click(at, "train_reset")
    assert session(at).status == READY and step(at) == 0
    assert "run" not in at.query_params and not RunStore(run_root).exists(rid)


def test_bad_upload_and_bad_zip_give_messages() -> None:
    at = apptest.train_page()
    at.radio(key="train_src").set_value("upload")
    no_crash(at.run())
    at.file_uploader(key="train_upload").set_value(("notes.txt", b"caf\xe9 " * 1000, "text/plain"))
    no_crash(at.run())
    assert any("UTF-8" in e.value for e in at.error), [e.value for e in at.error]
    assert session(at).run is None  # nothing to train on: no run, no training controls

    at.radio(key="train_src").set_value("builtin")
    no_crash(at.run())
    at.file_uploader(key="train_zip").set_value(("model.zip", b"not a zip at all", "application/zip"))
    no_crash(at.run())
    click(at, "train_import")
    assert any("not a zip" in e.value for e in at.error), [e.value for e in at.error]
    assert session(at).status == READY


def test_a_run_link_brings_the_run_back_and_the_queue_waits(run_root: Path) -> None:
    run = new_run(RunSpec.from_preset("tiny", steps=2000, eval_every=5), load_text("builtin"))
    run.trainer.step(6)
    run.samples.append((6, "a sample"))
    store = RunStore(run_root)
    rid = store.new_id()
    store.save(rid, run)

    at = apptest.train_page(run=rid)
    assert step(at) == 6 and session(at).status == PAUSED
    assert any("step 6" in s.value for s in at.success)
    restored = session(at).run
    assert restored.trainer.history.train_loss == run.trainer.history.train_loss
    assert (6, "a sample") in restored.samples

    slots = training_slots()
    others = [f"{i:016x}" for i in range(slots.max_concurrent)]
    for other in others:  # the classroom's places are all taken
        assert slots.request(other) == 0
    try:
        click(at, "train_run")
        assert step(at) == 6 and any("position 1 in the queue" in i.value for i in at.info)
    finally:
        for other in others:
            slots.release(other)
    no_crash(at.run())
    assert step(at) > 6  # a place freed up: it trains
    click(at, "train_run")

    gone = apptest.train_page(run="0123456789abcdef")
    assert any("not on this server" in w.value for w in gone.warning)
    assert session(gone).status == READY


def test_a_finished_run_can_train_more_steps(run_root: Path) -> None:
    run = new_run(RunSpec.from_preset("tiny", steps=12, eval_every=6), load_text("builtin"))
    run.trainer.step(12)
    store = RunStore(run_root)
    rid = store.new_id()
    store.save(rid, run)

    at = apptest.train_page(run=rid)
    assert session(at).status == FINISHED and at.button(key="train_run").proto.disabled
    click(at, "train_more")
    more = session(at).run
    assert more.spec.steps == more.trainer.cfg.steps == 112  # at least 100 more
    assert session(at).status == RUNNING and step(at) > 12
    click(at, "train_run")  # frees its training place for the tests that follow
    copy = session(at).run_id
    assert copy != rid and at.query_params["run"] == copy  # a link opens a copy
    assert store.load(copy).spec.steps == 112  # a refresh keeps the longer run
    assert store.load(rid).spec.steps == 12  # the run behind the link is unchanged


def test_a_steady_chart_gains_a_slot_per_new_figure_up_to_three_then_reuses_the_oldest() -> None:
    figs = [go.Figure(go.Scatter(y=[i])) for i in range(5)]
    slots = Slots([figs[0]], ["0"], [0])
    slots.put(go.Figure(go.Scatter(y=[0])), "same")  # the figure in front again: nothing changes (no redraw)
    assert (len(slots.figures), slots.order, slots.alts) == (1, [0], ["0"])
    for i in range(1, N_SLOTS):
        slots.put(figs[i], str(i))
    assert slots.order == [0, 1, 2] and slots.alts == ["0", "1", "2"]
    slots.put(figs[3], "3")  # full: the oldest slot (0) takes it and comes to the front; the others are untouched
    assert slots.order == [1, 2, 0] and slots.figures[0] is figs[3] and slots.figures[1:] == figs[1:3]
    slots.put(figs[4], "4")
    assert slots.order == [2, 0, 1] and slots.alts == ["3", "4", "2"]


def loss_traces(at: AppTest) -> dict[str, dict]:
    """The loss chart in front (its steady chart's newest slot), by trace name."""
    slots = SteadyCharts.of(at.session_state).charts["train_loss"]
    return {t["name"]: t for t in slots.figures[slots.order[-1]].to_dict()["data"] if t.get("showlegend", True)}


def captions(at: AppTest) -> str:
    return " | ".join(c.value for c in at.caption)


def test_a_reset_run_stays_on_the_loss_chart_to_compare() -> None:
    at = apptest.train_page()
    assert not session(at).earlier and "train_forget" not in [b.key for b in at.button]
    steady = SteadyCharts.of(at.session_state).charts  # a fresh page draws each steady chart once, in one slot
    assert "train_loss" in steady and {k: len(s.figures) for k, s in steady.items()} == dict.fromkeys(steady, 1)
    for _ in range(3):
        click(at, "train_step")
    history = session(at).run.trainer.history
    old_lr = session(at).run.spec.lr
    click(at, "train_reset")
    at.number_input(key="train_lr").set_value(old_lr * 10)
    no_crash(at.run())
    assert session(at).status == READY and session(at).run.spec.lr == pytest.approx(old_lr * 10)
    name = f"run 1: learning rate {old_lr:g}"
    traces = loss_traces(at)
    assert name in traces, list(traces)
    assert traces[name]["x"] == history.steps and traces[name]["y"] == pytest.approx(smooth(history.train_loss))
    assert "your earlier runs" in captions(at)

    at.number_input(key="train_lr").set_value(old_lr)  # the same settings again: nothing differs
    no_crash(at.run())
    assert "run 1: the same settings" in loss_traces(at)
    assert "lies under this one" in captions(at), "the same run again: say where its line went"

    at.radio(key="train_tok").set_value("word")  # other tokens: a loss on another scale, not drawn
    no_crash(at.run())
    assert not [n for n in loss_traces(at) if n.startswith("run 1")]
    assert "1 earlier run is not drawn" in captions(at)

    click(at, "train_forget")
    assert not session(at).earlier and "earlier run" not in captions(at)


def test_again_at_ten_times_the_learning_rate_trains_at_once_beside_the_last_run() -> None:
    at = apptest.train_page()
    at.number_input(key="train_steps").set_value(2)
    no_crash(at.run())
    assert "train_again_up" not in [b.key for b in at.button], "offered once the run is finished"
    for _ in range(2):
        click(at, "train_step")
    first = session(at).run
    assert session(at).status == FINISHED
    click(at, "train_again_up")
    now = session(at).run
    assert now is not first and session(at).status in (RUNNING, FINISHED) and now.trainer.step_count > 0
    assert now.spec.lr == pytest.approx(first.spec.lr * 10) and now.spec.steps == first.spec.steps == 2
    assert f"run 1: learning rate {first.spec.lr:g}" in loss_traces(at)
    assert session(at).run.spec.n_layer == first.spec.n_layer

    while session(at).status == RUNNING:  # the fragment's slices, until this run is done too
        no_crash(at.run())
    second = session(at).run
    click(at, "train_again_seed")  # the same settings from other random dials
    third = session(at).run
    assert third.spec.seed == second.spec.seed + 1 and third.spec.lr == second.spec.lr
    assert third.trainer.history.train_loss[0] != second.trainer.history.train_loss[0], "other dials, other batches"
    assert "run 2: another random start" in loss_traces(at) and "run 1: learning rate" in " ".join(loss_traces(at))
    assert any("Emergence" in link.label for link in at.get("page_link")), "where the two models' insides differ"


def test_every_model_size_has_a_translated_name() -> None:
    """The size buttons name every preset in the class's language ('Small' stayed English when names were made)."""
    from explainer.i18n import _, speaking
    from explainer.training.spec import PRESETS
    from explainer.ui.training.setup import SIZES

    assert set(SIZES) == {*PRESETS, "custom"}
    with speaking("de"):
        assert [_(SIZES[k]) for k in ("tiny", "small", "medium")] == ["Winzig", "Klein", "Mittel"]


def test_again_on_a_short_piece_of_the_text_shows_it_memorising() -> None:
    """“Again, on just 3,000 characters”: the same settings on the start of the text, pasted; trained long enough, the
    validation loss climbs while the training loss falls, and the page says so."""
    at = apptest.train_page()
    at.number_input(key="train_steps").set_value(2)
    no_crash(at.run())
    for _ in range(2):
        click(at, "train_step")
    first = session(at).run
    click(at, "train_again_short")
    now = session(at).run
    assert at.session_state["train_src"] == "paste" and now.data.text == at.session_state["train_paste"]
    assert first.data.text.startswith(now.data.text) and 2_000 <= len(now.data.text) <= 3_000
    assert now.data.text.endswith("\n") and now.spec.n_layer == first.spec.n_layer
    assert "train_again_short" not in [b.key for b in at.button], "not offered on a text this short"
    while session(at).status == RUNNING:
        no_crash(at.run())
    click(at, "train_reset")
    at.number_input(key="train_steps").set_value(400)
    no_crash(at.run())
    click(at, "train_run")
    assert not any("memorising" in w.value for w in at.warning), "not before it has climbed"
    while session(at).status == RUNNING:
        no_crash(at.run())
    (said,) = [w.value for w in at.warning if "It is memorising" in w.value]
    assert f"its {now.data.train_chars:,} characters by heart" in said
