"""A small load test in CI: three students at once on one server, one of them training.

The same code as the benchmark (bench/load_test.py, N = 30) with small numbers: it checks that
concurrent sessions work without errors and that the figures come out, never how fast they are.
"""

from __future__ import annotations

import pytest

from bench.load_test import run_load_test

from .harness import Server

pytestmark = pytest.mark.e2e


def test_three_students_at_once(server: Server) -> None:
    r = run_load_test(sessions=3, duration=15, trainers=1, url=server.url, pids=[server.proc.pid], think=(0.3, 1.0))
    problems = "\n".join(r["error_samples"] + r["js_error_samples"])
    assert r["errors"] == 0, f"{r['errors']} errors:\n{problems}\n--- server log ---\n{server.log()}"
    assert r["js_errors"] == 0, problems
    assert r["actions"]["first page load"]["n"] == 3, "every student's page should have loaded"
    students = {"next word: new prompt", "temperature slider", "navigation"}
    assert r["trainers"] == 1
    said = r["training"][0]
    assert said.startswith("step ") and not said.startswith("step 0,"), f"the trainer's run should move: {said}"
    for kind in students:
        figures = r["actions"].get(kind)
        assert figures and figures["n"] >= 1, f"no '{kind}' measured: {r['actions']}"
        assert 0 < figures["p50_ms"] <= figures["p95_ms"] <= figures["max_ms"]
    assert r["server_rss_mb"]["peak"] > 50, "the server's memory should have been sampled"
