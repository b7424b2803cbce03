"""Persona lines: `{name}` is filled wherever a line is used, or the line is said without it."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, TypeVar, get_args

import pytest

from bot.lore.lorebook import Lorebook
from bot.lore.model import PersonaPurpose
from bot.persona.lines import PLACEHOLDER, address, persona_line

PURPOSES: tuple[PersonaPurpose, ...] = get_args(PersonaPurpose)

if TYPE_CHECKING:
    from _typeshed import SupportsLenAndGetItem

T = TypeVar("T")


class Picks(random.Random):
    """Chooses the `index`-th line, so a test can walk through every line of a purpose."""

    def __init__(self, index: int) -> None:
        super().__init__(0)
        self.index = index

    def choice(self, seq: SupportsLenAndGetItem[T]) -> T:
        return seq[self.index % len(seq)]


def test_address_fills_or_drops_the_placeholder_with_its_comma() -> None:
    assert address("Ah, {name}. Sit.", "Ann") == "Ah, Ann. Sit."
    assert address("Ah, {name}. Sit.", None) == "Ah. Sit."
    assert (
        address("{name}, I think there may be a rabbit.", None) == "I think there may be a rabbit."
    )
    assert address("Class is at ten, {name}.", None) == "Class is at ten."
    assert address("Braces {stay} as written, {name}.", None) == "Braces {stay} as written."


@pytest.mark.parametrize("name", [None, "Vicky"])
def test_every_shipped_line_of_every_purpose_is_finished(
    lorebook: Lorebook, name: str | None
) -> None:
    for purpose in PURPOSES:
        lines = lorebook.persona(purpose)
        for index in range(max(len(lines), 1)):
            said = persona_line(lorebook, purpose, Picks(index), name)
            assert PLACEHOLDER not in said, (purpose, index)
            assert said and not said.startswith((",", " ")), (purpose, said)
            if name is not None and index < len(lines) and PLACEHOLDER in lines[index]:
                assert name in said


def test_without_a_name_a_line_needing_one_is_not_picked_when_another_will_do(
    lorebook: Lorebook,
) -> None:
    verdicts = lorebook.persona("verdict")
    needing = [line for line in verdicts if PLACEHOLDER in line]
    assert needing and len(needing) < len(verdicts)  # the shipped case the defect was found in
    said = {persona_line(lorebook, "verdict", random.Random(seed)) for seed in range(200)}
    assert said == {line for line in verdicts if PLACEHOLDER not in line}
    assert len(lorebook.persona("verdict")) == len(verdicts)
