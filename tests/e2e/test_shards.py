"""Two bot processes, one shard each (`SHARD_COUNT=2`, `SHARD_IDS=0` and `1`), on one PostgreSQL
and the Discord stand-in, which sends each server's events to the shard that owns it
(`(guild_id >> 22) % 2`): each process answers its own servers; a moderator's edit through one
is read by another process (`ask --guild`) from the shared database; restarting one process
leaves the other's quiz running. A server's look-ups always reach the shard that owns it, so
the edit cannot be looked up through the other shard's process; that notices reach other
processes' cached views is tested on the stores (tests/lore/test_store_postgres.py)."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path
from typing import Any

import asyncpg

from bot.lore.lorebook import Lorebook
from standin.fake_discord import (
    GUILD_ID,
    MODERATOR,
    OP_IDENTIFY,
    TOKEN,
    FakeDiscord,
    Request,
    subcommand,
)
from standin.postgres import PostgresServer
from tests.conftest import LORE_DIR, REPO
from tests.test_main import run_cli

START_WITHIN = 40.0
OTHER_GUILD = GUILD_ID + (1 << 22)
"""A second server, owned by the other shard (the shard is the id's bits above 22, mod 2)."""


async def start(discord: FakeDiscord, url: str, shard: int, data_dir: Path):
    """A bot process serving `shard` of 2, answering (its first /film is answered)."""
    identified = discord.gateway_ops.count(OP_IDENTIFY)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.e2e.bot_process", str(discord.port), cwd=data_dir.parent,
        env={
            "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "DISCORD_TOKEN": TOKEN,
            "DATA_DIR": str(data_dir), "LORE_DIR": str(LORE_DIR), "DATABASE_URL": url,
            "SHARD_COUNT": "2", "SHARD_IDS": str(shard),
        },
        stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    await discord.wait_gateway(OP_IDENTIFY, identified + 1, within=START_WITHIN)
    guild = GUILD_ID if discord.shard_of(GUILD_ID) == shard else OTHER_GUILD
    await answer(discord, discord.slash("film", guild=guild), within=START_WITHIN)
    return child


async def stop(child: asyncio.subprocess.Process) -> str:
    child.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(child.communicate(), 30.0)
    assert child.returncode == 0, err.decode()
    return err.decode()


async def answer(discord: FakeDiscord, payload: dict[str, Any], within: float = 10.0) -> Request:
    [sent] = await discord.interact(payload)
    return await discord.callback(sent, within=within)


async def test_two_shard_processes_share_one_database_and_keep_to_their_servers(
    postgres: PostgresServer, tmp_path: Path, lorebook: Lorebook
) -> None:
    vicky = lorebook.find("vicky", ["character"])
    assert vicky is not None
    assert {GUILD_ID >> 22 & 1, OTHER_GUILD >> 22 & 1} == {0, 1}
    url = postgres.new_database()
    async with FakeDiscord(shard_count=2, guilds=(GUILD_ID, OTHER_GUILD), lifetime=300) as discord:
        mine, theirs = discord.shard_of(GUILD_ID), discord.shard_of(OTHER_GUILD)
        owner = await start(discord, url, mine, tmp_path / "a")
        other = await start(discord, url, theirs, tmp_path / "b")
        try:
            # Each server's interactions reach the process serving its shard, and are answered.
            for guild, shard in ((GUILD_ID, mine), (OTHER_GUILD, theirs)):
                [sent] = await discord.interact(
                    discord.slash("character", name="vicky", guild=guild)
                )
                assert (await discord.callback(sent)).body["type"] == 4
                assert discord.delivered[sent] == shard

            # A moderator's edit through the owner lands in the shared database.
            edit = discord.slash("lore", subcommand("edit", entry=vicky.id), person=MODERATOR)
            form = await answer(discord, edit)
            assert form.body["type"] == 9, form.body
            summary = "A dancer asked, once, why she wants to dance."
            await answer(discord, discord.modal_submit(form.body["data"], {"Summary": summary}))
            looked = await answer(discord, discord.slash("character", name="vicky"))
            assert summary in str(looked.body)
            asked = await asyncio.to_thread(
                run_cli, "ask", "--guild", str(GUILD_ID), "who is vicky?",
                cwd=tmp_path, env={"DATABASE_URL": url, "LORE_DIR": str(LORE_DIR)},
            )  # fmt: skip
            assert asked.returncode == 0, asked.stderr
            assert summary in asked.stdout  # another process read it from the shared database

            # A quiz in the owner's server survives the other process's restart.
            started = await answer(discord, discord.slash("quiz", subcommand("start", rounds=3)))
            assert started.body["type"] in (4, 5)
            conn = await asyncpg.connect(url)
            running = "SELECT COUNT(*) FROM quiz_game WHERE guild_id = $1 AND ended_at IS NULL"
            assert await conn.fetchval(running, GUILD_ID) == 1
            await stop(other)
            other = await start(discord, url, theirs, tmp_path / "b")
            assert await conn.fetchval(running, GUILD_ID) == 1
            stopped = await answer(discord, discord.slash("quiz", subcommand("stop")))
            assert stopped.body["type"] == 4
            await asyncio.sleep(0.5)
            assert await conn.fetchval(running, GUILD_ID) == 0
            await conn.close()
        finally:
            for child in (owner, other):
                if child.returncode is None:
                    child.send_signal(signal.SIGTERM)
                    await asyncio.wait_for(child.communicate(), 30.0)
