"""The audition exchange as a script: who speaks, what they say, and the pause before it.

The words and pauses come from the lore's `dialogue` entry, so a moderator can retime or
correct the scene; this module only turns that entry into steps a player can follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.lore.lorebook import Lorebook
from bot.lore.model import Dialogue, Lexicon


@dataclass(frozen=True)
class Step:
    speaker_id: str
    speaker: str
    line: str
    pause: float


def speaker_name(book: Lorebook, speaker_id: str) -> str:
    entry = book.get(speaker_id)
    return entry.name if entry else speaker_id.replace("-", " ").title()


def audition(book: Lorebook) -> Dialogue | None:
    """The exchange the persona's own character opens (the lexicon's `you`), else the first
    dialogue of the lore: found by what the lore says, not by an id in code."""
    you = next((e.you for e in book.of_type(Lexicon) if e.you), None)
    dialogues = book.of_type(Dialogue)
    opened = [d for d in dialogues if d.lines[0].speaker == you]
    found = opened or list(dialogues)
    return found[0] if found else None


def replay_steps(book: Lorebook, dialogue: Dialogue) -> list[Step]:
    """The dialogue's lines in order, each with its speaker's display name and its pause."""
    return [
        Step(line.speaker, speaker_name(book, line.speaker), line.line, line.pause)
        for line in dialogue.lines
    ]


def films_reply(dialogue: Dialogue) -> str | None:
    """What the first speaker says after being answered: Lermontov's "... I must." in the film."""
    asker = dialogue.lines[0].speaker
    answered = False
    for line in dialogue.lines[1:]:
        if line.speaker != asker:
            answered = True
        elif answered:
            return line.line
    return None
