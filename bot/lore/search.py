"""Finding entries by what people type: exact names, then fuzzy names, then ranked full text.

Three stages, each cheap at 10,000 entries:
- exact: a dict from folded names, ids and aliases to entries;
- fuzzy: query tokens are matched against the vocabulary of name tokens (rapidfuzz, only against
  tokens of similar length), the few entries those tokens lead to are re-ranked with WRatio;
- full text: SQLite FTS5 with its built-in bm25 ranking over every text field.
Autocomplete (`complete`) is a bisect over sorted name keys, topped up by the fuzzy stage.

The stages are written once (`Index`) over a few primitives that say where entries are: a flat
`SearchIndex` over one snapshot, or a server's layered view (`bot/lore/layered.py`) that reads
the shared shipped index and its own small one as if they were one. Entries are named by refs,
integers that sort in the book's order, and every ranking breaks ties by ref, so both give the
same answers for the same lore.
"""

from __future__ import annotations

import bisect
import sqlite3
import threading
import weakref
from abc import ABC, abstractmethod
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Literal

from rapidfuzz import fuzz, process

from bot.lore.model import Entry, Kind
from bot.lore.text import fold

COMPLETE_LIMIT = 25
FUZZY_TOKEN_CUTOFF = 72.0
FUZZY_NAME_CUTOFF = 70.0
MAX_CANDIDATES = 300
PREFIX_WINDOW = 2000
NAMES_WEIGHT, TEXT_WEIGHT = 4.0, 1.0
"""bm25 column weights: a word in a name counts four times a word in the prose."""
BM25_K1, BM25_B = 1.2, 0.75
"""FTS5's bm25 constants."""
LAST_CHARACTER = "\U0010ffff"
STOP_WORDS = frozenset({"the", "of", "a", "an", "and", "in", "on", "to", "de", "la", "le", "s"})

How = Literal["exact", "fuzzy", "text"]


@dataclass(frozen=True)
class Hit:
    """A search result: the entry, how it was found, and a score in 0..100 (higher is better)."""

    entry: Entry
    how: How
    score: float


def entry_names(entry: Entry) -> list[str]:
    """Every name an entry answers to: display name, aliases and the id read as words."""
    return [entry.name, *entry.aliases, entry.id.replace("-", " ")]


def entry_text(entry: Entry) -> str:
    """All the prose of an entry, for full-text search (each kind names its own fields)."""
    return "\n".join(p for p in entry.search_text() if p)


def _tokens(folded: str) -> list[str]:
    return [t for t in folded.split() if t not in STOP_WORDS]


def text_terms(query: str) -> list[str]:
    """The words of a query as the full-text index splits them (`_` separates words there)."""
    return [t for t in _tokens(fold(query).replace("_", " ")) if len(t) > 1]


def _varints(blob: bytes) -> Iterator[int]:
    """SQLite's variable-length integers, as FTS5 stores each row's size per column."""
    value = 0
    for byte in blob:
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            yield value
            value = 0


