"""Whole answers: a message cut into its questions, each answered, the answers put together."""

from __future__ import annotations

import random

import pytest

from bot.lore.facts import sentences
from bot.lore.lorebook import Lorebook
from bot.lore.text import fold
from bot.persona.chat import Answerer
from bot.persona.listing import spread
from bot.persona.ordering import items
from bot.persona.reading import asks, read, split, topic
from bot.persona.whole import Asked, questions


@pytest.mark.parametrize(
    ("message", "parts"),
    [
        ("who shot it and did he win anything?", ["who shot it", "did he win anything?"]),
        (
            "who did it, when did it open, and who paid?",
            ["who did it", "when did it open", "who paid?"],
        ),
        ("how does one end vs how does two end", ["how does one end", "how does two end"]),
        ("who is she? and who played her", ["who is she?", "and who played her"]),
    ],
)
def test_a_message_is_cut_into_each_question_it_asks(message: str, parts: list[str]) -> None:
    assert split(message) == parts


@pytest.mark.parametrize(
    "message",
    [
        "so, what happens at the end?",  # a lead-in, not a question
        "when the maestro says no, what do you answer?",  # a clause setting up the question
        "where does she dance first — which company, what theatre?",  # words specifying it
        "hi, who directed it?",
    ],
)
def test_one_question_is_not_cut_into_pieces(message: str) -> None:
    assert split(message) == [message]


def test_a_lone_question_word_asks_with_the_question_after_it() -> None:
    assert split("when, and whose music did he use?") == ["when, whose music did he use?"]


def test_a_lead_in_names_the_topic_of_the_questions_after_it() -> None:
    assert topic("the restoration: who did it?") == ("the restoration", "who did it?")
    assert topic("Lady X — who played her?") == ("Lady X", "who played her?")
    assert topic("who did it: the director?") == ("", "who did it: the director?")


@pytest.mark.parametrize(
    ("part", "asking"),
    [
        ("wasn't it at a party?", True),
        ("the colours are insane, was that technicolor", True),
        ("walk me through it", True),
        ("so sad", False),
        ("be honest", False),
        ("i always forget her name lol", False),
    ],
)
def test_an_aside_asks_nothing(part: str, asking: bool) -> None:
    assert asks(part) is asking


def test_a_comparison_asks_each_question_of_each_side(lorebook: Lorebook) -> None:
    asked = questions(lorebook.facts, "compare the tale and the ballet: who takes the shoes off?")
    assert [q.text for q in asked] == [
        "who takes the shoes off? in the tale",
        "who takes the shoes off? in the ballet",
    ]


def test_a_topic_of_the_lore_is_carried_into_each_question(lorebook: Lorebook) -> None:
    asked = questions(lorebook.facts, "the restoration: who did it, and when did it premiere?")
    assert [q.text for q in asked] == [
        "who did it restoration",
        "when did it premiere? restoration",
    ]
    assert [q.later for q in asked] == [False, True]
    assert asked[1].plain == "when did it premiere"  # a decline names it as it was put


def test_a_remark_after_a_question_is_an_aside(lorebook: Lorebook) -> None:
    asked = questions(lorebook.facts, "who shot it? the colour is gorgeous")
    assert asked == [
        Asked("who shot it?", put="who shot it?"),
        Asked("the colour is gorgeous", True, True, "the colour is gorgeous"),
    ]
    assert asked[1].plain == ""


def test_two_questions_get_two_answers_and_one_source_line(lorebook: Lorebook) -> None:
    reply = Answerer(rng=random.Random(1)).answer(
        lorebook, "who played julian, and who played boronskaja?"
    )
    assert "Marius Goring" in reply.answer and "Ludmilla Tchérina" in reply.answer
    assert reply.answer.count("-# from") == 1
    assert {"marius-goring", "ludmilla-tcherina"} <= set(reply.sources)


def test_a_pronoun_in_a_later_question_means_the_subject_before_it(lorebook: Lorebook) -> None:
    reply = Answerer(rng=random.Random(1)).answer(
        lorebook, "who played ratov and what does he do in the story?"
    )
    assert "Albert Bassermann" in reply.answer and "designer" in reply.answer


def test_a_part_the_lore_cannot_answer_is_declined_by_name_and_the_rest_kept(
    lorebook: Lorebook,
) -> None:
    reply = Answerer(rng=random.Random(1)).answer(
        lorebook, "who played livy? and what was his favourite zeppelin?"
    )
    assert "Esmond Knight played" in reply.answer  # the answered part is not lost
    declined = next(line for line in reply.answer.split("\n") if "zeppelin" in line)
    assert declined.startswith("*and what was his favourite zeppelin?*")
    assert reply.sources and reply.confidence > 0


