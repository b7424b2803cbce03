"""The chat in a server that imported a pack about another film: the pack's film is answered
from the pack, as the shipped film is from the shipped lore, with nothing written for it."""

from __future__ import annotations

import random

import pytest

from bot.lore.facts import prose
from bot.lore.library import Overlay, layer
from bot.lore.lorebook import Lorebook
from bot.lore.transfer import plan_import
from bot.persona.chat import Answerer
from bot.persona.whole import questions

PACK = b"""
entries:
  - id: rh-film
    kind: work
    form: film
    year: 1950
    name: Run Home!
    summary: A black-and-white comedy about a Hebridean postman who delivers one letter too many.
    body: >-
      It opened in Britain in May 1950 and reached American cinemas in March 1951. It runs
      about 80 minutes.
    credits:
      - {role: "Director of photography", name: "Ada Quill"}
    running_time: 80
    sources:
      - {title: "Made up for this test"}
  - id: rh-postman
    kind: character
    work: rh-film
    name: Tom Letts
    role_in_story: "The town's letter carrier"
    played_by: rh-actor
    summary: A postman in a small town who cannot leave a letter undelivered.
    sources:
      - {title: "Made up for this test"}
  - id: rh-actor
    kind: person
    name: Jon Arden
    roles: [actor]
    summary: Later famous as a singer; as a young man he played Tom Letts.
    sources:
      - {title: "Made up for this test"}
"""


@pytest.fixture(scope="module")
def imported(lorebook: Lorebook) -> Lorebook:
    plan = plan_import("run-home.yaml", PACK, lorebook, {})
    return layer(lorebook, Overlay(1, plan.entries))


def test_a_title_ending_in_a_mark_does_not_cut_the_question(imported: Lorebook) -> None:
    asked = questions(imported.facts, "When did Run Home! come out in Britain?")
    assert [a.text for a in asked] == ["When did Run Home! come out in Britain?"]


def test_a_question_ending_at_such_a_title_is_still_cut_from_the_next(
    imported: Lorebook,
) -> None:
    asked = questions(imported.facts, "who shot Run Home! and who played Tom Letts?")
    assert len(asked) == 2


def test_a_follow_up_stays_with_the_other_film(imported: Lorebook) -> None:
    answerer = Answerer(random.Random(0))
    first = answerer.answer(imported, "When did Run Home! come out?", "c")
    then = answerer.answer(imported, "and in America?", "c")
    assert first.sources[:1] == ["rh-film"]
    assert "March 1951" in then.answer
    assert set(then.sources) <= {"rh-film", "rh-postman", "rh-actor"}


def test_a_release_date_in_prose_answers_when_the_film_came_out(imported: Lorebook) -> None:
    reply = Answerer(random.Random(0)).answer(imported, "When did Run Home! open in Britain?", "c")
    assert "May 1950" in reply.answer


def test_who_played_a_part_answers_for_the_film_of_the_part(imported: Lorebook) -> None:
    reply = Answerer(random.Random(0)).answer(imported, "which famous singer is in Run Home!?", "c")
    assert "Jon Arden" in reply.answer


def test_a_question_after_an_aside_naming_the_film_is_about_it(imported: Lorebook) -> None:
    reply = Answerer(random.Random(0)).answer(
        imported, "Run Home! looks so odd... who was behind the camera?", "c"
    )
    assert "Ada Quill" in reply.answer
    assert set(reply.sources) <= {"rh-film", "rh-postman", "rh-actor"}


def test_a_sentence_doing_what_the_one_before_said_is_told_with_it() -> None:
    said = [
        f.text
        for f in prose("He needs money to buy a boat. She offers him enough to do it.", "x", "s")
    ]
    assert said == [
        "He needs money to buy a boat.",
        "He needs money to buy a boat. She offers him enough to do it.",
    ]
    alone = "She signs to the priest to take off the shoes; as he does so she dies."
    assert [f.text for f in prose(alone, "x", "s")] == [alone]


def test_a_long_word_is_known_by_the_lore_word_of_its_root(imported: Lorebook) -> None:
    assert imported.facts.correct("hebrides") == "hebridean"
    assert imported.facts.correct("spaceship") is None


def test_a_part_is_found_by_what_it_is_in_the_story(imported: Lorebook) -> None:
    reply = Answerer(random.Random(0)).answer(
        imported, "who plays the letter carrier in Run Home!?", "c"
    )
    assert "Jon Arden" in reply.answer
