"""Claims about a work's awards, checked against the awards the lore lists for it.

Awards are a work's, each by category and result, and the lore lists them all: "Vicky won an
Oscar", "it won Best Picture" or "her acceptance speech for Best Actress" can be set straight
with the awards as they stand. Which categories are for acting is the lexicon's: a category's
words among its words for playing a part.
"""

from __future__ import annotations

from bot.lore.factindex import FactIndex
from bot.lore.language import words
from bot.lore.lorebook import Lorebook
from bot.lore.model import Character, Work
from bot.lore.search import STOP_WORDS
from bot.persona.asking import Query
from bot.persona.refuted import Refuted, entries_named

WON = frozenset({"won", "win", "wins", "winning"})
NOMINATED = frozenset({"nominated", "nomination", "nominations", "nominee"})
"""How English says an award's two results (the schema's `won` and `nominated`)."""
CATEGORY_WORDS = 3


def award(book: Lorebook, query: Query) -> Refuted | None:
    """ "Vicky won an Oscar", "it won Best Picture": awards are a work's, each by category and
    result. A part, or an actor, won none when no category is for acting; a category the work
    was only nominated in was not won. Said with the work's awards as they stand. (Whether a
    crew member's credit is what a category rewarded is left to the facts: the words differ.)"""
    index = book.facts
    if not any("@award" in n.keys for n in query.fields):
        return None
    tokens = query.question.tokens
    result = "won" if WON & set(tokens) else "nominated" if NOMINATED & set(tokens) else None
    works = [w for w in book.of_type(Work) if w.awards]
    if result is None or not works:
        return None
    acting = any(_for_acting(index, words(a.category)) for w in works for a in w.awards)
    told = tuple(f for w in works for f in index.stated(w.id, "award"))
    people = entries_named(index, query, {"person", "character"})
    named_works = {w.id for w in works} & set(entries_named(index, query, {"work"}))
    players = [p for p in people if isinstance(book.get(p), Character) or book.played_by(p)]
    if players and not named_works - {w.id for w in works if _credits_any(book, w, players)}:
        # a part, or someone who played one: only a category for acting would be theirs
        return None if acting else Refuted(told)
    for work in works:
        vocabulary = {w for a in work.awards for w in words(a.category)}
        claimed = _category(tokens) & vocabulary
        if work.id not in named_works or not claimed:
            continue
        held = max(work.awards, key=lambda a: _covered(claimed, a.category))
        if result == "won" and held.result != "won" and claimed <= set(words(held.category)):
            return Refuted(tuple(index.stated(work.id, "award")))
    return None


def acting(book: Lorebook, query: Query) -> Refuted | None:
    """ "What was her acceptance speech for Best Actress like?": a category for acting named
    when no work of the lore holds one, whatever the question asks of it."""
    index = book.facts
    if not query.mentions or not any("@award" in n.keys for n in query.fields):
        return None  # "who won Best Actress that year?" claims nothing of the lore's
    if not _for_acting(index, sorted(_category(query.question.tokens))):
        return None
    works = [w for w in book.of_type(Work) if w.awards]
    if not works or any(_for_acting(index, words(a.category)) for w in works for a in w.awards):
        return None
    return Refuted(tuple(f for w in works for f in index.stated(w.id, "award")))


def _for_acting(index: FactIndex, category: list[str]) -> bool:
    """Whether an award category's words are the lexicon's words for playing a part."""
    return "@played_by" in index.language.concepts(category)[0]


def _category(tokens: tuple[str, ...]) -> set[str]:
    """The words naming an award's category after "best" ("won Best Picture": {"picture"})."""
    if "best" not in tokens:
        return set()
    after = tokens[tokens.index("best") + 1 :]
    return {t for t in after[:CATEGORY_WORDS] if t not in STOP_WORDS and not t.isdigit()}


def _covered(claimed: set[str], category: str) -> float:
    """How much of a category the claimed words say ("picture" is most of "Best Motion
    Picture", little of "Best Music Scoring of a Dramatic or Comedy Picture")."""
    named = set(words(category)) - STOP_WORDS - {"best"}
    return len(claimed & named) / max(1, len(named))


def _credits_any(book: Lorebook, work: Work, people: list[str]) -> bool:
    return any(c.person in people for c in work.credits) or any(
        isinstance(c, Character) and c.work == work.id for p in people if (c := book.get(p))
    )
