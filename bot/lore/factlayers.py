"""A server view's fact index: the shipped book's, shared, with the server's own facts on top.

Building the chat's fact index from every entry of a view would cost what the shipped lore
costs (seconds and about 190 MiB at 10,000 entries) for every server that chats. Instead a
view's index reads the shipped book's index, less the facts of entries the server hides or
replaces, plus the facts of its own entries, indexed here. It answers exactly as an index built
from all of the view's entries would (tests/lore/test_factlayers.py holds it to that):

- a shipped entry's facts can depend on other entries — their names, a work's last step, the
  characters' names (what `FactContext` gives), the names its sentences mention, its
  neighbours' kinds and its work's form. Each shipped entry's reads of the context are recorded
  once per shipped book (`ShippedFacts`); a shipped entry whose reads, neighbours or work the
  overlay changes is re-indexed with the server's own entries ("affected");
- a shipped fact whose sentence says a name that names other entries in the view (or names an
  entry that is, or is no longer, a person) states the same words in the same place: only its
  keys change. It is re-keyed where it is ("rekeyed"), not re-indexed with its whole entry, so
  an overlay whose new names are common words costs the facts saying them, not their entries;
- facts are numbered in the merged book's order, as a fresh build numbers them (rankings break
  ties by number): the view's numbers are runs of the shipped numbering spliced with runs of
  its own, and postings are renumbered when read (cached per key);
- an overlay that changes what the lexicon says (every concept of every fact), or that reaches
  more than `LAYERED_SHARE` of the shipped entries, is built in full: layering saves nothing then.

The layered parts stand in for the flat index's dicts, lists and sets with only the reads the
index makes of them (`get`, `[]`, `in`, `len`); `tests/lore/test_factlayers.py` compares each of
them with a fresh build's.
"""

from __future__ import annotations

import bisect
import copy
import weakref
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import TypeVar, cast

from bot.lore.bulk import FREEZER
from bot.lore.factindex import (
    ASKS,
    ENTITY,
    NEAR,
    SETTINGS,
    FactIndex,
    fact_context,
    proper_words,
    said_lines,
)
from bot.lore.facts import Fact, FactContext
from bot.lore.language import Language, stem, surface, words
from bot.lore.lorebook import Lorebook
from bot.lore.mentions import UNNAMED
from bot.lore.model import BalletScene, Dialogue, Entry, Lexicon, Scene
from bot.lore.names import Names, folded_names
from bot.lore.search import STOP_WORDS
from bot.lore.text import fold

K = TypeVar("K")
V = TypeVar("V")
Read = tuple[str, object]
"""What an entry read of the context: ("name", id), ("last", (kind, work)), ("character", s)."""
LAYERED_SHARE = 0.5
"""A view whose own and affected entries are more than this share of the shipped ones is built
in full (synthetic lore whose new names are common words of its prose does that)."""
POSTINGS_CACHED = 4096
"""Renumbered postings a view keeps (keys the chat asked for); past this the cache restarts."""


class _Reads:
    """Which shipped entries read what of the context while stating their facts."""

    def __init__(self) -> None:
        self.reader = ""
        self.by: dict[Read, set[str]] = {}

    def note(self, read: Read) -> None:
        self.by.setdefault(read, set()).add(self.reader)


class _Noted(Mapping[K, V]):
    """A context mapping that notes every key read."""

    def __init__(self, tag: str, inner: Mapping[K, V], reads: _Reads) -> None:
        self._tag, self._inner, self._reads = tag, inner, reads

    def __getitem__(self, key: K) -> V:
        self._reads.note((self._tag, key))
        return self._inner[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._inner)

    def __len__(self) -> int:
        return len(self._inner)


class _NotedSet(AbstractSet[str]):
    def __init__(self, inner: AbstractSet[str], reads: _Reads) -> None:
        self._inner, self._reads = inner, reads

    def __contains__(self, item: object) -> bool:
        self._reads.note(("character", item))
        return item in self._inner

    def __iter__(self) -> Iterator[str]:
        return iter(self._inner)

    def __len__(self) -> int:
        return len(self._inner)


