"""Chat reply latency in process: message text in, reply text out.

The messages are the chat evaluation's questions (tests/eval/qa.yaml: look-ups, typos, scenes,
quotes, follow-ups and questions the lore cannot answer), replayed conversation by conversation
against the shipped lore and against the shipped lore plus 10,000 synthetic entries. The ratio of
the two medians, measured in the same run, shows what a large lore costs a reply.
Target: p99 under 10 ms at 10,000 entries.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import yaml

from bench.stats import print_summary, summarise
from bench.synthetic import synthetic_lorebook
from bot.lore.loader import load_lore
from bot.lore.lorebook import Lorebook
from bot.persona.chat import Answerer

REPO = Path(__file__).resolve().parent.parent
QA = REPO / "tests" / "eval" / "qa.yaml"
ROUNDS = 20
SYNTHETIC = 10_000


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


def main() -> None:
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


if __name__ == "__main__":
    main()
