"""End to end through the local Discord stand-in: our bot's `/character` against a bare "pong".

What is measured, for each bot in the same run:
- latency: INTERACTION_CREATE written to the gateway -> the interaction callback received by
  the stand-in, one interaction at a time (p50/p99);
- throughput: interactions per second with bursts of `BURST` in flight;
- memory: the bot process's RSS at idle (after a warm-up) and after 10,000 interactions.

Why each bot runs in its own process: RSS then belongs to the bot alone, and the stand-in does
not share the bot's event loop or the GIL (a real Discord is another machine). The bare
discord.py bot answering "pong" through the same stand-in is the floor the library itself sets.

Run: `python -m bench.e2e` (children are started as `python -m bench.e2e --child ours|bare PORT`).
"""

from __future__ import annotations

import argparse
import asyncio
import atexit
import contextlib
import gc
import logging
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import discord
import psutil

from bench.stats import percentile, print_summary, summarise
from bot.app import create_bot
from bot.config import Settings
from bot.logs import configure_logging
from standin.bare_bot import BareBot
from standin.fake_discord import OP_IDENTIFY, FakeDiscord, pointing_discord_py_at, running

LORE_DIR = Path(__file__).resolve().parent.parent / "lore"
WARMUP = 300
LATENCY_RUNS = 1_000
LOAD_TOTAL = 10_000
BURST = 250
START_TIMEOUT = 30.0
TARGET_RATIO = 1.3
TARGET_GROWTH_MB = 5.0
CHILD_ENV = {"LOG_LEVEL": "WARNING"}


def _bare() -> discord.Client:
    return BareBot()


def _ours() -> discord.Client:
    """Our bot exactly as `run_bot` makes it, on the shipped lore and a throwaway data folder."""
    data_dir = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    return create_bot(Settings(_env_file=None, lore_dir=LORE_DIR, data_dir=data_dir))


def _observed() -> discord.Client:
    """Ours as an operator runs it: an INFO line per interaction to stderr and a rotated JSON
    log file, and the metrics server up (its counters run in every bot; this adds the rest)."""
    data_dir = Path(tempfile.mkdtemp(prefix="bench-e2e-"))
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    settings = Settings(
        _env_file=None,
        lore_dir=LORE_DIR,
        data_dir=data_dir,
        log_level="INFO",
        log_format="json",
        log_file=data_dir / "bot.log",
        metrics_port=0,
    )
    configure_logging(settings)
    return create_bot(settings)


BOTS: dict[str, Callable[[], discord.Client]] = {
    "bare": _bare,
    "ours": _ours,
    "observed": _observed,
}


def _request(server: FakeDiscord, which: str) -> dict[str, Any]:
    """The same look-up for our bot however it is observed; the bare floor has only /ping."""
    if which == "bare":
        return server.slash("ping")
    return server.slash("character", name="vicky")


async def _child(which: str, port: int) -> None:
    """Run one bot against the stand-in on `port` until the parent closes our stdin."""
    if which != "observed":  # which sets up its logging as `run` does; a third handler would
        logging.basicConfig(level=logging.ERROR)  # write each of its lines once more
    client = BOTS[which]()
    with pointing_discord_py_at(port):
        async with running(client, start_within=START_TIMEOUT):
            print("ready", flush=True)
            await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)


async def _answer_all(server: FakeDiscord, payloads: list[dict[str, Any]]) -> list[float]:
    """Send `payloads` at once; the seconds each took until its callback arrived."""
    ids = await server.interact(*payloads)
    answers = await asyncio.gather(*(server.callback(i, within=30.0) for i in ids))
    latencies = [answer.at - server.sent_at[i] for i, answer in zip(ids, answers, strict=True)]
    server.forget(ids)
    return latencies


@dataclass
class _Subject:
    """One bot process and the stand-in it talks to, with what was measured of it."""

    which: str
    server: FakeDiscord
    child: asyncio.subprocess.Process
    latencies: list[float] = field(default_factory=list)
    figures: dict[str, float] = field(default_factory=dict)

    def interactions(self, count: int) -> list[dict[str, Any]]:
        return [_request(self.server, self.which) for _ in range(count)]

    def rss(self) -> int:
        return int(psutil.Process(self.child.pid).memory_info().rss)

    def cpu_seconds(self) -> float:
        """CPU time the bot process has used: unlike latency, barely moved by other processes
        on a shared machine, so the fairer measure of what logging and metrics cost."""
        times = psutil.Process(self.child.pid).cpu_times()
        return float(times.user + times.system)


