"""Look-ups: /film, /character, /person, /ballet, /story, /quote, /andersen and /search.

Every handler reads the server's view of the lore (`book_for(guild_id)`), so a server's own
corrections show up here without any change to this file.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.app import RedShoesBot, words_for
from bot.cogs.places import anywhere
from bot.cogs.utils.paging import opener, show
from bot.cogs.utils.replies import book_of, plain_wanted, say
from bot.lore.lorebook import Lorebook
from bot.lore.model import Entry, InWork, Kind, Quote, Work, searchable_kinds
from bot.lore.search import entry_names
from bot.lore.text import fold
from bot.render.plain import embed_message
from bot.render.screens import (
    choices,
    entry_screen,
    listing_embed,
    sequence_key,
    sequence_screen,
)

SUGGESTIONS = 3
SEARCH_HITS = 10

Completer = Callable[
    [discord.Interaction[RedShoesBot], str], Coroutine[Any, Any, list[app_commands.Choice[str]]]
]


def completer(kind: Kind) -> Completer:
    """Autocomplete for a name option: the server's entries of `kind`, accent and typo tolerant."""

    async def complete(
        interaction: discord.Interaction[RedShoesBot], current: str
    ) -> list[app_commands.Choice[str]]:
        book = await book_of(interaction)
        return choices(book.complete(current, kind))

    return complete


def work_completer(kind: Kind) -> Completer:
    """Autocomplete for `work:` on /story and /ballet: the works that have scenes of `kind`."""

    async def complete(
        interaction: discord.Interaction[RedShoesBot], current: str
    ) -> list[app_commands.Choice[str]]:
        book = await book_of(interaction)
        works = _entries(book, book.sequence_works(kind))
        typed = fold(current)
        return choices(e for e in works if not typed or typed in fold(" ".join(entry_names(e))))

    return complete


def scene_completer(kind: Kind) -> Completer:
    """Autocomplete for a scene: of the work already chosen in `work:`, else of any work."""

    async def complete(
        interaction: discord.Interaction[RedShoesBot], current: str
    ) -> list[app_commands.Choice[str]]:
        book = await book_of(interaction)
        work = _work(book, getattr(interaction.namespace, "work", None), kind)
        found = book.complete(current, kind)
        return choices(
            e for e in found if work is None or (isinstance(e, InWork) and e.work == work)
        )

    return complete


def _entries(book: Lorebook, ids: Sequence[str]) -> list[Entry]:
    return [e for e in map(book.get, ids) if e is not None]


def _work(book: Lorebook, value: str | None, kind: Kind) -> str | None:
    """The work a `work:` option names, if it names one that has scenes of `kind`."""
    if not value:
        return None
    works = book.sequence_works(kind)
    if value in works:
        return value
    found = book.find(value, ["work"])
    return found.id if found is not None and found.id in works else None


# The commands that take a `name:` of one kind: a name of the other kind is pointed there.
NAMED_BY: dict[Kind, str] = {"character": "character", "person": "person"}


def resolve(book: Lorebook, value: str, kinds: Sequence[Kind]) -> Entry | None:
    """The entry an option names: its id (from autocomplete) or a confident match of free text."""
    entry = book.get(value)
    if entry is not None and entry.kind in kinds:
        return entry
    return book.find(value, kinds)


async def did_you_mean(
    interaction: discord.Interaction[RedShoesBot], book: Lorebook, value: str, kinds: Sequence[Kind]
) -> None:
    """The unknown-name answer: a line in character and up to three suggestions to pick from;
    a name that plainly means a person or a character is pointed to its own command instead."""
    words = words_for(interaction)
    line = words.line(book, "unknown", interaction.client.rng)
    elsewhere = book.find(value, [k for k in NAMED_BY if k not in kinds])
    if elsewhere is not None:
        command = f"`/{NAMED_BY[elsewhere.kind]} name:{elsewhere.name}`"
        view = discord.ui.View(timeout=None)
        view.add_item(opener(interaction.user.id, [elsewhere], words))
        pointer = words(f"lookup.elsewhere.{elsewhere.kind}", name=elsewhere.name, command=command)
        await interaction.response.send_message(f"{line}\n{pointer}", view=view, ephemeral=True)
        return
    hits = [h.entry for h in book.search(value, kinds, limit=SUGGESTIONS)]
    if not hits:
        await interaction.response.send_message(line, ephemeral=True)
        return
    names = ", ".join(f"**{e.name}**" for e in hits)
    view = discord.ui.View(timeout=None)
    view.add_item(opener(interaction.user.id, hits, words))
    await interaction.response.send_message(
        f"{line}\n{words('lookup.did_you_mean', names=names)}", view=view, ephemeral=True
    )


async def show_named(
    interaction: discord.Interaction[RedShoesBot], value: str, kinds: Sequence[Kind]
) -> None:
    book = await book_of(interaction)
    entry = resolve(book, value, kinds)
    if entry is None:
        await did_you_mean(interaction, book, value, kinds)
    else:
        await show(interaction, entry_screen(book, entry))


async def show_part(
    interaction: discord.Interaction[RedShoesBot], scene: str | None, work: str | None, kind: Kind
) -> None:
    """One scene when it is named, else a work's whole sequence in order: the named work's,
    or the shipped film's (its ballet's) when none is named."""
    book = await book_of(interaction)
    chosen = _work(book, work, kind)
    if work and chosen is None:
        await did_you_mean(interaction, book, work, ["work"])
    elif scene:
        await show_named(interaction, scene, [kind])
    else:
        key = sequence_key(kind, chosen or book.first_work(kind))
        await show(interaction, sequence_screen(book, key))


