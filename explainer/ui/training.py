"""The training page's run: one per student, in session state, saved to the server's run store.

A run's life: "ready" (random dials, settings still open) -> "running" (a fragment trains a slice of
steps per rerun) <-> "paused" -> "finished". Every few seconds of training, on pause and at the end the
run is saved to the RunStore under an id kept in the URL (?run=...), so a refresh or a shared link
finds it again. A process-wide TrainingSlots queue limits how many students train at once.

Shared things (the store, the queue, prepared data) are cached per process and never changed;
the model, optimizer and history of a student live only in that student's session state.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Iterator

import streamlit as st
import torch

from explainer.format import md_escape
from explainer.runs import RunStore, default_root
from explainer.slots import TrainingSlots
from explainer.train_setup import PAGE_LIMITS, Run, TrainingData, make_run, prepare_data

RUN = "train_run"  # the Run
RUN_ID = "train_run_id"
STATUS = "train_status"  # ready | running | paused | finished
SAVED = "train_saved"  # (step, monotonic time) of the last save
TOKENS_SEEN_KEY, PARAMS_KEY = "trained_tokens_seen", "trained_params"  # read by the Scale page
LOCK = "train_lock"  # one per session: a training slice, a pause and a save never overlap
BUILT_FROM = "train_built_from"  # the setup a "ready" run was built from
FLASH = "train_flash"  # {place: (kind, message)}, each shown once where it belongs
SESSION = "train_session"  # this session's place in the training queue (one per session, whatever the run)
URL_KEY = "run"

READY, RUNNING, PAUSED, FINISHED = "ready", "running", "paused", "finished"
SLICE_S = 0.45  # seconds of training per fragment rerun: pause takes effect within this
TICK_S = 0.5  # the fragment's rerun interval while training (or waiting for a slot)
SAVE_EVERY_S = 5.0
SAMPLES_PER_RUN = 12  # about this many generated samples over a run


# ---------------------------------------------------------------------------- shared, per process


@st.cache_resource(show_spinner=False)
def _store_at(root: str) -> RunStore:
    return RunStore(root)


def run_store() -> RunStore:
    """The server's run store (LLM_EXPLAINER_RUNS, else ~/.cache/llm-explainer/runs)."""
    return _store_at(str(default_root()))


@st.cache_resource(show_spinner=False)
def training_slots() -> TrainingSlots:
    """The classroom queue, one per server (LLM_EXPLAINER_MAX_TRAININGS at once, default 2)."""
    return TrainingSlots()


@st.cache_resource(max_entries=6, show_spinner="Splitting the text and fitting the tokenizer…")
def prepared_data(digest: str, _text: str, tokenizer: str, vocab_size: int | None) -> TrainingData:
    """The train/validation split and fitted tokenizer for a text (shared by sessions: read it, never change it)."""
    return prepare_data(_text, tokenizer, vocab_size)


@contextlib.contextmanager
def bounded_threads() -> Iterator[int]:
    """Train with at most the queue's share of the CPU cores, so the server stays responsive."""
    n = training_slots().threads_per_run()
    old = torch.get_num_threads()
    if n < old:
        torch.set_num_threads(n)
    try:
        yield min(n, old)
    finally:
        if torch.get_num_threads() != old:
            torch.set_num_threads(old)


# ---------------------------------------------------------------------------- this session's run


def session_key() -> str:
    """This session's key in the training queue: the queue counts students (sessions), not runs, so one run
    link open in several tabs still takes one place per tab."""
    return st.session_state.setdefault(SESSION, secrets.token_hex(8))


def request_slot() -> int:
    """0: this session may train now; k > 0: its place in the queue (kept across calls)."""
    return training_slots().request(session_key())


def run_lock() -> threading.RLock:
    """This session's lock around everything that changes or saves its run. A click can start a new script
    thread while the last fragment run is still training in the old one (Streamlit stops a script only at its
    next st.* call): the pause then waits for that slice, and saves what it really did."""
    return st.session_state.setdefault(LOCK, threading.RLock())


def current() -> Run | None:
    return st.session_state.get(RUN)


def status() -> str:
    return st.session_state.get(STATUS, READY)


