"""Which entries a run of words names: whole names and aliases, a distinctive or misspelt word
of one, and the one-word names that are only perhaps mentions because the lore also uses the word
plainly ("girl", "premiere"). The fact index reads its facts through this, and the chat its
questions, so both sides see the same names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.lore.language import stem
from bot.lore.names import Names
from bot.lore.search import STOP_WORDS

ENTITY = "#"
"""The key prefix of an entry a fact concerns (`#vicky-page`)."""
MAX_NAME_WORDS = 6
PEOPLE = frozenset({"person", "character"})
UNNAMED = frozenset({"persona", "lexicon"})
"""Kinds whose names are labels for moderators, not things members talk about."""
PLAIN = 0.3
"""How sure a one-word name the facts also use plainly ("girl", "premiere") is a mention."""
WHOLE = 0.95
"""How sure a whole name or alias is a mention; a single word of one is less sure."""
COMMON_NAME = 6
RARE_FACTS = 4
"""A name word shared by more entries than this ("red", "shoes") is a word, not a mention."""
NAME_CUTOFF = 80.0


@dataclass(frozen=True)
class Mention:
    """Entries a run of the question's words names (`start`..`end`), and how sure that is."""

    start: int
    end: int
    ids: frozenset[str]
    weight: float


class Mentioning:
    """Name reading over a fact index's tables (set up by `FactIndex.__init__`)."""

    names: Names
    kinds: dict[str, str]
    proper: dict[str, set[str]]
    vocab: set[str]
    _postings: dict[str, list[int]]
    _df_total: int
    _lower: set[str]
    _kind_words: dict[str, set[str]]

    def named_in(self, tokens: Sequence[str]) -> list[str]:
        """Ids of entries whose full name or alias appears in `tokens`, in order of appearance."""
        found: dict[str, None] = {}
        for mention in self.mentions(tokens, partial=False):
            found.update(dict.fromkeys(sorted(mention.ids)))
        return list(found)

    def mentions(
        self,
        tokens: Sequence[str],
        partial: bool = True,
        skip: Sequence[bool] = (),
        plain: bool = False,
    ) -> list[Mention]:
        """Runs of words naming entries: whole names (the longest from each word); with
        `partial`, also a distinctive word of a name ("Grisha") and a misspelt one
        ("Lermontof"). Words marked in `skip` are already spoken for. With `plain` (a
        member's question), a one-word name the facts use as a plain word ("girl" for a
        part called "The Girl") is only perhaps a mention."""
        used = list(skip) or [False] * len(tokens)
        found: list[Mention] = []
        for start, first in enumerate(tokens):
            longest = min(self.names.longest_from(first), MAX_NAME_WORDS, len(tokens) - start)
            for size in range(longest, 0, -1):
                if any(used[start : start + size]) or (size == 1 and first in STOP_WORDS):
                    continue
                run = " ".join(tokens[start : start + size])
                named = [e for e in self.names.named(run) if e.kind not in UNNAMED]
                ids = frozenset(e.id for e in named)
                said = [t for t in tokens[start : start + size] if t not in STOP_WORDS]
                if named:  # "the girl": one plain word, whatever grammar comes with it
                    ordinary = plain and len(said) == 1 and self._ordinary(said[0], set(ids))
                    found.append(Mention(start, start + size, ids, PLAIN if ordinary else WHOLE))
                    used[start : start + size] = [True] * size
                    break
        if partial:
            for position, token in enumerate(tokens):
                if used[position] or len(token) < 3 or token in STOP_WORDS:
                    continue
                mention = self._partial(position, token)
                if mention:
                    found.append(mention)
        return sorted(found, key=lambda m: m.start)

    def _partial(self, position: int, token: str) -> Mention | None:
        """A proper-noun word of a name ("Grisha" of "Grischa Ljubov"), or one misspelt; a
        lower-case name word ("film", "year") is an ordinary word, not a mention."""
        if token.endswith("s"):  # "vickys aunt": a possessive without its apostrophe
            named = [e for e in self.names.named(token[:-1]) if e.kind not in UNNAMED]
            if named:
                return Mention(position, position + 1, frozenset(e.id for e in named), 0.9)
        proper = self.proper.get(token, set())
        holders = proper or self._rare_name_word(token)
        if holders:
            if len(holders) > COMMON_NAME or self._ordinary(token, holders):
                return None
            # a capitalised name word is surely a name; a plain word of one only perhaps
            weight = 0.85 if proper else 0.6
            return Mention(position, position + 1, frozenset(holders), weight)
        if token in self.vocab or stem(token) in self._postings or len(token) < 4:
            return None  # a word the lore uses ("right") is no misspelt name ("Sight")
        for similar, score in self.names.similar_tokens(token):
            holders = self.proper.get(similar, set())
            if score >= NAME_CUTOFF and holders and len(holders) <= COMMON_NAME:
                return Mention(position, position + 1, frozenset(holders), 0.8)
        return None

    def _rare_name_word(self, token: str) -> set[str]:
        """A lower-case name word that few facts use ("newspaper" of "The netherworld and the
        newspaper") still names its entry; a common one ("film", "year") does not."""
        holders = [e for e in self.names.name_token(token) if e.kind not in UNNAMED]
        rare = len(self._postings.get(stem(token), ())) <= max(RARE_FACTS, self._df_total // 100)
        return {e.id for e in holders} if holders and len(holders) <= 2 and rare else set()

    def _ordinary(self, token: str, holders: set[str]) -> bool:
        """A name word the facts also use as a plain word: a title's word ("heart" of *Heart of
        Fire*) used plainly even once, a person's name word in most of its uses."""
        if token not in self._lower:
            return False
        named = set().union(*(self._postings.get(f"{ENTITY}{i}", ()) for i in holders))
        uses = self._postings.get(stem(token), ())
        plain = sum(n not in named for n in uses)
        people = any(self.kinds.get(i) in PEOPLE for i in holders)
        return plain * 2 > len(uses) if people else plain > 0
