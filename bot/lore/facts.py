"""Facts: the sentences the chat answers with, derived from an entry's fields and its prose.

Every lore kind says what it knows as plain sentences (`Entry.facts`): a character's actor, a
work's credits and awards with correct counts, a person's dates, a quote with its speaker, plus
each sentence of a summary or body unaltered. The chat ranks these sentences instead of knowing
anything about the film, so a new film's lore needs no code. Facts name the question words they
answer ("who", "when", "how many"...), which is what a structured field adds over prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9])")
_ABBREVIATION = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Sir|Prof|Jr|Sr|vs|[A-Z])\.$")
_LEANS_BACK = re.compile(r"^(?:\S+\s+){0,5}(?:do|does|did|doing)\s+(?:it|so|that)\b", re.IGNORECASE)
"""A sentence whose first words do what the sentence before said ("Joan offers him enough to do
it"): only that sentence says what."""
_YEAR = re.compile(r"\b1[5-9]\d\d\b|\b20\d\d\b")
_NUMBER = re.compile(r"\b\d+\b|\b(?:" + "|".join(NUMBER_WORDS[1:]) + r")\b", re.IGNORECASE)
_CAUSE = re.compile(
    r"\b(?:because|since|due to|caused?|led to|so that|had been|reason|result|therefore)\b",
    re.IGNORECASE,
)
_PLACE = re.compile(r"\b(?:in|at|to|from|near|across|around|outside)\s+(?:the\s+)?[A-Z]")
"""A place named after a preposition ("at the Cannes Film Festival", "in Paris")."""
_MEASURE = re.compile(r"\b(?:minutes?|hours?|seconds?|long)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Fact:
    """One sentence the chat may say, and where it came from.

    `entry` is the source id (shown in the `-# from` line), `about` the other entries the fact
    concerns (an actor, a speaker, a credited person), `field` the field it was derived from
    ("played_by", "credit", "summary"...), `answers` the question words it answers, and `whole`
    asks for the entry's whole summary beside it (a scene found by its place in the story).
    """

    text: str
    entry: str
    field: str
    about: tuple[str, ...] = ()
    answers: frozenset[str] = frozenset()
    whole: bool = False
    hint: str = ""
    """Words the fact is found by but does not say: its entry's name, a quote's context."""


@dataclass(frozen=True)
class FactContext:
    """What an entry needs from the rest of the lore to state its facts: names of the entries
    it points at, and the last `order` per kind and work (so a scene knows it is the ending)."""

    names: Mapping[str, str]
    last_order: Mapping[tuple[str, str], int] = field(default_factory=dict)
    characters: AbstractSet[str] = frozenset()
    """Folded names and aliases of characters, so a credit for a part reads as casting."""

    def name(self, entry_id: str) -> str:
        return self.names.get(entry_id, entry_id.replace("-", " "))


def sentences(text: str | None) -> list[str]:
    """A paragraph cut into sentences, never inside "Mr." or an initial."""
    out: list[str] = []
    for paragraph in (text or "").split("\n"):
        pending = ""
        for piece in _SENTENCE_END.split(paragraph.strip()):
            pending = f"{pending} {piece}".strip() if pending else piece.strip()
            if pending and not _ABBREVIATION.search(pending):
                out.append(pending)
                pending = ""
        if pending:
            out.append(pending)
    return [s for s in out if s]


def asked_by(question: str) -> frozenset[str]:
    """The question words a quiz question is asked with ("In which year..." → "when")."""
    head = question.casefold()
    for word, asks in (
        ("how many", "how many"),
        ("how long", "how long"),
        ("which year", "when"),
        ("what year", "when"),
        ("when", "when"),
        ("where", "where"),
        ("which city", "where"),
        ("who", "who"),
        ("whom", "who"),
    ):
        if word in head:
            return frozenset({asks, "what"})
    return frozenset({"what"})


def answered_by(sentence: str) -> frozenset[str]:
    """The question words a sentence of prose can answer, judged by what it holds."""
    found = {"what", "how"}
    if _PLACE.search(sentence):
        found.add("where")
    if _YEAR.search(sentence):
        found.add("when")
    if _CAUSE.search(sentence):
        found.add("why")
    if _NUMBER.search(sentence):
        found.add("how many")
        if _MEASURE.search(sentence):
            found.add("how long")
    return frozenset(found)


def prose(
    text: str | None,
    entry: str,
    field_name: str,
    about: Sequence[str] = (),
    who: bool = False,
    hint: str = "",
) -> Iterator[Fact]:
    """Each sentence of a summary or body as a fact, unaltered, found also by `hint`; one that
    opens by leaning on the sentence before ("Joan offers him enough to do it") says it after
    that sentence, so that it is never told without what "it" is."""
    before = ""
    for sentence in sentences(text):
        said = f"{before} {sentence}" if before and _LEANS_BACK.search(sentence) else sentence
        answers = answered_by(said) | ({"who"} if who else set())
        yield Fact(said, entry, field_name, tuple(about), frozenset(answers), hint=hint)
        before = sentence


def count(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def counted(n: int, plural: str) -> str:
    """ "two Academy Awards", "one Academy Award": the count in words with the right number."""
    noun = plural[:-1] if n == 1 and plural.endswith("s") and not plural.endswith("ss") else plural
    return f"{count(n)} {noun}"


def joined(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
