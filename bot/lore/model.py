"""The lore schema: every kind of entry a lore file may hold.

Pydantic does the validating so that errors come with a location we can map back to a YAML line,
and so the same models publish the JSON Schema that editors use (`python -m bot lore schema`).
Models are frozen: a loaded `Lorebook` must never change under a running command.

Each kind carries its own behaviour, so a new kind is one class plus its data: its `label`, the
fields its `/lore add` form starts with (`form_template`), the prose search reads
(`search_text`), and how it is shown (`shown_text`, `details`, `linked_ids`). Defining a class
with a one-value `kind` registers it (`ENTRY_CLASSES`), and `ENTRY_ADAPTER` validates, loads and
exports every registered kind.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from itertools import islice
from types import MappingProxyType
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, Union, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    field_serializer,
    model_validator,
)

from bot.lore.facts import Fact, FactContext, asked_by, counted, joined, prose
from bot.lore.text import clean_text, fold

if TYPE_CHECKING:
    from bot.lore.lorebook import Lorebook

SUMMARY_MAX = 1000
BODY_MAX = 8000
LINE_MAX = 1000

Text = Annotated[str, AfterValidator(clean_text)]
"""A string that was normalised on the way in (see `bot.lore.text.clean_text`)."""

ShortText = Annotated[Text, Field(min_length=1, max_length=200)]
EntryId = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        min_length=2,
        max_length=64,
        description="A stable slug, unique across all lore files (lower case, digits, hyphens).",
    ),
]

Kind = Literal[
    "work",
    "character",
    "person",
    "scene",
    "ballet_scene",
    "quote",
    "dialogue",
    "trivia",
    "persona",
    "lexicon",
]
KINDS: tuple[Kind, ...] = Kind.__args__  # type: ignore[attr-defined]

FILM_ID = "the-red-shoes-film"
"""The shipped film: the work an entry belongs to when it names none, so that lore written
before `work:` existed still means what it meant."""
BALLET_ID = "ballet-of-the-red-shoes"
"""The ballet danced inside the film: where a ballet scene belongs when it names no work."""


@dataclass(frozen=True)
class Detail:
    """One labelled fact of an entry as people see it (an embed field, in Discord)."""

    title: str
    text: str
    inline: bool = False

    @classmethod
    def listing(cls, title: str, lines: Iterable[str], inline: bool = False) -> Detail:
        """A list of lines under one title; an empty list shows nothing."""
        return cls(title, "\n".join(lines), inline)


NO_FIELDS: Mapping[str, Any] = MappingProxyType({})

ENTRY_CLASSES: dict[str, type[EntryBase]] = {}
"""Every kind of entry, by its `kind`, in the order the classes were defined."""


def kind_of(cls: type) -> Kind | None:
    """The `kind` a model class stands for (`Work` → "work"), None for other classes."""
    field = getattr(cls, "model_fields", {}).get("kind")
    kinds = get_args(field.annotation) if field is not None else ()
    return kinds[0] if len(kinds) == 1 else None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(_Strict):
    """Where a fact was checked: a published credit list, synopsis, book or the film itself."""

    title: ShortText
    url: Annotated[str, Field(pattern=r"^https?://\S+$", max_length=500)] | None = None


class EntryBase(_Strict):
    """Fields every entry has. `related` holds ids of entries worth a click from this one."""

    id: EntryId
    name: ShortText
    aliases: tuple[ShortText, ...] = ()
    summary: Annotated[Text, Field(min_length=1, max_length=SUMMARY_MAX)]
    body: Annotated[Text, Field(max_length=BODY_MAX)] | None = None
    tags: tuple[Annotated[str, Field(pattern=r"^[a-z0-9-]+$", max_length=40)], ...] = ()
    related: tuple[EntryId, ...] = ()
    sources: tuple[Source, ...] = Field(min_length=1)

    label: ClassVar[str] = "Entry"
    """What people call this kind (search hits, pick lists)."""
    form_template: ClassVar[Mapping[str, Any]] = NO_FIELDS
    """The kind's own required fields, as a starting point for the `/lore add` form."""
    searchable: ClassVar[bool] = True
    """Whether `/search` lists entries of this kind (the bot's own lines are not lore to find)."""

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        """A class that stands for one kind joins the kinds lore files may hold."""
        super().__pydantic_init_subclass__(**kwargs)
        kind = kind_of(cls)
        if kind is not None:
            ENTRY_CLASSES[kind] = cls

    def references(self) -> list[tuple[tuple[str | int, ...], str]]:
        """Each id this entry points at, with the field path it sits under (for error lines)."""
        return [(("related", i), ref) for i, ref in enumerate(self.related)]

    def facts(self, context: FactContext) -> Iterator[Fact]:
        """What this entry tells the chat: its summary and body, sentence by sentence.

        Kinds with structured fields add sentences derived from them (an actor, a credit, a
        year); the chat answers only with these, so it can never say what the lore does not.
        """
        yield from prose(self.summary, self.id, "summary", hint=self.name)
        yield from prose(self.body, self.id, "body", hint=self.name)

    def search_text(self) -> list[str]:
        """The prose full-text search reads: the summary and body, and the kind's own text."""
        return [self.summary, self.body or ""]

    def shown_text(self, book: Lorebook) -> str:
        """The text an entry is shown with (an embed's description)."""
        return "\n\n".join(p for p in (self.summary, self.body) if p)

    def details(self, book: Lorebook) -> list[Detail]:
        """The kind's structured facts, in the order they are shown."""
        return []

    def linked_ids(self, book: Lorebook) -> list[str]:
        """Ids worth one click from this entry: the kind's own links first, then `related`."""
        return list(self.related)


