"""Picking one of Lermontov's lines for a purpose (an apology, a refusal, a timeout...).

The lines live in the lore so moderators can change the voice; the fallbacks here only keep a
reply possible while a server's lore has no line for that purpose.
"""

from __future__ import annotations

import random

from bot.lore.lorebook import Lorebook
from bot.lore.model import PersonaPurpose

FALLBACKS: dict[PersonaPurpose, str] = {
    "greeting": "Good evening.",
    "thanks": "Thank you.",
    "sign_off": "That will be all.",
    "deflection": "That is not a subject I discuss.",
    "unknown": "I have never heard of it.",
    "apology": "Something has gone wrong backstage. Try again in a moment.",
    "cooldown": "Patience. Ask me again in a little while.",
    "busy": "One performance at a time, please.",
    "forbidden": "That is not yours to touch.",
    "not_yours": "Those buttons belong to whoever asked. Ask for your own.",
    "timeout": "No answer? Then we have nothing more to say to each other.",
    "verdict": "Hm. We shall see.",
    "approval": "Good.",
}


def persona_line(
    book: Lorebook, purpose: PersonaPurpose, rng: random.Random, name: str | None = None
) -> str:
    """One line for `purpose`, chosen at random from the lore, addressed to `name` if given.

    Lines may say `{name}`; it is replaced literally (not with `str.format`), so any other
    braces a moderator writes are shown as written. Without `name` it is left for the caller.
    """
    lines = book.persona(purpose)
    line = rng.choice(lines) if lines else FALLBACKS[purpose]
    return line if name is None else line.replace("{name}", name)
