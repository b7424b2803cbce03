"""Spelled-out numbers are read as numbers and checked like digits; invented examples only."""

from __future__ import annotations

import pytest

from bot.persona.llm.check import Grounds, Refused, check
from bot.persona.llm.numbers import spelled_numbers

GROUNDS = [
    Grounds.of(
        [
            "Tessaly Voor: The Voor troupe gave 3 performances in 1931 and toured for seventy-two "
            "nights.",
            "Its 4th season opened with 1,200 seats sold; the hall held two thousand and five.",
        ]
    )
]
GIVEN = ["tessaly-voor"]


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("three", [3]),
        ("twenty-one", [21]),
        ("twenty one", [21]),
        ("Seventy-Two nights", [72]),
        ("nineteen thirty-one", [1931]),
        ("nineteen hundred and thirty-one", [1931]),
        ("twenty twenty", [2020]),
        ("two thousand and five", [2005]),
        ("one thousand two hundred", [1200]),
        ("a hundred and twelve", [112]),
        ("three hundred twenty one", [321]),
        ("the third act", [3]),
        ("her twenty-first bow", [21]),
        ("the fortieth night", [40]),
        ("one hundredth", [100]),
        ("the second and the fourth", [2, 4]),
        ("three, four", [3, 4]),
        ("four and twenty", [4, 20]),
        ("eleven twelve", [1112]),
        ("one of them, at first", []),
        ("no one", []),
        ("a man and a dog", []),
        ("often, tenfold, nonetheless", []),
    ],
)
def test_english_number_words_are_read_as_their_values(text, values):
    assert spelled_numbers(text) == values


@pytest.mark.parametrize(
    "said",
    [
        "The Voor troupe gave three performances [tessaly-voor].",
        "They gave them in nineteen thirty-one [tessaly-voor].",
        "They toured for 72 nights [tessaly-voor].",
        "Its fourth season sold twelve hundred seats [tessaly-voor].",
        "Its fourth season sold one thousand two hundred seats [tessaly-voor].",
        "Three performances, and not one more [tessaly-voor].",
        "The hall held two thousand and five [tessaly-voor].",
        "At first nobody came; then everyone did [tessaly-voor].",
    ],
)
def test_a_spelled_number_the_lore_holds_passes(said):
    assert check(said, GIVEN, GROUNDS, 1900).cited == ("tessaly-voor",)


@pytest.mark.parametrize(
    ("said", "unknown"),
    [
        ("The Voor troupe gave six performances [tessaly-voor].", "6"),
        ("They gave them in nineteen thirty-two [tessaly-voor].", "1932"),
        ("They toured for seventy-three nights [tessaly-voor].", "73"),
        ("Its fifth season opened [tessaly-voor].", "5"),
        ("Its twenty-first season opened [tessaly-voor].", "21"),
        ("Eleven dancers left [tessaly-voor].", "11"),
        ("The hall held two thousand and six [tessaly-voor].", "2006"),
    ],
)
def test_a_spelled_number_the_lore_does_not_hold_is_refused(said, unknown):
    with pytest.raises(Refused, match=f"^numbers not in the lore: {unknown}$"):
        check(said, GIVEN, GROUNDS, 1900)
