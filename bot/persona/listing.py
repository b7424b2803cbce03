"""Lists and sequences from the lore's structure, not from one best-ranked sentence.

"List the cast", "who starred in it?", "who dances what in the ballet?" ask for a field of every
entry that belongs to a work (each character's casting), in the order the lore gives them; a
summary "in five sentences" asks for a story's steps cut to that many, spread from its first step
to its last so the story still ends. Both read only the lore's own shape (a work's entries, a
sequence's order), so a new film's lore lists the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from bot.lore.factindex import FactIndex
from bot.lore.facts import Fact

MAX_LIST = 25
WORK = "work"
T = TypeVar("T")


def members(index: FactIndex, fields: frozenset[str], works: Sequence[str]) -> list[Fact]:
    """The facts of `fields` ("played_by") of the first of `works` that has any: the work's
    own and those of the entries belonging to it, in the lore's order."""
    found = [f for field in sorted(fields) for f in index.of_field(field)]
    for work in works:
        facts = [f for f in found if index.works.get(f.entry, f.entry) == work]
        if facts:
            return facts[:MAX_LIST]
    return []


def works_named(index: FactIndex, named: frozenset[str]) -> list[str]:
    """The works among the entries a question names."""
    return sorted(i for i in named if index.kinds.get(i) == WORK)


def spread(items: Sequence[T], size: int | None) -> list[T]:
    """`size` of the items, the first and the last among them and the rest evenly between;
    all of them when no size is asked or they are fewer."""
    if size is None or size >= len(items):
        return list(items)
    if size <= 1:
        return list(items[:1])
    last = len(items) - 1
    picks = dict.fromkeys(round(n * last / (size - 1)) for n in range(size))
    return [items[i] for i in picks]
