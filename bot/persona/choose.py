"""Choosing the facts that answer a question, from the lore's one ranking.

Most questions take the best-ranked fact, with any equally good fact of the same field beside it
(a person who played two parts). Four shapes go one step further, all decided by the query's
own needs rather than by words in code:
- a relation ("Vicky's husband") first finds who is meant, then asks the question of them;
- a name with nothing asked of it ("who is X?") gets the entry's overview, not one sentence;
- "after" / "before" a step of a story answers with the neighbouring step;
- a list or summary request gathers every fact of the best one's field, or every step in order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.lore.factindex import ENTITY, PROSE, FactIndex, Need, Ranked
from bot.lore.facts import Fact
from bot.lore.language import words
from bot.lore.lorebook import Lorebook
from bot.lore.model import BalletScene, Entry, Scene
from bot.lore.worlds import worlds_of
from bot.persona.asking import Query
from bot.persona.listing import MAX_LIST, members, spread, works_named

VAGUE = 0.45
TIE = 0.02
ANSWERS = 0.5
"""The least share of a question a fact must cover for the chat to say it."""
MARGIN = 0.15
TIED_COST = 0.2
"""A best fact tied with another entry's keeps 80% of its score as confidence."""
"""Facts scoring within this of the best, of the same field, are said together."""
MAX_TOGETHER = 4
LISTED = 0.8
"""How sure a list read from a work's own entries is: the lore's structure, not a guess."""
PEOPLE = frozenset({"character", "person"})
OTHER_SPEAKER = 0.3
"""What a line loses when the question names its speaker as someone else."""
PERSON_FIELDS = frozenset({"@played_by", "@born", "@died"})
"""Fields asked of someone described rather than named ("who played the stage-door man")."""
STRUCTURED = frozenset({"played_by", "credit", "award", "born", "died", "year", "running_time"})
OVERVIEW = ("role_in_story", "roles", "summary", "played_by", "born", "died", "year", "credit")


@dataclass(frozen=True)
class Choice:
    """The facts to say, how sure the ranking is, and what they were about."""

    facts: tuple[Fact, ...]
    confidence: float
    focus: tuple[str, ...]
    steps: tuple[Entry, ...] = ()
    """Whole steps of a story to tell in order (a neighbour, a sequence), summary and all."""
    covered: float | None = None
    """How much of the question the best fact covers, when the confidence also weighs a tie
    with another entry; under half covered, the chat declines."""

    @property
    def answers(self) -> bool:
        return (self.confidence if self.covered is None else self.covered) >= ANSWERS


def choose(book: Lorebook, query: Query) -> Choice | None:
    """The facts answering `query`, from the works it stays within; when it only leaned on the
    conversation's work and that holds no answer, from the whole lore."""
    choice = _choose(book, query)
    if query.within and not query.strict and not (choice and choice.answers):
        return _choose(book, replace(query, within=frozenset()))
    return choice


def _choose(book: Lorebook, query: Query) -> Choice | None:
    index = book.facts
    if query.relations and query.mentions:
        return _by_relation(index, query)
    listed = _members(book, index, query)
    if listed is not None:
        return listed
    ranked = _spoken_by(index, query, _rank(index, query.needs, query.within))
    if not ranked:  # "summarise the plot": the first story the lore tells
        bare = "@list" in query.signals and not (query.unknown or query.terms)
        return _told_in_order(_story_of(book, query) if bare else [], ANSWERS, query)
    best = ranked[0]
    asks_of_a_person = {k for n in query.fields for k in n.keys} <= PERSON_FIELDS
    if best.score < 0.5 and query.fields and asks_of_a_person and len(query.described) > 1:
        hopped = _by_relation(index, query)
        if hopped and hopped.confidence > best.score:
            return hopped
    if "@after" in query.signals or "@before" in query.signals:
        anchor = query.step or best.fact.entry
        step = _neighbour(book, anchor, "@after" in query.signals, query.named)
        if step is not None:
            return Choice((), best.score, (step.id,), (step,))
    story = _story_of(book, query) if _asks_story(query) else []
    if story:  # "what happens in the ballet?": its steps in order, not one sentence
        return _told_in_order(story, max(best.score, ANSWERS), query)
    ending = () if "@list" in query.signals else _ending(book, best.fact)
    if ending:  # "how does it end?": the climax and the close, not the curtain alone
        return Choice((), best.score, (ending[0].id,), ending)
    if "@list" in query.signals:
        listed = _listed(book, index, query, best)
        if listed is not None:
            return listed
    if _vague(query):
        best = replace(best, score=min(best.score, VAGUE))
    if query.asks_only_who and not query.signals & {"@after", "@before"}:
        # "what happens to Julian?": his overview, even when another entry's sentence names him;
        # "what does X do after Y?" asks for the moment the best fact tells, not an overview
        named = sorted(query.named)
        entry = best.fact.entry if best.fact.entry in query.named else named[0]
        if len(named) == 1 or entry == best.fact.entry:
            return _overview(index, entry, best.score, best.fact)
    together = [
        r.fact
        for r in ranked
        if r.score >= best.score - TIE
        and r.fact.field == best.fact.field
        and best.fact.field in STRUCTURED
        and (r.fact.entry == best.fact.entry or set(r.fact.about) & set(best.fact.about))
    ][:MAX_TOGETHER] or [best.fact]
    if "@compare" in query.signals and best.fact.field in PROSE:
        together = _told_on(index, best.fact)
    sure = _sure(best, ranked, together)
    return Choice(tuple(together), sure, _focus(together), covered=best.score)


