"""Whether a question puts forward a thing the lore does not hold, so that he may say it does not
exist.

He may deny a thing only where the lore would list it if it existed: a thing named as the
question's subject ("what happens in the spaceship scene?", "who played the robot?"). Words the
lore lacks that only tell which fact is meant ("the rabbit in the hat line": the lore keeps some
lines, in its own words), an aside before the question proper ("I'm trying to place a face: who
played..."), and his own life ("your idea of a perfect evening") are no such claim: an honest
"I cannot tell you" is right there, and "there is no X" would deny something real.
"""

from __future__ import annotations

from bot.lore.language import stem
from bot.lore.lorebook import Lorebook
from bot.persona.asking import Query
from bot.persona.premise import thing
from bot.persona.reading import QUESTION_WORDS

DESCRIBED = 5
"""How far before a field's word the words describing which fact is meant may start."""


def premised(book: Lorebook, query: Query) -> tuple[str, bool]:
    """The member's words naming a thing the lore does not hold, as the question puts it
    forward ("" when it names none, or only tells which fact is meant, or stands in an aside
    before the question proper), and whether a word of the lore says what it is ("the spaceship
    scene")."""
    named, kind = thing(query.question.tokens, query.unknown, query.mentions)
    story = any(book.facts.known(word) for word in kind)
    if named and (
        _describes_a_fact(query, named) or (_before_the_question(query, named) and not story)
    ):
        return "", False  # "the rabbit in the hat line", "trying to place a face: who played..."
    if query.you and not mentions_lore(query, book.facts.language.you):
        return "", False  # "your idea of a perfect evening": his own life is no listed record
    return named, story


def _describes_a_fact(query: Query, named: str) -> bool:
    """Whether the words naming a thing come just before a word asking for a fact field ("the
    rabbit in the hat line", "his romantic line to her"): they tell which fact is meant, in the
    member's words, and the lore, which keeps only some lines, may hold it in other words."""
    tokens = query.question.tokens
    said = {w for need in query.fields for w in need.near}
    first = named.split()[0].casefold()
    at = tokens.index(first) if first in tokens else len(tokens)
    return any(stem(t) in said for t in tokens[at : at + DESCRIBED])


def _before_the_question(query: Query, named: str) -> bool:
    """Whether the words naming a thing come before the question proper ("I'm trying to place
    a face: who played...", "it looks unreal... who shot it?"): an aside, not what is asked."""
    tokens = query.question.tokens
    first = named.split()[0].casefold()
    at = tokens.index(first) if first in tokens else 0
    return any(t in QUESTION_WORDS for t in tokens[at + 1 :]) and not any(
        t in QUESTION_WORDS for t in tokens[:at]
    )


def mentions_lore(query: Query, you: str | None) -> bool:
    """Whether the question names something of the lore other than him."""
    return any(m.ids != {you} for m in query.mentions)
