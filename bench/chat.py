"""Chat reply latency in process: message text in, reply text out.

The messages are the chat evaluation's questions (tests/eval/qa.yaml: look-ups, typos, scenes,
quotes, follow-ups and questions the lore cannot answer), replayed conversation by conversation
against the shipped lore and against the shipped lore plus 10,000 synthetic entries. The ratio of
the two medians, measured in the same run, shows what a large lore costs a reply.
Target: p99 under 10 ms at 10,000 entries.

`--backend llm` measures the model voice instead, against the local OpenAI-compatible stand-in
(standin/openai_chat.py, in this process) answering at once with a reply that cites the first
passage it was given: each message is answered offline and then through the model path, one
after the other, so the two see the same machine. The added latency is the model path's time
minus the offline answer's, message by message (target: p99 under 5 ms). Then the stand-in stops
answering and each message must fall back within LLM_TIMEOUT + 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import time
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bench.stats import print_summary, summarise
from bench.synthetic import synthetic_lorebook
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
TIMEOUT = 0.25
"""LLM_TIMEOUT for the fall-back measurement (what is measured is the time past it)."""
TIMEOUTS = 20
PASSAGE = re.compile(r"^\[([a-z0-9-]+)\] ([^:\n]+):", re.MULTILINE)


def conversations() -> list[list[str]]:
    cases = yaml.safe_load(QA.read_text(encoding="utf-8"))["cases"]
    return [[turn["ask"] for turn in case.get("turns", [case])] for case in cases]


def replay(book: Lorebook, talks: list[list[str]], rounds: int) -> list[float]:
    """Seconds per reply, every conversation `rounds` times, each round in fresh channels."""
    answerer = Answerer(rng=random.Random(0))
    samples = []
    for round_ in range(rounds):
        for n, talk in enumerate(talks):
            for text in talk:
                started = time.perf_counter()
                answerer.answer(book, text, channel=(round_, n))
                samples.append(time.perf_counter() - started)
    return samples


def offline_main() -> None:
    talks = conversations()
    shipped = load_lore(REPO / "lore")
    large = synthetic_lorebook(SYNTHETIC, extra=list(shipped.entries))
    messages = sum(len(t) for t in talks)
    print(f"{messages} messages x {ROUNDS} rounds; shipped lore {len(shipped)} entries")
    results = {}
    for label, book in (("shipped", shipped), (f"synthetic_{SYNTHETIC}", large)):
        cold = summarise(replay(book, talks, 1))
        samples = replay(book, talks, ROUNDS)
        results[label] = summarise(samples)
        results[f"{label}_first_pass"] = cold
        figures = results[label]
        print(
            f"{label:>16} ({len(book):>6} entries): "
            f"p50 {figures['p50_ms']:.3f} ms  p99 {figures['p99_ms']:.3f} ms  "
            f"max {max(samples) * 1000:.3f} ms  "
            f"(first pass, caches cold: p50 {cold['p50_ms']:.3f} ms  p99 {cold['p99_ms']:.3f} ms)"
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


async def llm_main() -> None:
    talks = conversations()
    book = load_lore(REPO / "lore")
    book.facts  # noqa: B018 - built once up front, as the cog does off the loop
    clocks: dict[str, dict[str, list[float]]] = {
        clock: {"offline": [], "llm": [], "added": []} for clock in ("wall", "cpu")
    }
    outcomes = Counter[str]()
    async with running() as standin:
        standin.answer(Step(grounded))
        voice = voice_for(LlmOptions(standin.base_url, "standin", daily_tokens=10**12))
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
        standin.answer(Step(grounded, delay=4 * TIMEOUT))
        late = voice_for(LlmOptions(standin.base_url, "standin", timeout=TIMEOUT))
        waits = [
            await timed(late, offline, book, "who is Lermontov?", "t", 1) for _ in range(TIMEOUTS)
        ]
        for made in (voice, late):
            assert made is not None
            await made.close()
    assert {outcome for *_, outcome in waits} == {"timeout"}, waits
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
    past = summarise([seconds - TIMEOUT for seconds, *_ in waits])
    print(
        f"timeout {TIMEOUT * 1000:.0f} ms x {TIMEOUTS}: fell back p50 +{past['p50_ms']:.1f} ms, "
        f"p99 +{past['p99_ms']:.1f} ms past it (target: < 50 ms)"
    )
    print_summary(
        {
            **{f"{k}_{m}": v for k, fig in shown.items() for m, v in fig.items()},
            "p50_ratio": round(ratio, 2),
            "outcomes": dict(outcomes),
            "timeout_ms": TIMEOUT * 1000,
            **{f"past_timeout_{m}": v for m, v in past.items()},
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.chat", description=__doc__)
    parser.add_argument("--backend", choices=["offline", "llm"], default="offline")
    if parser.parse_args().backend == "llm":
        asyncio.run(llm_main())
    else:
        offline_main()


if __name__ == "__main__":
    main()
