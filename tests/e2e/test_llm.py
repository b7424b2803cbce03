"""The model voice end to end: the unmodified discord.py client against the Discord stand-in,
with `CHAT_BACKEND=llm` pointed at the local OpenAI-compatible stand-in (or at nothing).

A mention goes the model's way and comes back as one reply, pinging no one, its footer built
from the ids the model cited, the typing indicator sent while it waited; a model that is down or
slow leaves the member with the offline answer and nothing else, and one DEBUG line saying why.
No log line of any of it carries the model's key.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from bot.app import RedShoesBot
from bot.lore.lorebook import Lorebook
from bot.persona.chat import Answerer
from bot.render.member_text import without_links
from standin.discord_process import DiscordProcess
from standin.fake_discord import BOT_ID, CHANNEL_ID, GUILD_ID, MEMBER, FakeDiscord, running
from standin.openai_chat import StandIn, Step, completion
from standin.openai_chat import running as model_running
from tests.e2e.test_bot import DISCORD_WINDOW, MESSAGES, build_bot, lermontovs_actor

KEY = "sk-e2e-7c41d2-never-in-a-log-line"
ASKED = "who played Lermontov?"
TYPING = "/channels/{channel_id}/typing"
THINKING = 0.4
"""Seconds the model stand-in takes over a good reply: long enough to see the typing first."""
LOGGER = "bot.persona.llm.reply"
VOICE_NOTICES = ("PyNaCl is not installed", "davey is not installed")


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture
async def model() -> AsyncIterator[StandIn]:
    async with model_running() as server:
        yield server


@asynccontextmanager
async def llm_bot(tmp_path: Path, base_url: str, wait: float = 2.5) -> AsyncIterator[RedShoesBot]:
    made = build_bot(
        tmp_path / "data",
        chat_backend="llm",
        llm_base_url=base_url,
        llm_model="standin",
        llm_api_key=KEY,
        llm_timeout=wait,
    )
    async with running(made) as client:
        assert isinstance(client, RedShoesBot)
        yield client


def refused_port() -> int:
    """A loopback port nothing listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def offline_answer(client: RedShoesBot, book: Lorebook) -> str:
    """What the offline answerer says to ASKED next, from the bot's own random state (the
    member must see exactly this when the model fails)."""
    rng = random.Random()
    rng.setstate(client.rng.getstate())
    name = MEMBER.user["global_name"]
    return without_links(Answerer(rng=rng).answer(book, ASKED, CHANNEL_ID, name=name).answer)


def warnings_logged(logs: pytest.LogCaptureFixture) -> list[str]:
    """Every line at WARNING or above but discord.py's notice that voice is not supported, which
    it logs once per process, when the first client is made (so in whichever test runs first)."""
    return [
        r.getMessage()
        for r in logs.records
        if r.levelno >= logging.WARNING and not r.getMessage().startswith(VOICE_NOTICES)
    ]


def assert_no_key_logged(logs: pytest.LogCaptureFixture) -> None:
    logged = logs.text + "\n".join(str(r.args) for r in logs.records)
    assert "chat reply kind=message" in logged
    assert KEY not in logged


async def test_a_mention_is_phrased_by_the_model_sent_once_with_its_footer_and_no_pings(
    fake_discord: FakeDiscord, model: StandIn, lorebook: Lorebook, tmp_path: Path, logs
) -> None:
    lermontov = lorebook.find("lermontov", ["character"])
    assert lermontov is not None
    actor = lermontovs_actor(lorebook)
    said = f"{actor.name} played {lermontov.name}, and never smiled at the camera [{actor.id}]."
    model.answer(Step(completion(said), delay=THINKING))
    async with llm_bot(tmp_path, model.base_url):
        asked = await fake_discord.send_message(f"<@{BOT_ID}> {ASKED}")
        reply = await fake_discord.wait_for(
            lambda r: r.route == MESSAGES, within=DISCORD_WINDOW + THINKING
        )
    assert reply.body["content"] == (
        f"{actor.name} played {lermontov.name}, and never smiled at the camera.\n"
        f"-# from *{actor.name}*"
    )
    assert str(reply.body["message_reference"]["message_id"]) == asked["id"]
    assert reply.body["allowed_mentions"]["parse"] == []
    assert not reply.body["allowed_mentions"].get("replied_user")
    assert len(fake_discord.requests_to(MESSAGES)) == 1
    [request] = model.requests
    assert request["messages"][-1] == {"role": "user", "content": ASKED}
    assert model.headers[0]["Authorization"] == f"Bearer {KEY}"
    typing = fake_discord.requests_to(TYPING)
    assert typing and typing[0].params["channel_id"] == str(CHANNEL_ID)
    assert reply.at - typing[0].at >= THINKING * 0.9  # shown while the model thought
    assert "backend=llm" in logs.text
    assert not [r for r in logs.records if r.getMessage().startswith("llm fallback")]
    assert_no_key_logged(logs)


@pytest.mark.parametrize("down", ["refused", "slow"])
async def test_a_model_that_is_down_or_slow_leaves_the_member_the_offline_answer(
    discord_apart: DiscordProcess,
    model: StandIn,
    lorebook: Lorebook,
    tmp_path: Path,
    logs,
    down: str,
) -> None:
    timeout = 0.3
    model.answer(Step(completion("Too late."), delay=5.0))
    url = f"http://127.0.0.1:{refused_port()}/v1" if down == "refused" else model.base_url
    reason = "unreachable (ConnectionRefusedError)" if down == "refused" else "timeout"
    async with llm_bot(tmp_path, url, wait=timeout) as client:
        # The server's facts, built off the loop as its first question builds them: what is
        # timed is the fallback, not that one-off build (0.2 s of CPU, over a second of wall
        # time on a busy machine; the first look-up is timed by bench.servers).
        book = await client.library.book_for(GUILD_ID)
        await asyncio.to_thread(lambda: book.facts)
        expected = offline_answer(client, lorebook)
        _, sent = await discord_apart.send_message(f"<@{BOT_ID}> {ASKED}")
        reply = await discord_apart.wait_for(MESSAGES, within=DISCORD_WINDOW + timeout)
    replies = await discord_apart.requests_to(MESSAGES)
    assert reply.body["content"] == expected
    assert reply.body["allowed_mentions"]["parse"] == []
    assert len(replies) == 1
    # The timeout, then the offline answer; timed by the Discord stand-in (its own process),
    # from the member's message leaving it to the reply arriving.
    assert reply.at - sent < timeout + 1.0
    fallbacks = [r for r in logs.records if r.name == LOGGER]
    assert [(r.levelno, r.getMessage()) for r in fallbacks] == [
        (logging.DEBUG, f"llm fallback reason={reason}")
    ]
    assert "backend=offline" in logs.text
    assert warnings_logged(logs) == []
    assert_no_key_logged(logs)


async def test_a_greeting_is_answered_at_once_without_the_model_or_a_typing_sign(
    fake_discord: FakeDiscord, model: StandIn, tmp_path: Path, logs
) -> None:
    async with llm_bot(tmp_path, model.base_url):
        await fake_discord.send_message(f"<@{BOT_ID}> good evening!")
        reply = await fake_discord.wait_for(lambda r: r.route == MESSAGES, within=DISCORD_WINDOW)
    assert reply.body["content"] and reply.body["allowed_mentions"]["parse"] == []
    assert model.requests == []
    assert fake_discord.requests_to(TYPING) == []
    assert "llm fallback reason=no lore to give" in logs.text
    assert_no_key_logged(logs)
