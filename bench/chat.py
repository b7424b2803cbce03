"""Chat reply latency in process: message text in, reply text out.

The messages are the chat evaluation's questions (tests/eval/qa.yaml: look-ups, typos, scenes,
quotes, follow-ups and questions the lore cannot answer), replayed conversation by conversation
against the shipped lore and against the shipped lore plus 10,000 synthetic entries. The ratio of
the two medians, measured in the same run, shows what a large lore costs a reply.
Target: p99 under 10 ms at 10,000 entries.

`--backend llm` measures the model voice instead, against the local OpenAI-compatible stand-in
(standin/openai_chat.py) answering at once with a reply that cites the first passage it was
given, in a process of its own as a model server is (so the CPU clock counts the bot's process
only; wall time still holds the stand-in's turn): each message is answered offline and then
through the model path, one after the other, so the two see the same machine. The added latency
is the model path's time minus the offline answer's, message by message (target: p99 under
5 ms). Then a stand-in that never answers in time: each message must fall back within
LLM_TIMEOUT + 50 ms, at a short timeout and at the default one.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import yaml

from bench.stats import print_summary, summarise
from bench.synthetic import synthetic_lorebook
from bot.lore.bulk import freeze_long_lived
from bot.lore.loader import load_lore
from bot.lore.lorebook import Lorebook
from bot.persona.chat import Answerer
from bot.persona.llm.options import LlmOptions
from bot.persona.llm.reply import respond, voice_for
from standin.openai_chat import Step, completion, running

REPO = Path(__file__).resolve().parent.parent
QA = REPO / "tests" / "eval" / "qa.yaml"
ROUNDS = 20
SYNTHETIC = 10_000
LLM_ROUNDS = 5
TIMEOUTS = ((0.25, 20), (LlmOptions.timeout, 5))
"""LLM_TIMEOUTs for the fall-back measurement (what is measured is the time past each), and how
many replies wait out each: a short one, and the default."""
PASSAGE = re.compile(r"^\[([a-z0-9-]+)\] ([^:\n]+):", re.MULTILINE)


def conversations() -> list[list[str]]:
    cases = yaml.safe_load(QA.read_text(encoding="utf-8"))["cases"]
    return [[turn["ask"] for turn in case.get("turns", [case])] for case in cases]


def replay(book: Lorebook, talks: list[list[str]], rounds: int) -> tuple[list[float], list[float]]:
    """Seconds per reply, wall and CPU (what a reply costs whoever else runs on the machine),
    every conversation `rounds` times, each round in fresh channels."""
    answerer = Answerer(rng=random.Random(0))
    wall, cpu = [], []
    for round_ in range(rounds):
        for n, talk in enumerate(talks):
            for text in talk:
                started, spent = time.perf_counter(), time.process_time()
                answerer.answer(book, text, channel=(round_, n))
                wall.append(time.perf_counter() - started)
                cpu.append(time.process_time() - spent)
    return wall, cpu


def offline_main() -> None:
    talks = conversations()
    shipped = load_lore(REPO / "lore")
    large = synthetic_lorebook(SYNTHETIC, extra=list(shipped.entries))
    messages = sum(len(t) for t in talks)
    print(f"{messages} messages x {ROUNDS} rounds; shipped lore {len(shipped)} entries")
    results = {}
    for label, book in (("shipped", shipped), (f"synthetic_{SYNTHETIC}", large)):
        cold = summarise(replay(book, talks, 1)[0])
        wall, cpu = replay(book, talks, ROUNDS)
        results[label] = summarise(wall)
        results[f"{label}_cpu"] = summarise(cpu)
        results[f"{label}_first_pass"] = cold
        figures, spent = results[label], results[f"{label}_cpu"]
        print(
            f"{label:>16} ({len(book):>6} entries): "
            f"p50 {figures['p50_ms']:.3f} ms  p99 {figures['p99_ms']:.3f} ms  "
            f"max {max(wall) * 1000:.3f} ms  (CPU p50 {spent['p50_ms']:.3f} ms  "
            f"p99 {spent['p99_ms']:.3f} ms; first pass, caches cold: p50 {cold['p50_ms']:.3f} ms  "
            f"p99 {cold['p99_ms']:.3f} ms)"
        )
    ratio = results[f"synthetic_{SYNTHETIC}"]["p50_ms"] / results["shipped"]["p50_ms"]
    print(f"p50 ratio synthetic/shipped: {ratio:.2f}x  (target: p99 < 10 ms at {SYNTHETIC:,})")
    print_summary(
        {
            "messages": messages * ROUNDS,
            **{f"{k}_{m}": v for k, fig in results.items() for m, v in fig.items()},
            "p50_ratio": round(ratio, 2),
        }
    )


def grounded(request: dict[str, Any]) -> dict[str, Any]:
    """The stand-in's instant reply: the first passage's name, citing it (passes the checker)."""
    entry_id, name = PASSAGE.findall(request["messages"][0]["content"])[0]
    return completion(f"{name} it is [{entry_id}].")


async def timed(*args: Any) -> tuple[float, float, str]:
    """Wall and CPU seconds of one reply (CPU is what the path costs whoever else is running;
    it includes the stand-in's side, in this process), and how it was phrased."""
    wall, cpu = time.perf_counter(), time.process_time()
    reply = await respond(*args)
    spent = time.perf_counter() - wall, time.process_time() - cpu
    return *spent, reply.fallback or reply.backend


@asynccontextmanager
async def standin_process(delay: float) -> AsyncIterator[str]:
    """The stand-in's base URL, served by a child process answering after `delay` seconds."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.chat", "--standin", str(delay), stdout=asyncio.subprocess.PIPE
    )
    assert child.stdout is not None
    try:
        yield (await child.stdout.readline()).decode().strip()
    finally:
        child.terminate()
        await child.wait()


async def serve_standin(delay: float) -> None:
    """The child's side: serve grounded replies after `delay`, print the URL, run until ended."""
    async with running() as standin:
        standin.answer(Step(grounded, delay=delay))
        print(standin.base_url, flush=True)
        await asyncio.Event().wait()


async def fallbacks(book: Lorebook, limit: float, times: int) -> list[float]:
    """Seconds past LLM_TIMEOUT = `limit` each of `times` replies took, the stand-in late."""
    offline = Answerer(rng=random.Random(0))
    async with standin_process(4 * limit) as url:
        late = voice_for(LlmOptions(url, "standin", timeout=limit))
        assert late is not None
        asked = "who is Lermontov?"
        waits = [await timed(late, offline, book, asked, "t", 1) for _ in range(times)]
        await late.close()
    assert {outcome for *_, outcome in waits} == {"timeout"}, waits
    return [seconds - limit for seconds, *_ in waits]


async def llm_main() -> None:
    talks = conversations()
    book = load_lore(REPO / "lore")
    book.facts  # noqa: B018 - built once up front, as the cog does off the loop
    clocks: dict[str, dict[str, list[float]]] = {
        clock: {"offline": [], "llm": [], "added": []} for clock in ("wall", "cpu")
    }
    outcomes = Counter[str]()
    async with standin_process(0.0) as url:
        voice = voice_for(LlmOptions(url, "standin", daily_tokens=10**12))
        assert voice is not None
        # As the bot does once its lore and extensions (the voice, the client library) are
        # loaded: what lives as long as the bot is kept out of the collector's full passes.
        freeze_long_lived()
        offline, phrased = Answerer(rng=random.Random(0)), Answerer(rng=random.Random(0))
        for round_ in range(LLM_ROUNDS + 1):  # round 0 warms the client's connection up
            for n, talk in enumerate(talks):
                for text in talk:
                    *alone, _ = await timed(None, offline, book, text, (round_, n), 1)
                    *took, outcome = await timed(voice, phrased, book, text, (round_, n), 1)
                    if round_ == 0:
                        continue
                    outcomes[outcome] += 1
                    if outcome != "llm":
                        continue
                    for samples, bare, through in zip(clocks.values(), alone, took, strict=True):
                        samples["offline"].append(bare)
                        samples["llm"].append(through)
                        samples["added"].append(through - bare)
        await voice.close()
    shown = {
        f"{clock}_{label}": summarise(samples)
        for clock, series in clocks.items()
        for label, samples in series.items()
    }
    for label, figures in shown.items():
        print(f"{label:>12}: p50 {figures['p50_ms']:.3f} ms  p99 {figures['p99_ms']:.3f} ms")
    ratio = shown["wall_llm"]["p50_ms"] / shown["wall_offline"]["p50_ms"]
    print(f"p50 ratio llm/offline (wall): {ratio:.2f}x  (target: added p99 < 5 ms)")
    print(f"outcomes: {dict(outcomes)}")
    past = {}
    for timeout, times in TIMEOUTS:
        past[timeout] = summarise(await fallbacks(book, timeout, times))
        print(
            f"timeout {timeout * 1000:.0f} ms x {times}: fell back p50 "
            f"+{past[timeout]['p50_ms']:.1f} ms, worst +{past[timeout]['p99_ms']:.1f} ms past it"
            " (target: < 50 ms)"
        )
    print_summary(
        {
            **{f"{k}_{m}": v for k, fig in shown.items() for m, v in fig.items()},
            "p50_ratio": round(ratio, 2),
            "outcomes": dict(outcomes),
            **{
                f"past_timeout_{timeout * 1000:.0f}ms_{m}": v
                for timeout, figures in past.items()
                for m, v in figures.items()
            },
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.chat", description=__doc__)
    parser.add_argument("--backend", choices=["offline", "llm"], default="offline")
    parser.add_argument("--standin", type=float, metavar="DELAY", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.standin is not None:
        asyncio.run(serve_standin(args.standin))
    elif args.backend == "llm":
        asyncio.run(llm_main())
    else:
        offline_main()


if __name__ == "__main__":
    main()
