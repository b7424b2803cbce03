"""Judging an answer to "Why do you want to dance?" in Vicky's spirit, or not."""

from __future__ import annotations

import pytest

from bot.persona.audition import in_spirit, judge

REPLY = "Well, I don't know exactly why, but... I must."


@pytest.mark.parametrize(
    "answer",
    [
        "Why do you want to live?",
        "why do you want to LIVE",
        "Why does anyone breathe?",
        "I must.",
        "I have to.",
        "I can't not dance.",
        "I cannot help it",
        "Because it's my life.",
        "Dancing is my whole life",
        "Without it I'd die.",
        "I was born to do it",
    ],
)
def test_answers_in_vickys_spirit(answer):
    assert in_spirit(answer)


@pytest.mark.parametrize(
    "answer", ["For the applause.", "I like the shoes", "", "Because my aunt said so", "money"]
)
def test_answers_in_another_spirit(answer):
    assert not in_spirit(answer)


def test_judge_gives_the_films_reply_and_approval_or_a_verdict():
    passed = judge("Why do you want to live?", REPLY, "Next!", "Class is at ten.")
    assert passed.in_spirit
    assert passed.reply == f"{REPLY}\nClass is at ten."
    failed = judge("For the applause.", REPLY, "Next!", "Class is at ten.")
    assert (failed.in_spirit, failed.reply) == (False, "Next!")
    assert judge("I must", None, "Next!", "Good.").reply == "Good."
