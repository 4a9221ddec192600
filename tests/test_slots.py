"""The classroom queue: order, release, stale runs dropped, threads per run."""

import threading

from explainer.training.slots import TrainingSlots


class Clock:
    def __init__(self):
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_queue_order_and_release():
    s = TrainingSlots(max_concurrent=2, clock=Clock())
    assert [s.request(r) for r in ("a", "b", "c", "d")] == [0, 0, 1, 2]
    assert s.request("a") == s.request("b") == 0 and s.request("d") == 2 and s.request("c") == 1  # places are kept
    s.release("a")
    assert s.request("b") == s.request("c") == 0 and s.request("d") == 1  # c moved up to a's place
    s.release("d")  # leaving the queue
    assert s.request("e") == 1, "the queue was empty"


def test_stale_runs_are_dropped():
    clock = Clock()
    s = TrainingSlots(max_concurrent=1, stale_after_s=30, clock=clock)
    assert s.request("a") == 0 and s.request("b") == 1 and s.request("c") == 2
    clock.t = 20
    assert s.request("b") == 1 and s.request("c") == 2  # b and c are still here; a is not refreshed
    clock.t = 40  # a last heard from at 0: abandoned
    assert s.request("b") == 0 and s.request("c") == 1
    clock.t = 100  # everyone gone
    assert s.request("d") == 0 and s.request("e") == 1


def test_limit_from_the_environment(monkeypatch):
    monkeypatch.setenv("LLM_EXPLAINER_MAX_TRAININGS", "3")
    s = TrainingSlots()
    assert s.max_concurrent == 3 and [s.request(r) for r in "abcd"] == [0, 0, 0, 1]
    monkeypatch.setenv("LLM_EXPLAINER_MAX_TRAININGS", "lots")
    assert TrainingSlots().max_concurrent == 2


def test_threads_per_run():
    assert TrainingSlots(2).threads_per_run(cpu_count=8) == 4
    assert TrainingSlots(4).threads_per_run(cpu_count=2) == 1
    assert TrainingSlots(1).threads_per_run() >= 1


def test_thread_safe():
    s = TrainingSlots(max_concurrent=3)
    results = {}

    def ask(i):
        results[i] = s.request(f"run{i}")

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == [0, 0, 0, *range(1, 18)]
    assert s.request("late") == 18  # three train, seventeen wait before it
