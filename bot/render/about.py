"""/about: what an admin asks first of a running bot — which version, up how long, serving what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import discord

from bot.render.screens import ACCENT
from bot.render.words import Words


@dataclass(frozen=True)
class About:
    """The figures /about shows; gathered by the cog, so this stays a plain function of them."""

    version: str
    started: datetime
    servers: int
    entries: int
    loaded: datetime
    changed: int | None
    """Entries this server added, replaced or hid; None outside a server (a DM)."""


def _when(moment: datetime) -> str:
    """A Discord timestamp: each reader sees it in their own time zone, and how long ago."""
    stamp = int(moment.timestamp())
    return f"<t:{stamp}:f> (<t:{stamp}:R>)"


def about_embed(about: About, words: Words) -> discord.Embed:
    embed = discord.Embed(title=words("about.title"), colour=ACCENT)
    embed.add_field(name=words("about.version"), value=about.version)
    embed.add_field(name=words("about.since"), value=_when(about.started))
    embed.add_field(name=words("about.servers"), value=str(about.servers))
    loaded = words("about.entries.value", n=about.entries, when=_when(about.loaded))
    embed.add_field(name=words("about.entries"), value=loaded)
    if about.changed is not None:
        changed = words("about.changes.value", n=about.changed)
        embed.add_field(name=words("about.changes"), value=changed)
    return embed
