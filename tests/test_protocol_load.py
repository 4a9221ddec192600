"""Smoke test of the browserless load generator (bench/protocol_load.py): a real server, eight students (one of
them training, and each page of the tour with a student from the start) in a class poll whose teacher moves from page
to page, for 15 s. It checks that the students could
do everything they do, without errors, and that each kind of action changed what the page shows. It never checks a
time: that is the benchmark's job."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.measure import run_async
from bench.protocol_load import by_minute, run_load
from bench.widget_states import user_key
from bench.ws_students import Session, Stats, Waiter, expected_kinds

from .e2e.harness import start_server, stop, wait_warmed_up


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, Path]]:
    """The app on a free port with a run store of its own; (url, pid, log file)."""
    srv = start_server(tmp_path_factory.mktemp("protocol-load") / "server.log")  # its run store beside the log
    try:
        wait_warmed_up(srv)  # else its warm-up competes with the 15 s of students (the training may not tick)
        yield srv.url, srv.proc.pid, srv.log_path
    finally:
        stop(srv.proc)


def test_user_key_is_the_end_of_a_widget_id() -> None:
    assert user_key("$$ID-64d9456ff0500e8d490f226c1811650a-prompt") == "prompt"
    assert user_key("$$ID-64d9456ff0500e8d490f226c1811650a-feedback-better-0") == "feedback-better-0"
    assert user_key("$$ID-7e4eef51477cfe4e2e81a575849ee28a-None") is None


def _started(fragments: list[str]) -> bytes:
    msg = ForwardMsg()
    msg.new_session.main_script_hash = "main"
    msg.metadata.run.fragment_ids.extend(fragments)
    return msg.SerializeToString()


def _finished(status: int) -> bytes:
    msg = ForwardMsg()
    msg.script_finished = status
    return msg.SerializeToString()


def _click_then(*messages: bytes, fragment: str = "") -> tuple[bool, Stats]:
    """A click's run (a full one, or `fragment`'s), then `messages`: whether the click's wait has ended, and what the
    client counted."""

    async def go() -> tuple[bool, Stats]:
        stats = Stats()
        session = Session("http://127.0.0.1:1", 0, stats)
        click = Waiter("click", session.run, fragment, 0.0, asyncio.get_running_loop().create_future())
        session.waiters.append(click)
        for t, data in enumerate([_started([fragment] if fragment else []), *messages]):
            session._handle(data, float(t))
        return click.done.done(), stats

    return asyncio.run(go())


def test_a_fragment_run_whose_end_was_relabelled_ends_when_the_next_run_is_not_a_full_one() -> None:
    """A fragment run that finished just as another fragment's timer asked for a run: Streamlit keeps what it drew
    and relabels its end FINISHED_EARLY_FOR_RERUN. The browser shows it all, so the click has its answer; a run that
    a request really stopped is followed by a full run, which the click waits for."""
    early = _finished(ForwardMsg.FINISHED_EARLY_FOR_RERUN)
    assert _click_then(early, _started(["bar"]), fragment="runs")[0]
    assert not _click_then(early, _started([]), fragment="runs")[0]
    assert _click_then(early, _started([]), _finished(ForwardMsg.FINISHED_SUCCESSFULLY), fragment="runs")[0]


def test_a_full_run_whose_end_never_came_ends_when_a_fragment_run_starts() -> None:
    """Streamlit may drop a full run's script_finished (a fragment's rerun request reaching the script runner just as
    it stopped): the fragment run that follows shows the full run ended. A full run that starts instead means the
    first was cut short: its wait goes on to the end of the second."""
    done, stats = _click_then(_started(["live"]), _finished(ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY))
    assert done and stats.lost_finishes == 1
    assert _click_then(_started([]))[0] is False
    done, stats = _click_then(_started([]), _finished(ForwardMsg.FINISHED_SUCCESSFULLY))
    assert done and stats.lost_finishes == 0
    done, stats = _click_then(_finished(ForwardMsg.FINISHED_SUCCESSFULLY), _started(["live"]))
    assert done and stats.lost_finishes == 0


def test_eight_students_one_training_without_errors(server: tuple[str, int, Path]) -> None:
    url, pid, log = server
    report = run_async(  # beside the browser tests' Playwright, whose event loop runs in this thread
        run_load(
            url, students=8, trainers=1, duration=15, ramp=2, think=0.5, seed=1, pids=[pid], warmup=False, follow=True
        )
    )
    assert report["follow"], "the teacher's tab opened no poll"
    # An exception is redacted on the page (client.showErrorDetails = "none"): its traceback is in the log.
    assert report["errors"] == 0, (report["error_samples"], log.read_text(errors="replace")[-4000:])
    missing = expected_kinds(trainers=True, follow=True) - set(report["actions"])
    assert not missing, f"never happened: {sorted(missing)}; happened: {report['actions']}"
    no_effect = [kind for kind, s in report["actions"].items() if s["unchanged"] == s["n"]]
    assert not no_effect, f"changed nothing on the page: {no_effect}"
    assert report["server_rss_mb"]["peak"] > 0
    assert report["training"] and all(said != "did not start" for said in report["training"].values())


def test_students_who_open_new_tabs_leave_the_server_without_errors(server: tuple[str, int, Path]) -> None:
    """`--refresh`: a long class's churn, every student opening the next page in a new tab now and then."""
    url, pid, log = server
    report = run_async(
        run_load(
            url,
            students=2,
            duration=6,
            ramp=0,
            think=0.3,
            seed=2,
            pids=[pid],
            warmup=False,
            refresh=1.0,
            pages=["next-word", "sampling"],
        )  # fmt: skip
    )
    assert report["errors"] == 0, (report["error_samples"], log.read_text(errors="replace")[-4000:])
    assert report["refreshes"] >= 2
    assert report["sessions_opened"] == 2 + report["refreshes"]  # every new tab drew its page
    assert report["actions"]["open a page"]["n"] == report["sessions_opened"]


def test_memory_by_minute_is_the_last_sample_of_each_minute() -> None:
    samples = [(0.0, 500.0, 9), (30.0, 610.4, 9), (59.9, 700.2, 9), (60.0, 720.0, 9), (125.0, 800.6, 9)]
    assert by_minute(samples) == [700, 720, 801]
