"""Quiz questions drawn from the lore's trivia entries, choices shuffled.

Kept apart from the game so the console, tests and the benchmark can draw questions without
running one, and so the topics a command offers come from one place.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal, get_args

from bot.lore.lorebook import Lorebook
from bot.lore.model import Trivia

Topic = Literal["all", "film", "ballet", "cast", "tale"]
TOPICS: tuple[Topic, ...] = get_args(Topic)
MAX_ROUNDS = 20


@dataclass(frozen=True)
class Question:
    """One trivia entry turned into a multiple-choice question with its choices shuffled."""

    entry_id: str
    topic: str
    text: str
    choices: tuple[str, ...]
    correct: int
    fact: str

    @property
    def answer(self) -> str:
        return self.choices[self.correct]


def quiz_pool(book: Lorebook, topic: Topic = "all") -> tuple[Trivia, ...]:
    """The trivia entries that carry a question, on one topic or all of them."""
    return tuple(
        t
        for t in book.of_type(Trivia)
        if t.question is not None and (topic == "all" or t.topic == topic)
    )


def make_question(entry: Trivia, rng: random.Random) -> Question:
    """The entry's first accepted answer and its wrong ones, shuffled; the fact is the summary."""
    if entry.question is None:
        raise ValueError(f"trivia entry {entry.id!r} has no question")
    right = entry.answers[0]
    choices = [right, *(w for w in entry.wrong if w.casefold() != right.casefold())]
    rng.shuffle(choices)
    return Question(
        entry_id=entry.id,
        topic=entry.topic,
        text=entry.question,
        choices=tuple(choices),
        correct=choices.index(right),
        fact=entry.summary,
    )


def draw_questions(
    book: Lorebook, topic: Topic, rounds: int, rng: random.Random
) -> tuple[Question, ...]:
    """Up to `rounds` different questions, in random order (fewer when the pool is small)."""
    pool = quiz_pool(book, topic)
    picked = rng.sample(pool, min(rounds, len(pool)))
    return tuple(make_question(entry, rng) for entry in picked)
