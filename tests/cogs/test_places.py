"""Where commands work: look-ups anywhere a member installed the bot, answered from the shipped
lore outside the servers that installed it; moderator and quiz commands only in those servers."""

from __future__ import annotations

from typing import Any

from bot.offline.harness import Harness
from bot.offline.payloads import Actor

VISITOR = Actor(guild_id=2001, user_install=True)
"""A member using their own installation of the bot, in a server that has not installed it."""
IN_A_GROUP_DM = Actor(guild_id=None, user_install=True)


def _title(harness_exchange: Any) -> str:
    return str(harness_exchange.data["embeds"][0]["title"])


async def test_a_members_own_install_reads_the_shipped_lore_not_the_servers(
    harness: Harness,
) -> None:
    vicky = harness.bot.library.shipped.find("vicky", ["character"])
    assert vicky is not None
    cog: Any = harness.bot.get_cog("LoreAdmin")
    base = await cog.editor.removable(2001, vicky.id)
    await cog.editor.remove(2001, vicky.id, base_revision=base, by=1)

    hidden = await harness.command("character", name=vicky.id)
    assert vicky.name not in str(hidden.data)  # the server's own lore hides her there
    shipped = await harness.command("character", name=vicky.id, actor=VISITOR)
    assert vicky.name in _title(shipped)


async def test_look_ups_answer_in_a_group_dm_through_a_members_install(harness: Harness) -> None:
    for command, options in [("film", {}), ("search", {"query": "lermontov"}), ("quote", {})]:
        exchange = await harness.command(command, actor=IN_A_GROUP_DM, **options)
        assert exchange.data["embeds"], command


async def test_help_outside_an_installing_server_lists_no_server_commands(
    harness: Harness,
) -> None:
    listed = str((await harness.command("help", actor=VISITOR)).data["embeds"][0])
    assert "/character" in listed or "character" in listed
    assert "quiz" not in listed and "lore add" not in listed
