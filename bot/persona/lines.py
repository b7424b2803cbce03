"""Picking one of Lermontov's lines for a purpose (an apology, a refusal, a timeout...).

The lines live in the lore so moderators can change the voice; the fallbacks here only keep a
reply possible while a server's lore has no line for that purpose.
"""

from __future__ import annotations

import random
import re

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
    "opinion": "I have said what I think of it on the stage.",
    "advice": "Work. Then work again. Everything else is a distraction.",
    "charge": "People say a great many things. The curtain goes up regardless.",
    "hypothetical": "I do not deal in 'if'. A ballet is on the stage or it is not.",
    "taste": "My tastes are on my stage.",
    "lead": "Very well.",
    "lead_self": "Since you ask about me:",
    "correction": "There is no {thing} in my story.",
    "refutation": "No. The record says otherwise:",
    "refusal": "I remain exactly who I am, and my secrets remain mine.",
    "wellbeing": "Busy, as always. The work does not rest, and neither do I.",
    "compliment": "Kind of you. Now, to work.",
}


PLACEHOLDER = "{name}"
_PLACEHOLDER_AND_COMMA = re.compile(r",\s*\{name\}|\{name\},\s*|\{name\}\s*")


def address(line: str, name: str | None) -> str:
    """Fill a line's `{name}`; with nobody to name, drop it and the comma beside it.

    Replaced literally (not with `str.format`), so any other braces a moderator writes are
    shown as written.
    """
    if name:
        return line.replace(PLACEHOLDER, name)
    dropped = _PLACEHOLDER_AND_COMMA.sub("", line).strip()
    return dropped[:1].upper() + dropped[1:]


def persona_line(
    book: Lorebook, purpose: PersonaPurpose, rng: random.Random, name: str | None = None
) -> str:
    """One line for `purpose`, chosen at random from the lore, addressed to `name` if given.

    A line is always finished here, never left for the caller: shown literally, `{name}` read
    as a bug to members (moderator refusals and quiz messages reuse audition lines). Without a
    name, a line that needs one is picked only when every line of the purpose needs one, and
    then it is said without it.
    """
    lines = book.persona(purpose)
    if name is None:
        lines = tuple(line for line in lines if PLACEHOLDER not in line) or lines
    line = rng.choice(lines) if lines else FALLBACKS[purpose]
    return address(line, name)
