"""The words of the lore, as the chat's retrieval sees them: tokens, stems and concepts.

A concept is a set of phrases that mean one thing in this lore, taken from `lexicon` entries:
a phrasing points at a fact field ("portrayed" → `@played_by`), a group makes words stand for
one another ("camera" and "director of photography" → `~cinematographer`), and a relation group
names people by their tie to someone ("husband", "married"). Facts and questions are both read
through the same concepts, so a moderator who adds a phrase changes both sides at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.lore.model import Entry, Lexicon
from bot.lore.text import fold

MAX_PHRASE = 5

CONTRACTIONS: dict[str, tuple[str, ...]] = {
    "im": ("i", "am"),
    "ive": ("i", "have"),
    "cant": ("can", "not"),
    "cannot": ("can", "not"),
    "dont": ("do", "not"),
    "doesnt": ("does", "not"),
    "didnt": ("did", "not"),
    "wont": ("will", "not"),
    "wouldnt": ("would", "not"),
    "couldnt": ("could", "not"),
    "shouldnt": ("should", "not"),
    "isnt": ("is", "not"),
    "arent": ("are", "not"),
    "wasnt": ("was", "not"),
    "werent": ("were", "not"),
    "hasnt": ("has", "not"),
    "havent": ("have", "not"),
    "hadnt": ("had", "not"),
    "mustnt": ("must", "not"),
    "youd": ("you", "would"),
    "youll": ("you", "will"),
    "youve": ("you", "have"),
    "hes": ("he", "is"),
    "shes": ("she", "is"),
    "thats": ("that", "is"),
    "theres": ("there", "is"),
    "theyre": ("they", "are"),
    "theyve": ("they", "have"),
    "weve": ("we", "have"),
    "lets": ("let", "us"),
}
"""English contractions, apostrophe dropped, with the words they spell out: questions and names
are both read through this one table, so "I'm" in a title meets "i am" or "im" in a question."""


def words(text: str) -> list[str]:
    """Folded words: lower case, no accents, no punctuation."""
    return fold(text).split()


@lru_cache(maxsize=200_000)
def surface(word: str) -> str:
    """A word with a plain plural 's' dropped, for matching phrases ("oscars" → "oscar")."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A crude stem so "played", "plays" and "playing" (or "story" and "stories") meet."""
    if len(word) <= 3:
        return word
    for suffix in ("ing", "ies", "ied", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)] + ("y" if suffix in {"ies", "ied"} else "")
            break
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    if word.endswith("y") and len(word) > 3:
        word = word[:-1] + "i"
    return word


@dataclass
class Language:
    """Every lexicon entry of a lore snapshot merged: phrases to concepts, and who "you" is."""

    you: str | None = None
    phrases: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    relations: set[str] = field(default_factory=set)
    longest: int = 1
    firsts: set[str] = field(default_factory=set)
    """First words of phrases: only a run starting with one can name a concept."""
    exclusive: list[tuple[frozenset[tuple[str, ...]], ...]] = field(default_factory=list)
    """Values of which a thing has one, each value the phrases saying it (as `said` reads)."""

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Language:
        language = cls()
        for entry in entries:
            if not isinstance(entry, Lexicon):
                continue
            language.you = language.you or entry.you
            for signal, phrases in entry.phrasings.items():
                language._add(f"@{signal}", phrases)
            for group in entry.groups:
                language._add(f"~{fold(group[0])}", group)
            for group in entry.relations:
                concept = f"~{fold(group[0])}"
                language._add(concept, group)
                language.relations.add(concept)
            for values in entry.exclusive:
                language.exclusive.append(tuple(frozenset(map(_key, v)) for v in values))
        return language

    @staticmethod
    def said(tokens: Sequence[str], phrases: frozenset[tuple[str, ...]]) -> bool:
        """Whether any of the phrases stands in `tokens` ("black and white", "monochrome")."""
        keys = tuple(surface(t) for t in tokens)
        return any(
            keys[i : i + len(p)] == p for p in phrases if p for i in range(len(keys) - len(p) + 1)
        )

    def _add(self, concept: str, phrases: Sequence[str]) -> None:
        for phrase in phrases:
            key = _key(phrase)[:MAX_PHRASE]
            if key:
                self.phrases.setdefault(key, set()).add(concept)
                self.longest = max(self.longest, len(key))
                self.firsts.add(key[0])

    def concepts(
        self, tokens: Sequence[str], fields: bool = True
    ) -> tuple[dict[str, tuple[str, ...]], list[bool]]:
        """The concepts named in `tokens` (longest phrase first), each with the words that named
        it, and which tokens they used. Without `fields`, phrasings of fact fields are not read:
        they say what a question asks for, and in a fact's prose they would only be noise."""
        keys = [surface(t) for t in tokens]
        used = [False] * len(tokens)
        found: dict[str, tuple[str, ...]] = {}
        starts = [i for i, key in enumerate(keys) if key in self.firsts]
        for size in range(min(self.longest, len(tokens)), 0, -1):
            for start in starts:
                if start + size > len(tokens) or any(used[start : start + size]):
                    continue
                concepts = self.phrases.get(tuple(keys[start : start + size]))
                concepts = {c for c in concepts or () if fields or not c.startswith("@")}
                if concepts:
                    for concept in concepts:
                        found.setdefault(concept, tuple(tokens[start : start + size]))
                    used[start : start + size] = [True] * size
        return found, used


def _key(phrase: str) -> tuple[str, ...]:
    """A phrase's words as the lexicon matches them."""
    return tuple(surface(w) for w in words(phrase))
