"""Small helpers for measuring: percentiles, and the process's resident memory."""

import statistics
import time
from collections.abc import Awaitable, Callable
from pathlib import Path


def summary(samples_us: list[float]) -> dict[str, float]:
    ordered = sorted(samples_us)
    if not ordered:
        return {"n": 0, "mean": 0.0, "p50": 0.0, "p99": 0.0}

    def pick(fraction: float) -> float:
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    return {"n": len(ordered), "mean": statistics.fmean(ordered), "p50": pick(0.50), "p99": pick(0.99)}


async def time_calls(call: Callable[[], Awaitable[object]], repeat: int) -> list[float]:
    """Microseconds per awaited call."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter_ns()
        await call()
        samples.append((time.perf_counter_ns() - started) / 1000)
    return samples


def rss_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0