def run_id() -> str | None:
    return st.session_state.get(RUN_ID)


def flash(kind: str, message: str, place: str = "top") -> None:
    """A message for the next run of the page, shown once at `place` (a callback cannot draw anything)."""
    st.session_state.setdefault(FLASH, {})[place] = (kind, message)


def show_flash(place: str = "top") -> None:
    if item := st.session_state.get(FLASH, {}).pop(place, None):
        kind, message = item
        show = {"error": st.error, "warning": st.warning, "success": st.success}.get(kind, st.info)
        show(message, icon={"error": ":material/error:", "success": ":material/check_circle:"}.get(kind))


def adopt(run: Run, rid: str, state: str | None = None) -> None:
    """Make `run` this session's run (restored, imported or freshly built)."""
    st.session_state[RUN] = run
    st.session_state[RUN_ID] = rid
    st.session_state[STATUS] = state or (FINISHED if run.trainer.done else PAUSED)
    st.session_state[SAVED] = (run.trainer.step_count, time.monotonic()) if state != READY else None
    st.session_state.pop(BUILT_FROM, None)
    record_progress(run)


def build_ready(run: Run, built_from: str) -> None:
    """A fresh run with random dials for the current setup (nothing saved until it trains)."""
    adopt(run, run_store().new_id(), READY)
    st.session_state[BUILT_FROM] = built_from


def built_from() -> str | None:
    return st.session_state.get(BUILT_FROM)


def drop_run() -> None:
    for key in (RUN, RUN_ID, STATUS, SAVED, BUILT_FROM):
        st.session_state.pop(key, None)
    if URL_KEY in st.query_params:
        del st.query_params[URL_KEY]


def sync_url() -> None:
    """?run=<id> once the run has trained (a ready run has nothing saved to come back to)."""
    rid = run_id()
    if rid and status() != READY:
        if st.query_params.get(URL_KEY) != rid:
            st.query_params[URL_KEY] = rid
    elif URL_KEY in st.query_params and current() is not None:
        del st.query_params[URL_KEY]


def restore_from_url() -> Run | None:
    """A link or a refresh with ?run=<id>: load that run from the store as this session's own copy (a new id),
    so that whoever opens a link, in however many tabs, never changes or deletes the run behind it."""
    wanted = str(st.query_params.get(URL_KEY, "")).strip()
    if not wanted or wanted == run_id():
        return None
    store = run_store()
    if not store.valid_id(wanted) or not store.exists(wanted):
        del st.query_params[URL_KEY]
        flash(
            "warning",
            "The run in this link is not on this server any more: runs are kept for "
            f"{store.max_age_hours:g} hours. Start a new one below.",
        )
        return None
    try:
        with st.spinner("Bringing your run back…"):
            run = store.load(wanted)
    except ValueError as e:
        del st.query_params[URL_KEY]
        flash("error", f"{md_escape(e)} Start a new one below.")
        return None
    release()
    adopt(run, store.new_id())
    save(force=True)
    sync_url()
    flash(
        "success",
        f"The run from this link is back at step {run.trainer.step_count:,}, as your own copy: training, resetting "
        "or downloading it never changes the run behind the link. Press Continue to go on.",
    )
    return run


# ---------------------------------------------------------------------------- saving and progress


def save(force: bool = False) -> None:
    """Save to the run store every SAVE_EVERY_S seconds (or now if `force`), if anything changed."""
    with run_lock():
        _save(force)


def _save(force: bool) -> None:
    run, rid = current(), run_id()
    if run is None or rid is None or status() == READY:
        return
    step = run.trainer.step_count
    last_step, last_time = st.session_state.get(SAVED) or (-1, 0.0)
    if step == last_step and not force:
        return
    if not force and time.monotonic() - last_time < SAVE_EVERY_S:
        return
    try:
        run_store().save(rid, run)
    except OSError as e:
        st.warning(
            f"Could not save your run on the server ({md_escape(e.strerror or e)}); it stays in this browser tab."
        )
        return
    st.session_state[SAVED] = (step, time.monotonic())


