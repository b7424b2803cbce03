"""What a question needs from the lore: the entries it names, the concepts and words it uses.

The result is a `Query` of `Need`s that the lore's fact index ranks facts against (see
`bot.lore.factindex`). Names are found first (whole names, then a distinctive or misspelt word of
one), then the lexicon's phrases, then the remaining words; "you" is the persona's own character,
"he" or "it" the last answer's subject, and "and Julian?" borrows the last question's ask.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.lore.factindex import ENTITY, NEAR, FactIndex, Need
from bot.lore.language import stem
from bot.lore.mentions import PLAIN, WHOLE, Mention
from bot.lore.worlds import works_named, worlds_of
from bot.persona.memory import Turn
from bot.persona.reading import (
    PEOPLE_PRONOUNS,
    POINTING,
    PRONOUNS,
    STOP_WORDS,
    YOU,
    Question,
    content,
)
from bot.persona.referents import TALK, referents

GRAMMAR = STOP_WORDS | YOU
ASKED_WEIGHT = 0.35
MEASURED = frozenset({"when", "how long", "how many", "how old"})
MEASURED_WEIGHT = 0.6
"""A date, a length, a count or an age is the answer itself: a fact without one is no answer."""
MENTION_FLOOR = 0.25
"""A name weighs like a rare word, and more: an entry named in many facts ("the ballet") is
the setting of a question more often than its subject."""
"""What a fact that does not answer the question word ("when" without a date) loses."""
ASKS_BY_FACT = frozenset(
    {"who", "when", "where", "why", "how long", "how many", "how old", "what happens"}
)
AROUND = 0.1
"""What a word of a clause around the question weighs, against its own weight: a hint."""
STEPS = frozenset({"scene", "ballet_scene"})
"""Kinds that are steps of a story, told in order."""
BACK = frozenset({"that", "this", "it", "then", "next", "afterwards"})
"""Words pointing back at the last thing said ("and after that?", "what happens next?")."""


@dataclass(frozen=True)
class Query:
    question: Question
    needs: tuple[Need, ...]
    mentions: tuple[Mention, ...]
    you: bool
    signals: frozenset[str]
    fields: tuple[Need, ...]
    relations: tuple[Need, ...]
    groups: tuple[Need, ...]
    described: tuple[Need, ...]
    """Needs that say which thing is meant (names, relations, words), not what to tell of it."""
    unknown: tuple[str, ...]
    terms: tuple[str, ...]
    feeling: tuple[Need, ...] = ()
    """Words that only signal a mood ("regret", "miss"): no fact's subject, but an opinion's."""
    within: frozenset[str] = frozenset()
    """The works the answer must come from (none: any); `strict` when the question names one
    of them, else they are only the conversation's and the whole lore is tried after them."""
    strict: bool = False
    step: str | None = None
    """The recalled step of a story that "after that" or "what next" counts from."""

    def eased(self) -> Query:
        """The same question with the words the lore lacks made ordinary: when they name no
        thing ("from scratch", "an actual dancer"), what the rest asks may still be answered."""
        strange = set(self.unknown)

        def ease(needs: tuple[Need, ...]) -> tuple[Need, ...]:
            return tuple(replace(n, hard=False) if n.words in strange else n for n in needs)

        return replace(self, needs=ease(self.needs), described=ease(self.described), unknown=())

    @property
    def nobody(self) -> bool:
        """Says "he" or "her" with nobody named or remembered for it to mean; in a list ("list
        the cast and who they play") "they" are the ones listed."""
        pointing = PEOPLE_PRONOUNS & POINTING
        listing = "@list" in self.signals
        return not (self.mentions or listing) and any(t in pointing for t in self.question.tokens)

    @property
    def named(self) -> frozenset[str]:
        return frozenset(i for m in self.mentions for i in m.ids)

    @property
    def asks_only_who(self) -> bool:
        """Names something and asks nothing in particular of it: "who is X", "tell me about X"."""
        return (
            bool(self.mentions)
            and self.question.asks in {None, "who", "what", "what happens"}
            and not (self.fields or self.relations or self.groups or self.terms or self.unknown)
        )


