"""A synthetic lore of any size, for benchmarks at scale (10,000 entries is the usual target).

Names are built from syllables so that they look like names, share tokens the way real names do,
and give fuzzy search honest work. Generated in the run: nothing is downloaded or committed.
"""

from __future__ import annotations

import random
from pathlib import Path

from bot.lore.export import dump_lore
from bot.lore.lorebook import Lorebook
from bot.lore.model import ENTRY_ADAPTER, Entry

SYLLABLES = (
    "ka lo mi ren tov ski ana bel dor vic pa ge mon tre shu lia vo ra sel ni "
    "bor is ju lian gri sha ir na mas sine hel pman wal brook cra ster"
).split()
WORDS = (
    "dance ballet shoes red stage music score theatre curtain spotlight audition rehearsal "
    "company impresario composer ballerina train station monte carlo london paris covent garden"
).split()
FILE_SIZE = 500


def _name(rng: random.Random) -> str:
    parts = ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(2)]
    return " ".join(p.capitalize() for p in parts)


def _vocabulary(rng: random.Random, size: int = 4000) -> tuple[list[str], list[float]]:
    """Pseudo-words with Zipf weights, the themed words among them: prose where a few words
    are common and most are rare, as in real text (a tiny vocabulary would put every word in
    every entry, which no lore does)."""
    words = list(
        dict.fromkeys(
            WORDS
            + [
                "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
                for _ in range(size)
            ]
        )
    )
    rng.shuffle(words)
    return words, [1 / (rank + 1) for rank in range(len(words))]


def _sentence(rng: random.Random, vocabulary: tuple[list[str], list[float]], words: int) -> str:
    chosen = rng.choices(vocabulary[0], weights=vocabulary[1], k=words)
    return " ".join(chosen).capitalize() + "."


def synthetic_data(count: int, seed: int = 1948) -> list[dict[str, object]]:
    """`count` entries as plain data: people, characters played by them, and trivia."""
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng)
    data: list[dict[str, object]] = []
    source = [{"title": "Synthetic benchmark data"}]
    for index in range(count):
        name = _name(rng)
        base = {
            "id": f"syn-{index}",
            "name": name,
            "aliases": [name.split()[-1]],
            "summary": _sentence(rng, vocabulary, 20),
            "body": " ".join(_sentence(rng, vocabulary, 15) for _ in range(3)),
            "sources": source,
        }
        if index % 3 == 0:
            data.append({**base, "kind": "person", "roles": ["actor"]})
        elif index % 3 == 1:
            data.append({**base, "kind": "character", "played_by": f"syn-{index - 1}"})
        else:
            data.append({**base, "kind": "trivia", "topic": "film"})
    return data


def synthetic_entries(count: int, seed: int = 1948) -> list[Entry]:
    return [ENTRY_ADAPTER.validate_python(item) for item in synthetic_data(count, seed)]


def synthetic_lorebook(count: int, extra: list[Entry] | None = None) -> Lorebook:
    """A book of `count` synthetic entries, plus `extra` (the shipped lore, say)."""
    return Lorebook([*(extra or []), *synthetic_entries(count)])


def write_synthetic_lore(directory: Path, count: int) -> list[Path]:
    """Write `count` synthetic entries as lore files of `FILE_SIZE` entries each."""
    entries = synthetic_entries(count)
    paths = []
    for start in range(0, count, FILE_SIZE):
        path = directory / f"synthetic-{start // FILE_SIZE:03d}.yaml"
        path.write_text(dump_lore(entries[start : start + FILE_SIZE]), encoding="utf-8")
        paths.append(path)
    return paths