def saved_step() -> int | None:
    item = st.session_state.get(SAVED)
    return item[0] if item else None


def record_progress(run: Run) -> None:
    """What other pages read: the scale page compares your run with the big models."""
    st.session_state[TOKENS_SEEN_KEY] = run.trainer.tokens_seen
    st.session_state[PARAMS_KEY] = run.model.n_params()


def release() -> None:
    training_slots().release(session_key())


# ---------------------------------------------------------------------------- training


def train_slice(run: Run, budget_s: float = SLICE_S) -> int:
    """Train for about `budget_s` seconds (at least one step); returns the number of steps taken."""
    tr = run.trainer
    start, taken = time.perf_counter(), 0
    with run_lock(), bounded_threads():
        while not tr.done and status() == RUNNING:
            per_step = tr.elapsed / tr.step_count if tr.step_count else None
            left = budget_s - (time.perf_counter() - start)
            if taken and (per_step is None or left < per_step):
                break
            n = 1 if per_step is None or not taken else max(1, int(left / per_step))
            taken += len(tr.step(n))
    record_progress(run)
    return taken


def one_step() -> None:
    """One training step, through the queue like any training: refused while every place is taken."""
    run = current()
    if run is None or run.trainer.done:
        return
    if request_slot():
        release()
        n = training_slots().max_concurrent
        flash("warning", f"All {n} training places on this server are in use: try One step again in a moment.")
        return
    begin()
    try:
        with run_lock(), bounded_threads():
            run.trainer.step(1)
    finally:
        release()
    record_progress(run)
    st.session_state[STATUS] = FINISHED if run.trainer.done else PAUSED
    save(force=True)


def begin() -> None:
    """Leaving "ready": the run gets its place in the store and in the URL."""
    if status() != READY:
        return
    st.session_state[STATUS] = PAUSED
    st.session_state.pop(BUILT_FROM, None)
    try:
        run_store().cleanup()
    except OSError:
        pass
    save(force=True)
    sync_url()


def start() -> None:
    run = current()
    if run is None or run.trainer.done:
        return
    begin()
    st.session_state[STATUS] = RUNNING


def extend(n: int) -> None:
    """A finished run gets n more steps: the learning rate rises again and decays over the new steps
    (a warm restart), the same schedule a reload of the run would rebuild from its settings."""
    run = current()
    with run_lock():
        if run is None or not run.trainer.done:
            return
        run.spec.steps += n
        run.trainer.cfg = run.spec.train_config()
        st.session_state[STATUS] = PAUSED
        save(force=True)
    start()


def pause() -> None:
    with run_lock():  # after the slice that may still be running
        if status() != RUNNING:
            return
        release()
        st.session_state[STATUS] = PAUSED
        save(force=True)


def finish() -> None:
    release()
    st.session_state[STATUS] = FINISHED
    save(force=True)


def reset() -> None:
    """Forget this run (also on the server): the settings open again and the dials start random again.
    Every run of a session is its own (a link opens a copy), so this never deletes someone else's run."""
    release()
    rid = run_id()
    if rid and status() != READY:
        with contextlib.suppress(OSError, ValueError):
            run_store().delete(rid)
    drop_run()


def sample_due(run: Run) -> bool:
    """A new sample at step 0, then about SAMPLES_PER_RUN times over the run, and at the end."""
    step = run.trainer.step_count
    if not run.samples:
        return True
    last = run.samples[-1][0]
    every = max(1, run.spec.steps // SAMPLES_PER_RUN)
    return step // every > last // every or (run.trainer.done and last != step)


def ensure_ready_run(spec, data, key: str | None) -> Run | None:
    """While nothing has trained, keep a run with random dials that matches the settings (None: no usable
    settings). A run that has trained stays as it is until Reset."""
    if status() != READY and current() is not None:
        return current()
    if key is None:
        drop_run()
        return None
    if current() is None or built_from() != key:
        try:
            with st.spinner("Building a model with random dials…"):
                run = make_run(spec, data, None, limits=PAGE_LIMITS)
        except ValueError as e:
            st.error(md_escape(e), icon=":material/error:")
            drop_run()
            return None
        build_ready(run, key)
    return current()
