"""Lermontov's own words on what he is asked: which opinion fits a question, and which line.

Persona lore of purpose `opinion` names what it is about (`about`: entries; `topics`: themes)
and holds lines in his voice. A question's needs (the names, words and concepts
`bot.persona.asking` found) are matched against each opinion's subject, and more weakly against
the words of its lines, so "why did you hate him?" finds the opinion about him and, among its
lines, the one that speaks of hatred. Words the lore has never heard of still help to pick a line
but never count against an opinion: an ordinary word ("harsh", "prefer") is no reason to stay
silent. Naming several people ("X and Y") gets a line on each. The table of opinions is built
once per book (a server's view has its own).
"""

from __future__ import annotations

import random
import threading
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.lore.factindex import ENTITY, FactIndex, Need
from bot.lore.language import stem, words
from bot.lore.lorebook import Lorebook
from bot.lore.model import Persona
from bot.persona.asking import Query
from bot.persona.premise import things
from bot.persona.reading import content

LINE_COVER = 0.5
"""A need one of an opinion's lines holds counts half as much as one its subject holds."""
NAME_FACTOR = 1.0
"""A named person or scene weighs as its rarity says, like any other word."""
STRANGE_FACTOR = 1.5
"""A thing the story lacks ("your cat") weighs double: an opinion that fits the rest of such a
question still does not answer it."""
UNHEARD_WEIGHT = 0.2
"""A word the lore never uses only picks a line; it barely moves an opinion's score."""
FITS = 0.4
"""The least share of a question an opinion must cover to be said."""
MAX_PEOPLE = 3
HIMSELF = 0.5
"""How sure a general word about himself is as the answer to a question about him."""
SURE = 0.9
"""A mention this sure (a whole name) outweighs guesses from a word like a name ("adore")."""
PEOPLE = frozenset({"character", "person"})
KINDS = frozenset({"advice", "charge", "hypothetical", "taste"})
"""Kinds of view a question may ask for (signals of the lexicon) and persona purposes of lines
said only to that kind of question."""
PURPOSES = frozenset(f"@{kind}" for kind in KINDS)
VIEWS = KINDS | {"opinion"}
PURPOSE_SHARE = 1.1
"""A kind of view asked for weighs a little more than the rest of the question together: an
opinion of that kind on another subject still beats one on the subject of another kind
("any advice on love?" wants advice, then advice on love), and one of both beats either."""
SET_ASIDE = 100.0
"""What a line loses for naming something the question sets aside."""
JOINING = frozenset({"or", "and", "versus", "vs"})
"""Words setting things side by side, each to be spoken of ("Paris or Monte Carlo?")."""
EXCLUDING = (("besides",), ("except",), ("apart", "from"), ("aside", "from"), ("other", "than"))
"""Words that set a name aside ("your favourite ballet besides this one")."""


@dataclass(frozen=True)
class _Opinion:
    entry: Persona
    subject: frozenset[str]
    lines: tuple[frozenset[str], ...]
    said: frozenset[str]


@dataclass(frozen=True)
class Opinion:
    """What he says: one line of each opinion chosen, and how well the first fits."""

    lines: tuple[str, ...]
    entries: tuple[Persona, ...]
    score: float
    topical: bool = False
    """Its subject holds something the question asks besides names: a view of the matter,
    not merely of the people or things named."""


_TABLES: weakref.WeakKeyDictionary[Any, tuple[_Opinion, ...]] = weakref.WeakKeyDictionary()
_BUILDING = threading.Lock()


def _keys(index: FactIndex, text: str) -> frozenset[str]:
    """The keys a question's needs use, for a piece of persona text: names, concepts, stems."""
    tokens = words(text)
    mentions = index.mentions(tokens, partial=False)
    unnamed = list(tokens)
    for m in mentions:  # "Heart of Fire" is not about firing anyone
        unnamed[m.start : m.end] = [""] * (m.end - m.start)
    concepts, _ = index.language.concepts(unnamed, fields=False)
    named = {f"{ENTITY}{i}" for m in mentions for i in m.ids}
    return frozenset(named | set(concepts) | {stem(t) for t in tokens if content(t)})


def _purposes(index: FactIndex, entry: Persona) -> frozenset[str]:
    """The kinds of view an opinion gives: its purpose, and for a plain opinion any kind one of
    its topics is a phrasing of ("accused": a charge)."""
    if entry.purpose in KINDS:
        return frozenset({f"@{entry.purpose}"})
    found = index.language.concepts(words(" . ".join(entry.topics)))[0]
    return frozenset(found) & PURPOSES


def _abouts(book: Lorebook, opinion: Persona) -> list[frozenset[str]]:
    """The words of what an opinion is about (a scene's summary) say what it answers too."""
    found = [book.get(i) for i in opinion.about]
    return [_keys(book.facts, e.summary) for e in found if e is not None]