class Credit(_Strict):
    """A maker of a work: a person entry by id, or a plain name for people outside the lore."""

    role: ShortText
    person: EntryId | None = None
    name: ShortText | None = None

    @model_validator(mode="after")
    def _person_or_name(self) -> Credit:
        if (self.person is None) == (self.name is None):
            raise ValueError("a credit names exactly one of `person` (an id) or `name`")
        return self


class Award(_Strict):
    award: ShortText
    category: ShortText
    year: Annotated[int, Field(ge=1900, le=2100)]
    result: Literal["won", "nominated"]


WORK_DATED = {
    "film": "came out in",
    "fairy tale": "was published in",
    "restoration": "premiered in",
    "stage musical": "opened in",
    "stage ballet": "premiered in",
    "ballet": "was first danced, on screen, in",
}
"""How a work's year is said, by its form."""


class Work(EntryBase):
    """The film, the ballet within it, Andersen's tale, restorations and adaptations."""

    label: ClassVar[str] = "Work"
    form_template: ClassVar[Mapping[str, Any]] = MappingProxyType({"form": "film", "year": 1948})
    STARRING: ClassVar[int] = 10
    """How many of a film's characters, with who played them, its page lists."""

    kind: Literal["work"]
    form: Literal["film", "ballet", "fairy tale", "restoration", "stage musical", "stage ballet"]
    year: Annotated[int, Field(ge=1800, le=2100)]
    credits: tuple[Credit, ...] = ()
    awards: tuple[Award, ...] = ()
    running_time: Annotated[int, Field(gt=0, le=600, description="Minutes.")] | None = None

    def references(self) -> list[tuple[tuple[str | int, ...], str]]:
        refs = super().references()
        refs += [
            (("credits", i, "person"), c.person) for i, c in enumerate(self.credits) if c.person
        ]
        return refs

    def facts(self, context: FactContext) -> Iterator[Fact]:
        yield from super().facts(context)
        verb = WORK_DATED.get(self.form, "dates from")
        when = frozenset({"when"})
        yield Fact(f"{self.name} ({self.form}) {verb} {self.year}.", self.id, "year", (), when)
        if self.running_time:
            text = f"{self.name} runs {self.running_time} minutes."
            yield Fact(text, self.id, "running_time", (), frozenset({"how long"}))
        by_role: dict[str, list[Credit]] = {}
        for credit in self.credits:
            by_role.setdefault(credit.role, []).append(credit)
        who = frozenset({"who"})
        for role, credits in by_role.items():
            names = joined([context.name(c.person) if c.person else c.name or "" for c in credits])
            ids = tuple(c.person for c in credits if c.person)
            if fold(role) in context.characters:
                text = f"In {self.name}, {names} played {role}."
                yield Fact(text, self.id, "played_by", ids, who)
                continue
            said = f"{role} {names}" if role.endswith(" by") else f"{role}: {names}"
            yield Fact(f"{self.name} — {said}.", self.id, "credit", ids, who)
        yield from self._award_facts()

    def details(self, book: Lorebook) -> list[Detail]:
        facts = [f"**{self.form.capitalize()}**, {self.year}"]
        if self.running_time:
            facts.append(f"Running time: {self.running_time} min")
        by_role: dict[str, list[str]] = {}
        for credit in self.credits:
            name = book.name_of(credit.person) if credit.person else credit.name or ""
            by_role.setdefault(credit.role, []).append(name)
        out = [
            Detail("At a glance", " · ".join(facts)),
            Detail.listing(
                "Made by", (f"**{role}**: {', '.join(n)}" for role, n in by_role.items())
            ),
        ]
        if self.form == "film":
            cast = (c for c in book.of_type(Character) if c.played_by and c.work == self.id)
            stars = [f"{c.performers(book)} as {c.name}" for c in islice(cast, self.STARRING)]
            out.append(Detail.listing("Starring", stars))
        awards = [
            f"{'🏆 Won' if a.result == 'won' else 'Nominated'}: {a.award} {a.year}, {a.category}"
            for a in self.awards
        ]
        out.append(Detail.listing("Awards", awards))
        return out

    def _award_facts(self) -> Iterator[Fact]:
        """Per award body: what was won, and every nomination counted once, in correct English."""
        bodies: dict[str, list[Award]] = {}
        for award in self.awards:
            bodies.setdefault(award.award, []).append(award)
        many = frozenset({"how many", "what", "which"})
        for body, awards in bodies.items():
            won = [a for a in awards if a.result == "won"]
            if won:
                listed = "; ".join(f"{a.category} ({a.year})" for a in won)
                text = f"{self.name} won {counted(len(won), body)}: {listed}."
                yield Fact(text, self.id, "award", (), many)
            if len(won) < len(awards):
                listed = "; ".join(f"{a.category} ({a.result})" for a in awards)
                text = f"{self.name} was nominated for {counted(len(awards), body)}: {listed}."
                yield Fact(text, self.id, "award", (), many)


