"""A member's own words, when the bot repeats them in public: shown as written, never live.

The bot's name lends weight to whatever it posts, so a member's answer to `/lermontov play` must
not become a masked link (`[discord.com](https://elsewhere)`), a clickable invite or text that an
invisible right-to-left override turns around. Their markdown is escaped, every address is shown
as code (visible, not clickable), and invisible controls are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import discord

from bot.lore.text import INVISIBLE

ADDRESS = re.compile(
    r"(?:https?://|(?:discord(?:app)?\.com/invite|discord\.gg)/)[^\s`]+", re.IGNORECASE
)

UNESCAPED_BRACKET = re.compile(r"(?<!\\)\[")


def member_text(text: str) -> str:
    """`text` safe to post under the bot's name: no live link, invite or hidden reordering."""
    return _neutralised(text, _escaped)


def without_links(text: str) -> str:
    """The bot's own words that may carry a member's (a chat answer echoing a name or a
    phrase): its markdown kept, but every address shown as code, so nothing in it is live."""
    return _neutralised(text, lambda words: words)


def _neutralised(text: str, escape: Callable[[str], str]) -> str:
    visible = INVISIBLE.sub("", text)
    parts: list[str] = []
    start = 0
    for found in ADDRESS.finditer(visible):
        address = found.group(0)
        if address.endswith(")") and "(" not in address:  # the close of `[text](address)`
            address = address[:-1]
        parts += [escape(visible[start : found.start()]), f"`{address}`"]
        start = found.start() + len(address)
    parts.append(escape(visible[start:]))
    return "".join(parts)


def _escaped(words: str) -> str:
    """Markdown shown as typed; `[` too, so no part of a masked link survives."""
    return UNESCAPED_BRACKET.sub(r"\\[", discord.utils.escape_markdown(words))