def understand(
    question: Question,
    index: FactIndex,
    recalled: Turn | None,
    lean: bool = False,
    carry: bool = False,
) -> Query:
    """The needs of one question, leaning on the recalled turn for pronouns and "and X?"; with
    `lean`, a question naming nobody ("when was it published?", "who got the one for the
    music?") is taken to be about the recalled turn's subject. With `carry` (a later question
    of the same message) "he" or "she" means the recalled subject even beside another name: in
    "who played Lady X and how is she related to Vicky?", "she" is not Vicky.

    Clauses around the question ("Quick one: who played X, the one before Y?") describe what
    it is about. When the clause holding the question word says enough by itself, the question
    is its words and the names said before it ("In X, who ..."); the other words only help tell
    apart the facts that answer it: a word of a preamble the lore lacks, or a name in a
    description after the question, never blocks one."""
    if question.framed:
        start = question.framed.index(False)
        before = index.mentions(question.tokens[:start], partial=True, plain=True)
        setting = {i for m in before for i in range(m.start, m.end)}
        own = [not f or i in setting for i, f in enumerate(question.framed)]
        inner = _understood(_words(question, own), index, recalled, lean, carry)
        around = _described_by(question, [not o for o in own], index)
        if around is not None and _says_enough(inner, index.language.you):
            needs, signals = around  # "..., like step by step": how to tell it still counts
            return replace(inner, needs=(*inner.needs, *needs), signals=inner.signals | signals)
    return _understood(replace(question, framed=()), index, recalled, lean, carry)


def _words(question: Question, kept: Sequence[bool]) -> Question:
    said = tuple(t for t, keep in zip(question.tokens, kept, strict=True) if keep)
    return replace(question, tokens=said, framed=())


def _says_enough(query: Query, you: str | None) -> bool:
    """The question's own clause names what it asks about (a thing of the lore or a field,
    not only him: "which do you prefer, solitude or company?" asks of the clause after it),
    with no pronoun pointing into the clauses around it ("lady neston - who played her?",
    "the ballet - when was it made?")."""
    named = any(m.ids != {you} for m in query.mentions)
    # "it" beside a name of its own is the place or the thing asked about ("where does Vicky
    # die, is it at the theatre?"); a person's pronoun, or "it" alone, points outside
    pointers = PEOPLE_PRONOUNS & POINTING if named else POINTING
    pointing = any(t in pointers for t in query.question.tokens)
    return (named or bool(query.fields or query.groups)) and not pointing


def _described_by(
    question: Question, around: Sequence[bool], index: FactIndex
) -> tuple[tuple[Need, ...], frozenset[str]] | None:
    """Light needs for the words of the clauses `around` a question (a fact holding them is
    preferred, a fact lacking them loses almost nothing), and the signals they give.

    None when the clauses are not a description: nothing but names ("who played Vicky,
    Julian and Lermontov?" lists what is asked of), or, after the question, a word the lore
    has never heard of ("the plot of X, the 1952 sequel": a premise to answer, not a hint)."""
    start = around.index(False)
    positions = [i for i, a in enumerate(around) if a]
    tokens = [question.tokens[i] for i in positions]
    mentions = index.mentions(tokens, partial=True, plain=True)
    named = {i for m in mentions for i in range(m.start, m.end)}
    plain = [(positions[i], t) for i, t in enumerate(tokens) if i not in named and content(t)]
    if mentions and not plain:
        return None
    if any(at > start and not index.known(t) and not index.correct(t) for at, t in plain):
        return None
    needs = [
        Need(frozenset(f"{ENTITY}{i}" for i in m.ids), AROUND * m.weight, hard=False)
        for m in mentions
    ]
    needs += [
        Need(frozenset({stem(t)}), AROUND * index.weight(stem(t)), t, hard=False) for _, t in plain
    ]
    signals = frozenset(index.language.concepts(tokens)[0]) & TALK
    return tuple(needs), signals


