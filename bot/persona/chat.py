"""Lermontov answers a chat message from the lore, and only from the lore.

`Answerer.answer(book, text, channel)` splits the message into its questions and answers each:
a line of a replayed dialogue gets the next line; small talk, attempts to change who he is and
insults get a persona line; a question put to him about himself finds his opinion (persona lore);
anything else is matched against the lore's facts (`bot.persona.choose`). The ranking's score is
the reply's confidence (less when another entry's fact ties); when the best fact covers under half
of the question he declines in character instead of offering the nearest entry, and names the
words the lore has never heard of. Every fact carries its entry's id
into `sources`; a decline carries none.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, replace

from bot.lore.factindex import Need
from bot.lore.facts import Fact
from bot.lore.lorebook import Lorebook
from bot.lore.model import PersonaPurpose
from bot.lore.worlds import worlds_of
from bot.persona.asking import Query, understand
from bot.persona.choose import ANSWERS, Choice, choose
from bot.persona.claims import claimed, kin
from bot.persona.leaning import lean
from bot.persona.memory import ConversationMemory, Turn
from bot.persona.minded import backs, beats, muses, of_him, only_about, why_you
from bot.persona.opinions import Opinion, opinion
from bot.persona.ordering import items, placed, told, unplaced
from bot.persona.premised import mentions_lore, premised
from bot.persona.reading import Question, read, tokens
from bot.persona.refuted import Refuted
from bot.persona.shape import (
    VIEW,
    addressed,
    aside,
    comment,
    echoing,
    experienced,
    judging,
)
from bot.persona.voice import fact_text, said, steps_text
from bot.persona.whole import Asked, Part, questions, together

ECHO = 88.0
"""How close a message must be to a line of dialogue to count as saying it (rapidfuzz ratio)."""
PEOPLE = frozenset({"character", "person"})
REMEMBERED = 8
"""People a conversation keeps for "she" (the latest first)."""
SMALL_TALK: tuple[tuple[str, PersonaPurpose], ...] = (
    ("@wellbeing", "wellbeing"),
    ("@compliment", "compliment"),
    ("@sign_off", "sign_off"),
    ("@thanks", "thanks"),
    ("@greeting", "greeting"),
)
"""Small talk, the most particular first: "thanks, bye!" is a goodbye."""
REFUTED = 0.8
"""A claim set straight by the lore's own fields is as sure as the fields."""
CHATTER = 2
"""Small talk may carry a few words of its own ("gm everyone", "ty that was helpful")."""


@dataclass(frozen=True)
class Reply:
    answer: str
    sources: list[str]
    confidence: float