class ShippedFacts:
    """What layering needs to know of a shipped book's facts, worked out once per book."""

    def __init__(self, book: Lorebook, index: FactIndex) -> None:
        self.index = index
        self.context = fact_context(book.entries)
        counts = Counter(fact.entry for fact in index.facts)
        self.first = [0]
        for entry in book.entries:
            self.first.append(self.first[-1] + counts[entry.id])
        """The number of each shipped entry's first fact (its facts are numbered together)."""
        reads = _Reads()
        noted = FactContext(
            _Noted("name", self.context.names, reads),
            _Noted("last", self.context.last_order, reads),
            _NotedSet(self.context.characters, reads),
        )
        for entry in book.entries:
            reads.reader = entry.id
            for _ in entry.facts(noted):
                pass
        self.readers = {read: frozenset(ids) for read, ids in reads.by.items()}
        self.phrase_words = frozenset(w for key in index.language.phrases for w in key)
        """Words of the lexicon's phrases: a name of none of them hides no concept."""
        self.characters = Counter(
            fold(n) for e in book.entries if e.kind == "character" for n in (e.name, *e.aliases)
        )
        self.referrers: dict[str, set[str]] = {}
        self.members: dict[str, set[str]] = {}
        for entry in book.entries:
            for _, ref in entry.references():
                self.referrers.setdefault(ref, set()).add(entry.id)
        for entry_id, work in index.works.items():
            self.members.setdefault(work, set()).add(entry_id)

    def read_by(self, read: Read) -> frozenset[str]:
        return self.readers.get(read, frozenset())


_SHIPPED: weakref.WeakKeyDictionary[Lorebook, ShippedFacts] = weakref.WeakKeyDictionary()


def shipped_facts(book: Lorebook) -> ShippedFacts:
    """The shipped book's fact index and what layering reads of it (built on first use; under
    the fact index's build lock, which the caller holds)."""
    found = _SHIPPED.get(book)
    if found is None:
        found = _SHIPPED[book] = ShippedFacts(book, book.facts)
    return found


