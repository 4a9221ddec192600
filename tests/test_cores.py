"""Threads for a training follow the cores that other work leaves free (issue 18)."""

import os
import subprocess
import sys

import pytest

from explainer.training.cores import MIN_INTERVAL_S, CoreWatch, busy_cpu_seconds
from explainer.training.slots import TrainingSlots


class Machine:
    """A fake /proc/stat and clock: `run(seconds, busy_cores)` moves both."""

    def __init__(self):
        self.t, self.busy = 0.0, 0.0

    def run(self, seconds: float, busy_cores: float) -> None:
        self.t += seconds
        self.busy += seconds * busy_cores


def watch(m: Machine, cores: int = 4) -> CoreWatch:
    w = CoreWatch(cores, busy=lambda: m.busy, clock=lambda: m.t)
    assert w.free() is None, "nothing is known before a second look"
    return w


def test_free_cores_leave_out_what_the_trainings_here_used():
    m = Machine()
    w = watch(m)
    m.run(1.0, busy_cores=3.0)  # 2 cores of other work, 1 of this training
    w.used(1.0, threads=1)
    assert w.free() == pytest.approx(2.0)
    m.run(1.0, busy_cores=4.0)  # 2 threads of ours, 2 cores of other work
    w.used(1.0, threads=2)
    assert w.threads(share=4) == 2


def test_a_busy_machine_gets_one_thread_a_quiet_one_its_share():
    m = Machine()
    w = watch(m, cores=2)
    m.run(1.0, busy_cores=2.0)  # others hold both cores
    assert w.threads(share=2) == 1
    m.run(1.0, busy_cores=0.1)
    assert w.threads(share=2) == 2
    m.run(1.0, busy_cores=0.1)
    assert w.threads(share=1) == 1, "never more than the share"


def test_a_look_too_soon_keeps_the_last_answer():
    m = Machine()
    w = watch(m, cores=2)
    m.run(1.0, busy_cores=2.0)
    assert w.threads(2) == 1
    m.run(MIN_INTERVAL_S / 4, busy_cores=0.0)  # a few ticks of idle: noise
    assert w.threads(2) == 1


def test_unknown_load_gives_the_share():
    w = CoreWatch(2, busy=lambda: None)
    assert w.threads(2) == 2 and w.threads(1) == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/stat is Linux's")
def test_reads_this_machine():
    assert busy_cpu_seconds() > 0


def test_slots_size_a_slice_by_the_free_cores():
    s = TrainingSlots(1)
    m = Machine()
    s.cores = watch(m, cores=s.cores.cores)
    m.run(1.0, busy_cores=s.cores.cores)  # every core taken by others
    assert s.threads_now() == 1


def test_openmp_threads_wait_passively_unless_told_otherwise():
    code = "import os, explainer; print(os.environ['OMP_WAIT_POLICY'])"
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "PASSIVE"
    env["OMP_WAIT_POLICY"] = "ACTIVE"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "ACTIVE"
