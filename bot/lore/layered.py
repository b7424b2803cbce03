"""A server's view: the shared shipped book with the server's overlay layered on top.

A server that adds, replaces or hides entries sees the shipped lore less what it hid or replaced,
plus its own entries, in the order a book built from all of them would give (`merge` in
`bot/lore/library.py` builds exactly that book, and tests hold the two to the same answers). The
view does not copy or re-index the shipped lore: it indexes only the overlay's entries, masks
the shipped entries they hide or replace, and reads both as one. So a view costs what its
overlay costs, and building one takes time in proportion to the overlay, whatever the size of
the shipped lore.

Refs (see `bot/lore/search.py`) place both layers in one order: a shipped entry at position i
is `i * SPAN`; an own entry sits just after the last shipped entry that precedes it in the
merged order, numbered among its own. Full-text ranking is FTS5's bm25 computed with the
statistics of the merged lore (its rows, their words, how many rows hold each term), from the
per-row counts each layer's index gives, so scores compare across the layers.
"""

from __future__ import annotations

import bisect
import heapq
import json
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain
from typing import TypeVar

from bot.lore.lorebook import Lorebook
from bot.lore.model import BalletScene, Character, Entry, Kind, Scene
from bot.lore.search import COMPLETE_LIMIT, Index, SearchIndex

SPAN = 1 << 32
"""Room between two shipped refs for the overlay entries that fall between them."""
NONE = "[]"
"""No rows set aside (a JSON list)."""

E = TypeVar("E", bound=Entry)


def flat_index(book: Lorebook) -> SearchIndex:
    index = book.index
    if not isinstance(index, SearchIndex):
        raise TypeError("an overlay is layered on a flat book, not on another server's view")
    return index


