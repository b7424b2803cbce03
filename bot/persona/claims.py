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

import re
from dataclasses import replace

from bot.lore.factindex import ENTITY, FactIndex, Need
from bot.lore.facts import Fact
from bot.lore.language import words
from bot.lore.lorebook import Lorebook
from bot.lore.mentions import Mention
from bot.persona.asking import Query, understand
from bot.persona.awards import acting, award
from bot.persona.exclusive import exclusive
from bot.persona.memory import Turn
from bot.persona.premise import ARTICLES
from bot.persona.reading import YOU, Question, content
from bot.persona.refuted import STORY, Refuted, entries_named

CLAIMING = frozenset({None, "why", "what happens"})
"""Question words of a statement, a yes-or-no question or "why did...?": what they say of
someone is put forward as so."""
NEAR_WORDS = 3
"""How close a relation word must stand to a name to tie the two."""
CLAIM_WORDS = 4
"""How near a name must stand to a relation word in a question to be the one it is said of."""
KIN_WORDS = 2
"""A relative named after a name: "Vicky's sister", "Vicky's twin sister"."""
CAST = "as"
"""The word casting someone in a part ("so good as Vicky")."""
CAST_WORDS = 6
"""How far before the word casting someone their name may stand ("X's cameo as Y")."""
PASSING = frozenset({"trivia", "quote", "dialogue"})
"""Kinds whose names are things said of the story, not its people: a name the lore knows only
from one of them ("Gene Kelly's ballet") is nobody in its cast."""
TIED = 0.5
"""How well a fact must hold both the person and the relation to say who they are tied to."""


def refute(book: Lorebook, query: Query) -> Refuted | None:
    """The lore's answer to a false claim the question makes about known people, if it makes one
    ("who played X?" or "when did X write it?" asks rather than claims)."""
    index = book.facts
    if _asks(query) not in CLAIMING:  # "where did A and B marry?" still claims they did
        return acting(book, query) or exclusive(index, query) or _relation(book, query)
    return (
        acting(book, query)
        or exclusive(index, query)
        or award(book, query)
        or _casting(index, query)
        or _credit(index, query)
        or _relation(book, query)
    )


def claimed(
    book: Lorebook, question: Question, query: Query, recalled: Turn | None, later: bool
) -> Refuted | None:
    """A false claim the question makes, in its own clause or in a clause around it, which
    states rather than asks ("Since Vicky won the Oscar for it, why...?", "I loved X's cameo
    as Y, how did they get him?")."""
    found = refute(book, query)
    if found is not None or not question.framed:
        return found
    said = tuple(t for t, f in zip(question.tokens, question.framed, strict=True) if f)
    if not (book.facts.language.concepts(said)[0] or CAST in said):
        return None  # no word of the lexicon's, no "as": nothing a claim is made of
    around = replace(question, tokens=said, asks=None, framed=())
    return refute(book, understand(around, book.facts, recalled, carry=later))


def _asks(query: Query) -> str | None:
    """The question word, unless it is only a word of a title the question names ("I Know
    Where I'm Going is in colour, right?" asks nothing)."""
    asks, tokens = query.question.asks, query.question.tokens
    word = asks.split()[0] if asks else ""
    spans = [range(m.start, m.end) for m in query.mentions]
    at = [i for i, t in enumerate(tokens) if t == word]
    return None if at and all(any(i in s for s in spans) for i in at) else asks


def _casting(index: FactIndex, query: Query) -> Refuted | None:
    """ "X played Y", "X was so good as Y", "X's cameo as Y" where the part's `played_by` does
    not hold X: who did, and what X was. X is a person of the lore, or a name it knows only in
    passing or not at all, said before the word that casts it ("as", a word for playing)."""
    cue = _cast_at(index, query)
    parts = [m for m in query.mentions if _parts(index, query, m)]
    if cue is None or len(parts) != 1:
        return None
    (part,) = _parts(index, query, parts[0])
    played = index.stated(part, "played_by")
    if not played:
        return None
    cast = {i for f in played for i in f.about}
    people = entries_named(index, query, {"person"})
    if people:
        roles = [f for p in people for f in index.stated(p, "roles")]
        return None if cast & set(people) else Refuted((*played, *roles))
    said = [m for m in query.mentions if m.end <= cue and index.kinds.get(min(m.ids)) in PASSING]
    named = any(_a_name(query, at) for at in range(max(0, cue - CAST_WORDS), cue - 1))
    return Refuted(tuple(played)) if said or named else None


