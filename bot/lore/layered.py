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
merged order, numbered among its own with room between them. A moderator's change does not
rebuild the view: `ServerView.changed` masks the changed entries in the full build's own layer
and indexes their new versions as a second, small layer whose refs fall between their merged
neighbours' (see `DELTA_LIMIT`). Full-text ranking is FTS5's bm25 computed with the
statistics of the merged lore (its rows, their words, how many rows hold each term), from the
per-row counts each layer's index gives, so scores compare across the layers.
"""

from __future__ import annotations

import bisect
import heapq
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import chain
from typing import TypeVar

from bot.lore.bulk import collector_paused
from bot.lore.factedits import EDITS_CHAINED, edited_facts, says_only
from bot.lore.factindex import FactIndex, facts_of, facts_ready
from bot.lore.factlayers import View, layered_facts
from bot.lore.lorebook import Lorebook
from bot.lore.model import BalletScene, Character, Entry, Kind, Scene
from bot.lore.search import COMPLETE_LIMIT, Index, SearchIndex

SPAN = 1 << 64
"""Room between two shipped refs for the overlay entries that fall between them."""
STEP = 1 << 32
"""Room between two own entries a full build places, for entries later edits slot between."""
DELTA_LIMIT = 64
"""Entries an edited view indexes beside its full build's before the next change rebuilds it
from the store instead (a small index is quick to rebuild on every change; a large one is not)."""
LAZY_UP_TO = 128
"""A layer of at most this many entries builds what only autocomplete, typo matching and full
text read on first use (`SearchIndex`), on whichever thread asks: a few milliseconds at most,
and a first look-up by name never pays for them. A larger layer builds them with the view, in
the worker thread that builds it."""

E = TypeVar("E", bound=Entry)
NO_CHANGES = Lorebook(())
"""The changes layer of a view fresh from a full build: one shared empty book, not an empty
index (and in-memory database) per cached view."""


def flat_index(book: Lorebook) -> SearchIndex:
    index = book.index
    if not isinstance(index, SearchIndex):
        raise TypeError("an overlay is layered on a flat book, not on another server's view")
    return index


def dead_tokens(index: SearchIndex, masked: Iterable[int]) -> frozenset[str]:
    """Name tokens that only an index's masked rows hold: gone from a view that masks them."""
    holders = Counter(token for i in masked for token in index.tokens(i))
    return frozenset(t for t, n in holders.items() if n == len(index.posting(t)))


def layer_book(entries: Iterable[Entry]) -> Lorebook:
    """A book of a view's own entries, its index as lazy as its size allows (`LAZY_UP_TO`)."""
    given = tuple(entries)
    return Lorebook(given, lazy_index=len(given) <= LAZY_UP_TO)


class OwnLayer:
    """An overlay's own index and each row's ref. A full build makes one; the views later
    changes make from it share it, each masking the rows those changes replaced."""

    def __init__(self, index: SearchIndex, refs: Sequence[int]) -> None:
        self.index = index
        self.refs = tuple(refs)
        self.at = {ref: i for i, ref in enumerate(refs)}
        self._prefix: tuple[tuple[str, ...], tuple[tuple[str, int, int], ...]] | None = None

    def prefix(self) -> tuple[tuple[str, ...], tuple[tuple[str, int, int], ...]]:
        """The layer's name rows with refs in sorted order, and their keys: worked out on the
        first autocomplete (two threads racing to it work out the same rows)."""
        if self._prefix is None:
            refs = self.refs
            rows = tuple(
                sorted((key, rank, refs[i]) for key, rank, i in self.index.prefix_rows(""))
            )
            self._prefix = (tuple(row[0] for row in rows), rows)
        return self._prefix


def _prefix_rows(
    layer: OwnLayer, masked: frozenset[int], folded: str
) -> Iterator[tuple[str, int, int]]:
    """A layer's name rows from `folded` on, less the masked ones."""
    keys, prefix = layer.prefix()
    rows = prefix[bisect.bisect_left(keys, folded) :]
    if not masked:
        return iter(rows)
    return (row for row in rows if layer.at[row[2]] not in masked)


