"""SIGTERM mid-load on a bot process: everything received is answered once, the database is
intact, the process exits 0, and a restart serves again."""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from pathlib import Path

from bot.lore.store.database import DB_NAME
from standin.fake_discord import OP_IDENTIFY, TOKEN, FakeDiscord
from tests.conftest import LORE_DIR, REPO

START_WITHIN = 30.0


async def _start(fake_discord: FakeDiscord, data_dir: Path) -> asyncio.subprocess.Process:
    """A bot process on the stand-in, answering (its first /film is answered)."""
    identified = fake_discord.gateway_ops.count(OP_IDENTIFY)
    child = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "tests.e2e.bot_process", str(fake_discord.port)),
        cwd=data_dir.parent,
        env={
            "PATH": "/usr/bin:/bin",
            "PYTHONPATH": str(REPO),
            "DISCORD_TOKEN": TOKEN,
            "DATA_DIR": str(data_dir),
            "LORE_DIR": str(LORE_DIR),
        },
        stderr=asyncio.subprocess.PIPE,
    )
    await fake_discord.wait_gateway(OP_IDENTIFY, identified + 1, within=START_WITHIN)
    [probe] = await fake_discord.interact(fake_discord.slash("film"))
    await fake_discord.callback(probe, within=START_WITHIN)
    return child


async def _stop(child: asyncio.subprocess.Process) -> tuple[int, str]:
    child.send_signal(signal.SIGTERM)
    _, err = await asyncio.wait_for(child.communicate(), 20.0)
    assert child.returncode is not None
    return child.returncode, err.decode()


async def test_sigterm_mid_load_answers_everything_once_and_restarts_cleanly(
    fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    child = await _start(fake_discord, data_dir)
    names = ["vicky", "lermontov", "julian", "boris"]
    burst = [fake_discord.slash("character", name=names[i % 4]) for i in range(200)]
    ids = await fake_discord.interact(*burst)
    await fake_discord.callback(ids[0], within=START_WITHIN)  # the bot is working through them
    code, log = await _stop(child)
    assert code == 0, log
    assert all(len(fake_discord.callbacks[i]) == 1 for i in ids), [
        i for i in ids if len(fake_discord.callbacks[i]) != 1
    ]
    assert "shutting down" in log and "Traceback" not in log
    with sqlite3.connect(data_dir / DB_NAME) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    again = await _start(fake_discord, data_dir)
    [look] = await fake_discord.interact(fake_discord.slash("character", name="vicky"))
    answer = await fake_discord.callback(look, within=START_WITHIN)
    assert answer.body["type"] == 4
    code, log = await _stop(again)
    assert code == 0, log
