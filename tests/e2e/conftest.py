"""Fixtures for the end-to-end layer: a stand-in Discord per test, and a bot running against it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import discord
import pytest

from tests.e2e.fake_discord import TOKEN, FakeDiscord

START_TIMEOUT = 10.0


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A stand-in on an ephemeral loopback port; every body the bot sent must have been valid."""
    async with FakeDiscord() as server:
        with server.pointed_at():
            yield server
    assert server.invalid == [], "\n".join(server.invalid)


@contextlib.asynccontextmanager
async def running(client: discord.Client) -> AsyncIterator[discord.Client]:
    """Log `client` in, connect it, wait for on_ready; always close it on the way out."""
    task = asyncio.create_task(client.start(TOKEN))
    try:
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait(
            {task, ready}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if task in done:
                task.result()  # the start-up failure, with its traceback
            raise AssertionError(f"the bot was not ready within {START_TIMEOUT}s")
        yield client
    finally:
        await client.close()
        await asyncio.wait_for(task, timeout=5)
