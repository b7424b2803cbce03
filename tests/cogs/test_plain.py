"""Readable with embeds off: every embed reply has a plain line, and a server that asks gets
look-ups as plain text only."""

from __future__ import annotations

import discord

from bot.offline.harness import Harness
from bot.offline.payloads import Actor
from bot.render.limits import CONTENT
from bot.render.plain import plain_line

MODERATOR = Actor(moderator=True)
ELSEWHERE = Actor(guild_id=2002)
LOOKUPS: list[tuple[str, dict[str, str]]] = [
    ("film", {}),
    ("character", {"name": "vicky"}),
    ("person", {"name": "walbrook"}),
    ("ballet", {}),
    ("story", {}),
    ("quote", {}),
    ("andersen", {}),
    ("search", {"query": "shoes"}),
    ("help", {}),
]


def test_the_line_is_the_title_and_the_first_sentence() -> None:
    embed = discord.Embed(title="Vicky Page", description="A dancer. She joins the ballet.")
    assert plain_line(embed) == "**Vicky Page** — A dancer."
    long = discord.Embed(title="T" * 300, description="word " * 1000)
    assert 0 < len(plain_line(long)) <= CONTENT


async def test_every_embed_reply_carries_a_plain_line(harness: Harness) -> None:
    for command, options in LOOKUPS:
        data = (await harness.run(harness.command_payload(command, options))).data
        [embed] = data["embeds"]
        assert embed["title"] in data["content"], command
        assert len(data["content"]) <= CONTENT


async def test_a_server_that_asks_gets_look_ups_as_plain_text(harness: Harness) -> None:
    said = await harness.command("lore config", actor=MODERATOR, plain_text=True)
    assert "Plain-text look-ups: on" in said.data["content"]
    for command, options in LOOKUPS:
        data = (await harness.run(harness.command_payload(command, options))).data
        assert not data.get("embeds"), command
        assert data["content"].strip() and len(data["content"]) <= CONTENT, command
    other = await harness.command("film", actor=ELSEWHERE)  # another server is unchanged
    assert other.data["embeds"]
    await harness.command("lore config", actor=MODERATOR, plain_text=False)
    assert (await harness.command("film")).data["embeds"]


def test_a_numbered_bold_heading_is_not_cut_at_its_number() -> None:
    embed = discord.Embed(title="The story", description="**1. Heart of Fire**\nStudents storm.")
    assert plain_line(embed) == "**The story** — 1. Heart of Fire"
