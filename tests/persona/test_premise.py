"""Words the lore lacks: a thing is corrected by name, an ordinary word names nothing.

Plain English decides which is which (a noun after a determiner or a preposition, a verb after
its subject, an adjective after "so", "more" or "is"), so these hold for any lore.
"""

from __future__ import annotations

import random

import pytest

from bot.lore.lorebook import Lorebook
from bot.lore.mentions import Mention
from bot.persona.chat import Answerer
from bot.persona.premise import thing
from bot.persona.reading import read


def named(text: str, *unknown: str) -> str:
    return thing(read(text).tokens, unknown, ())[0]


@pytest.mark.parametrize(
    ("question", "unknown", "said"),
    [
        ("what happens in the spaceship scene?", ("spaceship",), "spaceship scene"),
        ("tell me about the car chase", ("car", "chase"), "car chase"),
        ("who played the robot in the ballet", ("robot",), "robot"),
        ("why did hitchcock direct the film?", ("hitchcock",), "hitchcock"),
        ("who is zorro?", ("zorro",), "zorro"),
        ("what happens when they go to new york", ("york",), "new york"),
        ("why did u get rid of your cat", ("cat",), "cat"),
        ("tell me about the ghost of the opera house", ("ghost",), "ghost"),
    ],
)
def test_a_thing_the_lore_lacks_is_named_back(
    question: str, unknown: tuple[str], said: str
) -> None:
    assert named(question, *unknown) == said


@pytest.mark.parametrize(
    ("question", "unknown"),
    [
        ("why did you hate him so much", ("hate",)),  # a verb after its subject
        ("which do you prefer", ("prefer",)),
        ("that's harsh", ("harsh",)),  # an adjective after "is"
        ("what is more important to you", ("important",)),  # after a degree word
        ("how did she learn so fast", ("fast",)),
        ("remind me of the party", ("remind",)),  # an imperative
        ("she danced beautifully", ("beautifully",)),  # an adverb
        ("how do you decide who dances", ("decide",)),
        ("is love a distraction for an artist?", ("distraction",)),  # an idea
        ("what is the hardest part of it", ("hardest",)),  # a word that describes
        ("should she have a life outside the theatre", ("outside",)),  # a preposition
        ("did she learn the steps from scratch", ("scratch",)),  # a turn of phrase
        ("what is the meaning of the title", ("meaning",)),  # an aspect of what is named
        ("who dances at the climax of the ballet", ("climax",)),  # a place within it
        ("was he just a fraud", ("fraud",)),  # a judgement asked of someone
        ("wasnt it kind of a stopgap", ("stopgap",)),  # the same, hedged
        ("which singer shows up as a kid in it", ("kid",)),  # what someone appears as
        ("is she an actual star", ("actual",)),
        ("what did p&p make next", ("p",)),  # a letter of an abbreviation
        ("why does she leave the company halfway through?", ("halfway",)),  # closes a clause
        ("any other films together i should watch", ("together",)),  # before a new subject
        ("what was wrong with the negatives", ("wrong",)),  # a quality of what follows
    ],
)
def test_an_ordinary_word_names_nothing(question: str, unknown: tuple[str]) -> None:
    assert named(question, *unknown) == ""


def named_beside(text: str, unknown: str, name: str) -> str:
    """As `named`, with `name` (one word of the text) a lore entry's name."""
    tokens = read(text).tokens
    at = tokens.index(name)
    return thing(tokens, (unknown,), (Mention(at, at + 1, frozenset({"x"}), 0.9),))[0]


@pytest.mark.parametrize(
    ("question", "unknown", "name", "said"),
    [
        ("who played odile's sister", "sister", "odile", "sister"),  # a relative of a name
        ("how did odile react", "react", "odile", ""),  # the verb of a name
        ("why didn't odile act more", "act", "odile", ""),
        ("what does odile snap at him", "snap", "odile", ""),
        ("who made the big odile ballet", "big", "odile", ""),  # a word describing a name
        ("how does he end up being odile's lawyer", "lawyer", "odile", ""),  # said of him
        ("odile looks unreal", "looks", "odile", ""),  # a name opening a statement
    ],
)
def test_a_word_beside_a_name_is_its_relative_not_its_verb(
    question: str, unknown: str, name: str, said: str
) -> None:
    assert named_beside(question, unknown, name) == said


@pytest.mark.parametrize(
    "question",
    [
        "the rabbit in the hat line - who says it?",  # which line, in the member's words
        "Julian has this romantic line to Vicky, what does he say?",
        "I'm trying to place a face: who acted Professor Palmer?",  # an aside before the question
        "what's your idea of a perfect evening?",  # his own life is no listed record
    ],
)
def test_a_real_thing_asked_in_other_words_is_never_denied(
    lorebook: Lorebook, question: str
) -> None:
    reply = Answerer(rng=random.Random(0)).answer(lorebook, question)
    lines = lorebook.persona("correction")
    denials = [max(line.split("{thing}"), key=len).strip(" ?.") for line in lines]
    assert not any(d in reply.answer for d in denials), reply.answer