class InWork(EntryBase):
    """An entry that belongs to one work: a film's scene, character, line or fact.

    Left out, `work` is the kind's default (the shipped film; the ballet for ballet scenes), and
    is not checked as a reference, so small lore folders without the film still load."""

    work: EntryId = Field(
        default=FILM_ID,
        description=f"The work this belongs to (a work id); {FILM_ID} when left out.",
    )

    def references(self) -> list[tuple[tuple[str | int, ...], str]]:
        refs = super().references()
        if "work" in self.model_fields_set:
            refs.append((("work",), self.work))
        return refs

    def details(self, book: Lorebook) -> list[Detail]:
        """Shown after the kind's own facts: the work it is from."""
        return [Detail("From", book.name_of(self.work), True)]


class Performer(_Strict):
    """One person behind a character, and how when it is not simply acting the part."""

    person: EntryId
    note: ShortText | None = Field(
        default=None, description='How they played it: "singing voice", "dance double"…'
    )

    def credit(self, name: str) -> str:
        """The person's name as a credit line shows it: `Dorothy Bond (singing voice)`."""
        return f"{name} ({self.note})" if self.note else name


def _performers(value: Any) -> Any:
    """`played_by` as written: one id, or a list of ids and `{person, note}` mappings."""
    if value is None:
        return ()
    if isinstance(value, str):
        return ({"person": value},)
    if isinstance(value, list | tuple):
        return tuple({"person": v} if isinstance(v, str) else v for v in value)
    return value


Performers = Annotated[
    tuple[Performer, ...],
    BeforeValidator(_performers, json_schema_input_type=EntryId | list[EntryId | Performer] | None),
]


