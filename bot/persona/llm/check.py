"""The checker every model reply passes before a member sees it.

It says no (with a reason) to a reply that cites an id it was not given, leaves a line uncited,
names a person or place, or states a year or number (in digits or in words: "three", "nineteen
forty-eight", "third"), that neither the given passages nor his own persona lines contain,
would not fit in a Discord message, or carries a mention, an invite or a masked link. What it
says yes to is the reply without its citations, and the ids it cited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.lore.text import fold
from bot.persona.llm.numbers import is_number_word, spelled_numbers

CITATION = re.compile(r"\s*\[([a-z0-9]+(?:-[a-z0-9]+)*)\]")
MASKED_LINK = re.compile(r"\[[^\]]*\]\s*\(\s*<?\s*\w+:")
LINK = re.compile(r"\b(?:https?://|www\.)", re.IGNORECASE)
INVITE = re.compile(r"discord(?:app)?\.(?:gg|com/invite|me)|dsc\.gg", re.IGNORECASE)
MENTION = re.compile(r"@(?:everyone|here)|<[@#][!&]?\d+>|<@&?\d+>", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_][\w'’-]*")
NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
COMMON = frozenset(
    fold(w)
    for w in (
        "A An The I I'm I'd I've He She It They We You His Her Its Their Our My Your Me Him Them "
        "Yes No Not And But Or So Then Now Here There This That These Those If In On At Of For "
        "With As By From To When Where Who Whom Whose What Which Why How Ah Oh Well Very Indeed "
        "Is Was Are Were Be Do Does Did Has Had Have All One Nothing Everything Nobody Someone"
    ).split()
)
"""Capitalised at a sentence's start without being a name: always allowed."""


@dataclass(frozen=True)
class Grounds:
    """The words and numbers some lore text holds, folded once: his persona lines are read once
    per lorebook (hundreds of lines), the passages once per request."""

    words: frozenset[str]
    numbers: frozenset[str]

    @classmethod
    def of(cls, texts: Iterable[str]) -> Grounds:
        text = " ".join(texts)
        return cls(frozenset(fold(text).split()), frozenset(_numbers(text)))


@dataclass(frozen=True)
class Checked:
    text: str
    cited: tuple[str, ...]


class Refused(Exception):
    """A reply the member must not see; the message is the reason (for the DEBUG log)."""


def check(reply: str, given: Iterable[str], grounds: Sequence[Grounds], limit: int) -> Checked:
    """`reply` stripped of its citations, or `Refused` with why; `grounds` are the passages and
    persona lines every name and number must come from."""
    text = reply.strip()
    if not text:
        raise Refused("empty reply")
    if MENTION.search(text):
        raise Refused("a mention")
    if INVITE.search(text):
        raise Refused("an invite")
    if MASKED_LINK.search(text) or LINK.search(text):
        raise Refused("a link")
    allowed = set(given)
    cited = CITATION.findall(text)
    stray = [c for c in cited if c not in allowed]
    if stray:
        raise Refused(f"cites ids it was not given: {','.join(dict.fromkeys(stray))}")
    lines = [line for line in text.splitlines() if line.strip()]
    if not cited or any(not CITATION.search(line) for line in lines):
        raise Refused("uncited text")
    said = CITATION.sub("", text).strip()
    invented = [w for w in WORD.findall(said) if w[0].isupper() and not _known(w, grounds)]
    if invented:
        raise Refused(f"names not in the lore: {','.join(dict.fromkeys(invented))}")
    unknown = [n for n in _numbers(said) if not any(n in g.numbers for g in grounds)]
    if unknown:
        raise Refused(f"numbers not in the lore: {','.join(dict.fromkeys(unknown))}")
    if len(said) > limit:
        raise Refused(f"too long ({len(said)} characters)")
    return Checked(said, tuple(dict.fromkeys(cited)))


def _known(word: str, grounds: Sequence[Grounds]) -> bool:
    """A possessive ("Vicky's") is its name's; a number word ("Three") is checked as a number."""
    return all(
        w in COMMON or w == "s" or is_number_word(w) or any(w in g.words for g in grounds)
        for w in fold(word).split()
    )


def _numbers(text: str) -> list[str]:
    """Every number in `text`, in digits ("1,948" and "nineteen forty-eight" are both "1948")."""
    digits = [n.replace(",", "") for n in NUMBER.findall(text)]
    return digits + [str(n) for n in spelled_numbers(text)]