def _a_name(query: Query, at: int) -> bool:
    """Whether two words make a name the lore never heard of: a first name and a surname
    both strange to it ("audrey hepburn"), or one strange and both written with capitals
    ("Alfred Hitchcock", where the first is also a word of the lore's); "soooo good" is
    neither."""
    pair = query.question.tokens[at : at + 2]
    strange = [t in query.unknown for t in pair]
    if not all(content(t) for t in pair) or not any(strange):
        return False
    capitals = re.compile(rf"\b{pair[0]}\W+{pair[1]}\b", re.IGNORECASE)
    written = (m.group() for m in capitals.finditer(query.question.text))
    return all(strange) or any(w.istitle() for w in written)


def _cast_at(index: FactIndex, query: Query) -> int | None:
    """Where the question casts someone in a part: its word for playing, or "as" before the
    part's name ("so good as Vicky"); None when it does neither."""
    tokens = query.question.tokens
    if any("@played_by" in n.keys for n in query.fields):
        return next((i for i, t in enumerate(tokens) if "@played_by" in _concepts(index, t)), None)
    for mention in query.mentions:
        at = mention.start - 1
        at -= at > 0 and tokens[at] in ARTICLES  # "as the Shoemaker"
        if at >= 0 and tokens[at] == CAST and _parts(index, query, mention):
            return at
    return None


def _credit(index: FactIndex, query: Query) -> Refuted | None:
    """ "X directed W" where W's credit for that role names others: the credit as it stands.
    X is a person of the lore, or words the lore has never heard of before the role's word."""
    roles = {k for n in query.groups for k in n.keys}
    credits = [
        f
        for w in entries_named(index, query, {"work"})
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
    """ "A and B got married", "why did A marry B instead of C?": a tie of the lore's relation
    words that no sentence of the story gives the two named beside the word. Said with the
    ties the story does give them, of that kind or else of any. Only parts of a story: its
    sentences say whom its characters are tied to, while a real person's family is no part of
    a film's record."""
    index = book.facts
    if len(query.relations) != 1:
        return None
    relation = query.relations[0].keys
    places = _beside(index, query, relation)
    if len(places) != 2:
        return None
    people = list(places)
    first, second = people
    if any(second in tied for _, tied in _ties(index, first, relation, near=False)):
        return None
    truth = [f for p in people for f, _ in _ties(index, p, relation)[:1]]
    farther = max(people, key=places.__getitem__)
    if not truth and places[farther] > min(places.values()):
        # "A is B's wife": the one said to be B's is someone else's, A is C's aunt
        others = sorted(index.language.relations - relation)
        tied = (f for r in others for f, _ in _ties(index, farther, frozenset({r})))
        truth = [f for f in (next(tied, None),) if f]
    truth = truth or [f for p in people for f, _ in _ties(index, p, relation, near=False)[:1]]
    return Refuted(tuple(dict.fromkeys(truth)))


def _beside(index: FactIndex, query: Query, relation: frozenset[str]) -> dict[str, int]:
    """The characters the tie is said of, each with its distance from the relation word: with
    two named, both, when each stands near the word ("A and B got married", "you marry her")
    and not a clause away ("did you drop her because she got engaged"); with more, the two
    nearest it ("A married B instead of C" claims a tie of A and B)."""
    tokens = query.question.tokens
    said = [i for i, t in enumerate(tokens) if relation & _concepts(index, t)]
    you = next((i for i, t in enumerate(tokens) if t in YOU), None)
    places: dict[str, int] = {}
    for mention in query.mentions:
        spoken = mention.end > mention.start  # "you" is a mention said nowhere in particular
        first, last = (mention.start, mention.end - 1) if spoken else (you, you)
        if first is None or last is None:
            continue
        away = min((min(abs(first - s), abs(last - s)) for s in said), default=CLAIM_WORDS + 1)
        for person in _parts(index, query, mention):
            places[person] = min(away, places.get(person, away))
    if len(places) > 2:
        nearest = sorted(places, key=places.__getitem__)[:2]
        return {p: places[p] for p in sorted(nearest, key=list(places).index)}
    return places if all(a <= CLAIM_WORDS for a in places.values()) else {}


def kin(book: Lorebook, query: Query) -> Refuted | None:
    """ "What happens to Vicky's sister?" declined: a relative of a character that no sentence of
    the story gives them is named back as one that does not exist ("Vicky's sister")."""
    index = book.facts
    people = [m for m in query.mentions if _parts(index, query, m)]
    if len(query.relations) != 1 or len(people) != 1 or people[0].end == people[0].start:
        return None
    relation, after = query.relations[0].keys, people[0].end
    tokens = query.question.tokens
    word = next(
        (t for t in tokens[after : after + KIN_WORDS] if relation & _concepts(index, t)), ""
    )
    (person,) = _parts(index, query, people[0])
    if not word or _ties(index, person, relation):
        return None
    return Refuted((), f"{book.name_of(person)}'s {word}")


def _parts(index: FactIndex, query: Query, mention: Mention) -> list[str]:
    """The characters one mention of the question names."""
    return entries_named(index, _only(query, mention), {"character"})


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
