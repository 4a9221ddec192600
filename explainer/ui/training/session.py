"""The training page's run: one per student, in this session's `TrainingSession`, saved to the server's run store.

A run's life: "ready" (random dials, settings still open) -> "running" (a fragment trains a slice of
steps per rerun) <-> "paused" -> "finished". Every few seconds of training, on pause and at the end the
run is saved to the RunStore under an id kept in the URL (?run=...), so a refresh or a shared link
finds it again. A process-wide TrainingSlots queue limits how many students train at once.

Shared things (the store, the queue, prepared data) are cached per process and never changed;
the model, optimizer and history of a student live only in that student's session.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import streamlit as st

from explainer.config import settings
from explainer.format import md_escape, number
from explainer.i18n import _
from explainer.model.device import using_threads
from explainer.training.clock import WallClock
from explainer.training.compare import Curve, comparable, tokens_fingerprint
from explainer.training.data import TrainingData, prepare_data
from explainer.training.run import Run, make_run
from explainer.training.runs import RunStore
from explainer.training.slots import TrainingSlots
from explainer.training.spec import PAGE_LIMITS, RunSpec
from explainer.ui.shell.state import SessionObject

URL_KEY = "run"  # ?run=<id>
READY, RUNNING, PAUSED, FINISHED = "ready", "running", "paused", "finished"
SLICE_S = 0.45  # seconds of training per fragment rerun: pause takes effect within this
TICK_S = 0.5  # the fragment's rerun interval while training (or waiting for a slot)
SAVE_EVERY_S = 5.0
SAMPLES_PER_RUN = 12  # about this many generated samples over a run
EARLIER_KEPT = 3  # earlier runs' loss curves kept to compare with the current run


# ---------------------------------------------------------------------------- shared, per process


@st.cache_resource(show_spinner=False)
def _store_at(root: str) -> RunStore:
    return RunStore(root)


def run_store() -> RunStore:
    """The server's run store (LLM_EXPLAINER_RUNS, else ~/.cache/llm-explainer/runs)."""
    return _store_at(str(settings().runs))


@st.cache_resource(show_spinner=False)
def training_slots() -> TrainingSlots:
    """The classroom queue, one per server (LLM_EXPLAINER_MAX_TRAININGS at once, default 2)."""
    return TrainingSlots()


@st.cache_resource(max_entries=6, show_spinner=False)  # the page says what it does (setup.py)
def prepared_data(digest: str, _text: str, tokenizer: str, vocab_size: int | None) -> TrainingData:
    """The train/validation split and fitted tokenizer for a text (shared by sessions: read it, never change it)."""
    return prepare_data(_text, tokenizer, vocab_size)


TRAINING_NICE = 10  # a training thread's CPU priority (Linux nice): below every request of the other students


def _give_way() -> None:
    """Lower this thread's CPU priority (on Linux, per thread): when the cores are busy, the other students' clicks
    go first and training takes what they leave. It stays lowered (raising it again needs privileges)."""
    if not sys.platform.startswith("linux"):
        return
    tid = threading.get_native_id()
    try:
        if os.getpriority(os.PRIO_PROCESS, tid) < TRAINING_NICE:
            os.setpriority(os.PRIO_PROCESS, tid, TRAINING_NICE)
    except OSError:  # not allowed here: train at the normal priority
        pass


@contextlib.contextmanager
def bounded_threads(give_way: bool = True) -> Iterator[int]:
    """Train with the queue's share of the CPU cores, fewer while other work holds them (the server answers each
    request with one thread otherwise: explainer.model.device.serving_threads), so the server stays responsive."""
    if give_way:
        _give_way()
    slots = training_slots()
    n = slots.threads_now()
    t0 = time.monotonic()
    try:
        with using_threads(n):
            yield n
    finally:
        slots.cores.used(time.monotonic() - t0, n)


# ---------------------------------------------------------------------------- this session's run