def _understood(
    question: Question,
    index: FactIndex,
    recalled: Turn | None,
    lean: bool = False,
    carry: bool = False,
) -> Query:
    tokens = list(question.tokens)
    mentions = index.mentions(tokens, partial=False, plain=True)
    # a word used plainly ("where did it premiere") is the lexicon's as well as a name's
    sure = [m for m in mentions if m.weight > PLAIN]
    used = [any(m.start <= i < m.end for m in sure) for i in range(len(tokens))]
    concepts, by_phrase = index.language.concepts(
        [t if not u else "" for t, u in zip(tokens, used, strict=True)]
    )

    used = [u or p for u, p in zip(used, by_phrase, strict=True)]
    plain = [u or not content(t) for t, u in zip(tokens, used, strict=True)]
    mentions += index.mentions(tokens, partial=True, skip=plain, plain=True)
    mentions = _in_talk(index, mentions, recalled)
    for mention in mentions:
        used[mention.start : mention.end] = [True] * (mention.end - mention.start)
    mentions = list({m.ids: m for m in reversed(mentions)}.values())[::-1]
    you = index.language.you
    addressed = you is not None and any(t in YOU for t in tokens)
    if addressed and you is not None:
        mentions.append(Mention(0, 0, frozenset({you}), 0.9))
    points_back = question.follows_on or bool(set(tokens) & (PRONOUNS | BACK))
    said = {stem(t) for t in tokens} | set(concepts)
    within, strict = _within(index, mentions, recalled, points_back, said)
    step = _step(tokens, mentions, recalled, index)
    if recalled:
        mentions += referents(tokens, recalled, index, mentions, lean, carry)
    terms, unknown, term_needs = [], [], []
    for token, taken in zip(tokens, used, strict=True):
        if taken or not content(token):
            continue
        word = token if index.known(token) else index.correct(token)
        word = word if word is None or content(word) else None  # "cameo" is not "came"
        if word is None:
            unknown.append(token)
            term_needs.append(Need(frozenset({stem(token)}), index.weight(stem(token)), token))
        else:
            terms.append(stem(word))
            weight = index.weight(stem(word))
            term_needs.append(Need(frozenset({stem(word)}), weight, token, hard=False))
    signals = frozenset(c for c in concepts if c in TALK)
    feeling = tuple(
        Need(frozenset({stem(t)}), index.weight(stem(t)), t, hard=False)
        for t, p in zip(tokens, by_phrase, strict=True)
        if p and t not in GRAMMAR and set(index.language.concepts([t])[0]) <= TALK
    )
    fields = tuple(
        Need(frozenset({c}), max(0.5, index.weight(c)), c, near=frozenset(stem(w) for w in said))
        for c, said in sorted(concepts.items())
        if c.startswith("@") and c not in signals and index.field_answers(c, question.asks)
    )
    # "where did it premiere?": a field whose facts never answer the question word (a year,
    # for "where") asks nothing of its own; its words are ordinary words of the question
    term_needs += [
        Need(frozenset({stem(w)}), index.weight(stem(w)), w, hard=False)
        for c, said in sorted(concepts.items())
        if c.startswith("@") and c not in signals and not index.field_answers(c, question.asks)
        for w in said
    ]
    relations = tuple(
        Need(frozenset({c}), max(0.6, index.weight(c)), c)
        for c in sorted(set(concepts) & index.language.relations)
    )
    groups = tuple(
        Need(frozenset({c}), max(0.6, index.weight(c)), c, hard=False)
        for c in sorted(set(concepts) - index.language.relations)
        if c.startswith("~")
    )
    # "who is Livy in the film?": words naming what a named entry is, or the work it is in,
    # set the scene; they ask nothing of it
    setting = index.setting_of(i for m in mentions for i in m.ids)
    groups = tuple(g for g in groups if not g.keys <= setting)
    term_needs = [n for n in term_needs if n.hard or not n.keys <= setting]
    terms = [t for t in terms if t not in setting]
    if groups and (question.asks == "who" or not (fields or term_needs)):
        # "who directed X?", "who wrote the songs?": a role asked for is the point, and a fact
        # naming none of the roles the question uses is no answer; so is the one thing asked
        # of a name ("was Vicky based on anyone?"), not only a word a fact may lack
        roles = frozenset(k for g in groups for k in g.keys)
        groups += (Need(roles, max(g.weight for g in groups), " ".join(sorted(roles))),)
    named = tuple(
        Need(
            frozenset(f"{ENTITY}{i}" for i in m.ids),
            min(m.weight, max(index.weight(f"{ENTITY}{i}") for i in m.ids) + MENTION_FLOOR),
            near=frozenset(f"{NEAR}{i}" for i in m.ids)
            | {stem(t) for t in tokens[m.start : m.end] if content(t)},
        )
        for m in mentions
    )
    asks = question.asks
    asked: tuple[Need, ...] = ()
    if asks in MEASURED:
        asked = (Need(frozenset({f"?{asks}"}), MEASURED_WEIGHT, asks),)
    elif asks in ASKS_BY_FACT:
        asked = (Need(frozenset({f"?{asks}"}), ASKED_WEIGHT, asks, hard=False),)
    if recalled and _leans_on(question, fields, groups, term_needs, mentions):
        fields = fields or recalled.fields
        groups = groups or recalled.groups
        asked = asked or recalled.asked
    elif recalled and question.elliptical and not fields:
        # "what about the art direction then?" after "did he get an oscar for it?": the
        # same ask, of the thing it names now
        fields, asked = recalled.fields, asked or recalled.asked
    described = (*named, *relations, *groups, *term_needs)
    return Query(
        question=question,
        needs=(*described, *fields, *asked),
        mentions=tuple(mentions),
        you=addressed,
        signals=signals,
        fields=fields,
        relations=relations,
        groups=groups,
        described=described,
        unknown=tuple(unknown),
        terms=tuple(terms),
        feeling=feeling,
        within=within,
        strict=strict,
        step=step,
    )


