"""Finding entries by what people type: exact names, then fuzzy names, then ranked full text.

Three stages, each cheap at 10,000 entries:
- exact: a dict from folded names, ids and aliases to entries;
- fuzzy: query tokens are matched against the vocabulary of name tokens (rapidfuzz, only against
  tokens of similar length), the few entries those tokens lead to are re-ranked with WRatio;
- full text: SQLite FTS5 with its built-in bm25 ranking over every text field.
Autocomplete (`complete`) is a bisect over sorted name keys, topped up by the fuzzy stage.
"""

from __future__ import annotations

import bisect
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from bot.lore.model import Character, Dialogue, Entry, Kind, Persona, Quote, Trivia
from bot.lore.text import fold

COMPLETE_LIMIT = 25
FUZZY_TOKEN_CUTOFF = 72.0
FUZZY_NAME_CUTOFF = 70.0
MAX_CANDIDATES = 300
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
    """All the prose of an entry, for full-text search."""
    parts = [entry.summary, entry.body or ""]
    if isinstance(entry, Character):
        parts.append(entry.role_in_story or "")
    elif isinstance(entry, Quote):
        parts += [entry.line, entry.context]
    elif isinstance(entry, Dialogue):
        parts += [entry.context, *(line.line for line in entry.lines)]
    elif isinstance(entry, Trivia):
        parts.append(entry.question or "")
    elif isinstance(entry, Persona):
        parts += entry.lines
    return "\n".join(p for p in parts if p)


def _tokens(folded: str) -> list[str]:
    return [t for t in folded.split() if t not in STOP_WORDS]


class SearchIndex:
    """An immutable index over one lore snapshot; built once per `Lorebook`."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._entries = tuple(entries)
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._names: list[list[str]] = []
        prefix_rows: list[tuple[str, int, int]] = []
        for index, entry in enumerate(self._entries):
            folded_names = list(dict.fromkeys(fold(n) for n in entry_names(entry)))
            self._names.append(folded_names)
            for rank, name in enumerate(folded_names):
                if index not in self._exact[name]:
                    self._exact[name].append(index)
                words = name.split()
                for start in range(len(words)):
                    tail = " ".join(words[start:])
                    prefix_rows.append((tail, 0 if start == 0 else 1 + rank, index))
                for token in set(_tokens(name)):
                    if not self._postings[token] or self._postings[token][-1] != index:
                        self._postings[token].append(index)
        prefix_rows.sort()
        self._prefix_keys = [row[0] for row in prefix_rows]
        self._prefix_rows = prefix_rows
        self._vocab: dict[tuple[int, str, str], list[str]] = defaultdict(list)
        for token in self._postings:
            self._vocab[(len(token), "first", token[0])].append(token)
            self._vocab[(len(token), "last", token[-1])].append(token)
        self._fts = self._build_fts()
        self._opening = self._opening_choices()

    def _opening_choices(self) -> dict[Kind | None, tuple[Entry, ...]]:
        """What autocomplete offers before anything is typed: the first names alphabetically
        (accents ignored), overall and per kind, worked out once so an empty prefix costs
        nothing."""
        opening: dict[Kind | None, list[Entry]] = defaultdict(list)
        for entry in sorted(self._entries, key=lambda e: fold(e.name)):
            for key in (None, entry.kind):
                if len(opening[key]) < COMPLETE_LIMIT:
                    opening[key].append(entry)
        return {key: tuple(found) for key, found in opening.items()}

    def _build_fts(self) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.execute(
            "CREATE VIRTUAL TABLE lore USING fts5("
            "names, text, tokenize = 'unicode61 remove_diacritics 2')"
        )
        db.executemany(
            "INSERT INTO lore(rowid, names, text) VALUES (?, ?, ?)",
            ((i, " ".join(entry_names(e)), entry_text(e)) for i, e in enumerate(self._entries)),
        )
        db.commit()
        return db

    def exact(self, query: str, kinds: Iterable[Kind] | None = None) -> list[Entry]:
        """Entries whose name, alias or id equals the query (after folding)."""
        allowed = set(kinds) if kinds else None
        found = [self._entries[i] for i in self._exact.get(fold(query), [])]
        return [e for e in found if allowed is None or e.kind in allowed]

    def _similar_tokens(self, token: str) -> list[tuple[str, float]]:
        if token in self._postings:
            return [(token, 100.0)]
        if len(token) < 3:
            return []
        # A typo rarely changes both the first and the last letter, so only tokens of a similar
        # length sharing one of them are compared: a few hundred instead of the whole vocabulary.
        pool: dict[str, None] = {}
        for length in range(len(token) - 2, len(token) + 3):
            pool.update(dict.fromkeys(self._vocab.get((length, "first", token[0]), ())))
            pool.update(dict.fromkeys(self._vocab.get((length, "last", token[-1]), ())))
        matches = process.extract(
            token, list(pool), scorer=fuzz.ratio, limit=5, score_cutoff=FUZZY_TOKEN_CUTOFF
        )
        return [(m[0], float(m[1])) for m in matches]

    def _candidates(self, folded: str) -> set[int]:
        postings: list[list[int]] = []
        for token in _tokens(folded) or folded.split():
            for similar, _score in self._similar_tokens(token):
                postings.append(self._postings[similar])
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
        scored: list[tuple[float, int]] = []
        for index in self._candidates(folded):
            if allowed is not None and self._entries[index].kind not in allowed:
                continue
            best = max(fuzz.WRatio(folded, name) for name in self._names[index])
            if best >= FUZZY_NAME_CUTOFF:
                scored.append((best, index))
        scored.sort(key=lambda pair: (-pair[0], len(self._entries[pair[1]].name)))
        return [(self._entries[i], score) for score, i in scored[:limit]]

    def text(
        self, query: str, kinds: Iterable[Kind] | None = None, limit: int = 10
    ) -> list[tuple[Entry, float]]:
        """Full-text hits ranked by bm25 (names weigh more than prose)."""
        terms = [t for t in _tokens(fold(query)) if len(t) > 1]
        if not terms:
            return []
        match = " OR ".join(f'"{t}"*' for t in terms)
        allowed = set(kinds) if kinds else None
        rows = self._fts.execute(
            "SELECT rowid, bm25(lore, 4.0, 1.0) FROM lore WHERE lore MATCH ? "
            "ORDER BY bm25(lore, 4.0, 1.0) LIMIT ?",
            (match, limit * 4 if allowed else limit),
        ).fetchall()
        hits = [(self._entries[rowid], rank) for rowid, rank in rows]
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
            return list(self._opening.get(kind, ()))
        start = bisect.bisect_left(self._prefix_keys, folded)
        ranked: dict[int, tuple[int, int]] = {}
        for position in range(start, min(start + 2000, len(self._prefix_rows))):
            key, rank, index = self._prefix_rows[position]
            if not key.startswith(folded):
                break
            if kind is not None and self._entries[index].kind != kind:
                continue
            order = (rank, len(self._entries[index].name))
            if index not in ranked or order < ranked[index]:
                ranked[index] = order
            if len(ranked) >= 4 * COMPLETE_LIMIT:
                break
        best = sorted(ranked, key=lambda i: ranked[i])[:COMPLETE_LIMIT]
        found = [self._entries[i] for i in best]
        if len(found) < COMPLETE_LIMIT and len(folded) >= 3:
            kinds = (kind,) if kind else None
            seen = {e.id for e in found}
            extra = [e for e, _ in self.fuzzy(folded, kinds, COMPLETE_LIMIT) if e.id not in seen]
            found += extra[: COMPLETE_LIMIT - len(found)]
        return found
