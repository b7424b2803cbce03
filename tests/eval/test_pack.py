"""The chat on a server that imported a pack about another film (tests/eval/pack/*.yaml, each
with its questions in pack_<name>.yaml beside this file).

Each pack goes through the moderators' import (`plan_import`) and the server's layered view, as
`/lore import` does; its questions are scored like the other sets. A second pack checks that what
answers one imported film answers any, with nothing written for either.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.lore.library import Overlay, layer
from bot.lore.lorebook import Lorebook
from bot.lore.transfer import plan_import
from tests.eval.test_qa import assert_accurate

PACKS = Path(__file__).parent / "pack"


def _imported(lorebook: Lorebook, pack: Path) -> Lorebook:
    """The shipped lore with the pack imported into one server."""
    plan = plan_import(pack.name, pack.read_bytes(), lorebook, {})
    assert plan.added and not plan.replaced
    return layer(lorebook, Overlay(1, plan.entries))


@pytest.mark.parametrize("name", ["blimp", "amolad"])
def test_an_imported_film_is_answered_from_its_own_lore(lorebook: Lorebook, name: str) -> None:
    imported = _imported(lorebook, PACKS / f"{name}.yaml")
    assert_accurate(imported, Path(__file__).with_name(f"pack_{name}.yaml"))
