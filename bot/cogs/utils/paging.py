"""Paging and one-click links, as buttons and selects that survive restarts.

Each control is a `DynamicItem`: its state (screen key, page, the asker's id) lives in its
custom id, so a click is answered from the current lore even after the bot restarted. Only the
person who asked may turn pages; anyone may open a linked entry (the asker in place, anyone
else in a message of their own).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import discord

from bot.app import RedShoesBot, words_for
from bot.cogs.utils.replies import book_of, guarded, plain_wanted, say
from bot.lore.model import Entry
from bot.render.plain import embed_message
from bot.render.screens import Screen, entry_screen, screen_for, select_options
from bot.render.words import Words

KEY = r"[a-z0-9.-]+"


class Pager(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=rf"rs:pg:(?P<key>{KEY}):(?P<page>\d+):(?P<owner>\d+)",
):
    """Turns to `page` of the screen `key`; only `owner` (the asker) may press it."""

    def __init__(self, key: str, page: int, owner: int, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"rs:pg:{key}:{page}:{owner}",
            )
        )
        self.key, self.page, self.owner = key, page, owner

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[RedShoesBot],  # type: ignore[override]
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Pager:
        label = item.label if isinstance(item, discord.ui.Button) else None
        return cls(match["key"], int(match["page"]), int(match["owner"]), label or "")

    async def interaction_check(self, interaction: discord.Interaction[RedShoesBot], /) -> bool:  # type: ignore[override]
        interaction.client.observe("component", "pager")
        if interaction.user.id == self.owner:
            return True
        await say(interaction, "not_yours")
        return False

    async def callback(self, interaction: discord.Interaction[RedShoesBot]) -> None:  # type: ignore[override]
        async def turn() -> None:
            screen = screen_for(await book_of(interaction), self.key)
            if screen is None:
                await say(interaction, "unknown")
                return
            plain = await plain_wanted(interaction)
            await interaction.response.edit_message(
                **screen_message(screen, self.page, self.owner, words_for(interaction), plain=plain)
            )

        await guarded(interaction, turn)


class Opener(discord.ui.DynamicItem[discord.ui.Select[Any]], template=r"rs:open:(?P<owner>\d+)"):
    """A select of linked entries: the asker's message follows the link, others get their own."""

    def __init__(
        self, owner: int, options: list[discord.SelectOption], placeholder: str | None = None
    ) -> None:
        super().__init__(
            discord.ui.Select(
                custom_id=f"rs:open:{owner}",
                placeholder=placeholder,
                options=options,
            )
        )
        self.owner = owner

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[RedShoesBot],  # type: ignore[override]
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Opener:
        options = item.options if isinstance(item, discord.ui.Select) else []
        placeholder = item.placeholder if isinstance(item, discord.ui.Select) else None
        return cls(int(match["owner"]), list(options), placeholder)

    async def interaction_check(self, interaction: discord.Interaction[RedShoesBot], /) -> bool:  # type: ignore[override]
        interaction.client.observe("component", "opener")
        return True

    async def callback(self, interaction: discord.Interaction[RedShoesBot]) -> None:  # type: ignore[override]
        async def open_entry() -> None:
            book = await book_of(interaction)
            entry = book.get(self.item.values[0]) if self.item.values else None
            if entry is None:
                await say(interaction, "unknown")
                return
            screen = entry_screen(book, entry)
            plain = await plain_wanted(interaction)
            words = words_for(interaction)
            if interaction.user.id == self.owner:
                await interaction.response.edit_message(
                    **screen_message(screen, 0, self.owner, words, plain=plain)
                )
            else:
                await interaction.response.send_message(
                    ephemeral=True,
                    **screen_message(screen, 0, interaction.user.id, words, plain=plain),
                )

        await guarded(interaction, open_entry)


def screen_message(
    screen: Screen, number: int, owner: int, words: Words, *, plain: bool = False
) -> dict[str, Any]:
    """Keyword arguments for sending or editing a message that shows one page of a screen:
    its embed with a plain line, or (`plain`) the page as text; the controls in `words`'
    language (the lore's pages are as written)."""
    number = max(0, min(number, len(screen.pages) - 1))
    page = screen.pages[number]
    view = discord.ui.View(timeout=None)
    total = len(screen.pages)
    if total > 1:  # where we are is in the footer ("page 2/3")
        if number > 0:
            view.add_item(Pager(screen.key, number - 1, owner, words("pager.previous")))
        if number < total - 1:
            view.add_item(Pager(screen.key, number + 1, owner, words("pager.next")))
    if page.links:
        view.add_item(opener(owner, page.links, words))
    return {**embed_message(page.embed, plain=plain), "view": view if view.children else None}


async def show(
    interaction: discord.Interaction[RedShoesBot], screen: Screen, *, ephemeral: bool = False
) -> None:
    """Answer with the first page of `screen`, owned by whoever asked."""
    plain = await plain_wanted(interaction)
    await interaction.response.send_message(
        ephemeral=ephemeral,
        **screen_message(screen, 0, interaction.user.id, words_for(interaction), plain=plain),
    )


def opener(owner: int, entries: Sequence[Entry], words: Words) -> Opener:
    """The select that opens one of `entries`, its placeholder in `words`' language."""
    return Opener(owner, select_options(entries), words("opener.placeholder"))