@contextlib.asynccontextmanager
async def _subject(which: str) -> AsyncIterator[_Subject]:
    """Start the stand-in and the bot process; stop both whatever happens."""
    async with FakeDiscord(validate=False, record=False, lifetime=600.0) as server:
        child = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "bench.e2e", "--child", which, str(server.port)),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            # The observed bot's log lines are measured, not read.
            stderr=asyncio.subprocess.DEVNULL if which == "observed" else None,
            env=os.environ | CHILD_ENV,
        )
        assert child.stdout is not None and child.stdin is not None
        try:
            line = await asyncio.wait_for(child.stdout.readline(), START_TIMEOUT)
            if line.strip() != b"ready":
                raise RuntimeError(f"the {which} bot did not start: {line!r}")
            await server.wait_gateway(OP_IDENTIFY)
            yield _Subject(which, server, child)
        finally:
            child.stdin.close()
            try:
                await asyncio.wait_for(child.wait(), 10)
            except TimeoutError:
                child.kill()
                await child.wait()


async def _load(subject: _Subject) -> None:
    """10,000 interactions in bursts; the rate, and RSS before and after."""
    gc.collect()
    await asyncio.sleep(0.5)
    idle = subject.rss()
    started, cpu = time.perf_counter(), subject.cpu_seconds()
    for _ in range(LOAD_TOTAL // BURST):
        await _answer_all(subject.server, subject.interactions(BURST))
    elapsed, cpu = time.perf_counter() - started, subject.cpu_seconds() - cpu
    await asyncio.sleep(0.5)
    loaded = subject.rss()
    latencies = subject.latencies
    subject.figures = {
        **summarise(latencies),
        "p90_ms": round(percentile(latencies, 90) * 1000, 4),
        "max_ms": round(max(latencies) * 1000, 3),
        "per_second": round(LOAD_TOTAL // BURST * BURST / elapsed, 1),
        "cpu_ms_per_interaction": round(cpu * 1000 / (LOAD_TOTAL // BURST * BURST), 4),
        "rss_idle_mb": round(idle / 2**20, 2),
        "rss_after_10k_mb": round(loaded / 2**20, 2),
        "rss_growth_mb": round((loaded - idle) / 2**20, 2),
    }


def _line(which: str, figures: dict[str, float]) -> str:
    rss = f"RSS {figures['rss_idle_mb']:.1f} MB idle -> {figures['rss_after_10k_mb']:.1f} MB"
    return (
        f"{which:>5}: p50 {figures['p50_ms']:.3f} ms  p99 {figures['p99_ms']:.3f} ms  "
        f"{figures['per_second']:.0f}/s  CPU {figures['cpu_ms_per_interaction']:.3f} ms each  "
        f"{rss} after {LOAD_TOTAL:,} (+{figures['rss_growth_mb']:.2f} MB)"
    )


async def _main(which: list[str]) -> dict[str, Any]:
    """Both bots run at once; latency samples alternate between them so that both see the
    same machine (other processes, CPU frequency), then each takes the load on its own."""
    async with contextlib.AsyncExitStack() as stack:
        subjects = [await stack.enter_async_context(_subject(name)) for name in which]
        for subject in subjects:
            for _ in range(WARMUP // BURST + 1):
                await _answer_all(subject.server, subject.interactions(BURST))
        for _ in range(LATENCY_RUNS):
            for subject in subjects:
                subject.latencies += await _answer_all(subject.server, subject.interactions(1))
        for subject in subjects:
            await _load(subject)
            print(_line(subject.which, subject.figures), flush=True)
    return {subject.which: subject.figures for subject in subjects}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", choices=sorted(BOTS), help=argparse.SUPPRESS)
    parser.add_argument("port", nargs="?", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=sorted(BOTS), action="append", help="bots to measure")
    args = parser.parse_args()
    if args.child:
        asyncio.run(_child(args.child, args.port))
        return 0
    versions = f"python {platform.python_version()}, discord.py {discord.__version__}"
    print(f"{versions}, {os.cpu_count()} CPUs")
    print(f"latency: {LATENCY_RUNS} one at a time, the bots alternating")
    print(f"load: {LOAD_TOTAL:,} in bursts of {BURST}")
    results = asyncio.run(_main(args.only or ["bare", "ours"]))
    summary: dict[str, Any] = {"bench": "e2e", **results}
    if "ours" in results and "observed" in results:
        overhead = results["observed"]["p50_ms"] / results["ours"]["p50_ms"] - 1
        summary["observed_p50_overhead"] = round(overhead, 3)
        print(f"observed/ours p50: {overhead:+.1%} (logging at INFO and metrics; target <= 5%)")
        cpu = (
            results["observed"]["cpu_ms_per_interaction"]
            / results["ours"]["cpu_ms_per_interaction"]
        )
        summary["observed_cpu_overhead"] = round(cpu - 1, 3)
        print(f"observed/ours CPU per interaction under load: {cpu - 1:+.1%}")
    if "bare" in results and "ours" in results:
        ratio = results["ours"]["p50_ms"] / results["bare"]["p50_ms"]
        summary["p50_ratio_vs_bare"] = round(ratio, 3)
        summary["p50_target_met"] = ratio <= TARGET_RATIO
        summary["growth_target_met"] = results["ours"]["rss_growth_mb"] < TARGET_GROWTH_MB
        print(f"ours/bare p50: {ratio:.2f}x (target <= {TARGET_RATIO}x)")
    print_summary(summary)
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
