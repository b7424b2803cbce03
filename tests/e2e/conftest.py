"""Fixtures for the end-to-end layer: a stand-in Discord per test, and a bot running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from standin.discord_process import DiscordProcess, discord_process
from standin.fake_discord import FakeDiscord


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A stand-in on an ephemeral loopback port; every body the bot sent must have been valid."""
    async with FakeDiscord() as server:
        with server.pointed_at():
            yield server
    assert server.invalid == [], "\n".join(server.invalid)


@pytest.fixture
async def discord_apart() -> AsyncIterator[DiscordProcess]:
    """The same stand-in in a process of its own, for the tests that time the bot: its work
    (dispatching, reading and checking each answer) no longer takes turns with the bot's."""
    async with discord_process() as server:
        with server.pointed_at():
            yield server
        invalid = await server.invalid()
    assert invalid == [], "\n".join(invalid)
