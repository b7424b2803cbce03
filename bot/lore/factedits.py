"""A server view's fact index after a moderator's edit: its predecessor's, with the edited
entries' facts stated again where the old ones were.

A view changed by an edit (`ServerView.changed`) is a new book, so it gets a new fact index.
Layering that on the shipped index again (`bot/lore/factlayers.py`) costs what the whole overlay
costs, on every edit; a member chatting right after a moderator fixed a line would wait for it.
Most edits fix what an entry says (a summary, a body, a line of dialogue) and nothing another
entry reads of it: its id, kind, names, work, place in its work, form and what it points at stay
(`says_only`). Then every other fact keeps its text and keys, and the new index is the
predecessor's with the edited entries' facts replaced: a splice of the two numberings, as the
layered index splices the shipped one with a view's own, plus the words only the old facts held
gone from the vocabulary. Any other change, or a predecessor that has no fact index yet, and the
view is layered on the shipped index as a fresh view is. Each splice reads through the one
before it, so after `EDITS_CHAINED` of them the next view is layered afresh (compaction).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import cast

from bot.lore.bulk import FREEZER
from bot.lore.factindex import ENTITY, FactIndex, said_lines
from bot.lore.factlayers import (
    NO_REKEYS,
    Postings,
    Renumber,
    View,
    layer_words,
    shipped_facts,
    spliced,
    view_context,
)
from bot.lore.model import Dialogue, Entry, Lexicon
from bot.lore.worlds import share_worlds

EDITS_CHAINED = 8
"""Edited indexes a view's may read through (each adds a renumbering to every posting read)
before the next edited view is layered on the shipped index afresh."""
OTHERS_READ = ("id", "kind", "name", "aliases", "work", "order", "form")
"""What other entries' facts and keys, and the view's order, read of an entry."""


def says_only(before: Entry, after: Entry) -> bool:
    """Whether an edit changed only what the entry says itself: nothing another entry's facts
    or keys read (`OTHERS_READ`, what it points at), nor the lexicon every fact is read by."""
    if isinstance(before, Lexicon) or isinstance(after, Lexicon):
        return False
    same = all(getattr(before, f, None) == getattr(after, f, None) for f in OTHERS_READ)
    return same and before.references() == after.references()


def edited_facts(before: FactIndex, edited: Sequence[Entry], view: View) -> FactIndex | None:
    """The fact index of `view` whose predecessor's index is `before`, after edits that only
    changed what the `edited` entries say (`says_only`). None when an edited entry had no fact
    to find its place by (the caller layers the view afresh)."""
    places = []
    for entry in edited:
        postings = before._postings.get(f"{ENTITY}{entry.id}", ())
        numbers = [n for n in postings if before.facts[n].entry == entry.id]
        if not numbers:
            return None
        places.append((numbers[0], numbers[-1] + 1, entry))
    context = view_context(view, shipped_facts(view.shipped))
    part = copy.copy(before)
    part.facts, part.keys, part.vocab, part._postings = [], [], set(), {}
    part._lower, part._hints = set(), {}
    kept, stated = Renumber(), Renumber()
    runs: list[tuple[int, int, int]] = []  # (source 0 before / 1 stated here, first, end)
    cursor = dense = 0
    for low, high, entry in sorted(places, key=lambda place: place[0]):
        kept.add(cursor, low, dense - cursor)
        runs.append((0, cursor, low))
        dense += low - cursor
        start = len(part.facts)
        for fact in entry.facts(context):
            part._add(fact)
        stated.add(start, len(part.facts), dense - start)
        runs.append((1, start, len(part.facts)))
        dense += len(part.facts) - start
        cursor = high
    kept.add(cursor, len(before.facts), dense - cursor)
    runs.append((0, cursor, len(before.facts)))
    index = copy.copy(before)
    index.facts, index.keys = spliced(runs, (before, part))
    index._postings = cast(
        dict[str, list[int]], Postings(before._postings, part._postings, kept, stated, NO_REKEYS)
    )
    index._df_total = max(1, len(index.facts))
    index._asks_of, index._hints = {}, part._hints
    removed = {n for low, high, _ in places for n in range(low, high)}
    layer_words(index, before, part, removed)
    if any(isinstance(entry, Dialogue) for entry in edited):
        index._said, index._said_at = said_lines(view.book.of_type(Dialogue))
    share_worlds(index, before)
    FREEZER.built(len(part.facts))
    return index