class Character(InWork):
    """A character of a work, with who played them: one person, or several (an actor and the
    singer who dubbed them, a dance double), each with an optional credit note."""

    label: ClassVar[str] = "Character"
    form_template: ClassVar[Mapping[str, Any]] = MappingProxyType({"played_by": []})

    kind: Literal["character"]
    played_by: Performers = Field(
        default=(),
        description="Who played them: a person id, or a list of ids and {person, note}.",
    )
    role_in_story: ShortText | None = None

    @property
    def people(self) -> tuple[str, ...]:
        """The ids of everyone who played this character, in credit order."""
        return tuple(p.person for p in self.played_by)

    @field_serializer("played_by")
    def _compact(self, performers: tuple[Performer, ...]) -> Any:
        """Written back as compactly as it may be read: one plain id when that says it all."""
        if len(performers) == 1 and performers[0].note is None:
            return performers[0].person
        return [p.person if p.note is None else p.model_dump(exclude_none=True) for p in performers]

    def references(self) -> list[tuple[tuple[str | int, ...], str]]:
        refs = super().references()
        refs += [(("played_by", i, "person"), p.person) for i, p in enumerate(self.played_by)]
        return refs

    def facts(self, context: FactContext) -> Iterator[Fact]:
        who = frozenset({"who"})
        if self.role_in_story:
            yield Fact(f"{self.name}: {self.role_in_story}.", self.id, "role_in_story", (), who)
        yield from prose(self.summary, self.id, "summary", who=True)
        yield from prose(self.body, self.id, "body", who=True)
        if self.played_by:
            names = joined([p.credit(context.name(p.person)) for p in self.played_by])
            where, about = self._elsewhere(context), self.people
            if where:
                about = (*about, self.work)
            # what the part is names it as well ("who plays the falconer?")
            said = f"{names} played {self.name}{where}."
            yield Fact(said, self.id, "played_by", about, who, hint=self.role_in_story or "")

    def _elsewhere(self, context: FactContext) -> str:
        """` in <work>` for a part in a work other than the shipped film, unless the part's
        name already says it ("The Girl (Ballet of the Red Shoes)"), so a person's several
        parts read as parts of different works."""
        if self.work == FILM_ID:
            return ""
        work = context.name(self.work)
        said = fold(work).removeprefix("the ") in fold(self.name)
        return "" if said else f" in {work}"

    def performers(self, book: Lorebook) -> str:
        """Everyone credited with the part: `Moira Shearer and Dorothy Bond (singing voice)`."""
        return joined([p.credit(book.name_of(p.person)) for p in self.played_by])

    def search_text(self) -> list[str]:
        return [*super().search_text(), self.role_in_story or ""]

    def details(self, book: Lorebook) -> list[Detail]:
        credits = (p.credit(book.name_of(p.person)) for p in self.played_by)
        out = [Detail.listing("Played by", credits, True)]
        if self.role_in_story:
            out.append(Detail("In the story", self.role_in_story, True))
        return [*out, *super().details(book)]

    def linked_ids(self, book: Lorebook) -> list[str]:
        return [*self.people, *super().linked_ids(book)]


class Person(EntryBase):
    """Cast and crew. The characters a person played are found through `Character.played_by`
    (`Lorebook.played_by` is the reverse index)."""

    label: ClassVar[str] = "Cast & crew"
    form_template: ClassVar[Mapping[str, Any]] = MappingProxyType({"roles": ["actor"]})

    kind: Literal["person"]
    roles: tuple[ShortText, ...] = Field(min_length=1)
    born: Annotated[int, Field(ge=1800, le=2100)] | None = None
    died: Annotated[int, Field(ge=1800, le=2100)] | None = None

    def facts(self, context: FactContext) -> Iterator[Fact]:
        who = frozenset({"who"})
        yield Fact(f"{self.name} — {', '.join(self.roles)}.", self.id, "roles", (), who)
        yield from prose(self.summary, self.id, "summary", who=True)
        yield from prose(self.body, self.id, "body", who=True)
        when = frozenset({"when", "how old"})
        if self.born:
            yield Fact(f"{self.name} was born in {self.born}.", self.id, "born", (), when)
        if self.died:
            yield Fact(f"{self.name} died in {self.died}.", self.id, "died", (), when)

    def played(self, book: Lorebook) -> list[str]:
        """The parts played, with credit notes, and each part's work when there are several:
        `Olympia (singing voice) · The Tales of Hoffmann`."""
        parts = book.played_by(self.id)
        several = len({c.work for c in parts}) > 1
        lines = []
        for character in parts:
            notes = [p.note for p in character.played_by if p.person == self.id and p.note]
            line = f"{character.name} ({', '.join(notes)})" if notes else character.name
            lines.append(f"{line} · {book.name_of(character.work)}" if several else line)
        return lines

    def details(self, book: Lorebook) -> list[Detail]:
        years = "–".join(str(y) for y in (self.born, self.died) if y)
        out = [Detail("Roles", ", ".join(self.roles), True)]
        if years:
            out.append(Detail("Lived", years, True))
        return [*out, Detail.listing("Played", self.played(book))]

    def linked_ids(self, book: Lorebook) -> list[str]:
        return [*(c.id for c in book.played_by(self.id)), *super().linked_ids(book)]


