"""Small timing helpers shared by the benchmarks: medians and tails, never means."""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from typing import Any


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0..100) by nearest rank."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered)) - 1))
    return ordered[rank]


def summarise(samples_s: list[float]) -> dict[str, float]:
    """p50 and p99 in milliseconds."""
    ms = [s * 1000 for s in samples_s]
    return {"p50_ms": round(statistics.median(ms), 4), "p99_ms": round(percentile(ms, 99), 4)}


def time_calls(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall time of each of `repeat` calls, in seconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - started)
    return samples


def print_summary(summary: dict[str, Any]) -> None:
    """The last line of every bench: one JSON object, for machines."""
    print(json.dumps(summary, sort_keys=True))