def _told_on(index: FactIndex, fact: Fact) -> list[Fact]:
    """A sentence of prose with the ones after it: a comparison is told over several sentences
    ("The ballet keeps the shoes... There is no executioner... Instead a Shoemaker...")."""
    own = [f for f in index.of_entry(fact.entry) if f.field == fact.field]
    return own[own.index(fact) :][:MAX_TOGETHER] if fact in own else [fact]


def _spoken_by(index: FactIndex, query: Query, ranked: list[Ranked]) -> list[Ranked]:
    """ "What does X say about Y?": X, the first person named, is the speaker, so another's
    line about X answers less well than X's own (a line names its speaker first)."""
    if not any("@line" in n.keys for n in query.fields):
        return ranked
    said = [m for m in query.mentions if m.end > m.start]  # not "you" or a pronoun's referent
    people = [m for m in said if any(index.kinds.get(i) in PEOPLE for i in m.ids)]
    if len(people) < 2:
        return ranked
    speaker = min(people, key=lambda m: m.start).ids
    others = [r.fact.field == "line" and speaker.isdisjoint(r.fact.about) for r in ranked]
    if not any(others):
        return ranked
    ranked = [
        replace(r, score=r.score * (1 - OTHER_SPEAKER)) if other else r
        for r, other in zip(ranked, others, strict=True)
    ]
    return sorted(ranked, key=lambda r: -r.score)


def _sure(best: Ranked, ranked: Sequence[Ranked], said: Sequence[Fact]) -> float:
    """The best score, less when another entry's fact scores as well: a tie between two
    entries is a guess between them, and the confidence says so."""
    entries = {f.entry for f in said}
    rival = next((r.score for r in ranked if r.fact.entry not in entries), 0.0)
    margin = min(1.0, max(0.0, best.score - rival) / MARGIN)
    return best.score * (1 - TIED_COST * (1 - margin))


def _vague(query: Query) -> bool:
    """Names nothing and uses a single word of the lore ("the meaning of life"): one shared
    word is a coincidence, not an answer."""
    specific = query.mentions or query.fields or query.groups or query.relations
    return not specific and len(query.terms) < 2


def _rank(
    index: FactIndex, needs: Sequence[Need], within: frozenset[str], limit: int = 12
) -> list[Ranked]:
    """The ranking without opinions, and only of the given works' entries when there are any."""
    if not within:
        return index.rank(needs, keep=lambda f: f.field != "opinion", limit=limit)
    entries = worlds_of(index).within(within)
    return index.rank(
        needs, keep=lambda f: f.field != "opinion" and f.entry in entries, limit=limit
    )


def _focus(facts: Sequence[Fact]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(i for f in facts for i in (f.entry, *f.about)))


def _by_relation(index: FactIndex, query: Query) -> Choice | None:
    """Who the question describes ("Vicky's husband": someone the lore says married Vicky),
    then, if it asks something of them ("who played ..."), that.

    The fact must say both itself: it names the person asked about (or is theirs) and names
    someone else of the same kind, who is the answer."""
    described = _rank(index, query.described, query.within, limit=8)
    named = query.named
    kinds = {index.kinds.get(i) for i in named} & PEOPLE or PEOPLE
    # A fact that is the described person's own ("Lady Neston: Vicky's aunt") says it best.
    described.sort(
        key=lambda r: (
            -round(r.score, 1),
            r.fact.entry in named or index.kinds.get(r.fact.entry) not in PEOPLE,
        )
    )
    for ranked in described:
        if ranked.score < 0.5:
            break
        fact = ranked.fact
        said = {fact.entry, *index.named_in(words(fact.text))}
        if any(not (m.ids & said) for m in query.mentions):
            continue
        # described by a tie to someone named, the one meant is another person the fact names;
        # described by nothing but words ("the pilot who jumps"), the fact's own subject
        told = [fact.entry, *index.named_in(words(fact.text))] if named else [fact.entry]
        others = [i for i in dict.fromkeys(told) if i not in named and index.kinds.get(i) in kinds]
        if not others:
            continue
        who = others[0]
        if not query.fields:
            own = index.of_entry(who)
            facts = [f for field in OVERVIEW[:3] for f in own if f.field == field][:1]
            return Choice((*facts, fact), ranked.score, (who,))
        asked = (Need(frozenset({f"{ENTITY}{who}"}), 0.95), *query.fields, *_asked(query))
        answer = _rank(index, asked, query.within, limit=1)
        if answer and answer[0].score >= 0.5:
            confidence = min(ranked.score, answer[0].score)
            return Choice((answer[0].fact, fact), confidence, (who,))
    return None


