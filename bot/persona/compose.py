"""Turning lore entries into Lermontov's short answers.

Templates here only arrange what the entries say (names, years, credits, summaries): the facts
always come from the lore. Answers stay well inside Discord's 2,000 characters, and end with a
small "from *Entry*" line so a reader can see where an answer came from without it shouting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.lore.lorebook import Lorebook
from bot.lore.model import Character, Credit, Dialogue, Entry, Person, Quote, Work

MAX_ANSWER = 1800
NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
ROLE_PATTERNS: dict[str, tuple[str, ...]] = {
    "director": (r"^director\b(?! of photography)", r"^(film )?direct"),
    "writer": (r"screenplay|screenwriter|writer|^written", r"author|book|story", r"dialogue"),
    "producer": (r"\bproducer\b",),
    "composer": (r"compos|^music\b|score",),
    "choreographer": (r"choreograph",),
    "conductor": (r"conduct",),
    "designer": (r"production design", r"design", r"art director"),
    "cinematographer": (r"photograph|cinematograph|camera",),
    "editor": (r"\beditor\b|editing",),
    "art director": (r"art direct",),
    "lighting": (r"light",),
    "lyricist": (r"lyric",),
}
"""Credit roles a question's role word stands for, most specific first (first match wins)."""

FORM_VERBS = {
    "film": "came out in",
    "fairy tale": "was published in",
    "restoration": "premiered in",
    "stage musical": "opened in",
    "stage ballet": "premiered in",
    "ballet": "was first danced, on screen, in",
}


def finish(text: str, sources: Sequence[Entry]) -> str:
    """Trim to Discord's size and add the unobtrusive source line."""
    if len(text) > MAX_ANSWER:
        cut = text[:MAX_ANSWER]
        text = cut[: cut.rfind(". ") + 1] or cut
    names = list(dict.fromkeys(e.name for e in sources[:2]))
    return f"{text}\n-# from *{'* · *'.join(names)}*" if names else text


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def spoken(line: str, speaker: Entry | None) -> str:
    who = speaker.name if speaker else "Someone"
    return f"**{who}:** “{line}”"


def performers(character: Character, book: Lorebook) -> str:
    """Everyone credited with a character, each with their credit note: `**Moira Shearer** and
    **Dorothy Bond** (singing voice)`."""
    names = [p.credit(f"**{_name(book, p.person)}**") for p in character.played_by]
    return _join(names)


def _name(book: Lorebook, entry_id: str) -> str:
    entry = book.get(entry_id)
    return entry.name if entry else entry_id


def played_by(character: Character, book: Lorebook) -> str:
    return f"{performers(character, book)} played **{character.name}**."


def played(actor: Person, parts: Sequence[Character]) -> str:
    return f"**{actor.name}** played {_join([f'**{c.name}**' for c in parts])}."


def staged(work: Work, character: Character, names: Sequence[str]) -> str:
    return f"In *{work.name}*, {_join([f'**{n}**' for n in names])} played {character.name}."


def person(entry: Person) -> str:
    return f"**{entry.name}** ({', '.join(entry.roles)}): {entry.summary}"


def cast(work: Work, pairs: Sequence[tuple[Character, Person]]) -> str:
    listed = "; ".join(f"**{p.name}** as {c.name}" for c, p in pairs)
    return f"In *{work.name}*: {listed}."


def credits_for(work: Work, role: str) -> list[Credit]:
    for pattern in ROLE_PATTERNS.get(role, ()):
        found = [c for c in work.credits if re.search(pattern, c.role, re.IGNORECASE)]
        if found:
            return found
    return []


def credit_name(credit: Credit, book: Lorebook) -> str:
    entry = book.get(credit.person) if credit.person else None
    return entry.name if entry else credit.name or "?"


def crew(work: Work, credits: Sequence[Credit], book: Lorebook) -> str:
    roles = list(dict.fromkeys(c.role for c in credits))
    if len(roles) == 1:
        names = _join([f"**{credit_name(c, book)}**" for c in credits])
        colon = "" if roles[0].endswith(" by") else ":"
        return f"*{work.name}* — {roles[0]}{colon} {names}."
    listed = "; ".join(f"{c.role}: **{credit_name(c, book)}**" for c in credits)
    return f"*{work.name}* — {listed}."


def year(work: Work) -> str:
    verb = FORM_VERBS.get(work.form, "dates from")
    return f"*{work.name}* {verb} **{work.year}**."


def lifespan(entry: Person) -> str:
    died = f" and died in **{entry.died}**" if entry.died else ""
    return f"**{entry.name}** was born in **{entry.born}**{died}."


def running_time(work: Work) -> str:
    return f"*{work.name}* runs **{work.running_time} minutes**."


def _count(n: int) -> str:
    return NUMBERS[n] if n < len(NUMBERS) else str(n)


def _number(plural: str, n: int) -> str:
    """ "Academy Awards" for several, "Academy Award" for one."""
    return plural[:-1] if n == 1 and plural.endswith("s") else plural


def awards(work: Work) -> str:
    bodies: dict[str, list[str]] = {}
    nominated: list[str] = []
    for award in work.awards:
        if award.result == "won":
            bodies.setdefault(award.award, []).append(award.category)
        else:
            nominated.append(f"{award.category} ({award.award}, {award.year})")
    won = [f"{_count(len(c))} {_number(b, len(c))} ({'; '.join(c)})" for b, c in bodies.items()]
    parts = [f"*{work.name}* won {_join(won)}." if won else f"*{work.name}* won nothing."]
    if nominated:
        parts.append(f"Nominated, without winning: {'; '.join(nominated)}.")
        counts = {a.award: sum(b.award == a.award for b in work.awards) for a in work.awards}
        listed = [f"{_count(n)} {_number(body, n)} nominations" for body, n in counts.items()]
        parts.append(f"In all: {_join(listed)}.")
    return " ".join(parts)


def scenes(entries: Sequence[Entry]) -> str:
    return "\n".join(f"**{e.name}** — {e.summary}" for e in entries)


def passage(entry: Entry, sentences: Sequence[str]) -> str:
    return f"**{entry.name}** — {' '.join(sentences)}"


def relative(character: Character, said_in: Entry, sentence: str) -> str:
    """A character found by a relation, with the sentence of the lore that names it, and whose
    entry that sentence belongs to when it is not the character's own ("marries Vicky")."""
    if said_in.id == character.id:
        return passage(character, [sentence])
    return f"**{character.name}**. Of {said_in.name}: {sentence}"


def quote(entry: Quote, speaker: Entry | None) -> str:
    return f"{spoken(entry.line, speaker)}\n{entry.context}"


def about(entry: Entry, book: Lorebook) -> str:
    """Who or what an entry is, in a few sentences."""
    if isinstance(entry, Character):
        role = f" — {entry.role_in_story}." if entry.role_in_story else "."
        cast = performers(entry, book)
        played = f" Played by {cast}." if cast else ""
        return f"**{entry.name}**{role} {entry.summary}{played}"
    if isinstance(entry, Person):
        dates = f" ({entry.born}–{entry.died or ''})" if entry.born else ""
        return f"**{entry.name}**{dates}: {entry.summary}"
    if isinstance(entry, Work):
        return f"*{entry.name}* ({entry.year}): {entry.summary}"
    if isinstance(entry, Quote):
        return quote(entry, book.get(entry.speaker))
    if isinstance(entry, Dialogue):
        return "\n".join(spoken(ln.line, book.get(ln.speaker)) for ln in entry.lines)
    return f"**{entry.name}** — {entry.summary}"