def _step(
    tokens: list[str], mentions: list[Mention], recalled: Turn | None, index: FactIndex
) -> str | None:
    """The last answer's step of a story, when the question points back at it ("after that",
    "what happens next?") and names no step of its own."""
    if recalled is None or not BACK & set(tokens):
        return None
    if any(index.kinds.get(i) in STEPS for m in mentions if m.weight > PLAIN for i in m.ids):
        return None
    return next((i for i in recalled.focus if index.kinds.get(i) in STEPS), None)


def _in_talk(index: FactIndex, mentions: list[Mention], recalled: Turn | None) -> list[Mention]:
    """With another film named by its whole name, or talked about, a word of a name from
    elsewhere is a plain word: "a girl in <that film>" is no mention of the shipped ballet's
    part called The Girl, and "and in America?" after that film's release none of the shipped
    film's entry titled for its American release. Only a whole name leaves the film."""
    worlds = worlds_of(index)
    whole = [m for m in mentions if m.weight >= WHOLE]
    named = works_named(worlds, (i for m in whole for i in m.ids))
    talk = frozenset().union(*(worlds.family(w) for w in named))
    if not named:
        talk = recalled.world if recalled is not None else frozenset()
    if not talk or not all(worlds.foreign(w) for w in talk):
        return mentions
    inside = worlds.within(talk) | {index.language.you}
    return [m for m in mentions if m.weight >= WHOLE or m.ids & inside]


def _within(
    index: FactIndex,
    mentions: list[Mention],
    recalled: Turn | None,
    points_back: bool,
    said: set[str],
) -> tuple[frozenset[str], bool]:
    """The works a question stays within: another film's, when it names that film or one of
    its entries (and nothing of another work); else the works the conversation is about."""
    worlds = worlds_of(index)
    you = index.language.you
    named = works_named(worlds, (i for m in mentions if m.weight > PLAIN for i in m.ids - {you}))
    families = {worlds.family(w) for w in named}
    if len(families) == 1 and all(worlds.foreign(w) for w in named):
        return families.pop(), True
    # another film's talk goes on until a question names something else; the ballet's only
    # while the question points back at it ("and who takes them off her?")
    talk = recalled.world if recalled is not None else frozenset()
    if not named and talk and (points_back or any(worlds.foreign(w) for w in talk)):
        # "...how the movie ends, compare them": a word for another work leaves the talk
        own = index.setting_of(talk)
        if not any(said & (index.setting_of([w]) - own) for w in worlds.works - talk):
            return talk, False
    return frozenset(), False


def _leans_on(
    question: Question,
    fields: tuple[Need, ...],
    groups: tuple[Need, ...],
    terms: list[Need],
    mentions: list[Mention],
) -> bool:
    """ "and Julian?", "what about the shoemaker": a name and nothing asked of it."""
    if fields or groups or terms:
        return False
    return bool(mentions) and (question.follows_on or question.asks is None)
