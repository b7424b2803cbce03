"""The read model: one immutable snapshot of the lore, with its search index.

Commands hold a reference to a `Lorebook` for the length of one answer. A reload builds a new
book and swaps the reference, so an answer never mixes old and new lore, and a failed reload
leaves the old book serving.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TypeVar

from bot.lore.bulk import FREEZER, collector_paused
from bot.lore.factindex import FactIndex, facts_of, facts_ready
from bot.lore.model import (
    BalletScene,
    Character,
    Dialogue,
    Entry,
    Kind,
    Persona,
    PersonaPurpose,
    Scene,
    kind_of,
)
from bot.lore.search import Hit, Index, SearchIndex

E = TypeVar("E")


class Lorebook:
    """Entries by id and by kind, in file order (scenes in story order), plus search."""

    __slots__ = (
        "__weakref__",
        "_by_id",
        "_by_kind",
        "_entries",
        "_index",
        "_places",
        "_played_by",
        "_sequences",
        "_works",
    )

    def __init__(self, entries: Iterable[Entry], *, lazy_index: bool = False) -> None:
        """`lazy_index`: build the parts of the search index only autocomplete, typo matching
        and full text read on first use (`SearchIndex`), for a server view's small layers."""
        with collector_paused():
            self._build(entries, lazy_index)

    def _build(self, entries: Iterable[Entry], lazy_index: bool) -> None:
        given = list(entries)
        steps = [e for e in given if isinstance(e, Scene | BalletScene)]
        self._works = {work: rank for rank, work in enumerate(dict.fromkeys(e.work for e in steps))}
        ordered = sorted(given, key=self.place)
        self._entries = tuple(ordered)
        self._places = tuple(self.place(e) for e in self._entries)
        self._by_id: Mapping[str, Entry] = MappingProxyType({e.id: e for e in self._entries})
        by_kind: dict[str, list[Entry]] = {}
        for entry in self._entries:
            by_kind.setdefault(entry.kind, []).append(entry)
        self._by_kind = MappingProxyType({k: tuple(v) for k, v in by_kind.items()})
        played: dict[str, list[Character]] = {}
        sequences: dict[tuple[str, str], list[Scene | BalletScene]] = {}
        for entry in self._entries:
            if isinstance(entry, Character):
                for person in dict.fromkeys(entry.people):
                    played.setdefault(person, []).append(entry)
            elif isinstance(entry, Scene | BalletScene):
                sequences.setdefault((entry.kind, entry.work), []).append(entry)
        self._played_by = MappingProxyType({k: tuple(v) for k, v in played.items()})
        self._sequences = MappingProxyType({k: tuple(v) for k, v in sequences.items()})
        self._index: Index = SearchIndex(self._entries, lazy=lazy_index)

    def place(self, entry: Entry) -> tuple[int, int]:
        """Where an entry goes in this book's order: other entries keep their places; steps
        follow, work by work (in the order the lore first gives each work), each in order."""
        if isinstance(entry, Scene | BalletScene):
            return self._works[entry.work], entry.order
        return -1, 0

    def count_up_to(self, place: tuple[int, int]) -> int:
        """How many entries come at or before `place` in this book's order (a server view
        slots its own entries into the shipped order with it)."""
        return bisect.bisect_right(self._places, place)

    @property
    def index(self) -> Index:
        """The search index behind `search`, `complete` and `exact`."""
        return self._index

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._by_id

    @property
    def entries(self) -> tuple[Entry, ...]:
        return self._entries

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def name_of(self, entry_id: str) -> str:
        """An entry's name; a reference this server cannot see (hidden or deleted since) is
        shown as plain words made from its id, never as a raw id or a link."""
        entry = self.get(entry_id)
        return entry.name if entry else entry_id.replace("-", " ").title()

    def of_kind(self, kind: Kind) -> tuple[Entry, ...]:
        """Entries of one kind; scenes and ballet scenes come work by work, each in its `order`."""
        return self._by_kind.get(kind, ())

    def of_type(self, cls: type[E]) -> tuple[E, ...]:
        """Entries of one model class, typed for the caller; read from the kind index when the
        class is one kind of entry, so the chat's per-question calls do not scan every entry."""
        kind = kind_of(cls)
        pool = self.entries if kind is None else self.of_kind(kind)
        return tuple(e for e in pool if isinstance(e, cls))

    def played_by(self, person_id: str) -> tuple[Character, ...]:
        """The characters a person played, however they are credited (acting, singing,
        dancing): the reverse of `Character.played_by`."""
        return self._played_by.get(person_id, ())

    def sequence_works(self, kind: Kind) -> tuple[str, ...]:
        """The ids of the works that have scenes of `kind` (`scene`, `ballet_scene`), in the
        order the lore gives them (the shipped film first)."""
        return tuple(work for k, work in self._sequences if k == kind)

    def first_work(self, kind: Kind) -> str:
        """The work whose story (or ballet) is shown when none is named: the kind's own default
        (the shipped film; its ballet) when that has scenes here, else the first that has."""
        default: str = (Scene if kind == "scene" else BalletScene).model_fields["work"].default
        works = self.sequence_works(kind)
        return default if default in works or not works else works[0]

    def sequence(self, kind: Kind, work: str) -> tuple[Scene | BalletScene, ...]:
        """One work's story (or ballet) in its `order`."""
        return self._sequences.get((kind, work), ())

    def persona(self, purpose: PersonaPurpose) -> tuple[str, ...]:
        """Every voice line for one purpose, across all persona entries."""
        return tuple(
            line
            for e in self.of_kind("persona")
            if isinstance(e, Persona) and e.purpose == purpose
            for line in e.lines
        )

    def dialogue(self, entry_id: str) -> Dialogue | None:
        entry = self.get(entry_id)
        return entry if isinstance(entry, Dialogue) else None

    @property
    def facts(self) -> FactIndex:
        """The chat's fact index, built on the first question: loading lore (and every reload
        or server view that is never chatted with) does not pay for it. Once built it lives as
        long as the book, so it counts towards the next freeze (`bot/lore/bulk.py`)."""
        return facts_of(self, self._fact_index)

    def _fact_index(self) -> FactIndex:
        """Build this book's fact index (a server view layers its own on the shipped one's),
        the collector paused until it counts towards the next freeze: built with the collector
        running, collections walk the growing index again and again, and the first after it
        walks all of it (a 134 ms pause in `python -m bench.servers`)."""
        with collector_paused():
            index = FactIndex(self._entries)
            FREEZER.built(len(index.facts))
        return index

    @property
    def facts_ready(self) -> bool:
        """Whether the fact index is built already (asking for it then costs nothing)."""
        return facts_ready(self)

    def search(self, query: str, kinds: Iterable[Kind] | None = None, limit: int = 10) -> list[Hit]:
        return self._index.search(query, kinds, limit)

    def complete(self, prefix: str, kind: Kind | None = None) -> list[Entry]:
        return self._index.complete(prefix, kind)

    def exact(self, query: str, kinds: Iterable[Kind] | None = None) -> list[Entry]:
        """Entries whose name, alias or id is the query (case and accents aside); no fuzzing."""
        return self._index.exact(query, kinds)

    def find(self, query: str, kinds: Iterable[Kind] | None = None) -> Entry | None:
        """The one entry a name option means: an exact match, else a confident fuzzy match."""
        hits = self._index.search(query, kinds, limit=1)
        if hits and hits[0].how != "text":
            return hits[0].entry
        return None