def test_an_aside_is_never_declined_aloud(lorebook: Lorebook) -> None:
    reply = Answerer(rng=random.Random(1)).answer(lorebook, "who shot it? so gorgeous")
    assert "Jack Cardiff" in reply.answer
    assert "gorgeous" not in fold(reply.answer)


def test_a_long_whole_answer_fits_discord_and_repeats_no_sentence(lorebook: Lorebook) -> None:
    reply = Answerer(rng=random.Random(1)).answer(
        lorebook,
        "walk me through the ballet scene by scene, and list every scene of the story in order",
    )
    assert len(reply.answer) <= 2000
    body = [line for line in reply.answer.split("\n") if not line.startswith("-# ")]
    said = [fold(s) for line in body for s in sentences(line)]
    assert len(said) == len(set(said))
    assert reply.answer.split("\n")[-1].startswith("-# from *")


@pytest.mark.parametrize(
    ("message", "size"),
    [
        ("sum it up in 5 sentences", 5),
        ("the plot in three lines please", 3),
        ("name a couple of films", 2),
        ("give me a few examples", 3),
        ("one of the films", None),
        ("who won the two oscars", None),
    ],
)
def test_a_request_may_say_how_many_it_wants(message: str, size: int | None) -> None:
    question = read(message)
    assert question.size == size
    assert not {"sentences", "lines"} & set(question.tokens)  # a measure names nothing


def test_a_spread_keeps_the_first_and_the_last() -> None:
    assert spread(list(range(15)), 5) == [0, 4, 7, 10, 14]
    assert spread(list(range(3)), 5) == [0, 1, 2]
    assert spread(list(range(4)), None) == [0, 1, 2, 3]


def test_a_cast_asked_of_a_work_lists_every_part_in_the_lore_order(lorebook: Lorebook) -> None:
    reply = Answerer(rng=random.Random(1)).answer(lorebook, "who dances in the ballet?")
    lines = [line for line in reply.answer.split("\n")[1:] if not line.startswith("-# ")]
    assert lines == [
        "Moira Shearer played The Girl (Ballet of the Red Shoes).",
        "Léonide Massine played The Shoemaker (Ballet of the Red Shoes).",
        "Robert Helpmann played The Boy (Ballet of the Red Shoes).",
    ]


def test_a_list_of_a_set_size_gives_that_many(lorebook: Lorebook) -> None:
    reply = Answerer(rng=random.Random(1)).answer(lorebook, "list the cast, the 4 biggest names")
    assert reply.answer.count(" played ") == 4
    summary = Answerer(rng=random.Random(1)).answer(lorebook, "the plot in three sentences pls")
    body = [line for line in summary.answer.split("\n")[1:] if not line.startswith("-# ")]
    assert len(body) == 3 and "Miss Page will not dance" in body[-1]  # the story still ends


def test_a_cast_is_no_list_when_someone_is_named(lorebook: Lorebook) -> None:
    reply = Answerer(rng=random.Random(1)).answer(lorebook, "who played lermontov?")
    assert reply.answer.count(" played ") == 1


@pytest.mark.parametrize(
    ("message", "listed"),
    [
        ("what order: (a) the party (b) the premiere", [("a", "the party"), ("b", "the premiere")]),
        (
            "which came first: the party or the premiere?",
            [("1", "the party"), ("2", "the premiere")],
        ),
        ("(a) the party (b) the premiere", []),  # no order asked
        ("in what order do these happen: the party", []),  # one thing has no order
    ],
)
def test_events_listed_to_be_put_in_order(message: str, listed: list[tuple[str, str]]) -> None:
    assert items(message) == listed


def test_events_are_told_in_the_story_order_and_an_unknown_one_is_named(lorebook: Lorebook) -> None:
    reply = Answerer(rng=random.Random(1)).answer(
        lorebook,
        "in what order do these happen: (a) the premiere of the ballet (b) lady neston's party "
        "(c) the zeppelin race",
    )
    lines = reply.answer.split("\n")
    assert lines[1].startswith("(b) **The party at Lady Neston's**")
    assert lines[2].startswith("(a) **The premiere of The Red Shoes**")
    assert lines[3].startswith("*(c) the zeppelin race?*")  # declined by name, the rest kept
    assert {"scene-audition-party", "scene-premiere"} <= set(reply.sources)
