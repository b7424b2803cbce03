"""The chat on a server that imported a pack about another film (tests/eval/pack/blimp.yaml).

The pack goes through the moderators' import (`plan_import`) and the server's layered view, as
`/lore import` does; its questions are scored like the other sets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.lore.library import Overlay, layer
from bot.lore.lorebook import Lorebook
from bot.lore.transfer import plan_import
from tests.eval.test_qa import assert_accurate

PACK = Path(__file__).parent / "pack" / "blimp.yaml"
QUESTIONS = Path(__file__).with_name("pack_blimp.yaml")


@pytest.fixture(scope="module")
def imported(lorebook: Lorebook) -> Lorebook:
    """The shipped lore with the pack imported into one server."""
    plan = plan_import(PACK.name, PACK.read_bytes(), lorebook, {})
    assert plan.added and not plan.replaced
    return layer(lorebook, Overlay(1, plan.entries))


def test_an_imported_film_is_answered_from_its_own_lore(imported: Lorebook) -> None:
    assert_accurate(imported, QUESTIONS)