@dataclass(eq=False)
class TrainingSession(SessionObject):
    """This student's run and where it stands; its methods are the page's state machine."""

    KEY = "training"
    status: str = READY  # ready | running | paused | finished
    run: Run | None = None
    run_id: str | None = None
    saved: tuple[int, float] | None = None  # (step, monotonic time) of the last save
    built_from: str | None = None  # the setup a "ready" run was built from
    flashes: dict[str, tuple[str, str]] = field(default_factory=dict)  # place -> (kind, message), each shown once
    # This session's place in the training queue: the queue counts students (sessions), not runs, so one run link
    # open in several tabs still takes one place per tab.
    queue_key: str = field(default_factory=lambda: secrets.token_hex(8))
    # One lock per session around everything that changes or saves its run. A click can start a new script
    # thread while the last fragment run is still training in the old one (Streamlit stops a script only at its
    # next st.* call): the pause then waits for that slice, and saves what it really did.
    lock: threading.RLock = field(default_factory=threading.RLock)
    tokens_seen: int | None = None  # what the scale page compares with the big models (None: never on this page)
    params: int | None = None
    setup_text: tuple[str, str, str] | None = None  # (source, name, text) of the settings, for a zip to continue on
    hf_text: tuple[str, str] | None = None  # (dataset id, text) fetched from the Hugging Face Hub
    probe_for: str | None = None  # the run id the probe prompt was filled in for
    nudge: tuple | None = None  # ((run id, example, lr), the step it was made at, Nudge) of the last nudge
    example_seed: int = 0  # which examples the nudge section draws
    clock: WallClock = field(default_factory=WallClock)  # steps against the wall clock while running: the time left
    earlier: list[Curve] = field(default_factory=list)  # the last EARLIER_KEPT runs that trained, oldest first
    runs_kept: int = 0  # how many curves this session has kept (their numbers)
    tokens_of: tuple[Run, str] | None = None  # (the current run, its tokens_fingerprint): taken once, not every tick
    start_when_ready: bool = False  # an experiment's button: start the next run as soon as it is built

    # ------------------------------------------------------------------ the queue
    def request_slot(self) -> int:
        """0: this session may train now; k > 0: its place in the queue (kept across calls)."""
        return training_slots().request(self.queue_key)

    def release(self) -> None:
        training_slots().release(self.queue_key)

    # ------------------------------------------------------------------ messages for the next run
    def flash(self, kind: str, message: str, place: str = "top") -> None:
        """A message for the next run of the page, shown once at `place` (a callback cannot draw anything)."""
        self.flashes[place] = (kind, message)

    def show_flash(self, place: str = "top") -> None:
        if item := self.flashes.pop(place, None):
            kind, message = item
            show = {"error": st.error, "warning": st.warning, "success": st.success}.get(kind, st.info)
            show(message, icon={"error": ":material/error:", "success": ":material/check_circle:"}.get(kind))

    # ------------------------------------------------------------------ which run
    def adopt(self, run: Run, rid: str, state: str | None = None) -> None:
        """Make `run` this session's run (restored, imported or freshly built)."""
        self.keep_curve()
        self.run, self.run_id = run, rid
        self.status = state or (FINISHED if run.trainer.done else PAUSED)
        self.saved = (run.trainer.step_count, time.monotonic()) if state != READY else None
        self.built_from = None
        self.record_progress()

    def keep_curve(self) -> None:
        """Keep the current run's loss to compare with the next runs, if it has trained."""
        run = self.run
        if run is not None and self.status != READY and run.trainer.step_count > 0:
            self.runs_kept += 1
            self.earlier = [*self.earlier, Curve.of(run, self.runs_kept)][-EARLIER_KEPT:]

    def forget_earlier(self) -> None:
        self.earlier = []

    def comparable_earlier(self) -> tuple[list[Curve], int]:
        """The earlier curves measured on the current run's validation tokens, and how many others there are. The
        run's fingerprint reads every validation token (~2 ms on the built-in text): taken once per run, and only
        when there is an earlier curve to compare with."""
        if not self.earlier or self.run is None:
            return [], len(self.earlier)
        if self.tokens_of is None or self.tokens_of[0] is not self.run:
            self.tokens_of = (self.run, tokens_fingerprint(self.run))
        return comparable(self.earlier, self.tokens_of[1])

    def drop_run(self) -> None:
        self.run = self.run_id = self.saved = self.built_from = self.tokens_of = None
        self.status = READY
        if URL_KEY in st.query_params:
            del st.query_params[URL_KEY]

    def ensure_ready_run(self, spec: RunSpec | None, data: TrainingData | None, key: str | None) -> Run | None:
        """While nothing has trained, keep a run with random dials that matches the settings (None: no usable
        settings). A run that has trained stays as it is until Reset."""
        if self.status != READY and self.run is not None:
            return self.run
        if key is None:
            self.drop_run()
            return None
        if self.run is None or self.built_from != key:
            try:
                with st.spinner(_("Building a model with random dials…")):
                    run = make_run(spec, data, None, limits=PAGE_LIMITS)
            except ValueError as e:
                st.error(md_escape(e), icon=":material/error:")
                self.drop_run()
                return None
            self.adopt(run, run_store().new_id(), READY)  # nothing saved until it trains
            self.built_from = key
        if self.start_when_ready:
            self.start_when_ready = False
            self.start()
        return self.run

    def sync_url(self) -> None:
        """?run=<id> once the run has trained (a ready run has nothing saved to come back to)."""
        if self.run_id and self.status != READY:
            if st.query_params.get(URL_KEY) != self.run_id:
                st.query_params[URL_KEY] = self.run_id
        elif URL_KEY in st.query_params and self.run is not None:
            del st.query_params[URL_KEY]

    def restore_from_url(self) -> Run | None:
        """A link or a refresh with ?run=<id>: load that run from the store as this session's own copy (a new id),
        so that whoever opens a link, in however many tabs, never changes or deletes the run behind it."""
        wanted = str(st.query_params.get(URL_KEY, "")).strip()
        if not wanted or wanted == self.run_id:
            return None
        store = run_store()
        if not store.valid_id(wanted) or not store.exists(wanted):
            del st.query_params[URL_KEY]
            self.flash(
                "warning",
                _(
                    "The run in this link is not on this server any more: runs are kept for {max_age_hours} hours. "
                    "Start a new one below."
                ).format(max_age_hours=number(store.max_age_hours)),
            )
            return None
        try:
            with st.spinner(_("Bringing your run back…")):
                run = store.load(wanted)
        except ValueError as e:
            del st.query_params[URL_KEY]
            self.flash("error", _("{e} Start a new one below.").format(e=md_escape(e)))
            return None
        self.release()
        self.adopt(run, store.new_id())
        self.save(force=True)
        self.sync_url()
        self.flash(
            "success",
            _(
                "The run from this link is back at step {step_count}, as your own copy: training, resetting or "
                "downloading it never changes the run behind the link. Press Continue to go on."
            ).format(step_count=number(run.trainer.step_count)),
        )
        return run

    # ------------------------------------------------------------------ saving and progress
    def save(self, force: bool = False) -> None:
        """Save to the run store every SAVE_EVERY_S seconds (or now if `force`), if anything changed."""
        with self.lock:
            run, rid = self.run, self.run_id
            if run is None or rid is None or self.status == READY:
                return
            step = run.trainer.step_count
            last_step, last_time = self.saved or (-1, 0.0)
            if step == last_step and not force:
                return
            if not force and time.monotonic() - last_time < SAVE_EVERY_S:
                return
            try:
                run_store().save(rid, run)
            except OSError as e:
                why = md_escape(e.strerror or e)
                st.warning(
                    _("Could not save your run on the server ({why}); it stays in this browser tab.").format(why=why)
                )
                return
            self.saved = (step, time.monotonic())

    def saved_step(self) -> int | None:
        return self.saved[0] if self.saved else None

    def record_progress(self) -> None:
        """What other pages read: the scale page compares your run with the big models."""
        self.tokens_seen, self.params = self.run.trainer.tokens_seen, self.run.model.n_params()

    # ------------------------------------------------------------------ training
    def train_slice(self, budget_s: float = SLICE_S) -> int:
        """Train for about `budget_s` seconds (at least one step); returns the number of steps taken."""
        tr = self.run.trainer
        start, taken = time.perf_counter(), 0
        with self.lock, bounded_threads():
            while not tr.done and self.status == RUNNING:
                per_step = tr.elapsed / tr.step_count if tr.step_count else None
                left = budget_s - (time.perf_counter() - start)
                if taken and (per_step is None or left < per_step):
                    break
                n = 1 if per_step is None or not taken else max(1, int(left / per_step))
                taken += len(tr.step(n))
        self.record_progress()
        return taken

    def one_step(self) -> None:
        """One training step, through the queue like any training: refused while every place is taken."""
        run = self.run
        if run is None or run.trainer.done:
            return
        if self.request_slot():
            self.release()
            n = training_slots().max_concurrent
            self.flash(
                "warning",
                _("All {n} training places on this server are in use: try One step again in a moment.").format(n=n),
            )
            return
        self.begin()
        try:
            with self.lock, bounded_threads():
                run.trainer.step(1)
        finally:
            self.release()
        self.record_progress()
        self.status = FINISHED if run.trainer.done else PAUSED
        self.save(force=True)

    def begin(self) -> None:
        """Leaving "ready": the run gets its place in the store and in the URL."""
        if self.status != READY:
            return
        self.status, self.built_from = PAUSED, None
        try:
            run_store().cleanup()
        except OSError:
            pass
        self.save(force=True)
        self.sync_url()

    def start(self) -> None:
        if self.run is None or self.run.trainer.done:
            return
        self.begin()
        self.clock.reset()
        self.status = RUNNING

    def extend(self, n: int) -> None:
        """A finished run gets n more steps: the learning rate rises again and decays over the new steps
        (a warm restart), the same schedule a reload of the run would rebuild from its settings."""
        with self.lock:
            run = self.run
            if run is None or not run.trainer.done:
                return
            run.spec.steps += n
            run.trainer.cfg = run.spec.train_config()
            self.status = PAUSED
            self.save(force=True)
        self.start()

    def pause(self) -> None:
        with self.lock:  # after the slice that may still be running
            if self.status != RUNNING:
                return
            self.release()
            self.status = PAUSED
            self.save(force=True)

    def finish(self) -> None:
        self.release()
        self.status = FINISHED
        self.save(force=True)

    def reset(self) -> None:
        """Forget this run (also on the server; its loss curve stays on the chart, to compare): the settings open
        again and the dials start random again. Every run of a session is its own (a link opens a copy), so this
        never deletes someone else's run."""
        self.release()
        self.keep_curve()
        if self.run_id and self.status != READY:
            with contextlib.suppress(OSError, ValueError):
                run_store().delete(self.run_id)
        self.drop_run()

    def sample_due(self) -> bool:
        """A new sample at step 0, then about SAMPLES_PER_RUN times over the run, and at the end."""
        run = self.run
        step = run.trainer.step_count
        if not run.samples:
            return True
        last = run.samples[-1][0]
        every = max(1, run.spec.steps // SAMPLES_PER_RUN)
        return step // every > last // every or (run.trainer.done and last != step)