def _table(book: Lorebook) -> tuple[_Opinion, ...]:
    built = _TABLES.get(book)
    if built is None:
        with _BUILDING:
            built = _TABLES.get(book)
            if built is None:
                index = book.facts
                built = _TABLES[book] = tuple(
                    _Opinion(
                        entry,
                        frozenset({f"{ENTITY}{i}" for i in entry.about})
                        | _keys(index, " . ".join(entry.topics))
                        | _purposes(index, entry),
                        lines := tuple(_keys(index, line) for line in entry.lines),
                        frozenset().union(*lines, *_abouts(book, entry)),
                    )
                    for entry in book.of_kind("persona")
                    if isinstance(entry, Persona) and entry.purpose in VIEWS
                )
    return built


def _weight(need: Need, unheard: frozenset[str], strange: frozenset[str]) -> float:
    """Names and things the story lacks ("your cat") weigh most; other unknown words least."""
    if need.words in strange:
        return STRANGE_FACTOR * need.weight
    if _named(need):
        return NAME_FACTOR * need.weight
    return need.weight * (UNHEARD_WEIGHT if need.words in unheard else 1.0)


def _cover(opinion: _Opinion, need: Need) -> float:
    if need.keys & opinion.subject:
        return 1.0
    return LINE_COVER if need.keys & opinion.said else 0.0


def _named(need: Need) -> bool:
    return any(k.startswith(ENTITY) for k in need.keys)


def _score(opinion: _Opinion, needs: Sequence[tuple[Need, float]]) -> float:
    total = sum(w for _, w in needs)
    return sum(w * _cover(opinion, n) for n, w in needs) / total if total else 0.0


def needs_of(query: Query, you: str | None, table: Sequence[_Opinion]) -> list[Need]:
    """What an opinion should be about: what the question describes, less "you" himself, the
    names set aside ("besides X") and the mood words some opinion is about ("regret", "proud";
    not "think" or "feel"). Names only guessed from a word are left out when another is named
    for sure."""
    himself = frozenset({f"{ENTITY}{you}"})
    moods = [n for n in query.feeling if any(n.keys & o.subject for o in table)]
    sure = [m for m in query.mentions if m.weight >= SURE and m.ids != {you}]
    guessed = {f"{ENTITY}{i}" for m in query.mentions if m.weight < SURE for i in m.ids}
    aside = _set_aside(query)
    return [
        n
        for n in (*query.described, *moods)
        if n.keys != himself and not (sure and n.keys & guessed) and not n.keys <= aside
    ]


def _set_aside(query: Query) -> frozenset[str]:
    """The names a question excludes: "besides The Red Shoes", "other than her"."""
    tokens = query.question.tokens
    return frozenset(
        f"{ENTITY}{i}"
        for m in query.mentions
        if any(tuple(tokens[max(0, m.start - len(w)) : m.start]) == w for w in EXCLUDING)
        for i in m.ids
    )


def _purposed(
    query: Query, needs: list[tuple[Need, float]], table: Sequence[_Opinion]
) -> list[tuple[Need, float]]:
    """The kinds of view asked for that some opinion gives, weighed against the rest."""
    asked = sorted(s for s in query.signals & PURPOSES if any(s in o.subject for o in table))
    weight = PURPOSE_SHARE * (sum(w for _, w in needs) or 1.0)
    return [(Need(frozenset({s}), weight, s), weight) for s in asked]


def opinion(book: Lorebook, query: Query, rng: random.Random) -> Opinion | None:
    """His opinion on what the question is about, or None when none fits it.

    With nothing described but himself ("tell me about yourself") the first opinion about him
    alone answers; otherwise the best-covering one, with one more for each person it leaves out.
    """
    table = _table(book)
    you = book.facts.language.you
    unheard = frozenset(query.unknown)
    tokens = query.question.tokens
    strange = frozenset(tokens[at] for at in things(tokens, query.unknown, query.mentions))
    needs = [(n, _weight(n, unheard, strange)) for n in needs_of(query, you, table)]
    needs += _purposed(query, needs, table)
    if not needs:
        return _himself(table, query, you, rng)
    # "why did you sell her spaceship?": a premise to correct, unless an opinion speaks to more
    # of the question than the names in it
    # an opinion of a kind is said only when that kind is asked for
    asked = query.signals & PURPOSES
    fit = [
        o
        for o in table
        if (not strange or _speaks_to(o, needs))
        and (o.entry.purpose not in KINDS or f"@{o.entry.purpose}" in asked)
    ]
    if _reflexive(query, you):  # "tell me something about yourself": his views of himself alone
        fit = [o for o in fit if o.entry.about == (you,)] or fit
    kinds = book.facts.kinds
    # a word no opinion is about ("what do you make of...") says nothing about which one fits
    weighed = [
        (n, w)
        for n, w in needs
        if _named(n) or n.words in strange or any(n.keys & o.subject for o in table)
    ] or needs  # words only his lines use ("do you ever get tired?")
    # equally fitting opinions: the one whose lines say more of the question ("envy") first
    # a kind of view asked for: of equal fits, the most general ("is that fair?")
    kind = any(n.keys <= PURPOSES for n, _ in weighed)
    named = {f"{ENTITY}{i}" for i in query.named}
    scored = sorted(
        (
            (_score(o, weighed), *_tie(o, needs, kind, _others(o, named, kinds)), n, o)
            for n, o in enumerate(fit)
        ),
        key=_best,
    )
    if not scored or scored[0][0] < FITS:
        # "how come you never smile?": nothing he has a view on, nothing false; himself
        plain = not strange and not any(m.ids != {you} for m in query.mentions)
        return _himself(table, query, you, rng) if plain else None
    best = scored[0][-1]
    people = [n for n, _ in weighed if any(kinds.get(k[1:]) in PEOPLE for k in n.keys)]
    if len(people) < 2 or _speaks_to(best, weighed):
        chosen = [best]
    else:  # "what do you make of X and Y?": a line on each
        chosen = []
        for need in people[:MAX_PEOPLE]:
            theirs = next((row[-1] for row in scored if need.keys & row[-1].subject), None)
            if theirs is not None and theirs not in chosen:
                chosen.append(theirs)
        chosen = chosen or [best]
    said = _said(
        tuple(chosen), needs, rng, scored[0][0], _set_aside(query), _weighed(book.facts, query)
    )
    return replace(said, topical=_speaks_to(best, weighed))


