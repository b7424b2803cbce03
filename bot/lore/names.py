"""Names of a lore snapshot as the chat's fact index reads them: which entries a run of words
names exactly, which have a given word in a name, and which name words a misspelt one is close to.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from bot.lore.language import CONTRACTIONS
from bot.lore.model import Entry
from bot.lore.search import STOP_WORDS, entry_names
from bot.lore.text import fold

TYPO_CUTOFF = 72.0
_POSSESSIVE = re.compile(r"['’]s\b")


def _as_asked(name: str) -> str:
    """A name as a member's question reads it: the possessive dropped and contractions spelt
    out ("Vicky's death" → "vicky death", "I Know Where I'm Going!" → "i know where i am going")."""
    said = fold(_POSSESSIVE.sub("", name).replace("'", "").replace("’", "")).split()
    return " ".join(word for each in said for word in CONTRACTIONS.get(each, (each,)))


def folded_names(entry: Entry) -> list[str]:
    """Every name an entry answers to, folded, each also as a member's question reads it
    (`_as_asked`), since questions lose their "'s" and spell contractions out before names are
    looked up, while facts keep them ("vicky s death", "i m going")."""
    said = entry_names(entry)
    return list(dict.fromkeys((*(fold(n) for n in said), *(_as_asked(n) for n in said))))


class Names:
    """Every name, alias and id of a lore snapshot, for finding entries named in a sentence:
    whole names exactly, single words of names, and misspelt words by rapidfuzz."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self._exact: dict[str, list[Entry]] = {}
        self._tokens: dict[str, list[Entry]] = {}
        for entry in entries:
            for name in folded_names(entry):
                self._exact.setdefault(name, []).append(entry)
                for token in set(name.split()) - STOP_WORDS:
                    self._tokens.setdefault(token, []).append(entry)
        self._longest: dict[str, int] = {}
        for name in self._exact:
            said = name.split()
            if said:
                self._longest[said[0]] = max(self._longest.get(said[0], 0), len(said))
        self._by_shape: dict[tuple[int, str], list[str]] = {}
        for token in self._tokens:
            for letter in {token[0], token[-1]}:
                self._by_shape.setdefault((len(token), letter), []).append(token)

    def named(self, folded: str) -> list[Entry]:
        return self._exact.get(folded, [])

    def longest_from(self, token: str) -> int:
        """How many words the longest name beginning with `token` has (0: none begins so)."""
        return self._longest.get(token, 0)

    def name_token(self, token: str) -> list[Entry]:
        return self._tokens.get(token, [])

    def similar_tokens(self, token: str) -> list[tuple[str, float]]:
        """Name words close to a misspelt one (sharing its length give or take two, and its
        first or last letter), with their rapidfuzz ratio."""
        pool = self._shaped_like(token)  # sorted: ties go the same way in every process
        found = process.extract(
            token, sorted(pool), scorer=fuzz.ratio, limit=5, score_cutoff=TYPO_CUTOFF
        )
        return [(word, float(score)) for word, score, _ in found]

    def _shaped_like(self, token: str) -> set[str]:
        return {
            word
            for size in range(len(token) - 2, len(token) + 3)
            for letter in {token[0], token[-1]}
            for word in self._by_shape.get((size, letter), ())
        }
