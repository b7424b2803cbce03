"""Lermontov answers a chat message from the lore, and only from the lore.

`Answerer.answer(book, text, channel)` reads the question (`intent`), finds what it names
(`resolve`), leans on the channel's last answer for pronouns and "and Julian?" (`memory`), and
composes a reply from the entries themselves (`compose`). Every factual sentence comes out of an
entry, whose id goes into `sources`; when nothing in the lore fits, the reply says so in
character, points to the commands, and carries no sources and a low confidence.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bot.lore.lorebook import Lorebook
from bot.lore.model import (
    BalletScene,
    Character,
    Dialogue,
    Entry,
    Kind,
    Person,
    PersonaPurpose,
    Quote,
    Scene,
    Work,
)
from bot.lore.search import entry_names
from bot.lore.text import fold
from bot.persona import compose
from bot.persona.intent import (
    ABOUT_WORDS,
    AWARD_WORDS,
    DEBATE_WORDS,
    END_WORDS,
    HAPPEN_WORDS,
    NEXT_WORDS,
    PREVIOUS_WORDS,
    REPLY_WORDS,
    ROLE_WORDS,
    SAY_WORDS,
    SCENE_NOUNS,
    START_WORDS,
    STOP,
    TELL_WORDS,
    WH,
    WHEN_WORDS,
    WORK_WORDS,
    Intent,
    Question,
    normalise,
    parse,
)
from bot.persona.lines import persona_line
from bot.persona.memory import ConversationMemory, Turn
from bot.persona.resolve import (
    ANSWERABLE,
    Subjects,
    best_passage,
    concept_stems,
    covered,
    describe_search,
    detail,
    find_subjects,
    linked,
    named_after,
    naming,
    related,
    relation_of,
    stem,
    stems_of,
    with_concepts,
    work_of_form,
)

DIRECT = 0.9
"""A field of an entry answers the question exactly (a credit, a year, an actor)."""
SCENE = 0.8
"""A scene found by its name, its characters or its own words."""
PASSAGE = 0.7
"""Sentences of the lore holding every word the question asks about."""
LOOSE = 0.45
"""A summary, or a passage holding only some of the asked words: related, maybe not the answer."""

LINE_MATCH = 85.0
"""How close a message must be to a line of dialogue to count as saying it (rapidfuzz ratio)."""

MIN_DESCRIBED = 2
"""Words a question must share with one sentence of the lore when it names nothing: one common
word ("life", "weather") in a sentence is a coincidence, not an answer."""

RARE_WORD = 5
"""A single unknown word this long may still be the name of a trivia or quote entry."""

CONNECTION_WORDS = frozenset(
    "related relation relationship connected connection linked know knows knew".split()
)
"""Words asking only how two named people stand to each other, not about either one."""

QUOTE_FRAME = STOP | SAY_WORDS | TELL_WORDS | ABOUT_WORDS | START_WORDS | END_WORDS
"""Words that frame a request for a line rather than say what the line is about."""

SMALL_TALK: dict[Intent, PersonaPurpose] = {
    "greeting": "greeting",
    "thanks": "thanks",
    "sign_off": "sign_off",
    "rude": "deflection",
}
PEOPLE: tuple[Kind, ...] = ("character", "person")
SCENES: tuple[Kind, ...] = ("scene", "ballet_scene")
HINTS: dict[str, str] = {
    "played": "`/character` or `/person`",
    "about": "`/character`, `/person` or `/search`",
    "crew": "`/film` or `/person`",
    "when": "`/film`",
    "born": "`/person`",
    "died": "`/story` or `/person`",
    "length": "`/film`",
    "awards": "`/film`",
    "ending": "`/story`",
    "debate": "`/story`",
    "happens": "`/story`, `/ballet` or `/andersen`",
    "quote": "`/quote`",
    "who_said": "`/quote`",
}
DEFAULT_HINT = "`/search`, `/character`, `/story`, `/ballet` or `/quote`"

_CLAUSE_END = re.compile(r"[?!.;]+\s+")
"""Where one sentence of a message ends and the next begins."""


@dataclass(frozen=True)
class Reply:
    """What the bot would post, the lore entries it came from, and how sure it is (0..1)."""

    answer: str
    sources: list[str] = field(default_factory=list)
    confidence: float = 0.0


@dataclass(frozen=True)
class Found:
    """An answer before it is dressed: its sentences, entries, focus for follow-ups."""

    text: str
    sources: tuple[Entry, ...]
    confidence: float
    focus: tuple[Entry, ...] = ()


class Answerer:
    """Answers messages; one per bot, holding each channel's short conversational memory."""

    def __init__(
        self,
        memory: ConversationMemory | None = None,
        rng: random.Random | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._memory = memory if memory is not None else ConversationMemory()
        self._rng = rng if rng is not None else random.Random()
        self._clock = clock

    def answer(
        self, book: Lorebook, text: str, channel: Hashable = None, name: str | None = None
    ) -> Reply:
        """The reply to `text` said in `channel` by someone called `name` (for greetings)."""
        now = self._clock()
        question = parse(text)
        last = self._memory.recall(channel, now)
        small_talk = SMALL_TALK.get(question.intent)
        if small_talk is not None:
            line = persona_line(book, small_talk, self._rng, name)
            # A deflection answers nothing, so it claims no more knowledge than a decline.
            sure = 0.1 if small_talk == "deflection" else 1.0
            return Reply(line, [], sure)
        intent, found = _Route(book, question, last, self._rng).run()
        if found is None:
            hint = HINTS.get(intent, DEFAULT_HINT)
            line = persona_line(book, "unknown", self._rng)
            return Reply(f"{line}\n-# Perhaps {hint} can help.", [], 0.1)
        role = question.role if intent == "crew" else (last.role if last else None)
        focus = tuple(e.id for e in found.focus or found.sources)
        self._memory.remember(channel, Turn(intent, role, focus, now))
        ids = list(dict.fromkeys(e.id for e in found.sources))
        return Reply(compose.finish(found.text, found.sources), ids, round(found.confidence, 2))


def answer(book: Lorebook, text: str) -> Reply:
    """A one-off answer with no conversation around it (the `ask` command)."""
    return Answerer(rng=random.Random(0)).answer(book, text)


class _Route:
    """One question against one book: picks the route for the intent and runs it."""

    def __init__(
        self, book: Lorebook, question: Question, last: Turn | None, rng: random.Random
    ) -> None:
        self.book = book
        self.q = question
        self.last = last
        self.rng = rng
        self.subjects: Subjects = find_subjects(book, question.subject)
        self.sure = min((m.score for m in self.subjects.mentions), default=100.0) / 100.0

    def run(self) -> tuple[Intent, Found | None]:
        intent: Intent = self.q.intent
        echoed = self.retort() or (None if intent in ("who_said", "quote") else self.echo())
        if echoed is not None:
            return "who_said", echoed
        if self.last and self.subjects.mentions and self._leans_on_last(intent):
            intent = self.last.intent
        handler = getattr(self, f"on_{intent}", self.on_about)
        found: Found | None = handler()
        return intent, found

    def _leans_on_last(self, intent: Intent) -> bool:
        return intent == "none" or (self.q.follow_up and intent == "about" and not self.q.pronoun)

    # ---- what the question is about -------------------------------------------------------

    def recalled(self, kinds: Sequence[Kind]) -> Entry | None:
        """The most recent entry of these kinds in the channel's last answer."""
        if self.last is None:
            return None
        for entry_id in self.last.focus:
            entry = self.book.get(entry_id)
            if entry is not None and entry.kind in kinds:
                return entry
        return None

    def subject(self, kinds: Sequence[Kind]) -> Entry | None:
        """The named entry of these kinds, else (for a pronoun or no name) the recalled one."""
        mention = self.subjects.first(kinds)
        if mention is not None:
            return mention.entry
        if self.subjects.mentions or self.subjects.unknown:
            return None
        return self.recalled(kinds)

    def work(self, lenient: bool = False) -> Work | None:
        """The work asked about: named, recalled, else the film (a question names nothing).

        `lenient` when the caller checks the question's other words itself ("who was it written
        for in the 1930s" is about the film even though "1930s" names nothing)."""
        named = self.subjects.first(("work",))
        if named is not None and isinstance(named.entry, Work):
            return named.entry
        if (self.subjects.unknown and not lenient) or self.subjects.mentions:
            return None
        recalled = self.recalled(("work",))
        if isinstance(recalled, Work):
            return recalled
        return work_of_form(self.book, "film")

    def person_of(self, entry: Entry | None) -> Person | None:
        """The person an entry means: itself, or the first credited performer of a character."""
        if isinstance(entry, Character) and entry.played_by:
            entry = self.book.get(entry.played_by[0].person)
        return entry if isinstance(entry, Person) else None

    # ---- routes ------------------------------------------------------------------------------

    def echo(self) -> Found | None:
        """The message is a line of dialogue: answer with the next one, or name its speaker."""
        said = " ".join(normalise(self.q.text))
        if len(said.split()) < 3:
            return None
        best: tuple[float, Dialogue, int] | None = None
        for entry, n, line in _prompts(self.book):
            score = fuzz.ratio(said, fold(line))
            if score >= LINE_MATCH and (best is None or score > best[0]):
                best = (score, entry, n)
        return self._reply(best[1], best[2], 0.95) if best else None

    def retort(self) -> Found | None:
        """ "What does Vicky answer when he asks why she wants to dance": the message retells a
        line of dialogue (its question word and at least half its other words, in any person)
        and asks for the answer to it ("answer", "reply", or "say" with "back" or "asked"),
        which is the next line, by whoever the message names."""
        words = set(self.q.words)
        retold = bool(words & {"back", "ask", "asks", "asked"})
        if not words & REPLY_WORDS and not (retold and words & SAY_WORDS):
            return None
        asked = {stem(w) for w in words}
        named = {e.id for e in self.subjects.of_kinds(PEOPLE)}
        best: tuple[int, Dialogue, int] | None = None
        for entry, n, line in _prompts(self.book):
            said = fold(line).split()
            content = {stem(w) for w in said if w not in STOP}
            held = len(content & asked)
            if not held or held * 2 < len(content) or not {w for w in said if w in WH} <= words:
                continue
            if named and entry.lines[n + 1].speaker not in named:
                continue
            if best is None or held > best[0]:
                best = (held, entry, n)
        return self._reply(best[1], best[2], DIRECT) if best else None

    def _reply(self, dialogue: Dialogue, n: int, sure: float) -> Found:
        """The line answering line `n` of a dialogue, by its speaker."""
        reply = dialogue.lines[n + 1]
        speaker = self.book.get(reply.speaker)
        return Found(compose.spoken(reply.line, speaker), (dialogue,), sure, _entries(speaker))

    def on_who_said(self) -> Found | None:
        said = " ".join(w for w in self.q.words if w not in {"who", "whose", "said", "says", "say"})
        best: tuple[float, Entry, str, str] | None = None
        for entry in (*self.book.of_kind("quote"), *self.book.of_kind("dialogue")):
            lines = [(entry.speaker, entry.line)] if isinstance(entry, Quote) else []
            if isinstance(entry, Dialogue):
                lines = [(ln.speaker, ln.line) for ln in entry.lines]
            for speaker_id, line in lines:
                score = fuzz.partial_ratio(said, fold(line)) if len(said) >= 8 else 0.0
                if score >= LINE_MATCH and (best is None or score > best[0]):
                    best = (score, entry, speaker_id, line)
        if best is None:
            return self.on_quote()
        _, entry, said_by, line = best
        speaker = self.book.get(said_by)
        return Found(compose.spoken(line, speaker), (entry,), 0.9, _entries(speaker))

    def on_played(self) -> Found | None:
        described = self._described_by_possessive()
        asks_other = self.subjects.unknown or relation_of(self.q.words)
        if described is None and self._owner() is not None and asks_other:
            return None
        entry = described or self.subject(PEOPLE)
        if entry is None and not self.subjects.mentions:
            found = describe_search(self.book, self.subjects.unknown, ("character",))
            entry = found[0] if found else None
        others = [
            w
            for w in self.subjects.of_kinds(("work",))
            if isinstance(w, Work) and w.form not in ("film", "ballet")
        ]
        if isinstance(entry, Character) and others:
            return self._staged(self._counterpart(entry, others), others)
        if isinstance(entry, Character):
            actors = [p for p in map(self.book.get, entry.people) if isinstance(p, Person)]
            if not actors:
                return None
            text = compose.played_by(entry, self.book)
            return Found(text, (entry, *actors), 0.9 * self.sure)
        if isinstance(entry, Person):
            parts = self.book.played_by(entry.id)
            if not parts:
                return Found(compose.person(entry), (entry,), LOOSE * self.sure)
            return Found(compose.played(entry, parts), (entry, *parts), 0.9 * self.sure)
        work = self.subject(("work",))
        if isinstance(work, Work) and work.form == "film":
            characters = self.book.of_kind("character")
            cast = [
                c
                for c in characters
                if isinstance(c, Character) and c.played_by and c.work == work.id
            ][:8]
            people = [self.person_of(c) for c in cast]
            pairs = [(c, p) for c, p in zip(cast, people, strict=True) if p]
            return Found(compose.cast(work, pairs), (work,), 0.7)
        return None

    def _staged(self, character: Character, works: Sequence[Work]) -> Found | None:
        """Who played a character in another work named in the question (a stage version).

        The film's actor is never the answer there: a work that credits nobody for the part
        gets an honest "I do not know", and a character of that work nobody plays (the tale's
        heroine) is described rather than given an actor.
        """
        names = {fold(n) for n in (character.name, *character.aliases)}
        for work in works:
            cast = [c for c in work.credits if fold(c.role) in names]
            if cast:
                text = compose.staged(
                    work, character, [compose.credit_name(c, self.book) for c in cast]
                )
                return Found(text, (work,), 0.85 * self.sure)
        if not character.played_by and _belongs(self.book, character, works):
            return Found(compose.about(character, self.book), (character,), 0.6 * self.sure)
        return None

    def _counterpart(self, character: Character, works: Sequence[Work]) -> Character:
        """ "The girl in the fairy tale": the named work's own character sharing a name word."""
        if _belongs(self.book, character, works):
            return character
        wanted = _name_words(character)
        best: tuple[int, Character] | None = None
        for work in works:
            for other in linked(self.book, work):
                shared = len(wanted & _name_words(other)) if isinstance(other, Character) else 0
                if isinstance(other, Character) and shared and (not best or shared > best[0]):
                    best = (shared, other)
        return best[1] if best else character

    def _owner(self) -> Entry | None:
        """The entry named as an owner: "Vicky's mother", or "the assistant of Lermontov"."""
        words = self.q.subject
        for mention in self.subjects.mentions:
            before = words[max(0, mention.at - 2) : mention.at]
            if mention.possessive or (before[-1:] == ("of",) and relation_of(before[:1])):
                return mention.entry
        return None

    def _described_by_possessive(self) -> Entry | None:
        """ "Lermontov's assistant": a character described by another's name and a word.

        Without one, the question is about someone the lore does not hold, and the owner's own
        actor would be a wrong answer ("who played Vicky's mother")."""
        owner = self._owner()
        relation = relation_of(self.q.words)
        if owner is not None and relation is not None:
            found_related = related(self.book, owner, relation)
            return found_related[0] if found_related else None
        if not self.subjects.unknown or owner is None:
            return None
        words = [*fold(owner.name).split()[-1:], *self.subjects.unknown]
        found = describe_search(self.book, words, ("character",))
        if found and found[0].id != owner.id:
            return found[0]
        return None

    def on_crew(self) -> Found | None:
        if self.subjects.first(PEOPLE) and not self.subjects.of_kinds(("work",)):
            return self.on_about()
        work = self.work(lenient=True)
        role = self.q.role or (self.last.role if self.last else None)
        if work is None or role is None:
            return None
        if set(self.subjects.unknown) & self._asking_clause():
            return self._told([work], [w for w in self.q.words if w in ROLE_WORDS])
        credits = compose.credits_for(work, role)
        if not credits:
            return None
        people = tuple(p for c in credits if c.person and (p := self.book.get(c.person)))
        return Found(compose.crew(work, credits, self.book), (work, *people), DIRECT * self.sure)

    def _asking_clause(self) -> set[str]:
        """The words of the sentence that asks about the crew: "who shot it?? the colours are
        insane" asks only its first sentence; the remark after it qualifies nothing."""
        for clause in _CLAUSE_END.split(self.q.text):
            words = set(fold(clause).split())
            if words & set(ROLE_WORDS):
                return words
        return set(self.q.words)

    def _told(self, entries: Sequence[Entry], hints: Sequence[str] = ()) -> Found | None:
        """The sentences about these entries that hold every word the question adds to its
        keywords ("originally", "1930s"); none means the lore does not hold what was asked, and
        the entries' plain facts (a credit, a birth year) would answer a different question."""
        passage = detail(self.book, entries, self.subjects.unknown, hints=hints, every=True)
        if passage is None:
            return None
        entry, said, _ = passage
        return Found(compose.passage(entry, said), (entry,), PASSAGE * self.sure)

    def on_when(self) -> Found | None:
        """A work's date (its year, or a dated sentence for "in Britain"); a person's is a birth."""
        people = self.subjects.of_kinds(PEOPLE)
        work = self._made_work(people) or self.work(lenient=True)
        if people and not self.subjects.of_kinds(("work",)) and not self._made_work(people):
            return self.on_born()
        if work is None:
            return None
        where = self._where((work,))
        if where is not None:
            return where
        if self.subjects.unknown or "date" in self.q.words:
            hints = [w for w in self.q.words if w in WHEN_WORDS]
            dated = self._told([work], hints)
            if dated is not None and any(ch.isdigit() for ch in dated.text):
                return dated
            if self.subjects.unknown:
                return None
        return Found(compose.year(work), (work,), DIRECT * self.sure)

    def _made_work(self, people: Sequence[Entry]) -> Work | None:
        """ "When did Powell direct it": the named work, or the first, credited to a named maker."""
        if not people or not set(self.q.words) & set(ROLE_WORDS):
            return None
        named = [w for w in self.subjects.of_kinds(("work",)) if isinstance(w, Work)]
        works = named or list(self.book.of_type(Work))
        ids = {p.id for p in people}
        roles = [ROLE_WORDS[w] for w in self.q.words if w in ROLE_WORDS]
        in_role = [
            w for w in works for r in roles if {c.person for c in compose.credits_for(w, r)} & ids
        ]
        credited = [w for w in works if any(c.person in ids for c in w.credits)]
        return next(iter(in_role or credited), None)

    def on_born(self) -> Found | None:
        """A person's years. A character named outright has no birth year of their own: the
        actor's would answer a different question ("how old was Vicky")."""
        named = self.subjects.first(PEOPLE)
        if named is not None and isinstance(named.entry, Character):
            return None
        if self.subjects.unknown and not set(self.subjects.unknown) <= {"old", "age"}:
            return self._told([named.entry]) if named else None
        person = self.person_of(self.subject(("person", "character")))
        if person is None or person.born is None:
            return None
        return self._where((person,)) or Found(compose.lifespan(person), (person,), 0.9 * self.sure)

    def on_died(self) -> Found | None:
        """A person's death is a date; a character's is a scene (and a place, asked "where")."""
        character = self.subject(PEOPLE)
        if not isinstance(character, Character):
            return self.on_born()
        deaths = [e for e in linked(self.book, character) if e.kind in SCENES and "death" in e.tags]
        if not deaths:
            return None
        after = self._neighbour(deaths[0])
        if after.id != deaths[0].id:
            return Found(compose.about(after, self.book), (after,), SCENE * self.sure)
        return self._where(deaths) or Found(
            compose.scenes(deaths), tuple(deaths), SCENE * self.sure
        )

    def _where(self, entries: Sequence[Entry]) -> Found | None:
        """ "Where": the sentence of these entries or their linked ones that holds the place."""
        if "where" not in self.q.words:
            return None
        words = [w for w in self.q.words if w not in STOP or w == "where"]
        passage = detail(self.book, entries, words)
        if passage is None:
            return None
        entry, said, _ = passage
        return Found(compose.passage(entry, said), (entry,), 0.7 * self.sure)

    def on_length(self) -> Found | None:
        work = self.work()
        if work is None:
            return None
        if work.running_time is None:
            passage = detail(self.book, [work], ["long", *self.subjects.unknown])
            if passage is None:
                return None
            entry, said, _ = passage
            return Found(compose.passage(entry, said), (entry,), 0.7 * self.sure)
        return Found(compose.running_time(work), (work,), 0.9 * self.sure)

    def on_awards(self) -> Found | None:
        work = self.work()
        if work is None or not work.awards:
            return None
        if "who" in self.q.words and not self._names_a_category(work):
            return None  # "who won best actress that year": not an award this work holds
        return Found(compose.awards(work), (work,), 0.9 * self.sure)

    def _names_a_category(self, work: Work) -> bool:
        """Whether "who won ..." names one of the work's own award categories."""
        asked = [
            w
            for w in self.q.words
            if w not in STOP and w not in WH and w not in AWARD_WORDS and w not in WHEN_WORDS
        ]
        categories = " ".join(f"{a.award} {a.category}" for a in work.awards)
        return not asked or covered(asked, categories) > 0

    def _story(self) -> tuple[Kind, Work | None]:
        """Which story a scene question is about: the ballet's, the tale's, or the film's."""
        surest = self.subjects.surest(("work",))
        work = surest.entry if surest else self.subject(("work",))
        if isinstance(work, Work) and work.form == "ballet":
            return "ballet_scene", work
        if isinstance(work, Work) and work.form != "film":
            return "scene", work
        return "scene", None

    def ending_scenes(self, kind: Kind) -> list[Entry]:
        scenes: list[Entry] = [e for e in self.book.of_kind(kind) if "ending" in e.tags]
        return scenes or list(self.book.of_kind(kind)[-1:])

    def on_ending(self) -> Found | None:
        """The story's last scenes; asked what happens there ("who takes the shoes off"), the
        late scene holding the question's own words."""
        kind, work = self._story()
        if work is not None and kind == "scene":
            return Found(compose.about(work, self.book), (work,), 0.7)
        told = self._scene_with((kind,), every=False) if self.subjects.unknown else None
        if told is not None:
            return Found(compose.about(told, self.book), (told,), SCENE * self.sure)
        scenes = self.ending_scenes(kind)
        if not scenes:
            return None
        return Found(compose.scenes(scenes), tuple(scenes), 0.85)

    def on_debate(self) -> Found | None:
        scenes = self.ending_scenes("scene")
        keywords = [w for w in DEBATE_WORDS if " " not in w] + ["whether", "settled"]
        passage = best_passage(scenes, keywords, limit=4)
        if passage is None:
            trivia = self.book.search("ending debated ambiguous", ("trivia",), limit=5)
            passage = best_passage([h.entry for h in trivia], ["ending", *keywords])
        if passage is None:
            return self.on_ending()
        entry, said, _ = passage
        return Found(compose.passage(entry, said), (entry,), 0.8)

    def on_happens(self) -> Found | None:
        kind, work = self._story()
        kinds = (kind,) if work else SCENES
        scene = self.subject(SCENES) or self._scene_with(kinds, every=False)
        if scene is None and self.q.position == "start":
            scenes = self.book.of_kind(kind)
            scene = scenes[0] if scenes else None
        if scene is None and self.q.position == "end":
            return self.on_ending()
        words = [w for w in self.q.words if w not in STOP and w not in HAPPEN_WORDS]
        if scene is None and not words and not self.subjects.mentions:
            # "What's the plot?" names nothing: the story of the work in hand, else the film.
            whole = self.work()
            if whole is not None:
                return Found(compose.about(whole, self.book), (whole,), 0.85 * self.sure)
        if scene is None and (self.subjects.unknown or work is None):
            scene = self._search_scene(words, kinds)
        if scene is None:
            return self.on_about()
        scene = self._neighbour(scene)
        return Found(compose.about(scene, self.book), (scene,), SCENE * self.sure)

    def _scene_with(self, kinds: Sequence[Kind], every: bool = True) -> Entry | None:
        """The scene where every named character appears and whose name, aliases or summary
        hold the question's other words ("the newspaper bit", "how does Lermontov first meet
        Vicky"); the earliest of the best (the latest, asked about the end).

        Two characters are enough on their own (their first scene together); one character
        or none needs words to match, and `every` asks that all of them do.
        """
        content = [w for w in self.subjects.unknown if w not in SCENE_NOUNS]
        people = {e.id for e in self.subjects.of_kinds(("character",))}
        if not content and len(people) < 2:
            return None
        if people:
            pool: Sequence[Entry] = [s for k in kinds for s in self.book.of_kind(k)]
        else:
            pool = [h.entry for h in self.book.search(" ".join(content), tuple(kinds), limit=8)]
        need = len(set(content)) if every else max(1, (len(set(content)) + 1) // 2)
        best: tuple[int, int, Entry] | None = None
        for scene in pool:
            if not isinstance(scene, Scene | BalletScene) or not people <= set(scene.characters):
                continue
            held = covered(content, f"{scene.name} {' '.join(scene.aliases)} {scene.summary}")
            if content and held < need:
                continue
            order = -scene.order if self.q.position == "end" else scene.order
            if best is None or (-held, order) < (-best[0], best[1]):
                best = (held, order, scene)
        return best[2] if best else None

    def _neighbour(self, scene: Entry) -> Entry:
        """The scene after (or before) the one named, when the question asks for it."""
        step = 1 if set(self.q.words) & NEXT_WORDS else 0
        step = -1 if set(self.q.words) & PREVIOUS_WORDS else step
        story = self.book.of_kind(scene.kind)
        at = next((n for n, e in enumerate(story) if e.id == scene.id), 0)
        return story[at + step] if 0 <= at + step < len(story) else scene

    def _search_scene(self, words: list[str], kinds: tuple[Kind, ...]) -> Entry | None:
        content = {stem(w) for w in words} - {stem(w) for w in ("scene", "ballet", "film")}
        if not content:
            return None
        hits = self.book.search(" ".join(words), kinds, limit=5)
        named = [h for h in hits if h.how != "text" and h.score >= 85]
        if named:
            return named[0].entry
        for hit in hits:
            text = stems_of(f"{hit.entry.name} {hit.entry.summary}")
            if len(content & text) * 2 >= len(content):
                return hit.entry
        return None

    def on_quote(self) -> Found | None:
        """A line of the named speaker (the first person named), ranked by how well the line
        and its context hold the question's other words ("his music will turn Vicky into")."""
        who = self.subjects.first(PEOPLE)
        speakers = self._speakers(who.entry) if who else set()
        named = self.subjects.first(("quote", "dialogue"))
        if named is not None and (not speakers or _spoken_by(named.entry) & speakers):
            return Found(compose.about(named.entry, self.book), (named.entry,), 0.85)
        if not speakers and not self.subjects.mentions:
            recalled = self.recalled(("character",))
            speakers = {recalled.id} if recalled and self.q.pronoun else set()
        quotes = [
            q
            for q in self.book.of_kind("quote")
            if isinstance(q, Quote) and (not speakers or q.speaker in speakers)
        ]
        content = self._content(who.entry if who else None)
        if not quotes or (not speakers and not content):
            return None
        wanted = [concept_stems([w]) for w in content]
        scores = [_quote_score(q, wanted) for q in quotes]
        best = max(scores)
        if not speakers and best[0] == 0:
            return None
        candidates = [q for q, n in zip(quotes, scores, strict=True) if n == best]
        chosen = self._at_position(candidates) or self.rng.choice(candidates)
        speaker = self.book.get(chosen.speaker)
        sure = 0.85 if best[0] == len(wanted) else PASSAGE if best[0] * 2 >= len(wanted) else LOOSE
        return Found(compose.quote(chosen, speaker), (chosen,), sure, _entries(speaker))

    def _speakers(self, entry: Entry) -> set[str]:
        if isinstance(entry, Person):
            return {c.id for c in self.book.played_by(entry.id)}
        return {entry.id}

    def _content(self, speaker: Entry | None) -> list[str]:
        """The question's words that are neither asking nor naming the speaker."""
        own = {stem(w) for w in _name_words(speaker)} if speaker else set()
        return [w for w in self.q.words if w not in QUOTE_FRAME and stem(w) not in own]

    def _at_position(self, quotes: Sequence[Quote]) -> Quote | None:
        """For "what does he say at the end": the quote from the latest (or first) scene."""
        if self.q.position is None:
            return None
        placed = [(order, q) for q in quotes if (order := self._scene_order(q)) is not None]
        if not placed:
            return None
        pick = max if self.q.position == "end" else min
        return pick(placed, key=lambda row: row[0])[1]

    def _scene_order(self, entry: Entry) -> int | None:
        orders = [e.order for e in linked(self.book, entry) if isinstance(e, Scene)]
        return max(orders) if orders else None

    def on_about(self) -> Found | None:
        owner = self._owner()
        relation = relation_of(self.q.words) if owner else None
        if owner is not None and relation is not None:
            return self._relative(owner, relation)
        entries = [m.entry for m in self.subjects.mentions] or self._implied()
        if not entries:
            return self._unnamed()
        asked = self._asked(entries)
        if asked and set(asked) <= CONNECTION_WORDS:
            return self._between(self.subjects.of_kinds(PEOPLE))
        if not asked:
            target = entries[0]
            sure = 0.85 if self.subjects.mentions else 0.7
            return Found(compose.about(target, self.book), (target,), sure * self.sure)
        works_only = all(e.kind == "work" for e in entries)
        if works_only and self.subjects.unknown:
            scene = self._scene_with(self._scene_kinds(entries))
            if scene is not None:
                return Found(compose.about(scene, self.book), (scene,), SCENE * self.sure)
        passage = detail(self.book, entries, asked) or self._searched(entries)
        if passage is None:
            return None
        entry, said, _ = passage
        whole = covered(asked, " ".join([*said, entry.name])) == len(set(asked))
        return Found(
            compose.passage(entry, said), (entry,), (PASSAGE if whole else LOOSE) * self.sure
        )

    def _relative(self, owner: Entry, relation: frozenset[str]) -> Found | None:
        """ "Who is Vicky's aunt": the character the lore names by that relation to the owner,
        with the sentence that says so; nobody when the lore does not say."""
        found = related(self.book, owner, relation)
        if found is None:
            return None
        character, said_in, said = found
        text = compose.relative(character, said_in, said)
        return Found(text, (character, said_in), DIRECT * self.sure, (character,))

    def _between(self, people: Sequence[Entry]) -> Found | None:
        """ "How is Julian related to Vicky": the sentence of one's own text that names the
        other; two people the lore never puts together are not guessed at."""
        if len(people) < 2:
            return None
        first, second = people[:2]
        for one, other in ((first, second), (second, first)):
            said = naming(one, other)
            if said is not None:
                text = compose.passage(one, [said])
                return Found(text, (one,), PASSAGE * self.sure, (one, other))
        return None

    def _implied(self) -> list[Entry]:
        """What a pronoun means: the last answer's subject, or for "it" with none, the film."""
        if not self.q.pronoun:
            return []
        recalled = self.recalled(ANSWERABLE)
        if recalled is not None:
            return [recalled]
        film = work_of_form(self.book, "film") if {"it", "its"} & set(self.q.words) else None
        return [film] if film is not None else []

    def _asked(self, entries: Sequence[Entry]) -> list[str]:
        """The words a question asks about its subject. "Why was the film restored" names a
        second work by a plain word: that word is what is asked about the first."""
        if self.subjects.unknown or "why" not in self.q.words:
            return list(self.subjects.unknown)
        first = entries[0]
        return [
            w
            for w in self.q.words
            if w in WORK_WORDS
            and (found := work_of_form(self.book, WORK_WORDS[w])) is not None
            and found.id != first.id
        ]

    def _scene_kinds(self, works: Sequence[Entry]) -> tuple[Kind, ...]:
        forms = {w.form for w in works if isinstance(w, Work)}
        if forms == {"ballet"}:
            return ("ballet_scene",)
        return ("scene",) if forms == {"film"} else SCENES

    def _unnamed(self) -> Found | None:
        """A question naming nothing: a scene or an entry its words describe, else nothing."""
        unknown = self.subjects.unknown
        scene = self._scene_with(SCENES)
        if scene is not None:
            return Found(compose.about(scene, self.book), (scene,), SCENE)
        if len(unknown) == 1 and len(unknown[0]) >= RARE_WORD:
            named = named_after(self.book, unknown[0])
            if named is not None:
                return Found(compose.about(named, self.book), (named,), LOOSE)
        if len(unknown) < MIN_DESCRIBED:
            return None
        found = describe_search(self.book, unknown)
        if found is None:
            return None
        entry, said = found
        return Found(compose.passage(entry, said), (entry,), LOOSE)

    def _searched(self, entries: Sequence[Entry]) -> tuple[Entry, list[str], int] | None:
        """A passage elsewhere in the lore holding the question's own words and its names.

        Without one, the question asks something about its subject that the lore does not
        hold ("who did Moira Shearer marry"), and the subject's summary would not answer it.
        """
        unknown = self.subjects.unknown
        hits = self.book.search(" ".join(with_concepts(unknown)), ANSWERABLE, limit=3)
        keywords = [*unknown, *(w for e in entries for w in fold(e.name).split())]
        passage = best_passage([*entries, *(h.entry for h in hits)], keywords)
        if passage is None or passage[2] < 2:
            return None
        return passage if covered(unknown, " ".join(passage[1])) == len(set(unknown)) else None


def _prompts(book: Lorebook) -> Iterator[tuple[Dialogue, int, str]]:
    """Every line of dialogue that another line answers, with its place in the exchange."""
    for entry in book.of_kind("dialogue"):
        if isinstance(entry, Dialogue):
            for n, line in enumerate(entry.lines[:-1]):
                yield entry, n, line.line


def _quote_score(quote: Quote, wanted: Sequence[frozenset[str]]) -> tuple[int, int, int]:
    """How well a quote holds the asked ideas: in all its text (its summary says what it is
    about: "dancers who fall in love"), then in its own line and context, then by stems."""
    own = stems_of(f"{quote.line} {quote.context} {quote.name} {' '.join(quote.aliases)}")
    said = own | stems_of(quote.summary)
    return (
        sum(bool(c & said) for c in wanted),
        sum(bool(c & own) for c in wanted),
        sum(len(c & said) for c in wanted),
    )


def _spoken_by(entry: Entry) -> set[str]:
    if isinstance(entry, Quote):
        return {entry.speaker}
    return {ln.speaker for ln in entry.lines} if isinstance(entry, Dialogue) else set()


def _belongs(book: Lorebook, character: Character, works: Sequence[Work]) -> bool:
    return any(character.id in {e.id for e in linked(book, work)} for work in works)


def _name_words(entry: Entry) -> set[str]:
    return {w for name in entry_names(entry) for w in fold(name).split() if w not in STOP}


def _entries(entry: Entry | None) -> tuple[Entry, ...]:
    return (entry,) if entry is not None else ()
