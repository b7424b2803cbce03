"""Reading a chat message: chat shorthand becomes the words it stands for, fillers go."""

from __future__ import annotations

import pytest

from bot.persona.reading import read


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("who designed the sets esp the ballet", ("especially",)),
        ("the ballet vs the tale", ("versus",)),
        ("who is he based on irl", ("in", "real", "life")),
        ("u think so tbh", ("you",)),
    ],
)
def test_chat_shorthand_reads_as_the_words_it_stands_for(message: str, words: tuple[str]) -> None:
    tokens = read(message).tokens
    assert all(word in tokens for word in words)
    assert not {"esp", "vs", "irl", "u", "tbh"} & set(tokens)


@pytest.mark.parametrize(
    ("message", "framed"),
    [
        ("Quick one: who played Livy, the conductor?", {"quick", "one", "conductor"}),
        ("ok odd question but who wrote it (just curious)", {"ok", "odd", "question", "curious"}),
        ("lady neston - who played her", {"lady", "neston"}),
    ],
)
def test_clauses_around_the_question_are_marked_as_framing(message: str, framed: set[str]) -> None:
    question = read(message)
    marked = {t for t, f in zip(question.tokens, question.framed, strict=True) if f}
    assert framed <= marked
    assert "who" not in marked
    assert len(question.framed) == len(question.tokens)


@pytest.mark.parametrize("message", ["who played Livy?", "who is she, and who played her?"])
def test_a_question_of_one_clause_or_only_asking_clauses_has_no_framing(message: str) -> None:
    assert read(message).framed == ()


def test_framing_follows_the_words_when_a_phrased_question_word_uses_one_up() -> None:
    question = read("what year, roughly, was it made")
    assert question.asks == "when"
    assert dict(zip(question.tokens, question.framed, strict=True)) == {
        "what": False,
        "roughly": True,
        "was": True,
        "it": True,
        "made": True,
    }