class _Layered(Mapping[str, V]):
    """Own values first; then the shipped ones, less the masked ids'."""

    def __init__(self, own: Mapping[str, V], base: Mapping[str, V], masked: AbstractSet[str]):
        self._own, self._base, self._masked = own, base, masked

    def __getitem__(self, key: str) -> V:
        if key in self._own:
            return self._own[key]
        if key in self._masked:
            raise KeyError(key)
        return self._base[key]

    def get(self, key: str, default: V | None = None) -> V | None:  # type: ignore[override]
        """As `Mapping.get`, without raising and catching KeyError (the chat asks often)."""
        if key in self._own:
            return self._own[key]
        if key in self._masked:
            return default
        return self._base.get(key, default)

    def __iter__(self) -> Iterator[str]:
        yield from self._own
        yield from (k for k in self._base if k not in self._own and k not in self._masked)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Merged(Mapping[str, V]):
    """Keys of either layer that still hold something once merged: a subclass's `__getitem__`
    raises KeyError for a key whose merged value is empty."""

    _own: Mapping[str, V]
    _base: Mapping[str, V]

    def __iter__(self) -> Iterator[str]:
        return (k for k in {*self._own, *self._base} if k in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class _Holders(_Merged[set[str]]):
    """Ids by word (`proper`): the shipped holders less the masked ones, plus own holders."""

    def __init__(
        self, own: Mapping[str, set[str]], base: Mapping[str, set[str]], masked: AbstractSet[str]
    ) -> None:
        self._own, self._base, self._masked = own, base, masked

    def __getitem__(self, key: str) -> set[str]:
        found = (self._base.get(key, set()) - self._masked) | self._own.get(key, set())
        if not found:
            raise KeyError(key)
        return found


class _Prominence(Counter[str]):
    """How often entries are pointed at: the shipped counts plus the overlay's difference."""

    def __init__(self, base: Counter[str], delta: Counter[str]) -> None:
        super().__init__()
        self._base, self._delta = base.get, delta.get

    def __missing__(self, key: str) -> int:
        return self._base(key, 0) + self._delta(key, 0)


class _LayeredNames(Names):
    """The shipped names less the masked entries', plus the view's own entries' names. A name
    (or name word) neither the own nor the masked entries hold is the shipped one as it is: the
    fact index asks for every run of words of every fact it re-keys, nearly all untouched."""

    def __init__(self, own: Sequence[Entry], base: Names, masked: Sequence[Entry]) -> None:
        super().__init__(own)
        self._base, self._masked = base, frozenset(e.id for e in masked)
        self._touched = {name for e in (*own, *masked) for name in folded_names(e)}
        self._touched_tokens = {t for name in self._touched for t in name.split()}

    def named(self, folded: str) -> list[Entry]:
        if folded not in self._touched:
            return self._base.named(folded)
        shipped = [e for e in self._base.named(folded) if e.id not in self._masked]
        return [*shipped, *super().named(folded)]

    def longest_from(self, token: str) -> int:
        return max(self._base.longest_from(token), super().longest_from(token))

    def name_token(self, token: str) -> list[Entry]:
        if token not in self._touched_tokens:
            return self._base.name_token(token)
        shipped = [e for e in self._base.name_token(token) if e.id not in self._masked]
        return [*shipped, *super().name_token(token)]

    def _shaped_like(self, token: str) -> set[str]:
        pool = self._base._shaped_like(token) | super()._shaped_like(token)
        return {word for word in pool if self.name_token(word)}


class _Characters(AbstractSet[str]):
    def __init__(self, counts: Counter[str]) -> None:
        self._counts = counts

    def __contains__(self, item: object) -> bool:
        return isinstance(item, str) and self._counts[item] > 0

    def __iter__(self) -> Iterator[str]:
        return (name for name, count in self._counts.items() if count > 0)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class Renumber:
    """Fact numbers of one source (the shipped index, or the view's own part) to the view's:
    runs of the source's numbers, each moved by its offset; numbers outside the runs are gone."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.offsets: list[int] = []

    def add(self, start: int, end: int, offset: int) -> None:
        if end > start:
            self.starts.append(start)
            self.ends.append(end)
            self.offsets.append(offset)

    def __call__(self, numbers: Sequence[int]) -> list[int]:
        found: list[int] = []
        if len(numbers) < len(self.starts):
            for number in numbers:
                run = bisect.bisect_right(self.starts, number) - 1
                if run >= 0 and number < self.ends[run]:
                    found.append(number + self.offsets[run])
            return found
        for start, end, offset in zip(self.starts, self.ends, self.offsets, strict=True):
            low = bisect.bisect_left(numbers, start)
            high = bisect.bisect_left(numbers, end, low)
            # a run that keeps its numbers (before any change, or after an edit that states
            # as many facts as before) is copied as it is
            found += map(offset.__add__, numbers[low:high]) if offset else numbers[low:high]
        return found


@dataclass(frozen=True)
class Rekeyed:
    """Keys the re-keyed shipped facts lost and gained, with their shipped numbers."""

    lost: Mapping[str, AbstractSet[int]]
    gained: Mapping[str, Sequence[int]]

    def postings(self, key: str, numbers: Sequence[int]) -> Sequence[int]:
        """A shipped posting as the re-keyed facts leave it (shipped numbers, in order)."""
        lost, gained = self.lost.get(key), self.gained.get(key)
        if lost:
            numbers = [n for n in numbers if n not in lost]
        if gained:
            numbers = sorted([*numbers, *gained])
        return numbers


NO_REKEYS = Rekeyed({}, {})


class Postings(_Merged[list[int]]):
    """Fact numbers by key in the view's numbering, renumbered on first read."""

    def __init__(
        self,
        base: Mapping[str, list[int]],
        own: Mapping[str, list[int]],
        shipped: Renumber,
        owned: Renumber,
        rekeyed: Rekeyed,
    ) -> None:
        self._base, self._own, self._shipped, self._owned = base, own, shipped, owned
        self._rekeyed = rekeyed
        self._cache: dict[str, list[int]] = {}

    def __iter__(self) -> Iterator[str]:
        every = {*self._own, *self._base, *self._rekeyed.gained}
        return (k for k in every if k in self)

    def __getitem__(self, key: str) -> list[int]:
        found = self._cache.get(key)
        if found is None:
            found = self._shipped(self._rekeyed.postings(key, self._base.get(key, ())))
            own = self._own.get(key)
            if own:
                found = sorted(found + self._owned(own))
            if len(self._cache) >= POSTINGS_CACHED:
                self._cache.clear()
            self._cache[key] = found
        if not found:
            raise KeyError(key)
        return found


class Vocabulary(AbstractSet[str]):
    def __init__(self, base: AbstractSet[str], own: AbstractSet[str], dead: AbstractSet[str]):
        self._base, self._own, self._dead = base, own, dead

    def __contains__(self, word: object) -> bool:
        return word in self._own or (word in self._base and word not in self._dead)

    def __iter__(self) -> Iterator[str]:
        yield from (w for w in self._base if w not in self._dead)
        yield from (w for w in self._own if w not in self._base or w in self._dead)

    def __len__(self) -> int:
        return sum(1 for _ in self)


class ByLetter(Mapping[tuple[str, int], list[str]]):
    def __init__(
        self,
        base: Mapping[tuple[str, int], list[str]],
        new: Mapping[tuple[str, int], list[str]],
        dead: AbstractSet[str],
    ) -> None:
        self._base, self._new, self._dead = base, new, dead

    def __getitem__(self, key: tuple[str, int]) -> list[str]:
        found = [w for w in self._base.get(key, ()) if w not in self._dead]
        found = sorted(found + self._new.get(key, []))
        if not found:
            raise KeyError(key)
        return found

    def __iter__(self) -> Iterator[tuple[str, int]]:
        return (k for k in {*self._base, *self._new} if k in self)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def said_words(fact: Fact) -> list[str]:
    """The words a fact puts in the vocabulary."""
    return [t for t in (*words(fact.text), *words(fact.hint)) if len(t) > 2]


def lower_words(fact: Fact) -> list[str]:
    """The words a fact writes in lower case (`FactIndex._lower`)."""
    return [w for word in fact.text.split() if word[:1].islower() for w in words(word)]


@dataclass(frozen=True)
class View:
    """What the build reads of the view (a `ServerView`, which this module does not import):
    `book` is a view of `shipped` that hides or replaces the `masked` ids and adds `own`
    entries; `ref` places an entry in the view's order (a shipped entry at position i is
    `i * span`)."""

    shipped: Lorebook
    book: Lorebook
    own: Sequence[Entry]
    masked: AbstractSet[str]
    ref: Callable[[Entry], int]
    span: int


def layered_facts(view: View) -> FactIndex:
    """The fact index of `view.book`, a view of `view.shipped` (see `View`). What it builds
    counts towards the next freeze (the facts it indexed itself: all of them when it builds in
    full)."""
    shipped, book, own, masked = view.shipped, view.book, view.own, view.masked
    known = shipped_facts(shipped)
    before = [e for e in (shipped.get(i) for i in masked) if e is not None]
    lexicon = any(isinstance(e, Lexicon) for e in (*own, *before))
    if lexicon and Language.of(book.of_type(Lexicon)) != known.index.language:
        return _built_in_full(book)  # every fact's concepts may change
    affected, rekeyed, added = _affected(view, known)
    many = len(affected) + len(own) > len(shipped) * LAYERED_SHARE
    if many or len(rekeyed) > len(known.index.facts) * LAYERED_SHARE:
        return _built_in_full(book)  # layering would save little: most facts change
    return _Builder(view, known, affected, rekeyed, added).index()


def dead_words(
    base: FactIndex,
    removed: AbstractSet[int],
    held: AbstractSet[str],
    said: Callable[[Fact], list[str]],
) -> set[str]:
    """Words (as `said` reads a fact) that only the `removed` facts of `base` held, out of
    the words a layer on it does not hold itself (`held`)."""
    candidates = {w for n in removed for w in said(base.facts[n])}
    dead = set()
    for word in candidates - held:
        # a stop word has no posting of its own: look through every fact (the common ones
        # are found at once)
        numbers = (
            range(len(base.facts)) if word in STOP_WORDS else base._postings.get(stem(word), ())
        )
        holders = (n for n in numbers if n not in removed)
        if not any(word in said(base.facts[n]) for n in holders):
            dead.add(word)
    return dead


def _built_in_full(book: Lorebook) -> FactIndex:
    index = FactIndex(book.entries)
    FREEZER.built(len(index.facts))
    return index


def _affected(view: View, known: ShippedFacts) -> tuple[set[str], set[int], dict[int, set[str]]]:
    """Shipped entries, not masked, whose facts may differ in the view (they read something
    the overlay changed, or their keys name a changed place or work), and the numbers of other
    shipped facts whose text stays but whose keys may not: they say a name that names other
    entries in the view, or name an entry that is or is no longer a person (`?who`). A name
    of the overlay's that is a common word reaches thousands of facts, a few of each entry's:
    re-keying those facts costs a fraction of restating their entries. Facts that only say
    names read as one plain word (`_plain_name`) come third, with the keys they gain."""
    own = {e.id: e for e in view.own}
    before = [e for e in (view.shipped.get(i) for i in view.masked) if e is not None]
    touched = [*own.values(), *before]
    names = known.context.names
    found: set[str] = set()
    rekeyed: set[int] = set()
    index = known.index
    for entry_id in {*own, *view.masked}:
        now = own[entry_id].name if entry_id in own else None
        if now != names.get(entry_id):
            found |= known.read_by(("name", entry_id))
        kinds = {own[entry_id].kind if entry_id in own else None, index.kinds.get(entry_id)}
        if len(kinds) > 1 and "person" in kinds:  # a fact naming a person answers "who"
            rekeyed.update(index._postings.get(ENTITY + entry_id, ()))
    for step in {(e.kind, e.work) for e in touched if isinstance(e, Scene | BalletScene)}:
        steps = view.book.sequence(*step)
        if max((s.order for s in steps), default=0) != known.context.last_order.get(step, 0):
            found |= known.read_by(("last", step))
    counts = _character_counts(view, known)
    for name in {fold(n) for e in touched if e.kind == "character" for n in (e.name, *e.aliases)}:
        if (counts[name] > 0) != (known.characters[name] > 0):
            found |= known.read_by(("character", name))
    added: dict[int, set[str]] = {}
    for name in _renamed(view, known.index.names, own):
        plain = _plain_name(name, view, known)
        if plain is None:
            rekeyed |= _mentioning(known.index, name)
            continue
        said, hinted, longer = plain
        for number in _mentioning(known.index, name):
            fact = index.facts[number]
            text, hint = f" {' '.join(words(fact.text))} ", f" {' '.join(words(fact.hint))} "
            if any(f" {n} " in text or f" {n} " in hint for n in longer):
                rekeyed.add(number)  # a longer own name may be the mention there
                continue
            keys = added.setdefault(number, set())
            keys |= said if f" {name} " in text else set()
            keys |= hinted if f" {name} " in hint else set()
    for entry in touched:  # a place's neighbours name it in their keys
        if entry.kind in SETTINGS:
            found |= known.index.near.get(entry.id, set())
            found |= {ref for _, ref in entry.references()}
    for entry in touched:  # a person's facts are near the works of its neighbours
        if getattr(entry, "work", None):
            near = {ref for _, ref in entry.references()} | index.near.get(entry.id, set())
            found |= {i for i in near if index.kinds.get(i) == "person"}
    for entry_id in {*own, *view.masked}:
        found |= known.members.get(entry_id, set())
    positions = known.context.names
    found = {i for i in found if i in positions and i not in view.masked}
    gone = found | view.masked
    rekeyed = {n for n in rekeyed if index.facts[n].entry not in gone}
    gaining = {
        n: k for n, k in added.items() if n not in rekeyed and index.facts[n].entry not in gone
    }
    return found, rekeyed, gaining


def _plain_name(
    name: str, view: View, known: ShippedFacts
) -> tuple[frozenset[str], frozenset[str], tuple[str, ...]] | None:
    """The keys a shipped fact gains by saying `name` (in its words; in its hint), when that is
    all the name changes of it: one word, in no shipped name (so no shipped mention covers it)
    and in no phrase of the lexicon (so taking it as a name hides no concept); and the own
    names that hold it among other words (a fact saying one of those is re-keyed in full: the
    longer name may be the mention). A fact saying none of them mentions what it did in the
    shipped lore, and this name. None for any other name: its facts are re-keyed in full."""
    names = known.index.names
    if " " in name or name in STOP_WORDS or names.longest_from(name) or names.name_token(name):
        return None
    if surface(name) in known.phrase_words:
        return None
    named, longer = [], set()
    for entry in view.own:
        said = folded_names(entry)
        longer |= {n for n in said if n != name and name in n.split()}
        if name in said and entry.kind not in UNNAMED:
            named.append(entry)
    text = {f"{ENTITY}{e.id}" for e in named}
    if any(e.kind == "person" for e in named):
        text.add(f"{ASKS}who")
    return frozenset(text), frozenset(f"{NEAR}{e.id}" for e in named), tuple(sorted(longer))


def _renamed(view: View, names: Names, own: Mapping[str, Entry]) -> set[str]:
    """Folded names that name other entries in the view than in the shipped lore (a fact
    saying one is indexed under the entries it names)."""
    touched = [*own.values(), *(e for e in map(view.shipped.get, view.masked) if e)]
    said = {name for e in touched for name in folded_names(e)}
    holders: dict[str, set[tuple[str, str]]] = {}
    for entry in own.values():
        if entry.kind not in UNNAMED:
            for name in folded_names(entry):
                holders.setdefault(name, set()).add((entry.id, entry.kind))
    renamed = set()
    for name in said:
        before = {(e.id, e.kind) for e in names.named(name) if e.kind not in UNNAMED}
        after = {h for h in before if h[0] not in view.masked} | holders.get(name, set())
        if after != before:
            renamed.add(name)
    return renamed


def view_context(view: View, known: ShippedFacts) -> FactContext:
    """What the view's entries read of one another while stating their facts: the shipped
    context with the overlay's names, last steps and characters (in time with the overlay)."""
    own = {e.id: e.name for e in view.own}
    names = _Layered(own, known.context.names, view.masked)
    last = dict(known.context.last_order)
    for entry in (*view.own, *(view.shipped.get(i) for i in view.masked)):
        if isinstance(entry, Scene | BalletScene):
            steps = view.book.sequence(entry.kind, entry.work)
            step = (entry.kind, entry.work)
            if steps:
                last[step] = max(s.order for s in steps)
            else:
                last.pop(step, None)
    return FactContext(names, last, _Characters(_character_counts(view, known)))


def _character_counts(view: View, known: ShippedFacts) -> Counter[str]:
    counts = Counter(known.characters)
    for entry in (view.shipped.get(i) for i in view.masked):
        if entry is not None and entry.kind == "character":
            counts.subtract(fold(n) for n in (entry.name, *entry.aliases))
    for entry in view.own:
        if entry.kind == "character":
            counts.update(fold(n) for n in (entry.name, *entry.aliases))
    return counts


def _mentioning(index: FactIndex, name: str) -> set[int]:
    """Facts whose words (or hint) hold `name`: their keys may name it. A name of one stop
    word names nothing (`FactIndex.mentions`); one of several is looked for in every fact."""
    said = name.split()
    keys = [stem(t) for t in said if t not in STOP_WORDS]
    if not keys and len(said) < 2:
        return set()
    postings = [index._postings.get(k, []) for k in keys]
    numbers = min(postings, key=len) if postings else range(len(index.facts))
    padded = f" {name} "
    return {
        n
        for n in numbers
        if padded in f" {' '.join(words(index.facts[n].text))} "
        or padded in f" {' '.join(words(index.facts[n].hint))} "
    }


class _Builder:
    """One view's index: its own part built with the shipped index's `_add`, then spliced."""

    def __init__(
        self,
        view: View,
        known: ShippedFacts,
        affected: set[str],
        rekeyed: set[int],
        added: dict[int, set[str]],
    ) -> None:
        self.view, self.known, self.base = view, known, known.index
        self.rekeyed = sorted(rekeyed)
        """Shipped facts kept where they are, with the keys a fresh build would give them."""
        self.added = added
        """Shipped facts kept where they are, with the keys they gain (`_plain_name`)."""
        self.own = {e.id: e for e in view.own}
        shipped = [view.shipped.get(i) for i in sorted(affected)]
        self.again = [*view.own, *(e for e in shipped if e is not None)]
        """Entries whose facts this view indexes itself: its own and the affected shipped."""
        self.gone = set(view.masked) | affected
        self.positions = {e.id: i for i, e in enumerate(view.shipped.entries) if e.id in self.gone}

    def index(self) -> FactIndex:
        part = self._own_part()
        spans = self._indexed(part)
        shipped, owned = Renumber(), Renumber()
        runs: list[tuple[int, int, int]] = []  # (source 0 shipped / 1 own, first, end)
        first = self.known.first
        cursor, dense = 0, 0

        def ship_until(position: int) -> None:
            nonlocal cursor, dense
            if position > cursor and first[position] > first[cursor]:
                shipped.add(first[cursor], first[position], dense - first[cursor])
                runs.append((0, first[cursor], first[position]))
                dense += first[position] - first[cursor]
            cursor = max(cursor, position)

        span = self.view.span
        events = sorted(
            [(p * span, 0, p, p) for p in self.positions.values()]
            + [(ref, 1, low, high) for ref, low, high in spans]
        )
        for ref, kind, low, high in events:
            if kind == 0:  # a shipped entry no longer shown as shipped
                ship_until(low)
                cursor = low + 1
            else:
                ship_until(-(-ref // span))
                if high > low:
                    owned.add(low, high, dense - low)
                    runs.append((1, low, high))
                    dense += high - low
        ship_until(len(first) - 1)
        keyed = self._keyed(part)
        # What lasts of this build is the own part's facts and their keys, and the re-keyed
        # facts' keys (the rest is shared).
        FREEZER.built(len(part.facts) + len(keyed))
        return self._spliced(part, shipped, owned, runs, keyed)

    def _own_part(self) -> FactIndex:
        """A fact index holding only the re-indexed entries' facts, reading the view's names,
        kinds, neighbours and forms: the shipped index's own `_add` indexes them."""
        view, base, own = self.view, self.base, self.own
        part = FactIndex.__new__(FactIndex)
        masked = [e for e in map(view.shipped.get, sorted(view.masked)) if e is not None]
        part.names = _LayeredNames(view.own, base.names, masked)
        part.language = base.language
        kinds: dict[str, str] = {i: e.kind for i, e in own.items()}
        part.kinds = cast(dict[str, str], _Layered(kinds, base.kinds, view.masked))
        works = {e.id: w for e in view.own if (w := getattr(e, "work", None))}
        part.works = cast(dict[str, str], _Layered(works, base.works, view.masked))
        part.near = self._near()
        forms: dict[str, str] = {}
        for entry in self.again:
            for entry_id in (entry.id, part.works.get(entry.id, "")):
                found = view.book.get(entry_id)
                if found is not None:
                    forms[entry_id] = str(getattr(found, "form", ""))
        part._kind_words = {e.id: part._kind_of(e, forms) for e in self.again}
        part._hints = {}
        part.facts, part.keys, part.vocab, part._postings = [], [], set(), {}
        part._lower, part._asks_of = set(), {}
        own_keys = {e.id: part._name_keys(e) for e in view.own}
        part.name_keys = cast(
            dict[str, frozenset[str]], _Layered(own_keys, base.name_keys, view.masked)
        )
        return part

    def _keyed(self, part: FactIndex) -> dict[int, frozenset[str]]:
        """The keys the re-keyed shipped facts get in the view, by their shipped number (only
        those that differ): each fact added to a scratch index reading what the own part reads,
        with the shipped neighbours and kind words of entries the view does not re-index."""
        scratch = copy.copy(part)
        scratch.near = cast(dict[str, set[str]], _Layered(part.near, self.base.near, self.gone))
        scratch._kind_words = cast(
            dict[str, set[str]], _Layered(part._kind_words, self.base._kind_words, self.gone)
        )
        scratch.facts, scratch.keys, scratch.vocab, scratch._postings = [], [], set(), {}
        scratch._lower = set()
        base = self.base
        for number in self.rekeyed:
            scratch._add(base.facts[number])
        keyed = dict(zip(self.rekeyed, scratch.keys, strict=True))
        keyed |= {n: base.keys[n] | keys for n, keys in self.added.items()}
        return {n: k for n, k in keyed.items() if k != base.keys[n]}

    def _near(self) -> dict[str, set[str]]:
        """Each re-indexed entry's neighbours in the view: what it points at, and what points
        at it there."""
        pointing: dict[str, set[str]] = {}
        for entry in self.view.own:
            for _, ref in entry.references():
                pointing.setdefault(ref, set()).add(entry.id)
        near: dict[str, set[str]] = {}
        for entry in self.again:
            found = {ref for _, ref in entry.references()}
            found |= {
                i for i in self.known.referrers.get(entry.id, ()) if i not in self.view.masked
            }
            found |= pointing.get(entry.id, set())
            if found:
                near[entry.id] = found
        return near

    def _indexed(self, part: FactIndex) -> list[tuple[int, int, int]]:
        """Index the re-indexed entries' facts in the view's order; each one's ref and the
        numbers its facts got in the own part."""
        view = self.view
        context = view_context(view, self.known)
        spans = []
        for entry in sorted(self.again, key=view.ref):
            low = len(part.facts)
            for fact in entry.facts(context):
                part._add(fact)
            spans.append((view.ref(entry), low, len(part.facts)))
        return spans

    def _removed(self) -> set[int]:
        """Shipped fact numbers this view no longer shows."""
        first = self.known.first
        return {n for p in self.positions.values() for n in range(first[p], first[p + 1])}

    def _spliced(
        self,
        part: FactIndex,
        shipped: Renumber,
        owned: Renumber,
        runs: list[tuple[int, int, int]],
        keyed: Mapping[int, frozenset[str]],
    ) -> FactIndex:
        view, base = self.view, self.base
        index = FactIndex.__new__(FactIndex)
        index.names, index.language, index.kinds, index.works = (
            part.names,
            part.language,
            part.kinds,
            part.works,
        )
        index.name_keys = part.name_keys
        delta: Counter[str] = Counter()
        for entry in view.own:
            delta.update(ref for _, ref in entry.references())
        for shown in (view.shipped.get(i) for i in view.masked):
            if shown is not None:
                delta.subtract(ref for _, ref in shown.references())
        index.prominence = _Prominence(base.prominence, delta)
        index.near = cast(dict[str, set[str]], _Layered(part.near, base.near, self.gone))
        index._kind_words = cast(
            dict[str, set[str]], _Layered(part._kind_words, base._kind_words, self.gone)
        )
        index.proper = cast(
            dict[str, set[str]], _Holders(proper_words(view.own), base.proper, view.masked)
        )
        index._hints = part._hints
        index.facts, index.keys = spliced(runs, (base, part))
        lost: dict[str, set[int]] = {}
        gained: dict[str, list[int]] = {}
        for number, keys in sorted(keyed.items()):
            index.keys[shipped([number])[0]] = keys
            for key in base.keys[number] - keys:
                lost.setdefault(key, set()).add(number)
            for key in keys - base.keys[number]:
                gained.setdefault(key, []).append(number)
        index._postings = cast(
            dict[str, list[int]],
            Postings(base._postings, part._postings, shipped, owned, Rekeyed(lost, gained)),
        )
        index._df_total = max(1, len(index.facts))
        index._asks_of = {}
        layer_words(index, base, part, self._removed())
        index._said, index._said_at = said_lines(view.book.of_type(Dialogue))
        return index


def spliced(
    runs: Sequence[tuple[int, int, int]], sources: Sequence[FactIndex]
) -> tuple[list[Fact], list[frozenset[str]]]:
    """The facts and keys of a layered index: runs of its sources' (source, first, end), as
    lists of the shared objects, which the chat reads at list speed in every ranking."""
    facts: list[Fact] = []
    keys: list[frozenset[str]] = []
    for source, first, end in runs:
        facts += sources[source].facts[first:end]
        keys += sources[source].keys[first:end]
    return facts, keys


def layer_words(
    index: FactIndex, base: FactIndex, part: FactIndex, removed: AbstractSet[int]
) -> None:
    """Give `index` the vocabulary, lower-case words and words by shape of `base` less the
    words only its `removed` facts held, plus those of `part` (the facts the layer states)."""
    dead = dead_words(base, removed, part.vocab, said_words)
    index._lower = cast(
        set[str],
        Vocabulary(base._lower, part._lower, dead_words(base, removed, part._lower, lower_words)),
    )
    index.vocab = cast(set[str], Vocabulary(base.vocab, part.vocab, dead))
    new: dict[tuple[str, int], list[str]] = {}
    for word in part.vocab:
        if word not in base.vocab or word in dead:
            new.setdefault((word[0], len(word)), []).append(word)
    index._by_letter = cast(dict[tuple[str, int], list[str]], ByLetter(base._by_letter, new, dead))
