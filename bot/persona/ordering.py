"""Events a member names, put in the story's order: "in what order do these happen: (a) … (b) …".

Each named event is found among the steps of the lore's stories (scenes, ballet scenes) by the
one ranking, then the steps are told in their own order, each with the member's label and its
first sentence; an event no step matches is named back as unplaced. The order is the lore's
(`order` within a work, works in the order the lore gives them), never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.lore.facts import sentences
from bot.lore.lorebook import Lorebook
from bot.lore.model import BalletScene, Kind, Scene
from bot.persona.asking import understand
from bot.persona.choose import ANSWERS
from bot.persona.reading import read, tokens

ASKS_ORDER = re.compile(
    r"\b(?:what|which|right|correct|chronological)\s+order\b|\border\s+(?:these|them|of)\b"
    r"|\b(?:comes?|came|happens?|happened)\s+first\b|\bchronolog",
    re.I,
)
"""Plain English asking for an order of things."""
_LABEL = re.compile(r"(?:^|\s)\(?([a-hA-H]|[1-9])\)\s*|(?:^|\s)([1-9])\.\s+")
"""Labels of listed items: "(a) ", "b) ", "1. "."""
_LISTED = re.compile(r"\s*(?:,|;|\bor\b|\band\b|\bthen\b)\s*")
STEPS_IN_ORDER: tuple[Kind, ...] = ("scene", "ballet_scene")
STEPS = frozenset(STEPS_IN_ORDER)
MIN_ITEMS = 2
MAX_ITEMS = 8


@dataclass(frozen=True)
class Placed:
    """What the member called an event, and the step of a story it is (None: no step)."""

    label: str
    said: str
    step: Scene | BalletScene | None
    score: float = 0.0
    work: int = 0
    """Where the step's work stands among the lore's stories."""

    @property
    def key(self) -> tuple[bool, int, int]:
        """Placed steps first, work by work in the lore's order, each in its own order."""
        return (self.step is None, self.work, self.step.order if self.step else 0)


def items(text: str) -> list[tuple[str, str]]:
    """The events a message lists to be put in order, each with its label ("a") or number,
    when it asks for an order at all: "(a) X (b) Y", or "…these: X, Y and Z"."""
    if not ASKS_ORDER.search(text):
        return []
    pieces = _LABEL.split(text)
    labelled = [
        ((a or b), said.strip(" ,;.?"))
        for a, b, said in zip(pieces[1::3], pieces[2::3], pieces[3::3], strict=True)
    ]
    if len(labelled) < MIN_ITEMS and ":" in text:
        listed = [s.strip(" .?") for s in _LISTED.split(text.split(":", 1)[1]) if s.strip()]
        labelled = [(str(n), said) for n, said in enumerate(listed, 1)]
    found = [(label, said) for label, said in labelled if said]
    return found[:MAX_ITEMS] if len(found) >= MIN_ITEMS else []


def placed(book: Lorebook, listed: list[tuple[str, str]]) -> list[Placed]:
    """Each listed event matched to a step of a story, the steps in the story's order first,
    then the events no step matches."""
    index = book.facts
    works = [w for kind in STEPS_IN_ORDER for w in book.sequence_works(kind)]
    found = []
    for label, said in listed:
        query = understand(read(said), index, None)
        ranked = index.rank(query.needs, keep=lambda f: index.kinds.get(f.entry) in STEPS, limit=1)
        best = ranked[0] if ranked and ranked[0].score >= ANSWERS else None
        step = book.get(best.fact.entry) if best else None
        if isinstance(step, Scene | BalletScene) and best:
            found.append(Placed(label, said, step, best.score, works.index(step.work)))
        else:
            found.append(Placed(label, said, None))
    return sorted(found, key=lambda p: p.key)


def told(place: Placed) -> str:
    """One event in its place: the member's label, the step's name and its first sentence."""
    if place.step is None:
        return ""
    first = (sentences(place.step.summary) or [place.step.summary])[0]
    return f"({place.label}) **{place.step.name}** — {first}"


def unplaced(place: Placed) -> str:
    """The member's words for an event no step matches, plainly (no markup, no links)."""
    return f"({place.label}) {' '.join(tokens(place.said))}"
