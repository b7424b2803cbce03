"""The body check itself: Discord's published limits hold, with the one documented leniency,
and the stand-in refuses a body that breaks them as Discord would."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord import app_commands

from standin.bare_bot import BareBot
from standin.fake_discord import FakeDiscord, running
from standin.openapi import NoOperation, body_errors
from tests.conftest import skip_without_spec

skip_without_spec()

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
JSON = "application/json"


def test_a_valid_answer_passes() -> None:
    body = {"type": 4, "data": {"content": "Why do you want to dance?", "flags": 64}}
    assert body_errors(CALLBACK, "POST", JSON, body) == []


def test_limits_are_reported_at_the_field_that_breaks_them() -> None:
    [content] = body_errors(CALLBACK, "POST", JSON, {"type": 4, "data": {"content": "x" * 2001}})
    assert content.startswith(f"POST {CALLBACK}: data/content: ") and "is too long" in content
    choices = {"type": 8, "data": {"choices": [{"name": "n", "value": "v"}] * 26}}
    [many] = body_errors(CALLBACK, "POST", JSON, choices)
    assert "data/choices" in many and "too long" in many


def test_snowflakes_may_be_integers_as_discord_accepts() -> None:
    upload = {"type": 4, "data": {"attachments": [{"id": 0, "filename": "lore.yaml"}]}}
    assert body_errors(CALLBACK, "POST", JSON, upload) == []
    negative = {"type": 4, "data": {"attachments": [{"id": -1, "filename": "lore.yaml"}]}}
    assert body_errors(CALLBACK, "POST", JSON, negative) != []


def test_a_route_discord_does_not_have_is_an_error() -> None:
    with pytest.raises(NoOperation, match="POST /pirouettes"):
        body_errors("/pirouettes", "POST", JSON, {})


def test_a_body_where_none_is_taken_is_reported() -> None:
    assert body_errors("/channels/{channel_id}/typing", "POST", JSON, {"x": 1}) == [
        f"POST /channels/{{channel_id}}/typing takes no {JSON} body, got one"
    ]


async def test_a_body_discord_would_refuse_gets_400_and_is_reported(
    fake_discord: FakeDiscord,
) -> None:
    bot = BareBot()
    errors: asyncio.Queue[BaseException] = asyncio.Queue()

    async def shout(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("!" * 2001)

    async def note(_: discord.Interaction, error: app_commands.AppCommandError) -> None:
        errors.put_nowait(error)

    bot.tree.add_command(app_commands.Command(name="shout", description="Loud.", callback=shout))
    bot.tree.error(note)
    async with running(bot):
        [interaction_id] = await fake_discord.interact(fake_discord.slash("shout"))
        error = await asyncio.wait_for(errors.get(), 3)
        [again] = await fake_discord.interact(fake_discord.slash("ping"))
        assert (await fake_discord.callback(again)).body["data"]["content"] == "pong"
    assert isinstance(error.__cause__, discord.HTTPException)
    assert error.__cause__.status == 400
    assert fake_discord.callbacks[interaction_id] == []  # refused, so never acknowledged
    [problem] = fake_discord.invalid
    assert problem.startswith(f"POST {CALLBACK}: data/content: ") and "is too long" in problem
    fake_discord.invalid.clear()  # seen and asserted: the fixture checks nothing else broke
