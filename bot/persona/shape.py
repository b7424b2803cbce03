"""The shape of a question in plain English, where it tells whom the question is put to or what
kind of answer it wants: a yes-or-no question of judgement ("can a dancer marry and still be
great?"), the member's own news or an address with nothing asked ("i just joined a company",
"boris, be honest..."), an experience asked of him without "you" ("how did it feel when...").

Only grammar words live here; `bot.persona.chat` routes on them.
"""

from __future__ import annotations

from bot.lore.factindex import ENTITY
from bot.persona.asking import Query
from bot.persona.opinions import PURPOSES, SURE
from bot.persona.reading import FILLERS, content

VIEW = frozenset({"@opinion"}) | PURPOSES
"""Signals of a question asking for a view: put to him even when it names him."""

MODALS = frozenset("can could should would must may might".split())
YES_NO = MODALS | frozenset("will is are was were".split())
OPENERS = FILLERS
"""Words before the verb of a question ("honestly, is...")."""
FRAME = "be"
"""An imperative before the question ("be honest, was he...", "be real, is it...")."""
EXPERIENCE = (
    ("it", "feel"),
    ("it", "felt"),
    ("it", "like"),
    ("like", "to", "work"),
    ("like", "working"),
)
"""How an experience is asked of the one spoken to without "you": "how did it feel when...",
"what was it like to...", "what is he like to work with?"."""
JUDGING = frozenset(
    "seems seem sounds sound looks look feels that that's so too quite pretty".split()
)
"""Openers of a remark judging what was just said ("seems harsh", "sounds cruel", "so cold")."""
TRUTH = frozenset("right true correct fair wrong accurate so".split())
"""What a bare yes-or-no question asks of a claim just put ("is he right?", "is that true?")."""
PAST = frozenset({"did", "was", "were", "had", "would"})
"""Words of a question about a past event ("why did you...?"), not a standing reason."""
MEMBER = frozenset({"i", "my"})
REQUESTS = frozenset("tell explain describe show give list name summarise summarize".split())
"""Verbs that open a request ("tell me about...") rather than a remark."""


def opener(query: Query) -> str:
    """The question's first word that is not a frame ("honestly", "be honest")."""
    tokens = query.question.tokens
    framed = tokens[2:] if tokens[:1] == (FRAME,) else tokens
    return next((t for t in framed if t not in OPENERS), "")


def yes_no(query: Query) -> bool:
    return query.question.asks is None and opener(query) in YES_NO


def judgement(query: Query) -> bool:
    """ "Can a dancer marry and still be great?": what may or should be, which no fact settles."""
    return query.question.asks is None and opener(query) in MODALS


def aside(query: Query, you: str | None) -> bool:
    """Nothing asked: the member's news ("i just joined a company") or only his name ("boris,
    be honest..."), beside a question of the same message. News naming the lore ("i read
    something about Korda") still says what the member wants to hear about."""
    question = query.question
    if question.asks or "?" in question.text:
        return False
    himself = frozenset({f"{ENTITY}{you}"})
    others = any(m.ids != {you} for m in query.mentions)
    news = question.tokens[:1] in {(w,) for w in MEMBER} and not others
    return news or all(n.keys == himself for n in query.described)


def comment(query: Query) -> bool:
    """A remark of the member's own ("Livy seems nice.", "Julian deserved better"): no question
    and no fact asked for, not their news about themselves."""
    question = query.question
    first = question.tokens[:1]
    asked = question.asks or "?" in question.text or query.fields or query.relations
    # "<a name the lore lacks> was so good as Vicky" is a premise to correct, not a remark
    strange = len(query.unknown) > 1 or question.tokens[:1] == query.unknown[:1]
    if asked or (query.unknown and strange):
        return False
    return opener(query) not in YES_NO and not set(first) & (MEMBER | REQUESTS)


def addressed(query: Query, you: str | None) -> bool:
    """ "Lermontov, why so serious?", "why so serious, boris?": his name said where one calls
    someone (first, after any opener, or last), not as the subject of a question about him
    ("how does Lermontov react?", "why was he annoyed?") nor in one that asks his view of
    himself ("what does Lermontov think of her?")."""
    tokens = query.question.tokens
    first = next((at for at, t in enumerate(tokens) if t not in OPENERS), len(tokens))
    called = any(
        m.end > m.start and (m.start <= first or m.end == len(tokens))
        for m in query.mentions
        if m.ids == {you}
    )
    return query.named == {you} and (called or bool(query.signals & VIEW))


def experienced(query: Query) -> bool:
    """ "What was it like...?", "how did it feel when she left?": put to him, though no "you"."""
    tokens = query.question.tokens
    return query.question.asks in {"what", "how"} and any(
        tokens[at : at + len(words)] == words for words in EXPERIENCE for at in range(len(tokens))
    )


def past(query: Query) -> bool:
    """ "Why did you let her go?", "why would you not let her dance it?" ask of an event;
    "why do you make ballets?" asks his mind."""
    return bool(PAST & set(query.question.tokens))


def judging(query: Query) -> bool:
    """ "Why did you let her go? Seems harsh": a verdict on what he did, which his view of it
    meets; not the member's news ("i just joined a company") nor a call ("anyone home"), nor
    anything naming the lore for sure or asking a fact of it ("sounds" is not a title)."""
    named = any(m.weight >= SURE for m in query.mentions)
    asked = named or query.fields or query.groups
    return opener(query) in JUDGING and not asked


def echoing(query: Query) -> bool:
    """ "Julian says you have no heart. Is he right?": a yes-or-no question of nothing but
    whether a claim is true, after the claim itself; the answer to the claim answers it."""
    said = [t for t in query.question.tokens if content(t)]
    named = any(m.weight >= SURE and m.end > m.start for m in query.mentions)
    return yes_no(query) and set(said) <= TRUTH and not (named or query.fields)
