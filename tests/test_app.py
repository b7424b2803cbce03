"""The bot itself: intents, extensions, command sync only on change, shards, the error handler."""

from __future__ import annotations

from pathlib import Path

import discord
from discord import app_commands

from bot.app import (
    EXTENSIONS,
    SYNC_STATE,
    RedShoesBot,
    ShardedRedShoesBot,
    create_bot,
    intents,
    run_bot,
)
from bot.config import Settings
from bot.offline.harness import Harness
from tests.conftest import LORE_DIR


def _settings(tmp_path: Path, **extra) -> Settings:
    return Settings(_env_file=None, lore_dir=LORE_DIR, data_dir=tmp_path / "data", **extra)


def test_no_privileged_intent_is_asked_for():
    chosen = intents()
    assert not chosen.message_content and not chosen.members and not chosen.presences
    assert chosen.guilds and chosen.guild_messages and chosen.dm_messages


def test_shards_choose_the_sharded_bot(tmp_path, lorebook):
    assert type(create_bot(_settings(tmp_path), lorebook)) is RedShoesBot
    sharded = create_bot(_settings(tmp_path, shard_count=4, shard_ids=(0, 1)), lorebook)
    assert isinstance(sharded, ShardedRedShoesBot)
    assert isinstance(sharded, discord.AutoShardedClient)
    assert sharded.shard_count == 4 and sharded.shard_ids == [0, 1]


async def test_every_extension_is_loaded_with_the_lore(harness: Harness, lorebook):
    assert set(EXTENSIONS) <= set(harness.bot.extensions)
    assert harness.bot.library.shipped is lorebook
    names = {c.name for c in harness.bot.tree.get_commands()}
    assert {
        "film",
        "character",
        "person",
        "ballet",
        "story",
        "quote",
        "andersen",
        "search",
        "lermontov",
        "help",
    } <= names


def recorded_syncs(bot, monkeypatch) -> list[object]:
    """Where `bot` syncs its commands to ("global" or a guild id), instead of syncing."""
    synced: list[object] = []

    async def fake_sync(*, guild=None):
        synced.append(guild.id if guild else "global")
        return []

    monkeypatch.setattr(bot.tree, "sync", fake_sync)
    return synced


async def test_commands_sync_only_when_they_changed(harness: Harness, tmp_path, monkeypatch):
    bot = harness.bot
    synced = recorded_syncs(bot, monkeypatch)
    assert await bot.sync_commands() is True
    assert await bot.sync_commands() is False
    assert synced == ["global"]
    assert (bot.settings.data_dir / SYNC_STATE).exists()

    bot.settings = _settings(tmp_path, dev_guild_id=777)
    assert await bot.sync_commands() is True
    assert synced == ["global", 777]
    assert bot.tree.get_command("film", guild=discord.Object(777)) is not None

    @app_commands.command(description="A new command changes the hash.")
    async def encore(interaction: discord.Interaction) -> None:
        """Unused body: only the definition matters here."""

    bot.tree.add_command(encore)
    assert await bot.sync_commands() is True
    assert await bot.sync_commands() is False
    assert synced == ["global", 777, 777]


async def test_only_the_process_serving_shard_0_syncs(harness: Harness, tmp_path, monkeypatch):
    bot = harness.bot
    synced = recorded_syncs(bot, monkeypatch)
    bot.settings = _settings(tmp_path, shard_count=4, shard_ids=(2, 3))
    assert await bot.sync_commands() is False
    assert synced == []
    bot.settings = _settings(tmp_path, shard_count=4, shard_ids=(1, 0))
    assert await bot.sync_commands() is True
    assert synced == ["global"]


async def test_a_corrupt_sync_state_just_syncs_again(harness: Harness, monkeypatch):
    bot = harness.bot
    path = bot.settings.data_dir / SYNC_STATE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json", encoding="utf-8")

    async def fake_sync(*, guild=None):
        return []

    monkeypatch.setattr(bot.tree, "sync", fake_sync)
    assert await bot.sync_commands() is True
    assert await bot.sync_commands() is False


async def test_check_failures_are_refused_in_character_without_a_traceback(
    harness: Harness, lorebook, caplog
):
    def never(interaction: discord.Interaction) -> bool:
        return False

    @app_commands.command(description="Guarded.")
    @app_commands.check(never)
    async def guarded(interaction: discord.Interaction) -> None:
        """Never runs: the check refuses first."""

    harness.bot.tree.add_command(guarded)
    exchange = await harness.command("guarded")
    assert exchange.data["content"] in lorebook.persona("forbidden")
    assert exchange.data["flags"] == 64
    assert "Traceback" not in caplog.text


def test_run_bot_reports_an_unreachable_discord_in_one_line(tmp_path, monkeypatch, caplog):
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.AbCdEf.shaped-like-a-token-but-not-one"

    async def unreachable(self, *args, **kwargs):
        raise OSError("Cannot connect to host discord.com:443")

    monkeypatch.setattr(RedShoesBot, "start", unreachable)
    assert run_bot(_settings(tmp_path, discord_token=token)) == 1
    [record] = [r for r in caplog.records if r.name == "bot.app"]
    assert record.getMessage() == (
        "cannot start: Discord cannot be reached (Cannot connect to host discord.com:443); "
        "check the network"
    )
    assert token not in caplog.text
    assert not (tmp_path / "data").exists()


def test_run_bot_reports_a_refused_token_without_echoing_it(tmp_path, monkeypatch, caplog):
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4.AbCdEf.shaped-like-a-token-but-not-one"

    async def refused(self, *args, **kwargs):
        raise discord.LoginFailure("Improper token has been passed.")

    monkeypatch.setattr(RedShoesBot, "start", refused)
    assert run_bot(_settings(tmp_path, discord_token=token)) == 1
    assert "Discord refused the token" in caplog.text
    assert token not in caplog.text


async def test_the_view_cache_bounds_come_from_the_settings(tmp_path, lorebook):
    settings = _settings(tmp_path, view_cache_size=50, view_cache_mb=8)
    async with Harness.running(create_bot(settings, lorebook)) as running:
        assert running.bot.library.views.max_views == 50
        assert running.bot.library.views.max_bytes == 8 * 1024 * 1024


async def test_a_command_after_shutdown_began_is_answered_not_run(harness: Harness):
    harness.bot.stopping = True
    exchange = await harness.command("character", name="vicky")
    assert exchange.data["content"].endswith(" The bot is restarting; ask again in a minute.")
    assert exchange.data["flags"] == 64
    assert "embeds" not in exchange.data
