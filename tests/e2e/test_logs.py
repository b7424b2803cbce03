"""The logs of a whole session, at DEBUG, never hold the token (nor any of its three parts)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from standin.fake_discord import BOT_ID, TOKEN, FakeDiscord, running
from tests.e2e.test_bot import MESSAGES, _invocations, ask, build_bot


async def test_a_whole_session_logged_at_debug_never_shows_the_token(
    fake_discord: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with running(build_bot(tmp_path / "data")):
        for command in fake_discord.commands.values():
            for _label, interaction in await _invocations(fake_discord, command):
                await ask(fake_discord, interaction)
        await ask(fake_discord, fake_discord.autocomplete("character", "name", "vic"))
        await fake_discord.send_message(f"<@{BOT_ID}> who played Lermontov?")
        await fake_discord.wait_for(
            lambda r: r.route == MESSAGES and "message_reference" in r.body, within=30.0
        )
    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert "interaction kind=application_command command=/film" in logged
    assert "chat reply kind=message" in logged
    for secret in (TOKEN, *TOKEN.split(".")):
        assert secret not in logged
