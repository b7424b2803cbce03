"""False claims about known things are set straight from the fields that hold them; true ones,
questions that only ask, and ties said of someone else in a clause are left to be answered."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.lore.library import Overlay, layer
from bot.lore.lorebook import Lorebook
from bot.lore.transfer import plan_import
from bot.persona.chat import Answerer, Reply

PACKS = Path(__file__).parents[1] / "eval" / "pack"


def ask(book: Lorebook, text: str) -> Reply:
    return Answerer(rng=random.Random(0)).answer(book, text)


def refuted(book: Lorebook, reply: Reply) -> bool:
    return any(reply.answer.startswith(line) for line in book.persona("refutation"))


@pytest.mark.parametrize(
    ("claim", "truth", "source"),
    [
        ("Sir Thomas Beecham played Livy, right?", "Esmond Knight played", "livy-montague"),
        ("marius goring played lermontov, didn't he?", "Anton Walbrook played", "boris-lermontov"),
        ("why did hitchcock direct the red shoes?", "Michael Powell", "the-red-shoes-film"),
        ("did jack cardiff direct the red shoes?", "Michael Powell", "the-red-shoes-film"),
        ("where did lermontov and vicky get married?", "marries Vicky", "julian-craster"),
        ("why did you marry vicky?", "marries Vicky", "julian-craster"),
        ("anton walbrook won an oscar for it, didn't he?", "won two", "the-red-shoes-film"),
        ("the red shoes won best film editing, right?", "(nominated)", "the-red-shoes-film"),
        ("Alfred Hitchcock was so good as Lady Neston", "Irene Browne played", "lady-neston"),
        (
            "Alfred Hitchcock's cameo as Livy, how did they get him?",
            "Esmond Knight",
            "livy-montague",
        ),
        (
            "hitchcock did a great job directing the red shoes",
            "Michael Powell",
            "the-red-shoes-film",
        ),
        ("why did vicky marry lermontov instead of julian?", "marries Vicky", "julian-craster"),
        ("lady neston is lermontov's wife, yes?", "Vicky's aunt", "lady-neston"),
        (
            "what did shearer say accepting her oscar for best actress?",
            "won two",
            "the-red-shoes-film",
        ),
        ("since vicky won best actress, why did she stop?", "won two", "the-red-shoes-film"),
        ("why was the red shoes shot in black and white?", "Technicolor", "trivia-technicolor"),
    ],
)
def test_a_false_claim_is_refuted_with_what_the_lore_holds(
    lorebook: Lorebook, claim: str, truth: str, source: str
) -> None:
    reply = ask(lorebook, claim)
    assert refuted(lorebook, reply), reply.answer
    assert truth in reply.answer
    assert source in reply.sources
    assert "hitchcock" not in reply.answer.casefold()  # the false name is not repeated


@pytest.mark.parametrize(
    "question",
    [
        "why did powell direct the red shoes?",
        "did brian easdale compose the music for the red shoes?",
        "who played livy?",
        "why did julian and vicky marry?",
        "why did you drop boronskaja just because she got engaged?",
        "when did andersen publish the red shoes?",
        "who is vicky's aunt?",
        "the red shoes won best art direction, right?",
        "was the red shoes nominated for best picture?",
        "moira shearer was so good as vicky",
        "she was soooo good as vicky",
        "why did vicky marry julian instead of lermontov?",
        "who won best actress that year?",
        "thanks, great job",
        "was the red shoes shot in colour?",
    ],
)
def test_true_claims_and_plain_questions_are_not_refuted(lorebook: Lorebook, question: str) -> None:
    reply = ask(lorebook, question)
    assert not refuted(lorebook, reply), reply.answer
    assert "no such thing" not in reply.answer


@pytest.mark.parametrize(
    ("question", "relative"),
    [("what happens to vicky's little sister?", "sister"), ("who was julian's father?", "father")],
)
def test_a_relative_the_story_never_gives_is_named_as_missing(
    lorebook: Lorebook, question: str, relative: str
) -> None:
    reply = ask(lorebook, question)
    assert relative in reply.answer
    assert reply.sources == []
    lines = [line.split("{thing}")[-1] for line in lorebook.persona("correction")]
    assert any(line in reply.answer for line in lines)


@pytest.mark.parametrize(
    ("claim", "truth"),
    [
        ("Colonel Blimp was in black and white, wasn't it?", "Technicolor"),
        ("Audrey Hepburn was so good as Edith in Colonel Blimp", "Deborah Kerr played"),
        ("Alfred Hitchcock did a great job directing Colonel Blimp", "Michael Powell"),
    ],
)
def test_a_false_claim_about_an_imported_film_is_refuted_from_its_pack(
    lorebook: Lorebook, claim: str, truth: str
) -> None:
    pack = PACKS / "blimp.yaml"
    plan = plan_import(pack.name, pack.read_bytes(), lorebook, {})
    reply = ask(layer(lorebook, Overlay(1, plan.entries)), claim)
    assert refuted(lorebook, reply), reply.answer
    assert truth in reply.answer
    assert "blimp-film" in reply.sources or any(s.startswith("blimp-") for s in reply.sources)
