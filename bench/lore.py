"""Lore load, index and search at the shipped size and at 10,000 synthetic entries.

Baselines measured in the same run, so the ratios survive a noisy machine:
- load: libyaml parsing the same files into plain Python (no validation, positions or index),
  with the garbage collector paused as our loader pauses it;
- search: rapidfuzz `extractOne` with WRatio over every name (what we would do with no index);
- complete: a linear scan for names starting with the prefix.

Run: `python -m bench.lore`.
"""

from __future__ import annotations

import gc
import platform
import random
import tempfile
import time
import tracemalloc
from functools import partial
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bench.stats import print_summary, summarise, time_calls
from bench.synthetic import write_synthetic_lore
from bot.lore.bulk import collector_paused
from bot.lore.loader import load_lore
from bot.lore.lorebook import Lorebook
from bot.lore.search import entry_names
from bot.lore.text import fold

LORE_DIR = Path(__file__).resolve().parent.parent / "lore"
QUERIES = [
    "lermontof",
    "vicky",
    "leonide massine",
    "tcherina",
    "boleslawski",
    "Victoria Page",
    "red shoes",
    "who composed the music",
    "monte carlo train",
    "shoemaker",
]


def _median_load(directory: Path, runs: int) -> tuple[float, Lorebook]:
    times, book = [], None
    for _ in range(runs):
        started = time.perf_counter()
        book = load_lore(directory)
        times.append(time.perf_counter() - started)
    assert book is not None
    return sorted(times)[len(times) // 2], book


def _median_raw_parse(directory: Path, runs: int) -> float:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    files = sorted(directory.glob("*.yaml"))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        with collector_paused():
            for path in files:
                yaml.load(path.read_bytes(), Loader=loader)
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def _peak_mb(directory: Path) -> float:
    gc.collect()
    tracemalloc.start()
    load_lore(directory)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return round(peak / 2**20, 1)


def _queries(book: Lorebook, count: int) -> list[str]:
    rng = random.Random(7)
    names = [e.name for e in book.entries]
    typos = []
    for name in rng.sample(names, min(count, len(names))):
        chars = list(name.lower())
        chars[rng.randrange(len(chars))] = rng.choice("aeioutk")
        typos.append("".join(chars))
    return [*QUERIES, *typos][:count]


def _prefix_scan(names: list[str], prefix: str) -> list[str]:
    return [n for n in names if n.startswith(prefix)][:25]


def _bench_book(label: str, directory: Path, runs: int) -> dict[str, float]:
    load_s, book = _median_load(directory, runs)
    raw_s = _median_raw_parse(directory, runs)
    queries = _queries(book, 200)
    prefixes = [q[:n] for q in queries for n in (1, 3, 5)]
    search = [s for q in queries for s in time_calls(partial(book.search, q), 5)]
    complete = [s for p in prefixes for s in time_calls(partial(book.complete, p), 5)]
    names = [fold(n) for e in book.entries for n in entry_names(e)]
    naive_search = [
        s
        for q in queries[:50]
        for s in time_calls(partial(process.extractOne, fold(q), names, scorer=fuzz.WRatio), 1)
    ]
    naive_complete = [
        s for p in prefixes[:150] for s in time_calls(partial(_prefix_scan, names, fold(p)), 1)
    ]
    s, c = summarise(search), summarise(complete)
    ns, nc = summarise(naive_search), summarise(naive_complete)
    figures = {
        f"{label}_entries": len(book),
        f"{label}_load_ms": round(load_s * 1000, 1),
        f"{label}_raw_yaml_ms": round(raw_s * 1000, 1),
        f"{label}_search_p50_ms": s["p50_ms"],
        f"{label}_search_p99_ms": s["p99_ms"],
        f"{label}_complete_p50_ms": c["p50_ms"],
        f"{label}_complete_p99_ms": c["p99_ms"],
        f"{label}_naive_search_p50_ms": ns["p50_ms"],
        f"{label}_naive_complete_p50_ms": nc["p50_ms"],
        f"{label}_peak_mb": _peak_mb(directory),
    }
    print(
        f"{label}: {len(book)} entries; load+index {figures[f'{label}_load_ms']} ms "
        f"(raw YAML parse {figures[f'{label}_raw_yaml_ms']} ms, "
        f"x{load_s / raw_s:.1f}); peak {figures[f'{label}_peak_mb']} MiB"
    )
    print(
        f"  search p50 {s['p50_ms']} ms p99 {s['p99_ms']} ms "
        f"(no-index WRatio scan p50 {ns['p50_ms']} ms, x{ns['p50_ms'] / s['p50_ms']:.0f} slower)"
    )
    print(
        f"  complete p50 {c['p50_ms']} ms p99 {c['p99_ms']} ms "
        f"(linear prefix scan p50 {nc['p50_ms']} ms)"
    )
    return figures


def main() -> None:
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}"
    )
    summary: dict[str, float] = _bench_book("shipped", LORE_DIR, runs=9)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_synthetic_lore(folder, 10_000)
        summary.update(_bench_book("synthetic", folder, runs=3))
    print_summary(summary)


if __name__ == "__main__":
    main()
