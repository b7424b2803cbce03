"""The stand-in itself, driven by a bare discord.py bot: login, sync, answers, resume, zlib."""

from __future__ import annotations

from tests.e2e.bare_bot import BareBot
from tests.e2e.fake_discord import OP_IDENTIFY, OP_RESUME, FakeDiscord, running

CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"


async def test_bare_bot_logs_in_syncs_and_answers(fake_discord: FakeDiscord) -> None:
    async with running(BareBot()):
        assert list(fake_discord.commands) == ["ping"]
        [interaction_id] = await fake_discord.interact(fake_discord.slash("ping"))
        answer = await fake_discord.callback(interaction_id)
    assert answer.body == {
        "type": 4,
        "data": {"content": "pong", "allowed_mentions": {"parse": []}, "tts": False},
    }
    routes = [request.route for request in fake_discord.requests]
    assert routes[:3] == [
        "/users/@me",
        "/oauth2/applications/@me",
        "/applications/{application_id}/commands",
    ]
    assert fake_discord.gateway_ops.count(OP_IDENTIFY) == 1


async def test_dropped_gateway_resumes_and_replays(fake_discord: FakeDiscord) -> None:
    async with running(BareBot()):
        await fake_discord.drop_gateway()
        [interaction_id] = await fake_discord.interact(fake_discord.slash("ping"))
        answer = await fake_discord.callback(interaction_id)
        assert answer.body["data"]["content"] == "pong"
    assert fake_discord.gateway_ops.count(OP_RESUME) == 1
    assert fake_discord.gateway_ops.count(OP_IDENTIFY) == 1
    assert len(fake_discord.callbacks[interaction_id]) == 1