def _asked(query: Query) -> tuple[Need, ...]:
    return tuple(n for n in query.needs if any(k.startswith("?") for k in n.keys))


def _overview(index: FactIndex, entry: str, score: float, best: Fact) -> Choice:
    """An entry told in a few sentences: who or what it is, then its key fields."""
    own = index.of_entry(entry)
    facts = [f for field in OVERVIEW for f in own if f.field == field]
    return Choice(tuple(facts[:6]) or (best,), score, (entry,))


def _ending(book: Lorebook, fact: Fact) -> tuple[Entry, ...]:
    """The last two steps of a story, when the best fact is the one saying which step is its
    last (`order`): an ending told by its final step alone leaves out how it came to it."""
    if fact.field != "order":
        return ()
    steps = _ordered(book, fact.entry)
    return tuple(steps[-2:]) if len(steps) > 1 and steps[-1].id == fact.entry else ()


def _ordered(book: Lorebook, entry_id: str) -> list[Entry]:
    """The steps of the work this step belongs to, in order (none for other entries)."""
    entry = book.get(entry_id)
    if not isinstance(entry, Scene | BalletScene):
        return []
    return list(book.sequence(entry.kind, entry.work))


def _story_of(book: Lorebook, query: Query) -> list[Entry]:
    """The story of the work the question names; naming nothing (or only him, "can you give
    me a synopsis?"), the first story the lore tells."""
    named = query.named - {book.facts.language.you}
    works = [i for i in named if book.get(i) is not None] or ([] if named else [""])
    for kind in ("scene", "ballet_scene"):
        for work in book.sequence_works(kind):
            if work in works or works == [""]:
                return list(book.sequence(kind, work))
    return []


def _asks_story(query: Query) -> bool:
    """ "What happens in X?" with a work named and nothing else asked of it."""
    asked = query.fields or query.relations or query.groups or query.terms or query.unknown
    return query.question.asks == "what happens" and bool(query.mentions) and not asked


def _told_in_order(steps: Sequence[Entry], score: float, query: Query) -> Choice | None:
    """A story's steps in order, as many as asked ("in five sentences"), first to last."""
    told = spread(steps, query.question.size)
    return Choice((), score, (told[0].id,), tuple(told)) if told else None


def _members(book: Lorebook, index: FactIndex, query: Query) -> Choice | None:
    """A field asked of a whole work ("list the cast", "who starred in it?", "who dances what
    in the ballet?"): that field of every entry of the work, in the lore's order. Asked of
    someone in particular ("who played her?"), or with more said ("who directed it?"), it is
    no list."""
    fields = frozenset(k[1:] for n in query.fields for k in n.keys if k.startswith("@"))
    if not fields:
        return None
    works = works_named(index, query.named)
    listing = "@list" in query.signals
    addressed = {index.language.you} if query.you and listing else set()  # "can you list..."
    others = query.named - set(works) - addressed
    plain = not (query.terms or query.groups or query.relations or query.unknown or others)
    if not listing and not (plain and query.question.asks in {"who", "which", None}):
        return None
    default = book.first_work("scene")
    facts = members(index, fields, works or [default])[: query.question.size]
    if len(facts) < (1 if works else 2):
        return None
    return Choice(tuple(facts), LISTED, _focus(facts))


def _neighbour(book: Lorebook, entry_id: str, after: bool, named: frozenset[str]) -> Entry | None:
    """The step after (or before) this one: the nearest that the people the question names
    take part in ("what does he do after that?"), else the very next one."""
    steps = _ordered(book, entry_id)
    if not steps:
        return None
    at = [s.id for s in steps].index(entry_id)
    following = steps[at + 1 :] if after else steps[:at][::-1]
    theirs = (s for s in following if named & set(getattr(s, "characters", ())))
    return next(theirs, following[0] if following else None)


def _listed(book: Lorebook, index: FactIndex, query: Query, best: Ranked) -> Choice | None:
    """Every step of a story in order, or every fact of the best fact's field and subject.

    The story is the best fact's own, else that of a work the question names, else (naming
    nothing) the first story the lore tells."""
    steps = _ordered(book, best.fact.entry) or _story_of(book, query)
    if steps:
        return _told_in_order(steps, max(best.score, ANSWERS), query)
    plain = tuple(n for n in query.needs if n.keys.isdisjoint({"@list"}))
    same = [
        r.fact
        for r in _rank(index, plain, query.within, limit=MAX_LIST * 2)
        if r.fact.field == best.fact.field and r.score >= best.score - 0.2
    ][:MAX_LIST]
    if len(same) < 2:
        return None
    return Choice(tuple(same), best.score, _focus(same))
