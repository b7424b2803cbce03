"""The chat's candidate facts, narrowed need by need without building the large sets.

In a large lore the rarest need of a question can still be held by most facts: every one of
10,000 synthetic entries points at the film, so "who wrote the film?" starts from ~30,000 facts
holding `~film`, and building that set, filtering it and intersecting it with the next need's
two dozen facts took most of a reply's time. `Narrowing` gives exactly the same candidates, but
keeps the first need's facts as a rule (a fact holds one of its keys and is kept) until they are
few, and narrows by walking the smaller side: a fact's own keys say whether it holds a need, so
a later need's short postings are checked against the rule instead of the rule being listed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import islice

from bot.lore.facts import Fact

LISTED = 64
"""Facts of the first need listed at once: checking them one by one saves nothing."""


class Narrowing:
    """Facts holding one of `keys` (`postings` are theirs) and kept, narrowed need by need:
    each `narrow` keeps those that also hold the next need, unless none do. A fact holds a key
    exactly when its number is in that key's posting, so either can be read."""

    def __init__(
        self,
        keys: frozenset[str],
        postings: Sequence[Sequence[int]],
        fact_keys: Sequence[frozenset[str]],
        facts: Sequence[Fact],
        keep: Callable[[Fact], bool] | None,
    ) -> None:
        self._keys, self._postings = keys, postings
        self._fact_keys, self._facts, self._keep = fact_keys, facts, keep
        self._bound = sum(map(len, postings))
        """How many facts the first need holds at most (a fact can hold several keys)."""
        self._found: set[int] | None = None
        if self._bound <= LISTED:
            self._listed()

    def more_than(self, count: int) -> bool:
        if self._found is not None:
            return len(self._found) > count
        longest = max(self._postings, key=len)
        kept = (n for n in longest if self._keep is None or self._keep(self._facts[n]))
        if next(islice(kept, count, None), None) is not None:
            return True
        return len(self._listed()) > count

    def narrow(self, keys: frozenset[str], postings: Sequence[Sequence[int]]) -> None:
        """Keep the facts that also hold one of `keys` (whose postings these are), if any
        does; whichever side is shorter is walked."""
        size = sum(map(len, postings))
        found = self._found
        if found is not None and len(found) <= size:
            narrowed = {n for n in found if not keys.isdisjoint(self._fact_keys[n])}
        elif found is None and size < self._bound:
            narrowed = {n for posting in postings for n in posting if self._holds(n)}
        else:
            narrowed = self._listed() & set().union(*postings)
        if narrowed:
            self._found = narrowed

    def first(self, limit: int) -> set[int]:
        """The candidates, at most `limit` of them (the lowest numbers: the lore's order)."""
        found = self._listed()
        return set(sorted(found)[:limit]) if len(found) > limit else found

    def _holds(self, number: int) -> bool:
        """Whether a fact is one of the first need's, kept (before any narrowing)."""
        if self._keys.isdisjoint(self._fact_keys[number]):
            return False
        return self._keep is None or self._keep(self._facts[number])

    def _listed(self) -> set[int]:
        if self._found is None:
            found: set[int] = set().union(*self._postings)
            if self._keep is not None:
                found = {n for n in found if self._keep(self._facts[n])}
            self._found = found
        return self._found