def _reflexive(query: Query, you: str | None) -> bool:
    """ "Describe yourself": he is the subject, and nobody else is named."""
    return "yourself" in query.question.tokens and query.named <= {you}


def _himself(
    table: Sequence[_Opinion], query: Query, you: str | None, rng: random.Random
) -> Opinion | None:
    """The first opinion about him alone, for a question put to him about himself."""
    if not query.you and query.named != {you}:
        return None  # "lermontov, why so serious?" is put to him by name
    own = frozenset({f"{ENTITY}{you}"})
    mine = [o for o in table if own <= o.subject and o.entry.purpose == "opinion"]
    return _said(mine[:1], (), rng, HIMSELF) if mine else None


def _speaks_to(opinion: _Opinion, needs: Sequence[tuple[Need, float]]) -> bool:
    """Its subject holds something asked besides a name."""
    return any(n.keys & opinion.subject for n, _ in needs if not _named(n))


def _tie(
    opinion: _Opinion, needs: Sequence[tuple[Need, float]], kind: bool, others: int
) -> tuple[float, float, int]:
    """Between equal fits: of a kind, the most general ("any advice?"); else the one whose
    lines say more of the question ("envy"); then the one about fewer people the question does
    not name (`others`): "what music do you like?" is a theme, not the composer he hired."""
    said = -_said_of(opinion, needs)
    return (len(opinion.subject), said, others) if kind else (said, 0.0, others)


def _said_of(opinion: _Opinion, needs: Sequence[tuple[Need, float]]) -> float:
    return sum(w for n, w in needs if n.keys & opinion.said)


def _others(opinion: _Opinion, named: set[str], kinds: Mapping[str, str]) -> int:
    """How many people its subject is about that the question does not name."""
    return sum(
        1
        for key in opinion.subject - named
        if key.startswith(ENTITY) and kinds.get(key[len(ENTITY) :]) in PEOPLE
    )


def _best(
    row: tuple[float, float, float, int, int, _Opinion],
) -> tuple[float, float, float, int, int]:
    return (-round(row[0], 6), row[1], row[2], row[3], row[4])


def _said(
    chosen: Sequence[_Opinion],
    needs: Sequence[tuple[Need, float]],
    rng: random.Random,
    score: float,
    aside: frozenset[str] = frozenset(),
    weighed: frozenset[str] = frozenset(),
) -> Opinion:
    """One line of each opinion: among those holding the most of the question, any; a line
    naming what the question sets aside ("besides The Red Shoes") only when no other is left.
    Things weighed against each other (`weighed`: "Paris or Monte Carlo?") that the line does
    not speak of get a line each from the same opinion."""
    lines = []
    for held in chosen:
        fits = [
            sum(w for n, w in needs if n.keys & keys) - (SET_ASIDE if keys & aside else 0.0)
            for keys in held.lines
        ]
        top = max(fits)
        picked = rng.choice([i for i, f in enumerate(fits) if f == top])
        lines.append(held.entry.lines[picked])
        told = held.lines[picked]
        for need, _ in needs:
            if need.keys & weighed and need.keys & held.subject and not need.keys & told:
                more = [i for i, keys in enumerate(held.lines) if need.keys & keys and fits[i] >= 0]
                if more:
                    told |= held.lines[more[0]]
                    lines.append(held.entry.lines[more[0]])
    return Opinion(tuple(lines), tuple(o.entry for o in chosen), score)


def _weighed(index: FactIndex, query: Query) -> frozenset[str]:
    """The keys of the words beside "or", "and", "versus" ("Paris or Monte Carlo"): things set
    side by side."""
    tokens = query.question.tokens
    return frozenset().union(
        *(
            _keys(index, tokens[at + side])
            for at, token in enumerate(tokens)
            if token in JOINING
            for side in (-1, 1)
            if 0 <= at + side < len(tokens)
        )
    )
