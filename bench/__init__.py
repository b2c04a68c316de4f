"""Benchmarks: `python -m bench` (full, under ten minutes) or `python -m bench --quick` (under a minute)."""
