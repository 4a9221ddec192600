"""A class in a poll, in real browsers (a benchmark: it measures, it never passes or fails on time).

Starts the app, opens a teacher's tab that starts a poll, then N students' tabs that join it and send a guess (with
--draw: each tab draws the word from the model, on the server, at temperature 1).
While everyone waits, each tab's fragment asks the server every 2 s how the poll stands: the figure is the server's
CPU for that waiting class (its process, not the browsers'). Then the teacher shows the answers; the figure is how
long until the last student's screen shows the model's answer by itself, and then how long the next question takes
to reach every student.

    .venv/bin/python -m bench.poll_class [--students 20] [--wait 20] [--draw]
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

import psutil

from tests.e2e.harness import APP_IDLE, CHROMIUM, CHROMIUM_ARGS, start_server, stop, wait_warmed_up

GUESSES = ["in", "high", "a", "far", "there", "in", "in", "a", "once", "high"]


def _cpu_s(proc: psutil.Process) -> float:
    """CPU seconds the server's process tree has used so far."""
    return sum(sum(p.cpu_times()[:2]) for p in [proc, *proc.children(recursive=True)])


def _server_cpu(proc: psutil.Process, seconds: float) -> float:
    """The server's CPU over `seconds`, in % of one core."""
    before = _cpu_s(proc)
    time.sleep(seconds)  # a measuring window, not a wait for a condition
    return 100 * (_cpu_s(proc) - before) / seconds


def _until_all(pages, text: str) -> float:
    """Seconds until every page's main area shows `text` (each page checked in turn)."""
    t0 = time.perf_counter()
    for page in pages:
        page.get_by_test_id("stMain").get_by_text(text).first.wait_for(timeout=60_000)
    return time.perf_counter() - t0


def _answer(tab, i: int, draw: bool) -> None:
    """One student's turn: a guess typed and sent, or a draw; returns once the screen says it was taken."""
    if draw:
        tab.get_by_role("button", name="Draw the next word").click()
        tab.get_by_text("You drew").wait_for()
    else:
        tab.get_by_label("Your guess for the next word").fill(GUESSES[i % len(GUESSES)])
        tab.get_by_role("button", name="Send").click()
        tab.get_by_text("Sent:").wait_for()


def run(students: int = 20, wait_s: float = 20.0, draw: bool = False) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        srv = start_server(Path(tmp) / "server.log", env={"LLM_EXPLAINER_POLLS": str(Path(tmp) / "polls")})
        try:
            wait_warmed_up(srv)
            server = psutil.Process(srv.proc.pid)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                teacher = browser.new_page(viewport={"width": 1280, "height": 800})
                teacher.set_default_timeout(60_000)
                teacher.goto(f"{srv.url}/poll" + ("?poll_drawing=true" if draw else ""))
                teacher.wait_for_selector(APP_IDLE)
                teacher.get_by_role("button", name="Start a poll").click()
                code = teacher.locator(".poll-code").inner_text()
                idle_cpu = _server_cpu(server, wait_s)  # the teacher's tab alone, counting
                tabs, joins = [], []
                for i in range(students):
                    tab = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
                    tab.set_default_timeout(60_000)
                    t0 = time.perf_counter()
                    tab.goto(f"{srv.url}/poll?code={code}")
                    _answer(tab, i, draw)
                    joins.append(time.perf_counter() - t0)
                    tabs.append(tab)
                teacher.get_by_text(f"{students} {'draws' if draw else 'guesses'} so far").wait_for()
                waiting_cpu = _server_cpu(server, wait_s)
                cpu0 = _cpu_s(server)
                teacher.get_by_role("button", name="Show the answers").click()
                shown_s = _until_all(tabs, "its probability was" if draw else "You guessed")
                cpu1 = _cpu_s(server)
                add = teacher.get_by_role("button", name=re.compile("^Add “"))
                word = add.inner_text().split("“")[1].split("”")[0]  # the class's favourite
                add.click()
                next_s = _until_all(tabs, f"Once upon a time, {word} ____")
                cpu2 = _cpu_s(server)
                browser.close()
        finally:
            stop(srv.proc)
    return {
        "students": students,
        "mode": "draw" if draw else "guess",
        "join_and_send_s": {"median": round(statistics.median(joins), 2), "max": round(max(joins), 2)},
        "server_cpu_pct": {"teacher_alone": round(idle_cpu, 1), "class_waiting": round(waiting_cpu, 1)},
        "answer_reaches_all_s": round(shown_s, 2),
        "answer_server_cpu_s": round(cpu1 - cpu0, 2),
        "next_question_reaches_all_s": round(next_s, 2),
        "next_question_server_cpu_s": round(cpu2 - cpu1, 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20)
    ap.add_argument("--wait", type=float, default=20.0, help="seconds of each CPU measurement")
    ap.add_argument("--draw", action="store_true", help="the students draw the word from the model instead")
    args = ap.parse_args()
    r = run(args.students, args.wait, args.draw)
    print(f"class poll ({r['mode']}), {r['students']} students in Chromium tabs, one teacher's tab (server here)")
    what = "draw a word  " if args.draw else "send a guess"
    print(f"  join + {what}      median {r['join_and_send_s']['median']} s, max {r['join_and_send_s']['max']} s")
    cpu = r["server_cpu_pct"]
    print(f"  server CPU while waiting teacher alone {cpu['teacher_alone']} %, whole class {cpu['class_waiting']} %")
    print(
        f"  answer on every screen   {r['answer_reaches_all_s']} s after the click "
        f"(server CPU for it: {r['answer_server_cpu_s']} s; the rest is the tabs drawing, on the same cores)"
    )
    print(
        f"  next question everywhere {r['next_question_reaches_all_s']} s after the click "
        f"(server CPU: {r['next_question_server_cpu_s']} s)"
    )


if __name__ == "__main__":
    main()