async def show_work(interaction: discord.Interaction[RedShoesBot], form: str) -> None:
    """The first work of a form (the film, the fairy tale), as the lore orders them."""
    book = await book_of(interaction)
    work = next((w for w in book.of_kind("work") if isinstance(w, Work) and w.form == form), None)
    if work is None:
        await say(interaction, "unknown")
    else:
        await show(interaction, entry_screen(book, work))


def pick_quote(
    book: Lorebook, speaker: Entry | None, search: str | None, rng: random.Random
) -> Quote | None:
    """The best quote for a search (by this speaker, if given), or a random one."""
    pool = [
        q
        for q in book.of_kind("quote")
        if isinstance(q, Quote) and (speaker is None or q.speaker == speaker.id)
    ]
    if search:
        allowed = {q.id for q in pool}
        ranked = [h.entry for h in book.search(search, ["quote"], limit=25)]
        return next((q for q in ranked if isinstance(q, Quote) and q.id in allowed), None)
    return rng.choice(pool) if pool else None


class Lookup(commands.Cog):
    """Slash commands that show lore entries."""

    def __init__(self, bot: RedShoesBot) -> None:
        self.bot = bot

    @anywhere
    @app_commands.command(description="The Red Shoes (1948) at a glance: makers, stars, awards.")
    async def film(self, interaction: discord.Interaction[RedShoesBot]) -> None:
        await show_work(interaction, "film")

    @anywhere
    @app_commands.command(description="A character of the film, and who played them.")
    @app_commands.describe(name="Start typing a name: Vicky, Lermontov, Julian…")
    @app_commands.autocomplete(name=completer("character"))
    async def character(self, interaction: discord.Interaction[RedShoesBot], name: str) -> None:
        await show_named(interaction, name, ["character"])

    @anywhere
    @app_commands.command(description="Someone from the cast or crew, and whom they played.")
    @app_commands.describe(name="Start typing a name: Moira Shearer, Powell, Easdale…")
    @app_commands.autocomplete(name=completer("person"))
    async def person(self, interaction: discord.Interaction[RedShoesBot], name: str) -> None:
        await show_named(interaction, name, ["person"])

    @anywhere
    @app_commands.command(description="The Ballet of the Red Shoes, in order, or one scene of it.")
    @app_commands.describe(
        scene="One scene of the ballet (leave empty for the whole sequence)",
        work="Another work's ballet, when the lore has more than one",
    )
    @app_commands.autocomplete(
        scene=scene_completer("ballet_scene"), work=work_completer("ballet_scene")
    )
    async def ballet(
        self,
        interaction: discord.Interaction[RedShoesBot],
        scene: str | None = None,
        work: str | None = None,
    ) -> None:
        await show_part(interaction, scene, work, "ballet_scene")

    @anywhere
    @app_commands.command(description="The film's story, scene by scene, through the ending.")
    @app_commands.describe(
        scene="One scene of the story (leave empty for all of it)",
        work="Another work's story, when the lore has more than one",
    )
    @app_commands.autocomplete(scene=scene_completer("scene"), work=work_completer("scene"))
    async def story(
        self,
        interaction: discord.Interaction[RedShoesBot],
        scene: str | None = None,
        work: str | None = None,
    ) -> None:
        await show_part(interaction, scene, work, "scene")

    @anywhere
    @app_commands.command(description="A line from the film: matching your search, or at random.")
    @app_commands.describe(character="Who says it", search="Words from the line")
    @app_commands.autocomplete(character=completer("character"))
    async def quote(
        self,
        interaction: discord.Interaction[RedShoesBot],
        character: str | None = None,
        search: str | None = None,
    ) -> None:
        book = await book_of(interaction)
        speaker = resolve(book, character, ["character"]) if character else None
        if character and speaker is None:
            await did_you_mean(interaction, book, character, ["character"])
            return
        found = pick_quote(book, speaker, search, interaction.client.rng)
        if found is None:
            await say(interaction, "unknown")
        else:
            await show(interaction, entry_screen(book, found))

    @anywhere
    @app_commands.command(description="Andersen's fairy tale, and how the ballet departs from it.")
    async def andersen(self, interaction: discord.Interaction[RedShoesBot]) -> None:
        await show_work(interaction, "fairy tale")

    @anywhere
    @app_commands.command(description="Search all the lore; pick a result to open it.")
    @app_commands.describe(query="A name, a word, a line you half remember")
    async def search(self, interaction: discord.Interaction[RedShoesBot], query: str) -> None:
        book = await book_of(interaction)
        hits = [h.entry for h in book.search(query, searchable_kinds(), limit=SEARCH_HITS)]
        if not hits:
            await say(interaction, "unknown")
            return
        words = words_for(interaction)
        view = discord.ui.View(timeout=None)
        view.add_item(opener(interaction.user.id, hits, words))
        listing = listing_embed(
            book, words("search.title", query=query), hits, footer=words("search.footer")
        )
        await interaction.response.send_message(
            **embed_message(listing, plain=await plain_wanted(interaction)), view=view
        )


async def setup(bot: RedShoesBot) -> None:
    await bot.add_cog(Lookup(bot))
