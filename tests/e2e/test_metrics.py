"""The metrics endpoint after a scripted session counts what was sent; /healthz follows the
bot's life: 503 while it starts, 200 once ready, 503 again while it shuts down."""

from __future__ import annotations

from pathlib import Path

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from bot.app import RedShoesBot
from bot.lore.lorebook import Lorebook
from standin.fake_discord import BOT_ID, FakeDiscord, running
from tests.e2e.test_bot import DISCORD_WINDOW, MESSAGES, ask, build_bot


async def _get(bot: RedShoesBot, path: str) -> tuple[int, str]:
    assert bot.monitor is not None and bot.monitor.port
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{bot.monitor.port}{path}") as response,
    ):
        return response.status, await response.text()


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_a_scripted_session_is_counted_and_healthz_flips(
    fake_discord: FakeDiscord, tmp_path: Path, lorebook: Lorebook
) -> None:
    bot = build_bot(tmp_path / "data", metrics_port=0)
    health: list[int] = []
    synced = bot.sync_commands

    async def sync_after_a_probe() -> bool:  # logged in, lore loaded, not yet connected
        health.append((await _get(bot, "/healthz"))[0])
        return await synced()

    bot.sync_commands = sync_after_a_probe  # type: ignore[method-assign]
    async with running(bot):
        health.append((await _get(bot, "/healthz"))[0])
        for name in ("vicky", "lermontov"):
            await ask(fake_discord, fake_discord.slash("character", name=name))
        await ask(fake_discord, fake_discord.slash("film"))
        await ask(fake_discord, fake_discord.autocomplete("character", "name", "vic"))
        await ask(fake_discord, fake_discord.slash("lore", {"name": "export", "type": 1}))
        await fake_discord.send_message(f"<@{BOT_ID}> who played Lermontov?")
        await fake_discord.wait_for(lambda r: r.route == MESSAGES, within=DISCORD_WINDOW)
        status, text = await _get(bot, "/metrics")
        closing = bot.guild_store.close

        async def close_after_a_probe() -> None:  # shutting down, the store not yet closed
            health.append((await _get(bot, "/healthz"))[0])
            await closing()

        bot.guild_store.close = close_after_a_probe  # type: ignore[method-assign]
    assert health == [503, 200, 503]
    assert status == 200
    got = _samples(text)

    def interactions(command: str, outcome: str) -> float:
        key = (("command", command), ("outcome", outcome))
        return got.get(("redshoes_interactions_total", key), 0)

    assert interactions("/character", "ok") == 2
    assert interactions("/film", "ok") == 1
    assert interactions("/lore export", "refused") == 1
    assert got[("redshoes_latency_seconds_count", (("kind", "command"),))] == 4
    completed = (("kind", "autocomplete"), ("name", "/character"))
    assert got[("redshoes_ui_interactions_total", completed)] == 1
    assert got[("redshoes_latency_seconds_count", (("kind", "autocomplete"),))] == 1
    assert got[("redshoes_chat_replies_total", (("outcome", "answered"),))] == 1
    assert got[("redshoes_latency_seconds_count", (("kind", "chat"),))] == 1
    assert got[("redshoes_lore_reloads_total", (("result", "ok"),))] == 0
    assert got[("redshoes_store_errors_total", ())] == 0
    assert got[("redshoes_servers", ())] == len(bot.guilds) == 1
    assert got[("redshoes_lore_entries", ())] == len(lorebook)
