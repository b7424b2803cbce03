"""Readable with embeds turned off: a plain-text line on every embed reply, or the whole page as
plain text where a server asks for it (`/lore config plain_text:`).

Discord does not tell a bot that a member has turned embeds off (Settings → Chat → "Show embeds
and preview website links"), and such a member sees an embed-only message as empty. So every
embed goes with a short `content` line, its title and the answer's first sentence, and a server
whose members read without embeds can have look-ups sent as text alone.
"""

from __future__ import annotations

import re
from typing import Any

import discord

from bot.render.limits import CONTENT, clip

SENTENCE_END = re.compile(r"(?<=[^\W\d][.!?…])\s+")
"""After a sentence's last word (not after the number of a numbered heading: "1. Prologue")."""
EMPHASIS = re.compile(r"\*\*|__")
LINE = 300
"""A plain line is a summary, not the page: long enough for a first sentence."""


def first_sentence(text: str) -> str:
    """The first sentence of the first paragraph, without its bold (a line's start may be)."""
    paragraph = EMPHASIS.sub("", text).strip().split("\n", 1)[0]
    return SENTENCE_END.split(paragraph, 1)[0]


def plain_line(embed: discord.Embed) -> str:
    """The title and the first sentence of the answer (of its first field, when the embed has no
    text of its own), within Discord's 2,000."""
    body = embed.description or next((f.value for f in embed.fields if f.value), "") or ""
    parts = [f"**{embed.title}**" if embed.title else "", clip(first_sentence(body), LINE)]
    return clip(" — ".join(p for p in parts if p), CONTENT)


def plain_page(embed: discord.Embed) -> str:
    """The whole embed as text (title, description, fields, footer), within 2,000 characters."""
    parts = [f"**{embed.title}**" if embed.title else "", embed.description or ""]
    parts += [f"**{f.name}**: {f.value}" for f in embed.fields]
    if embed.footer.text:
        parts.append(f"-# {embed.footer.text}")
    return clip("\n".join(p for p in parts if p), CONTENT)


def embed_message(embed: discord.Embed, *, plain: bool = False) -> dict[str, Any]:
    """`content` and `embed` keyword arguments for a send or an edit: the embed with its plain
    line, or (`plain`) the page as text and no embed."""
    if plain:
        return {"content": plain_page(embed), "embed": None}
    return {"content": plain_line(embed), "embed": embed}
