"""Fixtures for the end-to-end layer: a stand-in Discord per test, and a bot running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from standin.fake_discord import FakeDiscord


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A stand-in on an ephemeral loopback port; every body the bot sent must have been valid."""
    async with FakeDiscord() as server:
        with server.pointed_at():
            yield server
    assert server.invalid == [], "\n".join(server.invalid)
