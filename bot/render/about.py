"""/about: what an admin asks first of a running bot — which version, up how long, serving what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import discord

from bot.render.screens import ACCENT


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


def about_embed(about: About) -> discord.Embed:
    embed = discord.Embed(title="About this bot", colour=ACCENT)
    embed.add_field(name="Version", value=about.version)
    embed.add_field(name="Running since", value=_when(about.started))
    embed.add_field(name="Servers", value=str(about.servers))
    embed.add_field(name="Lore entries", value=f"{about.entries}, loaded {_when(about.loaded)}")
    if about.changed is not None:
        embed.add_field(name="This server's changes", value=f"{about.changed} entries")
    return embed
