"""A false claim set straight, and the look-ups every kind of claim shares.

Claims about casting and ties (`claims`), about awards (`awards`) and about values of which a
thing has one (`exclusive`) each return a `Refuted`; the chat says it in character.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.lore.factindex import FactIndex
from bot.lore.facts import Fact
from bot.persona.asking import Query

STORY = frozenset({"character", "person", "scene", "ballet_scene", "work"})
"""Kinds whose sentences tell who is whose (a quote's words or a trivia item's aside do not)."""


@dataclass(frozen=True)
class Refuted:
    """A false claim: what the lore holds instead, and (when nothing does) the member's own
    words for the tie that does not exist ("Boris Lermontov's wife")."""

    truth: tuple[Fact, ...]
    missing: str = ""


def entries_named(index: FactIndex, query: Query, kinds: Iterable[str]) -> list[str]:
    """The entries of the given kinds the question names, in the order it names them."""
    wanted = set(kinds)
    ids = (i for m in query.mentions for i in sorted(m.ids) if index.kinds.get(i) in wanted)
    return list(dict.fromkeys(ids))