class LayeredIndex(Index):
    """The shipped index and an overlay's layers, searched as one (see the module's doc)."""

    def __init__(
        self,
        base: SearchIndex,
        masked: set[int],
        layers: Sequence[tuple[OwnLayer, frozenset[int]]],
    ) -> None:
        self._base = base
        self._masked = masked
        self._layers = tuple(layers)
        self._dead: tuple[frozenset[str], ...] | None = None
        self._opening: dict[Kind | None, tuple[Entry, ...]] = {}
        self._hidden = json.dumps(sorted(masked))
        self._layer_hidden = tuple(json.dumps(sorted(rows)) for _, rows in self._layers)
        self._totals: tuple[int, int] | None = None

    def _dead_tokens(self) -> tuple[frozenset[str], ...]:
        """Per index (the shipped one first), the tokens this view no longer holds there;
        worked out on the first fuzzy look-up, not on every change."""
        if self._dead is None:
            self._dead = (
                dead_tokens(self._base, self._masked),
                *(dead_tokens(layer.index, rows) for layer, rows in self._layers),
            )
        return self._dead

    def _indexes(self) -> Iterator[SearchIndex]:
        yield self._base
        for layer, _ in self._layers:
            yield layer.index

    def _all(self, rows: Sequence[Sequence[int]]) -> list[int]:
        """Refs of every index's unmasked rows (`rows` per index, the shipped one first)."""
        found = [i * SPAN for i in rows[0] if i not in self._masked]
        for (layer, masked), own in zip(self._layers, rows[1:], strict=True):
            found += (layer.refs[i] for i in own if i not in masked)
        found.sort()
        return found

    def _layer_of(self, ref: int) -> tuple[SearchIndex, int]:
        for layer, _ in self._layers:
            row = layer.at.get(ref)
            if row is not None:
                return layer.index, row
        raise KeyError(ref)

    def entry(self, ref: int) -> Entry:
        if ref % SPAN:
            index, row = self._layer_of(ref)
            return index.entry(row)
        return self._base.entry(ref // SPAN)

    def names(self, ref: int) -> Sequence[str]:
        if ref % SPAN:
            index, row = self._layer_of(ref)
            return index.names(row)
        return self._base.names(ref // SPAN)

    def exact_refs(self, folded: str) -> Sequence[int]:
        return self._all([index.exact_refs(folded) for index in self._indexes()])

    def has_token(self, token: str) -> bool:
        return any(
            token not in dead and index.has_token(token)
            for index, dead in zip(self._indexes(), self._dead_tokens(), strict=True)
        )

    def token_pool(self, token: str) -> Iterator[str]:
        return chain.from_iterable(
            (t for t in index.token_pool(token) if t not in dead)
            for index, dead in zip(self._indexes(), self._dead_tokens(), strict=True)
        )

    def posting(self, token: str) -> Sequence[int]:
        return self._all([index.posting(token) for index in self._indexes()])

    def prefix_rows(self, folded: str) -> Iterator[tuple[str, int, int]]:
        base = (
            (key, rank, i * SPAN)
            for key, rank, i in self._base.prefix_rows(folded)
            if i not in self._masked
        )
        own = [_prefix_rows(layer, masked, folded) for layer, masked in self._layers]
        return heapq.merge(base, *own)

    def opening(self, kind: Kind | None) -> Sequence[Entry]:
        found = self._opening.get(kind)
        if found is None:
            own = sorted(
                (layer.index.names(i)[0], layer.refs[i])
                for layer, masked in self._layers
                for i in layer.index.alphabetical
                if i not in masked
            )
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
        """bm25 with the statistics of the merged rows, each index scoring its own rows."""
        indexes = list(self._indexes())
        hidden = (self._hidden, *self._layer_hidden)
        if self._totals is None:
            totals = [index.bm25_totals(h) for index, h in zip(indexes, hidden, strict=True)]
            self._totals = (sum(t[0] for t in totals), sum(t[1] for t in totals))
        rows, words = self._totals
        idf = []
        for term in terms:
            hits = sum(index.term_rows(term, h) for index, h in zip(indexes, hidden, strict=True))
            weight = math.log((rows - hits + 0.5) / (hits + 0.5))
            idf.append(weight if weight > 0.0 else 1e-6)
        average = float(words) / float(rows)
        found = [
            (score, i * SPAN)
            for i, score in self._base.bm25_rows(terms, idf, average, self._hidden, count)
        ]
        for (layer, _), h in zip(self._layers, self._layer_hidden, strict=True):
            own = layer.index.bm25_rows(terms, idf, average, h, count)
            found += [(score, layer.refs[i]) for i, score in own]
        return [(ref, score) for score, ref in sorted(found)[:count]]


STEPS: tuple[Kind, ...] = ("scene", "ballet_scene")


@dataclass(frozen=True)
class _Edits:
    """What a view an edit made takes its fact index from: its predecessor's, with the
    `edited` entries' facts stated again; `depth` such splices read through one another."""

    before: FactIndex
    edited: tuple[Entry, ...]
    depth: int


class ServerView(Lorebook):
    """The shipped book with one server's entries layered on top; read like any `Lorebook`."""

    __slots__ = (
        "_delta",
        "_delta_refs",
        "_depth",
        "_edits",
        "_gone",
        "_keys",
        "_kinds",
        "_layer",
        "_masked_ids",
        "_merged",
        "_new_works",
        "_own",
        "_own_refs",
        "_shipped",
    )

    def __init__(self, shipped: Lorebook, entries: Iterable[Entry], hidden: Iterable[str]) -> None:
        hidden = frozenset(hidden)
        # Own entries that tie in the book's order come in id order, as the store gives them.
        given = sorted((e for e in entries if e.id not in hidden), key=lambda e: e.id)
        base = flat_index(shipped)
        self._shipped = shipped
        self._own = layer_book(given)
        self._masked_ids = frozenset(
            i for i in chain(hidden, (e.id for e in given)) if i in base.positions
        )
        self._new_works = self._works_of(given)
        self._own_refs = self._place(given)
        self._keys = tuple(sorted((self._key(e), self._own_refs[e.id]) for e in given))
        own_index = flat_index(self._own)
        refs = [self._own_refs[own_index.entry(i).id] for i in range(len(own_index))]
        self._layer = OwnLayer(own_index, refs)
        self._gone: frozenset[str] = frozenset()
        self._delta = NO_CHANGES
        self._delta_refs: dict[str, int] = {}
        masked = {base.positions[i] for i in self._masked_ids}
        self._index = LayeredIndex(base, masked, [(self._layer, frozenset())])
        self._kinds: dict[Kind, tuple[Entry, ...]] = {}
        self._merged: tuple[Entry, ...] | None = None
        self._edits: _Edits | None = None
        self._depth = 0

    def _works_of(self, given: Iterable[Entry]) -> dict[str, int]:
        """Works only this server's scenes belong to: after every shipped work, in the order
        the overlay first gives each."""
        new_works: dict[str, int] = {}
        for entry in given:
            if isinstance(entry, Scene | BalletScene) and not self._live(entry.work):
                new_works.setdefault(entry.work, SPAN + len(new_works))
        return new_works

    def _live(self, work: str, masked: frozenset[str] | None = None) -> bool:
        """Whether this server still sees a shipped scene of `work`."""
        hidden = self._masked_ids if masked is None else masked
        return any(e.id not in hidden for kind in STEPS for e in self._shipped.sequence(kind, work))

    def _key(self, entry: Entry) -> tuple[tuple[int, int], str]:
        """Where an own entry goes in the merged order, ties by id."""
        if isinstance(entry, Scene | BalletScene) and entry.work in self._new_works:
            return (self._new_works[entry.work], entry.order), entry.id
        return self._shipped.place(entry), entry.id

    def _gap(self, entry: Entry) -> int:
        """How many shipped entries come before `entry` in the merged order."""
        return self._shipped.count_up_to(self._key(entry)[0])

    def _place(self, given: list[Entry]) -> dict[str, int]:
        """Each own entry's ref: where a book of the merged entries would put it, with room
        between own entries for those later changes bring."""
        refs: dict[str, int] = {}
        last, rank = None, 0
        for entry in sorted(given, key=self._key):
            after = self._gap(entry)
            rank = rank + 1 if after == last else 1
            last = after
            refs[entry.id] = (after - 1) * SPAN + rank * STEP
        return refs

    def changed(
        self, copies: Mapping[str, Entry | None], hidden: AbstractSet[str]
    ) -> ServerView | None:
        """This view after a change: each id in `copies` now has that copy (None: none of its
        own), and the ids in `hidden` are hidden. The changed entries are masked in this view's
        layers and their copies indexed as a small layer of their own; None when the change is
        better served by a full build (too many changed entries, a work that appears or
        disappears, or no room left between two refs)."""
        shipped = flat_index(self._shipped).positions
        delta = {e.id: e for e in self._delta.entries}
        gone, masked = set(self._gone), set(self._masked_ids)
        for entry_id, given in copies.items():
            copy = None if entry_id in hidden else given
            delta.pop(entry_id, None)
            if entry_id in self._own_refs:
                gone.add(entry_id)
            if copy is not None:
                delta[entry_id] = copy
            if entry_id in shipped:
                if copy is not None or entry_id in hidden:
                    masked.add(entry_id)
                else:
                    masked.discard(entry_id)
        now_masked = frozenset(masked)
        if len(delta) > DELTA_LIMIT or not self._same_works(copies, now_masked):
            return None
        refs = self._slot(list(delta.values()))
        if refs is None:
            return None
        view = ServerView.__new__(ServerView)
        view._shipped, view._own, view._layer = self._shipped, self._own, self._layer
        view._own_refs, view._keys, view._new_works = self._own_refs, self._keys, self._new_works
        view._gone, view._masked_ids = frozenset(gone), now_masked
        view._delta, view._delta_refs = layer_book(delta.values()), refs
        view._kinds, view._merged = {}, None
        view._edits, view._depth = self._edited(copies, hidden), 0
        base = flat_index(self._shipped)
        own_rows = self._layer.index.positions
        layers = [(self._layer, frozenset(own_rows[i] for i in view._gone))]
        if delta:
            index = flat_index(view._delta)
            layers.append(
                (OwnLayer(index, [refs[index.entry(i).id] for i in range(len(index))]), frozenset())
            )
        view._index = LayeredIndex(base, {base.positions[i] for i in now_masked}, layers)
        return view

    def _edited(
        self, copies: Mapping[str, Entry | None], hidden: AbstractSet[str]
    ) -> _Edits | None:
        """What the view this change makes can take its fact index from: this view's, when it
        is built and the change only edits what this server's own entries say
        (`bot/lore/factedits.py`)."""
        if hidden or self._depth >= EDITS_CHAINED or not facts_ready(self):
            return None
        edited = []
        for entry_id, copy in copies.items():
            before = self._delta.get(entry_id)
            if before is None and entry_id not in self._gone:
                before = self._own.get(entry_id)
            # a shipped entry's first copy of its own moves to where own entries go
            if copy is None or before is None or not says_only(before, copy):
                return None
            edited.append(copy)
        return _Edits(facts_of(self), tuple(edited), self._depth + 1)

    def _same_works(self, copies: Mapping[str, Entry | None], masked: frozenset[str]) -> bool:
        """Whether the works this server sees (and their order) stay as they were."""
        for entry_id, copy in copies.items():
            for entry in (copy, self.get(entry_id), self._shipped.get(entry_id)):
                if isinstance(entry, Scene | BalletScene) and (
                    entry.work in self._new_works
                    or not self._live(entry.work)
                    or not self._live(entry.work, masked)
                ):
                    return False
        return True

    def _slot(self, delta: list[Entry]) -> dict[str, int] | None:
        """Refs for changed entries, each between its merged neighbours' refs."""
        between: dict[tuple[int, int], list[str]] = {}
        for entry in sorted(delta, key=self._key):
            after = self._gap(entry)
            low, high = (after - 1) * SPAN, after * SPAN
            at = bisect.bisect_left(self._keys, (self._key(entry),))
            if at:
                low = max(low, self._keys[at - 1][1])
            if at < len(self._keys):
                high = min(high, self._keys[at][1])
            between.setdefault((low, high), []).append(entry.id)
        refs: dict[str, int] = {}
        for (low, high), ids in between.items():
            if high - low <= len(ids):
                return None
            for n, entry_id in enumerate(ids, 1):
                refs[entry_id] = low + (high - low) * n // (len(ids) + 1)
        return refs

    def _owned(self, pick: Callable[[Lorebook], Iterable[E]]) -> Iterator[E]:
        """This server's own entries that `pick` chooses: the full build's, less those changed
        since, and the changed ones."""
        gone = self._gone
        return chain((e for e in pick(self._own) if e.id not in gone), pick(self._delta))

    def _ref(self, entry: Entry) -> int:
        ref = self._delta_refs.get(entry.id)
        if ref is None and entry.id not in self._gone:
            ref = self._own_refs.get(entry.id)
        if ref is not None:
            return ref
        return flat_index(self._shipped).positions[entry.id] * SPAN

    def _in_order(self, shipped: Iterable[E], own: Iterable[E]) -> tuple[E, ...]:
        """Shipped entries this server still sees and its own ones, in the merged order."""
        live = (e for e in shipped if e.id not in self._masked_ids)
        return tuple(sorted(chain(live, own), key=self._ref))

    def __len__(self) -> int:
        own = len(self._own) - len(self._gone) + len(self._delta)
        return len(self._shipped) - len(self._masked_ids) + own

    def __contains__(self, entry_id: object) -> bool:
        return isinstance(entry_id, str) and self.get(entry_id) is not None

    @property
    def entries(self) -> tuple[Entry, ...]:
        if self._merged is None:
            self._merged = self._in_order(self._shipped.entries, self._owned(_all_entries))
        return self._merged

    @property
    def own_entries(self) -> tuple[Entry, ...]:
        """The entries this server added or replaced (what the view indexes itself)."""
        return tuple(self._owned(_all_entries))

    def get(self, entry_id: str) -> Entry | None:
        own = self._delta.get(entry_id)
        if own is None and entry_id not in self._gone:
            own = self._own.get(entry_id)
        if own is not None or entry_id in self._masked_ids:
            return own
        return self._shipped.get(entry_id)

    def place(self, entry: Entry) -> tuple[int, int]:
        raise TypeError("a server view is never a base for another layer")

    def _fact_index(self) -> FactIndex:
        """The shipped book's fact index with this server's own facts layered on (see
        `bot/lore/factlayers.py`): what it costs follows the overlay, not the shipped lore.
        A view an edit made from one whose index was built takes that index with the edited
        entries' facts replaced, when the edit allows (`bot/lore/factedits.py`). Built with the
        collector paused, as the shipped one is (`Lorebook._fact_index`)."""
        view = View(self._shipped, self, self.own_entries, self._masked_ids, self._ref, SPAN)
        edits, self._edits = self._edits, None
        with collector_paused():
            found = edited_facts(edits.before, edits.edited, view) if edits else None
            if edits is None or found is None:
                return layered_facts(view)
            self._depth = edits.depth
            return found

    def of_kind(self, kind: Kind) -> tuple[Entry, ...]:
        found = self._kinds.get(kind)
        if found is None:
            found = self._kinds[kind] = self._in_order(
                self._shipped.of_kind(kind), self._owned(lambda b: b.of_kind(kind))
            )
        return found

    def played_by(self, person_id: str) -> tuple[Character, ...]:
        return self._in_order(
            self._shipped.played_by(person_id), self._owned(lambda b: b.played_by(person_id))
        )

    def sequence_works(self, kind: Kind) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(e.work for e in self.of_kind(kind) if isinstance(e, Scene | BalletScene))
        )

    def sequence(self, kind: Kind, work: str) -> tuple[Scene | BalletScene, ...]:
        return self._in_order(
            self._shipped.sequence(kind, work), self._owned(lambda b: b.sequence(kind, work))
        )


def _all_entries(book: Lorebook) -> tuple[Entry, ...]:
    return book.entries