class _Ordered(InWork):
    """A step of a work's sequence. `order` is the step's place within its own work only, so
    scene 3 of one film and scene 3 of another are both valid."""

    step_label: ClassVar[str] = "Scene"
    """What one step is called where its place is shown (`Scene 3 of 7 of ...`)."""
    form_template: ClassVar[Mapping[str, Any]] = MappingProxyType({"order": 1, "characters": []})

    kind: Literal["scene", "ballet_scene"]
    order: Annotated[int, Field(ge=1, le=1000)]
    characters: tuple[EntryId, ...] = ()

    def references(self) -> list[tuple[tuple[str | int, ...], str]]:
        refs = super().references()
        refs += [(("characters", i), c) for i, c in enumerate(self.characters)]
        return refs

    def facts(self, context: FactContext) -> Iterator[Fact]:
        """Its sentences tell "what happens" and "why", and are told with the whole step; the
        first and last step also say where they fall."""
        happens = frozenset({"what happens", "why"})
        for fact in super().facts(context):
            about = (*fact.about, *self.characters)
            yield replace(fact, about=about, answers=fact.answers | happens, whole=True)
        last = context.last_order.get((self.kind, self.work), 0)
        position = "first" if self.order == 1 else "last" if self.order == last else None
        if position:
            text = f"{self.name} is the {position} scene of {context.name(self.work)}."
            answers = frozenset({"how", "what", "what happens"})
            yield Fact(text, self.id, "order", (), answers, whole=True)

    def position(self, book: Lorebook) -> str:
        """Where the step stands in its own work: `Scene 3 of 7 of The Tales of Hoffmann`."""
        steps = book.sequence(self.kind, self.work)
        place = next((n for n, s in enumerate(steps, start=1) if s.id == self.id), self.order)
        return f"{self.step_label} {place} of {len(steps)} of {book.name_of(self.work)}"

    def details(self, book: Lorebook) -> list[Detail]:
        """The place in the work names the work, so no `From` follows."""
        return [
            Detail("Order", self.position(book), True),
            Detail.listing("Characters", (book.name_of(c) for c in self.characters)),
        ]

    def linked_ids(self, book: Lorebook) -> list[str]:
        return [*self.characters, *super().linked_ids(book)]


class Scene(_Ordered):
    """One step of a film's story; `order` runs from the opening to the ending."""

    label: ClassVar[str] = "Story scene"

    kind: Literal["scene"]


class BalletScene(_Ordered):
    """One step of a ballet, in the order it is danced; the Ballet of the Red Shoes unless
    `work` names another."""

    label: ClassVar[str] = "Ballet scene"
    step_label: ClassVar[str] = "Ballet scene"

    kind: Literal["ballet_scene"]
    work: EntryId = Field(
        default=BALLET_ID,
        description=f"The work this belongs to (a work id); {BALLET_ID} when left out.",
    )