class Answerer:
    """Answers chat messages, remembering each channel's last answer for follow-ups."""

    def __init__(
        self,
        rng: random.Random | None = None,
        memory: ConversationMemory | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rng = rng or random.Random()
        self.memory = memory if memory is not None else ConversationMemory()
        self.clock = clock

    def answer(
        self, book: Lorebook, text: str, channel: Hashable = None, name: str | None = None
    ) -> Reply:
        listed = items(text)
        parts = self._in_order(book, listed) if listed else []
        parts = parts or [
            replace(self._one(book, q, channel, name), asked=q.plain)
            for q in questions(book.facts, text)
        ]
        return Reply(*together(book, parts, self.rng, name))

    def _in_order(self, book: Lorebook, listed: list[tuple[str, str]]) -> list[Part]:
        """ "In what order do these happen: (a)… (b)…": the events in the story's order, and
        the ones no step of a story matches declined by name (none matched: no answer here)."""
        places = placed(book, listed)
        if all(p.step is None for p in places):
            return []
        unknown = said(book, "unknown", self.rng, None)
        return [
            Part(told(p), [p.step], p.score, "lead")
            if p.step
            else Part(unknown, declined=True, asked=unplaced(p))
            for p in places
        ]

    def _one(self, book: Lorebook, asks: Asked, channel: Hashable, name: str | None) -> Part:
        """One question; a later question of the same message means the subject of the one
        before by its pronoun, even when it names someone else ("...and how is she related
        to Vicky?"); an aside leans on nothing and is not remembered."""
        text = asks.text
        echoed = _echo(book, text)
        if echoed is not None:
            return echoed
        question = read(text)
        recalled = None if asks.aside else self.memory.recall(channel, self.clock())
        keep = (channel,) if not asks.aside else ()
        query = understand(question, book.facts, recalled, carry=asks.later)
        said_something = query.mentions or query.fields or query.groups or query.terms
        if asks.aside and not (said_something or query.signals & VIEW):
            return Part("")  # "in order please", "be honest": nothing of its own to answer
        if asks.later and echoing(query):  # "...no heart. Is he right?": the claim's answer
            return Part("")
        # a claim comes before small talk: "X did a great job directing it" praises a falsehood
        refusal = "@refuse" in query.signals
        refuted = None if refusal else claimed(book, question, query, recalled, asks.later)
        if refuted is not None:
            return self._refuted(book, refuted)
        if asks.aside and judging(query):  # "seems harsh": his view of what was just said
            mind = opinion(book, replace(query, you=True), self.rng)
            if mind is not None and mind.topical:
                return self._mind(mind, ())
        declined = self._declined(book, query, name)
        if declined is not None:
            return declined
        if experienced(query):  # "how did it feel when she left?" is put to him
            query = replace(query, you=True)
        if query.strict and keep:
            # "<another film> looks unreal... who shot it?": the other film named is what the
            # talk is about from now on, even when this part answers nothing itself
            self._remember(
                keep, Turn(tuple(sorted(query.within)), self.clock(), world=query.within)
            )
        remark = aside(query, book.facts.language.you)  # left out, so not remembered either
        part = self._reply(book, question, query, recalled, () if remark else keep)
        part.remark = remark
        return part

    def _reply(
        self,
        book: Lorebook,
        question: Question,
        query: Query,
        recalled: Turn | None,
        keep: tuple[Hashable, ...],
    ) -> Part:
        you = book.facts.language.you
        named_him = addressed(query, you)  # "lermontov, why so serious?"
        kinds = book.facts.kinds
        # "Livy seems nice.": a remark on someone invites his view of them
        remarked = comment(query) and any(kinds.get(i) in PEOPLE for i in query.named - {you})
        asked = query.you or named_him or remarked or muses(query)
        mind = opinion(book, query, self.rng) if asked else None
        if mind is not None and query.you and (of_him(query) or only_about(query, you)):
            return self._mind(mind, keep)
        choice = None if query.nobody else choose(book, query)
        query, choice = lean(book, question, query, choice, recalled)
        if mind is not None and not query.you and muses(query) and beats(mind, choice, query):
            return self._mind(mind, keep)  # "can a dancer marry and still be great?": his view
        unanswered = choice is None or not choice.answers
        if mind is not None and remarked and unanswered:
            return self._mind(mind, keep)
        # "when were you born?" with no birth date: a decline, not a stray opinion;
        # "why did you fire him?": his reason, then the fact, when it is about the same
        if (
            mind
            and (query.you or named_him)
            and ((unanswered and not query.fields) or (query.you and why_you(query)))
        ):
            told = None
            if choice is not None and backs(choice, mind, query, book.facts.kinds):
                told = self._told(book, query, choice)
            return self._mind(mind, keep, told)
        if unanswered and _eases(book, query):
            eased = query.eased()
            retried = None if eased.asks_only_who else choose(book, eased)
            if retried is not None and retried.answers and retried.confidence >= ANSWERS:
                query, choice, unanswered = eased, retried, False  # and no tie: it is less sure
        if choice is None or unanswered:
            return self._unknown(book, query)
        self._remember(keep, _turn(book, query, choice, recalled, self.clock()))
        return self._told(book, query, choice)

    def _declined(self, book: Lorebook, query: Query, name: str | None) -> Part | None:
        """Refusals, insults and small talk: a persona line, no sources."""
        if "@refuse" in query.signals:
            return Part(said(book, "refusal", self.rng, name))
        if "@rude" in query.signals and not query.question.asks:
            return Part(said(book, "deflection", self.rng, name))
        talk = next((p for signal, p in SMALL_TALK if signal in query.signals), None)
        if talk is None or query.fields or query.relations or query.signals & VIEW:
            return None
        # "hows it going" asks nothing but how he is; "hi, who directed it?" asks a fact
        asks = query.question.asks and "@wellbeing" not in query.signals
        lore = mentions_lore(query, book.facts.language.you)
        if asks and (query.terms or lore or not query.you):
            return None
        # "good night everyone, off to bed": asking nothing, any chatter is small talk's own
        asking = asks or query.you or lore or query.groups or "?" in query.question.text
        if asking and len(query.terms) + len(query.unknown) > CHATTER:
            return None
        return Part(said(book, talk, self.rng, name))

    def _remember(self, keep: tuple[Hashable, ...], turn: Turn) -> None:
        """Remember the turn in the channel kept (none for an aside, which is forgotten)."""
        for channel in keep:
            self.memory.remember(channel, turn)

    def _mind(self, mind: Opinion, keep: tuple[Hashable, ...], told: Part | None = None) -> Part:
        """His opinion, and after it the fact asked for when there is one. What the opinion is
        about is the subject of what follows ("...your assistant, and who played him?")."""
        about = tuple(dict.fromkeys(i for entry in mind.entries for i in entry.about))
        if about:
            self._remember(keep, Turn(about, self.clock()))
        text = "\n".join(mind.lines)
        if told is None:
            return Part(text, list(mind.entries), mind.score)
        first = told.text.split("\n")[0]
        confidence = min(mind.score, told.confidence)
        return Part(f"{text}\n{first}", [*mind.entries, *told.sources[:1]], confidence)

    def _told(self, book: Lorebook, query: Query, choice: Choice) -> Part:
        named: set[str] = set()
        texts = [fact_text(book, f, named) for f in choice.facts]
        texts += steps_text(choice.steps, brief=query.question.size is not None)
        ids = [i for f in choice.facts for i in (f.entry, *_credited(f))]
        ids += [s.id for s in choice.steps]
        sources = [e for i in dict.fromkeys(ids) if (e := book.get(i)) is not None]
        you = book.facts.language.you
        one = len({f.entry for f in choice.facts}) <= 1  # a cast list that starts with him is not
        about_you = query.you or (you is not None and you in choice.focus[:1] and one)
        lead: PersonaPurpose = "lead_self" if about_you else "lead"
        return Part("\n".join(texts), sources, choice.confidence, lead)

    def _refuted(self, book: Lorebook, refuted: Refuted) -> Part:
        """A false claim set straight: what the lore holds instead, or the tie it lacks named."""
        named: set[str] = set()
        texts = [fact_text(book, f, named) for f in refuted.truth]
        if refuted.missing:
            line = said(book, "correction", self.rng, None).replace("{thing}", refuted.missing)
            texts.insert(0, line[:1].upper() + line[1:])
        else:
            texts.insert(0, said(book, "refutation", self.rng, None))
        sources = [e for i in dict.fromkeys(f.entry for f in refuted.truth) if (e := book.get(i))]
        return Part("\n".join(texts), sources, REFUTED if sources else 0.0, declined=not sources)

    def _unknown(self, book: Lorebook, query: Query) -> Part:
        """A decline that says why: a thing the story does not hold (named back, when the
        question is about the story), a relative the story never gives someone, another
        subject, or a fact the lore lacks."""
        relative = kin(book, query)
        if relative is not None:
            return self._refuted(book, relative)
        named, story = premised(book, query)
        about_the_lore = mentions_lore(query, book.facts.language.you)
        asks_the_lore = bool(query.fields or query.groups)  # "which line...", "restored"
        if named and (about_the_lore or story or asks_the_lore):
            line = said(book, "correction", self.rng, None).replace("{thing}", named)
            return Part(line[:1].upper() + line[1:], declined=True)
        if (named or query.unknown) and not (about_the_lore or asks_the_lore):
            return Part(said(book, "deflection", self.rng, None), declined=True)
        return Part(said(book, "unknown", self.rng, None), declined=True)


def _eases(book: Lorebook, query: Query) -> bool:
    """Words the lore lacks in a question about something it holds, none of them naming a
    thing ("did Julian write it from scratch?"): the rest of the question may be answered.
    Without a name of the lore they are more likely another subject altogether, and with
    nothing else asked of the name its overview would be no answer ("is it on <a service>?")."""
    you = book.facts.language.you
    return bool(query.unknown) and mentions_lore(query, you) and not premised(book, query)[0]


def _credited(fact: Fact) -> tuple[str, ...]:
    """The people a casting or credit fact names are its sources too."""
    return fact.about if fact.field in {"played_by", "credit"} else ()


def _turn(book: Lorebook, query: Query, choice: Choice, recalled: Turn | None, at: float) -> Turn:
    """What a later message may lean on: the answer's entries and ask, the people named so far
    (the question's and the answer's, latest first), and the works the talk is now about."""
    kinds = book.facts.kinds
    said = [i for m in query.mentions if m.end > m.start for i in sorted(m.ids)]
    named = [i for i in said if kinds.get(i) in PEOPLE]
    told = [i for i in choice.focus if kinds.get(i) in PEOPLE]
    earlier = recalled.people if recalled else ()
    world = worlds_of(book.facts).topic(choice.focus) or query.within
    return Turn(
        choice.focus,
        at,
        query.fields,
        query.groups,
        _asked(query),
        tuple(named),
        tuple(dict.fromkeys((*named, *told, *earlier)))[:REMEMBERED],
        world,
    )


def _asked(query: Query) -> tuple[Need, ...]:
    return tuple(n for n in query.needs if any(k.startswith("?") for k in n.keys))


def _echo(book: Lorebook, text: str) -> Part | None:
    """A member saying a line of a replayed dialogue gets the line that follows it."""
    found = book.facts.line_said(" ".join(tokens(text)), ECHO)
    if found is None:
        return None
    dialogue, number = found
    reply = dialogue.lines[number + 1]
    speaker = book.get(reply.speaker)
    who = speaker.name if speaker else reply.speaker
    return Part(f"**{who}:** “{reply.line}”", [dialogue], 0.95)


def answer(book: Lorebook, text: str) -> Reply:
    """One message, no conversation: what `python -m bot ask` prints."""
    return Answerer(rng=random.Random()).answer(book, text)
