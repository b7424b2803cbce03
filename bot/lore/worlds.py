"""Which story each entry belongs to, so that a question about one work is answered from it.

A lore may hold several works that are unrelated: the shipped film (with the ballet inside it
and the tale behind it), and a pack a server imported about another film. An entry belongs to
the work its `work:` names (people belong to none); works that point at one another (`related`,
credits) form one family. A question naming another family's work, or one of its characters,
must not be answered from the shipped film, and a conversation about the ballet should stay in
the ballet: `Worlds.within` gives the entries such a question may be answered from.
"""

from __future__ import annotations

import threading
import weakref
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.lore.factindex import FactIndex

PEOPLE = frozenset({"person"})
"""Kinds that belong to no work of their own: a person may have worked on several."""


class Worlds:
    """The works of one fact index and the families they form, worked out once per index."""

    def __init__(
        self, kinds: Mapping[str, str], works: Mapping[str, str], near: Mapping[str, set[str]]
    ) -> None:
        self._works = works
        self._near = near
        self._kinds = kinds
        counts = Counter(works.values())
        roots = set(counts) | {i for i, k in kinds.items() if k == "work"}
        self._family: dict[str, frozenset[str]] = {}
        for root in sorted(roots):
            if root in self._family:
                continue
            family = _linked(root, roots, near)
            for work in family:
                self._family[work] = family
        self._counts = counts
        self.works = frozenset(roots)
        self.default = max(sorted(roots), key=lambda w: counts[w], default="")
        """The work most entries belong to (the shipped film: entries name none and get it)."""
        self._within: dict[frozenset[str], frozenset[str]] = {}
        self._lock = threading.Lock()

    def work_of(self, entry: str) -> str | None:
        """The work an entry is in (a work is in itself); None for people and the rest."""
        if self._kinds.get(entry) == "work":
            return entry
        return self._works.get(entry)

    def family(self, work: str) -> frozenset[str]:
        return self._family.get(work, frozenset({work}))

    def foreign(self, work: str) -> bool:
        """Whether a work stands apart from the lore's main story (an imported film)."""
        return work not in self.family(self.default)

    def topic(self, ids: Iterable[str]) -> frozenset[str]:
        """The works a talk about these entries is about: the first one's own work when it is
        not the main one and has entries of its own (the ballet inside the film, with its
        scenes and parts), or all of another film's family."""
        work = next(iter(works_named(self, ids)), None)
        if work is None or work == self.default or not self._counts[work]:
            return frozenset()
        return self.family(work) if self.foreign(work) else frozenset({work})

    def within(self, works: frozenset[str]) -> frozenset[str]:
        """Entries of these works, the works themselves, and the people next to them."""
        with self._lock:
            found = self._within.get(works)
        if found is not None:
            return found
        own = {e for e, w in self._works.items() if w in works} | set(works)
        people = {p for e in own for p in self._near.get(e, ()) if self._kinds.get(p) in PEOPLE}
        found = frozenset(own | people)
        with self._lock:
            self._within[works] = found
        return found


def _linked(root: str, works: set[str], near: Mapping[str, set[str]]) -> frozenset[str]:
    """The works reachable from `root` through works pointing at one another."""
    family, todo = {root}, [root]
    while todo:
        for other in near.get(todo.pop(), ()):
            if other in works and other not in family:
                family.add(other)
                todo.append(other)
    return frozenset(family)


_BUILT: weakref.WeakKeyDictionary[FactIndex, Worlds] = weakref.WeakKeyDictionary()
_BUILDING = threading.Lock()


def worlds_of(index: FactIndex) -> Worlds:
    """The worlds of a fact index (a server's view included), built on first use and dropped
    with the index."""
    with _BUILDING:
        built = _BUILT.get(index)
        if built is None:
            built = _BUILT[index] = Worlds(index.kinds, index.works, index.near)
    return built


def works_named(worlds: Worlds, ids: Iterable[str]) -> list[str]:
    """The works these entries are in, in their order."""
    return list(dict.fromkeys(w for i in ids if (w := worlds.work_of(i)) is not None))


def share_worlds(index: FactIndex, before: FactIndex) -> None:
    """Give `index` the worlds `before` has worked out, when both read the very same kinds,
    works and neighbours (a server's view after an edit that changed only what entries say):
    working them out again walks every entry of the view."""
    with _BUILDING:
        built = _BUILT.get(before)
        if (
            built is not None
            and built._kinds is index.kinds
            and built._works is index.works
            and built._near is index.near
        ):
            _BUILT.setdefault(index, built)