class LayeredIndex(Index):
    """The shipped index and an overlay's index, searched as one (see the module's doc)."""

    def __init__(
        self, base: SearchIndex, own: SearchIndex, own_refs: Sequence[int], masked: set[int]
    ) -> None:
        self._base = base
        self._own = own
        self._own_refs = own_refs
        self._own_at = {ref: i for i, ref in enumerate(own_refs)}
        self._masked = masked
        self._dead = self._dead_tokens()
        self._own_prefix = sorted((key, rank, own_refs[i]) for key, rank, i in own.prefix_rows(""))
        self._own_prefix_keys = [row[0] for row in self._own_prefix]
        self._opening: dict[Kind | None, tuple[Entry, ...]] = {}
        self._hidden = json.dumps(sorted(masked))
        self._totals: tuple[int, int] | None = None

    def _dead_tokens(self) -> set[str]:
        """Name tokens that only masked shipped entries hold: gone from this view."""
        masked_holders = Counter(token for ref in self._masked for token in self._base.tokens(ref))
        return {t for t, n in masked_holders.items() if n == len(self._base.posting(t))}

    def _base_refs(self, refs: Iterable[int]) -> Iterator[int]:
        return (i * SPAN for i in refs if i not in self._masked)

    def _both(self, base: Iterable[int], own: Iterable[int]) -> list[int]:
        return sorted(chain(self._base_refs(base), (self._own_refs[i] for i in own)))

    def entry(self, ref: int) -> Entry:
        if ref % SPAN:
            return self._own.entry(self._own_at[ref])
        return self._base.entry(ref // SPAN)

    def names(self, ref: int) -> Sequence[str]:
        if ref % SPAN:
            return self._own.names(self._own_at[ref])
        return self._base.names(ref // SPAN)

    def exact_refs(self, folded: str) -> Sequence[int]:
        return self._both(self._base.exact_refs(folded), self._own.exact_refs(folded))

    def has_token(self, token: str) -> bool:
        return self._own.has_token(token) or (
            token not in self._dead and self._base.has_token(token)
        )

    def token_pool(self, token: str) -> Iterator[str]:
        live = (t for t in self._base.token_pool(token) if t not in self._dead)
        return chain(live, self._own.token_pool(token))

    def posting(self, token: str) -> Sequence[int]:
        return self._both(self._base.posting(token), self._own.posting(token))

    def prefix_rows(self, folded: str) -> Iterator[tuple[str, int, int]]:
        base = (
            (key, rank, i * SPAN)
            for key, rank, i in self._base.prefix_rows(folded)
            if i not in self._masked
        )
        start = bisect.bisect_left(self._own_prefix_keys, folded)
        return heapq.merge(base, self._own_prefix[start:])

    def opening(self, kind: Kind | None) -> Sequence[Entry]:
        found = self._opening.get(kind)
        if found is None:
            own = sorted((self._own.names(i)[0], self._own_refs[i]) for i in self._own.alphabetical)
            base = ((self._base.names(i)[0], i * SPAN) for i in self._base_refs_alphabetical())
            chosen: list[Entry] = []
            for _, ref in heapq.merge(base, own):
                entry = self.entry(ref)
                if kind is None or entry.kind == kind:
                    chosen.append(entry)
                    if len(chosen) == COMPLETE_LIMIT:
                        break
            found = self._opening[kind] = tuple(chosen)
        return found

    def _base_refs_alphabetical(self) -> Iterator[int]:
        return (i for i in self._base.alphabetical if i not in self._masked)

    def ranked_text(self, terms: Sequence[str], count: int) -> list[tuple[int, float]]:
        """bm25 with the statistics of the merged rows, each layer scoring its own rows."""
        if self._totals is None:
            base_rows, base_words = self._base.bm25_totals(self._hidden)
            own_rows, own_words = self._own.bm25_totals(NONE)
            self._totals = (base_rows + own_rows, base_words + own_words)
        rows, words = self._totals
        idf = []
        for term in terms:
            hits = self._base.term_rows(term, self._hidden) + self._own.term_rows(term, NONE)
            weight = math.log((rows - hits + 0.5) / (hits + 0.5))
            idf.append(weight if weight > 0.0 else 1e-6)
        average = float(words) / float(rows)
        base = self._base.bm25_rows(terms, idf, average, self._hidden, count)
        own = self._own.bm25_rows(terms, idf, average, NONE, count)
        found = [(score, i * SPAN) for i, score in base]
        found += [(score, self._own_refs[i]) for i, score in own]
        return [(ref, score) for score, ref in sorted(found)[:count]]


class ServerView(Lorebook):
    """The shipped book with one server's entries layered on top; read like any `Lorebook`."""

    __slots__ = ("_kinds", "_masked_ids", "_merged", "_own", "_own_refs", "_shipped")

    def __init__(self, shipped: Lorebook, entries: Iterable[Entry], hidden: Iterable[str]) -> None:
        hidden = frozenset(hidden)
        given = [e for e in entries if e.id not in hidden]
        base = flat_index(shipped)
        self._shipped = shipped
        self._own = Lorebook(given)
        self._masked_ids = frozenset(
            i for i in chain(hidden, (e.id for e in given)) if i in base.positions
        )
        masked = {base.positions[i] for i in self._masked_ids}
        refs = self._place(given)
        self._own_refs = {e.id: refs[e.id] for e in given}
        own_index = flat_index(self._own)
        own_refs = [refs[own_index.entry(i).id] for i in range(len(own_index))]
        self._index = LayeredIndex(base, own_index, own_refs, masked)
        self._kinds: dict[Kind, tuple[Entry, ...]] = {}
        self._merged: tuple[Entry, ...] | None = None

    def _place(self, given: list[Entry]) -> dict[str, int]:
        """Each own entry's ref: where a book of the merged entries would put it."""
        shipped = self._shipped
        live_works = {
            e.work
            for e in chain(shipped.of_kind("scene"), shipped.of_kind("ballet_scene"))
            if isinstance(e, Scene | BalletScene) and e.id not in self._masked_ids
        }
        new_works: dict[str, int] = {}
        for entry in given:
            if isinstance(entry, Scene | BalletScene) and entry.work not in live_works:
                # after every shipped work, in the order the overlay first gives each
                new_works.setdefault(entry.work, SPAN + len(new_works))

        def place(entry: Entry) -> tuple[int, int]:
            if isinstance(entry, Scene | BalletScene) and entry.work in new_works:
                return new_works[entry.work], entry.order
            return shipped.place(entry)

        order = sorted(range(len(given)), key=lambda i: place(given[i]))
        refs: dict[str, int] = {}
        for rank, i in enumerate(order):
            after = shipped.count_up_to(place(given[i]))
            refs[given[i].id] = (after - 1) * SPAN + 1 + rank
        return refs

    def _ref(self, entry: Entry) -> int:
        own = self._own_refs.get(entry.id)
        if own is not None:
            return own
        return flat_index(self._shipped).positions[entry.id] * SPAN

    def _in_order(self, shipped: Iterable[E], own: Iterable[E]) -> tuple[E, ...]:
        """Shipped entries this server still sees and its own ones, in the merged order."""
        live = (e for e in shipped if e.id not in self._masked_ids)
        return tuple(sorted(chain(live, own), key=self._ref))

    def __len__(self) -> int:
        return len(self._shipped) - len(self._masked_ids) + len(self._own)

    def __contains__(self, entry_id: object) -> bool:
        if entry_id in self._own:
            return True
        return entry_id not in self._masked_ids and entry_id in self._shipped

    @property
    def entries(self) -> tuple[Entry, ...]:
        if self._merged is None:
            self._merged = self._in_order(self._shipped.entries, self._own.entries)
        return self._merged

    @property
    def own_entries(self) -> tuple[Entry, ...]:
        """The entries this server added or replaced (what the view indexes itself)."""
        return self._own.entries

    def get(self, entry_id: str) -> Entry | None:
        own = self._own.get(entry_id)
        if own is not None or entry_id in self._masked_ids:
            return own
        return self._shipped.get(entry_id)

    def place(self, entry: Entry) -> tuple[int, int]:
        raise TypeError("a server view is never a base for another layer")

    def of_kind(self, kind: Kind) -> tuple[Entry, ...]:
        found = self._kinds.get(kind)
        if found is None:
            found = self._kinds[kind] = self._in_order(
                self._shipped.of_kind(kind), self._own.of_kind(kind)
            )
        return found

    def played_by(self, person_id: str) -> tuple[Character, ...]:
        return self._in_order(self._shipped.played_by(person_id), self._own.played_by(person_id))

    def sequence_works(self, kind: Kind) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(e.work for e in self.of_kind(kind) if isinstance(e, Scene | BalletScene))
        )

    def sequence(self, kind: Kind, work: str) -> tuple[Scene | BalletScene, ...]:
        return self._in_order(self._shipped.sequence(kind, work), self._own.sequence(kind, work))
