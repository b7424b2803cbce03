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
