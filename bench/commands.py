"""Command handling in process: interaction payload in, response payload out, per command.

Each sample is one `INTERACTION_CREATE` payload fed to discord.py's `ConnectionState` (the
real CommandTree, cogs and render) until the recorder holds the bot's answer. Run with the
shipped lore and with 10,000 synthetic entries merged into it; the baseline is a command that
answers "ok" without touching the lore, so the ratios show what the lore work itself costs.

    python -m bench.commands
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import discord

from bench.stats import print_summary, summarise
from bench.synthetic import synthetic_lorebook
from bot.app import create_bot
from bot.config import Settings
from bot.lore.loader import load_lore
from bot.lore.lorebook import Lorebook
from bot.offline.harness import Harness

REPEAT = 400
WARMUP = 20
TARGETS_MS = {"lookup": 5.0, "autocomplete": 2.0}

Case = tuple[str, str, Callable[[Harness], dict[str, Any]]]


def _cases(book: Lorebook) -> list[Case]:
    """(name, category, payload builder) for each command measured."""
    return [
        ("baseline /ping", "baseline", lambda h: h.command_payload("ping", {})),
        (
            "/character name:<id>",
            "lookup",
            lambda h: h.command_payload("character", {"name": "vicky-page"}),
        ),
        (
            "/character name:typed",
            "lookup",
            lambda h: h.command_payload("character", {"name": "Vicky Paige"}),
        ),
        (
            "/person name:<id>",
            "lookup",
            lambda h: h.command_payload("person", {"name": "moira-shearer"}),
        ),
        ("/film", "lookup", lambda h: h.command_payload("film", {})),
        ("/story", "lookup", lambda h: h.command_payload("story", {})),
        ("/quote search:", "lookup", lambda h: h.command_payload("quote", {"search": "why dance"})),
        (
            "/search query:",
            "lookup",
            lambda h: h.command_payload("search", {"query": "red shoes ballet"}),
        ),
        (
            "/character unknown",
            "lookup",
            lambda h: h.command_payload("character", {"name": "ballerina dog"}),
        ),
        (
            "autocomplete character 'lerm'",
            "autocomplete",
            lambda h: h.command_payload("character", {"name": "lerm"}, focused="name"),
        ),
        (
            "autocomplete person 'shearr'",
            "autocomplete",
            lambda h: h.command_payload("person", {"name": "shearr"}, focused="name"),
        ),
        (
            "autocomplete character ''",
            "autocomplete",
            lambda h: h.command_payload("character", {"name": ""}, focused="name"),
        ),
    ]


def _add_baseline(bot: discord.Client) -> None:
    @discord.app_commands.command(description="Answers ok; the floor every command stands on.")
    async def ping(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "ok", allowed_mentions=discord.AllowedMentions.none()
        )

    bot.tree.add_command(ping)  # type: ignore[attr-defined]


async def _measure(book: Lorebook) -> dict[str, dict[str, Any]]:
    with tempfile.TemporaryDirectory() as data:
        settings = Settings(_env_file=None, data_dir=Path(data))
        bot = create_bot(settings, book)
        async with Harness.running(bot) as harness:
            _add_baseline(bot)
            results = {}
            for name, category, build in _cases(book):
                samples = []
                for i in range(WARMUP + REPEAT):
                    payload = build(harness)
                    started = time.perf_counter()
                    await harness.dispatch(payload).done()
                    if i >= WARMUP:
                        samples.append(time.perf_counter() - started)
                    harness.recorder.calls.clear()
                    harness.recorder.messages.clear()
                results[name] = {**summarise(samples), "category": category}
            return results


def main() -> int:
    logging.disable(logging.WARNING)
    shipped = load_lore(Path("lore"))
    big = synthetic_lorebook(10_000, extra=list(shipped.entries))
    summary: dict[str, Any] = {}
    for label, book in (("shipped", shipped), ("10k", big)):
        results = asyncio.run(_measure(book))
        base = results["baseline /ping"]["p50_ms"]
        print(f"\n{label} lore ({len(book)} entries)   p50 ms   p99 ms   p50 vs baseline")
        for name, figures in results.items():
            ratio = figures["p50_ms"] / base if base else 0.0
            print(f"  {name:32} {figures['p50_ms']:7.3f}  {figures['p99_ms']:7.3f}   {ratio:5.1f}x")
        summary[label] = {
            n: {k: v for k, v in f.items() if k != "category"} for n, f in results.items()
        }
        if label == "10k":
            for category, target in TARGETS_MS.items():
                worst = max(f["p99_ms"] for f in results.values() if f["category"] == category)
                verdict = "met" if worst < target else "MISSED"
                print(
                    f"  target p99 < {target} ms for {category}: worst {worst:.3f} ms ({verdict})"
                )
                summary[f"worst_p99_ms_{category}_10k"] = worst
    print_summary(summary)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
