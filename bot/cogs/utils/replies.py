"""Answering an interaction from the server's lore: its book, a line in character, a guard.

Every send relies on the bot's global `allowed_mentions` (none), set once in `RedShoesBot`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import discord

from bot.app import RedShoesBot, lore_server, reply, words_for
from bot.lore.lorebook import Lorebook
from bot.lore.model import PersonaPurpose


async def book_of(interaction: discord.Interaction[RedShoesBot]) -> Lorebook:
    """The lore this interaction's server sees (its overlay included), or the shipped lore
    where no server installed the bot."""
    return await interaction.client.library.book_for(lore_server(interaction))


async def plain_wanted(interaction: discord.Interaction[RedShoesBot]) -> bool:
    """Whether the server this came from asked for look-ups as plain text."""
    guild_id = lore_server(interaction)
    if guild_id is None:
        return False
    return (await interaction.client.guild_store.config(guild_id)).plain_text


async def say(interaction: discord.Interaction[RedShoesBot], purpose: PersonaPurpose) -> None:
    """An ephemeral line in character for `purpose` (unknown, forbidden, busy, ...), in the
    member's language."""
    book = await book_of(interaction)
    line = words_for(interaction).line(book, purpose, interaction.client.rng)
    await reply(interaction, line)


async def guarded(
    interaction: discord.Interaction[RedShoesBot], action: Callable[[], Awaitable[None]]
) -> None:
    """Run a component's action; a failure gets the same apology as a failed command."""
    try:
        await action()
    except Exception as error:
        await interaction.client.apologise(interaction, error)