class Quote(InWork):
    """A line of film dialogue, quoted exactly, with its speaker (a character id)."""

    label: ClassVar[str] = "Quote"
    form_template: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {"line": "", "speaker": "", "context": ""}
    )

    kind: Literal["quote"]
    line: Annotated[Text, Field(min_length=1, max_length=LINE_MAX)]
    speaker: EntryId
    context: Annotated[Text, Field(min_length=1, max_length=SUMMARY_MAX)]

    def references(self) -> list[tuple[tuple[str | int, ...], str]]:
        return [*super().references(), (("speaker",), self.speaker)]

    def facts(self, context: FactContext) -> Iterator[Fact]:
        who = frozenset({"who", "what"})
        speaker = (self.speaker,)
        said = f"{context.name(self.speaker)}: “{self.line}”"
        yield Fact(said, self.id, "line", speaker, who, hint=f"{self.name} {self.context}")
        yield from prose(self.context, self.id, "context", speaker, hint=self.name)
        yield from prose(self.summary, self.id, "summary", speaker, hint=self.name)

    def search_text(self) -> list[str]:
        return [*super().search_text(), self.line, self.context]

    def shown_text(self, book: Lorebook) -> str:
        return f"> {self.line}\n\n{self.summary}"

    def details(self, book: Lorebook) -> list[Detail]:
        return [
            Detail("Spoken by", book.name_of(self.speaker), True),
            Detail("When", self.context),
            *super().details(book),
        ]

    def linked_ids(self, book: Lorebook) -> list[str]:
        return [self.speaker, *super().linked_ids(book)]


class DialogueLine(_Strict):
    speaker: EntryId
    line: Annotated[Text, Field(min_length=1, max_length=LINE_MAX)]
    pause: Annotated[float, Field(ge=0, le=10, description="Seconds before this line.")] = 1.5


class Dialogue(InWork):
    """An exchange replayed line by line, such as the audition's "Why do you want to dance?"."""

    label: ClassVar[str] = "Dialogue"
    form_template: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {"context": "", "lines": [{"speaker": "", "line": ""}, {"speaker": "", "line": ""}]}
    )

    kind: Literal["dialogue"]
    context: Annotated[Text, Field(min_length=1, max_length=SUMMARY_MAX)]
    lines: tuple[DialogueLine, ...] = Field(min_length=2, max_length=20)

    def references(self) -> list[tuple[tuple[str | int, ...], str]]:
        refs = super().references()
        refs += [(("lines", i, "speaker"), ln.speaker) for i, ln in enumerate(self.lines)]
        return refs

    def facts(self, context: FactContext) -> Iterator[Fact]:
        """Each line with its answer, so "what did she reply to ..." finds the pair."""
        who = frozenset({"who", "what"})
        for said, reply in zip(self.lines, self.lines[1:], strict=False):
            text = (
                f"{context.name(said.speaker)}: “{said.line}” — "
                f"{context.name(reply.speaker)}: “{reply.line}”"
            )
            speakers = (said.speaker, reply.speaker)
            hint = f"{self.name} {self.context}"
            yield Fact(text, self.id, "line", speakers, who, hint=hint)
        yield from prose(self.context, self.id, "context", hint=self.name)
        yield from prose(self.summary, self.id, "summary", hint=self.name)

    def search_text(self) -> list[str]:
        return [*super().search_text(), self.context, *(line.line for line in self.lines)]

    def shown_text(self, book: Lorebook) -> str:
        lines = "\n".join(f"**{book.name_of(ln.speaker)}:** {ln.line}" for ln in self.lines)
        return f"{self.summary}\n\n{lines}"

    def details(self, book: Lorebook) -> list[Detail]:
        return [Detail("When", self.context), *super().details(book)]


class Trivia(InWork):
    """A fact (the summary), optionally with a quiz question and its choices."""

    label: ClassVar[str] = "Trivia"
    form_template: ClassVar[Mapping[str, Any]] = MappingProxyType({"topic": "film"})

    kind: Literal["trivia"]
    topic: Literal["film", "ballet", "cast", "tale"]
    question: Annotated[Text, Field(max_length=256)] | None = None
    answers: tuple[Annotated[Text, Field(min_length=1, max_length=80)], ...] = ()
    wrong: tuple[Annotated[Text, Field(min_length=1, max_length=80)], ...] = ()

    @model_validator(mode="after")
    def _quiz_is_complete(self) -> Trivia:
        if self.question is None:
            if self.answers or self.wrong:
                raise ValueError("`answers` and `wrong` need a `question`")
            return self
        if not self.answers:
            raise ValueError("a quiz question needs at least one accepted answer in `answers`")
        if not 1 <= len(self.wrong) <= 4:
            raise ValueError("a quiz question needs between 1 and 4 `wrong` choices")
        return self

    def facts(self, context: FactContext) -> Iterator[Fact]:
        yield from super().facts(context)
        if self.question and self.answers:
            text = f"{self.question} {joined(list(self.answers))}."
            yield Fact(text, self.id, "answer", (), asked_by(self.question), hint=self.name)

    def search_text(self) -> list[str]:
        return [*super().search_text(), self.question or ""]

    def details(self, book: Lorebook) -> list[Detail]:
        return [Detail("Topic", self.topic, True), *super().details(book)]


