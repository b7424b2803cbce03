"""Lermontov's voice around the lore's facts: a lead in character, the facts unaltered, a source.

The lead lines are persona lore (`lead`, `lead_self`), so moderators change the voice without
code. The facts are printed as the lore states them; the only additions are the entry's name in
bold where a sentence of prose does not say whose it is, and a small `-# from *Entry*` line.
Replies never repeat a sentence, and a long reply is cut between sentences, never inside one.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.lore.facts import Fact, sentences
from bot.lore.lorebook import Lorebook
from bot.lore.model import Entry, PersonaPurpose
from bot.lore.text import fold
from bot.persona.lines import persona_line

DISCORD_LIMIT = 2000
MAX_ANSWER = 1900
"""Discord allows 2,000 characters; the footer and a lead fit in what is left."""
PROSE = frozenset({"summary", "body", "context"})
MAX_SOURCES = 3
STORY_SLACK = 80
"""Room a story's steps leave for the lead line."""


def said(book: Lorebook, purpose: PersonaPurpose, rng: random.Random, name: str | None) -> str:
    return persona_line(book, purpose, rng, name)


def fact_text(book: Lorebook, fact: Fact, named: set[str]) -> str:
    """A fact as printed: the lore's sentence, with whose it is when neither the sentence nor
    an earlier one of the same reply (`named`, updated here) says so."""
    entry = book.get(fact.entry)
    text = fact.text
    said = fact.entry in named
    named.add(fact.entry)
    if entry is not None and fact.field in PROSE and not said and not _names(entry, text):
        text = f"**{entry.name}**: {text}"
    if fact.whole and entry is not None:
        text = entry.summary if fact.text in entry.summary else f"{text} {entry.summary}"
    return text


def step_text(entry: Entry) -> str:
    return f"**{entry.name}** — {entry.summary}"


def steps_text(
    steps: Sequence[Entry], room: int = MAX_ANSWER - STORY_SLACK, brief: bool = False
) -> list[str]:
    """Steps of a story told whole when they fit; else each by its first sentence, named,
    then unnamed: a summary reaches the story's end rather than stopping halfway. `brief`
    (a summary of a set size): one sentence a step."""
    whole = [step_text(s) for s in steps]
    firsts = [(s.name, (sentences(s.summary) or [s.summary])[0]) for s in steps]
    forms = [whole, [f"**{n}** — {f}" for n, f in firsts], [f for _, f in firsts]]
    for told in forms[2:] if brief else forms:
        if sum(len(t) + 1 for t in told) <= room:
            return told
    return whole


def _names(entry: Entry, text: str) -> bool:
    folded = fold(text)
    names = [entry.name, *entry.aliases]
    return any(fold(n) in folded for n in names if len(n) > 3)


def compose(
    parts: Sequence[str],
    sources: Sequence[Entry],
    lead: str | None = None,
    most: int = MAX_SOURCES,
) -> str:
    """The reply: a lead, each part once (no sentence twice), cut at a sentence, a source line
    naming the first `most` sources, as many as fit in Discord's 2,000 characters."""
    seen: set[str] = set()
    lines: list[str] = [lead] if lead else []
    room = MAX_ANSWER - (len(lead) + 1 if lead else 0)
    for part in (line for text in parts for line in text.split("\n")):
        kept = []
        for sentence in sentences(part):
            key = fold(sentence)
            if key in seen:
                continue
            seen.add(key)
            if len(sentence) + 1 > room:
                room = 0
                break
            kept.append(sentence)
            room -= len(sentence) + 1
        if kept:
            lines.append(" ".join(kept))
        if room <= 0:
            break
    text = "\n".join(lines)
    names = list(dict.fromkeys(e.name for e in sources))[:most]
    while names and len(text) + len(_footer(names)) > DISCORD_LIMIT:
        names.pop()
    return f"{text}{_footer(names)}" if names else text


def _footer(names: Sequence[str]) -> str:
    return f"\n-# from *{'* · *'.join(names)}*"
