"""Benchmarks: scripts that measure and print figures (they never pass or fail on time). See bench/run_all.py."""