class Index(ABC):
    """Exact, fuzzy and full-text search and autocomplete, over primitives a subclass gives.

    A ref is an int naming one entry; refs sort in the book's order, and every ranking breaks
    its ties by ref, so an answer never depends on how the parts happen to be stored.
    """

    @abstractmethod
    def entry(self, ref: int) -> Entry: ...

    @abstractmethod
    def names(self, ref: int) -> Sequence[str]:
        """The entry's folded names (display name first)."""

    @abstractmethod
    def exact_refs(self, folded: str) -> Sequence[int]:
        """Entries with this folded name, alias or id, in order."""

    @abstractmethod
    def has_token(self, token: str) -> bool:
        """Whether a name of some entry holds this token."""

    @abstractmethod
    def token_pool(self, token: str) -> Iterable[str]:
        """Name tokens of a similar length sharing the token's first or last letter."""

    @abstractmethod
    def posting(self, token: str) -> Sequence[int]:
        """Entries whose names hold the token, in order."""

    @abstractmethod
    def prefix_rows(self, folded: str) -> Iterator[tuple[str, int, int]]:
        """(name tail, rank, ref) rows in sorted order, from the first tail >= `folded`."""

    @abstractmethod
    def opening(self, kind: Kind | None) -> Sequence[Entry]:
        """The first `COMPLETE_LIMIT` entries by folded name (of one kind, or of all)."""

    @abstractmethod
    def ranked_text(self, terms: Sequence[str], count: int) -> list[tuple[int, float]]:
        """The best `count` (ref, bm25) full-text matches of any term as a prefix, best
        (lowest) first, ties by ref."""

    def exact(self, query: str, kinds: Iterable[Kind] | None = None) -> list[Entry]:
        """Entries whose name, alias or id equals the query (after folding)."""
        allowed = set(kinds) if kinds else None
        found = [self.entry(ref) for ref in self.exact_refs(fold(query))]
        return [e for e in found if allowed is None or e.kind in allowed]

    def _similar_tokens(self, token: str) -> list[tuple[str, float]]:
        if self.has_token(token):
            return [(token, 100.0)]
        if len(token) < 3:
            return []
        # A typo rarely changes both the first and the last letter, so only tokens of a similar
        # length sharing one of them are compared: a few hundred instead of the whole vocabulary.
        pool = sorted(set(self.token_pool(token)))
        matches = process.extract(
            token, pool, scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_TOKEN_CUTOFF
        )
        return [(m[0], float(m[1])) for m in matches]

    def _candidates(self, folded: str) -> set[int]:
        postings: list[Sequence[int]] = []
        for token in _tokens(folded) or folded.split():
            for similar, _score in self._similar_tokens(token):
                postings.append(self.posting(similar))
        postings.sort(key=len)
        candidates: set[int] = set()
        for plist in postings:
            candidates.update(plist[: MAX_CANDIDATES - len(candidates)])
            if len(candidates) >= MAX_CANDIDATES:
                break
        return candidates

    def fuzzy(
        self, query: str, kinds: Iterable[Kind] | None = None, limit: int = 10
    ) -> list[tuple[Entry, float]]:
        """Entries whose names are close to the query: typos, missing accents, partial names."""
        folded = fold(query)
        if not folded:
            return []
        allowed = set(kinds) if kinds else None
        scored: list[tuple[float, int, int]] = []
        for ref in self._candidates(folded):
            entry = self.entry(ref)
            if allowed is not None and entry.kind not in allowed:
                continue
            best = max(fuzz.WRatio(folded, name) for name in self.names(ref))
            if best >= FUZZY_NAME_CUTOFF:
                scored.append((-best, len(entry.name), ref))
        scored.sort()
        return [(self.entry(ref), -score) for score, _, ref in scored[:limit]]

    def text(
        self, query: str, kinds: Iterable[Kind] | None = None, limit: int = 10
    ) -> list[tuple[Entry, float]]:
        """Full-text hits ranked by bm25 (names weigh more than prose)."""
        terms = text_terms(query)
        if not terms:
            return []
        allowed = set(kinds) if kinds else None
        rows = self.ranked_text(terms, limit * 4 if allowed else limit)
        hits = [(self.entry(ref), rank) for ref, rank in rows]
        hits = [(e, r) for e, r in hits if allowed is None or e.kind in allowed][:limit]
        if not hits:
            return []
        best = min(r for _, r in hits)
        return [(e, max(1.0, 60.0 * r / best if best else 1.0)) for e, r in hits]

    def search(self, query: str, kinds: Iterable[Kind] | None = None, limit: int = 10) -> list[Hit]:
        """Exact matches first, then fuzzy name matches, then full-text matches; no repeats."""
        kinds = tuple(kinds) if kinds else None
        hits: list[Hit] = [Hit(e, "exact", 100.0) for e in self.exact(query, kinds)]
        seen = {h.entry.id for h in hits}
        stages: list[tuple[How, list[tuple[Entry, float]]]] = [
            ("fuzzy", self.fuzzy(query, kinds, limit)),
        ]
        if len(hits) + len(stages[0][1]) < limit:
            stages.append(("text", self.text(query, kinds, limit)))
        for how, found in stages:
            for entry, score in found:
                if entry.id not in seen and len(hits) < limit:
                    seen.add(entry.id)
                    hits.append(Hit(entry, how, score))
        return hits[:limit]

    def complete(self, prefix: str, kind: Kind | None = None) -> list[Entry]:
        """Up to 25 entries for autocomplete: name prefixes first, then fuzzy names."""
        folded = fold(prefix)
        if not folded:
            return list(self.opening(kind))
        ranked: dict[int, tuple[int, int]] = {}
        for key, rank, ref in islice(self.prefix_rows(folded), PREFIX_WINDOW):
            if not key.startswith(folded):
                break
            entry = self.entry(ref)
            if kind is not None and entry.kind != kind:
                continue
            order = (rank, len(entry.name))
            if ref not in ranked or order < ranked[ref]:
                ranked[ref] = order
            if len(ranked) >= 4 * COMPLETE_LIMIT:
                break
        best = sorted(ranked, key=lambda ref: ranked[ref])[:COMPLETE_LIMIT]
        found = [self.entry(ref) for ref in best]
        if len(found) < COMPLETE_LIMIT and len(folded) >= 3:
            kinds = (kind,) if kind else None
            seen = {e.id for e in found}
            extra = [e for e, _ in self.fuzzy(folded, kinds, COMPLETE_LIMIT) if e.id not in seen]
            found += extra[: COMPLETE_LIMIT - len(found)]
        return found


