"""Claims a question makes about things the lore knows, checked against the fields that hold them.

"Sir Thomas Beecham played Livy, right?", "why did Hitchcock direct it?", "why did Lermontov and
Vicky get married?": every word is known, so nothing is missing, yet the premise is false. The
lore's structured fields are exhaustive where a film's record is — who played a part
(`played_by`), who held a credit (a work's `credits`, by role), who is whose husband or aunt
(the lore's relation words in the story's own sentences) — so a claim naming someone else in
that place can be refuted, and the fields say what is true instead. Nothing here knows a film:
roles and relations are the lexicon's groups, the rest is the lore's structure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from bot.lore.factindex import ENTITY, FactIndex, Need
from bot.lore.facts import Fact
from bot.lore.language import words
from bot.lore.lorebook import Lorebook
from bot.lore.mentions import Mention
from bot.lore.model import Character, Work
from bot.lore.search import STOP_WORDS
from bot.persona.asking import Query
from bot.persona.reading import YOU

CLAIMING = frozenset({None, "why", "what happens"})
"""Question words of a statement, a yes-or-no question or "why did...?": what they say of
someone is put forward as so."""
STORY = frozenset({"character", "person", "scene", "ballet_scene", "work"})
"""Kinds whose sentences tell who is whose (a quote's words or a trivia item's aside do not)."""
NEAR_WORDS = 3
"""How close a relation word must stand to a name to tie the two."""
WON = frozenset({"won", "win", "wins", "winning"})
NOMINATED = frozenset({"nominated", "nomination", "nominations", "nominee"})
"""How English says an award's two results (the schema's `won` and `nominated`)."""
CATEGORY_WORDS = 3
CLAIM_WORDS = 4
"""How near a name must stand to a relation word in a question to be the one it is said of."""
KIN_WORDS = 2
"""A relative named after a name: "Vicky's sister", "Vicky's twin sister"."""
TIED = 0.5
"""How well a fact must hold both the person and the relation to say who they are tied to."""


@dataclass(frozen=True)
class Refuted:
    """A false claim: what the lore holds instead, and (when nothing does) the member's own
    words for the tie that does not exist ("Boris Lermontov's wife")."""

    truth: tuple[Fact, ...]
    missing: str = ""


def refute(book: Lorebook, query: Query) -> Refuted | None:
    """The lore's answer to a false claim the question makes about known people, if it makes one
    ("who played X?" or "when did X write it?" asks rather than claims)."""
    index = book.facts
    if query.question.asks not in CLAIMING:  # "where did A and B marry?" still claims they did
        return _relation(book, query)
    return (
        _award(book, query)
        or _casting(index, query)
        or _credit(index, query)
        or _relation(book, query)
    )


def _named(index: FactIndex, query: Query, kinds: Iterable[str]) -> list[str]:
    wanted = set(kinds)
    ids = (i for m in query.mentions for i in sorted(m.ids) if index.kinds.get(i) in wanted)
    return list(dict.fromkeys(ids))


def _award(book: Lorebook, query: Query) -> Refuted | None:
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
    people = _named(index, query, {"person", "character"})
    named_works = {w.id for w in works} & set(_named(index, query, {"work"}))
    told = tuple(f for w in works for f in index.stated(w.id, "award"))
    players = [p for p in people if isinstance(book.get(p), Character) or book.played_by(p)]
    if players and not named_works - {w.id for w in works if _credits_any(book, w, players)}:
        # a part, or someone who played one: only a category for acting would be theirs
        acting = any(
            "@played_by" in index.language.concepts(words(a.category))[0]
            for w in works
            for a in w.awards
        )
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


def _casting(index: FactIndex, query: Query) -> Refuted | None:
    """ "X played Y" where the part's `played_by` does not hold X: who did, and what X was."""
    if not any("@played_by" in n.keys for n in query.fields):
        return None
    parts, people = _named(index, query, {"character"}), _named(index, query, {"person"})
    if len(parts) != 1 or not people:
        return None
    played = index.stated(parts[0], "played_by")
    cast = {i for f in played for i in f.about}
    if not played or cast & set(people):
        return None
    roles = [f for p in people for f in index.stated(p, "roles")]
    return Refuted((*played, *roles))


def _credit(index: FactIndex, query: Query) -> Refuted | None:
    """ "X directed W" where W's credit for that role names others: the credit as it stands.
    X is a person of the lore, or words the lore has never heard of before the role's word."""
    roles = {k for n in query.groups for k in n.keys}
    credits = [
        f
        for w in _named(index, query, {"work"})
        for f in index.stated(w, "credit")
        if roles & _concepts_of(index, f.text)
    ]
    if not credits:
        return None
    credited = {i for f in credits for i in f.about}
    tokens = query.question.tokens
    at = next((i for i, t in enumerate(tokens) if roles & _concepts(index, t)), 0)
    people = {
        i for m in query.mentions if m.end <= at for i in m.ids if index.kinds.get(i) == "person"
    }
    if people:  # "did Jack Cardiff direct it?"; an author of another work wrote, though
        held = people & credited or any(roles & _held(index, p) for p in people)
        return None if held else Refuted(tuple(credits))
    told = " ".join(f.text.casefold() for f in credits)
    strange = set(query.unknown)
    claimed = [t for t in tokens[:at] if t in strange]  # "why did <a name> direct it?"
    if claimed and not any(w in told for w in claimed):
        return Refuted(tuple(credits))
    return None


