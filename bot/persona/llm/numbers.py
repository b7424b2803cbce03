"""Numbers written out in English words ("three", "twenty-one", "nineteen forty-eight", "third"),
read as the values the checker compares with the digits and words of the lore.

A model asked to stay in character writes numbers as a person speaks them, so a checker that
only looks at digits would let "nineteen fifty-two" through where the lore says 1948. This is
generic English (cardinals, ordinals, hundreds and thousands, years said in pairs), no lore words.
A lone "one" or "first" is not read as a number: it is mostly a pronoun or "at first".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

UNITS = "zero one two three four five six seven eight nine".split()
TEENS = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
UNIT_ORDINALS = "zeroth first second third fourth fifth sixth seventh eighth ninth".split()
TEEN_ORDINALS = (
    "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth "
    "nineteenth"
).split()
TENS_ORDINALS = (
    "twentieth thirtieth fortieth fiftieth sixtieth seventieth eightieth ninetieth".split()
)
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
NOT_A_CLAIM = frozenset({"one", "first"})
TOKEN = re.compile(r"[a-z]+|[^a-z\s-]")
"""Words, and each other character but a space or hyphen (which end a number: "3, 4")."""


@dataclass(frozen=True)
class Word:
    value: int
    kind: str
    """"unit" (0-9), "teen" (10-19), "tens" (20-90), "compound" (21-99) or "scale" (100…)."""
    ordinal: bool = False


def _vocabulary() -> dict[str, Word]:
    words: dict[str, Word] = {}
    for ordinal, names in (
        (False, (UNITS, TEENS, TENS)),
        (True, (UNIT_ORDINALS, TEEN_ORDINALS, TENS_ORDINALS)),
    ):
        units, teens, tens = names
        words |= {w: Word(n, "unit", ordinal) for n, w in enumerate(units)}
        words |= {w: Word(10 + n, "teen", ordinal) for n, w in enumerate(teens)}
        words |= {w: Word(20 + 10 * n, "tens", ordinal) for n, w in enumerate(tens)}
    words |= {w: Word(n, "scale") for w, n in SCALES.items()}
    words |= {f"{w}th": Word(n, "scale", True) for w, n in SCALES.items()}
    return words


WORDS = _vocabulary()


def is_number_word(word: str) -> bool:
    return word.lower() in WORDS


def spelled_numbers(text: str) -> list[int]:
    """Every number `text` spells out in words, in order."""
    found: list[int] = []
    for run in _runs(TOKEN.findall(text.lower())):
        if len(run) == 1 and run[0] in NOT_A_CLAIM:
            continue
        found += _values([WORDS[w] for w in run])
    return found


def _runs(tokens: list[str]) -> Iterator[list[str]]:
    """Maximal stretches of number words; "and" after a hundred or thousand ("two thousand and
    four") and "a" before one ("a hundred") belong to them. An ordinal ends its stretch."""
    run: list[str] = []
    for i, token in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else ""
        if token in WORDS:
            run.append(token)
            if WORDS[token].ordinal:
                yield run
                run = []
        elif token == "and" and run and WORDS[run[-1]].kind == "scale" and following in WORDS:
            continue
        elif token == "a" and not run and following in SCALES:
            run.append("one")
        elif run:
            yield run
            run = []
    if run:
        yield run


def _values(words: list[Word]) -> list[int]:
    """The numbers a stretch says: "twenty one" is 21, "nineteen forty eight" 1948 (a year said
    in pairs), "three hundred and two" 302, "three four" two numbers."""
    parts: list[Word] = []
    for word in words:  # "twenty" "one" → 21
        if parts and parts[-1].kind == "tens" and word.kind == "unit":
            parts[-1] = Word(parts[-1].value + word.value, "compound")
        else:
            parts.append(word)
    values: list[int] = []
    total, current, previous = 0, 0, ""
    for part in parts:
        if part.kind != "scale":
            if previous == "small" and 10 <= current <= 99 and total == 0 and part.value >= 10:
                current, previous = current * 100 + part.value, "year"
                continue
            if previous in ("small", "year"):
                values.append(total + current)
                total, current = 0, 0
            current += part.value
        elif part.value == 100:
            if previous == "year":
                values.append(total + current)
                total, current = 0, 0
            current = (current or 1) * 100
        else:
            total, current = total + (current or 1) * part.value, 0
        previous = "scale" if part.kind == "scale" else "small"
    values.append(total + current)
    return values