@dataclass(frozen=True)
class _Completion:
    """What autocomplete and typo matching read: every name tail in sorted order, name tokens
    by length and first or last letter, and refs by folded display name."""

    prefix_keys: tuple[str, ...]
    prefix_rows: tuple[tuple[str, int, int], ...]
    vocab: dict[tuple[int, str, str], tuple[str, ...]]
    alphabetical: tuple[int, ...]
    opening: dict[Kind | None, tuple[Entry, ...]]


class SearchIndex(Index):
    """An immutable index over one lore snapshot; built once per `Lorebook`. Refs are
    positions in the snapshot.

    Exact names and name tokens are indexed at once. What only autocomplete, typo matching and
    full text read (sorted name tails, the token vocabulary, the FTS5 table) is built with them
    too, unless `lazy`: then on first use, under a lock. A server view's small layers are
    lazy, so a first look-up by name pays only for what it reads; the shipped book is not, so
    no command after a load or reload waits for its large index.
    """

    def __init__(self, entries: Sequence[Entry], *, lazy: bool = False) -> None:
        self._entries = tuple(entries)
        self.positions = {e.id: i for i, e in enumerate(self._entries)}
        exact: dict[str, list[int]] = defaultdict(list)
        postings: dict[str, list[int]] = defaultdict(list)
        names_of: list[tuple[str, ...]] = []
        for index, entry in enumerate(self._entries):
            folded_names = tuple(dict.fromkeys(fold(n) for n in entry_names(entry)))
            names_of.append(folded_names)
            for name in folded_names:
                if index not in exact[name]:
                    exact[name].append(index)
                for token in set(_tokens(name)):
                    if not postings[token] or postings[token][-1] != index:
                        postings[token].append(index)
        # Tuples of plain values, not lists: the collector stops tracking them, so a large
        # lore (or many servers' views) adds little to every full collection.
        self._exact = {name: tuple(refs) for name, refs in exact.items()}
        self._postings = {token: tuple(refs) for token, refs in postings.items()}
        self._names = tuple(names_of)
        self._lock = threading.Lock()
        self._completion: _Completion | None = None
        self._db: sqlite3.Connection | None = None
        if not lazy:
            self._completing()
            self._fts()

    def __len__(self) -> int:
        return len(self._entries)

    def _completing(self) -> _Completion:
        found = self._completion
        if found is None:
            with self._lock:
                if self._completion is None:
                    self._completion = self._completion_of()
                found = self._completion
        return found

    def _completion_of(self) -> _Completion:
        prefix_rows: list[tuple[str, int, int]] = []
        for index, folded_names in enumerate(self._names):
            for rank, name in enumerate(folded_names):
                words = name.split()
                for start in range(len(words)):
                    tail = " ".join(words[start:])
                    prefix_rows.append((tail, 0 if start == 0 else 1 + rank, index))
        prefix_rows.sort()
        vocab: dict[tuple[int, str, str], list[str]] = defaultdict(list)
        for token in self._postings:
            vocab[(len(token), "first", token[0])].append(token)
            vocab[(len(token), "last", token[-1])].append(token)
        # Every ref by folded display name (ties in the book's order).
        alphabetical = tuple(sorted(range(len(self._entries)), key=lambda i: self._names[i][0]))
        # What autocomplete offers before anything is typed, worked out once so an empty
        # prefix costs nothing.
        opening: dict[Kind | None, list[Entry]] = defaultdict(list)
        for entry in (self._entries[i] for i in alphabetical):
            for key in (None, entry.kind):
                if len(opening[key]) < COMPLETE_LIMIT:
                    opening[key].append(entry)
        return _Completion(
            prefix_keys=tuple(row[0] for row in prefix_rows),
            prefix_rows=tuple(prefix_rows),
            vocab={key: tuple(tokens) for key, tokens in vocab.items()},
            alphabetical=alphabetical,
            opening={key: tuple(found) for key, found in opening.items()},
        )

    @property
    def alphabetical(self) -> tuple[int, ...]:
        """Every ref by folded display name (ties in the book's order)."""
        return self._completing().alphabetical

    def _fts(self) -> sqlite3.Connection:
        db = self._db
        if db is None:
            with self._lock:
                if self._db is None:
                    self._db = self._build_fts()
                    # A connection holds a reference cycle (its statement cache) until it is
                    # closed: closed when the index goes, an evicted view is freed at once, even
                    # once frozen (`bulk`).
                    weakref.finalize(self, self._db.close)
                db = self._db
        return db

    def _build_fts(self) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute(
            # Contentless: only row ids and ranks are read back, so the text is not kept twice.
            "CREATE VIRTUAL TABLE lore USING fts5("
            "names, text, content = '', tokenize = 'unicode61 remove_diacritics 2')"
        )
        db.execute("CREATE VIRTUAL TABLE lore_terms USING fts5vocab(lore, 'instance')")
        db.executemany(
            "INSERT INTO lore(rowid, names, text) VALUES (?, ?, ?)",
            ((i, " ".join(entry_names(e)), entry_text(e)) for i, e in enumerate(self._entries)),
        )
        # Each row's length in words, as bm25 counts it, for scoring with other statistics
        # (a layered view's); FTS5 keeps them as varints, one per column.
        db.execute("CREATE TABLE sizes(id INTEGER PRIMARY KEY, words INTEGER NOT NULL)")
        sizes = db.execute("SELECT id, sz FROM lore_docsize").fetchall()
        db.executemany(
            "INSERT INTO sizes(id, words) VALUES (?, ?)",
            ((ref, sum(_varints(blob))) for ref, blob in sizes),
        )
        db.commit()
        return db

    def entry(self, ref: int) -> Entry:
        return self._entries[ref]

    def names(self, ref: int) -> Sequence[str]:
        return self._names[ref]

    def tokens(self, ref: int) -> set[str]:
        """The distinct tokens of an entry's names (each is in that token's posting once)."""
        return {token for name in self._names[ref] for token in _tokens(name)}

    def exact_refs(self, folded: str) -> Sequence[int]:
        return self._exact.get(folded, ())

    def has_token(self, token: str) -> bool:
        return token in self._postings

    def token_pool(self, token: str) -> Iterator[str]:
        vocab = self._completing().vocab
        for length in range(len(token) - 2, len(token) + 3):
            yield from vocab.get((length, "first", token[0]), ())
            yield from vocab.get((length, "last", token[-1]), ())

    def posting(self, token: str) -> Sequence[int]:
        return self._postings.get(token, ())

    def prefix_rows(self, folded: str) -> Iterator[tuple[str, int, int]]:
        completion = self._completing()
        start = bisect.bisect_left(completion.prefix_keys, folded)
        return islice(completion.prefix_rows, start, None)

    def opening(self, kind: Kind | None) -> Sequence[Entry]:
        return self._completing().opening.get(kind, ())

    def ranked_text(self, terms: Sequence[str], count: int) -> list[tuple[int, float]]:
        match = " OR ".join(f'"{t}"*' for t in terms)
        rows = (
            self._fts()
            .execute(
                f"SELECT rowid, bm25(lore, {NAMES_WEIGHT}, {TEXT_WEIGHT}) AS rank FROM lore "
                "WHERE lore MATCH ? ORDER BY rank, rowid LIMIT ?",
                (match, count),
            )
            .fetchall()
        )
        return [(ref, rank) for ref, rank in rows]

    def bm25_totals(self, hidden: str) -> tuple[int, int]:
        """How many rows, and words in them, this index holds beside `hidden` (a JSON list of
        refs): what bm25 counts as the collection."""
        rows, words = (
            self._fts()
            .execute(
                "SELECT count(*), coalesce(sum(words), 0) FROM sizes "
                "WHERE id NOT IN (SELECT value FROM json_each(?))",
                (hidden,),
            )
            .fetchone()
        )
        return int(rows), int(words)

    def term_rows(self, term: str, hidden: str) -> int:
        """How many rows beside `hidden` hold a word starting with `term`."""
        (count,) = (
            self._fts()
            .execute(
                "SELECT count(DISTINCT doc) FROM lore_terms WHERE term >= ? AND term < ? "
                "AND doc NOT IN (SELECT value FROM json_each(?))",
                (term, term + LAST_CHARACTER, hidden),
            )
            .fetchone()
        )
        return int(count)

    def bm25_rows(
        self, terms: Sequence[str], idf: Sequence[float], average: float, hidden: str, count: int
    ) -> list[tuple[int, float]]:
        """The best `count` rows beside `hidden` by bm25 with the given collection statistics
        (each term's idf, the average row length), best first, ties by ref. The arithmetic is
        FTS5's own, operation for operation and in the same order, so it gives the very
        numbers `bm25()` gives when the statistics are the index's own."""
        phrases = " UNION ALL ".join(
            f"SELECT doc, {i} AS phrase, sum(CASE col WHEN 'names' THEN {NAMES_WEIGHT} "
            f"ELSE {TEXT_WEIGHT} END) AS f FROM lore_terms WHERE term >= ? AND term < ? "
            "GROUP BY doc"
            for i in range(len(terms))
        )
        columns = ", ".join(
            f"coalesce(sum(CASE phrase WHEN {i} THEN f END), 0.0) AS f{i}"
            for i in range(len(terms))
        )
        score = " + ".join(
            f"? * ((f{i} * ?) / (f{i} + ? * (? + ? * sizes.words / ?)))" for i in range(len(terms))
        )
        parameters: list[object] = []
        for term in terms:
            parameters += [term, term + LAST_CHARACTER]
        for weight in idf:
            parameters += [weight, BM25_K1 + 1.0, BM25_K1, 1 - BM25_B, BM25_B, average]
        parameters += [hidden, count]
        rows = (
            self._fts()
            .execute(
                f"WITH hits AS ({phrases}), "
                f"found AS (SELECT doc, {columns} FROM hits GROUP BY doc) "
                f"SELECT found.doc, -1.0 * (0.0 + {score}) AS rank "
                "FROM found JOIN sizes ON sizes.id = found.doc "
                "WHERE found.doc NOT IN (SELECT value FROM json_each(?)) "
                "ORDER BY rank, found.doc LIMIT ?",
                parameters,
            )
            .fetchall()
        )
        return [(ref, rank) for ref, rank in rows]