def _relation(book: Lorebook, query: Query) -> Refuted | None:
    """ "A and B got married": a tie of the lore's relation words that no sentence of the story
    gives the two of them alone. Said with the ties the story does give them. Only parts of a
    story: its sentences say whom its characters are tied to, while a real person's family is
    no part of a film's record."""
    index = book.facts
    people = _named(index, query, {"character"})
    if len(query.relations) != 1 or len(people) != 2:
        return None
    relation = query.relations[0].keys
    if not _beside(index, query, relation):
        return None
    first, second = people
    if any(second in tied for _, tied in _ties(index, first, relation, near=False)):
        return None
    truth = [f for p in people for f, _ in _ties(index, p, relation)[:1]]
    return Refuted(tuple(dict.fromkeys(truth)))


def _beside(index: FactIndex, query: Query, relation: frozenset[str]) -> bool:
    """Whether every name of the question stands near its relation word ("A and B got
    married", "you marry her"), so the tie is said of them and not of someone in a clause
    about them ("did you drop her because she got engaged")."""
    tokens = query.question.tokens
    said = [i for i, t in enumerate(tokens) if relation & _concepts(index, t)]
    places = [(m.start, m.end - 1) for m in query.mentions if m.end > m.start]
    places += [(i, i) for i, t in enumerate(tokens) if t in YOU]
    return all(
        min((min(abs(a - s), abs(b - s)) for s in said), default=CLAIM_WORDS + 1) <= CLAIM_WORDS
        for a, b in places
    )


def kin(book: Lorebook, query: Query) -> Refuted | None:
    """ "What happens to Vicky's sister?" declined: a relative of a character that no sentence of
    the story gives them is named back as one that does not exist ("Vicky's sister")."""
    index = book.facts
    people = [m for m in query.mentions if _named(index, _only(query, m), {"character"})]
    if len(query.relations) != 1 or len(people) != 1 or people[0].end == people[0].start:
        return None
    relation, after = query.relations[0].keys, people[0].end
    tokens = query.question.tokens
    word = next(
        (t for t in tokens[after : after + KIN_WORDS] if relation & _concepts(index, t)), ""
    )
    (person,) = _named(index, _only(query, people[0]), {"character"})
    if not word or _ties(index, person, relation):
        return None
    return Refuted((), f"{book.name_of(person)}'s {word}")


def _only(query: Query, mention: Mention) -> Query:
    return replace(query, mentions=(mention,))


def _held(index: FactIndex, person: str) -> set[str]:
    """The concepts of a person's own record ("Danish author of the tale": `~writer`)."""
    return {c for f in index.of_entry(person) for c in _concepts_of(index, f.text)}


def _concepts_of(index: FactIndex, text: str) -> set[str]:
    return set(index.language.concepts(words(text), fields=False)[0])


def _concepts(index: FactIndex, token: str) -> set[str]:
    return set(index.language.concepts([token])[0])


def _ties(
    index: FactIndex, person: str, relation: frozenset[str], near: bool = True
) -> list[tuple[Fact, frozenset[str]]]:
    """Sentences of the story tying `person` to exactly one other character by a relation
    word, best first, each with that other. With `near`, the word must stand beside the other's
    name ("marries Vicky"), not a clause away ("leaves to get married, opening the way for
    Vicky"): that is what says the two are tied, not merely named together."""
    needs = [Need(frozenset({f"{ENTITY}{person}"}), 0.9), Need(relation, 0.9)]
    found = []
    for ranked in index.rank(needs, keep=lambda f: index.kinds.get(f.entry) in STORY):
        if ranked.score < TIED:
            continue
        tokens = words(ranked.fact.text)
        named = index.mentions(tokens, partial=False)
        others = _characters(index, ranked.fact, named) - {person}
        if len(others) != 1:
            continue
        if near and _distance(index, tokens, named, {person, *others}, relation) > NEAR_WORDS:
            continue
        found.append((ranked.fact, frozenset(others)))
    return found


def _distance(
    index: FactIndex,
    tokens: list[str],
    named: list[Mention],
    people: set[str],
    relation: frozenset[str],
) -> int:
    """Words between a relation word and the nearest name of `people` in a sentence."""
    said = [i for i, t in enumerate(tokens) if relation & _concepts(index, t)]
    names = [i for m in named if m.ids & people for i in (m.start, m.end - 1)]
    return min((abs(a - b) for a in said for b in names), default=len(tokens))


def _characters(index: FactIndex, fact: Fact, named: list[Mention]) -> set[str]:
    """The characters a sentence is of or names."""
    ids = {fact.entry, *fact.about, *(i for m in named for i in m.ids)}
    return {i for i in ids if index.kinds.get(i) == "character"}
