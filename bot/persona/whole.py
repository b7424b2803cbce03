"""Whole answers: a message cut into its questions, and the answers put back together.

Members ask several things at once ("who played her and how is she related to Vicky?", "the
restoration: who did it, when, and who paid?", "compare the tale and the ballet: who takes the
shoes off?"). Each question is answered by the ordinary path on its own; this module decides
what the questions are (a topic set before them is carried into each; a comparison asks each
question of each side) and puts the answers together in order: every answered part, and for a
part the lore cannot answer, his decline naming that part, so half an answer never passes for a
whole one. The reply keeps one lead, one source line and the confidence of its weakest answer.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.lore.factindex import FactIndex
from bot.lore.lorebook import Lorebook
from bot.lore.model import Entry, PersonaPurpose
from bot.persona.reading import asks, content, split, tokens, topic
from bot.persona.voice import compose, said

MAX_QUESTIONS = 4
"""Questions answered per message: two sides of a comparison asked two things fill it."""
COMPARING = frozenset({"compare", "comparing", "compared", "versus", "difference", "differ"})
"""Plain English for setting two things side by side."""
BETWEEN = frozenset({"and", "with", "to", "or", "between", "against"})
SOURCES_PER_PART = 3
ENDS = frozenset("!?.")
"""Marks a message is cut at that a title may end with."""


@dataclass
class Part:
    """The answer to one question of a message, before the parts are put together."""

    text: str
    sources: list[Entry] = field(default_factory=list)
    confidence: float = 0.0
    lead: PersonaPurpose | None = None
    declined: bool = False
    """He does not know the answer (or corrects the question): worth saying beside others."""
    asked: str = ""
    """The question this part answers, as the member's plain words; empty for an aside."""
    remark: bool = False
    """Asks nothing (the member's news, his name alone): beside an answered question it is left
    out rather than met with the lore's nearest entry (see `shape.aside`)."""


@dataclass(frozen=True)
class Asked:
    """One question of a message, and where it stands among the others."""

    text: str
    later: bool = False
    """Not the first: its pronoun means the subject of the question before."""
    aside: bool = False
    """A remark after a question ("who shot it? the colours are insane"): answered on its own,
    never leaning on the questions before it, and never declined aloud."""
    put: str = ""
    """The question as the member put it, before a topic was added to it (for a decline)."""

    @property
    def plain(self) -> str:
        """The question as the member's plain words (no markup, no links), to name it in a
        decline; empty for a remark, which is not declined aloud."""
        put = self.put or self.text
        return " ".join(tokens(put)) if asks(put) else ""


def questions(index: FactIndex, message: str) -> list[Asked]:
    """The questions of a message, each able to stand alone: a lead-in comparing things ("the
    tale vs the ballet: who takes the shoes off?") asks each question of every side, and one
    naming a subject ("Lady X — who played her, and is she related to Vicky?") names it in
    each question. A lead-in with no word of the lore ("quick one:") is left out."""
    lead_in, rest = topic(message)
    put = _names_whole(index, split(rest))
    sides = _sides(lead_in)
    subject = [w for w in tokens(lead_in) if content(w)]
    lore = any(index.known(w) for w in subject)
    if sides:
        pairs = [(f"{q} in {side}", f"{q} in {side}") for q in put for side in sides]
    elif lore and len(put) == 1:  # "Paris or Monte Carlo — which do you prefer?"
        pairs = [(q, q) for q in split(message)]
    else:
        pairs = [(f"{q} {' '.join(subject)}" if lore else q, q) for q in put]
    first = next((n for n, (_, q) in enumerate(pairs) if asks(q)), 0)
    return [
        Asked(text, n > 0, n > first and not asks(q), q)
        for n, (text, q) in enumerate(pairs[:MAX_QUESTIONS])
    ]


def _names_whole(index: FactIndex, parts: list[str]) -> list[str]:
    """The parts with those cut inside a name the lore knows joined again: a title's own
    punctuation ("When did Where Are You! come out?") ends no question."""
    joined = parts[:1]
    for part in parts[1:]:
        rest = split(part)  # "...Run Home! premiere, and who shot it?": one more question
        if not asks(rest[0]) and _cuts_a_name(index, joined[-1], rest[0]):
            joined[-1] = f"{joined[-1]} {rest.pop(0)}"
        joined += rest
    return joined


def _cuts_a_name(index: FactIndex, before: str, after: str) -> bool:
    """Whether the cut between two parts falls inside a name, or after a name that ends with
    the very mark the cut was made at."""
    cut = len(tokens(before))
    both = tokens(f"{before} {after}")
    mark = before.rstrip()[-1:]
    for mention in index.mentions(both, partial=False):
        if mention.start < cut < mention.end:
            return True
        if mention.end == cut and mark in ENDS:
            run = " ".join(both[mention.start : mention.end])
            named = index.names.named(run)
            if any(n.rstrip().endswith(mark) for e in named for n in (e.name, *e.aliases)):
                return True
    return False


def _sides(lead_in: str) -> list[str]:
    """The things a lead-in sets side by side ("compare the tale and the ballet"), if it
    compares at all."""
    words = tokens(lead_in)
    if not lead_in or not COMPARING & set(words):
        return []
    sides: list[list[str]] = [[]]
    for word in words:
        if word in COMPARING or word in BETWEEN:
            sides.append([])
        else:
            sides[-1].append(word)
    named = [" ".join(side) for side in sides if any(content(w) for w in side)]
    return named if len(named) > 1 else []


def together(
    book: Lorebook, parts: Sequence[Part], rng: random.Random, name: str | None
) -> tuple[str, list[str], float]:
    """The reply's text, source ids and confidence: the answered parts in the order asked,
    with a decline for each question the lore cannot answer; nothing answered, the first part.
    Small talk beside a question is left out ("hi, who directed it?"), and so is a remark
    ("any advice? i just joined a company")."""
    if not any(p.sources for p in parts):
        return compose([parts[0].text], []), [], parts[0].confidence
    if any(p.sources and not p.remark for p in parts):
        parts = [p for p in parts if not p.remark]
    answered = [p for p in parts if p.sources]
    kept = [p for p in parts if p.sources or (p.declined and p.asked)]
    lead = next((p.lead for p in answered if p.lead), None)
    first = said(book, lead, rng, name) if lead else None
    texts = [p.text if p.sources else _unanswered(p) for p in kept]
    sources = _footed(answered)
    text = compose(texts, sources, first, most=len(sources))
    ids = list(dict.fromkeys(e.id for p in answered for e in p.sources))
    return text, ids, min(p.confidence for p in answered)


def _unanswered(part: Part) -> str:
    """His decline, saying which of the questions it is for."""
    return f"*{part.asked}?* {part.text}"


def _footed(parts: Sequence[Part]) -> list[Entry]:
    """Each part's first sources, in the order the parts were asked: every answer is sourced
    in the one `-# from` line, the first part's not crowding out the rest."""
    chosen = [e for p in parts for e in _distinct(p.sources)[:SOURCES_PER_PART]]
    return _distinct(chosen)


def _distinct(sources: Sequence[Entry]) -> list[Entry]:
    return list({e.id: e for e in sources}.values())