PersonaPurpose = Literal[
    "greeting",
    "thanks",
    "sign_off",
    "deflection",
    "unknown",
    "apology",
    "cooldown",
    "busy",
    "forbidden",
    "not_yours",
    "timeout",
    "verdict",
    "approval",
    "opinion",
    "advice",
    "charge",
    "hypothetical",
    "taste",
    "lead",
    "lead_self",
    "correction",
    "refutation",
    "refusal",
    "wellbeing",
    "compliment",
]


class Persona(EntryBase):
    """Lines in Lermontov's voice for one purpose; the bot picks one at random.

    A `lead` opens a fact he reports ("Let me tell you."), a `lead_self` one about himself;
    a `correction` answers a question about something the lore does not hold (`{thing}` names
    it), a `refutation` opens what the lore holds instead of a false claim about things it
    knows ("X played Y" when Z did); a `refusal` turns down attempts to change his persona or
    pull out secrets.
    An `opinion` is what he would say when a member asks him about something: `about` names the
    entries it concerns (a character, a scene, a work) and `topics` the themes it answers to
    ("ambition", "love"), so that questions put to him find his own words rather than a synopsis.
    `advice`, `charge`, `hypothetical` and `taste` are opinions of one kind, said only when a
    question asks for that kind ("any advice?", "people say you are cruel", "if you could go
    back...", "your favourite...?"): an advice line read as a plain opinion would be a non-sequitur.
    """

    label: ClassVar[str] = "Lermontov's voice"
    searchable: ClassVar[bool] = False
    form_template: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {"purpose": "greeting", "lines": [""]}
    )

    kind: Literal["persona"]
    purpose: PersonaPurpose
    lines: tuple[Annotated[Text, Field(min_length=1, max_length=LINE_MAX)], ...] = Field(
        min_length=1
    )
    about: tuple[EntryId, ...] = ()
    topics: tuple[Annotated[Text, Field(min_length=1, max_length=40)], ...] = ()

    @model_validator(mode="after")
    def _opinion_has_a_subject(self) -> Persona:
        if self.purpose == "opinion" and not (self.about or self.topics):
            raise ValueError("an `opinion` names what it is about in `about` (ids) or `topics`")
        return self

    def references(self) -> list[tuple[tuple[str | int, ...], str]]:
        refs = super().references()
        refs += [(("about", i), ref) for i, ref in enumerate(self.about)]
        return refs

    def facts(self, context: FactContext) -> Iterator[Fact]:
        """Only an opinion is findable, by what it is about; its lines are his, not facts."""
        if self.purpose == "opinion":
            subject = " ".join([*self.topics, *(context.name(a) for a in self.about)])
            yield Fact(subject, self.id, "opinion", self.about)

    def search_text(self) -> list[str]:
        return [*super().search_text(), *self.lines]

    def shown_text(self, book: Lorebook) -> str:
        return "\n".join(f"• {line}" for line in self.lines)


FactField = Literal[
    "played_by",
    "credit",
    "award",
    "year",
    "running_time",
    "born",
    "died",
    "roles",
    "role_in_story",
    "line",
    "context",
    "order",
    "answer",
    "summary",
    "body",
]
"""The fields facts are derived from (see `Entry.facts`); a phrasing names one of them."""

TalkSignal = Literal[
    "greeting",
    "thanks",
    "sign_off",
    "wellbeing",
    "compliment",
    "opinion",
    "advice",
    "charge",
    "hypothetical",
    "taste",
    "refuse",
    "rude",
    "list",
    "compare",
    "after",
    "before",
]
"""What a message may be doing besides asking for a fact: small talk (a greeting, thanks, a
goodbye, "how are you", a compliment), asking his opinion, trying to change his persona or pull
out secrets, insulting him, asking for a list or a step. Four say what kind of view is asked:
`advice` ("any tips?"), a `charge` put to him ("people say you are cruel"), a `hypothetical`
("if you could go back...") and his `taste` ("your favourite...?"), answered by persona lines of
that purpose, or by an `opinion` one of whose topics is among that signal's phrasings."""

Phrase = Annotated[Text, Field(min_length=1, max_length=60)]


class Lexicon(EntryBase):
    """How members ask about this lore, as data a moderator can extend.

    `phrasings` lists the words that point at a fact field ("played", "portrayed" → `played_by`)
    or say what a message is doing ("thanks", "ignore your instructions"); `groups` are words that
    mean the same thing here ("cinematographer", "camera", "director of photography"),
    `relations` name a person by their tie to another ("husband", "married"), `exclusive` lists
    values of which a thing has only one (colour or black and white: where the lore says one, a
    question claiming the other is set straight), and `you` is the character the persona speaks
    as, so "who played you?" means that entry.
    """

    label: ClassVar[str] = "How members ask"
    searchable: ClassVar[bool] = False
    form_template: ClassVar[Mapping[str, Any]] = MappingProxyType(
        {"phrasings": {"played_by": ["played"]}, "groups": [["camera", "cinematographer"]]}
    )
    kind: Literal["lexicon"]
    you: EntryId | None = None
    phrasings: dict[FactField | TalkSignal, tuple[Phrase, ...]] = {}
    groups: tuple[tuple[Phrase, ...], ...] = ()
    relations: tuple[tuple[Phrase, ...], ...] = ()
    exclusive: tuple[tuple[tuple[Phrase, ...], ...], ...] = ()

    def references(self) -> list[tuple[tuple[str | int, ...], str]]:
        refs = super().references()
        return [*refs, (("you",), self.you)] if self.you else refs

    def facts(self, context: FactContext) -> Iterator[Fact]:
        """How people ask is not itself something to answer with."""
        return iter(())


Entry = Annotated[
    Work | Character | Person | Scene | BalletScene | Quote | Dialogue | Trivia | Persona | Lexicon,
    Field(discriminator="kind"),
]
"""Any entry of the shipped kinds, for type checking; `ENTRY_ADAPTER` knows every registered
kind at run time, a new one included."""


class EntryAdapter:
    """Validates and dumps entries of every kind in `ENTRY_CLASSES`, as a pydantic
    `TypeAdapter` over their tagged union; rebuilt when a kind is added."""

    def __init__(self) -> None:
        self._classes: tuple[type[EntryBase], ...] = ()
        self._adapter: TypeAdapter[Entry] | None = None

    def _current(self) -> TypeAdapter[Entry]:
        classes = tuple(ENTRY_CLASSES.values())
        if self._adapter is None or classes != self._classes:
            union = Union[classes]  # type: ignore[valid-type]  # noqa: UP007  # built at run time
            self._adapter = TypeAdapter(Annotated[union, Field(discriminator="kind")])
            self._classes = classes
        return self._adapter

    def validate_python(self, data: Any) -> Entry:
        return self._current().validate_python(data)

    def validate_json(self, data: str | bytes) -> Entry:
        return self._current().validate_json(data)

    def dump_python(self, entry: Entry, **options: Any) -> Any:
        return self._current().dump_python(entry, **options)

    def dump_json(self, entry: Entry, **options: Any) -> bytes:
        return self._current().dump_json(entry, **options)

    def json_schema(self) -> dict[str, Any]:
        return self._current().json_schema()


ENTRY_ADAPTER = EntryAdapter()


def searchable_kinds() -> tuple[Kind, ...]:
    """The kinds `/search` looks in, every registered kind that is `searchable`."""
    return tuple(k for k, cls in ENTRY_CLASSES.items() if cls.searchable)  # type: ignore[misc]


def lore_json_schema() -> dict[str, Any]:
    """The JSON Schema of a lore file, for editors and for `python -m bot lore schema`."""
    entry_schema = ENTRY_ADAPTER.json_schema()
    defs = entry_schema.pop("$defs", {})
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Red Shoes bot lore file",
        "type": "object",
        "additionalProperties": False,
        "required": ["entries"],
        "properties": {"entries": {"type": "array", "items": entry_schema}},
        "$defs": defs,
    }
